"""What the pages say, swept over every page in both languages (AppTest, on
the demo and the empty warehouse, folded sections and tabs opened):

- no Indonesian left on an English page, and no English on an Indonesian one
  (lists of common words of each language that must not appear in the
  other; domain words that are used as is, machine names in code marks,
  the glossary and the extract-contract fix texts are set aside first);
- leaders' pages carry no file paths, setting names, SQL or design-document
  references (technical detail lives on Metodologi and Kualitas Data);
- one word per pilot status, and the DiD's direction generated from the
  indicator records on both pages that explain it;
- load times in WIB, labelled.
"""

from __future__ import annotations

import os
import re

import pytest
from streamlit.testing.v1 import AppTest

from bansos import contract, fixes, fmt, i18n, settings
from bansos.indicators import BY_ID
from bansos.queries import QueryRunner
from bansos.translations import glossary
from tests.app_fixtures import REPO, app_key_file, demo_db, empty_db, shown, table_labels  # noqa: F401
from tests.page_text import page_texts

PAGES = ("ringkasan", "cakupan", "sasaran", "perbandingan", "pendaftaran", "akuntabilitas", "ekspor", "kualitas", "metodologi")
LEADERS = ("ringkasan", "cakupan", "sasaran", "perbandingan", "pendaftaran", "akuntabilitas")
FOLDED_OPEN = {"rk_table": True, "ck_disb_table": True, "ss_change_table": True, "ss_decile_table": True}

# Common words of each language that have no place in the other. (Domain
# words used as is in both, such as layak, desil, sanggah, KPM, pilot,
# snapshot, register, exclusion/inclusion error, are not listed.)
INDONESIAN = ("dan", "yang", "dari", "untuk", "dengan", "belum", "sudah", "pada", "atau", "lebih", "semakin",
              "terkonfirmasi", "diberitakan", "keluarga", "penerima", "wilayah", "baris", "semua", "pilih", "unduh",
              "bukan", "jumlah", "nilai", "dimuat", "tersedia", "lihat", "sumber", "bagian", "peringkat", "tampilkan")
ENGLISH = ("the", "and", "of", "with", "from", "is", "are", "not", "families", "recipients", "eligible", "confirmed",
           "reported", "uncertain", "source", "download", "rows", "loaded", "region", "coverage", "disbursement",
           "lower", "higher", "better", "amount", "paid", "tranche", "decile", "setting", "warehouse", "threshold")
TECHNICAL = (r"\b[\w-]+/[\w./-]+\.(csv|py|sql|duckdb|toml|json)\b", r"\.duckdb\b", r"\bBANSOS_[A-Z_]+", r"\bDESIGN\b",
             "§", r"\bSELECT\b", r"\b(sum|count)\(", r"\bdata/reference\b", r"\bqueries/")


def _run(db, page: str, lang: str, state: dict | None = None) -> AppTest:
    os.environ["BANSOS_DB"] = str(db)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _variants(page: str, lang: str) -> list[dict]:
    """Page states to sweep: folded sections open, and each other tab once."""
    variants = [FOLDED_OPEN]
    if page == "cakupan":
        variants += [{"ck_region_tab": i18n.t(key, lang)} for key in ("cakupan.region.tab.table", "cakupan.region.tab.program")]
    if page == "perbandingan":
        variants.append({"pb_league_tab": i18n.t("perbandingan.tab.chart", lang)})
    if page == "kualitas":
        variants.append({"kq_reason": "status_unknown"})
    return variants


@pytest.fixture(scope="module")
def swept(demo_db, empty_db) -> dict:  # noqa: F811
    """(page, lang) → every text the page shows, in every swept state, on
    the demo and on the empty warehouse."""
    texts = {}
    for lang in i18n.LANGS:
        for page in PAGES:
            found = []
            for state in _variants(page, lang):
                found += page_texts(_run(demo_db, page, lang, state), skip_tables=("kq_sample",))
            found += page_texts(_run(empty_db, page, lang))
            texts[(page, lang)] = found
    return texts


def _set_aside(lang: str, demo_db) -> list[str]:  # noqa: F811
    """Text that may hold the other language by design: the glossary (it
    explains Indonesian terms in English), how to fix each extract error (it
    quotes the values a source file must hold), and the programme table's
    source notes (quoted as written in the reference file, in English)."""
    days = settings.get_int("timely_days")
    texts = [i18n.t(f"glossary.{term}.{part}", lang, days=days) for term in glossary.TERMS for part in ("term", "def")]
    texts += [fixes.fix(code, lang) for code in contract.REASONS]
    programs = QueryRunner(demo_db, cache=False).run("programs")
    texts += [str(s).replace("$", "\\$") for s in programs.source if isinstance(s, str)]
    return sorted(texts, key=len, reverse=True)


