"""The marts on Apache Spark equal DuckDB's (bansos/spark_marts.py).

The same mart SQL runs on both engines (SQLGlot transpiles DuckDB's dialect
to Spark's). Here, on the hand-computed fixture of
tests/test_indicators_fixture.py and on a small demo warehouse, Spark's marts
are compared with DuckDB's table by table (types, and every row: counts
exactly) and through the indicators the pages show (rates to 1e-12); the
command line is run end to end; and the mart SQL is checked for constructs
SQLGlot cannot carry, which needs no Spark.

One Spark session (local[2]) serves the whole module; the command-line
test starts its own, as a user's command would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from bansos import lake, marts, spark_marts
from bansos.queries import QueryRunner
from tests.app_fixtures import app_key_file, demo_db  # noqa: F401

REPO = Path(__file__).resolve().parent.parent
MASTER = "local[2]"
COUNTS = ["eligible_families", "eligible_covered", "recipients", "eligible_recipients", "not_in_register",
          "allocated_amount", "disbursed_amount", "paid_families", "timely_families"]
RATES = ["coverage", "exclusion_error", "inclusion_error", "disbursement_rate", "disbursement_rate_families", "timeliness"]


# -- no Spark needed ------------------------------------------------------------------


def test_the_mart_sql_carries_to_spark():
    statements = spark_marts.spark_statements()
    # Every statement of every mart file, each making what its header says.
    made = [s.name for s in statements]
    declared = [name for path in marts.mart_files() for name in marts.declared(path)[1]]
    assert sorted(made) == sorted(declared)
    assert set(marts.mart_names()) <= set(made)
    # Marts read only the current facts and reference tables.
    assert spark_marts.inputs(statements) == {
        "current_family", "current_allocation", "ref_program", "ref_tranche_calendar", "ref_pilot", "ref_region",
        "ref_comparison",
    }
    # The one parameter (the timeliness setting) is bound, never pasted into the SQL.
    assert sorted((s.name, s.parameters) for s in statements if s.parameters) == [
        ("mart_allocation", ("timely_days",)), ("mart_signal_family", ("timely_days",))]
    assert all("$" not in s.sql for s in statements)
    # Tables are materialised on Spark; the views (t_alloc, t_signal_live) stay views on both engines.
    assert sorted(s.name for s in statements if not s.materialise) == ["t_alloc", "t_signal_live"]


@pytest.mark.parametrize("statement, refusal", [
    ("CREATE OR REPLACE TEMP MACRO f(a) AS a + 1", "CREATE MACRO"),
    ("CREATE TABLE t AS SELECT a.x FROM a JOIN b ON b.d = (SELECT max(c.d) FROM c WHERE c.k = a.k)", "subquery in a JOIN"),
    ("CREATE TABLE t AS SELECT make_date(2026, 1, 1) + to_days(30) AS d", "TO_DAYS"),
    ("CREATE TABLE t AS SELECT list_contains([1, 2], x) AS y FROM a", "not checked on Spark"),
    ("DROP TABLE t", "not portable"),
    ("INSERT INTO t SELECT 1", "not portable"),
])
def test_duckdb_only_constructs_are_refused(statement, refusal):
    with pytest.raises(spark_marts.NotPortable, match=refusal):
        spark_marts.translate(statement, "x.sql")


def test_missing_java_is_one_clear_message(tmp_path, app_key_file):
    env = {**os.environ, "PATH": str(tmp_path), "BANSOS_KEY_FILE": str(app_key_file)}
    env.pop("JAVA_HOME", None)
    db = tmp_path / "w.duckdb"
    db.write_bytes(b"")  # never opened: Java is checked first
    result = subprocess.run([sys.executable, "-m", "bansos", "rebuild", "--db", str(db), "--engine", "spark"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Java 17" in result.stderr and "openjdk-17-jre-headless" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_cluster_without_a_lake_and_a_lake_without_spark_are_refused(tmp_path, app_key_file):
    env = {**os.environ, "BANSOS_KEY_FILE": str(app_key_file)}
    db = tmp_path / "w.duckdb"
    db.write_bytes(b"")  # never opened: both are refused before anything starts

    def rebuild(*args):
        return subprocess.run([sys.executable, "-m", "bansos", "rebuild", "--db", str(db), *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120)

    cluster = rebuild("--engine", "spark", "--spark-master", "spark://example:7077")
    assert cluster.returncode == 1 and "--lake DIR" in cluster.stderr and "Traceback" not in cluster.stderr
    no_spark = rebuild("--lake", str(tmp_path))
    assert no_spark.returncode == 2 and "--lake is for --engine spark" in no_spark.stderr


# -- on Spark ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine():
    with spark_marts.SparkEngine(MASTER) as running:
        folder = running.folder
        yield running
    assert not folder.exists()  # the JVM's temporary files went with it


def test_every_function_the_marts_call_exists_in_spark(engine):
    names = {row.function for row in engine.session.sql("SHOW FUNCTIONS").collect()}
    assert {name.lower() for name in spark_marts.SPARK_FUNCTIONS} <= names


def assert_marts_equal(spark_db: Path, duckdb_db: Path) -> None:
    """Table by table: the same columns and types, and the same rows (every
    count exactly: the marts hold counts, amounts, dates and codes)."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{spark_db}' AS s (READ_ONLY)")
    con.execute(f"ATTACH '{duckdb_db}' AS d (READ_ONLY)")
    for table in marts.mart_names():
        assert con.execute(f"DESCRIBE s.{table}").fetchall() == con.execute(f"DESCRIBE d.{table}").fetchall(), table
        rows = con.execute(f"SELECT count(*) FROM d.{table}").fetchall()[0][0]
        assert con.execute(f"SELECT count(*) FROM s.{table}").fetchall()[0][0] == rows, table
        for left, right in (("s", "d"), ("d", "s")):
            differ = con.execute(f"SELECT count(*) FROM (SELECT * FROM {left}.{table} EXCEPT ALL SELECT * FROM {right}.{table})")
            assert differ.fetchall()[0][0] == 0, table
    engines = dict(con.execute("SELECT 's', value FROM s.meta WHERE key = 'marts_engine' UNION ALL "
                               "SELECT 'd', value FROM d.meta WHERE key = 'marts_engine'").fetchall())
    assert engines == {"s": f"spark ({MASTER})", "d": "duckdb"}
    con.close()


