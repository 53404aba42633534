"""The leaders' brief: the PDF read back (pypdf) holds exactly the numbers
Ringkasan shows for the same filters, in either language; one A4 page with
every font embedded; a one-page "no data" brief for an empty region; the
public view's brief suppressed; `brief --all` writes one file per pilot and
per province and reports the time; --as and the audit log.

Real parts: the demo warehouse built by the command line, Debian's Chromium
through kaleido, ReportLab, AppTest for the page."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys

import pytest
from pypdf import PdfReader
from streamlit import config
from streamlit.testing.v1 import AppTest

from bansos import audit, brief, fmt, i18n, suppress
from bansos.charts.static import Images
from bansos.queries import QueryRunner
from tests.app_fixtures import REPO, app_key_file, demo_db, empty_db  # noqa: F401

EXAMPLE = REPO / "data" / "access.example.toml"


@pytest.fixture(scope="module")
def wh(tmp_path_factory, demo_db):  # noqa: F811
    """This module's own copy of the demo warehouse (briefs write to its audit log)."""
    db = tmp_path_factory.mktemp("brief") / "demo.duckdb"
    shutil.copyfile(demo_db, db)
    return db


@pytest.fixture(scope="module")
def images():
    with Images() as maker:
        yield maker


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def squeeze(text: str) -> str:
    """Whitespace out: a PDF breaks lines where the page did not."""
    return re.sub(r"\s+", "", text)


def ringkasan(db, lang: str, query: dict) -> AppTest:
    os.environ["BANSOS_DB"] = str(db)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    at.session_state["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def tiles_shown(at: AppTest, lang: str) -> list[str]:
    """The four headline tiles of Ringkasan as the reader sees them: value,
    change, and the captions with their numerators and denominators (and
    the amounts under the disbursement rate)."""
    from bansos.indicators import BY_ID

    labels = {BY_ID[m].label(lang) for m in ("coverage", "exclusion_error", "inclusion_error", "disbursement_rate")}
    found = [m for m in at.metric if m.label in labels]
    assert len(found) == 4
    of, families = i18n.t("word.of", lang), i18n.t("word.families", lang)
    ratio = re.compile(rf"[\d.,]+ {of} [\d.,]+ {families}")
    amounts = re.compile("^" + re.escape(i18n.t("ringkasan.tile.amounts", lang, paid="@", allocated="@")).replace("@", "Rp .+") + "$")
    captions = [c.value for c in at.caption if ratio.search(c.value) or amounts.match(c.value)]
    assert len(captions) == 4, captions
    return [m.value for m in found] + [m.delta for m in found if m.delta] + captions


CASES = [("region", "18.72", {"wil": "18.72"}), ("province", "18", {"prov": "18"}), ("province", "35", {"prov": "35"})]


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("kind,code,query", CASES)
def test_the_pdf_holds_exactly_the_numbers_ringkasan_shows(wh, images, kind, code, query, lang):
    at = ringkasan(wh, lang, {**query, "prog": "SEMBAKO", "tahap": "2026-1"})
    shown = tiles_shown(at, lang)
    pdf, content = brief.make(QueryRunner(wh, cache=False),
                              brief.Request(kind, code, program="SEMBAKO", year=2026, tranche=1, lang=lang), images)
    text = squeeze(text_of(pdf))
    assert not content.empty
    for piece in shown:
        assert squeeze(piece) in text, piece
    # The same headline numbers, not merely similar words: the rates and changes of the query row.
    runner = QueryRunner(wh, cache=False)
    totals = runner.run("totals_by_period", as_of=None, basis="desil", program="SEMBAKO", regions=list(content.request.regions))
    row = totals[(totals.year == 2026) & (totals.tranche == 1)].iloc[0]
    for metric in ("coverage", "exclusion_error", "inclusion_error", "disbursement_rate"):
        assert squeeze(fmt.pct(row[metric], lang)) in text
        assert squeeze(fmt.pp(fmt.shown_change(row[metric], row[f"prev_{metric}"]), lang)) in text
    assert squeeze(fmt.number(row["eligible_covered"], lang)) in text and squeeze(fmt.number(row["eligible_families"], lang)) in text
    # The Ringkasan view is the brief's: the same regions.
    assert squeeze(i18n.t("period.label", lang, year=2026, tranche=1)) in text
    assert squeeze(i18n.t("brief.demo", lang)) in text            # demo data says so
    assert squeeze(content.rule) in text and squeeze(content.version) in text
    assert all(squeeze(sentence) in text for sentence in content.sentences) and len(content.sentences) == 3


def test_one_a4_page_every_font_embedded(wh, images):
    pdf, content = brief.make(QueryRunner(wh, cache=False), brief.Request("province", "35"), images)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)   # A4 in points
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
    # The page's chart is in it, as an image.
    assert any("/Image" in str(x.get_object().get("/Subtype")) for x in reader.pages[0]["/Resources"]["/XObject"].values())
    assert content.trend is not None


