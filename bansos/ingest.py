"""Ingestion: extract files → validated, pseudonymised, keyed rows in the
warehouse, with every other row in quarantine (DESIGN §2-4).

One call makes one warehouse copy, however many files it loads; each file
lands whole or not at all (a transaction per file on the copy), and the copy
replaces the live file only when every file has been handled.

Files are handled one after another, in the order given; while one is
validated and inserted, a worker thread hashes and reads the next
(`_ReadAhead`), so that the machine's cores are not left idle by reading.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb

from bansos import keys, marts, validate
from bansos.contract import KELUARGA, KIND_BY_NAME
from bansos.extracts import ReadFile, RejectedFile, read_file, stage, stage_file
from bansos.warehouse import WAREHOUSE, read_meta, write_session

LOADED, UNCHANGED, REJECTED = "loaded", "unchanged", "rejected"


@dataclass
class LoadRequest:
    path: Path
    kind: str | None = None
    as_of: str | None = None  # ISO date


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

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


class IngestError(Exception):
    """The whole command is refused (e.g. a different pseudonymisation key)."""


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
    elif stored != current:
        raise IngestError(
            f"refused: this warehouse was built with another pseudonymisation key (fingerprint {stored}); "
            f"the key in use has fingerprint {current}. Loading with it would break every link between files. "
            "Set BANSOS_KEY or BANSOS_KEY_FILE to the key used before, or load into a new warehouse (--db)."
        )


def ingest(
    db_path: str | Path,
    requests: list[LoadRequest],
    replace: bool = False,
    reference_dir: Path | None = None,
    mark_demo: bool = False,
    force_python_csv: bool = False,
) -> list[LoadResult]:
    key = keys.load_key()
    results: list[LoadResult] = []
    with write_session(db_path, reference_dir) as session:
        con = session.con
        _check_key(con, key)
        validate.prepare(con)
        load_date = date.today().isoformat()
        stored = {digest for (digest,) in con.execute(f"SELECT content_hash FROM {WAREHOUSE}.load_ledger").fetchall()}
        with _ReadAhead(con, requests, stored, force_python_csv) as ahead:
            for number, request in enumerate(requests):
                results.append(_load_one(con, request, number, key, replace, load_date, force_python_csv, ahead.take(number)))
        changed = any(r.status == LOADED for r in results)
        if mark_demo:
            con.execute(f"INSERT OR REPLACE INTO {WAREHOUSE}.meta VALUES ('is_demo', 'true')")
        if changed or session.created or mark_demo:
            marts.rebuild(con, WAREHOUSE)
        else:
            session.discard()  # nothing new: keep the live file as it is
    return results


@dataclass
class _Prepared:
    """What the read-ahead worker did for one request."""

    digest: str | None = None  # None: not hashed (unknown kind, not a file)
    read: ReadFile | None = None  # None: not read (most likely unchanged)
    rejection: RejectedFile | None = None


class _ReadAhead:
    """Hashes and reads request i+1 on a worker thread while request i is
    validated and inserted (hashlib, file reads and DuckDB release the GIL).

    Only ever one file ahead, so at most two files' rows are in memory. The
    worker decides nothing: the main thread still checks the ledger in
    order and reads a file itself when the worker skipped it. It skips
    reading a file whose content hash is already in the ledger or earlier
    in this call (most likely "unchanged": reading it would be wasted)."""

    def __init__(self, con, requests: list[LoadRequest], stored: set[str], force_python_csv: bool):
        self._con, self._requests, self._seen = con, requests, set(stored)
        self._force_python_csv = force_python_csv
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bansos-read-ahead")
        self._jobs: dict[int, tuple[Future, object]] = {}

    def __enter__(self) -> "_ReadAhead":
        return self

    def __exit__(self, *exc) -> None:
        for future, cursor in self._jobs.values():
            if future.cancel():
                cursor.close()
        self._pool.shutdown(wait=True)

    def _submit(self, number: int) -> None:
        if number < len(self._requests) and number not in self._jobs:
            # The worker reads through a cursor of its own (a connection is
            # not thread-safe), made here on the main thread.
            cursor = self._con.cursor()
            self._jobs[number] = (self._pool.submit(self._prepare, self._requests[number], cursor), cursor)

    def take(self, number: int) -> _Prepared:
        self._submit(number)
        self._submit(number + 1)
        future, _ = self._jobs.pop(number)
        return future.result()

    def _prepare(self, request: LoadRequest, cursor) -> _Prepared:
        try:
            path = Path(request.path)
            if (request.kind and request.kind not in KIND_BY_NAME) or not path.is_file():
                return _Prepared()
            digest = content_hash(path, request.kind, request.as_of)
            if digest in self._seen:
                return _Prepared(digest)
            self._seen.add(digest)
            try:
                return _Prepared(digest, read_file(cursor, path, request.kind, request.as_of is not None, self._force_python_csv))
            except RejectedFile as rejection:
                return _Prepared(digest, rejection=rejection)
        finally:
            cursor.close()


def _load_one(con, request: LoadRequest, number: int, key: str, replace: bool, load_date: str, force_python_csv: bool,
              prepared: _Prepared) -> LoadResult:
    path = Path(request.path)
    name = path.name
    result = LoadResult(file=str(path), kind=request.kind, status=REJECTED)
    if request.kind and request.kind not in KIND_BY_NAME:
        result.message = f"{name}: unknown kind {request.kind!r} (use keluarga or penyaluran)"
        return result
    try:
        if not path.is_file():
            raise RejectedFile("does not exist" if not path.exists() else "is not a file")
        digest = prepared.digest or content_hash(path, request.kind, request.as_of)
        earlier = con.execute(
            f"SELECT load_id, file_name, kind, loaded_at FROM {WAREHOUSE}.load_ledger WHERE content_hash = $h ORDER BY load_id LIMIT 1",
            {"h": digest},
        ).fetchone()
        if earlier:
            result.status, result.kind = UNCHANGED, earlier[2]
            result.message = (
                f"{name}: unchanged — same content and options as load #{earlier[0]} ({earlier[1]}, "
                f"{earlier[3]:%Y-%m-%d %H:%M} UTC); nothing changed"
            )
            return result
        if prepared.rejection:
            raise prepared.rejection
        if prepared.read:
            staged = stage(con, prepared.read, f"stg_{number}")
        else:
            staged = stage_file(con, path, f"stg_{number}", request.kind, request.as_of is not None, force_python_csv)
        checked = f"chk_{number}"
        try:
            rows_read = validate.check(con, staged, checked, request.as_of)
        finally:
            staged.release(con)
        if rows_read == 0:
            con.execute(f"DROP TABLE IF EXISTS {checked}")
            raise RejectedFile("has a header row but no data rows")
    except RejectedFile as rejection:
        result.message = f"{name}: rejected — {rejection}; nothing from it was loaded"
        return result
    result.kind = staged.kind.name
    result.warnings = list(staged.warnings)
    kind = staged.kind.name
    valid_rows = _pseudonymised(con, kind, checked)
    params = {"key": key, "as_of": request.as_of, "load_date": load_date}
    # A tranche or snapshot not stored yet cannot collide with a stored key
    # (the period is part of the key): no collision check is needed then.
    period_stored = _period_stored(con, kind, checked)
    load_id = con.execute(f"SELECT coalesce(max(load_id), 0) + 1 FROM {WAREHOUSE}.load_ledger").fetchone()[0]
    con.execute("BEGIN TRANSACTION")
    try:
        # The rows go straight into the fact table; what they replace is
        # settled afterwards, inside the same transaction. (Staging them in a
        # temporary table first cost a second write of every row, for files
        # that almost never collide: several institutions pay the same
        # tranche to different families.)
        columns = ", ".join(FACT_COLUMNS[kind])
        con.execute(
            f"INSERT INTO {WAREHOUSE}.{FACT[kind]} ({columns}, load_id) SELECT *, $load_id FROM ({valid_rows})",
            _used(valid_rows, params) | {"load_id": load_id},
        )
        removed = _remove_replaced(con, kind, load_id) if replace else 0
        superseded = _settle(con, kind, load_id) if period_stored or replace else 0
        quarantined = _quarantine(con, staged, checked, load_id, name, key)
        reasons = dict(
            con.execute(
                f"SELECT r, count(*) FROM (SELECT unnest(reasons) AS r FROM {checked} WHERE len(reasons) > 0) GROUP BY r ORDER BY r"
            ).fetchall()
        )
        loaded = rows_read - quarantined
        extract_date = request.as_of or (
            con.execute(f"SELECT max(snapshot_date) FROM {checked} WHERE len(reasons) = 0").fetchone()[0]
            if kind == KELUARGA
            else load_date
        )
        message = f"{name}: loaded {loaded:,} of {rows_read:,} {staged.kind.name} rows; {quarantined:,} quarantined"
        if superseded:
            message += f"; {superseded:,} rows were older than rows already stored and did not replace them"
        if removed:
            message += f"; --replace removed {removed:,} stored rows this re-issue no longer contains"
        con.execute(
            f"""INSERT INTO {WAREHOUSE}.load_ledger VALUES ($id, $file, $hash, $kind, $as_of, $replace, $extract,
                $read, $loaded, $quarantined, $superseded, $removed, $at, $message, $warnings)""",
            {
                "id": load_id, "file": name, "hash": digest, "kind": staged.kind.name,
                "as_of": request.as_of, "replace": replace, "extract": extract_date, "read": rows_read,
                "loaded": loaded, "quarantined": quarantined, "superseded": superseded, "removed": removed,
                "at": datetime.now(timezone.utc).replace(tzinfo=None), "message": message,
                "warnings": "; ".join(result.warnings) or None,
            },
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute(f"DROP TABLE IF EXISTS {checked}")
    result.status = LOADED
    result.rows_read, result.rows_loaded, result.rows_quarantined = rows_read, loaded, quarantined
    result.reasons = reasons
    result.message = message
    return result


def _used(sql: str, params: dict) -> dict:
    """DuckDB refuses unused parameters: bind the ones the statement names."""
    return {name: value for name, value in params.items() if f"${name}" in sql}


def _hash(column: str) -> str:
    return keys.HASH_SQL.format(col=column)


FAMILY_SELECT = """
    SELECT {family_key} AS family_key, snapshot_date, w_region AS region_code, w_kecamatan AS kecamatan_code,
           w_code AS wilayah_code, v_desil::TINYINT AS desil, v_members::SMALLINT AS members, v_channel AS channel,
           v_registration_date AS registration_date, v_decision AS decision, alasan AS reason, v_appeal AS appeal,
           {head_key} AS head_key, coalesce($as_of::DATE, snapshot_date) AS extract_date
    FROM {checked} WHERE len(reasons) = 0
