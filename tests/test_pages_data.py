"""The Pendaftaran, Ekspor, Kualitas and Metodologi pages: their queries
agree with the funnel / ledger they summarise, and every page renders on the
demo and the empty warehouse in both languages, reacts to its filters, and
(Ekspor) builds on click the same file the command line builds."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from bansos import contract, fixes, fmt, i18n, settings, stored
from bansos.indicators import INDICATORS
from bansos.queries import QueryRunner
from bansos.translations import glossary
from tests.app_fixtures import app_key_file, demo_db, empty_db, shown, table_labels  # noqa: F401

REPO = Path(__file__).resolve().parent.parent
PAGES = ("pendaftaran", "ekspor", "kualitas", "metodologi")
FUNNEL_COUNTS = ("new_registrations", "decided", "layak", "tidak_layak", "appealed", "upheld", "final_layak",
                 "recipients", "paid")


def run_page(db: Path, page: str, lang: str = "id", query: dict | None = None) -> AppTest:
    os.environ["BANSOS_DB"] = str(db)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if lang == "en":
        at.session_state["lang"] = "en"  # before the first run (see tests/app_fixtures.py)
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def set_filter(at: AppTest, key: str, value) -> AppTest:
    """Set a shared (sidebar) filter and rerun. After switch_page, AppTest's
    tree has no sidebar elements, so the widget's state is set directly — as
    the widget (or a URL bound to it) would."""
    widgets = [w for w in at.sidebar if getattr(w, "key", None) == key]
    if widgets:
        widgets[0].set_value(value)
    else:
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def runner(db: Path) -> QueryRunner:
    return QueryRunner(db, cache=False)


@contextmanager
def changed_copy(source: Path, copy: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A copy of `source` to change behind ingestion's back, finished as a
    write session finishes (the stored answers written again from it)."""
    shutil.copyfile(source, copy)
    with duckdb.connect(str(copy)) as con:
        yield con
        stored.refresh(con)


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, f"no tile {label!r} among {[m.label for m in at.metric]}"
    return found[0]


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "success", "error") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def latest_period(db: Path, program: str) -> tuple[int, int]:
    periods = runner(db).run("options_periods")
    mine = periods[periods.program == program]
    return int(mine.year.iloc[-1]), int(mine.tranche.iloc[-1])


def pilot_codes(db: Path) -> list[str]:
    regions = runner(db).run("options_regions")
    return list(regions[regions.is_pilot].region_code)


# -- the queries behind the pages ------------------------------------------------


def funnel_params(db: Path, program: str = "PKH") -> dict:
    year, tranche = latest_period(db, program)
    return dict(as_of=None, program=program, year=year, tranche=tranche, province=None, regions=None)


def test_funnel_steps_add_the_regions_with_registration_data(demo_db):
    params = funnel_params(demo_db)
    funnel = runner(demo_db).run("funnel", **params)
    steps = runner(demo_db).run("pendaftaran_steps", **params).set_index("step")
    with_data = funnel[funnel.new_registrations > 0]
    assert 0 < len(with_data) < len(funnel)  # comparison regions have no registration data
    assert not funnel[funnel.new_registrations == 0].is_pilot.any()
    for column in FUNNEL_COUNTS:
        assert steps.loc[column, "families"] == funnel[column].sum() == with_data[column].sum(), column
    assert steps.loc["new_registrations", "regions"] == len(with_data)
    for step in steps.itertuples():
        if step.base_step is None or pd.isna(step.base_step):
            continue
        assert step.base_families == steps.loc[step.base_step, "families"]
        assert step.rate == pytest.approx(step.families / step.base_families)
        assert step.small == (step.base_families < 30)
    # final layak = layak + upheld
    assert steps.loc["final_layak", "families"] == steps.loc["layak", "families"] + steps.loc["upheld", "families"]
    # the funnel's own rates are its numerators over its denominators
    assert (with_data.self_registered_share == with_data.channel_mandiri / with_data.new_registrations).all()
    assert funnel[funnel.new_registrations == 0].self_registered_share.isna().all()


