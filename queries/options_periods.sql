-- Options: programmes and tranches present in the allocations.
-- Parameters: none; Scope: not regional (lists periods, no figures).
-- Stored:     whole
-- Grain:      program × year × tranche; programmes in order of their decile
--             threshold (PKH first), so the default programme is the narrowest.
-- Columns:    program, name_id, name_en, max_desil, year, tranche, families.
-- Summed before the programme's names are joined: grouping by the joined
-- text columns took twice as long (every page runs this query).
WITH periods AS (
    SELECT program, year, tranche, sum(recipients) AS families
    FROM mart_allocation
    GROUP BY program, year, tranche
)
SELECT a.program, p.name_id, p.name_en, p.max_desil, a.year, a.tranche, a.families
FROM periods a
LEFT JOIN ref_program p ON p.code = a.program
ORDER BY p.max_desil NULLS LAST, a.program, a.year, a.tranche
