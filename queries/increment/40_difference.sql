-- Difference inputs: the touched families' facts before and after the call, in
-- two scratch catalogs (`mart_before`, `mart_after`) under the names the mart
-- files read (bansos/marts.py `refresh`, bansos/marts_difference.py).
-- Parameters: $lo — the call's first load id.
-- Needs:    i_family (10_scope), current_family, fact_allocation, and the marts
--           before the call (mart_snapshot, mart_targeting).
-- Makes:    i_family_rows, i_allocation_rows, mart_before.current_family,
--           mart_before.current_allocation, mart_after.current_family,
--           mart_after.current_allocation.

-- Used only for a call that touched no register row and left the grids (the
-- dates, the programme tranches, the kab/kota present) as they were. Every
-- mart number is then a sum over families of what each family contributes,
-- and a family's contribution depends on its own rows only, given (a) which
-- snapshot each region uses at each as_of and whether it holds decisions and
-- (b) the dates and tranches of the grids. So the marts after the call are the
-- marts before it, plus what the mart files give over the touched families'
-- rows after the call, minus what they give over the same families' rows
-- before it. (a) and (b) are the placeholder rows of 30_inputs.sql, here for
-- every region and in both catalogs alike: what they add to a mart is the same
-- before and after, so it cancels out (and their region '' is dropped).

-- The register rows of the touched families (the call left the register as
-- it was: the same before and after).
CREATE OR REPLACE TEMP TABLE i_family_rows AS
SELECT * FROM current_family WHERE family_key IN (SELECT family_key FROM i_family);

-- Their allocation rows current after the call, or current before it (stored
-- by an earlier load and not retired then: retired by this call or not at all).
CREATE OR REPLACE TEMP TABLE i_allocation_rows AS
SELECT * FROM fact_allocation
WHERE family_key IN (SELECT family_key FROM i_family)
  AND (superseded_by IS NULL OR (load_id < $lo AND superseded_by >= $lo));

CREATE TABLE mart_before.current_family AS
SELECT * FROM i_family_rows;

INSERT INTO mart_before.current_family BY NAME
SELECT snapshot_date, region_code, region_code AS wilayah_code,
       CASE WHEN has_decisions THEN 'layak' END AS decision, snapshot_date AS extract_date, 0 AS load_id
FROM mart_snapshot
WHERE as_of = snapshot_date;

CREATE TABLE mart_after.current_family AS
SELECT * FROM mart_before.current_family;

CREATE TABLE mart_before.current_allocation AS
SELECT * EXCLUDE (superseded_by) FROM i_allocation_rows
WHERE load_id < $lo;

CREATE TABLE mart_after.current_allocation AS
SELECT * EXCLUDE (superseded_by) FROM i_allocation_rows
WHERE superseded_by IS NULL;

INSERT INTO mart_before.current_allocation BY NAME
SELECT DISTINCT program, year, tranche, '' AS region_code, '' AS wilayah_code, 0 AS load_id
FROM mart_targeting;

INSERT INTO mart_after.current_allocation BY NAME
SELECT * FROM mart_before.current_allocation WHERE region_code = '';
