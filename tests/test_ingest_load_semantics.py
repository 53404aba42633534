"""Load semantics (docs/extract-contract.md "Rows are keyed", docs/cli.md
"Loading", docs/operations.md): reloads, extract dates, order independence, --replace,
several institutions, the row-count identity and the --json contract.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date

import duckdb
import pytest

from tests.ingest_files import (
    BANYUWANGI,
    KELUARGA_HEADER,
    KOTA_METRO,
    PENYALURAN_HEADER,
    counts,
    fact_snapshot,
    fetch,
    load,
    row_for,
    scalar,
    sha256,
    write_csv,
    write_xlsx,
)

METRO_DESA = "18.72.01.1001"
JSON_FIELDS = {"file", "kind", "status", "rows_read", "rows_loaded", "rows_quarantined", "reasons", "message", "warnings"}


def _payments(path, rows):
    return write_csv(path, PENYALURAN_HEADER, rows)


def _cli_results(run) -> list[dict]:
    return [json.loads(line) for line in run.stdout.splitlines() if line.strip()]


def test_reloading_the_same_file_is_unchanged(warehouse, tmp_path, cli):
    path = _payments(tmp_path / "bri_tahap1.csv", [row_for("penyaluran", i) for i in (1, 2, 3)])
    first = cli("ingest", "--db", warehouse, "--json", path)
    assert first.returncode == 0, first.stderr
    before_bytes, before_facts = sha256(warehouse), fact_snapshot(warehouse, "fact_allocation")
    load_id = scalar(warehouse, "SELECT load_id FROM load_ledger")

    again = cli("ingest", "--db", warehouse, "--json", path)

    assert again.returncode == 0
    [result] = _cli_results(again)
    assert result["status"] == "unchanged"
    assert (result["rows_read"], result["rows_loaded"], result["rows_quarantined"], result["reasons"]) == (0, 0, 0, {})
    assert f"#{load_id}" in result["message"] and "bri_tahap1.csv" in result["message"]
    assert fact_snapshot(warehouse, "fact_allocation") == before_facts
    assert sha256(warehouse) == before_bytes  # nothing new: the live file is kept as it is
    assert scalar(warehouse, "SELECT count(*) FROM load_ledger") == 1


def test_same_content_under_another_name_is_unchanged(warehouse, tmp_path):
    path = _payments(tmp_path / "asli.csv", [row_for("penyaluran", 1)])
    copy = tmp_path / "salinan.csv"
    shutil.copyfile(path, copy)
    load(warehouse, path)

    [result] = load(warehouse, copy)

    assert result.status == "unchanged"
    assert "asli.csv" in result.message
    assert scalar(warehouse, "SELECT count(*) FROM current_allocation") == 1


def test_the_same_file_twice_in_one_command_loads_once(warehouse, tmp_path):
    path = _payments(tmp_path / "dobel.csv", [row_for("penyaluran", 1), row_for("penyaluran", 2)])

    first, second = load(warehouse, path, path)

    assert (first.status, second.status) == ("loaded", "unchanged")
    assert scalar(warehouse, "SELECT count(*) FROM current_allocation") == 2
    assert scalar(warehouse, "SELECT count(*) FROM load_ledger") == 1


def test_same_file_with_another_as_of_is_a_new_load(warehouse, tmp_path, cli):
    path = _payments(tmp_path / "bri.csv", [row_for("penyaluran", 1), row_for("penyaluran", 2)])
    assert cli("ingest", "--db", warehouse, "--as-of", "2026-03-01", path).returncode == 0

    run = cli("ingest", "--db", warehouse, "--as-of", "2026-03-15", "--json", path)

    assert run.returncode == 0
    [result] = _cli_results(run)
    assert (result["status"], result["rows_read"], result["rows_loaded"]) == ("loaded", 2, 2)
    assert fetch(warehouse, "SELECT as_of FROM load_ledger ORDER BY load_id") == [(date(2026, 3, 1),), (date(2026, 3, 15),)]
    # Same keys: still 2 rows, now from the later extract.
    assert fetch(warehouse, "SELECT DISTINCT extract_date, count(*) FROM current_allocation GROUP BY ALL") == [(date(2026, 3, 15), 2)]


def test_same_file_with_another_kind_option_is_a_new_load(warehouse, tmp_path):
    path = _payments(tmp_path / "bri.csv", [row_for("penyaluran", 1)])
    load(warehouse, path)

    [result] = load(warehouse, path, kind="penyaluran")

    assert result.status == "loaded"  # --kind is part of the file's identity
    assert scalar(warehouse, "SELECT count(*) FROM current_allocation") == 1


def test_later_extract_updates_a_payment_status_without_doubling_it(warehouse, tmp_path):
    march = _payments(tmp_path / "bri_maret.csv", [
        row_for("penyaluran", 1, status_salur="proses", tanggal_salur=""),
        row_for("penyaluran", 2, status_salur="proses", tanggal_salur=""),
    ])
    april = _payments(tmp_path / "bri_april.csv", [
        row_for("penyaluran", 1, status_salur="tersalur", tanggal_salur="05/04/2026"),
    ])
    load(warehouse, march, as_of="2026-03-31")

    [result] = load(warehouse, april, as_of="2026-04-30")

    assert result.rows_loaded == 1
    # Family 1: one row, the April status; family 2: untouched by the April file.
    assert fetch(warehouse, "SELECT transaction_id, status, paid_date, amount FROM current_allocation ORDER BY 1") == [
        ("TRX00001", "tersalur", date(2026, 4, 5), 600000),
        ("TRX00002", "proses", None, 600000),
    ]
    assert scalar(warehouse, "SELECT sum(amount) FROM current_allocation") == 1_200_000


def _two_extracts(tmp_path):
    older = _payments(tmp_path / "maret.csv", [
        row_for("penyaluran", 1, status_salur="proses", tanggal_salur=""),
        row_for("penyaluran", 2, status_salur="gagal", tanggal_salur=""),
        row_for("penyaluran", 3, status_salur="proses", tanggal_salur=""),  # only in the older extract
    ])
    newer = _payments(tmp_path / "april.csv", [
        row_for("penyaluran", 1, status_salur="tersalur"),
        row_for("penyaluran", 2, status_salur="retur", tanggal_salur=""),
        row_for("penyaluran", 4, status_salur="tersalur"),  # only in the newer extract
    ])
    return (older, "2026-03-31"), (newer, "2026-04-30")


def test_older_extract_loaded_after_a_newer_one_does_not_overwrite_it(warehouse, tmp_path):
    (older, older_date), (newer, newer_date) = _two_extracts(tmp_path)
    load(warehouse, newer, as_of=newer_date)

    [result] = load(warehouse, older, as_of=older_date)

    assert result.status == "loaded"
    assert fetch(warehouse, "SELECT transaction_id, status FROM current_allocation ORDER BY 1") == [
        ("TRX00001", "tersalur"), ("TRX00002", "retur"), ("TRX00003", "proses"), ("TRX00004", "tersalur"),
    ]
    # Families 1 and 2 of the older file were older than what is stored.
    assert scalar(warehouse, "SELECT rows_superseded FROM load_ledger WHERE file_name = 'maret.csv'") == 2


def test_load_order_does_not_change_the_facts(warehouse, tmp_path, empty_warehouse_template):
    (older, older_date), (newer, newer_date) = _two_extracts(tmp_path)
    register_march = write_csv(tmp_path / "reg_maret.csv", KELUARGA_HEADER, [
        row_for("keluarga", 1, desil="3"), row_for("keluarga", 2),         # snapshot 2026-03-31
    ])
    # The same snapshot re-extracted later (--as-of 2026-04-02): family 1's desil corrected.
    register_march_fix = write_csv(tmp_path / "reg_maret_b.csv", KELUARGA_HEADER, [row_for("keluarga", 1, desil="2")])
    other = tmp_path / "other" / "warehouse.duckdb"
    other.parent.mkdir()
    shutil.copyfile(empty_warehouse_template[0], other)
    a = [(older, older_date), (register_march, "2026-03-31")]
    b = [(newer, newer_date), (register_march_fix, "2026-04-02")]

    for path, as_of in a + b:
        assert load(warehouse, path, as_of=as_of)[0].status == "loaded"
    for path, as_of in b + a:
        assert load(other, path, as_of=as_of)[0].status == "loaded"

    for table in ("fact_allocation", "fact_family"):
        assert fact_snapshot(warehouse, table) == fact_snapshot(other, table), table
    assert fetch(warehouse, "SELECT desil FROM current_family WHERE desil <> 1") == [(2,)]


def test_a_file_of_several_tranches_gets_the_same_keys_as_one_file_per_tranche(warehouse, tmp_path, empty_warehouse_template):
    # 4 families x 3 tranches: 4 distinct (no_kk, nik) pairs in 12 rows, so the
    # ids are hashed once per pair and joined back (ingest.KEYS_ONCE); a file
    # of one tranche hashes every row. The facts must not tell them apart.
    from bansos import ingest

    rows = [row_for("penyaluran", i, tahap=str(t), id_transaksi=f"T{t}-{i}") for t in (1, 2, 3) for i in (1, 2, 3, 4)]
    whole = _payments(tmp_path / "bri_2026.csv", rows)
    sql = ingest._pseudonymised(duckdb_for_check(whole), "penyaluran", "chk")
    assert "DISTINCT no_kk, nik" in sql  # the once-per-pair path is the one under test
    other = tmp_path / "other" / "warehouse.duckdb"
    other.parent.mkdir()
    shutil.copyfile(empty_warehouse_template[0], other)

    assert load(warehouse, whole)[0].rows_loaded == 12
    for t in (1, 2, 3):
        part = _payments(tmp_path / f"bri_2026_t{t}.csv", [r for r in rows if r["tahap"] == str(t)])
        assert load(other, part)[0].rows_loaded == 4

    assert fact_snapshot(warehouse, "fact_allocation") == fact_snapshot(other, "fact_allocation")
    assert scalar(warehouse, "SELECT count(DISTINCT family_key) FROM current_allocation") == 4
    assert scalar(warehouse, "SELECT count(DISTINCT recipient_key) FROM current_allocation") == 4


def duckdb_for_check(path):
    """A connection holding `chk`: the file's rows as validation leaves them
    (raw ids, empty reasons), enough for ingest._pseudonymised to choose."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"CREATE TABLE chk AS SELECT no_kk, nik, []::VARCHAR[] AS reasons FROM read_csv('{path}', all_varchar=true)")
    return con


