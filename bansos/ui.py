"""Streamlit glue shared by the pages: warehouse access, language, the shared
filters (bound to the URL), page header with the demo label and the rule in
use, tiles, tables, empty states and downloads.

Pages stay thin: they pick queries and charts and lay them out. Numbers come
from queries/, formats from bansos/fmt.py, words from bansos/translations/.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from bansos import fmt, i18n, settings
from bansos.queries import NoWarehouse, QueryError, QueryRunner

# -- warehouse -----------------------------------------------------------------


def app_db_path() -> Path:
    """BANSOS_DB when set; else the real warehouse when it exists; else the demo."""
    explicit = os.environ.get(settings.SETTINGS["db"].env)
    if explicit:
        return Path(explicit)
    return settings.REAL_DB if settings.REAL_DB.exists() else settings.DEMO_DB


@st.cache_resource(show_spinner=False)
def _runner(path: str) -> QueryRunner:
    return QueryRunner(path)


def runner() -> QueryRunner:
    return _runner(str(app_db_path()))


def q(name: str, **params) -> pd.DataFrame:
    """Run a query file; an absent warehouse gives an empty frame."""
    try:
        return runner().run(name, **params)
    except NoWarehouse:
        return pd.DataFrame()


def warehouse_meta() -> dict | None:
    frame = q("warehouse_meta")
    return None if frame.empty else frame.iloc[0].to_dict()


# -- language ------------------------------------------------------------------


def lang() -> str:
    value = st.session_state.get("lang")
    return value if value in i18n.LANGS else i18n.DEFAULT_LANG


def tr(key: str, **values) -> str:
    return i18n.t(key, lang(), **values)


def period_label(year, tranche, short: bool = False) -> str:
    return tr("period.short" if short else "period.label", year=int(year), tranche=int(tranche))


# -- shared filters --------------------------------------------------------------


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

    @property
    def has_period(self) -> bool:
        return self.program is not None and self.year is not None

    @property
    def previous_period(self) -> tuple[int, int] | None:
        if (self.year, self.tranche) in self.periods:
            index = self.periods.index((self.year, self.tranche))
            return self.periods[index - 1] if index > 0 else None
        return None

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

    def describe(self) -> dict:
        """Provenance of a view, for exports."""
        return {
            "province": self.province,
            "group": self.group,
            "regions": list(self.regions),
            "program": self.program,
            "year": self.year,
            "tranche": self.tranche,
            "snapshot": self.as_of,
            "basis": self.basis,
        }


GROUPS = ("pilot", "comparison", "all")
BASES = ("desil", "layak")


def _options():
    regions = q("options_regions")
    periods = q("options_periods")
    snapshots = q("options_snapshots")
    return regions, periods, snapshots


def sidebar_filters() -> None:
    """Render the shared filters in the sidebar. Every widget is bound to the
    URL (`bind="query-params"`), so a copied link reopens the same view."""
    sidebar = st.sidebar
    # One label in both languages: on a shared link's first run the widget
    # has not yet read `lang` from the URL when the label is drawn.
    sidebar.radio(
        "Bahasa / Language", i18n.LANGS, key="lang", bind="query-params", horizontal=True,
        format_func=lambda code: {"id": "Bahasa Indonesia", "en": "English"}[code],
    )
    # Format functions must not read session state: AppTest (and Streamlit
    # when it re-formats a stored value) may call them outside the script
    # run, so the language is captured once here.
    language = lang()

    def text(key: str, **values) -> str:
        return i18n.t(key, language, **values)

    regions, periods, snapshots = _options()
    if regions.empty:
        return
    sidebar.subheader(text("filter.heading"))
    provinces = regions.drop_duplicates("province_code")[["province_code", "province_name"]]
    province_names = dict(zip(provinces.province_code, provinces.province_name))
    sidebar.selectbox(
        text("filter.province"), ["", *province_names], key="prov", bind="query-params",
        format_func=lambda code: province_names.get(code, text("filter.province.all")) if code else text("filter.province.all"),
    )
    sidebar.radio(
        text("filter.group"), GROUPS, key="grup", bind="query-params", horizontal=True,
        format_func=lambda g: text(f"filter.group.{g}"),
    )
    in_view = _regions_in_view(regions, st.session_state.get("prov") or None, st.session_state.get("grup") or "pilot")
    names = dict(zip(regions.region_code, regions.region_name))
    sidebar.multiselect(
        text("filter.regions"), list(in_view), key="wil", bind="query-params",
        format_func=lambda code: f"{names.get(code, code)} ({code})", placeholder=text("filter.regions.placeholder"),
    )
    if not periods.empty:
        programs = list(dict.fromkeys(periods.program))
        sidebar.selectbox(text("filter.program"), programs, key="prog", bind="query-params")
        program = st.session_state.get("prog") or programs[0]
        mine = periods[periods.program == program]
        period_keys = [f"{int(y)}-{int(t)}" for y, t in zip(mine.year, mine.tranche)]
        sidebar.selectbox(
            text("filter.period"), period_keys[::-1], key="tahap", bind="query-params",
            format_func=lambda k: text("period.label", year=int(k.split("-")[0]), tranche=int(k.split("-")[1])),
        )
    if not snapshots.empty and snapshots.as_of.notna().any():
        dates = [d.isoformat() for d in pd.to_datetime(snapshots.as_of).dt.date][::-1]
        sidebar.selectbox(
            text("filter.snapshot"), dates, key="snap", bind="query-params",
            format_func=lambda d: fmt.day(d, language), help=text("filter.snapshot.help"),
        )
    sidebar.radio(
        text("filter.basis"), BASES, key="basis", bind="query-params",
        format_func=lambda b: text(f"filter.basis.{b}"), help=text("filter.basis.help"),
    )
    sidebar.caption(text("filter.share"))


def _regions_in_view(regions: pd.DataFrame, province: str | None, group: str) -> list[str]:
    view = regions
    if province:
        view = view[view.province_code == province]
    if group == "pilot":
        view = view[view.is_pilot]
    elif group == "comparison":
        view = view[~view.is_pilot]
    return list(view.region_code)


def filters() -> Filters:
    """The shared filters as resolved values (defaults where unset)."""
    regions, periods, snapshots = _options()
    state = st.session_state
    province = state.get("prov") or None
    group = state.get("grup") if state.get("grup") in GROUPS else "pilot"
    in_view = _regions_in_view(regions, province, group) if not regions.empty else []
    chosen = tuple(c for c in (state.get("wil") or []) if c in in_view)
    program = year = tranche = None
    period_list: tuple[tuple[int, int], ...] = ()
    if not periods.empty:
        programs = list(dict.fromkeys(periods.program))
        program = state.get("prog") if state.get("prog") in programs else programs[0]
        mine = periods[periods.program == program]
        period_list = tuple((int(y), int(t)) for y, t in zip(mine.year, mine.tranche))
        year, tranche = period_list[-1]
        wanted = state.get("tahap")
        if wanted and "-" in str(wanted):
            y, t = (int(x) for x in str(wanted).split("-", 1))
            if (y, t) in period_list:
                year, tranche = y, t
    as_of = None
    if not snapshots.empty and snapshots.as_of.notna().any():
        dates = [d.isoformat() for d in pd.to_datetime(snapshots.as_of).dt.date]
        as_of = state.get("snap") if state.get("snap") in dates else dates[-1]
    basis = state.get("basis") if state.get("basis") in BASES else "desil"
    return Filters(province, group, chosen or tuple(in_view), chosen, program, year, tranche, as_of, basis, period_list)


# -- page furniture -------------------------------------------------------------


def page_header(title_key: str, intro_key: str | None = None) -> dict | None:
    """Title, the demo label, where the data comes from. Returns the
    warehouse facts (None when there is no warehouse)."""
    st.title(tr(title_key))
    if intro_key:
        st.caption(tr(intro_key))
    meta = warehouse_meta()
    if meta is None:
        st.warning(tr("empty.no_warehouse"))
        return None
    if meta.get("is_demo"):
        st.info(tr("banner.demo"), icon=":material/science:")
    when = meta.get("last_load_at")
    when_text = fmt.day(when, lang()) if when is not None and not pd.isna(when) else fmt.EMPTY
    st.caption(tr("banner.source", path=app_db_path().name, when=when_text))
    return meta


def rule_statement(f: Filters) -> str:
    """The eligibility rule in use, in words (stated on every page that shows
    register-based indicators)."""
    if f.basis == "layak":
        rule = tr("rule.layak")
    else:
        programs = q("programs")
        items = "; ".join(
            tr("rule.desil.item", program=row.code, max_desil=int(row.max_desil))
            for row in programs.itertuples()
            if not pd.isna(row.max_desil)
        )
        rule = tr("rule.desil", items=items)
    return tr("banner.rule", rule=rule)


def show_rule(f: Filters) -> None:
    st.caption(rule_statement(f) + ". " + tr("rule.source"))


def folded(label: str, key: str):
    """A folded section (an expander) whose content the page runs only while
    it is open: `with (box := ui.folded(...)): if box.open: ...`. Opening it
    reruns the page. Tables nobody unfolds cost nothing; they were a large
    part of each page run."""
    return st.expander(label, key=key, on_change="rerun")


def empty_state(key: str) -> None:
    st.info(tr(key), icon=":material/info:")


def has_data(meta: dict | None) -> bool:
    if meta is None:
        return False
    if not (meta.get("families_rows") or meta.get("allocation_rows")):
        empty_state("empty.no_data")
        return False
    return True


def small_n_note() -> None:
    st.caption(tr("word.small_n.note", n=settings.get_int("min_families")))


def ratio_caption(numerator, denominator) -> str:
    """`1.234 dari 5.678 keluarga` — always beside a rate."""
    language = lang()
    return f"{fmt.number(numerator, language)} {tr('word.of')} {fmt.number(denominator, language)} {tr('word.families')}"


def tile(label: str, value: str, delta: str | None = None, lower_is_better: bool = False, help: str | None = None, caption: str | None = None) -> None:
    st.metric(
        label, value, delta=delta, delta_color="inverse" if lower_is_better else "normal",
        help=help, border=True,
    )
    if caption:
        st.caption(caption)


def safe_query(name: str, **params) -> pd.DataFrame | None:
    """Like q(), but shows a message instead of a traceback on a query error."""
    try:
        return q(name, **params)
    except QueryError as error:
        st.error(f"{name}: {error}")
        return None
