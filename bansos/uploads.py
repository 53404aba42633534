"""Loads from the browser, the page's side (app_pages/unggah.py): who may
load and within which regions, the upload size limit, the user's recent
load jobs and how far each has got. The jobs themselves run in a separate
process (bansos/jobs.py).

What the page shows comes from a job's `status.json` and the user's own
file names in `job.json`; the private paths in `job.json` are never shown,
and every text from the loader goes through `clean_text` (no server path,
no long digit run) before it reaches the page.
"""

from __future__ import annotations

import getpass
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, UTC
from pathlib import Path

from bansos import jobs, keys, settings
from bansos.warehouse import temp_root

UPLOAD_TYPES = ("csv", "xlsx", "parquet")
RECENT_JOBS = 10
# How far a file has got, by its stage (bansos/ingest.py reports them in this
# order); the call's own stages come after every file is done.
FILE_STAGE_SHARE = {"queued": 0.0, "waiting": 0.0, "reading": 0.25, "checking": 0.5, "loading": 0.75, "done": 1.0}
FILES_SHARE = 0.9
FINISHING_SHARE = {"marts": 0.92, "saving": 0.97}
# bansos.warehouse.Holder.describe(): "a load by USER (process PID on HOST, since YYYY-MM-DD HH:MM:SS UTC)"
_HOLDER = re.compile(r"^(?P<what>.+?) by (?P<who>.+?) \(process \d+ on .+?, since "
                     r"(?P<since>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC\)$")
# An absolute path: a slash not inside a word, a date or a URL, then path characters.
_PATH = re.compile(r"(?<![\w:/.])/[\w.+@~-]+(?:/[\w.+@~-]*)*")


# -- who may load ---------------------------------------------------------------------


@dataclass(frozen=True)
class Uploader:
    who: str                              # recorded as loaded_by / rejected_by
    scope: tuple[str, ...] | None         # kab/kota codes; None = every region


def uploader(access) -> Uploader | None:
    """The session's right to load files (`access`: the session's
    bansos.access.Access), or None. Operators within their regions, and the
    person at the console in local mode (every region)."""
    if access is None or not access.can("upload"):
        return None
    email = access.identity.email if access.identity is not None else None
    return Uploader(email or local_user(), access.scope("upload"))


def local_user() -> str:
    """In local mode the load is the console user's, as on the command line."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def recorded_who(who: str) -> str:
    """The user as the warehouse records them (ingestion masks long digit runs)."""
    return keys.mask_text(who)


def limit_mb(server_limit_mb: int) -> int:
    """The largest file the page accepts: the setting, never above what
    Streamlit's server accepts (`server.maxUploadSize`): a larger file would
    pass the widget's check and then be refused by the server."""
    return max(1, min(settings.get_int("upload_max_mb"), int(server_limit_mb)))


# -- jobs -------------------------------------------------------------------------------


@dataclass
class Job:
    id: str
    started: float                         # epoch seconds
    files: list[str]                       # the user's own file names
    status: dict = field(default_factory=dict)

    @property
    def state(self) -> str:
        return self.status.get("state", "queued")

    @property
    def finished(self) -> bool:
        return self.state in jobs.FINISHED

    @property
    def started_at(self) -> datetime:
        return datetime.fromtimestamp(self.started, tz=UTC)


def _read(folder) -> dict | None:
    try:
        return json.loads((folder / "job.json").read_text())
    except (OSError, ValueError):
        return None


def recent_jobs(who: str, db, limit: int = RECENT_JOBS) -> list[Job]:
    """The user's load jobs into warehouse `db` still on record (a finished
    job's status is kept for a week), newest first. Read from the job
    folders, so a new session after a reload finds them too."""
    target = Path(db).resolve()
    found: list[Job] = []
    for folder in temp_root().glob(jobs.PREFIX + "*"):
        job_id = folder.name[len(jobs.PREFIX):]
        if not job_id.isalnum():
            continue
        job = _read(folder)
        if job is None or job.get("who") != who or Path(str(job.get("db"))).resolve() != target:
            continue
        found.append(Job(job_id, float(job.get("started") or folder.stat().st_mtime),
                         [str(f.get("name", "")) for f in job.get("files", [])]))
    found.sort(key=lambda j: j.started, reverse=True)
    found = found[:limit]
    for entry in found:
        entry.status = jobs.status(entry.id) or {"state": "failed", "message": ""}
    return found


def fraction(status: dict) -> float:
    """How far a job has got, 0-1, for the progress bar."""
    if status.get("state") in jobs.FINISHED:
        return 1.0
    finishing = status.get("finishing")
    if finishing in FINISHING_SHARE:
        return FINISHING_SHARE[finishing]
    files = status.get("files") or []
    if not files:
        return 0.0
    return FILES_SHARE * sum(FILE_STAGE_SHARE.get(f.get("stage"), 0.0) for f in files) / len(files)


def files_done(status: dict) -> int:
    return sum(1 for f in status.get("files") or [] if f.get("stage") == "done")


def waiting_for(status: dict) -> tuple[str, datetime | None] | None:
    """Whose load a waiting job waits for, and since when (UTC); None when
    the job is not waiting. The holder's process and host are left out."""
    if status.get("state") != "waiting":
        return None
    text = str(status.get("waiting_for") or "")
    match = _HOLDER.match(text)
    if not match:
        return ("", None)
    since = datetime.strptime(match["since"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    return (clean_text(match["who"]), since)


def clean_text(text, server_folder: str = "[…]") -> str:
    """A loader's message as the page may show it: server paths replaced,
    long digit runs masked (they are already, at ingestion; this is the
    page's own guard)."""
    if not isinstance(text, str):
        return ""
    return keys.mask_text(_PATH.sub(server_folder, text))
