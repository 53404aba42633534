"""The test identity provider (tests/idp: npm oidc-provider, development
login form that accepts any password), started on 127.0.0.1 for a test
module and stopped after it.

    from tests.idp_fixtures import idp  # noqa: F401

`idp` is an Idp(url, app_port): the provider's URL (its issuer) and the port
the app must be served on (the provider's client accepts that callback).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

IDP_DIR = Path(__file__).resolve().parent / "idp"


@dataclass(frozen=True)
class Idp:
    url: str
    app_port: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _node_packages() -> None:
    """`make test` runs `npm ci`; do it here too when the packages are missing
    (a direct pytest run), from the lock file."""
    if (IDP_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    assert npm, "npm is needed for the test identity provider (make test installs it)"
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=IDP_DIR, check=True, timeout=600)


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="module")
def idp():
    _node_packages()
    port, app_port = free_port(), free_port()
    env = {**os.environ, "IDP_PORT": str(port), "APP_PORTS": str(app_port)}
    process = subprocess.Popen(["node", "server.js"], cwd=IDP_DIR, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/.well-known/openid-configuration")
        yield Idp(url, app_port)
    finally:
        process.terminate()
        process.wait(timeout=20)
