"""The public view on the demo warehouse, scanned as a reader sees it: every
number on every public page (tiles, captions, tables, charts) and in every
file it hands out, for every programme and several tranches, in both
languages. A count of families from 1 to k-1 must never appear; every rate
shown must rest on a numerator and a denominator that are shown; and from
the published file, no subtraction a reader can do (a total less its
parts, a count less another, the all-pilots row less the regions shown)
may give a small count. The suppression itself (bansos/suppress.py) is
attacked exhaustively in tests/test_suppress.py; this is the page level.

The demo at scale 0.003 is small on purpose: most of its cells are under
k = 10 families, so the pages are full of suppressed and hidden cells.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from bansos import audit, i18n, suppress
from bansos.queries import QueryRunner
from tests.app_fixtures import REPO, app_key_file, demo_db, shown  # noqa: F401

K = 10
EXAMPLE = REPO / "data" / "access.example.toml"
AUTH = {"redirect_uri": "http://localhost:1/oauth2callback", "cookie_secret": "x" * 32, "client_id": "c",
        "client_secret": "s", "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}
PAGES = ("ringkasan", "cakupan", "sasaran", "perbandingan", "pendaftaran", "ekspor")
COUNTS = set(suppress.REGION_INDICATORS.counts)
AMOUNTS = {a.name: a.count for a in suppress.REGION_INDICATORS.amounts}
RATES = {r.name: (r.numerator, r.denominator) for r in suppress.REGION_INDICATORS.rates}
# Differences a reader can take between two published counts of one row (each is a count of families).
DIFFERENCES = (("eligible_families", "eligible_covered"), ("recipients", "eligible_recipients"),
               ("ineligible_recipients", "not_in_register"), ("recipients", "paid_families"),
               ("paid_families", "timely_families"))


@pytest.fixture(scope="module")
def db(demo_db, tmp_path_factory):  # noqa: F811
    path = tmp_path_factory.mktemp("public") / "demo.duckdb"
    shutil.copyfile(demo_db, path)
    return path


@pytest.fixture(scope="module")
def settings_env(db):
    import os

    saved = {name: os.environ.get(name) for name in ("BANSOS_ACCESS", "BANSOS_DB")}
    os.environ["BANSOS_ACCESS"] = str(EXAMPLE)
    os.environ["BANSOS_DB"] = str(db)
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="module")
def deferred():
    captured: dict[str, tuple] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = original(self, data_callable, mimetype, coordinates, file_name, **kwargs)
        captured[file_id] = (data_callable, file_name)
        return file_id

    MediaFileManager.add_deferred = spy
    yield captured
    MediaFileManager.add_deferred = original


@pytest.fixture(scope="module")
def views(db):
    """(programme, year, tranche) to scan: every programme's first and latest tranche."""
    runner = QueryRunner(db, cache=False)
    try:
        periods = runner.run("options_periods")
    finally:
        runner.close()
    chosen = []
    for program, rows in periods.groupby("program"):
        ordered = sorted(zip(rows.year, rows.tranche))
        chosen += [(program, *ordered[0]), (program, *ordered[-1])]
    return sorted(set(chosen))


