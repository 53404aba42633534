"""Charts of the Cakupan & Penyaluran (coverage and disbursement) page.
Pure functions: a query frame, the language and already-translated labels
in, a plotly Figure out. Rates come from the queries; nothing is divided here."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from bansos import fmt
from bansos.charts import theme
from bansos.charts.figure import Fig
from bansos.charts.overview import period_labels

STATUS_COLOURS = {
    "tersalur": theme.GOOD,
    "gagal": theme.BAD,
    "retur": "#CC79A7",
    "proses": "#9CA3AF",
}
ALLOCATED_COLOUR = "#B8C4D6"
PAID_COLOUR = theme.GOOD
RATE_COLOUR = "#000000"
# From this coverage up a bar's value is written inside its end (it fits
# there at every width the app is drawn at).
INSIDE_FROM = 0.25
CHANNEL_COLOUR = "#56B4E9"


def rupiah_axis(top, lang: str, headroom: float = 1.05) -> dict:
    """Axis settings with about five round rupiah ticks labelled the
    Indonesian way (`Rp 2 M` = 2 miliar) rather than SI prefixes (`2G`)."""
    if top is None or pd.isna(top) or top <= 0:
        return dict(rangemode="tozero")
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [step * i for i in range(int(top * headroom // step) + 1)]
    return dict(tickvals=ticks, ticktext=[fmt.rupiah(t, lang, compact=True) if t else "0" for t in ticks],
                range=[0, top * headroom])


def _bar_height(rows: int, per_row: int = 28, base: int = 140) -> int:
    return max(260, base + per_row * rows)


def coverage_by_region(
    frame: pd.DataFrame,
    lang: str,
    *,
    title: str,
    x_title: str,
    pilot_label: str,
    comparison_label: str,
    ratio_word: str,
    small_label: str,
    reference: float | None = None,
    reference_label: str | None = None,
) -> go.Figure:
    """Coverage per region (region_indicators rows), highest on top, pilots
    blue and comparison regions orange. `ratio_word` is a template like
    "{num} of {den} eligible families" for the hover. Regions without a rate
    are left out (the page says which). `reference` draws the view's total."""
    rated = frame[frame["coverage"].notna()].sort_values("coverage", ascending=True, kind="stable")
    fig = Fig()
    for is_pilot, name, colour in ((True, pilot_label, theme.PILOT), (False, comparison_label, theme.COMPARISON)):
        part = rated[rated["is_pilot"].astype(bool) == is_pilot]
        if part.empty:
            continue
        small = part["coverage_small"].fillna(False).astype(bool)
        text = [fmt.pct(v, lang) + (" ⚠" if s else "") for v, s in zip(part["coverage"], small)]
        # A value inside its bar's end, where the bar is long enough: the
        # total's line (drawn under the bars) then never crosses a label.
        inside = [v >= INSIDE_FROM for v in part["coverage"]]
        ink = [theme.text_on("#FFFFFF" if s else colour) for s in small]  # a faint bar (⚠) is nearly white
        hover = [
            f"<b>{region}</b> ({code})<br>{fmt.pct(v, lang)} · "
            + ratio_word.format(num=fmt.number(n, lang), den=fmt.number(d, lang))
            + (f"<br>{small_label}" if s else "")
            for region, code, v, n, d, s in zip(
                part["region_name"], part["region_code"], part["coverage"], part["eligible_covered"], part["eligible_families"], small
            )
        ]
        fig.add_trace(dict(
            type="bar", x=list(part["coverage"]), y=[fmt.region_short(n) for n in part["region_name"]], orientation="h",
            name=name,
            marker=dict(color=colour, opacity=[0.45 if s else 1.0 for s in small]),
            text=text, textposition=["inside" if i else "outside" for i in inside], insidetextanchor="end",
            insidetextfont=dict(color=ink), constraintext="none", cliponaxis=False,
            customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        ))
    theme.apply(fig, lang, title, x_title, None, height=_bar_height(len(rated)))
    theme.percent_axis(fig, axis="x", max_value=1.15)
    fig.update_xaxes(range=[0, 1.15], tickvals=[0, 0.25, 0.5, 0.75, 1.0])
    fig.update_yaxes(categoryorder="array", categoryarray=[fmt.region_short(n) for n in rated["region_name"]])
    if reference is not None and not pd.isna(reference):
        # Named in the legend, not beside the line: there its label crossed the
        # value labels of the bars ending near it, above the plot it ran into
        # the title, and on a phone it was cut off.
        rule = dict(color="#9CA3AF", dash="dash", width=1)
        theme.add_rule(fig, reference, "x", rule, layer="below")
        if reference_label:
            fig.add_trace(dict(type="scatter", x=[None], y=[None], mode="lines", line=rule, name=reference_label,
                               hoverinfo="skip"))
    fig.update_layout(barmode="overlay", bargap=0.25)
    return fig.figure()


