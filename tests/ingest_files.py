"""Helpers for the ingestion tests: write real extract files (CSV, XLSX,
Parquet) exactly as the tests describe them, and read the warehouse back.

CSV is written as plain text/bytes so a test controls delimiters, quoting,
BOM, line endings and encoding byte for byte. XLSX is written with
xlsxwriter: `str` values become text cells, `int`/`float` values number
cells, `date` values date cells, so a test says exactly which cell is which.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path
from collections.abc import Iterable, Sequence

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[1]

# Valid reference codes (checked against data/reference).
DESA = "35.10.01.2001"  # Sarongan, kec. Pesanggaran, Kab. Banyuwangi
KECAMATAN = "35.10.01"
BANYUWANGI = "35.10"
KOTA_METRO = "18.72"

PENYALURAN_HEADER = (
    "id_transaksi", "no_kk", "nik", "program", "tahun", "tahap", "kode_wilayah",
    "nominal", "status_salur", "lembaga_penyalur", "tanggal_salur",
)
KELUARGA_HEADER = (
    "no_kk", "nik_kepala", "kode_wilayah", "desil", "jumlah_anggota", "kanal_registrasi",
    "tanggal_registrasi", "status_kelayakan", "alasan", "sanggah", "tanggal_data",
)


def kk(n: int) -> str:
    """A valid-looking 16-digit KK number (region 351001 + 10 digits)."""
    return f"351001{n:010d}"


def nik(n: int) -> str:
    """A valid-looking 16-digit NIK."""
    return f"351001{4100000000 + n:010d}"


def penyaluran_row(n: int, **overrides) -> dict:
    row = {
        "id_transaksi": f"TRX{n:05d}",
        "no_kk": kk(n),
        "nik": nik(n),
        "program": "PKH",
        "tahun": "2026",
        "tahap": "1",
        "kode_wilayah": DESA,
        "nominal": "600000",
        "status_salur": "tersalur",
        "lembaga_penyalur": "BRI",
        "tanggal_salur": "2026-02-03",
    }
    row.update(overrides)
    return row


def keluarga_row(n: int, **overrides) -> dict:
    row = {
        "no_kk": kk(n),
        "nik_kepala": nik(n),
        "kode_wilayah": DESA,
        "desil": "1",
        "jumlah_anggota": "4",
        "kanal_registrasi": "mandiri",
        "tanggal_registrasi": "2026-01-15",
        "status_kelayakan": "layak",
        "alasan": "",
        "sanggah": "tidak",
        "tanggal_data": "2026-03-31",
    }
    row.update(overrides)
    return row


def header_for(kind: str) -> tuple[str, ...]:
    return PENYALURAN_HEADER if kind == "penyaluran" else KELUARGA_HEADER


def row_for(kind: str, n: int, **overrides) -> dict:
    return penyaluran_row(n, **overrides) if kind == "penyaluran" else keluarga_row(n, **overrides)


# -- CSV --------------------------------------------------------------------


def csv_field(value, delimiter: str = ",") -> str:
    text = "" if value is None else str(value)
    if any(ch in text for ch in (delimiter, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(values: Iterable, delimiter: str = ",") -> str:
    return delimiter.join(csv_field(v, delimiter) for v in values)


def record(header: Sequence[str], row: dict, delimiter: str = ",") -> str:
    """One CSV record (may span physical lines when a field holds a newline)."""
    return csv_line([row.get(h, "") for h in header], delimiter)


def write_csv_lines(
    path: Path,
    lines: Sequence[str],
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    newline: str = "\n",
    final_newline: bool = True,
) -> Path:
    """Write records exactly: each item of `lines` is one record's text
    (embedded newlines are kept as given), joined by `newline`."""
    text = newline.join(lines) + (newline if final_newline else "")
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)
    return path


def write_csv(path: Path, header: Sequence[str], rows: Sequence[dict], delimiter: str = ",", **kwargs) -> Path:
    lines = [csv_line(header, delimiter)] + [record(header, r, delimiter) for r in rows]
    return write_csv_lines(path, lines, **kwargs)


# -- XLSX -------------------------------------------------------------------


def write_xlsx(
    path: Path,
    header: Sequence[str],
    rows: Sequence[dict | None],
    *,
    title_rows: Sequence[str | None] = (),
    sheet_name: str = "Data",
    before_sheets: Sequence[tuple[str, Sequence[Sequence]]] = (),
) -> dict[int, int]:
    """Write a workbook: optional other sheets first, then the data sheet with
    `title_rows` above the header (None = an empty row), then `rows` (None =
    an empty row). Returns {index in rows: sheet row number (1-based)}."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for name, sheet_rows in before_sheets:
        other = workbook.add_worksheet(name)
        for r, values in enumerate(sheet_rows):
            for c, value in enumerate(values):
                _write_cell(other, r, c, value, date_format)
    sheet = workbook.add_worksheet(sheet_name)
    r = 0
    for title in title_rows:
        if title is not None:
            sheet.write_string(r, 0, title)
        r += 1
    for c, name in enumerate(header):
        sheet.write_string(r, c, name)
    r += 1
    positions = {}
    for index, row in enumerate(rows):
        if row is not None:
            for c, name in enumerate(header):
                _write_cell(sheet, r, c, row.get(name), date_format)
            positions[index] = r + 1
        r += 1
    workbook.close()
    return positions


