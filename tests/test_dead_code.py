"""No dead code: vulture (a dead-code finder) over the package, the pages,
the scripts and the benchmark, with the tests counted as users, finds
nothing but the names listed here with the reason they stay."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PATHS = ("bansos", "app_pages", "dashboard.py", "scripts", "benchmarks", "tests")

# (file, name): why vulture cannot see the use.
KNOWN = {
    ("bansos/spark_marts.py", "_jvm"): "read by pyspark itself: the gateway the session reuses",
    ("bansos/contract.py", "is_date"): "contract data: which columns hold dates (validate.py names its date columns itself)",
}
# The benchmark's baselines: one method per query file, called by name.
BASELINES = ("benchmarks/pandas_pages.py", "benchmarks/polars_pages.py")
FINDING = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): unused (?P<what>[\w ]+?) '(?P<name>\w+)'")


def query_names() -> set[str]:
    return {path.stem for path in (REPO / "queries").glob("*.sql")}


def test_vulture_finds_only_known_names():
    result = subprocess.run([sys.executable, "-m", "vulture", *PATHS, "--min-confidence", "60"],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 3), result.stderr  # 3: vulture found something
    queries = query_names()
    unexplained = []
    for line in result.stdout.splitlines():
        match = FINDING.match(line)
        assert match, line
        file, name = match["file"], match["name"]
        if file.startswith("tests/"):
            continue  # pytest fixtures are parameters the test never names in its body
        if file in BASELINES and match["what"] == "method" and name in queries:
            continue  # PandasPages and PolarsPages answer a query by its file name (getattr)
        if (file, name) in KNOWN:
            continue
        unexplained.append(line)
    assert unexplained == [], "dead code (remove it, or say in KNOWN why it stays):\n" + "\n".join(unexplained)
