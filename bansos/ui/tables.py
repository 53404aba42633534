"""One table component: numbers shown in the app's language, kept sortable.

Streamlit's own number formats follow the browser's locale (an Indonesian
page in an en-US browser showed `1,776` and `23.63%`). Here the frame keeps
its numbers, and a pandas Styler gives each cell its display text
(bansos.fmt, the same precision as the tiles): the grid shows the text and
sorts by the number underneath. A rate on fewer families than the
small-number threshold carries its ⚠ in its own cell, whatever the table is
sorted or ranked by.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd
import streamlit as st

from bansos import fmt
from bansos.indicators import BY_ID
from bansos.ui.core import lang, tr

SMALL_MARK = " ⚠"
NUMERIC = ("pct", "int", "rp", "pp", "num", "dec1", "plain")


@dataclass(frozen=True)
class Col:
    """A column: `name` in the frame, its header, how it is shown.

    kind:  pct (rate, 1 decimal), pp (change in percentage points), int
           (count), rp (rupiah), num (a number such as a rank), dec1 (a
           number with one decimal, e.g. a rate per 1,000), plain (a
           year or an id: digits only, no separators), date, bool, link,
           region (a kab/kota's name, shortened), text.
    small: the frame's column that flags this rate as resting on too few
           families (its cells get ⚠).
    """

    name: str
    label: str
    kind: str = "text"
    help: str | None = None
    small: str | None = None
    pinned: bool = False
    row_kind: str | None = None  # a frame column naming each row's own kind (a table of mixed counts and rupiah)


def indicator(name: str, label: str | None = None, column: str | None = None, small: bool = True) -> Col:
    """A column of an indicator, labelled, described and formatted from its
    record in bansos.indicators."""
    record = BY_ID[name]
    language = lang()
    return Col(column or name, label or record.label(language), record.format, record.description(language),
               record.small if small else None)


def text(name: str, label_key: str, pinned: bool = False, help_key: str | None = None, **values) -> Col:
    return Col(name, tr(label_key, **values), "text", tr(help_key) if help_key else None, pinned=pinned)


def region(name: str = "region_name", label_key: str = "word.region") -> Col:
    """A kab/kota's name, pinned, shortened as the charts show it ("Kab. …");
    the table's downloads keep the full name."""
    return Col(name, tr(label_key), "region", pinned=True)


def _formatter(kind: str, language: str, mark: str = ""):
    def show(value) -> str:
        if fmt.is_missing(value):
            return fmt.EMPTY
        if kind == "num":
            return fmt.number(value, language)
        if kind == "dec1":
            return fmt.number(value, language, 1) + mark
        if kind == "plain":
            return str(int(value))
        return fmt.by_format(value, kind, language) + mark

    return show


def with_group(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with a `group` column: pilot or comparison, in words."""
    return frame.assign(group=[tr("word.pilot") if bool(p) else tr("word.comparison") for p in frame["is_pilot"]])


def height(rows: int, cap: int = 16) -> int:
    """Every row visible up to `cap` rows, then the table scrolls inside."""
    return min(max(rows, 1), cap) * 35 + 38


def styled(frame: pd.DataFrame, columns: list[Col], language: str | None = None, texts: pd.DataFrame | None = None):
    """The frame's columns (as listed) with each cell's display text (a
    Styler; a plain frame when every column is text). `texts` (same rows,
    some of the columns) overrides a cell's text where it is not empty: the
    public view's "< 10" and "—" over cells whose value is withheld."""
    language = language or lang()
    data = pd.DataFrame({c.name: _values(frame[c.name], c.kind) for c in columns}, index=range(len(frame)))
    if texts is not None:
        # The grid draws an empty cell for a missing value whatever its text: a withheld
        # cell holds -1 under its text ("< 10", "—"), which also sorts it below every figure.
        for name in [c.name for c in columns if c.name in texts.columns and c.kind in NUMERIC]:
            marked = pd.Series(texts[name].to_numpy(), index=data.index).notna() & data[name].isna()
            if marked.any():
                data[name] = data[name].astype("float64").where(~marked, -1.0)
    if not any(c.kind in NUMERIC or c.kind == "date" for c in columns):
        return data  # text only: nothing to format, and a Styler costs a page run time
    styler = data.style.format(
        {c.name: _formatter(c.kind, language) for c in columns if c.kind in NUMERIC or c.kind == "date"},
    )
    for c in columns:
        if c.row_kind:
            for kind, rows in frame.reset_index(drop=True).groupby(c.row_kind).groups.items():
                styler = styler.format(_formatter(kind, language), subset=pd.IndexSlice[list(rows), [c.name]])
        if c.small and c.kind in NUMERIC and c.small in frame:
            flagged = [i for i, flag in enumerate(frame[c.small].to_numpy()) if fmt.is_set(flag)]
            if flagged:
                styler = styler.format(_formatter(c.kind, language, SMALL_MARK), subset=pd.IndexSlice[flagged, [c.name]])
    if texts is not None:
        for name in [c.name for c in columns if c.name in texts.columns]:
            given = pd.Series(texts[name].to_numpy(), index=range(len(frame)))
            for text, rows in given[given.notna()].groupby(given[given.notna()]).groups.items():
                styler = styler.format(lambda _value, shown=text: shown, subset=pd.IndexSlice[list(rows), [name]])
    return styler


def _values(series: pd.Series, kind: str):
    if kind == "bool":
        return series.astype("boolean").to_numpy()
    if kind == "region":
        return series.map(fmt.region_short).to_numpy()
    return series.to_numpy()


# The grid's text: about 7.5 px a character at its 14 px font, plus the cell's padding.
CHAR_PX, CELL_PX, MAX_PINNED_PX = 7.5, 24, 320


def pinned_width(values) -> int | None:
    """A pinned text column as wide as its longest text (capped): the grid
    sizes columns from a sample and cut "Kab. Polewali Mandar" in the
    pinned region column, which stays in view while the rest scrolls."""
    longest = max((len(str(v)) for v in values if not fmt.is_missing(v)), default=0)
    return min(MAX_PINNED_PX, round(longest * CHAR_PX + CELL_PX)) if longest else None


def _config(c: Col, width: int | None = None):
    if c.kind in NUMERIC:
        return st.column_config.NumberColumn(c.label, help=c.help, pinned=c.pinned or None)
    if c.kind == "date":
        return st.column_config.Column(c.label, help=c.help, pinned=c.pinned or None)
    if c.kind == "link":  # a web address, shown as its site's name
        return st.column_config.LinkColumn(c.label, help=c.help, display_text=r"https?://(?:www\.)?([^/]+)")
    if c.kind == "bool":
        return st.column_config.CheckboxColumn(c.label, help=c.help, pinned=c.pinned or None)
    return st.column_config.TextColumn(c.label, help=c.help, pinned=c.pinned or None, width=width)


def table(frame: pd.DataFrame, columns: list[Col], key: str | None = None, rows_shown: int | None = 16,
          width: Literal["stretch", "content"] | int = "stretch", texts: pd.DataFrame | None = None, download: str | None = None) -> None:
    """Show `frame`'s `columns`, numbers in the app's language and sortable.
    With `download` (a file stem), the table's columns can be downloaded
    under it as CSV and CSV for Excel (Indonesia), through the audited download
    helper (the grid's own CSV button is off: client.disableDataExport)."""
    data = styled(frame, columns, texts=texts)
    # a pinned text column as wide as the longest text it shows (styled's values)
    config = {c.name: _config(c, pinned_width([*_values(frame[c.name], c.kind), c.label])
                              if c.pinned and c.kind in ("text", "region") else None)
              for c in columns}
    st.dataframe(data, hide_index=True, column_config=config, placeholder=fmt.EMPTY,
                 width=width, key=key, height="auto" if rows_shown is None else height(len(frame), rows_shown))
    if download and key:
        from bansos.ui import downloads

        shown = {c.name: c.label for c in columns if c.kind != "link"}  # the file's columns, in the table's order
        downloads.download_frame(frame[list(shown)], name=download, key=f"{key}_dl", labels=shown)


def ratio(frame: pd.DataFrame, numerator: str, denominator: str, kind: str = "int") -> list[str]:
    """"a / b" text for each row (a rate's inputs side by side)."""
    language = lang()
    return [tr("word.ratio", num=fmt.by_format(n, kind, language), den=fmt.by_format(d, kind, language))
            for n, d in zip(frame[numerator], frame[denominator])]