def test_register_snapshot_date_from_the_file_wins_over_as_of(warehouse, tmp_path):
    path = write_csv(tmp_path / "reg.csv", KELUARGA_HEADER, [
        row_for("keluarga", 1, tanggal_data="2026-02-28"),
        row_for("keluarga", 2, tanggal_data=""),  # filled by --as-of
    ])

    [result] = load(warehouse, path, as_of="2026-03-31")

    assert result.rows_loaded == 2, result.reasons
    assert sorted(fetch(warehouse, "SELECT snapshot_date FROM current_family")) == [(date(2026, 2, 28),), (date(2026, 3, 31),)]


def test_register_without_tanggal_data_column_needs_as_of(warehouse, tmp_path):
    header = [h for h in KELUARGA_HEADER if h != "tanggal_data"]
    path = write_csv(tmp_path / "reg_tanpa_tanggal.csv", header, [row_for("keluarga", 1), row_for("keluarga", 2)])

    [without] = load(warehouse, path)
    [with_as_of] = load(warehouse, path, as_of="2026-03-31")

    assert without.status == "rejected" and "tanggal_data" in without.message
    assert (with_as_of.status, with_as_of.kind, with_as_of.rows_loaded) == ("loaded", "keluarga", 2)
    assert fetch(warehouse, "SELECT DISTINCT snapshot_date FROM current_family") == [(date(2026, 3, 31),)]


