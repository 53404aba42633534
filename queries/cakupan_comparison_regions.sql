-- Comparison regions of the given pilots (data/reference/README.md), present in the data.
-- Purpose:    the coverage-by-region chart draws each pilot beside its
--             comparison regions (one definition: mart_comparison).
-- Parameters: $pilots (VARCHAR[], NULL = every pilot); runner: $scope.
-- Grain:      pilot_code × comparison_code.
-- Columns:    pilot_code, comparison_code, source ('table' | 'default').
SELECT c.pilot_code, c.comparison_code, c.source
FROM mart_comparison c
WHERE ($pilots::VARCHAR[] IS NULL OR list_contains($pilots::VARCHAR[], c.pilot_code))
  AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], c.comparison_code))
ORDER BY c.pilot_code, c.comparison_code
