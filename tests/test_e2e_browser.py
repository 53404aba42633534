"""End-to-end flows in a real browser: Debian's Chromium driven by Playwright
against a real `streamlit run` of dashboard.py on a synthetic warehouse.
Waits on the app's own state (never sleeps). Screenshots of every page, in
both languages, are saved under tests/artifacts/ for people to look at."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import pytest

from bansos import i18n
from tests.chromium import READY, browser  # noqa: F401
from tests.app_fixtures import app_key_file, demo_db, empty_db, serve_app  # noqa: F401

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"
PAGES = ["ringkasan", "cakupan", "sasaran", "perbandingan", "pendaftaran", "akuntabilitas", "ekspor", "kualitas", "metodologi"]


def _path(name: str) -> str:
    """Ringkasan is the default page: it lives at the root URL."""
    return "/" if name == "ringkasan" else f"/{name}"


@pytest.fixture(scope="module")
def server(demo_db, app_key_file):
    process, url = serve_app(demo_db, app_key_file)
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def empty_server(empty_db, app_key_file):
    process, url = serve_app(empty_db, app_key_file)
    yield url
    process.terminate()
    process.wait(timeout=20)


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


def _open_context(browser, url: str, width: int = 1400, **options):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True, **options)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(READY, timeout=90_000)
    return context, page


def _exceptions(page) -> list[str]:
    return page.locator("[data-testid='stException']").all_inner_texts()


# The browser goes on drawing after the run ends (tables, then the buttons
# under them): drawn means the page's element count has not changed for half
# a second.
DRAWN = """() => {
    const count = document.querySelectorAll('[data-testid="stMain"] *').length, now = performance.now();
    if (window.__drawnCount !== count) { window.__drawnCount = count; window.__drawnSince = now; return false; }
    return now - window.__drawnSince > 500;
}"""


# Every element inside a shown button whose text is wider than its box: a
# label the button cuts ("Unduh CSV untuk …"). Measured once the page's fonts
# have loaded (the fallback font is narrower). Hidden buttons (closed
# popovers) have no box and are skipped.
CUT_LABELS = """async () => {
    await document.fonts.ready;
    return [...document.querySelectorAll('[data-testid="stMain"] button')].flatMap(b =>
        [b, ...b.querySelectorAll('*')]
            .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
            .map(e => b.innerText.replace(/\\s+/g, ' ').trim()));
}"""


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_page_renders_without_exception(server, browser, lang):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    suffix = "?lang=en" if lang == "en" else ""
    for name in PAGES:
        context, page = _open(browser, f"{server}{_path(name)}{suffix}")
        try:
            assert not _exceptions(page), f"{name}: {_exceptions(page)}"
            heading = page.locator("h1").first.inner_text()
            assert heading.strip() == i18n.t(f"nav.{name}", lang), name
            page.wait_for_function(DRAWN, polling=100, timeout=60_000)
            cut = page.evaluate(CUT_LABELS)
            assert not cut, f"{name}: buttons whose label is cut: {cut}"
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
        _settle(page)
        page.wait_for_function("window.location.search.includes('lang=en')")
        assert "English" not in page.url  # a code in the link, never a label
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


# -- links, notices, tables, phones -------------------------------------------------------


def _choose(page, label: str, option: str) -> None:
    """Pick `option` in the sidebar selectbox labelled `label` (a react-aria
    ComboBox) and wait for the rerun."""
    combo = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
        has=page.locator("label", has_text=re.compile(rf"^{re.escape(label)}$"))).locator("input")
    choice = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):  # on a busy machine the first click may land before the list is wired
        combo.click()
        try:
            choice.wait_for(state="visible", timeout=10_000)
            break
        except Exception:
            page.keyboard.press("Escape")
    choice.click()
    _settle(page)


def _radio(page, option: str) -> None:
    page.locator("[data-testid='stSidebar'] [data-testid='stRadio'] label").filter(has_text=option).first.click()
    _settle(page)


def _tiles(page) -> list[tuple[str, str]]:
    # a fresh page may report "not running" before its first run starts: wait for the tiles, then for the run's
    # end, then for the browser to finish drawing (on a busy machine it read the tiles of a page half drawn)
    page.wait_for_selector("[data-testid='stMetricValue']", timeout=90_000)
    page.wait_for_selector(READY, timeout=90_000)
    page.wait_for_function(DRAWN, polling=100, timeout=60_000)
    labels = page.locator("[data-testid='stMetricLabel']").all_inner_texts()
    values = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    return [(label.strip(), value.strip()) for label, value in zip(labels, values)]


def _number(text: str, lang: str) -> float:
    """"23,6%" (id) or "23.6%" (en) → 23.6; "1.776" (id) → 1776."""
    thousands, decimal = (".", ",") if lang == "id" else (",", ".")
    return float(text.strip(" %⚠").replace(thousands, "").replace(decimal, "."))


def test_a_copied_link_shows_the_same_figures_in_a_fresh_browser_in_either_language(server, browser):
    """Set filters in Bahasa, switch to English, copy the link, open it in a
    fresh browser: the same view, the same figures. And the reverse."""
    context, page = _open_context(browser, f"{server}/sasaran", locale="en-US")
    try:
        _choose(page, "Program", "SEMBAKO")
        _radio(page, "Semua")
        _choose(page, "Tahap", "Tahap 1 2026")
        indonesian = _tiles(page)
        _radio(page, "English")
        page.wait_for_function("document.querySelector('h1').innerText.trim() === 'Targeting Accuracy'")
        english = _tiles(page)
        shared = page.url
    finally:
        context.close()
    query = parse_qs(urlparse(shared).query)
    assert {k: query[k] for k in ("lang", "prog", "grup", "tahap", "snap")} == {
        "lang": ["en"], "prog": ["SEMBAKO"], "grup": ["all"], "tahap": ["2026-1"], "snap": ["2026-01-31"]}
    assert [_number(v, "en") for _, v in english] == [_number(v, "id") for _, v in indonesian]
    # a fresh browser (another locale, nothing in its session) opens the copied link
    context, page = _open_context(browser, shared, locale="id-ID")
    try:
        assert page.locator("h1").first.inner_text().strip() == "Targeting Accuracy"
        assert _tiles(page) == english
        _radio(page, "Bahasa Indonesia")
        page.wait_for_function("document.querySelector('h1').innerText.trim() === 'Ketepatan Sasaran'")
        back = page.url
    finally:
        context.close()
    assert "lang=" not in back and "tahap=2026-1" in back and "grup=all" in back
    context, page = _open_context(browser, back, locale="en-US")
    try:
        assert _tiles(page) == indonesian
    finally:
        context.close()


def test_a_bad_link_says_so_and_shows_its_values_as_text(server, browser):
    hostile = "<script>window.__injected=1</script><img src=x onerror=window.__injected=2>"
    url = (f"{server}/?wil=99.99&prog={quote(hostile)}&tahap={'9' * 10_000}&basis={quote(chr(39) + ' OR 1=1 --')}"
           f"&grup={quote('Ω≈ç√')}")
    dialogs = []
    context, page = _open_context(browser, url)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        assert not _exceptions(page)
        notices = [t for t in page.locator("[data-testid='stAlert']").all_inner_texts() if "«" in t]
        assert len(notices) == 5, notices
        said = "\n".join(notices)
        assert "kabupaten/kota «99.99»" in said and "Ditampilkan: semua wilayah dalam kelompok" in said
        assert f"«{hostile[:60]}…»" in said  # as text, cut at 60 characters
        assert "«' OR 1=1 --»" in said and "«Ω≈ç√»" in said and "9" * 60 + "…»" in said
        assert page.evaluate("window.__injected") is None and not dialogs
        assert page.locator("[data-testid='stMain'] img[src='x']").count() == 0
        # the figures shown are the defaults', and the link now says so in codes
        query = parse_qs(urlparse(page.url).query)
        assert query["prog"] == ["PKH"] and query["tahap"] == ["2026-2"] and "wil" not in query and "grup" not in query
    finally:
        context.close()


GRID = """
(canvas) => {
  // The grid draws on a canvas; its React props hold what each cell shows.
  const key = Object.keys(canvas).find(k => k.startsWith('__reactFiber'));
  for (let f = canvas[key]; f; f = f.return) {
    const p = f.memoizedProps;
    if (p && typeof p.getCellContent === 'function' && p.columns) {
      const rows = [];
      for (let r = 0; r < p.rows; r++) rows.push(p.columns.map((c, i) => {
        const cell = p.getCellContent([i, r]);
        return cell.displayData !== undefined ? String(cell.displayData) : String(cell.data ?? '');
      }));
      return {columns: p.columns.map(c => c.title), widths: p.columns.map(c => c.width), rows};
    }
  }
  return null;
}
"""


def _grid(page, index: int = 0) -> tuple:
    canvas = page.locator("[data-testid='stDataFrame'] canvas").nth(index * 2)  # each grid draws on two canvases
    canvas.scroll_into_view_if_needed()
    return canvas, canvas.evaluate(GRID)


def _steady_box(canvas) -> dict:
    """The canvas's box once it has stopped moving (scrolling into view may
    still be under way when the first box is read)."""
    box = canvas.bounding_box()
    for _ in range(20):
        canvas.page.wait_for_timeout(100)
        again = canvas.bounding_box()
        if again == box:
            return box
        box = again
    return box


def _sort_by_header(page, canvas, grid: dict, column: int) -> None:
    """Click the column's header until the grid sorts it ascending (↑ in its
    title). The page's scroll container can move after the table was
    scrolled into view (one run in five here: the table 1,553 px above the
    view, so the click hit nothing), so each try scrolls it into view again,
    waits for its box to stop moving and clicks; at most three tries (a click
    that lands late toggles to ↓ and the next one back to ↑)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    ascending = (f"(() => {{ const g = ({GRID})(document.querySelectorAll(\"[data-testid='stDataFrame'] canvas\")[0]);"
                 f" return g && g.columns[{column}].startsWith('↑'); }})()")
    for _ in range(3):
        canvas.scroll_into_view_if_needed()  # again: the page can scroll after the first time (seen: 1,553 px above the view)
        box = _steady_box(canvas)
        x = box["x"] + sum(grid["widths"][:column]) + 12  # left part: the right end opens the column menu
        assert x < box["x"] + box["width"], "the column is outside the visible table"
        page.mouse.click(x, box["y"] + 18)
        try:
            page.wait_for_function(ascending, timeout=15_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"three clicks on the header of {grid['columns'][column]!r} did not sort it ascending")


