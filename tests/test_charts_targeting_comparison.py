"""Chart builders of the targeting and comparison pages, on hand-made frames:
traces, colours, target lines (both axes of the error scatter), titles,
axis titles and the counts shown in hovers."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from bansos.charts import comparison, targeting, theme

TARGET, TARGET_NEXT = 0.10, 0.05
TARGET_LABELS = {"target_now": "Target 2026: < 10%", "target_next": "Next target: < 5%"}


def _lines(fig, axis: str) -> list[float]:
    """Positions of the straight lines drawn across the plot on `axis`
    ("x" = vertical lines at x, "y" = horizontal lines at y)."""
    found = []
    for shape in fig.layout.shapes:
        if shape.type != "line":
            continue
        if axis == "x" and shape.x0 == shape.x1 and str(shape.yref).endswith("domain"):
            found.append(shape.x0)
        if axis == "y" and shape.y0 == shape.y1 and str(shape.xref).endswith("domain"):
            found.append(shape.y0)
    return sorted(found)


def _trace(fig, name: str):
    matches = [t for t in fig.data if t.name == name]
    assert matches, f"no trace named {name!r}; have {[t.name for t in fig.data]}"
    return matches[0]


# -- targeting ------------------------------------------------------------------------


@pytest.fixture
def regions() -> pd.DataFrame:
    return pd.DataFrame({
        "region_name": ["Kota Metro", "Kabupaten Banyuwangi", "Kota Bandar Lampung", "Kota Bontang", "Kota Kosong"],
        "is_pilot": [True, True, False, False, False],
        "exclusion_error": [0.2326, 0.2449, 0.7559, 0.7656, None],
        "inclusion_error": [0.3529, 0.3910, 0.4541, 0.4444, None],
        "eligible_families": [86, 1776, 512, 64, None],
        "eligible_covered": [66, 1341, 125, 15, None],
        "recipients": [102, 2202, 229, 27, 0],
        "ineligible_recipients": [36, 861, 104, 12, 0],
        "not_in_register": [3, 40, 8, 1, 0],
        "coverage_small": [False, False, False, False, False],
        "inclusion_small": [False, False, False, True, False],
    })


SCATTER_LABELS = {
    "title": "Exclusion vs inclusion error", "x": "Exclusion error (% of eligible families)",
    "y": "Inclusion error (% of recipients)", "pilot": "Pilot", "comparison": "Comparison",
    "target_zone": "Both targets met", "small_flag": "⚠",
    "hover": "{region}|{exclusion}|{covered}/{eligible}|{inclusion}|{ineligible}/{recipients}|{not_in_register}",
    **TARGET_LABELS,
}


def test_error_scatter_points_colours_and_targets_on_both_axes(regions):
    fig = targeting.error_scatter(regions, "id", SCATTER_LABELS, TARGET, TARGET_NEXT)
    pilots, others = _trace(fig, "Pilot"), _trace(fig, "Comparison")
    assert list(pilots.x) == [0.2326, 0.2449]
    assert pilots.marker.color == theme.PILOT and others.marker.color == theme.COMPARISON
    # the region without both errors is not drawn
    assert len(others.x) == 2
    # a rate on few families is an open marker
    assert list(others.marker.symbol) == ["circle", "circle-open"]
    # both targets, on both axes
    assert _lines(fig, "x") == [TARGET_NEXT, TARGET]
    assert _lines(fig, "y") == [TARGET_NEXT, TARGET]
    _trace(fig, TARGET_LABELS["target_now"])
    _trace(fig, TARGET_LABELS["target_next"])
    # the zone where both targets are met is shaded
    zone = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(zone) == 1 and (zone[0].x1, zone[0].y1) == (TARGET, TARGET)
    assert fig.layout.title.text == "Exclusion vs inclusion error"
    assert fig.layout.xaxis.title.text == SCATTER_LABELS["x"]
    assert fig.layout.yaxis.title.text == SCATTER_LABELS["y"]
    assert fig.layout.xaxis.tickformat == ".0%" and fig.layout.yaxis.tickformat == ".0%"


def test_error_scatter_hover_has_counts_in_the_page_language(regions):
    fig = targeting.error_scatter(regions, "id", SCATTER_LABELS, TARGET, TARGET_NEXT)
    hover = _trace(fig, "Pilot").hovertext[1]
    assert hover == "Kabupaten Banyuwangi|24,5%|1.341/1.776|39,1%|861/2.202|40"
    english = targeting.error_scatter(regions, "en", SCATTER_LABELS, TARGET, TARGET_NEXT)
    assert _trace(english, "Pilot").hovertext[1] == "Kabupaten Banyuwangi|24.5%|1,341/1,776|39.1%|861/2,202|40"
    # the small-n region says so in its hover
    assert _trace(fig, "Comparison").hovertext[1].startswith("Kota Bontang ⚠")


def test_error_scatter_axes_leave_room_and_keep_zero(regions):
    fig = targeting.error_scatter(regions, "en", SCATTER_LABELS, TARGET, TARGET_NEXT)
    assert fig.layout.xaxis.range[0] == 0 and fig.layout.yaxis.range[0] == 0
    assert fig.layout.xaxis.range[1] >= 0.7656
    assert fig.layout.yaxis.range[1] >= 0.4541


def test_error_scatter_without_points_still_has_title_and_targets():
    empty = pd.DataFrame(columns=["region_name", "is_pilot", "exclusion_error", "inclusion_error", "eligible_families",
                                  "eligible_covered", "recipients", "ineligible_recipients", "not_in_register",
                                  "coverage_small", "inclusion_small"])
    fig = targeting.error_scatter(empty, "id", SCATTER_LABELS, TARGET, TARGET_NEXT)
    assert fig.layout.title.text == SCATTER_LABELS["title"]
    assert _lines(fig, "x") == [TARGET_NEXT, TARGET]


@pytest.fixture
def change() -> pd.DataFrame:
    return pd.DataFrame({
        "region_name": ["Kota Metro", "Kabupaten Lombok Timur", "Kota Bandar Lampung"],
        "is_pilot": [True, True, False],
        "exclusion_error_1": [0.7674, 0.75, 0.74],
        "exclusion_error_2": [0.2326, 0.30, 0.7559],
        "exclusion_error_change": [-0.5348, -0.45, 0.0159],
        "eligible_covered_1": [20, 100, 133], "eligible_families_1": [86, 400, 512],
        "eligible_covered_2": [66, 280, 125], "eligible_families_2": [86, 400, 512],
        "small_1": [False, False, False], "small_2": [False, False, False],
    })


DUMBBELL_LABELS = {
    "title": "Exclusion error: before → after", "x": "% (lower is better)", "pilot": "Pilot", "comparison": "Comparison",
    "t1": "T1 2025", "t2": "T2 2026", "small_flag": "⚠",
    "hover": "{region}|{t1} {rate_1} {num_1}/{den_1}|{t2} {rate_2} {num_2}/{den_2}|{change}",
    **TARGET_LABELS,
}


def test_dumbbell_markers_per_period_and_group(change):
    fig = targeting.dumbbell(change, "id", "exclusion_error", "eligible_covered", "eligible_families",
                             DUMBBELL_LABELS, TARGET, TARGET_NEXT)
    before, after = _trace(fig, "Pilot · T1 2025"), _trace(fig, "Pilot · T2 2026")
    assert before.marker.color == "white" and before.marker.line.color == theme.PILOT
    assert after.marker.color == theme.PILOT
    assert _trace(fig, "Comparison · T2 2026").marker.color == theme.COMPARISON
    # pilots read from the top (plotly draws the last category at the top), best first
    order = list(fig.layout.yaxis.categoryarray)
    assert order[-1] == "Kota Metro" and order[0] == "Kota Bandar Lampung"
    # region names are shortened to fit a phone
    assert "Kab. Lombok Timur" in order
    assert _lines(fig, "x") == [TARGET_NEXT, TARGET]
    assert fig.layout.title.text == DUMBBELL_LABELS["title"]
    assert fig.layout.xaxis.title.text == DUMBBELL_LABELS["x"]
    hover = list(after.hovertext)[list(after.y).index("Kota Metro")]
    assert hover == "Kota Metro|T1 2025 76,7% 20/86|T2 2026 23,3% 66/86|-53,5 poin"


def test_dumbbell_without_targets_for_other_metrics(change):
    frame = change.rename(columns=lambda c: c.replace("exclusion_error", "coverage"))
    fig = targeting.dumbbell(frame, "en", "coverage", "eligible_covered", "eligible_families", DUMBBELL_LABELS)
    assert _lines(fig, "x") == []


DECILE_LABELS = {
    "title": "PKH recipients T2 2026 by decile", "x": "DTSEN decile (1 = poorest)", "y": "% of recipients",
    "eligible": "Eligible (decile ≤ 2)", "ineligible": "Above the threshold", "unranked": "No decile",
    "not_in_register": "Not in register", "threshold": "SEMBAKO threshold", "hover": "{group}: {recipients} ({share})",
}


def test_decile_bars_highlight_eligible_deciles_and_mark_the_threshold():
    frame = pd.DataFrame({
        "desil_group": ["01", "02", "03", "10", "unranked", "not_in_register"],
        "recipients": [600, 250, 100, 10, 15, 25],
        "share": [0.6, 0.25, 0.1, 0.01, 0.015, 0.025],
    })
    fig = targeting.decile_bars(frame, "en", 2, DECILE_LABELS)
    bars = fig.data[0]
    assert list(bars.x) == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "No decile", "Not in register"]
    colours = list(bars.marker.color)
    assert colours[0] == colours[1] == theme.GOOD
    assert colours[2] == targeting.INELIGIBLE_COLOUR
    assert colours[10] == targeting.UNRANKED_COLOUR and colours[11] == targeting.ABSENT_COLOUR
    # a decile without recipients is a zero bar without a label, not a gap in the axis
    assert bars.y[4] == 0 and bars.text[4] == ""
    assert bars.text[0] == "60%" and bars.text[9] == "1.0%"
    assert bars.hovertext[1] == "2: 250 (25.0%)"
    # the threshold line falls between decile 2 and 3 (categories sit at 0..11)
    assert _lines(fig, "x") == [1.5]
    assert fig.layout.title.text == DECILE_LABELS["title"]
    assert fig.layout.yaxis.title.text == "% of recipients" and fig.layout.yaxis.tickformat == ".0%"
    assert {t.name for t in fig.data[1:]} == {"Eligible (decile ≤ 2)", "Above the threshold", "No decile", "Not in register"}


def test_decile_bars_with_the_register_for_reference():
    frame = pd.DataFrame({"desil_group": ["01", "02"], "recipients": [80, 20], "share": [0.8, 0.2]})
    register = pd.DataFrame({"desil_group": ["01", "02", "10", "unranked"], "families": [100, 100, 700, 100],
                             "share": [0.1, 0.1, 0.7, 0.1]})
    labels = {**DECILE_LABELS, "register": "Families in the register", "register_hover": "{group}: {families} ({share})"}
    fig = targeting.decile_bars(frame, "en", 1, labels, register)
    marks = _trace(fig, "Families in the register")
    assert list(marks.x) == ["1", "2", "10", "No decile"] and list(marks.y) == [0.1, 0.1, 0.7, 0.1]
    assert marks.hovertext[2] == "10: 700 (70.0%)"
    # the axis leaves room for the highest of bars and markers
    assert fig.layout.yaxis.range[1] >= 0.8


def test_decile_bars_lift_a_value_label_the_register_marker_would_cover():
    # "No decile": 0.2 % of recipients, 0.3 % of the register's families: the
    # marker sits where the bar's label would (the axis runs to 80 %, so a
    # pixel is about 0.3 points). Decile 2's marker (70 %) is far above its
    # bar's label (20 %) and leaves it alone.
    frame = pd.DataFrame({"desil_group": ["01", "02", "unranked"], "recipients": [798, 200, 2],
                          "share": [0.798, 0.2, 0.002]})
    register = pd.DataFrame({"desil_group": ["01", "02", "unranked"], "families": [297, 700, 3],
                             "share": [0.297, 0.7, 0.003]})
    labels = {**DECILE_LABELS, "register": "Families in the register", "register_hover": "{group}: {families} ({share})"}
    fig = targeting.decile_bars(frame, "en", 1, labels, register)
    bars = fig.data[0]
    assert bars.text[10] == "" and bars.text[1] == "20%" and bars.text[0] == "80%"
    lifted = [t for t in fig.data[1:] if t.type == "bar" and t.text and not t.showlegend]
    assert len(lifted) == 1 and list(lifted[0].x) == ["No decile"] and list(lifted[0].text) == ["0.2%"]
    assert lifted[0].base[0] > 0.003  # above the marker, not under it
    assert lifted[0].marker.color == "rgba(0,0,0,0)"


def test_decile_bars_without_threshold_mark_nothing_eligible():
    frame = pd.DataFrame({"desil_group": ["01"], "recipients": [5], "share": [1.0]})
    fig = targeting.decile_bars(frame, "id", None, DECILE_LABELS)
    assert theme.GOOD not in list(fig.data[0].marker.color)
    assert _lines(fig, "x") == []


# -- comparison -----------------------------------------------------------------------


def _metric(indicator: str, num: str, den: str, error: bool, small: str, rank: str, kind: str = "int") -> dict:
    return {"id": indicator, "label": indicator.replace("_", " ").title(), "num": num, "den": den,
            "ratio": "{num} of {den}", "count_format": kind, "small": small, "rank": rank, "error": error}


EXCLUSION = _metric("exclusion_error", "eligible_covered", "eligible_families", True, "coverage_small", "rank_exclusion_error")
COVERAGE = _metric("coverage", "eligible_covered", "eligible_families", False, "coverage_small", "rank_coverage")
DISBURSEMENT = _metric("disbursement_rate", "disbursed_amount", "allocated_amount", False, "inclusion_small",
                       "rank_disbursement", kind="rp")


@pytest.fixture
def league_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "region_name": ["Kota Malang", "Kota Ternate", "Kota Mojokerto", "Kabupaten Gianyar"],
        "is_pilot": [True, True, True, True],
        "exclusion_error": [0.26, 0.18, 0.25, 0.24],
        "coverage": [0.74, 0.82, 0.75, 0.76],
        "eligible_covered": [290, 53, 21, 496],
        "eligible_families": [392, 65, 28, 655],
        "coverage_small": [False, False, True, False],
        "rank_exclusion_error": [3, 1, None, 2],
        "rank_coverage": [3, 1, None, 2],
        "disbursement_rate": [0.9, 0.8, 0.85, 0.95],
        "disbursed_amount": [900_000, 800_000, 850_000, 950_000],
        "allocated_amount": [1_000_000] * 4,
        "inclusion_small": [False, False, False, False],
        "rank_disbursement": [2, 4, 3, 1],
    })


LEAGUE_LABELS = {"title": "Pilots by Exclusion error", "x": "Exclusion error (%)", "small_flag": "⚠",
                 "unranked": "not ranked", "hover": "{region}|{rank}|{rate}|{ratio}", **TARGET_LABELS}


def test_league_bars_rank_order_small_n_last_and_targets(league_frame):
    fig = comparison.league_bars(league_frame, "en", EXCLUSION, LEAGUE_LABELS, TARGET, TARGET_NEXT)
    bars = fig.data[0]
    # rank 1 at the top (the last category), the unranked small-n region at the bottom
    assert list(bars.y) == ["Kota Mojokerto ⚠", "Kota Malang", "Kab. Gianyar", "Kota Ternate"]
    assert list(bars.marker.pattern.shape) == ["/", "", "", ""]
    assert bars.marker.color == theme.PILOT
    assert bars.hovertext[0] == "Kota Mojokerto|not ranked|25.0%|21 of 28"
    assert bars.hovertext[-1] == "Kota Ternate|1|18.0%|53 of 65"
    assert _lines(fig, "x") == [TARGET_NEXT, TARGET]
    assert fig.layout.title.text == LEAGUE_LABELS["title"] and fig.layout.xaxis.title.text == LEAGUE_LABELS["x"]


def test_league_bars_no_targets_for_coverage_and_rupiah_counts(league_frame):
    fig = comparison.league_bars(league_frame, "id", COVERAGE, LEAGUE_LABELS, TARGET, TARGET_NEXT)
    assert _lines(fig, "x") == []
    money = comparison.league_bars(league_frame, "id", DISBURSEMENT, LEAGUE_LABELS, TARGET, TARGET_NEXT)
    assert money.data[0].hovertext[-1] == "Kabupaten Gianyar|1|95,0%|Rp 950.000 of Rp 1.000.000"


COMPARE_LABELS = {"title": "PKH T2 2026: chosen regions", "pilot": "Pilot", "comparison": "Comparison",
                  "x": "%", "small_flag": "⚠", "hover": "{region}|{metric}|{rate}|{ratio}", **TARGET_LABELS}


def test_compare_bars_one_panel_per_metric_coloured_by_group(league_frame):
    frame = league_frame.iloc[:3].assign(is_pilot=[True, False, True])
    fig = comparison.compare_bars(frame, "en", [EXCLUSION, COVERAGE], COMPARE_LABELS, TARGET, TARGET_NEXT)
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["Exclusion Error", "Coverage"]
    pilot_bars = [t for t in fig.data if t.name == "Pilot"]
    comparison_bars = [t for t in fig.data if t.name == "Comparison"]
    assert len(pilot_bars) == len(comparison_bars) == 2  # one per panel
    assert all(t.marker.color == theme.PILOT for t in pilot_bars)
    assert all(t.marker.color == theme.COMPARISON for t in comparison_bars)
    # each group appears once in the legend
    assert [t.showlegend for t in pilot_bars] == [True, False]
    # targets only in the error panel
    assert _lines(fig, "x") == [TARGET_NEXT, TARGET]
    assert {s.xref for s in fig.layout.shapes} == {"x"}
    assert fig.layout.title.text == COMPARE_LABELS["title"]
    # the small-n region is flagged in its bar label
    assert pilot_bars[0].text[1].endswith("⚠")


def test_small_trend_same_scale_and_colour():
    frame = pd.DataFrame({
        "year": [2026, 2025, 2025], "tranche": [1, 2, 1],
        "exclusion_error": [0.24, 0.76, 0.77], "eligible_covered": [65, 20, 20], "eligible_families": [86, 86, 86],
        "coverage_small": [False, False, False],
    })
    labels = {"period": "T{tranche} {year}", "y": "%", "small_flag": "⚠", "hover": "{period}|{rate}|{ratio}", **TARGET_LABELS}
    fig = comparison.small_trend(frame, "en", EXCLUSION, "Kota Metro", True, labels, TARGET, TARGET_NEXT)
    line = fig.data[0]
    assert list(line.x) == ["T1 2025", "T2 2025", "T1 2026"]
    assert line.line.color == theme.PILOT
    assert list(fig.layout.yaxis.range) == [0, pytest.approx(1.02)]
    assert _lines(fig, "y") == [TARGET_NEXT, TARGET]
    assert fig.layout.title.text == "Kota Metro"
    other = comparison.small_trend(frame, "en", COVERAGE.copy() | {"id": "exclusion_error"}, "Kota Bandar Lampung", False, labels)
    assert other.data[0].line.color == theme.COMPARISON


def test_group_trend_pilot_against_comparison_group():
    frame = pd.DataFrame({
        "grp": ["pilot", "pilot", "comparison", "comparison"],
        "year": [2025, 2026, 2025, 2026], "tranche": [1, 2, 1, 2], "regions": [1, 1, 2, 2],
        "exclusion_error": [0.77, 0.23, 0.74, 0.74],
        "eligible_covered": [20, 66, 251, 249], "eligible_families": [86, 86, 963, 963],
        "small": [False, False, False, False],
    })
    labels = {"title": "Exclusion error: Kota Metro vs comparison", "x": "Tranche", "y": "Exclusion error (%)",
              "pilot": "Kota Metro", "comparison": "Comparison group", "period": "T{tranche} {year}",
              "small_flag": "⚠", "hover": "{group}|{period}|{rate}|{ratio}", **TARGET_LABELS}
    fig = comparison.group_trend(frame, "en", EXCLUSION, labels, TARGET, TARGET_NEXT)
    pilot, group = _trace(fig, "Kota Metro"), _trace(fig, "Comparison group")
    assert pilot.line.color == theme.PILOT and group.line.color == theme.COMPARISON
    assert group.line.dash == "dash"
    assert list(pilot.x) == ["T1 2025", "T2 2026"]
    assert group.hovertext[0] == "Comparison group|T1 2025|74.0%|251 of 963"
    assert _lines(fig, "y") == [TARGET_NEXT, TARGET]
    assert fig.layout.yaxis.title.text == "Exclusion error (%)" and fig.layout.xaxis.title.text == "Tranche"
    no_targets = comparison.group_trend(frame.assign(coverage=frame.exclusion_error), "en", COVERAGE, labels, TARGET, TARGET_NEXT)
    assert _lines(no_targets, "y") == []


def test_upper_bound_steps():
    assert targeting.upper_bound(pd.Series([0.33, 0.48])) == pytest.approx(0.6)
    assert targeting.upper_bound(pd.Series([0.01])) == pytest.approx(0.2)
    assert targeting.upper_bound(pd.Series([0.99])) == 1.0
    assert targeting.upper_bound(pd.Series([math.nan])) == 1.0