def assert_indicators_equal(spark_db: Path, duckdb_db: Path) -> int:
    """What the pages show: region indicators for every snapshot, basis,
    programme and tranche; counts exactly, rates to 1e-12."""
    con = duckdb.connect(str(duckdb_db), read_only=True)
    periods = con.execute("SELECT DISTINCT program, year, tranche FROM mart_allocation ORDER BY ALL").fetchall()
    snapshots = [None] + [str(r[0]) for r in con.execute("SELECT DISTINCT as_of FROM mart_snapshot ORDER BY 1").fetchall()]
    con.close()
    on_spark, on_duckdb = QueryRunner(spark_db, cache=False), QueryRunner(duckdb_db, cache=False)
    compared = 0
    try:
        for basis in ("desil", "layak"):
            for as_of in snapshots:
                for program, year, tranche in periods:
                    params = dict(as_of=as_of, basis=basis, program=program, year=year, tranche=tranche, province=None, regions=None)
                    got = on_spark.run("region_indicators", **params).set_index("region_code").sort_index()
                    want = on_duckdb.run("region_indicators", **params).set_index("region_code").sort_index()
                    assert list(got.index) == list(want.index)
                    for column in COUNTS:
                        left, right = (pd.to_numeric(f[column], errors="coerce").astype(float) for f in (got, want))
                        assert np.array_equal(left.isna(), right.isna()) and left.fillna(-1).equals(right.fillna(-1)), (params, column)
                    for column in RATES:
                        left, right = (pd.to_numeric(f[column], errors="coerce").astype(float) for f in (got, want))
                        assert np.array_equal(left.isna(), right.isna()), (params, column)
                        assert np.allclose(left.fillna(-1), right.fillna(-1), rtol=0, atol=1e-12), (params, column)
                    compared += len(got)
    finally:
        on_spark.close()
        on_duckdb.close()
    return compared


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory):
    """The hand-built warehouse of tests/test_indicators_fixture.py (marts by DuckDB, at load)."""
    from tests.test_indicators_fixture import build_warehouse

    folder = tmp_path_factory.mktemp("spark-fixture")
    saved = {name: os.environ.pop(name, None) for name in ("BANSOS_KEY", "BANSOS_KEY_FILE")}
    os.environ["BANSOS_KEY_FILE"] = str(folder / "keys" / "key")  # never beside the warehouse
    try:
        yield build_warehouse(folder)
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value


