"""End-to-end flows in a real browser: Debian's Chromium driven by Playwright
against a real `streamlit run` of dashboard.py on a synthetic warehouse.
Waits on the app's own state (never sleeps). Screenshots of every page, in
both languages, are saved under tests/artifacts/ for people to look at."""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from bansos import i18n
from tests.app_fixtures import app_key_file, demo_db, empty_db  # noqa: F401

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
PAGES = ["ringkasan", "cakupan", "sasaran", "perbandingan", "pendaftaran", "ekspor", "kualitas", "metodologi"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def _path(name: str) -> str:
    """Ringkasan is the default page: it lives at the root URL."""
    return "/" if name == "ringkasan" else f"/{name}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(db: Path, key_file: Path):
    port = _free_port()
    env = {**os.environ, "BANSOS_DB": str(db), "BANSOS_KEY_FILE": str(key_file)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
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
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("streamlit did not become healthy")


@pytest.fixture(scope="module")
def server(demo_db, app_key_file):
    process, url = _serve(demo_db, app_key_file)
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def empty_server(empty_db, app_key_file):
    process, url = _serve(empty_db, app_key_file)
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is required for browser tests: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _open(browser, url: str, width: int = 1400):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(READY, timeout=90_000)
    return context, page


def _settle(page) -> None:
    # After an interaction the script reruns: wait for it to start, then to finish.
    try:
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']", timeout=3_000)
    except Exception:
        pass
    page.wait_for_selector(READY, timeout=90_000)


def _exceptions(page) -> list[str]:
    return page.locator("[data-testid='stException']").all_inner_texts()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_page_renders_without_exception(server, browser, lang):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    suffix = "?lang=English" if lang == "en" else ""
    for name in PAGES:
        context, page = _open(browser, f"{server}{_path(name)}{suffix}")
        try:
            assert not _exceptions(page), f"{name}: {_exceptions(page)}"
            heading = page.locator("h1").first.inner_text()
            assert heading.strip() == i18n.t(f"nav.{name}", lang), name
            page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}.png"), full_page=True)
        finally:
            context.close()


def test_empty_warehouse_pages_say_what_to_do(empty_server, browser):
    for name in PAGES:
        context, page = _open(browser, f"{empty_server}{_path(name)}")
        try:
            assert not _exceptions(page), f"{name}: {_exceptions(page)}"
            assert "ingest" in page.locator("[data-testid='stMain']").inner_text(), name
            if name == "ringkasan":
                page.screenshot(path=str(ARTIFACTS / "ringkasan-empty.png"), full_page=True)
        finally:
            context.close()


def test_switching_language_changes_the_labels(server, browser):
    context, page = _open(browser, f"{server}/")
    try:
        assert page.locator("h1").first.inner_text().strip() == "Ringkasan"
        page.locator("[data-testid='stSidebar'] [data-testid='stRadio'] label").filter(has_text="English").first.click()
        page.wait_for_function("document.querySelector('h1') && document.querySelector('h1').innerText.trim() === 'Overview'")
        assert "lang=English" in page.url
        assert page.get_by_text("Coverage & Disbursement").count() >= 1  # navigation translated too
    finally:
        context.close()


def test_a_filter_lands_in_the_url_and_the_url_restores_it(server, browser):
    context, page = _open(browser, f"{server}/sasaran")
    try:
        combo = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Program").locator("input")
        option = page.get_by_role("option", name="SEMBAKO")
        for _ in range(3):  # on a busy machine the first click may land before the list is wired
            combo.click()
            try:
                option.wait_for(state="visible", timeout=10_000)
                break
            except Exception:
                page.keyboard.press("Escape")
        option.click()
        _settle(page)
        page.wait_for_function("window.location.search.includes('prog=SEMBAKO')")
        shared = page.url
    finally:
        context.close()
    assert parse_qs(urlparse(shared).query)["prog"] == ["SEMBAKO"]
    context, page = _open(browser, shared)
    try:
        box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(has_text="Program")
        assert box.locator("input").input_value() == "SEMBAKO"
        assert "SEMBAKO" in page.locator("[data-testid='stMain']").inner_text()  # and the page shows it
    finally:
        context.close()


def test_phone_width_has_no_sideways_scroll(server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name in ("ringkasan", "perbandingan"):
        context, page = _open(browser, f"{server}{_path(name)}", width=390)
        try:
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{name} scrolls sideways by {overflow}px at 390px"
            page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)
        finally:
            context.close()


def test_download_matches_the_filter(server, browser):
    context, page = _open(browser, f"{server}/ekspor?prog=SEMBAKO")
    try:
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name=i18n.t("download.csv", "id")).first.click()
        download = info.value
        body = Path(download.path()).read_bytes().decode("utf-8-sig")
    finally:
        context.close()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows, "the CSV has data rows"
    assert {r["program"] for r in rows} == {"SEMBAKO"}
    assert all(r["region_code"].count(".") == 1 for r in rows)


def test_a_province_view_draws_the_shipped_boundaries(server, browser):
    """A fresh setting (no BANSOS_GEO_DIR, so the boundaries shipped in
    data/geo/): picking a province on Ringkasan turns its map into a kab/kota
    choropleth, drawn by the browser."""
    assert not os.environ.get("BANSOS_GEO_DIR"), "this test checks the default boundary folder: unset BANSOS_GEO_DIR"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context, page = _open(browser, f"{server}/")
    try:
        box = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
            has=page.get_by_text(i18n.t("filter.province", "id"), exact=True))
        box.locator("input").click()
        page.keyboard.type("Jawa Timur")  # the list is long: narrow it first
        page.get_by_role("option", name="Jawa Timur").click()
        _settle(page)
        page.get_by_text(i18n.t("ringkasan.map.choropleth", "id")).wait_for(timeout=60_000)
        assert page.get_by_text(i18n.t("ringkasan.map.points_no_boundaries", "id")).count() == 0
        charts = page.locator("[data-testid='stPlotlyChart']")
        for index in range(charts.count()):  # plotly draws a chart once it is scrolled into view
            charts.nth(index).scroll_into_view_if_needed()
        page.wait_for_selector(".js-plotly-plot .maplibregl-canvas", timeout=30_000)
        traces = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
            .filter(plot => plot.querySelector('.maplibregl-map'))
            .flatMap(plot => plot.data.filter(t => t.type === 'choroplethmap').map(t => t.geojson.features.length))""")
        # every kab/kota of Jawa Timur (38): the regions in view plus the others in grey
        with (REPO / "data" / "reference" / "regions.csv").open(encoding="utf-8") as fh:
            jatim = [row for row in csv.DictReader(fh) if row["province_code"] == "35"]
        assert sum(traces) == len(jatim), traces
        page.locator(".maplibregl-map").first.screenshot(path=str(ARTIFACTS / "ringkasan-province-map.png"))
    finally:
        context.close()
