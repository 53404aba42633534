"""Charts of data quality (Kualitas Data page): what goes to quarantine.

Pure functions: a DataFrame from a query, the language and already
translated labels in, a plotly Figure out.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from bansos import fmt, i18n
from bansos.charts import theme
from bansos.charts.figure import Fig

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
    fig = Fig()
    for kind, colour in KIND_COLOURS.items():
        part = frame[frame["kind"] == kind]
        if part.empty:
            continue
        name = kind_labels.get(kind, kind)
        fig.add_trace(dict(
            type="bar", y=list(part["label"]), x=[float(v) for v in part["rows"]], name=name, orientation="h",
            marker=dict(color=colour),
            hovertext=[
                f"<b>{row.label}</b> · {name}<br>"
                + i18n.fill(hover_template, rows=fmt.number(row.rows, lang), files=fmt.number(row.files, lang))
                for row in part.itertuples()
            ],
            hoverinfo="text",
        ))
    fig.update_layout(barmode="stack")
    theme.apply(fig, lang, title, x_title=x_title, y_title=y_title, height=max(300, 130 + 28 * len(order)))
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1])
    fig.update_xaxes(rangemode="tozero", tickformat=",d")
    return fig.figure()



def loaded_matrix_chart(
    frame: pd.DataFrame,
    lang: str,
    title: str,
    x_title: str,
    y_title: str,
    pilots: set[str],
    group_labels: dict[bool, str],
    kind_prefix: dict[str, str],
    hover_template: str,
) -> go.Figure:
    """What is loaded, region × period: a filled cell where a register
    snapshot or a programme's tranche is loaded for the region, a blank one
    where it is missing, so gaps stand out. Pilot rows in the pilot colour,
    comparison rows in the comparison colour.

    `frame` (from warehouse_status) has `kind` (keluarga / penyaluran),
    `region_code`, `label` (the row's name), `period` (sortable: "2026-01-31",
    "PKH 2026-T1"), optionally `period_label` (the period as the app's tables
    write it, shown instead) and `rows`, with the regions in display order
    (top first). `kind_prefix` labels the columns of each kind (e.g.
    "Register" before a snapshot date); `hover_template` is a translated
    sentence with {region}, {period} and {rows}.
    """
    shown = frame["period_label"] if "period_label" in frame else frame["period"]
    frame = frame.assign(column=[f"{kind_prefix.get(k, k)} {p}".strip() for k, p in zip(frame["kind"], shown)],
                         allocation=frame["kind"] != "keluarga")
    # registers first, then tranches, each in the order of the sortable period
    columns = list(dict.fromkeys(frame.sort_values(["allocation", "period"], kind="stable")["column"]))
    regions = list(dict.fromkeys(frame["region_code"]))
    labels = dict(zip(frame["region_code"], frame["label"]))
    counts = frame.pivot_table(index="region_code", columns="column", values="rows", aggfunc="first")
    counts = counts.reindex(index=regions, columns=columns)
    fig = Fig()
    for is_pilot, colour in ((True, theme.PILOT), (False, theme.COMPARISON)):
        rows = [code for code in regions if (code in pilots) == is_pilot]
        if not rows:
            continue
        part = counts.loc[rows]
        fig.add_trace(dict(
            type="heatmap", x=columns, y=[labels[code] for code in rows],
            z=[[None if pd.isna(v) else 1 for v in values] for values in part.to_numpy()],
            colorscale=[[0, colour], [1, colour]], showscale=False, xgap=2, ygap=2,
            name=group_labels[is_pilot], showlegend=True,
            hovertext=[
                [i18n.fill(hover_template, region=labels[code], period=column, rows=fmt.number(value, lang))
                 for column, value in zip(columns, values)]
                for code, values in zip(rows, part.to_numpy())
            ],
            hoverinfo="text",
        ))
    theme.apply(fig, lang, title, x_title=x_title, y_title=y_title, height=max(320, 170 + 20 * len(regions)))
    fig.update_yaxes(categoryorder="array", categoryarray=[labels[code] for code in regions][::-1], gridcolor="white")
    # every period labelled (plotly would skip some on a phone)
    fig.update_xaxes(side="top", tickangle=-90, tickmode="array", tickvals=columns, tickfont=dict(size=11),
                     gridcolor="white", title=dict(standoff=4))
    fig.update_layout(
        legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0, xanchor="left"),
        # the title above the period labels, which sit on top of the grid
        title=dict(yref="container", y=0.995, yanchor="top"),
        margin=dict(l=10, r=10, t=170, b=50),
    )
    return fig.figure()
