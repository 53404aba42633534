-- Comparison groups of pilots: which regions, and where the list comes from.
-- Purpose:    say which regions a pilot is compared with and whether they come
--             from the editable comparison table (data/reference/
--             comparison_regions.csv) or the default rule (the non-pilot
--             kab/kota of the pilot's province present in the data), as
--             mart_comparison records it.
-- Parameters: $pilots (VARCHAR[] of pilot kab/kota codes, e.g. ['18.72'];
--             NULL = every pilot); runner: $scope.
-- Grain:      pilot × comparison region.
-- Columns:    pilot_code, comparison_code, comparison_name, province_code,
--             province_name, source ('table' | 'default'), has_register,
--             has_allocations (whether the region has any register or
--             allocation rows in the marts).
WITH present AS (
    SELECT region_code, bool_or(has_register) AS has_register, bool_or(recipients > 0) AS has_allocations
    FROM mart_targeting
    GROUP BY region_code
)
SELECT c.pilot_code, c.comparison_code, r.name AS comparison_name, r.province_code, pv.name AS province_name,
       c.source, coalesce(x.has_register, false) AS has_register, coalesce(x.has_allocations, false) AS has_allocations
FROM mart_comparison c
JOIN ref_region r ON r.code = c.comparison_code
LEFT JOIN ref_province pv ON pv.code = r.province_code
LEFT JOIN present x ON x.region_code = c.comparison_code
WHERE ($pilots::VARCHAR[] IS NULL OR list_contains($pilots::VARCHAR[], c.pilot_code))
  AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], c.comparison_code))
ORDER BY c.pilot_code, c.comparison_code
