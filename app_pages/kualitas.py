"""Kualitas Data: the load ledger, the quarantine (by reason, by file, a
masked sample), freshness per region and how to fix each error at source.

Identifiers only ever appear as the masked forms stored in quarantine
(`351001******3934`); nothing here reads a raw NIK or KK number.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from bansos import contract, fixes, fmt, i18n, ui
from bansos.charts import quality, registration

SAMPLE_LIMIT = 50


def _numbers(values, lang: str) -> list[str]:
    """Counts as text in the UI's number format (the grid would use the
    browser's locale instead)."""
    return [fmt.number(v, lang) for v in values]


def _codes(values) -> list[str]:
    """Ids and line numbers: plain digits, no thousands separator."""
    return ["" if pd.isna(v) else str(int(v)) for v in values]


def _day(value, lang: str) -> str:
    # fmt.day does not treat NaT / pd.NA as empty
    return fmt.EMPTY if value is None or pd.isna(value) else fmt.day(value, lang)


def _right(label: str, help: str | None = None, **kwargs):
    return st.column_config.TextColumn(label, help=help, alignment="right", **kwargs)


def _reason_label(code: str) -> str:
    key = f"kualitas.reason.{code}"
    return ui.tr(key) if key in i18n.STRINGS else code


def _tiles(totals: pd.Series, lang: str) -> None:
    columns = st.columns(4)
    with columns[0]:
        ui.tile(
            ui.tr("kualitas.tile.files"), fmt.number(totals.files, lang),
            caption=ui.tr("kualitas.tile.files.caption", keluarga=fmt.number(totals.files_keluarga, lang),
                          penyaluran=fmt.number(totals.files_penyaluran, lang)),
        )
    with columns[1]:
        ui.tile(
            ui.tr("kualitas.tile.rows"), fmt.number(totals.rows_loaded, lang),
            caption=ui.tr("kualitas.tile.rows.caption", read=fmt.number(totals.rows_read, lang)),
        )
    with columns[2]:
        ui.tile(
            ui.tr("kualitas.tile.quarantine"), fmt.number(totals.rows_quarantined, lang),
            help=ui.tr("kualitas.tile.quarantine.help"),
            caption=f"{fmt.pct(totals.quarantine_rate, lang, 2)} · "
            + ui.tr("kualitas.tile.rows.caption", read=fmt.number(totals.rows_read, lang)),
        )
    with columns[3]:
        ui.tile(
            ui.tr("kualitas.tile.last"), _day(totals.last_load_at, lang),
            caption=ui.tr("kualitas.tile.last.caption", warnings=fmt.number(totals.files_with_warnings, lang)),
        )


