"""Command line (DESIGN §7): a stable interface that tests and users rely on.

    python -m bansos demo    [--db PATH] [--scale X] [--seed N]
    python -m bansos ingest  [--db PATH] [--kind K] [--as-of DATE] [--replace] [--json] FILE...
    python -m bansos rebuild [--db PATH]
    python -m bansos export  TABLE [--db PATH] [--format F] [--out PATH] [filters] [--as EMAIL]
    python -m bansos audit   verify [--db PATH] [--anchor HEAD]...

Exit codes: 0 success; 1 refused (a file rejected, an export refused);
2 usage errors (argparse's own convention).
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bansos", description="Bansos pilot monitoring: data commands.")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="generate synthetic extracts and load them into the demo warehouse")
    demo.add_argument("--db", default=str(settings.DEMO_DB), help="demo warehouse (default data/demo.duckdb)")
    demo.add_argument("--scale", type=_positive_float, default=0.02, help="1 = pilot scale, 6.5M families (default 0.02)")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--keep-extracts", metavar="DIR", help="write the synthetic extract files here and keep them")

    ingest = commands.add_parser("ingest", help="load extract files (CSV, XLSX, Parquet)")
    ingest.add_argument("--db", help="warehouse (default $BANSOS_DB, then data/warehouse.duckdb)")
    ingest.add_argument("--kind", choices=("keluarga", "penyaluran"), help="skip kind detection")
    ingest.add_argument("--as-of", type=_iso_date, help="extract date; fills tanggal_data where blank")
    ingest.add_argument("--replace", action="store_true", help="corrected re-issue: drop rows of the covered slices it no longer has")
    ingest.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    ingest.add_argument("files", nargs="+", metavar="FILE")

    rebuild = commands.add_parser("rebuild", help="reload data/reference/*.csv and rebuild the marts")
    rebuild.add_argument("--db")

    export = commands.add_parser("export", help="export a table with its provenance")
    export.add_argument("table", help="region-indicators, quarantine-summary, quarantine, loads, families, or audit (command line only)")
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

    audit = commands.add_parser("audit", help="the audit log beside the warehouse")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_commands.add_parser("verify", help="check the log's keyed hash chain, head file and anchors")
    verify.add_argument("--db")
    verify.add_argument("--anchor", action="append", default=[], metavar="HEAD",
                        help='an anchored head, e.g. from a backup manifest: \'{"seq": 12, "mac": "..."}\' (repeatable)')
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "ingest":
        return _ingest(args)
    if args.command == "demo":
        return _demo(args)
    if args.command == "rebuild":
        return _rebuild(args)
    if args.command == "export":
        from bansos.export import run_export_command

        return run_export_command(args)
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
    from bansos.ingest import REJECTED, IngestError, LoadRequest, LoadResult, ingest

    db = settings.db_path(args.db)
    requests = [LoadRequest(Path(f), args.kind, args.as_of) for f in args.files]
    try:
        results = ingest(db, requests, replace=args.replace)
    except IngestError as error:
        results = [LoadResult(file=str(r.path), kind=r.kind, status=REJECTED, message=f"{Path(r.path).name}: {error}") for r in requests]
    for result in results:
        _print_result(result, args.json)
    if not args.json:
        print(f"warehouse: {db}")
    return 1 if any(r.status == REJECTED for r in results) else 0


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
    from bansos import marts
    from bansos.reference import ReferenceError, load_reference
    from bansos.warehouse import WAREHOUSE, write_session

    db = settings.db_path(args.db)
    if not db.exists():
        print(f"No warehouse at {db}: nothing to rebuild (load extracts with `python -m bansos ingest`).", file=sys.stderr)
        return 1
    try:
        with write_session(db) as session:
            load_reference(session.con, schema=WAREHOUSE)
            marts.rebuild(session.con, WAREHOUSE)
    except ReferenceError as error:
        print(f"rebuild refused: {error}", file=sys.stderr)
        return 1
    print(f"rebuilt reference tables and marts of {db}")
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
