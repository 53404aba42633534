"""The kecamatan section of Cakupan & Penyaluran: one kab/kota's
kecamatan on coverage or the disbursement rate, as bars and as a table
(rows with no kecamatan code named as such).

Numbers come from queries/kecamatan_indicators.sql.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import fmt, settings, ui
from bansos.charts import coverage, theme
from bansos.indicators import BY_ID
from bansos.ui import tables

METRICS = ("coverage", "disbursement_rate")


def section(f: ui.Filters, lang: str) -> None:
    st.subheader(ui.tr("cakupan.kec.heading"))
    options = ui.region_options()
    names = dict(zip(options["region_code"], options["region_name"]))
    pilots = set(options.loc[options["is_pilot"].astype(bool), "region_code"])
    left, right = st.columns([2, 1])
    region = ui.region("cakupan.kec.region", list(f.regions), "ck_region", names, None, ui.allowed_regions(), left)
    with right:
        metric = ui.choice(st.segmented_control, "cakupan.kec.metric", METRICS, "ck_kmetric",
                           lambda m, language: BY_ID[m].label(language))
    frame = ui.q("kecamatan_indicators", region=region, as_of=f.as_of, basis=f.basis, program=f.program,
                 year=f.year, tranche=f.tranche)
    if ui.nothing(frame, "cakupan.kec.empty"):
        return
    null_label = ui.tr("cakupan.kec.null")
    if frame[metric].notna().any():
        ui.chart(coverage.kecamatan_bars(
            frame, lang, metric=metric,
            title=ui.tr("cakupan.kec.title", metric=ui.label(metric), region=names.get(region, region),
                        period=ui.period_label(f.year, f.tranche, short=True)),
            x_title=ui.label(metric) + " (%)", null_label=null_label,
            ratio_word=ui.tr(f"cakupan.kec.ratio.{metric}"), small_label=ui.tr("word.small_n", n=settings.get_int("min_families")),
            colour=theme.PILOT if region in pilots else theme.COMPARISON,
        ), key="ck_kec_chart", data=frame)
    else:
        ui.empty_state("empty.no_register" if metric == "coverage" else "empty.no_allocations")
    if frame["kecamatan_code"].isna().any():
        st.caption(ui.tr("cakupan.kec.null_note"))
    table(frame, null_label, f"{ui.tr('cakupan.kec.heading')} · {names.get(region, region)} · {f.program} · "
                                       f"{ui.period_label(f.year, f.tranche, short=True)}")


def table(frame: pd.DataFrame, null_label: str, title: str) -> None:
    frame = frame.assign(
        name=[null_label if pd.isna(c) else (n if isinstance(n, str) and n else c)
              for c, n in zip(frame["kecamatan_code"], frame["kecamatan_name"])],
        code=frame["kecamatan_code"].fillna(fmt.EMPTY),
    )
    ui.table(frame, [
        tables.text("name", "word.kecamatan", pinned=True), tables.text("code", "cakupan.kec.code"),
        *[tables.indicator(m) for m in ("eligible_families", "eligible_covered", "coverage", "recipients",
                                       "eligible_recipients", "inclusion_error", "allocated_amount", "disbursed_amount", "disbursement_rate")],
    ], key="ck_kec_table", download=title)
