"""Ringkasan, public view: all pilots' headline rates and counts, their
trend by tranche, and each pilot region, from the suppressed public table
(bansos/ui/public.py) only."""

from __future__ import annotations

import streamlit as st

from bansos import settings, ui
from bansos.charts import overview
from bansos.ui import public, words

RATES = ("coverage", "exclusion_error", "inclusion_error", "disbursement_rate")
TREND = ("coverage", "exclusion_error", "inclusion_error")
TABLE = ("eligible_families", "eligible_covered", "coverage", "exclusion_error", "recipients", "ineligible_recipients",
         "inclusion_error", "disbursement_rate")


def tiles(v: public.View) -> None:
    for column, rate in zip(st.columns(4), RATES):
        with column:
            public.rate_tile(v, rate)
    left, right = st.columns(2)
    with left:
        public.count_tile(v, "eligible_families")
    with right:
        public.count_tile(v, "recipients")
    st.caption(ui.tr("publik.tiles.note", k=v.k))


def trend(v: public.View) -> None:
    history = v.plain(v.history())
    target, target_next = words.targets()
    labels = words.target_labels()
    fig = overview.trend(
        history, ui.lang(), title=ui.tr("ringkasan.trend.title", program=v.f.program), x_title=ui.tr("word.period"),
        y_title=ui.tr("ringkasan.trend.y"), labels={m: ui.label(m) for m in TREND},
        ratio_words={m: ui.tr(f"ringkasan.trend.ratio.{m}") for m in TREND}, target=target, target_next=target_next,
        target_label=labels["target_now"], target_next_label=labels["target_next"],
        small_label=ui.tr("word.small_n", n=settings.get_int("min_families")), selected=(v.f.year, v.f.tranche),
    )
    ui.chart(fig, key="rk_trend_chart", data=v.withheld(v.history(), ["program", "year", "tranche", *TREND,
                                                                      "eligible_covered", "excluded_families",
                                                                      "eligible_families", "ineligible_recipients",
                                                                      "recipients"]))


def render(f: ui.Filters) -> None:
    v = public.opened(f)
    if v is None:
        return
    tiles(v)
    st.subheader(ui.tr("ringkasan.trend.heading"))
    trend(v)
    st.subheader(ui.tr("publik.table.heading"))
    public.region_table(v, TABLE, key="rk_region_table")


if (filters := ui.start("nav.ringkasan", "publik.ringkasan.intro")) is not None:
    render(filters)
