"""Ingestion: extract files → validated, pseudonymised, keyed rows in the
warehouse, with every other row in quarantine (docs/extract-contract.md).

One call makes one warehouse copy, however many files it loads; each file
lands whole or not at all (a transaction per file on the copy), and the copy
replaces the live file only when every file has been handled.

A file goes through named steps (`FileLoad.run`): recognise it as unchanged,
read and stage it, validate it, refuse it when most of its rows are bad, then
in one transaction insert its valid rows, apply --replace, settle key
collisions by the merge rule, quarantine the rest, check the accounting and
write the ledger.

Files are handled one after another, in the order given; while one is
validated and inserted, a worker thread hashes and reads the next
(`_ReadAhead`), so that the machine's cores are not left idle by reading;
the first file while the live warehouse file is copied.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, UTC
from pathlib import Path
from collections.abc import Callable

import duckdb

from bansos import audit, keys, marts, settings, validate
from bansos.merge import FACT, FACT_COLUMNS, remove_replaced, settle
from bansos.contract import KELUARGA, KIND_BY_NAME
from bansos.extracts import QUARANTINE_SHARE_MIN_ROWS, ReadFile, RejectedFile, StagedFile, read_file, stage, stage_file
from bansos.warehouse import (
    WAREHOUSE, Holder, WarehouseError, WriteSession, live_path, one_row, open_read_only, read_meta, reader_cursor,
    record_load_regions, record_quarantine_summary, write_session,
)

LOADED, UNCHANGED, REJECTED, BUSY = "loaded", "unchanged", "rejected", "busy"


@dataclass
class LoadRequest:
    path: Path
    kind: str | None = None
    as_of: str | None = None  # ISO date
    # The file's name as its sender knows it, when `path` is not (an upload
    # is stored under a private name): what the ledger, the quarantine, the
    # rejections and the messages call the file.
    name: str | None = None


@dataclass
class LoadResult:
    file: str
    kind: str | None
    status: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    load_id: int | None = None
    content_hash: str | None = None  # SHA-256 of the bytes and the options that change their meaning

    def to_json(self) -> str:
        fields = asdict(self)
        for internal in ("load_id", "content_hash"):  # the JSON fields are a stable interface (docs/cli.md)
            fields.pop(internal)
        return json.dumps(fields, ensure_ascii=False)


class IngestError(Exception):
    """The whole command is refused (a different pseudonymisation key, a
    damaged warehouse, a full disk); the message says why."""


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "unknown"


def content_hash(path: Path, kind: str | None, as_of: str | None) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(8 * 1024 * 1024):
            digest.update(block)
    # Options that change a file's meaning are part of its identity.
    digest.update(json.dumps({"kind": kind, "as_of": as_of}, sort_keys=True).encode())
    return digest.hexdigest()


def _check_key(con: duckdb.DuckDBPyConnection, key: str) -> None:
    stored = read_meta(con, "key_fingerprint", WAREHOUSE)
    current = keys.fingerprint(key)
    if stored is None:
        con.execute(f"INSERT INTO {WAREHOUSE}.meta VALUES ('key_fingerprint', $fp)", {"fp": current})
        con.execute(f"INSERT OR REPLACE INTO {WAREHOUSE}.meta VALUES ('key_scheme', $s)", {"s": keys.KEY_SCHEME})
    elif stored != current:
        raise IngestError(
            f"refused: this warehouse was built with another pseudonymisation key (fingerprint {stored}); "
            f"the key in use has fingerprint {current}. Loading with it would break every link between files. "
            "Set BANSOS_KEY or BANSOS_KEY_FILE to the key used before, or load into a new warehouse (--db)."
        )


@dataclass
class _Context:
    """What every file of one ingest call shares."""

    con: duckdb.DuckDBPyConnection
    key: str
    replace: bool
    load_date: str
    scratch: Path
    force_python_csv: bool
    who: str
    max_share: float
    scope: frozenset[str] | None = None  # kab/kota codes the loader may load; None = any
    progress: Callable[[int, str, str], None] | None = None  # (file number, file name, stage)

    def report(self, number: int, name: str, stage: str) -> None:
        if self.progress:
            self.progress(number, name, stage)


def ingest(
    db_path: str | Path,
    requests: list[LoadRequest],
    replace: bool = False,
    reference_dir: Path | None = None,
    mark_demo: bool = False,
    force_python_csv: bool = False,
    who: str | None = None,
    no_wait: bool = False,
    on_wait: Callable[[Holder | None], None] | None = None,
    scope: frozenset[str] | None = None,
    progress: Callable[[int, str, str], None] | None = None,
) -> list[LoadResult]:
    """Load `requests` into the warehouse at `db_path`. Raises IngestError
    when the whole command is refused (nothing changed), WarehouseBusy
    (a WarehouseError) when `no_wait` and another load runs.

    `who` is recorded in the ledger (default: the operating-system user).
    `scope` (kab/kota codes) rejects whole any file with a row outside it:
    an operator loads for their regions only. `progress(number, name,
    stage)` is told each file's stages ("waiting", "reading", "checking",
    "loading", "done") and, with number -1, the call's ("marts", "saving")."""
    try:
        keys.refuse_beside(live_path(db_path))
        key = keys.load_key()
        audit.load_key(live_path(db_path))  # a load that cannot be audited does not start
    except (keys.KeyProblem, audit.AuditError) as error:
        raise IngestError(str(error)) from error
    who = who or _os_user()
    results: list[LoadResult] = []
    # The first file is hashed and read while the session copies the live file.
    ahead = _ReadAhead(requests, force_python_csv, live_path(db_path))
    try:
        with write_session(db_path, reference_dir, what="a load", user=who, no_wait=no_wait, on_wait=on_wait,
                           alongside_copy=ahead.start) as session:
            con = session.con
            _check_key(con, key)
            validate.prepare(con)
            keys.register_mask_function(con)
            context = _Context(con, key, replace, date.today().isoformat(), session.scratch, force_python_csv, who,
                               settings.get_float("max_quarantine_share"), scope, progress)
            ahead.known({digest for (digest,) in con.execute(LOADED_HASHES.format(ledger=f"{WAREHOUSE}.load_ledger")).fetchall()})
            for number, request in enumerate(requests):
                results.append(FileLoad(context, request, number, ahead.take(number)).run())
            changed = any(r.status == LOADED for r in results)
            rejected = any(r.status == REJECTED for r in results)
            if mark_demo:
                con.execute(f"INSERT OR REPLACE INTO {WAREHOUSE}.meta VALUES ('is_demo', 'true')")
            if changed or session.created or mark_demo:
                context.report(-1, "", "marts")
                # Only the regions this call touched, when that is provably
                # the same as a full rebuild (bansos/marts.py `refresh`).
                full = "new warehouse" if session.created else None if changed else "demo marked"
                marts.refresh(con, WAREHOUSE, [r.load_id for r in results if r.load_id is not None], full)
            context.report(-1, "", "saving")
            if changed or session.created or mark_demo or rejected:
                _anchor_audit(con, live_path(db_path))
                _expect_loaded(session, [r.load_id for r in results if r.load_id is not None])
            else:
                session.discard()  # nothing new: keep the live file as it is
    except WarehouseError as error:
        if type(error).__name__ == "WarehouseBusy":
            raise
        raise IngestError(str(error)) from error
    if any(r.status != UNCHANGED for r in results):
        _audit_load(live_path(db_path), who, results)
    return results


