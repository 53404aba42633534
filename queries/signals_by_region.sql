-- Leakage signals per region (docs/signals.md; definitions in bansos/signals.py).
-- Purpose:    the count of families behind each signal and its rate per 1,000
--             recipients, per region, with a rank among the regions returned
--             (most signals per 1,000 first); the `signals` export.
-- Parameters: $as_of (DATE, NULL = latest snapshot), $basis ('desil'|'layak': the
--             eligible families of the concentration companion count), $program
--             (NULL = all), $year, $tranche (NULL = all), $province (NULL = all),
--             $regions (VARCHAR[], NULL = all); runner: $scope, $min_families.
-- Grain:      region × program × year × tranche × signal (every region with register
--             data or allocations; amount_mismatch only for programmes with a benefit
--             per tranche).
-- Columns:    region_code, region_name, province_code, province_name, is_pilot,
--             pilot_status, program, year, tranche, as_of, signal, signal_order (1-5,
--             the order of bansos/signals.py), count (families with the signal; empty
--             for paid_not_registered where the region has no register), recipients
--             (|R_r|), per_1000 (count per 1,000 recipients; empty when there are none),
--             eligible_without_any (concentration only: eligible families of the
--             region holding no programme in the tranche), small (fewer than
--             $min_families recipients: flagged, not ranked), rank (1 = most per
--             1,000 among the regions returned that are not small).
WITH chosen AS (
    {{chosen_snapshot}}
), base AS (
    SELECT r.code AS region_code, r.name AS region_name, r.province_code, pv.name AS province_name,
           p.region_code IS NOT NULL AS is_pilot, p.status AS pilot_status,
           s.program, s.year, s.tranche, s.as_of, s.signal,
           CASE s.signal WHEN 'double_allocation' THEN 1 WHEN 'paid_not_registered' THEN 2
                         WHEN 'paid_off_window' THEN 3 WHEN 'amount_mismatch' THEN 4 ELSE 5 END AS signal_order,
           s.families AS "count", s.recipients,
           1000.0 * s.families / NULLIF(s.recipients, 0) AS per_1000,
           s.eligible_without_any,
           s.recipients < $min_families AS small
    FROM mart_signal s
    JOIN chosen c ON s.as_of IS NOT DISTINCT FROM c.as_of
    JOIN ref_region r ON r.code = s.region_code
    LEFT JOIN ref_province pv ON pv.code = r.province_code
    LEFT JOIN ref_pilot p ON p.region_code = s.region_code
    WHERE s.basis = $basis
      AND ($program::VARCHAR IS NULL OR s.program = $program::VARCHAR)
      AND ($year::INTEGER IS NULL OR s.year = $year::INTEGER)
      AND ($tranche::INTEGER IS NULL OR s.tranche = $tranche::INTEGER)
      AND ($province::VARCHAR IS NULL OR r.province_code = $province::VARCHAR)
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], s.region_code))
      AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], s.region_code))
)
SELECT *,
       CASE WHEN NOT small AND per_1000 IS NOT NULL THEN
           rank() OVER (PARTITION BY program, year, tranche, signal, NOT small AND per_1000 IS NOT NULL
                        ORDER BY per_1000 DESC) END AS rank
FROM base
ORDER BY program, year, tranche, signal_order, province_code, region_code