def test_funnel_steps_on_one_region_and_on_none(demo_db):
    code = pilot_codes(demo_db)[0]
    params = {**funnel_params(demo_db), "regions": [code]}
    one = runner(demo_db).run("pendaftaran_steps", **params).set_index("step")
    region = runner(demo_db).run("funnel", **params).iloc[0]
    assert one.loc["decided", "families"] == region.decided
    assert one.loc["layak", "rate"] == pytest.approx(region.layak_rate)
    comparison = runner(demo_db).run("options_regions")
    comparison = list(comparison[~comparison.is_pilot].region_code)
    none = runner(demo_db).run("pendaftaran_steps", **{**params, "regions": comparison})
    assert (none.families == 0).all() and none.rate.isna().all() and (none.regions == 0).all()


def test_channel_shares_per_region_and_in_total(demo_db):
    channels = runner(demo_db).run("pendaftaran_channels", as_of=None, province=None, regions=None)
    total = channels[channels.is_total].set_index("channel")
    regional = channels[~channels.is_total]
    assert list(total.index) == ["mandiri", "agen", "musdes", "dinsos"]
    assert total.share.sum() == pytest.approx(1.0)
    assert total.loc["mandiri", "families"] == regional[regional.channel == "mandiri"].families.sum()
    for _, region in regional.groupby("region_code"):
        assert region.share.sum() == pytest.approx(1.0)
    # sorted by self-registered share, highest first
    order = regional.drop_duplicates("region_code").self_registered_share.tolist()
    assert order == sorted(order, reverse=True)


def test_quality_totals_match_the_ledger(demo_db):
    loads = runner(demo_db).run("loads")
    totals = runner(demo_db).run("kualitas_totals").iloc[0]
    assert totals.files == len(loads)
    assert totals.rows_read == loads.rows_read.sum() == totals.rows_loaded + totals.rows_quarantined
    assert totals.quarantine_rate == pytest.approx(totals.rows_quarantined / totals.rows_read)
    reasons = runner(demo_db).run("kualitas_reasons")
    by_file = runner(demo_db).run("quarantine_by_reason")
    assert reasons.rows.sum() == by_file.rows.sum()
    assert set(reasons.reason) <= set(contract.REASONS)


