"""A tiny app for the login test: what the identity module makes of st.user."""

import os

import streamlit as st

from bansos import identity
from bansos.access import AccessFileError

try:
    access = identity.session_access(os.environ.get("BANSOS_DB"))
except AccessFileError as error:
    st.error(str(error))
    st.stop()

if identity.auth_configured():
    if st.user.is_logged_in:
        st.markdown(f"email: `{st.user.email}`")
        if st.button("Log out"):
            st.logout()
    elif st.button("Log in"):
        st.login()
st.markdown(f"mode: `{access.mode}`; roles: `{','.join(sorted(access.roles))}`")
scope = access.scope() if access.can("pages") else "none"
st.markdown(f"scope: `{'all' if scope is None else ','.join(scope) if isinstance(scope, tuple) else scope}`")
