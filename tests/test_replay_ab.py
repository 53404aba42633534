"""benchmarks/replay_ab.py runs (a benchmark script, so no timings are
checked): both sides' page queries replay on a real warehouse, the before
side from git, and a query missing at the given commit is said plainly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.app_fixtures import app_key_file, demo_db  # noqa: F401

REPO = Path(__file__).resolve().parent.parent


def _detail(path: Path, queries: list[dict]) -> Path:
    path.write_text(json.dumps({"pages": {"ringkasan": {"queries": queries}}}))
    return path


def _replay(db: Path, before: Path, after: Path, out: Path | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "benchmarks/replay_ab.py", "--db", str(db), "--before", str(before),
               "--before-rev", "HEAD", "--after", str(after), "--runs", "2"]
    return subprocess.run(command + (["--out", str(out)] if out else []), cwd=REPO, capture_output=True, text=True)


def test_replay_reports_both_sides_of_a_page(demo_db, tmp_path):  # noqa: F811
    metro = {"name": "region_indicators", "params": {"as_of": None, "basis": "desil", "program": "PKH", "year": 2026,
                                                     "tranche": 2, "province": None, "regions": ["18.72"]}}
    before = _detail(tmp_path / "before.json", [{"name": "programs", "params": {}}, metro, metro])
    after = _detail(tmp_path / "after.json", [metro])
    out = tmp_path / "ab.json"
    done = _replay(demo_db, before, after, out)
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())["pages"]["ringkasan"]
    assert figures["before"]["queries"] == 2 and figures["after"]["queries"] == 1  # distinct queries, as bench.py replays
    assert figures["before"]["p50_ms"] > 0 and figures["after"]["p50_ms"] > 0
    assert "ringkasan" in done.stdout


def test_a_query_missing_at_the_commit_is_named(demo_db, tmp_path):  # noqa: F811
    before = _detail(tmp_path / "before.json", [{"name": "no_such_query", "params": {}}])
    after = _detail(tmp_path / "after.json", [{"name": "programs", "params": {}}])
    done = _replay(demo_db, before, after)
    assert done.returncode != 0
    assert "no queries/no_such_query.sql at HEAD" in done.stderr
