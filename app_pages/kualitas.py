"""Kualitas Data: the load ledger, the quarantine (by reason, by file, a
masked sample), freshness per region and how to fix each error at source.

Identifiers only ever appear as the masked forms stored in quarantine
(`351001******3934`); nothing here reads a raw NIK or KK number.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from bansos import contract, fixes, fmt, i18n, settings, ui, uploads
from bansos.charts import quality
from bansos.ui import tables, words
from bansos.ui.words import load_warnings as _warnings, reason_label as _reason_label  # shared with Unggah Data

SAMPLE_LIMIT = 50
REJECTIONS_SHOWN = 100


def tiles(totals: pd.Series, loads: pd.DataFrame, lang: str) -> None:
    columns = st.columns(4)
    read = ui.tr("kualitas.tile.rows.caption", read=fmt.number(totals.rows_read, lang))
    with columns[0]:
        ui.tile(ui.tr("kualitas.tile.files"), fmt.number(totals.files, lang),
                caption=ui.tr("kualitas.tile.files.caption", keluarga=fmt.number(totals.files_keluarga, lang),
                              penyaluran=fmt.number(totals.files_penyaluran, lang)))
    with columns[1]:
        ui.tile(ui.tr("kualitas.tile.rows"), fmt.number(totals.rows_loaded, lang), caption=read)
    with columns[2]:
        ui.tile(ui.tr("kualitas.tile.quarantine"), fmt.number(totals.rows_quarantined, lang),
                help=ui.tr("kualitas.tile.quarantine.help"), caption=f"{fmt.pct(totals.quarantine_rate, lang, 2)} · {read}")
    with columns[3]:
        # the day in the tile, the time (WIB) under it: the whole moment is cut off in a quarter-wide tile
        ui.tile(ui.tr("kualitas.tile.last"), fmt.moment(totals.last_load_at, lang, "day"),
                caption=_last_caption(totals, loads, lang))


def _last_caption(totals: pd.Series, loads: pd.DataFrame, lang: str) -> str:
    """The last load's time and the files with warnings: the file named when
    there is one, else how many (the ledger, same scope, lists them all)."""
    time, warned = fmt.moment(totals.last_load_at, lang, "time"), int(totals.files_with_warnings)
    if warned == 1:
        file = loads.loc[loads["warnings"].fillna("") != "", "file_name"].iloc[0]
        return ui.tr("kualitas.tile.last.caption.one", time=time, file=file)
    if warned > 1:
        return ui.tr("kualitas.tile.last.caption.many", time=time, n=fmt.number(warned, lang))
    return ui.tr("kualitas.tile.last.caption", time=time)


def ledger(loads: pd.DataFrame) -> None:
    st.subheader(ui.tr("kualitas.ledger.heading"))
    lang = ui.lang()
    frame = loads.assign(
        kind_name=[ui.tr(f"kualitas.kind.{k}") if f"kualitas.kind.{k}" in i18n.STRINGS else k for k in loads["kind"]],
        when=[fmt.moment(v, lang) for v in loads["loaded_at"]], warning_text=[_warnings(w) for w in loads["warnings"]],
        by=[v if isinstance(v, str) else fmt.EMPTY for v in loads["loaded_by"]],
        unloaded=["" if fmt.is_missing(v) else fmt.moment(v, lang) for v in loads["unloaded_at"]],
    )
    count = [("rows_read", "kualitas.col.read", None), ("rows_loaded", "kualitas.col.loaded", None),
             ("rows_quarantined", "kualitas.col.quarantined", None),
             ("rows_superseded", "kualitas.col.superseded", "kualitas.col.superseded.help"),
             ("rows_removed", "kualitas.col.removed", "kualitas.col.removed.help")]
    ui.table(frame, [
        ui.Col("load_id", ui.tr("kualitas.col.load_id"), "plain", ui.tr("kualitas.col.load_id.help")),
        tables.text("file_name", "kualitas.col.file"),
        tables.text("kind_name", "kualitas.col.kind"), tables.text("when", "kualitas.col.loaded_at"),
        tables.text("by", "kualitas.col.loaded_by"),
        ui.Col("extract_date", ui.tr("kualitas.col.extract_date"), "date", ui.tr("kualitas.col.extract_date.help")),
        *[ui.Col(name, ui.tr(key), "int", ui.tr(help_key) if help_key else None) for name, key, help_key in count],
        tables.text("warning_text", "kualitas.col.warnings"),
        *([tables.text("unloaded", "kualitas.col.unloaded", help_key="kualitas.col.unloaded.help")]
          if any(frame["unloaded"]) else []),
    ], key="kq_ledger", rows_shown=None)
    st.caption(ui.tr("kualitas.ledger.caption"))


def rejections_query() -> tuple[str, dict]:
    """Files rejected whole: a trace apart from the ledger (which records
    loaded files only). A rejected file has no rows and so no region: those
    who see every region see every rejection, anyone else the files they
    sent themselves (queries/rejections.sql)."""
    sender = uploads.uploader(ui.access())
    return "rejections", dict(who=uploads.recorded_who(sender.who) if sender else None, limit=REJECTIONS_SHOWN)


def rejections_section(rejected: pd.DataFrame | None, lang: str) -> None:
    st.subheader(ui.tr("kualitas.rejected.heading"))
    if rejected is None or ui.nothing(rejected, "kualitas.rejected.none"):
        return
    frame = rejected.assign(when=[fmt.moment(v, lang) for v in rejected["rejected_at"]],
                            by=[v if isinstance(v, str) else fmt.EMPTY for v in rejected["rejected_by"]])
    ui.table(frame, [
        tables.text("file_name", "kualitas.col.file"), tables.text("when", "kualitas.col.rejected_at"),
        tables.text("by", "kualitas.col.rejected_by"), tables.text("message", "kualitas.col.reason"),
    ], key="kq_rejected", rows_shown=None if len(frame) <= 15 else 16)
    st.caption(ui.tr("kualitas.rejected.caption", shown=fmt.number(len(frame), lang),
                     total=fmt.number(int(rejected["total"].iloc[0]), lang), days=settings.get_int("retention_days")))


def reasons_section(reasons: pd.DataFrame, by_file: pd.DataFrame, totals: pd.Series, lang: str) -> None:
    st.subheader(ui.tr("kualitas.reasons.heading"))
    if reasons.empty:
        ui.empty_state("kualitas.reasons.none")
        return
    ui.chart(quality.reasons_chart(
        reasons.assign(label=[_reason_label(code) for code in reasons["reason"]]), lang,
        ui.tr("kualitas.reasons.title"), ui.tr("kualitas.reasons.x"), ui.tr("kualitas.reasons.y"),
        {kind: ui.tr(f"kualitas.kind.{kind}") for kind in quality.KIND_COLOURS}, ui.tr("kualitas.reasons.hover"),
    ), key="kq_reasons_chart", data=reasons)
    st.caption(ui.tr("kualitas.reasons.caption", rows=fmt.number(totals.quarantined_rows, lang)))
    st.markdown(f"**{ui.tr('kualitas.by_file')}**")
    ui.table(by_file.assign(label=[_reason_label(code) for code in by_file["reason"]]), [
        tables.text("file_name", "kualitas.col.file"), tables.text("label", "kualitas.col.reason"),
        tables.text("reason", "kualitas.col.reason_code"), ui.Col("rows", ui.tr("kualitas.col.rows"), "int"),
        ui.Col("first_line", ui.tr("kualitas.col.first_line"), "plain", ui.tr("kualitas.col.first_line.help")),
    ], key="kq_by_file", rows_shown=None)


def sample(loads: pd.DataFrame, reasons: pd.DataFrame, by_file: pd.DataFrame, lang: str) -> None:
    st.subheader(ui.tr("kualitas.sample.heading"))
    files = {str(int(row.load_id)): row.file_name for row in loads[loads["rows_quarantined"] > 0].itertuples()}
    codes = list(dict.fromkeys(reasons["reason"]))
    left, right = st.columns(2)
    chosen_file = ui.choice(left.selectbox, "kualitas.sample.file", ["", *files], "kq_file",
                            lambda value, language: files.get(value, value) if value else i18n.t("kualitas.sample.all_files", language),
                            default="", aliases={code: [name] for code, name in files.items()})
    chosen_reason = ui.choice(right.selectbox, "kualitas.sample.reason", ["", *codes], "kq_reason",
                              lambda value, language: f"{_reason_label(value, language)} ({value})" if value
                              else i18n.t("kualitas.sample.all_reasons", language), default="")
    if chosen_reason:
        st.info(ui.tr("kualitas.fix.for", reason=_reason_label(chosen_reason), fix=fixes.fix(chosen_reason, lang)),
                icon=":material/build:")
    rows = ui.safe_query("quarantine_rows", load_id=int(chosen_file) if chosen_file else None, reason=chosen_reason or None,
                         limit=SAMPLE_LIMIT)
    if ui.nothing(rows, "kualitas.sample.none"):
        return
    # The stored row as given (identifiers already masked at ingestion),
    # one column per source field so it reads like the file.
    values = pd.DataFrame([json.loads(v) if isinstance(v, str) and v else {} for v in rows["row_values"]])
    table = pd.DataFrame({ui.tr("kualitas.col.file"): rows["file_name"], ui.tr("kualitas.col.line"): rows["line"],
                          ui.tr("kualitas.col.reasons"): rows["reasons"]})
    if chosen_file:
        table = table.drop(columns=[ui.tr("kualitas.col.file")])
    table = pd.concat([table.reset_index(drop=True), values.reset_index(drop=True)], axis=1)
    ui.table(table, [ui.Col(c, c, "plain" if c == ui.tr("kualitas.col.line") else "text") for c in table.columns],
             key="kq_sample", rows_shown=None)
    st.caption(ui.tr("kualitas.sample.caption", which=_sample_size(rows, by_file, chosen_file, chosen_reason, lang)))


def _sample_size(rows: pd.DataFrame, by_file: pd.DataFrame, chosen_file: str, chosen_reason: str, lang: str) -> str:
    """How many rows the sample shows of those that match. With a reason
    chosen the total is known (by_file counts rows per file and reason; a row
    with two reasons counts under each, so without a reason it is not)."""
    if len(rows) < SAMPLE_LIMIT:
        return ui.tr("kualitas.sample.all", shown=fmt.number(len(rows), lang))
    limit = fmt.number(SAMPLE_LIMIT, lang)
    if not chosen_reason:
        return ui.tr("kualitas.sample.first", limit=limit)
    matching = by_file[by_file["reason"] == chosen_reason]
    if chosen_file:
        matching = matching[matching["load_id"] == int(chosen_file)]
    total = fmt.number(int(matching["rows"].sum()), lang)
    return ui.tr("kualitas.sample.first_of_file" if chosen_file else "kualitas.sample.first_of", limit=limit, total=total)


def _status(row, lang: str) -> str:
    if bool(row.no_register) and bool(row.no_allocations):
        return ui.tr("kualitas.status.no_data")
    notes = []
    if bool(row.no_register):
        notes.append(ui.tr("kualitas.status.no_register"))
    elif bool(row.register_behind):
        notes.append(ui.tr("kualitas.status.register_behind", date=fmt.day(row.group_latest_snapshot, lang)))
    if bool(row.no_allocations):
        notes.append(ui.tr("kualitas.status.no_allocations"))
    elif bool(row.tranche_behind):
        notes.append(ui.tr("kualitas.status.tranche_behind",
                           period=ui.period_label(row.latest_year_all, row.latest_tranche_all, short=True)))
    if isinstance(row.missing_programs, str) and row.missing_programs:
        notes.append(ui.tr("kualitas.status.missing_programs", programs=row.missing_programs))
    return "; ".join(notes) if notes else ui.tr("kualitas.status.ok")


def _fresh_and_attention(regions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """From freshness.sql's rows: every region with data (by province and
    code) and those needing attention (pilots first, then by province and code)."""
    if regions.empty:
        return regions, regions
    fresh = regions[~(regions.no_register.astype(bool) & regions.no_allocations.astype(bool))]
    attention = regions[regions.needs_attention.astype(bool)].sort_values("is_pilot", ascending=False, kind="stable")
    return fresh.reset_index(drop=True), attention.reset_index(drop=True)


def _region_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Region label, group (with the pilot status) and latest tranche, in words."""
    return frame.assign(
        region=[f"{fmt.region_short(n)} ({c})" for n, c in zip(frame["region_name"], frame["region_code"])],  # as the grid names them, with the code
        group=[words.group(p) + (f" · {words.pilot_status(s)}" if isinstance(s, str) else "")
               for p, s in zip(frame["is_pilot"], frame["pilot_status"])],
        tranche=[fmt.EMPTY if fmt.is_missing(y) else ui.period_label(y, t, short=True)
                 for y, t in zip(frame["latest_year"], frame["latest_tranche"])],
    )


