"""Exports (docs/cli.md, "Exporting"): one code path for `python -m bansos export` and the
app's download buttons.

Every export carries its provenance: the filters, the register snapshot,
the eligibility basis and thresholds, the data version, the export time and
the definition of every column — in a sidecar `OUT.meta.json` for CSV and
Parquet (and in the Parquet file's metadata), in a second sheet for XLSX.
"""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass, field
from datetime import datetime, UTC
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bansos import settings
from bansos.indicators import BY_ID, with_days
from bansos.queries import NoWarehouse, QueryError, QueryRunner

FORMATS = ("csv", "xlsx", "parquet")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row
PARQUET_META_KEY = b"bansos_provenance"


class ExportRefused(Exception):
    pass


@dataclass(frozen=True)
class ColumnDef:
    name: str
    label_id: str
    label_en: str
    kind: str  # text, int, rate, num (a decimal that is not a fraction, e.g. per 1,000), rp, bool, date
    template: str  # the definition, `{days}` left for the setting in use when the file is written

    @property
    def definition(self) -> str:
        return with_days(self.template)


def _col(name, label_id, label_en, kind, definition=None) -> ColumnDef:
    if definition is None:
        definition = BY_ID[name].description_en
    return ColumnDef(name, label_id, label_en, kind, definition)


COMMON_REGION = (
    _col("region_code", "Kode wilayah", "Region code", "text", "Kemendagri code of the kabupaten/kota (PP.KK)."),
    _col("region_name", "Nama wilayah", "Region name", "text", "Name of the kabupaten/kota."),
    _col("province_code", "Kode provinsi", "Province code", "text", "Kemendagri province code (PP)."),
)

REGION_INDICATOR_COLUMNS = (
    *COMMON_REGION,
    _col("province_name", "Nama provinsi", "Province name", "text", "Name of the province."),
    _col("is_pilot", "Wilayah pilot", "Pilot region", "bool", "True for every region on the pilot list, whatever its status."),
    _col("pilot_status", "Status pilot", "Pilot status", "text", "confirmed, reported or uncertain (pilot list); empty for non-pilots."),
    _col("program", "Program", "Programme", "text", "Programme code (canonical: SEMBAKO for BPNT)."),
    _col("year", "Tahun", "Year", "int", "Year of the tranche."),
    _col("tranche", "Tahap", "Tranche", "int", "Tranche (tahap) 1-4."),
    _col("as_of", "Tanggal snapshot", "Snapshot date", "date", "The register date chosen: each region uses its latest snapshot on or before it."),
    _col("register_snapshot", "Snapshot register wilayah", "Region's register snapshot", "date", "The region's register snapshot in use; empty = no register, so register-based indicators are empty."),
    _col("eligible_families", "Keluarga layak", "Eligible families", "int"),
    _col("eligible_covered", "Keluarga layak yang menerima", "Eligible families receiving", "int"),
    _col("recipients", "Penerima (KPM)", "Recipients (KPM)", "int"),
    _col("eligible_recipients", "Penerima yang layak", "Eligible recipients", "int"),
    _col("not_in_register", "Penerima di luar register", "Recipients not in the register", "int"),
    _col("coverage", "Cakupan", "Coverage", "rate"),
    _col("exclusion_error", "Exclusion error", "Exclusion error", "rate"),
    _col("inclusion_error", "Inclusion error", "Inclusion error", "rate"),
    _col("allocated_amount", "Nilai dialokasikan (Rp)", "Amount allocated (Rp)", "rp"),
    _col("disbursed_amount", "Nilai tersalur (Rp)", "Amount paid (Rp)", "rp"),
    _col("disbursement_rate", "Realisasi penyaluran (nilai)", "Disbursement rate (amount)", "rate"),
    _col("paid_families", "Keluarga dibayar", "Families paid", "int", "Families allocated whose payment status is tersalur."),
    _col("disbursement_rate_families", "Realisasi penyaluran (keluarga)", "Disbursement rate (families)", "rate"),
    _col("timely_families", "Keluarga dibayar tepat waktu", "Families paid on time", "int", "Families paid within {days} days of the tranche start (setting BANSOS_TIMELY_DAYS)."),
    _col("timeliness", "Ketepatan waktu", "Timeliness", "rate"),
    _col("coverage_small", "Cakupan < 30 keluarga", "Coverage on < 30 families", "bool", "True when the coverage denominator is below the small-number threshold (BANSOS_MIN_FAMILIES): the rate is unstable."),
    _col("inclusion_small", "Penerima < 30 keluarga", "Recipients < 30 families", "bool", "True when the inclusion-error denominator is below the small-number threshold."),
)

