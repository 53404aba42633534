"""Sentences generated from the numbers, in the UI language (Ringkasan page).

Pure functions: query frames and a language in, a list of sentences out.
No Streamlit, no SQL, no metric arithmetic: every rate and change comes from
a query (`totals_by_period`, `region_indicators`); this module only decides
which sentence fits the numbers (missing, small, one region or many, better
or worse than the previous tranche, above or below the targets) and formats
them with bansos.fmt. Words live in bansos/translations/ringkasan.py under
`ringkasan.narrative.*`.
"""

from __future__ import annotations


import pandas as pd

from bansos import fmt, i18n

PREFIX = "ringkasan.narrative."
NAMES_SHOWN = 3
# The headline rates whose movement against the previous tranche is weighed
# for "the largest movement" (the exclusion error is left out: it moves
# exactly as much as coverage, the other way).
MOVEMENTS = (("coverage", False), ("inclusion_error", True), ("disbursement_rate", False))


def _t(key: str, lang: str, **values) -> str:
    return i18n.t(PREFIX + key, lang, **values)


def _flag(value) -> bool:
    return False if fmt.is_missing(value) else bool(value)


def _period(year, tranche, lang: str) -> str:
    return i18n.t("period.label", lang, year=int(year), tranche=int(tranche))


def _names(names: list[str], lang: str) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    rest = len(names) - NAMES_SHOWN
    return shown if rest <= 0 else _t("names_more", lang, names=shown, n=rest)


def where(current: pd.Series, regions: pd.DataFrame, lang: str) -> str:
    """"di Kota Metro" for one region, "di 14 wilayah pilot" for many."""
    total = int(current.get("regions", len(regions)) or 0)
    pilots = int(current.get("pilot_regions", 0) or 0)
    comparison = int(current.get("comparison_regions", 0) or 0)
    if total == 1 and len(regions) == 1:
        return _t("where.one", lang, name=regions.iloc[0]["region_name"])
    if comparison == 0:
        return _t("where.pilots", lang, n=total)
    if pilots == 0:
        return _t("where.comparison", lang, n=total)
    return _t("where.mixed", lang, n=total, pilots=pilots, comparison=comparison)


def scope_label(current: pd.Series, regions: pd.DataFrame, lang: str) -> str:
    """"Kota Metro" for one region, "14 wilayah pilot" for many (page context line)."""
    total = int(current.get("regions", len(regions)) or 0)
    pilots = int(current.get("pilot_regions", 0) or 0)
    comparison = int(current.get("comparison_regions", 0) or 0)
    if total == 1 and len(regions) == 1:
        return str(regions.iloc[0]["region_name"])
    if comparison == 0:
        return _t("scope.pilots", lang, n=total)
    if pilots == 0:
        return _t("scope.comparison", lang, n=total)
    return _t("scope.mixed", lang, n=total, pilots=pilots, comparison=comparison)


def _target_status(rate: float, target: float, target_next: float, lang: str) -> str:
    values = dict(target=fmt.pct(target, lang, 0), next=fmt.pct(target_next, lang, 0))
    if rate < target_next:
        return _t("status.below", lang, **values)
    if rate < target:
        return _t("status.between", lang, **values)
    return _t("status.above", lang, **values)


def _movement(current: pd.Series, column: str) -> float | None:
    """The change of a rate as the reader can check it: the shown value
    minus the shown previous value (see fmt.shown_change)."""
    return fmt.shown_change(current.get(column), current.get(f"prev_{column}"))


def _change(metric_key: str, current: pd.Series, column: str, lang: str, lower_is_better: bool) -> str | None:
    """The sentence on the change of one rate against the previous tranche."""
    prev_year, prev_tranche = current.get("prev_year"), current.get("prev_tranche")
    metric = _t(f"metric.{metric_key}", lang)
    if fmt.is_missing(prev_year) or fmt.is_missing(prev_tranche):
        return None
    prev_period = _period(prev_year, prev_tranche, lang)
    prev = current.get(f"prev_{column}")
    change = _movement(current, column)
    if change is None:
        return _t("change.prev_missing", lang, metric=metric, prev_period=prev_period)
    values = dict(metric=metric, prev_period=prev_period, prev=fmt.pct(prev, lang))
    if change == 0:
        return _t("change.same", lang, **values)
    return _t(f"change.{'up' if change > 0 else 'down'}", lang, change=fmt.pp(abs(change), lang).lstrip("+"),
              verdict=_verdict(change, lower_is_better, lang), **values)


def _verdict(change: float, lower_is_better: bool, lang: str) -> str:
    better = (change < 0) if lower_is_better else (change > 0)
    return _t("verdict.better" if better else "verdict.worse", lang)


