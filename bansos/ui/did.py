"""The difference-in-differences section of Perbandingan Wilayah: a pilot
against the comparison regions of its province between two tranches, as
tiles (the DiD per metric) and a table of every input (numerators,
denominators and rates of both groups at both tranches), so a reader can
redo the arithmetic (docs/indicators.md, "did").

Numbers come from queries/comparison_did.sql.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import fmt, ui
from bansos.indicators import DID_METRICS
from bansos.ui import tables, words


def pick(f: ui.Filters):
    """The section's heading and its two tranches, ((y1, t1), (y2, t2));
    None, with the reason shown, when there are no two to compare."""
    st.markdown(f"#### {ui.tr('perbandingan.did.heading')}")
    return ui.period_pair("pb", f.periods, "perbandingan.did.t1", "perbandingan.did.t2", "perbandingan.did.one_period",
                          "perbandingan.did.same")


def query(f: ui.Filters, pilot: str, pair) -> tuple[str, dict]:
    (y1, t1), (y2, t2) = pair
    return "comparison_did", dict(pilots=[pilot], year1=y1, tranche1=t1, year2=y2, tranche2=t2,
                                  **f.params("as_of", "basis", "program"))


def section(f: ui.Filters, lang: str, pair, frame: pd.DataFrame | None) -> None:
    """The tiles and the table of `query`'s rows, under `pick`'s heading."""
    if pair is None:
        return
    (y1, t1), (y2, t2) = pair
    if ui.failed(frame) or ui.nothing(frame, "perbandingan.did.empty"):
        return
    assert frame is not None  # for the type checker: failed() took the None
    t1_label, t2_label = ui.period_label(y1, t1, short=True), ui.period_label(y2, t2, short=True)
    by_metric = frame.set_index("metric")
    present = [m for m in DID_METRICS if m in by_metric.index]
    for col, metric_id in zip(st.columns(len(present)), present):
        row = by_metric.loc[metric_id]
        with col:
            ui.tile(ui.tr("perbandingan.did.tile", metric=ui.label(metric_id)),
                    fmt.pp(row.did, lang) + (" ⚠" if fmt.is_set(row.small) else ""), help=words.did_help(metric_id),
                    caption=ui.tr("perbandingan.did.tile.caption", pilot_change=fmt.pp(row.pilot_change, lang),
                                  comp_change=fmt.pp(row.comp_change, lang)))
    did_table(frame, present, t1_label, t2_label, lang)
    st.caption(ui.tr("perbandingan.did.read", t1=t1_label, t2=t2_label, reading=words.did_reading(present)))
    st.caption(ui.tr("perbandingan.did.numerators"))
    if frame.small.map(fmt.is_set).any():
        ui.small_n_note()
    st.caption(ui.tr("perbandingan.did.caveat"))


def did_table(frame: pd.DataFrame, present: list[str], t1_label: str, t2_label: str, lang: str) -> None:
    """Every input of the DiD: for each metric, the pilot's and the
    comparison group's numerator, denominator and rate at t1 and t2, and
    the DiD."""
    by_metric = frame.set_index("metric")
    codes = frame.comparison_codes.iloc[0]
    n_comp = len(codes) if codes is not None and hasattr(codes, "__len__") and not isinstance(codes, str) else 0
    pilot_name = fmt.region_short(frame.pilot_name.iloc[0])
    rows = []
    for metric_id in present:
        row = by_metric.loc[metric_id]
        base = {"metric": ui.label(metric_id) + (" ⚠" if fmt.is_set(row.small) else ""),
                "unit": "rp" if metric_id == "disbursement_rate" else "int"}
        for who, group in (("pilot", ui.tr("perbandingan.did.row.pilot", name=pilot_name)),
                           ("comp", ui.tr("perbandingan.did.row.comparison", n=n_comp))):
            rows.append({**base, "group": group, "change": row[f"{who}_change"],
                         **{f"{part}_{p}": row[f"{who}_{part}_{p}"] for part in ("num", "den", "rate") for p in ("1", "2")}})
        rows.append({**base, "group": ui.tr("perbandingan.did.row.did"), "change": row.did})
    table = pd.DataFrame(rows).reindex(columns=["metric", "group", "rate_1", "rate_2", "change", "num_1", "den_1",
                                                "num_2", "den_2", "unit"])
    # rates and changes first, so the DiD row's value is visible without scrolling
    ui.table(table, [
        tables.text("metric", "perbandingan.col.metric", pinned=True), tables.text("group", "perbandingan.col.group"),
        ui.Col("rate_1", ui.tr("perbandingan.col.rate", period=t1_label), "pct"),
        ui.Col("rate_2", ui.tr("perbandingan.col.rate", period=t2_label), "pct"),
        ui.Col("change", ui.tr("perbandingan.col.change", t1=t1_label, t2=t2_label), "pp"),
        *[ui.Col(f"{part}_{p}", ui.tr(f"perbandingan.col.{part}", period=label), "int", row_kind="unit")
          for p, label in (("1", t1_label), ("2", t2_label)) for part in ("num", "den")],
    ], key="pb_did_grid", rows_shown=12, download=f"DiD · {pilot_name} · {t1_label} - {t2_label}")