def test_register_extract_date_defaults_to_tanggal_data(warehouse, tmp_path):
    path = write_csv(tmp_path / "reg.csv", KELUARGA_HEADER, [row_for("keluarga", 1, tanggal_data="2026-02-28")])

    load(warehouse, path)

    assert fetch(warehouse, "SELECT extract_date FROM load_ledger") == [(date(2026, 2, 28),)]
    assert fetch(warehouse, "SELECT extract_date FROM current_family") == [(date(2026, 2, 28),)]


def test_replace_removes_dropped_rows_of_covered_slices_only(warehouse, tmp_path, cli):
    first = _payments(tmp_path / "bri_tahap1.csv", [
        row_for("penyaluran", 1),                                           # slice 35.10 PKH 2026 T1 BRI
        row_for("penyaluran", 2),                                           # same slice, dropped by the re-issue
        row_for("penyaluran", 3),                                           # same slice, dropped by the re-issue
        row_for("penyaluran", 4, kode_wilayah=METRO_DESA),                  # 18.72: another region
        row_for("penyaluran", 5, tahap="2"),                                # tranche 2: another slice
        row_for("penyaluran", 6, program="SEMBAKO"),                        # another programme
        row_for("penyaluran", 7, lembaga_penyalur="POS"),                   # another institution
    ])
    reissue = _payments(tmp_path / "bri_tahap1_koreksi.csv", [
        row_for("penyaluran", 1, nominal="750000"),
        row_for("penyaluran", 8),                                           # new in the re-issue
    ])
    assert cli("ingest", "--db", warehouse, "--as-of", "2026-03-31", first).returncode == 0

    run = cli("ingest", "--db", warehouse, "--as-of", "2026-03-31", "--replace", "--json", reissue)

    assert run.returncode == 0, run.stderr
    [result] = _cli_results(run)
    assert result["status"] == "loaded" and result["rows_loaded"] == 2
    assert "2" in re.findall(r"removed (\d+)", result["message"]), result["message"]
    # Families 2 and 3 are gone; 4-7 (other slices) stay; 1 is updated; 8 is new.
    assert fetch(warehouse, "SELECT transaction_id, amount FROM current_allocation ORDER BY 1") == [
        ("TRX00001", 750000), ("TRX00004", 600000), ("TRX00005", 600000), ("TRX00006", 600000),
        ("TRX00007", 600000), ("TRX00008", 600000),
    ]
    assert fetch(warehouse, "SELECT rows_removed FROM load_ledger ORDER BY load_id") == [(0,), (2,)]