LOADS_COLUMNS = (
    _col("load_id", "No. muat", "Load id", "int", "Sequence number of the load."),
    _col("file_name", "Nama file", "File name", "text", "Name of the extract file loaded."),
    _col("kind", "Jenis", "Kind", "text", "keluarga (register) or penyaluran (allocation)."),
    _col("loaded_at", "Waktu muat (UTC)", "Loaded at (UTC)", "text", "When the file was loaded."),
    _col("as_of", "Tanggal data yang diisi", "Data date given", "date",
         "The data date given when the file was loaded (the upload form's date or --as-of), if any."),
    _col("extract_date", "Tanggal data", "Data date", "date",
         "The date the file's data describes: the date given when loading, else its tanggal_data, else the load date."),
    _col("replace_mode", "--replace", "--replace", "bool", "Loaded as a corrected re-issue."),
    _col("rows_read", "Baris dibaca", "Rows read", "int", "Data rows read from the file (blank lines are not rows)."),
    _col("rows_loaded", "Baris dimuat", "Rows loaded", "int", "Rows that passed every rule."),
    _col("rows_quarantined", "Baris karantina", "Rows quarantined", "int", "Rows that broke a rule; rows read = loaded + quarantined."),
    _col("rows_superseded", "Baris lebih lama", "Rows superseded", "int", "Valid rows older than the stored row of the same key (not applied)."),
    _col("rows_removed", "Baris dihapus", "Rows removed", "int", "Stored rows a --replace re-issue no longer contained."),
    _col("message", "Pesan", "Message", "text", "Outcome of the load."),
    _col("warnings", "Peringatan", "Warnings", "text", "Warnings, e.g. a Windows-1252 file."),
    _col("content_hash", "Hash isi", "Content hash", "text", "SHA-256 over the file's bytes and the options that change its meaning."),
)

QUARANTINE_COLUMNS = (
    _col("load_id", "No. muat", "Load id", "int", "The load that read the row."),
    _col("file_name", "Nama file", "File name", "text", "The extract file."),
    _col("line", "Baris", "Line", "int", "CSV physical line (header = 1), XLSX sheet row, Parquet 1-based row."),
    _col("reasons", "Alasan", "Reasons", "text", "Reason codes, one per broken rule, separated by ';'."),
    _col("row_values", "Isi baris", "Row values", "text", "The row as given (JSON), identifiers masked."),
    _col("no_kk_masked", "No KK (disamarkan)", "KK number (masked)", "text", "First 6 and last 4 digits only."),
    _col("no_kk_key", "Kunci KK", "KK key", "text", "Keyed hash of the KK number (pseudonym)."),
    _col("nik_masked", "NIK (disamarkan)", "NIK (masked)", "text", "First 6 and last 4 digits only."),
    _col("nik_key", "Kunci NIK", "NIK key", "text", "Keyed hash of the NIK (pseudonym)."),
)

QUARANTINE_SUMMARY_COLUMNS = (
    _col("load_id", "No. muat", "Load id", "int", "The load that read the rows."),
    _col("file_name", "Nama file", "File name", "text", "The extract file."),
    _col("reason", "Alasan", "Reason", "text", "Reason code."),
    _col("rows", "Jumlah baris", "Rows", "int", "Quarantined rows with this reason (a row may have several)."),
    _col("first_line", "Baris pertama", "First line", "int", "First line or row in the file with this reason."),
)

FAMILY_COLUMNS = (
    _col("family_key", "Kunci keluarga", "Family key", "text", "Keyed hash of the KK number (pseudonym; never the KK itself)."),
    _col("region_code", "Kode wilayah", "Region code", "text", "Kab/kota code of the register row."),
    _col("kecamatan_code", "Kode kecamatan", "Kecamatan code", "text", "Kecamatan code when the source code was that precise."),
    _col("wilayah_code", "Kode wilayah asal", "Source region code", "text", "Region code as given (desa/kelurahan where available)."),
    _col("snapshot_date", "Tanggal snapshot", "Snapshot date", "date", "Snapshot (tanggal_data) of the register row."),
    _col("desil", "Desil", "Decile", "int", "DTSEN welfare decile 1-10; empty = not ranked."),
    _col("members", "Jumlah anggota", "Members", "int", "Family members."),
    _col("channel", "Kanal registrasi", "Registration channel", "text", "mandiri, agen, musdes, dinsos or dtsen."),
    _col("registration_date", "Tanggal registrasi", "Registration date", "date", "Date of registration."),
    _col("decision", "Status kelayakan", "Decision", "text", "layak, tidak_layak or empty (undecided)."),
    _col("appeal", "Sanggah", "Appeal", "text", "tidak, diajukan, diterima (upheld) or ditolak."),
    _col("head_key", "Kunci NIK kepala", "Head NIK key", "text", "Keyed hash of the family head's NIK (pseudonym)."),
)


SIGNAL_COLUMNS = (
    *COMMON_REGION,
    _col("province_name", "Nama provinsi", "Province name", "text", "Name of the province."),
    _col("is_pilot", "Wilayah pilot", "Pilot region", "bool", "True for every region on the pilot list, whatever its status."),
    _col("program", "Program", "Programme", "text", "Programme code (canonical: SEMBAKO for BPNT)."),
    _col("year", "Tahun", "Year", "int", "Year of the tranche."),
    _col("tranche", "Tahap", "Tranche", "int", "Tranche (tahap) 1-4."),
    _col("as_of", "Tanggal snapshot", "Snapshot date", "date",
         "The register date chosen (paid_not_registered and the concentration companion depend on it)."),
    _col("signal", "Sinyal", "Signal", "text",
         "double_allocation, paid_not_registered, paid_off_window, amount_mismatch or concentration "
         "(definitions: bansos/signals.py, docs/signals.md)."),
    _col("count", "Jumlah keluarga", "Families", "int",
         "Families with the signal in the region (allocated there; counted in every region where allocated). "
         "Empty for paid_not_registered where the region has no register at the snapshot date."),
    _col("recipients", "Penerima (KPM)", "Recipients (KPM)", "int", BY_ID["recipients"].description_en),
    _col("per_1000", "Per 1.000 penerima", "Per 1,000 recipients", "num",
         "count / recipients × 1,000; empty when there are no recipients."),
    _col("eligible_without_any", "Keluarga layak tanpa program", "Eligible families holding none", "int",
         "concentration rows only: families of the region's register eligible for the programme (chosen basis) "
         "holding no programme at all in the tranche."),
    _col("small", "Penerima < 30 keluarga", "Recipients < 30 families", "bool",
         "True when the recipients are fewer than the small-number threshold (BANSOS_MIN_FAMILIES): the rate is unstable."),
)

