-- Increment scope: what one ingest call touched (bansos/marts.py `refresh`).
-- Parameters: $lo, $hi — the call's load ids (consecutive).
-- Reads:    fact_family, fact_allocation, current_family, and the marts as they
--           were before the call (mart_snapshot, mart_targeting), which equal a
--           full rebuild of the facts before the call (refresh checks that first).
-- Makes:    i_slice, i_touched_family, i_snapshot_before, i_global_change.
-- A row the call touched: inserted by it (load_id in the range) or retired by
-- it (superseded_by in the range: an older row it superseded, or a row a
-- --replace re-issue no longer contains).

-- Register slices (kab/kota × snapshot date) the call inserted rows into or
-- retired rows from.
CREATE OR REPLACE TEMP TABLE i_slice AS
SELECT DISTINCT region_code, snapshot_date
FROM fact_family
WHERE load_id BETWEEN $lo AND $hi OR superseded_by BETWEEN $lo AND $hi;

-- Families with a row the call touched. (Where the call changes a kab/kota's
-- structure, the families of its touched slices change too: 15_family.sql.)
CREATE OR REPLACE TEMP TABLE i_touched_family AS
SELECT family_key FROM fact_family
WHERE load_id BETWEEN $lo AND $hi OR superseded_by BETWEEN $lo AND $hi
UNION
SELECT family_key FROM fact_allocation
WHERE load_id BETWEEN $lo AND $hi OR superseded_by BETWEEN $lo AND $hi;

-- Which snapshot each region used at each as_of before the call: the marts
-- change as the refresh goes on, and a difference needs the state before
-- (40_difference.sql). A few rows: regions × snapshot dates.
CREATE OR REPLACE TEMP TABLE i_snapshot_before AS
SELECT * FROM mart_snapshot;

