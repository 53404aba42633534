"""The brief's download on Ringkasan: the region or province in view as the
one-page PDF of `python -m bansos brief`, made when clicked, within the
session's rights (suppressed in the public view) and written to the audit
log before the file is handed out."""

from __future__ import annotations

import streamlit as st

from bansos import brief
from bansos.charts import static
from bansos.ui import rights
from bansos.ui.core import app_db_path, lang, runner, tr
from bansos.ui.filters import Filters


def subject(f: Filters) -> tuple[str, str] | None:
    """("region", code) when one kab/kota is in view, ("province", code) when a
    province is chosen; None otherwise (a brief is about one place)."""
    if len(f.regions) == 1:
        return "region", f.regions[0]
    if f.province:
        return "province", f.province
    return None


def _builder(request: brief.Request, access, query_runner, public: bool):
    # Runs on click, on another thread: everything it needs is captured here.
    def build() -> bytes:
        payload, content = brief.make(query_runner, request, static.shared(), public=public)
        # Logged before the bytes are handed out; a failure refuses the download.
        brief.record(app_db_path(), content, payload, None, access, None, via="app")
        return payload

    return build


def download(f: Filters, names: dict[str, str]) -> None:
    """The download button (or why there is none)."""
    found = subject(f)
    if found is None or not f.has_period:
        st.caption(tr("brief.download.choose"))
        return
    access = rights.session(quiet=True)
    if access is None or not access.can("aggregate_export") or not access.allows("aggregate_export", f.regions):
        return
    kind, code = found
    request = brief.Request(kind, code, program=f.program, year=f.year, tranche=f.tranche, snapshot=f.as_of,
                            basis=f.basis, lang=lang(), regions=tuple(f.regions))
    st.download_button(
        tr("brief.download"), data=_builder(request, access, runner(), rights.public(access)),
        file_name=brief.file_name(request), mime="application/pdf", on_click="ignore", key="rk_brief",
        icon=":material/picture_as_pdf:", help=tr("brief.download.help", subject=names.get(code, code)),
    )
