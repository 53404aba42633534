"""AppTest of the targeting (Ketepatan Sasaran) and region-comparison
(Perbandingan Wilayah) pages: demo and empty warehouses, both languages,
and filters that change what is shown.

Note: in AppTest the sidebar is empty after switch_page, so the shared
filters are set through session state (or URL query parameters, which is
how a shared link sets them); the page's own widgets are driven directly.
"""

from __future__ import annotations

import json
import os

import pytest
from streamlit.testing.v1 import AppTest

from bansos import fmt, i18n
from bansos.queries import QueryRunner
from tests.app_fixtures import REPO, app_key_file, demo_db, empty_db, queries_of_a_rerun, shown, table_labels  # noqa: F401

SASARAN = "app_pages/sasaran.py"
PERBANDINGAN = "app_pages/perbandingan.py"


def open_page(db, page: str, lang: str = "id", state: dict | None = None, query: dict | None = None) -> AppTest:
    os.environ["BANSOS_DB"] = str(db)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    at.session_state["lang"] = lang  # before the first run (see the brief)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def chart_titled(at: AppTest, start: str) -> dict:
    found = [c for c in charts(at) if c["layout"]["title"]["text"].startswith(start)]
    assert found, [c["layout"]["title"]["text"] for c in charts(at)]
    return found[0]


def texts(elements) -> list[str]:
    return [e.value for e in elements]


@pytest.fixture(scope="module")
def runner(demo_db):  # noqa: F811
    return QueryRunner(demo_db, cache=False)


# -- empty warehouse --------------------------------------------------------------------


@pytest.mark.parametrize("page", [SASARAN, PERBANDINGAN])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_empty_warehouse_says_what_to_do(empty_db, page, lang):  # noqa: F811
    at = open_page(empty_db, page, lang)
    said = [text for text in texts(at.info) if text.startswith(i18n.t("empty.no_data", lang))]
    assert len(said) == 1 and said[0].endswith(i18n.t("empty.no_data.upload", lang))  # the console user may upload
    assert not at.dataframe and not at.get("plotly_chart")
    title = i18n.t("nav.sasaran" if page == SASARAN else "nav.perbandingan", lang)
    assert at.title[0].value == title


# -- Ketepatan Sasaran ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sasaran_on_demo(demo_db, runner, lang):  # noqa: F811
    at = open_page(demo_db, SASARAN, lang)
    assert at.title[0].value == i18n.t("nav.sasaran", lang)
    captions = " ".join(texts(at.caption))
    assert i18n.t("banner.rule", lang, rule="")[:10] in captions  # the rule in use is stated
    # the two denominators are explained
    assert any(i18n.t("sasaran.denominators", lang)[:30] in v for v in texts(at.info))
    # tiles: the pilots summed, as totals_by_period returns them
    totals = runner.run("totals_by_period", as_of=None, basis="desil", program="PKH",
                        regions=list(pilot_codes(runner)))
    latest = totals.iloc[-1]
    assert at.metric[0].value == fmt.pct(latest.exclusion_error, lang)
    assert at.metric[1].value == fmt.pct(latest.inclusion_error, lang)
    # under each error rate, the error's own count over its denominator (as Ringkasan gives them):
    # 1 - covered/eligible = left out/eligible
    assert latest.excluded_families == latest.eligible_families - latest.eligible_covered
    assert i18n.t("sasaran.tile.exclusion.caption", lang, left_out=fmt.number(latest.excluded_families, lang),
                  eligible=fmt.number(latest.eligible_families, lang)) in captions
    assert i18n.t("sasaran.tile.inclusion.caption", lang, ineligible=fmt.number(latest.ineligible_recipients, lang),
                  recipients=fmt.number(latest.recipients_assessed, lang)) in captions
    # the region table: one row per pilot, numerators and denominators beside the rates
    table = at.dataframe[0].value
    assert len(table) == len(pilot_codes(runner))
    for column in ("eligible_families", "eligible_covered", "exclusion_error", "recipients", "eligible_recipients",
                   "not_in_register", "inclusion_error"):
        assert column in table.columns
    metro = table[table.region_code == "18.72"].iloc[0]
    expected = runner.run("region_indicators", as_of=None, basis="desil", program="PKH", year=2026, tranche=2,
                          province=None, regions=["18.72"]).iloc[0]
    assert metro.eligible_families == expected.eligible_families
    assert metro.exclusion_error == pytest.approx(expected.exclusion_error)
    assert metro.inclusion_error == pytest.approx(expected.inclusion_error)
    # small-n rows are flagged in the rate's own cell; the rate is still a number underneath
    text = shown(at.dataframe[0])
    flagged = text[text["Exclusion error"].str.endswith("⚠")]
    assert set(table.region_code[flagged.index]) == set(expected_small(runner)) != set()
    # t1/t2 default to the programme's first and latest tranche
    assert at.selectbox(key="ss_t1").value == "2025-1"
    assert at.selectbox(key="ss_t2").value == "2026-2"
    # scatter, two dumbbells, deciles
    spec = chart_titled(at, i18n.t("sasaran.scatter.title", lang))
    assert spec["layout"]["xaxis"]["title"]["text"] == i18n.t("sasaran.scatter.x", lang)
    assert len(charts(at)) == 4


