"""Number formats for people: Indonesian by default (`1.234.567`,
`Rp 600.000`, `12,5%`), English separators when the UI is in English.
An empty value (a rate whose denominator is 0) shows as an en dash, never 0.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone

import pandas as pd

EMPTY = "–"
# Load times are stored in UTC; people read them in Western Indonesian Time
# (Asia/Jakarta, UTC+7 all year: Indonesia has no daylight saving time).
WIB = timezone(timedelta(hours=7), "WIB")


def is_missing(value) -> bool:
    """None, NaN, pandas NA/NaT: a value to show as empty, never as 0."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(math.isnan(value))
    except (TypeError, ValueError):
        return False


def is_set(value) -> bool:
    """A yes/no flag that may be missing (a small-number flag of a region
    without a figure): missing counts as no."""
    return not is_missing(value) and bool(value)


def _swap(text: str, lang: str) -> str:
    # Python formats with "," thousands and "." decimals; Indonesian swaps them.
    if lang == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def number(value, lang: str = "id", decimals: int = 0) -> str:
    if is_missing(value):
        return EMPTY
    return _swap(f"{value:,.{decimals}f}", lang)


def rupiah(value, lang: str = "id", compact: bool = False) -> str:
    if is_missing(value):
        return EMPTY
    if compact:
        for size, unit_id, unit_en in ((1e12, "T", "T"), (1e9, "M", "B"), (1e6, "jt", "M")):
            if abs(value) >= size:
                return "Rp " + _swap(f"{value / size:,.1f}", lang) + " " + (unit_en if lang == "en" else unit_id)
    return "Rp " + number(value, lang)


def pct(value, lang: str = "id", decimals: int = 1) -> str:
    if is_missing(value):
        return EMPTY
    return _swap(f"{value * 100:,.{decimals}f}", lang) + "%"


def pp(value, lang: str = "id", decimals: int = 1) -> str:
    """A change of a rate, in percentage points, always signed."""
    if is_missing(value):
        return EMPTY
    unit = " pp" if lang == "en" else " poin"
    return _swap(f"{value * 100:+,.{decimals}f}", lang) + unit


def day(value, lang: str = "id") -> str:
    if is_missing(value):
        return EMPTY
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    months_id = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
    months_en = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    months = months_en if lang == "en" else months_id
    return f"{value.day} {months[value.month - 1]} {value.year}"


def moment(value, lang: str = "id", part: str = "both") -> str:
    """A point in time (stored as UTC, naive or aware) in WIB, labelled:
    `5 Des 2026 06.41 WIB` / `5 Dec 2026 06:41 WIB`; part="day" gives the
    day in WIB, part="time" the time of day with its zone."""
    if is_missing(value):
        return EMPTY
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    local = stamp.tz_convert(WIB)
    clock = (local.strftime("%H:%M") if lang == "en" else local.strftime("%H.%M")) + " WIB"
    when = day(local.date(), lang)
    return {"day": when, "time": clock}.get(part, f"{when} {clock}")


def shown_pct(value, decimals: int = 1) -> float | None:
    """The percentage exactly as `pct` shows it (rounded), as a number."""
    if is_missing(value):
        return None
    return float(f"{value * 100:.{decimals}f}")


def shown_change(value, previous, decimals: int = 1) -> float | None:
    """The change between two rates as the reader can check it: the shown
    (rounded) value minus the shown previous value, as a fraction. So
    "76,7% … naik 1,1 poin (dari 75,6%)" always adds up, where the exact
    change (1,15 points) would show as 1,2."""
    now, before = shown_pct(value, decimals), shown_pct(previous, decimals)
    if now is None or before is None:
        return None
    return round(now - before, decimals) / 100


def by_format(value, kind: str, lang: str = "id") -> str:
    """Format by an indicator's `format` field."""
    if kind == "pct":
        return pct(value, lang)
    if kind == "rp":
        return rupiah(value, lang)
    if kind == "pp":
        return pp(value, lang)
    if kind == "int":
        return number(value, lang)
    if kind == "date":
        return day(value, lang)
    return EMPTY if is_missing(value) else str(value)


def region_short(name) -> str:
    """`Kabupaten Lombok Timur` → `Kab. Lombok Timur`: the usual abbreviation,
    in every chart and table on screen (labels that fit a phone); files keep
    the full name."""
    if not isinstance(name, str):
        return "" if is_missing(name) else str(name)
    return "Kab. " + name[len("Kabupaten "):] if name.startswith("Kabupaten ") else name


def plotly_separators(lang: str) -> str:
    """Plotly's `separators`: decimal then thousands."""
    return ".," if lang == "en" else ",."
