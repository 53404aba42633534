"""Perbandingan Wilayah, public view: the pilot regions ordered by one
indicator, from the suppressed public table only. The order is taken
among published figures (a hidden figure is never ranked: its place would
say something about it)."""

from __future__ import annotations

import streamlit as st

from bansos import ui
from bansos.charts import comparison
from bansos.indicators import BY_ID, DID_METRICS
from bansos.ui import public, words


def render(f: ui.Filters) -> None:
    v = public.opened(f)
    if v is None:
        return
    metric_id = ui.choice(st.selectbox, "perbandingan.metric.label", DID_METRICS, "pb_metric",
                          lambda m, language: BY_ID[m].label(language), help=ui.tr("perbandingan.metric.help"))
    metric = comparison.metric(metric_id, ui.lang())
    rows = v.plain(v.regions())
    rows[metric["rank"]] = v.ordered(rows, metric_id)
    rows[metric["small"]] = False  # flags of hidden denominators are withheld; shown rates are on k or more
    shown = rows[rows[metric_id].notna()]
    if shown.empty:
        ui.empty_state("publik.none")
        return
    labels = {**words.target_labels(), "small_flag": "⚠",
              "title": ui.tr("perbandingan.league.title", metric=ui.label(metric_id)),
              "x": ui.tr("perbandingan.axis.rate", metric=ui.label(metric_id)),
              "unranked": ui.tr("publik.perbandingan.unranked"), "hover": ui.tr("perbandingan.league.hover")}
    ui.chart(comparison.league_bars(shown, ui.lang(), metric, labels, *words.targets()), key="pb_league_chart",
             data=v.withheld(v.regions(), ["region_code", "region_name", metric_id, metric["num"], metric["den"]]))
    hidden = rows.loc[rows[metric_id].isna(), "region_name"].tolist()
    if hidden:
        st.caption(ui.tr("publik.hidden_regions", names=", ".join(hidden)))
    table = v.flags(v.regions()).assign(order=rows[metric["rank"]])
    table = table.sort_values("order", na_position="last")
    ui.table(table, [ui.Col("order", ui.tr("publik.perbandingan.order"), "num", ui.tr("publik.perbandingan.order.help"),
                            pinned=True), *public.columns([metric_id, metric["num"], metric["den"]])],
             key="pb_league_grid", texts=v.texts(table))
    st.caption(ui.tr("publik.table.note"))


if (filters := ui.start("nav.perbandingan", "publik.perbandingan.intro")) is not None:
    render(filters)
