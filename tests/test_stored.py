"""Stored answers (bansos/stored.py): the sidebar's and header's queries are
answered from tables every write session keeps, not asked again. What
must hold: the stored answer is the query's own answer, for every scope;
every kind of write keeps it current; a file without the tables (an
earlier schema) still reads; `check` finds a stale one; and a header
cannot store what a write could not keep current."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from bansos import i18n, maintenance, stored
from bansos.queries import QueryError, QueryFile, QueryRunner, bound_values, load_query, result_frame
from bansos.warehouse import open_read_only, reader_cursor, write_session
from tests.app_fixtures import app_key_file, app_test, demo_db  # noqa: F401
from tests.page_text import page_texts
from tests.ingest_files import (
    KELUARGA_HEADER, PENYALURAN_HEADER, execute, load, make_schema_4, row_for, write_csv,
)

# The five questions every page asks first, and Kualitas Data's status and freshness tables.
FOR_EVERY_SCOPE = {"options_regions", "options_periods", "options_snapshots", "programs", "warehouse_meta",
                   "warehouse_status", "freshness"}
# Kualitas Data's and Metodologi's tables of files and quarantine, for a reader of the whole warehouse.
WHOLE_WAREHOUSE = {"kualitas_totals", "kualitas_reasons", "quarantine_by_reason", "loads", "kualitas_pilots"}
EXPECTED = FOR_EVERY_SCOPE | WHOLE_WAREHOUSE


def _asked(db, name: str, scope) -> pd.DataFrame:
    """The query's own answer, asked of the file now (what the runner ran before)."""
    query = load_query(name)
    con = open_read_only(db)
    try:
        cursor = reader_cursor(con)
        values = {k: list(v) if isinstance(v, tuple) else v for k, v in bound_values(query.parameters, {}, scope).items()}
        return result_frame(cursor.execute(query.sql, values))
    finally:
        con.close()


def _differences(db) -> list[str]:
    con = open_read_only(db)
    try:
        return stored.differences(reader_cursor(con))
    finally:
        con.close()


def test_the_queries_asked_before_every_page_are_stored():
    assert set(stored.stored_names()) == EXPECTED


@pytest.mark.parametrize("scope", [None, ("35.10",), ("18.72", "35.10", "99.99"), ()],
                         ids=["everything", "one kab/kota", "two and an unknown one", "nothing"])
def test_a_stored_answer_is_the_query_s_own_answer_for_every_scope(demo_db, scope):  # noqa: F811
    runner = QueryRunner(demo_db, scope=scope, cache=False)
    try:
        for name in sorted(EXPECTED):
            got = runner.run(name)
            pd.testing.assert_frame_equal(got, _asked(demo_db, name, scope), check_exact=True, obj=name)
            if name == "options_regions":  # the demo's 34 kab/kota, or the scope's
                assert len(got) == (34 if scope is None else len(set(scope) - {"99.99"})), scope
    finally:
        runner.close()


def test_the_runner_reads_the_stored_table_and_check_finds_it_stale(demo_db, tmp_path, cli):  # noqa: F811
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, db)
    loads = int(_asked(db, "warehouse_meta", None).loads[0])
    assert loads > 0 and _differences(db) == []
    report = maintenance.check(db)
    assert "stored answers: all 12 equal their queries" in report.facts, report.facts
    # Changed behind the write session's back: the runner shows what is stored ...
    execute(db, "UPDATE stored_warehouse_meta SET loads = 999",
            "DELETE FROM stored_options_regions WHERE region_code = '35.10'",
            "UPDATE stored_kualitas_totals SET files = 999")
    assert int(QueryRunner(db, cache=False).run("warehouse_meta").loads[0]) == 999
    assert "35.10" not in set(QueryRunner(db, scope=("35.10", "18.72"), cache=False).run("options_regions").region_code)
    # ... and `check` says so, naming both tables and what to do.
    findings = " ".join(maintenance.check(db).findings)
    assert "stored_warehouse_meta differs" in findings and "stored_options_regions differs" in findings, findings
    assert "python -m bansos rebuild" in findings
    # A whole-warehouse answer serves the whole warehouse only: a scoped reader still asks.
    assert int(QueryRunner(db, cache=False).run("kualitas_totals").files[0]) == 999
    assert int(QueryRunner(db, scope=("35.10",), cache=False).run("kualitas_totals").files[0]) < 999
    assert "stored_kualitas_totals differs" in " ".join(maintenance.check(db).findings)
    rebuilt = cli("rebuild", "--db", db, timeout=300)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert int(QueryRunner(db, cache=False).run("warehouse_meta").loads[0]) == loads
    assert _differences(db) == []


