"""The four headline indicators as people read them (Ringkasan's tiles and the
leaders' brief): the rate, its change against the previous tranche, and the
numerator and denominator beside it, from one `totals_by_period` row.

Pure functions, no Streamlit: the page and the brief show the same text
because they call the same code on the same query row. The change is that
of the shown (rounded) rates (bansos.fmt.shown_change), so tile and sentence
add up.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from bansos import fmt, i18n
from bansos.indicators import BY_ID

INDICATORS = ("coverage", "exclusion_error", "inclusion_error", "disbursement_rate")
SMALL_MARK = " ⚠"


@dataclass(frozen=True)
class Headline:
    indicator: str
    label: str
    value: str            # the rate as shown, ⚠ when it rests on too few families
    change: str | None    # percentage points against the previous tranche, signed
    previous: str | None  # the previous tranche, short ("T1 2026")
    caption: str          # numerator and denominator (or why there is no figure), targets
    small: bool
    lower_is_better: bool


def _count(value, lang: str) -> str:
    # A count may come already as shown (the public view's "< 10" and "—").
    return value if isinstance(value, str) else fmt.number(value, lang)


def _amount(value, lang: str) -> str:
    return value if isinstance(value, str) else fmt.rupiah(value, lang, compact=True)


def _is_zero(value) -> bool:
    return not isinstance(value, str) and value == 0


def ratio(numerator, denominator, lang: str) -> str:
    """`1.234 dari 5.678 keluarga` — always beside a rate."""
    return f"{_count(numerator, lang)} {i18n.t('word.of', lang)} {_count(denominator, lang)} {i18n.t('word.families', lang)}"


def targets_text(lang: str, target: float, target_next: float) -> str:
    return i18n.t("ringkasan.tile.targets", lang, target=fmt.pct(target, lang, 0), next=fmt.pct(target_next, lang, 0))


def captions(row: pd.Series, lang: str, *, min_families: int, target: float, target_next: float) -> dict[str, str]:
    """The caption under each headline rate."""
    small_word = " · " + i18n.t("ringkasan.tile.small", lang, n=min_families)
    coverage_small = fmt.is_set(row.get("coverage_small")) and not fmt.is_missing(row.get("coverage"))
    inclusion_small = fmt.is_set(row.get("inclusion_small")) and not fmt.is_missing(row.get("inclusion_error"))
    no_register = i18n.t("ringkasan.tile.no_register", lang)
    targets = targets_text(lang, target, target_next)
    # "No figure" is read from the denominators (a rate is empty exactly when
    # its denominator is empty or 0): in the public view a rate may be hidden
    # while its counts are still shown, as "< 10".
    eligible, assessed = row.get("eligible_families"), row.get("recipients_assessed")
    if fmt.is_missing(eligible) or _is_zero(eligible):
        coverage = exclusion = (no_register if fmt.is_missing(eligible) else i18n.t("ringkasan.tile.no_eligible", lang))
    else:
        small = small_word if coverage_small else ""
        coverage = ratio(row["eligible_covered"], row["eligible_families"], lang) + small
        exclusion = ratio(row["excluded_families"], row["eligible_families"], lang) + " · " + targets + small
    if fmt.is_missing(assessed) or _is_zero(assessed):
        inclusion = i18n.t("ringkasan.tile.no_recipients", lang) if not row.get("recipients") else no_register
    else:
        inclusion = (ratio(row["ineligible_recipients"], row["recipients_assessed"], lang) + " · " + targets
                     + (small_word if inclusion_small else ""))
    amounts = i18n.t("ringkasan.tile.amounts", lang, paid=_amount(row["disbursed_amount"], lang),
                     allocated=_amount(row["allocated_amount"], lang))
    return {"coverage": coverage, "exclusion_error": exclusion, "inclusion_error": inclusion, "disbursement_rate": amounts}


def small_flags(row: pd.Series) -> dict[str, bool]:
    coverage_small = fmt.is_set(row.get("coverage_small")) and not fmt.is_missing(row.get("coverage"))
    inclusion_small = fmt.is_set(row.get("inclusion_small")) and not fmt.is_missing(row.get("inclusion_error"))
    return {"coverage": coverage_small, "exclusion_error": coverage_small, "inclusion_error": inclusion_small,
            "disbursement_rate": False}


def headlines(row: pd.Series, lang: str, *, min_families: int, target: float, target_next: float) -> list[Headline]:
    """The four headline indicators of a `totals_by_period` row."""
    texts = captions(row, lang, min_families=min_families, target=target, target_next=target_next)
    small = small_flags(row)
    previous = None
    if not fmt.is_missing(row.get("prev_year")):
        previous = i18n.t("period.short", lang, year=int(row["prev_year"]), tranche=int(row["prev_tranche"]))
    out = []
    for indicator in INDICATORS:
        value, before = row.get(indicator), row.get(f"prev_{indicator}")
        change = fmt.shown_change(value, before)
        out.append(Headline(
            indicator, BY_ID[indicator].label(lang),
            fmt.pct(value, lang) + (SMALL_MARK if small[indicator] and not fmt.is_missing(value) else ""),
            None if change is None else fmt.pp(change, lang), previous if change is not None else None,
            texts[indicator], small[indicator], BY_ID[indicator].lower_is_better,
        ))
    return out
