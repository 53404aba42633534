"""The audit log: who saw, exported or loaded what, in a file that cannot be
edited, shortened or cut without `python -m bansos audit verify` noticing.

Where. Beside the warehouse, in its own file: `<warehouse>.audit.jsonl`
(`data/warehouse.duckdb.audit.jsonl`). The warehouse file is replaced on every
load; the log is only ever appended to. A small head file
`<warehouse>.audit.head` holds the latest sequence number and keyed hash.

What. One JSON object per line and per event: `login`, `logout`, `denied`,
`export`, `download`, `brief`, `load`, `access_file`, `audit_export`. Each
record has `seq` (1, 2, 3, ...), `at` (UTC), `event`, the event's fields
(who, role, scope, table, filters, row count, SHA-256 of the bytes handed
out, ...) and `mac`: HMAC-SHA-256 over the previous record's `mac` and this
record's canonical JSON (sorted keys, no spaces, without `mac`).

No raw identifier ever enters it: every run of 16 or more digits (also
written with spaces, dots or dashes between them) in any text is masked
(`351001******3934`) before it is written, and integers of 16 digits or more
are refused. Hash fields (`sha256`, `mac`, names ending in `_sha256`) must be
64 lower-case hex characters and are the only exception.

Written under an exclusive `fcntl.flock` on the log file, so the app's
sessions and the command line (several processes) append at once without
interleaving or forking the chain. (flock works between processes of one
machine; keep the log on a local disk, not a network share.)

The key. Not the pseudonymisation key: the app server does not hold that
key, and must not, since with it a NIK (region + birth date + serial) can
be found again by enumeration. The audit key is its own secret:
`BANSOS_AUDIT_KEY`, else the file `BANSOS_AUDIT_KEY_FILE` (default
`~/.config/bansos/audit-key`), created with mode 0600 on first use and
refused when it lies in the warehouse's folder (a copy of the data folder
or of a backup must not carry the key that signs its log).

What `verify` detects, and what it cannot:
- an edited record (any byte): its MAC fails (forging one needs the key);
- a record deleted from the middle or records reordered: the sequence
  numbers jump and the next record's MAC (which covers the previous MAC)
  fails;
- records cut from the end: the head file (itself keyed) names a later
  record than the log has; the warehouse's `meta.audit_head` (written by
  every load) and each backup manifest anchor the head at that time, so a
  cut back past an anchor is detected even if the head file is replaced;
- NOT detectable: records cut after the last anchor together with the head
  file put back to an older genuine copy; and anyone holding the audit key
  (the app server's account, operators) can rewrite the records after the
  last anchor they cannot change. Anchors kept off the machine (backup
  manifests) bound what such a person can rewrite.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, UTC
from pathlib import Path

from bansos import keys, settings

LOG_SUFFIX = ".audit.jsonl"
HEAD_SUFFIX = ".audit.head"
EVENTS = frozenset({"login", "logout", "denied", "export", "download", "brief", "load", "access_file", "audit_export",
                    "unload", "backup", "restore", "purge", "migrate", "rebuild"})
GENESIS = "0" * 64
META_KEY = "audit_head"
HEX64 = re.compile(r"[0-9a-f]{64}")
MAX_INT = 10**15


class AuditError(Exception):
    pass


def _beside(db: str | os.PathLike, suffix: str) -> Path:
    # Beside the file the warehouse path really names (a symlinked
    # BANSOS_DB is followed, as loads follow it).
    real = Path(db).expanduser().resolve()
    return real.with_name(real.name + suffix)


def log_path(db: str | os.PathLike) -> Path:
    return _beside(db, LOG_SUFFIX)


def head_path(db: str | os.PathLike) -> Path:
    return _beside(db, HEAD_SUFFIX)


def runner_name() -> str:
    """The operating-system user running a command."""
    try:
        return getpass.getuser()
    except Exception:
        return f"uid {os.getuid()}"


# -- the key -----------------------------------------------------------------------


def load_key(db: str | os.PathLike) -> bytes:
    path = Path(settings.get("audit_key_file")).expanduser()
    if not os.environ.get(settings.SETTINGS["audit_key"].env) and path.resolve().parent == Path(db).resolve().parent:
        raise AuditError(
            f"The audit key file {path} is in the warehouse's folder: keep it elsewhere "
            "(BANSOS_AUDIT_KEY_FILE), so that a copy of the data does not carry the key that signs its log."
        )
    try:
        return keys.read_secret("audit_key", "audit_key_file").encode()
    except keys.KeyProblem as problem:
        raise AuditError(str(problem)) from problem


def _mac(key: bytes, prev: str, body: str) -> str:
    return hmac.new(key, (prev + "\n" + body).encode(), hashlib.sha256).hexdigest()


def _head_sig(key: bytes, seq: int, mac: str) -> str:
    return hmac.new(key, f"head\n{seq}\n{mac}".encode(), hashlib.sha256).hexdigest()


def canonical(record: dict) -> str:
    return json.dumps({k: v for k, v in record.items() if k != "mac"}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# -- keeping identifiers out ------------------------------------------------------------


def mask_digits(text: str) -> str:
    """Every long digit run masked, as everywhere else (bansos/keys.py)."""
    return keys.mask_text(text)


def _is_hash_key(key: str) -> bool:
    return key in ("sha256", "mac") or key.endswith("_sha256")


def clean(value, key: str = ""):
    """The value as it may enter the log (see module doc)."""
    if isinstance(value, dict):
        return {mask_digits(str(k)): clean(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return [clean(v, key) for v in items]
    if _is_hash_key(key) and value is not None:
        if not isinstance(value, str) or not HEX64.fullmatch(value):
            raise AuditError(f"{key} must be a SHA-256 in hex (64 characters), got {str(value)[:12]!r}...")
        return value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        if abs(value) >= MAX_INT:
            raise AuditError(f"{key}: a 16-digit number may be an identifier and is never written to the audit log")
        return value
    if isinstance(value, float):
        return round(value, 6)
    return mask_digits(str(value))


# -- writing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditHead:
    seq: int
    mac: str

    def to_text(self) -> str:
        return json.dumps({"seq": self.seq, "mac": self.mac}, sort_keys=True)

    @classmethod
    def from_text(cls, text: str) -> AuditHead:
        data = json.loads(text)
        return cls(int(data["seq"]), str(data["mac"]))


def _last_line(fd: int) -> bytes | None:
    size = os.fstat(fd).st_size
    if size == 0:
        return None
    if os.pread(fd, 1, size - 1) != b"\n":
        raise AuditError("the audit log ends in a partial record (a write was cut off); run `python -m bansos audit verify`")
    end, chunk, data = size - 1, 4096, b""
    while end > 0:
        start = max(0, end - chunk)
        data = os.pread(fd, end - start, start) + data
        end = start
        if b"\n" in data:
            break
    return data.rsplit(b"\n", 1)[-1]


def record(db: str | os.PathLike, event: str, **fields) -> AuditHead:
    """Append one record and return the new head. Raises AuditError when the
    record cannot be written: the caller must then refuse what it was about
    to do (an export that cannot be logged is not handed out)."""
    if event not in EVENTS:
        raise AuditError(f"unknown audit event {event!r}")
    reserved = {"seq", "at", "event", "mac"} & set(fields)
    if reserved:
        raise AuditError(f"reserved audit fields: {sorted(reserved)}")
    key = load_key(db)
    body_fields = clean(fields)
    path = log_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o660)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        last = _last_line(fd)
        if last is None:
            seq, prev = 1, GENESIS
        else:
            try:
                previous = json.loads(last)
                seq, prev = int(previous["seq"]) + 1, str(previous["mac"])
            except (ValueError, KeyError, TypeError):
                raise AuditError("the audit log's last record cannot be read; run `python -m bansos audit verify`") from None
        entry = {"seq": seq, "at": datetime.now(UTC).isoformat(timespec="milliseconds"), "event": event, **body_fields}
        body = canonical(entry)
        entry_mac = _mac(key, prev, body)
        line = body[:-1] + f',"mac":"{entry_mac}"}}\n'
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
        head = AuditHead(seq, entry_mac)
        _write_head(db, key, head)
        return head
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _write_head(db, key: bytes, head: AuditHead) -> None:
    path = head_path(db)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"seq": head.seq, "mac": head.mac, "sig": _head_sig(key, head.seq, head.mac)}) + "\n")
    os.replace(tmp, path)


def head(db: str | os.PathLike) -> AuditHead | None:
    """The latest record's (seq, mac), read under the lock: the value to
    anchor in the warehouse's meta table (key `audit_head`, as
    `head.to_text()`) at every load and in every backup manifest."""
    path = log_path(db)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        last = _last_line(fd)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    if last is None:
        return None
    data = json.loads(last)
    return AuditHead(int(data["seq"]), str(data["mac"]))


# -- reading and verifying -------------------------------------------------------------------


def read(db: str | os.PathLike) -> list[dict]:
    path = log_path(db)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Verdict:
    ok: bool
    records: int
    message: str
    broken_seq: int | None = None
    notes: tuple[str, ...] = ()


def warehouse_anchor(db: str | os.PathLike) -> AuditHead | None:
    """The head anchored in the warehouse's meta table by the last load, if any."""
    if not Path(db).exists():
        return None
    import duckdb

    from bansos.warehouse import WarehouseError, open_read_only

    try:
        # A private instance: in the app's process a plain connect could be handed
        # the file a load has since replaced (see warehouse.open_read_only).
        con = open_read_only(db)
    except (duckdb.Error, WarehouseError):
        return None
    try:
        row = con.execute("SELECT value FROM meta WHERE key = $k", {"k": META_KEY}).fetchone()
    except duckdb.Error:
        row = None
    finally:
        con.close()
    return AuditHead.from_text(row[0]) if row and row[0] else None