def coverage_by_program(
    frame: pd.DataFrame,
    lang: str,
    *,
    title: str,
    x_title: str,
    colour_title: str,
    ratio_word: str,
    empty_text: str,
) -> go.Figure:
    """Coverage per region × programme (region_indicators rows of one
    tranche, every programme) as a heatmap with the rate written in each cell."""
    programs = list(dict.fromkeys(frame["program"]))
    regions = list(dict.fromkeys(frame["region_name"]))
    # One lookup per cell; filtering the frame per cell cost more than the chart.
    cells = {(row["region_name"], row["program"]): row for row in frame.to_dict("records")}
    z, text, hover = [], [], []
    for region in regions:
        row_z: list[float | None] = []
        row_text: list[str] = []
        row_hover: list[str] = []
        for program in programs:
            item = cells.get((region, program))
            if item is None or fmt.is_missing(item["coverage"]):
                row_z.append(None)
                row_text.append(empty_text)
                row_hover.append(f"<b>{region}</b> · {program}<br>{empty_text}")
                continue
            small = not fmt.is_missing(item.get("coverage_small")) and bool(item.get("coverage_small"))
            row_z.append(item["coverage"])
            row_text.append(fmt.pct(item["coverage"], lang) + (" ⚠" if small else ""))
            row_hover.append(
                f"<b>{region}</b> · {program}<br>{fmt.pct(item['coverage'], lang)} · "
                + ratio_word.format(num=fmt.number(item["eligible_covered"], lang), den=fmt.number(item["eligible_families"], lang))
            )
        z.append(row_z)
        text.append(row_text)
        hover.append(row_hover)
    fig = Fig(data=[dict(
        type="heatmap", z=z, x=programs, y=[fmt.region_short(r) for r in regions], text=text, texttemplate="%{text}", customdata=hover,
        hovertemplate="%{customdata}<extra></extra>", colorscale=theme.colour_scale(), zmin=0, zmax=1,
        colorbar=dict(title=dict(text=colour_title), tickformat=".0%"), xgap=2, ygap=2,
    )])
    theme.apply(fig, lang, title, x_title, None, height=_bar_height(len(regions), per_row=30))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False, title=dict(standoff=4))
    return fig.figure()


def allocated_vs_paid(
    frame: pd.DataFrame,
    lang: str,
    *,
    title: str,
    x_title: str,
    y_title: str,
    y2_title: str,
    allocated_label: str,
    paid_label: str,
    rate_label: str,
    selected: tuple[int, int] | None = None,
) -> go.Figure:
    """Allocated and paid amounts by tranche (disbursement_by_tranche rows) as
    grouped bars in rupiah, with the disbursement rate as a line on a second
    axis."""
    x = period_labels(frame, lang)
    allocated_text = [fmt.rupiah(v, lang) for v in frame["allocated_amount"]]
    paid_text = [fmt.rupiah(v, lang) for v in frame["disbursed_amount"]]
    rate_text = [
        f"{fmt.pct(r, lang)} ({fmt.rupiah(p, lang, compact=True)} / {fmt.rupiah(a, lang, compact=True)})"
        for r, p, a in zip(frame["disbursement_rate"], frame["disbursed_amount"], frame["allocated_amount"])
    ]
    fig = Fig()
    fig.add_trace(dict(type="bar", x=x, y=list(frame["allocated_amount"]), name=allocated_label,
                       marker=dict(color=ALLOCATED_COLOUR), customdata=allocated_text,
                       hovertemplate="<b>%{x}</b> · " + allocated_label + ": %{customdata}<extra></extra>"))
    fig.add_trace(dict(type="bar", x=x, y=list(frame["disbursed_amount"]), name=paid_label,
                       marker=dict(color=PAID_COLOUR), customdata=paid_text,
                       hovertemplate="<b>%{x}</b> · " + paid_label + ": %{customdata}<extra></extra>"))
    fig.add_trace(dict(type="scatter", x=x, y=list(frame["disbursement_rate"]), name=rate_label, yaxis="y2",
                       mode="lines+markers", line=dict(color=RATE_COLOUR, width=2.5), marker=dict(size=8),
                       customdata=rate_text, hovertemplate="<b>%{x}</b> · " + rate_label + ": %{customdata}<extra></extra>"))
    theme.apply(fig, lang, title, x_title, y_title, height=400)
    fig.update_layout(
        barmode="group",
        yaxis2=dict(title=dict(text=y2_title), overlaying="y", side="right", tickformat=".0%", range=[0, 1.05],
                    tickmode="array", tickvals=[0, 0.25, 0.5, 0.75, 1.0], showgrid=False, automargin=True),
    )
    top = frame["allocated_amount"].max() if len(frame) else 0
    fig.update_layout(yaxis=rupiah_axis(top, lang))
    fig.update_xaxes(type="category")
    if selected is not None:
        keys: list[tuple] = list(zip(frame["year"].astype(int), frame["tranche"].astype(int)))
        if tuple(selected) in keys:
            index = keys.index(tuple(selected))
            theme.add_band(fig, index - 0.5, index + 0.5)
    return fig.figure()


