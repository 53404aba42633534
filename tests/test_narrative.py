"""Sentences generated from the numbers (bansos/narrative.py).

Every expected sentence is written out by hand for a small hand-made frame:
the numbers in them were computed on paper, not by the code under test."""

from __future__ import annotations

import math

import pandas as pd

from bansos import i18n, narrative

NAN = math.nan


def totals(**overrides) -> pd.DataFrame:
    """One `totals_by_period` row: 3 pilot regions, Tranche 1 2026 after Tranche 4 2025.
    200 eligible, 150 of them allocated → coverage 75,0 %, exclusion 25,0 % (50 of 200);
    180 recipients, 171 eligible → inclusion 5,0 % (9 of 180);
    Rp 90 jt of Rp 100 jt paid → 90,0 %. Previous tranche: coverage 70,0 %
    (change +5,0 pp), inclusion 6,0 % (change −1,0 pp)."""
    row = dict(
        program="PKH", year=2026, tranche=1, regions=3, pilot_regions=3, comparison_regions=0,
        eligible_families=200.0, eligible_covered=150.0, excluded_families=50.0,
        recipients=180.0, eligible_recipients=171.0, ineligible_recipients=9.0,
        coverage=0.75, exclusion_error=0.25, inclusion_error=0.05,
        allocated_amount=100_000_000.0, disbursed_amount=90_000_000.0, disbursement_rate=0.9,
        coverage_small=False, inclusion_small=False,
        prev_year=2025, prev_tranche=4, prev_coverage=0.70, prev_inclusion_error=0.06,
        coverage_change=0.05, inclusion_error_change=-0.01,
    )
    row.update(overrides)
    return pd.DataFrame([row])


