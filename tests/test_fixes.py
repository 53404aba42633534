"""Every quarantine reason has a practical fix and a label in both
languages; every glossary term is defined in both languages."""

from __future__ import annotations


from bansos import contract, fixes, i18n
from bansos.translations import glossary


def test_every_reason_has_a_label():
    missing = [reason for reason in sorted(contract.REASONS)
               if not all(text.strip() for text in i18n.STRINGS.get(f"kualitas.reason.{reason}", ("",)))]
    assert not missing, missing


def test_the_kk_fix_says_what_excel_did_and_what_to_do():
    english = fixes.fix("no_kk_invalid", "en")
    assert "16th digit" in english and "Text" in english and "never retype" in english
    assert "digit ke-16" in fixes.fix("no_kk_invalid", "id")


def test_every_glossary_term_is_defined_in_both_languages():
    missing = [f"glossary.{term}.{part}" for term in glossary.TERMS for part in ("term", "def")
               if not all(text.strip() for text in i18n.STRINGS.get(f"glossary.{term}.{part}", ("",)))]
    assert not missing, missing


def test_glossary_covers_the_words_the_pages_use():
    for term in ("desil", "dtsen", "tahap", "kpm", "sanggah", "pkh", "sembako", "blt", "pbi", "layak", "kanal",
                 "musdes", "dinsos", "himbara", "pos", "kabkota", "kecamatan", "desa", "nik", "no_kk", "exclusion",
                 "inclusion", "coverage"):
        assert term in glossary.TERMS
    assert len(set(glossary.TERMS)) == len(glossary.TERMS)
