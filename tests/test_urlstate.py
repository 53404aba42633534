"""The view in the link (bansos/urlstate.py and the widgets that use it).

Pure parts first (matching, the one region resolution, quoting), then
AppTest runs of links: codes in both languages, old label-style links,
pinned tranche and snapshot, and links that ask for what cannot be shown.
What the browser does with the URL (write-back, a copied link in a fresh
browser) is in tests/test_e2e_links.py.
"""

from __future__ import annotations

import importlib
import os
import re

import pytest
from streamlit.testing.v1 import AppTest

from bansos import fmt, i18n, urlstate
from bansos.queries import QueryRunner
from tests.app_fixtures import REPO, app_key_file, demo_db  # noqa: F401
from tests.page_text import page_texts

NAMES = {"18.72": "Kota Metro", "35.10": "Kabupaten Banyuwangi", "18.09": "Kabupaten Pesawaran"}


# -- matching and resolving -------------------------------------------------------------


def test_match_takes_the_code_or_a_label_of_either_language():
    aliases = {"all": ("Semua", "All"), "pilot": ("Pilot", "Pilots"), "comparison": ("Pembanding", "Comparison")}
    assert urlstate.match("all", aliases) == "all"
    assert urlstate.match("Semua", aliases) == "all"
    assert urlstate.match("  semua ", aliases) == "all"  # case and spacing ignored
    assert urlstate.match("Comparison", aliases) == "comparison"
    assert urlstate.match("Pilots", aliases) == "pilot"
    assert urlstate.match("Alle", aliases) is None
    assert urlstate.match("Semua" + " " * 200, aliases) is None  # too long to be a value at all
    assert urlstate.match("ＰＩＬＯＴ", aliases) == "pilot"  # full-width letters fold to the same text


def test_resolve_codes_reads_codes_old_labels_and_names():
    found = urlstate.resolve_codes(["18.72", "Kabupaten Banyuwangi (35.10)", "kabupaten pesawaran", "1872"], NAMES)
    assert found.codes == ("18.72", "35.10", "18.09")  # the repeat (1872 = 18.72) once
    assert found.unknown == () and found.outside == ()
    assert urlstate.resolve_codes("Kota Metro (18.72) · Pilot", NAMES).codes == ("18.72",)


def test_resolve_codes_tells_unknown_from_outside_access():
    found = urlstate.resolve_codes(["18.72", "99.99", "35.10", "<script>"], NAMES, allowed={"18.72"})
    assert found.codes == ("18.72",)
    assert found.unknown == ("99.99", "<script>")
    assert found.outside == ("35.10",)  # exists, but not for this viewer: never shown
    assert urlstate.resolve_codes(["35.10"], NAMES, allowed=None).codes == ("35.10",)  # None = every region
    assert urlstate.resolve_codes(["35.10"], NAMES, allowed=set()).outside == ("35.10",)


def test_resolve_codes_reads_a_bounded_number_of_values():
    found = urlstate.resolve_codes(["18.72"] * 60 + ["x"] * 10, NAMES)
    assert found.codes == ("18.72",)
    assert found.unknown == (f"… (+{70 - urlstate.MAX_VALUES})",)


def test_quote_makes_hostile_values_plain_text():
    assert urlstate.quote("<script>alert(1)</script>") == r"\<script\>alert\(1\)\</script\>"
    assert urlstate.quote("' OR 1=1 --") == r"\' OR 1\=1 \-\-"
    assert urlstate.quote("[x](javascript:alert(1))") == r"\[x\]\(javascript\:alert\(1\)\)"
    assert urlstate.quote("$x$ *y* `z`") == r"\$x\$ \*y\* \`z\`"
    assert urlstate.quote("a\nb\tc\x00d") == "a b c d"  # control characters gone
    long = urlstate.quote("9" * 10_000)
    assert long == "9" * urlstate.QUOTED_LENGTH + "…"
    assert urlstate.quote("Kota Métro ✓") == r"Kota Métro ✓"  # unicode kept