SIGNAL_FAMILY_COLUMNS = (
    _col("signal", "Sinyal", "Signal", "text", "The signal (bansos/signals.py, docs/signals.md)."),
    *COMMON_REGION,
    _col("program", "Program", "Programme", "text", "Programme code."),
    _col("year", "Tahun", "Year", "int", "Year of the tranche."),
    _col("tranche", "Tahap", "Tranche", "int", "Tranche (tahap) 1-4."),
    _col("as_of", "Tanggal snapshot", "Snapshot date", "date", "The register date, for paid_not_registered; empty for the others."),
    _col("family_key", "Kunci keluarga", "Family key", "text", "Keyed hash of the KK number (pseudonym; never the KK itself)."),
)


@dataclass(frozen=True)
class ExportTable:
    name: str
    query: str
    columns: tuple[ColumnDef, ...]
    params: tuple[str, ...]
    description: str
    # (query, column) that counts the export's rows without building it
    # (`row_count`): for a table too large to build only to say how many rows
    # it has, or counted by a query the page runs anyway; None: build it.
    count: tuple[str, str] | None = None


TABLES = {
    "region-indicators": ExportTable(
        "region-indicators", "region_indicators", REGION_INDICATOR_COLUMNS,
        ("as_of", "basis", "program", "year", "tranche", "province", "regions"),
        "One row per region × programme × year × tranche.",
    ),
    "loads": ExportTable("loads", "loads", LOADS_COLUMNS, (), "The load ledger.",
                         count=("kualitas_totals", "files")),
    "quarantine-summary": ExportTable(
        "quarantine-summary", "quarantine_by_reason", QUARANTINE_SUMMARY_COLUMNS, (), "Quarantined rows by file and reason.",
    ),
    "quarantine": ExportTable("quarantine", "quarantine_export", QUARANTINE_COLUMNS, (), "Quarantined rows, identifiers masked.",
                              count=("kualitas_totals", "quarantined_rows")),
    "families": ExportTable(
        "families", "families", FAMILY_COLUMNS, ("as_of", "province", "regions"),
        "Family-level register rows, pseudonymised ids only.",
    ),
    "signals": ExportTable(
        "signals", "signals_by_region", SIGNAL_COLUMNS,
        # Offered on the Akuntabilitas page with the view's filters (not in Ekspor's list of whole tables).
        ("as_of", "basis", "program", "year", "tranche", "province", "regions"),
        "Leakage signals: one row per region × programme × year × tranche × signal, the count of families, "
        "the recipients and the rate per 1,000 recipients.",
    ),
    "signal-families": ExportTable(
        "signal-families", "signal_families", SIGNAL_FAMILY_COLUMNS,
        ("as_of", "signal", "program", "year", "tranche", "province", "regions"),
        "The families behind each leakage signal, pseudonymised keys only (analysts, and local mode).",
    ),
}

# Every column an export table defines, by name (the first definition): the
# labels and definitions a page's table or chart data reuses for the same column.
def _known_columns() -> dict[str, ColumnDef]:
    known: dict[str, ColumnDef] = {}
    for table in TABLES.values():
        for column in table.columns:
            known.setdefault(column.name, column)
    return known


KNOWN_COLUMNS = _known_columns()


@dataclass
class ExportFilters:
    province: str | None = None
    regions: list[str] = field(default_factory=list)
    program: str | None = None
    year: int | None = None
    tranche: int | None = None
    snapshot: str | None = None
    basis: str = "desil"

    def query_params(self, names: tuple[str, ...]) -> dict:
        values = {
            "as_of": self.snapshot,
            "basis": self.basis,
            "program": self.program.upper() if self.program else None,
            "year": self.year,
            "tranche": self.tranche,
            "province": self.province,
            "regions": list(self.regions) or None,
            "signal": None,  # an export of the signal families carries every signal
        }
        return {name: values[name] for name in names}


@dataclass
class Export:
    table: ExportTable
    frame: pd.DataFrame
    provenance: dict


def planned_query(table_name: str, filters: ExportFilters, counting: bool = False) -> tuple[str, dict]:
    """The query (name, parameters) `collect` runs for the table, or with
    `counting` the one `row_count` runs: a page can ask it together with its
    other queries, and `collect`/`row_count` then find it in the runner's cache."""
    table = TABLES[table_name]
    if counting and table.count is not None and not table.params:
        return table.count[0], {}
    return table.query, filters.query_params(table.params)