def test_a_table_sorts_numbers_as_numbers_in_the_app_language_under_an_en_us_browser(server, browser):
    """An Indonesian page in an en-US browser: 7.090 and 23,6%, never 7,090
    and 23.6%; clicking a column header sorts by the number, not the text."""
    context, page = _open_context(browser, f"{server}/sasaran", locale="en-US")
    try:
        _, grid = _grid(page)
        rate = grid["columns"].index("Exclusion error")
        rates = [row[rate] for row in grid["rows"]]
        assert all(re.fullmatch(r"\d{1,3},\d%( ⚠)?", v) for v in rates), rates
    finally:
        context.close()
    context, page = _open_context(browser, f"{server}/kualitas", locale="en-US")
    try:
        canvas, grid = _grid(page)  # the load ledger
        column = grid["columns"].index("Dibaca")
        shown = [row[column] for row in grid["rows"]]
        assert any("." in v for v in shown) and all(re.fullmatch(r"\d{1,3}(\.\d{3})*", v) for v in shown), shown
        _sort_by_header(page, canvas, grid, column)
        after = [row[column] for row in canvas.evaluate(GRID)["rows"]]
        numbers = [_number(v, "id") for v in after]
        assert numbers == sorted(numbers) and after != sorted(after), after  # sorted as text it would differ
    finally:
        context.close()


