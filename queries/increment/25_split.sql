-- Increment split: a register load refreshes the kab/kota of the snapshots it
-- touched by region and what it changes elsewhere by difference (bansos/marts.py
-- `refresh`).
-- Parameters: $lo — the call's first load id.
-- Needs:    i_slice (10_scope), i_family (15_family), fact_family, fact_allocation.
-- Makes:    i_region, i_difference_family.

-- A touched snapshot changes its kab/kota's structure (which register is in
-- use, whether it holds decisions): those kab/kota are rebuilt by region
-- (30_inputs.sql), every family in them seen whole.
CREATE OR REPLACE TEMP TABLE i_region AS
SELECT DISTINCT region_code FROM i_slice;

-- A touched family changes the numbers of every kab/kota where it has a row,
-- now or before the call (membership is by family across regions). Elsewhere
-- than i_region the structure is unchanged, so there its change is a
-- difference (40_difference.sql) over the touched families that have a row
-- outside i_region: a family registered in the region and paid in another,
-- or moved.
CREATE OR REPLACE TEMP TABLE i_difference_family AS
SELECT family_key FROM fact_family
WHERE (superseded_by IS NULL OR superseded_by >= $lo) AND family_key IN (SELECT family_key FROM i_family)
  AND region_code NOT IN (SELECT region_code FROM i_region)
UNION
SELECT family_key FROM fact_allocation
WHERE (superseded_by IS NULL OR superseded_by >= $lo) AND family_key IN (SELECT family_key FROM i_family)
  AND region_code NOT IN (SELECT region_code FROM i_region);
