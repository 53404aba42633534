"""Marts: small aggregate tables the pages read (docs/architecture.md).

Built from the current facts by running queries/marts/*.sql in name order:
whole by `python -m bansos rebuild` (`rebuild`), and by a load for only the
regions it touched (`refresh`, docs/architecture.md "Marts after a load").
Plain SQL, so that the same statements run on Apache Spark too
(bansos/spark_marts.py, `rebuild --engine spark`); `meta.marts_engine` says
which engine built them, `meta.marts_mode` how the last load refreshed them.

Each mart file says in its header what it needs (`-- Needs:`) and what it
makes (`-- Makes:`). Names starting with `t_` are intermediate tables or
views shared between files; they are dropped here, in one place, after the
last file has run. Names starting with `mart_` are the marts.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import date
from functools import cache
from pathlib import Path

import duckdb

from bansos import marts_difference, settings
from bansos.warehouse import one_row

MARTS_DIR = settings.QUERIES_DIR / "marts"
INCREMENT_DIR = settings.QUERIES_DIR / "increment"
# Marts without a region_code: small, rebuilt whole from the warehouse by an
# incremental refresh. Every other mart is keyed by region_code (a test checks).
GLOBAL_MARTS = frozenset({"mart_comparison"})
SCRATCH = "mart_scratch"  # the catalog an incremental refresh builds in (named in queries/increment/)
FULL, INCREMENTAL, DIFFERENCE = "full", "incremental", "difference"
SPLIT = "split"  # a plan, not a mode: by region for the touched snapshots' regions, by difference elsewhere
NEXT = "next"  # a plan: a region's next snapshot by difference over the families that changed
# Above this share of the kab/kota present, a load's closure is most of the
# facts and the increment's own work (selecting and copying it) makes it
# slower than a full rebuild: a register re-issue of most kab/kota. A cost
# rule, not a correctness one (both give the same marts).
INCREMENTAL_MAX_SHARE = 0.5
# The same for a refresh by difference (marts_difference.py): it runs the mart
# files twice over the touched families' rows, so above about a third of the
# allocation rows a full rebuild is cheaper. Measured by benchmarks/routine_load.py.
DIFFERENCE_MAX_SHARE = 0.3
# A region's next snapshot goes by difference when at most this share of its
# families changed between its register in use and the new one (a real month
# changes a few per cent); above it (a register mostly replaced) the refresh
# of the region at the new date alone becomes cheaper, as it runs the mart
# files once over the region, not twice over the changed families. A cost
# rule, not a correctness one. Measured by benchmarks/next_share.py at scale
# 4 (benchmarks/RESULTS.md, 7 Dec 2026, afternoon), marts seconds by
# difference against by region: 2 % changed 3.1 / 14.2, 29 % 7.7 / 16.1,
# 49 % 11.8 / 13.9 (at scale 0.1, 49 %: 3.3 / 4.0); above half it was not
# measured.
NEXT_MAX_SHARE = 0.5
# The fact columns no mart file reads (free text, the head's and recipient's
# keys, codes and dates kept for provenance). The increments' copies and
# comparisons (queries/increment/) leave them out, written there as
# {{unread_family}} and {{unread_allocation}}: copying them was about a third
# of each copy. A test checks that no mart file reads one.
UNREAD = {
    "unread_family": ("reason", "head_key", "members", "registration_date", "wilayah_code", "extract_date"),
    "unread_allocation": ("transaction_id", "recipient_key", "wilayah_code", "extract_date"),
}

log = logging.getLogger(__name__)


def _statements(sql: str) -> list[str]:
    # Mart files keep `--` and `;` out of string literals, so dropping
    # comment text and splitting on `;` is safe.
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    for name, names in UNREAD.items():
        code = code.replace("{{" + name + "}}", ", ".join(names))
    return [s.strip() for s in code.split(";") if s.strip()]


def mart_files() -> list[Path]:
    return sorted(MARTS_DIR.glob("*.sql"))


@cache
def declared(path: Path) -> tuple[frozenset[str], tuple[str, ...]]:
    """(needs, makes) from a mart file's header; `Makes:` may continue on
    the following comment lines."""
    needs: set[str] = set()
    makes: list[str] = []
    current = None
    for line in path.read_text().splitlines():
        if not line.startswith("--"):
            break
        text = line[2:].strip()
        label = re.match(r"(Needs|Makes|[A-Z][a-z]+):\s*(.*)", text)
        if label:
            current = label.group(1)
            text = label.group(2)
        elif not line.startswith("--   "):
            current = None
        if current in ("Needs", "Makes"):
            names = re.findall(r"\b([a-z_][a-z0-9_]*)\b", re.sub(r"\([^)]*\)", "", text))
            (needs.update if current == "Needs" else makes.extend)(names)
    return frozenset(needs), tuple(makes)


def intermediate_names() -> list[str]:
    return [name for path in mart_files() for name in declared(path)[1] if name.startswith("t_")]


def mart_names() -> list[str]:
    return [name for path in mart_files() for name in declared(path)[1] if name.startswith("mart_")]


def built_tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    """The marts present in `schema` (all of them after a rebuild)."""
    present = {row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = $db", {"db": schema}).fetchall()}
    return [name for name in mart_names() if name in present]


def _run(con: duckdb.DuckDBPyConnection, files: list[Path], params: dict) -> None:
    for path in files:
        for statement in _statements(path.read_text()):
            con.execute(statement, {k: v for k, v in params.items() if f"${k}" in statement})


def _drop_temp(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    kinds = dict(con.execute(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_catalog = 'temp'").fetchall())
    for name in reversed(names):  # views before the tables they read
        if name in kinds:
            con.execute(f"DROP {'VIEW' if kinds[name] == 'VIEW' else 'TABLE'} temp.main.{name}")


def _mart_params() -> dict:
    return {"timely_days": settings.get_int("timely_days")}


def rebuild(con: duckdb.DuckDBPyConnection, schema: str, why: str = "rebuild") -> None:
    """Every mart from all current facts."""
    con.execute(f"USE {schema}")
    try:
        _run(con, mart_files(), _mart_params())
        _drop_temp(con, intermediate_names())
        con.execute("INSERT OR REPLACE INTO meta VALUES ('marts_built_at', CAST(now() AS VARCHAR))")
        con.execute("INSERT OR REPLACE INTO meta VALUES ('marts_engine', 'duckdb')")
        _record(con, f"{FULL}: {why}")
    finally:
        con.execute("USE memory")


# -- incremental refresh after a load -------------------------------------------


def increment_files() -> list[Path]:
    return sorted(INCREMENT_DIR.glob("*.sql"))


def _increment_names() -> list[str]:
    """The temporary tables queries/increment/ makes (`Makes:` headers)."""
    names = [name for path in increment_files() for name in declared(path)[1] if name.startswith("i_")]
    return list(dict.fromkeys(names))  # i_region: made by 20_regions or by 25_split (or refresh)


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """What the marts are a function of besides the facts: the SQL that
    builds them, its parameters and the reference tables it reads (run with
    the warehouse as the current schema). Marts built under another
    fingerprint are not extended incrementally. (queries/increment/ is not
    part of it: it chooses what to rebuild, not what the marts hold.)"""
    digest = hashlib.sha256()
    for path in mart_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(repr(sorted(_mart_params().items())).encode())
    references = sorted({name for path in mart_files() for name in declared(path)[0] if name.startswith("ref_")})
    for table in references:  # allow-listed: names from the mart files' headers
        row = con.execute(f"SELECT count(*), coalesce(sum(hash(COLUMNS(*))), 0) FROM {table}").fetchone()
        digest.update(f"{table}{row}".encode())
    return digest.hexdigest()


def _meta(con, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = $k", {"k": key}).fetchone()
    return row[0] if row else None


def _record(con, mode: str, current: str | None = None) -> None:
    """Which facts and definitions the marts now equal a full rebuild of."""
    through = con.execute("SELECT coalesce(max(load_id), 0) FROM load_ledger").fetchone()[0]
    for key, value in (("marts_fingerprint", current or fingerprint(con)), ("marts_through_load", str(through)),
                       ("marts_mode", mode)):
        con.execute("INSERT OR REPLACE INTO meta VALUES ($k, $v)", {"k": key, "v": value})
    log.debug("marts %s", mode)  # debug: the command line shows INFO, and its stderr is progress only


def _why_not_incremental(con, lo: int, current: str) -> str | None:
    """Why an incremental refresh after loads lo.. cannot be shown to equal a
    full rebuild (None: it can): the marts must equal a DuckDB full rebuild
    of exactly the facts before those loads, under the same definitions."""
    if _meta(con, "marts_engine") != "duckdb":
        return "the marts were built by another engine"
    if _meta(con, "marts_through_load") != str(lo - 1):
        return "the marts were not built from the loads before this one"
    if _meta(con, "marts_fingerprint") != current:
        return "the mart definitions, settings or reference tables changed"
    present = {row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
    if not set(mart_names()) <= present:
        return "some marts are missing"
    return None


def refresh(con: duckdb.DuckDBPyConnection, schema: str, load_ids: list[int], full: str | None = None) -> str:
    """The marts after loads `load_ids` (one ingest call, consecutive ids),
    with the SQL in queries/increment/ (docs/architecture.md, "Marts after a
    load"): by difference when the load left every kab/kota's structure as it
    was (no register row touched, or only rows of snapshots that keep their
    place and their decisions: the mart files over the touched families' rows
    before and after, marts_difference.py), or brought a region's next
    snapshot that keeps its structure and changes few of its families (over
    those families, at the new date: `_refresh_next_snapshot`); otherwise by region, the mart
    files run on the affected regions' facts only and those regions' mart
    rows replaced (for a register load: the regions of the snapshots it
    touched, and the rest by difference); a full rebuild where none can be
    shown to give the same rows, or when the caller says why (`full`).
    Returns meta.marts_mode."""
    if full is not None or not load_ids:
        rebuild(con, schema, full or "no load")
        return _meta_mode(con, schema)
    lo, hi = min(load_ids), max(load_ids)
    con.execute(f"USE {schema}")
    try:
        current = fingerprint(con)
        why = _why_not_incremental(con, lo, current)
        if why is None:
            _run(con, [INCREMENT_DIR / "10_scope.sql"], {"lo": lo, "hi": hi})
            cursor = con.execute("SELECT * FROM i_global_change")
            scope = dict(zip([c[0] for c in cursor.description], one_row(cursor), strict=True))
            scope["next_kept"] = _next_kept(con, scope)
            why = _why_full(con, scope, lo)
        if why is not None:
            _drop_temp(con, _increment_names())
            con.execute("USE memory")
            rebuild(con, schema, why)
            return _meta_mode(con, schema)
        plan = _plan(scope)
        if plan == NEXT:
            mode = _refresh_next_snapshot(con, schema, lo, scope["new_date"], scope["previous_as_of"])
        elif plan == DIFFERENCE:
            # Nothing rebuilt by region; the difference is over every touched family.
            _no_region(con)
            con.execute("CREATE OR REPLACE TEMP TABLE i_difference_family AS SELECT family_key FROM i_touched_family")
            families = _refresh_by_difference(con, schema, lo)
            mode = f"{DIFFERENCE}: {_families(families)}"
        else:
            # A region's next snapshot (a new date after every other, nothing
            # else touched) changes its rows at that as_of only.
            latest = scope["new_date"] if plan == SPLIT and scope["new_date_only"] else None
            regions = _refresh_regions(con, schema, latest)
            mode = f"{INCREMENTAL}: {regions} kab/kota" + (f" at {latest} only" if latest else "")
            if scope["new_dates"] == 1:
                _extend_untouched(con, scope["new_date"], scope["previous_as_of"])
                mode += f"; the others' rows at {scope['new_date']} from {scope['previous_as_of']}"
            if plan == SPLIT:
                families = _refresh_by_difference(con, schema, lo)
                if families:
                    mode += f"; elsewhere {DIFFERENCE}: {_families(families)}"
        _drop_temp(con, _increment_names())
        con.execute("INSERT OR REPLACE INTO meta VALUES ('marts_built_at', CAST(now() AS VARCHAR))")
        _record(con, mode, current)
        return mode
    finally:
        con.execute("USE memory")


def _families(count: int) -> str:
    return f"{count:,} {'family' if count == 1 else 'families'}"


def _plan(scope: dict) -> str:
    """How a load that need not rebuild everything refreshes the marts:
    DIFFERENCE (it left the grids and every kab/kota's structure as they were
    — no register row touched, or only rows of snapshots that keep their place
    and decisions — with few enough families: marts_difference.py), SPLIT (a
    register load that left the kab/kota present as they were: the regions of
    its snapshots by region, the rest by difference) or by region
    (INCREMENTAL)."""
    if scope["regions_changed"]:
        return INCREMENTAL
    difference = (scope["new_dates"] == 0
                  and scope["touched_families"] <= DIFFERENCE_MAX_SHARE * scope["current_allocations"])
    if not scope["register_touched"]:
        return DIFFERENCE if difference else INCREMENTAL
    if difference and scope["register_kept"]:
        return DIFFERENCE
    return NEXT if scope.get("next_kept") else SPLIT


def _why_full(con: duckdb.DuckDBPyConnection, scope: dict, lo: int) -> str | None:
    """Why the load's change reaches every region's rows (None: it does not);
    when it goes by region, i_region is made here for the share rule."""
    if scope["changed"]:
        return "a programme tranche was added, or a snapshot date or tranche removed"
    if scope["new_dates"] > 1:
        return "several new snapshot dates"
    if scope["new_dates"] == 1 and scope["previous_as_of"] is None:
        return "a new snapshot date before every other"
    plan = _plan(scope)
    if plan in (DIFFERENCE, NEXT):
        return None
    _run(con, [INCREMENT_DIR / "15_family.sql", INCREMENT_DIR / ("25_split.sql" if plan == SPLIT else "20_regions.sql")],
         {"lo": lo})
    touched, present = one_row(con.execute(
        "SELECT (SELECT count(*) FROM i_region), (SELECT count(*) FROM "
        "(SELECT region_code FROM mart_snapshot UNION SELECT region_code FROM mart_allocation))"
    ))
    if touched > INCREMENTAL_MAX_SHARE * present:
        return f"the load touched {touched} of {present} kab/kota"
    return None


def _next_kept(con: duckdb.DuckDBPyConnection, scope: dict) -> bool:
    """Whether a region's next snapshot (10_scope's new_date_only) can go by
    difference: queries/increment/12_next_scope.sql says whether its regions
    keep their structure, 13_next_family.sql which families changed
    (NEXT_MAX_SHARE), when the slices' sizes alone do not already say too many."""
    if not (scope["new_date_only"] and scope["previous_as_of"] is not None and not scope["changed"]
            and not scope["regions_changed"]):
        return False
    _run(con, [INCREMENT_DIR / "12_next_scope.sql"], {"new_date": scope["new_date"], "previous": scope["previous_as_of"]})
    kept, at_least, before = one_row(con.execute("SELECT kept, changed_at_least, before_families FROM i_next_scope"))
    if not kept or at_least > NEXT_MAX_SHARE * before:
        return False
    _run(con, [INCREMENT_DIR / "13_next_family.sql"], {"new_date": scope["new_date"]})
    return one_row(con.execute("SELECT count(*) FROM i_next_family"))[0] <= NEXT_MAX_SHARE * before


