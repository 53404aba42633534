-- Pilot against its comparison regions over time.
-- Parameters: $as_of (NULL = latest), $basis, $program, $pilots (VARCHAR[],
--             NULL = every pilot present); runner: $scope, $min_families.
-- Grain:      pilot_code × grp ('pilot' | 'comparison') × year × tranche.
--             The comparison group's figures sum its regions' numerators and
--             denominators (docs/indicators.md).
-- Columns:    pilot_code, pilot_name, grp, regions (in the group), year,
--             tranche, eligible_families, eligible_covered, recipients,
--             eligible_recipients, recipients_assessed, allocated_amount, disbursed_amount,
--             coverage, exclusion_error, inclusion_error, disbursement_rate,
--             small.
WITH chosen AS (
    {{chosen_snapshot}}
), {{comparison_groups}}
SELECT g.pilot_code, r.name AS pilot_name, g.grp, g.regions, g.year, g.tranche,
       g.eligible_families, g.eligible_covered, g.recipients, g.eligible_recipients, g.recipients_assessed,
       g.allocated_amount, g.disbursed_amount,
       {{rate:coverage}} AS coverage,
       {{rate:exclusion_error}} AS exclusion_error,
       {{rate:inclusion_error(recipients=recipients_assessed)}} AS inclusion_error,
       {{rate:disbursement_rate}} AS disbursement_rate,
       coalesce(g.eligible_families < $min_families OR g.recipients_assessed < $min_families, true) AS small
FROM grouped g
JOIN ref_region r ON r.code = g.pilot_code
ORDER BY g.pilot_code, g.grp DESC, g.year, g.tranche
