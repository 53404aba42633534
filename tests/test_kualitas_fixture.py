"""The Kualitas Data queries (totals and reasons) on a hand-built load,
against numbers worked out by hand, for every region and under a scope.

Two files, each row breaking at most one rule:
  register.csv  (keluarga, 6 rows): 4 valid rows in Kota Metro 18.72; one
                 KK number of 3 digits (no_kk_invalid) in 18.72; one desil 11
                 (desil_out_of_range) in Banyuwangi 35.10;
  bri.csv       (penyaluran, 4 rows): 3 valid rows in 18.72; one nominal
                 "abc" (nominal_invalid) in 18.72.
Nothing here was produced by running the code.
"""

from __future__ import annotations

import math

import pytest

from bansos.ingest import LoadRequest, ingest
from bansos.queries import QueryRunner
from tests.ingest_files import KELUARGA_HEADER, PENYALURAN_HEADER, row_for, write_csv

METRO_DESA = "18.72.01.1001"
BANYUWANGI_DESA = "35.10.01.2001"


@pytest.fixture
def db(warehouse, tmp_path):
    register = [row_for("keluarga", n, kode_wilayah=METRO_DESA) for n in range(1, 5)]
    register.append(row_for("keluarga", 5, kode_wilayah=METRO_DESA, no_kk="123"))
    register.append(row_for("keluarga", 6, kode_wilayah=BANYUWANGI_DESA, desil="11"))
    payments = [row_for("penyaluran", n, kode_wilayah=METRO_DESA) for n in range(1, 4)]
    payments.append(row_for("penyaluran", 4, kode_wilayah=METRO_DESA, nominal="abc"))
    files = [write_csv(tmp_path / "register.csv", KELUARGA_HEADER, register),
             write_csv(tmp_path / "bri.csv", PENYALURAN_HEADER, payments)]
    results = ingest(warehouse, [LoadRequest(path) for path in files])
    assert [(r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) for r in results] == [
        ("loaded", 6, 4, 2), ("loaded", 4, 3, 1)], [r.message for r in results]
    return warehouse


def test_totals_for_every_region(db):
    totals = QueryRunner(db, cache=False).run("kualitas_totals").iloc[0]
    assert (totals.files, totals.files_keluarga, totals.files_penyaluran, totals.files_with_quarantine) == (2, 1, 1, 2)
    # 6 + 4 read = 4 + 3 loaded + 2 + 1 quarantined
    assert (totals.rows_read, totals.rows_loaded, totals.rows_quarantined, totals.quarantined_rows) == (10, 7, 3, 3)
    assert math.isclose(totals.quarantine_rate, 3 / 10, rel_tol=1e-12)


def test_totals_under_a_scope_count_files_with_rows_there_and_only_its_quarantined_rows(db):
    # Banyuwangi has one row, quarantined, in register.csv: that file counts (with its whole-file ledger
    # counts); bri.csv has no row there. Of the quarantined rows, only the desil row names 35.10.
    totals = QueryRunner(db, scope=("35.10",), cache=False).run("kualitas_totals").iloc[0]
    assert (totals.files, totals.files_keluarga, totals.files_penyaluran) == (1, 1, 0)
    assert (totals.rows_read, totals.rows_loaded, totals.rows_quarantined, totals.quarantined_rows) == (6, 4, 2, 1)


def test_reasons_with_their_shares(db):
    reasons = QueryRunner(db, cache=False).run("kualitas_reasons")
    found = {(row.reason, row.kind): (row.rows, row.files, round(row.share, 12)) for row in reasons.itertuples()}
    third = round(1 / 3, 12)
    assert found == {("no_kk_invalid", "keluarga"): (1, 1, third), ("desil_out_of_range", "keluarga"): (1, 1, third),
                     ("nominal_invalid", "penyaluran"): (1, 1, third)}
    banyuwangi = QueryRunner(db, scope=("35.10",), cache=False).run("kualitas_reasons")
    assert [(row.reason, row.rows, row.share) for row in banyuwangi.itertuples()] == [("desil_out_of_range", 1, 1.0)]
