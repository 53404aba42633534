#!/usr/bin/env python
"""The marts on DuckDB and on Spark, side by side, on one warehouse.

    .venv/bin/python benchmarks/spark_marts.py --db WAREHOUSE | --scale S [--master local[2]] [--runs 2]
                                               [--out FILE] [--bench-json benchmarks/out/bench.json]

On a copy of the warehouse (the original is never written):
1. DuckDB: `marts.rebuild` on the copy attached to an in-memory connection,
   as a load runs it (--runs times; the best and every run reported).
2. The lake: the current facts written as `export lake` writes them (time, size).
3. Spark: the session started (time), then the mart SQL run over the lake
   --runs times (per statement and in total, marts collected to the driver
   included), then the whole `rebuild --engine spark` path once
   (`rebuild_warehouse`: copy, reference tables, lake, Spark, write-back, swap),
   its marts checked equal to DuckDB's.
Per-row costs divide by the current fact rows (register + allocation).
Prints JSON (and writes it to --out). Timings on a shared machine are noisy:
the load average is recorded beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

for _path in (Path(__file__).resolve().parent.parent, Path(__file__).resolve().parent):
    sys.path.insert(0, str(_path))

from bansos import lake, marts, settings, spark_marts  # noqa: E402
from bansos.reference import REFERENCE_TABLES  # noqa: E402
import bench  # noqa: E402  (the benchmark cache, bench.json)


def _attached(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {int(settings.get('threads'))}")
    con.execute("SET preserve_insertion_order = false")  # as a load's session sets it
    con.execute(f"ATTACH '{path}' AS wh{' (READ_ONLY)' if read_only else ''}")
    return con


def measure(db: Path, master: str, runs: int) -> dict:
    result: dict = {"warehouse": str(db), "master": master, "cpus": os.cpu_count(), "load_average_before": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="bansos-bench-spark-") as scratch:
        scratch = Path(scratch)
        copy = scratch / "w.duckdb"
        shutil.copyfile(db, copy)
        con = _attached(copy)
        version = lake.facts_version(con, "wh")
        rows = version["current_family_rows"] + version["current_allocation_rows"]
        result["fact_rows"] = {"family": version["current_family_rows"], "allocation": version["current_allocation_rows"]}

        duck = []
        for _ in range(runs):
            started = time.perf_counter()
            marts.rebuild(con, "wh")
            duck.append(time.perf_counter() - started)
        result["duckdb_marts_s"] = {"best": min(duck), "runs": duck, "threads": int(settings.get("threads"))}

        started = time.perf_counter()
        lake.write(con, "wh", scratch / "lake")
        result["lake_write_s"] = time.perf_counter() - started
        result["lake_bytes"] = sum(p.stat().st_size for p in (scratch / "lake").rglob("*") if p.is_file())
        reference = {n: con.sql(f"SELECT * FROM wh.{n}").to_arrow_table() for n in spark_marts.inputs() & set(REFERENCE_TABLES)}
        con.close()

        started = time.perf_counter()
        with spark_marts.SparkEngine(master) as engine:
            result["spark_start_s"] = time.perf_counter() - started
            params = {"timely_days": settings.get_int("timely_days")}
            spark_runs = []
            for _ in range(runs):
                timings: dict = {}
                started = time.perf_counter()
                spark_marts.run_marts(engine.session, scratch / "lake", reference, params, timings)
                spark_runs.append({"total": time.perf_counter() - started, "statements": timings})
            best = min(spark_runs, key=lambda r: r["total"])
            result["spark_marts_s"] = {"best": best["total"], "runs": [r["total"] for r in spark_runs],
                                       "statements_of_best": best["statements"]}
            spark_copy = scratch / "spark.duckdb"
            shutil.copyfile(db, spark_copy)
            started = time.perf_counter()
            spark_marts.rebuild_warehouse(spark_copy, engine)
            result["spark_rebuild_command_s"] = time.perf_counter() - started
        check = duckdb.connect()
        check.execute(f"ATTACH '{spark_copy}' AS s (READ_ONLY)")
        check.execute(f"ATTACH '{copy}' AS d (READ_ONLY)")
        result["marts_equal"] = all(
            check.execute(f"SELECT (SELECT count(*) FROM (SELECT * FROM s.{t} EXCEPT ALL SELECT * FROM d.{t})) + "
                          f"(SELECT count(*) FROM (SELECT * FROM d.{t} EXCEPT ALL SELECT * FROM s.{t}))").fetchall()[0][0] == 0
            for t in marts.mart_names())
        check.close()
    result["per_million_fact_rows_s"] = {
        "duckdb": result["duckdb_marts_s"]["best"] / rows * 1e6,
        "spark": result["spark_marts_s"]["best"] / rows * 1e6,
    }
    result["load_average_after"] = os.getloadavg()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", type=Path)
    where.add_argument("--scale", type=float, help="the benchmark's cached warehouse at this scale (make bench)")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--bench-json", type=Path,
                        help="also put the figures into this bench.json under spark_marts (make bench)")
    args = parser.parse_args()
    db = args.db or bench.cache_paths(args.scale)["db"]
    if not db.exists():
        parser.error(f"no warehouse at {db}" + (" (run benchmarks/bench.py at that scale first)" if args.scale else ""))
    result = measure(db, args.master, args.runs)
    result["scale"] = args.scale
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    if args.bench_json:
        bench.record_in_bench(args.bench_json, "spark_marts", bench_figures(result))
    return 0 if result["marts_equal"] else 1


def bench_figures(result: dict) -> dict:
    """What bench.json keeps of a run: the best whole-mart times of both
    engines, per million fact rows, the rebuild command, and whether Spark's
    marts equal DuckDB's."""
    return {
        "scale": result["scale"], "master": result["master"], "fact_rows": result["fact_rows"],
        "duckdb_marts_s": result["duckdb_marts_s"]["best"], "spark_start_s": result["spark_start_s"],
        "spark_marts_s": result["spark_marts_s"]["best"], "spark_rebuild_command_s": result["spark_rebuild_command_s"],
        "lake_write_s": result["lake_write_s"], "lake_bytes": result["lake_bytes"],
        "per_million_fact_rows_s": result["per_million_fact_rows_s"], "marts_equal": result["marts_equal"],
        "load_average": [result["load_average_before"], result["load_average_after"]],
    }


if __name__ == "__main__":
    sys.exit(main())
