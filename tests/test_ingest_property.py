"""Property ("nothing is lost", docs/extract-contract.md): for generated CSV files — both
kinds, `,` or `;`, random mixes of valid rows, rows that break a rule,
duplicates, quoted fields with delimiters, quotes and newlines, blank lines,
Excel's delimiter-only lines and a row cut off at the end — rows read =
rows loaded + rows quarantined, rows read = the data rows written, and the
quarantined rows are exactly the bad ones, at their physical lines.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ingest_files import (
    fetch,
    header_for,
    load,
    record,
    row_for,
    scalar,
    csv_line,
    write_csv_lines,
)

FREE_TEXT = {"penyaluran": "id_transaksi", "keluarga": "alasan"}
# Values that break exactly one rule each, per kind.
BAD = {
    "penyaluran": [
        ("no_kk", "3.51001E+15"), ("nik", "351001"), ("kode_wilayah", "35.10.01.9999"), ("program", "BERAS"),
        ("tahap", "5"), ("nominal", "enam ratus"), ("status_salur", "lunas"), ("tanggal_salur", "31/02/2026"),
        ("status_salur", ""),
    ],
    "keluarga": [
        ("no_kk", "3.51001E+15"), ("nik_kepala", "12"), ("kode_wilayah", "99.99"), ("desil", "11"),
        ("jumlah_anggota", "0"), ("status_kelayakan", "mungkin"), ("tanggal_data", "31/02/2026"), ("sanggah", "x"),
    ],
}

free_text = st.text(alphabet="abcXYZ 019',;\"\n", max_size=12)
items = st.one_of(
    st.tuples(st.just("valid"), free_text),
    st.tuples(st.just("bad"), st.integers(min_value=0, max_value=8)),
    st.tuples(st.just("duplicate"), st.integers(min_value=0, max_value=1000)),
    st.tuples(st.just("blank"), st.sampled_from(["", "   ", "excel"])),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["penyaluran", "keluarga"]),
    delimiter=st.sampled_from([",", ";"]),
    plan=st.lists(items, min_size=1, max_size=12),
    cut_after=st.one_of(st.none(), st.integers(min_value=1, max_value=10)),
    crlf=st.booleans(),
    force_python_csv=st.booleans(),
)
def test_every_row_read_is_loaded_or_quarantined(warehouse, kind, delimiter, plan, cut_after, crlf, force_python_csv):
    header = header_for(kind)
    lines = [csv_line(header, delimiter)]
    line_no = 2  # the next physical line (header = 1)
    valid_rows: list[dict] = []
    expected_rows = 0
    expected_bad_lines = []
    for number, (what, detail) in enumerate(plan, start=1):
        if what == "blank":
            text = delimiter * (len(header) - 1) if detail == "excel" else detail
        else:
            if what == "valid" or (what == "duplicate" and not valid_rows):
                row = row_for(kind, number, **{FREE_TEXT[kind]: detail})
                valid_rows.append(row)
            elif what == "duplicate":
                row = dict(valid_rows[detail % len(valid_rows)])  # same key as an earlier loaded row
                expected_bad_lines.append(line_no)
            else:
                column, value = BAD[kind][detail % len(BAD[kind])]
                row = row_for(kind, number, **{column: value})
                expected_bad_lines.append(line_no)
            text = record(header, row, delimiter)
            expected_rows += 1
        lines.append(text)
        line_no += 1 + text.count("\n")
    final_newline = True
    if cut_after is not None:
        # The transfer stopped mid-row: the first fields of one more row, no newline.
        row = row_for(kind, 999)
        lines.append(delimiter.join(record(header, row, delimiter).split(delimiter)[:cut_after]))
        expected_rows += 1
        expected_bad_lines.append(line_no)
        final_newline = False

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "warehouse.duckdb"
        shutil.copyfile(warehouse, db)  # a fresh, empty warehouse per example
        path = write_csv_lines(Path(folder) / "extract.csv", lines, newline="\r\n" if crlf else "\n", final_newline=final_newline)

        if expected_rows == 0:
            # A header and blank lines only: no rows, whatever the status.
            [result] = load(db, path, kind=kind, force_python_csv=force_python_csv)
            assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (0, 0, 0)
            return

        [result] = load(db, path, kind=kind, force_python_csv=force_python_csv)

        assert result.status == "loaded", result.message
        assert result.rows_read == result.rows_loaded + result.rows_quarantined
        assert result.rows_read == expected_rows
        assert result.rows_quarantined == len(expected_bad_lines)
        quarantined = fetch(db, "SELECT line, reasons FROM quarantine ORDER BY line")
        assert [line for line, _ in quarantined] == expected_bad_lines
        assert all(reasons for _, reasons in quarantined)
        table = "fact_allocation" if kind == "penyaluran" else "fact_family"
        assert scalar(db, f"SELECT count(*) FROM {table}") == result.rows_loaded


def _plan_rows(kind: str, plan) -> tuple[list[dict | None], list[int], int]:
    """Rows for a plan (None = a blank row), the 0-based indices of the rows
    that must be quarantined, and how many rows are not blank."""
    rows: list[dict | None] = []
    valid_rows: list[dict] = []
    bad = []
    for number, (what, detail) in enumerate(plan, start=1):
        if what == "blank":
            rows.append(None)
            continue
        if what == "valid" or (what == "duplicate" and not valid_rows):
            row = row_for(kind, number, **{FREE_TEXT[kind]: detail})
            valid_rows.append(row)
        elif what == "duplicate":
            row = dict(valid_rows[detail % len(valid_rows)])
            bad.append(len(rows))
        else:
            column, value = BAD[kind][detail % len(BAD[kind])]
            row = row_for(kind, number, **{column: value})
            bad.append(len(rows))
        rows.append(row)
    return rows, bad, sum(1 for r in rows if r is not None)


def _check_accounting(db: Path, kind: str, result, expected_rows: int, expected_lines: list[int]) -> None:
    assert result.status == "loaded", result.message
    assert result.rows_read == expected_rows
    assert result.rows_read == result.rows_loaded + result.rows_quarantined
    quarantined = fetch(db, "SELECT line, reasons FROM quarantine ORDER BY line")
    assert [line for line, _ in quarantined] == expected_lines
    assert all(reasons for _, reasons in quarantined)
    table = "fact_allocation" if kind == "penyaluran" else "fact_family"
    # Counted from the warehouse, not from the load's own figures.
    assert scalar(db, f"SELECT count(*) FROM {table}") == result.rows_loaded == expected_rows - len(expected_lines)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["penyaluran", "keluarga"]), plan=st.lists(items, min_size=1, max_size=12),
       title_rows=st.integers(min_value=0, max_value=3))
def test_every_xlsx_row_read_is_loaded_or_quarantined(warehouse, kind, plan, title_rows):
    from tests.ingest_files import write_xlsx

    rows, bad, expected_rows = _plan_rows(kind, plan)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "warehouse.duckdb"
        shutil.copyfile(warehouse, db)
        path = Path(folder) / "extract.xlsx"
        positions = write_xlsx(path, header_for(kind), rows, title_rows=["LAPORAN"] + [None] * (title_rows - 1) if title_rows else ())
        if expected_rows == 0:
            [result] = load(db, path, kind=kind)
            assert result.status == "rejected" and "no data rows" in result.message
            return
        [result] = load(db, path, kind=kind)
        _check_accounting(db, kind, result, expected_rows, [positions[i] for i in bad])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["penyaluran", "keluarga"]),
       plan=st.lists(items.filter(lambda item: item[0] != "blank"), min_size=1, max_size=12))
def test_every_parquet_row_read_is_loaded_or_quarantined(warehouse, kind, plan):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows, bad, expected_rows = _plan_rows(kind, plan)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "warehouse.duckdb"
        shutil.copyfile(warehouse, db)
        path = Path(folder) / "extract.parquet"
        columns = {h: pa.array([None if r[h] in (None, "") else str(r[h]) for r in rows], pa.string()) for h in header_for(kind)}
        pq.write_table(pa.table(columns), path)
        [result] = load(db, path, kind=kind)
        _check_accounting(db, kind, result, expected_rows, [i + 1 for i in bad])