"""
ALLOCATION_SELECT = """
    SELECT {family_key} AS family_key, v_program AS program, v_year::SMALLINT AS year, v_tranche::TINYINT AS tranche,
           w_region AS region_code, w_kecamatan AS kecamatan_code, w_code AS wilayah_code, v_amount AS amount,
           v_status AS status, v_institution AS institution, v_paid_date AS paid_date, id_transaksi AS transaction_id,
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


FACT = {KELUARGA: "fact_family", "penyaluran": "fact_allocation"}
KEY = {KELUARGA: ("family_key", "snapshot_date"), "penyaluran": ("family_key", "program", "year", "tranche")}
FACT_COLUMNS = {
    KELUARGA: ("family_key", "snapshot_date", "region_code", "kecamatan_code", "wilayah_code", "desil", "members",
               "channel", "registration_date", "decision", "reason", "appeal", "head_key", "extract_date"),
    "penyaluran": ("family_key", "program", "year", "tranche", "region_code", "kecamatan_code", "wilayah_code", "amount",
                   "status", "institution", "paid_date", "transaction_id", "recipient_key", "extract_date"),
}
SLICE = {KELUARGA: ("region_code", "snapshot_date"), "penyaluran": ("region_code", "program", "year", "tranche", "institution")}


def _settle(con, kind: str, load_id: int) -> int:
    """The merge rule, for the rows load `load_id` has just inserted: where a
    key is now stored twice, the row from the later extract stays (on the
    same extract date, the new one), so the result does not depend on the
    order files arrive in. Returns how many of the new rows were older than
    what was stored (and were removed again)."""
    fact = f"{WAREHOUSE}.{FACT[kind]}"
    on = " AND ".join(f"f.{k} = n.{k}" for k in KEY[kind])
    both = f"{on} AND n.load_id = $id AND f.load_id <> $id"
    if not con.execute(f"SELECT EXISTS (SELECT 1 FROM {fact} n JOIN {fact} f ON {both})", {"id": load_id}).fetchone()[0]:
        return 0
    con.execute(f"DELETE FROM {fact} f USING {fact} n WHERE {both} AND n.extract_date >= f.extract_date", {"id": load_id})
    return con.execute(f"DELETE FROM {fact} n USING {fact} f WHERE {both} AND f.extract_date > n.extract_date",
                       {"id": load_id}).fetchone()[0]