def test_every_link_parameter_is_documented_and_no_widget_is_bound():
    # the URL layer is the only writer of the link: no widget binds itself
    sources = [*(REPO / "app_pages").glob("*.py"), *(REPO / "bansos").rglob("*.py"), REPO / "dashboard.py"]
    for path in sources:
        if path.name == "urlstate.py":
            continue
        text = path.read_text()
        assert not re.search(r"bind\s*=", text), path
        assert "st.query_params" not in text, path
    assert all(isinstance(doc, str) and doc for doc in urlstate.PARAMETERS.values())


# -- links in AppTest ----------------------------------------------------------------------


def run(db, page: str, query: dict, state: dict | None = None) -> AppTest:
    os.environ["BANSOS_DB"] = str(db)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def notices(at) -> list[str]:
    return [w.value for w in at.warning if "«" in w.value or "“" in w.value]


def totals(db, program, year, tranche, regions):
    frame = QueryRunner(db, cache=False).run("totals_by_period", as_of=None, basis="desil", program=program, regions=regions)
    return frame[(frame.year == year) & (frame.tranche == tranche)].iloc[0]


def all_regions(db) -> list[str]:
    return list(QueryRunner(db, cache=False).run("options_regions").region_code)


def test_the_link_holds_codes_and_pins_tranche_and_snapshot(demo_db):  # noqa: F811
    at = run(demo_db, "ringkasan", {})
    # nobody chose anything: the programme, tranche and snapshot shown are written anyway
    assert dict(at.query_params) == {"prog": "PKH", "tahap": "2026-2", "snap": "2026-01-31"}
    at.session_state["lang"] = "en"
    at.session_state["grup"] = "all"
    at.session_state["tahap"] = "2026-1"
    at.run()
    assert dict(at.query_params) == {"lang": "en", "grup": "all", "prog": "PKH", "tahap": "2026-1", "snap": "2026-01-31"}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_link_shows_the_same_figures_in_either_language(demo_db, lang):  # noqa: F811
    at = run(demo_db, "ringkasan", {"lang": lang, "grup": "all", "prog": "SEMBAKO", "tahap": "2026-1"})
    row = totals(demo_db, "SEMBAKO", 2026, 1, all_regions(demo_db))
    tile = next(m for m in at.metric if m.label == i18n.t("nav.cakupan", lang).split(" ")[0])
    assert tile.value == fmt.pct(row.coverage, lang)
    assert not notices(at)


@pytest.mark.parametrize("query", [
    {"grup": "Semua", "tahap": "Tahap 1 2026", "prog": "SEMBAKO"},      # Indonesian labels
    {"grup": "All", "tahap": "Tranche 1 2026", "prog": "BPNT"},         # English labels, a programme alias
    {"grup": "all", "tahap": "T1 2026", "prog": "sembako", "snap": "31 Jan 2026", "lang": "English"},
])
def test_old_label_links_still_open(demo_db, query):  # noqa: F811
    at = run(demo_db, "ringkasan", query)
    assert not notices(at)
    assert at.session_state["grup"] == "all" and at.session_state["tahap"] == "2026-1"
    assert at.session_state["prog"] == "SEMBAKO"
    # and the link is rewritten in codes
    assert at.query_params["grup"] == "all" and at.query_params["tahap"] == "2026-1"
    assert at.query_params["prog"] == "SEMBAKO" and at.query_params["snap"] == "2026-01-31"


def test_old_page_links_still_open(demo_db):  # noqa: F811
    at = run(demo_db, "perbandingan", {"pb_t1": "Tahap 4 2025", "pb_t2": "Tranche 1 2026", "pb_metric": "Cakupan",
                                       "pb_pilot": "Kabupaten Banyuwangi (35.10)"})
    assert not notices(at)
    assert at.selectbox(key="pb_t1").value == "2025-4" and at.selectbox(key="pb_t2").value == "2026-1"
    assert at.selectbox(key="pb_metric").value == "coverage" and at.selectbox(key="pb_pilot").value == "35.10"
    assert at.query_params["pb_t1"] == "2025-4" and at.query_params["pb_metric"] == "coverage"


