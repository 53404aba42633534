"""Translations are complete, numbers read the Indonesian way, every setting
is documented in the README, indicator records are complete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bansos import fmt, i18n, settings
from bansos.indicators import INDICATORS

REPO = Path(__file__).resolve().parent.parent


def test_every_key_has_both_languages_with_the_same_placeholders():
    # One test over every key, listing every fault (a parametrised test per key counted ~1,000 presence checks).
    faults = []
    for key, texts in sorted(i18n.STRINGS.items()):
        if len(texts) != 2:
            faults.append(f"{key}: {len(texts)} texts, not (Bahasa Indonesia, English)")
            continue
        indonesian, english = texts
        if not (indonesian.strip() and english.strip()):
            faults.append(f"{key}: lacks a translation")
        elif set(re.findall(r"\{(\w+)\}", indonesian)) != set(re.findall(r"\{(\w+)\}", english)):
            faults.append(f"{key}: different placeholders in the two languages")
    assert not faults, "\n".join(faults)


def test_the_language_check_catches_a_missing_translation_and_a_lost_placeholder(monkeypatch):
    monkeypatch.setitem(i18n.STRINGS, "test.no_english", ("Ada", " "))
    monkeypatch.setitem(i18n.STRINGS, "test.placeholder", ("{n} keluarga", "families"))
    with pytest.raises(AssertionError) as caught:
        test_every_key_has_both_languages_with_the_same_placeholders()
    assert "test.no_english: lacks a translation" in str(caught.value)
    assert "test.placeholder: different placeholders" in str(caught.value)


def test_missing_english_falls_back_to_indonesian(monkeypatch):
    monkeypatch.setitem(i18n.STRINGS, "test.only_id", ("Hanya Indonesia", ""))
    assert i18n.t("test.only_id", "en") == "Hanya Indonesia"
    assert i18n.t("nav.ringkasan", "xx") == "Ringkasan"  # unknown language → default


def test_unknown_key_is_an_error():
    with pytest.raises(i18n.MissingTranslation):
        i18n.t("no.such.key", "id")


def test_keys_used_in_code_exist():
    used = set()
    for path in [*(REPO / "app_pages").glob("*.py"), *(REPO / "bansos").rglob("*.py"), REPO / "dashboard.py"]:
        used |= set(re.findall(r"""\btr\(\s*["']([a-z0-9_.]+)["']""", path.read_text()))
        used |= set(re.findall(r"""i18n\.t\(\s*["']([a-z0-9_.]+)["']""", path.read_text()))
    missing = sorted(k for k in used if k not in i18n.STRINGS)
    assert not missing, missing


@pytest.mark.parametrize(
    "value, lang, expected",
    [
        (1234567, "id", "1.234.567"),
        (1234567, "en", "1,234,567"),
        (0, "id", "0"),
        (None, "id", "–"),
        (float("nan"), "id", "–"),
    ],
)
def test_number(value, lang, expected):
    assert fmt.number(value, lang) == expected


def test_rupiah_and_percent():
    assert fmt.rupiah(600000, "id") == "Rp 600.000"
    assert fmt.rupiah(600000, "en") == "Rp 600,000"
    assert fmt.rupiah(1_250_000_000, "id", compact=True) == "Rp 1,2 M"
    assert fmt.pct(0.125, "id") == "12,5%"
    assert fmt.pct(0.125, "en") == "12.5%"
    assert fmt.pct(None) == "–"  # an empty rate is not 0%
    assert fmt.pp(-0.032, "id") == "-3,2 poin"
    assert fmt.pp(0.032, "en") == "+3.2 pp"
    assert fmt.day("2026-01-31", "id") == "31 Jan 2026"
    assert fmt.day("2026-08-17", "id") == "17 Agu 2026"


def test_every_setting_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text()
    for setting in settings.SETTINGS.values():
        assert f"`{setting.env}`" in readme, f"{setting.env} is not documented in README.md"


def test_indicator_records_are_complete():
    ids = [i.id for i in INDICATORS]
    assert len(ids) == len(set(ids))
    for indicator in INDICATORS:
        assert indicator.label_id and indicator.label_en and indicator.description_id and indicator.description_en
        assert indicator.sql and indicator.source and indicator.format in ("pct", "int", "rp", "pp")
        if indicator.format == "pct":
            assert indicator.numerator and indicator.denominator, indicator.id


def test_a_shown_change_adds_up_with_the_shown_rates():
    # 76,749 % after 75,551 %: shown 76,7 % and 75,6 %; the exact change (1,198
    # points) would show as 1,2, the change of the shown figures is 1,1.
    assert fmt.pct(0.76749, "id") == "76,7%" and fmt.pct(0.75551, "id") == "75,6%"
    assert fmt.pp(fmt.shown_change(0.76749, 0.75551), "id") == "+1,1 poin"
    assert fmt.pp(fmt.shown_change(0.7004, 0.70), "en") == "+0.0 pp"  # both show 70.0%
    assert fmt.shown_change(0.5, None) is None and fmt.shown_change(float("nan"), 0.5) is None


def test_a_load_time_is_shown_in_western_indonesian_time():
    # stored in UTC (naive): 23:41 UTC on 4 Dec is 06:41 WIB on 5 Dec (UTC+7)
    assert fmt.moment("2026-12-04 23:41:48", "id") == "5 Des 2026 06.41 WIB"
    assert fmt.moment("2026-12-04 23:41:48", "en") == "5 Dec 2026 06:41 WIB"
    assert fmt.moment("2026-12-04 23:41:48", "id", "day") == "5 Des 2026"  # the day in WIB, not in UTC
    assert fmt.moment("2026-12-04 23:41:48", "en", "time") == "06:41 WIB"
    assert fmt.moment(None, "id") == fmt.EMPTY
