"""Loads started from the browser run in a separate process (bansos/jobs.py):
progress by file and stage, results, the uploaded bytes deleted whatever
happens, the operator's scope enforced, a load waiting its turn."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from bansos import audit, jobs
from bansos import warehouse as warehouse_module
from tests.ingest_files import PENYALURAN_HEADER, fetch, record, row_for, scalar, write_csv

METRO = "18.72.01.1001"


def _csv(rows) -> bytes:
    return ("\n".join([",".join(PENYALURAN_HEADER)] + [record(PENYALURAN_HEADER, r) for r in rows]) + "\n").encode()


def _wait(job_id: str, until=lambda s: s and s["state"] in jobs.FINISHED, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        state = jobs.status(job_id)
        if until(state):
            return state
        assert time.monotonic() < deadline, state
        time.sleep(0.05)


@pytest.fixture
def temp_root(tmp_path, monkeypatch):
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setenv("BANSOS_TEMP_DIR", str(root))
    return root


def test_a_job_loads_good_partly_bad_and_rejected_files_and_deletes_the_uploads(warehouse, temp_root):
    files = [
        ("bri_tahap1.csv", _csv([row_for("penyaluran", n) for n in range(1, 11)])),
        ("pos_tahap1.csv", _csv([row_for("penyaluran", 20, tahap="9"), row_for("penyaluran", 21, lembaga_penyalur="POS")])),
        ("kosong.csv", b""),
    ]

    job_id = jobs.start(warehouse, files, who="operator.metro@example.go.id", scope=None)
    state = _wait(job_id)

    assert state["state"] == "finished"
    assert [f["stage"] for f in state["files"]] == ["done", "done", "done"]
    assert [(r["file"], r["status"], r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) for r in state["results"]] == [
        ("bri_tahap1.csv", "loaded", 10, 10, 0), ("pos_tahap1.csv", "loaded", 2, 1, 1), ("kosong.csv", "rejected", 0, 0, 0)]
    assert state["results"][1]["reasons"] == {"tahap_invalid": 1}
    assert "kosong.csv" in state["results"][2]["message"] and "000" not in state["results"][2]["message"]
    assert not (jobs.job_dir(job_id) / "files").exists()  # the raw bytes are gone
    assert fetch(warehouse, "SELECT DISTINCT loaded_by FROM load_ledger") == [("operator.metro@example.go.id",)]
    # The uploads are stored as 000.csv, 001.csv …; every record names each file as its sender did.
    assert fetch(warehouse, "SELECT file_name FROM load_ledger ORDER BY load_id") == [("bri_tahap1.csv",), ("pos_tahap1.csv",)]
    assert fetch(warehouse, "SELECT DISTINCT file_name FROM quarantine") == [("pos_tahap1.csv",)]
    assert fetch(warehouse, "SELECT file_name FROM rejections") == [("kosong.csv",)]
    [audited] = [r for r in audit.read(warehouse) if r.get("event") == "load"]
    assert [f["file"] for f in audited["files"]] == ["bri_tahap1.csv", "pos_tahap1.csv", "kosong.csv"]


def test_an_uploaded_file_name_carrying_an_id_is_masked_in_every_record(warehouse, temp_root):
    name = "kk_3510012345678901.csv"
    state = _wait(jobs.start(warehouse, [(name, _csv([row_for("penyaluran", 1)]))], who="op", scope=None))

    [result] = state["results"]
    assert result["status"] == "loaded" and "3510012345678901" not in result["file"] + result["message"]
    [(stored,)] = fetch(warehouse, "SELECT file_name FROM load_ledger")
    assert stored.startswith("kk_") and stored.endswith(".csv") and "3510012345678901" not in stored
    assert "3510012345678901" not in str(audit.read(warehouse))


def test_a_file_with_rows_outside_the_operators_regions_is_rejected_whole(warehouse, temp_root):
    rows = [row_for("penyaluran", 1, kode_wilayah=METRO), row_for("penyaluran", 2)]  # 35.10 is not the operator's

    state = _wait(jobs.start(warehouse, [("campur.csv", _csv(rows))], who="operator.metro@example.go.id", scope=["18.72"]))

    [result] = state["results"]
    assert result["status"] == "rejected" and "35.10" in result["message"] and "outside your access" in result["message"]
    assert scalar(warehouse, "SELECT count(*) FROM fact_allocation") == 0


def test_a_job_that_fails_still_deletes_the_uploads(warehouse, temp_root, monkeypatch):
    monkeypatch.setenv("BANSOS_KEY", "x")  # refused: too short

    job_id = jobs.start(warehouse, [("a.csv", _csv([row_for("penyaluran", 1)]))], who="op", scope=None)
    state = _wait(job_id)

    assert state["state"] == "failed" and "at least 32" in state["message"]
    assert not (jobs.job_dir(job_id) / "files").exists()


def test_a_job_waits_for_the_load_before_it_and_says_whose(warehouse, temp_root):
    lock = warehouse_module.load_lock(warehouse_module.live_path(warehouse), "a load", user="operator.banyuwangi")
    lock.__enter__()
    try:
        job_id = jobs.start(warehouse, [("a.csv", _csv([row_for("penyaluran", 1)]))], who="op", scope=None)
        waiting = _wait(job_id, until=lambda s: s and s["state"] == "waiting")
        assert "operator.banyuwangi" in waiting["waiting_for"]
    finally:
        lock.__exit__(None, None, None)
    assert _wait(job_id)["state"] == "finished"


def test_a_killed_runner_is_reported_and_its_uploads_removed_by_the_next_load(warehouse, temp_root, tmp_path):
    lock = warehouse_module.load_lock(warehouse_module.live_path(warehouse), "a load", user="someone")
    lock.__enter__()
    try:
        job_id = jobs.start(warehouse, [("a.csv", _csv([row_for("penyaluran", 1)]))], who="op", scope=None)
        waiting = _wait(job_id, until=lambda s: s and s["state"] == "waiting")
        os.kill(waiting["pid"], signal.SIGKILL)
        dead = _wait(job_id, until=lambda s: s["state"] == "failed")
    finally:
        lock.__exit__(None, None, None)
    assert "stopped unexpectedly" in dead["message"]
    assert (jobs.job_dir(job_id) / "files").exists()  # the runner died before it could delete them

    from tests.ingest_files import load

    load(warehouse, write_csv(tmp_path / "b.csv", PENYALURAN_HEADER, [row_for("penyaluran", 2)]))

    assert not (jobs.job_dir(job_id) / "files").exists()


def test_a_job_folder_is_private(warehouse, temp_root):
    job_id = jobs.start(warehouse, [("a.csv", _csv([row_for("penyaluran", 1)]))], who="op", scope=None)
    assert (jobs.job_dir(job_id).stat().st_mode & 0o777) == 0o700
    _wait(job_id)
    with pytest.raises(ValueError):
        jobs.job_dir("../../etc")


def test_a_runner_finishing_while_its_status_is_read_is_not_reported_dead(monkeypatch, temp_root):
    # The interleaving CI once hit, forced: the runner writes its final status
    # and lets go of `.alive` just as a reader asks whether it is still alive.
    # Asked after reading "running", that looked like a runner that died.
    job_id = "forced"
    folder = jobs.job_dir(job_id)
    folder.mkdir(parents=True)
    (folder / "status.json").write_text(json.dumps({"state": "running", "files": []}))
    (folder / ".alive").write_text("")
    final = {"state": "failed", "message": "the key must be at least 32 characters", "files": []}

    def finishing_now(path):
        (path / "status.json").write_text(json.dumps(final))
        return False  # the lock is free: the runner has exited

    monkeypatch.setattr(jobs, "_alive", finishing_now)
    assert jobs.status(job_id) == final


def test_a_runner_that_died_is_still_reported(temp_root):
    job_id = "dead"
    folder = jobs.job_dir(job_id)
    folder.mkdir(parents=True)
    (folder / "status.json").write_text(json.dumps({"state": "running", "files": []}))
    (folder / ".alive").write_text("")  # nobody holds its lock
    state = jobs.status(job_id)
    assert state["state"] == "failed" and "stopped unexpectedly" in state["message"]