def _period_label(row, lang: str) -> str:
    """A grid column's period as the tables below write it: "31 Jan 2026",
    "PKH T1 2026" (warehouse_status's `period` is the sortable "2026-01-31",
    "PKH 2026-T1")."""
    if row.kind == "keluarga":
        return fmt.day(row.snapshot_date, lang)
    return f"{row.program} {ui.period_label(int(row.year), int(row.tranche), short=True)}"


def loaded_matrix(status: pd.DataFrame | None, lang: str) -> None:
    regions = ui.q("options_regions")
    if status is None or status.empty:
        return
    # Pilots first, then comparison regions, each by code.
    pilots = set(regions.loc[regions["is_pilot"].astype(bool), "region_code"]) if not regions.empty else set()
    order = sorted(dict.fromkeys(status["region_code"]), key=lambda code: (code not in pilots, code))
    frame = status.assign(label=[fmt.region_short(name) for name in status["region_name"]],
                          period_label=[_period_label(row, lang) for row in status.itertuples()],
                          order=[order.index(code) for code in status["region_code"]]).sort_values("order", kind="stable")
    ui.chart(quality.loaded_matrix_chart(
        frame, lang, ui.tr("kualitas.matrix.title"), ui.tr("kualitas.matrix.x"), ui.tr("kualitas.matrix.y"), pilots,
        {True: ui.tr("word.pilot"), False: ui.tr("word.comparison")},
        {"keluarga": ui.tr("kualitas.matrix.register"), "penyaluran": ""}, ui.tr("kualitas.matrix.hover"),
    ), key="kq_matrix_chart", data=status)
    st.caption(ui.tr("kualitas.matrix.caption"))


