"""Command line (docs/cli.md): a stable interface that tests and users rely on.

    python -m bansos demo    [--db PATH] [--scale X] [--seed N]
    python -m bansos ingest  [--db PATH] [--kind K] [--as-of DATE] [--replace] [--json] [--no-wait] FILE...
    python -m bansos rebuild [--db PATH] [--engine duckdb|spark] [--spark-master URL] [--lake DIR]
    python -m bansos migrate [--db PATH]
    python -m bansos check   [--db PATH]
    python -m bansos backup  [--db PATH] --out DIR
    python -m bansos restore DIR [--db PATH]
    python -m bansos unload  LOAD_ID [--db PATH]
    python -m bansos purge   [--db PATH] [--days N]
    python -m bansos export  TABLE [--db PATH] [--format F] [--out PATH] [filters] [--as EMAIL]
    python -m bansos brief   (--region CODE | --province CODE | --all) [--program P] [--year Y --tranche N]
                             [--snapshot DATE] [--basis B] [--lang id|en] [--as EMAIL] --out PATH
    python -m bansos audit   verify [--db PATH] [--anchor HEAD]...

Exit codes: 0 success; 1 refused (a file rejected, an export refused, a
damaged warehouse); 2 usage errors (argparse's own convention); 3 busy
(`ingest --no-wait` while another load runs).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bansos import settings


def _iso_date(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


EXIT_CODES = ("exit codes: 0 success; 1 refused or failed, with a message (a file rejected, an export refused,\n"
              "a damaged warehouse); 2 usage error; 3 busy (another load holds the warehouse and --no-wait was\n"
              "given, or restore while a load runs). More: docs/cli.md")

EXAMPLES = {
    "demo": ["python -m bansos demo", "python -m bansos demo --scale 0.1 --seed 3 --keep-extracts /tmp/demo-files"],
    "ingest": ["python -m bansos ingest data/extracts/dtsen_kota_metro_2026-01.csv",
               "python -m bansos ingest --as-of 2026-04-20 bri_2026_t1.parquet pos_2026_t1.xlsx",
               "python -m bansos ingest --replace --as-of 2026-05-02 bri_2026_t1_corrected.parquet",
               "python -m bansos ingest --json --quiet *.csv     # one JSON object per file, for scripts"],
    "migrate": ["python -m bansos migrate --db data/warehouse.duckdb"],
    "check": ["python -m bansos check", "python -m bansos check --db /srv/bansos/warehouse.duckdb"],
    "backup": ["python -m bansos backup --out /backup/bansos/2026-12-05"],
    "restore": ["python -m bansos restore /backup/bansos/2026-12-05 --db data/warehouse.duckdb"],
    "unload": ["python -m bansos unload 42     # the load number shown by Kualitas Data and `export loads`"],
    "purge": ["python -m bansos purge", "python -m bansos purge --days 30"],
    "rebuild": ["python -m bansos rebuild", "python -m bansos rebuild --engine spark",
                "python -m bansos rebuild --engine spark --spark-master spark://host:7077 --lake /shared/lake"],
    "export": ["python -m bansos export region-indicators --format xlsx --out ri.xlsx --province 35 --program PKH",
               "python -m bansos export families --format parquet --out families.parquet --region 18.72",
               "python -m bansos export region-indicators --as kadinsos@lampungprov.go.id --out lampung.csv",
               "python -m bansos export lake --out /shared/lake-2026-12"],
    "brief": ["python -m bansos brief --region 18.72 --out metro.pdf",
              "python -m bansos brief --province 18 --lang en --out lampung.pdf",
              "python -m bansos brief --all --out briefs/"],
    "audit": ["python -m bansos audit verify", "python -m bansos audit verify --anchor 1f2e...  # a head kept elsewhere"],
}


def _command(commands, name: str, help: str) -> argparse.ArgumentParser:
    """A command whose --help says what it does, with examples and the exit codes."""
    epilog = "examples:\n" + "\n".join(f"  {line}" for line in EXAMPLES[name]) + "\n\n" + EXIT_CODES
    return commands.add_parser(name, help=help, description=help, epilog=epilog,
                               formatter_class=argparse.RawDescriptionHelpFormatter)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bansos", description="Bansos pilot monitoring: data commands.",
        epilog="every command: python -m bansos COMMAND --help (options, examples)\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    demo = _command(commands, "demo", help="generate synthetic extracts and load them into the demo warehouse")
    demo.add_argument("--db", default=str(settings.DEMO_DB), help="demo warehouse (default data/demo.duckdb)")
    demo.add_argument("--scale", type=_positive_float, default=0.02, help="1 = pilot scale, 6.5M families (default 0.02)")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--keep-extracts", metavar="DIR", help="write the synthetic extract files here and keep them")

    ingest = _command(commands, "ingest", help="load extract files (CSV, XLSX, Parquet)")
    ingest.add_argument("--db", help="warehouse (default $BANSOS_DB, then data/warehouse.duckdb)")
    ingest.add_argument("--kind", choices=("keluarga", "penyaluran"), help="skip kind detection")
    ingest.add_argument("--quiet", action="store_true",
                        help="no progress on stderr (by default: each file's stage; a bar on a terminal)")
    ingest.add_argument("--as-of", type=_iso_date, help="extract date; fills tanggal_data where blank")
    ingest.add_argument("--replace", action="store_true", help="corrected re-issue: drop rows of the covered slices it no longer has")
    ingest.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    ingest.add_argument("--no-wait", action="store_true", help="exit 3 at once when another load holds the warehouse")
    ingest.add_argument("files", nargs="+", metavar="FILE")

    migrate = _command(commands, "migrate", help="bring a warehouse made by an earlier version up to this one")
    migrate.add_argument("--db")
    migrate.add_argument("--if-older", action="store_true",
                         help="do nothing when the warehouse is already at this version's schema (for deploy scripts)")

    check = _command(commands, "check", help="verify a warehouse: every block readable, ledger = facts, marts = facts, key")
    check.add_argument("--db")
    backup = _command(commands, "backup", help="consistent copy of the warehouse and its audit log, with a manifest")
    backup.add_argument("--db")
    backup.add_argument("--out", required=True, metavar="DIR", help="a new, empty folder")
    restore = _command(commands, "restore", help="put a verified backup in place of the warehouse (--db)")
    restore.add_argument("folder", metavar="DIR")
    restore.add_argument("--db")
    unload = _command(commands, "unload", help="take one load back out; the rows it replaced come back")
    unload.add_argument("load_id", type=int, metavar="LOAD_ID")
    unload.add_argument("--db")
    purge = _command(commands, "purge", help="delete quarantine samples and rejection records past the retention period")
    purge.add_argument("--db")
    purge.add_argument("--days", type=int, help="retention in days (default BANSOS_RETENTION_DAYS, 90)")

    rebuild = _command(commands, "rebuild", help="reload data/reference/*.csv and rebuild the marts")
    rebuild.add_argument("--db")
    rebuild.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                         help="where the mart SQL runs (default duckdb; spark needs pyspark and Java 17)")
    rebuild.add_argument("--spark-master", default="local[*]", metavar="URL",
                         help="Spark master for --engine spark (default local[*]; a cluster: spark://host:7077, yarn, k8s://...)")
    rebuild.add_argument("--lake", metavar="DIR",
                         help="--engine spark: read the facts from this exported lake (python -m bansos export lake), "
                              "which a cluster's executors can read; default: a private temporary copy")

    export = _command(commands, "export", help="export a table with its provenance")
    export.add_argument("table", help="region-indicators, signals, quarantine-summary, quarantine, loads, families, "
                        "signal-families; command line only: audit, lake (--out a new folder)")
    export.add_argument("--db")
    export.add_argument("--format", choices=("csv", "xlsx", "parquet"), default="csv")
    export.add_argument("--out", help="output file (default: standard output, csv only)")
    export.add_argument("--province", help="province code, e.g. 35")
    export.add_argument("--region", action="append", default=[], help="kab/kota code, e.g. 35.10 (repeatable)")
    export.add_argument("--program")
    export.add_argument("--year", type=int)
    export.add_argument("--tranche", type=int, choices=(1, 2, 3, 4))
    export.add_argument("--snapshot", type=_iso_date, help="register snapshot date (default: latest)")
    export.add_argument("--basis", choices=("desil", "layak"), default="desil")
    export.add_argument(
        "--as", dest="as_email", metavar="EMAIL",
        help="act for this person: apply their e-mail or domain grant from the access file (group grants need a login token)",
    )

    brief = _command(commands, "brief", help="a one-page A4 PDF brief for leaders, per region or province")
    subject = brief.add_mutually_exclusive_group(required=True)
    subject.add_argument("--region", help="kab/kota code, e.g. 18.72")
    subject.add_argument("--province", help="province code, e.g. 18 (its pilots)")
    subject.add_argument("--all", action="store_true", help="every pilot and every province with pilots; --out is a folder")
    brief.add_argument("--db")
    brief.add_argument("--program", help="programme code (default: the first in the data, as the app)")
    brief.add_argument("--year", type=int)
    brief.add_argument("--tranche", type=int, choices=(1, 2, 3, 4))
    brief.add_argument("--snapshot", type=_iso_date, help="register snapshot date (default: latest)")
    brief.add_argument("--basis", choices=("desil", "layak"), default="desil")
    brief.add_argument("--lang", choices=("id", "en"), default="id")
    brief.add_argument("--as", dest="as_email", metavar="EMAIL",
                       help="act for this person: apply their e-mail or domain grant from the access file")
    brief.add_argument("--out", required=True, metavar="PATH", help="the PDF file (with --all: a folder)")

    audit = _command(commands, "audit", help="the audit log beside the warehouse")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_commands.add_parser("verify", help="check the log's keyed hash chain, head file and anchors")
    verify.add_argument("--db")
    verify.add_argument("--anchor", action="append", default=[], metavar="HEAD",
                        help='an anchored head, e.g. from a backup manifest: \'{"seq": 12, "mac": "..."}\' (repeatable)')
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from bansos import logs

    try:
        logs.configure()
    except ValueError as error:
        print(f"usage error: {error}", file=sys.stderr)
        return 2
    from bansos.queries import WarehouseUnreadable
    from bansos.warehouse import WarehouseError

    from bansos.audit import AuditError
    from bansos.keys import KeyProblem
    from bansos.warehouse import WarehouseBusy

    try:
        return _dispatch(args)
    except WarehouseBusy as busy:
        print(str(busy), file=sys.stderr)
        return 3
    except (WarehouseError, WarehouseUnreadable, AuditError, KeyProblem) as error:
        # A damaged, newer or busy warehouse: one plain message, never a traceback.
        print(str(error), file=sys.stderr)
        return 1


def _dispatch(args) -> int:
    if args.command == "ingest":
        return _ingest(args)
    if args.command == "demo":
        return _demo(args)
    if args.command == "rebuild":
        return _rebuild(args)
    if args.command == "migrate":
        return _migrate(args)
    if args.command in ("check", "backup", "restore", "unload", "purge"):
        return _maintenance(args)
    if args.command == "export":
        from bansos.export import run_export_command

        return run_export_command(args)
    if args.command == "brief":
        from bansos.brief import run_brief_command

        return run_brief_command(args)
    if args.command == "audit":
        return _audit(args)
    return 2


def _print_result(result, as_json: bool) -> None:
    if as_json:
        print(result.to_json(), flush=True)
        return
    print(result.message)
    if result.reasons:
        print("  quarantine reasons: " + ", ".join(f"{code} {count:,}" for code, count in result.reasons.items()))
    for warning in result.warnings:
        print(f"  warning: {warning}")


def _ingest(args) -> int:
    from bansos.ingest import BUSY, REJECTED, IngestError, LoadRequest, LoadResult, ingest
    from bansos.keys import mask_text
    from bansos.progress import Progress
    from bansos.warehouse import WarehouseBusy

    db = settings.db_path(args.db)
    requests = [LoadRequest(Path(f), args.kind, args.as_of) for f in args.files]

    def waiting(holder) -> None:
        who = holder.describe() if holder else "another load"
        print(f"waiting: the warehouse is busy with {who}; this load starts when it ends", file=sys.stderr, flush=True)

    progress = None if args.quiet else Progress(len(requests))
    try:
        results = ingest(db, requests, replace=args.replace, no_wait=args.no_wait, on_wait=waiting, progress=progress)
    except WarehouseBusy as busy:
        if args.json:
            print(LoadResult(file="", kind=None, status=BUSY, message=str(busy)).to_json())
        else:
            print(str(busy), file=sys.stderr)
        return 3
    except IngestError as error:
        if progress:
            progress.close()
        results = [LoadResult(file=mask_text(str(r.path)), kind=r.kind, status=REJECTED,
                              message=f"{mask_text(Path(r.path).name)}: {error}") for r in requests]
    for result in results:
        _print_result(result, args.json)
    if not args.json:
        print(f"warehouse: {db}")
    return 1 if any(r.status == REJECTED for r in results) else 0


def _maintenance(args) -> int:
    from bansos import maintenance
    from bansos.ingest import _os_user

    db = settings.db_path(args.db)
    who = _os_user()
    if args.command == "check":
        report = maintenance.check(db)
        for line in report.facts:
            print(f"ok: {line}")
        for line in report.findings:
            print(f"FINDING: {line}")
        print(f"{db}: {'no findings' if report.ok else f'{len(report.findings)} finding(s)'}")
        return 0 if report.ok else 1
    if args.command == "backup":
        manifest = maintenance.backup(db, args.out, who)
        print(f"backed up {db} to {args.out}: {len(manifest['files'])} files, {manifest['loads']} loads; "
              "the key is not in the backup (keep it apart)")
        return 0
    if args.command == "restore":
        manifest = maintenance.restore(args.folder, db, who)
        print(f"restored {db} from {args.folder} (made {manifest['made_at']}, {manifest['loads']} loads)")
        return 0
    if args.command == "unload":
        done = maintenance.unload(db, args.load_id, who)
        print(f"unloaded load #{done['load_id']} ({done['file']}): {done['rows_removed']:,} rows and "
              f"{done['quarantine_removed']:,} quarantined rows removed; {done['rows_restored_or_retired']:,} rows "
              "it had replaced are current again")
        return 0
    done = maintenance.purge(db, args.days, who)
    print(f"purged {done['quarantine_rows']:,} quarantined rows and {done['rejections']:,} rejection records "
          f"older than {done['days']} days (before {done['cutoff']} UTC)")
    return 0


def _migrate(args) -> int:
    from bansos.warehouse import SCHEMA_VERSION, WarehouseError, schema_version, write_session

    db = settings.db_path(args.db)
    if not db.exists():
        print(f"No warehouse at {db}: nothing to migrate.", file=sys.stderr)
        return 1
    before = _schema_of(db)
    if args.if_older and before >= SCHEMA_VERSION:
        print(f"{db} is at schema {before} already (this version: {SCHEMA_VERSION}): nothing to migrate.")
        return 0
    try:
        with write_session(db, what="a migration", migrating=True) as session:
            from bansos import marts
            from bansos.warehouse import WAREHOUSE

            marts.rebuild(session.con, WAREHOUSE)
            version = schema_version(session.con, WAREHOUSE)
    except WarehouseError as error:
        print(f"migrate refused: {error}", file=sys.stderr)
        return 1
    from bansos import audit

    audit.record(db, "migrate", runner=audit.runner_name(), schema=version)
    print(f"{db} is at schema {version} (this version: {SCHEMA_VERSION}; it was at {before}).")
    if before < 2:
        print("Rows that schema 1 deleted when it replaced them (a second institution's or kab/kota's allocation of "
              "the same family and tranche, superseded rows) cannot be brought back: load those extracts again to "
              "see them.")
    return 0


def _schema_of(db) -> int:
    """The schema version of the warehouse file as it is (1 when unreadable: migrate then says why)."""
    from bansos.warehouse import file_schema_version

    try:
        return file_schema_version(db)
    except Exception:  # damaged or locked: the migration's own write session reports it
        return 1


def _demo(args) -> int:
    from bansos.ingest import REJECTED, LoadRequest, ingest
    from bansos.synthetic import generate

    db = Path(args.db)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bansos-demo-") as scratch:
        folder = Path(args.keep_extracts) if args.keep_extracts else Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        extracts = generate(folder, scale=args.scale, seed=args.seed)
        generated = time.perf_counter()
        # A demo warehouse is rebuilt from scratch: demo and real data never mix.
        for leftover in (db, Path(str(db) + ".wal")):
            leftover.unlink(missing_ok=True)
        results = ingest(db, [LoadRequest(e.path, e.kind, e.as_of) for e in extracts], mark_demo=True)
    for result in results:
        _print_result(result, False)
    rows = sum(r.rows_read for r in results)
    took = time.perf_counter() - started
    print(
        f"demo warehouse: {db} — {len(results)} files, {rows:,} rows in {took:.1f} s "
        f"(generate {generated - started:.1f} s, ingest {took - (generated - started):.1f} s)"
    )
    return 1 if any(r.status == REJECTED for r in results) else 0


def _rebuild(args) -> int:
    from contextlib import ExitStack

    from bansos import marts
    from bansos.reference import ReferenceError, load_reference
    from bansos.warehouse import WAREHOUSE, WarehouseError, write_session

    db = settings.db_path(args.db)
    if not db.exists():
        print(f"No warehouse at {db}: nothing to rebuild (load extracts with `python -m bansos ingest`).", file=sys.stderr)
        return 1
    if args.engine == "duckdb" and args.lake:
        print("usage error: --lake is for --engine spark", file=sys.stderr)
        return 2
    started = time.perf_counter()
    with ExitStack() as stack:
        engine = None
        if args.engine == "spark":
            from bansos import spark_marts

            if args.lake is None and not args.spark_master.startswith("local"):
                print("rebuild refused: a cluster's executors cannot read this machine's private temporary folder; "
                      "export the lake to a folder they can read (python -m bansos export lake --out DIR) and pass "
                      "--lake DIR", file=sys.stderr)
                return 1
            try:
                # Started before the warehouse is locked: a missing Java is
                # reported at once, and loads wait only for the marts.
                engine = stack.enter_context(spark_marts.SparkEngine(args.spark_master))
            except spark_marts.SparkUnavailable as error:
                print(f"rebuild refused: {error}", file=sys.stderr)
                return 1
        try:
            if engine is None:
                with write_session(db, what="a rebuild") as session:
                    load_reference(session.con, schema=WAREHOUSE)
                    marts.rebuild(session.con, WAREHOUSE)
                    for table in marts.built_tables(session.con, WAREHOUSE):
                        session.expect(f"SELECT count(*), coalesce(sum(hash(COLUMNS(*))), 0) FROM {WAREHOUSE}.{table}")
            else:
                spark_marts.rebuild_warehouse(db, engine, Path(args.lake) if args.lake else None)
        except (ReferenceError, WarehouseError) as error:
            print(f"rebuild refused: {error}", file=sys.stderr)
            return 1
        except Exception as error:
            message = None if engine is None else spark_marts.spark_failure(error, engine)
            if message is None:
                raise
            print(f"rebuild on Spark failed, the warehouse was not changed: {message}", file=sys.stderr)
            return 1
    from bansos import audit

    audit.record(db, "rebuild", runner=audit.runner_name(), engine=args.engine)
    where = "" if engine is None else f" on Spark ({args.spark_master}{', lake ' + args.lake if args.lake else ''})"
    print(f"rebuilt reference tables and marts of {db}{where} in {time.perf_counter() - started:.1f} s")
    return 0


def _audit(args) -> int:
    from bansos import audit

    db = settings.db_path(args.db)
    try:
        anchors = [audit.AuditHead.from_text(text) for text in args.anchor]
    except (ValueError, KeyError) as error:
        print(f"usage error: --anchor must be JSON like '{{\"seq\": 12, \"mac\": \"...\"}}' ({error})", file=sys.stderr)
        return 2
    try:
        verdict = audit.verify(db, anchors=anchors)
    except audit.AuditError as error:
        print(f"audit verify failed: {error}", file=sys.stderr)
        return 1
    print(f"{audit.log_path(db)}: {verdict.message}")
    for note in verdict.notes:
        print(f"  note: {note}")
    return 0 if verdict.ok else 1