def payment_status(
    frame: pd.DataFrame,
    lang: str,
    *,
    title: str,
    x_title: str,
    y_title: str,
    status_labels: dict[str, str],
    ratio_word: str,
) -> go.Figure:
    """Payment status by tranche (cakupan_payment_status rows) as stacked bars
    of each status's share of the families allocated."""
    fig = Fig()
    ordered = frame.sort_values(["status_order", "year", "tranche"], kind="stable")
    for status in dict.fromkeys(ordered["status"]):
        part = ordered[ordered["status"] == status].sort_values(["year", "tranche"], kind="stable")
        label = status_labels.get(status, status)
        hover = [
            f"{fmt.pct(s, lang)} · " + ratio_word.format(num=fmt.number(n, lang), den=fmt.number(d, lang))
            for s, n, d in zip(part["share"], part["families"], part["recipients"])
        ]
        fig.add_trace(dict(
            type="bar", x=period_labels(part, lang), y=list(part["share"]), name=label,
            marker=dict(color=STATUS_COLOURS.get(status, theme.NEUTRAL)),
            customdata=hover, hovertemplate="<b>%{x}</b> · " + label + ": %{customdata}<extra></extra>",
        ))
    theme.apply(fig, lang, title, x_title, y_title, height=400)
    theme.percent_axis(fig)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(type="category")
    return fig.figure()


def channel_mix(
    frame: pd.DataFrame,
    lang: str,
    *,
    title: str,
    x_title: str,
    unknown_label: str,
    ratio_word: str,
) -> go.Figure:
    """Paid amount by paying institution (channel_mix rows), largest on top,
    each bar labelled with its amount and share."""
    data = frame.copy()
    data["label"] = [unknown_label if pd.isna(i) or i == "" else str(i) for i in data["institution"]]
    data = data.sort_values("disbursed_amount", ascending=True, kind="stable")
    text = [f"{fmt.rupiah(a, lang, compact=True)} · {fmt.pct(s, lang)}" for a, s in zip(data["disbursed_amount"], data["share"])]
    hover = [
        f"<b>{label}</b><br>{fmt.rupiah(a, lang)} ({fmt.pct(s, lang)})<br>"
        + ratio_word.format(num=fmt.number(p, lang), den=fmt.number(r, lang))
        for label, a, s, p, r in zip(data["label"], data["disbursed_amount"], data["share"], data["paid_families"], data["recipients"])
    ]
    fig = Fig(data=[dict(
        type="bar", x=list(data["disbursed_amount"]), y=list(data["label"]), orientation="h",
        marker=dict(color=CHANNEL_COLOUR), text=text, textposition="outside", cliponaxis=False, customdata=hover,
        hovertemplate="%{customdata}<extra></extra>", name=x_title,
    )])
    theme.apply(fig, lang, title, x_title, None, height=_bar_height(len(data), per_row=40, base=160))
    top = data["disbursed_amount"].max() if len(data) else 0
    fig.update_layout(xaxis=rupiah_axis(top, lang, headroom=1.45))
    fig.update_layout(showlegend=False)
    return fig.figure()


