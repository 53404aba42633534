"""The session's identity and access, for pages: one call, `session_access()`.

With `[auth]` in Streamlit's secrets, the login (`st.login`, OpenID Connect)
puts the ID token's claims in `st.user` (Streamlit 1.67 copies every claim
of the ID token: `iss`, `sub`, `email`, `email_verified`, `name`, the group
claim if the provider sends it, plus its own `is_logged_in`). This module
reads them there and nowhere else, so a test fills the very same place:
AppTest's `at.user = {...claims..., "is_logged_in": True}` with
`at.secrets["auth"] = {...}`.

Without `[auth]` the app is in local mode (one person at the console, every
right), allowed only on a loopback address.

Errors are `AccessFileError` with a message for people (the access file's
line, or why local mode is refused): the page shows the message and stops,
it never falls back to showing data.
"""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st

from bansos import audit
from bansos.access import Access, AccessFile, Identity, check_local_address, local_access, resolve

_ACCESS_FILE = AccessFile()       # re-reads the file when it changes (BANSOS_ACCESS, read at each call)
_logged_access_hash: dict[str, str] = {}
_lock = threading.Lock()
LOGGED_KEY = "_bansos_audit_login"


def auth_configured() -> bool:
    """True when the secrets hold an `[auth]` section (st.login is set up)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:      # no secrets file at all (StreamlitSecretNotFoundError)
        return False


def claims() -> dict | None:
    """The logged-in user's ID-token claims, or None when nobody is logged in."""
    user = st.user.to_dict()
    if not user.get("is_logged_in"):
        return None
    return dict(user)


def session_access(db: str | Path | None = None) -> Access:
    """What this session may do. Call it at the top of every run: the access
    file is re-read when it changed, so a revoked grant ends at the next
    click. With `db`, logins, refusals and access-file changes are written to
    that warehouse's audit log (once per session, resp. once per change).
    Raises AccessFileError (show its message, stop)."""
    if not auth_configured():
        check_local_address(st.get_option("server.address"))
        return local_access()
    config = _ACCESS_FILE.get()
    token = claims()
    identity = Identity.from_claims(token, config.group_claim) if token else None
    access = resolve(config, identity)
    if db is not None:
        _audit_session(Path(db), config, access)
    return access


def _audit_session(db: Path, config, access: Access) -> None:
    with _lock:
        if _logged_access_hash.get(str(db)) != config.sha256:
            audit.record(db, "access_file", via="app", path=str(config.path), sha256=config.sha256, grants=len(config.grants))
            _logged_access_hash[str(db)] = config.sha256
    if access.identity is None:
        return
    marker = (access.identity.email, access.mode, tuple(sorted(access.roles)), config.sha256)
    if st.session_state.get(LOGGED_KEY) == marker:
        return
    event = "login" if access.mode == "granted" else "denied"
    audit.record(db, event, via="app", actor=access.describe(),
                 reason=None if event == "login" else "no grant for this identity")
    st.session_state[LOGGED_KEY] = marker
