"""Charts of the registration funnel (Pendaftaran & Sanggah page).

Pure functions: a DataFrame from a query, the language and already
translated labels in, a plotly Figure out. Rates come from the queries; the
builders only place and format them.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from bansos import fmt
from bansos.charts import theme
from bansos.charts.figure import Fig

# The main path (each step a subset of the one before), the first decision
# (layak) and the tidak-layak branch (appeals) are told apart by colour.
BRANCH_COLOURS = {
    "main": "#2171B5",
    "decision": theme.GOOD,
    "appeal": theme.BAD,
}

# Registration channels: not blue/orange, which mean pilot/comparison.
CHANNEL_COLOURS = {
    "mandiri": theme.GOOD,
    "agen": "#56B4E9",
    "musdes": "#CC79A7",
    "dinsos": "#F0E442",
}

APPEAL_COLOURS = {
    "appealed": "#E5E7EB",
    "upheld": theme.GOOD,
    "appeal_rejected": theme.BAD,
}

SMALL_MARK = "⚠"


def funnel_chart(steps: pd.DataFrame, lang: str, title: str, x_title: str, of_word: str) -> go.Figure:
    """The registration funnel.

    `steps` has one row per step, in funnel order, with columns `label`
    (translated step name), `families`, `rate` (share of the base step, NULL
    for the first), `base_label` (translated name of the base step), `branch`
    (main / decision / appeal) and `small` (base below the small-number
    threshold). Each bar reads "count · rate", the step's name says what the
    rate is a share of, and a small base is flagged with ⚠.
    """
    texts, hovers, colours, ticks = [], [], [], []
    for row in steps.itertuples():
        count = fmt.number(row.families, lang)
        has_base = isinstance(row.base_label, str) and row.base_label
        text = f"{count} · {fmt.pct(row.rate, lang)}" if has_base else count
        if bool(row.small):
            text += f" {SMALL_MARK}"
        base = f"% {of_word} {row.base_label}" if has_base else ""
        ticks.append(f"{row.label}<br><span style='font-size:11px;color:#6B7280'>{base}</span>" if base else row.label)
        colours.append(BRANCH_COLOURS.get(row.branch, theme.NEUTRAL))
        texts.append(text)
        hovers.append(f"<b>{row.label}</b><br>{count}" + (f"<br>{fmt.pct(row.rate, lang)} {of_word} {row.base_label}" if has_base else ""))
    fig = Fig()
    fig.add_trace(dict(
        type="funnel",
        y=ticks,
        x=[0 if pd.isna(v) else float(v) for v in steps["families"]],
        text=texts,
        textinfo="text",
        textposition="auto",
        insidetextanchor="middle",
        textfont=dict(size=13),
        insidetextfont=dict(color=[theme.text_on(c) for c in colours]),
        outsidetextfont=dict(color="#1F2937"),
        hovertext=hovers,
        hoverinfo="text",
        marker=dict(color=colours),
        # No connectors: plotly joins every bar to the next, which drew "eligible"
        # flowing into "not eligible" and "appeal upheld" widening into "eligible
        # in the end"; the steps are branches, not one narrowing pipe.
        connector=dict(visible=False),
        constraintext="none",
        cliponaxis=False,
    ))
    theme.apply(fig, lang, title, x_title=x_title, height=max(380, 90 + 50 * len(steps)))
    fig.update_xaxes(visible=True, showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(categoryorder="array", categoryarray=ticks)
    fig.update_layout(showlegend=False, margin=dict(l=10, r=10, t=60, b=40))
    return fig.figure()


def channel_share_chart(
    frame: pd.DataFrame,
    lang: str,
    title: str,
    x_title: str,
    channel_labels: dict[str, str],
    hover_template: str,
    reference: tuple[float, str] | None = None,
) -> go.Figure:
    """Share of new registrations by channel, one stacked bar per region.

    `frame` is long (region × channel) with columns `label` (the bar's name,
    region or "all regions", already flagged), `channel`, `share`, `families`
    and `new_registrations`, in the order the bars should appear (top first).
    `hover_template` is a translated sentence with {channel}, {share},
    {families} and {total}. `reference` = (share, label) draws a dotted line,
    e.g. a reported self-registration share.
    """
    labels = list(dict.fromkeys(frame["label"]))
    fig = Fig()
    for channel, colour in CHANNEL_COLOURS.items():
        part = frame[frame["channel"] == channel]
        if part.empty:
            continue
        name = channel_labels.get(channel, channel)
        hovers = [
            hover_template.format(
                channel=name, share=fmt.pct(row.share, lang),
                families=fmt.number(row.families, lang), total=fmt.number(row.new_registrations, lang),
            )
            for row in part.itertuples()
        ]
        fig.add_trace(dict(
            type="bar", y=list(part["label"]), x=[0 if pd.isna(v) else float(v) for v in part["share"]],
            name=name, orientation="h", marker=dict(color=colour),
            text=[fmt.pct(v, lang, 0) if not pd.isna(v) and v >= 0.08 else "" for v in part["share"]],
            textposition="inside", insidetextanchor="middle",
            textfont=dict(color=theme.text_on(colour)),
            hovertext=[f"<b>{label}</b><br>{hover}" for label, hover in zip(part["label"], hovers)],
            hoverinfo="text",
        ))
    fig.update_layout(barmode="stack")
    theme.apply(fig, lang, title, x_title=x_title, height=max(300, 130 + 34 * len(labels)))
    theme.percent_axis(fig, axis="x")
    # Shares of 100 %: every quarter marked, or on a phone Plotly kept only 0 % and 50 %.
    fig.update_xaxes(tickvals=[0, 0.25, 0.5, 0.75, 1.0])
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1])
    if reference is not None:
        # A line shape has no legend entry: a dotted line trace spanning the
        # bars carries the label in the legend instead of over a bar.
        value, label = reference
        fig.add_trace(dict(
            type="scatter", x=[value, value], y=[labels[0], labels[-1]], mode="lines", name=label,
            line=dict(color="#1F2937", dash="dot", width=2), hoverinfo="skip",
        ))
    return fig.figure()


def appeals_chart(
    frame: pd.DataFrame,
    lang: str,
    title: str,
    x_title: str,
    outcome_labels: dict[str, str],
    hover_template: str,
) -> go.Figure:
    """Appeals per region: a light bar for all appeals lodged, with the
    upheld (from zero) and the rejected (after the upheld) drawn over it; the
    light part left over is what is still pending. No count is derived here.

    `frame` has one row per region with `label`, `appealed`, `upheld`,
    `appeal_rejected` and `upheld_rate`, top first. `outcome_labels` names
    `appealed`, `upheld` and `appeal_rejected`; `hover_template` is a
    translated sentence with {appealed}, {upheld} and {rate}.
    """
    labels = list(frame["label"])
    hovers = [
        f"<b>{row.label}</b><br>"
        + hover_template.format(
            appealed=fmt.number(row.appealed, lang), upheld=fmt.number(row.upheld, lang), rate=fmt.pct(row.upheld_rate, lang),
        )
        + f"<br>{outcome_labels['appeal_rejected']}: {fmt.number(row.appeal_rejected, lang)}"
        for row in frame.itertuples()
    ]
    values = {column: [0 if pd.isna(v) else float(v) for v in frame[column]] for column in APPEAL_COLOURS}
    fig = Fig()
    fig.add_trace(dict(
        type="bar", y=labels, x=values["appealed"], name=outcome_labels["appealed"], orientation="h",
        marker=dict(color=APPEAL_COLOURS["appealed"], line=dict(color=theme.NEUTRAL, width=1)),
        hovertext=hovers, hoverinfo="text",
    ))
    fig.add_trace(dict(
        type="bar", y=labels, x=values["upheld"], name=outcome_labels["upheld"], orientation="h",
        marker=dict(color=APPEAL_COLOURS["upheld"]), width=0.5, hovertext=hovers, hoverinfo="text",
    ))
    fig.add_trace(dict(
        type="bar", y=labels, x=values["appeal_rejected"], base=values["upheld"], name=outcome_labels["appeal_rejected"],
        orientation="h", marker=dict(color=APPEAL_COLOURS["appeal_rejected"]), width=0.5,
        hovertext=hovers, hoverinfo="text",
    ))
    fig.update_layout(barmode="overlay")
    theme.apply(fig, lang, title, x_title=x_title, height=max(300, 130 + 30 * len(labels)))
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1])
    fig.update_xaxes(rangemode="tozero", tickformat=",d")
    return fig.figure()