def timeliness(
    frame: pd.DataFrame,
    lang: str,
    *,
    title: str,
    x_title: str,
    y_title: str,
    timely_label: str,
    paid_label: str,
    ratio_word: str,
) -> go.Figure:
    """Share of allocated families paid within N days of the tranche start
    (timeliness) and paid at all (disbursement_rate_families), by tranche
    (disbursement_by_tranche rows)."""
    x = period_labels(frame, lang)
    fig = Fig()
    series = (
        ("timeliness", "timely_families", timely_label, theme.GOOD, "solid"),
        ("disbursement_rate_families", "paid_families", paid_label, "#000000", "dot"),
    )
    for column, numerator, label, colour, dash in series:
        hover = [
            f"{fmt.pct(v, lang)} · " + ratio_word.format(num=fmt.number(n, lang), den=fmt.number(d, lang))
            for v, n, d in zip(frame[column], frame[numerator], frame["recipients"])
        ]
        fig.add_trace(dict(
            type="scatter", x=x, y=list(frame[column]), name=label,
            mode="lines+markers+text" if column == "timeliness" else "lines+markers",
            text=[fmt.pct(v, lang, 0) for v in frame[column]] if column == "timeliness" else None,
            textposition="bottom center",
            line=dict(color=colour, width=3 if column == "timeliness" else 2, dash=dash), marker=dict(size=8),
            customdata=hover, hovertemplate="<b>%{x}</b> · " + label + ": %{customdata}<extra></extra>",
        ))
    theme.apply(fig, lang, title, x_title, y_title, height=380)
    theme.percent_axis(fig)
    fig.update_xaxes(type="category")
    return fig.figure()


KECAMATAN_INPUTS = {
    "coverage": ("eligible_covered", "eligible_families", "coverage_small"),
    "disbursement_rate": ("disbursed_amount", "allocated_amount", None),
}


def kecamatan_bars(
    frame: pd.DataFrame,
    lang: str,
    *,
    metric: str,
    title: str,
    x_title: str,
    null_label: str,
    ratio_word: str,
    small_label: str,
    colour: str = theme.PILOT,
) -> go.Figure:
    """One region's kecamatan (kecamatan_indicators rows) by `metric`
    (coverage or disbursement_rate), highest on top. A NULL kecamatan code
    (rows coded only at kab/kota level) is drawn under `null_label`."""
    numerator, denominator, small_col = KECAMATAN_INPUTS[metric]
    data = frame.copy()
    data["label"] = [
        null_label if pd.isna(code) else f"{name if isinstance(name, str) and name else code}"
        for code, name in zip(data["kecamatan_code"], data["kecamatan_name"])
    ]
    data = data[data[metric].notna()].sort_values(metric, ascending=True, kind="stable")
    small = data[small_col].fillna(False).astype(bool) if small_col else pd.Series(False, index=data.index)
    money = metric == "disbursement_rate"

    def amount(v):
        return fmt.rupiah(v, lang, compact=True) if money else fmt.number(v, lang)

    text = [fmt.pct(v, lang) + (" ⚠" if s else "") for v, s in zip(data[metric], small)]
    hover = [
        f"<b>{label}</b> ({'–' if pd.isna(code) else code})<br>{fmt.pct(v, lang)} · "
        + ratio_word.format(num=amount(n), den=amount(d))
        + (f"<br>{small_label}" if s else "")
        for label, code, v, n, d, s in zip(data["label"], data["kecamatan_code"], data[metric], data[numerator], data[denominator], small)
    ]
    fig = Fig(data=[dict(
        type="bar", x=list(data[metric]), y=list(data["label"]), orientation="h",
        marker=dict(color=colour, opacity=[0.45 if s else 1.0 for s in small]),
        text=text, textposition="outside", cliponaxis=False, customdata=hover,
        hovertemplate="%{customdata}<extra></extra>", name=x_title,
    )])
    theme.apply(fig, lang, title, x_title, None, height=_bar_height(len(data)))
    theme.percent_axis(fig, axis="x", max_value=1.15)
    fig.update_xaxes(range=[0, 1.15], tickvals=[0, 0.25, 0.5, 0.75, 1.0])
    fig.update_yaxes(categoryorder="array", categoryarray=list(data["label"]))
    fig.update_layout(showlegend=False)
    return fig.figure()
