"""Charts of the region-comparison page (Perbandingan Wilayah).

Pure functions: a query's DataFrame, the language and already-translated
labels in, a plotly Figure out. Rates and counts come from the queries;
nothing here computes an indicator.

A metric is described by a small dict (`metric()` builds it from
bansos.indicators): `id` (the rate column), `label`, `num` and `den` (the
columns of the counts shown beside the rate), `ratio` (translated words
around them, fields `num` and `den`, e.g. "{num} of {den} eligible
families receive"), `count_format` ("int" or "rp"), `small` (the column
flagging a rate on few families, optional), `rank` (its rank column) and
`error` (True for the two targeting errors, which get both target lines).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from bansos import fmt, i18n
from bansos.charts import theme
from bansos.charts.figure import Fig, merge
from bansos.charts.targeting import add_target_lines
from bansos.indicators import BY_ID

HATCH = "/"  # bars of a rate on few families
RANK = {"exclusion_error": "rank_exclusion_error", "inclusion_error": "rank_inclusion_error",
        "coverage": "rank_coverage", "disbursement_rate": "rank_disbursement"}
# The counts shown beside each rate: (numerator, denominator, words key,
# format), in the columns of region_indicators ("region") and of
# comparison_trend ("trend", which has eligible rather than ineligible recipients).
COUNTS = {
    "region": {
        "exclusion_error": ("eligible_covered", "eligible_families", "perbandingan.ratio.covered", "int"),
        "coverage": ("eligible_covered", "eligible_families", "perbandingan.ratio.covered", "int"),
        "inclusion_error": ("ineligible_recipients", "recipients", "perbandingan.ratio.ineligible", "int"),
        "disbursement_rate": ("disbursed_amount", "allocated_amount", "perbandingan.ratio.disbursed", "rp"),
    },
}
COUNTS["trend"] = {**COUNTS["region"],
                   "inclusion_error": ("eligible_recipients", "recipients", "perbandingan.ratio.eligible", "int")}


def metric(indicator_id: str, lang: str, query: str = "region", small: str | None = None) -> dict:
    """The metric dict of an indicator, for the columns of `query`; `small`
    defaults to the indicator's own small-number flag."""
    num, den, words, kind = COUNTS[query][indicator_id]
    record = BY_ID[indicator_id]
    return {"id": indicator_id, "label": record.label(lang), "num": num, "den": den, "ratio": i18n.t(words, lang),
            "count_format": kind, "small": small or record.small, "rank": RANK[indicator_id],
            "error": record.lower_is_better}


def _small(value) -> bool:
    try:
        return bool(value) and not pd.isna(value)
    except (TypeError, ValueError):
        return bool(value)


def _count(value, kind: str, lang: str) -> str:
    return fmt.rupiah(value, lang) if kind == "rp" else fmt.number(value, lang)


def ratio_text(metric: dict, row, lang: str) -> str:
    """The rate's numerator and denominator in words, e.g. `66 dari 86 keluarga layak menerima`."""
    kind = metric.get("count_format", "int")
    return metric["ratio"].format(num=_count(row[metric["num"]], kind, lang), den=_count(row[metric["den"]], kind, lang))


def _period_labels(frame: pd.DataFrame, template: str) -> list[str]:
    return [template.format(year=int(y), tranche=int(t)) for y, t in zip(frame["year"], frame["tranche"])]


def _targets(fig: Fig, metric: dict, target: float | None, target_next: float | None, labels: dict, axis: str) -> None:
    if metric.get("error") and target is not None and target_next is not None:
        theme.add_targets(fig, target, target_next, labels.get("target_now", ""), labels.get("target_next", ""), axis=axis)


# -- league ------------------------------------------------------------------------