def _write_cell(sheet, r: int, c: int, value, date_format) -> None:
    if value is None or value == "":
        return
    if isinstance(value, (datetime, date)):
        value = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        sheet.write_datetime(r, c, value, date_format)
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, (int, float)):
        sheet.write_number(r, c, value)
    else:
        sheet.write_string(r, c, str(value))


def excel_number(id_text: str) -> float:
    """What Excel keeps of a 16-digit id typed into a number cell: 15
    significant digits, the 16th becomes 0."""
    return float(f"{float(id_text):.14e}")


# -- Parquet ----------------------------------------------------------------


def write_parquet(path: Path, columns: dict) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), path)
    return path


# -- reading the warehouse back ---------------------------------------------


def fetch(db: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def execute(db: Path, *statements: str) -> None:
    """Change the warehouse file behind ingestion's back (older schemas, tampering)."""
    con = duckdb.connect(str(db))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


def _drop_stored() -> list[str]:
    from bansos import stored

    return [f"DROP TABLE {stored.table(name)}" for name in stored.stored_names()] + [
        f"DROP TABLE {stored.FINGERPRINT_TABLE}"]


def make_schema_2(db: Path) -> None:
    """Turn a warehouse into what an earlier version made (schema 2: no
    load_region, no quarantine_summary, no stored answers, no mart_allocation_region)."""
    execute(db, "DROP TABLE quarantine_summary", "DROP TABLE load_region", *_drop_stored(),
            "DROP TABLE IF EXISTS mart_allocation_region", "UPDATE meta SET value = '2' WHERE key = 'schema_version'")


def make_schema_3(db: Path) -> None:
    """Turn a warehouse into what an earlier version made (schema 3: no
    quarantine_summary, no stored answers, no mart_allocation_region)."""
    execute(db, "DROP TABLE quarantine_summary", *_drop_stored(), "DROP TABLE IF EXISTS mart_allocation_region",
            "UPDATE meta SET value = '3' WHERE key = 'schema_version'")


def make_schema_4(db: Path) -> None:
    """Turn a warehouse into what an earlier version made (schema 4: no
    stored answers, no mart_allocation_region)."""
    execute(db, *_drop_stored(), "DROP TABLE IF EXISTS mart_allocation_region",
            "UPDATE meta SET value = '4' WHERE key = 'schema_version'")


def make_schema_5(db: Path) -> None:
    """Turn a warehouse into what the previous version made (schema 5: no mart_allocation_region)."""
    execute(db, "DROP TABLE IF EXISTS mart_allocation_region", "UPDATE meta SET value = '5' WHERE key = 'schema_version'")


def scalar(db: Path, sql: str, params=None):
    return fetch(db, sql, params)[0][0]


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def quarantine(db: Path) -> list[tuple]:
    """(file_name, line, reasons) of every quarantined row, by file and line."""
    return fetch(db, "SELECT file_name, line, reasons FROM quarantine ORDER BY file_name, line")


def counts(db: Path) -> dict[str, int]:
    return {
        table: scalar(db, f"SELECT count(*) FROM {table}")
        for table in ("load_ledger", "fact_allocation", "fact_family", "quarantine")
    }


def fact_snapshot(db: Path, table: str) -> list[tuple]:
    """Every column of a fact table's current rows but the bookkeeping
    (load_id, superseded_by), keys as text, sorted: what two warehouses
    must agree on."""
    columns = [r[0] for r in fetch(db, f"DESCRIBE {table}") if r[0] not in ("load_id", "superseded_by")]
    select = ", ".join(f"CAST({c} AS VARCHAR)" for c in columns)
    return sorted(fetch(db, f"SELECT {select} FROM {table} WHERE superseded_by IS NULL"),
                  key=lambda row: tuple("" if v is None else v for v in row))


def current(db: Path, table: str) -> int:
    """How many current (not superseded) rows a fact table holds."""
    return scalar(db, f"SELECT count(*) FROM {table} WHERE superseded_by IS NULL")


def load(db: Path, *paths, kind: str | None = None, as_of: str | None = None, replace: bool = False, **options):
    """Run the real ingestion in-process (faster than the CLI where the
    command line is not the point). Returns the LoadResults."""
    from bansos.ingest import LoadRequest, ingest

    return ingest(db, [LoadRequest(Path(p), kind, as_of) for p in paths], replace=replace, **options)
