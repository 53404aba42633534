"""Audit log: keyed hash chain, lock, head file and anchors, no identifiers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from bansos import audit, keys
from bansos.audit import AuditError, AuditHead

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("BANSOS_AUDIT_KEY", raising=False)
    monkeypatch.setenv("BANSOS_AUDIT_KEY_FILE", str(tmp_path / "keys" / "audit-key"))
    folder = tmp_path / "wh"
    folder.mkdir()
    return folder / "warehouse.duckdb"


def _fill(db, n=5):
    return [audit.record(db, "export", table="region-indicators", rows=i, via="cli", runner="tester") for i in range(1, n + 1)]


def _lines(db):
    return audit.log_path(db).read_text().splitlines(keepends=True)


def test_records_chain_and_verify(db):
    heads = _fill(db)
    assert [h.seq for h in heads] == [1, 2, 3, 4, 5]
    assert audit.head(db) == heads[-1]
    verdict = audit.verify(db)
    assert verdict.ok and verdict.records == 5, verdict.message
    records = audit.read(db)
    assert records[2]["rows"] == 3 and records[2]["event"] == "export" and records[2]["runner"] == "tester"
    key_file = Path(os.environ["BANSOS_AUDIT_KEY_FILE"])
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_an_edited_record_is_detected(db):
    _fill(db)
    lines = _lines(db)
    lines[2] = lines[2].replace('"rows":3', '"rows":4')
    audit.log_path(db).write_text("".join(lines))
    verdict = audit.verify(db)
    assert not verdict.ok and verdict.broken_seq == 3 and "record 3" in verdict.message


def test_a_deleted_record_in_the_middle_is_detected(db):
    _fill(db)
    lines = _lines(db)
    del lines[1]
    audit.log_path(db).write_text("".join(lines))
    verdict = audit.verify(db)
    assert not verdict.ok and verdict.broken_seq == 2 and "deleted" in verdict.message


def test_a_deleted_record_renumbered_still_fails_on_the_mac(db):
    _fill(db)
    records = [json.loads(line) for line in _lines(db)]
    del records[1]
    for number, entry in enumerate(records, start=1):
        entry["seq"] = number
    audit.log_path(db).write_text("".join(json.dumps(r) + "\n" for r in records))
    verdict = audit.verify(db)
    assert not verdict.ok and verdict.broken_seq == 2


def test_records_cut_from_the_end_are_detected_by_the_head_file(db):
    _fill(db)
    audit.log_path(db).write_text("".join(_lines(db)[:3]))
    verdict = audit.verify(db)
    assert not verdict.ok and "cut from the end" in verdict.message and "record 5" in verdict.message


def test_a_forged_head_file_is_detected(db):
    _fill(db)
    lines = _lines(db)[:3]
    audit.log_path(db).write_text("".join(lines))
    last = json.loads(lines[-1])
    audit.head_path(db).write_text(json.dumps({"seq": 3, "mac": last["mac"], "sig": "0" * 64}))
    verdict = audit.verify(db)
    assert not verdict.ok and "head file" in verdict.message and "edited" in verdict.message


def test_a_cut_with_an_old_head_file_is_caught_by_the_warehouse_anchor(db):
    heads = _fill(db, 3)
    # A load anchors the head in the warehouse's meta table.
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ($k, $v)", {"k": audit.META_KEY, "v": audit.head(db).to_text()})
    con.close()
    _fill(db, 2)
    # Someone cuts records 2-5 and puts back an older genuine head file: only the anchor sees it.
    audit.log_path(db).write_text("".join(_lines(db)[:1]))
    audit.head_path(db).write_text(json.dumps({"seq": 1, "mac": heads[0].mac, "sig": audit._head_sig(audit.load_key(db), 1, heads[0].mac)}))
    verdict = audit.verify(db)
    assert not verdict.ok and "warehouse's anchor" in verdict.message and "record 3" in verdict.message
    # The documented limit: without the warehouse anchor (and no other anchor) that cut is not detectable.
    assert audit.verify(db, use_warehouse=False).ok
    # A backup manifest's anchor catches it too.
    assert not audit.verify(db, anchors=[heads[2]], use_warehouse=False).ok


def test_a_log_rewritten_from_an_anchor_point_is_detected(db):
    heads = _fill(db, 3)
    lines = _lines(db)
    audit.log_path(db).write_text("".join(lines[:1]))
    # The writer carries on from the cut: records 2.. are new, so the anchor for 3 no longer matches.
    audit.head_path(db).unlink()
    _fill(db, 2)
    verdict = audit.verify(db, anchors=[heads[2]], use_warehouse=False)
    assert not verdict.ok and "record 3 differs" in verdict.message


def test_missing_head_file_fails(db):
    _fill(db, 2)
    audit.head_path(db).unlink()
    assert not audit.verify(db).ok


def test_a_different_key_fails(db, monkeypatch):
    _fill(db, 2)
    monkeypatch.setenv("BANSOS_AUDIT_KEY", "another key, long enough to be accepted as one")
    verdict = audit.verify(db)
    assert not verdict.ok and verdict.broken_seq == 1


def test_no_sixteen_digit_run_can_be_written(db):
    nik = "3510012345673934"
    audit.record(db, "denied", detail=f"tried region {nik}", filters={"q": "35 1001 2345 6739 34", nik: [nik]},
                 note="3510.0123.4567.3934")
    with pytest.raises(AuditError, match="16-digit"):
        audit.record(db, "denied", value=int(nik))
    with pytest.raises(AuditError, match="SHA-256"):
        audit.record(db, "export", sha256=nik)
    text = audit.log_path(db).read_text()
    without_macs = text.replace(json.loads(text.splitlines()[0])["mac"], "")
    assert keys.mask_text(without_macs) == without_macs  # no long digit run left to mask
    assert "3510********3934" in text
    assert audit.verify(db).ok


def test_key_file_beside_the_warehouse_is_refused(db, monkeypatch):
    monkeypatch.setenv("BANSOS_AUDIT_KEY_FILE", str(db.parent / "audit-key"))
    with pytest.raises(AuditError, match="warehouse's folder"):
        audit.record(db, "login")


def test_unknown_event_and_reserved_fields_are_refused(db):
    with pytest.raises(AuditError):
        audit.record(db, "coffee")
    with pytest.raises(AuditError):
        audit.record(db, "login", seq=7)


def test_a_partial_last_record_stops_appends(db):
    _fill(db, 2)
    with open(audit.log_path(db), "a") as handle:
        handle.write('{"seq":3,"at":')
    with pytest.raises(AuditError, match="partial record"):
        audit.record(db, "login")
    assert not audit.verify(db).ok


WRITER = """
import sys
from bansos import audit
db, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(n):
    audit.record(db, "download", runner=who, rows=i, via="app")
"""


def test_several_processes_append_at_once(db):
    audit.record(db, "login")   # create the key first, as the app would
    processes = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db), f"w{p}", "40"], cwd=REPO, env=dict(os.environ))
        for p in range(4)
    ]
    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0, 0]
    records = audit.read(db)
    assert len(records) == 1 + 4 * 40
    assert [r["seq"] for r in records] == list(range(1, 162))
    for p in range(4):
        assert sorted(r["rows"] for r in records if r.get("runner") == f"w{p}") == list(range(40))
    verdict = audit.verify(db)
    assert verdict.ok, verdict.message
    assert audit.head(db) == AuditHead(161, records[-1]["mac"])
