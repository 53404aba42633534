-- Decile distribution of recipients (benefit incidence).
-- Parameters: $as_of (NULL = latest), $program, $year, $tranche, $province,
--             $regions; runner: $scope.
-- Grain:      desil_group: '01'..'10', 'unranked' (in the register, no decile),
--             'not_in_register'.
-- Columns:    desil_group, recipients, share (of all recipients shown).
WITH chosen AS (
    {{chosen_snapshot}}
)
SELECT d.desil_group, sum(d.recipients) AS recipients,
       sum(d.recipients) / NULLIF(sum(sum(d.recipients)) OVER (), 0) AS share
FROM mart_decile d
JOIN chosen c ON d.as_of IS NOT DISTINCT FROM c.as_of
JOIN ref_region r ON r.code = d.region_code
WHERE d.program = $program AND d.year = $year AND d.tranche = $tranche
  AND ($province::VARCHAR IS NULL OR r.province_code = $province::VARCHAR)
  AND ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], d.region_code))
  AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], d.region_code))
GROUP BY d.desil_group
ORDER BY d.desil_group
