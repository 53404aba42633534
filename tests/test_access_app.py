"""Access control in the app, role × page × export, in AppTest: the identity
is injected through st.user, the very place the login fills
(bansos.identity), with data/access.example.toml and a real demo warehouse.

For each role: which pages open and which answer with a refusal, which
regions the filters offer and the tables show, which files Ekspor offers,
and that a file clicked holds only the role's regions and is in the audit
log (with the SHA-256 of the bytes) before it is handed out. Then links that
ask for more than the role may see, revocation at the next click, the
no-access and log-in pages, a broken access file, and local mode.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from streamlit import config
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from bansos import audit, i18n
from tests.app_fixtures import REPO, app_key_file, demo_db  # noqa: F401

EXAMPLE = REPO / "data" / "access.example.toml"
ISSUER = "http://127.0.0.1:8711"  # the example file's issuer
AUTH = {"redirect_uri": "http://localhost:1/oauth2callback", "cookie_secret": "x" * 32, "client_id": "c",
        "client_secret": "s", "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}
LAMPUNG = {"18.02", "18.09", "18.72"}         # the demo's kab/kota of province 18
JATIM = {"35.05", "35.10", "35.21", "35.73", "35.76", "35.78"}
PILOTS = {"13.71", "18.72", "35.10", "35.73", "35.76", "35.78", "51.04", "52.03", "52.71", "64.71", "71.71", "73.71",
          "76.04", "82.71"}
EMAILS = {"pimpinan": "pimpinan.lampung@example.go.id", "evaluator": "evaluator@example.go.id",
          "analis": "analis.jatim@example.go.id", "operator": "operator.metro@example.go.id"}
# What each role may see (None = every region) — the example access file's grants.
SCOPE = {"pimpinan": LAMPUNG, "evaluator": None, "analis": JATIM, "operator": {"18.72"}, "publik": PILOTS}
MONITOR = ("ringkasan", "cakupan", "sasaran", "perbandingan")
# Pages each role opens (the rest answer with a refusal).
OPENS = {
    "publik": {*MONITOR, "pendaftaran", "ekspor", "metodologi"},
    **{role: {*MONITOR, "pendaftaran", "akuntabilitas", "ekspor", "kualitas", "metodologi"} for role in EMAILS},
}
OPENS["operator"] = OPENS["operator"] | {"unggah"}
ALL_PAGES = (*MONITOR, "pendaftaran", "akuntabilitas", "ekspor", "kualitas", "unggah", "metodologi")
# Ekspor: the tables each role gets (each in csv, csv-id, xlsx, parquet and meta).
TABLES = {
    "pimpinan": {"region-indicators", "loads", "quarantine-summary"},
    "evaluator": {"region-indicators", "loads", "quarantine-summary"},
    "analis": {"region-indicators", "loads", "quarantine-summary", "quarantine", "families"},
    "operator": {"region-indicators", "loads", "quarantine-summary", "quarantine"},
}


@pytest.fixture
def db(demo_db, tmp_path):  # noqa: F811
    """A copy of the demo warehouse per test: each test reads its own audit log."""
    path = tmp_path / "wh" / "demo.duckdb"
    path.parent.mkdir()
    shutil.copyfile(demo_db, path)
    return path


@pytest.fixture
def access_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "access.toml"
    path.write_text(EXAMPLE.read_text())
    monkeypatch.setenv("BANSOS_ACCESS", str(path))
    return path


@pytest.fixture
def deferred(monkeypatch):
    """The callables download buttons hand to Streamlit, by deferred file id."""
    captured: dict[str, tuple] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = original(self, data_callable, mimetype, coordinates, file_name, **kwargs)
        captured[file_id] = (data_callable, file_name)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return captured


def claims(role: str | None) -> dict:
    if role in (None, "publik"):
        return {"is_logged_in": False}
    email = EMAILS.get(role, role)
    return {"is_logged_in": True, "iss": ISSUER, "email": email, "email_verified": True, "name": email.split("@")[0],
            "groups": []}


def open_as(db: Path, role: str | None, page: str | None = None, query: dict | None = None, lang: str = "id",
            public: bool = False) -> AppTest:
    import os

    os.environ["BANSOS_DB"] = str(db)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    at.secrets["auth"] = AUTH
    at.user = claims(role)
    at.session_state["lang"] = lang
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        go(at, page, public)
    return at


def page_file(page: str, public: bool) -> str:
    if public and page in (*MONITOR, "pendaftaran", "ekspor"):
        return f"app_pages/publik/{page}.py"
    return f"app_pages/{page}.py"


def go(at: AppTest, page: str, public: bool = False) -> AppTest:
    at.switch_page(page_file(page, public))
    at.run()
    assert not at.exception, [e.value[:500] for e in at.exception]
    return at


def refused(at: AppTest) -> bool:
    refusals = (i18n.t("akses.refused.body", lang, page="", roles="", yours="", contact="")[:12] for lang in i18n.LANGS)
    public = (i18n.t("akses.refused.public", lang, page="")[:12] for lang in i18n.LANGS)
    said = " ".join(w.value for w in at.warning)
    return any(r.strip("* ") in said for r in [*refusals, *public])


def shown_regions(at: AppTest) -> set[str]:
    """Region codes in the tables on the page and in the region filter's options."""
    codes: set[str] = set()
    for frame in (d.value for d in at.dataframe):
        if "region_code" in frame.columns:
            codes |= {c for c in frame.region_code if isinstance(c, str) and c != "ALL"}
    for widget in at.multiselect:
        if widget.key in ("wil", "pb_regions"):
            codes |= codes_of(widget.options)
    for widget in at.selectbox:
        if widget.key in ("ck_region", "pb_pilot"):
            codes |= codes_of(widget.options)
    return codes


