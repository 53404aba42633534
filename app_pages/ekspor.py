"""Ekspor Data: the aggregate tables as CSV, XLSX and Parquet.

The files are built by bansos/export.py, the same code as
`python -m bansos export`, from the shared filters. Each download button gets
a callable, so a file is built when it is clicked, never on a page run. The
family-level table stays on the command line until access control exists.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import export, fmt, i18n, ui
from bansos.indicators import BY_ID

SCOPES = ("tranche", "program", "all")
PREVIEW_ROWS = 100
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
FORMAT_LABELS = {"csv": "download.csv", "xlsx": "download.xlsx", "parquet": "download.parquet"}
CLI_EXAMPLE = (
    "python -m bansos export families --region 35.10 --format parquet --out keluarga_3510.parquet\n"
    "python -m bansos export quarantine --format csv --out karantina.csv"
)


def export_filters(f: ui.Filters, scope: str) -> export.ExportFilters:
    """The shared filters as export filters, widened to the chosen scope."""
    return export.ExportFilters(
        province=f.province,
        regions=list(f.regions),
        program=f.program if scope in ("tranche", "program") else None,
        year=f.year if scope == "tranche" else None,
        tranche=f.tranche if scope == "tranche" else None,
        snapshot=f.as_of,
        basis=f.basis,
    )


def _file_builder(table: str, filters: export.ExportFilters, file_format: str, lang: str, runner):
    # Runs on click, on another thread: everything it needs is captured here.
    def build() -> bytes:
        return export.render(export.collect(table, filters, runner), file_format, lang)

    return build


def _meta_builder(table: str, filters: export.ExportFilters, runner):
    def build() -> bytes:
        return export.meta_json_bytes(export.collect(table, filters, runner))

    return build


def _downloads(table: str, filters: export.ExportFilters, lang: str, runner) -> None:
    columns = st.columns(4)
    for column, file_format in zip(columns, export.FORMATS):
        with column:
            st.download_button(
                ui.tr(FORMAT_LABELS[file_format]),
                data=_file_builder(table, filters, file_format, lang, runner),
                file_name=export.file_name(table, filters, file_format),
                mime=MIME[file_format],
                on_click="ignore",
                key=f"ek_dl_{table}_{file_format}",
                icon=":material/download:",
                width="stretch",
            )
    with columns[3]:
        st.download_button(
            ui.tr("ekspor.meta"),
            data=_meta_builder(table, filters, runner),
            file_name=export.file_name(table, filters, "csv") + ".meta.json",
            mime="application/json",
            on_click="ignore",
            key=f"ek_dl_{table}_meta",
            help=ui.tr("ekspor.meta.help"),
            icon=":material/data_object:",
            width="stretch",
        )


PLAIN_NUMBERS = {"year", "tranche", "load_id", "line", "first_line"}


def _preview(frame: pd.DataFrame, table: export.ExportTable, lang: str) -> tuple[pd.DataFrame, dict]:
    """The first rows as people read them (UI number format, rates as %),
    headed by the column labels; each header's tooltip gives the machine
    name used in the CSV and the column's definition."""
    shown = pd.DataFrame(index=frame.index)
    config = {}
    for column in table.columns:
        values = frame[column.name]
        label = column.label_en if lang == "en" else column.label_id
        indicator = BY_ID.get(column.name)
        definition = indicator.description(lang) if indicator else column.definition
        help_text = f"`{column.name}` — {definition}"
        if column.kind == "bool":
            shown[column.name] = values.astype("boolean")
            config[column.name] = st.column_config.CheckboxColumn(label, help=help_text)
            continue
        if column.name in PLAIN_NUMBERS:
            shown[column.name] = ["" if pd.isna(v) else str(int(v)) for v in values]
        elif column.kind == "rate":
            shown[column.name] = [fmt.pct(v, lang) for v in values]
        elif column.kind == "rp":
            shown[column.name] = [fmt.rupiah(v, lang) for v in values]
        elif column.kind == "int":
            shown[column.name] = [fmt.number(v, lang) for v in values]
        elif column.kind == "date":
            shown[column.name] = ["" if pd.isna(v) else str(pd.Timestamp(v).date()) for v in values]
        else:
            shown[column.name] = ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in values]
        numeric = column.kind in ("rate", "rp", "int") or column.name in PLAIN_NUMBERS
        config[column.name] = st.column_config.TextColumn(label, help=help_text, alignment="right" if numeric else None)
    return shown, config


