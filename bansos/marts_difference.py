"""Marts by difference: a call's change to the marts applied as (the mart files
over the touched families' rows after the call) − (the same before it).

Used by `bansos.marts.refresh` for calls that left the grids and every
kab/kota's structure as they were: a bank's or PT Pos's tranche file, a
re-sent status, or a register extract into snapshots that keep their place
and their decisions (a corrected or re-sent extract, late additions to a
month's): the cost is that of the families in the file, not of the kab/kota
they live in; and, after a register load that changed a structure, for the
kab/kota other than those of the snapshots it touched (docs/architecture.md,
"Marts after a load"). Why the
difference is exact is in queries/increment/40_difference.sql;
tests/test_marts_incremental.py checks it against a full rebuild after every
load of random load sequences.

Each mart is in exactly one of the groups below (a test checks), so that a new
mart cannot be left out of the difference unnoticed.
"""

from __future__ import annotations

import duckdb

BEFORE, AFTER = "mart_before", "mart_after"  # the scratch catalogs (queries/increment/40_difference.sql)

# The allocation marts' sums, and the rule for their rows: a group of
# allocation rows, every one an allocation or a reroute.
_ALLOCATION_SUMS = ("recipients", "allocated_amount", "paid_families", "disbursed_amount", "timely_families",
                    "failed_families", "returned_families", "pending_families", "rerouted_payments", "allocation_rows")
_ALLOCATION_KEPT = "m.allocation_rows + m.rerouted_payments > 0"

# Marts whose numbers are sums over families: their other columns are the
# row's key. A row of these marts exists while the rule holds (None: a dense
# grid, whose rows the call does not change, 10_scope's i_global_change).
SUMS: dict[str, tuple[str, ...]] = {
    "mart_allocation": _ALLOCATION_SUMS,
    "mart_allocation_region": _ALLOCATION_SUMS,  # mart_allocation summed over kecamatan and institution
    "mart_decile": ("recipients",),
    "mart_funnel_recipients": ("recipients", "paid"),
    "mart_targeting_kecamatan": ("eligible_families", "eligible_covered", "recipients", "eligible_recipients",
                                 "not_in_register"),
    "mart_targeting": ("eligible_families", "eligible_covered", "recipients", "eligible_recipients",
                       "not_in_register"),
    "mart_signal": ("families", "recipients", "eligible_without_any"),
    # the register's own marts: they change only where a call touched register
    # rows (a difference after a register load keeps every slice in place)
    "mart_snapshot": ("families",),
    "mart_funnel": ("families", "new_registrations", "channel_mandiri", "channel_agen", "channel_musdes",
                    "channel_dinsos", "channel_dtsen", "channel_blank", "decided", "layak", "tidak_layak",
                    "appealed", "upheld", "appeal_rejected", "final_layak"),
    "mart_register_decile": ("families",),
}
KEEP_ROW: dict[str, str | None] = {
    "mart_allocation": _ALLOCATION_KEPT,
    "mart_allocation_region": _ALLOCATION_KEPT,  # while any of its mart_allocation rows is
    "mart_decile": "m.recipients > 0",
    "mart_funnel_recipients": "m.recipients > 0",
    # a kecamatan with recipients, or (STILL_KEPT) with families in the
    # register in use (the eligible counts of 20_targeting, which may be 0)
    "mart_targeting_kecamatan": "m.recipients > 0",
    "mart_targeting": None,
    "mart_signal": None,
    # a slice in use: the call kept every slice (10_scope's register_kept)
    "mart_snapshot": None,
    # a register in use with families (in a decile group)
    "mart_funnel": "m.families > 0",
    "mart_register_decile": "m.families > 0",
}
# Rows KEEP_ROW alone would drop that still exist: the key columns that find
# them, and a query over those rows (`candidate`: the touched rows KEEP_ROW
# fails, with those columns) giving the ones that stay. A kecamatan with no
# recipients stays while the register in use has families there (outside
# i_region the register is as it was). Looked up for the candidates only:
# tested row by row, every register row in use at every as_of was joined
# first (107 M rows, about 1 s, at scale 4: benchmarks/RESULTS.md).
STILL_KEPT: dict[str, tuple[tuple[str, ...], str]] = {
    "mart_targeting_kecamatan": (
        ("as_of", "region_code", "kecamatan_code"),
        "SELECT DISTINCT c.as_of, c.region_code, c.kecamatan_code FROM candidate c "
        "JOIN mart_snapshot s ON s.as_of IS NOT DISTINCT FROM c.as_of AND s.region_code = c.region_code "
        "JOIN current_family f ON f.region_code = s.region_code AND f.snapshot_date = s.snapshot_date "
        "AND f.kecamatan_code IS NOT DISTINCT FROM c.kecamatan_code",
    ),
}
# One row per family: the touched families' rows are replaced.
FAMILY_ROWS = frozenset({"mart_signal_family"})
# A function of which kab/kota are present only, which a difference leaves as
# they were.
UNCHANGED = frozenset({"mart_comparison"})
# The columns that name the register slice a region uses at the row's as_of:
# part of the rows' key. A next snapshot by difference (marts.py `refresh`)
# renames the slice of its regions at the new date, and gives the scratch
# marts the slice each region really uses (their inputs are all dated the new
# date: queries/increment/45_next_difference.sql).
SLICE_DATES: dict[str, str] = {
    "mart_snapshot": "snapshot_date",
    "mart_targeting": "register_snapshot",
    "mart_targeting_kecamatan": "register_snapshot",
}


def columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [row[0] for row in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND table_name = $t "
        "ORDER BY column_index", {"t": table}).fetchall()]


def name_slices(con: duckdb.DuckDBPyConnection, as_of, catalog: str | None = None) -> None:
    """At `as_of`, the slice-naming columns (SLICE_DATES) of the marts in the
    current schema, or in `catalog`, set to the slice each region uses after
    the call (i_next_in_use's after_date)."""
    for table, column in SLICE_DATES.items():
        name = table if catalog is None else f"{catalog}.{table}"
        con.execute(f"UPDATE {name} t SET {column} = u.after_date FROM i_next_in_use u "
                    f"WHERE t.region_code = u.region_code AND t.as_of = $d AND t.{column} IS DISTINCT FROM u.after_date",
                    {"d": as_of})


def apply(con: duckdb.DuckDBPyConnection, as_of=None) -> None:
    """Add the difference between the scratch catalogs to the marts of the
    current schema (the warehouse) outside i_region (the kab/kota refreshed by
    region, if any), whose rows there equal a full rebuild before the call;
    i_difference_family holds the families it is over. With `as_of` (a next
    snapshot by difference), the scratch marts hold rows at that as_of only,
    and rows without one (allocations only, the same on both sides): a
    family's rows at other dates are kept."""
    # Placeholder region '' is not a kab/kota: its rows are the placeholders'.
    outside = "region_code <> '' AND region_code NOT IN (SELECT region_code FROM i_region)"
    for table in FAMILY_ROWS:  # allow-listed names, here and below
        dated = "" if as_of is None else " AND (as_of = $d OR as_of IS NULL)"
        con.execute(f"DELETE FROM {table} WHERE family_key IN (SELECT family_key FROM i_difference_family) "
                    f"AND {outside}{dated}", {} if as_of is None else {"d": as_of})
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {AFTER}.{table} "
                    f"WHERE {outside} AND family_key IS NOT NULL")
    for table, sums in SUMS.items():
        keys = [c for c in columns(con, table) if c not in sums]
        key_list = ", ".join(keys)
        match = " AND ".join(f"m.{k} IS NOT DISTINCT FROM d.{k}" for k in keys)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE i_delta AS SELECT {key_list}, "
            + ", ".join(f"sum({s}) AS {s}" for s in sums)
            + f" FROM (SELECT {key_list}, {', '.join(sums)} FROM {AFTER}.{table} UNION ALL "
            f"SELECT {key_list}, {', '.join(f'-{s}' for s in sums)} FROM {BEFORE}.{table}) "
            f"WHERE {outside} GROUP BY ALL"
        )
        # A NULL sum (a count a rule leaves NULL, the same before and after) changes nothing.
        con.execute(f"UPDATE {table} m SET " + ", ".join(f"{s} = m.{s} + coalesce(d.{s}, 0)" for s in sums)
                    + f" FROM i_delta d WHERE {match}")
        # New rows: a group that had no row before and has something now, or,
        # where a rule says which rows exist, any group the call touched (a
        # kecamatan whose first register families are eligible for nothing has
        # a row of zeros); the rule then drops those that should not exist.
        new = ("true" if KEEP_ROW[table] is not None
               else "(" + " OR ".join(f"coalesce(d.{s}, 0) <> 0" for s in sums) + ")")
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM i_delta d WHERE {new} "
                    f"AND NOT EXISTS (SELECT 1 FROM {table} m WHERE {match})")
        if KEEP_ROW[table] is not None:
            touched = f"EXISTS (SELECT 1 FROM i_delta d WHERE {match})"
            keep = KEEP_ROW[table]
            if table in STILL_KEPT:
                found_by, query = STILL_KEPT[table]
                con.execute("CREATE OR REPLACE TEMP TABLE i_still_kept AS WITH candidate AS (SELECT DISTINCT "
                            + ", ".join(f"m.{k}" for k in found_by)
                            + f" FROM {table} m WHERE {touched} AND NOT ({keep})) {query}")
                keep = (f"({keep}) OR EXISTS (SELECT 1 FROM i_still_kept k WHERE "
                        + " AND ".join(f"k.{k} IS NOT DISTINCT FROM m.{k}" for k in found_by) + ")")
            con.execute(f"DELETE FROM {table} m WHERE {touched} AND NOT ({keep})")
    con.execute("DROP TABLE IF EXISTS temp.main.i_delta")
    con.execute("DROP TABLE IF EXISTS temp.main.i_still_kept")