def test_replace_with_an_older_extract_does_not_remove_newer_rows(warehouse, tmp_path):
    april = _payments(tmp_path / "april.csv", [row_for("penyaluran", 1), row_for("penyaluran", 2)])
    march_fix = _payments(tmp_path / "maret_koreksi.csv", [row_for("penyaluran", 1, status_salur="proses", tanggal_salur="")])
    load(warehouse, april, as_of="2026-04-30")

    [result] = load(warehouse, march_fix, as_of="2026-03-31", replace=True)

    assert result.status == "loaded"
    # Both stored rows come from a newer extract than the re-issue: neither is removed or overwritten.
    assert fetch(warehouse, "SELECT transaction_id, status FROM current_allocation ORDER BY 1") == [
        ("TRX00001", "tersalur"), ("TRX00002", "tersalur"),
    ]


def test_without_replace_dropped_rows_stay(warehouse, tmp_path):
    first = _payments(tmp_path / "a.csv", [row_for("penyaluran", 1), row_for("penyaluran", 2)])
    second = _payments(tmp_path / "b.csv", [row_for("penyaluran", 1, status_salur="retur")])
    load(warehouse, first, as_of="2026-03-31")

    load(warehouse, second, as_of="2026-03-31")

    assert fetch(warehouse, "SELECT transaction_id, status FROM current_allocation ORDER BY 1") == [
        ("TRX00001", "retur"), ("TRX00002", "tersalur"),
    ]


