-- Increment families: where the call changed a kab/kota's structure, the
-- families whose numbers it can have changed (bansos/marts.py `refresh`, for a
-- refresh by region).
-- Needs:    i_touched_family, i_slice_used (10_scope), current_family.
-- Makes:    i_family.

-- Those with a row the call touched, and every family of a touched slice or of
-- the slice before it: which slice a kab/kota uses, and whether it holds
-- decisions, decide their membership (10_scope.sql, i_slice_used).
CREATE OR REPLACE TEMP TABLE i_family AS
SELECT family_key FROM i_touched_family
UNION
SELECT f.family_key
FROM current_family f
JOIN i_slice_used s ON s.region_code = f.region_code AND s.snapshot_date = f.snapshot_date;
