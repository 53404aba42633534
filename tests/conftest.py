"""Shared, generic fixtures. Keep this small: fixtures for one area of the
code belong in that area's test files.

Every test gets its own warehouse file and its own key file in `tmp_path`
(`BANSOS_KEY_FILE`), so nothing touches ~/.config or data/*.duckdb.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
TEST_KEY = "0123456789abcdef" * 4  # fixed, so a warehouse built once can be copied per test

_KEY_ENV = ("BANSOS_KEY", "BANSOS_KEY_FILE", "BANSOS_DB")


def _restoring_environment():
    saved = dict(os.environ)
    yield
    if dict(os.environ) != saved:
        os.environ.clear()
        os.environ.update(saved)


# Whatever a test or a module's fixtures put in os.environ (BANSOS_DB for an
# AppTest, a key file) is taken back afterwards, so no test depends on the
# order the suite runs in. Higher-scoped fixtures are set up before these
# snapshots and are left alone.
_module_environment = pytest.fixture(scope="module", autouse=True)(_restoring_environment)
_test_environment = pytest.fixture(autouse=True)(_restoring_environment)


@pytest.fixture(scope="session", autouse=True)
def _audit_key_outside_home(tmp_path_factory):
    """Exports write to the audit log, which needs its key: keep it in a
    temporary folder (never ~/.config), for this process and the commands it runs."""
    saved = {name: os.environ.get(name) for name in ("BANSOS_AUDIT_KEY", "BANSOS_AUDIT_KEY_FILE")}
    os.environ.pop("BANSOS_AUDIT_KEY", None)
    os.environ["BANSOS_AUDIT_KEY_FILE"] = str(tmp_path_factory.mktemp("audit-key") / "audit-key")
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session", autouse=True)
def _apptest_on_localhost():
    """AppTest runs dashboard.py in this process: without a login provider
    it is local mode, which refuses any address but localhost (Streamlit's
    own default is every interface). `streamlit run` in the tests passes
    --server.address itself."""
    from streamlit import config

    saved = config.get_option("server.address")
    config.set_option("server.address", "localhost")
    yield
    config.set_option("server.address", saved)


@pytest.fixture(scope="session")
def empty_warehouse_template(tmp_path_factory) -> tuple[Path, Path]:
    """An empty warehouse (schema, reference tables, key fingerprint), built
    once per session by the real ingestion code; tests get copies. Building
    one loads 83,762 desa codes, so doing it per test would be slow."""
    folder = tmp_path_factory.mktemp("template")
    key_file = folder / "keys" / "key"  # never beside the warehouse
    key_file.parent.mkdir()
    key_file.write_text(TEST_KEY + "\n")
    key_file.chmod(0o600)
    db = folder / "empty.duckdb"
    saved = {name: os.environ.get(name) for name in _KEY_ENV}
    os.environ.pop("BANSOS_KEY", None)
    os.environ["BANSOS_KEY_FILE"] = str(key_file)
    try:
        from bansos.ingest import ingest

        assert ingest(db, []) == []
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    assert db.exists()
    return db, key_file


@pytest.fixture
def warehouse(tmp_path, monkeypatch, empty_warehouse_template) -> Path:
    """Path of this test's own warehouse (a copy of the empty template), with
    the key taken from a key file in tmp_path."""
    template_db, template_key = empty_warehouse_template
    key_file = tmp_path / "keys" / "key"
    key_file.parent.mkdir()
    shutil.copyfile(template_key, key_file)
    key_file.chmod(0o600)
    for name in _KEY_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BANSOS_KEY_FILE", str(key_file))
    db = tmp_path / "db" / "warehouse.duckdb"
    db.parent.mkdir()
    shutil.copyfile(template_db, db)
    return db


@pytest.fixture
def cli():
    """Run the real command line: `cli("ingest", "--db", db, ...)`. The
    environment is the test's (monkeypatched) os.environ."""

    def run(*args, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bansos", *map(str, args)],
            cwd=REPO_ROOT,
            env=dict(os.environ),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run
