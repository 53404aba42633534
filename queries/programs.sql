-- The programme table in use (eligibility rules are stated on every page).
-- Parameters: none; Scope: not regional.
-- Stored:     whole
-- Grain:      programme.
-- Columns:    code, aliases, name_id, name_en, max_desil, benefit_per_tranche,
--             tranches_per_year, source.
SELECT code, aliases, name_id, name_en, max_desil, benefit_per_tranche, tranches_per_year, source
FROM ref_program
ORDER BY code
