"""The standard CSV written by DuckDB's COPY (bansos/export.py) is byte for
byte the CSV the pandas writer makes: on hostile values, on every export
table of the demo warehouse, and when a column holds mixed Python objects
(then the pandas path is taken)."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from bansos import export
from bansos.export import ExportFilters
from bansos.queries import QueryRunner
from tests.app_fixtures import app_key_file, demo_db  # noqa: F401


def by_pandas(made: export.Export) -> bytes:
    text = export._text_frame(made).to_csv(index=False, lineterminator="\n")
    return ("\ufeff" + text).encode("utf-8")


def hostile(rows: int) -> pd.DataFrame:
    texts = ["a", "", None, "x,y", 'q"z', "line\nbreak", "crlf\r\nbreak", "ünïcödé", " lead", "=SUM(A1)", "35.10"]
    floats = [0.1, 1e-05, 100.0, 1 / 3, None, 1e16, 2.5e-07, 0.7781818181818182, 0.0, -0.5, float("nan")]
    return pd.DataFrame({
        "name": [texts[i % len(texts)] for i in range(rows)],
        "rate": [floats[i % len(floats)] for i in range(rows)],
        "count": [None if i % 7 == 0 else float(i) for i in range(rows)],  # whole numbers held as floats
        "amount": np.arange(rows, dtype="int64") * 1000,
        "flag": [None if i % 5 == 0 else bool(i % 2) for i in range(rows)],
        "as_of": [None if i % 4 == 0 else date(2026, 1, 1 + i % 28) for i in range(rows)],
        "moment": [datetime(2026, 3, 1 + i % 28, 10, 30) for i in range(rows)],
    })


KINDS = {"name": "text", "rate": "rate", "count": "int", "amount": "rp", "flag": "bool", "as_of": "date", "moment": "date"}


def test_hostile_values_give_the_same_bytes_both_ways():
    made = export.frame_export("hostile", hostile(3000), "hostile values", kinds=KINDS)
    assert export._copyable(made)  # the COPY path is the one taken
    assert export.to_csv_bytes(made) == by_pandas(made)


def test_a_carriage_return_in_a_text_takes_the_pandas_path():
    # DuckDB quotes a field holding a lone CR, the pandas writer (line ending "\n") does not: such a file
    # keeps the pandas form, so both paths never differ.
    frame = hostile(2000).assign(name=["carriage\rreturn" if i == 5 else "a" for i in range(2000)])
    made = export.frame_export("cr", frame, "a CR in a text", kinds=KINDS)
    assert not export._copyable(made)
    assert export.to_csv_bytes(made) == by_pandas(made)


def test_a_column_of_mixed_objects_takes_the_pandas_path_with_the_same_result():
    frame = hostile(2000).assign(name=[i if i % 3 == 0 else f"r{i}" for i in range(2000)])
    made = export.frame_export("mixed", frame, "numbers among texts", kinds=KINDS)
    assert not export._copyable(made)
    assert export.to_csv_bytes(made) == by_pandas(made)


def test_empty_export_is_the_header_only():
    made = export.frame_export("empty", hostile(0), "no rows", kinds=KINDS)
    assert export.to_csv_bytes(made) == by_pandas(made) == "\ufeffname,rate,count,amount,flag,as_of,moment\n".encode()


@pytest.mark.parametrize("table", ["region-indicators", "signals", "loads", "quarantine-summary", "quarantine",
                                   "families", "signal-families"])
def test_every_export_table_of_the_demo_gives_the_same_bytes(demo_db, table):  # noqa: F811
    made = export.collect(table, ExportFilters(), QueryRunner(demo_db, cache=False))
    assert export.to_csv_bytes(made) == by_pandas(made)
    if export._copyable(made):  # also below COPY_FROM_ROWS: the COPY writer checked on every table it takes
        assert b"\xef\xbb\xbf" + export._copy_csv(made) == by_pandas(made)
    else:
        assert table == "loads"  # its load time is a timestamp shown as text: pandas writes it


def test_the_large_tables_are_written_by_copy(demo_db):  # noqa: F811
    runner = QueryRunner(demo_db, cache=False)
    for table in ("families", "signals"):
        made = export.collect(table, ExportFilters(), runner)
        assert len(made.frame) >= export.COPY_FROM_ROWS and export._copyable(made), table
