"""A query that fails shows a plain message on every page, never a
traceback: a warehouse whose marts are gone and whose quarantine table lost
a column (as a broken rebuild could leave it) makes every page's queries
fail past the header."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from bansos import i18n
from tests.app_fixtures import app_key_file, app_test, demo_db  # noqa: F401
from tests.ingest_files import make_schema_2
from tests.page_text import page_texts

PAGES = ("ringkasan", "cakupan", "sasaran", "perbandingan", "pendaftaran", "akuntabilitas", "ekspor", "kualitas", "metodologi")


@pytest.fixture(scope="module")
def broken_db(demo_db, tmp_path_factory):  # noqa: F811
    path = tmp_path_factory.mktemp("broken") / "broken.duckdb"
    shutil.copyfile(demo_db, path)
    con = duckdb.connect(str(path))
    try:
        marts = [name for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'mart_%' OR table_name LIKE 'stored_%'"
        ).fetchall()]
        assert len(marts) > 6  # the marts and the answers stored from them (bansos/stored.py)
        for name in marts:
            con.execute(f'DROP TABLE "{name}"')
        con.execute("ALTER TABLE quarantine RENAME COLUMN reasons TO reasons_gone")
    finally:
        con.close()
    return path


@pytest.mark.parametrize("lang", i18n.LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_a_failing_query_shows_a_message_not_a_traceback(broken_db, page, lang):
    at = app_test(broken_db, f"app_pages/{page}.py", timeout=120, lang=lang)
    assert not at.exception, [e.value[:300] for e in at.exception]
    assert at.title[0].value == i18n.t(f"nav.{page}", lang)
    said = "\n".join(page_texts(at))
    assert i18n.t("error.query", lang) in said
    for technical in ("Traceback", "Catalog Error", "Binder Error", "mart_", "duckdb"):
        assert technical not in said, technical


@pytest.fixture(scope="module")
def schema_2_db(demo_db, tmp_path_factory):  # noqa: F811
    """The demo warehouse as the previous version left it: no load_region, schema 2."""
    path = tmp_path_factory.mktemp("schema2") / "old.duckdb"
    shutil.copyfile(demo_db, path)
    make_schema_2(path)
    return path


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_a_warehouse_of_an_earlier_version_asks_for_migrate(schema_2_db, lang):
    at = app_test(schema_2_db, "app_pages/kualitas.py", timeout=120, lang=lang)
    assert not at.exception, [e.value[:300] for e in at.exception]
    said = "\n".join(page_texts(at))
    assert i18n.t("error.warehouse_outdated", lang) in said
    assert "python -m bansos migrate" in said
    for technical in ("Traceback", "Catalog Error", "load_region", "duckdb"):
        assert technical not in said, technical


@pytest.mark.parametrize(("page", "pickers"), [
    ("sasaran", [("selectbox", "ss_t1"), ("selectbox", "ss_t2")]),
    ("cakupan", [("toggle", "ck_compare"), ("selectbox", "ck_region")]),
])
def test_a_page_whose_batch_fails_leaves_no_pickers_for_what_it_cannot_show(one_mart_broken, page, pickers):
    """Pages draw their pickers before they ask their queries at once; when
    the queries fail, the message stands alone, without orphaned pickers."""
    # region_indicators (and funnel) fail: a mart column they read is gone
    at = app_test(one_mart_broken("mart_targeting", "register_snapshot"), f"app_pages/{page}.py", timeout=120, lang="en")
    assert not at.exception, [e.value[:300] for e in at.exception]
    assert i18n.t("error.query", "en") in "\n".join(page_texts(at))
    keys = {(kind, w.key) for kind in ("selectbox", "toggle") for w in at.get(kind)}
    assert not keys & set(pickers), keys & set(pickers)
    assert at.sidebar.selectbox  # the shared filters still stand


def _in_order(node) -> list[tuple[str, str]]:
    """The page's elements as drawn, top to bottom: (type, text)."""
    children = getattr(node, "children", None)
    if children is None:
        return [(node.type, str(getattr(node, "value", "")))]
    return [item for key in sorted(children) for item in _in_order(children[key])]