def test_replace_register_snapshot_slice(warehouse, tmp_path):
    first = write_csv(tmp_path / "reg.csv", KELUARGA_HEADER, [
        row_for("keluarga", 1), row_for("keluarga", 2),                     # 35.10 on 2026-03-31
        row_for("keluarga", 3, kode_wilayah=METRO_DESA),                    # 18.72: another region
        row_for("keluarga", 4, tanggal_data="2026-02-28"),                  # another snapshot
    ])
    reissue = write_csv(tmp_path / "reg_koreksi.csv", KELUARGA_HEADER, [row_for("keluarga", 1, desil="2")])
    load(warehouse, first)

    [result] = load(warehouse, reissue, replace=True)

    assert result.status == "loaded"
    assert fetch(warehouse, "SELECT region_code, snapshot_date, desil FROM current_family ORDER BY 1, 2") == [
        (KOTA_METRO, date(2026, 3, 31), 1),
        (BANYUWANGI, date(2026, 2, 28), 1),
        (BANYUWANGI, date(2026, 3, 31), 2),
    ]


def test_files_from_two_institutions_add_up(warehouse, tmp_path, cli):
    bri = _payments(tmp_path / "bri.csv", [row_for("penyaluran", i, lembaga_penyalur="BRI") for i in (1, 2, 3)])
    pos = _payments(tmp_path / "pos.csv", [row_for("penyaluran", i, lembaga_penyalur="POS") for i in (4, 5)])

    run = cli("ingest", "--db", warehouse, "--as-of", "2026-03-31", "--json", bri, pos)

    assert run.returncode == 0, run.stderr
    assert [(r["status"], r["rows_loaded"]) for r in _cli_results(run)] == [("loaded", 3), ("loaded", 2)]
    assert fetch(warehouse, "SELECT institution, count(*), sum(amount) FROM current_allocation GROUP BY 1 ORDER BY 1") == [
        ("BRI", 3, 1_800_000), ("POS", 2, 1_200_000),
    ]


def test_rows_read_is_loaded_plus_quarantined_for_every_file(warehouse, tmp_path):
    files = [
        _payments(tmp_path / "p1.csv", [row_for("penyaluran", 1), row_for("penyaluran", 2, tahap="9"), row_for("penyaluran", 1)]),
        write_csv(tmp_path / "k1.csv", KELUARGA_HEADER, [row_for("keluarga", 1), row_for("keluarga", 2, desil="0")]),
        tmp_path / "k2.xlsx",
    ]
    write_xlsx(files[2], KELUARGA_HEADER, [row_for("keluarga", 3), row_for("keluarga", 4, no_kk=3510010000000000.0), row_for("keluarga", 5)])
    # p1: 3 read, 1 loaded (tahap 9, duplicate); k1: 2 read, 1 loaded; k2: 3 read, 2 loaded.
    expected = {"p1.csv": (3, 1, 2), "k1.csv": (2, 1, 1), "k2.xlsx": (3, 2, 1)}

    results = load(warehouse, *files)

    assert {r.file.rsplit("/", 1)[-1]: (r.rows_read, r.rows_loaded, r.rows_quarantined) for r in results} == expected
    for r in results:
        assert r.rows_read == r.rows_loaded + r.rows_quarantined
    ledger = fetch(warehouse, "SELECT file_name, rows_read, rows_loaded, rows_quarantined, load_id FROM load_ledger")
    assert {row[0]: row[1:4] for row in ledger} == expected
    for name, _, loaded, quarantined, load_id in ledger:
        # The counts are the rows actually stored under that load.
        table = "fact_allocation" if name.startswith("p") else "fact_family"
        assert scalar(warehouse, f"SELECT count(*) FROM {table} WHERE load_id = $id", {"id": load_id}) == loaded
        assert scalar(warehouse, "SELECT count(*) FROM quarantine WHERE load_id = $id", {"id": load_id}) == quarantined