def league_bars(
    frame: pd.DataFrame, lang: str, metric: dict, labels: dict,
    target: float | None = None, target_next: float | None = None,
) -> go.Figure:
    """The pilots on one metric, in rank order (rank 1 at the top); a rate on
    few families hatched, labelled ⚠ and placed after the ranked ones.

    frame (region_indicators, pilots): region_name, <metric id>, <num>,
    <den>, and the metric's `rank` and `small` columns.
    labels: title, x, small_flag, hover (fields: region, rank, rate, ratio),
    unranked, target_now, target_next.
    """
    rate, rank_column, small_column = metric["id"], metric["rank"], metric["small"]
    data = frame.dropna(subset=[rate]).copy() if not frame.empty else frame.copy()
    fig = Fig()
    if not data.empty:
        data["_ranked"] = data[rank_column].notna()
        # best first; ascending rank, unranked at the end
        data = data.sort_values(["_ranked", rank_column, rate], ascending=[False, True, not metric.get("error", False)])
        data = data.iloc[::-1]  # plotly draws the first category at the bottom
        small = [_small(s) for s in data[small_column]]
        names = [fmt.region_short(n) + (f" {labels['small_flag']}" if s else "") for n, s in zip(data["region_name"], small)]
        hover = [
            labels["hover"].format(
                region=row["region_name"],
                rank=labels["unranked"] if pd.isna(row[rank_column]) else int(row[rank_column]),
                rate=fmt.pct(row[rate], lang),
                ratio=ratio_text(metric, row, lang),
            )
            for _, row in data.iterrows()
        ]
        fig.add_trace(dict(
            type="bar", x=list(data[rate]), y=names, orientation="h",
            marker=dict(
                color=theme.PILOT,
                pattern=dict(shape=[HATCH if s else "" for s in small], fgcolor="white", fillmode="overlay"),
                opacity=[0.55 if s else 1.0 for s in small],
            ),
            text=[fmt.pct(v, lang) for v in data[rate]], textposition="outside", cliponaxis=False,
            hovertext=hover, hoverinfo="text", showlegend=False,
        ))
        fig.update_yaxes(type="category", categoryorder="array", categoryarray=names)
    if metric.get("error") and target is not None and target_next is not None:
        add_target_lines(fig, target, target_next, labels["target_now"], labels["target_next"], axes=("x",))
    rows = len(data)
    theme.apply(fig, lang, labels["title"], labels["x"], None, height=max(320, 26 * rows + 160))
    theme.percent_axis(fig, "x", max_value=1.12)
    fig.update_xaxes(tickvals=[0, 0.25, 0.5, 0.75, 1.0])
    return fig.figure()


# -- side by side --------------------------------------------------------------------


def compare_bars(
    frame: pd.DataFrame, lang: str, metrics: list[dict], labels: dict,
    target: float | None = None, target_next: float | None = None,
) -> go.Figure:
    """2-5 regions side by side: one panel per metric, one bar per region,
    pilots blue and comparison regions orange, the value and its numerator
    and denominator in the hover, the error targets in the error panels.

    frame (region_indicators, one period): region_name, is_pilot, and for
    each metric its rate, numerator and denominator columns, plus
    coverage_small / inclusion_small.
    labels: title, pilot, comparison, x, small_flag, hover (fields: region,
    metric, rate, ratio), target_now, target_next.
    """
    panels = len(metrics)
    data = frame.copy()
    names = [fmt.region_short(n) for n in data["region_name"]] if not data.empty else []
    per_panel = 30 * max(len(names), 1) + 20
    gap = 48  # px between panels: room for the next panel's title
    height = per_panel * panels + gap * (panels - 1) + 150
    fig = Fig.subplots(
        rows=panels, cols=1, subplot_titles=[m["label"] for m in metrics],
        vertical_spacing=gap / (height - 150) if panels > 1 else 0.0, shared_xaxes=True,
    )
    shown_groups: set[bool] = set()
    for index, metric in enumerate(metrics, start=1):
        if data.empty:
            continue
        small_col = metric.get("small")
        for is_pilot, group_name in ((True, labels["pilot"]), (False, labels["comparison"])):
            mask = data["is_pilot"].astype(bool) == is_pilot
            part = data[mask]
            if part.empty:
                continue
            part_names = [n for n, m in zip(names, mask) if m]
            small = [_small(s) for s in part[small_col]] if small_col else [False] * len(part)
            hover = [
                labels["hover"].format(
                    region=row["region_name"] + (f" {labels['small_flag']}" if s else ""), metric=metric["label"],
                    rate=fmt.pct(row[metric["id"]], lang),
                    ratio=ratio_text(metric, row, lang),
                )
                for (_, row), s in zip(part.iterrows(), small)
            ]
            colour = theme.PILOT if is_pilot else theme.COMPARISON
            fig.add_trace(
                dict(
                    type="bar", x=list(part[metric["id"]]), y=part_names, orientation="h", name=group_name,
                    marker=dict(
                        color=colour,
                        pattern=dict(shape=[HATCH if s else "" for s in small], fgcolor="white", fillmode="overlay"),
                    ),
                    text=[fmt.pct(v, lang) + (" ⚠" if s else "") for v, s in zip(part[metric["id"]], small)],
                    textposition="outside", cliponaxis=False,
                    hovertext=hover, hoverinfo="text", legendgroup=group_name,
                    showlegend=is_pilot not in shown_groups,
                ),
                row=index, col=1,
            )
            shown_groups.add(is_pilot)
        fig.update_yaxes(type="category", categoryorder="array", categoryarray=names[::-1], row=index, col=1)
        fig.update_xaxes(tickformat=".0%", range=[0, 1.18], tickvals=[0, 0.25, 0.5, 0.75, 1.0], row=index, col=1)
        if metric.get("error") and target is not None and target_next is not None:
            add_target_lines(
                fig, target, target_next, labels["target_now"], labels["target_next"], axes=("x",),
                legend=not any(t.get("name") == labels["target_now"] for t in fig.data), row=index, col=1,
            )
    theme.apply(fig, lang, labels["title"], None, None, height=height)
    fig.update_layout(margin=dict(t=90))  # the chart title, then the first panel's title
    fig.update_xaxes(title=dict(text=labels["x"]), row=panels, col=1)
    # panel titles left-aligned, like the chart title
    for annotation in fig.layout.get("annotations", []):
        merge(annotation, dict(x=0, xanchor="left", font=dict(size=14)))
    fig.update_layout(barmode="group")
    return fig.figure()


