-- Increment families: where the call changed a kab/kota's structure, the
-- families whose numbers it can have changed (bansos/marts.py `refresh`, for a
-- refresh by region).
-- Needs:    i_slice, i_touched_family (10_scope), current_family, mart_snapshot
--           (as it was before the call: this runs before the refresh).
-- Makes:    i_slice_used, i_family.

-- A region's register in use at an as_of is its latest slice on or before it.
-- A touched slice can change which slice a region uses (a new slice takes over
-- from the one before it; an emptied one hands back to it) and whether its
-- families count as layak (has_decisions is per slice): the families of the
-- touched slice and of the slice before it are the ones whose membership can
-- change. Every slice is in mart_snapshot (it is in use at its own date).
CREATE OR REPLACE TEMP TABLE i_slice_used AS
SELECT region_code, snapshot_date FROM i_slice
UNION
SELECT s.region_code, max(m.snapshot_date) AS snapshot_date
FROM i_slice s
JOIN mart_snapshot m ON m.region_code = s.region_code AND m.snapshot_date < s.snapshot_date
GROUP BY s.region_code, s.snapshot_date;

-- Those with a row the call touched, and every family of a touched slice or of
-- the slice before it: which slice a kab/kota uses, and whether it holds
-- decisions, decide their membership.
CREATE OR REPLACE TEMP TABLE i_family AS
SELECT family_key FROM i_touched_family
UNION
SELECT f.family_key
FROM current_family f
JOIN i_slice_used s ON s.region_code = f.region_code AND s.snapshot_date = f.snapshot_date;
