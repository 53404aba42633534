-- Pilot against its comparison regions over time.
-- Parameters: $as_of (NULL = latest), $basis, $program, $pilots (VARCHAR[],
--             NULL = every pilot present); runner: $scope, $min_families.
-- Grain:      pilot_code × grp ('pilot' | 'comparison') × year × tranche.
--             The comparison group's figures sum its regions' numerators and
--             denominators (DESIGN §5).
-- Columns:    pilot_code, pilot_name, grp, regions (in the group), year,
--             tranche, eligible_families, eligible_covered, recipients,
--             eligible_recipients, recipients_assessed, allocated_amount, disbursed_amount,
--             coverage, exclusion_error, inclusion_error, disbursement_rate,
--             small.
WITH chosen AS (
    {{chosen_snapshot}}
), members AS (
    SELECT DISTINCT pilot_code, pilot_code AS region_code, 'pilot' AS grp FROM mart_comparison
    UNION ALL
    SELECT p.region_code, p.region_code, 'pilot' FROM ref_pilot p
    WHERE p.region_code NOT IN (SELECT pilot_code FROM mart_comparison)
      AND p.region_code IN (SELECT region_code FROM mart_targeting)
    UNION ALL
    SELECT pilot_code, comparison_code, 'comparison' FROM mart_comparison
), alloc AS (
    SELECT region_code, year, tranche, sum(allocated_amount) AS allocated, sum(disbursed_amount) AS disbursed
    FROM mart_allocation WHERE program = $program GROUP BY ALL
), grouped AS (
    SELECT m.pilot_code, m.grp, t.year, t.tranche, count(*) AS regions,
           sum(t.eligible_families) AS eligible_families, sum(t.eligible_covered) AS eligible_covered,
           sum(t.recipients) AS recipients, sum(t.eligible_recipients) AS eligible_recipients,
           sum(t.recipients) FILTER (WHERE t.eligible_recipients IS NOT NULL) AS recipients_assessed,
           coalesce(sum(a.allocated), 0) AS allocated_amount, coalesce(sum(a.disbursed), 0) AS disbursed_amount
    FROM members m
    JOIN mart_targeting t ON t.region_code = m.region_code
    JOIN chosen c ON t.as_of IS NOT DISTINCT FROM c.as_of
    LEFT JOIN alloc a ON a.region_code = t.region_code AND a.year = t.year AND a.tranche = t.tranche
    WHERE t.basis = $basis AND t.program = $program
      AND ($pilots::VARCHAR[] IS NULL OR list_contains($pilots::VARCHAR[], m.pilot_code))
      AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], m.region_code))
    GROUP BY ALL
)
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
