"""quarantine_summary: the quarantine counted by load, kab/kota and set of
broken rules, written with the load, so that the Kualitas Data page counts a
few summary rows instead of decoding every quarantined row's JSON
(queries/kualitas_totals.sql, kualitas_reasons.sql, quarantine_by_reason.sql).

The file here, by hand (penyaluran, 5 rows; line 1 is the header):
  line 2  valid, Kota Metro 18.72                          -> stored
  line 3  nominal "abc", kode_wilayah "18.01" (Lampung Selatan) -> nominal_invalid, 18.01
  line 4  the same as line 3                               -> nominal_invalid, 18.01
  line 5  nominal "abc", nik "123", Kota Metro 18.72       -> nominal_invalid + nik_invalid, 18.72
  line 6  nominal "abc", kode_wilayah "1"                  -> nominal_invalid + kode_wilayah_unknown, no kab/kota
So 4 rows are quarantined: nominal_invalid 4 of them (share 1.0), nik_invalid
and kode_wilayah_unknown 1 each (0.25). A reader of 18.01 sees 2 rows
(nominal_invalid, share 1.0); of 18.72 one row with both its rules (each
share 1.0); of 35.10 none. The row without a kab/kota only whoever sees
every region.
"""

from __future__ import annotations

from datetime import datetime, timedelta, UTC

import pytest

from bansos import maintenance
from bansos.queries import QueryRunner
from tests.ingest_files import PENYALURAN_HEADER, execute, fetch, load, make_schema_3, row_for, write_csv

NOMINAL, NIK, KODE = "nominal_invalid", "nik_invalid", "kode_wilayah_unknown"
EXPECTED = [  # (load_id, region_code, sorted reasons, rows, first_line)
    (1, None, [KODE, NOMINAL], 1, 6),
    (1, "18.01", [NOMINAL], 2, 3),
    (1, "18.72", [NIK, NOMINAL], 1, 5),
]


@pytest.fixture
def db(warehouse, tmp_path):
    rows = [row_for("penyaluran", 1, kode_wilayah="18.72.01.1001"),
            row_for("penyaluran", 2, kode_wilayah="18.01", nominal="abc"),
            row_for("penyaluran", 3, kode_wilayah="18.01", nominal="abc"),
            row_for("penyaluran", 4, kode_wilayah="18.72.01.1001", nominal="abc", nik="123"),
            row_for("penyaluran", 5, kode_wilayah="1", nominal="abc")]
    [result] = load(warehouse, write_csv(tmp_path / "bri.csv", PENYALURAN_HEADER, rows))
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("loaded", 1, 4), result.message
    return warehouse


def _summary(db) -> list[tuple]:
    rows = fetch(db, "SELECT load_id, region_code, list_sort(reasons), rows, first_line FROM quarantine_summary")
    return sorted(rows, key=lambda r: (r[0], r[1] or ""))


def _reasons(db, scope=None) -> dict[str, tuple[int, int, float]]:
    frame = QueryRunner(db, scope=scope, cache=False).run("kualitas_reasons")
    assert frame["kind"].eq("penyaluran").all()
    return {r.reason: (int(r.rows), int(r.files), round(float(r.share), 12)) for r in frame.itertuples()}


def _by_file(db, scope=None) -> dict[str, tuple[int, int]]:
    frame = QueryRunner(db, scope=scope, cache=False).run("quarantine_by_reason")
    assert frame["load_id"].eq(1).all() and frame["file_name"].eq("bri.csv").all()
    return {r.reason: (int(r.rows), int(r.first_line)) for r in frame.itertuples()}


def _quarantined_rows(db, scope=None) -> int:
    return int(QueryRunner(db, scope=scope, cache=False).run("kualitas_totals").iloc[0].quarantined_rows)


def test_a_load_counts_its_quarantined_rows_by_region_and_rules(db):
    assert _summary(db) == EXPECTED
    assert maintenance.check(db).ok, maintenance.check(db).findings


def test_the_kualitas_queries_count_from_the_summary_within_the_scope(db):
    assert _reasons(db) == {NOMINAL: (4, 1, 1.0), NIK: (1, 1, 0.25), KODE: (1, 1, 0.25)}
    assert _by_file(db) == {NOMINAL: (4, 3), NIK: (1, 5), KODE: (1, 6)}
    assert _quarantined_rows(db) == 4
    assert _reasons(db, ("18.01",)) == {NOMINAL: (2, 1, 1.0)}
    assert _by_file(db, ("18.01",)) == {NOMINAL: (2, 3)}
    assert _quarantined_rows(db, ("18.01",)) == 2
    assert _reasons(db, ("18.72",)) == {NOMINAL: (1, 1, 1.0), NIK: (1, 1, 1.0)}
    assert _by_file(db, ("18.72",)) == {NOMINAL: (1, 5), NIK: (1, 5)}
    assert _quarantined_rows(db, ("18.01", "18.72")) == 3
    # a region with no quarantined row sees none, and not the row without a kab/kota
    assert _reasons(db, ("35.10",)) == {}
    assert _by_file(db, ("35.10",)) == {}
    assert _quarantined_rows(db, ("35.10",)) == 0


def test_the_summary_equals_a_count_of_the_quarantine_row_by_row(db):
    # The same numbers the page queries gave before the summary, from the raw rows.
    raw = fetch(db, """SELECT r.reason, count(*), min(line) FROM quarantine, unnest(reasons) AS r(reason)
                       GROUP BY ALL ORDER BY 1""")
    assert [(reason, rows, first) for reason, (rows, first) in sorted(_by_file(db).items())] == raw


def test_unload_and_purge_take_the_counts_with_the_rows(db, tmp_path):
    more = write_csv(tmp_path / "pos.csv", PENYALURAN_HEADER,
                     [row_for("penyaluran", 9, kode_wilayah="35.10.01.2001", nominal="abc")])
    [second] = load(db, more)
    assert (second.load_id, second.rows_quarantined) == (2, 1)
    assert _summary(db) == [*EXPECTED, (2, "35.10", [NOMINAL], 1, 2)]

    maintenance.unload(db, 1)
    assert _summary(db) == [(2, "35.10", [NOMINAL], 1, 2)]
    assert _quarantined_rows(db) == 1
    assert maintenance.check(db).ok, maintenance.check(db).findings

    maintenance.purge(db, days=1, now=datetime.now(UTC) + timedelta(days=30))
    assert _summary(db) == [] and fetch(db, "SELECT count(*) FROM quarantine") == [(0,)]
    assert _reasons(db) == {} and _quarantined_rows(db) == 0
    assert maintenance.check(db).ok, maintenance.check(db).findings


def test_check_finds_a_summary_that_differs_from_the_quarantine(db):
    execute(db, "UPDATE quarantine_summary SET rows = rows + 1 WHERE region_code = '18.01'")
    report = maintenance.check(db)
    assert not report.ok
    assert any("quarantine_summary" in f and "#1" in f for f in report.findings), report.findings


def test_migrate_from_schema_3_counts_the_quarantine_held(db, cli):
    make_schema_3(db)
    refused = QueryRunner(db, cache=False)
    with pytest.raises(Exception, match="python -m bansos migrate"):
        refused.run("kualitas_reasons")
    migrated = cli("migrate", "--db", db)
    assert migrated.returncode == 0, migrated.stderr
    assert "it was at 3" in migrated.stdout, migrated.stdout
    assert _summary(db) == EXPECTED
    assert _reasons(db) == {NOMINAL: (4, 1, 1.0), NIK: (1, 1, 0.25), KODE: (1, 1, 0.25)}
    assert maintenance.check(db).ok, maintenance.check(db).findings
