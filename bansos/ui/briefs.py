"""The brief's download on Ringkasan: the region or province in view as the
one-page PDF of `python -m bansos brief`, made when clicked, within the
session's rights (suppressed in the public view) and written to the audit
log before the file is handed out."""

from __future__ import annotations

import streamlit as st

from bansos import brief
from bansos.charts import static
from bansos.ui import session
from bansos.ui.core import lang, tr
from bansos.ui.downloads import download as handed_out
from bansos.ui.filters import Filters


def subject(f: Filters) -> tuple[str, str] | None:
    """("region", code) when one kab/kota is in view, ("province", code) when a
    province is chosen; None otherwise (a brief is about one place)."""
    if len(f.regions) == 1:
        return "region", f.regions[0]
    if f.province:
        return "province", f.province
    return None


def _build(request: brief.Request, public: bool):
    # Runs on click with the runner of the aggregate_export right (its regions only).
    def build(runner) -> tuple[bytes, int]:
        payload, _content = brief.make(runner, request, static.shared(), public=public)
        return payload, len(request.regions or ())

    return build


def download(f: Filters, names: dict[str, str]) -> None:
    """The download button (or why there is none)."""
    found = subject(f)
    if found is None or not f.has_period:
        st.caption(tr("brief.download.choose"))
        return
    if not session.can("aggregate_export") or not session.current().allows("aggregate_export", f.regions):
        return
    kind, code = found
    request = brief.Request(kind, code, program=f.program, year=f.year, tranche=f.tranche, snapshot=f.as_of,
                            basis=f.basis, lang=lang(), regions=tuple(f.regions))
    filters = {"subject": f"{kind} {code}", "regions": list(f.regions), "program": f.program, "year": f.year,
               "tranche": f.tranche, "snapshot": f.as_of, "basis": f.basis, "lang": request.lang}
    # Recorded in the audit log as a brief (who, what, the SHA-256) before the file is handed out.
    handed_out(tr("brief.download"), _build(request, session.public()), key="rk_brief", file_name=brief.file_name(request),
             table="brief", file_format="pdf", filters=filters, event="brief", icon=":material/picture_as_pdf:",
             help=tr("brief.download.help", subject=names.get(code, code)))
