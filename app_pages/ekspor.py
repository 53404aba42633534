"""Ekspor Data: the tables as CSV (standard, and for Excel with Indonesian
regional settings), XLSX and Parquet, each within the right it needs:
region indicators (aggregate exports), the load ledger and quarantine
summary (Kualitas Data), the quarantine rows (Kualitas Data in full) and
the family-level table (family-level export, pseudonymised keys only).

The files are built by bansos/export.py, the same code as
`python -m bansos export` (the CSV for Excel (Indonesia) by bansos/excel_csv.py
from the same rows), from the shared filters, and handed out by
ui.download: built on click by the query runner of the table's right (its
regions only), recorded in the audit log before the bytes leave.
"""

from __future__ import annotations

import streamlit as st

from bansos import excel_csv, export, fmt, i18n, settings, ui
from bansos.indicators import BY_ID, with_days
from bansos.ui import words

SCOPES = ("tranche", "program", "all")
PREVIEW_ROWS = 100
# (button, file format, mime type); "csv-id" is the CSV for Excel (Indonesia).
DOWNLOADS = (
    ("download.csv", "csv", "text/csv"),
    ("download.csv_id", "csv-id", "text/csv"),
    ("download.xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("download.parquet", "parquet", "application/vnd.apache.parquet"),
)
KINDS = {"rate": "pct", "rp": "rp", "int": "int", "date": "date", "bool": "bool", "text": "text"}
PLAIN_NUMBERS = {"year", "tranche", "load_id", "line", "first_line"}
QUALITY_TABLES = ("loads", "quarantine-summary", "quarantine")


def export_filters(f: ui.Filters, scope: str) -> export.ExportFilters:
    """The shared filters as export filters, widened to the chosen scope."""
    return export.ExportFilters(
        province=f.province, regions=list(f.regions),
        program=f.program if scope in ("tranche", "program") else None,
        year=f.year if scope == "tranche" else None, tranche=f.tranche if scope == "tranche" else None,
        snapshot=f.as_of, basis=f.basis,
    )


def _builder(table: str, filters: export.ExportFilters, file_format: str, lang: str):
    # Runs on click, on another thread, with the runner of the table's right (ui.download).
    def build(runner) -> tuple[bytes, int]:
        collected = export.collect(table, filters, runner)
        if file_format == "csv-id":
            payload = excel_csv.to_excel_id_csv_bytes(collected, lang)
        elif file_format == "meta":
            payload = export.meta_json_bytes(collected)
        else:
            payload = export.render(collected, file_format, lang)
        return payload, len(collected.frame)

    return build


def _file_name(table: str, filters: export.ExportFilters, file_format: str) -> str:
    if file_format == "csv-id":
        return excel_csv.file_name(export.file_name(table, filters, "csv"))
    if file_format == "meta":
        return export.file_name(table, filters, "csv") + ".meta.json"
    return export.file_name(table, filters, file_format)


def downloads(table: str, filters: export.ExportFilters, lang: str) -> None:
    row = ui.button_row()
    buttons = (*DOWNLOADS, ("ekspor.meta", "meta", "application/json"))
    for label, file_format, mime in buttons:
        ui.download(
            ui.tr(label), _builder(table, filters, file_format, lang), key=f"ek_dl_{table}_{file_format}",
            file_name=_file_name(table, filters, file_format), table=table, file_format=file_format,
            filters=export.export_filter_dict(filters), right=export.TABLE_RIGHTS[table], mime=mime, container=row,
            icon=":material/data_object:" if file_format == "meta" else ":material/download:",
            help=ui.tr(f"ekspor.format.{file_format}"), width="content",
        )


def _definition(column: export.ColumnDef, lang: str) -> str:
    """A column's definition in the language shown: the indicator record's,
    else the export page's own words."""
    if column.name in BY_ID:
        return BY_ID[column.name].description(lang)
    key = f"ekspor.def.{column.name}"
    return with_days(i18n.t(key, lang)) if key in i18n.STRINGS else column.definition


def preview(frame, table: export.ExportTable, lang: str) -> None:
    """The first rows as people read them: the app's number format (rates in
    %, numbers still sortable), column labels, and in each header's tooltip
    the machine name used in the standard CSV and the column's definition."""
    shown = frame.copy()
    if "pilot_status" in shown:
        shown["pilot_status"] = [words.pilot_status(s) for s in shown["pilot_status"]]
    columns = []
    for column in table.columns:
        kind = "plain" if column.name in PLAIN_NUMBERS else KINDS.get(column.kind, "text")
        label = column.label_en if lang == "en" else column.label_id
        columns.append(ui.Col(column.name, label, kind, f"`{column.name}` — {_definition(column, lang)}"))
    ui.table(shown, columns, key="ek_preview", rows_shown=None)


def filters_used(f: ui.Filters, filters: export.ExportFilters, lang: str) -> None:
    regions = ui.q("options_regions")
    names = dict(zip(regions.region_code, regions.region_name)) if not regions.empty else {}
    provinces = dict(zip(regions.province_code, regions.province_name)) if not regions.empty else {}
    n = fmt.number(len(f.regions), lang)
    if f.chosen_regions:
        region_text = ui.tr("ekspor.filters.regions.chosen", n=n, names=", ".join(names.get(c, c) for c in f.chosen_regions))
    else:
        region_text = ui.tr("ekspor.filters.regions.all", n=n)
    period = ui.period_label(filters.year, filters.tranche) if filters.year and filters.tranche else ui.tr("ekspor.filters.all_periods")
    lines = [
        (ui.tr("ekspor.filters.province"), provinces.get(f.province) if f.province else ui.tr("filter.province.all")),
        (ui.tr("ekspor.filters.group"), ui.tr(f"filter.group.{f.group}")),
        (ui.tr("ekspor.filters.regions"), region_text),
        (ui.tr("ekspor.filters.program"), filters.program or ui.tr("ekspor.filters.all_programs")),
        (ui.tr("ekspor.filters.period"), period),
        (ui.tr("ekspor.filters.snapshot"), fmt.day(filters.snapshot, lang)),
        (ui.tr("ekspor.filters.basis"), ui.tr(f"filter.basis.{filters.basis}")),
    ]
    st.markdown("**" + ui.tr("ekspor.filters.heading") + "**\n\n" + "\n".join(f"- {name}: {value}" for name, value in lines))
    ui.show_rule(f)
    st.caption(ui.tr("ekspor.filters.change"))


def region_indicators(f: ui.Filters, scope: str, lang: str) -> None:
    st.subheader(ui.tr("ekspor.ri.heading"))
    st.caption(ui.tr("ekspor.ri.about"))
    filters = export_filters(f, scope)
    filters_used(f, filters, lang)
    try:
        result = export.collect("region-indicators", filters, ui.runner("aggregate_export"))
    except export.ExportRefused:
        ui.empty_state("ekspor.refused")
        return
    if result.frame.empty:
        ui.empty_state("ekspor.no_rows")
        return
    rows = len(result.frame)
    st.caption(ui.tr("ekspor.preview", shown=fmt.number(min(rows, PREVIEW_ROWS), lang), rows=fmt.number(rows, lang)))
    preview(result.frame.head(PREVIEW_ROWS), result.table, lang)
    downloads("region-indicators", filters, lang)
    st.caption(ui.tr("ekspor.formats"))


def quality_tables(lang: str) -> None:
    """The data-quality tables this session may have (each within its right's regions)."""
    tables = [name for name in QUALITY_TABLES if ui.can(export.TABLE_RIGHTS[name])]
    if not tables:
        return
    st.divider()
    st.subheader(ui.tr("ekspor.other.heading"))
    st.caption(ui.tr("ekspor.other.about"))
    blank = export.ExportFilters()
    for name in tables:
        try:
            rows = export.row_count(name, blank, ui.runner(export.TABLE_RIGHTS[name]))
        except export.ExportRefused:
            ui.empty_state("ekspor.refused")
            continue
        st.markdown(f"**{ui.tr(f'ekspor.table.{name}')}** · {ui.tr('ekspor.rows', rows=fmt.number(rows, lang))}")
        st.caption(ui.tr(f"ekspor.table.{name}.about"))
        downloads(name, blank, lang)


def families(f: ui.Filters, lang: str) -> None:
    """The family-level table (pseudonymised keys only), for the roles that
    may have it, within their regions; built on click (it can be large)."""
    if not ui.can("family_export"):
        return
    st.divider()
    st.subheader(ui.tr("ekspor.families.heading"))
    filters = export.ExportFilters(province=f.province, regions=list(f.regions), snapshot=f.as_of, basis=f.basis)
    reach = ui.scope("family_export")
    outside = [code for code in f.regions if reach is not None and code not in reach]
    st.markdown(ui.tr("ekspor.families.about", limit=fmt.number(settings.get_int("export_max_rows"), lang)))
    if outside and len(outside) == len(f.regions):
        ui.empty_state("ekspor.families.outside")
        return
    downloads("families", filters, lang)


def ask_at_once(f: ui.Filters, scope: str, indicators: bool) -> None:
    """The preview's query and each data-quality table's count asked in one
    batch, each under its table's right (ui.safe_many), so that the sections
    below find them in the runners' caches instead of asking one after
    another. A query that fails here is asked again, and reported, by its
    section."""
    wanted = [("region-indicators", export_filters(f, scope), False)] if indicators else []
    wanted += [(name, export.ExportFilters(), True) for name in QUALITY_TABLES if ui.can(export.TABLE_RIGHTS[name])]
    calls, asked = [], set()
    for name, filters, counting in wanted:
        query, params = export.planned_query(name, filters, counting)
        right = export.TABLE_RIGHTS[name]
        key = (id(ui.runner(right)), query, repr(sorted(params.items())))  # two tables counted by one query: asked once
        if key not in asked:
            asked.add(key)
            calls.append((query, params, right))
    if len(calls) > 1:
        ui.safe_many(*calls, show=False)


def render() -> None:
    f = ui.filters()
    lang = ui.lang()
    scope = ui.choice(st.radio, "ekspor.scope", SCOPES, "ek_scope", lambda code, language: i18n.t(f"ekspor.scope.{code}", language),
                      horizontal=True, help=ui.tr("ekspor.scope.help"))
    indicators = bool(f.regions) and (f.has_period or scope == "all")
    ask_at_once(f, scope, indicators and ui.can(export.TABLE_RIGHTS["region-indicators"]))
    if not f.regions:
        ui.empty_state("empty.no_regions")
    elif not indicators:
        ui.empty_state("empty.no_allocations")
    else:
        region_indicators(f, scope, lang)
    families(f, lang)
    quality_tables(lang)
    st.caption(ui.tr("unduh.recorded"))


if ui.has_data(ui.page_header("nav.ekspor", "ekspor.intro")):
    render()