def pilot_codes(runner) -> list[str]:
    options = runner.run("options_regions")
    return list(options[options.is_pilot].region_code)


def expected_small(runner) -> list[str]:
    frame = runner.run("region_indicators", as_of=None, basis="desil", program="PKH", year=2026, tranche=2,
                       province=None, regions=pilot_codes(runner))
    return list(frame[frame.coverage_small].region_code)


def test_sasaran_programme_filter_changes_the_figures(demo_db, runner):  # noqa: F811
    before = open_page(demo_db, SASARAN)
    after = open_page(demo_db, SASARAN, state={"prog": "SEMBAKO"})
    assert after.markdown[0].value.startswith("**SEMBAKO**")
    totals = runner.run("totals_by_period", as_of=None, basis="desil", program="SEMBAKO",
                        regions=pilot_codes(runner))
    assert after.metric[0].value == fmt.pct(totals.iloc[-1].exclusion_error, "id")
    assert after.metric[0].value != before.metric[0].value
    # the decile chart marks SEMBAKO's threshold (desil ≤ 2): two green bars
    deciles = chart_titled(after, "Penerima SEMBAKO")
    colours = deciles["data"][0]["marker"]["color"]
    assert colours[:3] == ["#009E73", "#009E73", "#BFC5CD"]
    # the register's own decile shares are drawn for reference
    register = runner.run("register_decile", as_of=None, province=None, regions=pilot_codes(runner))
    marks = next(t for t in deciles["data"] if t.get("name") == "Keluarga di register")
    assert marks["y"] == pytest.approx(list(register.share))


def test_sasaran_t1_choice_changes_the_before_after(demo_db):  # noqa: F811
    at = open_page(demo_db, SASARAN, "en")
    at.selectbox(key="ss_t1").select("2026-1").run()
    assert not at.exception
    dumbbell = chart_titled(at, "Exclusion error: before")
    names = [t.get("name") for t in dumbbell["data"]]
    assert "Pilot · T1 2026" in names and "Pilot · T1 2025" not in names
    # same tranche twice: a message, no chart
    at.selectbox(key="ss_t1").select("2026-2").run()
    assert i18n.t("sasaran.change.same", "en") in texts(at.info)
    assert not [c for c in charts(at) if c["layout"]["title"]["text"].startswith("Exclusion error: before")]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sasaran_change_table_when_unfolded_shows_each_rate_with_its_counts(demo_db, lang):  # noqa: F811
    # Folded by default (runs nothing); unfolded, every rate sits beside the
    # "numerator / denominator" it comes from: exclusion error = 1 - covered /
    # eligible, inclusion error = 1 - eligible recipients / recipients.
    closed = open_page(demo_db, SASARAN, lang=lang)
    assert not [d for d in closed.dataframe if "ee_ratio_2" in d.value.columns]
    at = open_page(demo_db, SASARAN, lang=lang, state={"ss_change_table": True})
    [element] = [d for d in at.dataframe if "ee_ratio_2" in d.value.columns]
    table, values = shown(element, by="name"), element.value
    assert len(table) > 0
    # the rates stay numbers underneath (the table sorts numerically)
    assert values.exclusion_error_1.dtype.kind == "f" and values.inclusion_error_change.dtype.kind == "f"
    thousands, decimal = (".", ",") if lang == "id" else (",", ".")

    def count(text: str) -> int:
        return int(text.replace(thousands, ""))

    checked = 0
    for _, row in table.iterrows():
        for period in ("1", "2"):
            for rate, ratio in ((f"exclusion_error_{period}", f"ee_ratio_{period}"),
                                (f"inclusion_error_{period}", f"ie_ratio_{period}")):
                if row[rate] == fmt.EMPTY:
                    continue
                num, den = (count(part) for part in row[ratio].split(" / "))
                assert 0 <= num <= den and den > 0, (row["region_name"], ratio, row[ratio])
                shown_rate = float(row[rate].rstrip(" ⚠").rstrip("%").replace(thousands, "").replace(decimal, "."))
                assert abs(shown_rate - 100 * (den - num) / den) <= 0.051, (row["region_name"], rate, row[rate], row[ratio])
                checked += 1
    assert checked >= 2 * len(table)