def _anchor_audit(con, db: Path) -> None:
    """The audit log's head goes into the new warehouse: a log cut short
    after this load is then detected (docs/access-control.md)."""
    head = audit.head(db)
    if head is not None:
        con.execute(f"INSERT OR REPLACE INTO {WAREHOUSE}.meta VALUES ($k, $v)", {"k": audit.META_KEY, "v": head.to_text()})


def _audit_load(db: Path, who: str, results: list[LoadResult]) -> None:
    files = [{"file": Path(r.file).name, "status": r.status, "load_id": r.load_id, "sha256": r.content_hash,
              "read": r.rows_read, "loaded": r.rows_loaded, "quarantined": r.rows_quarantined}
             for r in results if r.status != UNCHANGED]
    try:
        audit.record(db, "load", runner=audit.runner_name(), who=who, files=files)
    except audit.AuditError as error:
        for result in results:
            result.warnings.append(f"the load landed but could not be written to the audit log: {error}")


def _expect_loaded(session: WriteSession, load_ids: list[int]) -> None:
    """What the finished copy must read back as (warehouse.write_session
    checks before swapping it in): the rows of this call's loads, their
    ledger records and the marts. Reads the new rows only (a zone-map skip on
    load_id), so the check grows with the load."""
    # The loads of one call have consecutive ids: a range the zone maps can skip by.
    span = {"lo": min(load_ids, default=0), "hi": max(load_ids, default=0)}
    for table in (*FACT.values(), "quarantine", "load_region", "quarantine_summary"):
        session.expect(
            f"SELECT count(*), coalesce(sum(hash(COLUMNS(*))), 0) FROM {WAREHOUSE}.{table} WHERE load_id BETWEEN $lo AND $hi",
            span,
        )
    for table in ("load_ledger", "rejections", "meta"):
        session.expect(f"SELECT count(*), coalesce(sum(hash(COLUMNS(*))), 0) FROM {WAREHOUSE}.{table}")
    for table in marts.built_tables(session.con, WAREHOUSE):
        session.expect(f"SELECT count(*), coalesce(sum(hash(COLUMNS(*))), 0) FROM {WAREHOUSE}.{table}")