def collect(table_name: str, filters: ExportFilters, runner: QueryRunner) -> Export:
    """Run the table's query with the filters and gather its provenance."""
    if table_name not in TABLES:
        raise ExportRefused(f"unknown table {table_name!r}; choose one of: {', '.join(TABLES)}")
    table = TABLES[table_name]
    query, params = planned_query(table_name, filters)
    try:
        raw = runner.run(query, **params)
    except NoWarehouse as error:
        raise ExportRefused(str(error)) from error
    except QueryError as error:
        raise ExportRefused(str(error)) from error
    _refuse_over_limit(len(raw), "; narrow the filters (--province, --region, --program, --year, --tranche)")
    frame = raw[[c.name for c in table.columns]].copy()
    return Export(table, frame, _provenance(table, filters, runner, frame))


def row_count(table_name: str, filters: ExportFilters, runner: QueryRunner) -> int:
    """How many rows `collect` would give, refused as it would be (over the
    export limit, no warehouse), without building the export where the
    table says how to count it (the quarantine: a few ms instead of a few
    hundred at scale 4)."""
    table = TABLES[table_name]
    if table.count is None or table.params:
        return len(collect(table_name, filters, runner).frame)
    query, params = planned_query(table_name, filters, counting=True)
    try:
        rows = int(runner.run(query, **params).iloc[0][table.count[1]])
    except QueryError as error:  # NoWarehouse included
        raise ExportRefused(str(error)) from error
    _refuse_over_limit(rows)
    return rows


def _refuse_over_limit(rows: int, advice: str = "") -> None:
    limit = settings.get_int("export_max_rows")
    if rows > limit:
        raise ExportRefused(f"{rows:,} rows is more than the export limit of {limit:,} (setting BANSOS_EXPORT_MAX_ROWS){advice}")


def _provenance(table: ExportTable, filters: ExportFilters, runner: QueryRunner, frame: pd.DataFrame) -> dict:
    meta = runner.run("warehouse_meta").iloc[0].to_dict()
    programs = runner.run("programs")
    snapshots = runner.run("options_snapshots")
    latest = snapshots.as_of.dropna().max() if not snapshots.empty else None
    snapshot_used = filters.snapshot or (str(pd.Timestamp(latest).date()) if latest is not None and not pd.isna(latest) else None)
    return {
        "table": table.name,
        "description": table.description,
        "rows": len(frame),
        "filters": {
            "province": filters.province, "regions": list(filters.regions), "program": filters.program,
            "year": filters.year, "tranche": filters.tranche, "snapshot": filters.snapshot, "basis": filters.basis,
        },
        "snapshot_used": snapshot_used if "as_of" in table.params else None,
        "basis": filters.basis if "basis" in table.params else None,
        "thresholds": {row.code: (None if pd.isna(row.max_desil) else int(row.max_desil)) for row in programs.itertuples()},
        "settings": {"timely_days": settings.get_int("timely_days"), "min_families": settings.get_int("min_families")},
        "data_version": {
            "warehouse": runner.db_path.name,
            "version": runner.version(),
            "is_demo": bool(meta["is_demo"]),
            # stored in UTC without a zone: written with it, as exported_at is
            "last_load_at": None if pd.isna(meta["last_load_at"]) else
            pd.Timestamp(meta["last_load_at"]).tz_localize("UTC").isoformat(timespec="seconds"),
            "loads": int(meta["loads"]),
        },
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "columns": [
            {"name": c.name, "label_id": c.label_id, "label_en": c.label_en, "type": c.kind, "definition": c.definition}
            for c in table.columns
        ],
        "notes": "Rates are fractions 0-1; an empty rate has a denominator of 0 or unknown. Identifiers are pseudonymised.",
    }


def _kind(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        values = series.dropna()
        return "int" if len(values) and (values == values.round()).all() and values.abs().max() >= 1 else "rate"
    return "text"


def frame_export(name: str, frame: pd.DataFrame, description: str, filters: dict | None = None,
                 kinds: dict[str, str] | None = None, labels: dict[str, str] | None = None) -> Export:
    """A table the app shows (a chart's data, a page's table) as an export:
    column kinds as given in `kinds`, else from the values (whole numbers,
    decimals, yes/no, dates, text); labels as given in `labels` (a table's
    headers as shown, in one language), else as the export tables define the
    column (KNOWN_COLUMNS), else from the indicator records, else the
    column's name."""
    columns = []
    for column in frame.columns:
        record, known = BY_ID.get(column), KNOWN_COLUMNS.get(column)
        kind = (kinds or {}).get(column) or _kind(frame[column])
        label_id, label_en = ((known.label_id, known.label_en) if known else
                              (record.label_id, record.label_en) if record else (column, column))
        if labels and labels.get(column):
            label_id = label_en = labels[column]
        definition = known.definition if known else record.description_en if record else ""
        columns.append(ColumnDef(column, label_id, label_en, kind, definition))
    table = ExportTable(name, "", tuple(columns), (), description)
    provenance = {
        "table": name, "description": description, "rows": len(frame), "filters": filters or {},
        "snapshot_used": None, "basis": None, "thresholds": {}, "data_version": {},
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "columns": [{"name": c.name, "label_id": c.label_id, "label_en": c.label_en, "type": c.kind, "definition": c.definition}
                    for c in columns],
        "notes": "Rates are fractions 0-1. Made from a table or chart shown in the app, with the filters above.",
    }
    return Export(table, frame.reset_index(drop=True), provenance)


# -- writers ---------------------------------------------------------------------


def _text_frame(export: Export) -> pd.DataFrame:
    """Values as CSV text: codes as given, booleans true/false, dates ISO,
    integers without decimals, empty for missing."""
    out = pd.DataFrame(index=export.frame.index)
    for column in export.table.columns:
        series = export.frame[column.name]
        if column.kind == "bool":
            out[column.name] = series.map(lambda v: "" if pd.isna(v) else ("true" if v else "false"))
        elif column.kind in ("int", "rp"):
            out[column.name] = series.map(lambda v: "" if pd.isna(v) else str(int(v)))
        elif column.kind in ("rate", "num"):
            out[column.name] = series.map(lambda v: "" if pd.isna(v) else repr(float(v)))
        elif column.kind == "date":
            out[column.name] = series.map(lambda v: "" if pd.isna(v) else str(pd.Timestamp(v).date()))
        else:
            out[column.name] = series.map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))
    return out


