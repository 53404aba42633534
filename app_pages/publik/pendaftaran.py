"""Pendaftaran & Sanggah, public view: the pilots' registration funnel at
the latest register snapshot (new registrations, decisions, appeals, final
layak), all pilots and each pilot region, from one suppressed table
(bansos/ui/public.py, suppress.public_funnel). Who then received a
programme differs by programme and tranche: Cakupan shows it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import fmt, ui
from bansos.charts import registration
from bansos.ui import public, tables

# Funnel steps of the all-pilots row: (step, branch, base step)
STEPS = (("new_registrations", "main", None), ("decided", "main", "new_registrations"),
         ("layak", "decision", "decided"), ("tidak_layak", "appeal", "decided"),
         ("appealed", "appeal", "tidak_layak"), ("upheld", "appeal", "appealed"),
         ("final_layak", "main", "decided"))
RATE_OF = {"decided": "decided_rate", "layak": "layak_rate", "tidak_layak": "tidak_layak_rate",
           "appealed": "appealed_rate", "upheld": "upheld_rate", "final_layak": "final_layak_rate"}
TABLE = ("new_registrations", "channel_mandiri", "self_registered_share", "decided", "layak", "layak_rate", "tidak_layak",
         "appealed", "upheld", "upheld_rate", "final_layak")


def _rate_tile(v: public.View, total, rate: str, label_key: str) -> None:
    st.metric(ui.tr(label_key), v.rate(total, rate), border=True,
              help=ui.label(rate) if rate in ("self_registered_share", "layak_rate", "upheld_rate") else None)
    st.caption(v.ratio(total, rate))


def tiles(v: public.View, total) -> None:
    columns = st.columns(4)
    with columns[0]:
        st.metric(ui.tr("pendaftaran.tile.new"), v.count(total, "new_registrations"), border=True)
        st.caption(ui.tr("pendaftaran.tile.new.caption"))
    with columns[1]:
        _rate_tile(v, total, "self_registered_share", "pendaftaran.tile.self")
    with columns[2]:
        _rate_tile(v, total, "layak_rate", "pendaftaran.tile.layak")
    with columns[3]:
        _rate_tile(v, total, "upheld_rate", "pendaftaran.tile.upheld")
    st.caption(ui.tr("publik.tiles.note", k=v.k))


def funnel_chart(v: public.View, total) -> None:
    values = v.sup.values
    rows, hidden = [], []
    for step, branch, base in STEPS:
        label = ui.tr(f"pendaftaran.step.{step}")
        if fmt.is_missing(values.at[total, step]):
            hidden.append(label)
            continue
        rate = values.at[total, RATE_OF[step]] if step in RATE_OF else None
        rows.append({"step": step, "label": label, "families": float(values.at[total, step]),
                     "rate": None if fmt.is_missing(rate) else float(rate), "branch": branch, "small": False,
                     "base_label": ui.tr(f"pendaftaran.base.{base}") if base and not fmt.is_missing(rate) else None})
    if not rows:
        ui.empty_state("publik.none")
        return
    steps = pd.DataFrame(rows)
    ui.chart(registration.funnel_chart(steps, ui.lang(), ui.tr("publik.pendaftaran.funnel.title"),
                                       ui.tr("pendaftaran.funnel.x"), ui.tr("word.of")), key="pd_funnel_chart",
             data=steps[["step", "families", "rate"]])
    if hidden:
        st.caption(ui.tr("publik.hidden_steps", names=", ".join(hidden)))


def region_table(v: public.View) -> None:
    values = v.sup.values
    rows = values[values["region_code"].isin(v.f.regions)].sort_values("region_code")
    if ui.nothing(rows, "pendaftaran.none"):
        return
    columns = [tables.region()]
    for column in TABLE:
        kind = "pct" if column.endswith(("rate", "share")) else "int"
        columns.append(ui.Col(column, ui.tr(f"publik.funnel.{column}"), kind))
    ui.table(rows, columns, key="pd_region_table", texts=v.texts(rows))
    st.caption(ui.tr("publik.table.note"))


def render(f: ui.Filters) -> None:
    v = public.funnel(f)
    values = None if v is None else v.sup.values
    if v is None or not (values["region_code"] == public.TOTAL).any():
        ui.empty_state("pendaftaran.none")
        return
    total = values.index[values["region_code"] == public.TOTAL][0]
    st.markdown(ui.tr("publik.pendaftaran.context", snapshot=fmt.day(f.as_of, ui.lang())))
    tiles(v, total)
    st.subheader(ui.tr("publik.pendaftaran.funnel.heading"))
    funnel_chart(v, total)
    st.subheader(ui.tr("publik.table.heading"))
    region_table(v)


if (filters := ui.start("nav.pendaftaran", "publik.pendaftaran.intro", rule=False, period=False)) is not None:
    render(filters)
