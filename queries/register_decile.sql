-- Register decile distribution: families in the register by desil.
-- Parameters: $as_of (NULL = latest), $province, $regions; runner: $scope.
-- Grain:      desil_group ('01'..'10', 'unranked').
-- Columns:    desil_group, families, share.
WITH chosen AS (
    {{chosen_snapshot}}
)
SELECT d.desil_group, sum(d.families) AS families,
       sum(d.families) / NULLIF(sum(sum(d.families)) OVER (), 0) AS share
FROM mart_register_decile d
JOIN chosen c ON d.as_of IS NOT DISTINCT FROM c.as_of
JOIN ref_region r ON r.code = d.region_code
WHERE ($province::VARCHAR IS NULL OR r.province_code = $province::VARCHAR)
  AND ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], d.region_code))
  AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], d.region_code))
GROUP BY d.desil_group
ORDER BY d.desil_group
