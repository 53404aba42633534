"""Server hygiene (docs/operations.md): XSRF and CORS protection on, no
error details in the browser, no HTML from data. A change that weakens one
of these fails here."""

from __future__ import annotations

import asyncio
import re
import tomllib
import urllib.request
from pathlib import Path

import pytest

from tests.app_fixtures import app_key_file, demo_db, serve_app  # noqa: F401

REPO = Path(__file__).resolve().parent.parent


def test_the_project_config_keeps_the_protections_on():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True  # off, Streamlit answers any origin
    assert config["client"]["showErrorDetails"] == "none"
    assert config["browser"]["gatherUsageStats"] is False
    # no download that skips the audit log (the grid's own CSV button), and local mode on localhost by default
    assert config["client"]["disableDataExport"] is True
    assert config["server"]["address"] == "localhost"


def test_no_page_renders_html_from_strings():
    # st.markdown(..., unsafe_allow_html=True), st.html and components.html
    # would let a region name or a file name from an extract run as HTML.
    offenders = []
    for path in [REPO / "dashboard.py", *(REPO / "app_pages").glob("*.py"), *(REPO / "bansos").rglob("*.py")]:
        text = path.read_text()
        for pattern in (r"unsafe_allow_html\s*=\s*True", r"\bst\.html\(", r"components\.v1\.html|components\.html\("):
            if re.search(pattern, text):
                offenders.append((path.name, pattern))
    assert offenders == []


@pytest.fixture(scope="module")
def server(demo_db, app_key_file):
    process, url = serve_app(demo_db, app_key_file)
    yield url
    process.terminate()
    process.wait(timeout=20)


def test_another_origin_gets_no_cors_headers_and_no_websocket(server):
    import websockets

    request = urllib.request.Request(f"{server}/_stcore/health", headers={"Origin": "http://evil.example"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert response.headers.get("Access-Control-Allow-Origin") is None
    ws_url = server.replace("http", "ws") + "/_stcore/stream"

    async def connect(origin: str) -> str:
        try:
            async with websockets.connect(ws_url, origin=origin, subprotocols=["streamlit"], open_timeout=10):
                return "open"
        except websockets.exceptions.InvalidStatus as refused:
            return str(refused.response.status_code)

    assert asyncio.run(connect("http://evil.example")) == "403"
    assert asyncio.run(connect(server)) == "open"  # the app's own origin still works
