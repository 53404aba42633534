-- Next snapshot, by difference or not: a call that brings a region's next
-- monthly snapshot (10_scope's new_date_only) changes the marts at the new
-- date only, and there only through the families whose rows differ between
-- the region's register in use before (its latest slice) and the new one
-- (bansos/marts.py `refresh`). In a real month that is a small share of the
-- region's families: those added, left out, or whose desil, kecamatan,
-- decision, appeal or channel changed.
-- Parameters: $new_date, $previous — 10_scope's new_date and previous_as_of.
-- Needs:    i_slice, i_snapshot_before (10_scope), current_family.
-- Makes:    i_next_slice, i_next_family, i_next_scope, i_next_in_use.

-- Each region of the new snapshot: the slice it used at the previous as_of
-- (in use at the new date too, before the call: no slice lies between them)
-- and whether each holds decisions. The call touched rows at the new date
-- only, so the older slice is as it was.
CREATE OR REPLACE TEMP TABLE i_next_slice AS
WITH new_slice AS (
    SELECT region_code, count(*) AS families, bool_or(decision IS NOT NULL) AS has_decisions
    FROM current_family
    WHERE snapshot_date = $new_date AND region_code IN (SELECT region_code FROM i_slice)
    GROUP BY region_code
)
SELECT s.region_code, b.snapshot_date AS before_date, b.families AS before_families,
       b.has_decisions AS had_decisions, a.families, a.has_decisions
FROM (SELECT DISTINCT region_code FROM i_slice) s
LEFT JOIN i_snapshot_before b ON b.region_code = s.region_code AND b.as_of = $previous
LEFT JOIN new_slice a ON a.region_code = s.region_code;

-- Families whose rows differ between the two slices, compared on every column
-- a mart file reads but the date (the columns the copies of 30_inputs.sql
-- keep): a family in one slice only, or with another row in the other. A
-- family has one current row per snapshot date (the register's merge key,
-- bansos/merge.py), so a join on the family compares row with row. (As
-- `EXCEPT ALL` both ways this took 5 s for a region of 3.2 M families at
-- scale 4, against 0.8 s: benchmarks/RESULTS.md.)
CREATE OR REPLACE TEMP TABLE i_next_family AS
WITH old_rows AS (
    SELECT f.family_key,
           struct_pack(*COLUMNS(* EXCLUDE (reason, head_key, members, registration_date, wilayah_code, extract_date,
                                            snapshot_date, load_id, superseded_by))) AS row_values
    FROM current_family f
    SEMI JOIN i_next_slice s ON s.region_code = f.region_code AND s.before_date = f.snapshot_date
), new_rows AS (
    SELECT f.family_key,
           struct_pack(*COLUMNS(* EXCLUDE (reason, head_key, members, registration_date, wilayah_code, extract_date,
                                            snapshot_date, load_id, superseded_by))) AS row_values
    FROM current_family f
    WHERE f.snapshot_date = $new_date AND f.region_code IN (SELECT region_code FROM i_next_slice)
)
SELECT family_key
FROM old_rows o
FULL JOIN new_rows n USING (family_key)
WHERE o.row_values IS DISTINCT FROM n.row_values;

-- Whether the difference applies: every region of the new snapshot had a
-- register in use (a first register changes which rules apply: counts
-- become non-NULL) and its new slice still has families and holds
-- decisions exactly when the one before did (whether its families can count
-- as layak). Then which register is in use at the new date changes nothing
-- but the date it names, and the families' contributions.
CREATE OR REPLACE TEMP TABLE i_next_scope AS
SELECT bool_and(before_date IS NOT NULL AND families IS NOT NULL AND had_decisions = has_decisions) AS kept,
       (SELECT count(*) FROM i_next_family) AS changed_families,
       coalesce(sum(before_families), 0) AS before_families
FROM i_next_slice;

-- Every region with a register: its slice in use before the call (at the
-- previous as_of) and after it (the new snapshot for its regions).
CREATE OR REPLACE TEMP TABLE i_next_in_use AS
SELECT b.region_code, b.snapshot_date AS before_date,
       CASE WHEN n.region_code IS NULL THEN b.snapshot_date ELSE $new_date::DATE END AS after_date,
       b.has_decisions
FROM i_snapshot_before b
LEFT JOIN i_next_slice n ON n.region_code = b.region_code
WHERE b.as_of = $previous;
