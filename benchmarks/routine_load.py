#!/usr/bin/env python
"""Routine loads into warehouses of different sizes (a benchmark, not a test).

    .venv/bin/python benchmarks/routine_load.py --scales 0.1 1 [4]

A routine load is what an office sends in a normal month: one region's
register extract and one bank's tranche file. Three files (generated once,
at --load-scale, with their own seed) are loaded in turn, one `ingest` call
each, into a copy of the benchmark's cached warehouse at every scale in
--scales (built when missing, as the soak builds it):
- a region's register extract of a snapshot date the warehouse has (new
  families added to the region's January snapshot: a late addition or a
  re-send, which leaves every kab/kota's structure as it was);
- a bank's tranche file for a tranche the warehouse has;
- the same register rows as the region's next monthly snapshot (a new date,
  after every other: the region's register in use changes).
These three are the same files at every scale, so their times compare
across scales (the targets below). The next month's file holds only the new
families, so from that date the region's other families, paid ones
included, are in no register in use: not what a real month looks like. So a
fourth load, reported apart, is the region's whole register a month later:
every family of its January snapshot in that warehouse (the cached extract)
and the new ones. It differs by scale, as the region does. A fifth, also
apart, is the month after it as a real month looks: the same register with
1 % of its families at another desil and 0.5 % left out, which goes by
difference over those families.
For each load: the
seconds, and where they went (copying the live file, the file's own work,
rebuilding the marts, writing and swapping the copy), from the same profiler
as bench.py's ingestion figures.

By default a larger scale makes every kab/kota larger (the benchmark's
usual data: the same 34 kab/kota). `--region-scale R` grows the warehouses
above scale R the way the national rollout does instead: every kab/kota
keeps its size at scale R and there are more of them (comparison kab/kota
of the pilot provinces; at most 4.24 times R with the benchmark's seed),
each such warehouse in a cache of its own.

What it shows: whether a load's cost grows with the load or with the
warehouse. The national-scale targets (docs/national-scale.md) are ≤ 15 s a
file into a scale-4 warehouse and ≤ 3× the same load into a scale-0.1 one.
Writes benchmarks/out/routine-load.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
for path in (REPO, REPO / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import bench  # noqa: E402  (cache, workers, profiler)
import soak  # noqa: E402  (the soak's warehouse builder and its load files)

OUT = bench.OUT_DIR / "routine-load.json"
SEED = 4242  # not the cache's seed: the files are new data for every warehouse
# The register file's snapshot date (the warehouse's latest) and the next month's.
JANUARY, NEXT_MONTH = "2026-01-31", "2026-02-28"
WHOLE_MONTH = "2026-03-31"  # the whole-register load's snapshot date, after NEXT_MONTH
REAL_MONTH = "2026-04-30"  # the real month's snapshot date, after WHOLE_MONTH
# The real month: the whole register again with these shares of its families
# changed (every n-th row): another desil, or left out.
REAL_MONTH_DESIL_EVERY, REAL_MONTH_DROP_EVERY = 100, 200
TARGETS = {"seconds_at_largest": 15.0, "ratio_largest_to_smallest": 3.0}
# Where a load's time goes, in the profiler's phase names: what depends on
# the warehouse's size (copy, marts, writing the copy) and what does not.
GROWS_WITH_WAREHOUSE = ("copy live file", "marts", "checkpoint, close, fsync, rename")


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


def make_files(load_scale: float, scratch: Path) -> list[Path]:
    folder = scratch / "files"
    folder.mkdir(parents=True)
    files = []
    # New families (their own seed) in the warehouses' kab/kota (its region
    # seed): a routine tranche file pays where earlier tranches were paid.
    for name, data in soak._extracts(1, load_scale, SEED, scratch, region_seed=bench.SEED):
        (folder / name).write_bytes(data)
        files.append(folder / name)
    # The next month's snapshot: the register rows dated a month on (tanggal_data ends each line).
    register = next(f for f in files if f.name.startswith("registrasi_"))
    monthly = folder / register.name.replace(f"_{JANUARY.replace('-', '')}", f"_{NEXT_MONTH.replace('-', '')}")
    data = register.read_bytes()
    if data.count(f",{JANUARY}\n".encode()) != data.count(b"\n") - 1:
        raise SystemExit(f"{register.name}: expected every row dated {JANUARY}")
    monthly.write_bytes(data.replace(f",{JANUARY}\n".encode(), f",{NEXT_MONTH}\n".encode()))
    return [*files, monthly]


def whole_register(files: list[Path], extracts: Path, folder: Path) -> Path:
    """The region's whole register at WHOLE_MONTH: the January snapshot the
    warehouse was built from (its cached extract, the same columns) and the
    January file's new families, dated a month after NEXT_MONTH."""
    january = next(f for f in files if f.name.startswith("registrasi_") and JANUARY.replace("-", "") in f.name)
    cached = extracts / january.name
    snapshot, (header, added) = cached.read_bytes(), january.read_bytes().split(b"\n", 1)
    if not snapshot.startswith(header + b"\n"):
        raise SystemExit(f"{cached}: not the columns of {january.name}")
    data = snapshot + added
    if data.count(f",{JANUARY}\n".encode()) != data.count(b"\n") - 1:
        raise SystemExit(f"{cached}, {january.name}: expected every row dated {JANUARY}")
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / january.name.replace(JANUARY.replace("-", ""), WHOLE_MONTH.replace("-", ""))
    out.write_bytes(data.replace(f",{JANUARY}\n".encode(), f",{WHOLE_MONTH}\n".encode()))
    return out