# The content hashes of the loads in a ledger (unloaded ones are not loaded:
# their content loads again, so reading it ahead is not wasted).
LOADED_HASHES = "SELECT content_hash FROM {ledger} WHERE unloaded_at IS NULL"


@dataclass
class _Prepared:
    """What the read-ahead worker did for one request."""

    digest: str | None = None  # None: not hashed (unknown kind, not a file)
    read: ReadFile | None = None  # None: not read (most likely unchanged)
    rejection: RejectedFile | None = None


class _ReadAhead:
    """Hashes and reads request i+1 on a worker thread while request i is
    validated and inserted (hashlib, file reads and DuckDB release the GIL);
    the first request while the session copies the live file
    (`write_session`'s `alongside_copy`: `start`).

    Only ever one file ahead, so at most two files' rows are in memory. The
    worker decides nothing: the main thread still checks the ledger in
    order and reads a file itself when the worker skipped it. It skips
    reading a file whose content hash is already in the ledger or earlier
    in this call (most likely "unchanged": reading it would be wasted). The
    first file is hashed before the copy's ledger can be read, so for it the
    worker looks in the live file's ledger (read-only, as the app reads it;
    the load lock keeps it unchanged); when that cannot be read, it reads the
    file anyway."""

    def __init__(self, requests: list[LoadRequest], force_python_csv: bool, live: Path):
        self._requests, self._force_python_csv, self._live = requests, force_python_csv, live
        self._con: duckdb.DuckDBPyConnection | None = None
        self._scratch: Path | None = None
        self._lock = threading.Lock()
        self._seen: set[str] = set()
        self._ledger_known = False
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bansos-read-ahead")
        self._jobs: dict[int, tuple[Future, duckdb.DuckDBPyConnection]] = {}

    def start(self, con: duckdb.DuckDBPyConnection, scratch: Path) -> _ReadAhead:
        """Begin with the first request on the session's connection (before the copy)."""
        self._con, self._scratch = con, scratch
        self._submit(0)
        return self

    def known(self, stored: set[str]) -> None:
        """The content hashes in the copy's ledger (once it is attached)."""
        with self._lock:
            self._seen |= stored
            self._ledger_known = True

    def __enter__(self) -> _ReadAhead:
        return self

    def __exit__(self, *exc) -> None:
        for future, cursor in self._jobs.values():
            if future.cancel():
                cursor.close()
        self._jobs.clear()
        self._pool.shutdown(wait=True)

    def _submit(self, number: int) -> None:
        if self._con is not None and number < len(self._requests) and number not in self._jobs:
            # The worker reads through a cursor of its own (a connection is
            # not thread-safe), made here on the main thread.
            cursor = self._con.cursor()
            self._jobs[number] = (self._pool.submit(self._prepare, self._requests[number], cursor), cursor)

    def take(self, number: int) -> _Prepared:
        self._submit(number)
        self._submit(number + 1)
        if number not in self._jobs:  # never started: the main thread reads the file itself
            return _Prepared()
        future, _ = self._jobs.pop(number)
        return future.result()

    def _live_ledger(self) -> set[str] | None:
        """The content hashes of the loads in the live file's ledger; None
        when it cannot be read, for whatever reason (a setting the app's
        reader refuses, damage, an older schema): it only decides whether
        to read early, so any failure means "read"."""
        try:
            if not self._live.exists():
                return set()
            con = open_read_only(self._live)
        except Exception:
            return None
        try:
            return {digest for (digest,) in reader_cursor(con).execute(LOADED_HASHES.format(ledger="load_ledger")).fetchall()}
        except Exception:
            return None
        finally:
            con.close()

    def _first_seen(self, digest: str) -> bool:
        """Whether `digest` was seen before (in the ledger or this call); notes it."""
        with self._lock:
            known = self._ledger_known
        if not known:  # before the copy's ledger is read: the live file's
            stored = self._live_ledger()
            if stored is not None and digest in stored:
                return False
        with self._lock:
            if digest in self._seen:
                return False
            self._seen.add(digest)
            return True

    def _prepare(self, request: LoadRequest, cursor) -> _Prepared:
        try:
            path = Path(request.path)
            if (request.kind and request.kind not in KIND_BY_NAME) or not path.is_file():
                return _Prepared()
            digest = content_hash(path, request.kind, request.as_of)
            if not self._first_seen(digest):
                return _Prepared(digest)
            try:
                return _Prepared(digest, read_file(cursor, path, request.kind, request.as_of is not None,
                                                   self._force_python_csv, self._scratch))
            except RejectedFile as rejection:
                return _Prepared(digest, rejection=rejection)
        finally:
            cursor.close()


