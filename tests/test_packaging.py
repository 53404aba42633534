"""Reproducible installs (docs/operations.md, "Installs and the DuckDB version"):
every third-party module the code imports is declared in a requirements file,
the hashed lock files still satisfy those ranges and agree with each other,
and pyproject.toml reads the runtime list instead of keeping a second one."""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
RUNTIME_CODE = [REPO / "bansos", REPO / "app_pages", REPO / "dashboard.py"]
ALL_CODE = [*RUNTIME_CODE, REPO / "scripts", REPO / "benchmarks", REPO / "tests"]
LOCAL = {"bansos", "app_pages", "dashboard", "tests", "scripts", "benchmarks"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


def _python_files(roots: list[Path]) -> list[Path]:
    files = []
    for root in roots:
        found = [root] if root.is_file() else sorted(root.rglob("*.py"))
        files += [f for f in found if "node_modules" not in f.parts]
    return files


def _imported_modules(roots: list[Path]) -> dict[str, set[str]]:
    """Top-level module -> the files importing it (absolute imports only)."""
    found: dict[str, set[str]] = {}
    for path in _python_files(roots):
        siblings = {p.stem for p in path.parent.glob("*.py")}  # e.g. benchmarks/soak.py imports bench
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in LOCAL or top in siblings:
                    continue
                found.setdefault(top, set()).add(str(path.relative_to(REPO)))
    return found


def _requirements(name: str) -> list[Requirement]:
    """The requirements of one file, following `-r` includes."""
    out = []
    for line in (REPO / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            out += _requirements(line[3:].strip())
        else:
            out.append(Requirement(line))
    return out


def _declared(*files: str) -> set[str]:
    return {canonicalize_name(r.name) for f in files for r in _requirements(f)}


def _lock(name: str) -> dict[str, str]:
    """name -> pinned version, and a check that every pin carries a hash."""
    text = (REPO / name).read_text()
    pins: dict[str, str] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        found = PIN.match(block)
        if not found:
            continue
        assert "--hash=sha256:" in block, f"{name}: {found.group(1)} has no hash"
        pins[canonicalize_name(found.group(1))] = found.group(2)
    return pins


@functools.cache
def _module_owners() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def _distributions(module: str) -> set[str]:
    return {canonicalize_name(d) for d in _module_owners().get(module, [])}


def test_every_third_party_import_is_declared():
    # Runtime code may use the runtime list and the optional Spark engine's; tests, scripts and
    # benchmarks anything the dev requirements name. A module pulled in only by another package
    # (numpy by pandas, say) still has to be declared once imported directly.
    runtime_ok = _declared("requirements.txt", "requirements-spark.txt")
    dev_ok = _declared("requirements-dev.txt")
    problems = []
    runtime = _imported_modules(RUNTIME_CODE)
    for module, files in sorted(_imported_modules(ALL_CODE).items()):
        dists = _distributions(module)
        if not dists:
            problems.append(f"{module}: not installed, imported by {sorted(files)}")
            continue
        allowed = runtime_ok if module in runtime else dev_ok
        if not dists & allowed:
            problems.append(f"{module} ({', '.join(sorted(dists))}) undeclared, imported by {sorted(files)[:3]}")
    assert problems == []


def test_the_locks_satisfy_the_requirement_ranges():
    problems = []
    for source, lock in (("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")):
        pins = _lock(lock)
        for requirement in _requirements(source):
            version = pins.get(canonicalize_name(requirement.name))
            if version is None:
                problems.append(f"{lock}: {requirement.name} missing (run make lock)")
            elif not requirement.specifier.contains(version, prereleases=True):
                problems.append(f"{lock}: {requirement.name}=={version} outside {requirement} (run make lock)")
            for extra in requirement.extras:  # streamlit[auth] brings Authlib
                needed = [r for r in importlib.metadata.requires(requirement.name) or []
                          if f'extra == "{extra}"' in r]
                for wanted in needed:
                    name = canonicalize_name(Requirement(wanted).name)
                    if name not in pins:
                        problems.append(f"{lock}: {name} (extra {requirement.name}[{extra}]) missing")
    assert problems == []


def test_the_dev_lock_pins_the_runtime_exactly_as_the_runtime_lock():
    runtime, dev = _lock("requirements.lock"), _lock("requirements-dev.lock")
    differing = {name: (version, dev.get(name)) for name, version in runtime.items() if dev.get(name) != version}
    assert differing == {}


def test_duckdb_is_pinned_and_installed_at_the_pin():
    # Its file format only reads backward: the app, the CLI and the tests must run the one version.
    pinned = _lock("requirements.lock")["duckdb"]
    assert importlib.metadata.version("duckdb") == pinned, "reinstall from requirements.lock (make test does)"


def test_pyproject_reads_the_runtime_list_and_the_installs_use_the_locks():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    dynamic = project["tool"]["setuptools"]["dynamic"]
    assert dynamic["dependencies"] == {"file": ["requirements.txt"]}
    assert "dependencies" not in project["project"]  # one list, not two
    assert project["project"]["scripts"]["bansos"] == "bansos.cli:main"
    lint = project["tool"]["ruff"]["lint"]
    assert "I" not in lint["select"]  # imports are sorted by hand
    makefile = (REPO / "Makefile").read_text()
    assert "pip install --quiet --require-hashes -r requirements.lock" in makefile
    assert "pip install --quiet --require-hashes -r requirements-dev.lock" in makefile
    assert re.search(r"^test: lint ", makefile, re.M)  # CI (`make test`) runs ruff and mypy first
