"""Charts of the targeting-accuracy page (Ketepatan Sasaran).

Pure functions: a query's DataFrame, the language and already-translated
labels in, a plotly Figure out. Nothing here computes an indicator: rates,
counts and changes come from the queries; this module only draws and
formats them.

Label dictionaries hold the words; hover templates in them use
`str.format` fields that the builders fill with formatted values
(numbers in the page's language, via bansos.fmt).
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from bansos import fmt
from bansos.charts import theme
from bansos.charts.figure import Fig

# Decile groups as mart_decile names them, in display order.
DECILE_GROUPS = (*tuple(f"{d:02d}" for d in range(1, 11)), "unranked", "not_in_register")
UNRANKED_COLOUR = "#4B5563"  # dark grey: in the register without a decile, not eligible
ABSENT_COLOUR = theme.BAD     # vermillion: not in any register, not eligible
INELIGIBLE_COLOUR = "#BFC5CD"  # light grey: ranked above the threshold


def _num(value) -> float | None:
    return None if fmt.is_missing(value) else float(value)


def _flag(small: object, flag: str) -> str:
    return f" {flag}" if (not fmt.is_missing(small) and bool(small)) else ""


def _group_colour(is_pilot: bool) -> str:
    return theme.PILOT if is_pilot else theme.COMPARISON


def _target_labels(labels: dict) -> tuple[str, str]:
    return labels["target_now"], labels["target_next"]


def add_target_lines(
    fig: Fig, target: float, target_next: float, label_now: str, label_next: str,
    axes: tuple[str, ...] = ("x",), legend: bool = True, row: int | None = None, col: int | None = None,
) -> Fig:
    """Both error targets (the settings target_2026 and target_next) as
    lines on the given axes, named in the legend rather than written inside
    the plot, where labels collide with region names and points near 0%.
    Same colours and dashes as theme.add_targets."""
    for axis in axes:
        theme.add_rule(fig, target, axis, dict(color=theme.TARGET, dash="dash", width=1.5), row=row, col=col)
        theme.add_rule(fig, target_next, axis, dict(color=theme.TARGET_NEXT, dash="dot", width=1.5), row=row, col=col)
    if legend:
        for name, colour, dash in ((label_now, theme.TARGET, "dash"), (label_next, theme.TARGET_NEXT, "dot")):
            fig.add_trace(dict(
                type="scatter", x=[None], y=[None], mode="lines", name=name, hoverinfo="skip",
                line=dict(color=colour, dash=dash, width=1.5),
            ))
    return fig


def upper_bound(*series: pd.Series) -> float:
    """Axis end for rates: the largest value plus room, in steps of 10%,
    between 20% and 100% (so targets at 5-10% stay visible and points spread)."""
    values = [float(v) for s in series for v in s if not fmt.is_missing(v)]
    top = max(values) if values else 1.0
    return min(1.0, max(0.2, math.ceil((top + 0.05) * 10) / 10))


# -- exclusion vs inclusion -------------------------------------------------------


def error_scatter(frame: pd.DataFrame, lang: str, labels: dict, target: float, target_next: float) -> go.Figure:
    """One point per region: exclusion error (x) against inclusion error (y),
    pilots and comparison regions in their colours, a rate on few families as
    an open marker, both targets drawn on both axes and the zone where both
    errors meet the target shaded.

    frame: region_name, is_pilot, exclusion_error, inclusion_error,
    eligible_families, eligible_covered, recipients, ineligible_recipients,
    not_in_register, coverage_small, inclusion_small.
    labels: title, x, y, pilot, comparison, target_now, target_next,
    target_zone, small_flag, hover (format fields: region, exclusion,
    covered, eligible, inclusion, ineligible, recipients, not_in_register).
    """
    fig = Fig()
    fig.add_shape(dict(
        type="rect", x0=0, y0=0, x1=target, y1=target, layer="below",
        fillcolor=theme.GOOD, opacity=0.15, line=dict(width=0),
    ))
    plotted = frame.dropna(subset=["exclusion_error", "inclusion_error"]) if not frame.empty else frame
    for is_pilot, name in ((True, labels["pilot"]), (False, labels["comparison"])):
        part = plotted[plotted["is_pilot"].astype(bool) == is_pilot] if not plotted.empty else plotted
        if part.empty:
            continue
        small = part["coverage_small"].fillna(False).astype(bool) | part["inclusion_small"].fillna(False).astype(bool)
        hover = [
            labels["hover"].format(
                region=row.region_name + _flag(is_small, labels["small_flag"]),
                exclusion=fmt.pct(row.exclusion_error, lang),
                covered=fmt.number(row.eligible_covered, lang),
                eligible=fmt.number(row.eligible_families, lang),
                inclusion=fmt.pct(row.inclusion_error, lang),
                ineligible=fmt.number(row.ineligible_recipients, lang),
                recipients=fmt.number(row.recipients, lang),
                not_in_register=fmt.number(row.not_in_register, lang),
            )
            for row, is_small in zip(part.itertuples(), small)
        ]
        colour = _group_colour(is_pilot)
        fig.add_trace(dict(
            type="scatter", x=list(part["exclusion_error"]), y=list(part["inclusion_error"]), mode="markers",
            name=name,
            marker=dict(
                size=11, color=colour, line=dict(color=colour, width=2),
                symbol=["circle-open" if s else "circle" for s in small],
            ),
            hovertext=hover, hoverinfo="text",
        ))
    now, nxt = _target_labels(labels)
    add_target_lines(fig, target, target_next, now, nxt, axes=("x", "y"))
    fig.add_trace(dict(
        type="scatter", x=[None], y=[None], mode="markers", name=labels["target_zone"], hoverinfo="skip",
        marker=dict(symbol="square", size=12, color=theme.GOOD, opacity=0.3),
    ))
    theme.apply(fig, lang, labels["title"], labels["x"], labels["y"], height=520)
    if plotted.empty:
        x_end = y_end = 1.0
    else:
        x_end, y_end = upper_bound(plotted["exclusion_error"]), upper_bound(plotted["inclusion_error"])
    fig.update_xaxes(tickformat=".0%", range=[0, x_end * 1.02])
    fig.update_yaxes(tickformat=".0%", range=[0, y_end * 1.02])
    return fig.figure()


# -- before / after ----------------------------------------------------------------


def dumbbell(
    frame: pd.DataFrame, lang: str, metric: str, numerator: str, denominator: str, labels: dict,
    target: float | None = None, target_next: float | None = None,
) -> go.Figure:
    """Per region, the metric at t1 (open marker) and t2 (filled), joined by a
    line in the region's group colour; pilots first, then comparison regions.

    frame (period_change): region_name, is_pilot, <metric>_1, <metric>_2,
    <metric>_change, small_1, small_2, <numerator>_1/_2 and
    <denominator>_1/_2 (the counts shown in the hover).
    labels: title, x, pilot, comparison, t1, t2, small_flag,
    target_now, target_next, hover (format fields: region, t1, t2,
    rate_1, rate_2, change, num_1, den_1, num_2, den_2).
    Targets are drawn when both are given (error metrics).
    """
    first, second, change = f"{metric}_1", f"{metric}_2", f"{metric}_change"
    data = frame.dropna(subset=[first, second], how="all").copy() if not frame.empty else frame.copy()
    fig = Fig()
    if not data.empty:
        data["plot_pilot"] = data["is_pilot"].astype(bool)
        data["plot_order"] = data[second].fillna(data[first])
        # Plotly draws the first category at the bottom: comparison regions
        # first, so the pilots read from the top, best (lowest error) first.
        data = data.sort_values(["plot_pilot", "plot_order"], ascending=[True, False])
        data["plot_label"] = [fmt.region_short(n) for n in data["region_name"]]
        for is_pilot, name in ((True, labels["pilot"]), (False, labels["comparison"])):
            part = data[data["plot_pilot"] == is_pilot]
            if part.empty:
                continue
            colour = _group_colour(is_pilot)
            xs, ys = [], []
            for row in part.itertuples():
                a, b = _num(getattr(row, first)), _num(getattr(row, second))
                if a is not None and b is not None:
                    xs += [a, b, None]
                    ys += [row.plot_label, row.plot_label, None]
            fig.add_trace(dict(
                type="scatter", x=xs, y=ys, mode="lines", line=dict(color=colour, width=3), opacity=0.55,
                hoverinfo="skip", showlegend=False,
            ))
            num_col, den_col = numerator, denominator
            hover = [
                labels["hover"].format(
                    region=row["region_name"] + _flag(bool(row["small_1"]) or bool(row["small_2"]), labels["small_flag"]),
                    t1=labels["t1"], t2=labels["t2"],
                    rate_1=fmt.pct(row[first], lang), rate_2=fmt.pct(row[second], lang),
                    change=fmt.pp(row[change], lang),
                    num_1=fmt.number(row[f"{num_col}_1"], lang), den_1=fmt.number(row[f"{den_col}_1"], lang),
                    num_2=fmt.number(row[f"{num_col}_2"], lang), den_2=fmt.number(row[f"{den_col}_2"], lang),
                )
                for _, row in part.iterrows()
            ]
            fig.add_trace(dict(
                type="scatter", x=list(part[first]), y=list(part["plot_label"]), mode="markers",
                name=f"{name} · {labels['t1']}",
                marker=dict(size=10, color="white", line=dict(color=colour, width=2), symbol="circle"),
                hovertext=hover, hoverinfo="text",
            ))
            fig.add_trace(dict(
                type="scatter", x=list(part[second]), y=list(part["plot_label"]), mode="markers",
                name=f"{name} · {labels['t2']}",
                marker=dict(size=11, color=colour, line=dict(color=colour, width=2), symbol="circle"),
                hovertext=hover, hoverinfo="text",
            ))
    rows = 0 if data.empty else len(data)
    if target is not None and target_next is not None:
        add_target_lines(fig, target, target_next, labels["target_now"], labels["target_next"], axes=("x",))
    theme.apply(fig, lang, labels["title"], labels["x"], None, height=max(340, 26 * rows + 190))
    end = upper_bound(data[first], data[second]) if rows else 1.0
    fig.update_xaxes(tickformat=".0%", range=[0, end * 1.02])
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=list(data["plot_label"]) if rows else [])
    return fig.figure()


# -- decile distribution -----------------------------------------------------------

# The decile chart's plot area is about 270 px high (440 px less title, axis
# title and legend): enough to tell, in axis units, whether a marker covers a
# bar's value label.
DECILE_PLOT_PX = 270


def _labels_under_markers(categories: list[str], values: list, register_at: dict[str, float],
                          y_max: float) -> dict[str, float]:
    """The categories whose value label (about 16 px above the bar's top)
    a register marker (10 px) would cover, with the height to draw the label
    at instead: just above the marker."""
    px = y_max / DECILE_PLOT_PX
    moved = {}
    for label, value in zip(categories, values):
        if value is None or label not in register_at:
            continue
        marker = register_at[label]
        if value - 6 * px <= marker <= value + 22 * px:
            moved[label] = marker + 6 * px
    return moved


def decile_bars(
    frame: pd.DataFrame, lang: str, threshold: int | None, labels: dict, register: pd.DataFrame | None = None,
) -> go.Figure:
    """Recipients by DTSEN decile, plus `unranked` and `not in register`;
    deciles within the programme's threshold highlighted and the threshold
    marked. With `register`, the register's own families by decile are
    drawn as markers on the same scale, so concentration in the lowest
    deciles reads against the population it is drawn from.

    frame (decile_distribution): desil_group, recipients, share.
    register (register_decile, optional): desil_group, families, share.
    labels: title, x, y, eligible, ineligible, unranked, not_in_register,
    threshold (format field: max_desil), hover (fields: group, recipients,
    share); with `register` also register and register_hover (fields:
    group, families, share).
    """
    by_group = frame.set_index("desil_group") if not frame.empty else pd.DataFrame(columns=["recipients", "share"])
    categories, colours, values, counts, names = [], [], [], [], []
    for group in DECILE_GROUPS:
        if group == "unranked":
            label, colour = labels["unranked"], UNRANKED_COLOUR
        elif group == "not_in_register":
            label, colour = labels["not_in_register"], ABSENT_COLOUR
        else:
            decile = int(group)
            label = str(decile)
            eligible = threshold is not None and decile <= threshold
            colour = theme.GOOD if eligible else INELIGIBLE_COLOUR
        row = by_group.loc[group] if group in by_group.index else None
        categories.append(label)
        colours.append(colour)
        values.append(None if row is None else _num(row["share"]))
        counts.append(None if row is None else _num(row["recipients"]))
        names.append(label)
    hover = [
        labels["hover"].format(group=name, recipients=fmt.number(count, lang), share=fmt.pct(value, lang))
        for name, count, value in zip(names, counts, values)
    ]
    texts = [fmt.pct(v, lang, 0 if v >= 0.1 else 1) if v is not None else "" for v in values]
    in_register = register.set_index("desil_group") if register is not None and not register.empty else None
    register_at = {} if in_register is None else {
        label: _num(in_register.loc[group, "share"]) or 0
        for label, group in zip(categories, DECILE_GROUPS) if group in in_register.index
    }
    top = max([v for v in values + list(register_at.values()) if v is not None] or [0])
    y_max = max(0.05, math.ceil(top * 12) / 10)
    # A bar's value label sits just above the bar; where the register's
    # marker sits there too, it covers the label ("No decile": 0.2 % under a
    # 0.3 % marker). Such labels are drawn above the marker instead.
    covered = _labels_under_markers(categories, values, register_at, y_max)
    fig = Fig()
    fig.add_trace(dict(
        type="bar", x=categories, y=[0 if v is None else v for v in values], marker=dict(color=colours),
        text=["" if label in covered else text for label, text in zip(categories, texts)], textposition="outside",
        hovertext=hover, hoverinfo="text", showlegend=False, cliponaxis=False, constraintext="both",
    ))
    # Legend entries for the colour meanings (empty traces, legend only).
    for name, colour in (
        (labels["eligible"], theme.GOOD),
        (labels["ineligible"], INELIGIBLE_COLOUR),
        (labels["unranked"], UNRANKED_COLOUR),
        (labels["not_in_register"], ABSENT_COLOUR),
    ):
        fig.add_trace(dict(type="bar", x=[None], y=[None], name=name, marker=dict(color=colour), showlegend=True,
                           hoverinfo="skip"))
    if in_register is not None:
        points = [(label, group) for label, group in zip(categories, DECILE_GROUPS) if group in in_register.index]
        fig.add_trace(dict(
            type="scatter", x=[label for label, _ in points], y=[register_at[label] for label, _ in points],
            mode="markers",
            name=labels["register"],
            marker=dict(symbol="diamond", size=10, color="#111827", line=dict(color="white", width=1)),
            hovertext=[
                labels["register_hover"].format(
                    group=label, families=fmt.number(in_register.loc[group, "families"], lang),
                    share=fmt.pct(in_register.loc[group, "share"], lang),
                )
                for label, group in points
            ],
            hoverinfo="text",
        ))
    if threshold is not None and 1 <= threshold <= 10:
        # categories sit at 0..11; the line falls between decile t and t+1
        theme.add_rule(
            fig, threshold - 0.5, "x", dict(color=theme.TARGET, dash="dash", width=2),
            labels["threshold"].format(max_desil=threshold), "top right",
        )
    if covered:
        # As an invisible sliver of bar above the marker, so that the label
        # is sized and hidden on a narrow screen exactly as the other bars'.
        fig.add_trace(dict(
            type="bar", x=list(covered), base=list(covered.values()), y=[y_max / 1000] * len(covered),
            marker=dict(color="rgba(0,0,0,0)"), text=[texts[categories.index(label)] for label in covered],
            textposition="outside", hoverinfo="skip", showlegend=False, cliponaxis=False, constraintext="both",
        ))
    theme.apply(fig, lang, labels["title"], labels["x"], labels["y"], height=440)
    theme.percent_axis(fig, "y", max_value=None)
    fig.update_yaxes(range=[0, y_max])
    # Plotly turns the labels when they do not fit side by side (on a phone
    # the two long ones would run into each other); the legend sits at the
    # foot of the figure, so turned labels push the plot up, not into it.
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=categories, tickfont=dict(size=11))
    # A value label wider than its bar (narrow bars, on a phone) is left out
    # rather than run into its neighbours; the value is in the hover text
    # and in the table under the chart.
    fig.update_layout(barmode="overlay", bargap=0.25, uniformtext=dict(minsize=9, mode="hide"))
    return fig.figure()
