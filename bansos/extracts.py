"""Reading extract files (CSV, XLSX, Parquet) into a staging table.

The staging table lives in the ingestion's in-memory database, never in the
warehouse file. It has one VARCHAR column per canonical column of the kind
(NULL where the file lacks it), plus `_line` (where the row is in the file:
CSV physical line with header = 1, XLSX sheet row, Parquet 1-based row) and
`_pre_reason` (a reason found while reading, e.g. a row cut off mid-way).
Values stay text exactly as given; validation (bansos/validate.py) decides.

Two steps: `read_file` reads and matches a file using only the connection it
is given (a cursor of its own when ingestion reads the next file on another
thread), `stage` turns what was read into the staging view. `stage_file`
does both.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from bansos.contract import DETECTION_ORDER, KIND_BY_NAME, Kind, normalise_header

HEADER_SEARCH_ROWS = 10  # the header may sit below a few title rows
CSV_DELIMITERS = (",", ";", "\t", "|")
SCAN_CHUNK = 64 * 1024 * 1024


class RejectedFile(Exception):
    """The file as a whole cannot be loaded; the message names the file and why."""


@dataclass
class StagedFile:
    table: str  # a TEMP VIEW: the file's rows are read once, by validation
    kind: Kind
    columns: dict[str, str]  # canonical column → header as written in the file
    line_label: str  # "line", "row" — how `_line` reads to a person
    warnings: list[str] = field(default_factory=list)
    registered: str | None = None  # the Arrow table behind the view, to unregister

    def release(self, con) -> None:
        con.execute(f"DROP VIEW IF EXISTS {self.table}")
        if self.registered:
            con.unregister(self.registered)


@dataclass
class HeaderMatch:
    kind: Kind
    columns: dict[str, int]  # canonical column → position in the row
    headers: list[str]


@dataclass
class ReadFile:
    """A file read and matched to a kind, not staged yet."""

    match: HeaderMatch
    line_label: str
    warnings: list[str]
    rows: pa.Table | None = None  # CSV, XLSX: positional columns c0..cN, _line, _pre_reason
    parquet_sql: str | None = None  # Parquet: the staging view's query, over the file itself


# -- header matching ---------------------------------------------------------


def _lookup(kind: Kind) -> dict[str, str]:
    table = {}
    for column in kind.columns:
        for name in column.normalised_names():
            table.setdefault(name, column.name)
    return table


def missing_required(kind: Kind, present: set[str]) -> list[str]:
    missing = []
    for name in kind.required:
        if name in present:
            continue
        alternatives = kind.alternatives.get(name)
        if alternatives and all(alt in present for alt in alternatives):
            continue
        missing.append(name)
    return missing


def _columns_of(kind: Kind, headers: list[str]) -> dict[str, int]:
    lookup = _lookup(kind)
    columns: dict[str, int] = {}
    for position, header in enumerate(headers):
        canonical = lookup.get(normalise_header(header))
        if canonical and canonical not in columns:
            columns[canonical] = position
    return columns


def match_header(cells: list, kind_hint: str | None, optional_ok: set[str] = frozenset()) -> tuple[HeaderMatch | None, dict[str, list[str]]]:
    """Match one candidate header row against the kinds, in detection order.
    Returns the match (or None) and, per kind, the required columns missing."""
    headers = ["" if c is None else str(c).strip() for c in cells]
    kinds = [KIND_BY_NAME[kind_hint]] if kind_hint else list(DETECTION_ORDER)
    misses: dict[str, list[str]] = {}
    if kind_hint:
        # A header that is complete for a kind detected before the hinted one
        # is that kind (a payment file is never a register, --as-of or not).
        for other in DETECTION_ORDER:
            if other.name == kind_hint:
                break
            if not missing_required(other, set(_columns_of(other, headers))):
                lacks = missing_required(KIND_BY_NAME[kind_hint], set(_columns_of(KIND_BY_NAME[kind_hint], headers)))
                raise RejectedFile(
                    f"is a {other.name} extract, not {kind_hint}: its header row has every required {other.name} column"
                    + (f" and lacks {', '.join(lacks)}" if lacks else "")
                )
    for kind in kinds:
        columns = _columns_of(kind, headers)
        missing = [m for m in missing_required(kind, set(columns)) if m not in optional_ok]
        if not missing:
            return HeaderMatch(kind, columns, headers), misses
        misses[kind.name] = missing
    return None, misses


def _no_kind_message(misses_by_row: list[dict[str, list[str]]], kind_hint: str | None) -> str:
    # Report the candidate row that came closest, for each kind.
    best: dict[str, list[str]] = {}
    for misses in misses_by_row:
        for kind, missing in misses.items():
            if kind not in best or len(missing) < len(best[kind]):
                best[kind] = missing
    parts = [f"{kind}: missing {', '.join(missing)}" for kind, missing in best.items()]
    what = f"is not a {kind_hint} extract" if kind_hint else "matches no extract kind"
    return f"{what} (no header row in the first {HEADER_SEARCH_ROWS} rows has every required column; " + "; ".join(parts) + ")"


# -- file type and encoding --------------------------------------------------


def sniff_format(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    return "csv"


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        try:
            while block := handle.read(16 * 1024 * 1024):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _text_source(path: Path, warnings: list[str], scratch: Path) -> Path:
    """A UTF-8 file with the content of `path`: the file itself, or a
    transcoded copy when it is Windows-1252 (what Excel's "CSV" saves on
    Indonesian Windows)."""
    with open(path, "rb") as handle:
        head = handle.read(64 * 1024)
    if b"\x00" in head:
        raise RejectedFile("is not a text file (it contains NUL bytes: binary data, or UTF-16, which is not accepted)")
    if _is_utf8(path):
        return path
    try:
        text = path.read_bytes().decode("cp1252")
    except UnicodeDecodeError as error:
        raise RejectedFile(f"cannot be decoded as UTF-8 or Windows-1252 (byte {error.start})") from error
    warnings.append("decoded as Windows-1252 (cp1252), not UTF-8")
    target = scratch / "transcoded.csv"
    target.write_text(text, encoding="utf-8", newline="")
    return target


# -- CSV ----------------------------------------------------------------------


def _scan_records(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split a CSV file into records at newlines outside quotes, set-wise.

    Returns for every record (blank ones included, header included) its
    start byte, its physical line number and whether it is blank. Record i
    (1-based) is what DuckDB's CSV reader calls line i in its reject table.
    """
    size = os.path.getsize(path)
    mm = np.memmap(path, dtype=np.uint8, mode="r")
    ends, newline_counts = [], []
    quotes_before = 0
    newlines_before = 0
    for offset in range(0, size, SCAN_CHUNK):
        chunk = mm[offset : offset + SCAN_CHUNK]
        newlines = np.flatnonzero(chunk == 10)
        quotes = np.flatnonzero(chunk == 34)
        if newlines.size:
            # A newline is inside a quoted field when an odd number of quotes
            # precede it (doubled quotes "" inside a field cancel out).
            outside = ((quotes_before + np.searchsorted(quotes, newlines)) & 1) == 0
            ends.append(newlines[outside] + offset)
            newline_counts.append(newlines_before + np.flatnonzero(outside) + 1)
        quotes_before += quotes.size
        newlines_before += newlines.size
    record_ends = np.concatenate(ends) if ends else np.empty(0, dtype=np.int64)
    counts = np.concatenate(newline_counts) if newline_counts else np.empty(0, dtype=np.int64)
    starts = np.concatenate(([0], record_ends + 1)).astype(np.int64)
    lines = np.concatenate(([1], counts + 1)).astype(np.int64)
    stops = np.concatenate((record_ends, [size])).astype(np.int64)
    if starts[-1] >= size:  # the file ends with a newline: no record after it
        starts, lines, stops = starts[:-1], lines[:-1], stops[:-1]
    lengths = stops - starts
    first_bytes = mm[np.minimum(starts, max(size - 1, 0))] if size else np.empty(0, dtype=np.uint8)
    blank = (lengths == 0) | ((lengths == 1) & (first_bytes == 13))
    del mm
    return starts, lines, blank