def public_page(page: str, query: dict, lang: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.session_state["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/publik/{page}.py")
    at.run()
    assert not at.exception, [e.value[:400] for e in at.exception]
    return at


# -- reading numbers the way a person does --------------------------------------------------

_NOT_COUNTS = [
    r"<[^>]+>",                                   # markup in chart hovers
    r"[<≤]\s*\d[\d.,]*",                          # "< 10", "≤ 30"
    r"\d+\s*[–-]\s*\d+",                          # "1–9"
    r"[-+]?\d[\d.,]*\s*(%|poin|pp)",              # rates and changes of rates
    r"Rp\s*[-+]?\d[\d.,]*(\s*(T|M|B|jt))?",       # amounts (checked against their counts in the files)
    r"\b(T|Tahap|Tranche)\s*\d\s+\d{4}",          # tranches
    r"\d{1,2}\s+[A-Z][a-z]{2}\s+\d{4}(\s+\d{2}[.:]\d{2}(\s*WIB)?)?",  # dates and times
    r"\d{4}-\d{2}-\d{2}",
    r"\b\d{2}\.\d{2}\b",                          # kab/kota codes
    r"\bdesil\s*\S*\s*\d+",                       # thresholds of the rule
    r"\b20\d\d\b",                                # years
    r"\b(Peringkat|Rank|Urutan|Order):?\s*\d+",     # places in an order
]


def counts_in(text: str) -> list[int]:
    """The whole numbers of a text that can be counts of families."""
    for pattern in _NOT_COUNTS:
        text = re.sub(pattern, " ", text)
    return [int(re.sub(r"[.,]", "", n)) for n in re.findall(r"(?<![\w.,])\d{1,3}(?:[.,]\d{3})*(?![\w.,]*\d)", text)]


def small(values) -> list:
    return [v for v in values if 1 <= v <= K - 1]


def page_numbers(at: AppTest) -> list[str]:
    """Every text on the page that carries figures: tiles, captions, the
    context line, table cells as shown, and the words and numbers in charts."""
    texts = [m.value for m in at.metric] + [c.value for c in at.caption] + [m.value for m in at.markdown]
    for element in at.dataframe:
        frame = shown(element, by="name")
        # every column but places in an order and the tranche's year and number
        texts += [str(v) for column in frame.columns if column not in ("order", "year", "tranche")
                  for v in frame[column].tolist()]
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for trace in spec.get("data", []):
            for field in ("text", "customdata", "hovertext"):
                values = trace.get(field)
                if isinstance(values, list):
                    texts += [str(v) for v in values]
            for axis in ("x", "y", "z"):
                values = trace.get(axis)
                if isinstance(values, list):
                    # a rate is 0..1; anything above is a count
                    texts += [str(int(v)) for v in values if isinstance(v, (int, float)) and v > 1 and v == int(v)]
    return texts


# -- the scan ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_no_small_count_on_any_public_page(db, settings_env, views, lang):
    seen_hidden = 0
    for program, year, tranche in views:
        query = {"prog": program, "tahap": f"{year}-{tranche}"}
        for page in PAGES:
            at = public_page(page, query, lang)
            texts = page_numbers(at)
            found = [(t, small(counts_in(t))) for t in texts if small(counts_in(t))]
            assert not found, (program, year, tranche, page, found[:5])
            seen_hidden += sum(t.count("—") + t.count(f"< {K}") for t in texts)
    assert seen_hidden > 50  # the scan did meet suppressed cells: it is not scanning empty pages


def _file_rows(payload: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"))))


def _number(text: str) -> float | None:
    return None if text == "" else float(text)


def test_the_public_files_hold_no_small_count_and_no_subtraction_gives_one(db, settings_env, deferred):
    at = public_page("ekspor", {}, "id")
    at.radio(key="ek_scope").set_value("all").run()
    button = at.download_button(key="ek_dl_public_csv")
    data_callable, _name = deferred[button.proto.deferred_file_id]
    before = len(audit.read(db))
    payload = data_callable()
    record = audit.read(db)[-1]
    assert len(audit.read(db)) == before + 1 and record["event"] == "download"
    assert record["actor"]["mode"] == "public" and record["table"] == "region-indicators-publik"
    rows = _file_rows(payload)
    runner = QueryRunner(db, cache=False)
    try:
        pilots = set(runner.run("kualitas_pilots").region_code)
        raw = runner.run("region_indicators", as_of=None, basis="desil", program=None, year=None, tranche=None,
                         province=None, regions=None)
    finally:
        runner.close()
    assert {r["region_code"] for r in rows} == {code for code in pilots if code in set(raw.region_code)} | {"ALL"}
    withheld_small = 0
    for row in rows:
        values = {c: _number(row[c]) for c in row if c in COUNTS or c in AMOUNTS or c in RATES}
        # 1. no count from 1 to k-1
        assert not small([v for c, v in values.items() if c in COUNTS and v is not None]), row
        # 2. a rate shown rests on both its counts shown, the denominator at least k
        for rate, (numerator, denominator) in RATES.items():
            if values.get(rate) is not None:
                assert values[numerator] is not None and values[denominator] is not None, (rate, row)
                assert values[denominator] >= K
        # 3. an amount is shown only with its count, at least k (a fixed benefit would make it a count)
        for amount, count in AMOUNTS.items():
            if values.get(amount) not in (None, 0.0):
                assert values[count] is not None and values[count] >= K, (amount, row)
        # 4. the difference of two counts shown is not a small count
        for total, part in DIFFERENCES:
            if values.get(total) is not None and values.get(part) is not None:
                assert not small([values[total] - values[part]]), (total, part, row)
        withheld_small += row["withheld"].count(f"<{K}")
    assert withheld_small > 20  # there were small cells to protect
    # 5. the all-pilots row less the pilots shown: never one small pilot left over
    by_period: dict[tuple, list[dict]] = {}
    for row in rows:
        by_period.setdefault((row["program"], row["year"], row["tranche"]), []).append(row)
    for period, period_rows in by_period.items():
        total = next(r for r in period_rows if r["region_code"] == "ALL")
        parts = [r for r in period_rows if r["region_code"] != "ALL"]
        for column in COUNTS & set(total):
            if total[column] == "":
                continue
            missing = [r for r in parts if r[column] == ""]
            if len(missing) == 1:
                left = float(total[column]) - sum(float(r[column]) for r in parts if r[column] != "")
                assert not small([left]), (period, column, missing[0]["region_code"], left)
    # the same rows and withheld cells in every format of the page
    for file_format, reader in (("csv-id", None), ("xlsx", "xlsx"), ("parquet", "parquet")):
        button = at.download_button(key=f"ek_dl_public_{file_format}")
        other = deferred[button.proto.deferred_file_id][0]()
        if reader == "parquet":
            import pandas as pd

            frame = pd.read_parquet(io.BytesIO(other))
            assert len(frame) == len(rows)
            assert not small([v for c in COUNTS & set(frame.columns) for v in frame[c].dropna()])
        elif reader == "xlsx":
            assert other[:2] == b"PK"
        else:
            assert len(other.decode("utf-8-sig").splitlines()) == len(rows) + 1


def test_chart_data_of_the_public_view_is_the_suppressed_table(db, settings_env, deferred):
    at = public_page("ringkasan", {"prog": "SEMBAKO"}, "id")
    keys = [b.key for b in at.download_button if b.key.endswith("_data_csv")]
    assert keys
    for key in keys:
        payload = deferred[at.download_button(key=key).proto.deferred_file_id][0]()
        for row in _file_rows(payload):
            counts = [float(row[c]) for c in row if c in COUNTS and row[c] != ""]
            assert not small(counts), (key, row)
            assert "withheld" in row


def test_the_count_reader_reads_counts_and_skips_the_rest():
    assert counts_in("1.645 dari 2.023 keluarga") == [1645, 2023]
    assert counts_in("5 dari 12 keluarga") == [5, 12]
    assert counts_in("81,3% · +2,1 poin · T2 2026 · Tahap 1 2025 · < 10 · 1–9 · (18.72) · 31 Jan 2026 08.16 WIB") == []
    assert counts_in("Rp 1,3 M dari Rp 600.000 tersalur") == []
    assert counts_in("7 of 1,234 eligible families") == [7, 1234]


def test_a_table_the_suppression_cannot_protect_is_not_shown_at_all(db, settings_env, monkeypatch):
    # With k = 2 the demo has a cell (a count of 1) that no hiding protects: the engine refuses the
    # table, and the public pages then show a plain message and no figure, never a traceback.
    monkeypatch.setenv("BANSOS_SUPPRESS_K", "2")
    at = public_page("ringkasan", {}, "id")
    assert i18n.t("error.query", "id") in [e.value for e in at.error]
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