def freshness(fresh: pd.DataFrame, attention: pd.DataFrame, status: pd.DataFrame | None, lang: str) -> None:
    st.subheader(ui.tr("kualitas.fresh.heading"))
    st.caption(ui.tr("kualitas.fresh.caption"))
    region, group = tables.text("region", "kualitas.col.region", pinned=True), tables.text("group", "kualitas.col.group")
    snapshot, tranche = (ui.Col("latest_snapshot", ui.tr("kualitas.col.snapshot"), "date"),
                         tables.text("tranche", "kualitas.col.tranche"))
    if attention.empty:
        st.success(ui.tr("kualitas.fresh.all_ok", total=fmt.number(len(fresh), lang)), icon=":material/check_circle:")
    else:
        st.warning(ui.tr("kualitas.fresh.summary", n=fmt.number(len(attention), lang)), icon=":material/schedule:")
        view = _region_frame(attention).assign(status=[_status(row, lang) for row in attention.itertuples()])
        # What needs attention right after the region: on a phone the columns after the second are off-screen.
        ui.table(view, [region, tables.text("status", "kualitas.col.status"), group, snapshot, tranche],
                 key="kq_attention", rows_shown=None if len(view) <= 15 else 16)
    if fresh.empty:
        return
    loaded_matrix(status, lang)
    st.markdown(f"**{ui.tr('kualitas.fresh.all_regions')}**")
    view = _region_frame(fresh).assign(programs=[v if isinstance(v, str) else fmt.EMPTY for v in fresh["programs"]])
    ui.table(view, [region, group, snapshot, ui.Col("snapshots", ui.tr("kualitas.col.snapshots"), "int"), tranche,
                    tables.text("programs", "kualitas.col.programs")], key="kq_fresh", rows_shown=None)


