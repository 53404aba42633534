"""Navigation by rights: the page table of dashboard.py becomes the menu
this session may use, and the page asked for is run under its right.

Each page names the right it stands on (bansos.access: `pages`,
`quality_summary`, `aggregate_export`, `upload`, ...) and, when it has one,
the file that shows it in the public view. A page the session may not open
stays registered under its address but hidden from the menu, so a deep link
or an old bookmark lands on a plain refusal (recorded in the audit log)
instead of "page not found" — and never on the page itself.

A new page gets access control by its line in the table:

    ui.Entry("app_pages/unggah.py", "nav.unggah", ":material/upload:", right="upload")

and, inside the page, `ui.scope()` for the regions it may touch (its
queries through `ui.q` are limited to them already).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from bansos.access import Access
from bansos.ui import account, session
from bansos.ui.core import tr
from bansos.ui.filters import say_unused
from bansos.ui.page import guard


@dataclass(frozen=True)
class Entry:
    path: str                  # the page file (relative to dashboard.py)
    title_key: str
    icon: str
    right: str = "pages"       # the right the page stands on (bansos.access.RIGHTS)
    public: str | None = None  # the page file of the public view; None: not in the public view
    default: bool = False
    filters: bool = True       # the page reads the sidebar's filters (False: the sidebar says they do not apply)

    @property
    def url_path(self) -> str:
        return Path(self.path).stem

    def file_for(self, access: Access) -> str | None:
        """The file this session runs for the page, or None when it may not open it."""
        if not access.can(self.right):
            return None
        if access.suppressed:
            return self.public
        return self.path


def run(sections: dict[str, list[Entry]]) -> None:
    """Build the menu for this session and run the page asked for: under
    its right's scope when the session may open it, else the refusal. With
    no page at all (no access, or log in first), the one page saying so."""
    access = session.current()
    chosen: dict[int, tuple[Entry, bool]] = {}
    menu = {}
    for section, entries in sections.items():
        pages = []
        for entry in entries:
            file = entry.file_for(access)
            # A page the session may not open keeps its address (a deep link gets a refusal), hidden from the menu.
            page = st.Page(file or entry.path, title=tr(entry.title_key), icon=entry.icon, default=entry.default,
                           url_path=entry.url_path, visibility="visible" if file else "hidden")
            chosen[id(page)] = (entry, file is not None)
            pages.append(page)
        menu[tr(section)] = pages
    anything = any(allowed for _, allowed in chosen.values())
    page = st.navigation(menu, position="sidebar" if anything else "hidden")
    entry, allowed = chosen[id(page)]
    if not anything:
        account.closed(access)
    elif allowed:
        if not entry.filters:
            say_unused()
        session.enter(entry.right)
        guard(page.run)  # a failing query shows a message, never a traceback
    else:
        account.refused(entry.title_key, entry.right, entry.url_path)
