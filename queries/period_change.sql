-- Change between two tranches per region ("did the pilot move them?").
-- Parameters: $as_of (NULL = latest), $basis, $program, $year1, $tranche1,
--             $year2, $tranche2, $province, $regions; runner: $scope,
--             $min_families.
-- Grain:      region.
-- Columns:    region_code, region_name, is_pilot, for t1 and t2 (suffix _1,
--             _2): eligible_families, eligible_covered, recipients,
--             eligible_recipients, allocated_amount, disbursed_amount (NULL
--             when nothing was allocated), coverage, exclusion_error,
--             inclusion_error, disbursement_rate; and the changes (t2 − t1) *_change; small_1,
--             small_2 (a rate on fewer than $min_families families).
WITH chosen AS (
    {{chosen_snapshot}}
), alloc AS (
    SELECT region_code, year, tranche, sum(allocated_amount) AS allocated_amount, sum(disbursed_amount) AS disbursed_amount
    FROM mart_allocation_region WHERE program = $program GROUP BY ALL
), t AS (
    SELECT t.*, a.allocated_amount, a.disbursed_amount,
           {{rate:coverage}} AS coverage,
           {{rate:exclusion_error}} AS exclusion_error,
           {{rate:inclusion_error}} AS inclusion_error,
           {{rate:disbursement_rate}} AS disbursement_rate
    FROM mart_targeting t
    JOIN chosen c ON t.as_of IS NOT DISTINCT FROM c.as_of
    LEFT JOIN alloc a ON a.region_code = t.region_code AND a.year = t.year AND a.tranche = t.tranche
    WHERE t.basis = $basis AND t.program = $program
      AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], t.region_code))
), one AS (SELECT * FROM t WHERE year = $year1 AND tranche = $tranche1),
   two AS (SELECT * FROM t WHERE year = $year2 AND tranche = $tranche2),
joined AS (
    SELECT coalesce(one.region_code, two.region_code) AS region_code,
           one.eligible_families AS eligible_families_1, one.eligible_covered AS eligible_covered_1,
           one.recipients AS recipients_1, one.eligible_recipients AS eligible_recipients_1,
           one.allocated_amount AS allocated_amount_1, one.disbursed_amount AS disbursed_amount_1,
           one.coverage AS coverage_1, one.exclusion_error AS exclusion_error_1,
           one.inclusion_error AS inclusion_error_1, one.disbursement_rate AS disbursement_rate_1,
           two.eligible_families AS eligible_families_2, two.eligible_covered AS eligible_covered_2,
           two.recipients AS recipients_2, two.eligible_recipients AS eligible_recipients_2,
           two.allocated_amount AS allocated_amount_2, two.disbursed_amount AS disbursed_amount_2,
           two.coverage AS coverage_2, two.exclusion_error AS exclusion_error_2,
           two.inclusion_error AS inclusion_error_2, two.disbursement_rate AS disbursement_rate_2,
           coalesce(one.eligible_families < $min_families OR one.recipients < $min_families, true) AS small_1,
           coalesce(two.eligible_families < $min_families OR two.recipients < $min_families, true) AS small_2
    FROM one FULL JOIN two ON two.region_code = one.region_code
)
SELECT j.region_code, r.name AS region_name, r.province_code, p.region_code IS NOT NULL AS is_pilot, j.* EXCLUDE (region_code),
       j.coverage_2 - j.coverage_1 AS coverage_change,
       j.exclusion_error_2 - j.exclusion_error_1 AS exclusion_error_change,
       j.inclusion_error_2 - j.inclusion_error_1 AS inclusion_error_change,
       j.disbursement_rate_2 - j.disbursement_rate_1 AS disbursement_rate_change
FROM joined j
JOIN ref_region r ON r.code = j.region_code
LEFT JOIN ref_pilot p ON p.region_code = j.region_code
WHERE ($province::VARCHAR IS NULL OR r.province_code = $province::VARCHAR)
  AND ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], j.region_code))
ORDER BY r.province_code, j.region_code