def test_an_empty_region_gives_a_one_page_no_data_brief(wh, images):
    # 11.01 (Aceh Selatan) has no data in the demo.
    pdf, content = brief.make(QueryRunner(wh, cache=False), brief.Request("region", "11.01", lang="en"), images)
    assert content.empty and len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = squeeze(text_of(pdf))
    assert squeeze("No data for this period") in text and squeeze("Aceh Selatan") in text
    assert squeeze(content.rule) in text


def test_an_empty_warehouse_gives_the_no_data_brief_without_a_demo_label(empty_db, images):  # noqa: F811
    pdf, content = brief.make(QueryRunner(empty_db, cache=False), brief.Request("province", "18"), images)
    text = squeeze(text_of(pdf))
    assert content.empty and squeeze(i18n.t("brief.empty", "id")) in text
    assert squeeze(i18n.t("brief.demo", "id")) not in text


def test_the_public_brief_shows_small_counts_as_less_than_k(wh, images):
    """A pilot and tranche where the public view hides a count: the public
    brief says "< 10" there and never the number."""
    runner = QueryRunner(wh, cache=False)
    found = None
    for program in ("PKH", "SEMBAKO"):
        frame = runner.run("region_indicators", as_of=None, basis="desil", program=program, year=None, tranche=None,
                           province=None, regions=None)
        frame = frame[frame.is_pilot.astype(bool)].reset_index(drop=True)
        for code, rows in frame.groupby("region_code"):
            result = suppress.public_region_indicators(rows.reset_index(drop=True))
            mine = result.values.region_code == code
            small = result.status[mine]["ineligible_recipients"] == suppress.SMALL
            if small.any():
                index = small[small].index[-1]
                found = (program, code, int(result.values.at[index, "year"]), int(result.values.at[index, "tranche"]),
                         int(rows.reset_index(drop=True).at[index, "recipients"] - rows.reset_index(drop=True).at[index, "eligible_recipients"]))
                break
        if found:
            break
    assert found, "the demo has a pilot with fewer than 10 ineligible recipients in some tranche"
    program, code, year, tranche, exact = found
    request = brief.Request("region", code, program=program, year=year, tranche=tranche)
    pdf, content = brief.make(runner, request, images, public=True)
    inclusion = next(h for h in content.headlines if h.indicator == "inclusion_error")
    assert inclusion.caption.startswith("< 10 dari")
    assert inclusion.value == fmt.EMPTY      # a rate on a hidden numerator is not shown
    # and the sentence says it is withheld, not that there is no register
    assert content.sentences[1].startswith(i18n.t("ringkasan.narrative.hidden", "id", period="@", metric="@", program="@",
                                                  where="@").split("@")[0])
    assert i18n.t("ringkasan.narrative.inclusion.no_register", "id") not in content.sentences
    assert content.comparison is None and i18n.t("brief.comparison.public", "id") in content.comparison_notes
    text = squeeze(text_of(pdf))
    assert squeeze(i18n.t("brief.public", "id", k=10)) in text
    _, private = brief.make(runner, request, images)
    private_inclusion = next(h for h in private.headlines if h.indicator == "inclusion_error")
    assert private_inclusion.caption.startswith(f"{exact} dari")


