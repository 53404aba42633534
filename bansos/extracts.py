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
import itertools
import math
import os
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from bansos import settings
from bansos.contract import DETECTION_ORDER, KIND_BY_NAME, Kind, normalise_header

HEADER_SEARCH_ROWS = 10  # the header may sit below a few title rows
CSV_DELIMITERS = (",", ";", "\t", "|")
SCAN_CHUNK = 64 * 1024 * 1024
# DuckDB's reader takes lines up to 10 MB; Python's csv module is given the
# same room (its default, 128 KB, once stopped a read half-way).
MAX_FIELD_BYTES = 10_000_000
# Files with fewer rows are never refused for their share of bad rows: a
# handful of rows is not a garbage file, and their reasons are best shown
# row by row.
QUARANTINE_SHARE_MIN_ROWS = 100


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
    expected_rows: int | None = None  # rows the file says it holds (a count independent of the reader)

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
    expected_rows: int | None = None  # Parquet: the row count in the file's metadata


# -- header matching ---------------------------------------------------------


def _lookup(kind: Kind) -> dict[str, str]:
    table: dict[str, str] = {}
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


def match_header(cells: list, kind_hint: str | None, optional_ok: frozenset[str] | set[str] = frozenset()) -> tuple[HeaderMatch | None, dict[str, list[str]]]:
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
    transcoded copy in `scratch` when it is Windows-1252 (what Excel's "CSV"
    saves on Indonesian Windows). The copy holds raw identifiers: `scratch`
    is private (0700) and removed with the load."""
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
    fd, target = tempfile.mkstemp(prefix="transcoded-", suffix=".csv", dir=scratch)  # mode 0600
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return Path(target)


# -- CSV ----------------------------------------------------------------------


@dataclass
class RecordScan:
    """Where each CSV record starts, found from the bytes alone: a second
    parser, independent of DuckDB's and of Python's csv module, that the
    readers' counts are checked against."""

    starts: np.ndarray  # start byte of every record (blank ones and the header included)
    lines: np.ndarray  # its physical line number
    blank: np.ndarray  # whether it is blank
    open_quote_line: int | None  # a quote never closed: the line it opened on
    open_quote_spans_lines: bool  # ...and whether the open field runs over a line break


def _scan_records(path: Path) -> RecordScan:
    """Split a CSV file into records at newlines outside quotes, set-wise.
    Record i (1-based) is what DuckDB's CSV reader calls line i in its
    reject table."""
    size = os.path.getsize(path)
    mm = np.memmap(path, dtype=np.uint8, mode="r") if size else np.empty(0, dtype=np.uint8)
    ends, newline_counts = [], []
    quotes_before = 0
    newlines_before = 0
    last_quote = -1
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
        if quotes.size:
            last_quote = int(quotes[-1]) + offset
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
    open_line, spans = None, False
    if quotes_before % 2:
        # With an odd number of quotes, the last one opens a field that the
        # file never closes.
        open_line = int(np.count_nonzero(mm[:last_quote] == 10)) + 1
        tail = mm[last_quote:]
        spans = bool(np.count_nonzero(tail == 10) > (1 if tail.size and tail[-1] == 10 else 0))
    del mm
    return RecordScan(starts, lines, blank, open_line, spans)


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


def _read_csv(con, path: Path, kind_hint, optional_ok, warnings, scratch: Path, force_python: bool,
              max_share: float) -> ReadFile:
    if path.stat().st_size == 0:
        raise RejectedFile("is empty")
    text_path = _text_source(path, warnings, scratch)
    try:
        return _read_text_csv(con, text_path, kind_hint, optional_ok, warnings, force_python, max_share)
    finally:
        if text_path != path:
            text_path.unlink(missing_ok=True)


def _read_text_csv(con, text_path: Path, kind_hint, optional_ok, warnings, force_python: bool,
                   max_share: float) -> ReadFile:
    match, delimiter, header_index = _find_csv_header(text_path, kind_hint, optional_ok)
    width = len(match.headers)
    scan = _scan_records(text_path)
    data = np.arange(header_index + 1, len(scan.starts))  # 0-based record indices after the header
    scan_count = int(np.count_nonzero(~scan.blank[data]))
    duckdb_count = None
    rows = None
    if not force_python:
        rows, duckdb_count = _read_csv_duckdb(con, text_path, delimiter, header_index, width, scan, max_share)
        if scan.open_quote_line is not None and scan.open_quote_spans_lines:
            # An odd number of quotes, the last one open over several lines:
            # DuckDB and the scan may then agree on a count in which one
            # "row" swallowed the rest of the file. Python's strict reader
            # decides: a quote inside a value is text, a quote that opens a
            # field never closed rejects the file.
            rows = None
    if rows is None:
        rows, python_count = _read_csv_python(text_path, delimiter, header_index, width, scan)
        independent = {c for c in (scan_count, duckdb_count) if c is not None}
        if python_count not in independent:
            raise RejectedFile(
                f"its records cannot be counted reliably: Python's csv reader finds {python_count:,} rows, "
                + (f"DuckDB's reader {duckdb_count:,}, " if duckdb_count is not None else "")
                + f"a scan of its line breaks and quotes {scan_count:,}. Check the quotes in the file "
                "(a quote inside a value must be doubled, \"\", and the value quoted)"
            )
    return ReadFile(match, "line", warnings, rows=rows)