def _clean(text: str, aside: list[str]) -> str:
    for allowed in aside:
        text = text.replace(allowed, " ")
    text = re.sub(r"`[^`]*`", " ", text)  # machine names and commands, in code marks
    return re.sub(r"https?://\S+", " ", text)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_no_words_of_the_other_language(swept, demo_db, lang):  # noqa: F811
    words = ENGLISH if lang == "id" else INDONESIAN
    pattern = re.compile(r"(?<![\w/.-])(" + "|".join(words) + r")(?![\w/.-])", re.IGNORECASE)
    aside = _set_aside(lang, demo_db)
    found = []
    for page in PAGES:
        for text in swept[(page, lang)]:
            hit = pattern.search(_clean(text, aside))
            if hit:
                found.append(f"{page}: {hit.group(0)!r} in {text[:120]!r}")
    assert not found, "\n".join(sorted(set(found)))


def test_english_pages_say_eligible_and_keep_the_data_words_in_brackets(swept, demo_db):  # noqa: F811
    """The decision's values (layak, tidak layak, layak akhir) are the
    extract's words: an English page says "eligible", "not eligible",
    "eligible in the end", and names the data's word only in brackets beside
    it (the glossary explains the terms and is set aside)."""
    aside = _set_aside("en", demo_db)
    found = []
    for page in PAGES:
        for text in swept[(page, "en")]:
            bare = re.sub(r"\([^()]*\)", " ", _clean(text, aside))
            if re.search(r"\blayak\b", bare, re.IGNORECASE):
                found.append(f"{page}: {text[:120]!r}")
    assert not found, "\n".join(sorted(set(found)))
    assert any("Eligible in the end" in t for t in swept[("pendaftaran", "en")])


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_leaders_pages_show_no_technical_detail(swept, lang):
    found = []
    for page in PAGES:
        patterns = TECHNICAL if page in LEADERS else (r"\bDESIGN\b", "§")  # nowhere a design-document reference
        for text in swept[(page, lang)]:
            for technical in patterns:
                hit = re.search(technical, text)
                if hit:
                    found.append(f"{page}: {hit.group(0)!r} in {text[:120]!r}")
    assert not found, "\n".join(sorted(set(found)))


def test_the_sweep_would_see_a_leftover(swept):
    """The sweep reads the pages' words (not nothing): the English page holds
    English and the Indonesian one Indonesian."""
    assert any("Coverage" in t for t in swept[("ringkasan", "en")])
    assert any("Cakupan" in t for t in swept[("ringkasan", "id")])
    assert any("Family register" in t for t in swept[("kualitas", "en")])  # a chart legend is swept too


def test_one_word_for_each_pilot_status(demo_db):  # noqa: F811
    """Metodologi, Perbandingan and the Ekspor preview say a pilot's status
    the same way, in the language shown."""
    for lang, word, other in (("id", "terkonfirmasi", "confirmed"), ("en", "confirmed", "terkonfirmasi")):
        assert i18n.t("word.status.confirmed", lang) == word
        metodologi = _run(demo_db, "metodologi", lang)
        pilots = next(shown(d) for d in metodologi.dataframe if i18n.t("metodologi.col.cohort", lang) in table_labels(d).values())
        statuses = set(pilots[i18n.t("metodologi.col.status", lang)])
        assert word in statuses and other not in statuses
        text = " ".join(m.value for m in metodologi.markdown)
        assert f" {word} (" in text and f" {other} (" not in text
        league = shown(_run(demo_db, "perbandingan", lang).dataframe[0])
        assert word in set(league[i18n.t("perbandingan.col.status", lang)])
        preview = shown(_run(demo_db, "ekspor", lang).dataframe[0], by="name")
        assert word in set(preview["pilot_status"]) and other not in set(preview["pilot_status"])