def to_csv_bytes(export: Export) -> bytes:
    """The standard CSV: UTF-8 with a BOM, comma separated, one header row of
    machine names, values as _text_frame writes them. Written by DuckDB's
    COPY (about ten times faster than formatting each value in Python on a
    million rows), which gives the same bytes; a frame DuckDB cannot type
    column by column (mixed Python objects in a column) takes the pandas path."""
    if len(export.frame) >= COPY_FROM_ROWS and _copyable(export):
        return "\ufeff".encode() + _copy_csv(export)
    text = _text_frame(export).to_csv(index=False, lineterminator="\n")
    return ("\ufeff" + text).encode("utf-8")


# Below this many rows formatting in pandas is as quick as starting a DuckDB connection.
COPY_FROM_ROWS = 1000
# What pandas infers for the values each kind may hold (None and NaN skipped).
_COPYABLE = {
    "bool": {"boolean", "empty"},
    "int": {"integer", "floating", "mixed-integer-float", "decimal", "empty"},
    "rp": {"integer", "floating", "mixed-integer-float", "decimal", "empty"},
    "rate": {"integer", "floating", "mixed-integer-float", "decimal", "empty"},
    "num": {"integer", "floating", "mixed-integer-float", "decimal", "empty"},
    "date": {"date", "datetime", "datetime64", "string", "empty"},
    "text": {"string", "empty"},
}


def _copyable(export: Export) -> bool:
    """Whether DuckDB's COPY writes this export as the pandas writer would:
    every column holds what its kind expects, and no text holds a lone
    carriage return (COPY quotes such a field, the pandas writer does not)."""
    for column in export.table.columns:
        values = export.frame[column.name]
        if pd.api.types.infer_dtype(values, skipna=True) not in _COPYABLE.get(column.kind, ()):
            return False
        if column.kind == "text" and values.str.replace("\r\n", "", regex=False).str.contains("\r", regex=False).any():
            return False
    return True


def _as_text_sql(name: str, kind: str) -> str:
    """One column as _text_frame writes it, in SQL (NULL is written empty)."""
    column = '"' + name.replace('"', '""') + '"'
    if kind == "bool":
        sql = f"CASE WHEN {column} THEN 'true' WHEN NOT {column} THEN 'false' END"
    elif kind in ("int", "rp"):
        sql = f"CAST(CAST(trunc({column}) AS BIGINT) AS VARCHAR)"
    elif kind in ("rate", "num"):
        sql = f"CAST(CAST({column} AS DOUBLE) AS VARCHAR)"  # shortest round-trip text, as Python's repr
    elif kind == "date":
        sql = f"strftime(CAST({column} AS DATE), '%Y-%m-%d')"
    else:
        sql = f"NULLIF(CAST({column} AS VARCHAR), '')"  # an empty text is written empty, not as ""
    return f"{sql} AS {column}"


def _copy_csv(export: Export) -> bytes:
    import tempfile

    import duckdb

    from bansos.warehouse import temp_root

    columns = ", ".join(_as_text_sql(c.name, c.kind) for c in export.table.columns)
    frame = export.frame[[c.name for c in export.table.columns]]
    # A private folder (0700), removed at once: the file holds what is exported, pseudonyms included.
    with tempfile.TemporaryDirectory(prefix="bansos-export-", dir=temp_root()) as folder:
        target = Path(folder) / "export.csv"
        con = duckdb.connect()
        try:
            con.register("export_frame", frame)
            path = str(target).replace("'", "''")
            con.execute(f"COPY (SELECT {columns} FROM export_frame) TO '{path}' (FORMAT csv, HEADER true)")
        finally:
            con.close()
        return target.read_bytes()


