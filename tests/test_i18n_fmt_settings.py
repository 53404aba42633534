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


def test_plural_markers_are_well_formed_and_name_a_value_the_text_shows():
    faults = []
    for key, texts in sorted(i18n.STRINGS.items()):
        for text in texts:
            for marker in re.findall(r"\{[^{}]*\|[^{}]*\}", text):
                found = i18n.PLURAL.fullmatch(marker)
                if not found:
                    faults.append(f"{key}: {marker} is not {{name|one|other}}")
                elif "{" + found.group(1) + "}" not in text:
                    faults.append(f"{key}: {marker} names a value the text does not show")
    assert not faults, "\n".join(faults)


def test_a_count_of_one_takes_the_english_singular_and_indonesian_is_unchanged():
    assert i18n.t("pendaftaran.regions_used", "en", n="1").startswith("Computed over 1 region with registration data;")
    assert i18n.t("pendaftaran.regions_used", "en", n="12").startswith("Computed over 12 regions with registration data;")
    assert i18n.t("pendaftaran.regions_used", "id", n="1").startswith("Dihitung dari 1 wilayah dengan data pendaftaran;")
    # the verb follows the count as well
    assert i18n.t("kualitas.fresh.summary", "en", n=1) == "1 region needs attention:"
    assert i18n.t("kualitas.fresh.summary", "en", n=2) == "2 regions need attention:"
    assert i18n.t("unggah.job.files", "en", n="1") == "1 file"
    assert i18n.t("brief.version", "en", loads="1", last="x", built="y").startswith("Data version: 1 file loaded,")


@pytest.mark.parametrize(("value", "form"), [
    (1, "one"), (1.0, "one"), ("1", "one"), (" 1 ", "one"),
    (0, "other"), (2, "other"), (0.5, "other"), ("1,234", "other"), ("1.234", "other"), ("11", "other"),
    ("< 10", "other"), ("—", "other"), (True, "other"),
])
def test_the_plural_form_follows_the_value_or_the_text_fmt_made_of_it(value, form):
    assert i18n.fill("{n} {n|one|other}", n=value) == f"{value} {form}"


def test_a_template_keeps_its_markers_until_filled_and_a_missing_value_is_an_error():
    template = i18n.t("kualitas.reasons.hover", "en")  # a chart fills it row by row
    assert template == "{rows} {rows|row|rows} in {files} {files|file|files}"
    assert i18n.fill(template, rows="1", files="3") == "1 row in 3 files"
    with pytest.raises(KeyError, match="files"):
        i18n.fill(template, rows="1")


# A count of regions, files or rows shown before its noun with no plural form
# reads "1 regions" when it is one. Thresholds ("at most {limit} rows") are
# settings, never one; these keys count two or more by construction.
PLURAL_EXEMPT = {
    "ringkasan.narrative.where.mixed": "pilots and comparison regions both present",
    "ringkasan.narrative.scope.mixed": "pilots and comparison regions both present",
    "ringkasan.narrative.small_regions": "one region has its own key, .one",
    "ringkasan.narrative.missing_regions": "one region has its own key, .one",
}


def test_no_english_count_of_regions_files_or_rows_lacks_a_plural_form():
    bare = re.compile(r"(?<!at most )(?<!fewer than )\{(\w+)\} (?:\w+ )?(regions|files|rows)\b")
    faults = [f"{key}: {found.group(0)}" for key, (_, english) in sorted(i18n.STRINGS.items())
              if key not in PLURAL_EXEMPT for found in bare.finditer(english)]
    assert not faults, "\n".join(faults)


def test_all_of_a_count_reads_without_all_when_the_count_is_one():
    """"Semua 1 wilayah" / "All 1 regions": a text that says all of a count
    drops the "all" for one (Kualitas Data with one kab/kota in view)."""
    bare = re.compile(r"\b(?:Semua|semua|All|all) \{(\w+)\}")
    faults = [f"{key}: {found.group(0)}" for key, texts in sorted(i18n.STRINGS.items())
              for text in texts for found in bare.finditer(text)]
    assert not faults, "\n".join(faults)
    for lang, all_word in (("id", "Semua"), ("en", "All")):
        assert not i18n.t("kualitas.fresh.all_ok", lang, total="1").startswith(all_word)
        assert i18n.t("kualitas.fresh.all_ok", lang, total="34").startswith(f"{all_word} 34 ")


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


def test_a_kabupaten_is_shortened_and_anything_else_kept():
    assert fmt.region_short("Kabupaten Lombok Timur") == "Kab. Lombok Timur"
    assert fmt.region_short("Kota Metro") == "Kota Metro"
    assert fmt.region_short("Kota Kabupaten") == "Kota Kabupaten"  # only a leading "Kabupaten "
    assert fmt.region_short(None) == "" and fmt.region_short(float("nan")) == ""


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