def test_sasaran_t1_from_a_shared_link(demo_db):  # noqa: F811
    at = open_page(demo_db, SASARAN, query={"ss_t1": "Tahap 1 2026"})
    assert at.selectbox(key="ss_t1").value == "2026-1"


def test_sasaran_layak_basis_names_regions_without_registration_data(demo_db, runner):  # noqa: F811
    at = open_page(demo_db, SASARAN, "en", state={"basis": "layak", "grup": "all"})
    warning = " ".join(texts(at.warning))
    assert "without registration data" in warning
    frame = runner.run("region_indicators", as_of=None, basis="layak", program="PKH", year=2026, tranche=2,
                       province=None, regions=None)
    without = frame[frame.eligible_families.isna()]
    assert not without.empty and f"{len(without)} regions" in warning
    for name in without.region_name:
        assert name.replace("Kabupaten ", "Kab. ") in warning
    for name in frame[frame.eligible_families.notna()].region_name:
        assert name.replace("Kabupaten ", "Kab. ") + "," not in warning
    assert i18n.t("sasaran.decile.layak", "en") in texts(at.caption)


def test_sasaran_single_tranche_programme(demo_db):  # noqa: F811
    at = open_page(demo_db, SASARAN, state={"prog": "BLT"})
    assert i18n.t("sasaran.change.one_period", "id") in texts(at.info)
    assert not [s for s in at.selectbox if s.key == "ss_t1"]


def test_sasaran_region_outside_the_group_falls_back_to_the_group(demo_db):  # noqa: F811
    # a province with comparison regions only selected together with "pilots"
    at = open_page(demo_db, SASARAN, state={"prov": "18", "grup": "pilot", "wil": ["18.09"]})
    # 18.09 is not a pilot, so the view falls back to the province's pilots
    assert at.dataframe[0].value.region_code.tolist() == ["18.72"]


# -- Perbandingan Wilayah ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["id", "en"])
def test_perbandingan_on_demo(demo_db, runner, lang):  # noqa: F811
    at = open_page(demo_db, PERBANDINGAN, lang)
    assert at.title[0].value == i18n.t("nav.perbandingan", lang)
    league = at.dataframe[0].value
    assert len(league) == len(pilot_codes(runner))
    ranks = league["rank_exclusion_error"].dropna().tolist()
    assert ranks == sorted(ranks) and ranks[0] == 1
    # small-n pilots are flagged (in the rate's cell), unranked, and last
    text = shown(at.dataframe[0])
    flagged = league[text["Exclusion error"].str.endswith("⚠")]
    assert len(flagged) and flagged["rank_exclusion_error"].isna().all()
    assert list(league.index[-len(flagged):]) == list(flagged.index)
    # rates are numbers (so the table sorts numerically), counts beside them
    assert league.exclusion_error.dtype.kind == "f" and league.eligible_families.dtype.kind in "fi"
    # 2-5 regions side by side: three pilots by default, one row each
    assert at.multiselect(key="pb_regions").value == pilot_codes(runner)[:3]
    side = at.dataframe[1].value
    assert list(side.region_code) == pilot_codes(runner)[:3]
    # small multiples: one chart per chosen region
    small = [c for c in charts(at) if c["layout"]["height"] == 260]
    assert len(small) == 3
    # the comparison group and where it comes from
    group_note = [m for m in texts(at.markdown) if m.startswith("**" + i18n.t("perbandingan.group.members", lang, n=2, names="", source="")[2:12])]
    assert group_note and i18n.t("perbandingan.group.source.default", lang) in group_note[0]
    # DiD: t1/t2 default to first and latest tranche, four metrics, every input
    assert at.selectbox(key="pb_t1").value == "2025-1" and at.selectbox(key="pb_t2").value == "2026-2"
    assert len(at.metric) == 4  # the DiD's tiles: the page's only tiles