def fixes_section(reasons: pd.DataFrame, lang: str) -> None:
    st.subheader(ui.tr("kualitas.fixes.heading"))
    st.caption(ui.tr("kualitas.fixes.caption"))
    present = reasons.drop_duplicates("reason")[["reason", "reason_rows"]] if not reasons.empty else pd.DataFrame(columns=["reason", "reason_rows"])
    for row in present.itertuples():
        title = ui.tr("kualitas.fixes.present", reason=_reason_label(row.reason), rows=fmt.number(row.reason_rows, lang))
        st.markdown(f"**{title}** · `{row.reason}`  \n{fixes.fix(row.reason, lang)}")
    others = [code for code in contract.REASONS if code not in set(present["reason"])]
    if others:
        label = ui.tr("kualitas.fixes.others" if len(present) else "kualitas.fixes.all", n=len(others))
        with st.expander(label, expanded=present.empty):
            for code in others:
                st.markdown(f"**{_reason_label(code)}** · `{code}`  \n{fixes.fix(code, lang)}")


def render(meta: dict | None) -> None:
    lang = ui.lang()
    if meta is None:
        fixes_section(pd.DataFrame(), lang)
        return
    frames = ui.safe_many(
        *((name, {}) for name in ("kualitas_totals", "loads", "kualitas_reasons", "quarantine_by_reason", "freshness")),
        ("warehouse_status", {}), rejections_query())
    if any(frame is None for frame in frames[:5]):
        return
    totals_frame, loads, reasons, by_file, regions, status, rejected = frames
    fresh, attention = _fresh_and_attention(regions)
    totals = totals_frame.iloc[0]
    if not int(totals.files):
        ui.empty_state("kualitas.empty")
        rejections_section(rejected, lang)
    else:
        tiles(totals, loads, lang)
        ledger(loads)
        rejections_section(rejected, lang)
        reasons_section(reasons, by_file, totals, lang)
        if int(totals.quarantined_rows) and ui.can("quality_full"):  # the masked sample: Kualitas Data in full only
            sample(loads, reasons, by_file, lang)
    freshness(fresh, attention, status, lang)
    fixes_section(reasons, lang)


render(ui.page_header("nav.kualitas", "kualitas.intro"))
