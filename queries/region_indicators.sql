-- Region indicators: the core table of docs/indicators.md and the `region-indicators` export.
-- Purpose:    coverage, exclusion and inclusion error, not-in-register and
--             disbursement per region, with every numerator and denominator,
--             plus ranks among all pilots (rates on < $min_families families
--             are flagged and not ranked). A rank is a pilot's place among
--             every pilot of the programme and tranche, whatever the province,
--             region and scope filters show: they choose rows, not rivals.
-- Parameters: $as_of (DATE, NULL = latest snapshot), $basis ('desil'|'layak'),
--             $program (NULL = all), $year, $tranche (NULL = all),
--             $province (NULL = all), $regions (VARCHAR[], NULL = all);
--             runner: $scope, $min_families, $timely_days.
-- Grain:      region × program × year × tranche (every region with register
--             data or allocations, every programme and tranche allocated).
-- Columns:    region_code, region_name, province_code, province_name, is_pilot,
--             pilot_status, program, year, tranche, as_of, register_snapshot,
--             eligible_families, eligible_covered, recipients,
--             eligible_recipients, ineligible_recipients, not_in_register,
--             coverage, exclusion_error, inclusion_error, allocated_amount,
--             disbursed_amount, disbursement_rate, paid_families,
--             disbursement_rate_families, timely_families, timeliness,
--             coverage_small, inclusion_small, rank_coverage,
--             rank_exclusion_error, rank_inclusion_error, rank_disbursement,
--             lat, lon.
-- Rates are fractions 0-1; a rate whose denominator is 0 or unknown is NULL.
WITH chosen AS (
    {{chosen_snapshot}}
), alloc AS (
    SELECT region_code, program, year, tranche,
           sum(allocated_amount) AS allocated_amount, sum(disbursed_amount) AS disbursed_amount,
           sum(paid_families) AS paid_families, sum(timely_families) AS timely_families
    FROM mart_allocation_region
    GROUP BY ALL
), base AS (
    SELECT r.code AS region_code, r.name AS region_name, r.province_code, pv.name AS province_name,
           p.region_code IS NOT NULL AS is_pilot, p.status AS pilot_status,
           t.program, t.year, t.tranche, t.as_of, t.register_snapshot,
           t.eligible_families, t.eligible_covered, t.recipients, t.eligible_recipients,
           t.recipients - t.eligible_recipients AS ineligible_recipients, t.not_in_register,
           {{rate:coverage}} AS coverage,
           {{rate:exclusion_error}} AS exclusion_error,
           {{rate:inclusion_error}} AS inclusion_error,
           coalesce(a.allocated_amount, 0) AS allocated_amount, coalesce(a.disbursed_amount, 0) AS disbursed_amount,
           {{rate:disbursement_rate}} AS disbursement_rate,
           coalesce(a.paid_families, 0) AS paid_families,
           {{rate:disbursement_rate_families}} AS disbursement_rate_families,
           coalesce(a.timely_families, 0) AS timely_families,
           {{rate:timeliness}} AS timeliness,
           coalesce(t.eligible_families < $min_families, false) AS coverage_small,
           t.recipients < $min_families AS inclusion_small,
           r.lat, r.lon
    FROM mart_targeting t
    JOIN chosen c ON t.as_of IS NOT DISTINCT FROM c.as_of
    JOIN ref_region r ON r.code = t.region_code
    LEFT JOIN ref_province pv ON pv.code = r.province_code
    LEFT JOIN ref_pilot p ON p.region_code = t.region_code
    LEFT JOIN alloc a ON a.region_code = t.region_code AND a.program = t.program AND a.year = t.year AND a.tranche = t.tranche
    WHERE t.basis = $basis
      AND ($program::VARCHAR IS NULL OR t.program = $program::VARCHAR)
      AND ($year::INTEGER IS NULL OR t.year = $year::INTEGER)
      AND ($tranche::INTEGER IS NULL OR t.tranche = $tranche::INTEGER)
), ranked AS (
SELECT *,
       CASE WHEN is_pilot AND NOT coverage_small AND coverage IS NOT NULL THEN
           rank() OVER (PARTITION BY program, year, tranche, is_pilot AND NOT coverage_small AND coverage IS NOT NULL ORDER BY coverage DESC) END AS rank_coverage,
       CASE WHEN is_pilot AND NOT coverage_small AND exclusion_error IS NOT NULL THEN
           rank() OVER (PARTITION BY program, year, tranche, is_pilot AND NOT coverage_small AND exclusion_error IS NOT NULL ORDER BY exclusion_error ASC) END AS rank_exclusion_error,
       CASE WHEN is_pilot AND NOT inclusion_small AND inclusion_error IS NOT NULL THEN
           rank() OVER (PARTITION BY program, year, tranche, is_pilot AND NOT inclusion_small AND inclusion_error IS NOT NULL ORDER BY inclusion_error ASC) END AS rank_inclusion_error,
       CASE WHEN is_pilot AND NOT inclusion_small AND disbursement_rate IS NOT NULL THEN
           rank() OVER (PARTITION BY program, year, tranche, is_pilot AND NOT inclusion_small AND disbursement_rate IS NOT NULL ORDER BY disbursement_rate DESC) END AS rank_disbursement
FROM base
)
SELECT * FROM ranked
WHERE ($province::VARCHAR IS NULL OR province_code = $province::VARCHAR)
  AND ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], region_code))
  AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], region_code))
ORDER BY program, year, tranche, province_code, region_code
