"""Identity: st.login against a real OpenID Connect provider in Chromium, and
the same claims injected through AppTest's st.user, resolved by the one
function pages call (bansos.identity.session_access)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from bansos import audit
from bansos.authdev import write_dev_secrets
from tests.idp_fixtures import idp, wait_http  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "tests" / "auth_app.py"
EXAMPLE = REPO / "data" / "access.example.toml"
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
AUTH = {"redirect_uri": "http://localhost:1/oauth2callback", "cookie_secret": "x" * 32, "client_id": "c",
        "client_secret": "s", "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}


@pytest.fixture
def access_env(monkeypatch, tmp_path):
    monkeypatch.setenv("BANSOS_ACCESS", str(EXAMPLE))
    db = tmp_path / "db" / "warehouse.duckdb"
    db.parent.mkdir()
    monkeypatch.setenv("BANSOS_DB", str(db))
    return db


def _text(at) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(e.value for e in at.error)


def test_claims_injected_in_apptest_resolve_like_a_login(access_env):
    at = AppTest.from_file(str(APP))
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "iss": "http://127.0.0.1:8711", "email": "analis.jatim@example.go.id",
               "email_verified": True, "name": "Analis", "groups": []}
    at.run()
    assert "mode: `granted`; roles: `analis`" in _text(at)
    assert "35.76" in _text(at) and "18.72" not in _text(at)
    records = audit.read(access_env)
    assert [r["event"] for r in records] == ["access_file", "login"]
    assert records[1]["actor"]["email"] == "analis.jatim@example.go.id"
    at.run()   # the same session: logged once
    assert len(audit.read(access_env)) == 2


def test_not_logged_in_gets_the_public_view_and_unknown_issuer_too(access_env):
    at = AppTest.from_file(str(APP))
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert "mode: `public`; roles: `publik`" in _text(at)
    at.user = {"is_logged_in": True, "iss": "https://other.example", "email": "evaluator@example.go.id", "email_verified": True}
    at.run()
    assert "mode: `public`" in _text(at)


def test_a_broken_access_file_stops_the_app_with_its_line(access_env, monkeypatch, tmp_path):
    broken = tmp_path / "access.toml"
    broken.write_text(EXAMPLE.read_text() + '\n[[grant]]\nemail = "x@example.go.id"\nroles = ["superuser"]\n')
    monkeypatch.setenv("BANSOS_ACCESS", str(broken))
    at = AppTest.from_file(str(APP))
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "iss": "http://127.0.0.1:8711", "email": "evaluator@example.go.id", "email_verified": True}
    at.run()
    assert not at.exception
    assert at.error and "unknown role 'superuser'" in at.error[0].value and "line" in at.error[0].value
    assert not at.markdown   # nothing else: no mode, no data


def test_local_mode_only_on_a_loopback_address(access_env):
    saved = config.get_option("server.address")
    try:
        config.set_option("server.address", "localhost")
        at = AppTest.from_file(str(APP))
        at.run()
        assert "mode: `local`" in _text(at)
        config.set_option("server.address", "0.0.0.0")
        at = AppTest.from_file(str(APP))
        at.run()
        assert at.error and "serves localhost only" in at.error[0].value and not at.markdown
    finally:
        config.set_option("server.address", saved)


def test_login_through_the_identity_provider_in_chromium(idp, tmp_path, access_env):
    """The real flow: Streamlit with [auth], Chromium clicks Log in, fills the
    provider's development form, comes back logged in."""
    from playwright.sync_api import sync_playwright

    secrets_file = write_dev_secrets(tmp_path / "auth" / "secrets.toml", idp.app_port, idp.url)
    # The example file with this provider's issuer (it runs on a free port here).
    access_file = tmp_path / "access.toml"
    access_file.write_text(EXAMPLE.read_text().replace('issuer = "http://127.0.0.1:8711"', f'issuer = "{idp.url}"'))
    env = {**os.environ, "BANSOS_ACCESS": str(access_file), "BANSOS_DB": str(access_env)}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true", "--server.port", str(idp.app_port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--secrets.files", str(secrets_file)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{idp.app_port}/_stcore/health", timeout=90)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://localhost:{idp.app_port}/")
            page.wait_for_selector(READY, timeout=60000)
            assert "mode: public" in page.inner_text("[data-testid='stMain']")
            page.get_by_role("button", name="Log in").click()
            page.wait_for_selector("input[name=login]", timeout=30000)
            assert page.url.startswith(idp.url)
            page.fill("input[name=login]", "pimpinan.lampung@example.go.id")
            page.fill("input[name=password]", "any password works here")
            page.click("button[type=submit]")
            page.wait_for_selector("text=email: pimpinan.lampung@example.go.id", timeout=60000)
            page.wait_for_selector(READY, timeout=60000)
            shown = page.inner_text("[data-testid='stMain']")
            assert "mode: granted; roles: pimpinan" in shown
            assert "18.72" in shown and "35.76" not in shown
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    login = [r for r in audit.read(access_env) if r["event"] == "login"]
    assert login and login[-1]["actor"]["email"] == "pimpinan.lampung@example.go.id" and login[-1]["actor"]["issuer"] == idp.url
