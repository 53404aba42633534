-- Next snapshot, by difference or not: a call that brings a region's next
-- monthly snapshot (10_scope's new_date_only) changes the marts at the new
-- date only, and there only through the families whose rows differ between
-- the region's register in use before (its latest slice) and the new one
-- (13_next_family.sql; bansos/marts.py `refresh`). In a real month that is a
-- small share of the region's families: those added, left out, or whose
-- desil, kecamatan, decision, appeal or channel changed.
-- Parameters: $new_date, $previous — 10_scope's new_date and previous_as_of.
-- Needs:    i_slice, i_snapshot_before (10_scope), current_family.
-- Makes:    i_next_slice, i_next_scope, i_next_in_use.

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

-- Whether the difference applies: every region of the new snapshot had a
-- register in use (a first register changes which rules apply: counts
-- become non-NULL) and its new slice still has families and holds
-- decisions exactly when the one before did (whether its families can count
-- as layak). Then which register is in use at the new date changes nothing
-- but the date it names, and the families' contributions.
-- The families that changed are at least the difference in size of the two
-- slices: refresh does not look for them (13_next_family.sql) when that
-- alone is too many.
CREATE OR REPLACE TEMP TABLE i_next_scope AS
SELECT bool_and(before_date IS NOT NULL AND families IS NOT NULL AND had_decisions = has_decisions) AS kept,
       coalesce(sum(abs(families - before_families)), 0) AS changed_at_least,
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
