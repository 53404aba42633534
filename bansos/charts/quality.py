"""Charts of data quality (Kualitas Data page): what goes to quarantine.

Pure functions: a DataFrame from a query, the language and already
translated labels in, a plotly Figure out.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from bansos import fmt
from bansos.charts import theme

# The two kinds of extract; not blue/orange, which mean pilot/comparison.
KIND_COLOURS = {
    "keluarga": "#56B4E9",
    "penyaluran": "#CC79A7",
}


def reasons_chart(
    frame: pd.DataFrame,
    lang: str,
    title: str,
    x_title: str,
    y_title: str,
    kind_labels: dict[str, str],
    hover_template: str,
) -> go.Figure:
    """Quarantined rows by reason, stacked by kind of extract, the most
    frequent reason on top.

    `frame` (from kualitas_reasons) has one row per reason × kind with
    `label` (translated reason), `kind`, `rows`, `files` and `reason_rows`,
    sorted with the most frequent reason first. `hover_template` is a
    translated sentence with {rows} and {files}.
    """
    order = list(dict.fromkeys(frame["label"]))
    fig = go.Figure()
    for kind, colour in KIND_COLOURS.items():
        part = frame[frame["kind"] == kind]
        if part.empty:
            continue
        name = kind_labels.get(kind, kind)
        fig.add_trace(
            go.Bar(
                y=list(part["label"]), x=[float(v) for v in part["rows"]], name=name, orientation="h",
                marker=dict(color=colour),
                hovertext=[
                    f"<b>{row.label}</b> · {name}<br>"
                    + hover_template.format(rows=fmt.number(row.rows, lang), files=fmt.number(row.files, lang))
                    for row in part.itertuples()
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="stack")
    theme.apply(fig, lang, title, x_title=x_title, y_title=y_title, height=max(300, 130 + 28 * len(order)))
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1])
    fig.update_xaxes(rangemode="tozero", tickformat=",d")
    fig.update_layout(
        legend=dict(traceorder="normal", orientation="h", yref="container", y=0, yanchor="bottom", x=0, xanchor="left"),
        margin=dict(l=10, r=10, t=60, b=100),
    )
    return fig

