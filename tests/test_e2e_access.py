"""Access control in a real browser: Chromium logs in once per role through
the test identity provider (tests/idp: npm oidc-provider, its development
form) against a real `streamlit run dashboard.py` with [auth] and the
example access file, and checks on every page what that role must and must
not see, including links that ask for more. One server and one provider for
the module; the public view, and at the end the no-access page (the access
file switched to public = false while the server runs).

Screenshots of each role's Ringkasan and Ekspor go to tests/artifacts/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from urllib.parse import quote

import pytest

from bansos import audit, fmt
from bansos.authdev import write_dev_secrets
from tests.chromium import READY, browser  # noqa: F401
from tests.app_fixtures import REPO, app_key_file, demo_db  # noqa: F401
from tests.idp_fixtures import idp, wait_http  # noqa: F401

ARTIFACTS = REPO / "tests" / "artifacts"
PAGES = ("ringkasan", "cakupan", "sasaran", "perbandingan", "pendaftaran", "ekspor", "kualitas", "metodologi")
# Region names of the demo by who may see them.
LAMPUNG = ("Kota Metro", "Kabupaten Lampung Tengah", "Kabupaten Pesawaran")
JATIM = ("Kota Surabaya", "Kota Malang", "Kabupaten Banyuwangi", "Kota Mojokerto")
REFUSED = "tidak termasuk"  # "... tidak termasuk hak akses Anda" / "... tidak termasuk tampilan publik"
OUTSIDE = "di luar akses Anda"
SAMPLE = "Contoh baris karantina"
FAMILIES = "Data per keluarga"


@pytest.fixture(scope="module")
def setup(idp, demo_db, tmp_path_factory):  # noqa: F811
    folder = tmp_path_factory.mktemp("e2e-access")
    db = folder / "wh" / "demo.duckdb"
    db.parent.mkdir()
    shutil.copyfile(demo_db, db)
    access = folder / "access.toml"
    access.write_text((REPO / "data" / "access.example.toml").read_text()
                      .replace('issuer = "http://127.0.0.1:8711"', f'issuer = "{idp.url}"'))
    secrets = write_dev_secrets(folder / "auth" / "secrets.toml", idp.app_port, idp.url)
    env = {**os.environ, "BANSOS_ACCESS": str(access), "BANSOS_DB": str(db)}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard.py"), "--server.headless", "true",
         "--server.port", str(idp.app_port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--secrets.files", str(secrets)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{idp.app_port}/_stcore/health", timeout=90)
        yield {"url": f"http://localhost:{idp.app_port}", "db": db, "access": access}
    finally:
        server.terminate()
        server.wait(timeout=20)


def _settle(page) -> None:
    page.wait_for_selector(READY, timeout=90_000)


# What a reader sees: the page's text and the words drawn in its charts (SVG).
_SEEN = """() => [document.querySelector("[data-testid='stMain']").innerText,
                  ...Array.from(document.querySelectorAll("[data-testid='stMain'] svg text"), t => t.textContent)].join("\\n")"""


def _goto(page, url: str) -> str:
    page.goto(url)
    _settle(page)
    assert not page.locator("[data-testid='stException']").count(), page.locator("[data-testid='stException']").all_inner_texts()
    return page.evaluate(_SEEN)


def _path(name: str) -> str:
    return "/" if name == "ringkasan" else f"/{name}"


def _log_in(browser, url: str, email: str):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    _goto(page, url)
    page.locator("[data-testid='stSidebar']").get_by_role("button", name="Masuk").click()
    page.wait_for_selector("input[name=login]", timeout=30_000)
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "any password works here")
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/**", timeout=60_000)
    _settle(page)
    page.wait_for_selector("[data-testid='stSidebar'] >> text=Keluar", timeout=60_000)
    return context, page


def _sidebar(page) -> str:
    return page.locator("[data-testid='stSidebar']").inner_text()


def _visit_every_page(page, url: str, opens: set[str], must: tuple[str, ...], must_not: tuple[str, ...], shots: str,
                      query: str = "") -> dict[str, str]:
    """Every page: opened or refused as the role says, the regions it must
    show somewhere (in text or in a chart: tables are drawn on a canvas, and
    are checked in AppTest, tests/test_access_app.py) and those it must never
    show anywhere. Returns what each page showed."""
    seen = {}
    for name in PAGES:
        text = _goto(page, f"{url}{_path(name)}{query}")
        assert (REFUSED in text) == (name not in opens), (name, text[:300])
        _absent(text, must_not, name)
        assert "Traceback" not in text
        seen[name] = text
        if name in ("ringkasan", "ekspor"):
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"access-{shots}-{name}.png"), full_page=True)
    everything = "\n".join(seen.values())
    for region in must:
        assert region in everything, region
    return seen


def _absent(text: str, regions: tuple[str, ...], where: str) -> None:
    """None of the regions, by full name or as charts and tables shorten it ("Kab. …")."""
    for region in regions:
        assert region not in text and fmt.region_short(region) not in text, (where, region)


HOSTILE = ("<script>alert(1)</script>", "' OR 1=1 --")
LONG = "x" * 10_000


def _tamper(page, url: str, must_not: tuple[str, ...]) -> None:
    """Hostile values in every parameter at once, and a 10 kB value in the
    parameters that choose regions and programmes (one per link: the server
    takes links up to about 16 kB, see test_a_link_too_long_for_the_server):
    a clean page with notices, nothing outside the scope."""
    from bansos.urlstate import PARAMETERS

    links = ["&".join(f"{name}={quote(value)}" for name in PARAMETERS) for value in HOSTILE]
    links += [f"{name}={LONG}" for name in ("wil", "prov", "prog", "tahap")]
    for query in links:
        text = _goto(page, f"{url}/?{query}")
        assert "Tautan ini meminta" in text, query[:40]
        assert "x" * 61 not in text and "alert(1)" not in text.replace("<script>alert(1)</script>", "")
        _absent(text, must_not, query[:40])


def test_the_public_view_without_logging_in(setup, browser):
    url = setup["url"]
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        seen = _visit_every_page(page, url, {"ringkasan", "cakupan", "sasaran", "perbandingan", "pendaftaran", "ekspor",
                                             "metodologi"},
                                 must=("Tampilan publik", "Kota Metro", "Kota Surabaya"),
                                 must_not=("Kabupaten Lampung Tengah", "Rincian per kecamatan"), shots="publik",
                                 query="?prog=SEMBAKO")
        assert "Masuk" in _sidebar(page)
        assert "—" in "".join(seen.values())  # withheld figures are there, said as such
        # a link asking for a non-pilot region, all regions or another basis: said outside, nothing shown
        text = _goto(page, f"{url}/?wil=18.02&grup=all&basis=layak")
        assert text.count(OUTSIDE) >= 3 and "Lampung Tengah" not in text
        _tamper(page, url, must_not=("Kabupaten Lampung Tengah",))
    finally:
        context.close()


def test_a_link_too_long_for_the_server_is_refused_before_the_app(setup, browser):
    # 10 kB in every parameter (about 230 kB): the HTTP server refuses the request (400), the app never runs.
    from bansos.urlstate import PARAMETERS

    context = browser.new_context()
    page = context.new_page()
    try:
        response = page.goto(setup["url"] + "/?" + "&".join(f"{name}={LONG}" for name in PARAMETERS))
        assert response is None or response.status >= 400
        assert "Kota" not in page.content()
    except Exception as error:  # a reset connection is a refusal too
        assert "ERR_" in str(error), error
    finally:
        context.close()


ROLES = {
    # role: (e-mail, pages it opens, regions it must show, regions it must never show, sample, families)
    "pimpinan": ("pimpinan.lampung@example.go.id", set(PAGES), ("Kota Metro",), JATIM, False, False),
    "evaluator": ("evaluator@example.go.id", set(PAGES), ("Kota Metro", "Kota Surabaya"), (), False, False),
    "analis": ("analis.jatim@example.go.id", set(PAGES), ("Kota Surabaya",), LAMPUNG, True, True),
    "operator": ("operator.metro@example.go.id", set(PAGES), ("Kota Metro",), JATIM + LAMPUNG[1:], True, False),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_logs_in_and_sees_its_pages_and_regions_only(setup, browser, role):
    url = setup["url"]
    email, opens, must, must_not, sample, families = ROLES[role]
    context, page = _log_in(browser, url, email)
    try:
        sidebar = _sidebar(page)
        assert email in sidebar or email.split("@")[0] in sidebar.lower().replace(" ", ".")
        seen = _visit_every_page(page, url, opens, must, must_not, shots=role)
        assert (SAMPLE in seen["kualitas"]) == sample
        assert (FAMILIES in seen["ekspor"]) == families
        assert "Tampilan publik" not in "".join(seen.values())
        if role != "evaluator":
            # links naming a region and a province outside the scope: said so, no figures for them
            other = "35.76" if role != "analis" else "18.72"
            province = "35" if role != "analis" else "18"
            text = _goto(page, f"{url}/?wil={other}&prov={province}")
            assert text.count(OUTSIDE) >= 2, text[:500]
            _absent(text, must_not, "link outside the scope")
            _tamper(page, url, must_not)
    finally:
        context.close()
    records = audit.read(setup["db"])
    assert any(r["event"] == "login" and r["actor"]["email"] == email for r in records)
    if role != "evaluator":
        assert any(r["event"] == "denied" and r["actor"]["email"] == email and r.get("parameter") == "wil" for r in records)


def test_a_load_shows_at_once_to_every_scope(setup, browser):
    """Three scopes read the warehouse at once (a Lampung leader, the national
    evaluator, the public view: a runner each); a load swaps in a new file;
    each of them sees the new file on its next page. Before the readers had
    their own DuckDB instance, DuckDB handed every reopening runner the old
    file that the others still held, and all three kept the old data."""
    from datetime import datetime

    import duckdb

    from bansos import fmt, stored

    url, db = setup["url"], setup["db"]
    with duckdb.connect(str(db), read_only=True) as con:
        last = con.execute("SELECT max(loaded_at) FROM load_ledger").fetchone()[0]
    moved = datetime(2026, 11, 30, 1, 15)  # 30 Nov 2026 08.15 WIB
    assert moved != last
    public = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    readers = [_log_in(browser, url, ROLES["pimpinan"][0]), _log_in(browser, url, ROLES["evaluator"][0]),
               (public.context, public)]
    try:
        for _, page in readers:
            assert fmt.moment(last, "id") in _goto(page, url)
        # A load's swap (the load itself is tested in test_e2e_upload.py): the same data, its loads
        # stamped at another time, renamed over the live file.
        incoming = db.with_name("incoming.duckdb")
        shutil.copyfile(db, incoming)
        with duckdb.connect(str(incoming)) as con:
            con.execute("UPDATE load_ledger SET loaded_at = $t", {"t": moved})
            stored.refresh(con)  # as a load's write session does last
        incoming.replace(db)
        for _, page in readers:
            text = _goto(page, url)
            assert fmt.moment(moved, "id") in text and fmt.moment(last, "id") not in text, text[text.find("Sumber"):][:200]
    finally:
        for context, _ in readers:
            context.close()


def test_no_access_page_when_the_public_view_is_off(setup, browser):
    url, access = setup["url"], setup["access"]
    original = access.read_text()
    access.write_text(original.replace("public = true", "public = false"))
    try:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        text = _goto(page, url)
        assert "Masuk untuk melihat dasbor" in text and "pusdatin@example.go.id" in text
        page.screenshot(path=str(ARTIFACTS / "access-login-required.png"), full_page=True)
        context.close()
        context, page = _log_in(browser, url, "tamu@contoh.org")
        for name in ("ringkasan", "kualitas"):
            text = _goto(page, f"{url}{_path(name)}")
            assert "Tidak ada akses" in text and "pusdatin@example.go.id" in text and "tamu@contoh.org" in text
            assert "Kota Metro" not in text
        page.screenshot(path=str(ARTIFACTS / "access-no-access.png"), full_page=True)
        context.close()
    finally:
        access.write_text(original)
    assert any(r["event"] == "denied" and r["actor"]["email"] == "tamu@contoh.org" for r in audit.read(setup["db"]))
