-- Increment regions: the kab/kota whose mart rows a load can have changed
-- (bansos/marts.py `refresh`, when it refreshes by region).
-- Parameters: $lo — the call's first load id.
-- Needs:    i_family (15_family), i_slice (10_scope), fact_family, fact_allocation.
-- Makes:    i_region.

-- Affected regions: every kab/kota where such a family has a row that is
-- current now or was current before the call (a family registered in one
-- region and paid in another changes both regions' numbers), and the touched
-- slices' regions.
CREATE OR REPLACE TEMP TABLE i_region AS
SELECT region_code FROM fact_family
WHERE (superseded_by IS NULL OR superseded_by >= $lo) AND family_key IN (SELECT family_key FROM i_family)
UNION
SELECT region_code FROM fact_allocation
WHERE (superseded_by IS NULL OR superseded_by >= $lo) AND family_key IN (SELECT family_key FROM i_family)
UNION
SELECT region_code FROM i_slice;