def test_json_output_has_exactly_the_documented_fields(warehouse, tmp_path, cli):
    good = _payments(tmp_path / "baik.csv", [row_for("penyaluran", 1), row_for("penyaluran", 2, program="X")])
    load(warehouse, good)
    new = _payments(tmp_path / "baru.csv", [row_for("penyaluran", 3)])
    missing = tmp_path / "hilang.csv"

    run = cli("ingest", "--db", warehouse, "--json", good, new, missing)

    assert run.returncode == 1
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 3  # one object per file, one per line, nothing else on stdout
    results = [json.loads(line) for line in lines]
    for result in results:
        assert set(result) == JSON_FIELDS
        assert isinstance(result["reasons"], dict) and isinstance(result["warnings"], list)
        for field in ("rows_read", "rows_loaded", "rows_quarantined"):
            assert isinstance(result[field], int)
    assert [r["status"] for r in results] == ["unchanged", "loaded", "rejected"]
    assert [r["file"] for r in results] == [str(good), str(new), str(missing)]
    assert results[1]["kind"] == "penyaluran"


def test_json_reasons_count_codes(warehouse, tmp_path, cli):
    path = _payments(tmp_path / "alasan.csv", [
        row_for("penyaluran", 1, program="X"), row_for("penyaluran", 2, program="Y", tahap="5"), row_for("penyaluran", 3),
    ])

    run = cli("ingest", "--db", warehouse, "--json", path)

    [result] = _cli_results(run)
    assert result["reasons"] == {"program_unknown": 2, "tahap_invalid": 1}
    assert (result["rows_read"], result["rows_loaded"], result["rows_quarantined"]) == (3, 1, 2)


def test_human_readable_output_without_json(warehouse, tmp_path, cli):
    path = _payments(tmp_path / "manusia.csv", [row_for("penyaluran", 1), row_for("penyaluran", 2, tahap="5")])

    run = cli("ingest", "--db", warehouse, path)

    assert run.returncode == 0
    assert "manusia.csv" in run.stdout and "tahap_invalid" in run.stdout
    assert not run.stdout.lstrip().startswith("{")


def test_bansos_db_environment_variable_is_the_default_warehouse(warehouse, tmp_path, cli, monkeypatch):
    monkeypatch.setenv("BANSOS_DB", str(warehouse))
    path = _payments(tmp_path / "env.csv", [row_for("penyaluran", 1)])

    run = cli("ingest", "--json", path)

    assert run.returncode == 0, run.stderr
    assert scalar(warehouse, "SELECT count(*) FROM current_allocation") == 1
    assert counts(warehouse)["load_ledger"] == 1


# -- read-ahead: the next file is hashed and read on a worker thread ----------


