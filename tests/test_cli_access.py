"""The command line acting for a person (`export --as EMAIL`), `export audit`
and `audit verify`, on a real demo warehouse and the example access file."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bansos import audit
from tests.app_fixtures import app_key_file, demo_db  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "data" / "access.example.toml"


@pytest.fixture(scope="module")
def wh(tmp_path_factory, demo_db) -> Path:
    """This module's own copy of the demo warehouse (its audit log is written to)."""
    db = tmp_path_factory.mktemp("cli-access") / "demo.duckdb"
    shutil.copyfile(demo_db, db)
    return db


def bansos(*args, access: Path = EXAMPLE):
    env = {**os.environ, "BANSOS_ACCESS": str(access)}
    return subprocess.run([sys.executable, "-m", "bansos", *map(str, args)], cwd=REPO, env=env,
                          capture_output=True, timeout=180)


def rows(result) -> list[dict]:
    assert result.returncode == 0, result.stderr.decode()
    return list(csv.DictReader(io.StringIO(result.stdout.decode("utf-8-sig"))))


def test_region_indicators_for_pimpinan_lampung_holds_only_lampung(wh):
    everything = rows(bansos("export", "region-indicators", "--db", wh))
    result = bansos("export", "region-indicators", "--db", wh, "--as", "pimpinan.lampung@example.go.id")
    lampung = rows(result)
    assert lampung and {r["region_code"][:3] for r in lampung} == {"18."}
    assert len(lampung) == sum(1 for r in everything if r["region_code"].startswith("18."))
    assert len(everything) > len(lampung)
    assert b"group grants" in result.stderr   # said plainly


def test_families_refused_for_pimpinan(wh):
    result = bansos("export", "families", "--db", wh, "--as", "pimpinan.lampung@example.go.id")
    assert result.returncode == 1 and result.stdout == b""
    assert b"may not export families" in result.stderr
    last = audit.read(wh)[-1]
    assert last["event"] == "denied" and last["as_email"] == "pimpinan.lampung@example.go.id" and last["table"] == "families"


def test_families_for_analis_jatim_holds_only_jawa_timur(wh):
    everything = rows(bansos("export", "families", "--db", wh))
    jatim = rows(bansos("export", "families", "--db", wh, "--as", "analis.jatim@example.go.id"))
    assert jatim and {r["region_code"][:3] for r in jatim} == {"35."}
    assert sorted(r["family_key"] for r in jatim) == sorted(r["family_key"] for r in everything if r["region_code"].startswith("35."))


def test_filters_outside_the_scope_are_refused(wh):
    result = bansos("export", "region-indicators", "--db", wh, "--as", "pimpinan.lampung@example.go.id", "--province", "35")
    assert result.returncode == 1 and b"outside the access" in result.stderr
    result = bansos("export", "region-indicators", "--db", wh, "--as", "operator.metro@example.go.id", "--region", "18.71")
    assert result.returncode == 1 and b"18.71" in result.stderr


def test_unknown_person_and_group_only_person_are_refused(wh):
    result = bansos("export", "region-indicators", "--db", wh, "--as", "someone@elsewhere.org")
    assert result.returncode == 1 and b"no e-mail or domain grant" in result.stderr


def test_domain_grant_applies_from_the_command_line(wh):
    got = rows(bansos("export", "region-indicators", "--db", wh, "--as", "staf@example.go.id"))
    assert {r["region_code"] for r in got} == {"18.72", "35.76"}


def test_quarantine_and_loads_follow_the_scope(wh):
    everything = rows(bansos("export", "quarantine", "--db", wh))
    metro = rows(bansos("export", "quarantine", "--db", wh, "--as", "analis.jatim@example.go.id"))
    def region(row):
        digits = "".join(ch for ch in (json.loads(row["row_values"]).get("kode_wilayah") or "") if ch.isdigit())
        return digits[:2] + "." + digits[2:4] if len(digits) >= 4 else None
    assert metro and {region(r)[:3] for r in metro} == {"35."}
    assert len(metro) == sum(1 for r in everything if (region(r) or "").startswith("35."))
    loads_all = rows(bansos("export", "loads", "--db", wh))
    loads_jatim = rows(bansos("export", "loads", "--db", wh, "--as", "analis.jatim@example.go.id"))
    assert 0 < len(loads_jatim) < len(loads_all)
    assert {r["file_name"] for r in metro} <= {r["file_name"] for r in loads_jatim}
    # Quarantine rows need the full Kualitas Data right: pimpinan has the summary only.
    assert bansos("export", "quarantine", "--db", wh, "--as", "pimpinan.lampung@example.go.id").returncode == 1
    assert bansos("export", "quarantine-summary", "--db", wh, "--as", "pimpinan.lampung@example.go.id").returncode == 0


def test_every_cli_export_is_audited_with_runner_and_identity(wh, tmp_path):
    before = len(audit.read(wh))
    out = tmp_path / "ri.csv"
    assert bansos("export", "region-indicators", "--db", wh, "--as", "evaluator@example.go.id", "--out", out).returncode == 0
    records = audit.read(wh)
    assert len(records) == before + 1
    last = records[-1]
    assert last["event"] == "export" and last["via"] == "cli" and last["runner"] == audit.runner_name()
    assert last["actor"]["email"] == "evaluator@example.go.id" and last["actor"]["roles"] == ["evaluator"]
    assert last["actor"]["scope"] == "all"
    import hashlib
    assert last["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert last["rows"] == len(rows(bansos("export", "region-indicators", "--db", wh))) and last["table"] == "region-indicators"
    assert audit.read(wh)[-1]["actor"] is None   # the runner's own export: no identity, the OS user only


def test_export_audit_gives_one_row_per_record_and_is_command_line_only(wh):
    records = audit.read(wh)
    got = rows(bansos("export", "audit", "--db", wh))
    assert [int(r["seq"]) for r in got] == [r["seq"] for r in records]
    assert got[0]["mac"] == records[0]["mac"]
    assert audit.read(wh)[-1]["event"] == "audit_export"
    refused = bansos("export", "audit", "--db", wh, "--as", "evaluator@example.go.id")
    assert refused.returncode == 1 and b"never for a person" in refused.stderr


def test_audit_verify_detects_edit_deletion_and_cut(wh, tmp_path):
    assert bansos("export", "loads", "--db", wh).returncode == 0
    ok = bansos("audit", "verify", "--db", wh)
    assert ok.returncode == 0 and b"intact" in ok.stdout
    log, head = audit.log_path(wh), audit.head_path(wh)
    original, original_head = log.read_bytes(), head.read_bytes()
    lines = original.decode().splitlines(keepends=True)
    assert len(lines) >= 5

    log.write_text("".join([*lines[:2], lines[2].replace('"via":"cli"', '"via":"app"'), *lines[3:]]))
    edited = bansos("audit", "verify", "--db", wh)
    assert edited.returncode == 1 and b"record 3" in edited.stdout

    log.write_text("".join(lines[:1] + lines[2:]))
    deleted = bansos("audit", "verify", "--db", wh)
    assert deleted.returncode == 1 and b"record 2" in deleted.stdout and b"deleted" in deleted.stdout

    log.write_text("".join(lines[:-2]))
    cut = bansos("audit", "verify", "--db", wh)
    assert cut.returncode == 1 and b"cut from the end" in cut.stdout

    log.write_bytes(original)
    head.write_bytes(original_head)
    assert bansos("audit", "verify", "--db", wh).returncode == 0