def largest_movement(current: pd.Series, lang: str) -> str | None:
    """The largest movement against the previous tranche among the headline
    rates, named in a sentence of its own (so a drop in disbursement is not
    lost beside the coverage and error sentences). None when no rate moved
    or two moved equally much."""
    if fmt.is_missing(current.get("prev_year")):
        return None
    moves = [(abs(change), key, change, lower) for key, lower in MOVEMENTS
             if (change := _movement(current, key)) is not None and change != 0]
    moves.sort(reverse=True)
    if not moves or (len(moves) > 1 and moves[0][0] == moves[1][0]):
        return None
    _, key, change, lower = moves[0]
    values = dict(prev_period=_period(current["prev_year"], current["prev_tranche"], lang), metric=_t(f"metric.{key}", lang),
                  change=fmt.pp(abs(change), lang).lstrip("+"), direction=_t("up" if change > 0 else "down", lang))
    if key == "disbursement_rate":  # not described elsewhere: say it in full
        return _t("largest.full", lang, prev=fmt.pct(current.get(f"prev_{key}"), lang), now=fmt.pct(current.get(key), lang),
                  verdict=_verdict(change, lower, lang), **values)
    return _t("largest", lang, **values)


def coverage_sentences(current: pd.Series, regions: pd.DataFrame, lang: str, program: str, basis: str, min_families: int) -> list[str]:
    period = _period(current["year"], current["tranche"], lang)
    place = where(current, regions, lang)
    coverage = current.get("coverage")
    if fmt.is_missing(coverage):
        eligible = current.get("eligible_families")
        if fmt.is_missing(eligible):
            key = "coverage.no_decisions" if basis == "layak" else "coverage.no_register"
        else:
            key = "coverage.no_eligible"
        return [_t(key, lang, period=period, program=program, where=place)]
    out = [_t(
        "coverage", lang, period=period, rate=fmt.pct(coverage, lang), where=place, program=program,
        num=fmt.number(current.get("eligible_covered"), lang), den=fmt.number(current.get("eligible_families"), lang),
    )]
    if _flag(current.get("coverage_small")):
        out.append(_t("coverage.small", lang, n=min_families))
    if fmt.is_missing(current.get("prev_year")):
        out.append(_t("change.first", lang, period=period, program=program))
    elif change := _change("coverage", current, "coverage", lang, lower_is_better=False):
        out.append(change)
    return out


def error_sentences(current: pd.Series, lang: str, program: str, target: float, target_next: float, min_families: int) -> list[str]:
    out: list[str] = []
    exclusion = current.get("exclusion_error")
    if not fmt.is_missing(exclusion):
        out.append(_t(
            "exclusion", lang, rate=fmt.pct(exclusion, lang),
            num=fmt.number(current.get("excluded_families"), lang), den=fmt.number(current.get("eligible_families"), lang),
            status=_target_status(exclusion, target, target_next, lang),
        ))
    out.append(inclusion_sentence(current, lang, program, target, target_next))
    if fmt.is_missing(current.get("inclusion_error")):
        return out
    if _flag(current.get("inclusion_small")):
        out.append(_t("inclusion.small", lang, n=min_families))
    change = _change("inclusion_error", current, "inclusion_error", lang, lower_is_better=True)
    if change:
        out.append(change)
    return out


def inclusion_sentence(current: pd.Series, lang: str, program: str, target: float, target_next: float) -> str:
    """The inclusion error against the targets, or why there is none."""
    inclusion = current.get("inclusion_error")
    # The inclusion error counts recipients of regions with a register only.
    recipients = current.get("recipients_assessed", current.get("recipients"))
    if fmt.is_missing(inclusion):
        if fmt.is_missing(recipients) or recipients == 0:
            return _t("inclusion.no_recipients", lang, program=program)
        return _t("inclusion.no_register", lang)
    return _t(
        "inclusion", lang, rate=fmt.pct(inclusion, lang),
        num=fmt.number(current.get("ineligible_recipients"), lang), den=fmt.number(recipients, lang),
        status=_target_status(inclusion, target, target_next, lang),
    )


def disbursement_sentence(current: pd.Series, lang: str, program: str) -> str:
    rate = current.get("disbursement_rate")
    if fmt.is_missing(rate):
        return _t("disbursement.none", lang, program=program)
    return _t(
        "disbursement", lang, rate=fmt.pct(rate, lang),
        paid=fmt.rupiah(current.get("disbursed_amount"), lang, compact=True),
        allocated=fmt.rupiah(current.get("allocated_amount"), lang, compact=True),
    )