@pytest.mark.parametrize("name, value, what, instead", [
    ("wil", "99.99", "kabupaten/kota", "semua wilayah dalam kelompok"),
    ("prov", "77", "provinsi", "Semua provinsi"),
    ("prog", "BANSOS_X", "program", "PKH"),
    ("tahap", "2031-7", "tahap", "Tahap 2 2026"),
    ("snap", "1999-01-01", "snapshot register", "31 Jan 2026"),
    ("basis", "magic", "basis kelayakan", "Desil DTSEN"),
    ("grup", "friends", "kelompok wilayah", "Pilot"),
    ("lang", "fr", "bahasa", "Bahasa Indonesia"),
])
def test_a_link_value_that_cannot_be_shown_is_named_with_what_is_shown_instead(demo_db, name, value, what, instead):  # noqa: F811
    at = run(demo_db, "ringkasan", {name: value})
    said = notices(at)
    assert len(said) == 1, said
    assert f"{what} «{urlstate.quote(value)}»" in said[0] and said[0].endswith(f"Ditampilkan: {instead}.")


def test_a_region_outside_the_chosen_group_is_named(demo_db):  # noqa: F811
    # Kabupaten Pesawaran (18.09) exists but is no pilot: with the pilots shown it is not in view
    at = run(demo_db, "ringkasan", {"wil": ["18.72", "18.09"]})
    [said] = notices(at)
    assert "«18\\.09»" in said and "tidak termasuk provinsi atau kelompok wilayah terpilih" in said
    assert at.session_state["wil"] == ["18.72"]


def test_hostile_values_are_said_as_text_and_change_nothing(demo_db):  # noqa: F811
    hostile = {"wil": "<script>alert(1)</script>", "prog": "' OR 1=1 --", "tahap": "9" * 10_000,
               "pb_metric": "Ω≈ç√∫˜µ≤≥÷", "basis": "desil\nlayak"}
    at = run(demo_db, "perbandingan", hostile)
    said = "\n".join(notices(at))
    assert r"\<script\>alert\(1\)\</script\>" in said and r"\' OR 1\=1 \-\-" in said
    assert "9" * urlstate.QUOTED_LENGTH + "…" in said and "9" * (urlstate.QUOTED_LENGTH + 1) not in said
    assert "Ω≈ç√∫˜µ≤≥÷" in said and "desil layak" in said
    assert len(notices(at)) == 5
    # the defaults are shown instead, and the link now holds them
    assert at.session_state["prog"] == "PKH" and at.query_params["tahap"] == "2026-2"
    assert at.session_state["pb_metric"] == "exclusion_error" and at.session_state["basis"] == "desil"


def test_a_notice_follows_the_language_and_goes_when_the_filter_changes(demo_db):  # noqa: F811
    at = run(demo_db, "ringkasan", {"prog": "XYZ"})
    assert "program «XYZ»" in notices(at)[0]
    at.session_state["lang"] = "en"
    at.run()
    assert "programme “XYZ”" in notices(at)[0] and notices(at)[0].endswith("Shown instead: PKH.")
    at.session_state["prog"] = "SEMBAKO"
    at.run()
    assert not notices(at)


def test_outside_access_shows_no_figures_for_it(demo_db, monkeypatch):  # noqa: F811
    """The access hook: with a viewer allowed Kota Metro only, a link to
    Banyuwangi says it is outside their access and shows Metro alone."""
    import bansos.ui

    def metro_only():
        return frozenset({"18.72"})

    monkeypatch.setattr(importlib.import_module("bansos.ui.filters"), "allowed_regions", metro_only)
    monkeypatch.setattr(bansos.ui, "allowed_regions", metro_only)
    at = run(demo_db, "sasaran", {"wil": ["35.10"], "prov": "35"})
    said = "\n".join(notices(at))
    assert "di luar akses Anda" in said and "35\\.10" in said
    assert list(at.dataframe[0].value.region_code) == ["18.72"]
    assert "Banyuwangi" not in "\n".join(page_texts(at)).replace(said, "")
