-- Payment status by tranche: paid, failed, returned, pending.
-- Purpose:    the status breakdown of the families allocated a programme,
--             with each status's share of the families allocated.
-- Parameters: $program, $regions (VARCHAR[], NULL = all); runner: $scope.
-- Grain:      year × tranche × status ('tersalur', 'gagal', 'retur',
--             'proses'; every status present for every tranche, 0 when none).
-- Columns:    year, tranche, status, status_order (1-4, for sorting),
--             families, recipients (families allocated in the tranche),
--             share (families / recipients; NULL when none allocated).
WITH summed AS (
    SELECT a.year, a.tranche,
           sum(a.recipients) AS recipients,
           sum(a.paid_families) AS tersalur,
           sum(a.failed_families) AS gagal,
           sum(a.returned_families) AS retur,
           sum(a.pending_families) AS proses
    FROM mart_allocation_region a
    WHERE a.program = $program
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], a.region_code))
      AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], a.region_code))
    GROUP BY a.year, a.tranche
), long AS (
    SELECT year, tranche, 'tersalur' AS status, 1 AS status_order, tersalur AS families, recipients FROM summed
    UNION ALL
    SELECT year, tranche, 'gagal', 2, gagal, recipients FROM summed
    UNION ALL
    SELECT year, tranche, 'retur', 3, retur, recipients FROM summed
    UNION ALL
    SELECT year, tranche, 'proses', 4, proses, recipients FROM summed
)
SELECT year, tranche, status, status_order, families, recipients,
       families / NULLIF(recipients, 0) AS share
FROM long
ORDER BY year, tranche, status_order
