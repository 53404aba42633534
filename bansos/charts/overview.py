"""Charts of the Ringkasan (overview) page. Pure functions: a query frame,
the language and already-translated labels in, a plotly Figure out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from bansos import fmt, i18n
from bansos.charts import theme
from bansos.charts.figure import Fig, merge

# Metric lines of the trend: colour and dash differ from the target lines
# (red dashed, pink dotted) and from the pilot/comparison blue and orange.
TREND_STYLE = {
    "coverage": dict(color=theme.GOOD, dash="solid"),
    "exclusion_error": dict(color="#000000", dash="solid"),
    "inclusion_error": dict(color="#56B4E9", dash="solid"),
}
# numerator, denominator of each rate in `totals_by_period`, and its small flag
TREND_INPUTS = {
    "coverage": ("eligible_covered", "eligible_families", "coverage_small"),
    "exclusion_error": ("excluded_families", "eligible_families", "coverage_small"),
    "inclusion_error": ("ineligible_recipients", "recipients", "inclusion_small"),
}


def period_labels(frame: pd.DataFrame, lang: str) -> list[str]:
    return [i18n.t("period.short", lang, year=int(y), tranche=int(t)) for y, t in zip(frame["year"], frame["tranche"])]


def trend(
    frame: pd.DataFrame,
    lang: str,
    *,
    title: str,
    x_title: str,
    y_title: str,
    labels: dict[str, str],
    ratio_words: dict[str, str],
    target: float,
    target_next: float,
    target_label: str,
    target_next_label: str,
    small_label: str,
    selected: tuple[int, int] | None = None,
) -> go.Figure:
    """Coverage, exclusion error and inclusion error by tranche, with both
    error targets. `labels` names each metric; `ratio_words[metric]` is a
    template like "{num} of {den} eligible families" for the hover.
    Rates on few families get an open marker and `small_label` in the hover."""
    x = period_labels(frame, lang)
    fig = Fig()
    for metric, style in TREND_STYLE.items():
        num_col, den_col, small_col = TREND_INPUTS[metric]
        small = frame[small_col].fillna(False).astype(bool) if small_col in frame else pd.Series(False, index=frame.index)
        hover = [
            f"{fmt.pct(rate, lang)}<br>{ratio_words[metric].format(num=fmt.number(n, lang), den=fmt.number(d, lang))}"
            + (f"<br>{small_label}" if s else "")
            for rate, n, d, s in zip(frame[metric], frame[num_col], frame[den_col], small)
        ]
        fig.add_trace(dict(
            type="scatter", x=x, y=list(frame[metric]), name=labels[metric], mode="lines+markers",
            line=dict(color=style["color"], width=3, dash=style["dash"]),
            marker=dict(size=9, symbol=["circle-open" if s else "circle" for s in small], line=dict(width=2)),
            customdata=hover, hovertemplate="<b>%{x}</b> · " + labels[metric] + ": %{customdata}<extra></extra>",
            connectgaps=False,
        ))
    theme.apply(fig, lang, title, x_title, y_title)
    theme.percent_axis(fig)
    theme.add_targets(fig, target, target_next, target_label, target_next_label)
    fig.update_xaxes(type="category")
    if selected is not None:
        keys: list[tuple] = list(zip(frame["year"].astype(int), frame["tranche"].astype(int)))
        if tuple(selected) in keys:
            index = keys.index(tuple(selected))
            theme.add_band(fig, index - 0.5, index + 0.5)
    fig.update_layout(hovermode="closest")
    return fig.figure()


def readable_map(fig: Fig, frame: pd.DataFrame | None = None, pilot_size: int = 18, other_size: int = 12,
                 halo: str = "#4B5563") -> go.Figure:
    """Make a `maps.region_map` figure readable on a projector.

    Point map: larger markers, each over a slightly larger dark disc, so that
    a low value (a light colour) still stands out from the grey outlines.
    Choropleth (one province): a kota of a few km² is a speck at province
    scale, so each region in `frame` (region_code, lat, lon, is_pilot) also
    gets a marker in the same colour scale, hover text taken from the
    choropleth."""
    points = [t for t in fig.data if t["type"] == "scattermap"]
    if not points and frame is not None:
        shapes = [t for t in fig.data if t["type"] == "choroplethmap" and t.get("showscale") is not False]
        if shapes:
            shape = shapes[-1]
            by_code = {code: (z, text) for code, z, text in
                       zip(shape["locations"], shape["z"], shape.get("hovertext") or [""] * len(shape["z"]))}
            placed = frame[frame["region_code"].isin(list(by_code)) & frame["lat"].notna() & frame["lon"].notna()]
            if len(placed):
                fig.add_trace(dict(
                    type="scattermap", lat=list(placed["lat"]), lon=list(placed["lon"]), mode="markers", name="",
                    marker=dict(size=[pilot_size if p else other_size for p in placed["is_pilot"]],
                                color=[by_code[c][0] for c in placed["region_code"]],
                                colorscale=shape["colorscale"], cmin=shape.get("zmin"), cmax=shape.get("zmax"), showscale=False),
                    hovertext=[by_code[c][1] for c in placed["region_code"]], hoverinfo="text",
                ))
                points = [fig.data[-1]]
    # A horizontal colour bar under the map leaves the map the full width (on
    # a phone a vertical bar took 40% of it).
    bar = dict(orientation="h", x=0.5, xanchor="center", y=-0.02, yanchor="top", thickness=12, len=0.9,
               title=dict(side="top"))
    for trace in fig.data:
        if trace["type"] == "choroplethmap" and trace.get("showscale") is not False:
            merge(trace.setdefault("colorbar", {}), bar)
        elif trace["type"] == "scattermap" and trace.get("marker", {}).get("showscale"):
            merge(trace["marker"].setdefault("colorbar", {}), bar)
    fig.update_layout(margin=dict(b=70))
    if not points:
        return fig.figure()
    for trace in points:
        sizes = trace["marker"].get("size")
        if isinstance(sizes, (list, tuple)) and sizes:
            biggest = max(sizes)
            trace["marker"]["size"] = [pilot_size if s == biggest else other_size for s in sizes]
        else:
            trace["marker"]["size"] = pilot_size
    halos = []
    for trace in points:
        sizes = trace["marker"]["size"] if isinstance(trace["marker"]["size"], list) else [trace["marker"]["size"]] * len(trace["lat"])
        halos.append(dict(
            type="scattermap", lat=trace["lat"], lon=trace["lon"], mode="markers", hoverinfo="skip", showlegend=False,
            name="", marker=dict(size=[size + 4 for size in sizes], color=halo),
        ))
    others = [t for t in fig.data if t["type"] != "scattermap"]
    fig.data = [*others, *halos, *points]
    return fig.figure()
