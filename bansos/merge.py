"""The keyed merge (docs/extract-contract.md, "Rows are keyed"): which fact
rows are current.

A register row is keyed by (family, snapshot date); an allocation row by
(family, programme, year, tranche, kab/kota, institution). Where a key has
several rows, the one from the latest extract is current (same extract
date: the later load); a `--replace` load also retires the rows of the
slices it covers that it no longer contains. Rows are never deleted by a
load: the others carry, in `superseded_by`, the load that retired them.

`settle` and `remove_replaced` apply the rule to one new load (the fast,
incremental path of every ingest); `recompute` derives every row's state
from the loads that remain (what `unload` needs, and what `check` compares
against). Both give the same current rows.
"""

from __future__ import annotations

from bansos.contract import KELUARGA, PENYALURAN
from bansos.warehouse import WAREHOUSE

FACT = {KELUARGA: "fact_family", PENYALURAN: "fact_allocation"}
# The row keys (docs/extract-contract.md). `institution` may be blank: a
# value of its own, compared with IS NOT DISTINCT FROM.
KEY = {
    KELUARGA: ("family_key", "snapshot_date"),
    PENYALURAN: ("family_key", "program", "year", "tranche", "region_code", "institution"),
}
NULLABLE_KEY = {"institution"}
FACT_COLUMNS = {
    KELUARGA: ("family_key", "snapshot_date", "region_code", "kecamatan_code", "wilayah_code", "desil", "members",
               "channel", "registration_date", "decision", "reason", "appeal", "head_key", "extract_date"),
    PENYALURAN: ("family_key", "program", "year", "tranche", "region_code", "kecamatan_code", "wilayah_code", "amount",
                 "status", "institution", "paid_date", "transaction_id", "recipient_key", "extract_date"),
}
SLICE = {KELUARGA: ("region_code", "snapshot_date"), PENYALURAN: ("region_code", "program", "year", "tranche", "institution")}


def _key_equal(kind: str, left: str, right: str) -> str:
    return " AND ".join(
        f"{left}.{k} IS NOT DISTINCT FROM {right}.{k}" if k in NULLABLE_KEY else f"{left}.{k} = {right}.{k}"
        for k in KEY[kind]
    )


def settle(con, kind: str, load_id: int) -> int:
    """The merge rule, for the rows load `load_id` has inserted: where a key
    now has two current rows, the row from the later extract stays current
    (on the same extract date, the later load), so the result does not
    depend on the order files arrive in. The other is marked superseded by
    the winner's load, never deleted. Returns how many of the new rows were
    older than what was stored."""
    fact = f"{WAREHOUSE}.{FACT[kind]}"
    both = (f"{_key_equal(kind, 'f', 'n')} AND n.load_id = $id AND f.load_id <> $id "
            "AND f.superseded_by IS NULL AND n.superseded_by IS NULL")
    if not con.execute(f"SELECT EXISTS (SELECT 1 FROM {fact} n JOIN {fact} f ON {both})", {"id": load_id}).fetchone()[0]:
        return 0
    older_new = f"SELECT n.rowid AS r, f.load_id AS winner FROM {fact} n JOIN {fact} f ON {both} WHERE f.extract_date > n.extract_date"
    older_stored = f"SELECT f.rowid AS r FROM {fact} n JOIN {fact} f ON {both} WHERE n.extract_date >= f.extract_date"
    # Both sets are found before either is marked.
    con.execute(f"CREATE OR REPLACE TEMP TABLE settle_new AS {older_new}", {"id": load_id})
    con.execute(f"CREATE OR REPLACE TEMP TABLE settle_stored AS {older_stored}", {"id": load_id})
    try:
        con.execute(f"UPDATE {fact} SET superseded_by = $id WHERE rowid IN (SELECT r FROM settle_stored)", {"id": load_id})
        return con.execute(
            f"UPDATE {fact} t SET superseded_by = s.winner FROM settle_new s WHERE t.rowid = s.r"
        ).fetchone()[0]
    finally:
        con.execute("DROP TABLE IF EXISTS settle_new")
        con.execute("DROP TABLE IF EXISTS settle_stored")


def remove_replaced(con, kind: str, load_id: int) -> int:
    """`--replace`: a corrected re-issue (load `load_id`, already inserted).
    Current rows of the slices the file covers, from the same or an earlier
    extract, that the file no longer contains are marked as replaced by it."""
    fact = f"{WAREHOUSE}.{FACT[kind]}"
    slice_on = " AND ".join(f"f.{c} IS NOT DISTINCT FROM s.{c}" for c in SLICE[kind])
    return con.execute(
        f"""
        UPDATE {fact} SET superseded_by = $id WHERE rowid IN (
            SELECT f.rowid FROM {fact} f JOIN (
                SELECT {', '.join(SLICE[kind])}, max(extract_date) AS extract_date FROM {fact} WHERE load_id = $id GROUP BY ALL
            ) s ON {slice_on}
            WHERE f.load_id <> $id AND f.superseded_by IS NULL AND f.extract_date <= s.extract_date
              AND NOT EXISTS (SELECT 1 FROM {fact} n WHERE n.load_id = $id AND {_key_equal(kind, 'n', 'f')})
        )
        """,
        {"id": load_id},
    ).fetchone()[0]


def recompute(con, kind: str, schema: str = WAREHOUSE) -> int:
    """Every row's `superseded_by`, derived from the rows and loads that are
    stored now (after `unload` deleted a load's rows). A row is retired by
    a later --replace load covering its slice without its key (as
    remove_replaced did), else by the winning row of its key (as settle
    did); a retired row never wins. Returns how many rows changed state."""
    fact = f"{schema}.{FACT[kind]}"
    slice_on = " AND ".join(f"f.{c} IS NOT DISTINCT FROM s.{c}" for c in SLICE[kind])
    keys = ", ".join(KEY[kind])
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE merge_state AS
        WITH replace_slices AS (
            SELECT a.load_id AS by_load, {', '.join('a.' + c for c in SLICE[kind])}, max(a.extract_date) AS extract_date
            FROM {fact} a JOIN {schema}.load_ledger l ON l.load_id = a.load_id
            WHERE l.replace_mode AND l.unloaded_at IS NULL
            GROUP BY ALL
        ), removed AS (
            SELECT f.rowid AS r, min(s.by_load) AS by_load
            FROM {fact} f JOIN replace_slices s ON {slice_on} AND s.by_load > f.load_id AND f.extract_date <= s.extract_date
            WHERE NOT EXISTS (SELECT 1 FROM {fact} n WHERE n.load_id = s.by_load AND {_key_equal(kind, 'n', 'f')})
            GROUP BY f.rowid
        ), ranked AS (
            SELECT f.rowid AS r,
                   row_number() OVER (PARTITION BY {keys} ORDER BY f.extract_date DESC, f.load_id DESC) AS rank,
                   first_value(f.load_id) OVER (PARTITION BY {keys} ORDER BY f.extract_date DESC, f.load_id DESC) AS winner
            FROM {fact} f WHERE f.rowid NOT IN (SELECT r FROM removed)
        )
        SELECT r, by_load AS state FROM removed
        UNION ALL
        SELECT r, CASE WHEN rank > 1 THEN winner END FROM ranked
        """
    )
    try:
        return con.execute(
            f"""UPDATE {fact} t SET superseded_by = m.state FROM merge_state m
                WHERE t.rowid = m.r AND (t.superseded_by IS NULL) <> (m.state IS NULL)"""
        ).fetchone()[0]
    finally:
        con.execute("DROP TABLE IF EXISTS merge_state")
