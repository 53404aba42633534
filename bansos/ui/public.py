"""The public view: every figure a visitor who is not logged in sees comes
from one table, suppressed once.

The table is the pilots' region indicators for every programme and tranche
at once (the latest register snapshot, the decile basis) with a total row
of all pilots per programme and tranche, put through
`suppress.public_region_indicators`: counts of 1..k-1 families read "< k",
and whatever would let a reader subtract their way to one (a total, a
complement, another tranche) is hidden ("—"). Pages of the public view
(app_pages/publik/) show rows of this table only: a total over a subset of
pilots, a sum across programmes or a second snapshot would be new figures
outside the suppression, and are never computed. Rates are shown where the
table shows them; a change between tranches only where both ends are shown.

It is built once per data version (a few seconds on the demo) and kept.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from bansos import export, fmt, settings, suppress
from bansos.access import pilot_regions
from bansos.indicators import BY_ID
from bansos.ui import session
from bansos.ui.core import PageDataError, _runner, app_db_path, lang, period_label, tr
from bansos.ui.filters import Filters

TOTAL = suppress.TOTAL_LABEL
COUNTS = suppress.REGION_INDICATORS.counts
AMOUNTS = tuple(a.name for a in suppress.REGION_INDICATORS.amounts)
RATES = tuple(r.name for r in suppress.REGION_INDICATORS.rates)
DASH = "—"
FAILED = "failed"
log = logging.getLogger("bansos.app")


@st.cache_resource(show_spinner=False, max_entries=4)
def _table(path: str, version: str, k: int) -> suppress.Suppressed | str | None:
    # The version is part of the key: a load makes a new table, never a mixed one.
    pilots = tuple(sorted(pilot_regions()))
    raw = _runner(path, pilots).run("region_indicators", as_of=None, basis="desil", program=None, year=None, tranche=None,
                                    province=None, regions=None)
    raw = raw[raw["region_code"].isin(pilots)]
    if raw.empty:
        return None
    try:
        return suppress.public_region_indicators(raw.reset_index(drop=True), k)
    except (RuntimeError, ValueError) as error:
        # A table the suppression cannot protect is never shown, not even in part (kept: it fails the same way).
        log.error("public view: suppression failed, nothing is published: %s", error)
        return FAILED


def table() -> suppress.Suppressed | None:
    """The suppressed public table (None when nothing is loaded), for the
    public view's pages."""
    if not session.public():
        raise PermissionError("the public table is for the public view")
    path = str(app_db_path())
    pilots = tuple(sorted(pilot_regions()))
    version = _runner(path, pilots).version()
    with st.spinner(tr("publik.building")):
        found = _table(path, version, settings.get_int("suppress_k"))
    if isinstance(found, str):
        raise PageDataError("public table")
    return found