@pytest.fixture(scope="module")
def one_mart_broken(demo_db, tmp_path_factory):  # noqa: F811
    """A copy of the demo warehouse where one mart column is gone, so the
    queries reading it fail and every other runs."""
    made: dict = {}

    def copy(table: str, column: str):
        if (table, column) not in made:
            path = tmp_path_factory.mktemp(table) / "broken.duckdb"
            shutil.copyfile(demo_db, path)
            con = duckdb.connect(str(path))
            try:
                con.execute(f"ALTER TABLE {table} RENAME COLUMN {column} TO {column}_gone")
            finally:
                con.close()
            made[table, column] = path
        return made[table, column]

    return copy


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_akuntabilitas_says_its_family_list_failed_in_that_section_and_shows_the_rest(one_mart_broken, lang):
    """The family list is asked with the page's other queries at once: when it
    alone fails, the tiles, trend and ranking still show, and the message
    stands under the family list's heading, once."""
    at = app_test(one_mart_broken("mart_signal_family", "family_key"), "app_pages/akuntabilitas.py", timeout=120, lang=lang)
    assert not at.exception, [e.value[:300] for e in at.exception]
    assert at.metric and at.get("plotly_chart")
    drawn = _in_order(at.main)
    errors = [i for i, (kind, text) in enumerate(drawn) if text == i18n.t("error.query", lang)]
    heading = drawn.index(("subheader", i18n.t("akuntabilitas.keys.heading", lang)))
    ranking = drawn.index(("subheader", i18n.t("akuntabilitas.rank.heading", lang)))
    assert len(errors) == 1 and ranking < heading < errors[0], (errors, ranking, heading)


def test_akuntabilitas_whose_counts_fail_shows_the_message_without_its_signal_picker(one_mart_broken):
    at = app_test(one_mart_broken("mart_signal", "families"), "app_pages/akuntabilitas.py", timeout=120, lang="en")
    assert not at.exception, [e.value[:300] for e in at.exception]
    said = [text for kind, text in _in_order(at.main) if kind == "error"]
    assert said == [i18n.t("error.query", "en")]
    assert not [w for w in at.get("button_group") if w.key == "ak_signal"]
    assert at.sidebar.selectbox


@pytest.mark.parametrize(("table", "column"), [
    ("mart_decile", "recipients"),  # decile_distribution
    ("mart_register_decile", "families"),  # register_decile
])
def test_sasaran_says_a_failed_section_in_its_place_and_shows_the_rest(one_mart_broken, table, column):
    """Sasaran asks its queries at once: when only the decile queries fail,
    the tiles, scatter and before/after still show, and the message stands
    once, under the deciles' heading."""
    at = app_test(one_mart_broken(table, column), "app_pages/sasaran.py", timeout=120, lang="en")
    assert not at.exception, [e.value[:300] for e in at.exception]
    assert at.metric and at.get("plotly_chart")
    drawn = _in_order(at.main)
    errors = [i for i, (kind, text) in enumerate(drawn) if text == i18n.t("error.query", "en")]
    place = drawn.index(("subheader", i18n.t("sasaran.decile.heading", "en")))
    assert len(errors) == 1 and place < errors[0], (errors, place)
    assert [w for w in at.selectbox if w.key == "ss_t1"]  # the before/after pickers stand: their section shows


def test_perbandingan_says_its_pilot_section_failed_there_and_shows_the_league(one_mart_broken):
    """The comparison groups fail (and with them the DiD): the league and the
    side-by-side comparison still show, the message stands once under the
    pilot section's heading, and the DiD pickers are gone with their section."""
    at = app_test(one_mart_broken("mart_comparison", "comparison_code"), "app_pages/perbandingan.py", timeout=120,
                  lang="en")
    assert not at.exception, [e.value[:300] for e in at.exception]
    drawn = _in_order(at.main)
    errors = [i for i, (kind, text) in enumerate(drawn) if text == i18n.t("error.query", "en")]
    league = drawn.index(("subheader", i18n.t("perbandingan.league.heading", "en")))
    pilot = drawn.index(("subheader", i18n.t("perbandingan.pilot.heading", "en")))
    assert len(errors) == 1 and league < pilot < errors[0], (errors, league, pilot)
    assert at.get("plotly_chart")  # the league's chart
    assert not [w for w in at.selectbox if w.key in ("pb_t1", "pb_t2")]