def real_month(whole: Path, folder: Path, desil_every: int = REAL_MONTH_DESIL_EVERY,
               drop_every: int = REAL_MONTH_DROP_EVERY) -> Path:
    """The region's register a month after the whole one, as a real month
    is: the same families, every `desil_every`-th row at another desil and
    every `drop_every`-th left out (by default 1 % and 0.5 %; no new ones: a
    new family needs a KK number the generator has not given another),
    dated REAL_MONTH. Its cost is that of the changed families (docs/architecture.md,
    "Marts after a load")."""
    out = folder / whole.name.replace(WHOLE_MONTH.replace("-", ""), REAL_MONTH.replace("-", ""))
    with open(whole, newline="") as source, open(out, "w", newline="") as target:
        rows, writer = csv.reader(source), csv.writer(target, lineterminator="\n")
        header = next(rows)
        writer.writerow(header)
        desil, dated = header.index("desil"), header.index("tanggal_data")
        for number, row in enumerate(rows):
            if number % drop_every == drop_every - 1:
                continue
            if number % desil_every == 3 % desil_every and row[desil]:
                row[desil] = str(int(row[desil]) % 10 + 1)
            row[dated] = REAL_MONTH
            writer.writerow(row)
    return out


def load_one(db: Path, file: Path, key: Path, logs: Path, next_max_share: float | None = None) -> dict:
    """One file loaded into `db` by bench.py's ingest worker (`next_max_share`:
    bansos.marts.NEXT_MAX_SHARE for that load, to force either way of a next snapshot)."""
    payload = {"db": str(db), "files": [(str(file), None, None)], "key_file": str(key)}
    if next_max_share is not None:
        payload["next_max_share"] = next_max_share
    run = bench.run_worker("ingest", payload, logs)
    result = run["results"][0]
    phases = run["phases"]
    file_work = sum(run["files"][0]["phases"].values()) if run["files"] else 0.0
    return {
        "file": file.name, "status": result["status"], "rows_read": result["rows_read"],
        "rows_loaded": result["rows_loaded"], "seconds": round(run["seconds"], 2),
        "grows_with_warehouse_s": round(sum(phases.get(p, 0.0) for p in GROWS_WITH_WAREHOUSE), 2),
        "file_work_s": round(file_work + phases.get("load (insert, ledger, transaction)", 0.0), 2),
        "phases_s": phases, "copy_cloned": run["copy_cloned"], "peak_rss_mb": run["peak_rss_mb"],
        "marts_mode": marts_mode(db),
    }


