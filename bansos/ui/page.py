"""Page furniture: the header (title, demo label, data source, notices about
the link), the guard that turns a failing query into a message, the rule in
use, empty states and folded sections."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pandas as pd
import streamlit as st

from bansos import fmt, narrative, settings, urlstate
from bansos.access import AccessDenied
from bansos.ui import account, session
from bansos.ui.core import PageDataError, lang, q, query_error_message, tr, warehouse_meta
from bansos.ui.filters import Filters, filters

_NOTICE_SLOT = "_ui_notice_slot"
log = logging.getLogger("bansos.app")


def page_header(title_key: str, intro_key: str | None = None) -> dict | None:
    """Title, notices about the link, the demo label, where the data comes
    from. Returns the warehouse facts (None when there is no warehouse)."""
    st.title(tr(title_key))
    account.banner()
    # Filled at the end of the run (show_link_notices): a page's own link
    # values are read after this point.
    st.session_state[_NOTICE_SLOT] = st.container()
    if intro_key:
        st.caption(tr(intro_key))
    meta = warehouse_meta()
    if meta is None:
        st.warning(tr("empty.no_warehouse"))
        return None
    if meta.get("is_demo"):
        st.info(tr("banner.demo"), icon=":material/science:")
    when = meta.get("last_load_at")
    source = tr("banner.source.demo" if meta.get("is_demo") else "banner.source.real")
    st.caption(tr("banner.source", source=source, when=fmt.moment(when, lang())))
    return meta


def show_link_notices() -> None:
    """Say what the link asked for that is not shown, and what is shown
    instead (end of every run, under the page title)."""
    slot = st.session_state.pop(_NOTICE_SLOT, None)
    notices = urlstate.notices()
    if slot is None or not notices:
        return
    index = 0 if lang() == "id" else 1
    for notice in notices:
        what = notice.what[index]
        if len(what) > 1 and not what[1].isupper():  # "Tahap awal" → "tahap awal", but "DTSEN" stays
            what = what[0].lower() + what[1:]
        slot.warning(tr(f"url.notice.{notice.reason}", what=what, value=notice.value, instead=notice.instead[index]),
                     icon=":material/link_off:")


def guard(render: Callable[[], None], container=None) -> None:
    """Run a page body (or the sidebar); a query that fails shows a plain
    message instead of a traceback (the details are in the server log)."""
    try:
        render()
    except AccessDenied as error:
        # A section asked for a right the session lacks: a page bug, never a reason to show more.
        log.error("refused inside a page: %s", error)
        (container or st).warning(tr("akses.refused.section"), icon=":material/lock:")
    except PageDataError as error:
        if container is None:
            query_error_message(error)
        else:
            with container:
                query_error_message(error)


def has_data(meta: dict | None) -> bool:
    if meta is None:
        return False
    if not (meta.get("families_rows") or meta.get("allocation_rows")):
        # The upload page is named, and linked, to those who may use it (operators, the local user).
        may_load = session.can("upload")
        notice(tr("empty.no_data") + " " + tr("empty.no_data.upload" if may_load else "empty.no_data.wait"))
        if may_load:
            st.page_link("app_pages/unggah.py", label=tr("empty.no_data.link"), icon=":material/upload:")
        return False
    return True


def start(title_key: str, intro_key: str | None = None, *, rule: bool = True, period: bool = True) -> Filters | None:
    """The common start of a monitoring page: header, the rule in use, and
    the empty states (no data, no tranche, no region). Returns the filters,
    or None when there is nothing to show."""
    if not has_data(page_header(title_key, intro_key)):
        return None
    f = filters()
    if rule:
        show_rule(f)
    if period and not f.has_period:
        empty_state("empty.no_allocations")
        return None
    if not f.regions:
        empty_state("empty.no_regions")
        return None
    return f


def totals_query(f: Filters) -> tuple[str, dict]:
    """The view's totals for every tranche, as a call for q_many."""
    return "totals_by_period", f.params("as_of", "basis", "program", "regions")


def tranche_totals(f: Filters, totals: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The view's totals for every tranche (`totals_query`'s rows, asked by
    the page with its other queries) and those of the tranche shown (one
    row); None, with the empty state, when it has none."""
    current = f.shown_tranche(totals)
    if nothing(current, "empty.no_match"):
        return None
    return totals, current


def rule_statement(f: Filters) -> str:
    """The eligibility rule in use, in words (stated on every page that shows
    register-based indicators)."""
    return narrative.rule(q("programs") if f.basis == "desil" else None, f.basis, lang())


def show_rule(f: Filters) -> None:
    st.caption(rule_statement(f) + ". " + tr("rule.source"))


def folded(label: str, key: str):
    """A folded section (an expander) whose content the page runs only while
    it is open: `with (box := ui.folded(...)): if box.open: ...`. Opening it
    reruns the page. Tables nobody unfolds cost nothing; they were a large
    part of each page run."""
    return st.expander(label, key=key, on_change="rerun")


def failed(*frames: pd.DataFrame | None) -> bool:
    """True, with the plain query-error message, when a section's query
    failed (a frame asked with `safe_query/safe_many(show=False)` is None):
    the message then stands under the section's own heading."""
    if any(frame is None for frame in frames):
        query_error_message()
        return True
    return False


def nothing(frame: pd.DataFrame | None, empty_key: str) -> bool:
    """True when a section has nothing to show: its query failed (the
    message is already shown, see core.safe_query) or returned no rows
    (then the empty state `empty_key` says so)."""
    if frame is not None and frame.empty:
        empty_state(empty_key)
    return frame is None or frame.empty


def empty_state(key: str, **values) -> None:
    notice(tr(key, **values))


def notice(text: str) -> None:
    """An empty state in ready words (several translated sentences joined)."""
    st.info(text, icon=":material/info:")


def registers_note(f: Filters, regions: pd.DataFrame | None) -> None:
    """A caption when the regions shown use registers of different dates
    (`regions`: rows with region_code and register_snapshot, e.g.
    region_indicators'): each region's latest snapshot on or before the one
    chosen, so a pilot and its comparison regions may be months apart."""
    if regions is None or regions.empty or not f.as_of:
        return
    used = regions.drop_duplicates("region_code").register_snapshot.dropna()
    if used.nunique() < 2:
        return
    language = lang()
    counts = pd.to_datetime(used).dt.date.value_counts().sort_index(ascending=False)
    dates = "; ".join(tr("word.registers_differ.part", date=fmt.day(day, language), n=fmt.number(n, language))
                      for day, n in counts.items())
    st.caption(tr("word.registers_differ", dates=dates, as_of=fmt.day(f.as_of, language)))


def small_n_note(of: str = "families") -> None:
    """What ⚠ means; `of="recipients"` where the rates are per recipient."""
    st.caption(tr("word.small_n.note" + (".recipients" if of == "recipients" else ""), n=settings.get_int("min_families")))
