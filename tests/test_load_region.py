"""load_region: the kab/kota of each load's rows, written with the load, so
that a reader limited to some regions sees its own files in Kualitas Data
without a scan of every fact row (queries/loads.sql, kualitas_totals.sql).

The file here, by hand (penyaluran, 5 rows):
  rows 1-2  valid, Kota Metro 18.72        -> stored
  row 3     valid, Banyuwangi 35.10        -> stored
  row 4     nominal "abc", Lampung Selatan 18.01 -> quarantined, names 18.01
  row 5     nominal "abc", kode_wilayah "1"      -> quarantined, names no kab/kota
So load 1 belongs to 18.01, 18.72 and 35.10, and to no other.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bansos import maintenance
from bansos.queries import QueryRunner
from tests.ingest_files import PENYALURAN_HEADER, execute, fetch, load, make_schema_2, row_for, write_csv

THREE = [("18.01",), ("18.72",), ("35.10",)]


@pytest.fixture
def db(warehouse, tmp_path):
    rows = [row_for("penyaluran", 1, kode_wilayah="18.72.01.1001"), row_for("penyaluran", 2, kode_wilayah="18.72.01.1001"),
            row_for("penyaluran", 3, kode_wilayah="35.10.01.2001"),
            row_for("penyaluran", 4, kode_wilayah="18.01.01.1001", nominal="abc"),
            row_for("penyaluran", 5, kode_wilayah="1", nominal="abc")]
    [result] = load(warehouse, write_csv(tmp_path / "bri.csv", PENYALURAN_HEADER, rows))
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("loaded", 3, 2), result.message
    return warehouse


def _loads(db: Path, scope: tuple[str, ...] | None) -> list[int]:
    return QueryRunner(db, scope=scope, cache=False).run("loads")["load_id"].tolist()


def test_a_load_records_the_regions_of_its_stored_and_quarantined_rows(db):
    assert fetch(db, "SELECT region_code FROM load_region WHERE load_id = 1 ORDER BY 1") == THREE


def test_a_scoped_reader_sees_the_files_with_rows_in_its_regions_only(db):
    assert _loads(db, ("18.01",)) == [1]  # a quarantined row alone puts the file there
    assert _loads(db, ("35.10",)) == [1]
    assert _loads(db, ("32.73",)) == []
    totals = QueryRunner(db, scope=("32.73",), cache=False).run("kualitas_totals").iloc[0]
    assert (totals.files, totals.rows_read) == (0, 0)
    totals = QueryRunner(db, scope=("18.01",), cache=False).run("kualitas_totals").iloc[0]
    # the whole file's ledger counts; of the quarantined rows only row 4 names 18.01
    assert (totals.files, totals.rows_read, totals.rows_quarantined, totals.quarantined_rows) == (1, 5, 2, 1)


def test_the_ledger_queries_read_no_facts():
    # What keeps Kualitas Data fast however large the facts grow.
    for name in ("loads", "kualitas_totals"):
        text = (Path(__file__).resolve().parent.parent / "queries" / f"{name}.sql").read_text()
        assert "fact_" not in text and "current_" not in text, name


def test_an_unloaded_load_stays_in_its_regions_history(db):
    maintenance.unload(db, 1)
    runner = QueryRunner(db, scope=("18.72",), cache=False)
    loads = runner.run("loads")
    assert loads["load_id"].tolist() == [1] and loads["unloaded_at"].notna().all()
    assert maintenance.check(db).ok, maintenance.check(db).findings


def test_check_finds_a_load_region_that_differs_from_the_rows(db):
    assert maintenance.check(db).ok
    execute(db, "DELETE FROM load_region WHERE region_code = '35.10'")
    report = maintenance.check(db)
    assert not report.ok
    assert any("load_region" in f and "#1" in f for f in report.findings), report.findings


def test_migrate_from_schema_2_records_the_regions_of_the_loads_stored(db, tmp_path, cli):
    make_schema_2(db)
    more = write_csv(tmp_path / "pos.csv", PENYALURAN_HEADER, [row_for("penyaluran", 9, kode_wilayah="32.73.01.1001")])

    refused = cli("ingest", "--db", db, more)
    assert refused.returncode == 1 and "python -m bansos migrate" in refused.stderr + refused.stdout

    migrated = cli("migrate", "--db", db)
    assert migrated.returncode == 0, migrated.stderr
    assert "it was at 2" in migrated.stdout and "cannot be brought back" not in migrated.stdout
    assert fetch(db, "SELECT region_code FROM load_region WHERE load_id = 1 ORDER BY 1") == THREE
    assert maintenance.check(db).ok, maintenance.check(db).findings

    loaded = cli("ingest", "--db", db, more)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert fetch(db, "SELECT load_id, region_code FROM load_region WHERE load_id = 2") == [(2, "32.73")]
