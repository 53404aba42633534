"""Ekspor Data, public view: the public table (pilot region indicators,
small counts suppressed) as CSV, CSV for Excel (Indonesia), XLSX and Parquet.
Every file goes through ui.download: built on click, recorded in the audit
log before it is handed out."""

from __future__ import annotations

import streamlit as st

from bansos import fmt, i18n, ui
from bansos.ui import public

SCOPES = ("tranche", "program", "all")
PREVIEW_ROWS = 100
FORMATS = (("download.csv", "csv"), ("download.csv_id", "csv-id"), ("download.xlsx", "xlsx"),
           ("download.parquet", "parquet"))


def _file(frame, file_format: str, language: str, filters: dict):
    def build(_runner) -> tuple[bytes, int]:
        return public.export_file(frame, file_format, language, filters), len(frame)

    return build


def render(f: ui.Filters) -> None:
    v = public.view(f)
    if v is None:
        ui.empty_state("publik.none")
        return
    scope = ui.choice(st.radio, "ekspor.scope", SCOPES, "ek_scope",
                      lambda code, language: i18n.t(f"ekspor.scope.{code}", language), horizontal=True,
                      help=ui.tr("ekspor.scope.help"))
    frame = public.export_frame(v, scope)
    if ui.nothing(frame, "publik.none"):
        return
    language = ui.lang()
    st.caption(ui.tr("publik.ekspor.rows", rows=fmt.number(len(frame), language)))
    # The preview: the same rows as the files, withheld cells marked as on the other pages.
    rows = v.sup.values.loc[public.export_rows(v, scope)]
    shown = v.flags(rows).assign(region_name=frame["region_name"].to_numpy())
    ui.table(shown.head(PREVIEW_ROWS), [
        ui.Col("program", ui.tr("filter.program")), ui.Col("year", ui.tr("publik.col.year"), "plain"),
        ui.Col("tranche", ui.tr("filter.period"), "plain"), *public.columns(public.PREVIEW)],
        key="ek_preview", texts=v.texts(shown.head(PREVIEW_ROWS)), rows_shown=None)
    filters = {**ui.view_filters(), "scope": scope}
    name = public.EXPORT_NAME + ("" if scope == "all" else f"_{f.program}") + (
        f"_{f.year}-T{f.tranche}" if scope == "tranche" else "")
    row = ui.button_row()
    for label, file_format in FORMATS:
        stem = name + ("_excel-id" if file_format == "csv-id" else "")
        extension = "csv" if file_format == "csv-id" else file_format
        ui.download(ui.tr(label), _file(frame, file_format, language, filters), key=f"ek_dl_public_{file_format}",
                    file_name=f"{stem}.{extension}", table=public.EXPORT_NAME, file_format=file_format, filters=filters,
                    container=row, width="content", help=ui.tr(f"ekspor.format.{file_format}"))
    st.caption(ui.tr("unduh.recorded"))


if ui.has_data(ui.page_header("nav.ekspor", "publik.ekspor.intro")):
    if (filters := ui.filters()).has_period:
        render(filters)
    else:
        ui.empty_state("empty.no_allocations")
