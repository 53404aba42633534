"""Warehouses for app tests: a small synthetic one and an empty one.

Import the fixtures into a test module with
`from tests.app_fixtures import demo_db, empty_db  # noqa: F401`.
Both are session-scoped and built with the real command line / ingestion.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def app_key_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("key") / "key"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, app_key_file) -> Path:
    """Synthetic demo warehouse at scale 0.003 (about 20k families, 34 regions)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    env = {**os.environ, "BANSOS_KEY_FILE": str(app_key_file)}
    subprocess.run(
        [sys.executable, "-m", "bansos", "demo", "--db", str(path), "--scale", "0.003", "--seed", "11"],
        check=True, cwd=REPO, env=env, capture_output=True,
    )
    return path


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory, app_key_file) -> Path:
    """A warehouse with reference data and empty facts (nothing loaded yet)."""
    from bansos.ingest import ingest

    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    old = os.environ.get("BANSOS_KEY_FILE")
    os.environ["BANSOS_KEY_FILE"] = str(app_key_file)
    try:
        ingest(path, [])
    finally:
        if old is None:
            os.environ.pop("BANSOS_KEY_FILE", None)
        else:
            os.environ["BANSOS_KEY_FILE"] = old
    return path


def app_test(db: Path, page: str | None = None, query: dict | None = None, timeout: int = 60, lang: str | None = None):
    """An AppTest of dashboard.py on warehouse `db`, switched to `page`
    (e.g. "app_pages/ringkasan.py"), with URL query parameters `query`, in
    language `lang` (default: the app's)."""
    from streamlit.testing.v1 import AppTest

    os.environ["BANSOS_DB"] = str(db)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=timeout)
    if lang is not None:
        at.session_state["lang"] = lang
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def serve_app(db: Path, key_file: Path, extra_env: dict | None = None, args: tuple[str, ...] = ()):
    """A real `streamlit run dashboard.py` on 127.0.0.1 and a free port,
    waited for on its health endpoint. Returns (process, url); the caller
    terminates the process."""
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "BANSOS_DB": str(db), "BANSOS_KEY_FILE": str(key_file), **(extra_env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", *args],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("streamlit did not become healthy")


def table_labels(element) -> dict[str, str]:
    """Column name → header label of an st.dataframe element in AppTest."""
    import json

    config = json.loads(element.proto.columns or "{}")
    return {name: spec.get("label", name) for name, spec in config.items()}


def shown(element, by: str = "label"):
    """An st.dataframe as the reader sees it: cells are the text shown (a
    Styler's display values), else the values; headers are the column
    labels (by="label") or the frame's column names (by="name")."""
    import pyarrow as pa

    frame = element.value.reset_index(drop=True)
    display = element.proto.arrow_data.styler.display_values
    if display:
        text = pa.ipc.open_stream(display).read_all().to_pandas().reset_index(drop=True)
        text.columns = frame.columns
        frame = text
    if by == "name":
        return frame
    labels = table_labels(element)
    return frame.rename(columns={c: labels.get(c, c) for c in frame.columns})


def numbers(element):
    """An st.dataframe's underlying values (what it sorts by), headed by the column labels."""
    frame = element.value.reset_index(drop=True)
    labels = table_labels(element)
    return frame.rename(columns={c: labels.get(c, c) for c in frame.columns})


def queries_of_a_rerun(at, name: str) -> list[dict]:
    """The parameters of every `name` query one rerun of the open page asks
    for (cache hits included): the local runner's recorder, as the benchmark
    discovers a page's queries."""
    from bansos import ui

    runner = ui.core._runner(str(ui.app_db_path()), None, None)
    runner.recorder = []
    try:
        at.run()
    finally:
        calls, runner.recorder = runner.recorder, None
    assert not at.exception, [e.value for e in at.exception]
    return [params for asked, params in calls if asked == name]
