"""The Akuntabilitas charts (bansos/charts/signals.py) on small frames whose
expected figures are written out by hand."""

import math

import pandas as pd

from bansos.charts import signals, theme

LABELS = {s: s.replace("_", " ").capitalize() for s in signals.SIGNAL_STYLE}
HOVER = "{signal}: {rate} per 1,000 ({count} of {recipients})"


def by_period() -> pd.DataFrame:
    # Two tranches, two signals; concentration peaks at 137.5 per 1,000
    # (55 of 400) in 2026 T1, the highest point of the chart.
    return pd.DataFrame({
        "year": [2025, 2025, 2026, 2026], "tranche": [4, 4, 1, 1],
        "signal": ["double_allocation", "concentration", "double_allocation", "concentration"],
        "count": [2, 0, 3, 55], "recipients": [1000, 1000, 400, 400],
        "per_1000": [2.0, 0.0, 7.5, 137.5],
    })


def test_trend_draws_each_signal_and_leaves_room_above_the_highest_point():
    fig = signals.trend(by_period(), "en", title="Signals", x_title="Tranche", y_title="Per 1,000",
                        labels=LABELS, hover=HOVER, selected=(2026, 1))
    names = [t.name for t in fig.data]
    assert names == ["Double allocation", "Concentration"]
    assert list(fig.data[1].y) == [0.0, 137.5]
    assert fig.data[1].hovertext[1] == "Concentration: 137.5 per 1,000 (55 of 400)"
    # The axis starts at zero and ends above 137.5, so the peak's marker is whole
    # (Plotly's own range ended at the peak and cut it in half).
    low, high = fig.layout.yaxis.range
    assert low == 0 and 137.5 * 1.05 < high < 137.5 * 1.5
    # the tranche in view is banded: the second category, at 0.5..1.5
    bands = [s for s in fig.layout.shapes if s.type == "rect"]
    assert [(b.x0, b.x1) for b in bands] == [(0.5, 1.5)]


def test_trend_of_zeros_still_has_an_axis():
    frame = by_period().assign(count=0, per_1000=0.0)
    fig = signals.trend(frame, "id", title="Sinyal", x_title="Tahap", y_title="Per 1.000", labels=LABELS, hover=HOVER)
    assert list(fig.layout.yaxis.range) == [0, 1.0]
    assert not [s for s in fig.layout.shapes if s.type == "rect"]


def test_ranking_orders_regions_and_sets_apart_the_small_ones():
    frame = pd.DataFrame({
        "region_name": ["Kabupaten Banyuwangi", "Kota Malang", "Kota Metro"],
        "is_pilot": [True, True, False], "count": [12, 30, 1], "recipients": [1200, 1000, 20],
        "per_1000": [10.0, 30.0, 50.0], "small": [False, False, True], "rank": [2, 1, math.nan],
    })
    labels = {"small_flag": "⚠", "unranked": "unranked",
              "hover": "{region}: rank {rank}, {rate} per 1,000 ({count} of {recipients})"}
    fig = signals.ranking(frame, "en", title="Ranking", x_title="Per 1,000", labels=labels)
    bars = fig.data[0]
    # Plotly draws the first category at the bottom: read top-down, rank 1,
    # rank 2, then the small region although its rate is the highest.
    assert list(bars.y)[::-1] == ["Kota Malang", "Kab. Banyuwangi", "Kota Metro ⚠"]
    assert list(bars.x)[::-1] == [30.0, 10.0, 50.0]
    assert list(bars.text)[::-1] == ["30.0 (30)", "10.0 (12)", "50.0 (1)"]
    assert list(bars.marker.color)[::-1] == [theme.PILOT, theme.PILOT, theme.COMPARISON]
    assert list(bars.marker.pattern.shape)[::-1] == ["", "", signals.HATCH]
    assert bars.hovertext[0] == "Kota Metro: rank unranked, 50.0 per 1,000 (1 of 20)"
    assert fig.layout.xaxis.range[1] == 50.0 * 1.3
