"""Loads started from the browser (docs/operations.md, "Loading from the
browser"): the uploaded files go to a private folder, and the same
ingestion as the command line runs in a separate process — never inside the
app's server process: a load needs gigabytes, and the app serves everyone.

A job is a folder under the temporary root, `bansos-upload-<id>` (mode
0700), holding `job.json` (what to load, for whom, within which regions),
`status.json` (what the page shows: stage by file, then the results) and,
while the load runs, `files/` with the uploaded bytes. Those bytes hold raw
NIK: the runner deletes them when the load ends, whatever happened; if the
runner itself is killed, the next load removes them (the runner holds a
lock on `.alive` while it lives, like a load's private folder).

    python -m bansos.jobs JOBDIR     # what start() runs, detached
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bansos import settings
from bansos.warehouse import temp_root

PREFIX = "bansos-upload-"
FINISHED = ("finished", "failed")
KEEP_STATUS_SECONDS = 7 * 24 * 3600  # a finished job's status (no raw data) is shown for a week


def _write_json(path: Path, data: dict) -> None:
    """Atomically: the page may read while the runner writes."""
    fd, temporary = tempfile.mkstemp(prefix=".status-", dir=path.parent)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle, ensure_ascii=False)
    os.replace(temporary, path)


def job_dir(job_id: str) -> Path:
    if not job_id.isalnum():
        raise ValueError(f"not a job id: {job_id!r}")
    return temp_root() / f"{PREFIX}{job_id}"


def start(db_path: str | Path, files: list[tuple[str, bytes]], *, who: str, scope: list[str] | None,
          as_of: str | None = None, replace: bool = False, kind: str | None = None) -> str:
    """Write the uploaded files to a private job folder and start the runner
    in its own process (own session: it outlives the page run and the
    user's navigation). Returns the job id."""
    root = temp_root()
    root.mkdir(parents=True, exist_ok=True)
    job_id = secrets.token_hex(8)
    folder = job_dir(job_id)
    folder.mkdir(mode=0o700)
    incoming = folder / "files"
    incoming.mkdir(mode=0o700)
    names = []
    for number, (name, data) in enumerate(files):
        # The user's file name is kept for messages and records (the ledger, the
        # quarantine, the audit log: LoadRequest.name), never used as a path.
        target = incoming / f"{number:03d}{Path(name).suffix.lower()[:8]}"
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        names.append({"name": Path(name).name, "path": str(target), "bytes": len(data)})
    job = {"db": str(db_path), "files": names, "who": who, "scope": scope, "as_of": as_of, "replace": replace,
           "kind": kind, "started": time.time()}
    _write_json(folder / "job.json", job)
    _write_json(folder / "status.json", {"state": "queued", "files": [{"name": f["name"], "stage": "queued"} for f in names]})
    subprocess.Popen(
        [sys.executable, "-m", "bansos.jobs", str(folder)], cwd=settings.REPO_ROOT, start_new_session=True,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return job_id


def status(job_id: str) -> dict | None:
    """What the page shows. A runner that died is reported as such."""
    folder = job_dir(job_id)
    # Whether the runner is gone is asked before its status is read: a runner
    # writes its final status, then lets go of `.alive`. Read the other way
    # round, a runner finishing in between looked dead (seen in CI).
    gone = (folder / ".alive").exists() and not _alive(folder)
    try:
        data = json.loads((folder / "status.json").read_text())
    except (OSError, ValueError):
        return None
    if data.get("state") not in FINISHED and gone:
        data["state"] = "failed"
        data["message"] = "The load process stopped unexpectedly. Check Kualitas Data to see whether it landed."
    return data


def _alive(folder: Path) -> bool:
    try:
        with open(folder / ".alive") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return False
    except BlockingIOError:
        return True
    except OSError:
        return False


def remove_dead_uploads() -> list[Path]:
    """Delete the uploaded bytes of runners that died (called by every load
    under the load lock, like the removal of dead loads' folders)."""
    removed = []
    for folder in temp_root().glob(PREFIX + "*"):
        files = folder / "files"
        if files.exists() and (folder / ".alive").exists() and not _alive(folder):
            shutil.rmtree(files, ignore_errors=True)
            removed.append(files)
        elif not files.exists() and time.time() - folder.stat().st_mtime > KEEP_STATUS_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)  # an old job's status: no raw data, no longer shown
    return removed


def run(folder: Path) -> int:
    """The runner: load the job's files with the command line's ingestion,
    keep status.json current, delete the uploaded bytes at the end."""
    from bansos.ingest import IngestError, LoadRequest, ingest
    from bansos.keys import mask_text
    from bansos.warehouse import WarehouseError

    # `.alive` appears already locked (locked under another name, then
    # renamed): between its creation and the lock it would look like the
    # file of a runner that died, and its uploads would be removed.
    alive = open(folder / ".alive.new", "w")
    fcntl.flock(alive, fcntl.LOCK_EX)
    os.replace(folder / ".alive.new", folder / ".alive")
    job = json.loads((folder / "job.json").read_text())
    state: dict[str, Any] = {"state": "running", "pid": os.getpid(), "files": [{"name": f["name"], "stage": "queued"} for f in job["files"]]}

    def save() -> None:
        _write_json(folder / "status.json", state)

    def waiting(holder) -> None:
        state["state"] = "waiting"
        state["waiting_for"] = holder.describe() if holder else "another load"
        save()

    def progress(number: int, name: str, stage: str) -> None:
        state["state"] = "running"
        state.pop("waiting_for", None)
        if number >= 0:
            state["files"][number]["stage"] = stage
        else:
            state["finishing"] = stage
        save()

    try:
        requests = [LoadRequest(Path(f["path"]), job.get("kind"), job.get("as_of"), name=f["name"]) for f in job["files"]]
        results = ingest(job["db"], requests, replace=bool(job.get("replace")), who=job["who"],
                         scope=frozenset(job["scope"]) if job.get("scope") is not None else None,
                         on_wait=waiting, progress=progress)
        state["results"] = []
        for given, result in zip(job["files"], results):
            fields = asdict(result)
            # Ingestion names the file by the user's name (LoadRequest.name); a
            # reader's error can still name the private file.
            fields["message"] = result.message.replace(Path(given["path"]).name, mask_text(given["name"]))
            state["results"].append(fields)
        state["state"] = "finished"
        return 0
    except (IngestError, WarehouseError) as error:
        state["state"] = "failed"
        state["message"] = str(error)
        return 1
    except Exception as error:  # shown to the operator, not a traceback
        state["state"] = "failed"
        state["message"] = f"The load failed unexpectedly ({type(error).__name__}: {error}). Nothing was changed."
        return 1
    finally:
        shutil.rmtree(folder / "files", ignore_errors=True)  # raw ids: gone whatever happened
        save()
        alive.close()


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1])))
