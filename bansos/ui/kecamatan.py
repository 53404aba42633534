"""The kecamatan section of Cakupan & Penyaluran: one kab/kota's
kecamatan on coverage or the disbursement rate, as bars and as a table
(rows with no kecamatan code named as such).

Numbers come from queries/kecamatan_indicators.sql.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from bansos import fmt, settings, ui
from bansos.charts import coverage, theme
from bansos.indicators import BY_ID
from bansos.ui import tables

METRICS = ("coverage", "disbursement_rate")


@dataclass(frozen=True)
class Picked:
    region: str | None
    metric: str
    names: dict
    pilots: set


def pick(f: ui.Filters) -> Picked:
    """The section's heading and pickers: which kab/kota, which indicator."""
    st.subheader(ui.tr("cakupan.kec.heading"))
    options = ui.region_options()
    names = dict(zip(options["region_code"], options["region_name"]))
    pilots = set(options.loc[options["is_pilot"].astype(bool), "region_code"])
    left, right = st.columns([2, 1])
    region = ui.region("cakupan.kec.region", list(f.regions), "ck_region", names, None, ui.allowed_regions(), left)
    with right:
        metric = ui.choice(st.segmented_control, "cakupan.kec.metric", METRICS, "ck_kmetric",
                           lambda m, language: BY_ID[m].label(language))
    return Picked(region, metric, names, pilots)


def query(f: ui.Filters, picked: Picked) -> tuple[str, dict]:
    return "kecamatan_indicators", dict(region=picked.region, as_of=f.as_of, basis=f.basis, program=f.program,
                                        year=f.year, tranche=f.tranche)


def section(f: ui.Filters, lang: str, picked: Picked, frame: pd.DataFrame) -> None:
    """`query`'s rows under `pick`'s heading, as bars and a table."""
    region, metric, names, pilots = picked.region, picked.metric, picked.names, picked.pilots
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
