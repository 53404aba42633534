"""The Unggah Data page (app_pages/unggah.py, bansos/uploads.py) under
AppTest: files through the real file uploader, the real load job in its own
process, the progress and the results read back from its status files;
who may load and within which regions; the upload limit agreeing with
Streamlit's; and the Kualitas Data side (load numbers, files rejected whole).
"""

from __future__ import annotations

import shutil
import time
import tomllib
from datetime import datetime, UTC

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from bansos import i18n, jobs, settings, uploads
from bansos import warehouse as warehouse_module
from bansos.queries import QueryRunner
from tests.app_fixtures import REPO, shown
from tests.ingest_files import PENYALURAN_HEADER, fetch, record, row_for

METRO_DESA = "18.72.01.1001"
AUTH = {"redirect_uri": "http://localhost:1/oauth2callback", "cookie_secret": "x" * 32, "client_id": "c",
        "client_secret": "s", "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}
IDP = "http://127.0.0.1:8711"  # the issuer of data/access.example.toml
OPERATOR = "operator.metro@example.go.id"


def _csv(rows) -> bytes:
    return ("\n".join([",".join(PENYALURAN_HEADER)] + [record(PENYALURAN_HEADER, r) for r in rows]) + "\n").encode()


# Three files, the numbers worked out by hand:
#   bri.csv   10 good rows                          → loaded, read 10 = loaded 10 + quarantined 0
#   pos.csv   2 rows, one with tahap 9 (invalid)   → loaded, read 2 = loaded 1 + quarantined 1 (tahap_invalid)
#   kosong.csv  no bytes at all                    → rejected whole, nothing read
GOOD = ("bri.csv", _csv([row_for("penyaluran", n) for n in range(1, 11)]), "text/csv")
PARTLY_BAD = ("pos.csv", _csv([row_for("penyaluran", 20, tahap="9"), row_for("penyaluran", 21, lembaga_penyalur="POS")]),
              "text/csv")
EMPTY = ("kosong.csv", b"", "text/csv")


@pytest.fixture
def local_mode():
    """Local mode (no [auth]) is allowed on a loopback address only."""
    saved = config.get_option("server.address")
    config.set_option("server.address", "localhost")
    yield
    config.set_option("server.address", saved)


@pytest.fixture
def app_env(warehouse, tmp_path, monkeypatch):
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setenv("BANSOS_TEMP_DIR", str(root))
    monkeypatch.setenv("BANSOS_DB", str(warehouse))
    return warehouse, root


def _app(lang: str = "id", page: str = "app_pages/unggah.py", user: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    at.session_state["lang"] = lang
    if user is not None:
        at.secrets["auth"] = AUTH
        at.user = user
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _until(at: AppTest, done, timeout: float = 120) -> AppTest:
    """Rerun the page (as its self-refreshing part does) until `done(at)`."""
    deadline = time.monotonic() + timeout
    while True:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        if done(at):
            return at
        assert time.monotonic() < deadline, [m.value for m in at.markdown]
        time.sleep(0.1)


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [s.value for s in at.success] + [c.value for c in at.caption]
    return "\n".join(parts)


def _results(at: AppTest):
    """The newest job's per-file results table as shown, or None."""
    frames = [shown(d) for d in at.dataframe if {"Dibaca", "Read"} & set(shown(d).columns)]
    return frames[0] if frames else None


def _upload(at: AppTest, files, as_of=None, replace=False) -> AppTest:
    at.file_uploader[0].set_value(files)
    if as_of is not None:
        at.date_input(key="ug_as_of").set_value(as_of)
    if replace:
        at.checkbox(key="ug_replace").check()
    at.run()
    at.button(key="ug_submit").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# -- the flow -----------------------------------------------------------------------------


def test_an_upload_loads_shows_each_files_result_and_leaves_no_bytes_behind(app_env, local_mode):
    db, root = app_env
    at = _upload(_app(), [GOOD, PARTLY_BAD, EMPTY])
    assert "3 file diterima" in _texts(at)
    assert at.file_uploader[0].value in (None, [])  # a new, empty uploader: Streamlit lets go of the bytes

    at = _until(at, lambda a: _results(a) is not None)
    results = _results(at)
    assert results[["File", "Hasil", "Dibaca", "Dimuat", "Karantina"]].values.tolist() == [
        ["bri.csv", "✓ dimuat", "10", "10", "0"],
        ["pos.csv", "✓ dimuat", "2", "1", "1"],
        ["kosong.csv", "✗ ditolak", "0", "0", "0"],
    ]
    assert results["Alasan karantina"].tolist()[1] == "Tahap tidak sah: 1"
    assert "kosong.csv" in results["Pesan pemuat"].tolist()[2] and "rejected" in results["Pesan pemuat"].tolist()[2]
    load_ids = fetch(db, "SELECT load_id FROM load_ledger ORDER BY load_id")
    assert results["No. muat"].tolist()[:2] == [str(i) for (i,) in load_ids] and results["No. muat"].tolist()[2] == "–"
    assert "2 dimuat · 0 tidak berubah · 1 ditolak" in _texts(at)
    assert [link.proto.page for link in at.get("page_link")] == ["kualitas"]  # the page's URL path

    # The ledger records who loaded (the console user in local mode); the raw bytes are gone.
    assert fetch(db, "SELECT DISTINCT loaded_by FROM load_ledger") == [(uploads.local_user(),)]
    [folder] = list(root.glob(jobs.PREFIX + "*"))
    assert not (folder / "files").exists()
    assert sorted(p.name for p in folder.iterdir()) == [".alive", "job.json", "status.json"]


def test_the_progress_survives_navigating_away_and_a_new_session_finds_the_results(app_env, local_mode):
    db, _ = app_env
    lock = warehouse_module.load_lock(warehouse_module.live_path(db), "a load", user="operator.banyuwangi@example.go.id")
    lock.__enter__()
    try:
        at = _upload(_app("en"), [GOOD])
        # Another load holds the warehouse: the job waits and says whose load it waits for.
        at = _until(at, lambda a: "operator.banyuwangi@example.go.id" in _texts(a))
        assert "Waiting for **operator.banyuwangi@example.go.id**'s load to finish" in _texts(at)
        [bar] = at.get("progress")
        assert bar.proto.value == 0 and "waiting its turn — 0 of 1 file done" in bar.proto.text
        stages = next(shown(d) for d in at.dataframe if "Stage" in shown(d).columns)
        assert stages.values.tolist() == [["bri.csv", "waiting its turn"]]
        at.switch_page("app_pages/ringkasan.py")
        at.run()
        at.switch_page("app_pages/unggah.py")
        at.run()
        assert "operator.banyuwangi@example.go.id" in _texts(at)  # still followed after coming back
    finally:
        lock.__exit__(None, None, None)
    fresh = _until(_app("en"), lambda a: _results(a) is not None)  # a new session, as after a reload
    assert _results(fresh)[["File", "Outcome", "Read", "Loaded"]].values.tolist() == [["bri.csv", "✓ loaded", "10", "10"]]


def test_as_of_and_replace_reach_the_load(app_env, local_mode):
    from datetime import date

    db, _ = app_env
    at = _until(_upload(_app(), [GOOD], as_of=date(2026, 4, 20), replace=True), lambda a: _results(a) is not None)
    assert fetch(db, "SELECT as_of, replace_mode, extract_date FROM load_ledger") == [(date(2026, 4, 20), True, date(2026, 4, 20))]
    # the options were for those files: the next upload starts without them
    assert at.date_input(key="ug_as_of").value is None and at.checkbox(key="ug_replace").value is False


def test_a_failed_load_says_why_without_a_server_path_and_deletes_the_bytes(app_env, local_mode, monkeypatch):
    db, root = app_env
    beside = db.parent / "key"  # a key file beside the warehouse is refused, and the message names the folder
    beside.write_text("0123456789abcdef" * 4 + "\n")
    beside.chmod(0o600)
    monkeypatch.setenv("BANSOS_KEY_FILE", str(beside))
    at = _until(_upload(_app("en"), [GOOD]), lambda a: bool(a.error))
    message = at.error[0].value
    assert message.startswith("The load failed, nothing was changed:")
    assert str(db.parent) not in message and "/" not in message.split(":", 1)[1]
    assert "[server folder]" in message
    [folder] = list(root.glob(jobs.PREFIX + "*"))
    assert not (folder / "files").exists()


def test_choosing_no_file_says_so_and_starts_nothing(app_env, local_mode):
    _, root = app_env
    at = _app()
    at.button(key="ug_submit").click()
    at.run()
    assert at.warning[-1].value == i18n.t("unggah.need_files", "id")
    assert list(root.glob(jobs.PREFIX + "*")) == []


# -- who may load ------------------------------------------------------------------------


@pytest.fixture
def access_env(app_env, monkeypatch):
    monkeypatch.setenv("BANSOS_ACCESS", str(REPO / "data" / "access.example.toml"))
    return app_env


def _claims(email: str) -> dict:
    return {"is_logged_in": True, "iss": IDP, "email": email, "email_verified": True, "name": email, "groups": []}


def test_an_operator_loads_within_their_regions_only(access_env):
    db, _ = access_env
    at = _app("en", user=_claims(OPERATOR))
    assert at.title[0].value == "Upload Data"
    assert "You may load data for: Kota Metro (18.72)" in _texts(at)
    mixed = ("campur.csv", _csv([row_for("penyaluran", 1, kode_wilayah=METRO_DESA), row_for("penyaluran", 2)]), "text/csv")
    metro = ("metro.csv", _csv([row_for("penyaluran", 3, kode_wilayah=METRO_DESA)]), "text/csv")
    at = _until(_upload(at, [mixed, metro]), lambda a: _results(a) is not None)
    results = _results(at)
    assert results[["File", "Outcome", "Loaded"]].values.tolist() == [["campur.csv", "✗ rejected", "0"], ["metro.csv", "✓ loaded", "1"]]
    assert "35.10" in results["Loader's message"].tolist()[0]
    assert fetch(db, "SELECT loaded_by FROM load_ledger") == [(OPERATOR,)]
    assert fetch(db, "SELECT rejected_by FROM rejections") == [(OPERATOR,)]


@pytest.mark.parametrize("claims", [_claims("pimpinan.lampung@example.go.id"), _claims("evaluator@example.go.id"),
                                    _claims("analis.jatim@example.go.id"), {"is_logged_in": False}])
def test_no_other_role_and_no_visitor_has_the_upload_page(access_env, claims):
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    at.secrets["auth"] = AUTH
    at.user = claims
    at.run()
    assert not at.exception
    # Not in their menu; the page's address (an old bookmark) answers with a refusal, no upload form.
    at.switch_page("app_pages/unggah.py")
    at.run()
    assert not at.exception and not at.get("file_uploader")
    refusals = [text for lang in i18n.LANGS for text in (
        i18n.t("akses.refused.public", lang, page="")[:12],
        i18n.t("akses.refused.body", lang, page="", roles="", yours="", contact="")[:12])]
    said = " ".join(w.value for w in at.warning)
    assert any(r.strip("* ") in said for r in refusals), said


# -- the limit -----------------------------------------------------------------------------


def test_the_upload_limit_agrees_with_streamlits_server_limit(app_env, local_mode, monkeypatch):
    project = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert project["server"]["maxUploadSize"] == int(settings.SETTINGS["upload_max_mb"].default)
    at = _app()
    assert at.file_uploader[0].proto.max_upload_size_mb == config.get_option("server.maxUploadSize")
    # A larger setting than the server accepts would let the widget pass a file the server refuses.
    assert uploads.limit_mb(200) == 200
    monkeypatch.setenv("BANSOS_UPLOAD_MAX_MB", "50")
    assert uploads.limit_mb(500) == 50


# -- the page's pure parts -----------------------------------------------------------------


def test_progress_follows_the_stages():
    # 2 files: one checking (0.5), one queued (0) → 0.9 × (0.5 + 0) / 2 = 0.225
    assert uploads.fraction({"state": "running", "files": [{"stage": "checking"}, {"stage": "queued"}]}) == pytest.approx(0.225)
    # both done → 0.9 × 1 = 0.9; then the warehouse-wide stages, then finished
    assert uploads.fraction({"state": "running", "files": [{"stage": "done"}, {"stage": "done"}]}) == pytest.approx(0.9)
    assert uploads.fraction({"state": "running", "finishing": "saving", "files": []}) == pytest.approx(0.97)
    assert uploads.fraction({"state": "failed"}) == 1.0
    assert uploads.files_done({"files": [{"stage": "done"}, {"stage": "loading"}]}) == 1


def test_whose_load_is_read_from_the_lock_holder():
    holder = warehouse_module.Holder(user="operator.banyuwangi@example.go.id", pid=4242, host="db-server-01",
                                     since="2026-12-05 01:02:03", what="a load")
    who, since = uploads.waiting_for({"state": "waiting", "waiting_for": holder.describe()})
    assert who == "operator.banyuwangi@example.go.id"
    assert since == datetime(2026, 12, 5, 1, 2, 3, tzinfo=UTC)
    assert uploads.waiting_for({"state": "waiting", "waiting_for": "another load"}) == ("", None)
    assert uploads.waiting_for({"state": "running"}) is None


def test_clean_text_drops_server_paths_and_masks_long_digit_runs():
    text = ("/srv/bansos/data/warehouse.duckdb is damaged; disk full in /var/tmp/bansos-load-1 (needs 2 GB); "
            "see https://example.go.id/help and 2026/01/31; NIK 3510012345673934 in 1/2 of rows")
    cleaned = uploads.clean_text(text, "[server folder]")
    assert "/srv" not in cleaned and "/var/tmp" not in cleaned
    assert cleaned.startswith("[server folder] is damaged; disk full in [server folder] (needs 2 GB)")
    assert "https://example.go.id/help" in cleaned and "2026/01/31" in cleaned and "1/2 of rows" in cleaned
    assert "3510012345673934" not in cleaned and "3510********3934" in cleaned


def test_recent_jobs_are_the_users_own_newest_first(warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("BANSOS_TEMP_DIR", str(tmp_path / "tmp"))
    first = jobs.start(warehouse, [("a.csv", _csv([row_for("penyaluran", 1)]))], who="operator.a", scope=None)
    other = jobs.start(warehouse, [("b.csv", _csv([row_for("penyaluran", 2)]))], who="operator.b", scope=None)
    second = jobs.start(warehouse, [("c.csv", _csv([row_for("penyaluran", 3)])), ("d.csv", b"")], who="operator.a", scope=None)
    elsewhere = tmp_path / "other" / "warehouse.duckdb"
    elsewhere.parent.mkdir()
    shutil.copyfile(warehouse, elsewhere)
    into_other = jobs.start(elsewhere, [("e.csv", _csv([row_for("penyaluran", 4)]))], who="operator.a", scope=None)
    found = uploads.recent_jobs("operator.a", warehouse)
    assert [j.id for j in found] == [second, first]
    assert found[0].files == ["c.csv", "d.csv"] and all(j.status for j in found)
    assert [j.id for j in uploads.recent_jobs("operator.b", warehouse)] == [other]
    assert [j.id for j in uploads.recent_jobs("operator.a", elsewhere)] == [into_other]
    deadline = time.monotonic() + 120
    while not all(j.finished for db in (warehouse, elsewhere) for who in ("operator.a", "operator.b")
                  for j in uploads.recent_jobs(who, db)):
        assert time.monotonic() < deadline
        time.sleep(0.1)


# -- Kualitas Data: load numbers and files rejected whole --------------------------------------


def test_kualitas_lists_load_numbers_and_rejected_files(app_env, local_mode):
    db, _ = app_env
    _until(_upload(_app(), [GOOD, EMPTY]), lambda a: _results(a) is not None)
    at = _app("id", page="app_pages/kualitas.py")
    subheaders = [s.value for s in at.subheader]
    assert subheaders.index("File yang ditolak utuh") == subheaders.index("Catatan muat") + 1
    ledger = next(shown(d) for d in at.dataframe if "No. muat" in shown(d).columns)
    [(load_id,)] = fetch(db, "SELECT load_id FROM load_ledger")
    assert ledger[["No. muat", "Dibaca", "Dimuat", "Dimuat oleh"]].values.tolist() == [[str(load_id), "10", "10", uploads.local_user()]]
    rejected = next(shown(d) for d in at.dataframe if "Dikirim oleh" in shown(d).columns)
    assert rejected["Dikirim oleh"].tolist() == [uploads.local_user()]
    assert rejected["Waktu ditolak (WIB)"].tolist()[0].endswith("WIB")
    assert "nothing from it was loaded" in rejected["Alasan"].tolist()[0]
    assert "1 dari 1 penolakan" in _texts(at)


def test_rejections_are_shown_to_every_region_viewers_and_to_their_sender(warehouse, tmp_path):
    from tests.ingest_files import load, write_csv_lines

    load(warehouse, write_csv_lines(tmp_path / "a.csv", []), who="operator.metro@example.go.id")
    load(warehouse, write_csv_lines(tmp_path / "b.csv", []), who="operator.jatim@example.go.id")
    everything = QueryRunner(warehouse, cache=False)
    scoped = QueryRunner(warehouse, scope=("18.72",), cache=False)
    try:
        assert sorted(everything.run("rejections", who=None, limit=100)["rejected_by"]) == [
            "operator.jatim@example.go.id", "operator.metro@example.go.id"]
        assert scoped.run("rejections", who="operator.metro@example.go.id", limit=100)["file_name"].tolist() == ["a.csv"]
        assert scoped.run("rejections", who=None, limit=100).empty  # a region-scoped reader who sends nothing
        limited = everything.run("rejections", who=None, limit=1)
        assert len(limited) == 1 and int(limited["total"].iloc[0]) == 2
    finally:
        everything.close()
        scoped.close()


# -- words -----------------------------------------------------------------------------------


def _page_words(at: AppTest) -> list[str]:
    from tests.page_text import page_texts

    texts = page_texts(at)
    for kind in ("file_uploader", "date_input", "checkbox", "button"):
        for widget in at.get(kind):
            texts += [str(getattr(widget.proto, "label", "")), str(getattr(widget.proto, "help", ""))]
    return [t for t in texts if t.strip()]


def test_the_page_speaks_one_language_at_a_time(app_env, local_mode):
    import re

    from tests.test_page_words import ENGLISH, INDONESIAN

    db, _ = app_env
    _until(_upload(_app(), [GOOD, PARTLY_BAD, EMPTY]), lambda a: _results(a) is not None)
    # The loader's own messages are in English whatever the language (the caption says so): set aside.
    [job] = uploads.recent_jobs(uploads.local_user(), db)
    loader = {r["message"] for r in job.status["results"]}
    found = []
    for lang, words in (("id", ENGLISH), ("en", INDONESIAN)):
        at = _until(_app(lang), lambda a: _results(a) is not None)
        pattern = re.compile(r"(?<![\w/.-])(" + "|".join(words) + r")(?![\w/.-])", re.IGNORECASE)
        texts = [t for t in _page_words(at) if t not in loader]
        # the sweep sees the page's words, table cells included
        assert i18n.t("unggah.form.heading", lang) in texts and ("Tahap tidak sah: 1" if lang == "id" else "Invalid tranche: 1") in texts
        for text in texts:
            hit = pattern.search(re.sub(r"`[^`]*`", " ", text))
            if hit:
                found.append(f"{lang}: {hit.group(0)!r} in {text[:100]!r}")
    assert not found, "\n".join(found)
