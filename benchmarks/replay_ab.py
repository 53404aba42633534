#!/usr/bin/env python
"""Page queries before and after a change, replayed in turn on one warehouse
(a benchmark, not a test).

    .venv/bin/python benchmarks/replay_ab.py --db WAREHOUSE \\
        --before OLD/bench-detail.json --before-rev COMMIT --after NEW/bench-detail.json

Two runs of bench.py minutes apart on this machine have differed by 30-50 %
on every query, changed or not (benchmarks/RESULTS.md, 6 Dec 2026), so page
totals from two runs do not show what a change did. This replays both: each
page's distinct queries as `bench.py` recorded them in `--before` (with the
SQL of `queries/` at `--before-rev`, read with `git show`) and in `--after`
(with the SQL of this checkout), one replay of each in turn, `--runs` times,
and reports each side's p50 and p95 of the page total. Fragments
(`queries/fragments/`) and indicator definitions are this checkout's on both
sides. Each query runs as the app's runner runs it (a cursor of the shared
read-only instance, bound parameters, a DataFrame), with no result cache.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bansos.queries import (  # noqa: E402
    PARAM_PATTERN, QueryRunner, _bindable, _expand, _strip_comments, bound_values, load_query, result_frame,
)
from benchmarks.bench import dedupe  # noqa: E402


def _sql_at(rev: str, name: str) -> str:
    shown = subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:queries/{name}.sql"], capture_output=True, text=True)
    if shown.returncode != 0:
        raise SystemExit(f"replay_ab: no queries/{name}.sql at {rev}: {shown.stderr.strip()}")
    return _expand(shown.stdout, f"{name}.sql at {rev}")[0]


def _bound(sql: str, params: dict) -> dict:
    """The values the statement takes, as the runner binds them (scope:
    every region)."""
    names = set(PARAM_PATTERN.findall(_strip_comments(sql)))
    return {k: _bindable(v) for k, v in bound_values(names, params, None).items()}


def _replay(runner: QueryRunner, version: str, statements: list[tuple[str, dict]]) -> float:
    started = time.perf_counter()
    for sql, params in statements:
        with runner._cursor(version) as cursor:
            result_frame(cursor.execute(sql, params))
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--before", type=Path, required=True, help="bench-detail*.json recorded before the change")
    parser.add_argument("--before-rev", required=True, help="the commit whose queries/ the --before run used")
    parser.add_argument("--after", type=Path, required=True, help="bench-detail*.json recorded with this checkout")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()

    before = json.loads(args.before.read_text())["pages"]
    after = json.loads(args.after.read_text())["pages"]
    runner = QueryRunner(args.db, cache=False)
    version = runner._connection()
    old_sql: dict[str, str] = {}
    results = {}
    print(f"{'page':22} {'queries':>9}   p50 before → after   p95 before → after  (ms)")
    for page in [p for p in before if p in after]:
        sides = []
        for pages, rev in ((before, args.before_rev), (after, None)):
            statements = []
            # A batch's queries (run at once by the page) are replayed here in turn: this compares SQL.
            calls = [(m["name"], m["params"]) for q in pages[page]["queries"] for m in q.get("batch", [q])]
            for name, params in dedupe(calls):
                if rev is None:
                    sql = load_query(name).sql
                else:
                    if name not in old_sql:
                        old_sql[name] = _sql_at(rev, name)
                    sql = old_sql[name]
                statements.append((sql, _bound(sql, params)))
            sides.append(statements)
        times: tuple[list[float], list[float]] = ([], [])
        for statements in sides:  # once each, not counted: the first replay warms
            _replay(runner, version, statements)
        for _ in range(args.runs):
            for side, statements in enumerate(sides):
                times[side].append(_replay(runner, version, statements))
        figures = {label: {"queries": len(sides[i]), "p50_ms": round(statistics.median(times[i]), 1),
                           "p95_ms": round(statistics.quantiles(times[i], n=20)[18], 1)}
                   for i, label in enumerate(("before", "after"))}
        results[page] = figures
        b, a = figures["before"], figures["after"]
        print(f"{page:22} {b['queries']:>3} → {a['queries']:<3}   {b['p50_ms']:6} → {a['p50_ms']:<6}     "
              f"{b['p95_ms']:6} → {a['p95_ms']:<6}")
    if args.out:
        args.out.write_text(json.dumps({"db": str(args.db), "before_rev": args.before_rev, "runs": args.runs,
                                        "pages": results}, indent=1))


if __name__ == "__main__":
    main()
