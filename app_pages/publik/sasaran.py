"""Ketepatan Sasaran, public view: exclusion and inclusion error of all
pilots and of each pilot region, from the suppressed public table only."""

from __future__ import annotations

import streamlit as st

from bansos import settings, ui
from bansos.charts import targeting
from bansos.ui import public, words

TABLE = ("eligible_families", "excluded_families", "exclusion_error", "recipients", "ineligible_recipients",
         "not_in_register", "inclusion_error")


def tiles(v: public.View) -> None:
    columns = st.columns(4)
    with columns[0]:
        public.rate_tile(v, "exclusion_error")
    with columns[1]:
        public.rate_tile(v, "inclusion_error")
    with columns[2]:
        public.count_tile(v, "not_in_register")
    with columns[3]:
        public.count_tile(v, "eligible_families")
    st.caption(ui.tr("publik.tiles.note", k=v.k))


def scatter(v: public.View) -> None:
    rows = v.plain(v.regions())
    if not (rows["exclusion_error"].notna() & rows["inclusion_error"].notna()).any():
        ui.empty_state("publik.none")
        return
    labels = {**words.target_labels(), "pilot": ui.tr("word.pilot"), "comparison": ui.tr("word.comparison"),
              "small_flag": ui.tr("word.small_n", n=settings.get_int("min_families")),
              "title": ui.tr("sasaran.scatter.title"), "x": ui.tr("sasaran.scatter.x"), "y": ui.tr("sasaran.scatter.y"),
              "target_zone": ui.tr("sasaran.scatter.zone"), "hover": ui.tr("sasaran.scatter.hover")}
    ui.chart(targeting.error_scatter(rows, ui.lang(), labels, *words.targets()), key="ss_scatter",
             data=v.withheld(v.regions(), ["region_code", "region_name", *TABLE]))
    hidden = rows.loc[rows["exclusion_error"].isna() | rows["inclusion_error"].isna(), "region_name"].tolist()
    if hidden:
        st.caption(ui.tr("publik.hidden_regions", names=", ".join(hidden)))


def render(f: ui.Filters) -> None:
    v = public.opened(f)
    if v is None:
        return
    tiles(v)
    st.subheader(ui.tr("sasaran.scatter.heading"))
    scatter(v)
    st.subheader(ui.tr("publik.table.heading"))
    public.region_table(v, TABLE, key="ss_region_table")


if (filters := ui.start("nav.sasaran", "publik.sasaran.intro")) is not None:
    render(filters)