@dataclass(frozen=True)
class View:
    """The public table as one page shows it: the tranche in view."""

    sup: suppress.Suppressed
    f: Filters

    @property
    def k(self) -> int:
        return self.sup.k

    def _of(self, program, year=None, tranche=None) -> pd.Series:
        values = self.sup.values
        mask = values["program"] == program
        if year is not None:
            mask &= (values["year"] == year) & (values["tranche"] == tranche)
        return mask

    def regions(self, year=None, tranche=None) -> pd.DataFrame:
        """The pilots in view (their rows of the table), for the tranche shown."""
        values = self.sup.values
        mask = self._of(self.f.program, year or self.f.year, tranche or self.f.tranche)
        mask &= values["region_code"].isin(self.f.regions)
        return values[mask].sort_values(["province_code", "region_code"])

    def total_label(self, year=None, tranche=None):
        """The index label of the all-pilots row, or None."""
        values = self.sup.values
        found = values.index[self._of(self.f.program, year or self.f.year, tranche or self.f.tranche)
                             & (values["region_code"] == TOTAL)]
        return found[0] if len(found) else None

    def history(self) -> pd.DataFrame:
        """The all-pilots rows of the programme, oldest tranche first."""
        values = self.sup.values
        rows = values[self._of(self.f.program) & (values["region_code"] == TOTAL)]
        return rows.sort_values(["year", "tranche"])

    def previous_label(self):
        """The all-pilots row of the tranche before the one shown."""
        keys = list(self.f.periods)
        here = (self.f.year, self.f.tranche)
        if here not in keys or keys.index(here) == 0:
            return None
        return self.total_label(*keys[keys.index(here) - 1])

    # -- words for cells --------------------------------------------------------------

    def status(self, label, column: str) -> str:
        return self.sup.status.at[label, column]

    def count(self, label, column: str, language: str | None = None) -> str:
        language = language or lang()
        return self.sup.text(label, column, fmt.number(self.sup.values.at[label, column], language))

    def rate(self, label, column: str, language: str | None = None) -> str:
        language = language or lang()
        value = self.sup.values.at[label, column]
        return DASH if fmt.is_missing(value) else fmt.pct(value, language)

    def amount(self, label, column: str, language: str | None = None) -> str:
        language = language or lang()
        return self.sup.text(label, column, fmt.rupiah(self.sup.values.at[label, column], language, compact=True))

    def ratio(self, label, rate: str) -> str:
        """"x of y families" beside a rate, each count as the table shows it."""
        numerator, denominator = {r.name: (r.numerator, r.denominator) for r in self.sup.spec.rates}[rate]
        if rate == "disbursement_rate":
            return tr("publik.amounts", paid=self.amount(label, numerator), allocated=self.amount(label, denominator))
        return f"{self.count(label, numerator)} {tr('word.of')} {self.count(label, denominator)} {tr('word.families')}"

    def change(self, label, previous, rate: str) -> float | None:
        """The change of a rate since the tranche before: only where both are shown."""
        if previous is None:
            return None
        values = self.sup.values
        found = suppress.change(pd.Series([values.at[label, rate]]), pd.Series([values.at[previous, rate]])).iloc[0]
        return None if fmt.is_missing(found) else float(found)

    def texts(self, frame: pd.DataFrame) -> pd.DataFrame:
        """For ui.table: "< k" and "—" over every withheld cell of `frame`
        (rows of the table), None elsewhere."""
        out = pd.DataFrame(index=range(len(frame)))
        spec = self.sup.spec
        for column in [c for c in (*spec.counts, *(a.name for a in spec.amounts), *(r.name for r in spec.rates))
                       if c in frame.columns]:
            status = self.sup.status.loc[frame.index, column].to_numpy()
            out[column] = [f"< {self.k}" if s == suppress.SMALL else (DASH if s == suppress.HIDDEN else None)
                           for s in status]
        return out

    def plain(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Rows for a chart builder: numbers as floats (withheld = NaN), the
        small-number flags only where the denominator is shown."""
        spec = self.sup.spec
        numeric = [c for c in (*spec.counts, *(a.name for a in spec.amounts), *(r.name for r in spec.rates))
                   if c in frame.columns]
        out = frame.copy()
        for column in numeric:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
        if "is_pilot" in out:
            out["is_pilot"] = True
        return self.flags(out) if "eligible_families" in out else out

    def withheld(self, frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        """`columns` of rows of the table for a download: withheld cells empty,
        and a column `withheld` naming them."""
        out = frame[columns].copy()
        out["withheld"] = ["; ".join(f"{c} <{self.k}" if self.status(label, c) == suppress.SMALL else f"{c} {DASH}"
                                     for c in columns if c in self.sup.status.columns
                                     and self.status(label, c) in (suppress.SMALL, suppress.HIDDEN))
                           for label in frame.index]
        return out.reset_index(drop=True)

    def ordered(self, frame: pd.DataFrame, rate: str) -> pd.Series:
        """Order (1 = best) among the rows whose `rate` is shown: derived
        from published figures only, so it tells nothing they do not."""
        shown = pd.to_numeric(frame[rate], errors="coerce").astype("float64")
        return shown.rank(method="min", ascending=BY_ID[rate].lower_is_better)

    def flags(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The small-number flags (⚠ under BANSOS_MIN_FAMILIES families), set
        only where the denominator is shown: a flag on a hidden count would
        tell a reader something about it."""
        min_n = settings.get_int("min_families")
        return frame.assign(
            coverage_small=[fmt.is_set(v < min_n) if not fmt.is_missing(v) else False for v in frame["eligible_families"]],
            inclusion_small=[fmt.is_set(v < min_n) if not fmt.is_missing(v) else False for v in frame["recipients"]],
        )


def view(f: Filters) -> View | None:
    sup = table()
    return None if sup is None else View(sup, f)


# -- the registration funnel ---------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=4)
def _funnel(path: str, version: str, k: int) -> suppress.Suppressed | str | None:
    pilots = tuple(sorted(pilot_regions()))
    raw = _runner(path, pilots).run("funnel", as_of=None, program=None, year=None, tranche=None, province=None,
                                    regions=None)
    # Regions whose register holds no new registration have no registration data (not zeros).
    raw = raw[raw["region_code"].isin(pilots) & (raw["new_registrations"] > 0)]
    if raw.empty:
        return None
    raw = raw.drop(columns=["recipients", "paid", "self_registered_share", "layak_rate", "upheld_rate"])
    try:
        return suppress.public_funnel(raw.reset_index(drop=True), k)
    except (RuntimeError, ValueError) as error:
        log.error("public view: funnel suppression failed, nothing is published: %s", error)
        return FAILED


def funnel(f: Filters) -> View | None:
    """The pilots' registration funnel at the latest snapshot, suppressed
    once (public view only)."""
    if not session.public():
        raise PermissionError("the public funnel is for the public view")
    path = str(app_db_path())
    version = _runner(path, tuple(sorted(pilot_regions()))).version()
    with st.spinner(tr("publik.building")):
        found = _funnel(path, version, settings.get_int("suppress_k"))
    if isinstance(found, str):
        raise PageDataError("public funnel")
    return None if found is None else View(found, f)


def column(name: str):
    """A table column of the public table: an indicator's, else a count."""
    from bansos.ui import tables

    if name in BY_ID:
        return tables.indicator(name)
    return tables.Col(name, tr(f"publik.col.{name}"), "int")


def columns(names) -> list:
    from bansos.ui import tables

    return [tables.text("region_name", "word.region", pinned=True), *[column(n) for n in names]]


# -- tiles -----------------------------------------------------------------------------


def rate_tile(v: View, rate: str, *, label: str | None = None) -> None:
    """A rate of all pilots, with its counts (as the table shows them) and
    its change since the tranche before where both are shown."""
    language = lang()
    here, before = v.total_label(), v.previous_label()
    change = v.change(here, before, rate)
    period = None
    if before is not None:
        row = v.sup.values.loc[before]
        period = period_label(row["year"], row["tranche"], short=True)
    st.metric(label or BY_ID[rate].label(language), v.rate(here, rate),
              delta=None if change is None else fmt.pp(change, language),
              delta_color="off" if not change else ("inverse" if BY_ID[rate].lower_is_better else "normal"),
              delta_arrow="off" if not change else "auto",
              delta_description=tr("tile.vs.period", period=period) if change is not None and period else None,
              help=BY_ID[rate].description(language), border=True)
    st.caption(v.ratio(here, rate))


def count_tile(v: View, column: str, caption: str | None = None) -> None:
    language = lang()
    st.metric(BY_ID[column].label(language) if column in BY_ID else column, v.count(v.total_label(), column),
              help=BY_ID[column].description(language) if column in BY_ID else None, border=True)
    if caption:
        st.caption(caption)


def context(v: View) -> None:
    """What the page shows: programme, tranche, snapshot, all pilots."""
    st.markdown(tr("publik.context", program=v.f.program, period=period_label(v.f.year, v.f.tranche),
                   snapshot=fmt.day(v.f.as_of, lang())))


def opened(f: Filters) -> View | None:
    """The public view of the filters with its context line, or None after
    saying there is nothing to show (each public page starts here)."""
    from bansos.ui.page import empty_state

    v = view(f)
    if v is None or v.total_label() is None:
        empty_state("publik.none")
        return None
    context(v)
    return v


def region_table(v: View, names, key: str) -> None:
    """The pilots one row each, suppressed cells marked, with the note that
    says how to read the marks."""
    from bansos.ui.page import nothing
    from bansos.ui.tables import table as shown_table

    rows = v.regions()
    if nothing(rows, "empty.no_match"):
        return
    flagged = v.flags(rows)
    shown_table(flagged, columns(names), key=key, texts=v.texts(flagged))
    st.caption(tr("publik.table.note"))


# -- the public export -------------------------------------------------------------------

EXPORT_NAME = "region-indicators-publik"
EXPORT_COLUMNS = ("region_code", "region_name", "province_code", "province_name", "pilot_status", "program", "year",
                  "tranche", "as_of", "register_snapshot", "eligible_families", "eligible_covered", "excluded_families",
                  "coverage", "exclusion_error", "recipients", "eligible_recipients", "ineligible_recipients",
                  "not_in_register", "inclusion_error", "paid_families", "disbursement_rate_families", "timely_families",
                  "timeliness", "allocated_amount", "disbursed_amount", "disbursement_rate")


# The preview of the public export (the files hold every column above).
PREVIEW = ("eligible_families", "eligible_covered", "coverage", "exclusion_error", "recipients", "ineligible_recipients",
           "inclusion_error", "disbursement_rate")


def export_rows(v: View, scope: str) -> pd.Index:
    """Labels of the public table's rows for a download: the pilots in view
    and the all-pilots total, for the tranche, the programme or everything."""
    values = v.sup.values
    mask = values["region_code"].isin([*v.f.regions, TOTAL])
    if scope in ("tranche", "program"):
        mask &= values["program"] == v.f.program
    if scope == "tranche":
        mask &= (values["year"] == v.f.year) & (values["tranche"] == v.f.tranche)
    return values[mask].sort_values(["program", "year", "tranche", "region_code"]).index


def export_frame(v: View, scope: str) -> pd.DataFrame:
    """The rows of `export_rows` as a file holds them: withheld cells
    empty, and a column naming them ("eligible_covered <10; coverage —")."""
    rows = v.sup.values.loc[export_rows(v, scope)]
    frame = rows.reindex(columns=list(EXPORT_COLUMNS)).copy()
    total = frame["region_code"] == TOTAL
    frame.loc[total, "region_name"] = tr("publik.all_pilots")
    frame["as_of"] = v.f.as_of
    frame["withheld"] = v.withheld(rows, list(EXPORT_COLUMNS))["withheld"].to_numpy()
    for column in ("year", "tranche", *[c for c in (*COUNTS, *AMOUNTS) if c in frame.columns]):
        frame[column] = frame[column].astype("Int64")
    return frame.reset_index(drop=True)


def export_file(frame: pd.DataFrame, file_format: str, language: str, filters: dict) -> bytes:
    from bansos import excel_csv

    kinds = {**dict.fromkeys((*COUNTS, "year", "tranche"), "int"), **dict.fromkeys(AMOUNTS, "rp"), **dict.fromkeys(RATES, "rate"),
             "region_code": "text", "province_code": "text"}
    made = export.frame_export(EXPORT_NAME, frame, "Pilot region indicators, public view: small counts suppressed "
                               "(k = BANSOS_SUPPRESS_K); column `withheld` names each row's withheld cells.", filters, kinds)
    if file_format == "csv-id":
        return excel_csv.to_excel_id_csv_bytes(made, language)
    if file_format == "xlsx":
        return export.to_xlsx_bytes(made, language)
    if file_format == "parquet":
        return export.to_parquet_bytes(made)
    return export.to_csv_bytes(made)
