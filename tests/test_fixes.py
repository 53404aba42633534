"""Every quarantine reason has a practical fix and a label in both
languages; every glossary term is defined in both languages."""

from __future__ import annotations

import pytest

from bansos import contract, fixes, i18n
from bansos.translations import glossary


@pytest.mark.parametrize("reason", sorted(contract.REASONS))
def test_every_reason_has_a_fix_in_both_languages(reason):
    assert reason in fixes.FIXES, f"no fix for {reason}"
    indonesian, english = fixes.FIXES[reason]
    assert len(indonesian) > 40 and len(english) > 40, reason
    assert indonesian != english
    assert fixes.fix(reason, "id") == indonesian
    assert fixes.fix(reason, "en") == english


def test_no_fix_for_a_reason_that_does_not_exist():
    assert set(fixes.FIXES) == set(contract.REASONS)
    assert fixes.fix("no_such_reason", "id") is None


@pytest.mark.parametrize("reason", sorted(contract.REASONS))
def test_every_reason_has_a_label(reason):
    key = f"kualitas.reason.{reason}"
    assert key in i18n.STRINGS
    assert all(text.strip() for text in i18n.STRINGS[key])


def test_the_kk_fix_says_what_excel_did_and_what_to_do():
    english = fixes.fix("no_kk_invalid", "en")
    assert "16th digit" in english and "Text" in english and "never retype" in english
    assert "digit ke-16" in fixes.fix("no_kk_invalid", "id")


@pytest.mark.parametrize("term", glossary.TERMS)
def test_every_glossary_term_is_defined_in_both_languages(term):
    for part in ("term", "def"):
        indonesian, english = i18n.STRINGS[f"glossary.{term}.{part}"]
        assert indonesian.strip() and english.strip()


def test_glossary_covers_the_words_the_pages_use():
    for term in ("desil", "dtsen", "tahap", "kpm", "sanggah", "pkh", "sembako", "blt", "pbi", "layak", "kanal",
                 "musdes", "dinsos", "himbara", "pos", "kabkota", "kecamatan", "desa", "nik", "no_kk", "exclusion",
                 "inclusion", "coverage"):
        assert term in glossary.TERMS
    assert len(set(glossary.TERMS)) == len(glossary.TERMS)
