"""The project's log (bansos/logs.py): text or JSON lines on stderr, the
level from the settings, identifiers masked, a wrong setting said plainly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KK = "3510011234567890"
EMIT = (
    "import logging; from bansos import logs; logs.configure(); log = logging.getLogger('bansos.app');"
    f"log.debug('not shown at INFO'); log.warning('quarantine row for KK {KK} unreadable');"
    "\ntry:\n    1 / 0\nexcept ZeroDivisionError:\n    log.exception('query failed')"
)


def emit(**env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", EMIT], cwd=REPO, env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=60)


def test_json_lines_with_time_level_logger_and_masked_message():
    run = emit(BANSOS_LOG_FORMAT="json", BANSOS_LOG_LEVEL="INFO")
    assert run.returncode == 0, run.stderr
    entries = [json.loads(line) for line in run.stderr.splitlines()]
    assert [(e["level"], e["logger"]) for e in entries] == [("WARNING", "bansos.app"), ("ERROR", "bansos.app")]
    assert KK not in run.stderr and "3510" in entries[0]["message"] and "7890" in entries[0]["message"]
    assert entries[0]["time"].endswith("+00:00")
    assert "ZeroDivisionError" in entries[1]["exception"]


def test_text_lines_by_default_and_the_level_respected():
    run = emit(BANSOS_LOG_FORMAT="", BANSOS_LOG_LEVEL="DEBUG")
    lines = run.stderr.splitlines()
    assert any(" DEBUG bansos.app: not shown at INFO" in line for line in lines)
    assert any(" WARNING bansos.app: quarantine row for KK " in line for line in lines) and KK not in run.stderr
    quiet = emit(BANSOS_LOG_LEVEL="ERROR")
    assert "quarantine row" not in quiet.stderr and "ERROR bansos.app: query failed" in quiet.stderr


def test_a_wrong_setting_is_a_usage_error_naming_it(cli, monkeypatch):
    monkeypatch.setenv("BANSOS_LOG_FORMAT", "xml")
    run = cli("check", "--db", "/nonexistent/w.duckdb")
    assert run.returncode == 2 and "BANSOS_LOG_FORMAT must be text or json, not 'xml'" in run.stderr