def test_perbandingan_metric_changes_the_league_order(demo_db, runner):  # noqa: F811
    at = open_page(demo_db, PERBANDINGAN, "en")
    first_by_exclusion = at.dataframe[0].value.iloc[0].region_name
    at.selectbox(key="pb_metric").select("inclusion_error").run()
    assert not at.exception
    league = at.dataframe[0].value
    frame = runner.run("region_indicators", as_of=None, basis="desil", program="PKH", year=2026, tranche=2,
                       province=None, regions=pilot_codes(runner))
    best = frame[frame.rank_inclusion_error == 1].region_name.iloc[0]
    assert league.iloc[0].region_name == best.replace("Kabupaten ", "Kab. ")
    assert best.replace("Kabupaten ", "Kab. ") != first_by_exclusion
    assert league.iloc[0]["rank_inclusion_error"] == 1
    # the chart follows the metric too (its tab runs only when open)
    assert not [c for c in charts(at) if c["layout"]["title"]["text"].startswith("Pilots by")]
    at.session_state["pb_league_tab"] = i18n.t("perbandingan.tab.chart", "en")
    at.run()
    chart = chart_titled(at, "Pilots by Inclusion error")
    assert chart["data"][0]["y"][-1].startswith(best.replace("Kabupaten ", "Kab. "))


def test_perbandingan_metric_from_a_shared_link(demo_db, runner):  # noqa: F811
    at = open_page(demo_db, PERBANDINGAN, "en", query={"pb_metric": "Inclusion error"})
    assert at.selectbox(key="pb_metric").value == "inclusion_error"


def comparison_of(runner, pilot: str):
    group = runner.run("perbandingan_comparison_group", pilots=[pilot])
    assert not group.empty
    return group


def test_perbandingan_regions_side_by_side(demo_db, runner):  # noqa: F811
    other = comparison_of(runner, "18.72").comparison_code.iloc[0]
    at = open_page(demo_db, PERBANDINGAN, "en")
    at.multiselect(key="pb_regions").set_value(["18.72", other]).run()
    assert not at.exception
    side = shown(at.dataframe[1])
    assert len(side) == 2  # one row per region
    metro = runner.run("region_indicators", as_of=None, basis="desil", program="PKH", year=2026, tranche=2,
                       province=None, regions=["18.72"]).iloc[0]
    flag = " ⚠" if metro.coverage_small else ""
    row = side[side["Region"] == "Kota Metro"].iloc[0]
    assert row["Exclusion error"] == f"{fmt.pct(metro.exclusion_error, 'en')}{flag}"
    assert row["Exclusion error: inputs"] == (f"{fmt.number(metro.eligible_covered, 'en')} of "
                                              f"{fmt.number(metro.eligible_families, 'en')} eligible families receive")
    bars = chart_titled(at, "PKH T2 2026: chosen regions")
    groups = {t["name"] for t in bars["data"] if t.get("type") == "bar"}
    assert groups == {"Pilot", "Comparison"}
    at.multiselect(key="pb_regions").set_value(["18.72"]).run()
    assert i18n.t("perbandingan.pick.too_few", "en") in texts(at.info)


def test_perbandingan_regions_from_a_shared_link(demo_db, runner):  # noqa: F811
    other = comparison_of(runner, "18.72").iloc[0]
    label = f"{other.comparison_name.replace('Kabupaten ', 'Kab. ')} ({other.comparison_code})"
    at = open_page(demo_db, PERBANDINGAN, query={"pb_regions": ["Kota Metro (18.72) · Pilot", label]})
    assert at.multiselect(key="pb_regions").value == ["18.72", other.comparison_code]


