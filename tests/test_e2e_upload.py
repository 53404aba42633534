"""Loading from the browser, end to end: a real `streamlit run` in local mode
(the person at the console may load), Debian's Chromium uploading real files
through the Unggah Data page while a second browser context clicks through
every page. Waits on the app's own state, never sleeps.

Screenshots (progress, results, Kualitas Data) go to tests/artifacts/.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from bansos import i18n, jobs, uploads
from bansos import warehouse as warehouse_module
from tests.app_fixtures import app_key_file, demo_db, serve_app  # noqa: F401
from tests.ingest_files import DESA, PENYALURAN_HEADER, fetch, record, row_for
from tests.chromium import READY, browser  # noqa: F401
from tests.test_e2e_browser import GRID

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
HOLDER = "operator.banyuwangi@example.go.id"
ERROR_TEXTS = [i18n.t("error.query", lang) for lang in i18n.LANGS]


def _csv(rows) -> bytes:
    return ("\n".join([",".join(PENYALURAN_HEADER)] + [record(PENYALURAN_HEADER, r) for r in rows]) + "\n").encode()


@pytest.fixture(scope="module")
def site(demo_db, app_key_file, tmp_path_factory):  # noqa: F811
    """A copy of the demo warehouse (loads change it), its own key file copy
    (a test swaps the key) and its own temporary folder, served in local mode."""
    root = tmp_path_factory.mktemp("upload-site")
    shutil.copytree(demo_db.parent, root / "db")
    db = root / "db" / demo_db.name
    key = root / "keys" / "key"
    key.parent.mkdir()
    shutil.copyfile(app_key_file, key)
    key.chmod(0o600)
    temp = root / "tmp"
    temp.mkdir()
    process, url = serve_app(db, key, extra_env={"BANSOS_TEMP_DIR": str(temp)})
    yield {"url": url, "db": db, "key": key, "temp": temp, "files": root / "files"}
    process.terminate()
    process.wait(timeout=20)


def _open(browser, url: str, width: int = 1400):
    context = browser.new_context(viewport={"width": width, "height": 1600})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)[:200]))
    page.goto(url)
    page.wait_for_selector(READY, timeout=90_000)
    return context, page, errors


def _problems(page) -> list[str]:
    """What a reader must never see: an exception or the query-error message."""
    shown = page.locator("[data-testid='stException']").all_inner_texts()
    alerts = page.locator("[data-testid='stAlert']").all_inner_texts()
    return shown + [a for a in alerts if any(text in a for text in ERROR_TEXTS)]


def _grids(page) -> list[dict]:
    """Every table on the page as shown: header titles and cell texts."""
    canvases = page.locator("[data-testid='stDataFrame'] canvas")
    return [g for g in (canvases.nth(i).evaluate(GRID) for i in range(0, canvases.count(), 2)) if g]


def _grid_with(page, column: str, timeout_s: float = 30.0) -> dict:
    """The first table with `column`, once the page has drawn it (a table's
    canvas is drawn after the text around it: on a busy machine, later)."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = [g for g in _grids(page) if column in g["columns"]]
        if found or time.monotonic() > deadline:
            break
        page.wait_for_timeout(200)
    assert found, f"no table with a {column!r} column"
    return found[0]


def _rows(grid: dict, *columns: str) -> list[list[str]]:
    index = [grid["columns"].index(c) for c in columns]
    return [[row[i] for i in index] for row in grid["rows"]]


def _tiles(page) -> list[str]:
    page.wait_for_selector("[data-testid='stMetricValue']", timeout=90_000)
    page.wait_for_selector(READY, timeout=90_000)
    return [v.strip() for v in page.locator("[data-testid='stMetricValue']").all_inner_texts()]


def _upload(page, paths: list[Path], button: str = "Muat") -> None:
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files([str(p) for p in paths])
    page.locator("[data-testid='stFileChip']").nth(len(paths) - 1).wait_for(timeout=30_000)
    # each file is sent while its chip shows a spinner; the page reruns once they are all there
    page.wait_for_function("document.querySelectorAll(\"[data-testid='stFileChipIconSpinner']\").length === 0",
                           timeout=120_000)
    page.wait_for_selector(READY, timeout=90_000)
    page.get_by_role("button", name=button, exact=True).click()


class Reader:
    """A second browser context walking the navigation, page after page."""

    def __init__(self, browser, url: str):
        self.context, self.page, self.errors = _open(browser, url)
        self.links = self.page.locator("[data-testid='stSidebarNavLink']")
        self.count = self.links.count()
        self.visits = 0
        self.seen: list[str] = []

    def step(self) -> None:
        self.links.nth(self.visits % self.count).click()
        self.visits += 1
        try:
            self.page.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']", timeout=2_000)
        except Exception:
            pass  # a quick run may have started and ended already
        self.page.wait_for_selector(READY, timeout=90_000)
        self.seen += [f"visit {self.visits}: {p}" for p in _problems(self.page)] + self.errors
        self.errors.clear()


