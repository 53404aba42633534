-- Disbursement by tranche: allocated against paid, timeliness, payment status.
-- Parameters: $program, $province, $regions; runner: $scope.
-- Grain:      year × tranche (selected regions summed).
-- Columns:    year, tranche, recipients, allocated_amount, disbursed_amount,
--             disbursement_rate, paid_families, disbursement_rate_families,
--             timely_families, timeliness, failed_families,
--             returned_families, pending_families.
WITH summed AS (
    SELECT a.year, a.tranche,
           sum(a.recipients) AS recipients,
           sum(a.allocated_amount) AS allocated_amount,
           sum(a.disbursed_amount) AS disbursed_amount,
           sum(a.paid_families) AS paid_families,
           sum(a.timely_families) AS timely_families,
           sum(a.failed_families) AS failed_families,
           sum(a.returned_families) AS returned_families,
           sum(a.pending_families) AS pending_families
    FROM mart_allocation_region a
    JOIN ref_region r ON r.code = a.region_code
    WHERE a.program = $program
      AND ($province::VARCHAR IS NULL OR r.province_code = $province::VARCHAR)
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], a.region_code))
      AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], a.region_code))
    GROUP BY a.year, a.tranche
)
SELECT year, tranche, recipients, allocated_amount, disbursed_amount,
       {{rate:disbursement_rate}} AS disbursement_rate,
       paid_families,
       {{rate:disbursement_rate_families}} AS disbursement_rate_families,
       timely_families,
       {{rate:timeliness}} AS timeliness,
       failed_families, returned_families, pending_families
FROM summed
ORDER BY year, tranche
