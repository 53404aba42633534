-- Next-snapshot difference inputs: the changed families' facts as they count
-- at the new date before and after the call, in the scratch catalogs
-- `mart_before` and `mart_after` (bansos/marts.py `refresh`,
-- bansos/marts_difference.py).
-- Parameters: $new_date — 10_scope's new_date.
-- Needs:    i_difference_family (= i_next_family), i_next_in_use (12_next_scope),
--           current_family, current_allocation, mart_targeting.
-- Makes:    i_next_rows, mart_before.current_family,
--           mart_before.current_allocation, mart_after.current_family,
--           mart_after.current_allocation.

-- Why it is exact (as 40_difference.sql, at one date). Before the call every
-- region used at the new date the slice it used at the previous as_of, so the
-- marts' rows at the new date were their rows at the previous one (refresh
-- copies them first: marts.py `_extend_untouched`). The call changes one
-- thing at that date: the regions of the new snapshot use it instead of
-- their slice before, with the same has_decisions (12_next_scope). A
-- family's contribution depends on its own rows in the slices in use and
-- its allocations, so only the families whose rows differ between the two
-- slices (i_next_family) contribute differently. The difference is the mart
-- files over those families' rows in the slices in use after the call,
-- minus the same over the slices in use before it.
-- Every slice in use is given dated $new_date, so that it is the only as_of
-- of the scratch (the date only chooses which slice is in use);
-- refresh then writes back, in the scratch marts, the date of the slice
-- each region really uses (marts_difference.SLICE_DATES), as the
-- warehouse's rows at the new date name it.

-- The families' rows in those slices, without the columns no mart file reads
-- (as in 30_inputs.sql), and on which side each counts.
CREATE OR REPLACE TEMP TABLE i_next_rows AS
SELECT f.* EXCLUDE ({{unread_family}}, superseded_by),
       f.snapshot_date = u.before_date AS in_before, f.snapshot_date = u.after_date AS in_after
FROM current_family f
JOIN i_next_in_use u ON u.region_code = f.region_code
 AND (f.snapshot_date = u.before_date OR f.snapshot_date = u.after_date)
WHERE f.family_key IN (SELECT family_key FROM i_difference_family);

CREATE TABLE mart_before.current_family AS
SELECT * EXCLUDE (in_before, in_after) REPLACE ($new_date::DATE AS snapshot_date)
FROM i_next_rows WHERE in_before;

CREATE TABLE mart_after.current_family AS
SELECT * EXCLUDE (in_before, in_after) REPLACE ($new_date::DATE AS snapshot_date)
FROM i_next_rows WHERE in_after;

-- One placeholder per region with a register (no family): which regions have
-- one, and whether it holds decisions, the same on both sides.
INSERT INTO mart_before.current_family BY NAME
SELECT $new_date::DATE AS snapshot_date, region_code,
       CASE WHEN has_decisions THEN 'layak' END AS decision, 0 AS load_id
FROM i_next_in_use;

INSERT INTO mart_after.current_family BY NAME
SELECT * FROM mart_before.current_family WHERE family_key IS NULL;

-- The families' allocations, the same on both sides (the call touched none),
-- and the programme tranches of the grid (placeholder region '').
CREATE TABLE mart_before.current_allocation AS
SELECT * EXCLUDE ({{unread_allocation}}) FROM current_allocation
WHERE family_key IN (SELECT family_key FROM i_difference_family);

INSERT INTO mart_before.current_allocation BY NAME
SELECT DISTINCT program, year, tranche, '' AS region_code, 0 AS load_id
FROM mart_targeting;

CREATE TABLE mart_after.current_allocation AS
SELECT * FROM mart_before.current_allocation;