def test_files_are_read_ahead_on_a_worker_thread_and_land_in_command_order(warehouse, tmp_path, monkeypatch):
    import threading

    import bansos.ingest

    real_read = bansos.ingest.read_file
    readers = []

    def recording_read(con, path, *args, **kwargs):
        readers.append((path.name, threading.current_thread() is threading.main_thread()))
        return real_read(con, path, *args, **kwargs)

    monkeypatch.setattr(bansos.ingest, "read_file", recording_read)
    register = write_csv(tmp_path / "a_register.csv", KELUARGA_HEADER, [row_for("keluarga", i) for i in (1, 2)])
    workbook = tmp_path / "b_bayar.xlsx"
    write_xlsx(workbook, PENYALURAN_HEADER, [row_for("penyaluran", 1), row_for("penyaluran", 2, no_kk="12")])
    payments = _payments(tmp_path / "c_bayar.csv", [row_for("penyaluran", 3, tahap="2")])

    results = load(warehouse, register, workbook, payments)

    assert [r.status for r in results] == ["loaded", "loaded", "loaded"], [r.message for r in results]
    assert [(r.rows_loaded, r.rows_quarantined) for r in results] == [(2, 0), (1, 1), (1, 0)]
    # Every file was read once, none of them on the main thread.
    assert readers == [("a_register.csv", False), ("b_bayar.xlsx", False), ("c_bayar.csv", False)]
    assert fetch(warehouse, "SELECT load_id, file_name FROM load_ledger ORDER BY load_id") == [
        (1, "a_register.csv"), (2, "b_bayar.xlsx"), (3, "c_bayar.csv"),
    ]
    assert fetch(warehouse, "SELECT load_id, file_name, line FROM quarantine") == [(2, "b_bayar.xlsx", 3)]


def test_the_first_file_is_read_while_the_live_file_is_copied(warehouse, tmp_path, monkeypatch):
    # The copy of the live file waits here until the first file's read has
    # begun: were the read started only after the copy (as before), the copy
    # would wait out its timeout and the assertion below would fail.
    import threading

    import bansos.ingest
    import bansos.warehouse

    real_read, real_copy = bansos.ingest.read_file, bansos.warehouse.copy_file
    reading, seen_during_copy = threading.Event(), []

    def recording_read(con, path, *args, **kwargs):
        reading.set()
        return real_read(con, path, *args, **kwargs)

    def waiting_copy(source, target):
        seen_during_copy.append(reading.wait(timeout=30))
        return real_copy(source, target)

    monkeypatch.setattr(bansos.ingest, "read_file", recording_read)
    monkeypatch.setattr(bansos.warehouse, "copy_file", waiting_copy)
    path = _payments(tmp_path / "bri_tahap1.csv", [row_for("penyaluran", i) for i in (1, 2, 3)])

    [result] = load(warehouse, path)

    assert seen_during_copy == [True]
    assert (result.status, result.rows_loaded) == ("loaded", 3), result.message
    assert scalar(warehouse, "SELECT count(*) FROM current_allocation") == 3


def _copy_after_the_first_lookup(monkeypatch) -> None:
    """The live file is copied only once the read-ahead has decided whether
    to read the first file (its live-ledger lookup done), so that a test of
    that lookup does not depend on which thread is quicker."""
    import threading

    import bansos.ingest
    import bansos.warehouse

    looked, real_first_seen, real_copy = threading.Event(), bansos.ingest._ReadAhead._first_seen, bansos.warehouse.copy_file

    def first_seen(self, digest):
        try:
            return real_first_seen(self, digest)
        finally:
            looked.set()

    def copy_after(source, target):
        assert looked.wait(timeout=30), "the read-ahead never looked at the first file"
        return real_copy(source, target)

    monkeypatch.setattr(bansos.ingest._ReadAhead, "_first_seen", first_seen)
    monkeypatch.setattr(bansos.warehouse, "copy_file", copy_after)


def _recorded_reads(monkeypatch) -> list[str]:
    import bansos.ingest

    reads: list[str] = []
    real_read = bansos.ingest.read_file
    monkeypatch.setattr(bansos.ingest, "read_file", lambda con, p, *a, **k: reads.append(p.name) or real_read(con, p, *a, **k))
    return reads


def test_a_file_loaded_before_is_not_read_again_while_the_live_file_is_copied(warehouse, tmp_path, monkeypatch):
    # Before the copy's ledger can be read, the read-ahead looks in the live
    # file's: content already loaded is hashed, not read (a resent file
    # stays a quick "unchanged").
    path = _payments(tmp_path / "bri_tahap1.csv", [row_for("penyaluran", i) for i in (1, 2)])
    load(warehouse, path)
    _copy_after_the_first_lookup(monkeypatch)
    reads = _recorded_reads(monkeypatch)

    [result] = load(warehouse, path)

    assert result.status == "unchanged"
    assert reads == []