def meta_json_bytes(export: Export) -> bytes:
    return (json.dumps(export.provenance, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")


def to_parquet_bytes(export: Export) -> bytes:
    arrays = {}
    for column in export.table.columns:
        series = export.frame[column.name]
        if column.kind in ("int", "rp"):
            arrays[column.name] = pa.array([None if pd.isna(v) else int(v) for v in series], pa.int64())
        elif column.kind in ("rate", "num"):
            arrays[column.name] = pa.array([None if pd.isna(v) else float(v) for v in series], pa.float64())
        elif column.kind == "bool":
            arrays[column.name] = pa.array([None if pd.isna(v) else bool(v) for v in series], pa.bool_())
        elif column.kind == "date":
            arrays[column.name] = pa.array([None if pd.isna(v) else pd.Timestamp(v).date() for v in series], pa.date32())
        else:
            arrays[column.name] = pa.array([None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in series], pa.string())
    table = pa.table(arrays)
    table = table.replace_schema_metadata({PARQUET_META_KEY: meta_json_bytes(export)})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def to_xlsx_bytes(export: Export, lang: str = "id") -> bytes:
    import xlsxwriter

    if len(export.frame) > XLSX_MAX_ROWS:
        raise ExportRefused(f"{len(export.frame):,} rows do not fit in one Excel sheet ({XLSX_MAX_ROWS:,}); use csv or parquet")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#E8EEF4", "border": 1})
    formats = {
        "rate": book.add_format({"num_format": "0.0%"}),
        "num": book.add_format({"num_format": "#,##0.0"}),
        "rp": book.add_format({"num_format": "#,##0"}),
        "int": book.add_format({"num_format": "#,##0"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "text": book.add_format({"num_format": "@"}),
        "bool": None,
    }
    data = book.add_worksheet("Data")  # the same word in both languages
    for col, column in enumerate(export.table.columns):
        label = column.label_en if lang == "en" else column.label_id
        data.write_string(0, col, label, bold)
        data.set_column(col, col, max(10, min(40, len(label) + 2)), formats[column.kind])
        for row, value in enumerate(export.frame[column.name].tolist(), start=1):
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            if column.kind in ("int", "rp"):
                data.write_number(row, col, int(value), formats[column.kind])
            elif column.kind in ("rate", "num"):
                data.write_number(row, col, float(value), formats[column.kind])
            elif column.kind == "bool":
                data.write_boolean(row, col, bool(value))
            elif column.kind == "date":
                data.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), formats["date"])
            else:
                data.write_string(row, col, str(value), formats["text"])
    data.freeze_panes(1, 0)
    if len(export.frame):
        data.autofilter(0, 0, len(export.frame), len(export.table.columns) - 1)
    about = book.add_worksheet("Keterangan" if lang != "en" else "About")
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    about.set_column(0, 0, 28)
    about.set_column(1, 1, 30)
    about.set_column(2, 2, 30)
    about.set_column(3, 3, 10)
    about.set_column(4, 4, 80, wrap)
    provenance = export.provenance
    rows = [
        ("table", provenance["table"]),
        ("description", provenance["description"]),
        ("rows", str(provenance["rows"])),
        ("filters", json.dumps(provenance["filters"], ensure_ascii=False)),
        ("snapshot_used", str(provenance["snapshot_used"] or "")),
        ("basis", str(provenance["basis"] or "")),
        ("thresholds (max desil)", json.dumps(provenance["thresholds"])),
        ("data_version", json.dumps(provenance["data_version"], ensure_ascii=False)),
        ("exported_at", provenance["exported_at"]),
        ("notes", provenance["notes"]),
    ]
    for row, (key, value) in enumerate(rows):
        about.write_string(row, 0, key, bold)
        about.write_string(row, 1, value)
    start = len(rows) + 1
    for col, head in enumerate(("column (machine name)", "label (Bahasa Indonesia)", "label (English)", "type", "definition")):
        about.write_string(start, col, head, bold)
    for offset, column in enumerate(export.table.columns, start=start + 1):
        about.write_string(offset, 0, column.name)
        about.write_string(offset, 1, column.label_id)
        about.write_string(offset, 2, column.label_en)
        about.write_string(offset, 3, column.kind)
        about.write_string(offset, 4, column.definition, wrap)
    book.close()
    return buffer.getvalue()


def render(export: Export, file_format: str, lang: str = "id") -> bytes:
    if file_format == "csv":
        return to_csv_bytes(export)
    if file_format == "parquet":
        return to_parquet_bytes(export)
    if file_format == "xlsx":
        return to_xlsx_bytes(export, lang)
    raise ExportRefused(f"unknown format {file_format!r}")


def file_name(table_name: str, filters: ExportFilters, file_format: str) -> str:
    parts = [table_name]
    if filters.program:
        parts.append(filters.program.upper())
    if filters.year:
        parts.append(f"{filters.year}" + (f"-T{filters.tranche}" if filters.tranche else ""))
    if filters.province:
        parts.append(f"prov{filters.province}")
    return "_".join(parts) + f".{file_format}"


# -- command line ---------------------------------------------------------------


# Which right each table needs, in the app and when acting for a person (`--as`).
TABLE_RIGHTS = {
    "region-indicators": "aggregate_export",
    "loads": "quality_summary",
    "quarantine-summary": "quality_summary",
    "quarantine": "quality_full",
    "families": "family_export",
    "signals": "aggregate_export",
    "signal-families": "family_export",
}
AUDIT_TABLE = "audit"   # command line only: never offered by the app

AUDIT_COLUMNS = (
    _col("seq", "No. urut", "Sequence", "int", "Record number in the audit log (1, 2, 3, ...)."),
    _col("at", "Waktu (UTC)", "Time (UTC)", "text", "When the event was recorded."),
    _col("event", "Peristiwa", "Event", "text", "login, logout, denied, export, download, brief, load, access_file or audit_export."),
    _col("via", "Lewat", "Via", "text", "app or cli."),
    _col("runner", "Pengguna sistem", "System user", "text", "Operating-system user who ran a command."),
    _col("actor_email", "Email pengguna", "User e-mail", "text", "The person logged in, or acted for with --as."),
    _col("actor_roles", "Peran", "Roles", "text", "Their roles, separated by ';'."),
    _col("actor_scope", "Cakupan wilayah", "Region scope", "text", "'all' or the kab/kota codes of their scope, separated by ';'."),
    _col("table", "Tabel", "Table", "text", "Table exported or downloaded."),
    _col("filters", "Filter", "Filters", "text", "Filters of the export (JSON)."),
    _col("rows", "Baris", "Rows", "int", "Rows exported, or rows loaded."),
    _col("format", "Format", "Format", "text", "csv, xlsx or parquet."),
    _col("sha256", "SHA-256", "SHA-256", "text", "SHA-256 of the bytes handed out."),
    _col("details", "Rincian", "Details", "text", "Every other field of the record (JSON)."),
    _col("mac", "Hash berkunci", "Keyed hash", "text", "HMAC-SHA-256 over the previous record's hash and this record."),
)


def _audit_frame(records: list[dict]) -> pd.DataFrame:
    rows = []
    shown = {"seq", "at", "event", "via", "runner", "actor", "table", "filters", "rows", "format", "sha256", "mac"}
    for r in records:
        actor = r.get("actor") or {}
        scope = actor.get("scope")
        rows.append({
            "seq": r.get("seq"), "at": r.get("at"), "event": r.get("event"), "via": r.get("via"), "runner": r.get("runner"),
            "actor_email": actor.get("email"), "actor_roles": ";".join(actor.get("roles") or []),
            "actor_scope": scope if isinstance(scope, str) or scope is None else ";".join(scope),
            "table": r.get("table"),
            "filters": json.dumps(r["filters"], ensure_ascii=False, sort_keys=True) if r.get("filters") is not None else None,
            "rows": r.get("rows"), "format": r.get("format"), "sha256": r.get("sha256"),
            "details": json.dumps({k: v for k, v in r.items() if k not in shown}, ensure_ascii=False, sort_keys=True),
            "mac": r.get("mac"),
        })
    return pd.DataFrame(rows, columns=[c.name for c in AUDIT_COLUMNS])


def collect_audit(db: Path) -> Export:
    """The audit log as an export (one row per record), for the data-protection officer."""
    from bansos import audit

    verdict = audit.verify(db)
    frame = _audit_frame(audit.read(db))
    table = ExportTable(AUDIT_TABLE, "", AUDIT_COLUMNS, (), "The audit log, one row per record (command line only).")
    provenance = {
        "table": AUDIT_TABLE, "description": table.description, "rows": len(frame), "filters": {},
        "snapshot_used": None, "basis": None, "thresholds": {},
        "data_version": {"audit_log": audit.log_path(db).name, "verified": verdict.ok, "verify": verdict.message},
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "columns": [
            {"name": c.name, "label_id": c.label_id, "label_en": c.label_en, "type": c.kind, "definition": c.definition}
            for c in AUDIT_COLUMNS
        ],
        "notes": "Every run of 16 or more digits was masked before it entered the log.",
    }
    return Export(table, frame, provenance)


def acting_for(email: str, table_name: str, filters: ExportFilters):
    """`--as EMAIL`: the person's access for this table, or ExportRefused.
    Returns (access, right)."""
    return acting_for_right(email, TABLE_RIGHTS[table_name], table_name, filters)


def acting_for_right(email: str, right: str, what: str, filters: ExportFilters):
    """`--as EMAIL` for anything that needs `right` (an export, a brief):
    the person's access, or ExportRefused. Returns (access, right)."""
    from bansos import access as access_mod

    config = access_mod.AccessFile(access_mod.access_path()).get()
    person = access_mod.resolve(config, access_mod.cli_identity(email, config))
    if person.mode != "granted":
        raise ExportRefused(
            f"{email} has no e-mail or domain grant in {config.path} (group grants cannot be resolved without a login token)"
        )
    if not person.can(right):
        roles = ", ".join(sorted(person.roles))
        raise ExportRefused(f"{email} ({roles}) may not export {what}: it needs the right {right!r}, which their roles do not give")
    reach = person.rights[right].regions
    if reach is not None:
        if filters.province:
            _, by_province = access_mod.reference_regions()
            if not (by_province.get(filters.province, frozenset()) & reach):
                raise ExportRefused(f"province {filters.province} is outside the access of {email}")
        outside = sorted(set(filters.regions) - reach)
        if outside:
            raise ExportRefused(f"region(s) {', '.join(outside)} outside the access of {email}")
    return person, right


def export_filter_dict(filters: ExportFilters) -> dict:
    return {
        "province": filters.province, "regions": list(filters.regions), "program": filters.program,
        "year": filters.year, "tranche": filters.tranche, "snapshot": filters.snapshot, "basis": filters.basis,
    }


def run_export_command(args) -> int:
    from bansos import audit
    from bansos.access import AccessFileError

    if args.table == "lake":
        return run_lake_export(args)
    if args.table not in TABLES and args.table != AUDIT_TABLE:
        print(f"export refused: unknown table {args.table!r}; choose one of: {', '.join([*TABLES, AUDIT_TABLE, 'lake'])}", file=sys.stderr)
        return 1
    if args.format in ("xlsx", "parquet") and not args.out:
        print(f"usage error: --out is required for --format {args.format}", file=sys.stderr)
        return 2
    filters = ExportFilters(
        province=args.province, regions=list(args.region), program=args.program, year=args.year,
        tranche=args.tranche, snapshot=args.snapshot, basis=args.basis,
    )
    db = settings.db_path(args.db)
    as_email = getattr(args, "as_email", None)
    person, scope = None, None
    try:
        if as_email:
            if args.table == AUDIT_TABLE:
                raise ExportRefused("the audit log is exported by the server's operator only, never for a person (--as)")
            print(f"note: acting for {as_email}: only e-mail and domain grants apply (group grants need a login token)", file=sys.stderr)
            try:
                person, right = acting_for(as_email, args.table, filters)
            except ExportRefused as error:
                audit.record(db, "denied", via="cli", runner=audit.runner_name(), as_email=as_email, table=args.table,
                             filters=export_filter_dict(filters), reason=str(error))
                raise
            scope = person.scope(right)
        if args.table == AUDIT_TABLE:
            export = collect_audit(db)
        else:
            runner = QueryRunner(db, scope=scope, cache=False)
            try:
                export = collect(args.table, filters, runner)
            finally:
                runner.close()
        payload = render(export, args.format)
        # Logged before anything is handed out: an export that cannot be logged is refused.
        audit.record_export(
            db, access=person, table=args.table, filters=export.provenance["filters"], rows=len(export.frame),
            payload=payload, file_format=args.format, via="cli", runner=audit.runner_name(),
            event="audit_export" if args.table == AUDIT_TABLE else "export",
        )
    except (ExportRefused, AccessFileError, audit.AuditError) as error:
        print(f"export refused: {error}", file=sys.stderr)
        return 1
    if not args.out:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return 0
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(payload)
    if args.format in ("csv", "parquet"):
        Path(str(out) + ".meta.json").write_bytes(meta_json_bytes(export))
    print(f"exported {export.provenance['rows']:,} rows of {args.table} to {out}", file=sys.stderr)
    return 0


# -- the lake (command line only) --------------------------------------------------


def run_lake_export(args) -> int:
    """`python -m bansos export lake --out DIR`: every current fact,
    pseudonymised, as Hive-partitioned Parquet with schema.json (bansos/lake.py,
    docs/national-scale.md). Family-level data: command line only."""
    import tempfile

    from bansos import lake
    from bansos.warehouse import data_version, open_read_only

    if not args.out:
        print("usage error: export lake needs --out DIR (a new folder)", file=sys.stderr)
        return 2
    if getattr(args, "as_", None) or getattr(args, "as_email", None):
        print("export refused: the lake is every family's facts, for the people who run the server; it cannot be "
              "exported for someone else (--as)", file=sys.stderr)
        return 1
    given = [name for name in ("province", "program", "year", "tranche", "snapshot") if getattr(args, name)] + (
        ["region"] if args.region else [])
    if given or args.format != "csv":
        print("usage error: export lake takes no filters and no --format (it holds every current fact, as Parquet; "
              f"filter when reading it): {', '.join('--' + g for g in given) or '--format'}", file=sys.stderr)
        return 2
    db = settings.db_path(args.db)
    if not db.exists():
        print(f"export refused: no warehouse at {db}", file=sys.stderr)
        return 1
    con = open_read_only(db)
    try:
        with tempfile.TemporaryDirectory(prefix="bansos-export-") as spill:  # mode 0700
            con.execute("SET temp_directory = $dir", {"dir": spill})
            catalog = con.execute("SELECT current_database()").fetchall()[0][0]
            document = lake.write(con, catalog, Path(args.out), provenance={
                "made_by": "python -m bansos export lake",
                "source": {"warehouse": db.name, "data_version": data_version(db)},
            })
    except lake.LakeError as error:
        print(f"export refused: {error}", file=sys.stderr)
        return 1
    finally:
        con.close()
    from bansos import audit

    version = document["facts_version"]
    audit.record(db, "export", runner=audit.runner_name(), table="lake", via="cli", out=str(args.out),
                 rows=version["current_family_rows"] + version["current_allocation_rows"], files=len(document["files"]))
    print(f"exported the lake of {db.name} to {args.out}: {version['current_family_rows']:,} register rows and "
          f"{version['current_allocation_rows']:,} allocation rows in {len(document['files'])} Parquet files, "
          f"described in {args.out}/{lake.SCHEMA_FILE}", file=sys.stderr)
    return 0
