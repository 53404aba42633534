"""The person in front of the screen: signing in (the session's access for
this run), the account box in the sidebar, the banner of local mode and of
the public view, the pages people get instead of data (no access, log in
first, a page outside their rights), and the audit of refusals.

Every refusal is written to the audit log once per session (a rerun does
not write it again); logins are written by bansos.identity.
"""

from __future__ import annotations

import logging

import streamlit as st

from bansos import audit, identity, settings, urlstate
from bansos.access import RIGHTS_TABLE, Access, AccessFileError
from bansos.ui import session
from bansos.ui.core import app_db_path, q, tr

log = logging.getLogger("bansos.app")
_DENIALS = "_ui_denials_recorded"


# -- this run's access -----------------------------------------------------------------


def sign_in() -> Access:
    """The session's access for this run (top of dashboard.py). A broken
    access file, local mode on a non-local address or an audit log that
    cannot be written stop the app here with a message, never a traceback
    and never a view with more than the person may see."""
    try:
        return session.begin(app_db_path())
    except AccessFileError as error:
        local = not identity.auth_configured()
        st.error(tr("akses.local_refused" if local else "akses.file_error"), icon=":material/block:")
        st.code(str(error), language=None, wrap_lines=True)
        st.stop()
    except audit.AuditError as error:
        log.error("audit log cannot be written: %s", error)
        st.error(tr("akses.audit_error"), icon=":material/block:")
        st.stop()
    raise AssertionError("unreachable")


def role_names(roles) -> str:
    return ", ".join(tr(f"akses.role.{role}") for role in sorted(roles)) or "—"


def _who(access: Access) -> str:
    person = access.identity
    if person is None:
        return ""
    return urlstate.quote(person.name or person.email or "")


def _scope_text(access: Access) -> str:
    if access.suppressed:
        return tr("akses.scope.public")
    regions = session.regions()
    if regions is None:
        return tr("akses.scope.all")
    # Whole provinces by their name, other kab/kota by theirs (names from the reference table).
    reference = q("reference_regions", right="pages")
    names: list[str] = []
    left = set(regions)
    for (_code, province), rows in reference.groupby(["province_code", "province_name"], sort=True):
        codes = set(rows.region_code)
        if codes <= left:
            names.append(str(province))
            left -= codes
    by_code = dict(zip(reference.region_code, reference.region_name))
    names += [by_code.get(code, code) for code in sorted(left)]
    shown = ", ".join(names[:3]) + ("…" if len(names) > 3 else "")
    return tr("akses.scope.some", n=len(regions), names=shown)


def account_box(access: Access) -> None:
    """Who is logged in, their role(s) and regions, and log in / log out."""
    with st.sidebar:
        if access.mode == "local":
            st.caption(tr("akses.local.short"))
            return
        person = access.identity if access.identity and access.identity.via != "local" else None
        if person is None:
            if st.button(tr("akses.login"), key="akses_login", type="primary", icon=":material/login:",
                         help=tr("akses.login.help"), width="stretch"):
                st.login()
            return
        st.markdown(tr("akses.signed_in", name=_who(access)))
        if person.email and person.name:
            st.caption(urlstate.quote(person.email))
        if access.mode in ("granted", "public"):
            st.caption(tr("akses.roles", roles=role_names(access.roles)))
            st.caption(_scope_text(access))
        if st.button(tr("akses.logout"), key="akses_logout", icon=":material/logout:", width="stretch"):
            _log_out(access)


def _log_out(access: Access) -> None:
    try:
        audit.record(app_db_path(), "logout", via="app", actor=access.describe())
    except audit.AuditError as error:
        log.error("logout not recorded: %s", error)
    st.logout()


def banner(access: Access | None = None) -> None:
    """Under every page title: local mode, or the public view, said plainly."""
    access = access or session.current()
    if access.mode == "local":
        st.info(tr("akses.local"), icon=":material/computer:")
    elif access.suppressed:
        k = settings.get_int("suppress_k")
        st.info(tr("akses.public", k=k, k1=k - 1), icon=":material/public:")
        if access.identity is not None and access.identity.email:
            st.warning(tr("akses.public.no_grant", email=urlstate.quote(access.identity.email),
                          contact=_contact(access)), icon=":material/person_off:")


def _contact(access: Access) -> str:
    return urlstate.quote(access.contact) if access.contact else tr("akses.none.contact_unknown")


# -- pages instead of data -------------------------------------------------------------------


def closed(access: Access) -> None:
    """The whole app for someone with no right to any page: log in first
    (nobody logged in, no public view), or no access (naming the contact)."""
    if access.identity is None:
        st.title(tr("akses.login_required.title"))
        st.markdown(tr("akses.login_required.body", contact=_contact(access)))
        if st.button(tr("akses.login"), key="akses_login_main", type="primary", icon=":material/login:"):
            st.login()
        return
    st.title(tr("akses.none.title"))
    st.error(tr("akses.none.body", email=urlstate.quote(access.identity.email or "?"), contact=_contact(access)),
             icon=":material/block:")


def refused(title_key: str, right: str, page: str) -> None:
    """Shown instead of a page outside the session's rights (a deep link or
    an old bookmark); the refusal is recorded once per session."""
    access = session.current()
    title = tr(title_key)
    st.title(title)
    banner(access)
    if access.suppressed and access.identity is None:
        st.warning(tr("akses.refused.public", page=title), icon=":material/lock:")
    else:
        roles = [role for role, level in RIGHTS_TABLE[right].items() if level is not None and role != "publik"]
        st.warning(tr("akses.refused.body", page=title, roles=role_names(roles), yours=role_names(access.roles),
                      contact=_contact(access)), icon=":material/lock:")
    record_denial(("page", page), reason="page outside the session's rights", page=page, right=right)


# -- the audit of refusals -----------------------------------------------------------------------


def record_denial(marker: tuple, **fields) -> None:
    """A refusal, written to the audit log once per session and marker."""
    done: set = st.session_state.setdefault(_DENIALS, set())
    if marker in done:
        return
    access = session.current()
    try:
        audit.record(app_db_path(), "denied", via="app", actor=access.describe(), **fields)
    except audit.AuditError as error:
        log.error("refusal not recorded: %s", error)
        return
    done.add(marker)


def record_link_denials() -> None:
    """Link values outside the session's access (end of every run): each
    refused value is recorded once per session."""
    for notice in urlstate.notices():
        if notice.reason == "outside":
            record_denial(("link", notice.name, notice.value), reason="link names something outside the session's access",
                          parameter=notice.name, requested=notice.value.replace("\\", ""))