def test_an_operator_uploads_while_a_reader_clicks_through_and_the_data_appears_everywhere(site, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    files = site["files"]
    files.mkdir(exist_ok=True)
    # Worked out by hand: 20 new PKH recipients of 2026 tranche 2 in Banyuwangi (a pilot; the default view is
    # pilots · PKH · the latest tranche, 2026-2), so Ringkasan's recipients tile grows.
    good = files / "bri_pkh_2026T2_tambahan.csv"
    good.write_bytes(_csv([row_for("penyaluran", 900_000 + n, tahun="2026", tahap="2", kode_wilayah=DESA) for n in range(20)]))
    # 3 rows read: 2 loaded, 1 quarantined (tahap 9 is not a tranche).
    partly = files / "pos_2026T2.csv"
    partly.write_bytes(_csv([row_for("penyaluran", 910_000, tahun="2026", tahap="2", lembaga_penyalur="POS"),
                             row_for("penyaluran", 910_001, tahun="2026", tahap="2", lembaga_penyalur="POS"),
                             row_for("penyaluran", 910_002, tahun="2026", tahap="9", lembaga_penyalur="POS")]))
    rejected = files / "bukan_ekstrak.csv"  # no column of either kind: rejected whole
    rejected.write_bytes(b"nama,alamat\nBudi,Jl. Merdeka 1\n")

    operator_context, operator, operator_errors = _open(browser, site["url"])
    reader = Reader(browser, site["url"])
    try:
        before = _tiles(operator)
        operator.goto(f"{site['url']}/unggah")
        operator.wait_for_selector(READY, timeout=90_000)

        # Another load holds the warehouse: the upload waits, and the page says whose load it waits for.
        lock = warehouse_module.load_lock(warehouse_module.live_path(site["db"]), "a load", user=HOLDER)
        lock.__enter__()
        try:
            _upload(operator, [good, partly, rejected])
            operator.get_by_text(HOLDER).first.wait_for(timeout=60_000)
            assert operator.locator("[data-testid='stProgress']").count() == 1
            stages = _grid_with(operator, "Tahap proses")
            assert _rows(stages, "File", "Tahap proses") == [
                [good.name, "menunggu giliran"], [partly.name, "menunggu giliran"], [rejected.name, "menunggu giliran"]]
            operator.screenshot(path=str(ARTIFACTS / "unggah-progress-id.png"), full_page=True)
            for _ in range(reader.count):  # the reader goes through every page while the load waits
                reader.step()
        finally:
            lock.__exit__(None, None, None)

        # The load runs now; the reader keeps clicking until the operator's page shows the results by itself.
        link = operator.get_by_text(i18n.t("unggah.to_kualitas", "id")).first
        deadline = time.monotonic() + 120
        while not link.is_visible():
            assert time.monotonic() < deadline, "no results after 120 s"
            reader.step()
        operator.wait_for_selector(READY, timeout=90_000)
        operator.screenshot(path=str(ARTIFACTS / "unggah-results-id.png"), full_page=True)
        for _ in range(reader.count):  # and once more over every page, now on the new data
            reader.step()
        assert reader.seen == [], reader.seen
        assert reader.visits >= 2 * reader.count

        results = _grid_with(operator, "Dibaca")
        assert _rows(results, "File", "Hasil", "Dibaca", "Dimuat", "Karantina") == [
            [good.name, "✓ dimuat", "20", "20", "0"],
            [partly.name, "✓ dimuat", "3", "2", "1"],
            [rejected.name, "✗ ditolak", "0", "0", "0"],
        ]
        assert _rows(results, "Alasan karantina")[1] == ["Tahap tidak sah: 1"]
        load_numbers = [n for [n] in _rows(results, "No. muat")[:2]]
        assert load_numbers == [str(n) for (n,) in fetch(site["db"], "SELECT load_id FROM load_ledger ORDER BY load_id DESC LIMIT 2")[::-1]]
        main = operator.locator("[data-testid='stMain']").inner_text()
        assert str(site["temp"]) not in main and str(site["db"].parent) not in main

        # The uploaded bytes are gone from the temporary folder.
        assert [p for p in site["temp"].rglob("*") if p.is_file() and p.parent.name == "files"] == []
        assert not any((folder / "files").exists() for folder in site["temp"].glob(jobs.PREFIX + "*"))

        # Kualitas Data lists the loads with their numbers and the rejected file.
        link.click()
        operator.wait_for_selector("h1:has-text('Kualitas Data')", timeout=60_000)
        operator.wait_for_selector(READY, timeout=90_000)
        ledger = _grid_with(operator, "No. muat")
        assert [row[0] for row in _rows(ledger, "No. muat", "Dibaca", "Dimuat", "Karantina", "Dimuat oleh")[:2]] == load_numbers[::-1]
        assert _rows(ledger, "Dibaca", "Dimuat", "Karantina", "Dimuat oleh")[:2] == [
            ["3", "2", "1", uploads.local_user()], ["20", "20", "0", uploads.local_user()]]
        # Each file under the name the operator gave it (the server stored them as 000.csv, 001.csv …).
        assert _rows(ledger, "File")[:2] == [[partly.name], [good.name]]
        rejections = _grid_with(operator, "Dikirim oleh")
        assert len(rejections["rows"]) == 1 and _rows(rejections, "Dikirim oleh") == [[uploads.local_user()]]
        assert _rows(rejections, "File") == [[rejected.name]]
        assert "rejected" in _rows(rejections, "Alasan")[0][0]
        operator.screenshot(path=str(ARTIFACTS / "kualitas-loads-id.png"), full_page=True)

        # Ringkasan's figures changed with the load.
        operator.goto(site["url"])
        after = _tiles(operator)
        assert after != before, (before, after)
        assert not operator_errors and not _problems(operator)
    finally:
        reader.context.close()
        operator_context.close()


def test_a_load_that_fails_says_why_and_leaves_no_uploaded_bytes(site, browser):
    """The server's key is swapped for another: the load is refused (a
    warehouse never mixes keys), the page says so, the bytes are deleted."""
    saved = site["key"].read_text()
    site["key"].write_text("f" * 64 + "\n")
    context, page, errors = _open(browser, f"{site['url']}/unggah?lang=en")
    try:
        path = site["files"] / "gagal.csv"
        path.write_bytes(_csv([row_for("penyaluran", 920_000)]))
        _upload(page, [path], button="Load")
        failed = page.get_by_text("The load failed, nothing was changed").first
        failed.wait_for(timeout=120_000)
        assert "another pseudonymisation key" in failed.inner_text()
        page.screenshot(path=str(ARTIFACTS / "unggah-failed-en.png"), full_page=True)
        assert not errors
    finally:
        context.close()
        site["key"].write_text(saved)
    assert not any((folder / "files").exists() for folder in site["temp"].glob(jobs.PREFIX + "*"))


@pytest.fixture
def two_loads_on_record(site, monkeypatch):
    """At least two finished loads of the console user on record, so that the
    page shows the newest open and an older one folded. The tests above leave
    three; run alone, this starts two small ones with the page's own job
    runner (bansos.jobs), in the served site's temporary folder."""
    monkeypatch.setenv("BANSOS_TEMP_DIR", str(site["temp"]))
    monkeypatch.setenv("BANSOS_KEY_FILE", str(site["key"]))
    who = uploads.local_user()
    missing = max(0, 2 - len(uploads.recent_jobs(who, site["db"])))
    started = [jobs.start(site["db"], [(f"pos_ponsel_{n}.csv", _csv([row_for("penyaluran", 930_000 + n)]))],
                          who=who, scope=None) for n in range(missing)]
    deadline = time.monotonic() + 180
    while any((jobs.status(j) or {}).get("state") not in jobs.FINISHED for j in started):
        assert time.monotonic() < deadline, "a load started for this test did not finish in 3 minutes"
        time.sleep(0.5)
    assert all(jobs.status(j)["state"] == "finished" for j in started), [jobs.status(j) for j in started]
    assert len(uploads.recent_jobs(who, site["db"])) >= 2


@pytest.mark.parametrize("lang", ["id", "en"])
def test_at_phone_width_the_upload_page_and_its_results_do_not_scroll_sideways(site, browser, lang,
                                                                                  two_loads_on_record):
    """With loads on record, the page lists them (the newest open, older ones folded)."""
    context = browser.new_context(viewport={"width": 390, "height": 2400}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{site['url']}/unggah" + ("?lang=en" if lang == "en" else ""))
        page.wait_for_selector(READY, timeout=90_000)
        page.locator("[data-testid='stFileUploader']").wait_for(timeout=60_000)
        assert page.locator("[data-testid='stExpander']").count() >= 1  # an earlier load, folded
        assert not page.locator("[data-testid='stException']").count()
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1
        page.screenshot(path=str(ARTIFACTS / f"unggah-phone-{lang}.png"), full_page=True)
    finally:
        context.close()
