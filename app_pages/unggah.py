"""Unggah Data: an operator (or the person at the console in local mode)
loads extract files from the browser.

The files go to bansos/jobs.py, which runs the command line's ingestion in
a separate process (never in this server process) within the operator's
regions. The page follows the user's jobs from their status files, so the
progress and the results survive navigating away, a reload and a new
session. Nothing here shows a server path (bansos.uploads.clean_text).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from bansos import fmt, i18n, jobs, uploads, ui
from bansos.ui import tables, words

REFRESH_SECONDS = 1.0
STARTED = "ug_started"        # job ids started in this session (the last one stays open when newer loads come)
ROUND = "ug_round"            # a new uploader after each load: Streamlit then frees the uploaded bytes
NOTICE = "ug_notice"
STATUSES = ("loaded", "unchanged", "rejected")


def _files_key() -> str:
    return f"ug_files_{st.session_state.get(ROUND, 0)}"


def _submit(db, who: uploads.Uploader) -> None:
    """Hand the chosen files to a load job (a button callback: it runs
    before the page, so the page already shows the job)."""
    chosen = st.session_state.get(_files_key()) or []
    if not chosen:
        st.session_state[NOTICE] = ("warning", ui.tr("unggah.need_files"))
        return
    as_of = st.session_state.get("ug_as_of")
    try:
        # getbuffer(): the bytes Streamlit already holds, not a second copy
        job_id = jobs.start(db, [(f.name, f.getbuffer()) for f in chosen], who=who.who,
                            scope=list(who.scope) if who.scope is not None else None,
                            as_of=as_of.isoformat() if as_of else None, replace=bool(st.session_state.get("ug_replace")))
    except OSError as error:  # no room or no permission in the temporary folder
        st.session_state[NOTICE] = ("error", ui.tr("unggah.start_failed", message=_clean(str(error))))
        return
    st.session_state.setdefault(STARTED, []).append(job_id)
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    # The options were for these files: a "replace" left ticked would retire rows of the next upload's slices.
    st.session_state["ug_as_of"], st.session_state["ug_replace"] = None, False
    st.session_state[NOTICE] = ("success", ui.tr("unggah.started", n=fmt.number(len(chosen), ui.lang())))


def _clean(text) -> str:
    return uploads.clean_text(text, ui.tr("unggah.server_folder"))


def scope_note(who: uploads.Uploader) -> None:
    if who.scope is None:
        return
    names = ui.q("region_names", regions=list(who.scope))
    named = dict(zip(names["region_code"], names["region_name"])) if not names.empty else {}
    regions = ", ".join(f"{named.get(code, code)} ({code})" for code in who.scope)
    st.info(ui.tr("unggah.scope", regions=regions) + " " + ui.tr("unggah.scope.help"), icon=":material/location_on:")


def form(db, who: uploads.Uploader) -> None:
    st.subheader(ui.tr("unggah.form.heading"))
    limit = uploads.limit_mb(st.get_option("server.maxUploadSize"))
    st.file_uploader(ui.tr("unggah.files"), type=list(uploads.UPLOAD_TYPES), accept_multiple_files=True,
                     key=_files_key(), max_upload_size=limit, help=ui.tr("unggah.files.help", limit=limit))
    left, right = st.columns(2)
    left.date_input(ui.tr("unggah.as_of"), value=None, key="ug_as_of", help=ui.tr("unggah.as_of.help"),
                    format="DD/MM/YYYY")
    right.checkbox(ui.tr("unggah.replace"), key="ug_replace", help=ui.tr("unggah.replace.help"))
    st.button(ui.tr("unggah.submit"), type="primary", icon=":material/upload:", on_click=_submit, args=(db, who),
              key="ug_submit")
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        kind, text = notice
        getattr(st, kind)(text)


def _stage(stage: str, job_state: str) -> str:
    if job_state == "waiting" and stage == "queued":
        stage = "waiting"  # the whole job waits for the warehouse, every file with it
    key = f"unggah.stage.{stage}"
    return ui.tr(key) if key in i18n.STRINGS else stage


def progress(job: uploads.Job, lang: str) -> None:
    status = job.status
    finishing = status.get("finishing")
    if finishing in uploads.FINISHING_SHARE:
        text = ui.tr(f"unggah.progress.finishing.{finishing}")
    else:
        text = ui.tr("unggah.progress", state=ui.tr(f"unggah.job.state.{job.state}"),
                     done=fmt.number(uploads.files_done(status), lang), n=fmt.number(len(job.files), lang))
    st.progress(uploads.fraction(status), text=text)
    waiting = uploads.waiting_for(status)
    if waiting is not None:
        who, since = waiting
        st.info(ui.tr("unggah.waiting", who=who, since=fmt.moment(since, lang)) if who else ui.tr("unggah.waiting.unknown"),
                icon=":material/hourglass_top:")
    stages = status.get("files") or [{"name": name, "stage": "queued"} for name in job.files]
    frame = pd.DataFrame({"file": [_clean(f.get("name")) for f in stages], "stage": [_stage(f.get("stage"), job.state) for f in stages]})
    ui.table(frame, [tables.text("file", "unggah.col.file"), tables.text("stage", "unggah.col.stage")],
             key=f"ug_stages_{job.id}", rows_shown=None)


def results(job: uploads.Job, lang: str) -> None:
    status = job.status
    if job.state == "failed":
        st.error(ui.tr("unggah.failed", message=_clean(status.get("message"))), icon=":material/error:")
        return
    rows = status.get("results") or []
    counts = {s: sum(1 for r in rows if r.get("status") == s) for s in STATUSES}
    st.markdown(ui.tr("unggah.result.summary", **{s: fmt.number(n, lang) for s, n in counts.items()}))
    frame = pd.DataFrame({
        "file": [_clean(r.get("file")) for r in rows],
        "status": [ui.tr(f"unggah.status.{r.get('status')}") if r.get("status") in STATUSES else str(r.get("status")) for r in rows],
        "load_id": [r.get("load_id") for r in rows],
        "rows_read": [r.get("rows_read") for r in rows],
        "rows_loaded": [r.get("rows_loaded") for r in rows],
        "rows_quarantined": [r.get("rows_quarantined") for r in rows],
        "reasons": ["; ".join(f"{words.reason_label(code)}: {fmt.number(n, lang)}" for code, n in (r.get("reasons") or {}).items())
                    for r in rows],
        "message": [_clean(r.get("message")) for r in rows],
        "warnings": [words.load_warnings(_clean("; ".join(r.get("warnings") or []))) for r in rows],
    })
    ui.table(frame, [
        tables.text("file", "unggah.col.file", pinned=True), tables.text("status", "unggah.col.status"),
        ui.Col("load_id", ui.tr("unggah.col.load_id"), "plain"),
        ui.Col("rows_read", ui.tr("unggah.col.read"), "int"), ui.Col("rows_loaded", ui.tr("unggah.col.loaded"), "int"),
        ui.Col("rows_quarantined", ui.tr("unggah.col.quarantined"), "int"),
        tables.text("reasons", "unggah.col.reasons"), tables.text("message", "unggah.col.message"),
        tables.text("warnings", "unggah.col.warnings"),
    ], key=f"ug_results_{job.id}", rows_shown=None)
    st.caption(ui.tr("unggah.result.caption"))
    st.page_link("app_pages/kualitas.py", label=ui.tr("unggah.to_kualitas"), icon=":material/fact_check:")


def job_view(job: uploads.Job, lang: str) -> None:
    if job.finished:
        results(job, lang)
    else:
        progress(job, lang)


def _label(job: uploads.Job, lang: str) -> str:
    files = ", ".join(_clean(name) for name in job.files[:3]) + (" …" if len(job.files) > 3 else "")
    count = ui.tr("unggah.job.files", n=fmt.number(len(job.files), lang))
    return f"{fmt.moment(job.started_at, lang)} · {count} ({files}) · {ui.tr(f'unggah.job.state.{job.state}')}"


def jobs_body(who: str, db, refreshing: bool) -> None:
    """The user's loads: those still running, the newest and the last one
    started in this session shown open, the others folded. Refreshes itself
    while a load runs."""
    lang = ui.lang()
    recent = uploads.recent_jobs(who, db)
    if refreshing and all(job.finished for job in recent):
        st.rerun()  # the whole page: the data changed, and the refreshing stops
    if not recent:
        ui.empty_state("unggah.jobs.none")
        return
    started_here = st.session_state.get(STARTED, [])[-1:]
    for index, job in enumerate(recent):
        if index == 0 or not job.finished or job.id in started_here:
            st.markdown(f"**{_label(job, lang)}**")
            job_view(job, lang)
        else:
            with st.expander(_label(job, lang)):
                job_view(job, lang)


def jobs_section(db, who: uploads.Uploader) -> None:
    st.subheader(ui.tr("unggah.jobs.heading"))
    st.caption(ui.tr("unggah.jobs.caption"))
    refreshing = any(not job.finished for job in uploads.recent_jobs(who.who, db))
    st.fragment(jobs_body, run_every=REFRESH_SECONDS if refreshing else None)(who.who, db, refreshing)


def render() -> None:
    who = uploads.uploader(ui.access())
    if who is None:
        st.title(ui.tr("nav.unggah"))
        st.warning(ui.tr("unggah.denied"), icon=":material/lock:")
        return
    meta = ui.page_header("nav.unggah", "unggah.intro")
    if meta is not None and meta.get("is_demo"):
        st.warning(ui.tr("unggah.demo"), icon=":material/science:")
    scope_note(who)
    db = ui.app_db_path()
    form(db, who)
    jobs_section(db, who)


render()
