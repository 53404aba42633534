-- Difference inputs: the touched families' facts before and after the call, in
-- two scratch catalogs (`mart_before`, `mart_after`) under the names the mart
-- files read (bansos/marts.py `refresh`, bansos/marts_difference.py).
-- Parameters: $lo — the call's first load id.
-- Needs:    i_difference_family, i_region (25_split, or all touched families and
--           no region when the call left every structure as it was), i_snapshot_before
--           (10_scope), fact_family, fact_allocation, mart_snapshot (as the
--           refresh by region left it), mart_targeting.
-- Makes:    i_family_rows, i_allocation_rows, mart_before.current_family,
--           mart_before.current_allocation, mart_after.current_family,
--           mart_after.current_allocation.

-- The numbers of the kab/kota outside i_region (rebuilt by region, or none)
-- change by the difference. Every mart number is a sum over families of what
-- each family contributes to the kab/kota where it has rows, and a family's
-- contribution depends on its own rows only, given (a) which snapshot each
-- region uses at each as_of and whether it holds decisions and (b) the dates
-- and tranches of the grids. So those kab/kota's numbers after the call are
-- their numbers before it, plus what the mart files give over the families'
-- rows after the call, minus what they give over the same families' rows
-- before it. (a) and (b) are placeholder rows with no family, as in
-- 30_inputs.sql, for every region: from the snapshots before the call in
-- mart_before, after it in mart_after. They differ only in i_region, whose
-- rows refresh drops; elsewhere what they add is the same on both sides and
-- cancels out (and their region '' is dropped). A new snapshot date is an
-- as_of on both sides (placeholders in region ''), the rows at it extended
-- from the date before (marts.py `_extend_untouched`) before the difference.

-- The families' rows current after the call, or current before it (stored by
-- an earlier load and not retired then: retired by this call or not at all),
-- without the columns no mart file reads (as in 30_inputs.sql).
CREATE OR REPLACE TEMP TABLE i_family_rows AS
SELECT * EXCLUDE ({{unread_family}}) FROM fact_family
WHERE family_key IN (SELECT family_key FROM i_difference_family)
  AND (superseded_by IS NULL OR (load_id < $lo AND superseded_by >= $lo));

CREATE OR REPLACE TEMP TABLE i_allocation_rows AS
SELECT * EXCLUDE ({{unread_allocation}}) FROM fact_allocation
WHERE family_key IN (SELECT family_key FROM i_difference_family)
  AND (superseded_by IS NULL OR (load_id < $lo AND superseded_by >= $lo));

CREATE TABLE mart_before.current_family AS
SELECT * EXCLUDE (superseded_by) FROM i_family_rows
WHERE load_id < $lo;

CREATE TABLE mart_after.current_family AS
SELECT * EXCLUDE (superseded_by) FROM i_family_rows
WHERE superseded_by IS NULL;

INSERT INTO mart_before.current_family BY NAME
SELECT snapshot_date, region_code,
       CASE WHEN has_decisions THEN 'layak' END AS decision, 0 AS load_id
FROM i_snapshot_before
WHERE as_of = snapshot_date;

INSERT INTO mart_after.current_family BY NAME
SELECT snapshot_date, region_code,
       CASE WHEN has_decisions THEN 'layak' END AS decision, 0 AS load_id
FROM mart_snapshot
WHERE as_of = snapshot_date;

INSERT INTO mart_before.current_family BY NAME
SELECT DISTINCT as_of AS snapshot_date, '' AS region_code, 0 AS load_id
FROM mart_snapshot
WHERE as_of IS NOT NULL;

INSERT INTO mart_after.current_family BY NAME
SELECT * FROM mart_before.current_family WHERE region_code = '';

CREATE TABLE mart_before.current_allocation AS
SELECT * EXCLUDE (superseded_by) FROM i_allocation_rows
WHERE load_id < $lo;

CREATE TABLE mart_after.current_allocation AS
SELECT * EXCLUDE (superseded_by) FROM i_allocation_rows
WHERE superseded_by IS NULL;

INSERT INTO mart_before.current_allocation BY NAME
SELECT DISTINCT program, year, tranche, '' AS region_code, 0 AS load_id
FROM mart_targeting;

INSERT INTO mart_after.current_allocation BY NAME
SELECT * FROM mart_before.current_allocation WHERE region_code = '';
