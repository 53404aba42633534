"""The shared filters: drawn in the sidebar on every page, kept in the link
as codes (bansos.urlstate), read by the pages as a resolved `Filters`."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from bansos import fmt, i18n, urlstate
from bansos.ui import session, widgets
from bansos.ui.core import both, period_aliases, period_key, period_label, q, q_many, split_period, tr

GROUPS = ("pilot", "comparison", "all")
BASES = ("desil", "layak")
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def allowed_regions() -> frozenset[str] | None:
    """The kab/kota codes this session may see (its pages' scope), or None
    for every region. A link naming a region outside them shows "outside
    your access" and no numbers for it (bansos.urlstate.resolve_codes), and
    the regions in view, the province list and the region choices are
    limited to them. This only shapes the filters: the data itself is
    limited by the query runner's scope (bansos.ui.core.runner)."""
    return session.regions()


@dataclass(frozen=True)
class Filters:
    province: str | None
    group: str
    regions: tuple[str, ...]          # the regions in view (resolved)
    chosen_regions: tuple[str, ...]   # what the user picked explicitly (may be empty)
    program: str | None
    year: int | None
    tranche: int | None
    as_of: str | None
    basis: str
    periods: tuple[tuple[int, int], ...] = field(default_factory=tuple)  # of the programme, oldest first
    snapshots: tuple[str, ...] = ()   # every register snapshot date loaded, oldest first

    @property
    def before_latest_snapshot(self) -> bool:
        """A later register snapshot than the one in view exists."""
        return self.as_of is not None and bool(self.snapshots) and self.as_of < self.snapshots[-1]

    @property
    def has_period(self) -> bool:
        return self.program is not None and self.year is not None

    def shown_tranche(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows of a per-tranche frame (columns year, tranche) for the
        tranche in view; an empty frame as it is."""
        if frame.empty:
            return frame
        return frame[(frame["year"] == self.year) & (frame["tranche"] == self.tranche)]

    def params(self, *names: str) -> dict:
        """The common query parameters, by name."""
        values = {
            "as_of": self.as_of,
            "basis": self.basis,
            "program": self.program,
            "year": self.year,
            "tranche": self.tranche,
            "province": None,  # regions are already resolved within the province
            "regions": list(self.regions),
        }
        return {name: values[name] for name in names}


# -- options -----------------------------------------------------------------------


# The queries of every page run that take no parameters: the filters' options
# and the header's (programmes, warehouse facts), run at once when the sidebar
# starts. The later calls on the page are cache hits.
WAREHOUSE_WIDE = ("options_regions", "options_periods", "options_snapshots", "programs", "warehouse_meta")


def _options():
    regions, periods, snapshots, *_ = q_many(*((name, {}) for name in WAREHOUSE_WIDE))
    return regions, periods, snapshots


def _allowed_frame(regions: pd.DataFrame) -> pd.DataFrame:
    allowed = allowed_regions()
    return regions if allowed is None or regions.empty else regions[regions.region_code.isin(allowed)]


def region_options(pilots_only: bool = False) -> pd.DataFrame:
    """Every kab/kota the viewer may choose (options_regions, within
    allowed_regions()); with `pilots_only`, the pilots among them."""
    regions = _allowed_frame(q("options_regions"))
    return regions[regions.is_pilot.astype(bool)] if pilots_only and not regions.empty else regions


def regions_in_view(regions: pd.DataFrame, province: str | None, group: str) -> list[str]:
    view = _allowed_frame(regions)
    if province:
        view = view[view.province_code == province]
    if group == "pilot":
        view = view[view.is_pilot]
    elif group == "comparison":
        view = view[~view.is_pilot]
    return list(view.region_code)


def _snapshot_dates(snapshots: pd.DataFrame) -> list[str]:
    if snapshots.empty or not snapshots.as_of.notna().any():
        return []
    return [d.isoformat() for d in pd.to_datetime(snapshots.as_of.dropna()).dt.date]


def _program_periods(periods: pd.DataFrame, program: str) -> list[str]:
    mine = periods[periods.program == program]
    return [period_key(y, t) for y, t in zip(mine.year, mine.tranche)]


# -- the sidebar ------------------------------------------------------------------------


def language() -> None:
    """The language switch, first in the sidebar (every page, also those
    shown to people without access)."""
    with st.sidebar:
        # One label in both languages: the language is not known yet when it is drawn.
        widgets.choice(st.radio, "filter.language", i18n.LANGS, "lang", lambda code, _: LANGUAGE_NAMES[code],
                       default=i18n.DEFAULT_LANG, what_key="filter.language.what", horizontal=True)


def sidebar_filters() -> None:
    """Draw the shared filters in the sidebar, each settled from the link
    first (see bansos.ui.widgets). In the public view the group is the
    pilots, and the snapshot and basis are fixed (the latest, the decile
    basis): one suppressed table serves the whole public view, since two
    tables suppressed apart could give each other's hidden cells away."""
    st.session_state[_UNUSED_SLOT] = None  # this run's slot only (say_unused)
    if session.public():
        _public_fixed()
    sidebar = st.sidebar
    regions, periods, snapshots = _options()
    if regions.empty:
        return
    with sidebar:
        st.subheader(tr("filter.heading"))
        st.session_state[_UNUSED_SLOT] = st.empty()
        _province(regions)
        if not session.public():
            widgets.choice(st.radio, "filter.group", GROUPS, "grup", lambda g, language: i18n.t(f"filter.group.{g}", language),
                           default="pilot", horizontal=True)
        _regions(regions)
        if not periods.empty:
            _program_and_period(periods)
        if session.public():
            st.caption(tr("filter.share"))
            return
        dates = _snapshot_dates(snapshots)
        if dates:
            widgets.choice(st.selectbox, "filter.snapshot", dates[::-1], "snap", fmt.day, default=dates[-1], pinned=True,
                           aliases={d: [d, fmt.day(d, "id"), fmt.day(d, "en")] for d in dates},
                           help=tr("filter.snapshot.help"))
        widgets.choice(st.radio, "filter.basis", BASES, "basis", lambda b, language: i18n.t(f"filter.basis.{b}", language),
                       default="desil", help=tr("filter.basis.help"))
        st.caption(tr("filter.share"))


def _province(regions: pd.DataFrame) -> None:
    everything = regions.drop_duplicates("province_code")
    names = dict(zip(everything.province_code, everything.province_name))
    offered = list(dict.fromkeys(_allowed_frame(regions).province_code))
    raw = urlstate.take("prov")
    if raw is not None:
        allowed = None if allowed_regions() is None else offered
        if allowed is not None:  # provinces outside the access are named as such, not as unknown (see widgets.with_outside)
            reference = q("reference_regions")
            names = {**dict(zip(reference.province_code, reference.province_name)), **names}
        found = urlstate.resolve_codes(raw, names, allowed)
        st.session_state["prov"] = found.codes[0] if found.codes else ""
        what, instead = both("filter.province"), both("filter.province.all")
        if found.unknown:
            urlstate.report("prov", list(found.unknown), what, instead, shown=st.session_state["prov"])
        if found.outside:
            urlstate.report("prov", list(found.outside), what, instead, shown=st.session_state["prov"], reason="outside")
    elif st.session_state.get("prov") not in ["", *offered]:
        st.session_state["prov"] = ""

    def label(code: str, language: str) -> str:
        return names.get(code, code) if code else i18n.t("filter.province.all", language)

    widgets.choice(st.selectbox, "filter.province", ["", *offered], "prov", label, default="", aliases={})


def _regions(regions: pd.DataFrame) -> None:
    state = st.session_state
    group = state["grup"] if state.get("grup") in GROUPS else "pilot"
    in_view = regions_in_view(regions, state.get("prov") or None, group)
    names = dict(zip(regions.region_code, regions.region_name))
    widgets.regions("filter.regions", in_view, "wil", names, default=[], none_key="filter.regions.all",
                    allowed=allowed_regions(), placeholder=tr("filter.regions.placeholder"))


def _program_and_period(periods: pd.DataFrame) -> None:
    programs = list(dict.fromkeys(periods.program))
    aliases = _program_aliases(programs)
    program = widgets.choice(st.selectbox, "filter.program", programs, "prog", lambda code, _: code,
                             default=programs[0], pinned=True, aliases=aliases)
    keys = _program_periods(periods, program)

    def label(code: str, language: str) -> str:
        return period_label(*split_period(code), language=language)

    widgets.choice(st.selectbox, "filter.period", keys[::-1], "tahap", label, default=keys[-1], pinned=True,
                   aliases=period_aliases(keys))


def _program_aliases(programs: list[str]) -> dict[str, list[str]]:
    """Programme codes with their other names from the programme table
    (BPNT for SEMBAKO)."""
    table = q("programs")
    other = {}
    if not table.empty and "aliases" in table:
        other = {row.code: [a.strip() for a in str(row.aliases).split(";") if a.strip()]
                 for row in table.itertuples() if isinstance(row.aliases, str)}
    return {code: other.get(code, []) for code in programs}


def _public_fixed() -> None:
    """The public view's fixed choices: a link asking for another group,
    snapshot or basis is told so (never silently dropped)."""
    state = st.session_state
    dates = _snapshot_dates(q("options_snapshots"))
    latest = dates[-1] if dates else None
    for name, fixed, what, instead in (("grup", "pilot", "filter.group", "filter.group.pilot"),
                                       ("snap", latest, "filter.snapshot", "filter.snapshot.latest"),
                                       ("basis", "desil", "filter.basis", "filter.basis.desil")):
        raw = urlstate.take(name)
        if raw is not None and raw != fixed:
            urlstate.report(name, raw, both(what), both(instead), shown=fixed, reason="outside")
        state[name] = fixed


# -- the resolved filters -------------------------------------------------------------------


_UNUSED_SLOT = "_filters_unused_slot"


def say_unused() -> None:
    """Under the filters' heading: the page being shown does not read them
    (Kualitas Data, Unggah Data show every region and file in the viewer's
    scope). The filters stay drawn, and kept, for the pages that do."""
    slot = st.session_state.get(_UNUSED_SLOT)
    if slot is not None:
        slot.caption(tr("filter.unused"))


def filters() -> Filters:
    """The shared filters as resolved values (defaults where unset)."""
    regions, periods, snapshots = _options()
    state = st.session_state
    province = state.get("prov") or None
    group = state["grup"] if state.get("grup") in GROUPS else "pilot"
    in_view = regions_in_view(regions, province, group) if not regions.empty else []
    chosen = tuple(c for c in (state.get("wil") or []) if c in in_view)
    program = year = tranche = None
    period_list: tuple[tuple[int, int], ...] = ()
    if not periods.empty:
        programs = list(dict.fromkeys(periods.program))
        program = state["prog"] if state.get("prog") in programs else programs[0]
        keys = _program_periods(periods, program)
        period_list = tuple(split_period(k) for k in keys)
        year, tranche = split_period(state["tahap"] if state.get("tahap") in keys else keys[-1])
    dates = _snapshot_dates(snapshots)
    as_of = (state.get("snap") if state.get("snap") in dates else dates[-1]) if dates else None
    basis = state["basis"] if state.get("basis") in BASES else "desil"
    if session.public():
        group, basis = "pilot", "desil"
        as_of = dates[-1] if dates else None
    return Filters(province, group, chosen or tuple(in_view), chosen, program, year, tranche, as_of, basis, period_list,
                   tuple(dates))