def _filters_used(f: ui.Filters, filters: export.ExportFilters, lang: str) -> None:
    regions = ui.q("options_regions")
    names = dict(zip(regions.region_code, regions.region_name)) if not regions.empty else {}
    provinces = dict(zip(regions.province_code, regions.province_name)) if not regions.empty else {}
    n = fmt.number(len(f.regions), lang)
    if f.chosen_regions:
        region_text = ui.tr("ekspor.filters.regions.chosen", n=n, names=", ".join(names.get(c, c) for c in f.chosen_regions))
    else:
        region_text = ui.tr("ekspor.filters.regions.all", n=n)
    period = (
        ui.period_label(filters.year, filters.tranche) if filters.year and filters.tranche else ui.tr("ekspor.filters.all_periods")
    )
    lines = [
        (ui.tr("ekspor.filters.province"), provinces.get(f.province, ui.tr("filter.province.all")) if f.province else ui.tr("filter.province.all")),
        (ui.tr("ekspor.filters.group"), ui.tr(f"filter.group.{f.group}")),
        (ui.tr("ekspor.filters.regions"), region_text),
        (ui.tr("ekspor.filters.program"), filters.program or ui.tr("ekspor.filters.all_programs")),
        (ui.tr("ekspor.filters.period"), period),
        (ui.tr("ekspor.filters.snapshot"), fmt.day(filters.snapshot, lang) if filters.snapshot else fmt.EMPTY),
        (ui.tr("ekspor.filters.basis"), ui.tr(f"filter.basis.{filters.basis}")),
    ]
    st.markdown("**" + ui.tr("ekspor.filters.heading") + "**\n\n" + "\n".join(f"- {name}: {value}" for name, value in lines))
    ui.show_rule(f)
    st.caption(ui.tr("ekspor.filters.change"))


def _region_indicators(f: ui.Filters, scope: str, lang: str, runner) -> None:
    st.subheader(ui.tr("ekspor.ri.heading"))
    st.caption(ui.tr("ekspor.ri.about"))
    filters = export_filters(f, scope)
    _filters_used(f, filters, lang)
    try:
        result = export.collect("region-indicators", filters, runner)
    except export.ExportRefused as error:
        st.error(ui.tr("ekspor.refused", reason=str(error)))
        return
    if result.frame.empty:
        ui.empty_state("ekspor.no_rows")
        return
    rows = len(result.frame)
    st.caption(ui.tr("ekspor.preview", shown=fmt.number(min(rows, PREVIEW_ROWS), lang), rows=fmt.number(rows, lang)))
    shown, config = _preview(result.frame.head(PREVIEW_ROWS), result.table, lang)
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config)
    _downloads("region-indicators", filters, lang, runner)
    st.caption(ui.tr("ekspor.formats"))


def _quality_tables(lang: str, runner) -> None:
    st.subheader(ui.tr("ekspor.other.heading"))
    st.caption(ui.tr("ekspor.other.about"))
    blank = export.ExportFilters()
    for name, table in export.TABLES.items():
        if not table.in_app or name == "region-indicators":
            continue
        try:
            rows = len(export.collect(name, blank, runner).frame)
        except export.ExportRefused as error:
            st.error(ui.tr("ekspor.refused", reason=str(error)))
            continue
        st.markdown(f"**{ui.tr(f'ekspor.table.{name}')}** · {ui.tr('ekspor.rows', rows=fmt.number(rows, lang))}")
        st.caption(ui.tr(f"ekspor.table.{name}.about"))
        _downloads(name, blank, lang, runner)


def main() -> None:
    meta = ui.page_header("nav.ekspor", "ekspor.intro")
    if not ui.has_data(meta):
        return
    f = ui.filters()
    lang = ui.lang()
    runner = ui.runner()

    def scope_label(code: str) -> str:
        return i18n.t(f"ekspor.scope.{code}", lang)

    scope = st.radio(
        ui.tr("ekspor.scope"), SCOPES, key="ek_scope", bind="query-params", horizontal=True,
        format_func=scope_label, help=ui.tr("ekspor.scope.help"),
    )
    if not f.regions:
        ui.empty_state("empty.no_regions")
    elif not f.has_period and scope != "all":
        ui.empty_state("empty.no_allocations")
    else:
        _region_indicators(f, scope or "tranche", lang, runner)
    st.divider()
    _quality_tables(lang, runner)
    st.divider()
    st.subheader(ui.tr("ekspor.families.heading"))
    st.markdown(ui.tr("ekspor.families"))
    st.code(CLI_EXAMPLE, language="bash")


main()