class FileLoad:
    """One file of an ingest call, in named steps (`run`)."""

    def __init__(self, context: _Context, request: LoadRequest, number: int, prepared: _Prepared):
        self.c = context
        self.con = context.con
        self.request = request
        self.number = number
        self.prepared = prepared
        self.path = Path(request.path)
        # File names can carry an id ("kk_3510….csv"): masked wherever kept or shown.
        self.name = keys.mask_text(Path(request.name or self.path).name)
        self.result = LoadResult(file=keys.mask_text(request.name or str(self.path)), kind=request.kind, status=REJECTED)
        self.digest: str | None = None

    def run(self) -> LoadResult:
        if self.request.kind and self.request.kind not in KIND_BY_NAME:
            self.result.message = f"{self.name}: unknown kind {self.request.kind!r} (use keluarga or penyaluran)"
            return self.result
        report = self.c.report
        try:
            report(self.number, self.name, "reading")
            if self._unchanged():
                report(self.number, self.name, "done")
                return self.result
            staged = self._stage()
            report(self.number, self.name, "checking")
            checked, rows_read = self._validate(staged)
            try:
                self._refuse_outside_scope(checked)
                self._refuse_mostly_bad(staged, checked, rows_read)
                report(self.number, self.name, "loading")
                self._load(staged, checked, rows_read)
            finally:
                self.con.execute(f"DROP TABLE IF EXISTS {checked}")
        except RejectedFile as rejection:
            self._reject(str(rejection))
        report(self.number, self.name, "done")
        return self.result

    # -- steps ------------------------------------------------------------------

    def _unchanged(self) -> bool:
        if not self.path.is_file():
            raise RejectedFile("does not exist" if not self.path.exists() else "is not a file")
        self.digest = self.prepared.digest or content_hash(self.path, self.request.kind, self.request.as_of)
        self.result.content_hash = self.digest
        earlier = self.con.execute(
            f"SELECT load_id, file_name, kind, loaded_at FROM {WAREHOUSE}.load_ledger "
            "WHERE content_hash = $h AND unloaded_at IS NULL ORDER BY load_id LIMIT 1",
            {"h": self.digest},
        ).fetchone()
        if not earlier:
            return False
        self.result.status, self.result.kind = UNCHANGED, earlier[2]
        self.result.message = (
            f"{self.name}: unchanged — same content and options as load #{earlier[0]} ({earlier[1]}, "
            f"{earlier[3]:%Y-%m-%d %H:%M} UTC); nothing changed"
        )
        return True

    def _stage(self) -> StagedFile:
        if self.prepared.rejection:
            raise self.prepared.rejection
        if self.prepared.read:
            return stage(self.con, self.prepared.read, f"stg_{self.number}")
        return stage_file(self.con, self.path, f"stg_{self.number}", self.request.kind, self.request.as_of is not None,
                          self.c.force_python_csv, self.c.scratch)

    def _validate(self, staged: StagedFile) -> tuple[str, int]:
        checked = f"chk_{self.number}"
        try:
            rows_read = validate.check(self.con, staged, checked, self.request.as_of)
        finally:
            staged.release(self.con)
        self.result.kind = staged.kind.name
        self.result.warnings = [keys.mask_text(w) for w in staged.warnings]
        if rows_read == 0:
            self.con.execute(f"DROP TABLE IF EXISTS {checked}")
            raise RejectedFile("has a header row but no data rows")
        if staged.expected_rows is not None and rows_read != staged.expected_rows:
            raise RejectedFile(
                f"{rows_read:,} rows were read but the file says it holds {staged.expected_rows:,}; nothing was kept"
            )
        return checked, rows_read

    def _refuse_outside_scope(self, checked: str) -> None:
        """An operator loads for their regions only: a file with any row in
        another kab/kota is rejected whole, naming those regions (a
        province-wide bank file goes through a province-level operator)."""
        if self.c.scope is None:
            return
        outside = [code for (code,) in self.con.execute(
            f"SELECT DISTINCT w_region FROM {checked} WHERE w_region IS NOT NULL "
            "AND NOT list_contains($scope, w_region) ORDER BY 1", {"scope": sorted(self.c.scope)}).fetchall()]
        if outside:
            shown = ", ".join(outside[:10]) + (f" and {len(outside) - 10} more" if len(outside) > 10 else "")
            raise RejectedFile(
                f"has rows in kab/kota outside your access ({shown}); you may load files for "
                f"{', '.join(sorted(self.c.scope)[:10])} only. Ask an operator with access to those regions"
            )

    def _refuse_mostly_bad(self, staged: StagedFile, checked: str, rows_read: int) -> None:
        """A file whose rows are mostly bad is not an extract of its kind
        (garbage under a valid header, the wrong export): refused whole, with
        the counts by reason and a few masked examples, and nothing kept."""
        bad = one_row(self.con.execute(f"SELECT count(*) FROM {checked} WHERE len(reasons) > 0"))[0]
        if rows_read < QUARANTINE_SHARE_MIN_ROWS or bad <= self.c.max_share * rows_read:
            return
        reasons = self._reasons(checked)
        examples = self.con.execute(
            f"SELECT _line, reasons, {self._masked_values(staged.kind)} FROM {checked} WHERE len(reasons) > 0 ORDER BY _line LIMIT 3"
        ).fetchall()
        shown = "; ".join(f"{staged.line_label} {line}: {', '.join(r)} {values[:160]}" for line, r, values in examples)
        raise RejectedFile(
            f"{bad:,} of its {rows_read:,} rows ({bad / rows_read:.0%}) break a rule, more than the "
            f"{self.c.max_share:.0%} allowed (BANSOS_MAX_QUARANTINE_SHARE); nothing of it was kept. "
            f"Reasons: {', '.join(f'{k} {v:,}' for k, v in reasons.items())}. For example {shown}"
        )

    def _load(self, staged: StagedFile, checked: str, rows_read: int) -> None:
        kind = staged.kind.name
        con = self.con
        valid_rows = _pseudonymised(con, kind, checked)
        params = {"key": self.c.key, "as_of": self.request.as_of, "load_date": self.c.load_date}
        # A tranche or snapshot not stored yet cannot collide with a stored
        # key (the period is part of the key): no collision check then.
        period_stored = _period_stored(con, kind, checked)
        load_id = one_row(con.execute(f"SELECT coalesce(max(load_id), 0) + 1 FROM {WAREHOUSE}.load_ledger"))[0]
        con.execute("BEGIN TRANSACTION")
        try:
            # The rows go straight into the fact table; what they replace is
            # settled afterwards, inside the same transaction.
            columns = ", ".join(FACT_COLUMNS[kind])
            inserted = one_row(con.execute(
                f"INSERT INTO {WAREHOUSE}.{FACT[kind]} ({columns}, load_id) SELECT *, $load_id FROM ({valid_rows})",
                _used(valid_rows, params) | {"load_id": load_id},
            ))[0]
            removed = remove_replaced(con, kind, load_id) if self.c.replace else 0
            superseded = settle(con, kind, load_id) if period_stored or self.c.replace else 0
            quarantined = self._quarantine(staged, checked, load_id)
            if inserted + quarantined != rows_read:
                # Never by construction: every checked row either has no
                # reason (inserted) or has one (quarantined). Checked anyway.
                raise RejectedFile(
                    f"its counts do not add up ({rows_read:,} read, {inserted:,} stored, {quarantined:,} "
                    "quarantined); nothing was kept"
                )
            reasons = self._reasons(checked)
            message = f"{self.name}: loaded {inserted:,} of {rows_read:,} {kind} rows; {quarantined:,} quarantined"
            if superseded:
                message += f"; {superseded:,} of them are older than rows already stored and do not replace them"
            if removed:
                message += f"; --replace removed {removed:,} stored rows this re-issue no longer contains (kept as replaced)"
            self._ledger(load_id, kind, rows_read, inserted, quarantined, superseded, removed, checked, message)
            con.execute(f"USE {WAREHOUSE}")
            record_load_regions(con, load_id, load_id)
            record_quarantine_summary(con, load_id, load_id)
            con.execute("USE memory")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        self.result.status = LOADED
        self.result.load_id = load_id
        self.result.rows_read, self.result.rows_loaded, self.result.rows_quarantined = rows_read, inserted, quarantined
        self.result.reasons = reasons
        self.result.message = message

    def _ledger(self, load_id, kind, rows_read, inserted, quarantined, superseded, removed, checked, message) -> None:
        extract_date = self.request.as_of or (
            one_row(self.con.execute(f"SELECT max(snapshot_date) FROM {checked} WHERE len(reasons) = 0"))[0]
            if kind == KELUARGA
            else self.c.load_date
        )
        self.con.execute(
            f"""INSERT INTO {WAREHOUSE}.load_ledger BY NAME SELECT $id AS load_id, $file AS file_name,
                $hash AS content_hash, $kind AS kind, $as_of::DATE AS as_of, $replace AS replace_mode,
                $extract::DATE AS extract_date, $read AS rows_read, $loaded AS rows_loaded,
                $quarantined AS rows_quarantined, $superseded AS rows_superseded, $removed AS rows_removed,
                $at AS loaded_at, $message AS message, $warnings AS warnings, $who AS loaded_by""",
            {
                "id": load_id, "file": self.name, "hash": self.digest, "kind": kind, "as_of": self.request.as_of,
                "replace": self.c.replace, "extract": extract_date, "read": rows_read, "loaded": inserted,
                "quarantined": quarantined, "superseded": superseded, "removed": removed,
                "at": datetime.now(UTC).replace(tzinfo=None), "message": message,
                "warnings": "; ".join(self.result.warnings) or None, "who": keys.mask_text(self.c.who),
            },
        )

    def _reject(self, why: str) -> None:
        """A file rejected whole: nothing of it is kept but the trace of the
        rejection (docs/operations.md), with every long digit run masked."""
        self.result.status = REJECTED
        if "nothing" not in why:
            why += "; nothing from it was loaded"
        self.result.message = keys.mask_text(f"{self.name}: rejected — {why}")
        self.con.execute(
            f"INSERT INTO {WAREHOUSE}.rejections VALUES ($at, $file, $hash, $kind, $message, $who)",
            {"at": datetime.now(UTC).replace(tzinfo=None), "file": self.name, "hash": self.digest,
             "kind": self.result.kind, "message": self.result.message, "who": keys.mask_text(self.c.who)},
        )

    def _reasons(self, checked: str) -> dict[str, int]:
        return dict(
            self.con.execute(
                f"SELECT r, count(*) FROM (SELECT unnest(reasons) AS r FROM {checked} WHERE len(reasons) > 0) GROUP BY r ORDER BY r"
            ).fetchall()
        )

    @staticmethod
    def _masked_values(kind) -> str:
        """The row as given, as JSON, with identifier columns masked and every
        long digit run elsewhere masked too: a misaligned row shifts a NIK
        into any column, and people type ids into free text."""
        fields = ", ".join(
            f"'{c.name}': {keys.MASK_SQL.format(col=c.name) if c.is_identifier else f'bansos_mask_text({c.name})'}"
            for c in kind.columns
        )
        return f"to_json({{{fields}}})::VARCHAR"

    def _quarantine(self, staged: StagedFile, checked: str, load_id: int) -> int:
        kind = staged.kind
        identifier = "nik_kepala" if kind.name == KELUARGA else "nik"
        return one_row(self.con.execute(
            f"""
            INSERT INTO {WAREHOUSE}.quarantine
            SELECT $load_id, $file, _line, reasons, {self._masked_values(kind)},
                   {_hash('no_kk')}, {keys.MASK_SQL.format(col='no_kk')},
                   {_hash(identifier)}, {keys.MASK_SQL.format(col=identifier)}
            FROM {checked} WHERE len(reasons) > 0
            """,
            {"load_id": load_id, "file": self.name, "key": self.c.key},
        ))[0]