def _share_guard(bad: int, total: int, max_share: float, what: str) -> None:
    if total >= QUARANTINE_SHARE_MIN_ROWS and bad > max_share * total:
        raise RejectedFile(
            f"{bad:,} of its {total:,} rows ({bad / total:.0%}) {what}, more than the {max_share:.0%} allowed "
            "(BANSOS_MAX_QUARANTINE_SHARE): it does not look like an extract of this kind, and nothing of it was kept"
        )


def _read_csv_duckdb(con, text_path: Path, delimiter: str, header_index: int, width: int, scan: RecordScan,
                     max_share: float) -> tuple[pa.Table | None, int | None]:
    """Fast path: DuckDB parses, the byte scan supplies physical line numbers.
    Returns (rows, DuckDB's record count); rows is None when the two readers
    disagree on the records (then Python's csv module reads the file, and
    its count is checked against both: correctness first)."""
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
        rejected = con.execute("SELECT count(DISTINCT line) FROM csv_reject_errors").fetchone()[0]
        # A file of garbage under a valid header: refuse before its rejected
        # lines are brought into Python (they once took gigabytes).
        _share_guard(rejected, good.num_rows + rejected, max_share, "cannot be read as CSV rows")
        rejects = con.execute(
            "SELECT line, any_value(error_type) AS error_type, any_value(csv_line) AS csv_line "
            "FROM csv_reject_errors GROUP BY line ORDER BY line"
        ).fetchall()
    except duckdb.Error:
        return None, None
    finally:
        con.execute(f"SET SESSION preserve_insertion_order = {'true' if ordered else 'false'}")
        con.execute("DROP TABLE IF EXISTS csv_reject_errors")
        con.execute("DROP TABLE IF EXISTS csv_reject_scans")
    duckdb_count = good.num_rows + len(rejects)
    starts, lines, blank = scan.starts, scan.lines, scan.blank
    data = np.arange(header_index + 1, len(starts))  # 0-based record indices after the header
    rejected_index = {int(line) - 1: (error_type, text) for line, error_type, text in rejects}
    keep = data[~blank[data]]
    if rejected_index:
        keep = keep[~np.isin(keep, np.fromiter(rejected_index, dtype=np.int64))]
    if len(keep) != good.num_rows or any(i >= len(starts) for i in rejected_index):
        return None, duckdb_count
    positions = pa.array(lines[keep])
    good = good.append_column("_line", positions).append_column("_pre_reason", pa.nulls(good.num_rows, pa.string()))
    extra: list[tuple[int, str | None, list[str]]] = []
    cut_off = len(starts) - 1 if scan.open_quote_line is not None and not scan.open_quote_spans_lines else None
    for index, (error_type, text) in sorted(rejected_index.items()):
        if index == cut_off:
            # The last line opens a quote and the file ends: a row cut off.
            extra.append((int(lines[index]), "missing_required", []))
            continue
        text = (text or "").strip("\r\n")
        try:
            fields = next(csv.reader([text], delimiter=delimiter), [])
        except csv.Error:
            fields = text.split(delimiter)
        if all(not f.strip() for f in fields):
            continue  # spaces or delimiters only: a blank line, not a row
        extra.append((int(lines[index]), DUCKDB_REJECT_REASON.get(error_type, "csv_malformed"), fields))
    if extra:
        good = pa.concat_tables([good, _rows_to_arrow(extra, width)])
    return good, duckdb_count


# DuckDB's CSV error types → reason codes. "UNQUOTED VALUE" (a quote inside
# a value that was not doubled) and an over-long line cannot be split into
# fields reliably.
DUCKDB_REJECT_REASON = {"TOO MANY COLUMNS": "too_many_fields", "MISSING COLUMNS": "missing_required"}


def _rows_to_arrow(rows: list[tuple[int, str | None, list[str]]], width: int) -> pa.Table:
    columns = {f"c{i}": pa.array([r[2][i] if i < len(r[2]) and r[2][i] != "" else None for r in rows], pa.string()) for i in range(width)}
    columns["_line"] = pa.array([r[0] for r in rows], pa.int64())
    columns["_pre_reason"] = pa.array([r[1] for r in rows], pa.string())
    return pa.table(columns)