def cli(*args, access=None, timeout=600):
    env = {**os.environ, **({"BANSOS_ACCESS": str(access)} if access else {})}
    return subprocess.run([sys.executable, "-m", "bansos", "brief", *map(str, args)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_brief_all_writes_one_file_per_pilot_and_province_and_reports_the_time(wh, tmp_path):
    result = cli("--all", "--db", wh, "--out", tmp_path / "all")
    assert result.returncode == 0, result.stderr
    options = QueryRunner(wh, cache=False).run("options_regions")
    pilots = options[options.is_pilot.astype(bool)]
    files = sorted(p.name for p in (tmp_path / "all").glob("*.pdf"))
    assert len(files) == len(pilots) + pilots.province_code.nunique()
    assert {f"ringkasan_wilayah-{c}" for c in pilots.region_code} <= {f.split("_PKH")[0] for f in files}
    assert {f"ringkasan_provinsi-{p}" for p in pilots.province_code} <= {f.split("_PKH")[0] for f in files}
    assert re.search(rf"{len(files)} briefs \(\d+ pilots, \d+ provinces\) in \d+\.\d s", result.stderr)
    for path in (tmp_path / "all").glob("*.pdf"):
        assert len(PdfReader(path).pages) == 1


def test_brief_command_line_usage_refusals_as_and_audit(wh, tmp_path):
    assert cli("--region", "18.72", "--year", "2026", "--db", wh, "--out", tmp_path / "x.pdf").returncode == 2
    assert cli("--region", "1872", "--db", wh, "--out", tmp_path / "x.pdf").returncode == 2
    assert cli("--region", "99.99", "--db", wh, "--out", tmp_path / "x.pdf").returncode == 1
    assert not (tmp_path / "x.pdf").exists()
    outside = cli("--region", "35.10", "--as", "pimpinan.lampung@example.go.id", "--db", wh, "--out", tmp_path / "x.pdf",
                  access=EXAMPLE)
    assert outside.returncode == 1 and "outside the access" in outside.stderr and not (tmp_path / "x.pdf").exists()
    out = tmp_path / "metro.pdf"
    done = cli("--region", "18.72", "--lang", "en", "--as", "pimpinan.lampung@example.go.id", "--db", wh, "--out", out,
               access=EXAMPLE)
    assert done.returncode == 0, done.stderr
    text = squeeze(text_of(out.read_bytes()))
    assert squeeze("Kota Metro (18.72)") in text and squeeze("for pimpinan.lampung@example.go.id") in text
    record = [r for r in audit.read(wh) if r["event"] == "brief"][-1]
    assert record["as_email"] == "pimpinan.lampung@example.go.id" and record["subject"] == "region 18.72"
    assert record["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest() and record["filters"]["lang"] == "en"
    assert record["actor"]["roles"] == ["pimpinan"]
    assert audit.verify(wh).ok


@pytest.fixture
def local_address():
    saved = config.get_option("server.address")
    config.set_option("server.address", "localhost")
    yield
    config.set_option("server.address", saved)


def test_ringkasan_offers_the_brief_of_the_region_or_province_in_view(wh, local_address):
    def briefs(at, lang):  # the brief's button among the charts' data downloads
        return [b for b in at.get("download_button") if b.proto.label == i18n.t("brief.download", lang)]

    at = ringkasan(wh, "id", {"wil": "18.72", "prog": "PKH", "tahap": "2026-2"})
    assert len(briefs(at, "id")) == 1
    national = ringkasan(wh, "en", {})
    assert not briefs(national, "en")
    assert i18n.t("brief.download.choose", "en") in [c.value for c in national.caption]
    province = ringkasan(wh, "en", {"prov": "35"})
    assert len(briefs(province, "en")) == 1


def test_a_brief_file_is_named_in_its_language_with_the_code_as_written():
    assert brief.file_name(brief.Request("region", "18.72", "PKH", 2026, 2, lang="en")) == \
        "brief_region-18.72_PKH_2026-T2_en.pdf"
    assert brief.file_name(brief.Request("province", "18", "PKH", 2026, 2)) == "ringkasan_provinsi-18_PKH_2026-T2_id.pdf"