def test_every_kind_of_write_keeps_them_current(warehouse, tmp_path, cli):
    runner = QueryRunner(warehouse, cache=False)
    assert runner.run("options_regions").empty and _differences(warehouse) == []  # the empty warehouse
    register = write_csv(tmp_path / "reg.csv", KELUARGA_HEADER, [row_for("keluarga", n) for n in (1, 2, 3)])
    [done] = load(warehouse, register)
    assert done.status == "loaded", done.message
    assert list(runner.run("options_regions").region_code) == ["35.10"] and _differences(warehouse) == []
    bank = write_csv(tmp_path / "bri.csv", PENYALURAN_HEADER,
                     [row_for("penyaluran", 1), row_for("penyaluran", 2, kode_wilayah="18.72.01.1001")])
    [done] = load(warehouse, bank)
    assert done.status == "loaded", done.message
    assert set(runner.run("options_regions").region_code) == {"18.72", "35.10"}
    assert len(runner.run("options_periods")) == 1 and int(runner.run("warehouse_meta").loads[0]) == 2
    assert _differences(warehouse) == []
    maintenance.unload(warehouse, 2)
    assert list(runner.run("options_regions").region_code) == ["35.10"] and runner.run("options_periods").empty
    assert _differences(warehouse) == []
    rebuilt = cli("rebuild", "--db", warehouse, timeout=300)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert _differences(warehouse) == []


def _page_says(db: Path, copy: Path, page: str) -> str:
    shutil.copyfile(db, copy)  # a copy: the app keeps the file it reads open
    at = app_test(copy, f"app_pages/{page}.py", timeout=120, lang="en")
    assert not at.exception, page
    return "\n".join(page_texts(at))