def _refresh_next_snapshot(con: duckdb.DuckDBPyConnection, schema: str, lo: int, new_date, previous) -> str:
    """A region's next snapshot by difference (docs/architecture.md, "Marts
    after a load"): every region's rows at the new date first as they were at
    the previous as_of (before the call each used the same slice at both),
    the new snapshot's regions' rows then naming it, and the difference over
    the families whose rows changed between the two slices
    (queries/increment/45_next_difference.sql) added at that date alone."""
    _no_region(con)
    _extend_untouched(con, new_date, previous)
    marts_difference.name_slices(con, new_date)
    con.execute("CREATE OR REPLACE TEMP TABLE i_difference_family AS SELECT family_key FROM i_next_family")
    regions = one_row(con.execute("SELECT count(*) FROM i_next_slice"))[0]
    families = _refresh_by_difference(con, schema, lo, next_date=new_date)
    return (f"{DIFFERENCE}: the next snapshot of {regions} kab/kota at {new_date}, the others' rows from {previous}; "
            f"{_families(families)} changed")


def _no_region(con: duckdb.DuckDBPyConnection) -> None:
    """An empty i_region: no kab/kota refreshed by region, the difference
    added to every region's rows."""
    con.execute("CREATE OR REPLACE TEMP TABLE i_region (region_code VARCHAR)")


