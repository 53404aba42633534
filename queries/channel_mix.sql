-- Channel mix: paid amount by paying institution (docs/indicators.md).
-- Parameters: $program, $year, $tranche, $province, $regions; runner: $scope.
-- Grain:      institution (NULL = not stated in the extract).
-- Columns:    institution, recipients, paid_families, disbursed_amount, share
--             (of the paid amount).
SELECT a.institution,
       sum(a.recipients) AS recipients,
       sum(a.paid_families) AS paid_families,
       sum(a.disbursed_amount) AS disbursed_amount,
       sum(a.disbursed_amount) / NULLIF(sum(sum(a.disbursed_amount)) OVER (), 0) AS share
FROM mart_allocation a
JOIN ref_region r ON r.code = a.region_code
WHERE a.program = $program AND a.year = $year AND a.tranche = $tranche
  AND ($province::VARCHAR IS NULL OR r.province_code = $province::VARCHAR)
  AND ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], a.region_code))
  AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], a.region_code))
GROUP BY a.institution
ORDER BY disbursed_amount DESC
