-- The families behind each leakage signal (docs/signals.md): pseudonymised keys only.
-- Purpose:    the lists an analyst follows up, and the `signal-families` export
--             (analis and local mode only: the page and the export check the right).
--             Keys are the keyed hash of the KK number as 32 hex digits (leading zeros
--             kept, as in the families export), never the KK.
-- Parameters: $as_of (NULL = latest snapshot: paid_not_registered depends on it),
--             $signal (NULL = every signal; the page lists one, the export all),
--             $program (NULL = all), $year, $tranche (NULL = all), $province (NULL =
--             all), $regions (VARCHAR[], NULL = all); runner: $scope.
-- Grain:      signal × region × program × year × tranche × family.
-- Columns:    signal, signal_order, region_code, region_name, province_code, program,
--             year, tranche, as_of (the snapshot, for paid_not_registered; empty for
--             the others), family_key.
WITH chosen AS (
    {{chosen_snapshot}}
)
SELECT f.signal,
       CASE f.signal WHEN 'double_allocation' THEN 1 WHEN 'paid_not_registered' THEN 2
                     WHEN 'paid_off_window' THEN 3 WHEN 'amount_mismatch' THEN 4 ELSE 5 END AS signal_order,
       f.region_code, r.name AS region_name, r.province_code, f.program, f.year, f.tranche, f.as_of,
       lpad(lower(hex(f.family_key)), 32, '0') AS family_key
FROM mart_signal_family f
JOIN ref_region r ON r.code = f.region_code
LEFT JOIN chosen c ON f.as_of = c.as_of
WHERE (f.as_of IS NULL OR c.as_of IS NOT NULL)
  AND ($signal::VARCHAR IS NULL OR f.signal = $signal::VARCHAR)
  AND ($program::VARCHAR IS NULL OR f.program = $program::VARCHAR)
  AND ($year::INTEGER IS NULL OR f.year = $year::INTEGER)
  AND ($tranche::INTEGER IS NULL OR f.tranche = $tranche::INTEGER)
  AND ($province::VARCHAR IS NULL OR r.province_code = $province::VARCHAR)
  AND ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], f.region_code))
  AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], f.region_code))
ORDER BY f.program, f.year, f.tranche, signal_order, f.region_code, family_key