def marts_mode(db: Path) -> str | None:
    """How the load refreshed the marts (meta.marts_mode: only the regions it
    touched, or all and why)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'marts_mode'").fetchone()
        return row[0] if row else None
    finally:
        con.close()


def measure_scale(scale: float, files: list[Path], scratch: Path, region_scale: float | None = None) -> dict:
    region_scale = bench.widening(scale, region_scale)
    label = bench.data_label(scale, region_scale)
    paths = bench.cache_paths(scale, region_scale=region_scale)
    os.environ.pop("BANSOS_KEY", None)
    os.environ["BANSOS_KEY_FILE"] = str(paths["key"])
    built = soak.build_warehouse(scale, paths, region_scale)
    copy = soak._copy_warehouse(paths["db"], scratch / f"scale-{label}")
    size_mb = round(copy.stat().st_size / 2**20)
    log(f"scale {label}: warehouse {size_mb:,} MB; loading {len(files) + 2} files one by one …")
    loads, apart = [], {}
    try:
        whole_file = whole_register(files, paths["extracts"], scratch / f"whole-{label}")
        month_file = real_month(whole_file, whole_file.parent)
        for file in [*files, whole_file, month_file]:
            entry = load_one(copy, file, paths["key"], paths["logs"])
            log(f"scale {label}: {entry['file']} {entry['status']}, {entry['rows_read']:,} rows in {entry['seconds']} s "
                f"(of which {entry['grows_with_warehouse_s']} s copy, marts and swap; marts {entry['marts_mode']})")
            if file == whole_file:
                apart["whole_register"] = entry
            elif file == month_file:
                apart["real_month"] = entry
            else:
                loads.append(entry)
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)
        shutil.rmtree(scratch / f"whole-{label}", ignore_errors=True)
    return {"scale": scale, "region_scale": region_scale, "label": label, "warehouse_mb": size_mb, "built": built,
            "kab_kota": bench.data_shape(paths["extracts"])["kab_kota"], "loads": loads,
            "whole_register": apart.get("whole_register"), "real_month": apart.get("real_month")}


def summarise(results: list[dict]) -> dict:
    smallest, largest = results[0], results[-1]
    files = [entry["file"] for entry in largest["loads"]]
    ratios = {}
    for index, name in enumerate(files):
        small, large = smallest["loads"][index]["seconds"], largest["loads"][index]["seconds"]
        ratios[name] = round(large / small, 2) if small else None
    return {
        "smallest_scale": smallest["scale"], "largest_scale": largest["scale"],
        "largest_region_scale": largest.get("region_scale"),
        "seconds_at_largest": {e["file"]: e["seconds"] for e in largest["loads"]},
        "ratio_largest_to_smallest": ratios,
        "meets": {name: largest["loads"][i]["seconds"] <= TARGETS["seconds_at_largest"]
                  and (ratios[name] or 0) <= TARGETS["ratio_largest_to_smallest"] for i, name in enumerate(files)},
    }


def _whole_figures(entry: dict | None) -> dict | None:
    if entry is None:
        return None
    return {"file": entry["file"], "rows_read": entry["rows_read"], "seconds": entry["seconds"],
            "marts_s": entry["phases_s"].get("marts"), "marts_mode": entry["marts_mode"]}


def bench_figures(detail: dict) -> dict:
    """What bench.json keeps of a run: each load's seconds, marts seconds and
    mode, and its copy of the live file (seconds, cloned or not) at every
    scale, the summary against the targets, and when."""
    return {
        "started_at": detail["started_at"], "targets": detail["targets"],
        "load_average": [detail["load_average_start"], detail["load_average_end"]],
        "scales": {row.get("label") or bench.scale_label(row["scale"]): {
            "warehouse_mb": row["warehouse_mb"], "kab_kota": row.get("kab_kota"),
            "region_scale": row.get("region_scale"),
            "loads": {e["file"]: {"seconds": e["seconds"], "marts_s": e["phases_s"].get("marts"),
                                  "copy_s": e["phases_s"].get("copy live file"), "copy_cloned": e["copy_cloned"],
                                  "marts_mode": e["marts_mode"]} for e in row["loads"]},
            "whole_register": _whole_figures(row.get("whole_register")),
            "real_month": _whole_figures(row.get("real_month")),
        } for row in detail["scales"]},
        "summary": detail["summary"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.1, 1.0], help="warehouse scales, smallest first")
    parser.add_argument("--load-scale", type=float, default=1.0,
                        help="scale of the generated files (1: a region's register and a bank's tranche at scale 1)")
    parser.add_argument("--region-scale", type=float,
                        help="warehouses above this scale keep every kab/kota at its size here and have more of them")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--bench-json", type=Path,
                        help="also put the figures into this bench.json under routine_load (make bench)")
    args = parser.parse_args(argv)
    scales = sorted(set(args.scales))  # `make bench SCALE=0.1` gives 0.1 twice
    began = time.perf_counter()
    detail: dict = {"command": " ".join(["benchmarks/routine_load.py", *(argv or sys.argv[1:])]),
                    "started_at": datetime.now(UTC).isoformat(timespec="seconds"), "targets": TARGETS,
                    "load_average_start": os.getloadavg()}
    bench.CACHE_ROOT.mkdir(parents=True, exist_ok=True)  # a fresh machine has no cache yet
    with tempfile.TemporaryDirectory(prefix="bansos-routine-", dir=bench.CACHE_ROOT) as scratch_name:
        scratch = Path(scratch_name)
        files = make_files(args.load_scale, scratch)
        detail["files"] = [{"file": f.name, "bytes": f.stat().st_size} for f in files]
        detail["scales"] = [measure_scale(scale, files, scratch, args.region_scale) for scale in scales]
    detail["summary"] = summarise(detail["scales"])
    detail["load_average_end"] = os.getloadavg()
    detail["took_s"] = round(time.perf_counter() - began, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(detail, indent=1, default=str))
    if args.bench_json:
        bench.record_in_bench(args.bench_json, "routine_load", bench_figures(detail))
    for row in detail["scales"]:
        for entry in [*row["loads"], *(row[k] for k in ("whole_register", "real_month") if row.get(k))]:
            print(f"scale {row['label']:>4}  {row['warehouse_mb']:>7,} MB  {entry['file']:<38} {entry['rows_read']:>9,} rows "
                  f"{entry['seconds']:>7.2f} s  (copy+marts+swap {entry['grows_with_warehouse_s']:.2f} s, "
                  f"file {entry['file_work_s']:.2f} s; marts {entry['marts_mode']})")
    log(f"wrote {args.out}; summary {json.dumps(detail['summary'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