PYTHON_BATCH_ROWS = 100_000  # rows turned into Arrow at a time, so Python objects stay few


def _read_csv_python(text_path: Path, delimiter: str, header_index: int, width: int,
                     scan: RecordScan) -> tuple[pa.Table, int]:
    """Reference reader: the standard library's csv module in strict mode,
    one record at a time, physical line numbers from the reader itself.
    Returns the rows and the number of records it read after the header.
    A record it cannot parse rejects the file whole, naming the line:
    stopping early would lose every row after it."""
    csv.field_size_limit(MAX_FIELD_BYTES)
    batches: list[pa.Table] = []
    rows: list[tuple[int, str | None, list[str]]] = []
    records = 0
    with open(text_path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        previous_end = 0
        record = 0
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                start_line = previous_end + 1
                if str(error).startswith("unexpected end of data") and reader.line_num == start_line:
                    # A quote left open in the last line only: a row cut off
                    # at the end of the file, quarantined as such.
                    records += 1
                    rows.append((start_line, "missing_required", []))
                    break
                if str(error).startswith("unexpected end of data"):
                    raise RejectedFile(
                        f"cannot be read to its end: a quote (\") opens a value on line {start_line} and is never "
                        f"closed, so every line after it, up to line {reader.line_num}, would be one value. Remove "
                        "or close that quote (a quote inside a value must be doubled, \"\", and the value quoted)"
                    ) from error
                raise RejectedFile(
                    f"cannot be read as CSV from line {start_line} on (the parser stopped at line "
                    f"{reader.line_num}: {error}). A quote inside a value must be doubled (\"\") and the value quoted"
                ) from error
            start_line = previous_end + 1
            previous_end = reader.line_num
            record += 1
            if record <= header_index + 1 or not fields:
                continue  # the header (or a title row above it), or a blank line
            records += 1
            if all(not f.strip() for f in fields):
                continue  # a row of delimiters only: not a row
            reason = None
            if len(fields) < width:
                reason = "missing_required"
            elif len(fields) > width:
                reason = "too_many_fields"
            rows.append((start_line, reason, fields))
            if len(rows) >= PYTHON_BATCH_ROWS:
                batches.append(_rows_to_arrow(rows, width))
                rows = []
    batches.append(_rows_to_arrow(rows, width))
    return pa.concat_tables(batches), records


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


_CELL_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,4})([0-9]{1,9})"')
_ROW_REF = re.compile(rb'<row\b[^>]*?\br="([0-9]{1,9})"')
_CELL_TAG = re.compile(rb"<c[\s/>]")


def _column_number(letters: bytes) -> int:
    number = 0
    for byte in letters:
        number = number * 26 + (byte - 64)
    return number


