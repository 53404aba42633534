"""Every file the app hands out goes through here: tables, exports, chart
data, briefs.

One path, three guarantees:
- **scope**: the file is built by the query runner of the right the
  download stands on (`aggregate_export`, `family_export`, ...), so its rows
  are limited to that right's regions; in the public view that runner runs
  no query with figures about people, so public files are made only from
  the suppressed table (bansos.ui.public);
- **audit**: the bytes are recorded (who, role, scope, table, filters, rows,
  SHA-256) by `audit.record_export` before they are handed out; when the
  record cannot be written the file is refused (the buttons are disabled,
  and a click that still arrives fails without handing anything out);
- **built on click**: the page run only draws the button.

    ui.download(label, build, key=..., file_name=..., mime=..., table=..., file_format=...)
    ui.download_frame(frame, name=..., key=...)        # a table shown on the page: CSV and CSV for Excel (Indonesia)
    ui.chart(fig, key=..., data=frame)                   # every chart: "download chart data"

`build(runner)` gets the runner of the download's right and returns
(bytes, rows).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pandas as pd
import streamlit as st

from bansos import audit, excel_csv, export
from bansos.ui import session
from bansos.ui.core import app_db_path, lang, runner, tr

log = logging.getLogger("bansos.app")
MIMES = {"csv": "text/csv", "csv-id": "text/csv", "json": "application/json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "parquet": "application/vnd.apache.parquet", "pdf": "application/pdf"}

Build = Callable[[object], tuple[bytes, int]]


def audit_ready() -> bool:
    """Whether downloads can be recorded (the audit key can be read)."""
    try:
        audit.load_key(app_db_path())
        return True
    except audit.AuditError as error:
        log.error("downloads refused, the audit log cannot be written: %s", error)
        return False


def handing_out(build: Build, *, table: str, filters: dict, file_format: str, right: str,
                event: str = "download") -> Callable[[], bytes]:
    """The callable a click runs: build the file with the runner of `right`,
    record it, hand it out. Everything is captured now (a click runs on
    another thread, outside the page run)."""
    access = session.current()
    if not access.can(right):
        raise PermissionError(f"no right {right!r}")
    scoped = runner(right)
    db = app_db_path()

    def hand_out() -> bytes:
        payload, rows = build(scoped)
        # Recorded before anything leaves the server: a file that cannot be logged is refused.
        audit.record_export(db, access=access, table=table, filters=filters, rows=rows, payload=payload,
                            file_format=file_format, via="app", event=event)
        return payload

    return hand_out


def download(label: str, build: Build, *, key: str, file_name: str, table: str, file_format: str,
             filters: dict | None = None, right: str = "aggregate_export", event: str = "download",
             mime: str | None = None, container=None, **button) -> bool:
    """A download button whose file goes through the session's scope and the
    audit log. Nothing is drawn when the session lacks `right`. Returns
    whether the button was drawn."""
    if not session.can(right):
        return False
    hand_out = handing_out(build, table=table, filters=filters if filters is not None else view_filters(),
                           file_format=file_format, right=right, event=event)
    ready = audit_ready()
    (container or st).download_button(
        label, data=hand_out, file_name=file_name, mime=mime or MIMES.get(file_format, "application/octet-stream"),
        on_click="ignore", key=key, disabled=not ready, icon=button.pop("icon", ":material/download:"), **button,
    )
    if not ready:
        (container or st).caption(tr("unduh.refused"))
    return True


def button_row(container=None):
    """A row for several download buttons, each as wide as its label, that
    wraps where the page is too narrow. Equal columns cut the longer labels
    ("Unduh CSV untuk Excel (Indonesia)") at a laptop's width."""
    return (container or st).container(horizontal=True, gap="small")


def view_filters() -> dict:
    """The shared filters in use, for the audit record of a download."""
    from bansos.ui.filters import filters

    f = filters()
    return {"province": f.province, "regions": list(f.chosen_regions), "group": f.group, "program": f.program,
            "year": f.year, "tranche": f.tranche, "snapshot": f.as_of, "basis": f.basis}


def _frame_file(frame: pd.DataFrame, name: str, file_format: str, language: str,
                labels: dict[str, str] | None = None) -> Build:
    def build(_runner) -> tuple[bytes, int]:
        made = export.frame_export(name, frame, name, labels=labels)
        payload = (excel_csv.to_excel_id_csv_bytes(made, language) if file_format == "csv-id"
                   else export.to_csv_bytes(made))
        return payload, len(frame)

    return build


def download_frame(frame: pd.DataFrame, *, name: str, key: str, table: str | None = None, filters: dict | None = None,
                   right: str = "aggregate_export", container=None, labels: dict[str, str] | None = None) -> None:
    """A table shown on the page as CSV and as CSV for Excel (Indonesia).
    `frame` is exactly what the page shows (already within its scope, and
    suppressed in the public view); `name` is what it shows, in words
    ("Per wilayah · PKH · T2 2026"): the file is named after it. `labels`
    (column → header as the table shows it, in the language shown) head the
    Excel (Indonesia) file's columns, as on screen; the standard CSV keeps
    the machine names."""
    if not session.can(right):
        return
    from bansos.ui.figures import file_name

    name = name if name.startswith("bansos_") else file_name(name)
    language = lang()
    row = button_row(container)
    for file_format, label in (("csv", "unduh.csv"), ("csv-id", "unduh.csv_id")):
        stem = name if file_format == "csv" else name + "_excel-id"
        download(tr(label), _frame_file(frame, name, file_format, language, labels), key=f"{key}_{file_format}",
                 file_name=f"{stem}.csv", table=table or name, file_format=file_format, filters=filters, right=right,
                 container=row, width="content")


def chart_data(frame: pd.DataFrame, *, name: str, key: str, filters: dict | None = None, container=None) -> None:
    """"Download chart data" under a chart: its figures as CSV and CSV for
    Excel (Indonesia), named like its image."""
    if frame is None or not session.can("aggregate_export"):
        return
    with (container or st).popover(tr("unduh.chart"), icon=":material/table_view:", help=tr("unduh.chart.help")):
        download_frame(frame, name=name, key=f"{key}_data", table=f"chart:{name}", filters=filters)
