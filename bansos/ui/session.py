"""Who is looking and what they may see, for this script run.

`dashboard.py` computes the session's access once at the top of every run
(`begin`), from the login and the access file (bansos.identity), and tells
this module which right the page being run stands on (`enter`, from the
page table). Everything that reads data asks here:

- `scope(right)`: the kab/kota codes the query runner is limited to (None =
  every region); the runner itself comes from `bansos.ui.core.runner`, one
  per scope, so caches are never shared between scopes;
- `can(right)`: whether a section, a button or a download is shown at all;
- `regions()`: the codes the filters and link resolution may offer.

The rights are those of bansos.access (`pages`, `quality_summary`,
`quality_full`, `aggregate_export`, `family_export`, `upload`). Nothing here
is ever read from the browser: the access is recomputed on the server at
every run, so a grant removed from the access file ends at the next click.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from bansos import identity
from bansos.access import Access, AccessDenied

_ACCESS = "_ui_access"
_RIGHT = "_ui_right"


def begin(db: str | Path) -> Access:
    """The session's access for this run (top of dashboard.py). Raises
    AccessFileError (a broken access file, or local mode on a non-local
    address) and audit.AuditError (a login that cannot be logged)."""
    st.session_state.pop(_ACCESS, None)
    st.session_state[_RIGHT] = "pages"
    access = identity.session_access(db)
    st.session_state[_ACCESS] = access
    return access


def current() -> Access:
    """This run's access. Outside a run that began (a page run on its own),
    nothing is allowed."""
    access = st.session_state.get(_ACCESS)
    if not isinstance(access, Access):
        return Access("none", None, frozenset())
    return access


def enter(right: str) -> None:
    """The page about to run stands on `right`: its queries use that
    right's scope unless they name another."""
    if not current().can(right):
        raise AccessDenied(f"no right {right!r}")
    st.session_state[_RIGHT] = right


def right() -> str:
    return st.session_state.get(_RIGHT, "pages")


def can(name: str) -> bool:
    return current().can(name)


def scope(name: str | None = None) -> tuple[str, ...] | None:
    """Region codes for the query runner under right `name` (default: the
    running page's right); None = every region. Raises AccessDenied when the
    session lacks the right."""
    return current().scope(name or right())


def regions() -> frozenset[str] | None:
    """The regions the shared filters may offer (the pages' scope), or None
    for every region."""
    access = current()
    if not access.can("pages"):
        return frozenset()
    found = access.scope("pages")
    return None if found is None else frozenset(found)


def public() -> bool:
    """True in the public view: every number goes through small-cell
    suppression (bansos.ui.public), and only public-safe queries run."""
    return current().suppressed


def who() -> str:
    """Who is acting, in words for a ledger or a log (a load's `who`): the
    logged-in e-mail address, or in local mode the computer's user."""
    access = current()
    person = access.identity
    if person is not None and person.email:
        return person.email
    if access.mode == "local":
        from bansos import audit

        return f"local: {person.name if person and person.name else audit.runner_name()}"
    return "public"