def _used(sql: str, params: dict) -> dict:
    """DuckDB refuses unused parameters: bind the ones the statement names."""
    return {name: value for name, value in params.items() if f"${name}" in sql}


def _hash(column: str) -> str:
    return keys.HASH_SQL.format(col=column)


FAMILY_SELECT = """
    SELECT {family_key} AS family_key, snapshot_date, w_region AS region_code, w_kecamatan AS kecamatan_code,
           w_code AS wilayah_code, v_desil::TINYINT AS desil, v_members::SMALLINT AS members, v_channel AS channel,
           v_registration_date AS registration_date, v_decision AS decision, bansos_mask_text(alasan) AS reason,
           v_appeal AS appeal, {head_key} AS head_key, coalesce($as_of::DATE, snapshot_date) AS extract_date
    FROM {checked} WHERE len(reasons) = 0
"""
ALLOCATION_SELECT = """
    SELECT {family_key} AS family_key, v_program AS program, v_year::SMALLINT AS year, v_tranche::TINYINT AS tranche,
           w_region AS region_code, w_kecamatan AS kecamatan_code, w_code AS wilayah_code, v_amount AS amount,
           v_status AS status, v_institution AS institution, v_paid_date AS paid_date,
           bansos_mask_text(id_transaksi) AS transaction_id,
           {recipient_key} AS recipient_key, coalesce($as_of::DATE, $load_date::DATE) AS extract_date
    FROM {source}
"""