def test_a_file_of_an_earlier_schema_is_read_by_asking_until_migrate(demo_db, tmp_path, cli):  # noqa: F811
    """Schema 4 has no stored answers (and, as schema 5, no
    mart_allocation_region): the stored queries are asked instead; a page
    that reads the new mart says to run `migrate`, and after it every page
    is whole."""
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, db)
    make_schema_4(db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'stored_%'").fetchone()[0]
    runner = QueryRunner(db, scope=("35.10",), cache=False)
    for name in sorted(EXPECTED):
        pd.testing.assert_frame_equal(runner.run(name), _asked(db, name, ("35.10",)), check_exact=True, obj=name)
    runner.close()
    outdated, failed = i18n.t("error.warehouse_outdated", "en"), i18n.t("error.query", "en")
    said = _page_says(db, tmp_path / "shown-1.duckdb", "kualitas")  # asks only what schema 4 has
    assert outdated not in said and failed not in said
    said = _page_says(db, tmp_path / "shown-2.duckdb", "ringkasan")  # reads mart_allocation_region
    assert outdated in said and failed not in said
    assert "run `python -m bansos migrate`" in " ".join(maintenance.check(db).findings)
    migrated = cli("migrate", "--db", db, timeout=300)
    assert migrated.returncode == 0 and "it was at 4" in migrated.stdout, migrated.stdout + migrated.stderr
    assert _differences(db) == []
    for number, page in enumerate(("kualitas", "ringkasan")):
        said = _page_says(db, tmp_path / f"shown-{number + 3}.duckdb", page)
        assert outdated not in said and failed not in said, page
    execute(db, "DROP TABLE stored_programs")  # at this schema, a table gone is a finding
    assert "stored_programs is missing" in " ".join(maintenance.check(db).findings)


def _header(name: str, lines: str, parameters: set[str]) -> QueryFile:
    return QueryFile(name, "SELECT 1", frozenset(parameters), f"-- A query.\n{lines}")


@pytest.mark.parametrize("lines, parameters, why", [
    ("-- Stored:     always", set(), "reads one of"),
    ("-- Stored:     whole\n-- Stored:     whole", set(), "reads one of"),
    ("-- Stored:     whole", {"scope"}, "for a query without $scope"),
    ("-- Stored:     rows by region_code", set(), "for a query without $scope"),
    ("-- Stored:     for the whole warehouse", set(), "for a query without $scope"),
    ("-- Stored:     rows by region_code", {"scope", "as_of"}, "takes no parameter but $scope"),
    ("-- Stored:     whole", {"min_families"}, "takes no parameter but $scope"),  # a setting changes without a write
])
def test_a_header_cannot_store_what_a_write_would_not_keep_current(lines, parameters, why):
    with pytest.raises(QueryError, match=why.replace("$", r"\$")):
        stored.mode(_header("q", lines, parameters))
    assert stored.mode(_header("q", "-- Grain: one row.", parameters)) is None


def test_answers_written_by_other_stored_queries_are_not_read(demo_db, tmp_path, cli):  # noqa: F811
    """A file last written by a version whose stored queries differ (an
    earlier or a later one) holds their answers, not this version's: the
    runner asks the queries until the next write stores its own."""
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, db)
    loads = int(_asked(db, "warehouse_meta", None).loads[0])
    execute(db, "UPDATE stored_warehouse_meta SET loads = 999",
            f"UPDATE {stored.FINGERPRINT_TABLE} SET fingerprint = 'another version'::BLOB")
    assert int(QueryRunner(db, cache=False).run("warehouse_meta").loads[0]) == loads
    assert "written by another version" in " ".join(maintenance.check(db).findings)
    rebuilt = cli("rebuild", "--db", db, timeout=300)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert _differences(db) == []
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(f"SELECT fingerprint FROM {stored.FINGERPRINT_TABLE}").fetchone()[0] == bytes.fromhex(
            stored.fingerprint())


def test_a_long_answer_keeps_the_query_s_order(demo_db, tmp_path):  # noqa: F811
    """Answers of thousands of rows (a national warehouse's status table, its
    ledger) keep the query's order. A write session lets DuckDB reorder
    results; beyond 4,096 rows an ORDER BY result reached Arrow out of
    order now and then, and stored_warehouse_status differed every time."""
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, db)
    with write_session(db, what="a test") as session:  # forty years more of every tranche
        session.con.execute("INSERT INTO wh.mart_allocation SELECT a.* REPLACE (a.year - k AS year) "
                            "FROM wh.mart_allocation a, range(1, 41) t(k)")
    asked = _asked(db, "warehouse_status", None)
    assert len(asked) > 3 * 4096
    for _ in range(3):  # the reordering came and went: each write stores them again
        runner = QueryRunner(db, cache=False)
        pd.testing.assert_frame_equal(runner.run("warehouse_status"), asked, check_exact=True)
        runner.close()
        assert _differences(db) == []
        with write_session(db, what="a test"):
            pass


@pytest.mark.parametrize("sql", ["SELECT 1::UHUGEINT AS a", "SELECT 1 AS a, 2 AS a", "SELECT '101'::BIT AS a"])
def test_an_answer_that_would_not_come_back_as_it_went_in_is_refused(tmp_path, monkeypatch, sql):
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    monkeypatch.setattr(stored, "load_query", lambda name: QueryFile(name, sql, frozenset(), "-- Stored:     whole"))
    with pytest.raises(QueryError, match="distinct column names and plain types"):
        stored._store(con, "odd")
    con.close()
