"""Charts of the Akuntabilitas page: leakage signals per 1,000 recipients.
Pure functions: a query frame (signals_by_period, signals_by_region), the
language and already-translated labels in, a plotly Figure out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from bansos import fmt
from bansos.charts import theme
from bansos.charts.figure import Fig
from bansos.charts.overview import period_labels

# One look per signal, told apart by dash and marker as well as colour (the
# page may be printed in grey).
SIGNAL_STYLE = {
    "double_allocation": dict(color="#D55E00", dash="solid", symbol="circle"),
    "paid_not_registered": dict(color="#000000", dash="dash", symbol="square"),
    "paid_off_window": dict(color="#0072B2", dash="dot", symbol="diamond"),
    "amount_mismatch": dict(color="#CC79A7", dash="dashdot", symbol="triangle-up"),
    "concentration": dict(color="#009E73", dash="longdash", symbol="x"),
}
HATCH = "/"


def per_1000(value, lang: str) -> str:
    """A rate per 1,000 as people read it: one decimal, the language's separators."""
    return fmt.number(value, lang, 1)


def trend(frame: pd.DataFrame, lang: str, *, title: str, x_title: str, y_title: str, labels: dict[str, str],
          hover: str, selected: tuple[int, int] | None = None) -> go.Figure:
    """Each signal per 1,000 recipients by tranche (signals_by_period).
    `labels` names each signal; `hover` is a template with {signal},
    {rate}, {count} and {recipients}."""
    fig = Fig()
    periods = frame.drop_duplicates(["year", "tranche"]).sort_values(["year", "tranche"])
    x_all = period_labels(periods, lang)
    for signal, style in SIGNAL_STYLE.items():
        mine = frame[frame["signal"] == signal].sort_values(["year", "tranche"])
        if mine.empty:
            continue
        text = [hover.format(signal=labels[signal], rate=per_1000(r, lang), count=fmt.number(c, lang),
                             recipients=fmt.number(n, lang))
                for r, c, n in zip(mine["per_1000"], mine["count"], mine["recipients"])]
        fig.add_trace(dict(
            type="scatter", x=period_labels(mine, lang), y=[None if fmt.is_missing(v) else float(v) for v in mine["per_1000"]],
            name=labels[signal], mode="lines+markers",
            line=dict(color=style["color"], width=2.5, dash=style["dash"]),
            marker=dict(size=8, symbol=style["symbol"]),
            hovertext=text, hoverinfo="text", connectgaps=False,
        ))
    theme.apply(fig, lang, title, x_title, y_title)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=x_all)
    # From zero, with room above the highest point: Plotly's own range ends
    # at the highest marker and cuts it in half against the chart's edge.
    rates = pd.to_numeric(frame["per_1000"], errors="coerce").dropna()
    fig.update_yaxes(range=[0, max(float(rates.max()) * 1.12, 1.0) if not rates.empty else 1.0])
    if selected is not None:
        keys: list[tuple] = list(zip(periods["year"].astype(int), periods["tranche"].astype(int)))
        if tuple(selected) in keys:
            index = keys.index(tuple(selected))
            theme.add_band(fig, index - 0.5, index + 0.5)
    fig.update_layout(hovermode="closest")
    return fig.figure()


def ranking(frame: pd.DataFrame, lang: str, *, title: str, x_title: str, labels: dict) -> go.Figure:
    """The regions on one signal per 1,000 recipients, most first; a region
    with few recipients hatched, marked ⚠ and placed after the ranked ones.

    frame (signals_by_region, one signal): region_name, is_pilot, count,
    recipients, per_1000, small, rank.
    labels: small_flag, hover (fields: region, rank, rate, count, recipients), unranked.
    """
    data = frame.dropna(subset=["per_1000"]).copy() if not frame.empty else frame.copy()
    fig = Fig()
    if not data.empty:
        data["_ranked"] = data["rank"].notna()
        data = data.sort_values(["_ranked", "rank", "per_1000"], ascending=[False, True, False])
        data = data.iloc[::-1]  # plotly draws the first category at the bottom
        small = [fmt.is_set(s) for s in data["small"]]
        names = [fmt.region_short(n) + (f" {labels['small_flag']}" if s else "") for n, s in zip(data["region_name"], small)]
        hover = [labels["hover"].format(
            region=row.region_name, rank=labels["unranked"] if fmt.is_missing(row.rank) else int(row.rank),
            rate=per_1000(row.per_1000, lang), count=fmt.number(row.count, lang), recipients=fmt.number(row.recipients, lang))
            for row in data.itertuples()]
        pilot = [bool(p) for p in data["is_pilot"]]
        fig.add_trace(dict(
            type="bar", x=[float(v) for v in data["per_1000"]], y=names, orientation="h",
            marker=dict(color=[theme.PILOT if p else theme.COMPARISON for p in pilot],
                        pattern=dict(shape=[HATCH if s else "" for s in small], fgcolor="white", fillmode="overlay"),
                        opacity=[0.55 if s else 1.0 for s in small]),
            text=[f"{per_1000(v, lang)} ({fmt.number(c, lang)})" for v, c in zip(data["per_1000"], data["count"])],
            textposition="outside", cliponaxis=False, hovertext=hover, hoverinfo="text", showlegend=False,
        ))
        fig.update_yaxes(type="category", categoryorder="array", categoryarray=names)
        top = float(data["per_1000"].max())
        fig.update_xaxes(range=[0, max(top * 1.3, 1.0)])
    theme.apply(fig, lang, title, x_title, None, height=max(320, 26 * len(data) + 160))
    return fig.figure()
