-- Family-level export (command line only until access control exists).
-- Pseudonymised ids only: keyed hashes as hex text (32 digits, leading zeros kept, as in
-- every export), never a raw NIK or KK.
-- Parameters: $as_of (NULL = latest), $province, $regions; runner: $scope.
-- Grain:      family × region in the register in use at $as_of.
-- Columns:    family_key, region_code, kecamatan_code, wilayah_code,
--             snapshot_date, desil, members, channel, registration_date,
--             decision, appeal, head_key.
WITH chosen AS (
    {{chosen_snapshot}}
)
SELECT lpad(lower(hex(f.family_key)), 32, '0') AS family_key, f.region_code, f.kecamatan_code, f.wilayah_code,
       f.snapshot_date, f.desil, f.members, f.channel, f.registration_date, f.decision, f.appeal,
       lpad(lower(hex(f.head_key)), 32, '0') AS head_key
FROM mart_snapshot m
JOIN chosen c ON m.as_of = c.as_of
JOIN current_family f ON f.region_code = m.region_code AND f.snapshot_date = m.snapshot_date
JOIN ref_region r ON r.code = f.region_code
WHERE ($province::VARCHAR IS NULL OR r.province_code = $province::VARCHAR)
  AND ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], f.region_code))
  AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], f.region_code))
ORDER BY f.region_code, f.wilayah_code, family_key