def regions(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region_name", "is_pilot", "coverage", "coverage_small"])


THREE = regions(("Kota Metro", True, 0.90, False), ("Kota Malang", True, 0.60, False), ("Kota Mojokerto", True, 0.80, True))


def test_many_regions_in_indonesian():
    assert narrative.overview(totals(), THREE, "id", program="PKH") == [
        "Pada Tahap 1 2026, 75,0% keluarga layak di 3 wilayah pilot menerima PKH (150 dari 200 keluarga).",
        "Dibanding Tahap 4 2025, cakupan naik 5,0 poin (dari 70,0%): membaik.",
        "Exclusion error 25,0%: 50 dari 200 keluarga layak tidak menerima — masih di atas target 2026 (< 10%).",
        # 5,0 % is below 10 % but not below 5 %: the boundary belongs to "not yet"
        "Inclusion error 5,0%: 9 dari 180 penerima tidak layak — sudah di bawah target 2026 (< 10%), belum di bawah target berikutnya (< 5%).",
        "Dibanding Tahap 4 2025, inclusion error turun 1,0 poin (dari 6,0%): membaik.",
        "Rp 90,0 jt dari Rp 100,0 jt yang dialokasikan sudah tersalur (90,0%).",
        # coverage +5,0 is larger than inclusion −1,0 (no previous disbursement figure)
        "Perubahan terbesar dibanding Tahap 4 2025: cakupan (naik 5,0 poin).",
        # Mojokerto (80 %) is flagged, so it is neither best nor worst
        "Cakupan tertinggi di Kota Metro (90,0%) dan terendah di Kota Malang (60,0%).",
        "⚠ Kota Mojokerto punya kurang dari 30 keluarga layak: angkanya ditandai dan tidak ikut peringkat.",
    ]


def test_many_regions_in_english():
    assert narrative.overview(totals(), THREE, "en", program="PKH") == [
        "In Tranche 1 2026, 75.0% of eligible families across 3 pilot regions received PKH (150 of 200 families).",
        "Compared with Tranche 4 2025, coverage rose by 5.0 pp (from 70.0%): an improvement.",
        "The exclusion error is 25.0%: 50 of 200 eligible families receive nothing — still above the 2026 target (< 10%).",
        "The inclusion error is 5.0%: 9 of 180 recipients are not eligible — below the 2026 target (< 10%) but not yet the next one (< 5%).",
        "Compared with Tranche 4 2025, the inclusion error fell by 1.0 pp (from 6.0%): an improvement.",
        "Rp 90.0 M of the Rp 100.0 M allocated has been paid out (90.0%).",
        "The largest movement since Tranche 4 2025: coverage (rose by 5.0 pp).",
        "Coverage is highest in Kota Metro (90.0%) and lowest in Kota Malang (60.0%).",
        "⚠ Kota Mojokerto has fewer than 30 eligible families: its figures are flagged and left out of the ranking.",
    ]


def test_one_region_is_named_and_small_numbers_are_flagged():
    # Kota Metro alone: 20 eligible, 12 covered → 60,0 %; 25 recipients, 24 eligible → 4,0 %
    current = totals(
        regions=1, pilot_regions=1, eligible_families=20.0, eligible_covered=12.0, excluded_families=8.0,
        coverage=0.6, exclusion_error=0.4, recipients=25.0, eligible_recipients=24.0, ineligible_recipients=1.0,
        inclusion_error=0.04, coverage_small=True, inclusion_small=True,
        prev_coverage=0.65, coverage_change=-0.05, prev_inclusion_error=0.04, inclusion_error_change=0.0,
        allocated_amount=5_000_000.0, disbursed_amount=2_500_000.0, disbursement_rate=0.5,
    )
    one = regions(("Kota Metro", True, 0.6, True))
    assert narrative.overview(current, one, "id", program="PKH") == [
        "Pada Tahap 1 2026, 60,0% keluarga layak di Kota Metro menerima PKH (12 dari 20 keluarga).",
        "⚠ Cakupan ini dihitung dari kurang dari 30 keluarga layak, jadi belum stabil.",
        "Dibanding Tahap 4 2025, cakupan turun 5,0 poin (dari 65,0%): memburuk.",
        "Exclusion error 40,0%: 8 dari 20 keluarga layak tidak menerima — masih di atas target 2026 (< 10%).",
        "Inclusion error 4,0%: 1 dari 25 penerima tidak layak — sudah di bawah target 2026 (< 10%) dan target berikutnya (< 5%).",
        "⚠ Inclusion error ini dihitung dari kurang dari 30 penerima, jadi belum stabil.",
        "Dibanding Tahap 4 2025, inclusion error tidak berubah (4,0%).",
        "Rp 2,5 jt dari Rp 5,0 jt yang dialokasikan sudah tersalur (50,0%).",
        "Perubahan terbesar dibanding Tahap 4 2025: cakupan (turun 5,0 poin).",
    ]
    english = narrative.overview(current, one, "en", program="PKH")
    assert english[0] == "In Tranche 1 2026, 60.0% of eligible families in Kota Metro received PKH (12 of 20 families)."
    assert english[1] == "⚠ This coverage rests on fewer than 30 eligible families, so it is not yet stable."
    assert english[2] == "Compared with Tranche 4 2025, coverage fell by 5.0 pp (from 65.0%): a setback."


def test_no_register_says_the_figure_is_not_available():
    current = totals(
        regions=1, pilot_regions=1, eligible_families=NAN, eligible_covered=NAN, excluded_families=NAN,
        coverage=NAN, exclusion_error=NAN, eligible_recipients=NAN, ineligible_recipients=NAN, inclusion_error=NAN,
        prev_coverage=NAN, coverage_change=NAN, prev_inclusion_error=NAN, inclusion_error_change=NAN,
    )
    one = regions(("Kota Metro", True, NAN, False))
    assert narrative.overview(current, one, "id", program="PKH") == [
        "Pada Tahap 1 2026, cakupan PKH di Kota Metro belum tersedia: belum ada register keluarga untuk tanggal ini.",
        "Inclusion error tidak tersedia: belum ada register untuk memeriksa kelayakan penerima.",
        "Rp 90,0 jt dari Rp 100,0 jt yang dialokasikan sudah tersalur (90,0%).",
    ]
    assert narrative.overview(current, one, "en", program="PKH")[0] == (
        "In Tranche 1 2026, PKH coverage in Kota Metro is not available: no family register is loaded for this date."
    )
    # on the decision basis the missing piece is the decisions
    assert narrative.overview(current, one, "id", program="PKH", basis="layak")[0] == (
        "Pada Tahap 1 2026, cakupan PKH di Kota Metro belum tersedia pada basis keputusan: belum ada data keputusan kelayakan."
    )


def test_zero_eligible_and_no_recipients_and_no_amounts():
    current = totals(
        eligible_families=0.0, eligible_covered=0.0, excluded_families=0.0, coverage=NAN, exclusion_error=NAN,
        recipients=0.0, eligible_recipients=0.0, ineligible_recipients=0.0, inclusion_error=NAN,
        allocated_amount=0.0, disbursed_amount=0.0, disbursement_rate=NAN,
    )
    assert narrative.overview(current, THREE.iloc[:0], "id", program="BLT") == [
        "Pada Tahap 1 2026, cakupan BLT di 3 wilayah pilot tidak dapat dihitung: tidak ada keluarga layak di register.",
        "Inclusion error tidak tersedia: belum ada penerima BLT pada tahap ini.",
        "Belum ada nilai alokasi BLT pada tahap ini.",
    ]


def test_first_tranche_and_missing_previous_figure():
    first = totals(prev_year=NAN, prev_tranche=NAN, prev_coverage=NAN, coverage_change=NAN,
                   prev_inclusion_error=NAN, inclusion_error_change=NAN)
    sentences = narrative.overview(first, THREE, "id", program="PKH")
    assert sentences[1] == "Tahap 1 2026 adalah tahap PKH pertama yang dimuat, jadi belum ada tahap sebelumnya untuk dibandingkan."
    assert not any(s.startswith("Dibanding") for s in sentences)
    gap = totals(prev_coverage=NAN, coverage_change=NAN)
    assert narrative.overview(gap, THREE, "id", program="PKH")[1] == (
        "Angka cakupan pada Tahap 4 2025 tidak tersedia, jadi perubahannya belum dapat dinilai."
    )
    assert narrative.overview(gap, THREE, "en", program="PKH")[1] == (
        "There is no figure for coverage in Tranche 4 2025, so the change cannot be assessed."
    )


def test_a_change_that_rounds_to_zero_is_unchanged():
    # 70,04 % after 70,00 %: both show as 70,0 %, so the change shown is 0
    sentences = narrative.overview(totals(coverage=0.7004, coverage_change=0.0004), THREE, "id", program="PKH")
    assert sentences[1] == "Dibanding Tahap 4 2025, cakupan tidak berubah (70,0%)."


def test_a_change_adds_up_with_the_rounded_figures_shown():
    # 76,749 % after 75,551 %: shown as 76,7 % and 75,6 %. The exact change,
    # 1,198 points, would show as "naik 1,2 poin (dari 75,6%)" beside 76,7 %,
    # which does not add up; the change shown is 76,7 − 75,6 = 1,1.
    current = totals(coverage=0.76749, prev_coverage=0.75551, coverage_change=0.01198)
    sentences = narrative.overview(current, THREE, "id", program="PKH")
    assert sentences[0].startswith("Pada Tahap 1 2026, 76,7% keluarga layak")
    assert sentences[1] == "Dibanding Tahap 4 2025, cakupan naik 1,1 poin (dari 75,6%): membaik."
    assert narrative.overview(current, THREE, "en", program="PKH")[1] == (
        "Compared with Tranche 4 2025, coverage rose by 1.1 pp (from 75.6%): an improvement.")


def test_the_largest_movement_is_named():
    # disbursement 97,3 % → 89,0 %: −8,3 points, more than coverage +5,0 and inclusion −1,0
    current = totals(disbursement_rate=0.89, disbursed_amount=89_000_000.0, prev_disbursement_rate=0.973)
    assert ("Perubahan terbesar dibanding Tahap 4 2025: realisasi penyaluran turun 8,3 poin (dari 97,3% menjadi 89,0%): "
            "memburuk.") in narrative.overview(current, THREE, "id", program="PKH")
    assert ("The largest movement since Tranche 4 2025: the disbursement rate fell by 8.3 pp (from 97.3% to 89.0%): "
            "a setback.") in narrative.overview(current, THREE, "en", program="PKH")
    # the inclusion error rising 6,0 points is the largest: worse, and named as such
    worse = totals(inclusion_error=0.12, prev_inclusion_error=0.06, coverage=0.72)
    sentences = narrative.overview(worse, THREE, "id", program="PKH")
    assert "Perubahan terbesar dibanding Tahap 4 2025: inclusion error (naik 6,0 poin)." in sentences
    # two movements of the same size: neither is "the largest"
    tie = totals(inclusion_error=0.0, prev_inclusion_error=0.05)  # −5,0 beside coverage +5,0
    assert not [s for s in narrative.overview(tie, THREE, "id", program="PKH") if s.startswith("Perubahan terbesar")]
    # no previous tranche: no movement at all
    first = totals(prev_year=NAN, prev_tranche=NAN)
    assert not [s for s in narrative.overview(first, THREE, "id", program="PKH") if s.startswith("Perubahan terbesar")]


def test_inclusion_rising_is_a_setback():
    sentences = narrative.overview(totals(inclusion_error_change=0.012, prev_inclusion_error=0.038), THREE, "id", program="PKH")
    assert "Dibanding Tahap 4 2025, inclusion error naik 1,2 poin (dari 3,8%): memburuk." in sentences


def test_pilots_and_comparison_regions_together():
    current = totals(regions=5, pilot_regions=2, comparison_regions=3)
    assert narrative.overview(current, THREE, "id", program="PKH")[0].startswith(
        "Pada Tahap 1 2026, 75,0% keluarga layak di 5 wilayah (2 pilot, 3 pembanding) menerima PKH"
    )
    only_comparison = totals(regions=4, pilot_regions=0, comparison_regions=4)
    assert " across 4 comparison regions " in narrative.overview(only_comparison, THREE, "en", program="PKH")[0]
    assert narrative.scope_label(current.iloc[0], THREE, "en") == "5 regions (2 pilots, 3 comparison)"
    assert narrative.scope_label(totals(regions=1).iloc[0], THREE.iloc[:1], "id") == "Kota Metro"


def test_many_flagged_and_missing_regions_are_named_briefly():
    many = regions(
        ("A", True, 0.9, False), ("B", True, 0.5, False), ("C", True, 0.7, True), ("D", True, 0.7, True),
        ("E", True, 0.7, True), ("F", True, 0.7, True), ("G", True, NAN, False),
    )
    sentences = narrative.overview(totals(regions=7, pilot_regions=7), many, "id", program="PKH")
    assert sentences[-3:] == [
        "Cakupan tertinggi di A (90,0%) dan terendah di B (50,0%).",
        "⚠ 4 wilayah (C, D, E dan 1 lainnya) punya kurang dari 30 keluarga layak: angkanya ditandai dan tidak ikut peringkat.",
        "Cakupan belum tersedia untuk G.",
    ]


def test_empty_selection():
    assert narrative.overview(pd.DataFrame(), THREE, "id", program="PKH") == ["Tidak ada data untuk pilihan ini."]
    assert narrative.overview(pd.DataFrame(), THREE, "en", program="PKH") == ["No data for this selection."]


def test_every_narrative_sentence_has_both_languages():
    keys = sorted(k for k in i18n.STRINGS if k.startswith("ringkasan.narrative."))
    assert len(keys) > 20  # the sentences are still under this prefix
    missing = [key for key in keys if not all(text.strip() for text in i18n.STRINGS[key])]
    assert not missing, missing
