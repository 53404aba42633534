"""Safety (docs/operations.md, docs/privacy.md): a failed or killed load leaves the warehouse
exactly as it was; readers are never blocked and never see half a load;
another key is refused; no raw NIK or KK number reaches the warehouse file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

import bansos.marts
import bansos.validate
from bansos import warehouse as warehouse_module
from bansos.ingest import IngestError
from tests.ingest_files import (
    REPO_ROOT,
    DESA,
    KELUARGA_HEADER,
    PENYALURAN_HEADER,
    counts,
    fetch,
    kk,
    load,
    nik,
    row_for,
    scalar,
    sha256,
    write_csv,
    write_xlsx,
)


def _payments(path, numbers, **overrides):
    return write_csv(path, PENYALURAN_HEADER, [row_for("penyaluran", n, **overrides) for n in numbers])


def _loading_copies(db: Path) -> list[Path]:
    return sorted(db.parent.glob(db.name + ".loading-*"))


# -- a failure mid-load --------------------------------------------------------------


def test_exception_while_rebuilding_marts_leaves_the_warehouse_as_it_was(warehouse, tmp_path, monkeypatch):
    load(warehouse, _payments(tmp_path / "awal.csv", [1, 2]))
    before_bytes, before_counts = sha256(warehouse), counts(warehouse)

    def broken_statements(*args, **kwargs):
        raise RuntimeError("disk full while building marts")

    # The statement runner under both a full rebuild and a load's incremental refresh.
    real_run = bansos.marts._run
    monkeypatch.setattr(bansos.marts, "_run", broken_statements)
    with pytest.raises(RuntimeError, match="disk full"):
        load(warehouse, _payments(tmp_path / "baru.csv", [3, 4, 5]))

    assert sha256(warehouse) == before_bytes
    assert _loading_copies(warehouse) == []
    assert counts(warehouse) == before_counts
    # The warehouse still works: the same file loads once the fault is gone.
    monkeypatch.setattr(bansos.marts, "_run", real_run)
    [result] = load(warehouse, tmp_path / "baru.csv")
    assert result.status == "loaded"
    assert scalar(warehouse, "SELECT count(*) FROM fact_allocation") == 5


def test_exception_on_the_second_file_keeps_the_first_out_too(warehouse, tmp_path, monkeypatch):
    # One command makes one copy: when it fails, nothing of it becomes live.
    before_bytes = sha256(warehouse)
    real_check = bansos.validate.check
    calls = []

    def check_failing_second_time(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise MemoryError("out of memory validating the second file")
        return real_check(*args, **kwargs)

    monkeypatch.setattr(bansos.validate, "check", check_failing_second_time)
    with pytest.raises(MemoryError):
        load(warehouse, _payments(tmp_path / "satu.csv", [1]), _payments(tmp_path / "dua.csv", [2]))

    assert len(calls) == 2
    assert sha256(warehouse) == before_bytes
    assert _loading_copies(warehouse) == []
    assert counts(warehouse)["load_ledger"] == 0


def _big_csv(path: Path, rows: int) -> Path:
    header = ",".join(PENYALURAN_HEADER)
    template = "TRX{n},{kk},{nik},PKH,2026,1," + DESA + ",600000,tersalur,BRI,2026-02-03"
    with open(path, "w", newline="") as handle:
        handle.write(header + "\n")
        for start in range(0, rows, 50_000):
            handle.write(
                "\n".join(template.format(n=n, kk=kk(n), nik=nik(n)) for n in range(start, min(rows, start + 50_000))) + "\n"
            )
    return path


def test_killed_load_leaves_the_live_file_intact_and_the_next_load_cleans_up(warehouse, tmp_path, cli):
    load(warehouse, _payments(tmp_path / "awal.csv", [1, 2]))
    before_bytes = sha256(warehouse)
    big = _big_csv(tmp_path / "besar.csv", 400_000)

    proc = subprocess.Popen(
        [sys.executable, "-m", "bansos", "ingest", "--db", str(warehouse), str(big)],
        cwd=REPO_ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    copy = warehouse.with_name(f"{warehouse.name}.loading-{proc.pid}")
    deadline = time.monotonic() + 60
    try:
        while not copy.exists():
            assert proc.poll() is None, "the load finished before it could be killed"
            assert time.monotonic() < deadline, "no loading copy appeared"
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)

    assert proc.returncode == -signal.SIGKILL  # it was killed mid-load, it did not finish
    assert sha256(warehouse) == before_bytes
    assert copy.exists()  # the dead load's copy is left behind ...
    run = cli("ingest", "--db", warehouse, "--json", _payments(tmp_path / "berikut.csv", [3]))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["status"] == "loaded"
    assert _loading_copies(warehouse) == []  # ... and the next load removes it
    assert scalar(warehouse, "SELECT count(*) FROM fact_allocation") == 3
    assert fetch(warehouse, "SELECT file_name FROM load_ledger ORDER BY load_id") == [("awal.csv",), ("berikut.csv",)]


# -- readers ----------------------------------------------------------------------------

READER = textwrap.dedent(
    """
    import sys, duckdb
    path = sys.argv[1]
    def count(con):
        return con.execute("SELECT count(*) FROM fact_allocation").fetchone()[0]
    con = duckdb.connect(path, read_only=True)
    print("open", count(con), flush=True)
    sys.stdin.readline()
    print("same", count(con), flush=True)
    con.close()
    con = duckdb.connect(path, read_only=True)
    print("reopened", count(con), flush=True)
    """
)


def test_reader_is_not_blocked_and_sees_old_data_until_it_reopens(warehouse, tmp_path, cli):
    load(warehouse, _payments(tmp_path / "awal.csv", [1, 2]))
    version_before = warehouse_module.data_version(warehouse)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert reader.stdout.readline().split() == ["open", "2"]

        # The reader holds the warehouse open (read-only) for the whole load.
        run = cli("ingest", "--db", warehouse, "--json", _payments(tmp_path / "baru.csv", [3, 4, 5]), timeout=60)
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["status"] == "loaded"
        assert reader.poll() is None  # still open, still reading

        reader.stdin.write("go\n")
        reader.stdin.flush()
        assert reader.stdout.readline().split() == ["same", "2"]  # its open file: the old data, whole
        assert reader.stdout.readline().split() == ["reopened", "5"]  # reopened: the new data
        assert reader.wait(timeout=30) == 0, reader.stderr.read()
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
    assert warehouse_module.data_version(warehouse) != version_before  # how the app notices


def test_the_loads_copy_is_a_clone_where_the_file_system_can_and_a_whole_copy_elsewhere(tmp_path):
    """warehouse.copy_file: a copy-on-write clone on XFS (reflink), btrfs and
    the like, the bytes copied anywhere else; either way a separate file,
    equal at first, whose later writes leave the source as it was. Whether
    this folder can clone is asked of coreutils (`cp --reflink=always`), not
    of the code under test."""
    source = tmp_path / "live.duckdb"
    original = os.urandom(3 * 1024 * 1024 + 17)
    source.write_bytes(original)
    probe = subprocess.run(["cp", "--reflink=always", str(source), str(tmp_path / "probe")], capture_output=True)
    copy = tmp_path / "live.duckdb.loading-1"

    cloned = warehouse_module.copy_file(source, copy)

    assert cloned == (probe.returncode == 0)
    assert copy.read_bytes() == original and os.stat(copy).st_ino != os.stat(source).st_ino
    with open(copy, "r+b") as handle:  # the load writes into its copy ...
        handle.seek(1024 * 1024)
        handle.write(b"\x00" * 4096)
        handle.truncate(2 * 1024 * 1024)
    assert source.read_bytes() == original  # ... and the live file stays as it was
    with pytest.raises(FileNotFoundError):
        warehouse_module.copy_file(tmp_path / "absent.duckdb", tmp_path / "other")


def test_concurrent_loads_are_serialised_and_both_land(warehouse, tmp_path):
    first = _payments(tmp_path / "bri.csv", range(1, 201), lembaga_penyalur="BRI")
    second = _payments(tmp_path / "pos.csv", range(201, 301), lembaga_penyalur="POS")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bansos", "ingest", "--db", str(warehouse), "--json", str(path)],
            cwd=REPO_ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for path in (first, second)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]

    assert [p.returncode for p in procs] == [0, 0], [o[1] for o in outputs]
    assert sorted(json.loads(o[0])["status"] for o in outputs) == ["loaded", "loaded"]
    # Neither load overwrote the other's copy: 200 + 100 rows, two ledger entries.
    assert fetch(warehouse, "SELECT institution, count(*) FROM fact_allocation GROUP BY 1 ORDER BY 1") == [("BRI", 200), ("POS", 100)]
    assert scalar(warehouse, "SELECT count(*) FROM load_ledger") == 2
    assert _loading_copies(warehouse) == []


# -- the key ------------------------------------------------------------------------------


def test_load_with_another_key_is_refused_and_changes_nothing(warehouse, tmp_path, cli, monkeypatch):
    load(warehouse, _payments(tmp_path / "awal.csv", [1, 2]))
    before_bytes = sha256(warehouse)
    monkeypatch.setenv("BANSOS_KEY", "a-different-secret-key-long-enough-to-be-used")
    path = _payments(tmp_path / "baru.csv", [3])

    run = cli("ingest", "--db", warehouse, "--json", path)

    assert run.returncode == 1
    [result] = [json.loads(line) for line in run.stdout.splitlines()]
    assert result["status"] == "rejected"
    assert "key" in result["message"].lower()
    assert "baru.csv" in result["message"]
    assert sha256(warehouse) == before_bytes
    assert _loading_copies(warehouse) == []
    with pytest.raises(IngestError, match="key"):
        load(warehouse, path)
    assert sha256(warehouse) == before_bytes


def test_a_new_key_file_is_another_key_and_is_refused(warehouse, tmp_path, monkeypatch):
    load(warehouse, _payments(tmp_path / "awal.csv", [1]))
    before_bytes = sha256(warehouse)
    fresh = tmp_path / "lain" / "key"
    monkeypatch.setenv("BANSOS_KEY_FILE", str(fresh))

    with pytest.raises(IngestError):
        load(warehouse, _payments(tmp_path / "baru.csv", [2]))

    assert fresh.exists() and (fresh.stat().st_mode & 0o777) == 0o600  # created on first use, private
    assert sha256(warehouse) == before_bytes


def test_warehouse_stores_the_key_fingerprint_not_the_key(warehouse, tmp_path):
    load(warehouse, _payments(tmp_path / "awal.csv", [1]))
    key = Path(os.environ["BANSOS_KEY_FILE"]).read_text().strip()

    fingerprint = scalar(warehouse, "SELECT value FROM meta WHERE key = 'key_fingerprint'")
    assert fingerprint and key not in fingerprint
    assert key.encode() not in warehouse.read_bytes()


# -- no raw identifiers ---------------------------------------------------------------


def test_no_raw_identifier_anywhere_in_the_warehouse_file(warehouse, tmp_path):
    penyaluran = write_csv(tmp_path / "bayar.csv", PENYALURAN_HEADER, [
        row_for("penyaluran", 3934),                                         # loaded
        row_for("penyaluran", 3935),                                         # loaded
        row_for("penyaluran", 3936, tahap="5"),                              # quarantined, valid ids
        row_for("penyaluran", 3937, kode_wilayah="35.10.01.9999"),           # quarantined, valid ids
        row_for("penyaluran", 3934, status_salur="gagal"),                   # duplicate: quarantined
    ])
    keluarga = write_csv(tmp_path / "daftar.csv", KELUARGA_HEADER, [
        row_for("keluarga", 3934),                                           # loaded
        row_for("keluarga", 3938, desil="11"),                               # quarantined
    ])
    sheet = tmp_path / "daftar.xlsx"
    write_xlsx(sheet, KELUARGA_HEADER, [
        row_for("keluarga", 3939, tanggal_data="2026-04-30"),                # loaded
        row_for("keluarga", 3940, sanggah="banding", tanggal_data="2026-04-30"),  # quarantined
    ])
    results = load(warehouse, penyaluran, keluarga, sheet)
    assert [(r.rows_loaded, r.rows_quarantined) for r in results] == [(2, 3), (1, 1), (1, 1)]
    raw_ids = [kk(n) for n in range(3934, 3941)] + [nik(n) for n in range(3934, 3941)]

    files = [warehouse] + [p for p in warehouse.parent.iterdir() if p.name != warehouse.name and p.is_file()]
    for path in files:
        data = path.read_bytes()
        for raw in raw_ids:
            assert raw.encode() not in data, f"{raw} found in {path.name}"
    # Also through SQL, in case storage compression hides a byte pattern.
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        text_columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'VARCHAR' OR data_type LIKE 'VARCHAR[]'"
        ).fetchall()
        assert len(text_columns) > 20
        for table, column in text_columns:
            for raw in raw_ids:
                hits = con.execute(
                    f'SELECT count(*) FROM "{table}" WHERE CAST("{column}" AS VARCHAR) LIKE $p', {"p": f"%{raw}%"}
                ).fetchone()[0]
                assert hits == 0, f"{raw} in {table}.{column}"
        masked = con.execute(
            "SELECT line, no_kk_masked, nik_masked, CAST(no_kk_key AS VARCHAR) IS NOT NULL FROM quarantine "
            "WHERE file_name = 'bayar.csv' ORDER BY line"
        ).fetchall()
        # The duplicate of family 3934 carries its masked KK; its hashed key
        # equals the loaded row's key, so it can be found without the raw id.
        same_key = con.execute(
            "SELECT count(*) FROM quarantine q JOIN fact_allocation a ON a.family_key = q.no_kk_key WHERE q.line = 6"
        ).fetchone()[0]
        row_values = json.loads(con.execute("SELECT row_values FROM quarantine WHERE file_name = 'daftar.csv'").fetchone()[0])
    finally:
        con.close()
    # Lines 4-6 of bayar.csv (header = 1): first 4 digits, 8 stars, last 4.
    assert masked == [
        (4, "3510********3936", "3510********3936", True),
        (5, "3510********3937", "3510********3937", True),
        (6, "3510********3934", "3510********3934", True),
    ]
    assert same_key == 1
    assert row_values["no_kk"] == "3510********3938"
    assert row_values["nik_kepala"] == "3510********3938"


def test_a_copy_that_fails_while_the_first_file_is_read_changes_nothing_and_leaves_no_thread(
        warehouse, tmp_path, monkeypatch):
    # The first file is read while the live file is copied (write_session's
    # alongside_copy). A copy that fails then (the disk filled up) waits for
    # that read to end before the session's connection closes: the read
    # below is still running after the copy failed, and its connection must
    # still answer. Nothing is left behind.
    import errno
    import threading

    import bansos.ingest
    import bansos.warehouse

    before_bytes = sha256(warehouse)
    real_read = bansos.ingest.read_file
    reading, copy_failed, outcome = threading.Event(), threading.Event(), []

    def read_outliving_the_copy(con, *args, **kwargs):
        reading.set()
        assert copy_failed.wait(timeout=30)
        time.sleep(0.3)  # the session is unwinding by now
        try:
            result = real_read(con, *args, **kwargs)
            con.execute("SELECT 1").fetchall()
            outcome.append("read, connection open")
            return result
        except BaseException as error:
            outcome.append(repr(error))
            raise

    def full_disk(source, target):
        assert reading.wait(timeout=30)
        Path(target).write_bytes(b"partial")
        copy_failed.set()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(bansos.ingest, "read_file", read_outliving_the_copy)
    monkeypatch.setattr(bansos.warehouse, "copy_file", full_disk)
    with pytest.raises(IngestError, match="space"):
        load(warehouse, _payments(tmp_path / "satu.csv", [1]))

    assert outcome == ["read, connection open"]
    assert sha256(warehouse) == before_bytes
    assert _loading_copies(warehouse) == []
    assert not [t for t in threading.enumerate() if t.name.startswith("bansos-read-ahead")]


def test_an_interrupt_while_waiting_for_the_first_read_still_removes_the_copy(warehouse, tmp_path, monkeypatch):
    # Ctrl-C (KeyboardInterrupt) lands while the session waits for the
    # read-ahead to finish: the copy of the live file and the load's private
    # folder (it can hold raw identifiers) are removed all the same.
    import errno

    import bansos.ingest
    import bansos.warehouse

    before_bytes = sha256(warehouse)
    # This load's private folder, by name: the temporary directory is shared
    # with the other test worker, whose loads make and remove their own.
    made = []
    real_scratch = bansos.warehouse.LoadScratch.__init__

    def recorded_scratch(self):
        real_scratch(self)
        made.append(self.path)

    real_exit = bansos.ingest._ReadAhead.__exit__

    def interrupted_exit(self, *exc):
        real_exit(self, *exc)
        raise KeyboardInterrupt

    def failing_body_copy(source, target):
        bansos.warehouse.shutil.copyfile(source, target)
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(bansos.ingest._ReadAhead, "__exit__", interrupted_exit)
    monkeypatch.setattr(bansos.warehouse, "copy_file", failing_body_copy)
    monkeypatch.setattr(bansos.warehouse.LoadScratch, "__init__", recorded_scratch)
    with pytest.raises(KeyboardInterrupt):
        load(warehouse, _payments(tmp_path / "satu.csv", [1]))

    assert sha256(warehouse) == before_bytes
    assert _loading_copies(warehouse) == []
    assert len(made) == 1 and not made[0].exists(), made


def test_exception_while_reading_ahead_fails_the_command_and_leaves_no_thread(warehouse, tmp_path, monkeypatch):
    # The second file is read on the read-ahead thread while the first one
    # loads; an unexpected error there still fails the whole command.
    import threading

    import bansos.ingest

    before_bytes = sha256(warehouse)
    real_read = bansos.ingest.read_file
    calls = []

    def read_failing_second_time(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise MemoryError("out of memory reading the second file")
        return real_read(*args, **kwargs)

    monkeypatch.setattr(bansos.ingest, "read_file", read_failing_second_time)
    with pytest.raises(MemoryError):
        load(warehouse, _payments(tmp_path / "satu.csv", [1]), _payments(tmp_path / "dua.csv", [2]),
             _payments(tmp_path / "tiga.csv", [3]))

    assert len(calls) == 2  # the third file was never read
    assert sha256(warehouse) == before_bytes
    assert _loading_copies(warehouse) == []
    assert counts(warehouse)["load_ledger"] == 0
    assert not [t for t in threading.enumerate() if t.name.startswith("bansos-read-ahead")]
