"""The session's rights where the accountability page and the brief need them:
who may see pseudonymised family keys (the `family_export` right: analysts
within their scope, and the local user), who gets the public view, and the
audit record of what is handed out.

One small module on purpose: it reads the engine's access API directly
(bansos.identity.session_access) and is the one place to switch to the app's
session-wide access handling once every page goes through it
(docs/access-control.md).
"""

from __future__ import annotations

import logging

import streamlit as st

from bansos import audit, identity
from bansos.access import Access, AccessFileError
from bansos.ui.core import app_db_path, tr

log = logging.getLogger("bansos.app")


def session(quiet: bool = False) -> Access | None:
    """This session's access; None when it cannot be resolved (a broken
    access file, or local mode on an address that is not local): then
    nothing that needs a right is shown, and the page says why (unless
    `quiet`: a page where only an extra button goes missing)."""
    try:
        return identity.session_access(app_db_path())
    except AccessFileError as error:
        log.warning("access could not be resolved: %s", error)
        # The reason (a line of the access file, a server address) is for the
        # administrator: it goes to the server log, not to the reader.
        if not quiet:
            st.warning(tr("rights.unresolved"), icon=":material/lock:")
        return None


def family_keys(access: Access | None) -> bool:
    """Whether pseudonymised family keys (signal lists) may be shown."""
    return access is not None and not access.suppressed and access.can("family_export")


def family_key_regions(access: Access, regions) -> list[str]:
    """The regions in view whose family keys this session may see."""
    scope = access.scope("family_export")
    return [code for code in regions if scope is None or code in scope]


def public(access: Access | None) -> bool:
    """The public view (visitors not logged in): suppressed figures only."""
    return access is not None and access.suppressed


def record_download(access: Access | None, table: str, filters: dict, rows: int, payload: bytes, file_format: str) -> None:
    """Write the download to the audit log before the bytes are handed out;
    raises audit.AuditError when it cannot be written (the download is then
    refused)."""
    audit.record_export(app_db_path(), access=access, table=table, filters=filters, rows=rows, payload=payload,
                        file_format=file_format, via="app", event="download")
