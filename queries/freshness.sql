-- Freshness per region: the latest register snapshot and tranche loaded.
-- Parameters: runner: $scope.
-- Grain:      region.
-- Columns:    region_code, region_name, province_code, is_pilot,
--             latest_snapshot, snapshots, latest_year, latest_tranche,
--             programs (loaded in the latest tranche), last_extract_date.
WITH reg AS (
    SELECT region_code, max(snapshot_date) AS latest_snapshot, count(DISTINCT snapshot_date) AS snapshots
    FROM mart_snapshot GROUP BY region_code
), alloc AS (
    SELECT region_code, max(year * 10 + tranche) AS latest_period FROM mart_allocation GROUP BY region_code
), progs AS (
    SELECT a.region_code, string_agg(DISTINCT a.program, ', ' ORDER BY a.program) AS programs
    FROM mart_allocation a JOIN alloc l ON l.region_code = a.region_code AND a.year * 10 + a.tranche = l.latest_period
    GROUP BY a.region_code
), regions AS (
    SELECT region_code FROM reg UNION SELECT region_code FROM alloc
)
SELECT x.region_code, r.name AS region_name, r.province_code, p.region_code IS NOT NULL AS is_pilot,
       reg.latest_snapshot, coalesce(reg.snapshots, 0) AS snapshots,
       alloc.latest_period // 10 AS latest_year, alloc.latest_period % 10 AS latest_tranche,
       progs.programs
FROM regions x
JOIN ref_region r ON r.code = x.region_code
LEFT JOIN ref_pilot p ON p.region_code = x.region_code
LEFT JOIN reg ON reg.region_code = x.region_code
LEFT JOIN alloc ON alloc.region_code = x.region_code
LEFT JOIN progs ON progs.region_code = x.region_code
WHERE $scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], x.region_code)
ORDER BY r.province_code, x.region_code
