-- Options: the regions present in the data, for the shared filters.
-- Parameters: runner: $scope.
-- Stored:     rows by region_code
-- Grain:      region.
-- Columns:    region_code, region_name, type, province_code, province_name,
--             is_pilot, pilot_status, cohort, has_register, has_allocations,
--             population, lat, lon.
WITH present AS (
    SELECT region_code, bool_or(has_register) AS has_register, bool_or(recipients > 0) AS has_allocations
    FROM mart_targeting
    GROUP BY region_code
    UNION ALL
    -- registers without any allocation loaded yet
    SELECT region_code, true, false FROM mart_snapshot
    WHERE NOT EXISTS (SELECT 1 FROM mart_targeting)
)
SELECT r.code AS region_code, r.name AS region_name, r.type, r.province_code, pv.name AS province_name,
       p.region_code IS NOT NULL AS is_pilot, p.status AS pilot_status, p.cohort,
       bool_or(x.has_register) AS has_register, bool_or(x.has_allocations) AS has_allocations,
       r.population, r.lat, r.lon
FROM present x
JOIN ref_region r ON r.code = x.region_code
LEFT JOIN ref_province pv ON pv.code = r.province_code
LEFT JOIN ref_pilot p ON p.region_code = r.code
WHERE $scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], r.code)
GROUP BY ALL
ORDER BY r.province_code, r.code