def test_the_did_direction_comes_from_the_indicator_records(demo_db):  # noqa: F811
    """The errors improve when their DiD is negative, coverage and
    disbursement when it is positive: Metodologi and Perbandingan say so from
    the same records (lower_is_better), never "higher is better" for every DiD."""
    for lang in i18n.LANGS:
        negative = i18n.t("did.better.negative", lang, metrics="")[:12]
        metodologi = _run(demo_db, "metodologi", lang)
        did_entry = next(m.value for m in metodologi.markdown if "(pilot_rate_2 - pilot_rate_1)" in m.value)
        assert i18n.t("word.higher_better", lang) not in did_entry
        assert negative in did_entry and "Exclusion error" in did_entry.split(negative)[1].split(";")[0]
        rules = " ".join(m.value for m in metodologi.markdown)
        assert "DiD" in rules and negative in rules
        perbandingan = _run(demo_db, "perbandingan", lang)
        captions = " ".join(c.value for c in perbandingan.caption)
        assert negative in captions
        help_text = {m.label: m.proto.help for m in perbandingan.metric}
        exclusion = help_text[i18n.t("perbandingan.did.tile", lang, metric="Exclusion error")]
        coverage = help_text[i18n.t("perbandingan.did.tile", lang, metric=BY_ID["coverage"].label(lang))]
        assert exclusion.endswith(i18n.t("did.help.negative", lang, metric="x").split(". ")[-1])
        assert coverage.endswith(i18n.t("did.help.positive", lang, metric="x").split(". ")[-1])


def test_load_times_are_in_wib(demo_db):  # noqa: F811
    meta = QueryRunner(demo_db, cache=False).run("warehouse_meta").iloc[0]
    for lang in i18n.LANGS:
        at = _run(demo_db, "ringkasan", lang)
        when = fmt.moment(meta.last_load_at, lang)
        assert when.endswith(" WIB")
        assert any(when in c.value for c in at.caption)
        kualitas = _run(demo_db, "kualitas", lang)
        ledger = next(d for d in kualitas.dataframe if i18n.t("kualitas.col.loaded_at", lang) in table_labels(d).values())
        assert "(WIB)" in i18n.t("kualitas.col.loaded_at", lang)
        assert all(v.endswith(" WIB") for v in shown(ledger)[i18n.t("kualitas.col.loaded_at", lang)])


AUTH = {"redirect_uri": "http://localhost:1/oauth2callback", "cookie_secret": "x" * 32, "client_id": "c",
        "client_secret": "s", "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration"}
PUBLIC_PAGES = ("ringkasan", "cakupan", "sasaran", "perbandingan", "pendaftaran", "ekspor")


def _as(db, lang: str, user: dict, page: str | None, access_file) -> AppTest:
    os.environ["BANSOS_DB"] = str(db)
    os.environ["BANSOS_ACCESS"] = str(access_file)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=120)
    at.secrets["auth"] = AUTH
    at.user = user
    at.session_state["lang"] = lang
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_no_words_of_the_other_language_in_the_public_view_and_the_access_pages(demo_db, lang, tmp_path, monkeypatch):  # noqa: F811
    """The public view's pages, a refusal, the account box of a logged-in
    person, and the no-access and log-in pages."""
    example = (REPO / "data" / "access.example.toml").read_text()
    access = tmp_path / "access.toml"
    access.write_text(example)
    monkeypatch.setenv("BANSOS_ACCESS", str(access))
    texts = []
    for page in PUBLIC_PAGES:
        texts += page_texts(_as(demo_db, lang, {"is_logged_in": False}, f"app_pages/publik/{page}.py", access))
    texts += page_texts(_as(demo_db, lang, {"is_logged_in": False}, "app_pages/kualitas.py", access))
    leader = {"is_logged_in": True, "iss": "http://127.0.0.1:8711", "email": "pimpinan.lampung@example.go.id",
              "email_verified": True, "name": "Pimpinan Lampung"}
    texts += page_texts(_as(demo_db, lang, leader, "app_pages/pendaftaran.py", access))
    access.write_text(example.replace("public = true", "public = false"))
    texts += page_texts(_as(demo_db, lang, {"is_logged_in": False}, None, access))
    guest = {"is_logged_in": True, "iss": "http://127.0.0.1:8711", "email": "tamu@contoh.org", "email_verified": True}
    texts += page_texts(_as(demo_db, lang, guest, None, access))
    words = ENGLISH if lang == "id" else INDONESIAN
    pattern = re.compile(r"(?<![\w/.-])(" + "|".join(words) + r")(?![\w/.-])", re.IGNORECASE)
    aside = _set_aside(lang, demo_db)
    found = [f"{hit.group(0)!r} in {text[:120]!r}" for text in texts if (hit := pattern.search(_clean(text, aside)))]
    assert not found, "\n".join(sorted(set(found)))
    assert any(i18n.t("akses.none.title", lang) in t for t in texts)
    assert any(i18n.t("akses.login_required.title", lang) in t for t in texts)