def _extend_untouched(con: duckdb.DuckDBPyConnection, new_date, previous) -> None:
    """A new snapshot date d is an as_of every region gets rows for. Between
    the as_of before it (d') and d only the touched regions' snapshots change
    which snapshot is in use, and every family in them is in the touched
    families (queries/increment/10_scope.sql), whose regions were refreshed:
    so an untouched region's rows at d are its rows at d', with the date.
    (Before a next snapshot by difference, i_region is empty: every region's
    rows at d are its rows at d', and the difference is added to them.)"""
    for table in mart_names():
        columns = marts_difference.columns(con, table)
        if "as_of" in columns and "region_code" in columns:
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT * REPLACE (CAST($d AS DATE) AS as_of) FROM {table} "
                "WHERE as_of = $p AND region_code NOT IN (SELECT region_code FROM i_region)",
                {"d": new_date, "p": previous},
            )


def _refresh_by_difference(con: duckdb.DuckDBPyConnection, schema: str, lo: int,
                           next_date: date | None = None) -> int:
    """The mart files over the families' rows (i_difference_family) before
    and after the load (queries/increment/40_difference.sql), and their
    difference added to the marts outside i_region (marts_difference.py);
    for a region's next snapshot (dated `next_date`), over their rows in the
    slices in use at that date before and after (45_next_difference.sql),
    added at that date alone.
    Returns the number of families."""
    families = one_row(con.execute("SELECT count(*) FROM i_difference_family"))[0]
    if not families:
        return 0
    catalogs = (marts_difference.BEFORE, marts_difference.AFTER)
    for catalog in catalogs:
        con.execute(f"ATTACH ':memory:' AS {catalog}")
    try:
        if next_date is None:
            _run(con, [INCREMENT_DIR / "40_difference.sql"], {"lo": lo})
        else:
            _run(con, [INCREMENT_DIR / "45_next_difference.sql"], {"new_date": next_date})
        for catalog in catalogs:
            _run_region_marts(con, schema, catalog)
        if next_date is not None:
            for catalog in catalogs:
                marts_difference.name_slices(con, next_date, catalog)
        marts_difference.apply(con, as_of=next_date)
        return families
    finally:
        con.execute(f"USE {schema}")
        for catalog in catalogs:
            con.execute(f"DETACH {catalog}")