@pytest.mark.parametrize("failure", [duckdb.IOException("cannot open the file"),
                                     ValueError("Invalid setting value: '50%'")], ids=["io", "setting"])
def test_an_unreadable_live_ledger_only_costs_a_read(warehouse, tmp_path, monkeypatch, failure):
    # When the live file's ledger cannot be read early (whatever the reason:
    # the file, or a setting the app's reader refuses), the read-ahead reads
    # the file anyway; the main thread still decides from the copy's ledger.
    import bansos.ingest

    path = _payments(tmp_path / "bri_tahap1.csv", [row_for("penyaluran", i) for i in (1, 2)])
    load(warehouse, path)

    def unreadable(live):
        raise failure

    monkeypatch.setattr(bansos.ingest, "open_read_only", unreadable)
    _copy_after_the_first_lookup(monkeypatch)
    reads = _recorded_reads(monkeypatch)
    fresh = _payments(tmp_path / "bri_tahap2.csv", [row_for("penyaluran", 5, tahap="2")])

    again, new = load(warehouse, path, fresh)

    assert (again.status, new.status) == ("unchanged", "loaded"), new.message
    assert reads == ["bri_tahap1.csv", "bri_tahap2.csv"]
    assert scalar(warehouse, "SELECT count(*) FROM load_ledger") == 2


def test_a_live_ledger_that_claims_a_new_file_decides_nothing(warehouse, tmp_path, monkeypatch):
    # The live-ledger lookup only spares a read: were it wrong (it says the
    # file is loaded), the main thread, deciding from the copy's ledger,
    # reads and loads the file itself.
    import bansos.ingest
    from bansos.ingest import content_hash

    path = _payments(tmp_path / "baru.csv", [row_for("penyaluran", i) for i in (1, 2, 3)])
    monkeypatch.setattr(bansos.ingest._ReadAhead, "_live_ledger", lambda self: {content_hash(path, None, None)})
    _copy_after_the_first_lookup(monkeypatch)
    reads = _recorded_reads(monkeypatch)

    [result] = load(warehouse, path)

    assert (result.status, result.rows_loaded) == ("loaded", 3), result.message
    assert scalar(warehouse, "SELECT count(*) FROM current_allocation") == 3
    assert reads == []  # not read ahead: read by the main thread (stage_file)


def test_a_file_unloaded_before_is_read_ahead_and_loads_again(warehouse, tmp_path, monkeypatch):
    # An unloaded load's content is not "loaded": reading it ahead is not wasted.
    from bansos import maintenance

    path = _payments(tmp_path / "bri_tahap1.csv", [row_for("penyaluran", i) for i in (1, 2)])
    [first] = load(warehouse, path)
    maintenance.unload(warehouse, first.load_id)
    _copy_after_the_first_lookup(monkeypatch)
    reads = _recorded_reads(monkeypatch)

    [again] = load(warehouse, path)

    assert (again.status, again.rows_loaded) == ("loaded", 2), again.message
    assert reads == ["bri_tahap1.csv"]


def test_a_rejected_file_given_twice_is_rejected_twice_with_the_same_message(warehouse, tmp_path):
    # The read-ahead skips reading content it has hashed before in the same
    # command (usually "unchanged"); a rejected file never reaches the
    # ledger, so the second copy is read on the main thread and judged alike.
    path = tmp_path / "bukan_data.csv"
    path.write_text("nama,alamat\nBudi,Jalan Mawar\n", encoding="utf-8")

    first, second = load(warehouse, path, path)

    assert (first.status, second.status) == ("rejected", "rejected")
    assert first.message == second.message and "bukan_data.csv" in first.message
    assert scalar(warehouse, "SELECT count(*) FROM load_ledger") == 0