def test_perbandingan_did_shows_every_input(demo_db, runner):  # noqa: F811
    at = open_page(demo_db, PERBANDINGAN, "id")
    at.selectbox(key="pb_pilot").select("18.72").run()
    assert not at.exception
    did = runner.run("comparison_did", as_of=None, basis="desil", program="PKH", year1=2025, tranche1=1, year2=2026,
                     tranche2=2, pilots=["18.72"]).set_index("metric")
    table = shown(at.dataframe[-1], by="name")
    exclusion = table[table.metric.str.startswith("Exclusion error")]
    assert len(exclusion) == 3
    # a rate on few families is flagged on its metric
    assert exclusion.metric.iloc[0].endswith("⚠") == bool(did.loc["exclusion_error"].small)
    pilot_row, comp_row, did_row = exclusion.iloc[0], exclusion.iloc[1], exclusion.iloc[2]
    row = did.loc["exclusion_error"]
    assert pilot_row.group == "Pilot: Kota Metro"
    assert (pilot_row.num_1, pilot_row.den_1) == (fmt.number(row.pilot_num_1, "id"), fmt.number(row.pilot_den_1, "id"))
    assert (comp_row.num_2, comp_row.den_2) == (fmt.number(row.comp_num_2, "id"), fmt.number(row.comp_den_2, "id"))
    assert pilot_row.rate_1 == fmt.pct(row.pilot_rate_1, "id") and comp_row.rate_2 == fmt.pct(row.comp_rate_2, "id")
    assert pilot_row.change == fmt.pp(row.pilot_change, "id") and comp_row.change == fmt.pp(row.comp_change, "id")
    assert did_row.change == fmt.pp(row.did, "id")
    # the inputs stay numbers underneath
    assert at.dataframe[-1].value.num_1.dtype.kind in "fi"
    group = comparison_of(runner, "18.72")
    assert comp_row.group.startswith(f"Pembanding ({len(group)} wilayah")
    # rupiah for the disbursement rate's inputs
    money = table[table.metric.str.startswith("Realisasi")].iloc[0]
    assert money.num_1.startswith("Rp ")
    # tiles
    tile = next(m for m in at.metric if m.label == "Exclusion error")
    assert tile.value == fmt.pp(row.did, "id") + (" ⚠" if row.small else "")
    # which regions form the group, and from where
    note = next(m for m in texts(at.markdown) if "Kelompok pembanding" in m)
    for name, code in zip(group.comparison_name, group.comparison_code):
        assert f"{name.replace('Kabupaten ', 'Kab. ')} ({code})" in note
    assert "aturan bawaan" in note


def test_perbandingan_pilot_choice_changes_the_trend(demo_db, runner):  # noqa: F811
    at = open_page(demo_db, PERBANDINGAN, "en")
    at.selectbox(key="pb_pilot").select("35.10").run()
    trend = chart_titled(at, "Exclusion error: Kab. Banyuwangi vs comparison")
    assert [t["name"] for t in trend["data"]][:2] == ["Kab. Banyuwangi", "Comparison group"]
    note = next(m for m in texts(at.markdown) if "Comparison group" in m)
    group = comparison_of(runner, "35.10")
    assert f"({len(group)} regions)" in note
    assert all(f"({code})" in note for code in group.comparison_code)


def test_perbandingan_did_same_tranche_and_single_tranche(demo_db):  # noqa: F811
    at = open_page(demo_db, PERBANDINGAN, "en")
    at.selectbox(key="pb_t2").select("2025-1").run()
    assert i18n.t("perbandingan.did.same", "en") in texts(at.info)
    blt = open_page(demo_db, PERBANDINGAN, "en", state={"prog": "BLT"})
    assert i18n.t("perbandingan.did.one_period", "en") in texts(blt.info)
    # one tranche: no trend charts (small multiples, pilot vs comparison), a message instead
    assert i18n.t("perbandingan.trend.one_period", "en") in texts(blt.info)
    assert not [c for c in charts(blt) if c["layout"]["height"] == 260]


def test_perbandingan_without_pilots_in_view(demo_db):  # noqa: F811
    at = open_page(demo_db, PERBANDINGAN, "id", state={"grup": "comparison"})
    assert i18n.t("perbandingan.league.no_pilots", "id") in texts(at.info)
    # the rest of the page still works (a pilot is still offered for the DiD)
    assert at.metric  # the DiD's tiles


def test_every_page_string_has_both_languages():
    from bansos.translations import perbandingan, sasaran

    for module in (sasaran, perbandingan):
        for key, texts_ in module.STRINGS.items():
            assert len(texts_) == 2 and all(t.strip() for t in texts_), key