def _run_region_marts(con: duckdb.DuckDBPyConnection, schema: str, catalog: str,
                      unused: frozenset[str] = frozenset()) -> None:
    """The region-keyed marts' files run in a scratch catalog over the inputs
    put there (current_family, current_allocation), with the warehouse's
    reference tables as views; back in `schema` after. A file that makes only
    global marts or marts the caller will not use (`unused`) is not run."""
    files = [path for path in mart_files() if not set(declared(path)[1]) <= GLOBAL_MARTS | unused]
    needs = sorted({name for path in files for name in declared(path)[0] if name.startswith("ref_")})
    for table in needs:  # allow-listed: names from the mart files' headers
        con.execute(f"CREATE VIEW {catalog}.{table} AS SELECT * FROM {schema}.{table}")
    con.execute(f"USE {catalog}")
    try:
        _run(con, files, _mart_params())
        _drop_temp(con, intermediate_names())
    finally:
        con.execute(f"USE {schema}")


def _meta_mode(con, schema: str) -> str:
    return one_row(con.execute(f"SELECT value FROM {schema}.meta WHERE key = 'marts_mode'"))[0]


def _refresh_regions(con: duckdb.DuckDBPyConnection, schema: str, latest: date | None = None) -> int:
    """The region-keyed marts' rows of the affected regions (i_region),
    rebuilt in a scratch catalog and swapped in; the global marts rebuilt
    whole from the warehouse. With `latest` (their new snapshot's date, after
    every as_of, in a call that touched nothing else: 10_scope's
    new_date_only) only their rows at that as_of: at the dates before it they
    use the slices they used, and a mart without as_of counts allocations only."""
    # At `latest` alone, the marts without as_of (allocations only) keep their rows.
    kept = frozenset() if latest is None else frozenset(
        table for table in mart_names() if "as_of" not in marts_difference.columns(con, table))
    con.execute(f"ATTACH ':memory:' AS {SCRATCH}")
    try:
        _run(con, [INCREMENT_DIR / "30_inputs.sql"], {"latest": latest})
        _run_region_marts(con, schema, SCRATCH, unused=kept)
        rows = "region_code IN (SELECT region_code FROM i_region)" + ("" if latest is None else " AND as_of = $latest")
        params = {} if latest is None else {"latest": latest}
        for table in mart_names():
            if table in GLOBAL_MARTS or table in kept:
                continue
            con.execute(f"DELETE FROM {table} WHERE {rows}", params)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {SCRATCH}.{table} WHERE {rows}", params)
        _run(con, [path for path in mart_files() if set(declared(path)[1]) <= GLOBAL_MARTS], _mart_params())
        return one_row(con.execute("SELECT count(*) FROM i_region"))[0]
    finally:
        con.execute(f"USE {schema}")
        con.execute(f"DETACH {SCRATCH}")