OVERLAP = """
(chart) => {
  const boxes = [];
  const turned = el => /rotate\\((?!0[ ,)])/.test(el.getAttribute('transform') || '');
  const grab = (selector, kind) => chart.querySelectorAll(selector).forEach(el => {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && (el.textContent || '').trim())
      boxes.push({kind, turned: turned(el), text: el.textContent.trim().slice(0, 40), x: r.x, y: r.y, w: r.width, h: r.height});
  });
  grab('.gtitle', 'title'); grab('.legend .traces', 'legend'); grab('.xtitle', 'axis title'); grab('.ytitle', 'axis title');
  grab('.y2title', 'axis title'); grab('.xtick text', 'tick'); grab('.ytick text', 'tick');
  grab('.annotation-text', 'label');
  const bar = chart.querySelector('.modebar');
  if (bar) { const r = bar.getBoundingClientRect(); if (r.width > 0) boxes.push({kind: 'toolbar', text: '', x: r.x, y: r.y, w: r.width, h: r.height}); }
  const clashes = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.kind === b.kind && (a.kind === 'legend' || (a.turned && b.turned))) continue;
    if ((a.kind === 'label' || b.kind === 'label') && (a.kind === 'tick' || b.kind === 'tick')) continue;
    const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x), h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
    if (w > 1 && h > 1) clashes.push(`${a.kind} "${a.text}" over ${b.kind} "${b.text}"`);
  }
  return clashes;
}
"""


@pytest.mark.parametrize("lang", ["id", "en"])
def test_phone_width_has_no_sideways_scroll_and_no_overlapping_chart_text(server, browser, lang):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pages = PAGES if lang == "id" else ["ringkasan", "cakupan", "sasaran", "perbandingan", "pendaftaran", "akuntabilitas"]
    problems = []
    for name in pages:
        suffix = "?lang=en" if lang == "en" else ""
        context, page = _open_context(browser, f"{server}{_path(name)}{suffix}", width=390, is_mobile=True, has_touch=True)
        try:
            assert not _exceptions(page), name
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 1:
                problems.append(f"{name}: scrolls sideways by {overflow}px")
            charts = page.locator("[data-testid='stPlotlyChart']")
            for index in range(charts.count()):
                chart = charts.nth(index)
                chart.scroll_into_view_if_needed()
                chart.hover()  # shows the chart's toolbar, as a tap does
                problems += [f"{name} chart {index}: {clash}" for clash in chart.evaluate(OVERLAP)]
            if name in ("ringkasan", "perbandingan", "sasaran"):
                page.screenshot(path=str(ARTIFACTS / f"{name}-phone-{lang}.png"), full_page=True)
        finally:
            context.close()
    assert not problems, "\n".join(problems)