def _ledger(loads: pd.DataFrame, lang: str) -> None:
    st.subheader(ui.tr("kualitas.ledger.heading"))
    table = pd.DataFrame({
        "load_id": _codes(loads["load_id"]),
        "file": loads["file_name"],
        "kind": [ui.tr(f"kualitas.kind.{k}") if f"kualitas.kind.{k}" in i18n.STRINGS else k for k in loads["kind"]],
        "loaded_at": pd.to_datetime(loads["loaded_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        "extract_date": [_day(v, lang) for v in loads["extract_date"]],
        "read": _numbers(loads["rows_read"], lang),
        "loaded": _numbers(loads["rows_loaded"], lang),
        "quarantined": _numbers(loads["rows_quarantined"], lang),
        "superseded": _numbers(loads["rows_superseded"], lang),
        "removed": _numbers(loads["rows_removed"], lang),
        "message": loads["message"],
        "warnings": loads["warnings"],
    })
    st.dataframe(
        table, hide_index=True, width="stretch", placeholder="",
        column_config={
            "load_id": _right(ui.tr("kualitas.col.load_id"), width="small"),
            "file": st.column_config.TextColumn(ui.tr("kualitas.col.file")),
            "kind": ui.tr("kualitas.col.kind"),
            "loaded_at": ui.tr("kualitas.col.loaded_at"),
            "extract_date": ui.tr("kualitas.col.extract_date"),
            "read": _right(ui.tr("kualitas.col.read")),
            "loaded": _right(ui.tr("kualitas.col.loaded")),
            "quarantined": _right(ui.tr("kualitas.col.quarantined")),
            "superseded": _right(ui.tr("kualitas.col.superseded"), help=ui.tr("kualitas.col.superseded.help")),
            "removed": _right(ui.tr("kualitas.col.removed"), help=ui.tr("kualitas.col.removed.help")),
            "message": st.column_config.TextColumn(ui.tr("kualitas.col.message"), width="large"),
            "warnings": ui.tr("kualitas.col.warnings"),
        },
    )
    st.caption(ui.tr("kualitas.ledger.caption"))


def _reasons(reasons: pd.DataFrame, by_file: pd.DataFrame, totals: pd.Series, lang: str) -> None:
    st.subheader(ui.tr("kualitas.reasons.heading"))
    if reasons.empty:
        ui.empty_state("kualitas.reasons.none")
        return
    frame = reasons.copy()
    frame["label"] = [_reason_label(code) for code in frame["reason"]]
    figure = quality.reasons_chart(
        frame, lang, ui.tr("kualitas.reasons.title"), ui.tr("kualitas.reasons.x"), ui.tr("kualitas.reasons.y"),
        {kind: ui.tr(f"kualitas.kind.{kind}") for kind in quality.KIND_COLOURS}, ui.tr("kualitas.reasons.hover"),
    )
    st.plotly_chart(figure, width="stretch", config={"displayModeBar": False})
    st.caption(ui.tr("kualitas.reasons.caption", rows=fmt.number(totals.quarantined_rows, lang)))
    st.markdown(f"**{ui.tr('kualitas.by_file')}**")
    table = pd.DataFrame({
        "file": by_file["file_name"],
        "reason": [_reason_label(code) for code in by_file["reason"]],
        "code": by_file["reason"],
        "rows": _numbers(by_file["rows"], lang),
        "first_line": _codes(by_file["first_line"]),
    })
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={
            "file": ui.tr("kualitas.col.file"),
            "reason": ui.tr("kualitas.col.reason"),
            "code": ui.tr("kualitas.col.reason_code"),
            "rows": _right(ui.tr("kualitas.col.rows")),
            "first_line": _right(ui.tr("kualitas.col.first_line")),
        },
    )


def _sample(loads: pd.DataFrame, reasons: pd.DataFrame, lang: str) -> None:
    st.subheader(ui.tr("kualitas.sample.heading"))
    with_quarantine = loads[loads["rows_quarantined"] > 0]
    files = {str(int(row.load_id)): row.file_name for row in with_quarantine.itertuples()}
    codes = list(dict.fromkeys(reasons["reason"]))
    labels = {code: f"{i18n.t(f'kualitas.reason.{code}', lang) if f'kualitas.reason.{code}' in i18n.STRINGS else code} ({code})" for code in codes}
    all_files = i18n.t("kualitas.sample.all_files", lang)
    all_reasons = i18n.t("kualitas.sample.all_reasons", lang)
    left, right = st.columns(2)
    with left:
        chosen_file = st.selectbox(
            ui.tr("kualitas.sample.file"), ["", *files], key="kq_file", bind="query-params",
            format_func=lambda value: files.get(value, all_files) if value else all_files,
        )
    with right:
        chosen_reason = st.selectbox(
            ui.tr("kualitas.sample.reason"), ["", *codes], key="kq_reason", bind="query-params",
            format_func=lambda value: labels.get(value, value) if value else all_reasons,
        )
    if chosen_reason:
        st.info(ui.tr("kualitas.fix.for", reason=_reason_label(chosen_reason), fix=fixes.fix(chosen_reason, lang)),
                icon=":material/build:")
    rows = ui.safe_query(
        "quarantine_rows", load_id=int(chosen_file) if chosen_file else None, reason=chosen_reason or None,
        limit=SAMPLE_LIMIT,
    )
    if rows is None:
        return
    if rows.empty:
        ui.empty_state("kualitas.sample.none")
        return
    # The stored row as given (identifiers already masked at ingestion),
    # one column per source field so it reads like the file.
    values = pd.DataFrame([json.loads(v) if isinstance(v, str) and v else {} for v in rows["row_values"]])
    table = pd.DataFrame({
        ui.tr("kualitas.col.file"): rows["file_name"],
        ui.tr("kualitas.col.line"): _codes(rows["line"]),
        ui.tr("kualitas.col.reasons"): rows["reasons"],
    })
    if chosen_file:
        table = table.drop(columns=[ui.tr("kualitas.col.file")])
    table = pd.concat([table.reset_index(drop=True), values.reset_index(drop=True)], axis=1)
    st.dataframe(
        table, hide_index=True, width="stretch", placeholder="",
        column_config={ui.tr("kualitas.col.line"): _right(ui.tr("kualitas.col.line"))},
    )
    st.caption(ui.tr("kualitas.sample.caption", shown=fmt.number(len(rows), lang), limit=fmt.number(SAMPLE_LIMIT, lang)))


def _status(row, lang: str) -> str:
    if bool(row.no_register) and bool(row.no_allocations):
        return ui.tr("kualitas.status.no_data")
    notes = []
    if bool(row.no_register):
        notes.append(ui.tr("kualitas.status.no_register"))
    elif bool(row.register_behind):
        notes.append(ui.tr("kualitas.status.register_behind", date=_day(row.group_latest_snapshot, lang)))
    if bool(row.no_allocations):
        notes.append(ui.tr("kualitas.status.no_allocations"))
    elif bool(row.tranche_behind):
        notes.append(ui.tr("kualitas.status.tranche_behind",
                           period=ui.period_label(row.latest_year_all, row.latest_tranche_all, short=True)))
    if isinstance(row.missing_programs, str) and row.missing_programs:
        notes.append(ui.tr("kualitas.status.missing_programs", programs=row.missing_programs))
    return "; ".join(notes) if notes else ui.tr("kualitas.status.ok")


def _group(row) -> str:
    group = ui.tr("word.pilot") if bool(row.is_pilot) else ui.tr("word.comparison")
    status = getattr(row, "pilot_status", None)  # freshness.sql has no status column
    return group + (f" · {status}" if isinstance(status, str) else "")


def _tranche(year, tranche) -> str:
    return fmt.EMPTY if year is None or pd.isna(year) else ui.period_label(year, tranche, short=True)


def _loaded_matrix(lang: str) -> None:
    status = ui.safe_query("warehouse_status")
    regions = ui.q("options_regions")
    if status is None or status.empty:
        return
    # Pilots first, then comparison regions, each by code.
    pilots = set(regions.loc[regions["is_pilot"].astype(bool), "region_code"]) if not regions.empty else set()
    order = sorted(dict.fromkeys(status["region_code"]), key=lambda code: (code not in pilots, code))
    frame = status.assign(
        label=[registration.short_region_name(name) for name in status["region_name"]],
        order=[order.index(code) for code in status["region_code"]],
    ).sort_values("order", kind="stable")
    figure = quality.loaded_matrix_chart(
        frame, lang, ui.tr("kualitas.matrix.title"), ui.tr("kualitas.matrix.x"), ui.tr("kualitas.matrix.y"), pilots,
        {True: ui.tr("word.pilot"), False: ui.tr("word.comparison")},
        {"keluarga": ui.tr("kualitas.matrix.register"), "penyaluran": ""}, ui.tr("kualitas.matrix.hover"),
    )
    st.plotly_chart(figure, width="stretch", config={"displayModeBar": False})
    st.caption(ui.tr("kualitas.matrix.caption"))


def _freshness(fresh: pd.DataFrame, attention: pd.DataFrame, lang: str) -> None:
    st.subheader(ui.tr("kualitas.fresh.heading"))
    st.caption(ui.tr("kualitas.fresh.caption"))
    if attention.empty:
        st.success(ui.tr("kualitas.fresh.all_ok", total=fmt.number(len(fresh), lang)), icon=":material/check_circle:")
    else:
        st.warning(ui.tr("kualitas.fresh.summary", n=fmt.number(len(attention), lang)), icon=":material/schedule:")
        st.dataframe(
            pd.DataFrame({
                ui.tr("kualitas.col.region"): [f"{row.region_name} ({row.region_code})" for row in attention.itertuples()],
                ui.tr("kualitas.col.group"): [_group(row) for row in attention.itertuples()],
                ui.tr("kualitas.col.status"): [_status(row, lang) for row in attention.itertuples()],
                ui.tr("kualitas.col.snapshot"): [_day(v, lang) for v in attention["latest_snapshot"]],
                ui.tr("kualitas.col.tranche"): [
                    _tranche(y, t) for y, t in zip(attention["latest_year"], attention["latest_tranche"])
                ],
            }),
            hide_index=True, width="stretch", height="content" if len(attention) <= 15 else "auto",
        )
    if fresh.empty:
        return
    _loaded_matrix(lang)
    st.markdown(f"**{ui.tr('kualitas.fresh.all_regions')}**")
    st.dataframe(
        pd.DataFrame({
            ui.tr("kualitas.col.region"): [f"{row.region_name} ({row.region_code})" for row in fresh.itertuples()],
            ui.tr("kualitas.col.group"): [_group(row) for row in fresh.itertuples()],
            ui.tr("kualitas.col.snapshot"): [_day(v, lang) for v in fresh["latest_snapshot"]],
            ui.tr("kualitas.col.snapshots"): [fmt.number(v, lang) for v in fresh["snapshots"]],
            ui.tr("kualitas.col.tranche"): [_tranche(y, t) for y, t in zip(fresh["latest_year"], fresh["latest_tranche"])],
            ui.tr("kualitas.col.programs"): [v if isinstance(v, str) else fmt.EMPTY for v in fresh["programs"]],
        }),
        hide_index=True, width="stretch",
    )


def _fixes(reasons: pd.DataFrame, lang: str) -> None:
    st.subheader(ui.tr("kualitas.fixes.heading"))
    st.caption(ui.tr("kualitas.fixes.caption"))
    present = reasons.drop_duplicates("reason")[["reason", "reason_rows"]] if not reasons.empty else pd.DataFrame(columns=["reason", "reason_rows"])
    seen = set()
    for row in present.itertuples():
        seen.add(row.reason)
        title = ui.tr("kualitas.fixes.present", reason=_reason_label(row.reason), rows=fmt.number(row.reason_rows, lang))
        st.markdown(f"**{title}** · `{row.reason}`  \n{fixes.fix(row.reason, lang)}")
    others = [code for code in contract.REASONS if code not in seen]
    if others:
        label = ui.tr("kualitas.fixes.others", n=len(others)) if seen else ui.tr("kualitas.fixes.all", n=len(others))
        with st.expander(label, expanded=not seen):
            for code in others:
                st.markdown(f"**{_reason_label(code)}** · `{code}`  \n{fixes.fix(code, lang)}")


def main() -> None:
    meta = ui.page_header("nav.kualitas", "kualitas.intro")
    lang = ui.lang()
    if meta is None:
        _fixes(pd.DataFrame(), lang)
        return
    totals_frame = ui.safe_query("kualitas_totals")
    loads = ui.safe_query("loads")
    reasons = ui.safe_query("kualitas_reasons")
    by_file = ui.safe_query("quarantine_by_reason")
    fresh = ui.safe_query("freshness")
    attention = ui.safe_query("kualitas_attention")
    if any(frame is None for frame in (totals_frame, loads, reasons, by_file, fresh, attention)):
        return
    totals = totals_frame.iloc[0]
    if not int(totals.files):
        ui.empty_state("kualitas.empty")
    else:
        _tiles(totals, lang)
        _ledger(loads, lang)
        _reasons(reasons, by_file, totals, lang)
        if int(totals.quarantined_rows):
            _sample(loads, reasons, lang)
    _freshness(fresh, attention, lang)
    _fixes(reasons, lang)


main()