def test_every_small_rate_carries_its_flag_whatever_the_ranking(demo_db, runner):  # noqa: F811
    # PKH, Tranche 1 2025: Kota Padang (13.71) has 55 eligible families (≥ 30)
    # but 27 recipients (< 30). Ranked by the exclusion error (the default),
    # Padang is ranked and its exclusion error unflagged; its inclusion error
    # and disbursement rate, on 27 recipients, still carry ⚠ in their own cells.
    frame = runner.run("region_indicators", as_of=None, basis="desil", program="PKH", year=2025, tranche=1,
                       province=None, regions=["13.71"]).iloc[0]
    assert frame.recipients < 30 <= frame.eligible_families  # the fixture this test relies on
    at = open_page(demo_db, PERBANDINGAN, "id", query={"tahap": "2025-1"})
    league, text = at.dataframe[0].value, shown(at.dataframe[0])
    padang = league.region_name == "Kota Padang"
    row = text[padang].iloc[0]
    assert row["Exclusion error"] == fmt.pct(frame.exclusion_error, "id")
    assert row["Inclusion error"] == fmt.pct(frame.inclusion_error, "id") + " ⚠"
    assert row["Realisasi penyaluran (nilai)"] == fmt.pct(frame.disbursement_rate, "id") + " ⚠"
    assert league[padang].rank_exclusion_error.notna().all()
    # ranked by the inclusion error instead, the exclusion error keeps its own (absent) flag
    at.selectbox(key="pb_metric").select("inclusion_error").run()
    league, text = at.dataframe[0].value, shown(at.dataframe[0])
    row = text[league.region_name == "Kota Padang"].iloc[0]
    assert row["Inclusion error"].endswith(" ⚠") and not row["Exclusion error"].endswith("⚠")
    assert league[league.region_name == "Kota Padang"].rank_inclusion_error.isna().all()
    # and the same cells on the targeting page's table
    sasaran = open_page(demo_db, SASARAN, "id", query={"tahap": "2025-1"})
    text = shown(sasaran.dataframe[0])
    padang = text[sasaran.dataframe[0].value.region_code == "13.71"].iloc[0]
    assert padang["Inclusion error"].endswith(" ⚠") and not padang["Exclusion error"].endswith("⚠")


def test_perbandingan_chosen_regions_read_once_for_the_tranche_and_its_history(demo_db, runner):  # noqa: F811
    # The page reads its region rows once (the regions in view and the
    # chosen ones, every tranche, as the small multiples draw them); the
    # league and the side-by-side table take the tranche shown from them: on
    # an earlier tranche, their figures are still that tranche's.
    other = comparison_of(runner, "18.72").comparison_code.iloc[0]
    at = open_page(demo_db, PERBANDINGAN, "en", state={"tahap": "2025-2"})
    at.multiselect(key="pb_regions").set_value(["18.72", other])
    asked = queries_of_a_rerun(at, "region_indicators")
    assert len(asked) == 1 and asked[0]["year"] is None and asked[0]["tranche"] is None, asked
    assert {"18.72", other} | set(pilot_codes(runner)) == set(asked[0]["regions"])
    league = shown(at.dataframe[0])
    assert len(league) == len(pilot_codes(runner))
    metro = runner.run("region_indicators", as_of=None, basis="desil", program="PKH", year=2025, tranche=2,
                       province=None, regions=["18.72"]).iloc[0]
    league_metro = league[league["Region"] == "Kota Metro"].iloc[0]
    assert league_metro["Coverage"].removesuffix(" ⚠") == fmt.pct(metro.coverage, "en")
    side = shown(at.dataframe[1])
    assert len(side) == 2  # the tranche shown, not every tranche
    for code in ("18.72", other):
        expected = runner.run("region_indicators", as_of=None, basis="desil", program="PKH", year=2025, tranche=2,
                              province=None, regions=[code]).iloc[0]
        row = side[side["Code"] == code].iloc[0]
        flag = " ⚠" if expected.coverage_small else ""
        assert row["Exclusion error"] == f"{fmt.pct(expected.exclusion_error, 'en')}{flag}"
        assert row["Coverage: inputs"].startswith(fmt.number(expected.eligible_covered, "en") + " of ")
    # the small multiples still draw every tranche of the programme
    periods = len(runner.run("options_periods").query("program == 'PKH'"))
    small = next(c for c in at.get("plotly_chart") if "pb_small_18.72" in c.proto.id)
    xs = {x for trace in json.loads(small.proto.spec)["data"] for x in (trace.get("x") or [])}
    assert len(xs) == periods > 2
