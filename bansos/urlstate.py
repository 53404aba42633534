"""The view in the link: the one place that reads and writes `st.query_params`.

A shared link must show the same numbers to whoever opens it, in either
language and after later loads. So every parameter holds a
language-independent code, never a translated label:

    lang=en  prov=18  grup=all|pilot|comparison  wil=18.72 (repeated)
    prog=PKH  tahap=2026-1  snap=2026-01-31  basis=desil|layak
    and each page's own view: pb_t1=2025-4, pb_metric=inclusion_error, ...

Streamlit's `bind="query-params"` would write a selectbox's displayed label
(`tahap=Tahap+1+2026`), which changes with the language, so widgets are not
bound. Instead, one script run goes:

1. `start()` (top of dashboard.py): the link's values this session has not
   written itself are "incoming": a link just opened, or history navigation.
2. Each widget's owner `take()`s its incoming value, resolves it against the
   options it has (codes, and the labels of both languages so that old
   label-style links still open), puts the code in session state (the
   widget's key is the parameter's name) and `report()`s what it could not
   understand. Then it `keep()`s the value shown, to be written to the link.
3. `finish()` (end of dashboard.py) makes the link hold exactly the kept
   values. Page navigation drops parameters from the URL; they come back here.

Pinning: the programme, tranche and snapshot are written even when nobody
chose them (`keep(..., default=None)`), so a link copied at any moment names
the tranche and snapshot it shows; a later load that adds a tranche does not
move it. Parameters whose default never changes (language, group, basis)
are left out at their default.

Access control (to come): regions are resolved by `resolve_codes()`, which
takes the set of codes the viewer may see (None = all) and tells a code that
does not exist from one outside the viewer's access.

Values from the link are untrusted text: they are matched, never evaluated,
never put into SQL (codes are then bound as parameters), and quoted in
notices only through `quote()` (markdown escaped, length capped).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from collections.abc import Iterable, Mapping

import streamlit as st

MAX_VALUE_LENGTH = 120  # a longer value is never matched: it is reported as not understood
MAX_VALUES = 50  # of a repeated parameter, at most this many values are read
QUOTED_LENGTH = 60  # how much of a value not understood a notice quotes

# Session-state keys of this module (the leading underscore keeps them apart
# from widget keys).
_WRITTEN = "_url_written"
_INCOMING = "_url_incoming"
_KEPT = "_url_kept"
_NOTICES = "_url_notices"

Raw = str | list[str]

# Every parameter the app puts in a link, with what its value is.
PARAMETERS = {
    # shared filters (every page)
    "lang": "language: id (default) or en",
    "prov": "province code, e.g. 18",
    "grup": "region group: pilot (default), comparison or all",
    "wil": "kab/kota code, repeated for several, e.g. 18.72",
    "prog": "programme code, e.g. PKH",
    "tahap": "tranche as year-tranche, e.g. 2026-1",
    "snap": "register snapshot date, e.g. 2026-01-31",
    "basis": "eligibility basis: desil (default) or layak",
    # Ringkasan
    "rk_map": "map indicator (an indicator id)",
    # Cakupan & Penyaluran
    "ck_compare": "0 = comparison regions left out of the region chart",
    "ck_region": "kab/kota code of the kecamatan breakdown",
    "ck_kmetric": "kecamatan indicator (an indicator id)",
    # Ketepatan Sasaran
    "ss_t1": "before/after: first tranche (year-tranche)",
    "ss_t2": "before/after: second tranche (year-tranche)",
    # Perbandingan Wilayah
    "pb_metric": "indicator to rank and trend by (an indicator id)",
    "pb_regions": "kab/kota codes compared side by side (repeated)",
    "pb_pilot": "pilot compared with its comparison regions (kab/kota code)",
    "pb_t1": "difference in differences: first tranche (year-tranche)",
    "pb_t2": "difference in differences: second tranche (year-tranche)",
    # Akuntabilitas
    "ak_signal": "signal ranked and listed (a signal id, e.g. double_allocation)",
    # Ekspor Data
    "ek_scope": "export scope: tranche (default), program or all",
    # Kualitas Data
    "kq_file": "quarantine sample: load number",
    "kq_reason": "quarantine sample: reason code",
}


# -- matching (pure functions) -----------------------------------------------------


def fold(text: str) -> str:
    """A form for comparing what people type or old links carry: Unicode
    compatibility form, case folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def match(raw: str, aliases: Mapping[str, Iterable[str]]) -> str | None:
    """The code `raw` names, or None. `aliases` maps each code to the other
    names it may be given by (its labels in both languages). The code itself
    always matches; names match case- and spacing-insensitively."""
    if not isinstance(raw, str) or len(raw) > MAX_VALUE_LENGTH:
        return None
    if raw in aliases:
        return raw
    wanted = fold(raw)
    for code, names in aliases.items():
        if wanted == fold(code) or any(wanted == fold(name) for name in names):
            return code
    return None


