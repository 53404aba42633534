"""Words every page says the same way: pilot status, region group, and how
to read a difference in differences (generated from the indicator records,
so the comparison and methodology pages cannot disagree)."""

from __future__ import annotations

from bansos import fmt, i18n, settings
from bansos.indicators import BY_ID, DID_METRICS, did_better
from bansos.ui.core import lang, tr

PILOT_STATUSES = ("confirmed", "reported", "uncertain")


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


def did_reading(metrics=DID_METRICS) -> str:
    """"negative is better for …; positive is better for …", from the records."""
    language = lang()
    parts = []
    for sign in ("negative", "positive"):
        names = [BY_ID[m].label(language) for m in metrics if did_better(m) == sign]
        if names:
            parts.append(tr(f"did.better.{sign}", metrics=tr("word.list", items=", ".join(names[:-1]), last=names[-1])
                            if len(names) > 1 else names[0]))
    return "; ".join(parts)


def direction(indicator_id: str) -> str:
    """"lower is better" / "higher is better" for a rate; for the DiD, how
    its sign reads for each metric."""
    if indicator_id == "did":
        return did_reading()
    return tr("word.lower_better" if BY_ID[indicator_id].lower_is_better else "word.higher_better")