def verify(db: str | os.PathLike, anchors: tuple[AuditHead, ...] | list = (), use_warehouse: bool = True) -> Verdict:
    """Check the whole chain, the head file and the anchors. The verdict names
    the first broken record."""
    key = load_key(db)
    path = log_path(db)
    lines = path.read_bytes().split(b"\n") if path.exists() else []
    if lines and lines[-1] == b"":
        lines.pop()
    elif lines:
        return Verdict(False, len(lines), f"line {len(lines)}: the last record is cut off (no line end)", len(lines))
    prev = GENESIS
    macs: dict[int, str] = {}
    for number, raw in enumerate(lines, start=1):
        try:
            entry = json.loads(raw)
            seq, stored = int(entry["seq"]), str(entry["mac"])
        except (ValueError, KeyError, TypeError):
            return Verdict(False, number - 1, f"record {number} (line {number}) is not a readable record", number)
        if seq != number:
            return Verdict(False, number - 1, f"record {number} (line {number}) has seq {seq}: "
                           f"{'records before it were deleted' if seq > number else 'records are repeated or moved'}", number)
        if not hmac.compare_digest(_mac(key, prev, canonical(entry)), stored):
            return Verdict(False, number - 1, f"record {number}: the keyed hash does not match: the record, or the one "
                           "before it, was edited or deleted (or it was written with another audit key)", number)
        macs[seq] = stored
        prev = stored
    last = len(lines)
    notes: list[str] = []
    head_file = head_path(db)
    checks: list[tuple[str, AuditHead]] = []
    if head_file.exists():
        try:
            data = json.loads(head_file.read_text())
            file_head = AuditHead(int(data["seq"]), str(data["mac"]))
            sig_ok = hmac.compare_digest(_head_sig(key, file_head.seq, file_head.mac), str(data["sig"]))
        except (ValueError, KeyError, TypeError):
            return Verdict(False, last, f"the head file {head_file.name} cannot be read", None)
        if not sig_ok:
            return Verdict(False, last, f"the head file {head_file.name} was edited (its keyed hash does not match)", None)
        checks.append(("the head file", file_head))
        if file_head.seq < last:
            notes.append(f"the head file names record {file_head.seq}, the log goes on to {last} "
                         "(a write was interrupted before the head file was updated)")
    elif last:
        return Verdict(False, last, f"the head file {head_file.name} is missing: records cut from the end could not be detected", None)
    if use_warehouse:
        anchor = warehouse_anchor(db)
        if anchor is not None:
            checks.append(("the warehouse's anchor (meta.audit_head)", anchor))
    checks += [("an anchor given", a if isinstance(a, AuditHead) else AuditHead.from_text(a)) for a in anchors]
    for source, anchor in checks:
        if anchor.seq > last:
            return Verdict(False, last, f"records cut from the end: {source} names record {anchor.seq}, "
                           f"the log ends at record {last}", last + 1)
        if anchor.seq >= 1 and macs.get(anchor.seq) != anchor.mac:
            return Verdict(False, last, f"record {anchor.seq} differs from {source}: the log was cut and written again from there",
                           anchor.seq)
    return Verdict(True, last, f"audit log intact: {last} records, chain and {len(checks)} anchor(s) check out", None, tuple(notes))


# -- the common records ----------------------------------------------------------------------


def record_export(db, *, access, table: str, filters: dict, rows: int, payload: bytes, file_format: str,
                  via: str, runner: str | None = None, event: str = "export") -> AuditHead:
    """An export or download: who (and for whom), role, scope, table, filters,
    row count and the SHA-256 of the bytes handed out."""
    return record(
        db, event,
        via=via, runner=runner, actor=access.describe() if access is not None else None,
        table=table, filters=filters, rows=int(rows), format=file_format,
        sha256=hashlib.sha256(payload).hexdigest(), bytes=len(payload),
    )