def region_sentences(regions: pd.DataFrame, lang: str, min_families: int) -> list[str]:
    """Best and worst coverage among regions with enough families, and which
    regions are flagged or have no figure. Only when several regions are shown."""
    if len(regions) < 2:
        return []
    out: list[str] = []
    rated = regions[regions["coverage"].notna()]
    small = rated[rated["coverage_small"].fillna(False).astype(bool)]
    ranked = rated[~rated["coverage_small"].fillna(False).astype(bool)].sort_values("coverage", ascending=False, kind="stable")
    if len(ranked) >= 2:
        best, worst = ranked.iloc[0], ranked.iloc[-1]
        out.append(_t(
            "ranking", lang, best=best["region_name"], best_rate=fmt.pct(best["coverage"], lang),
            worst=worst["region_name"], worst_rate=fmt.pct(worst["coverage"], lang),
        ))
    if len(small):
        key = "small_regions.one" if len(small) == 1 else "small_regions"
        out.append(_t(key, lang, n=len(small), names=_names(list(small["region_name"]), lang), min=min_families))
    missing = regions[regions["coverage"].isna()]
    if len(missing) and len(missing) < len(regions):  # all missing: the first sentence said so
        key = "missing_regions.one" if len(missing) == 1 else "missing_regions"
        out.append(_t(key, lang, n=len(missing), names=_names(list(missing["region_name"]), lang)))
    return out


def overview(
    current: pd.DataFrame,
    regions: pd.DataFrame,
    lang: str,
    *,
    program: str,
    basis: str = "desil",
    target: float = 0.10,
    target_next: float = 0.05,
    min_families: int = 30,
) -> list[str]:
    """The overview's sentences.

    current: the `totals_by_period` row of the tranche shown (first row used).
    regions: `region_indicators` rows of the same programme and tranche (needs
             region_name, coverage, coverage_small).
    """
    if current is None or current.empty:
        return [_t("empty", lang)]
    row = current.iloc[0]
    regions = regions if regions is not None else pd.DataFrame(columns=["region_name", "coverage", "coverage_small"])
    sentences: list[str | None] = [*coverage_sentences(row, regions, lang, program, basis, min_families)]
    sentences += error_sentences(row, lang, program, target, target_next, min_families)
    sentences.append(disbursement_sentence(row, lang, program))
    sentences.append(largest_movement(row, lang))
    sentences += region_sentences(regions, lang, min_families)
    return [s for s in sentences if s]


def rule(programs: pd.DataFrame | None, basis: str, lang: str) -> str:
    """The eligibility rule in use, in words (every page that shows
    register-based indicators, and the brief). `programs`: the `programs`
    query (thresholds), needed on the decile basis."""
    if basis == "layak":
        text = i18n.t("rule.layak", lang)
    elif programs is None:
        raise ValueError("the decile rule needs the programs query (its thresholds)")
    else:
        items = "; ".join(
            i18n.t("rule.desil.item", lang, program=row.code, max_desil=int(row.max_desil))
            for row in programs.itertuples()
            if not pd.isna(row.max_desil)
        )
        text = i18n.t("rule.desil", lang, items=items)
    return i18n.t("banner.rule", lang, rule=text)


def brief(
    current: pd.DataFrame,
    regions: pd.DataFrame,
    lang: str,
    *,
    program: str,
    basis: str = "desil",
    target: float = 0.10,
    target_next: float = 0.05,
    hidden: frozenset[str] = frozenset(),
) -> list[str]:
    """Three sentences for the leaders' brief, from the same rows as the
    overview: coverage, the inclusion error against the targets, and the
    largest movement since the previous tranche (else the disbursement).
    `hidden`: rates the public view does not show (small numbers), which
    the sentences then say are not shown, never why they would be empty."""
    if current is None or current.empty:
        return [_t("empty", lang)]
    row = current.iloc[0]
    regions = regions if regions is not None else pd.DataFrame(columns=["region_name", "coverage", "coverage_small"])
    period, place = _period(row["year"], row["tranche"], lang), where(row, regions, lang)

    def withheld(metric: str) -> str:
        return _t("hidden", lang, period=period, program=program, where=place, metric=_t(f"metric.{metric}", lang))

    coverage = (withheld("coverage") if "coverage" in hidden
                else coverage_sentences(row, regions, lang, program, basis, min_families=0)[0])
    inclusion = (withheld("inclusion_error") if "inclusion_error" in hidden
                 else inclusion_sentence(row, lang, program, target, target_next))
    third = largest_movement(row, lang) or (withheld("disbursement_rate") if "disbursement_rate" in hidden
                                            else disbursement_sentence(row, lang, program))
    return [coverage, inclusion, third]
