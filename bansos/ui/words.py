"""Words every page says the same way: pilot status, region group, and how
to read a difference in differences (generated from the indicator records,
so the comparison and methodology pages cannot disagree)."""

from __future__ import annotations

import re


from bansos import fmt, i18n, settings
from bansos.indicators import BY_ID, DID_METRICS, did_better
from bansos.ui.core import lang, tr

PILOT_STATUSES = ("confirmed", "reported", "uncertain")
# The loader states a file's warnings in English; known ones are said in the
# language shown (Kualitas Data's ledger, Unggah Data's results).
LOAD_WARNINGS = ((re.compile(r"decoded as Windows-1252"), "kualitas.warning.cp1252"),
                 (re.compile(r"read sheet '(?P<sheet>[^']*)'"), "kualitas.warning.sheet"))


def pilot_status(code) -> str:
    """A pilot-list status in the language shown (the list stores English
    codes: confirmed, reported, uncertain); empty for non-pilots."""
    if not isinstance(code, str) or fmt.is_missing(code):
        return ""
    key = f"word.status.{code}"
    return tr(key) if key in i18n.STRINGS else code


def group(is_pilot) -> str:
    return tr("word.pilot") if bool(is_pilot) else tr("word.comparison")


def targets() -> tuple[float, float]:
    """The error targets in use: this year's and the next, stricter one."""
    return settings.get_float("target_2026"), settings.get_float("target_next")


def target_labels() -> dict:
    """The two target lines' labels, as the chart builders take them."""
    target, target_next = targets()
    language = lang()
    return {"target_now": tr("target.line", year=2026, value=fmt.pct(target, language, 0)),
            "target_next": tr("target.next", value=fmt.pct(target_next, language, 0))}


def label(indicator_id: str) -> str:
    """An indicator's name in the language shown (from its record)."""
    return BY_ID[indicator_id].label(lang())


def did_help(indicator_id: str) -> str:
    """What a DiD of this metric means, and which sign is better."""
    return tr(f"did.help.{did_better(indicator_id)}", metric=BY_ID[indicator_id].label(lang()))


def did_reading(metrics=DID_METRICS, language: str | None = None) -> str:
    """"negative is better for …; positive is better for …", from the records,
    in the language shown (or the one given: docs/indicators.md is English)."""
    language = language or lang()
    parts = []
    for sign in ("negative", "positive"):
        names = [BY_ID[m].label(language) for m in metrics if did_better(m) == sign]
        if names:
            listed = (i18n.t("word.list", language, items=", ".join(names[:-1]), last=names[-1])
                      if len(names) > 1 else names[0])
            parts.append(i18n.t(f"did.better.{sign}", language, metrics=listed))
    return "; ".join(parts)


def direction(indicator_id: str, language: str | None = None) -> str:
    """"lower is better" / "higher is better" / neither for a rate; for the
    DiD, how its sign reads for each metric."""
    if indicator_id == "did":
        return did_reading(language=language)
    record = BY_ID[indicator_id]
    key = "word.no_better" if record.neutral else "word.lower_better" if record.lower_is_better else "word.higher_better"
    return tr(key) if language is None else i18n.t(key, language)


def reason_label(code: str, language: str | None = None) -> str:
    """A quarantine reason code's meaning (bansos.contract.REASONS), in words."""
    key = f"kualitas.reason.{code}"
    return i18n.t(key, language or lang()) if key in i18n.STRINGS else code


def load_warnings(text) -> str:
    """A load's warnings ("; "-separated, as the ledger stores them) in the
    language shown where they are known, as given otherwise."""
    if not isinstance(text, str) or not text:
        return ""
    parts = []
    for part in text.split("; "):
        found = [(pattern.search(part), key) for pattern, key in LOAD_WARNINGS]
        match = next(((m, key) for m, key in found if m), None)
        parts.append(tr(match[1], **match[0].groupdict()) if match else part)
    return "; ".join(parts)


def no_registration_data(f) -> str:
    """Why a view has no registration data, and what may show some: the
    Pilots group (only pilot registers hold it), a later snapshot (an older
    one may be DTSEN only), either, or neither (`f`: ui.Filters)."""
    other_group = f.group != "pilot"
    later = f.before_latest_snapshot
    advice = "both" if other_group and later else "pilots" if other_group else "later" if later else None
    return tr("pendaftaran.none") + ("" if advice is None else " " + tr(f"pendaftaran.none.{advice}"))