_CODE_IN_LABEL = re.compile(r"\((\d{2}(?:\.\d{2})?)\)")
_BARE_DIGITS = re.compile(r"\d{4}")


@dataclass(frozen=True)
class Resolved:
    """Region codes read from a link: those shown, those that do not exist,
    those that exist but are outside the viewer's access."""

    codes: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    outside: tuple[str, ...] = ()


def _region_code(raw: str, names: Mapping[str, str]) -> str | None:
    if len(raw) > MAX_VALUE_LENGTH:
        return None
    text = raw.strip()
    if text in names:
        return text
    found = _CODE_IN_LABEL.search(text)  # "Kota Metro (18.72) · Pilot", an old label-style link
    if found and found.group(1) in names:
        return found.group(1)
    if _BARE_DIGITS.fullmatch(text) and f"{text[:2]}.{text[2:]}" in names:  # "1872"
        return f"{text[:2]}.{text[2:]}"
    by_name = [code for code, name in names.items() if fold(name) == fold(text)]
    return by_name[0] if len(by_name) == 1 else None


def resolve_codes(raw: Raw | None, names: Mapping[str, str], allowed: Iterable[str] | None = None) -> Resolved:
    """The one resolution of region (or province) codes from a link.

    raw:     the link's value(s): codes (`18.72`), old labels
             (`Kota Metro (18.72)`) or names.
    names:   every code that exists → its name.
    allowed: the codes this viewer may see; None = every code (no access
             control yet). A code that exists but is not allowed is reported
             as outside the viewer's access, never shown.
    """
    values = [raw] if isinstance(raw, str) else list(raw or [])
    codes: list[str] = []
    unknown: list[str] = []
    outside: list[str] = []
    allowed_set = None if allowed is None else set(allowed)
    for value in values[:MAX_VALUES]:
        if not isinstance(value, str) or not value.strip():
            continue
        code = _region_code(value, names)
        if code is None:
            unknown.append(value)
        elif allowed_set is not None and code not in allowed_set:
            outside.append(code)
        elif code not in codes:
            codes.append(code)
    if len(values) > MAX_VALUES:
        unknown.append(f"… (+{len(values) - MAX_VALUES})")
    return Resolved(tuple(codes), tuple(unknown), tuple(outside))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=])")


def quote(raw: Raw) -> str:
    """A value from the link made safe to show inside a markdown notice:
    control characters dropped, at most QUOTED_LENGTH characters, every
    markdown / HTML / LaTeX special character escaped, so that it shows as
    the text it is and never renders as anything else."""
    text = ", ".join(map(str, raw)) if isinstance(raw, (list, tuple)) else str(raw)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())
    if len(text) > QUOTED_LENGTH:
        text = text[:QUOTED_LENGTH] + "…"
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


# -- one script run --------------------------------------------------------------------


