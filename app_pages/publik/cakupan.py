"""Cakupan & Penyaluran, public view: coverage and disbursement of all
pilots and of each pilot region, from the suppressed public table only."""

from __future__ import annotations

import streamlit as st

from bansos import fmt, settings, ui
from bansos.charts import coverage
from bansos.ui import public

TABLE = ("eligible_families", "eligible_covered", "coverage", "recipients", "paid_families", "disbursement_rate_families",
         "timely_families", "timeliness", "allocated_amount", "disbursed_amount", "disbursement_rate")


def tiles(v: public.View) -> None:
    days = settings.get_int("timely_days")
    columns = st.columns(4)
    with columns[0]:
        public.rate_tile(v, "coverage")
    with columns[1]:
        public.rate_tile(v, "disbursement_rate", label=ui.tr("cakupan.tile.paid_amount"))
    with columns[2]:
        public.rate_tile(v, "disbursement_rate_families", label=ui.tr("cakupan.tile.paid_families"))
    with columns[3]:
        public.rate_tile(v, "timeliness", label=ui.tr("cakupan.tile.timeliness", days=days))
    st.caption(ui.tr("publik.tiles.note", k=v.k))


def region_chart(v: public.View) -> None:
    rows = v.plain(v.regions())
    total = v.sup.values.at[v.total_label(), "coverage"]
    if not rows["coverage"].notna().any():
        ui.empty_state("publik.none")
        return
    ui.chart(coverage.coverage_by_region(
        rows, ui.lang(), title=ui.tr("cakupan.region.title", program=v.f.program,
                                     period=ui.period_label(v.f.year, v.f.tranche, short=True)),
        x_title=ui.tr("cakupan.region.x"), pilot_label=ui.tr("word.pilot"), comparison_label=ui.tr("word.comparison"),
        ratio_word=ui.tr("cakupan.region.ratio"), small_label=ui.tr("word.small_n", n=settings.get_int("min_families")),
        reference=None if fmt.is_missing(total) else float(total),
        reference_label=ui.tr("cakupan.region.reference", value=fmt.pct(total, ui.lang())),
    ), key="ck_region_chart", data=v.withheld(v.regions(), ["region_code", "region_name", "eligible_covered",
                                                             "eligible_families", "coverage"]))
    hidden = rows.loc[rows["coverage"].isna(), "region_name"].tolist()
    if hidden:
        st.caption(ui.tr("publik.hidden_regions", names=", ".join(hidden)))


def render(f: ui.Filters) -> None:
    v = public.opened(f)
    if v is None:
        return
    tiles(v)
    st.subheader(ui.tr("cakupan.region.heading"))
    region_chart(v)
    public.region_table(v, TABLE, key="ck_region_table")


if (filters := ui.start("nav.cakupan", "publik.cakupan.intro")) is not None:
    render(filters)
