"""The Akuntabilitas page (AppTest, on the demo and the empty warehouse):
tiles equal the signal queries for the view, the ranking, the family keys
for the local user and analysts only (within their regions), nothing for the
public view, and the Metodologi section generated from the signal records."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from bansos import fmt, i18n, settings, signals
from bansos.queries import QueryRunner
from tests.app_fixtures import REPO, app_key_file, demo_db, empty_db, shown, table_labels  # noqa: F401

EXAMPLE = REPO / "data" / "access.example.toml"
AUTH = {"redirect_uri": "http://localhost:1/oauth2callback", "cookie_secret": "x" * 32, "client_id": "c",
        "client_secret": "s", "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}


@pytest.fixture
def local_address():
    """Local mode is allowed on a loopback address only (as `make run` serves it)."""
    saved = config.get_option("server.address")
    config.set_option("server.address", "localhost")
    yield
    config.set_option("server.address", saved)


def run(db, lang="id", query=None, user=None, state=None) -> AppTest:
    os.environ["BANSOS_DB"] = str(db)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    at.session_state["lang"] = lang
    if user is not None:
        at.secrets["auth"] = AUTH
        at.user = user
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/akuntabilitas.py")
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def family_files(at: AppTest) -> list:
    """The family-key download buttons (the charts' data buttons aside)."""
    labels = {i18n.t(key, lang) for key in ("download.csv", "download.xlsx") for lang in i18n.LANGS}
    return [b for b in at.get("download_button") if b.proto.label in labels]


def person(email: str) -> dict:
    return {"is_logged_in": True, "iss": "http://127.0.0.1:8711", "email": email, "email_verified": True, "groups": []}


def key_table(at):
    return next((d for d in at.dataframe if i18n.t("akuntabilitas.col.family_key", at.session_state["lang"])
                 in table_labels(d).values()), None)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_tiles_show_the_signal_counts_of_the_view(demo_db, local_address, lang):  # noqa: F811
    at = run(demo_db, lang, query={"prog": "SEMBAKO", "tahap": "2025-4"})
    runner = QueryRunner(demo_db, cache=False)
    regions = list(runner.run("options_regions").query("is_pilot").region_code)  # the default view: every pilot
    expected = runner.run("signals_by_period", as_of=None, basis="desil", program="SEMBAKO", regions=regions)
    runner.close()
    current = expected[(expected.year == 2025) & (expected.tranche == 4)].set_index("signal")
    tiles = {m.label: m for m in at.metric}
    for signal_id in signals.IDS:
        tile = tiles[signals.BY_ID[signal_id].label(lang)]
        row = current.loc[signal_id]
        assert tile.value == fmt.number(row["count"], lang)
        assert tile.proto.help == signals.BY_ID[signal_id].description(lang)
    captions = " ".join(c.value for c in at.caption)
    concentration = current.loc["concentration"]
    assert concentration["count"] > 0   # 2025 T4: PKH, SEMBAKO and BLT
    assert i18n.t("akuntabilitas.tile.companion", lang, n=fmt.number(concentration["eligible_without_any"], lang),
                  program="SEMBAKO") in captions
    assert fmt.number(concentration["per_1000"], lang, 1) in captions


def test_a_programme_without_a_benefit_has_no_amount_signal(demo_db, local_address):  # noqa: F811
    at = run(demo_db, "en", query={"prog": "PKH"}, state={"ak_signal": "amount_mismatch"})
    tile = {m.label: m for m in at.metric}["Amount mismatch"]
    assert tile.value == fmt.EMPTY
    assert i18n.t("akuntabilitas.tile.no_benefit", "en", program="PKH") in " ".join(c.value for c in at.caption)
    said = [i.value for i in at.info]
    # the ranking and the family list both say it does not apply, neither that no family has it
    assert said.count(i18n.t("akuntabilitas.rank.not_applicable", "en", program="PKH")) == 2
    assert i18n.t("akuntabilitas.keys.none", "en") not in said


def test_the_ranking_flags_small_regions_and_ranks_the_rest(demo_db, local_address):  # noqa: F811
    at = run(demo_db, "id", query={"prog": "SEMBAKO", "tahap": "2026-1"}, state={"ak_signal": "paid_off_window"})
    table = next(d for d in at.dataframe if i18n.t("akuntabilitas.col.per_1000", "id") in table_labels(d).values())
    frame = shown(table)
    values = table.value.reset_index(drop=True)
    flagged = frame[i18n.t("akuntabilitas.col.per_1000", "id")].str.endswith("⚠")
    small = values["recipients"] < settings.get_int("min_families")
    assert small.any() and (flagged == small).all()
    assert values.loc[flagged, "rank"].isna().all()
    ranked = values[values["rank"].notna()]
    assert list(ranked["per_1000"]) == sorted(ranked["per_1000"], reverse=True)


def test_family_keys_for_the_local_user_match_the_count(demo_db, local_address):  # noqa: F811
    at = run(demo_db, "id", query={"prog": "SEMBAKO", "tahap": "2026-1"}, state={"ak_signal": "double_allocation"})
    keys = key_table(at)
    assert keys is not None
    listed = keys.value
    assert listed["family_key"].str.fullmatch(r"[0-9a-f]{32}").all()
    tile = {m.label: m for m in at.metric}[signals.BY_ID["double_allocation"].label("id")]
    assert fmt.number(len(listed), "id") == tile.value
    assert len(family_files(at)) == 2


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_family_list_counts_families_once_and_says_why_it_has_more_rows(demo_db, local_address, lang):  # noqa: F811
    """A family allocated twice in two kab/kota has the signal in both: the
    tile and the list count it in each (a row per region), the sentence above
    the list counts families and says why the rows are more."""
    at = run(demo_db, lang, query={"prog": "PKH", "tahap": "2026-2"}, state={"ak_signal": "double_allocation"})
    listed = key_table(at).value
    families, rows = listed.family_key.nunique(), len(listed)
    assert families < rows  # the demo has such families in this view
    said = " ".join(m.value for m in at.markdown)
    assert i18n.t("akuntabilitas.keys.count", lang, n=fmt.number(families, lang),
                  signal=signals.BY_ID["double_allocation"].label(lang), regions=fmt.number(listed.region_name.nunique(), lang),
                  period=i18n.t("period.label", lang, year=2026, tranche=2)) in said
    assert i18n.t("akuntabilitas.keys.count.twice", lang, rows=fmt.number(rows, lang)) in said


def test_analysts_see_keys_of_their_regions_only(demo_db, monkeypatch):  # noqa: F811
    monkeypatch.setenv("BANSOS_ACCESS", str(EXAMPLE))
    at = run(demo_db, "en", query={"prog": "SEMBAKO", "tahap": "2026-1", "grup": "all"},
             user=person("analis.jatim@example.go.id"), state={"ak_signal": "paid_off_window"})
    keys = key_table(at)
    assert keys is not None and len(keys.value) > 0
    jatim = {fmt.region_short(n) for n in  # the table shows "Kab. …"
             QueryRunner(demo_db, cache=False).run("options_regions").query("province_code == '35'").region_name}
    assert set(keys.value["region_name"]) <= jatim


@pytest.mark.parametrize("email", ["pimpinan.lampung@example.go.id", "evaluator@example.go.id"])
def test_other_roles_see_counts_but_no_keys(demo_db, monkeypatch, email):  # noqa: F811
    monkeypatch.setenv("BANSOS_ACCESS", str(EXAMPLE))
    at = run(demo_db, "en", user=person(email))
    assert at.metric and key_table(at) is None and not family_files(at)  # the charts' data only
    assert i18n.t("akuntabilitas.keys.only_analysts", "en") in " ".join(c.value for c in at.caption)


def test_the_public_view_shows_no_signals(demo_db, monkeypatch):  # noqa: F811
    monkeypatch.setenv("BANSOS_ACCESS", str(EXAMPLE))
    at = run(demo_db, "id", user={"is_logged_in": False})
    assert not at.metric and key_table(at) is None and not at.get("download_button")
    # Not in the public view's menu; its address answers with the refusal for visitors.
    assert i18n.t("akses.refused.public", "id", page=i18n.t("nav.akuntabilitas", "id")) in " ".join(w.value for w in at.warning)


def test_without_resolvable_access_no_keys_are_shown(demo_db):  # noqa: F811
    # No [auth] and an address that is not loopback: local mode is refused, so no right applies.
    saved = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = run(demo_db, "id")
    finally:
        config.set_option("server.address", saved)
    # The app stops before any page runs: no figures, no keys, no file.
    assert not at.metric and key_table(at) is None and not at.get("download_button")
    assert i18n.t("akses.local_refused", "id") in " ".join(e.value for e in at.error)


def test_empty_warehouse_says_so(empty_db, local_address):  # noqa: F811
    at = run(empty_db, "en")
    assert not at.metric
    said = " ".join(i.value for i in at.info)
    assert i18n.t("empty.no_data", "en") in said
    assert i18n.t("empty.no_data.upload", "en") in said  # the person at the console may upload
    assert [link.proto.page for link in at.get("page_link")] == ["unggah"]  # the page link Streamlit resolved


def test_the_empty_warehouse_names_the_upload_page_only_to_those_who_may_use_it(empty_db, monkeypatch):  # noqa: F811
    monkeypatch.setenv("BANSOS_ACCESS", str(EXAMPLE))
    at = run(empty_db, "en", user=person("analis.jatim@example.go.id"))
    said = " ".join(i.value for i in at.info)
    assert i18n.t("empty.no_data", "en") in said
    assert i18n.t("empty.no_data.upload", "en") not in said and i18n.t("empty.no_data.wait", "en") in said
    assert not at.get("page_link")  # no link to a page this analyst does not have


def test_metodologi_lists_every_signal_from_its_record(demo_db):  # noqa: F811
    for lang in i18n.LANGS:
        os.environ["BANSOS_DB"] = str(demo_db)
        at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
        at.session_state["lang"] = lang
        at.run()
        at.switch_page("app_pages/metodologi.py")
        at.run()
        assert not at.exception
        labels = [e.label for e in at.expander]
        text = " ".join(m.value for m in at.markdown)
        code = " ".join(c.value for c in at.code)
        assert i18n.t("metodologi.signals.heading", lang) in [h.value for h in at.header]
        for signal in signals.SIGNALS:
            assert f"**{signal.label(lang)}** · `{signal.id}`" in labels
            assert signal.description(lang) in text and signal.decision(lang) in text
            assert signal.sql in code
    assert pd.notna(signals.BY_ID["paid_off_window"].sql)


def test_a_signal_no_region_has_is_said_not_ranked(demo_db, local_address):  # noqa: F811
    """SEMBAKO 2026 T2: no family holds three programmes, so every region
    counts 0 concentration; the page says so instead of ranking 14 zeros."""
    at = run(demo_db, "en", query={"prog": "SEMBAKO", "tahap": "2026-2"}, state={"ak_signal": "concentration"})
    counts = QueryRunner(demo_db).run("signals_by_region", as_of=None, basis="desil", program="SEMBAKO", year=2026,
                                      tranche=2, province=None, regions=None)
    pilots = counts[(counts.signal == "concentration") & counts.is_pilot.astype(bool)]
    assert len(pilots) > 1 and pilots["count"].fillna(0).eq(0).all()
    label = signals.BY_ID["concentration"].label("en")
    assert i18n.t("akuntabilitas.rank.zero", "en", signal=label) in [i.value for i in at.info]
    assert not _ranking_charts(at, label)
    other = run(demo_db, "en", query={"prog": "SEMBAKO", "tahap": "2026-2"}, state={"ak_signal": "paid_off_window"})
    assert i18n.t("akuntabilitas.rank.zero", "en", signal=signals.BY_ID["paid_off_window"].label("en")) not in [
        i.value for i in other.info]
    assert _ranking_charts(other, signals.BY_ID["paid_off_window"].label("en"))  # a signal some region has is ranked


def _ranking_charts(at, label: str) -> list[str]:
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]
    return [t for t in titles if t.startswith(label)]