-- The marts' global dimensions: every snapshot date is an as_of of every
-- region (10_snapshots), and the targeting grid has every programme and
-- tranche in the allocations for every region (20_targeting). A call that
-- adds a tranche, or removes a date or a tranche, changes untouched regions'
-- rows too: refresh then rebuilds everything. One new date after an existing
-- one is cheaper: an untouched region's rows at it are its rows at the date
-- before (new_date, previous_as_of; see bansos/marts.py `refresh`).
-- The kab/kota present are the grids' other dimension: a call that brings the
-- first row of a kab/kota, or retires the last one, changes the grid
-- (regions_changed). Calls that leave the grids and every kab/kota's structure
-- as they were can be applied by difference (queries/increment/
-- 40_difference.sql): those that touch no register row (register_touched), and
-- those whose touched slices all stay in place with their decisions
-- (register_kept: each slice was there before, still has current rows, and
-- holds registration decisions after the call exactly when it did before, so
-- which snapshot each kab/kota uses at each as_of, and whether its families
-- can count as layak, are unchanged: a re-sent or corrected extract, or late
-- additions to a month's extract). touched_families and current_allocations
-- say what a difference would cost; new_date_only, what a new snapshot does.
CREATE OR REPLACE TEMP TABLE i_global_change AS
WITH new_date AS (
    SELECT DISTINCT f.snapshot_date FROM fact_family f
    WHERE f.load_id BETWEEN $lo AND $hi AND f.superseded_by IS NULL
      AND NOT EXISTS (SELECT 1 FROM mart_snapshot m WHERE m.as_of = f.snapshot_date)
), gone_date AS (
    SELECT DISTINCT snapshot_date FROM fact_family WHERE superseded_by BETWEEN $lo AND $hi
), new_period AS (
    SELECT DISTINCT program, year, tranche FROM fact_allocation
    WHERE load_id BETWEEN $lo AND $hi AND superseded_by IS NULL
), gone_period AS (
    SELECT DISTINCT program, year, tranche FROM fact_allocation WHERE superseded_by BETWEEN $lo AND $hi
), before_period AS (
    SELECT DISTINCT program, year, tranche FROM mart_targeting
), new_region AS (
    SELECT region_code FROM fact_family WHERE load_id BETWEEN $lo AND $hi AND superseded_by IS NULL
    UNION
    SELECT region_code FROM fact_allocation WHERE load_id BETWEEN $lo AND $hi AND superseded_by IS NULL
    EXCEPT
    (SELECT region_code FROM mart_snapshot UNION SELECT region_code FROM mart_targeting)
), gone_region AS (
    SELECT region_code FROM fact_family WHERE superseded_by BETWEEN $lo AND $hi
    UNION
    SELECT region_code FROM fact_allocation WHERE superseded_by BETWEEN $lo AND $hi
), slice_after AS (
    -- the touched slices as they are after the call (absent: emptied)
    SELECT f.region_code, f.snapshot_date, bool_or(f.decision IS NOT NULL) AS has_decisions
    FROM current_family f
    JOIN i_slice s ON s.region_code = f.region_code AND s.snapshot_date = f.snapshot_date
    GROUP BY f.region_code, f.snapshot_date
)
SELECT
    EXISTS (SELECT 1 FROM gone_date g
            WHERE NOT EXISTS (SELECT 1 FROM current_family c WHERE c.snapshot_date = g.snapshot_date))
    OR EXISTS (SELECT 1 FROM new_period n WHERE NOT EXISTS (
               SELECT 1 FROM before_period b WHERE b.program = n.program AND b.year = n.year AND b.tranche = n.tranche))
    OR EXISTS (SELECT 1 FROM gone_period g WHERE NOT EXISTS (
               SELECT 1 FROM current_allocation c
               WHERE c.program = g.program AND c.year = g.year AND c.tranche = g.tranche))
    AS changed,
    (SELECT count(*) FROM new_date) AS new_dates,
    (SELECT max(snapshot_date) FROM new_date) AS new_date,
    (SELECT max(m.as_of) FROM mart_snapshot m WHERE m.as_of < (SELECT max(snapshot_date) FROM new_date)) AS previous_as_of,
    EXISTS (SELECT 1 FROM i_slice) AS register_touched,
    NOT EXISTS (SELECT 1 FROM i_slice s
                LEFT JOIN i_snapshot_before b
                       ON b.region_code = s.region_code AND b.snapshot_date = s.snapshot_date AND b.as_of = b.snapshot_date
                LEFT JOIN slice_after a ON a.region_code = s.region_code AND a.snapshot_date = s.snapshot_date
                WHERE b.region_code IS NULL OR a.region_code IS NULL OR a.has_decisions <> b.has_decisions)
    AS register_kept,
    -- Rows added at one new snapshot date only, after every as_of, and no
    -- allocation row touched: only the marts' rows at that as_of can change,
    -- so the kab/kota of the new snapshot are refreshed at it alone (a
    -- region's next monthly snapshot; bansos/marts.py `refresh`).
    (SELECT count(*) FROM new_date) = 1
    AND NOT EXISTS (SELECT 1 FROM i_slice s WHERE s.snapshot_date <> (SELECT max(snapshot_date) FROM new_date))
    AND NOT EXISTS (SELECT 1 FROM mart_snapshot m WHERE m.as_of > (SELECT max(snapshot_date) FROM new_date))
    AND NOT EXISTS (SELECT 1 FROM fact_allocation WHERE load_id BETWEEN $lo AND $hi OR superseded_by BETWEEN $lo AND $hi)
    AS new_date_only,
    EXISTS (SELECT 1 FROM new_region)
    OR EXISTS (SELECT 1 FROM gone_region g
               WHERE NOT EXISTS (SELECT 1 FROM current_family c WHERE c.region_code = g.region_code)
                 AND NOT EXISTS (SELECT 1 FROM current_allocation c WHERE c.region_code = g.region_code))
    AS regions_changed,
    (SELECT count(*) FROM i_touched_family) AS touched_families,
    (SELECT count(*) FROM current_allocation) AS current_allocations;