def _head_records(text_path: Path, delimiter: str, limit: int) -> list[list[str]]:
    with open(text_path, encoding="utf-8-sig", newline="") as handle:
        head = handle.read(256 * 1024)
    reader = csv.reader(io.StringIO(head), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def _find_csv_header(text_path: Path, kind_hint: str | None, optional_ok: set[str]) -> tuple[HeaderMatch, str, int]:
    """The delimiter and the header record (0-based) among the first rows."""
    all_misses = []
    for delimiter in CSV_DELIMITERS:
        records = _head_records(text_path, delimiter, HEADER_SEARCH_ROWS)
        for index, record in enumerate(records):
            if len(record) < 2:
                continue
            match, misses = match_header(record, kind_hint, optional_ok)
            if match:
                return match, delimiter, index
            all_misses.append(misses)
    if not _head_records(text_path, ",", 1):
        raise RejectedFile("is empty")
    raise RejectedFile(_no_kind_message(all_misses, kind_hint))


def _read_csv(con, path: Path, kind_hint, optional_ok, warnings, scratch: Path, force_python: bool) -> ReadFile:
    if path.stat().st_size == 0:
        raise RejectedFile("is empty")
    text_path = _text_source(path, warnings, scratch)
    match, delimiter, header_index = _find_csv_header(text_path, kind_hint, optional_ok)
    width = len(match.headers)
    if force_python:
        rows = None
    else:
        rows = _read_csv_duckdb(con, text_path, delimiter, header_index, width)
    if rows is None:
        rows = _read_csv_python(text_path, delimiter, header_index, width)
    raw_table, _ = rows
    return ReadFile(match, "line", warnings, rows=raw_table)


def _read_csv_duckdb(con, text_path: Path, delimiter: str, header_index: int, width: int):
    """Fast path: DuckDB parses, our byte scan supplies physical line numbers.
    Returns None when the two disagree on the row count (then the slower,
    simpler Python reader is used: correctness first)."""
    starts, lines, blank = _scan_records(text_path)
    columns = {f"c{i}": "VARCHAR" for i in range(width)}
    relation_sql = (
        "SELECT * FROM read_csv($path, delim = $delim, quote = '\"', escape = '\"', header = false, "
        "skip = $skip, auto_detect = false, columns = $columns, store_rejects = true, "
        "rejects_table = 'csv_reject_errors', rejects_scan = 'csv_reject_scans', max_line_size = 10000000)"
    )
    params = {"path": str(text_path), "delim": delimiter, "skip": header_index + 1, "columns": columns}
    # Rows must come out in file order to line up with the byte scan. The
    # setting is changed for this connection only (SESSION): ingestion may be
    # inserting on another connection meanwhile, in parallel.
    ordered = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("SET SESSION preserve_insertion_order = true")
    try:
        good = con.sql(relation_sql, params=params).to_arrow_table()
        rejects = con.execute(
            "SELECT line, any_value(error_type) AS error_type, any_value(csv_line) AS csv_line "
            "FROM csv_reject_errors GROUP BY line ORDER BY line"
        ).fetchall()
    except duckdb.Error:
        return None
    finally:
        con.execute(f"SET SESSION preserve_insertion_order = {'true' if ordered else 'false'}")
        con.execute("DROP TABLE IF EXISTS csv_reject_errors")
        con.execute("DROP TABLE IF EXISTS csv_reject_scans")
    data = np.arange(header_index + 1, len(starts))  # 0-based record indices after the header
    rejected_index = {int(line) - 1: (error_type, text) for line, error_type, text in rejects}
    keep = data[~blank[data]]
    if rejected_index:
        keep = keep[~np.isin(keep, np.fromiter(rejected_index, dtype=np.int64))]
    if len(keep) != good.num_rows or any(i >= len(starts) for i in rejected_index):
        return None
    positions = pa.array(lines[keep])
    good = good.append_column("_line", positions).append_column("_pre_reason", pa.nulls(good.num_rows, pa.string()))
    extra = []
    for index, (error_type, text) in sorted(rejected_index.items()):
        text = (text or "").strip("\r\n")
        fields = next(csv.reader([text], delimiter=delimiter), [])
        if all(not f.strip() for f in fields):
            continue  # spaces or delimiters only: a blank line, not a row
        reason = "too_many_fields" if error_type == "TOO MANY COLUMNS" else "missing_required"
        extra.append((int(lines[index]), reason, fields))
    if extra:
        good = pa.concat_tables([good, _rows_to_arrow(extra, width)])
    return good, None


def _rows_to_arrow(rows: list[tuple[int, str | None, list[str]]], width: int) -> pa.Table:
    columns = {f"c{i}": pa.array([r[2][i] if i < len(r[2]) and r[2][i] != "" else None for r in rows], pa.string()) for i in range(width)}
    columns["_line"] = pa.array([r[0] for r in rows], pa.int64())
    columns["_pre_reason"] = pa.array([r[1] for r in rows], pa.string())
    return pa.table(columns)


def _read_csv_python(text_path: Path, delimiter: str, header_index: int, width: int):
    """Reference reader: the standard library's csv module, one record at a
    time, physical line numbers from the reader itself."""
    rows = []
    with open(text_path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=False)
        previous_end = 0
        record = 0
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error:
                rows.append((previous_end + 1, "missing_required", []))
                break
            start_line = previous_end + 1
            previous_end = reader.line_num
            record += 1
            if record <= header_index + 1:
                continue
            if all(not f.strip() for f in fields):
                continue  # a blank line, or a row of delimiters only: not a row
            reason = None
            if len(fields) < width:
                reason = "missing_required"
            elif len(fields) > width:
                reason = "too_many_fields"
            rows.append((start_line, reason, fields))
    return _rows_to_arrow(rows, width), None


# -- XLSX ---------------------------------------------------------------------


def _cell_text(value, is_identifier: bool) -> str | None:
    """XLSX cells to text, keeping what matters: a number cell in an id
    column is marked so validation rejects it (Excel keeps 15 significant
    digits, the 16th is already lost), dates become ISO dates."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (time, timedelta)):
        return str(value)
    if isinstance(value, (int, float)):
        if is_identifier:
            return f"number cell {value!r}"
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def _read_xlsx(path: Path, kind_hint, optional_ok, warnings) -> ReadFile:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own types for corrupt files
        raise RejectedFile(f"cannot be read as an XLSX workbook ({type(error).__name__}: {error})") from error
    all_misses = []
    for sheet_name in workbook.sheet_names:
        try:
            sheet = workbook.get_sheet_by_name(sheet_name)
            cells = sheet.to_python(skip_empty_area=False)
        except Exception as error:
            raise RejectedFile(f"sheet {sheet_name!r} cannot be read ({type(error).__name__}: {error})") from error
        # to_python(skip_empty_area=False) starts at sheet row 1, whatever
        # the first used row is.
        first_row = 1
        for index, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
            match, misses = match_header(row, kind_hint, optional_ok)
            if not match:
                all_misses.append(misses)
                continue
            width = len(match.headers)
            identifiers = {match.columns[c.name] for c in match.kind.columns if c.is_identifier and c.name in match.columns}
            rows = []
            for offset, row_cells in enumerate(cells[index + 1 :], start=index + 1):
                values = [_cell_text(v, p in identifiers) for p, v in enumerate(row_cells[:width])]
                extra = any(v not in (None, "") and str(v).strip() for v in row_cells[width:])
                if not extra and all(v is None or not str(v).strip() for v in values):
                    continue  # blank line, not a row
                rows.append((first_row + offset, "too_many_fields" if extra else None, [v or "" for v in values]))
            if not rows:
                raise RejectedFile(f"sheet {sheet_name!r} has a header row but no data rows")
            if len(workbook.sheet_names) > 1:
                warnings.append(f"read sheet {sheet_name!r}")
            return ReadFile(match, "row", warnings, rows=_rows_to_arrow(rows, width))
    if not workbook.sheet_names:
        raise RejectedFile("is an empty workbook")
    raise RejectedFile(_no_kind_message(all_misses, kind_hint))


# -- Parquet ------------------------------------------------------------------


def _read_parquet(con, path: Path, kind_hint, optional_ok, warnings) -> ReadFile:
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet($path)", {"path": str(path)}).fetchall()
    except duckdb.Error as error:
        raise RejectedFile(f"cannot be read as Parquet ({str(error).splitlines()[0]})") from error
    names = [row[0] for row in described]
    types = {row[0]: row[1].upper() for row in described}
    match, misses = match_header(names, kind_hint, optional_ok)
    if not match:
        raise RejectedFile(_no_kind_message([misses], kind_hint).replace(f"in the first {HEADER_SEARCH_ROWS} rows ", ""))
    identifiers = {c.name for c in match.kind.columns if c.is_identifier}
    selects = []
    for column in match.kind.columns:
        if column.name not in match.columns:
            selects.append(f"NULL::VARCHAR AS {column.name}")
            continue
        source = match.headers[match.columns[column.name]]
        quoted = '"' + source.replace('"', '""') + '"'
        kind = types[source]
        if kind in ("DATE",) or kind.startswith("TIMESTAMP"):
            expr = f"strftime({quoted}, '%Y-%m-%d')"
        elif kind in ("FLOAT", "DOUBLE") or kind.startswith("DECIMAL"):
            # A float id lost digits somewhere upstream; mark it invalid.
            expr = f"'number ' || CAST({quoted} AS VARCHAR)" if column.name in identifiers else (
                f"CASE WHEN {quoted} = trunc({quoted}) THEN CAST(CAST({quoted} AS HUGEINT) AS VARCHAR) ELSE CAST({quoted} AS VARCHAR) END"
            )
        else:
            expr = f"CAST({quoted} AS VARCHAR)"
        selects.append(f"{expr} AS {column.name}")
    # A view: the file is read once, by validation. Its path is a literal
    # because views cannot hold bound parameters.
    literal = "'" + str(path).replace("'", "''") + "'"
    view_sql = (
        "SELECT file_row_number + 1 AS _line, NULL::VARCHAR AS _pre_reason, "
        + ", ".join(selects)
        + f" FROM read_parquet({literal}, file_row_number = true)"
    )
    try:
        rows = con.execute("SELECT num_rows FROM parquet_file_metadata($path)", {"path": str(path)}).fetchone()[0]
    except duckdb.Error as error:
        raise RejectedFile(f"cannot be read as Parquet ({str(error).splitlines()[0]})") from error
    if rows == 0:
        raise RejectedFile("has no rows")
    return ReadFile(match, "row", warnings, parquet_sql=view_sql)


# -- common -------------------------------------------------------------------


def _header_names(match: HeaderMatch) -> dict[str, str]:
    return {c: match.headers[p] for c, p in match.columns.items()}


def _create_staging(con, table: str, match: HeaderMatch, raw: pa.Table) -> str:
    """A view over the Arrow rows: positional columns c0..cN renamed to
    canonical names, NULL for the kind's columns the file lacks, blank
    strings NULL, and rows of empty fields only (`;;;;` that Excel leaves
    below a table) dropped: they are blank lines, not rows. Returns the name
    the Arrow table is registered under."""
    selects = ["_line", "_pre_reason"]
    for column in match.kind.columns:
        if column.name in match.columns:
            source = f"c{match.columns[column.name]}"
            selects.append(f"NULLIF(trim({source}), '') AS {column.name}")
        else:
            selects.append(f"NULL::VARCHAR AS {column.name}")
    fields = [name for name in raw.column_names if name.startswith("c")]
    any_value = " OR ".join(f"NULLIF(trim({name}), '') IS NOT NULL" for name in fields) or "false"
    registered = f"{table}_arrow"
    con.register(registered, raw)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT {', '.join(selects)} FROM {registered} "
        f"WHERE _pre_reason IS NOT NULL OR {any_value}"
    )
    return registered


def read_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    kind_hint: str | None = None,
    as_of_given: bool = False,
    force_python_csv: bool = False,
) -> ReadFile:
    """Read `path` and match its header to a kind. Uses `con` only for
    reading (and its own temporary reject tables). Raises RejectedFile."""
    if not path.exists():
        raise RejectedFile("does not exist")
    if not path.is_file():
        raise RejectedFile("is not a file")
    if not os.access(path, os.R_OK):
        raise RejectedFile("cannot be read (permission denied)")
    # `--as-of` fills tanggal_data, so a register without that column is fine then.
    optional_ok = {"tanggal_data"} if as_of_given else set()
    warnings: list[str] = []
    file_format = sniff_format(path)
    if file_format == "xls":
        raise RejectedFile("is an old Excel .xls workbook; save it as .xlsx or CSV")
    if file_format == "xlsx":
        return _read_xlsx(path, kind_hint, optional_ok, warnings)
    if file_format == "parquet":
        return _read_parquet(con, path, kind_hint, optional_ok, warnings)
    with tempfile.TemporaryDirectory(prefix="bansos-ingest-") as scratch:
        return _read_csv(con, path, kind_hint, optional_ok, warnings, Path(scratch), force_python_csv)


def stage(con: duckdb.DuckDBPyConnection, read: ReadFile, table: str) -> StagedFile:
    """The staging view `table` of `con` over what `read_file` read."""
    names = _header_names(read.match)
    if read.parquet_sql is not None:
        try:
            con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS {read.parquet_sql}")
        except duckdb.Error as error:
            raise RejectedFile(f"cannot be read as Parquet ({str(error).splitlines()[0]})") from error
        return StagedFile(table, read.match.kind, names, read.line_label, read.warnings)
    registered = _create_staging(con, table, read.match, read.rows)
    return StagedFile(table, read.match.kind, names, read.line_label, read.warnings, registered)


def stage_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    kind_hint: str | None = None,
    as_of_given: bool = False,
    force_python_csv: bool = False,
) -> StagedFile:
    """Read `path` into TEMP view `table` of `con`. Raises RejectedFile."""
    return stage(con, read_file(con, path, kind_hint, as_of_given, force_python_csv), table)
