-- Options: programmes and tranches present in the allocations.
-- Parameters: none; Scope: not regional (lists periods, no figures).
-- Grain:      program × year × tranche; programmes in order of their decile
--             threshold (PKH first), so the default programme is the narrowest.
-- Columns:    program, name_id, name_en, max_desil, year, tranche, families.
SELECT a.program, p.name_id, p.name_en, p.max_desil, a.year, a.tranche, sum(a.recipients) AS families
FROM mart_allocation a
LEFT JOIN ref_program p ON p.code = a.program
GROUP BY ALL
ORDER BY min(p.max_desil) NULLS LAST, a.program, a.year, a.tranche
