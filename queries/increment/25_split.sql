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
-- Both fact tables' rows go through one semi-join, so the hash table of
-- i_family (millions of keys for a large kab/kota) is built once, not once
-- per table: at scale 4 this took 1.0 s instead of 1.9 (benchmarks/RESULTS.md).
-- Written as a SEMI JOIN below the region test: as `family_key IN (…)` beside
-- it, the planner's estimate of the rows left after the region test came
-- close to i_family's size, and it built the hash table over the fact rows
-- instead (2.9-4.6 s instead of 0.9 s at scale 4, after two routine loads).
CREATE OR REPLACE TEMP TABLE i_difference_family AS
SELECT r.family_key
FROM (SELECT family_key, region_code FROM fact_family WHERE superseded_by IS NULL OR superseded_by >= $lo
      UNION ALL
      SELECT family_key, region_code FROM fact_allocation WHERE superseded_by IS NULL OR superseded_by >= $lo) r
SEMI JOIN i_family f ON f.family_key = r.family_key
WHERE r.region_code NOT IN (SELECT region_code FROM i_region)
GROUP BY r.family_key;
