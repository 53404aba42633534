"""AppTest of the Ringkasan (overview) and Cakupan & Penyaluran pages: they
render on the demo and the empty warehouse in both languages, their tiles
show what the queries return, and filters change what is shown."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bansos import fmt
from bansos.queries import QueryRunner
from tests.app_fixtures import app_key_file, demo_db, empty_db, queries_of_a_rerun, shown, table_labels  # noqa: F401

REPO = Path(__file__).resolve().parent.parent
PAGES = ("app_pages/ringkasan.py", "app_pages/cakupan.py")
TITLES = {
    ("app_pages/ringkasan.py", "id"): "Ringkasan", ("app_pages/ringkasan.py", "en"): "Overview",
    ("app_pages/cakupan.py", "id"): "Cakupan & Penyaluran", ("app_pages/cakupan.py", "en"): "Coverage & Disbursement",
}


def open_page(db: Path, page: str, lang: str = "id", query: dict | None = None):
    """dashboard.py in AppTest on `db`, language set before the first run."""
    from streamlit.testing.v1 import AppTest

    os.environ["BANSOS_DB"] = str(db)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    at.session_state["lang"] = lang
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def set_filter(at, key: str, value):
    """Change a shared sidebar filter and rerun. (After switch_page, AppTest
    1.67 shows an empty sidebar tree, so `at.sidebar.selectbox(key=...)` is not
    reachable; the widget state is, and the script reads it like a click.)"""
    at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, f"no tile {label!r} in {[m.label for m in at.metric]}"
    return found[0]


def markdown_text(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def caption_text(at) -> str:
    return "\n".join(c.value for c in at.caption)


def totals(db, program="PKH", year=2026, tranche=2, regions=None, basis="desil"):
    runner = QueryRunner(db, cache=False)
    try:
        if regions is None:
            pilots = runner.run("options_regions")
            regions = list(pilots.loc[pilots.is_pilot, "region_code"])
        frame = runner.run("totals_by_period", as_of=None, basis=basis, program=program, regions=regions)
    finally:
        runner.close()
    return frame[(frame.year == year) & (frame.tranche == tranche)].iloc[0]


# -- renders ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_renders_on_demo(demo_db, page, lang):
    at = open_page(demo_db, page, lang)
    assert at.title[0].value == TITLES[(page, lang)]
    assert len(at.metric) >= 4
    assert any(c.value.startswith("Aturan kelayakan" if lang == "id" else "Eligibility rule") for c in at.caption)
    assert "⚠" in caption_text(at)  # the small-number note


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_renders_on_empty_warehouse(empty_db, page, lang):
    at = open_page(empty_db, page, lang)
    assert at.title[0].value == TITLES[(page, lang)]
    assert not at.metric
    empty = [i.value for i in at.info if "python -m bansos ingest" in i.value]  # (the other info: the local-mode banner)
    assert empty and ("Gudang data masih kosong" if lang == "id" else "The warehouse is empty") in empty[0]


# -- Ringkasan -------------------------------------------------------------------------


def test_ringkasan_tiles_show_the_query_figures_with_change_and_ratio(demo_db):
    at = open_page(demo_db, "app_pages/ringkasan.py")
    row = totals(demo_db)
    coverage = metric(at, "Cakupan")
    assert coverage.value.startswith(fmt.pct(row.coverage, "id"))
    # the change is the shown figure minus the shown previous figure (as the highlights say it)
    assert coverage.delta == fmt.pp(fmt.shown_change(row.coverage, row.prev_coverage), "id")
    assert coverage.proto.delta_description == "vs T1 2026"
    assert f"naik {fmt.pp(fmt.shown_change(row.coverage, row.prev_coverage), 'id')[1:]} (dari {fmt.pct(row.prev_coverage, 'id')})" \
        in markdown_text(at)
    assert metric(at, "Exclusion error").value.startswith(fmt.pct(row.exclusion_error, "id"))
    assert metric(at, "Inclusion error").value.startswith(fmt.pct(row.inclusion_error, "id"))
    assert metric(at, "Realisasi penyaluran (nilai)").value == fmt.pct(row.disbursement_rate, "id")
    assert metric(at, "Penerima (KPM)").value == fmt.number(row.recipients, "id")
    assert metric(at, "Wilayah dalam tampilan").value == "14"  # the pilots: the default group
    captions = caption_text(at)
    assert f"{fmt.number(row.eligible_covered, 'id')} dari {fmt.number(row.eligible_families, 'id')} keluarga" in captions
    assert f"{fmt.number(row.ineligible_recipients, 'id')} dari {fmt.number(row.recipients, 'id')} keluarga" in captions
    assert "target < 10% (2026), < 5% berikutnya" in captions
    assert "mendaftar sendiri lewat aplikasi" in captions
    text = markdown_text(at)
    assert "**PKH** · Tahap 2 2026 · 14 wilayah pilot · register per 31 Jan 2026" in text
    assert f"- Pada Tahap 2 2026, {fmt.pct(row.coverage, 'id')} keluarga layak di 14 wilayah pilot menerima PKH" in text


def test_ringkasan_in_english_uses_english_numbers(demo_db):
    at = open_page(demo_db, "app_pages/ringkasan.py", "en")
    row = totals(demo_db)
    assert metric(at, "Coverage").value.startswith(fmt.pct(row.coverage, "en"))
    assert metric(at, "Coverage").delta.endswith(" pp")
    assert f"In Tranche 2 2026, {fmt.pct(row.coverage, 'en')} of eligible families across 14 pilot regions received PKH" in markdown_text(at)


def test_ringkasan_programme_and_tranche_filters_change_the_tiles(demo_db):
    at = open_page(demo_db, "app_pages/ringkasan.py")
    before = metric(at, "Cakupan").value
    set_filter(at, "prog", "SEMBAKO")
    sembako = totals(demo_db, program="SEMBAKO")
    assert metric(at, "Cakupan").value.startswith(fmt.pct(sembako.coverage, "id"))
    assert metric(at, "Cakupan").value != before
    assert "**SEMBAKO** · Tahap 2 2026" in markdown_text(at)
    set_filter(at, "tahap", "2025-4")
    earlier = totals(demo_db, program="SEMBAKO", year=2025, tranche=4)
    assert metric(at, "Cakupan").value.startswith(fmt.pct(earlier.coverage, "id"))
    assert "Tahap 4 2025" in markdown_text(at)


def test_ringkasan_one_region_is_named_and_the_map_is_a_choropleth(demo_db):
    at = open_page(demo_db, "app_pages/ringkasan.py")
    set_filter(at, "prov", "18")  # Lampung: one pilot, Kota Metro
    assert metric(at, "Wilayah dalam tampilan").value == "1"
    text = markdown_text(at)
    assert "keluarga layak di Kota Metro menerima PKH" in text
    assert "Cakupan tertinggi" not in text  # no ranking with one region
    assert "Wilayah abu-abu" in caption_text(at) or "Batas wilayah tidak dimuat" in caption_text(at)


def test_ringkasan_map_indicator_switch_changes_the_map(demo_db):
    at = open_page(demo_db, "app_pages/ringkasan.py")

    def map_title():
        charts = [c for c in at.get("plotly_chart") if "rk_map_chart" in c.proto.id]
        return json.loads(charts[0].proto.spec)["layout"]["title"]["text"]

    assert map_title().startswith("Exclusion error")
    at.button_group(key="rk_map").set_value("coverage").run()
    assert not at.exception
    assert map_title().startswith("Cakupan")


def test_a_shared_link_opens_the_same_view(demo_db):
    at = open_page(demo_db, "app_pages/cakupan.py", query={"prog": "SEMBAKO", "tahap": "Tahap 1 2026"})
    assert "**SEMBAKO** · Tahap 1 2026" in markdown_text(at)
    row = totals(demo_db, program="SEMBAKO", year=2026, tranche=1)
    assert metric(at, "Cakupan").value.startswith(fmt.pct(row.coverage, "id"))


def test_ringkasan_trend_draws_both_targets(demo_db):
    at = open_page(demo_db, "app_pages/ringkasan.py")
    chart = next(c for c in at.get("plotly_chart") if "rk_trend_chart" in c.proto.id)
    spec = json.loads(chart.proto.spec)
    assert [t["name"] for t in spec["data"]] == ["Cakupan", "Exclusion error", "Inclusion error"]
    assert sorted(s["y0"] for s in spec["layout"]["shapes"] if s["type"] == "line") == [0.05, 0.1]


# -- Cakupan -------------------------------------------------------------------------


def test_cakupan_tiles_show_the_query_figures(demo_db):
    at = open_page(demo_db, "app_pages/cakupan.py")
    row = totals(demo_db)
    assert metric(at, "Cakupan").value == fmt.pct(row.coverage, "id")
    assert metric(at, "Realisasi (nilai)").value == fmt.pct(row.disbursement_rate, "id")
    assert metric(at, "Realisasi (keluarga)").value == fmt.pct(row.disbursement_rate_families, "id")
    timely = metric(at, "Ketepatan waktu (≤ 30 hari)")
    assert timely.value == fmt.pct(row.timeliness, "id")
    assert timely.delta == fmt.pp(fmt.shown_change(row.timeliness, row.prev_timeliness), "id")
    captions = caption_text(at)
    assert f"{fmt.number(row.timely_families, 'id')} dari {fmt.number(row.recipients, 'id')} keluarga" in captions
    assert "batas 30 hari adalah pengaturan" in captions  # N is said, in words (the setting's name is on Metodologi)
    assert "BANSOS_" not in captions
    assert "Tersalur" in captions and "Gagal" in captions and "Retur" in captions and "Proses" in captions


def test_cakupan_programme_filter_changes_the_tiles(demo_db):
    tiles = ("Realisasi (nilai)", "Realisasi (keluarga)", "Ketepatan waktu (≤ 30 hari)")
    at = open_page(demo_db, "app_pages/cakupan.py")
    before = [metric(at, name).value for name in tiles]
    set_filter(at, "prog", "SEMBAKO")
    sembako = totals(demo_db, program="SEMBAKO")
    after = [metric(at, name).value for name in tiles]
    assert after == [fmt.pct(sembako[c], "id") for c in ("disbursement_rate", "disbursement_rate_families", "timeliness")]
    # Two programmes may share one rounded rate by chance; all three at once would mean nothing changed.
    assert after != before


def test_cakupan_region_table_runs_only_when_its_tab_is_open(demo_db):
    at = open_page(demo_db, "app_pages/cakupan.py")
    assert not [d for d in at.dataframe if "Kelompok" in table_labels(d).values()]  # the chart tab is open
    assert [c for c in at.get("plotly_chart") if "ck_region_chart" in c.proto.id]
    at.session_state["ck_region_tab"] = "Tabel"
    at.run()
    assert not at.exception
    assert [d for d in at.dataframe if "Kelompok" in table_labels(d).values()]
    assert not [c for c in at.get("plotly_chart") if "ck_region_chart" in c.proto.id]


def test_cakupan_comparison_regions_can_be_added_to_the_region_table(demo_db):
    at = open_page(demo_db, "app_pages/cakupan.py")
    at.session_state["ck_region_tab"] = "Tabel"
    at.run()
    table = shown(at.dataframe[0])
    groups = set(table["Kelompok"])
    assert groups == {"Pilot", "Pembanding"} and (table["Kelompok"] == "Pilot").sum() == 14
    at.toggle(key="ck_compare").set_value(False).run()
    assert not at.exception
    assert set(shown(at.dataframe[0])["Kelompok"]) == {"Pilot"}


def test_region_tables_name_a_kabupaten_as_the_charts_do(demo_db):
    # "Kab. Banyuwangi" in the chart's labels and in the table under it, not
    # "Kabupaten Banyuwangi" in one and "Kab." in the other.
    at = open_page(demo_db, "app_pages/cakupan.py")
    at.session_state["ck_region_tab"] = "Tabel"
    at.run()
    names = list(shown(at.dataframe[0])["Wilayah"])
    assert "Kab. Banyuwangi" in names and "Kota Malang" in names
    assert not [n for n in names if n.startswith("Kabupaten ")]


def test_cakupan_kecamatan_drill_down_follows_the_region(demo_db):
    at = open_page(demo_db, "app_pages/cakupan.py")

    def kecamatan_codes():
        tables = [shown(d) for d in at.dataframe if "Kecamatan" in table_labels(d).values()]
        assert tables, "no kecamatan table"
        return set(tables[0]["Kode"])

    first = kecamatan_codes()
    assert all(code.startswith("13.71.") for code in first)  # the first region in view: Kota Padang
    at.selectbox(key="ck_region").select("18.72").run()
    assert not at.exception
    assert all(code.startswith("18.72.") for code in kecamatan_codes())
    at.button_group(key="ck_kmetric").set_value("disbursement_rate").run()
    assert not at.exception
    chart = next(c for c in at.get("plotly_chart") if "ck_kec_chart" in c.proto.id)
    assert json.loads(chart.proto.spec)["layout"]["title"]["text"].startswith("Realisasi penyaluran (nilai) per kecamatan · Kota Metro")


# -- partial warehouses ------------------------------------------------------------------


@pytest.fixture
def allocations_only(warehouse, tmp_path):
    """A warehouse with one tranche of PKH payments in Kota Metro and no register."""
    from bansos.ingest import LoadRequest, ingest

    rows = ["no_kk,program,tahun,tahap,kode_wilayah,nominal,status_salur,lembaga_penyalur,tanggal_salur"]
    for i in range(40):
        status = "tersalur" if i < 30 else "gagal"
        paid = "2026-04-10" if status == "tersalur" else ""
        rows.append(f"{1872010101000000 + i},PKH,2026,2,18.72.01.1001,750000,{status},BRI,{paid}")
    extract = tmp_path / "salur.csv"
    extract.write_text("\n".join(rows) + "\n")
    results = ingest(warehouse, [LoadRequest(extract)])
    assert results[0].status == "loaded", results[0].message
    return warehouse


@pytest.mark.parametrize("page", PAGES)
def test_without_a_register_the_pages_say_the_figure_is_not_available(allocations_only, page):
    at = open_page(allocations_only, page)
    assert metric(at, "Cakupan").value == "–"
    assert "belum ada register keluarga" in caption_text(at)
    if page == "app_pages/ringkasan.py":
        assert metric(at, "Realisasi penyaluran (nilai)").value == "75,0%"  # 30 × 750.000 of 40 × 750.000
        assert "cakupan PKH di Kota Metro belum tersedia" in markdown_text(at)
    else:
        assert metric(at, "Realisasi (keluarga)").value == "75,0%"


@pytest.mark.parametrize("compare", [True, False])
def test_cakupan_context_names_the_one_region_in_view_from_the_region_sections_rows(demo_db, compare):
    # The context line takes the view's rows from the region section's query
    # (which also holds comparison regions when asked for): one region in
    # view is named, whatever else that query read.
    at = open_page(demo_db, "app_pages/cakupan.py", lang="en")
    at.toggle(key="ck_compare").set_value(compare).run()

    def context() -> str:
        lines = [m.value for m in at.markdown if m.value.startswith("**PKH** · Tranche 2 2026 · ")]
        assert len(lines) == 1, [m.value for m in at.markdown]
        return lines[0].removeprefix("**PKH** · Tranche 2 2026 · ")

    assert context() == "14 pilot regions"
    set_filter(at, "wil", ["18.72"])
    assert context() == "Kota Metro"
    calls = queries_of_a_rerun(at, "region_indicators")
    assert len(calls) == 1, calls  # one query for the context line and the region section
    # Every region's row: it runs with the page's other queries, before the comparison regions are known.
    assert calls[0]["regions"] is None
    assert len(queries_of_a_rerun(at, "cakupan_comparison_regions")) == (1 if compare else 0)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_view_whose_regions_use_registers_of_different_dates_says_so(demo_db, lang):  # noqa: F811
    """The demo's comparison regions have only the DTSEN snapshot of 30 Jun
    2025, its pilots one of 31 Jan 2026: with both groups in view, the page
    says which date how many regions use; with the pilots alone, nothing."""
    from bansos import i18n

    runner = QueryRunner(demo_db)
    rows = runner.run("region_indicators", as_of=None, basis="desil", program="PKH", year=2026, tranche=2,
                      province=None, regions=None)
    used = rows.drop_duplicates("region_code").groupby("register_snapshot").size().sort_index(ascending=False)
    assert len(used) == 2  # the demo's two register dates
    parts = "; ".join(i18n.t("word.registers_differ.part", lang, date=fmt.day(day, lang), n=fmt.number(n, lang))
                      for day, n in used.items())
    latest = runner.run("options_snapshots").as_of.max()
    note = i18n.t("word.registers_differ", lang, dates=parts, as_of=fmt.day(latest, lang))
    at = open_page(demo_db, "app_pages/ringkasan.py", lang, query={"grup": "all"})
    assert note in [c.value for c in at.caption]
    at = open_page(demo_db, "app_pages/ringkasan.py", lang)  # pilots: one register date
    assert not [c.value for c in at.caption if c.value.startswith(note[:20])]


def test_cakupan_says_registers_differ_for_the_regions_its_chart_draws(demo_db):  # noqa: F811
    """The tiles sum the 14 pilots (one register date); the region chart draws
    their 20 comparison regions beside them when asked (30 Jun 2025). The
    note counts the regions drawn, so it belongs to the chart, not the tiles:
    shown with the comparison regions, absent without them."""
    from bansos import i18n

    at = open_page(demo_db, "app_pages/cakupan.py", lang="en")
    start = i18n.t("word.registers_differ", "en", dates="", as_of="")[:30]

    def notes() -> list[str]:
        return [c.value for c in at.caption if c.value.startswith(start)]

    at.toggle(key="ck_compare").set_value(True).run()
    assert [n for n in notes() if "31 Jan 2026 for 14 regions; 30 Jun 2025 for 20 regions" in n], notes()
    at.toggle(key="ck_compare").set_value(False).run()
    assert not notes()


def test_the_regions_tile_counts_every_region_in_view_and_its_caption_splits_them(demo_db):  # noqa: F811
    """With the comparison group alone the tile said "Pilot regions in view: 0"
    above "20 regions in view"; it counts the regions in view."""
    for group, total, pilots, comparison in (("comparison", "20", 0, 20), ("all", "34", 14, 20)):
        at = open_page(demo_db, "app_pages/ringkasan.py", "en", query={"grup": group})
        assert metric(at, "Regions in view").value == total
        assert f"{pilots} {'pilot' if pilots == 1 else 'pilots'}, {comparison} comparison" in caption_text(at)


def test_a_rate_tile_draws_its_trend_only_with_two_tranches_or_more(demo_db):  # noqa: F811
    """SEMBAKO's first tranche has no earlier one: no sparkline (one point drew
    an empty box with a flat line); the latest tranche has its trend."""
    first = open_page(demo_db, "app_pages/ringkasan.py", "en", query={"prog": "SEMBAKO", "tahap": "2025-1"})
    latest = open_page(demo_db, "app_pages/ringkasan.py", "en", query={"prog": "SEMBAKO"})
    for at, points in ((first, 0), (latest, None)):
        rates = [m for m in at.metric if m.label in ("Coverage", "Exclusion error", "Inclusion error")]
        assert len(rates) == 3
        for m in rates:
            assert len(m.proto.chart_data) == points if points is not None else len(m.proto.chart_data) >= 2
