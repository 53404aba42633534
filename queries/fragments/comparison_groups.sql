-- The pilots and their comparison groups summed per tranche: CTEs `members`
-- (pilot_code, region_code, grp 'pilot' | 'comparison'; a pilot without a
-- comparison group stands alone), `alloc` and `grouped` (pilot_code × grp ×
-- year × tranche: regions, the targeting counts and amounts summed, so that
-- a group's rate divides summed numerators by summed denominators).
-- Needs the CTE `chosen` before it and $basis, $program, $pilots, $scope.
members AS (
    SELECT DISTINCT pilot_code, pilot_code AS region_code, 'pilot' AS grp FROM mart_comparison
    UNION ALL
    SELECT p.region_code, p.region_code, 'pilot' FROM ref_pilot p
    WHERE p.region_code NOT IN (SELECT pilot_code FROM mart_comparison)
      AND p.region_code IN (SELECT region_code FROM mart_targeting)
    UNION ALL
    SELECT pilot_code, comparison_code, 'comparison' FROM mart_comparison
), alloc AS (
    SELECT region_code, year, tranche, sum(allocated_amount) AS allocated, sum(disbursed_amount) AS disbursed
    FROM mart_allocation_region WHERE program = $program GROUP BY ALL
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