# A payment file covering several tranches names each family once per
# tranche: hashing each distinct (no_kk, nik) pair once and joining the keys
# back is then cheaper than hashing every row (SHA-256 was the largest single
# cost of loading such files). Below this share of distinct pairs the join pays.
DISTINCT_SHARE_FOR_JOIN = 0.6

KEYS_ONCE = """
    {checked} c JOIN (
        SELECT no_kk, nik, {family_key} AS family_key, {recipient_key} AS recipient_key
        FROM (SELECT DISTINCT no_kk, nik FROM {checked} WHERE len(reasons) = 0)
    ) ids ON c.no_kk IS NOT DISTINCT FROM ids.no_kk AND c.nik IS NOT DISTINCT FROM ids.nik
    WHERE len(c.reasons) = 0
"""


def _pseudonymised(con, kind: str, checked: str) -> str:
    """The valid rows with identifiers replaced by keyed hashes (parameters
    $key, $as_of, $load_date). Raw ids never reach the warehouse file."""
    if kind == KELUARGA:
        return FAMILY_SELECT.format(family_key=_hash("no_kk"), head_key=_hash("nik_kepala"), checked=checked)
    rows, pairs = con.execute(
        f"SELECT count(*), approx_count_distinct(no_kk || ':' || coalesce(nik, '')) FROM {checked} WHERE len(reasons) = 0"
    ).fetchone()
    if rows and pairs < DISTINCT_SHARE_FOR_JOIN * rows:
        source = KEYS_ONCE.format(checked=checked, family_key=_hash("no_kk"), recipient_key=_hash("nik"))
        return ALLOCATION_SELECT.format(family_key="ids.family_key", recipient_key="ids.recipient_key", source=source)
    return ALLOCATION_SELECT.format(family_key=_hash("no_kk"), recipient_key=_hash("nik"),
                                    source=f"{checked} WHERE len(reasons) = 0")


def _period_stored(con, kind: str, checked: str) -> bool:
    if kind == KELUARGA:
        probe = f"SELECT DISTINCT snapshot_date FROM {checked} WHERE len(reasons) = 0"
        on = "f.snapshot_date = p.snapshot_date"
    else:
        probe = f"SELECT DISTINCT v_program AS program, v_year AS year, v_tranche AS tranche FROM {checked} WHERE len(reasons) = 0"
        on = "f.program = p.program AND f.year = p.year AND f.tranche = p.tranche"
    return con.execute(f"SELECT EXISTS (SELECT 1 FROM {WAREHOUSE}.{FACT[kind]} f JOIN ({probe}) p ON {on})").fetchone()[0]