def codes_of(options) -> set[str]:
    import re

    return {found.group(1) for o in options if (found := re.search(r"\((\d{2}\.\d{2})\)", str(o)))}


def download(at: AppTest, deferred: dict, key: str) -> tuple[bytes, str]:
    button = at.download_button(key=key)
    data_callable, file_name = deferred[button.proto.deferred_file_id]
    return data_callable(), file_name


def csv_rows(payload: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"))))


# -- role × page ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["publik", "pimpinan", "evaluator", "analis", "operator"])
def test_each_role_opens_its_pages_and_sees_its_regions_only(db, access_file, role):
    public = role == "publik"
    at = open_as(db, role)
    # the region filter offers the role's regions only
    offered = codes_of(at.multiselect(key="wil").options)
    scope = SCOPE[role]
    assert offered and (scope is None or offered <= scope), offered
    if scope is not None and not public:
        assert offered == {c for c in scope if c in PILOTS}  # the pilots of the scope (group: pilots)
    for page in ALL_PAGES:
        go(at, page, public)
        assert at.title[0].value == i18n.t(f"nav.{page}", "id")
        assert refused(at) == (page not in OPENS[role]), page
        seen = shown_regions(at)
        assert scope is None or seen <= scope | {"ALL"}, (page, seen - (scope or set()))
    if role == "evaluator":
        at.radio(key="grup").set_value("all").run()
        assert codes_of(at.multiselect(key="wil").options) >= LAMPUNG | JATIM  # every region


def test_kualitas_summary_for_leaders_and_the_masked_sample_for_analysts_and_operators(db, access_file):
    sample = i18n.t("kualitas.sample.heading", "id")
    for role, full in (("pimpinan", False), ("evaluator", False), ("analis", True), ("operator", True)):
        at = open_as(db, role, "kualitas")
        headings = [s.value for s in at.subheader]
        assert (sample in headings) == full, role
        assert at.metric, role  # the summary tiles
        ledger = at.dataframe[0].value
        # files whose rows are all elsewhere are not listed (the demo loads one file per region and kind)
        if SCOPE[role] is not None:
            assert 0 < len(ledger) < 42, role
        else:
            assert len(ledger) == 42


def test_the_public_view_has_no_kecamatan_no_quality_no_lists(db, access_file):
    at = open_as(db, "publik", "cakupan", public=True)
    assert not [w for w in at.selectbox if w.key == "ck_region"]  # no kecamatan drill-down
    go(at, "kualitas")
    assert refused(at) and not at.metric and not at.dataframe
    go(at, "ekspor", public=True)
    keys = {b.key for b in at.download_button}
    assert keys == {f"ek_dl_public_{f}" for f in ("csv", "csv-id", "xlsx", "parquet")}


# -- role × export -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["pimpinan", "evaluator", "analis", "operator"])
def test_ekspor_offers_the_tables_of_the_role_and_every_file_is_scoped_and_audited(db, access_file, deferred, role):
    at = open_as(db, role, "ekspor")
    at.radio(key="ek_scope").set_value("all").run()
    keys = {b.key for b in at.download_button if b.key.startswith("ek_dl_")}
    offered = {k[len("ek_dl_"):].rsplit("_", 1)[0] for k in keys}
    assert offered == TABLES[role]
    scope = SCOPE[role]
    before = len(audit.read(db))
    payload, _name = download(at, deferred, "ek_dl_region-indicators_csv")
    rows = csv_rows(payload)
    assert rows
    regions = {r["region_code"] for r in rows}
    assert scope is None or regions <= scope
    if scope is None:
        assert regions >= LAMPUNG & PILOTS | JATIM & PILOTS
    record = audit.read(db)[-1]
    assert len(audit.read(db)) == before + 1
    assert record["event"] == "download" and record["table"] == "region-indicators" and record["via"] == "app"
    assert record["actor"]["email"] == EMAILS[role] and record["actor"]["roles"] == [role]
    if scope is None:
        assert record["actor"]["scope"] == "all"
    else:  # the grant's regions (a province grant: every kab/kota of the province in the reference table)
        granted = set(record["actor"]["scope"])
        assert scope <= granted and {code[:2] for code in granted} == {code[:2] for code in scope}
    assert record["rows"] == len(rows) and record["sha256"] == hashlib.sha256(payload).hexdigest()
    if "families" in TABLES[role]:
        families = csv_rows(download(at, deferred, "ek_dl_families_csv")[0])
        assert families and {f["region_code"] for f in families} <= scope
        assert not any(len(value) >= 16 and value.isdigit() for f in families for value in f.values())  # no raw NIK/KK
        assert audit.read(db)[-1]["table"] == "families"
    if "quarantine" in TABLES[role]:
        quarantine = csv_rows(download(at, deferred, "ek_dl_quarantine_csv")[0])
        for row in quarantine:
            digits = "".join(ch for ch in row["row_values"].split("kode_wilayah")[1][:20] if ch.isdigit())
            assert f"{digits[:2]}.{digits[2:4]}" in scope


def test_chart_data_downloads_are_scoped_and_audited(db, access_file, deferred):
    at = open_as(db, "pimpinan", "perbandingan")
    keys = [b.key for b in at.download_button if b.key.endswith("_data_csv")]
    assert "pb_side_chart_data_csv" in keys
    payload, name = download(at, deferred, "pb_side_chart_data_csv")
    assert name.startswith("bansos_") and name.endswith(".csv")
    assert {r["region_code"] for r in csv_rows(payload)} <= LAMPUNG
    assert audit.read(db)[-1]["table"].startswith("chart:bansos_")


def test_a_download_that_cannot_be_recorded_is_refused(db, access_file, deferred, monkeypatch):
    at = open_as(db, "evaluator", "ekspor")
    button = at.download_button(key="ek_dl_region-indicators_csv")
    data_callable, _ = deferred[button.proto.deferred_file_id]
    # the audit key becomes unreadable after the page was drawn: the click fails, nothing is handed out
    monkeypatch.setenv("BANSOS_AUDIT_KEY_FILE", str(db.parent / "audit-key"))  # refused: beside the warehouse
    with pytest.raises(audit.AuditError):
        data_callable()
    at.run()
    assert at.download_button(key="ek_dl_region-indicators_csv").proto.disabled
    assert i18n.t("unduh.refused", "id") in [c.value for c in at.caption]


# -- links asking for more ------------------------------------------------------------------------


def test_a_link_to_a_region_or_province_outside_the_scope_shows_no_figures_and_is_recorded(db, access_file):
    at = open_as(db, "pimpinan", "ringkasan", query={"wil": ["18.72", "35.76"], "prov": "35"})
    notices = " ".join(w.value for w in at.warning)
    assert "35\\.76" in notices or "35.76" in notices
    assert "di luar akses Anda" in notices
    assert at.multiselect(key="wil").value == ["18.72"]
    assert at.selectbox(key="prov").value == ""
    denied = [r for r in audit.read(db) if r["event"] == "denied"]
    asked = {(r["parameter"], r["requested"]) for r in denied}
    assert ("wil", "35.76") in asked and ("prov", "35") in asked
    at.run()  # the same session again: recorded once
    assert len([r for r in audit.read(db) if r["event"] == "denied"]) == len(denied)


def test_the_kecamatan_and_comparison_links_stay_inside_the_scope(db, access_file):
    at = open_as(db, "analis", "cakupan", query={"ck_region": "18.72"})
    assert at.selectbox(key="ck_region").value in JATIM
    assert "di luar akses Anda" in " ".join(w.value for w in at.warning)
    at = open_as(db, "analis", "perbandingan", query={"pb_regions": ["35.10", "18.72"], "pb_pilot": "18.72"})
    assert set(at.multiselect(key="pb_regions").value) <= JATIM
    assert shown_regions(at) <= JATIM


HOSTILE = ("<script>alert(1)</script>", "' OR 1=1 --", "x" * 10_000)


@pytest.mark.parametrize("value", HOSTILE, ids=["script", "sql", "10kB"])
def test_hostile_values_in_every_parameter_give_notices_not_data(db, access_file, value):
    from bansos import urlstate

    query = dict.fromkeys(urlstate.PARAMETERS, value)
    for role, page in (("pimpinan", "ringkasan"), ("analis", "kualitas"), ("publik", "sasaran")):
        at = open_as(db, role, page, query=query, public=role == "publik")
        assert not at.exception
        said = " ".join(w.value for w in at.warning)
        assert "alert(1)" not in said or "\\<script\\>" in said  # quoted as text, never markup
        assert "x" * 61 not in said  # a long value is cut
        assert shown_regions(at) <= (SCOPE[role] or set()) | {"ALL"}


# -- revocation, no access, a broken file, local mode -----------------------------------------------------


def test_removing_a_grant_takes_effect_at_the_next_click(db, access_file):
    at = open_as(db, "analis", "ringkasan")
    assert codes_of(at.multiselect(key="wil").options) <= JATIM
    text = access_file.read_text().replace('email = "analis.jatim@example.go.id"', 'email = "someone.else@example.go.id"')
    access_file.write_text(text)
    at.run()
    # the domain grant (example.go.id: pimpinan of 18.72 and 35.76) now applies
    assert codes_of(at.multiselect(key="wil").options) == {"18.72", "35.76"}
    assert [r for r in audit.read(db) if r["event"] == "access_file"][-1]["sha256"] == hashlib.sha256(text.encode()).hexdigest()


def test_no_grant_and_no_public_view_gives_the_no_access_page_naming_the_contact(db, access_file):
    access_file.write_text(access_file.read_text().replace("public = true", "public = false"))
    at = open_as(db, "tamu@contoh.org")
    assert at.title[0].value == i18n.t("akses.none.title", "id")
    said = at.error[0].value.replace("\\", "")  # markdown escapes: the page shows the plain address
    assert "pusdatin@example.go.id" in said and "tamu@contoh.org" in said
    assert not at.metric and not at.dataframe and not at.multiselect
    go(at, "kualitas")
    assert at.title[0].value == i18n.t("akses.none.title", "id") and not at.dataframe
    denied = [r for r in audit.read(db) if r["event"] == "denied"]
    assert denied and denied[0]["actor"]["email"] == "tamu@contoh.org"
    # nobody logged in: the page asks to log in, naming the contact too
    at = open_as(db, None, lang="en")
    assert at.title[0].value == i18n.t("akses.login_required.title", "en")
    assert "pusdatin@example.go.id" in " ".join(m.value for m in at.markdown).replace("\\", "")
    assert [b for b in at.button if b.key == "akses_login_main"]


def test_a_logged_in_person_without_a_grant_gets_the_public_view_and_is_told(db, access_file):
    at = open_as(db, "tamu@contoh.org", "cakupan", public=True)
    assert "tamu@contoh.org" in " ".join(w.value for w in at.warning).replace("\\", "")
    assert shown_regions(at) <= PILOTS | {"ALL"}


def test_a_broken_access_file_stops_everything_with_its_line(db, access_file):
    access_file.write_text(access_file.read_text() + '\n[[grant]]\nemail = "x@example.go.id"\nroles = ["superuser"]\n')
    at = open_as(db, "evaluator")
    assert not at.exception
    assert i18n.t("akses.file_error", "id") in at.error[0].value
    assert "unknown role 'superuser'" in at.code[0].value and "line" in at.code[0].value
    assert not at.metric and not at.dataframe and not at.multiselect and not at.title


def test_local_mode_banner_and_refusal_on_another_address(db, monkeypatch):
    import os

    monkeypatch.delenv("BANSOS_ACCESS", raising=False)
    os.environ["BANSOS_DB"] = str(db)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    at.run()
    assert i18n.t("akses.local", "id") in [i.value for i in at.info]
    assert at.metric  # local mode: every right
    saved = config.get_option("server.address")
    try:
        config.set_option("server.address", "0.0.0.0")
        at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
        at.run()
        assert not at.exception
        assert i18n.t("akses.local_refused", "id") in at.error[0].value
        assert "0.0.0.0" in at.code[0].value
        assert not at.metric and not at.title
    finally:
        config.set_option("server.address", saved)


def test_logout_is_recorded(db, access_file):
    at = open_as(db, "evaluator")
    logins = [r for r in audit.read(db) if r["event"] == "login"]
    assert len(logins) == 1 and logins[0]["actor"]["email"] == EMAILS["evaluator"]
    at.button(key="akses_logout").click().run()
    assert audit.read(db)[-1]["event"] == "logout"
    assert audit.verify(db).ok


# -- one path for every file ------------------------------------------------------------------------


def _calls(attribute: str):
    import ast

    for path in [REPO / "dashboard.py", *(REPO / "app_pages").rglob("*.py"), *(REPO / "bansos").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == attribute:
                yield path, node


def test_every_file_goes_through_the_download_helper_and_every_chart_offers_its_data():
    direct = [f"{path.relative_to(REPO)}:{node.lineno}" for path, node in _calls("download_button")
              if path.name != "downloads.py"]
    assert not direct, f"download buttons outside bansos/ui/downloads.py (no scope, no audit): {direct}"
    charts = [(path, node) for path, node in _calls("chart") if getattr(node.func.value, "id", None) == "ui"]
    assert len(charts) >= 20
    bare = [f"{path.relative_to(REPO)}:{node.lineno}" for path, node in charts if not any(k.arg == "data" for k in node.keywords)]
    assert not bare, f"charts without 'download chart data': {bare}"