# -- trends ---------------------------------------------------------------------------


def small_trend(
    frame: pd.DataFrame, lang: str, metric: dict, title: str, is_pilot: bool, labels: dict,
    target: float | None = None, target_next: float | None = None,
) -> go.Figure:
    """One region's metric over the tranches loaded (a small multiple: every
    panel has the same 0-100% axis, so panels compare at a glance).

    frame (region_indicators, one region, all periods): year, tranche,
    <metric id>, <num>, <den>, coverage_small / inclusion_small.
    labels: period (fields: year, tranche), y, small_flag, hover (fields:
    period, rate, ratio), target_now, target_next.
    """
    data = frame.sort_values(["year", "tranche"]) if not frame.empty else frame
    fig = Fig()
    colour = theme.PILOT if is_pilot else theme.COMPARISON
    if not data.empty:
        periods = _period_labels(data, labels["period"])
        small_col = metric.get("small")
        small = [_small(s) for s in data[small_col]] if small_col else [False] * len(data)
        hover = [
            labels["hover"].format(
                period=p + (f" {labels['small_flag']}" if s else ""), rate=fmt.pct(row[metric["id"]], lang),
                ratio=ratio_text(metric, row, lang),
            )
            for p, s, (_, row) in zip(periods, small, data.iterrows())
        ]
        fig.add_trace(dict(
            type="scatter", x=periods, y=list(data[metric["id"]]), mode="lines+markers",
            line=dict(color=colour, width=2.5),
            marker=dict(size=7, color=colour, symbol=["circle-open" if s else "circle" for s in small]),
            hovertext=hover, hoverinfo="text", showlegend=False, connectgaps=False,
        ))
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=periods)
    if metric.get("error") and target is not None and target_next is not None:
        theme.add_rule(fig, target, "y", dict(color=theme.TARGET, dash="dash", width=1.2))
        theme.add_rule(fig, target_next, "y", dict(color=theme.TARGET_NEXT, dash="dot", width=1.2))
    theme.apply(fig, lang, title, None, labels["y"], height=260)
    theme.percent_axis(fig, "y")
    fig.update_layout(margin=dict(l=10, r=10, t=50, b=10), title=dict(font=dict(size=14)))
    fig.update_xaxes(tickangle=-45, tickfont=dict(size=11))
    return fig.figure()


def group_trend(
    frame: pd.DataFrame, lang: str, metric: dict, labels: dict,
    target: float | None = None, target_next: float | None = None,
) -> go.Figure:
    """A pilot against its comparison group over the tranches: two lines,
    pilot blue, comparison group orange (its rate from the group's summed
    numerators and denominators, as comparison_trend returns it).

    frame (comparison_trend, one pilot): grp ('pilot'|'comparison'), year,
    tranche, regions, <metric id>, <num>, <den>, small.
    labels: title, x, y, pilot, comparison, period (fields: year, tranche),
    small_flag, hover (fields: group, period, rate, ratio),
    target_now, target_next.
    """
    fig = Fig()
    all_periods: list[str] = []
    if not frame.empty:
        ordered = frame.sort_values(["year", "tranche"])
        all_periods = list(dict.fromkeys(_period_labels(ordered, labels["period"])))
        for grp, name, colour, dash in (
            ("pilot", labels["pilot"], theme.PILOT, "solid"),
            ("comparison", labels["comparison"], theme.COMPARISON, "dash"),
        ):
            part = ordered[ordered["grp"] == grp]
            if part.empty:
                continue
            periods = _period_labels(part, labels["period"])
            small = [_small(s) for s in part["small"]]
            hover = [
                labels["hover"].format(
                    group=name, period=p + (f" {labels['small_flag']}" if s else ""),
                    rate=fmt.pct(row[metric["id"]], lang),
                    ratio=ratio_text(metric, row, lang),
                )
                for p, s, (_, row) in zip(periods, small, part.iterrows())
            ]
            fig.add_trace(dict(
                type="scatter", x=periods, y=list(part[metric["id"]]), mode="lines+markers", name=name,
                line=dict(color=colour, width=3, dash=dash),
                marker=dict(size=8, color=colour, symbol=["circle-open" if s else "circle" for s in small]),
                hovertext=hover, hoverinfo="text",
            ))
        fig.update_xaxes(type="category", categoryorder="array", categoryarray=all_periods)
    _targets(fig, metric, target, target_next, labels, "y")
    theme.apply(fig, lang, labels["title"], labels["x"], labels["y"], height=400)
    theme.percent_axis(fig, "y")
    return fig.figure()
