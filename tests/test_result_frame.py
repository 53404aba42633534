"""queries.result_frame gives the frame DuckDB's `.df()` gives (columns,
dtypes, values), for every query the app runs and for every column type with
and without NULLs: the pages' numbers and formatting rest on those dtypes
(nullable Int64 for counts that can be NULL, NaN in rates, None in text)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from bansos.queries import PARAM_PATTERN, _bindable, _strip_comments, bound_values, load_query, query_names, result_frame
from bansos.warehouse import open_read_only, reader_cursor
from tests.app_fixtures import app_key_file, demo_db, empty_db  # noqa: F401
from tests.test_query_layer import SAMPLE, sample_params

TYPES = {  # DuckDB type: an expression of the row number i giving a value of it
    "DOUBLE": "i::DOUBLE", "FLOAT": "i::FLOAT", "HUGEINT": "i::HUGEINT", "BIGINT": "i::BIGINT", "INTEGER": "i::INTEGER",
    "SMALLINT": "i::SMALLINT", "TINYINT": "i::TINYINT", "UBIGINT": "i::UBIGINT", "BOOLEAN": "i > 0",
    "VARCHAR": "i::VARCHAR", "DATE": "DATE '2026-01-31' + i::INTEGER", "TIMESTAMP": "TIMESTAMP '2026-01-31 10:00' + to_days(i::INTEGER)",
    "DECIMAL(18,2)": "i::DECIMAL(18,2)", "DECIMAL(38,0)": "i::DECIMAL(38,0)", "VARCHAR[]": "[i::VARCHAR, 'x']",
    "BIGINT[]": "[i::BIGINT]",
    # not in result_frame's list: left to .df()
    "STRUCT": "{'a': i::INTEGER}", "INTERVAL": "to_days(i::INTEGER)", "TIMESTAMPTZ": "TIMESTAMPTZ '2026-01-31 10:00+07'",
}
NULLS = {"none": "{e}", "some": "CASE WHEN i = 1 THEN NULL ELSE {e} END", "all": "CASE WHEN true THEN NULL ELSE {e} END"}


def _same(cursor, sql: str, params: dict | None = None) -> None:
    expected = cursor.execute(sql, params or {}).df()
    got = result_frame(cursor.execute(sql, params or {}))
    pd.testing.assert_frame_equal(got, expected, check_dtype=True, check_exact=True)


@pytest.mark.parametrize("nulls", NULLS)
@pytest.mark.parametrize("type_name", TYPES)
def test_every_column_type_with_and_without_nulls(type_name, nulls):
    con = duckdb.connect()
    value = NULLS[nulls].format(e=TYPES[type_name])
    sql = f"SELECT i, {value} AS v, 'k' || i AS label FROM range(4) r(i)"
    _same(con, sql)
    _same(con, sql + " WHERE false")  # no rows


def test_repeated_column_names_and_no_columns_beyond_one():
    con = duckdb.connect()
    _same(con, "SELECT 1 AS a, NULL::DOUBLE AS a")
    _same(con, "SELECT NULL::BIGINT AS n")


def _every_query(db, scope):
    con = open_read_only(db)
    try:
        cursor = reader_cursor(con)
        variants = [dict(SAMPLE), {**SAMPLE, "regions": ["35.10", "18.72"], "as_of": "2026-01-31", "year": 2025,
                                   "tranche": 2, "program": "BPNT", "basis": "pmt"}]
        for name in query_names():
            sql = load_query(name).sql
            names = set(PARAM_PATTERN.findall(_strip_comments(sql)))
            for variant in variants:
                params = {p: variant[p] for p in load_query(name).caller_parameters}
                values = {k: _bindable(v) for k, v in bound_values(names, params, scope).items()}
                try:
                    _same(cursor, sql, values)
                except AssertionError as error:
                    raise AssertionError(f"{name} {params} scope={scope}: {error}") from error
        cursor.close()
    finally:
        con.close()


@pytest.mark.parametrize("scope", [None, ("35.10",)])
def test_every_query_on_the_demo_warehouse(demo_db, scope):
    _every_query(demo_db, scope)


def test_every_query_on_an_empty_warehouse(empty_db):
    _every_query(empty_db, None)


def test_the_runner_uses_it(demo_db):
    from bansos.queries import QueryRunner
    runner = QueryRunner(demo_db, cache=False)
    try:
        frame = runner.run("totals_by_period", **sample_params("totals_by_period"))
        # the first tranche has no previous one: NaN in a rate, a nullable integer for a count
        assert pd.isna(frame.prev_coverage.iloc[0]) and str(frame.prev_year.dtype) == "Int16"
    finally:
        runner.close()
