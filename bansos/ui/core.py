"""Warehouse access and language for the pages: the runner, queries that
never show a traceback, the UI language and words."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import streamlit as st

from bansos import i18n, settings
from bansos.queries import NoWarehouse, QueryError, QueryRunner, WarehouseOutdated, WarehouseUnreadable, run_together
from bansos.ui import session

log = logging.getLogger("bansos.app")


class PageDataError(Exception):
    """A query behind the page failed; the page shows a plain message (the
    details go to the server log, never to the reader)."""


# -- warehouse -----------------------------------------------------------------


def app_db_path() -> Path:
    """BANSOS_DB when set; else the real warehouse when it exists; else the demo."""
    explicit = os.environ.get(settings.SETTINGS["db"].env)
    if explicit:
        return Path(explicit)
    return settings.REAL_DB if settings.REAL_DB.exists() else settings.DEMO_DB


# Queries the public view may run through ui.q / ui.runner: none of them shows
# a figure about people. Every public figure comes from bansos.ui.public, which
# suppresses small cells first.
PUBLIC_QUERIES = frozenset({"options_regions", "options_periods", "options_snapshots", "programs", "warehouse_meta",
                            "kualitas_pilots", "reference_regions"})


class WarehouseDamaged(PageDataError):
    """The warehouse file cannot be read at all (damaged, or written by
    another DuckDB version): said once, plainly, instead of every query's
    message."""


class WarehouseNeedsMigration(PageDataError):
    """The warehouse was made by an earlier version of this software: the
    data team runs `python -m bansos migrate` (said plainly, once)."""


@st.cache_resource(show_spinner=False, max_entries=64, on_release=lambda runner: runner.close())
def _runner(path: str, scope: tuple[str, ...] | None, allow: frozenset[str] | None = None) -> QueryRunner:
    # One runner per scope: its cache holds only what that scope may see.
    return QueryRunner(path, scope=scope, allow=allow)


def runner(right: str | None = None) -> QueryRunner:
    """The query runner for this session under `right` (default: the
    running page's right): limited to that right's regions, and in the
    public view to the public-safe queries. Raises AccessDenied when the
    session lacks the right."""
    return _runner(str(app_db_path()), session.scope(right), PUBLIC_QUERIES if session.public() else None)


def q(name: str, right: str | None = None, **params) -> pd.DataFrame:
    """Run a query file within the session's scope (under `right`, default
    the running page's right); an absent warehouse gives an empty frame. A
    failing query raises PageDataError, which the page guard (ui.page.guard)
    turns into a message."""
    with _page_errors(name):
        return runner(right).run(name, **params)
    return pd.DataFrame()  # no warehouse


Call = tuple[str, dict] | tuple[str, dict, str]  # (query, parameters[, right: default the page's])


def q_many(*calls: Call, right: str | None = None) -> list[pd.DataFrame]:
    """The frames of independent queries, as q() gives each, run at once
    (queries.run_together): for a page that needs several before it shows
    anything. A call may name its own right (a third item), as q()'s `right`."""
    names = ", ".join(call[0] for call in calls)
    with _page_errors(names):
        return run_together([(runner(_right(call, right)), call[0], call[1]) for call in calls])
    return [pd.DataFrame() for _ in calls]  # no warehouse


def _right(call: Call, default: str | None) -> str | None:
    return call[2] if len(call) == 3 else default


@contextmanager
def _page_errors(name: str) -> Iterator[None]:
    """What a failing query becomes on a page: no warehouse passes silently
    (the caller gives empty frames), anything else a PageDataError."""
    try:
        yield
    except NoWarehouse:
        return
    except WarehouseUnreadable as error:
        log.error("query %s failed: %s", name, error)
        raise WarehouseDamaged(name) from error
    except WarehouseOutdated as error:
        log.error("query %s failed: %s", name, error)
        raise WarehouseNeedsMigration(name) from error
    except QueryError as error:
        log.error("query %s failed: %s", name, error)
        raise PageDataError(name) from error


def safe_query(name: str, right: str | None = None, show: bool = True, **params) -> pd.DataFrame | None:
    """Like q(), but a failing query gives None, so the rest of the page
    still runs; its message is shown in place, or with show=False left to
    the section that draws the frame (`ui.failed(frame)`)."""
    try:
        return q(name, right=right, **params)
    except (WarehouseDamaged, WarehouseNeedsMigration):
        raise  # about the whole warehouse, not this part: said once by the guard
    except PageDataError:
        if show:
            query_error_message()
        return None


def safe_many(*calls: Call, right: str | None = None, show: bool = True) -> list[pd.DataFrame | None]:
    """Like q_many(), but as safe_query() for each: a failing query gives
    None, its message shown here or (show=False) by the section that draws it."""
    try:
        return list(q_many(*calls, right=right))
    except (WarehouseDamaged, WarehouseNeedsMigration):
        raise
    except PageDataError:
        # Which one failed: each again, in turn (those that ran are cache hits).
        return [safe_query(call[0], right=_right(call, right), show=show, **call[1]) for call in calls]


def query_error_message(error: PageDataError | None = None) -> None:
    key = ("error.warehouse_damaged" if isinstance(error, WarehouseDamaged)
           else "error.warehouse_outdated" if isinstance(error, WarehouseNeedsMigration) else "error.query")
    st.error(tr(key), icon=":material/error:")


def warehouse_meta() -> dict | None:
    frame = q("warehouse_meta")
    return None if frame.empty else frame.iloc[0].to_dict()


# -- language ------------------------------------------------------------------


def lang() -> str:
    value = st.session_state.get("lang")
    return value if value in i18n.LANGS else i18n.DEFAULT_LANG


def tr(key: str, **values) -> str:
    return i18n.t(key, lang(), **values)


def both(key: str, **values) -> tuple[str, ...]:
    """A text in every language (id, en): for what must follow a later
    language switch (link notices)."""
    return tuple(i18n.t(key, language, **values) for language in i18n.LANGS)


def period_label(year, tranche, short: bool = False, language: str | None = None) -> str:
    return i18n.t("period.short" if short else "period.label", language or lang(), year=int(year), tranche=int(tranche))


def period_key(year, tranche) -> str:
    """The link's form of a tranche: `2026-1`."""
    return f"{int(year)}-{int(tranche)}"


def split_period(key: str) -> tuple[int, int]:
    year, tranche = key.split("-")
    return int(year), int(tranche)


def period_aliases(keys) -> dict[str, list[str]]:
    """Each tranche key with its labels in both languages, long and short:
    what old label-style links carry (`Tahap 1 2026`, `T1 2026`)."""
    return {
        key: [period_label(*split_period(key), short=short, language=language)
              for language in i18n.LANGS for short in (False, True)]
        for key in keys
    }