def test_fixture_marts_on_spark_equal_duckdb_and_the_hand_computed_numbers(engine, fixture_db, tmp_path):
    copy = tmp_path / "spark.duckdb"
    shutil.copyfile(fixture_db, copy)
    rows = spark_marts.rebuild_warehouse(copy, engine)
    assert set(rows) == set(marts.mart_names())
    assert_marts_equal(copy, fixture_db)
    # 2 bases × 4 snapshots (latest; as_of 2025-06-30, 2025-12-31, 2026-01-31) × 3 periods × 3 regions.
    assert assert_indicators_equal(copy, fixture_db) == 2 * 4 * 3 * 3
    # The hand-computed numbers of tests/test_indicators_fixture.py, read from Spark's marts.
    runner = QueryRunner(copy, cache=False)
    frame = runner.run("region_indicators", as_of=None, basis="desil", program="PKH", year=2026, tranche=1, province=None, regions=None)
    got = {r.region_code: r for r in frame.itertuples()}
    a, b = got["18.72"], got["18.71"]
    # A: E_A = {A1, A2, A3, A9}, covered {A1, A2, A9}; R_A = {A1, A2, A7, N1, B1}, eligible A1, A2, B1; N1 in no register.
    assert (a.eligible_families, a.eligible_covered, a.recipients, a.eligible_recipients, a.not_in_register) == (4, 3, 5, 3, 1)
    # Paid A1 (20 Jan), A7 (15 Feb), B1 (10 Jan); timely by 31 Jan: A1, B1. 5 × 600.000 allocated, 3 paid.
    assert (a.paid_families, a.timely_families, a.allocated_amount, a.disbursed_amount) == (3, 2, 3_000_000, 1_800_000)
    # B: E_B = {B1, B2}, both allocated; R_B = {B2, B5, A9}, B2 and A9 eligible.
    assert (b.eligible_families, b.eligible_covered, b.recipients, b.eligible_recipients) == (2, 2, 3, 2)
    funnel = runner.run("funnel", as_of=None, program="PKH", year=2026, tranche=2, province=None, regions=["18.72"]).iloc[0]
    # New registrations A2-A8 (7); decided 6; final layak A2, A4, A8 + A3 (upheld) = 4; A3 allocated and paid in T2.
    assert (funnel.new_registrations, funnel.decided, funnel.final_layak, funnel.recipients, funnel.paid) == (7, 6, 4, 1, 1)
    runner.close()


