-- Next snapshot's changed families (bansos/marts.py `refresh`, once
-- 12_next_scope.sql found the structure kept).
-- Parameters: $new_date — 10_scope's new_date.
-- Needs:    i_next_slice (12_next_scope), current_family.
-- Makes:    i_next_family.

-- Families whose rows differ between the two slices, compared on every column
-- a mart file reads but the date (the columns the copies of 30_inputs.sql
-- keep): a family in one slice only, or with another row in the other. A
-- family has one current row per snapshot date (the register's merge key,
-- bansos/merge.py), so a join on the family compares row with row. (As
-- `EXCEPT ALL` both ways this took 5 s for a region of 3.2 M families at
-- scale 4, against 0.8 s; as one scan grouped by family, comparing the
-- least and greatest row, 2.0 s against 0.6 s: benchmarks/RESULTS.md.)
CREATE OR REPLACE TEMP TABLE i_next_family AS
WITH old_rows AS (
    SELECT f.family_key,
           struct_pack(*COLUMNS(* EXCLUDE ({{unread_family}}, snapshot_date, load_id, superseded_by))) AS row_values
    FROM current_family f
    SEMI JOIN i_next_slice s ON s.region_code = f.region_code AND s.before_date = f.snapshot_date
), new_rows AS (
    SELECT f.family_key,
           struct_pack(*COLUMNS(* EXCLUDE ({{unread_family}}, snapshot_date, load_id, superseded_by))) AS row_values
    FROM current_family f
    WHERE f.snapshot_date = $new_date AND f.region_code IN (SELECT region_code FROM i_next_slice)
)
-- (DISTINCT: a family with rows in two regions' slices, which is rare, is
-- still counted once against NEXT_MAX_SHARE.)
SELECT DISTINCT family_key
FROM old_rows o
FULL JOIN new_rows n USING (family_key)
WHERE o.row_values IS DISTINCT FROM n.row_values;
