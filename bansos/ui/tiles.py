"""Tiles: a headline figure with its change against the previous tranche
and, always beside a rate, the counts it comes from."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import fmt
from bansos.indicators import BY_ID
from bansos.ui.core import lang, period_label, tr

SMALL_MARK = " ⚠"


def ratio_caption(numerator, denominator) -> str:
    """`1.234 dari 5.678 keluarga` — always beside a rate."""
    language = lang()
    return f"{fmt.number(numerator, language)} {tr('word.of')} {fmt.number(denominator, language)} {tr('word.families')}"


def tile(label: str, value: str, delta: str | None = None, lower_is_better: bool = False, help: str | None = None,
         caption: str | None = None) -> None:
    st.metric(label, value, delta=delta, delta_color="inverse" if lower_is_better else "normal", help=help, border=True)
    if caption:
        st.caption(caption)


def _previous_period(row: pd.Series) -> str | None:
    if fmt.is_missing(row.get("prev_year")):
        return None
    return period_label(row["prev_year"], row["prev_tranche"], short=True)


def rate_tile(indicator_id: str, row: pd.Series, caption: str, *, label: str | None = None, small: bool = False,
              history: pd.DataFrame | None = None, help: str | None = None) -> None:
    """A rate from a totals row (`<id>` and `prev_<id>` columns), its change
    computed from the two values as shown, so the tile and the sentences
    under it add up; ⚠ when it rests on too few families."""
    language = lang()
    indicator = BY_ID[indicator_id]
    value, previous = row.get(indicator_id), row.get(f"prev_{indicator_id}")
    change = fmt.shown_change(value, previous)
    flat = change == 0
    period = _previous_period(row)
    # The previous tranche is named; its value is in the highlights and the
    # trend (a longer description is cut off in a tile a quarter wide).
    description = tr("tile.vs.period", period=period) if change is not None and period else None
    shown = fmt.pct(value, language) + (SMALL_MARK if small and not fmt.is_missing(value) else "")
    trend = history[indicator_id].dropna().tolist() if history is not None else None
    if trend is not None and len(trend) < 2:
        trend = None  # one point draws an empty box with a flat line: no trend yet
    st.metric(
        label or indicator.label(language), shown,
        delta=None if change is None else fmt.pp(change, language),
        delta_color="off" if flat or indicator.neutral else ("inverse" if indicator.lower_is_better else "normal"),
        delta_arrow="off" if flat else "auto", delta_description=description,
        help=help or indicator.description(language), border=True,
        chart_data=trend or None, chart_type="line",
    )
    st.caption(caption)


def count_tile(label: str, value, change, row: pd.Series, caption: str, help: str | None = None) -> None:
    """A count with its change against the previous tranche (grey: a count
    going up is neither good nor bad by itself)."""
    language = lang()
    delta = None
    if not fmt.is_missing(change):
        delta = ("+" if change > 0 else "") + fmt.number(change, language)
    period = _previous_period(row)
    st.metric(
        label, fmt.number(value, language), delta=delta, delta_color="off",
        delta_arrow="off" if delta is None or change == 0 else "auto",
        delta_description=None if delta is None or not period else tr("tile.vs.period", period=period),
        help=help, border=True,
    )
    st.caption(caption)