def test_demo_marts_on_spark_from_an_exported_lake_equal_duckdb(engine, demo_db, app_key_file, tmp_path, monkeypatch):
    monkeypatch.setenv("BANSOS_KEY_FILE", str(app_key_file))
    monkeypatch.delenv("BANSOS_KEY", raising=False)
    copy = tmp_path / "spark.duckdb"
    shutil.copyfile(demo_db, copy)
    exported = subprocess.run([sys.executable, "-m", "bansos", "export", "lake", "--db", str(demo_db), "--out", str(tmp_path / "lake")],
                              cwd=REPO, env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert exported.returncode == 0, exported.stderr
    spark_marts.rebuild_warehouse(copy, engine, tmp_path / "lake")
    assert_marts_equal(copy, demo_db)
    assert assert_indicators_equal(copy, demo_db) > 1000
    assert_every_query_equal(copy, demo_db)


def _in_row_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by their values, so that ties a query leaves unordered compare equal."""
    keys = ["|".join(map(repr, row)) for row in frame.itertuples(index=False)]
    return frame.iloc[sorted(range(len(keys)), key=keys.__getitem__)].reset_index(drop=True)


def assert_every_query_equal(spark_db: Path, duckdb_db: Path) -> None:
    """Every query the pages run (queries/*.sql, with the sample parameters
    of tests/test_query_layer.py) gives the same rows on both warehouses;
    numbers to 1e-12. Only `marts_built_at` (when the marts were built) may
    differ."""
    from bansos.queries import query_names
    from tests.test_query_layer import sample_params

    on_spark, on_duckdb = QueryRunner(spark_db, cache=False), QueryRunner(duckdb_db, cache=False)
    compared = 0
    try:
        for name in query_names():
            frames = [r.run(name, **sample_params(name)).drop(columns=["marts_built_at"], errors="ignore")
                      for r in (on_spark, on_duckdb)]
            got, want = (_in_row_order(f) for f in frames)
            pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=0, atol=1e-12, obj=name)
            compared += len(want)
    finally:
        on_spark.close()
        on_duckdb.close()
    assert compared > 1000


def test_a_lake_of_other_facts_is_refused_before_spark_runs(engine, demo_db, app_key_file, tmp_path, monkeypatch):
    from bansos import maintenance
    from bansos.warehouse import data_version

    monkeypatch.setenv("BANSOS_KEY_FILE", str(app_key_file))
    monkeypatch.delenv("BANSOS_KEY", raising=False)
    copy = tmp_path / "w.duckdb"
    shutil.copyfile(demo_db, copy)
    con = duckdb.connect()
    con.execute(f"ATTACH '{copy}' AS wh (READ_ONLY)")
    lake.write(con, "wh", tmp_path / "lake")
    last = con.execute("SELECT max(load_id) FROM wh.load_ledger").fetchall()[0][0]
    con.close()
    maintenance.unload(copy, last, "test")  # the facts change after the lake was made
    before = data_version(copy)
    with pytest.raises(lake.LakeError, match="export it again"):
        spark_marts.rebuild_warehouse(copy, engine, tmp_path / "lake")
    assert data_version(copy) == before  # the warehouse was not touched


def test_command_line_spark_rebuild_gives_the_same_exports(demo_db, app_key_file, tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "BANSOS_KEY_FILE": str(app_key_file), "BANSOS_TEMP_DIR": str(scratch)}
    env.pop("BANSOS_KEY", None)

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "bansos", *map(str, args)], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=900)

    on_duckdb, on_spark = tmp_path / "duckdb.duckdb", tmp_path / "spark.duckdb"
    shutil.copyfile(demo_db, on_duckdb)
    shutil.copyfile(demo_db, on_spark)
    assert cli("rebuild", "--db", on_duckdb).returncode == 0
    result = cli("rebuild", "--db", on_spark, "--engine", "spark", "--spark-master", MASTER)
    assert result.returncode == 0, result.stderr
    # One line of its own; Spark's banner and log lines went to its private log.
    assert result.stderr == "" and len(result.stdout.strip().splitlines()) == 1
    assert f"on Spark ({MASTER})" in result.stdout
    for extra in ([], ["--basis", "layak"]):
        exports = [cli("export", "region-indicators", "--db", db, *extra) for db in (on_duckdb, on_spark)]
        assert all(e.returncode == 0 for e in exports)
        assert exports[0].stdout == exports[1].stdout and exports[0].stdout.count("\n") > 30
    check = cli("check", "--db", on_spark)
    assert check.returncode == 0 and f"marts: all {len(marts.mart_names())} equal a rebuild from the facts" in check.stdout
    # Nothing left behind: the load's private folder and Spark's are gone.
    assert list(scratch.iterdir()) == []
