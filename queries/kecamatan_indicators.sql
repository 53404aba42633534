-- Kecamatan drill-down: one region's indicators by kecamatan.
-- Parameters: $region, $as_of (NULL = latest), $basis, $program, $year,
--             $tranche; runner: $scope, $min_families.
-- Grain:      kecamatan (NULL code = rows whose region code was only kab/kota level).
-- Columns:    kecamatan_code, kecamatan_name, eligible_families,
--             eligible_covered, recipients, eligible_recipients,
--             not_in_register, coverage, exclusion_error, inclusion_error,
--             allocated_amount, disbursed_amount, disbursement_rate,
--             coverage_small, inclusion_small.
WITH chosen AS (
    {{chosen_snapshot}}
), t AS (
    SELECT t.kecamatan_code,
           CASE WHEN bool_or(t.has_register) AND ($basis = 'desil' OR bool_or(t.has_decisions)) THEN sum(t.eligible_families) END AS eligible_families,
           CASE WHEN bool_or(t.has_register) AND ($basis = 'desil' OR bool_or(t.has_decisions)) THEN sum(t.eligible_covered) END AS eligible_covered,
           sum(t.recipients) AS recipients,
           CASE WHEN bool_or(t.has_register) AND ($basis = 'desil' OR bool_or(t.has_decisions)) THEN sum(t.eligible_recipients) END AS eligible_recipients,
           CASE WHEN bool_or(t.has_register) THEN sum(t.not_in_register) END AS not_in_register
    FROM mart_targeting_kecamatan t
    JOIN chosen c ON t.as_of IS NOT DISTINCT FROM c.as_of
    WHERE t.region_code = $region AND t.basis = $basis AND t.program = $program AND t.year = $year AND t.tranche = $tranche
      AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], t.region_code))
    GROUP BY t.kecamatan_code
), a AS (
    SELECT kecamatan_code, sum(allocated_amount) AS allocated_amount, sum(disbursed_amount) AS disbursed_amount
    FROM mart_allocation
    WHERE region_code = $region AND program = $program AND year = $year AND tranche = $tranche
    GROUP BY kecamatan_code
)
SELECT t.kecamatan_code, k.name AS kecamatan_name,
       t.eligible_families, t.eligible_covered, t.recipients, t.eligible_recipients, t.not_in_register,
       {{rate:coverage}} AS coverage,
       {{rate:exclusion_error}} AS exclusion_error,
       {{rate:inclusion_error}} AS inclusion_error,
       coalesce(a.allocated_amount, 0) AS allocated_amount, coalesce(a.disbursed_amount, 0) AS disbursed_amount,
       {{rate:disbursement_rate}} AS disbursement_rate,
       coalesce(t.eligible_families < $min_families, false) AS coverage_small,
       t.recipients < $min_families AS inclusion_small
FROM t
LEFT JOIN a ON a.kecamatan_code IS NOT DISTINCT FROM t.kecamatan_code
LEFT JOIN ref_kecamatan k ON k.code = t.kecamatan_code
ORDER BY t.kecamatan_code NULLS LAST