def _xlsx_guard(path: Path, max_bytes: int, max_cells: int) -> None:
    """Refuse a workbook that would exhaust memory before the XLSX reader
    sees it: the reader allocates every cell from A1 to the furthest cell
    used (one cell at XFD1048576 once asked for 512 GB and aborted the
    process), and a few MB of zip can unpack to gigabytes of XML. Sizes are
    counted while unpacking, never taken from the zip's own headers."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise RejectedFile(f"cannot be read as an XLSX workbook ({error})") from error
    unpacked = 0
    with archive:
        for info in archive.infolist():
            is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            rows = columns = cells = 0
            carry = b""
            try:
                with archive.open(info) as member:
                    while block := member.read(4 * 1024 * 1024):
                        unpacked += len(block)
                        if unpacked > max_bytes:
                            raise RejectedFile(
                                f"unpacks to more than {max_bytes / 2**20:,.0f} MB (BANSOS_XLSX_MAX_BYTES): too large to "
                                "read safely; save it as CSV or split it"
                            )
                        if not is_sheet:
                            continue
                        # Tags cut by a block boundary are carried to the next block.
                        text = carry + block
                        cut = text.rfind(b">") + 1
                        text, carry = text[:cut], text[cut:]
                        for letters, row in _CELL_REF.findall(text):
                            columns = max(columns, _column_number(letters))
                            rows = max(rows, int(row))
                        for row in _ROW_REF.findall(text):
                            rows = max(rows, int(row))
                        cells += len(_CELL_TAG.findall(text))
            except RejectedFile:
                raise
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, zlib.error) as error:
                raise RejectedFile(f"cannot be read as an XLSX workbook ({info.filename}: {error})") from error
            # Cells without a reference take the next column: count them too.
            extent = max(rows, 1) * max(columns, 1)
            if is_sheet and (extent > max_cells or cells > max_cells):
                where = f"{_column_letters(columns)}{rows}" if columns else f"{cells:,} cells"
                raise RejectedFile(
                    f"sheet file {info.filename} uses cells up to {where}: more than the {max_cells:,} cells "
                    "(BANSOS_XLSX_MAX_CELLS) that can be read safely. Delete the stray cells far from the table, "
                    "or save the sheet as CSV"
                )


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _read_xlsx(path: Path, kind_hint, optional_ok, warnings) -> ReadFile:
    from python_calamine import CalamineWorkbook

    _xlsx_guard(path, settings.get_int("xlsx_max_bytes"), settings.get_int("xlsx_max_cells"))
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own types for corrupt files
        raise RejectedFile(f"cannot be read as an XLSX workbook ({type(error).__name__}: {error})") from error
    all_misses = []
    for sheet_name in workbook.sheet_names:
        try:
            sheet = workbook.get_sheet_by_name(sheet_name)
            # Rows one at a time (sheet row 1 first, whatever the first used
            # row is), turned into Arrow in batches: a list of every cell as
            # Python objects would take several times the sheet's size.
            cells = sheet.iter_rows()
            head = list(itertools.islice(cells, HEADER_SEARCH_ROWS))
        except Exception as error:
            raise RejectedFile(f"sheet {sheet_name!r} cannot be read ({type(error).__name__}: {error})") from error
        for index, row in enumerate(head):
            match, misses = match_header(row, kind_hint, optional_ok)
            if not match:
                all_misses.append(misses)
                continue
            width = len(match.headers)
            identifiers = {match.columns[c.name] for c in match.kind.columns if c.is_identifier and c.name in match.columns}
            batches, rows = [], []
            for sheet_row, row_cells in enumerate(itertools.chain(head[index + 1 :], cells), start=index + 2):
                values = [_cell_text(v, p in identifiers) for p, v in enumerate(row_cells[:width])]
                extra = any(v not in (None, "") and str(v).strip() for v in row_cells[width:])
                if not extra and all(v is None or not str(v).strip() for v in values):
                    continue  # blank line, not a row
                rows.append((sheet_row, "too_many_fields" if extra else None, [v or "" for v in values]))
                if len(rows) >= PYTHON_BATCH_ROWS:
                    batches.append(_rows_to_arrow(rows, width))
                    rows = []
            batches.append(_rows_to_arrow(rows, width))
            table = pa.concat_tables(batches)
            if table.num_rows == 0:
                raise RejectedFile(f"sheet {sheet_name!r} has a header row but no data rows")
            if len(workbook.sheet_names) > 1:
                warnings.append(f"read sheet {sheet_name!r}")
            return ReadFile(match, "row", warnings, rows=table)
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
    return ReadFile(match, "row", warnings, parquet_sql=view_sql, expected_rows=rows)


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
    scratch: Path | None = None,
) -> ReadFile:
    """Read `path` and match its header to a kind. Uses `con` only for
    reading (and its own temporary reject tables). Temporary files (a
    transcoded copy of a Windows-1252 CSV) go to `scratch`, the load's
    private folder, else to a private folder of their own. Raises
    RejectedFile."""
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
    max_share = settings.get_float("max_quarantine_share")
    if scratch is not None:
        return _read_csv(con, path, kind_hint, optional_ok, warnings, scratch, force_python_csv, max_share)
    with tempfile.TemporaryDirectory(prefix="bansos-read-") as own:  # mode 0700
        return _read_csv(con, path, kind_hint, optional_ok, warnings, Path(own), force_python_csv, max_share)


def stage(con: duckdb.DuckDBPyConnection, read: ReadFile, table: str) -> StagedFile:
    """The staging view `table` of `con` over what `read_file` read."""
    names = _header_names(read.match)
    if read.parquet_sql is not None:
        try:
            con.execute(f"CREATE OR REPLACE TEMP VIEW {table} AS {read.parquet_sql}")
        except duckdb.Error as error:
            raise RejectedFile(f"cannot be read as Parquet ({str(error).splitlines()[0]})") from error
        return StagedFile(table, read.match.kind, names, read.line_label, read.warnings, expected_rows=read.expected_rows)
    registered = _create_staging(con, table, read.match, read.rows)
    return StagedFile(table, read.match.kind, names, read.line_label, read.warnings, registered)


def stage_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    table: str,
    kind_hint: str | None = None,
    as_of_given: bool = False,
    force_python_csv: bool = False,
    scratch: Path | None = None,
) -> StagedFile:
    """Read `path` into TEMP view `table` of `con`. Raises RejectedFile."""
    return stage(con, read_file(con, path, kind_hint, as_of_given, force_python_csv, scratch), table)
