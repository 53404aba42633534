-- The pilot list in use (data/reference/pilots.csv): every region on it, its
-- status and the public report it rests on, and whether any data is loaded.
-- Purpose:    "where the pilot list comes from" on the Metodologi page, and
--             pilots without data on the Kualitas Data page. The app never
--             adds a pilot the list does not hold.
-- Parameters: runner: $scope.
-- Stored:     for the whole warehouse
-- Grain:      pilot region.
-- Columns:    region_code, region_name, province_code, province_name, cohort,
--             status (confirmed / reported / uncertain), source (URL),
--             has_register, has_allocations, pilots (regions on the list),
--             status_pilots (regions on the list with this status).
SELECT p.region_code, coalesce(r.name, p.region_name) AS region_name, p.province_code,
       coalesce(pv.name, p.province_name) AS province_name, p.cohort, p.status, p.source,
       EXISTS (SELECT 1 FROM mart_snapshot m WHERE m.region_code = p.region_code) AS has_register,
       EXISTS (SELECT 1 FROM mart_allocation a WHERE a.region_code = p.region_code) AS has_allocations,
       count(*) OVER () AS pilots,
       count(*) OVER (PARTITION BY p.status) AS status_pilots
FROM ref_pilot p
LEFT JOIN ref_region r ON r.code = p.region_code
LEFT JOIN ref_province pv ON pv.code = p.province_code
WHERE $scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], p.region_code)
ORDER BY CASE p.status WHEN 'confirmed' THEN 1 WHEN 'reported' THEN 2 ELSE 3 END, p.province_code, p.region_code
