"""Operating the warehouse (docs/operations.md): check it, back it up,
restore it, undo a load, purge old quarantine samples.

Everything that writes goes through `warehouse.write_session` (the load
lock, a copy, verification before the swap) or, for `restore`, through the
same lock and an atomic rename, so the app's readers are never blocked and
never see half of anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta, UTC
from pathlib import Path

import duckdb

from bansos import audit, keys, marts, settings, stored
from bansos.contract import KELUARGA, PENYALURAN
from bansos.merge import FACT, recompute
from bansos.warehouse import (
    LOAD_REGION_FILE,
    QUARANTINE_SUMMARY_FILE,
    SCHEMA_VERSION,
    WAREHOUSE,
    WarehouseDamaged,
    WarehouseError,
    clones_in,
    damage_message,
    live_path,
    load_lock,
    one_row,
    read_meta,
    size_text,
    write_session,
)

MANIFEST = "MANIFEST.json"
BACKUP_FORMAT = 1


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(8 * 1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def companion_files(db: Path) -> list[Path]:
    """Files that belong with a warehouse and live beside it: the audit log
    and its head file (docs/privacy.md). Never the key."""
    return sorted(p for p in db.parent.glob(db.name + ".audit*") if p.is_file())


# -- check ------------------------------------------------------------------------------


@dataclass
class CheckReport:
    db: Path
    findings: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def check(db_path: str | Path) -> CheckReport:
    """Read every block (DuckDB verifies each block's checksum as it reads),
    then compare: ledger counts with the fact and quarantine rows of each
    load, the stored marts with marts built again from the facts, the
    superseded marks with a recomputation, the key fingerprint with the key
    in use; and say whether a load's copy of the file is a clone here. Never
    writes the warehouse (trying a clone writes, then removes, two small
    files of its own beside it)."""
    db = live_path(db_path)
    report = CheckReport(db)
    if not db.exists():
        report.findings.append(f"no warehouse at {db}")
        return report
    con = duckdb.connect(":memory:")
    try:
        try:
            con.execute(f"ATTACH '{_literal(db)}' AS {WAREHOUSE} (READ_ONLY)")
            tables = [t for (t,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = $d ORDER BY 1", {"d": WAREHOUSE}).fetchall()]
            rows = 0
            for table in tables:
                rows += one_row(con.execute(f"SELECT count(*), sum(hash(COLUMNS(*))) FROM {WAREHOUSE}.{table}"))[0]
        except duckdb.Error as error:
            report.findings.append(damage_message(db, error) or f"the warehouse cannot be read: {error}")
            return report
        report.facts.append(f"read all {len(tables)} tables ({rows:,} rows): every block's checksum verified")
        version = read_meta(con, "schema_version", WAREHOUSE)
        if int(version or 1) < SCHEMA_VERSION:
            report.findings.append(f"schema {version or 1} is older than this version's {SCHEMA_VERSION}: run `python -m bansos migrate`")
            return report
        _check_ledger(con, report)
        _check_merge(con, report)
        _check_marts(con, report)
        _check_stored(con, report)
        _check_key(con, report)
    finally:
        con.close()
    _check_copies(db, report)
    return report


def _check_copies(db: Path, report: CheckReport) -> None:
    """What each load's copy of the file costs here (a fact, not a finding):
    paid by every load, and growing with the whole warehouse."""
    cloned = clones_in(db.parent)
    size = size_text(db.stat().st_size)
    if cloned:
        report.facts.append(f"copies: each load clones this {size} file (copy-on-write), whatever its size")
    elif cloned is False:
        report.facts.append(
            f"copies: each load copies all {size} of this file; on XFS with reflink or on btrfs it would clone it "
            "in a millisecond (docs/operations.md, \"Where the warehouse should live\")")


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")


def _check_ledger(con, report: CheckReport) -> None:
    mismatched = con.execute(
        f"""
        WITH stored AS (
            SELECT load_id, count(*) AS n FROM (
                SELECT load_id FROM {WAREHOUSE}.fact_family UNION ALL SELECT load_id FROM {WAREHOUSE}.fact_allocation
            ) GROUP BY load_id
        ), held AS (SELECT load_id, count(*) AS n FROM {WAREHOUSE}.quarantine GROUP BY load_id)
        SELECT l.load_id, l.file_name, l.rows_loaded, coalesce(s.n, 0), l.rows_quarantined, coalesce(q.n, 0), l.rows_read
        FROM {WAREHOUSE}.load_ledger l
        LEFT JOIN stored s ON s.load_id = l.load_id LEFT JOIN held q ON q.load_id = l.load_id
        WHERE l.unloaded_at IS NULL
          AND (l.rows_loaded <> coalesce(s.n, 0) OR l.rows_read <> l.rows_loaded + l.rows_quarantined
               OR (l.rows_quarantined <> coalesce(q.n, 0) AND NOT coalesce(l.quarantine_purged, false)))
        ORDER BY l.load_id
        """
    ).fetchall()
    for load_id, name, loaded, facts, quarantined, held, read in mismatched:
        report.findings.append(
            f"load #{load_id} ({name}): the ledger says {loaded:,} rows loaded and {quarantined:,} quarantined of "
            f"{read:,} read; the warehouse holds {facts:,} fact rows and {held:,} quarantine rows"
        )
    orphans = con.execute(
        f"""SELECT count(*) FROM (SELECT load_id FROM {WAREHOUSE}.fact_family UNION ALL SELECT load_id FROM {WAREHOUSE}.fact_allocation) f
            WHERE f.load_id NOT IN (SELECT load_id FROM {WAREHOUSE}.load_ledger WHERE unloaded_at IS NULL)"""
    ).fetchone()[0]
    if orphans:
        report.findings.append(f"{orphans:,} fact rows belong to no load in the ledger")
    loads = con.execute(f"SELECT count(*) FROM {WAREHOUSE}.load_ledger WHERE unloaded_at IS NULL").fetchone()[0]
    if not mismatched and not orphans:
        report.facts.append(f"ledger: the counts of all {loads} loads equal the rows stored")
    _check_load_regions(con, report)
    _check_quarantine_summary(con, report)


def _loads_differing(con, recompute: Path, differ_sql: str) -> list[int]:
    """The loads whose rows in a table recorded with each load differ from
    `recompute` (the query ingestion records them with) run again over every
    load: `differ_sql` compares the table with `temp.recomputed`."""
    con.execute(f"USE {WAREHOUSE}")
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE recomputed AS {recompute.read_text()}", {"lo": 0, "hi": 2**31 - 1})
        return [load_id for (load_id,) in con.execute(differ_sql).fetchall()]
    finally:
        con.execute("DROP TABLE IF EXISTS temp.recomputed")
        con.execute("USE memory")


def _ids(load_ids: list[int]) -> str:
    return ", ".join(f"#{load_id}" for load_id in load_ids[:10])


def _check_load_regions(con, report: CheckReport) -> None:
    """load_region (whose file it is, for a scoped reader) equals what the
    rows stored now say, for every load not unloaded (holds at least that,
    for a load whose quarantined samples were purged)."""
    differ = _loads_differing(
        con, LOAD_REGION_FILE,
        # A load whose quarantined samples were purged keeps their kab/kota
        # in load_region: there, what the rows say is only a part of it.
        """WITH live AS (SELECT load_id, coalesce(quarantine_purged, false) AS purged FROM load_ledger
                      WHERE unloaded_at IS NULL),
                have AS (SELECT * FROM load_region WHERE load_id IN (SELECT load_id FROM live)),
                want AS (SELECT * FROM temp.recomputed WHERE load_id IN (SELECT load_id FROM live))
           SELECT DISTINCT load_id FROM (
               (SELECT * FROM have WHERE load_id IN (SELECT load_id FROM live WHERE NOT purged)
                EXCEPT SELECT * FROM want)
               UNION ALL (SELECT * FROM want EXCEPT SELECT * FROM have))
           ORDER BY load_id""")
    if differ:
        report.findings.append(f"load_region: the kab/kota recorded for {len(differ)} loads ({_ids(differ)}) differ from their rows")
    else:
        report.facts.append("load_region: every load's kab/kota equal its rows'")


def _check_quarantine_summary(con, report: CheckReport) -> None:
    """quarantine_summary (what the Kualitas Data page counts) equals the
    quarantined rows held now, counted again."""
    differ = _loads_differing(
        con, QUARANTINE_SUMMARY_FILE,
        """SELECT DISTINCT load_id FROM (
               (SELECT * FROM quarantine_summary EXCEPT ALL SELECT * FROM temp.recomputed)
               UNION ALL (SELECT * FROM temp.recomputed EXCEPT ALL SELECT * FROM quarantine_summary))
           ORDER BY load_id""")
    if differ:
        report.findings.append(
            f"quarantine_summary: the counts of {len(differ)} loads ({_ids(differ)}) differ from their quarantined rows")
    else:
        report.facts.append("quarantine_summary: every load's counts equal its quarantined rows")


def _check_merge(con, report: CheckReport) -> None:
    """The superseded marks the loads made equal a recomputation from scratch."""
    for kind in (KELUARGA, PENYALURAN):
        table = FACT[kind]
        con.execute(f"CREATE OR REPLACE TEMP TABLE check_{table} AS SELECT * FROM {WAREHOUSE}.{table}")
        con.execute(f"CREATE OR REPLACE TEMP TABLE load_ledger AS SELECT * FROM {WAREHOUSE}.load_ledger")
        con.execute(f"ALTER TABLE check_{table} RENAME TO {table}")
        changed = recompute(con, kind, schema="temp.main")
        con.execute(f"DROP TABLE temp.main.{table}")
        con.execute("DROP TABLE temp.main.load_ledger")
        if changed:
            report.findings.append(f"{table}: {changed:,} rows are marked current or superseded differently from what "
                                   "the loads imply (run `python -m bansos unload` only through the command)")
    report.facts.append("current rows: equal to a recomputation from the loads")


def _check_marts(con, report: CheckReport) -> None:
    """Marts built again from the facts, in memory, against the stored ones."""
    con.execute("USE memory")
    con.execute(f"SET search_path = 'memory.main,{WAREHOUSE}.main'")
    try:
        params = {"timely_days": settings.get_int("timely_days")}
        for path in marts.mart_files():
            for statement in marts._statements(path.read_text()):
                con.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})
        differing = []
        for table in marts.mart_names():
            diff = con.execute(
                f"SELECT (SELECT count(*) FROM (SELECT * FROM memory.main.{table} EXCEPT ALL SELECT * FROM {WAREHOUSE}.{table})) "
                f"+ (SELECT count(*) FROM (SELECT * FROM {WAREHOUSE}.{table} EXCEPT ALL SELECT * FROM memory.main.{table}))"
            ).fetchone()[0]
            if diff:
                differing.append(f"{table} ({diff:,} rows differ)")
        if differing:
            report.findings.append("marts differ from the facts: " + ", ".join(differing)
                                   + " (run `python -m bansos rebuild`; after a changed setting that is expected)")
        else:
            report.facts.append(f"marts: all {len(marts.mart_names())} equal a rebuild from the facts")
    finally:
        con.execute("RESET search_path")


def _check_stored(con, report: CheckReport) -> None:
    """The answers every write session stores (bansos/stored.py) against
    their queries asked now of the stored marts."""
    con.execute(f"USE {WAREHOUSE}")
    try:
        found = stored.differences(con)
    finally:
        con.execute("USE memory")
    if found:
        report.findings.append("stored answers: " + "; ".join(found))
    else:
        report.facts.append(f"stored answers: all {len(stored.stored_names())} equal their queries")


def _check_key(con, report: CheckReport) -> None:
    recorded = read_meta(con, "key_fingerprint", WAREHOUSE)
    if recorded is None:
        report.facts.append("key: nothing loaded yet, no fingerprint")
        return
    try:
        current = keys.fingerprint(keys.load_key())
    except keys.KeyProblem as problem:
        report.findings.append(f"key: {problem}")
        return
    if current != recorded:
        report.findings.append(f"key: the key in use (fingerprint {current}) is not the warehouse's ({recorded}); "
                               "loads would be refused")
    else:
        report.facts.append(f"key: the key in use matches the warehouse (fingerprint {recorded})")


# -- backup and restore ------------------------------------------------------------------


def backup(db_path: str | Path, out: str | Path, who: str | None = None) -> dict:
    """A consistent copy of the warehouse and its audit log into `out`,
    with a manifest of SHA-256 hashes written last. Holds the load lock, so
    no load swaps the file while it is copied; readers are not disturbed.
    Never copies the key."""
    db = live_path(db_path)
    if not db.exists():
        raise WarehouseError(f"No warehouse at {db}: nothing to back up.")
    target = Path(out)
    if target.exists() and any(target.iterdir()):
        raise WarehouseError(f"{target} is not empty: back up into a new folder.")
    target.mkdir(parents=True, exist_ok=True)
    with load_lock(db, "a backup", who):
        files = {}
        for source in [db, *companion_files(db)]:
            copy = target / source.name
            shutil.copyfile(source, copy)
            files[source.name] = {"sha256": _sha256(copy), "bytes": copy.stat().st_size}
        try:
            # Opening fails too, not only reading, for a damaged header or a newer DuckDB's file.
            con = duckdb.connect(str(target / db.name), read_only=True)
            try:
                meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
                loads, last = one_row(con.execute("SELECT count(*), max(load_id) FROM load_ledger WHERE unloaded_at IS NULL"))
            finally:
                con.close()
        except duckdb.Error as error:
            shutil.rmtree(target, ignore_errors=True)
            raise WarehouseDamaged(damage_message(db, error) or f"The warehouse {db} cannot be read: {error}") from error
    head = audit.head(db)
    manifest = {
        "format": BACKUP_FORMAT,
        "made_at": _now().isoformat(timespec="seconds") + "Z",
        "made_by": keys.mask_text(who) if who else None,
        "warehouse": db.name,
        "files": files,
        "key_fingerprint": meta.get("key_fingerprint"),
        "key_scheme": meta.get("key_scheme"),
        "schema_version": meta.get("schema_version"),
        "audit_head": head.to_text() if head else None,
        "duckdb_version": duckdb.__version__,
        "loads": loads,
        "last_load_id": last,
        "note": "The pseudonymisation key is not in a backup; keep it apart (docs/operations.md).",
    }
    temporary = target / (MANIFEST + ".tmp")
    temporary.write_text(json.dumps(manifest, indent=1) + "\n")
    os.replace(temporary, target / MANIFEST)
    _audit(db, "backup", who, folder=str(target), files=len(files), loads=loads)
    return manifest


def _audit(db: Path, event: str, who: str | None, **fields) -> None:
    """Operations are audited like loads and exports (docs/access-control.md)."""
    audit.record(db, event, runner=audit.runner_name(), who=who, **fields)


def _anchor(con, db: Path) -> None:
    head = audit.head(db)
    if head is not None:
        con.execute(f"INSERT OR REPLACE INTO {WAREHOUSE}.meta VALUES ($k, $v)", {"k": audit.META_KEY, "v": head.to_text()})


def verify_backup(folder: str | Path) -> dict:
    """The manifest, after checking every file it lists against its hash."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.exists():
        raise WarehouseError(f"{folder} holds no {MANIFEST}: not a complete backup.")
    try:
        manifest = json.loads(path.read_text())
        files = manifest["files"]
    except (ValueError, KeyError, TypeError) as error:
        raise WarehouseError(f"{path} cannot be read ({error}).") from error
    for name, expected in files.items():
        copy = folder / name
        if not copy.exists():
            raise WarehouseError(f"the backup in {folder} lacks {name}, which its manifest lists.")
        if _sha256(copy) != expected["sha256"]:
            raise WarehouseError(f"{name} in {folder} does not match its manifest (SHA-256 differs): the backup is damaged.")
    return manifest


def restore(folder: str | Path, db_path: str | Path, who: str | None = None) -> dict:
    """Put a verified backup in place of the warehouse at `db_path`. Refuses
    a backup made with another key than the one in use, and refuses while a
    load runs. The app picks the restored file up like a load. An audit log
    that exists is kept (it is append-only); one that is missing is restored."""
    manifest = verify_backup(folder)
    folder = Path(folder)
    db = live_path(db_path)
    stored = manifest.get("key_fingerprint")
    if stored:
        try:
            current = keys.fingerprint(keys.load_key())
        except keys.KeyProblem as problem:
            raise WarehouseError(f"restore refused: {problem}") from problem
        if current != stored:
            raise WarehouseError(
                f"restore refused: the backup was made with another pseudonymisation key (fingerprint {stored}); the key "
                f"in use has fingerprint {current}. Set BANSOS_KEY or BANSOS_KEY_FILE to that backup's key first."
            )
    db.parent.mkdir(parents=True, exist_ok=True)
    with load_lock(db, "a restore", who, no_wait=True):
        incoming = db.with_name(f"{db.name}.restoring-{os.getpid()}")
        try:
            shutil.copyfile(folder / manifest["warehouse"], incoming)
            if _sha256(incoming) != manifest["files"][manifest["warehouse"]]["sha256"]:
                raise WarehouseError(f"the copy of {manifest['warehouse']} did not match its hash; nothing was changed.")
            _openable(incoming, folder / manifest["warehouse"])
            with open(incoming, "rb+") as handle:
                os.fsync(handle.fileno())
            Path(str(db) + ".wal").unlink(missing_ok=True)
            os.replace(incoming, db)
        finally:
            incoming.unlink(missing_ok=True)
        for name in manifest["files"]:
            if name != manifest["warehouse"]:
                target = db.with_name(db.name + name[len(manifest["warehouse"]):])
                if not target.exists():
                    shutil.copyfile(folder / name, target)
    _audit(db, "restore", who, folder=str(folder), made_at=manifest.get("made_at"), loads=manifest.get("loads"))
    return manifest


def _openable(copy: Path, shown: Path) -> None:
    """Refuse, before it replaces the live file, a backup this installation's DuckDB cannot
    open: one made with a newer DuckDB (the format only reads backward) would strand the app."""
    try:
        duckdb.connect(str(copy), read_only=True).close()
    except duckdb.Error as error:
        raise WarehouseError(f"restore refused: {damage_message(shown, error) or error}") from error


# -- unload --------------------------------------------------------------------------------


def unload(db_path: str | Path, load_id: int, who: str | None = None) -> dict:
    """Take one load back out: its rows and quarantine go, the rows it had
    superseded come back (the current rows are recomputed from the loads
    that remain), the marts are rebuilt. The ledger keeps the load's record,
    marked with when and by whom it was unloaded."""
    with write_session(db_path, what=f"unloading load #{load_id}", user=who) as session:
        con = session.con
        row = con.execute(f"SELECT file_name, kind, unloaded_at FROM {WAREHOUSE}.load_ledger WHERE load_id = $id",
                          {"id": load_id}).fetchone()
        if row is None:
            raise WarehouseError(f"there is no load #{load_id} in the ledger (`python -m bansos export loads` lists them).")
        name, kind, unloaded_at = row
        if unloaded_at is not None:
            raise WarehouseError(f"load #{load_id} ({name}) was already unloaded at {unloaded_at:%Y-%m-%d %H:%M} UTC.")
        con.execute("BEGIN TRANSACTION")
        try:
            removed = one_row(con.execute(f"DELETE FROM {WAREHOUSE}.{FACT[kind]} WHERE load_id = $id", {"id": load_id}))[0]
            dropped = one_row(con.execute(f"DELETE FROM {WAREHOUSE}.quarantine WHERE load_id = $id", {"id": load_id}))[0]
            con.execute(f"DELETE FROM {WAREHOUSE}.quarantine_summary WHERE load_id = $id", {"id": load_id})
            con.execute(f"UPDATE {WAREHOUSE}.load_ledger SET unloaded_at = $at, unloaded_by = $who WHERE load_id = $id",
                        {"at": _now(), "who": keys.mask_text(who) if who else None, "id": load_id})
            changed = recompute(con, kind)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        marts.rebuild(con, WAREHOUSE)
        _anchor(con, session.path)
        for table in marts.built_tables(con, WAREHOUSE):
            session.expect(f"SELECT count(*), coalesce(sum(hash(COLUMNS(*))), 0) FROM {WAREHOUSE}.{table}")
    _audit(session.path, "unload", who, load_id=load_id, file=name, rows_removed=removed, quarantine_removed=dropped)
    return {"load_id": load_id, "file": name, "kind": kind, "rows_removed": removed, "quarantine_removed": dropped,
            "rows_restored_or_retired": changed}


# -- purge ---------------------------------------------------------------------------------


def purge(db_path: str | Path, days: int | None = None, who: str | None = None, now: datetime | None = None) -> dict:
    """Delete quarantined row samples of loads older than the retention
    period, and records of files rejected before it. The ledger keeps each
    load's counts; the audit log is not touched."""
    days = settings.get_int("retention_days") if days is None else days
    cutoff = (now or _now()) - timedelta(days=days)
    with write_session(db_path, what="a purge", user=who) as session:
        con = session.con
        samples = one_row(con.execute(
            f"""DELETE FROM {WAREHOUSE}.quarantine WHERE load_id IN (
                    SELECT load_id FROM {WAREHOUSE}.load_ledger WHERE loaded_at < $cutoff)""", {"cutoff": cutoff}
        ))[0]
        # The counts go with the samples: quarantine_summary counts what quarantine holds.
        con.execute(f"""DELETE FROM {WAREHOUSE}.quarantine_summary WHERE load_id IN (
                            SELECT load_id FROM {WAREHOUSE}.load_ledger WHERE loaded_at < $cutoff)""", {"cutoff": cutoff})
        con.execute(f"UPDATE {WAREHOUSE}.load_ledger SET quarantine_purged = true WHERE loaded_at < $cutoff AND rows_quarantined > 0",
                    {"cutoff": cutoff})
        rejections = one_row(con.execute(f"DELETE FROM {WAREHOUSE}.rejections WHERE rejected_at < $cutoff", {"cutoff": cutoff}))[0]
        if not samples and not rejections:
            session.discard()
        else:
            _anchor(con, session.path)
            session.expect(f"SELECT count(*) FROM {WAREHOUSE}.quarantine")
            session.expect(f"SELECT count(*), coalesce(sum(rows), 0) FROM {WAREHOUSE}.quarantine_summary")
    _audit(session.path, "purge", who, days=days, quarantine_rows=samples, rejections=rejections)
    return {"days": days, "cutoff": cutoff.isoformat(timespec="seconds"), "quarantine_rows": samples, "rejections": rejections}