def _as_raw(values: list[str]) -> Raw:
    return values[-1] if len(values) == 1 else list(values)


def start() -> None:
    """Top of every run: collect the link's values this session did not
    write itself (a link just opened, history navigation). A parameter the
    URL lacks (page navigation drops them) changes nothing. A value no
    widget took yet (a page's own parameter in a link opened on another
    page) waits until its page reads it."""
    state = st.session_state
    written = state.get(_WRITTEN, {})
    incoming: dict[str, Raw] = dict(state.get(_INCOMING, {}))
    for name in st.query_params:
        values = st.query_params.get_all(name)
        if name in PARAMETERS and written.get(name) != values:
            incoming[name] = _as_raw(values)
    state[_INCOMING] = incoming
    state[_KEPT] = {}


def take(name: str) -> Raw | None:
    """The link's new value of `name` (once per run), or None."""
    return st.session_state.get(_INCOMING, {}).pop(name, None)


def keep(name: str, value: str | Iterable[str] | None, default: str | None = None) -> None:
    """Put `name=value` (a code, or codes) in the link at the end of this
    run; a value that is None, empty or equal to `default` is left out."""
    if name not in PARAMETERS:
        raise KeyError(f"{name!r} is not a link parameter (add it to urlstate.PARAMETERS)")
    if value is None or value == default:
        return
    values = [value] if isinstance(value, str) else [str(v) for v in value]
    if values:
        st.session_state.setdefault(_KEPT, {})[name] = values


def finish() -> None:
    """End of every run: the link holds exactly the kept values. App
    parameters that nothing kept this run are removed (a page's own after
    leaving the page); names the app does not know are left alone."""
    state = st.session_state
    kept: dict[str, list[str]] = state.get(_KEPT, {})
    current = {name: st.query_params.get_all(name) for name in st.query_params}
    for name in set(PARAMETERS) - set(kept):
        if name in current:
            del st.query_params[name]
    for name, values in kept.items():
        if current.get(name) != values:
            st.query_params[name] = values if len(values) > 1 else values[0]
    state[_WRITTEN] = dict(kept)


# -- notices -------------------------------------------------------------------------


REASONS = ("unknown", "outside", "not_in_view")


@dataclass(frozen=True)
class Notice:
    """A link value that is not shown, and why: it names nothing known
    ("unknown"), it is outside the viewer's access ("outside"), or it exists
    but not within the other filters ("not_in_view"). Texts are kept in both
    languages (id, en) so the notice follows a language switch."""

    name: str
    value: str  # already quoted (safe markdown)
    what: tuple[str, ...]  # the parameter in words ("region", "tranche")
    instead: tuple[str, ...]  # what is shown instead
    reason: str = "unknown"
    shown: object = field(default=None, compare=False)  # the parameter's value when reported


def report(name: str, raw: Raw, what: tuple[str, ...], instead: tuple[str, ...], shown=None, reason: str = "unknown") -> None:
    """Record that the link's `raw` value of `name` is not shown; `shown`
    is the value used instead (the notice lasts until that changes)."""
    if reason not in REASONS:
        raise ValueError(reason)
    notices: dict[str, list[Notice]] = st.session_state.setdefault(_NOTICES, {})
    notice = Notice(name, quote(raw), tuple(what), tuple(instead), reason, shown)
    mine = notices.setdefault(name, [])
    if notice not in mine:
        mine.append(notice)


def notices() -> list[Notice]:
    """Notices still true: those whose parameter still holds the value used
    instead (once someone changes that filter, its notice goes)."""
    stored: dict[str, list[Notice]] = st.session_state.get(_NOTICES, {})
    current = []
    for name in list(stored):
        value = st.session_state.get(name)
        still = [n for n in stored[name] if _same(n.shown, value)]
        if still:
            stored[name] = still
            current += still
        else:
            del stored[name]
    return current


def _same(a, b) -> bool:
    if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)):
        return list(a or []) == list(b or [])
    return a == b