def _remove_replaced(con, kind: str, load_id: int) -> int:
    """`--replace`: a corrected re-issue (load `load_id`, already inserted).
    Stored rows of the slices the file covers, from the same or an earlier
    extract, that the file no longer contains are removed."""
    fact = f"{WAREHOUSE}.{FACT[kind]}"
    slice_on = " AND ".join(f"f.{c} IS NOT DISTINCT FROM s.{c}" for c in SLICE[kind])
    key_on = " AND ".join(f"n.{k} = f.{k}" for k in KEY[kind])
    return con.execute(
        f"""
        DELETE FROM {fact} f USING (
            SELECT {', '.join(SLICE[kind])}, max(extract_date) AS extract_date FROM {fact} WHERE load_id = $id GROUP BY ALL
        ) s
        WHERE f.load_id <> $id AND {slice_on} AND f.extract_date <= s.extract_date
          AND NOT EXISTS (SELECT 1 FROM {fact} n WHERE n.load_id = $id AND {key_on})
        """,
        {"id": load_id},
    ).fetchone()[0]


def _quarantine(con, staged, checked: str, load_id: int, file_name: str, key: str) -> int:
    kind = staged.kind
    identifier = "nik_kepala" if kind.name == KELUARGA else "nik"
    fields = ", ".join(
        f"'{c.name}': {keys.MASK_SQL.format(col=c.name) if c.is_identifier else c.name}" for c in kind.columns
    )
    return con.execute(
        f"""
        INSERT INTO {WAREHOUSE}.quarantine
        SELECT $load_id, $file, _line, reasons, to_json({{{fields}}})::VARCHAR,
               {_hash('no_kk')}, {keys.MASK_SQL.format(col='no_kk')},
               {_hash(identifier)}, {keys.MASK_SQL.format(col=identifier)}
        FROM {checked} WHERE len(reasons) > 0
        """,
        {"load_id": load_id, "file": file_name, "key": key},
    ).fetchone()[0]