def test_attention_flags_a_pilot_without_the_latest_tranche(demo_db, tmp_path):
    stale = tmp_path / "stale.duckdb"
    pilot = pilot_codes(demo_db)[0]
    with changed_copy(demo_db, stale) as con:
        latest = con.execute("SELECT max(year * 10 + tranche) FROM mart_allocation").fetchone()[0]
        for mart in ("mart_allocation", "mart_allocation_region"):  # both allocation marts, in step
            con.execute(f"DELETE FROM {mart} WHERE region_code = ? AND year * 10 + tranche = ?", [pilot, latest])
    regions = runner(stale).run("freshness")
    attention = regions[regions.needs_attention]
    assert list(attention.region_code) == [pilot]
    row = attention.iloc[0]
    assert row.tranche_behind and not row.register_behind and not row.no_allocations
    assert row.latest_year * 10 + row.latest_tranche < latest
    assert not runner(demo_db).run("freshness").needs_attention.any()  # the demo is current everywhere
    # the page: that pilot alone needs attention; every region with data is still listed, the pilot too
    at = run_page(stale, "kualitas", "en")
    tables = [shown(d) for d in at.dataframe]
    needing = next(t for t in tables if "Status" in t.columns)
    assert len(needing) == 1 and needing["Region"].iloc[0].endswith(f"({pilot})")
    listed = next(t for t in tables if "Programmes (latest tranche)" in t.columns)
    assert len(listed) == len(regions) and any(r.endswith(f"({pilot})") for r in listed["Region"])


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_last_load_tile_names_the_file_with_a_warning(demo_db, tmp_path, lang):
    """Under "Last load": no file with warnings; the file's name when one has
    warnings; how many, pointing to the ledger, when more do."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        files = [r[0] for r in con.execute("SELECT file_name FROM load_ledger ORDER BY load_id").fetchall()]
    assert len(files) >= 2

    def caption(warned: list[str]) -> str:
        db = tmp_path / f"warned-{len(warned)}.duckdb"  # a copy each: the app keeps its warehouse open
        with changed_copy(demo_db, db) as con:
            con.execute("UPDATE load_ledger SET warnings = CASE WHEN list_contains(?, file_name) "
                        "THEN 'kolom tidak dikenal diabaikan: catatan' END", [warned])
        at = run_page(db, "kualitas", lang)
        said = [c.value for c in at.caption if c.value.startswith(("pukul ", "at "))]
        assert len(said) == 1, said
        return said[0]

    assert caption([]).endswith(i18n.t("kualitas.tile.last.caption", lang, time="x").split("x", 1)[1])
    one = caption(files[:1])
    assert one.endswith(files[0]) and not any(f in one for f in files[1:])
    many = caption(files[:2])
    assert " 2 " in many and not any(f in many for f in files)
    assert many.endswith(i18n.t("kualitas.tile.last.caption.many", lang, time="x", n="2").split("2", 1)[1])


def test_attention_names_a_programme_missing_from_the_latest_tranche(demo_db, tmp_path):
    # The region still has the latest tranche (other programmes), but not this
    # programme's payments in it, which other regions have.
    gap = tmp_path / "gap.duckdb"
    pilot = pilot_codes(demo_db)[0]
    with changed_copy(demo_db, gap) as con:
        latest = con.execute("SELECT max(year * 10 + tranche) FROM mart_allocation").fetchone()[0]
        programs = sorted(r[0] for r in con.execute(
            "SELECT DISTINCT program FROM mart_allocation WHERE region_code = ? AND year * 10 + tranche = ?",
            [pilot, latest]).fetchall())
        assert len(programs) >= 2, programs
        for mart in ("mart_allocation", "mart_allocation_region"):
            con.execute(f"DELETE FROM {mart} WHERE region_code = ? AND program = ? AND year * 10 + tranche = ?",
                        [pilot, programs[0], latest])
    regions = runner(gap).run("freshness")
    attention = regions[regions.needs_attention]
    assert list(attention.region_code) == [pilot]
    row = attention.iloc[0]
    assert row.missing_programs == programs[0] and not row.tranche_behind
    assert row.latest_year * 10 + row.latest_tranche == latest
    assert row.programs == ", ".join(programs[1:])
    assert regions[regions.region_code != pilot].missing_programs.isna().all()


def test_a_kab_kota_behind_its_group_is_flagged_whoever_looks(demo_db, tmp_path):
    """The yardsticks are the warehouse's, not the viewer's: a reader limited
    to one kab/kota whose register lags the other pilots is told it is behind
    (before, the latest snapshot of its group was taken among the viewer's
    regions only, so a province whose kab/kota all lagged saw none behind),
    as the latest tranche already was."""
    lagging = tmp_path / "lagging.duckdb"
    pilot = pilot_codes(demo_db)[0]
    with changed_copy(demo_db, lagging) as con:
        latest = con.execute("SELECT max(snapshot_date) FROM mart_snapshot").fetchone()[0]
        con.execute("DELETE FROM mart_snapshot WHERE region_code = ? AND snapshot_date = ?", [pilot, latest])
        assert con.execute("SELECT count(*) FROM mart_snapshot WHERE region_code = ?", [pilot]).fetchone()[0]
    everyone = runner(lagging).run("freshness")
    alone = QueryRunner(lagging, scope=(pilot,), cache=False).run("freshness")
    assert list(alone.region_code) == [pilot]
    pd.testing.assert_frame_equal(alone, everyone[everyone.region_code == pilot].reset_index(drop=True))
    row = alone.iloc[0]
    assert row.register_behind and row.needs_attention and row.latest_snapshot < row.group_latest_snapshot
    assert pd.Timestamp(row.group_latest_snapshot) == pd.Timestamp(latest)


def test_attention_lists_every_pilot_without_data(empty_db):
    regions = runner(empty_db).run("freshness")
    pilots = runner(empty_db).run("kualitas_pilots")
    assert set(regions.region_code) == set(pilots.region_code) and len(pilots) == pilots.pilots.iloc[0]
    assert regions.needs_attention.all() and regions.no_register.all() and regions.no_allocations.all()


# -- every page, both warehouses, both languages ----------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_the_demo_warehouse(demo_db, page, lang):
    at = run_page(demo_db, page, lang)
    assert at.title[0].value == i18n.t(f"nav.{page}", lang)
    assert "demo" in texts(at).lower()


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_says_what_to_do_on_an_empty_warehouse(empty_db, page, lang):
    at = run_page(empty_db, page, lang)
    assert at.title[0].value == i18n.t(f"nav.{page}", lang)
    assert "ingest" in texts(at)
    assert not at.download_button


# -- Pendaftaran & Sanggah ---------------------------------------------------------


def test_registration_tiles_show_the_query_figures_with_their_counts(demo_db):
    at = run_page(demo_db, "pendaftaran")
    steps = runner(demo_db).run("pendaftaran_steps", **{**funnel_params(demo_db), "regions": pilot_codes(demo_db)})
    steps = steps.set_index("step")
    assert metric(at, "Pendaftaran baru").value == fmt.number(steps.loc["new_registrations", "families"], "id")
    layak = metric(at, "Diputus layak").value
    assert layak.startswith(fmt.pct(steps.loc["layak", "rate"], "id"))
    captions = texts(at)
    assert f"{fmt.number(steps.loc['layak', 'families'], 'id')} dari {fmt.number(steps.loc['decided', 'families'], 'id')}" in captions
    table = at.dataframe[0].value
    assert len(table) == len(pilot_codes(demo_db))


def test_changing_the_programme_changes_the_recipient_step(demo_db):
    at = run_page(demo_db, "pendaftaran")
    before = metric(at, "Menerima PKH").value
    set_filter(at, "prog", "SEMBAKO")
    after = metric(at, "Menerima SEMBAKO").value
    steps = runner(demo_db).run(
        "pendaftaran_steps", **{**funnel_params(demo_db, "SEMBAKO"), "regions": pilot_codes(demo_db)}
    ).set_index("step")
    assert after.startswith(fmt.pct(steps.loc["recipients", "rate"], "id"))
    assert after != before
    assert "Penerima SEMBAKO" in table_labels(at.dataframe[0]).values()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_tranche_no_new_registrant_received_is_said_in_words(demo_db, lang):
    # The demo's one BLT tranche (T4 2025) ran before the 31 Jan 2026 register:
    # its step is 0, which the funnel draws as an empty bar, so the page says
    # why; PKH T2 2026 has recipients, and no such sentence.
    start = i18n.t("pendaftaran.none_received", lang, program="BLT", period="", snapshot="")[:40]
    at = run_page(demo_db, "pendaftaran", lang, query={"prog": "BLT"})
    steps = runner(demo_db).run(
        "pendaftaran_steps", **{**funnel_params(demo_db, "BLT"), "regions": pilot_codes(demo_db)}).set_index("step")
    assert steps.loc["recipients", "families"] == 0  # the fixture this test relies on
    said = [c.value for c in at.caption if c.value.startswith(start)]
    assert said and fmt.day(runner(demo_db).run("options_snapshots").as_of.max(), lang) in said[0]
    assert i18n.t("pendaftaran.none_received.later", lang) not in said[0]  # BLT has no later tranche to choose
    at = run_page(demo_db, "pendaftaran", lang, query={"tahap": "2025-1"})  # PKH T1 2025: 0 too, later ones exist
    said = [c.value for c in at.caption if c.value.startswith(start[:20])]
    assert said and said[0].endswith(i18n.t("pendaftaran.none_received.later", lang))
    at = run_page(demo_db, "pendaftaran", lang)
    assert not [c.value for c in at.caption if c.value.startswith(start[:20])]


def test_one_region_in_view_is_named_not_summed(demo_db):
    at = run_page(demo_db, "pendaftaran", "en", query={"wil": "18.72"})
    assert i18n.t("pendaftaran.region_used", "en", region="Kota Metro") in texts(at)
    assert not [c.value for c in at.caption if c.value.startswith("Computed over")]


def test_comparison_regions_are_named_not_shown_as_zeros(demo_db):
    at = run_page(demo_db, "pendaftaran")
    set_filter(at, "grup", "comparison")
    assert not at.metric and not at.dataframe
    # at the latest snapshot only the group can help; at an earlier one a later snapshot can too
    said = i18n.t("pendaftaran.none", "id") + " " + i18n.t("pendaftaran.none.pilots", "id")
    assert said in [i.value for i in at.info]
    snapshots = sorted(runner(demo_db).run("options_snapshots").as_of.astype(str))
    assert len(snapshots) >= 2
    set_filter(at, "snap", snapshots[0])
    said = i18n.t("pendaftaran.none", "id") + " " + i18n.t("pendaftaran.none.both", "id")
    assert said in [i.value for i in at.info]
    set_filter(at, "snap", snapshots[-1])
    set_filter(at, "grup", "all")
    table = shown(at.dataframe[0])
    regions = runner(demo_db).run("options_regions")
    comparison_names = set(regions[~regions.is_pilot].region_name)
    assert not {fmt.region_short(n) for n in comparison_names} & {name.rstrip(" ⚠") for name in table["Wilayah"]}
    assert any(name in texts(at) for name in comparison_names)  # named in the caption instead


# -- Ekspor Data ---------------------------------------------------------------------


@pytest.fixture
def deferred(monkeypatch):
    """The callables handed to download buttons, by deferred file id."""
    captured: dict[str, tuple] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = original(self, data_callable, mimetype, coordinates, file_name, **kwargs)
        captured[file_id] = (data_callable, file_name, mimetype)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return captured


def download(at: AppTest, deferred: dict, key: str) -> tuple[bytes, str]:
    button = at.download_button(key=key)
    data_callable, file_name, _ = deferred[button.proto.deferred_file_id]
    return data_callable(), file_name


def csv_rows(payload: bytes) -> list[dict]:
    assert payload.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"))))


def test_a_table_download_names_its_view_and_heads_the_excel_file_as_the_table(demo_db, deferred):
    # The before/after table's columns are "…_1" / "…_2" in the standard CSV:
    # the file's name says which tranches they are, and the Excel
    # (Indonesia) file is headed as the table on screen ("Exclusion error T1 2025").
    os.environ["BANSOS_DB"] = str(demo_db)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    at.session_state["lang"] = "en"
    at.session_state["ss_change_table"] = True
    at.run()
    at.switch_page("app_pages/sasaran.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    payload, name = download(at, deferred, "ss_change_grid_dl_csv")
    assert name == "bansos_before-after-figures-by-region_pkh_t1-2025-t2-2026.csv", name
    assert {"exclusion_error_1", "exclusion_error_2", "region_name"} <= set(csv_rows(payload)[0])
    payload, name = download(at, deferred, "ss_change_grid_dl_csv-id")
    header = payload.decode("utf-8-sig").splitlines()[0].split(";")
    assert name.endswith("_t1-2025-t2-2026_excel-id.csv")
    assert header[:2] == [i18n.t("word.region", "en"), i18n.t("sasaran.col.group", "en")]
    assert "Exclusion error T1 2025" in header and "Exclusion error T2 2026" in header
    assert not [h for h in header if h.endswith(("_1", "_2")) or h == "region_name"]
    # files keep a kabupaten's full name; the table shows "Kab. …"
    assert "Kabupaten Banyuwangi" in payload.decode("utf-8-sig")


def test_the_league_shows_short_names_and_its_file_keeps_the_full_ones(demo_db, deferred):
    # Perbandingan's league is a region table like the others: "Kab. …" on
    # screen, the full name under region_name in its files.
    at = run_page(demo_db, "perbandingan", "en")
    shown_names = set(at.dataframe[0].value.region_name)
    assert "Kab. Banyuwangi" in shown_names and "Kabupaten Banyuwangi" not in shown_names
    payload, _ = download(at, deferred, "pb_league_grid_dl_csv")
    rows = csv_rows(payload)
    assert "region" not in rows[0] and "Kabupaten Banyuwangi" in {r["region_name"] for r in rows}
    assert len(rows) == len(shown_names)
    payload, _ = download(at, deferred, "pb_league_grid_dl_csv-id")
    assert payload.decode("utf-8-sig").splitlines()[0].split(";")[1] == i18n.t("word.region", "en")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_sidebar_says_when_the_page_does_not_use_its_filters(demo_db, lang):
    # Kualitas Data and Unggah Data cover every region in scope: a province
    # picked in the sidebar changes nothing there, and the sidebar says so.
    note = i18n.t("filter.unused", lang)
    for page, unused in (("kualitas", True), ("unggah", True), ("cakupan", False), ("metodologi", False)):
        at = run_page(demo_db, page, lang, query={"prov": "18"})
        assert (note in [c.value for c in at.sidebar.caption]) is unused, page


def test_chart_data_in_the_excel_file_is_headed_as_the_exports_name_its_columns(demo_db, deferred):
    at = run_page(demo_db, "cakupan")
    payload, name = download(at, deferred, "ck_region_chart_data_csv-id")
    header = payload.decode("utf-8-sig").splitlines()[0].split(";")
    assert header == ["Kode wilayah", "Nama wilayah", "Wilayah pilot", "Keluarga layak yang menerima", "Keluarga layak",
                      "Cakupan", "Cakupan < 30 keluarga"], header
    assert name.endswith("_excel-id.csv")


def test_local_mode_offers_every_table_each_built_on_click(demo_db, deferred):
    # Local mode has every right; which tables each role gets is tests/test_access_app.py.
    at = run_page(demo_db, "ekspor")
    keys = {b.key for b in at.download_button}
    for table in ("region-indicators", "loads", "quarantine-summary", "quarantine", "families"):
        for part in ("csv", "xlsx", "parquet", "meta"):
            assert f"ek_dl_{table}_{part}" in keys
    assert all(b.proto.deferred_file_id and not b.proto.url for b in at.download_button)  # built on click


def test_the_csv_built_on_click_matches_the_filters(demo_db, deferred):
    at = run_page(demo_db, "ekspor")
    set_filter(at, "prog", "SEMBAKO")
    payload, name = download(at, deferred, "ek_dl_region-indicators_csv")
    rows = csv_rows(payload)
    year, tranche = latest_period(demo_db, "SEMBAKO")
    assert rows and {r["program"] for r in rows} == {"SEMBAKO"}
    assert {(r["year"], r["tranche"]) for r in rows} == {(str(year), str(tranche))}
    assert {r["region_code"] for r in rows} == set(pilot_codes(demo_db))
    assert name == f"region-indicators_SEMBAKO_{year}-T{tranche}.csv"
    assert len(rows) == len(at.dataframe[0].value)  # the preview shows the same rows
    meta, meta_name = download(at, deferred, "ek_dl_region-indicators_meta")
    assert meta_name == name + ".meta.json"
    assert '"program": "SEMBAKO"' in meta.decode()


def test_scope_widens_to_all_tranches_then_all_programmes(demo_db, deferred):
    at = run_page(demo_db, "ekspor", query={"prog": "SEMBAKO"})
    at.radio(key="ek_scope").set_value("program").run()
    rows = csv_rows(download(at, deferred, "ek_dl_region-indicators_csv")[0])
    assert {r["program"] for r in rows} == {"SEMBAKO"}
    assert len({(r["year"], r["tranche"]) for r in rows}) > 1
    at.radio(key="ek_scope").set_value("all").run()
    rows = csv_rows(download(at, deferred, "ek_dl_region-indicators_csv")[0])
    assert {"PKH", "SEMBAKO"} <= {r["program"] for r in rows}


def test_the_xlsx_and_parquet_built_on_click_open(demo_db, deferred):
    at = run_page(demo_db, "ekspor")
    xlsx, _ = download(at, deferred, "ek_dl_region-indicators_xlsx")
    parquet, _ = download(at, deferred, "ek_dl_region-indicators_parquet")
    frame = pd.read_parquet(io.BytesIO(parquet))
    assert set(frame.program) == {"PKH"}
    assert xlsx[:2] == b"PK"
    loads = csv_rows(download(at, deferred, "ek_dl_loads_csv")[0])
    assert len(loads) == len(runner(demo_db).run("loads"))


# -- Kualitas Data ----------------------------------------------------------------------


def test_quality_tiles_and_ledger(demo_db):
    at = run_page(demo_db, "kualitas")
    loads = runner(demo_db).run("loads")
    assert metric(at, "File dimuat").value == fmt.number(len(loads), "id")
    assert metric(at, "Baris dikarantina").value == fmt.number(loads.rows_quarantined.sum(), "id")
    assert len(at.dataframe[0].value) == len(loads)


def test_choosing_a_reason_shows_its_rows_masked_and_its_fix(demo_db):
    at = run_page(demo_db, "kualitas")
    at.selectbox(key="kq_reason").select("no_kk_invalid").run()
    assert not at.exception
    assert any(fixes.fix("no_kk_invalid", "id") in i.value for i in at.info)
    sample = next(d.value for d in at.dataframe if "no_kk" in d.value.columns)
    assert len(sample) > 0
    assert sample["Alasan"].str.contains("no_kk_invalid").all()
    shown = sample.astype(str).to_csv()
    assert not re.search(r"(?<!\d)\d{16}(?!\d)", shown), "a raw 16-digit identifier is shown"
    assert "*" in "".join(sample["no_kk"].astype(str))


def test_choosing_a_file_narrows_the_sample(demo_db):
    at = run_page(demo_db, "kualitas")
    loads = runner(demo_db).run("loads")
    chosen = loads[loads.rows_quarantined > 0].iloc[-1]
    at.selectbox(key="kq_file").select(str(int(chosen.load_id))).run()
    sample = next(d.value for d in at.dataframe if "Baris" in d.value.columns and "no_kk" in d.value.columns)
    assert len(sample) == min(int(chosen.rows_quarantined), 50)
    assert "File" not in sample.columns  # one file: its name is in the selector


def test_the_sample_says_how_many_of_the_matching_rows_it_shows(demo_db):
    # The sample holds at most 50 rows. It said "the first N matching rows (at
    # most 50)" however many matched; now: all of them, or the first 50 (of the
    # total, where a reason is chosen: counted per file and reason).
    # (The fixture has no reason with more than 50 rows: "the first 50 of N"
    # for a chosen reason is not reached here.)
    by_file = runner(demo_db).run("quarantine_by_reason")
    per_reason = by_file.groupby("reason")["rows"].sum()
    assert runner(demo_db).run("loads").rows_quarantined.sum() > 50  # the fixture this test relies on
    at = run_page(demo_db, "kualitas", "en")

    def said() -> str:
        return next(c.value for c in at.caption if c.value.startswith(("All ", "The first ")))

    assert said().startswith(i18n.t("kualitas.sample.first", "en", limit="50"))
    for reason, rows in per_reason.items():
        at.selectbox(key="kq_reason").select(reason).run()
        assert said().startswith(i18n.t("kualitas.sample.all", "en", shown=fmt.number(rows, "en"))), reason


def test_empty_warehouse_lists_every_pilot_without_data_and_every_fix(empty_db):
    at = run_page(empty_db, "kualitas", "en")
    attention = shown(at.dataframe[0])
    assert len(attention) == len(runner(empty_db).run("kualitas_pilots"))
    assert set(attention["Status"]) == {i18n.t("kualitas.status.no_data", "en")}
    # the list of regions with data is not drawn: every row of freshness.sql is a pilot without data
    assert not [d for d in at.dataframe if "Programmes (latest tranche)" in table_labels(d).values()]
    body = texts(at)
    for reason in contract.REASONS:
        assert fixes.fix(reason, "en") in body


def test_current_demo_says_every_region_is_up_to_date(demo_db):
    at = run_page(demo_db, "kualitas")
    fresh = runner(demo_db).run("freshness")
    assert not (fresh.no_register & fresh.no_allocations).any()  # the demo has data for every region it lists
    assert i18n.t("kualitas.fresh.all_ok", "id", total=fmt.number(len(fresh), "id")) in [s.value for s in at.success]
    table = next(shown(d) for d in at.dataframe if "Program (tahap terakhir)" in table_labels(d).values())
    assert len(table) == len(fresh)


# -- Metodologi ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_methodology_is_generated_from_the_records(demo_db, lang):
    at = run_page(demo_db, "metodologi", lang)
    labels = [e.label for e in at.expander]
    for indicator in INDICATORS:
        assert any(indicator.label(lang) in label and indicator.id in label for label in labels), indicator.id
    body = texts(at)
    for indicator in INDICATORS:
        assert indicator.description(lang) in body
        assert indicator.sql in body
    for term in glossary.TERMS:
        assert i18n.t(f"glossary.{term}.def", lang, days=settings.get_int("timely_days")) in body
    programs = next(d.value for d in at.dataframe if len(d.value) == len(runner(demo_db).run("programs")))
    assert set(programs.iloc[:, 0]) == set(runner(demo_db).run("programs").code)
    assert "data/reference/pilots.csv" in body
    pilots = runner(demo_db).run("kualitas_pilots")
    assert f"**{len(pilots)}**" in body
    assert "BANSOS_MIN_FAMILIES" in "".join(d.value.to_csv() for d in at.dataframe)


def test_methodology_settings_follow_the_environment(demo_db, monkeypatch):
    monkeypatch.setenv("BANSOS_MIN_FAMILIES", "50")
    at = run_page(demo_db, "metodologi")
    assert "kurang dari 50 keluarga" in texts(at)


@pytest.mark.parametrize("lang, said", [("id", "paling lambat 21 hari"), ("en", "within 21 days")])
def test_the_glossary_and_the_column_notes_name_the_timeliness_days_in_use(demo_db, monkeypatch, lang, said):
    """The timeliness tile says "≤ 21 days" when BANSOS_TIMELY_DAYS is 21; the
    glossary (Metodologi) and Ekspor's column notes name the same number,
    not "N days"."""
    monkeypatch.setenv("BANSOS_TIMELY_DAYS", "21")
    glossary = texts(run_page(demo_db, "metodologi", lang))
    assert said in glossary and " N " not in glossary
    notes = "".join(str(d.value.columns) + str(getattr(d, "proto", "")) for d in run_page(demo_db, "ekspor", lang).dataframe)
    assert said in notes and " N " not in notes


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_loaded_grid_writes_periods_as_the_tables_do(demo_db, lang):
    """Kualitas's grid of loaded data heads its columns "Register 31 Jan 2026"
    and "PKH T1 2026", as the tables under it write dates and tranches (it
    said "Register 2026-01-31" and "PKH 2026-T1")."""
    at = run_page(demo_db, "kualitas", lang)
    grid = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if i18n.t("kualitas.matrix.title", lang) in c.proto.spec)
    columns = grid["data"][0]["x"]
    status = runner(demo_db).run("warehouse_status")
    snapshots = sorted(set(status.loc[status.kind == "keluarga", "period"]))
    register = i18n.t("kualitas.matrix.register", lang)
    assert columns[:len(snapshots)] == [f"{register} {fmt.day(d, lang)}" for d in snapshots]
    assert not [c for c in columns if re.search(r"\d{4}-", c)]
    assert any(re.fullmatch(r"PKH T\d 20\d\d", c) for c in columns), columns  # ui.period_label(short=True)


def test_a_pinned_name_column_is_as_wide_as_its_longest_name(demo_db):
    """The grid sized pinned columns from a sample and cut "Kab. Polewali
    Mandar" (Pendaftaran) and "Kabupaten Polewali Mandar (76.04)" (Metodologi's
    pilots); a pinned text column now gets a width from its longest text."""
    checked = []
    for page in ("pendaftaran", "metodologi", "kualitas"):
        for grid in run_page(demo_db, page).dataframe:
            frame = grid.value
            for name, config in json.loads(grid.proto.columns).items():
                if not config.get("pinned") or config.get("type_config", {}).get("type") != "text":
                    continue
                longest = max(len(str(v)) for v in frame[name].dropna())
                assert config.get("width", 0) >= longest * 7, (page, name, config, longest)
                checked += [str(v) for v in frame[name]]
    assert any("Polewali" in v for v in checked)


def test_ekspor_asks_its_preview_and_its_table_counts_at_once(demo_db):
    """Ekspor's preview query and the data-quality tables' counts are asked
    in one batch (ekspor.ask_at_once), each once, not one after another;
    the sections then take them from the runner's cache."""
    from bansos import ui
    from bansos.ui.filters import WAREHOUSE_WIDE
    from benchmarks.bench import schedule

    at = run_page(demo_db, "ekspor")
    runner = ui.core._runner(str(demo_db), None, None)  # local mode: every right reads through this runner
    runner._cache.clear()
    runner.recorder, runner.batches = [], []
    try:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        recorded, batches = list(runner.recorder), list(runner.batches)
    finally:
        runner.recorder = runner.batches = None
    page_batch = [sorted(name for name, _ in batch) for batch in batches if "region_indicators" in dict(batch)]
    assert page_batch == [["kualitas_totals", "quarantine_by_reason", "region_indicators"]]
    # The steps the page waits for, calls the cache answers left out (as
    # the benchmark replays them): the sidebar's batch, then the page's.
    steps = [sorted(name for name, _ in step) for step in schedule(recorded, batches)]
    assert steps == [sorted(WAREHOUSE_WIDE), page_batch[0]], steps


def test_the_quality_tables_counted_rows_are_the_exports_rows(demo_db, monkeypatch):
    """Ekspor shows each whole table's size; the quarantine's is counted
    (export.row_count), not built: the count must be the built export's
    rows, for every scope, and refused as the export would be."""
    from bansos import export

    blank = export.ExportFilters()
    counted = {}
    for scope in (None, ("18.72",), ("35.10", "13.71"), ("11.01",)):
        scoped = QueryRunner(demo_db, scope=scope)
        for table in ("loads", "quarantine-summary", "quarantine"):
            counted[scope, table] = export.row_count(table, blank, scoped)
            assert counted[scope, table] == len(export.collect(table, blank, scoped).frame), (scope, table)
    assert counted[None, "quarantine"] > counted[("18.72",), "quarantine"] > 0  # the demo quarantines Metro's rows too
    assert counted[("11.01",), "quarantine"] == 0  # a kab/kota with no rows in the demo
    monkeypatch.setenv("BANSOS_EXPORT_MAX_ROWS", str(counted[None, "quarantine"] - 1))
    with pytest.raises(export.ExportRefused, match="export limit"):
        export.row_count("quarantine", blank, QueryRunner(demo_db))
