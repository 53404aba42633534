#!/usr/bin/env python
"""Where a region's next snapshot stops paying by difference (a benchmark, not a test).

    .venv/bin/python benchmarks/next_share.py --scale 4 --shares 0.02 0.1 0.3 0.5

bansos.marts.NEXT_MAX_SHARE says up to which share of a region's families
changed its next monthly snapshot goes by difference (the mart files twice
over the changed families) rather than by region (once over the whole
region at the new date). Both give the same marts; this measures which is
cheaper. Into a copy of the benchmark's cached warehouse at --scale it loads
routine_load.py's first four files (the state its real month starts from),
then, for each share, the region's whole register a month on with that
share of its rows changed (two thirds at another desil, one third left
out; up to half: above it the two kinds of rows overlap), once each way,
each into a fresh copy of that state. The families that really changed are
in each load's marts mode. Prints and writes each load's seconds and marts
seconds to benchmarks/out/next-share.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
for path in (REPO, REPO / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import bench  # noqa: E402  (cache, workers)
import routine_load  # noqa: E402  (the routine files and how one is loaded)
import soak  # noqa: E402  (the cached warehouse and its copy)

OUT = bench.OUT_DIR / "next-share.json"
WAYS = {"difference": 1.0, "region": 0.0}  # NEXT_MAX_SHARE forcing each way


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--shares", type=float, nargs="+", default=[0.02, 0.1, 0.3, 0.5])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not all(0 < share <= 0.5 for share in args.shares):
        parser.error("--shares: each above 0 and at most 0.5 (every n-th row changed; above half the kinds overlap)")
    paths = bench.cache_paths(args.scale)
    os.environ.pop("BANSOS_KEY", None)
    os.environ["BANSOS_KEY_FILE"] = str(paths["key"])
    soak.build_warehouse(args.scale, paths)
    results = []
    with tempfile.TemporaryDirectory(prefix="bansos-next-share-", dir=bench.CACHE_ROOT) as scratch_name:
        scratch = Path(scratch_name)
        files = routine_load.make_files(1.0, scratch)
        state = soak._copy_warehouse(paths["db"], scratch / "state")
        whole = routine_load.whole_register(files, paths["extracts"], scratch / "whole")
        for file in [*files, whole]:
            entry = routine_load.load_one(state, file, paths["key"], paths["logs"])
            routine_load.log(f"state: {file.name} {entry['status']} in {entry['seconds']} s")
        for share in args.shares:
            # two thirds of the changed families at another desil, one third left out
            folder = scratch / f"share-{share}"
            folder.mkdir()
            month = routine_load.real_month(whole, folder, desil_every=round(1.5 / share), drop_every=round(3 / share))
            for way, cap in WAYS.items():
                copy = soak._copy_warehouse(state, scratch / "try")
                try:
                    entry = routine_load.load_one(copy, month, paths["key"], paths["logs"], next_max_share=cap)
                finally:
                    shutil.rmtree(copy.parent, ignore_errors=True)
                row = {"share": share, "way": way, "seconds": entry["seconds"], "marts_s": entry["phases_s"].get("marts"),
                       "marts_mode": entry["marts_mode"], "load_average": os.getloadavg()[0]}
                results.append(row)
                routine_load.log(json.dumps(row))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"scale": args.scale, "results": results}, indent=1))
    for row in results:
        print(f"share {row['share']:<5} {row['way']:<10} {row['seconds']:>7.2f} s  marts {row['marts_s']:>6.2f} s  "
              f"{row['marts_mode']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
