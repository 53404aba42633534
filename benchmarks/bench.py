#!/usr/bin/env python
"""The benchmark of the budgets in benchmarks/README.md: `make bench` (SCALE=1 by default).

    .venv/bin/python benchmarks/bench.py --scale 1

What it does, in order (each step is skipped with a --skip-* flag):
1. Synthetic extracts and a warehouse at that scale in a cache outside the
   repository (~/.cache/bansos-bench/scale-<X>/, or --cache), built once and
   reused. Building it IS the ingestion measurement: every CSV and Parquet
   extract in one `ingest()` call (validation, pseudonymisation, marts, the
   copy and the swap included), timed phase by phase and statement by
   statement, in a child process (so its peak memory is its own). The
   figures are kept beside the cached warehouse and reused until the
   warehouse is rebuilt (--remeasure-ingest measures again into a scratch file).
2. XLSX ingestion: a 50,000-row penyaluran workbook (ids as text cells, dates
   as date cells, title rows above the header) into an empty warehouse.
3. Which queries each page runs: every page of dashboard.py under Streamlit's
   AppTest, with default filters and with one region selected (--region),
   recording `runner.recorder`. Discovered fresh on every run, so pages that
   change are measured as they are.
4. Each page's distinct queries replayed with a fresh `QueryRunner(db,
   cache=False)`: cold = the first replay on a newly opened connection, then
   --runs warm replays → p50 and p95 of the page total.
5. The same questions in pandas (benchmarks/pandas_pages.py): Parquet read per
   request, then filtered and grouped (pandas_p50_ms); and the compute alone,
   with the frames already in memory, in pandas (pandas_memory_ms) and in
   polars (benchmarks/polars_pages.py, polars_memory_ms), each with its ratio
   to the SQL p50. The fact rows each page's filters select (fact_rows) say
   where issue 16's in-memory goal applies. Skipped above scale 1 unless
   --pandas; --skip-pandas skips both baselines.
6. A real Streamlit server on the warehouse and Debian's Chromium: one browser
   visiting every page (peak server RSS), then ten contexts of one Chromium,
   each visiting every page twice. The server's own script-run times are
   logged by hooks this script installs when it launches the server (see
   `_serve`), and the browser-side times (navigation → script state
   `notRunning`) are recorded too.

Writes benchmarks/out/bench.json (the figures the README quotes) and
benchmarks/out/bench-detail.json (per query, per phase, per statement);
`make bench` then adds the routine loads (routine_load.py) and the marts on
Spark (spark_marts.py) to bench.json.
Timings on a shared 2-core machine are noisy: compare p50s, and rerun before
believing a p95.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pickle
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict
from datetime import datetime, UTC
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

OUT_DIR = REPO / "benchmarks" / "out"
CACHE_ROOT = Path(os.environ.get("BANSOS_BENCH_CACHE", "~/.cache/bansos-bench")).expanduser()
SEED = 7
XLSX_ROWS = 50_000
XLSX_AS_OF = "2026-01-15"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# Issue 16's goal for the in-memory baselines (benchmarks/README.md): at least
# 10x the in-memory pandas on every page whose questions read more than
# 100,000 fact rows.
MEMORY_GOAL = {"fact_rows": 100_000, "ratio": 10.0}
BUDGETS = {  # at scale 1; the budgets and why, in benchmarks/README.md
    "page_p95_ms": 150.0,
    "pandas_ratio": 10.0,
    "ingest_rows_per_s": 300_000,
    "app_rss_mb": 1536.0,
    "concurrent_p95_ms": 1000.0,
}


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def pct(values, q: float) -> float | None:
    return round(float(np.percentile(np.asarray(values, dtype=float), q)), 2) if len(values) else None


def record_in_bench(path: Path, section: str, figures: dict) -> None:
    """Another benchmark's summary (routine_load.py, spark_marts.py) put
    into bench.json under `section`, beside this script's figures, so that
    `make bench` leaves every figure the README quotes in one file. The file
    is replaced whole (written beside it, then renamed)."""
    data = json.loads(path.read_text()) if path.exists() else {}
    data[section] = figures
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=1, default=str) + "\n")
    os.replace(partial, path)


def scale_label(scale: float) -> str:
    return f"{scale:g}"


def widening(scale: float, region_scale: float | None) -> float | None:
    """`region_scale` where it changes the data at this scale (below it:
    every kab/kota keeps its size at region_scale and there are more of
    them, the national rollout's shape), else None: the usual data."""
    return region_scale if region_scale is not None and region_scale < scale else None


def data_label(scale: float, region_scale: float | None = None) -> str:
    """The data's name in cache folders, output files and tables: '4', or
    '4-regions-1' for the national shape (`widening`)."""
    region_scale = widening(scale, region_scale)
    return scale_label(scale) + ("" if region_scale is None else f"-regions-{region_scale:g}")


def data_shape(extracts: Path) -> dict:
    """What the extracts' manifest says of their shape: how many kab/kota,
    and the kab/kota size (`region_scale`, None for the usual data)."""
    path = extracts / "MANIFEST.json"
    manifest = json.loads(path.read_text()) if path.exists() else {}
    return {"kab_kota": len(manifest["regions"]) if "regions" in manifest else None,
            "region_scale": manifest.get("region_scale")}


def dedupe(queries: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """A page's distinct queries: a repeat within one run is the runner's
    cache hit in the app, so it is not work the page does twice."""
    seen, out = set(), []
    for name, params in queries:
        key = _key(name, params)
        if key not in seen:
            seen.add(key)
            out.append((name, params))
    return out


def _key(name: str, params: dict) -> tuple[str, str]:
    return name, repr(sorted(params.items()))


def schedule(queries: list[tuple[str, dict]], batches: list | None = None) -> list[list[tuple[str, dict]]]:
    """A page's distinct queries in the steps the page runs them: the
    queries it runs at once (`run_many`, recorded in `runner.batches` and, in
    the same order, in `runner.recorder`) together, any other alone. A query
    already run is left out of a later step (the app's cache would answer)."""
    pending = [[(name, params) for name, params in batch] for batch in batches or []]
    steps, done, index = [], set(), 0
    while index < len(queries):
        if pending and [_key(*q) for q in queries[index:index + len(pending[0])]] == [_key(*q) for q in pending[0]]:
            step = pending.pop(0)
        else:
            step = [queries[index]]
        index += len(step)
        step = [q for q in dedupe(step) if _key(*q) not in done]
        done.update(_key(*q) for q in step)
        if step:
            steps.append(step)
    return steps


def page_files() -> dict[str, str]:
    """The pages in navigation order, as dashboard.py declares them:
    name (the file's stem, also its URL path) → path relative to the repo."""
    found = re.findall(r'"((?:[a-z0-9_]+/)+[a-z0-9_]+\.py)"', (REPO / "dashboard.py").read_text())
    return {Path(path).stem: path for path in dict.fromkeys(found)}


# -- child processes ----------------------------------------------------------------------


def run_worker(name: str, payload: dict, logs: Path, timeout: float | None = None) -> dict:
    logs.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bansos-bench-") as scratch:
        request, result = Path(scratch) / "request.pkl", Path(scratch) / "result.pkl"
        request.write_bytes(pickle.dumps(payload))
        stamp = datetime.now().strftime("%H%M%S")
        with open(logs / f"{name}-{stamp}.log", "w") as err:
            completed = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--worker", name, str(request), str(result)],
                cwd=REPO, stdout=err, stderr=subprocess.STDOUT, timeout=timeout, env=payload.get("env") or os.environ.copy(),
            )
        if completed.returncode != 0 or not result.exists():
            raise RuntimeError(f"worker {name} failed (exit {completed.returncode}); see {logs}/{name}-{stamp}.log")
        return pickle.loads(result.read_bytes())


def worker_main(name: str, request: str, result: str) -> None:
    payload = pickle.loads(Path(request).read_bytes())
    workers = {"ingest": _ingest_worker, "ceiling": _ceiling_worker, "discover": _discover_worker, "pandas": _pandas_worker, "polars": _polars_worker,
               "generate": _generate_worker}
    out = workers[name](payload)
    Path(result).write_bytes(pickle.dumps(out))


def _generate_worker(p: dict) -> dict:
    from bansos.synthetic import generate

    generate(Path(p["out"]), scale=p["scale"], seed=p["seed"], region_scale=p.get("region_scale"))
    return {"peak_rss_mb": _peak_rss_mb()}


def _peak_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# -- 1, 2. ingestion, profiled --------------------------------------------------------------


class Profile:
    """Wall time per ingestion phase, per file, and per SQL statement."""

    def __init__(self):
        self.phases: dict[str, float] = {}
        self.statements: dict[tuple[str, str], list] = {}
        self.files: list[dict] = []
        self.current: dict | None = None
        self.marks: dict[str, float] = {}
        self.background: dict[str, float] = {}
        # The process's CPU seconds during each main-thread phase: every
        # thread's, so a phase that overlaps the read-ahead includes its work.
        self.cpu: dict[str, float] = {}
        self.lock = threading.Lock()
        self.cloned = False  # the live file was cloned, not copied (warehouse.copy_file)

    def add(self, phase: str, seconds: float) -> None:
        if threading.current_thread() is not threading.main_thread():
            # Read-ahead work overlaps the main thread's: kept apart, outside
            # the per-file phases (which must add up to wall time).
            with self.lock:
                self.background[phase] = self.background.get(phase, 0.0) + seconds
            return
        self.phases[phase] = self.phases.get(phase, 0.0) + seconds
        if self.current is not None:
            self.current["phases"][phase] = self.current["phases"].get(phase, 0.0) + seconds

    def statement(self, phase: str, sql: str, seconds: float) -> None:
        # One label per statement shape: per-file table names (chk_3, new_3) folded.
        label = re.sub(r"\b(chk|new|stg)_\d+\b", r"\1_N", " ".join(str(sql).split()))[:110]
        entry = self.statements.setdefault((phase, label), [0, 0.0])
        entry[0] += 1
        entry[1] += seconds


class TimedConnection:
    """A DuckDB connection that times every `execute` under a phase."""

    def __init__(self, con, profile: Profile, phase: str):
        self._con, self._profile, self._phase = con, profile, phase

    def execute(self, sql, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self._con.execute(sql, *args, **kwargs)
        finally:
            self._profile.statement(self._phase, sql, time.perf_counter() - started)

    def __getattr__(self, name):
        return getattr(self._con, name)


def _install_profile(profile: Profile) -> None:
    from bansos import ingest, marts, validate, warehouse

    def raw(con):
        return con._con if isinstance(con, TimedConnection) else con

    def timed(module, attribute: str, phase: str, con_arg: bool = True):
        # Ingestion is being optimised by others: time what exists; the
        # statement-level profile covers the rest whatever its shape.
        original = getattr(module, attribute, None)
        if original is None:
            return

        def wrapper(*args, **kwargs):
            if con_arg and args:
                args = (TimedConnection(raw(args[0]), profile, phase), *args[1:])
            started, cpu = time.perf_counter(), _cpu_seconds()
            try:
                return original(*args, **kwargs)
            finally:
                profile.add(phase, time.perf_counter() - started)
                profile.marks[f"{phase}_end"] = time.perf_counter()
                if threading.current_thread() is threading.main_thread():
                    profile.cpu[phase] = profile.cpu.get(phase, 0.0) + _cpu_seconds() - cpu

        setattr(module, attribute, wrapper)

    # Hashing and reading run on the read-ahead thread (background); the
    # main thread's share is the wait for it, and reading itself when the
    # read-ahead skipped a file.
    timed(ingest, "content_hash", "hash", con_arg=False)
    timed(ingest, "read_file", "read", con_arg=False)
    timed(ingest._ReadAhead, "take", "wait for read-ahead", con_arg=False)
    timed(ingest, "stage", "stage")
    timed(ingest, "stage_file", "read (stage)")
    timed(validate, "check", "validate")
    timed(ingest, "_pseudonymised", "pseudonymise (plan)")
    timed(ingest, "_period_stored", "period check")
    timed(ingest, "_remove_replaced", "replace")
    timed(ingest, "_settle", "settle collisions")
    timed(ingest, "_quarantine", "quarantine")
    timed(validate, "prepare", "prepare")
    timed(marts, "refresh", "marts")

    run_file = ingest.FileLoad.run

    def run_file_wrapper(self):
        # One file's named steps (bansos.ingest.FileLoad) on a timed connection.
        profile.current = {"file": Path(self.request.path).name, "phases": {}}
        self.con = TimedConnection(raw(self.con), profile, "load (insert, ledger, transaction)")
        started = time.perf_counter()
        try:
            return run_file(self)
        finally:
            profile.current["seconds"] = time.perf_counter() - started
            profile.files.append(profile.current)
            profile.current = None

    ingest.FileLoad.run = run_file_wrapper

    copy_file = warehouse.copy_file

    def copy_wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            cloned = copy_file(*args, **kwargs)
            profile.cloned = profile.cloned or cloned
            return cloned
        finally:
            profile.add("copy live file", time.perf_counter() - started)

    warehouse.copy_file = copy_wrapper


def _ingest_worker(p: dict) -> dict:
    os.environ.pop("BANSOS_KEY", None)
    os.environ["BANSOS_KEY_FILE"] = p["key_file"]
    from bansos import marts
    from bansos.ingest import LoadRequest, ingest

    if "next_max_share" in p:  # benchmarks/next_share.py: either way of a region's next snapshot
        marts.NEXT_MAX_SHARE = p["next_max_share"]
    db = Path(p["db"])
    if p.get("template"):
        shutil.copyfile(p["template"], db)
    profile = Profile()
    if p.get("profile", True):
        _install_profile(profile)
    requests = [LoadRequest(Path(f), kind, as_of) for f, kind, as_of in p["files"]]
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    results = ingest(db, requests)
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    # total = copy + session setup + prepare + Σ (wait for read-ahead + file) + marts + finish
    phases = dict(profile.phases)
    marts_end = profile.marks.get("marts_end")
    finish = (started + seconds - marts_end) if marts_end else 0.0
    phases["checkpoint, close, fsync, rename"] = finish
    files_total = sum(f["seconds"] for f in profile.files)
    phases["load (insert, ledger, transaction)"] = files_total - sum(sum(f["phases"].values()) for f in profile.files)
    phases["session setup (schema, key check)"] = max(0.0, seconds - files_total - finish - sum(
        phases.get(k, 0.0) for k in ("copy live file", "prepare", "marts", "wait for read-ahead")))
    statements = sorted(
        ({"phase": k[0], "statement": k[1], "calls": v[0], "seconds": round(v[1], 3)} for k, v in profile.statements.items()),
        key=lambda s: -s["seconds"],
    )
    return {
        "seconds": seconds,
        "results": [asdict(r) for r in results],
        "phases": {k: round(v, 3) for k, v in sorted(phases.items(), key=lambda kv: -kv[1])},
        "read_ahead": {k: round(v, 3) for k, v in sorted(profile.background.items(), key=lambda kv: -kv[1])},
        "files": [{"file": f["file"], "seconds": round(f["seconds"], 3),
                   "phases": {k: round(v, 3) for k, v in f["phases"].items()}} for f in profile.files],
        "statements": statements[:40],
        "peak_rss_mb": _peak_rss_mb(),
        "copy_cloned": profile.cloned,
        "cpu_s": round(cpu, 2),
        "phases_cpu_s": {k: round(v, 2) for k, v in sorted(profile.cpu.items(), key=lambda kv: -kv[1])},
    }


def _cpu_seconds() -> float:
    """This process's CPU time so far, every thread, user and system."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _ceiling_worker(p: dict) -> dict:
    """A yardstick for the ingestion figure on this machine (its "ceiling"):
    every extract read as text by DuckDB, its identifier columns hashed with
    the project's keyed hash, and stored as it came into a new DuckDB file,
    one table per file, then a checkpoint. None of the rest of a load: no
    rules, no typing, no merge, no quarantine, no ledger, no marts, no copy
    and swap. Rows DuckDB cannot decode are skipped (the Windows-1252
    extract's few): `rows` counts the rows stored. A file whose family-card
    column is not found is refused, so that no identifier is ever stored as
    given (every column named like an identifier is hashed)."""
    import duckdb

    from bansos import keys
    from bansos.contract import KIND_BY_NAME, normalise_header
    from bansos.extracts import _lookup

    db = Path(p["db"])
    files = (db, Path(str(db) + ".wal"))
    for leftover in files:
        leftover.unlink(missing_ok=True)
    key = Path(p["key_file"]).read_text().strip()
    con = duckdb.connect(str(db))
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    rows = 0
    try:
        for number, (file, kind, _) in enumerate(p["files"]):
            source = (f"read_parquet('{file}')" if file.endswith(".parquet") else
                      f"read_csv('{file}', all_varchar = true, header = true, ignore_errors = true)")
            headers = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
            kinds = [KIND_BY_NAME[kind]] if kind else list(KIND_BY_NAME.values())
            identifiers = {c.name for k in kinds for c in k.columns if c.is_identifier}
            lookups = [_lookup(k) for k in kinds]
            canonical = {h: next((name for lookup in lookups if (name := lookup.get(normalise_header(h)))), None)
                         for h in headers}
            hashed = {h for h, name in canonical.items() if name in identifiers}
            if "no_kk" not in {canonical[h] for h in hashed}:
                raise ValueError(f"{file}: no family-card column among {headers}; nothing is stored unhashed")
            quoted = ['"' + h.replace('"', '""') + '"' for h in headers]
            blank_is_none = "nullif(CAST({} AS VARCHAR), '')"  # as a load reads a blank id
            columns = ", ".join(f"{keys.HASH_SQL.format(col=blank_is_none.format(q))} AS {q}" if h in hashed else q
                                for h, q in zip(headers, quoted))
            rows += con.execute(f"CREATE TABLE file_{number} AS SELECT {columns} FROM {source}", {"key": key}).fetchone()[0]
        con.execute("CHECKPOINT")
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
    finally:
        con.close()
        if not p.get("keep"):  # kept by the test that looks inside
            for leftover in files:
                leftover.unlink(missing_ok=True)
    return {"rows": rows, "seconds": round(seconds, 2), "cpu_s": round(cpu, 2)}


def _summarise_ingest(run: dict, label: str) -> dict:
    rows_read = sum(r["rows_read"] for r in run["results"])
    loaded = [r for r in run["results"] if r["status"] == "loaded"]
    by_format: dict[str, dict] = {}
    for f, r in zip(run["files"], loaded):
        suffix = Path(f["file"]).suffix.lstrip(".")
        entry = by_format.setdefault(suffix, {"files": 0, "rows": 0, "seconds": 0.0})
        entry["files"] += 1
        entry["rows"] += r["rows_read"]
        entry["seconds"] += f["seconds"]
    for entry in by_format.values():
        entry["rows_per_s_file_work_only"] = round(entry["rows"] / entry["seconds"]) if entry["seconds"] else None
        entry["seconds"] = round(entry["seconds"], 2)
    return {
        "what": label,
        "files": len(run["results"]),
        "rejected": [r["file"] for r in run["results"] if r["status"] == "rejected"],
        "rows_read": rows_read,
        "rows_loaded": sum(r["rows_loaded"] for r in run["results"]),
        "rows_quarantined": sum(r["rows_quarantined"] for r in run["results"]),
        "seconds": round(run["seconds"], 2),
        "rows_per_s": round(rows_read / run["seconds"]) if run["seconds"] else None,
        "peak_rss_mb": run["peak_rss_mb"],
        # CPU seconds of every thread over wall seconds: how busy the
        # machine's cores were (2 on the machine of benchmarks/RESULTS.md).
        "cpu_s": run.get("cpu_s"),
        "cores_busy": round(run["cpu_s"] / run["seconds"], 2) if run.get("cpu_s") and run["seconds"] else None,
        "phases_cpu_s": run.get("phases_cpu_s", {}),
        "by_format": by_format,
        "phases_s": run["phases"],
        "read_ahead_s": run.get("read_ahead", {}),
        "slowest_statements": run["statements"][:15],
        "slowest_files": sorted(run["files"], key=lambda f: -f["seconds"])[:5],
    }


def cache_paths(scale: float, cache: Path | None = None, key: Path | None = None, extracts: Path | None = None,
                db: Path | None = None, region_scale: float | None = None) -> dict:
    """The benchmark cache at a scale (bench.py, soak.py, routine_load.py):
    its folders, made when missing, and one key file for every scale,
    created once (0600) so every cached warehouse shares its pseudonyms.
    With `region_scale` (bansos.synthetic.generate), a cache of its own."""
    root = CACHE_ROOT
    cache = cache or root / f"scale-{data_label(scale, region_scale)}"
    cache.mkdir(parents=True, exist_ok=True)
    key = key or root / "key"
    if not key.exists():
        key.write_text(os.urandom(32).hex() + "\n")
        key.chmod(0o600)
    paths = {"root": root, "cache": cache, "extracts": extracts or cache / "extracts",
             "db": db or cache / "warehouse.duckdb", "key": key, "logs": cache / "logs"}
    paths["logs"].mkdir(parents=True, exist_ok=True)
    return paths


def build_or_reuse(args, paths: dict) -> dict:
    """Extracts and warehouse at the scale: reuse when present, else build
    (building the warehouse is the ingestion measurement)."""
    info: dict = {}
    extracts, db = paths["extracts"], paths["db"]
    manifest = extracts / "MANIFEST.json"
    if manifest.exists():
        log(f"extracts: reusing {extracts}")
        info["generate_s"] = None
    else:
        log(f"extracts: generating scale {args.scale} into {extracts} …")
        started = time.perf_counter()
        # In a child process: the generator's arrays would otherwise stay in
        # this process's memory for the rest of the run.
        run_worker("generate", {"out": str(extracts), "scale": args.scale, "seed": SEED,
                                "region_scale": getattr(args, "region_scale", None)}, paths["logs"])
        info["generate_s"] = round(time.perf_counter() - started, 1)
        log(f"extracts: generated in {info['generate_s']} s")
    files = extract_files(extracts)
    ingest_json = paths["cache"] / "ingest.json"
    if db.exists() and not args.remeasure_ingest:
        log(f"warehouse: reusing {db}")
        migrate_if_older(db)
        if ingest_json.exists():
            info["ingest"] = json.loads(ingest_json.read_text())
            info["ingest"]["reused_from"] = str(ingest_json)
        elif not args.skip_ingest:
            info["ingest"] = measure_ingest(args, paths, files, target=paths["cache"] / "scratch.duckdb", keep=False)
            ingest_json.write_text(json.dumps(info["ingest"], indent=1, default=str))
    else:
        target = db if not db.exists() else paths["cache"] / "scratch.duckdb"
        info["ingest"] = measure_ingest(args, paths, files, target=target, keep=target == db)
        ingest_json.write_text(json.dumps(info["ingest"], indent=1, default=str))
    return info


def migrate_if_older(db: Path) -> None:
    """A cached warehouse made before a schema change is migrated once, with
    the command an operator runs after an update (it rebuilds the marts too)."""
    from bansos.warehouse import SCHEMA_VERSION, file_schema_version

    version = file_schema_version(db)
    if version < SCHEMA_VERSION:
        log(f"warehouse: schema {version} → {SCHEMA_VERSION}: python -m bansos migrate …")
        subprocess.run([sys.executable, "-m", "bansos", "migrate", "--db", str(db)], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL)


def extract_files(extracts: Path) -> list[tuple[str, str, str | None]]:
    """The CSV and Parquet extracts of the manifest, in the order to load them."""
    manifest = json.loads((extracts / "MANIFEST.json").read_text())
    files = []
    for entry in manifest.get("files", []):
        name = entry.get("file") or entry.get("name") or entry.get("path")
        path = extracts / Path(name).name
        if path.suffix.lower() in (".csv", ".parquet"):
            files.append((str(path), entry.get("kind"), entry.get("as_of")))
    if not files:
        raise SystemExit(f"no CSV or Parquet extracts listed in {extracts / 'MANIFEST.json'}")
    return files


def measure_ingest(args, paths: dict, files, target: Path, keep: bool) -> dict:
    for leftover in (target, Path(str(target) + ".wal")):
        leftover.unlink(missing_ok=True)
    log(f"ingest: {len(files)} CSV/Parquet files → {target} (one ingest call, profiled) …")
    run = run_worker("ingest", {"db": str(target), "files": files, "key_file": str(paths["key"])}, paths["logs"])
    summary = _summarise_ingest(run, "every CSV and Parquet extract of the scale, one `ingest` call into a new warehouse")
    summary["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    log(f"ingest: {summary['rows_read']:,} rows in {summary['seconds']} s = {summary['rows_per_s']:,} rows/s")
    if not keep:
        for leftover in (target, Path(str(target) + ".wal"), Path(str(target) + ".lock")):
            leftover.unlink(missing_ok=True)
    summary["ceiling"] = measure_ceiling(paths, files, summary)
    return summary


def measure_ceiling(paths: dict, files, summary: dict) -> dict:
    """The ingestion figure's yardstick on this machine (`_ceiling_worker`):
    DuckDB reading, hashing and storing the same files and nothing else;
    and that plus the marts this ingestion built, which a new warehouse
    needs (what this load's own code would reach if every check were free)."""
    log("ingest ceiling: the same files read, hashed and stored, nothing else …")
    ceiling = run_worker("ceiling", {"db": str(paths["cache"] / "ceiling.duckdb"), "files": files,
                                 "key_file": str(paths["key"])}, paths["logs"])
    ceiling["rows_per_s"] = round(ceiling["rows"] / ceiling["seconds"]) if ceiling["seconds"] else None
    ceiling["rows_not_stored"] = summary["rows_read"] - ceiling["rows"]  # read by the load, skipped by DuckDB here
    ceiling["cores_busy"] = round(ceiling["cpu_s"] / ceiling["seconds"], 2) if ceiling["seconds"] else None
    marts = summary.get("phases_s", {}).get("marts")
    if marts is not None:
        ceiling["with_marts_rows_per_s"] = round(ceiling["rows"] / (ceiling["seconds"] + marts))
    log(f"ingest ceiling: {ceiling['rows']:,} rows in {ceiling['seconds']} s = {ceiling['rows_per_s']} rows/s "
        f"({ceiling['cores_busy']} cores busy); with this ingestion's marts ({marts} s) {ceiling.get('with_marts_rows_per_s')} rows/s")
    return ceiling


def measure_xlsx(paths: dict) -> dict:
    """50,000 rows of one bank's extract, as an XLSX workbook and as CSV,
    each loaded into a copy of an empty warehouse."""
    import pyarrow.parquet as pq

    folder = paths["root"] / "xlsx"
    folder.mkdir(parents=True, exist_ok=True)
    xlsx, csv = folder / f"penyaluran_{XLSX_ROWS // 1000}k.xlsx", folder / f"penyaluran_{XLSX_ROWS // 1000}k.csv"
    if not xlsx.exists() or not csv.exists():
        source = sorted(paths["extracts"].glob("salur_*_2025.parquet"))
        if not source:
            raise SystemExit("no salur_*_2025.parquet extract to build the XLSX from")
        frame = pq.read_table(source[0]).slice(0, XLSX_ROWS).to_pandas()
        frame = frame.rename(columns=_canonical_names(list(frame.columns)))
        _write_xlsx(frame, xlsx)
        frame.to_csv(csv, index=False)
    empty = folder / "empty.duckdb"  # not beside the key file (root/key): ingestion refuses that
    if not empty.exists():
        run_worker("ingest", {"db": str(empty), "files": [], "key_file": str(paths["key"]), "profile": False}, paths["logs"])
    out = {}
    for label, path in (("xlsx", xlsx), ("csv", csv)):
        scratch = folder / f"scratch-{label}.duckdb"
        run = run_worker("ingest", {"db": str(scratch), "files": [(str(path), "penyaluran", XLSX_AS_OF)],
                                    "key_file": str(paths["key"]), "template": str(empty)}, paths["logs"])
        for leftover in (scratch, Path(str(scratch) + ".wal"), Path(str(scratch) + ".lock")):
            leftover.unlink(missing_ok=True)
        out[label] = _summarise_ingest(run, f"{XLSX_ROWS:,}-row penyaluran {label.upper()} into an empty warehouse")
        log(f"ingest {label}: {out[label]['rows_read']:,} rows in {out[label]['seconds']} s = {out[label]['rows_per_s']:,} rows/s")
    return out


def _canonical_names(headers: list[str]) -> dict[str, str]:
    """Header as written → canonical penyaluran column (`NOMOR_KK` → `no_kk`)."""
    from bansos.contract import KIND_BY_NAME
    from bansos.extracts import _columns_of

    positions = _columns_of(KIND_BY_NAME["penyaluran"], headers)
    return {headers[position]: name for name, position in positions.items()}


def _write_xlsx(frame, path: Path) -> None:
    """Like an office's own workbook: title rows, ids as text, dates as dates."""
    import datetime as dt

    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                               "strings_to_formulas": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet("Penyaluran")
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_string(0, 0, "DAFTAR PENYALURAN BANTUAN SOSIAL (benchmark)")
    header = ["ID Transaksi", "No KK", "NIK", "Program", "Tahun", "Tahap", "Kode Wilayah", "Nominal", "Status Salur",
              "Lembaga Penyalur", "Tanggal Salur"]
    columns = ["id_transaksi", "no_kk", "nik", "program", "tahun", "tahap", "kode_wilayah", "nominal", "status_salur",
               "lembaga_penyalur", "tanggal_salur"]
    for j, name in enumerate(header):
        sheet.write_string(2, j, name)
    rows = frame[columns].itertuples(index=False)
    for i, row in enumerate(rows, start=3):
        for j, value in enumerate(row):
            if value is None or (isinstance(value, float) and np.isnan(value)):
                continue
            if columns[j] in ("tahun", "tahap", "nominal"):
                sheet.write_number(i, j, int(value))
            elif columns[j] == "tanggal_salur":
                sheet.write_datetime(i, j, dt.datetime.combine(value, dt.time()), date_format)
            else:
                sheet.write_string(i, j, str(value))
    workbook.close()


# -- 3. which queries each page runs ---------------------------------------------------------


def _discover_worker(p: dict) -> dict:
    os.environ["BANSOS_DB"] = p["db"]
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    # As the app runs for the person at the console (local mode, a loopback
    # address): every page in the navigation, the upload page included.
    config.set_option("server.address", "localhost")

    from bansos import ui

    runs = _script_timer()
    found: dict = {}
    for suffix, chosen in (("", None), (f"@{p['region']}", [p["region"]])):
        at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=p["timeout"])
        if chosen:
            at.session_state["wil"] = chosen
        at.run()
        # The runner the pages use in local mode (every region: one runner per scope, bansos/ui/core.py).
        runner = ui.core._runner(str(ui.app_db_path()), None, None)
        for page, path in p["pages"].items():
            key = page + suffix
            started = time.perf_counter()
            try:
                at.switch_page(path).run()
                runner.recorder, runner.batches = [], []
                at.run()
                queries, batches = list(runner.recorder), list(runner.batches)
                problems = [str(getattr(e, "value", e))[:300] for e in at.exception]
                state_wil = list(at.session_state["wil"]) if "wil" in at.session_state else None
            except Exception as error:  # a page that fails is reported, not fatal
                queries, batches, problems, state_wil = [], [], [f"{type(error).__name__}: {error}"[:300]], None
            finally:
                runner.recorder = runner.batches = None
            # The page's whole script run (filters, queries, charts, layout),
            # with the app's query cache emptied, then warm (every query a hit).
            script_ms = {}
            for label in ("uncached", "cached"):
                if label == "uncached":
                    runner._cache.clear()
                runs.clear()
                try:
                    at.run()
                    script_ms[label] = runs[-1] if runs else None
                except Exception:
                    script_ms[label] = None
            found[key] = {"page": page, "regions": chosen, "queries": queries, "batches": batches, "exceptions": problems,
                          "wil_after_run": state_wil, "apptest_s": round(time.perf_counter() - started, 2),
                          "script_ms": script_ms}
    return found


def _script_timer() -> list:
    """Time every Streamlit script run of this process (AppTest included)."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.runtime.scriptrunner_utils import script_run_context

    runs: list = []
    on_start = script_run_context.ScriptRunContext.on_script_start
    on_finished = script_runner.ScriptRunner._on_script_finished

    def timed_start(self):
        self._bench_started = time.perf_counter()
        return on_start(self)

    def timed_finished(self, ctx, *args, **kwargs):
        started = getattr(ctx, "_bench_started", None)
        if started is not None:
            ctx._bench_started = None
            runs.append(round((time.perf_counter() - started) * 1000, 1))
        return on_finished(self, ctx, *args, **kwargs)

    script_run_context.ScriptRunContext.on_script_start = timed_start
    script_runner.ScriptRunner._on_script_finished = timed_finished
    from streamlit.testing.v1 import local_script_runner  # AppTest's runner overrides the hook

    local_finished = local_script_runner.LocalScriptRunner._on_script_finished

    def local_timed_finished(self, ctx, *args, **kwargs):
        started = getattr(ctx, "_bench_started", None)
        if started is not None:
            ctx._bench_started = None
            runs.append(round((time.perf_counter() - started) * 1000, 1))
        return local_finished(self, ctx, *args, **kwargs)

    local_script_runner.LocalScriptRunner._on_script_finished = local_timed_finished
    return runs


# -- 4. replay: SQL ---------------------------------------------------------------------------


def run_step(runner, step: list[tuple[str, dict]]) -> None:
    """One step of a page: a query, or the queries it runs at once."""
    if len(step) == 1:
        runner.run(step[0][0], **step[0][1])
    else:
        runner.run_many(step)


def replay(db: Path, variants: dict, runs: int) -> dict:
    """Each page's distinct queries replayed as the page runs them
    (`schedule`: a batch at once through `run_many`, the rest in turn), with
    the result cache off. A step's time is that of the whole step.

    `p50_ms`/`p95_ms` are a page's queries with nothing cached: the first
    page a scope views after a load. `p50_later_ms`/`p95_later_ms` leave out
    the steps made only of the warehouse-wide queries every page runs first
    (`WAREHOUSE_WIDE`, the filters' options and the header's facts): they
    take no parameters, so in the app every later page view in that scope,
    until the next load, finds them in the runner's cache."""
    from bansos.queries import QueryRunner
    from bansos.ui.filters import WAREHOUSE_WIDE

    out = {}
    for key, variant in variants.items():
        steps = schedule(variant["queries"], variant.get("batches"))
        shared = [all(name in WAREHOUSE_WIDE for name, _ in step) for step in steps]
        runner = QueryRunner(db, cache=False)
        try:
            started = time.perf_counter()
            runner._connection()
            connect = time.perf_counter() - started
            for step in steps:
                run_step(runner, step)
            cold = time.perf_counter() - started
            per_step = [[] for _ in steps]
            totals, later = [], []
            for _ in range(runs):
                total = total_later = 0.0
                for index, step in enumerate(steps):
                    t = time.perf_counter()
                    run_step(runner, step)
                    elapsed = time.perf_counter() - t
                    per_step[index].append(elapsed * 1000)
                    total += elapsed
                    total_later += 0.0 if shared[index] else elapsed
                totals.append(total * 1000)
                later.append(total_later * 1000)
        finally:
            runner.close()
        out[key] = {
            "cold_ms": round(cold * 1000, 2), "connect_ms": round(connect * 1000, 2),
            "p50_ms": pct(totals, 50), "p95_ms": pct(totals, 95), "runs": runs,
            "p50_later_ms": pct(later, 50), "p95_later_ms": pct(later, 95),
            # One entry per step: a query, or the queries a page runs at once ("batch").
            "queries": [{"name": " + ".join(name for name, _ in step), "params": step[0][1] if len(step) == 1 else {},
                         **({"batch": [{"name": n, "params": p} for n, p in step]} if len(step) > 1 else {}),
                         "p50_ms": pct(times, 50), "p95_ms": pct(times, 95)}
                        for step, times in zip(steps, per_step)],
        }
    return out


def national_marts(paths: dict, variants: dict, runs: int, copies: int = 15, pilot_copies: int = 3) -> dict:
    """An estimate for national scale, where marts grow with regions (514
    kab/kota, ~40 pilots), not with families: a copy of this warehouse whose
    marts are repeated onto `copies`× the regions (real kab/kota codes) with
    `pilot_copies`× the pilots, and every page's queries replayed on it
    ("the pilots in view" becoming all of them)."""
    import duckdb

    target = paths["cache"] / "national-marts.duckdb"
    shutil.copyfile(paths["db"], target)
    con = duckdb.connect(str(target))
    try:
        study = [r[0] for r in con.execute("SELECT DISTINCT region_code FROM mart_targeting ORDER BY 1").fetchall()]
        pilots = [r[0] for r in con.execute("SELECT region_code FROM ref_pilot ORDER BY 1").fetchall()]
        free = iter(r[0] for r in con.execute(
            "SELECT code FROM ref_region WHERE code NOT IN (SELECT region_code FROM mart_targeting) "
            "AND code NOT IN (SELECT region_code FROM ref_pilot) ORDER BY code").fetchall())
        mapping = [(k, code, next(free)) for k in range(1, copies) for code in study]
        con.execute("CREATE TEMP TABLE copy_map (k INTEGER, src VARCHAR, dst VARCHAR)")
        con.executemany("INSERT INTO copy_map VALUES (?, ?, ?)", mapping)
        marts = ["mart_snapshot", "mart_targeting", "mart_targeting_kecamatan", "mart_decile", "mart_allocation",
                 "mart_allocation_region", "mart_funnel", "mart_funnel_recipients", "mart_register_decile"]
        for table in marts:
            con.execute(f"INSERT INTO {table} SELECT x.* REPLACE (m.dst AS region_code) FROM {table} x "
                        "JOIN copy_map m ON m.src = x.region_code")
        con.execute("INSERT INTO mart_comparison SELECT a.dst, b.dst, c.source FROM mart_comparison c "
                    "JOIN copy_map a ON a.src = c.pilot_code JOIN copy_map b ON b.src = c.comparison_code AND b.k = a.k "
                    f"WHERE a.k < {pilot_copies}")
        con.execute("INSERT INTO ref_pilot SELECT m.dst, r.name, r.province_code, NULL, p.cohort, p.status, p.source "
                    f"FROM ref_pilot p JOIN copy_map m ON m.src = p.region_code AND m.k < {pilot_copies} "
                    "JOIN ref_region r ON r.code = m.dst")
        all_pilots = [r[0] for r in con.execute("SELECT region_code FROM ref_pilot ORDER BY 1").fetchall()]
        sizes = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in [*marts, "mart_comparison", "ref_pilot"]}
        from bansos import stored

        stored.refresh(con)  # the filters' options and the header's facts of the copy, as a write would keep them
        con.execute("CHECKPOINT")
    finally:
        con.close()
    widened = {}
    for key, variant in variants.items():
        queries = []
        for name, params in variant["queries"]:
            params = dict(params)
            if params.get("regions") and sorted(params["regions"]) == sorted(pilots):
                params["regions"] = all_pilots
            queries.append((name, params))
        batches = [[(name, {**params, "regions": all_pilots}
                           if params.get("regions") and sorted(params["regions"]) == sorted(pilots) else params)
                    for name, params in batch] for batch in variant.get("batches") or []]
        widened[key] = {"queries": queries, "batches": batches}
    log(f"national marts: {sizes['mart_targeting']:,} targeting rows, {sizes['mart_allocation']:,} allocation rows; replaying …")
    out = replay(target, widened, runs)
    for leftover in (target, Path(str(target) + ".wal")):
        leftover.unlink(missing_ok=True)
    return {"mart_rows": sizes, "regions": len(study) * copies, "pilots": len(all_pilots),
            "pages": {k: {"p50_ms": v["p50_ms"], "p95_ms": v["p95_ms"], "cold_ms": v["cold_ms"],
                          "p95_later_ms": v["p95_later_ms"], "slowest": sorted(((q["p50_ms"], q["name"]) for q in v["queries"]), reverse=True)[:3]}
                      for k, v in out.items()}}


# -- 5. the pandas and polars baselines --------------------------------------------------------


def _memory_times(pages_class, data, variants: dict, runs: int) -> dict:
    """Per page variant: its distinct questions answered `runs` times from
    frames already in memory (the compute alone), each run a new request."""
    out: dict = {}
    for key, queries in variants.items():
        queries = dedupe(queries)
        missing = sorted({name for name, _ in queries if not callable(getattr(pages_class, name, None))})
        if missing:
            out[key] = {"missing": missing}
            continue
        compute = []
        try:
            for _ in range(runs):
                t = time.perf_counter()
                pages = pages_class(data)
                for name, params in queries:
                    pages.run(name, **params)
                compute.append((time.perf_counter() - t) * 1000)
                del pages
        except Exception as error:  # a query whose parameters changed under the baseline
            out[key] = {"error": f"{type(error).__name__}: {error}"[:300]}
            continue
        out[key] = {"compute_p50_ms": pct(compute, 50), "compute_runs": len(compute)}
    return out


def _pandas_worker(p: dict) -> dict:
    import gc

    from benchmarks.pandas_pages import PandasPages, load_page_parquet

    folder = Path(p["parquet"])
    out: dict = {}
    started = time.perf_counter()
    data = load_page_parquet(folder)
    out["_load_s"] = round(time.perf_counter() - started, 2)
    out.update(_memory_times(PandasPages, data, p["variants"], p["compute_runs"]))
    del data
    gc.collect()
    for key, queries in p["variants"].items():
        if "missing" in out[key] or "error" in out[key]:
            continue
        queries = dedupe(queries)
        full = []
        for _ in range(p["runs"]):
            t = time.perf_counter()
            data = load_page_parquet(folder)
            pages = PandasPages(data)
            for name, params in queries:
                pages.run(name, **params)
            full.append((time.perf_counter() - t) * 1000)
            del data, pages
            gc.collect()
        out[key].update({"p50_ms": pct(full, 50), "runs": len(full)})
    out["_peak_rss_mb"] = _peak_rss_mb()
    return out


def _polars_worker(p: dict) -> dict:
    """The polars baseline: the Parquet export read once (what st.cache_data
    keeps), then every page's questions computed from it."""
    from benchmarks.polars_pages import PolarsPages, load_page_polars

    started = time.perf_counter()
    data = load_page_polars(Path(p["parquet"]))
    out: dict = {"_load_s": round(time.perf_counter() - started, 2)}
    out.update(_memory_times(PolarsPages, data, p["variants"], p["runs"]))
    out["_peak_rss_mb"] = _peak_rss_mb()
    return out


def page_parquet(paths: dict) -> Path:
    """The facts and tables the page questions need, exported to Parquet once
    per warehouse (both baselines read this export)."""
    from benchmarks.pandas_pages import export_page_parquet

    folder = paths["cache"] / "parquet"
    stamp = folder / "SOURCE"
    source = f"{paths['db']} {paths['db'].stat().st_mtime_ns}"
    if not stamp.exists() or stamp.read_text() != source:
        shutil.rmtree(folder, ignore_errors=True)
        log(f"baselines: exporting the facts to Parquet ({folder}) …")
        export_page_parquet(paths["db"], folder)
        stamp.write_text(source)
    return folder


def measure_pandas(paths: dict, variants: dict, runs: int) -> dict:
    folder = page_parquet(paths)
    log(f"pandas: {len(variants)} page variants × {runs} runs (Parquet read per request) …")
    return run_worker("pandas", {"parquet": str(folder), "runs": runs, "compute_runs": memory_runs(runs),
                                 "variants": {k: v["queries"] for k, v in variants.items()}}, paths["logs"])


def measure_polars(paths: dict, variants: dict, runs: int) -> dict:
    folder = page_parquet(paths)
    log(f"polars: {len(variants)} page variants × {memory_runs(runs)} runs (frames in memory) …")
    return run_worker("polars", {"parquet": str(folder), "runs": memory_runs(runs),
                                 "variants": {k: v["queries"] for k, v in variants.items()}}, paths["logs"])


def memory_runs(runs: int) -> int:
    """Runs of the in-memory compute per page: as many for polars as for pandas."""
    return max(1, runs - 1)


# -- how many fact rows a page's questions read (the in-memory goal's threshold) -------------------

# A question reads facts when its SQL reads a mart (built from the facts) or the facts themselves.
FACT_SQL = re.compile(r"\b(mart_\w+|current_family|current_allocation)\b")
FACT_ROWS = """
SELECT (SELECT count(*) FROM current_family
        WHERE $regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], region_code))
     + (SELECT count(*) FROM current_allocation
        WHERE ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], region_code))
          AND ($programs::VARCHAR[] IS NULL OR list_contains($programs::VARCHAR[], program)))
"""


def _selected(questions: list, names: tuple[str, ...]) -> list | None:
    """The values the questions taking one of `names` ask for, together;
    None (every value) when one of them asks for all or none takes it."""
    chosen: set = set()
    takers = 0
    for params, wanted in questions:
        name = next((n for n in names if n in wanted), None)
        if name is None:
            continue
        takers += 1
        value = params.get(name)
        if value is None:
            return None
        chosen |= set(value) if isinstance(value, (list, tuple)) else {value}
    return sorted(chosen) if takers else None


def page_filters(queries: list[tuple[str, dict]]) -> tuple[list | None, list | None] | None:
    """The regions and programmes a page's fact questions select (None: all
    of them); None when the page reads no facts."""
    from bansos.queries import load_query

    questions = [(params, load_query(name).caller_parameters) for name, params in queries
                 if FACT_SQL.search(load_query(name).sql)]
    if not questions:
        return None
    return _selected(questions, ("regions", "region")), _selected(questions, ("program",))


def fact_rows(db: Path, variants: dict) -> dict[str, int]:
    """Per page variant: the rows of current_family and current_allocation
    its filters select (regions, and programmes for allocations)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for key, variant in variants.items():
            filters = page_filters(dedupe(variant["queries"]))
            out[key] = 0 if filters is None else con.execute(
                FACT_ROWS, {"regions": filters[0], "programs": filters[1]}).fetchone()[0]
        return out
    finally:
        con.close()


def _ratio(baseline_ms: float | None, sql_ms: float | None) -> float | None:
    return round(baseline_ms / sql_ms, 1) if baseline_ms and sql_ms else None


def memory_goal(rows: int | None, ratio: float | None) -> str | None:
    """Issue 16's goal for a page reading more than 100,000 fact rows: at
    least 10× the in-memory pandas. None where it does not apply or was not measured."""
    if rows is None or rows <= MEMORY_GOAL["fact_rows"] or ratio is None:
        return None
    return "met" if ratio >= MEMORY_GOAL["ratio"] else "missed"


def page_entry(sql: dict, pandas: dict, polars: dict, rows: int | None) -> dict:
    """One page's figures in bench.json."""
    entry = {"p50_ms": sql["p50_ms"], "p95_ms": sql["p95_ms"], "cold_ms": sql["cold_ms"],
             "p95_later_ms": sql.get("p95_later_ms"), "pandas_p50_ms": pandas.get("p50_ms"), "pandas_memory_ms": pandas.get("compute_p50_ms"),
             "polars_memory_ms": polars.get("compute_p50_ms"), "fact_rows": rows}
    entry["ratio_pandas_memory"] = _ratio(entry["pandas_memory_ms"], sql["p50_ms"])
    entry["ratio_polars_memory"] = _ratio(entry["polars_memory_ms"], sql["p50_ms"])
    entry["memory_goal"] = memory_goal(rows, entry["ratio_pandas_memory"])
    return entry


# -- 6. the app in a browser ----------------------------------------------------------------------


def _serve(argv: list[str]) -> None:
    """Run the Streamlit server with the script-run timing hooks installed:
    every script run (shared filters and page body) is logged by
    bansos.timing.record with scope "script". The app's files are unchanged."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.runtime.scriptrunner_utils import script_run_context
    from streamlit.web import cli

    from bansos import timing

    on_start = script_run_context.ScriptRunContext.on_script_start

    def timed_start(self):
        self._bench_started = time.perf_counter()
        return on_start(self)

    on_finished = script_runner.ScriptRunner._on_script_finished

    def timed_finished(self, ctx, event, *args, **kwargs):
        started = getattr(ctx, "_bench_started", None)
        if started is not None:
            ctx._bench_started = None
            try:
                info = ctx.pages_manager.get_pages().get(ctx.page_script_hash, {})
                page = Path(info["script_path"]).stem if info.get("script_path") else info.get("url_pathname")
            except Exception:
                page = None
            timing.record(scope="script", page=page, session=ctx.session_id,
                          ms=round((time.perf_counter() - started) * 1000, 2), status=getattr(event, "name", str(event)))
        return on_finished(self, ctx, event, *args, **kwargs)

    script_run_context.ScriptRunContext.on_script_start = timed_start
    script_runner.ScriptRunner._on_script_finished = timed_finished
    sys.argv = ["streamlit", *argv]
    cli.main()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db: Path, logs: Path, timing_log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.timing_log = timing_log
        timing_log.unlink(missing_ok=True)
        env = {**os.environ, "BANSOS_DB": str(db), "BANSOS_TIMING_LOG": str(timing_log)}
        self.log_file = open(logs / "streamlit.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve", "run", str(REPO / "dashboard.py"),
             "--server.port", str(self.port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", "--server.runOnSave", "false"],
            cwd=REPO, env=env, stdout=self.log_file, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {logs / 'streamlit.log'}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("streamlit did not become healthy in 120 s")
        self.sampler = RssSampler(self.process.pid)

    def runs(self, since: float, until: float) -> list[dict]:
        if not self.timing_log.exists():
            return []
        rows = [json.loads(line) for line in self.timing_log.read_text().splitlines() if line.strip()]
        return [r for r in rows if since <= r["t"] <= until + 1]

    def cpu_seconds(self) -> float:
        times = self.sampler.process.cpu_times()
        return times.user + times.system

    def stop(self) -> None:
        self.sampler.stop()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()


class RssSampler:
    """Peak resident memory of the server process (and any children), per phase."""

    def __init__(self, pid: int, interval: float = 0.05):
        import psutil

        self.process = psutil.Process(pid)
        self.interval = interval
        self.peaks: dict[str, float] = {}
        self.phase = "startup"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                rss = self.process.memory_info().rss
                for child in self.process.children(recursive=True):
                    rss += child.memory_info().rss
            except psutil.Error:
                break
            mb = rss / 2**20
            self.peaks[self.phase] = max(self.peaks.get(self.phase, 0.0), mb)
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


STATE_SCRIPT = """
() => {
  if (window.__runs) return;
  window.__runs = [];
  const watch = () => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app) { setTimeout(watch, 20); return; }
    // Every change of the script state, with the value it left: a record
    // whose oldValue is 'running' is a finished run, even when React applied
    // both changes in one batch.
    new MutationObserver((records) => {
      for (const r of records) {
        window.__runs.push({old: r.oldValue, state: app.getAttribute('data-test-script-state'), t: performance.now()});
      }
    }).observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
  };
  watch();
}
"""

FINISHED = """
([from, t0]) => {
  const runs = window.__runs || [];
  for (let i = from; i < runs.length; i++) {
    if (runs[i].old === 'running') return runs[i].t - t0;
  }
  return null;
}
"""

SETTLED = """
([name, quiet]) => {
  const app = document.querySelector("[data-testid='stApp']");
  const runs = window.__runs || [];
  const last = runs.length ? runs[runs.length - 1].t : 0;
  const here = name === null || location.pathname.replace(/\\/$/, '').endsWith('/' + name) || location.pathname === '/';
  return app && app.getAttribute('data-test-script-state') === 'notRunning' && here && performance.now() - last > quiet;
}
"""


async def _visit(page, server_url: str, pages: list[str], query: str, rounds: int, record) -> None:
    """One session: open the app, then walk the navigation `rounds` times."""
    await page.add_init_script(f"({STATE_SCRIPT})()")
    t0 = await page.evaluate("performance.now()")
    await page.goto(f"{server_url}/{query}", wait_until="domcontentloaded")
    await page.evaluate(f"({STATE_SCRIPT})()")
    await _wait_run(page, 0, t0, pages[0], record, first=True)
    sequence = [p for _ in range(rounds) for p in pages][1:]
    for name in sequence:
        link = page.locator(f"[data-testid='stSidebarNavLink'][href$='/{name}']")
        if await link.count() == 0:
            link = page.locator("[data-testid='stSidebarNavLink']").nth(pages.index(name))
        start = await page.evaluate("window.__runs.length")
        t0 = await page.evaluate("performance.now()")
        await link.first.click()
        await _wait_run(page, start, t0, name, record)


async def _wait_run(page, start: int, t0: float, name: str, record, first: bool = False) -> None:
    """Wait for the run the navigation started to finish; time it from the
    browser (navigation → script state leaves `running`). The server's own
    log is the authoritative time; this one adds the websocket and render."""
    entry = {"page": name, "browser_ms": None, "exceptions": 0, "timeout": False, "observed": True}
    try:
        handle = await page.wait_for_function(f"({FINISHED})([{start}, {t0}])", timeout=60_000, polling=25)
        ms = await handle.json_value()
        entry["browser_ms"] = round(ms, 1) if ms is not None else None
    except Exception:
        # No finished run observed: it may have been too quick to see. It
        # counts as done when the app is idle on the right page.
        entry["observed"] = False
        try:
            await page.wait_for_function(f"({SETTLED})([{json.dumps(name if not first else None)}, 500])",
                                         timeout=60_000, polling=100)
        except Exception as error:
            entry["timeout"] = True
            entry["error"] = f"{type(error).__name__}: {error}"[:200]
    try:
        entry["exceptions"] = await page.locator("[data-testid='stException']").count()
    except Exception:
        pass
    record(entry)


class BrowserPriority:
    """Keep the benchmark's Chromium at a lower CPU priority than the server.

    In use the browsers run on the users' machines; here ten renderers share
    the two cores with the server being measured. Chromium puts its renderers
    in sessions of their own, and with the kernel's autogroup scheduling
    (kernel.sched_autogroup_enabled=1) each session gets an equal share of
    the CPU whatever a process's `nice`: ten busy renderers left the server
    about a tenth of the machine, and its p95 measured the browser. Every
    0.2 s this sets the niceness of the autogroup of each Chromium process
    below ours (`/proc/<pid>/autogroup`; lowering one's own processes needs
    no privilege) and of the process itself. The server still gets no more
    than the two cores it shares."""

    def __init__(self, nice: int, interval: float = 0.2):
        import psutil

        self.nice = nice
        self.interval = interval
        self.me = psutil.Process()
        self.done: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        if nice:
            self._thread.start()

    def _loop(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                for child in self.me.children(recursive=True):
                    if child.pid in self.done or "chrom" not in child.name().lower():
                        continue
                    try:
                        child.nice(max(child.nice(), self.nice))
                        with open(f"/proc/{child.pid}/autogroup", "w") as handle:
                            handle.write(f"{self.nice}\n")
                    except (OSError, psutil.Error):
                        pass
                    self.done.add(child.pid)
            except psutil.Error:
                pass
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)


async def _browser_phase(server: Server, pages: list[str], region: str, sessions: int, rounds: int,
                         browser_nice: int = 0) -> dict:
    from playwright.async_api import async_playwright

    out: dict = {"browser_nice": browser_nice}
    priority = BrowserPriority(browser_nice)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            # (a) one browser visiting every page, default filters then one region
            server.sampler.phase = "single"
            visits: list[dict] = []
            errors: list[str] = []
            context = await browser.new_context(viewport={"width": 1400, "height": 900})
            page = await context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)[:200]))
            since = time.time()
            await _visit(page, server.url, pages, "", 1, visits.append)
            await context.close()
            context = await browser.new_context(viewport={"width": 1400, "height": 900})
            page = await context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)[:200]))
            await _visit(page, server.url, pages, f"?wil={region}", 1, visits.append)
            await context.close()
            until = time.time()
            server_runs = server.runs(since, until)
            out["single"] = {
                "visits": visits, "page_errors": errors,
                "server_runs": len(server_runs),
                "server_p50_ms": pct([r["ms"] for r in server_runs], 50),
                "server_p95_ms": pct([r["ms"] for r in server_runs], 95),
                "rss_peak_mb": round(server.sampler.peaks.get("single", 0.0), 1),
            }
            # (b) ten contexts of one Chromium, each visiting every page `rounds` times
            server.sampler.phase = "concurrent"
            results: list[dict] = []
            page_errors: list[str] = []

            async def session(index: int):
                ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
                pg = await ctx.new_page()
                pg.on("pageerror", lambda e: page_errors.append(str(e)[:200]))
                query = f"?wil={region}" if index % 2 else ""
                await _visit(pg, server.url, pages, query, rounds, lambda r: results.append({**r, "session": index}))
                await ctx.close()

            since = time.time()
            started = time.perf_counter()
            cpu_before = server.cpu_seconds()
            await asyncio.gather(*(session(i) for i in range(sessions)))
            wall = time.perf_counter() - started
            server_cpu = server.cpu_seconds() - cpu_before
            until = time.time()
            runs = server.runs(since, until)
            times = [r["ms"] for r in runs]
            browser_times = [r["browser_ms"] for r in results if r["browser_ms"] is not None]
            errors_count = sum(r["exceptions"] for r in results) + sum(r["timeout"] for r in results) + len(page_errors)
            by_page: dict[str, list] = {}
            for r in runs:
                by_page.setdefault(r.get("page") or "?", []).append(r["ms"])
            out["concurrent"] = {
                "sessions": sessions, "visits_per_page": rounds, "browser_nice": browser_nice,
                "page_runs": len(runs), "p50_ms": pct(times, 50), "p95_ms": pct(times, 95),
                "max_ms": round(max(times), 1) if times else None,
                "errors": errors_count,
                "navigations": len(results),
                "browser_p50_ms": pct(browser_times, 50), "browser_p95_ms": pct(browser_times, 95),
                "wall_s": round(wall, 1),
                "server_cpu_s": round(server_cpu, 1),
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "rss_peak_mb": round(server.sampler.peaks.get("concurrent", 0.0), 1),
                "measured": "server script-run time (hooks in benchmarks/bench.py --serve), every run in the window",
                "by_page": {k: {"runs": len(v), "p50_ms": pct(v, 50), "p95_ms": pct(v, 95)} for k, v in sorted(by_page.items())},
                "problems": [r for r in results if r["timeout"] or r["exceptions"]][:10] + [{"pageerror": e} for e in page_errors[:5]],
            }
        finally:
            await browser.close()
            priority.stop()
    return out


def measure_app(paths: dict, pages: list[str], region: str, sessions: int, rounds: int, browser_nice: int = 0) -> dict:
    log(f"app: starting Streamlit on {paths['db']} …")
    server = Server(paths["db"], paths["logs"], paths["logs"] / "runs.jsonl")
    try:
        out = asyncio.run(_browser_phase(server, pages, region, sessions, rounds, browser_nice))
        out["rss_peak_mb_overall"] = round(max(server.sampler.peaks.values()), 1)
        out["rss_by_phase_mb"] = {k: round(v, 1) for k, v in server.sampler.peaks.items()}
    finally:
        server.stop()
    return out


# -- report ----------------------------------------------------------------------------------------


def warehouse_rows(db: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "families": con.execute("SELECT count(DISTINCT family_key) FROM fact_family").fetchone()[0],
            "family_rows": con.execute("SELECT count(*) FROM fact_family").fetchone()[0],
            "allocation_rows": con.execute("SELECT count(*) FROM fact_allocation").fetchone()[0],
        }
    finally:
        con.close()


def _cell(value, width: int, digits: int = 0) -> str:
    return f"{'–' if value is None else f'{value:,.{digits}f}':>{width}}"


def memory_goal_summary(pages: dict) -> dict:
    """Which pages read more than 100,000 fact rows, and where the in-memory goal was met."""
    over = [k for k, e in pages.items() if (e.get("fact_rows") or 0) > MEMORY_GOAL["fact_rows"]]
    return {"fact_rows_over": MEMORY_GOAL["fact_rows"], "ratio_at_least": MEMORY_GOAL["ratio"], "pages_over": over,
            "met": [k for k in over if pages[k]["memory_goal"] == "met"],
            "missed": [k for k in over if pages[k]["memory_goal"] == "missed"],
            "not_measured": [k for k in over if pages[k]["memory_goal"] is None]}


def print_table(bench: dict, detail: dict) -> None:
    print()
    print(f"scale {bench['scale']}: {bench['rows']['families']:,} families ({bench['rows']['family_rows']:,} register rows), "
          f"{bench['rows']['allocation_rows']:,} allocation rows")
    print(f"{'page':<24}{'queries':>8}{'cold ms':>9}{'p50 ms':>8}{'p95 ms':>8}{'later':>7}{'pandas ms':>10}{'ratio':>7}  budget"
          f"{'fact rows':>12}{'pd mem ms':>11}{'ratio':>9}{'pl mem ms':>11}{'ratio':>8}  mem goal")
    for key, entry in bench["pages"].items():
        queries = len(detail["pages"][key]["queries"])
        ratio = _ratio(entry.get("pandas_p50_ms"), entry["p50_ms"])
        ok = entry["p95_ms"] is not None and entry["p95_ms"] <= BUDGETS["page_p95_ms"] and (ratio is None or ratio >= BUDGETS["pandas_ratio"])
        print(f"{key:<24}{queries:>8}{_cell(entry['cold_ms'], 9, 1)}{_cell(entry['p50_ms'], 8, 1)}{_cell(entry['p95_ms'], 8, 1)}"
              f"{_cell(entry.get('p95_later_ms'), 7, 1)}{_cell(entry.get('pandas_p50_ms'), 10)}{_cell(ratio, 7)}  {'ok' if ok else 'MISS':<6}"
              f"{_cell(entry.get('fact_rows'), 12)}{_cell(entry.get('pandas_memory_ms'), 11)}"
              f"{_cell(entry.get('ratio_pandas_memory'), 9, 1)}{_cell(entry.get('polars_memory_ms'), 11)}"
              f"{_cell(entry.get('ratio_polars_memory'), 8, 1)}  {entry.get('memory_goal') or '–'}")
    goal = bench.get("memory_goal") or {}
    print(f"in-memory goal (>= {goal.get('ratio_at_least')}x the in-memory pandas where a page reads more than "
          f"{goal.get('fact_rows_over', 0):,} fact rows): {len(goal.get('pages_over', []))} of {len(bench['pages'])} pages read more; "
          f"met on {len(goal.get('met', []))}, missed on {goal.get('missed')}, not measured on {goal.get('not_measured')}")
    print(f"ingestion CSV+Parquet: {bench['ingest_rows_per_s']} rows/s ({bench.get('ingest_cores_busy')} cores busy; "
          f"the same files read, hashed and stored alone: {bench.get('ingest_ceiling_rows_per_s')} rows/s, with the marts "
          f"{bench.get('ingest_ceiling_with_marts_rows_per_s')} rows/s); XLSX: {bench['ingest_xlsx_rows_per_s']} rows/s")
    print(f"app RSS peak: {bench['app_rss_mb']} MB; concurrent: {json.dumps({k: bench['concurrent'].get(k) for k in ('sessions', 'page_runs', 'p50_ms', 'p95_ms', 'errors')}) if bench['concurrent'] else None}")
    print()


def report(paths: list[str]) -> str:
    """Markdown tables of several bench.json files (one per scale), for RESULTS.md."""
    runs = sorted((json.loads(Path(p).read_text()) for p in paths), key=lambda b: b["scale"])
    lines = ["| page | " + " | ".join(f"scale {b['scale']:g}: p50 / p95 / cold ms (pandas p50 ms, ×)" for b in runs) + " |",
             "|---|" + "---|" * len(runs)]
    keys = list(dict.fromkeys(k for b in runs for k in b["pages"]))
    for key in keys:
        cells = []
        for b in runs:
            e = b["pages"].get(key)
            if not e:
                cells.append("–")
                continue
            pandas = e.get("pandas_p50_ms")
            extra = f" ({pandas:,.0f}, {pandas / e['p50_ms']:.0f}×)" if pandas else ""
            cells.append(f"{e['p50_ms']:.0f} / {e['p95_ms']:.0f} / {e['cold_ms']:.0f}{extra}")
        lines.append(f"| `{key}` | " + " | ".join(cells) + " |")
    lines += ["", "| | " + " | ".join(f"scale {b['scale']:g}" for b in runs) + " |", "|---|" + "---|" * len(runs)]
    rows = [
        ("families (register rows)", lambda b: f"{b['rows']['families']:,} ({b['rows']['family_rows']:,})"),
        ("allocation rows", lambda b: f"{b['rows']['allocation_rows']:,}"),
        ("ingestion CSV + Parquet, rows/s", lambda b: f"{b['ingest_rows_per_s']:,}" if b.get("ingest_rows_per_s") else "–"),
        ("ingestion XLSX, rows/s", lambda b: f"{b['ingest_xlsx_rows_per_s']:,}" if b.get("ingest_xlsx_rows_per_s") else "–"),
        ("app RSS peak, MB", lambda b: f"{b['app_rss_mb']}" if b.get("app_rss_mb") else "–"),
        ("10 sessions: server p50 / p95 ms, errors",
         lambda b: f"{b['concurrent']['p50_ms']:.0f} / {b['concurrent']['p95_ms']:.0f}, {b['concurrent']['errors']}" if b.get("concurrent") else "–"),
        ("10 sessions: server RSS peak, MB", lambda b: f"{b['concurrent'].get('rss_peak_mb')}" if b.get("concurrent") else "–"),
    ]
    for label, cell in rows:
        lines.append(f"| {label} | " + " | ".join(cell(b) for b in runs) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--region-scale", type=float,
                        help="every kab/kota at its size at this scale, and more of them (routine_load.py's national shape)")
    parser.add_argument("--cache", type=Path, help="cache folder (default ~/.cache/bansos-bench/scale-<X>)")
    parser.add_argument("--db", type=Path, help="use this warehouse instead of the cached one (not rebuilt)")
    parser.add_argument("--extracts", type=Path, help="use these extracts (with MANIFEST.json)")
    parser.add_argument("--key-file", type=Path, help="pseudonymisation key file of --db (default: the cache's)")
    parser.add_argument("--runs", type=int, default=25, help="warm replays per page (at least 20)")
    parser.add_argument("--pandas-runs", type=int, help="pandas runs per page (default 3 below scale 1, else 2)")
    parser.add_argument("--pandas", action="store_true", help="run the pandas baseline above scale 1 too")
    parser.add_argument("--region", default="18.72", help="the region of the one-region page variants")
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2, help="visits of every page per concurrent session")
    parser.add_argument("--browser-nice", type=int, default=10,
                        help="CPU niceness of the benchmark's Chromium (0: same priority as the server)")
    parser.add_argument("--remeasure-ingest", action="store_true", help="measure ingestion again (into a scratch warehouse)")
    parser.add_argument("--national-marts", action="store_true",
                        help="also replay the pages on a copy whose marts cover 15x the regions (national estimate)")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-xlsx", action="store_true")
    parser.add_argument("--skip-pandas", action="store_true", help="skip the pandas and the polars baseline")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--out", type=Path, default=OUT_DIR / "bench.json")
    args = parser.parse_args(argv)
    if args.runs < 20:
        parser.error("--runs must be at least 20")

    args.region_scale = widening(args.scale, args.region_scale)
    paths = cache_paths(args.scale, cache=args.cache, key=args.key_file, extracts=args.extracts, db=args.db,
                        region_scale=args.region_scale)
    key = paths["key"]
    os.environ.pop("BANSOS_KEY", None)
    os.environ["BANSOS_KEY_FILE"] = str(key)
    started = time.perf_counter()
    detail: dict = {"command": " ".join([Path(sys.executable).name, "benchmarks/bench.py", *(argv or sys.argv[1:])]),
                    "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
                    "paths": {k: str(v) for k, v in paths.items()}, "budgets": BUDGETS}
    try:
        import duckdb
        import pandas
        import streamlit

        import polars

        detail["machine"]["versions"] = {"duckdb": duckdb.__version__, "pandas": pandas.__version__,
                                         "polars": polars.__version__, "streamlit": streamlit.__version__}
        detail["machine"]["load_average_start"] = os.getloadavg()
    except Exception:
        pass

    if args.db and not args.db.exists():
        parser.error(f"no warehouse at {args.db}")
    build = build_or_reuse(args, paths) if not args.db or not args.skip_ingest else {}
    detail["build"] = build
    if not args.skip_xlsx:
        detail["xlsx"] = measure_xlsx(paths)

    files = page_files()
    if not files:
        raise SystemExit("found no pages in dashboard.py")
    pages = list(files)
    log(f"discover: {len(pages)} pages × 2 filter settings under AppTest …")
    variants = run_worker("discover", {"db": str(paths["db"]), "pages": files, "region": args.region, "timeout": 300},
                          paths["logs"])
    for key_, variant in variants.items():
        if variant["exceptions"]:
            log(f"discover: {key_} raised: {variant['exceptions'][0][:160]}")
    log(f"replay: {sum(len(dedupe(v['queries'])) for v in variants.values())} queries, {args.runs} warm runs each page …")
    sql = replay(paths["db"], variants, args.runs)
    if args.national_marts:
        detail["national_marts"] = national_marts(paths, variants, args.runs)
        for key_, entry in detail["national_marts"]["pages"].items():
            log(f"national marts: {key_:<22} p50 {entry['p50_ms']:6.1f} ms  p95 {entry['p95_ms']:6.1f} ms")
    run_pandas = not args.skip_pandas and (args.scale <= 1 or args.pandas)
    if args.pandas_runs is None:
        args.pandas_runs = 3 if args.scale < 1 else 2
    rows = fact_rows(paths["db"], variants)
    baselines, app = {"pandas": {}, "polars": {}}, {}
    if run_pandas:
        for name, measure in (("pandas", measure_pandas), ("polars", measure_polars)):
            try:
                baselines[name] = measure(paths, variants, args.pandas_runs)
            except Exception as error:  # report what was measured, and why this part is missing
                log(f"{name}: failed: {error}")
                detail[f"{name}_error"] = str(error)
    if not args.skip_browser:
        try:
            app = measure_app(paths, pages, args.region, args.sessions, args.rounds, args.browser_nice)
        except Exception as error:
            log(f"app: failed: {error}")
            detail["app_error"] = f"{type(error).__name__}: {error}"

    bench_pages = {}
    detail["pages"] = {}
    for key_, variant in variants.items():
        p, pl_ = baselines["pandas"].get(key_, {}), baselines["polars"].get(key_, {})
        bench_pages[key_] = page_entry(sql[key_], p, pl_, rows.get(key_))
        detail["pages"][key_] = {**sql[key_], "apptest_exceptions": variant["exceptions"], "raw_query_calls": len(variant["queries"]),
                                 "script_ms_apptest": variant.get("script_ms"),
                                 "wil_after_run": variant["wil_after_run"], "pandas": p, "polars": pl_,
                                 "fact_filters": page_filters(dedupe(variant["queries"]))}
    for name, out in baselines.items():
        detail[name] = {k: v for k, v in out.items() if k.startswith("_")}
    detail["app"] = app
    ingest = (build.get("ingest") or {})
    xlsx = detail.get("xlsx", {}).get("xlsx", {})
    bench = {
        "scale": args.scale,
        **data_shape(paths["extracts"]),
        "rows": warehouse_rows(paths["db"]),
        "pages": bench_pages,
        "ingest_rows_per_s": ingest.get("rows_per_s"),
        "ingest_cores_busy": ingest.get("cores_busy"),
        # the same files read, hashed and stored alone, and that plus the marts
        "ingest_ceiling_rows_per_s": (ingest.get("ceiling") or {}).get("rows_per_s"),
        "ingest_ceiling_with_marts_rows_per_s": (ingest.get("ceiling") or {}).get("with_marts_rows_per_s"),
        "ingest_xlsx_rows_per_s": xlsx.get("rows_per_s"),
        "app_rss_mb": app.get("single", {}).get("rss_peak_mb"),
        "concurrent": {k: v for k, v in app.get("concurrent", {}).items() if k not in ("by_page", "problems")} if app else None,
        "memory_goal": memory_goal_summary(bench_pages),
    }
    detail["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    detail["took_s"] = round(time.perf_counter() - started, 1)
    try:
        detail["machine"]["load_average_end"] = os.getloadavg()
    except OSError:
        pass
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(bench, indent=1, default=str) + "\n")
    detail_path = args.out.with_name(args.out.stem + "-detail.json")
    detail_path.write_text(json.dumps(detail, indent=1, default=str) + "\n")
    # A copy per scale, so that runs at several scales can be compared (RESULTS.md).
    for path, text in ((args.out, json.dumps(bench, indent=1, default=str)), (detail_path, json.dumps(detail, indent=1, default=str))):
        path.with_name(f"{path.stem}-scale-{data_label(args.scale, args.region_scale)}.json").write_text(text + "\n")
    print_table(bench, detail)
    log(f"wrote {args.out} and {detail_path} in {detail['took_s']} s")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker_main(*sys.argv[2:5])
    elif len(sys.argv) > 1 and sys.argv[1] == "--serve":
        _serve(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "--report":
        print(report(sys.argv[2:]))
    else:
        sys.exit(main())
