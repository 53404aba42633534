-- Registration funnel (docs/indicators.md) per region, at the register in use.
-- Parameters: $as_of (NULL = latest), $program, $year, $tranche, $province,
--             $regions; runner: $scope.
-- Grain:      region (sum the count columns for a total; they add up).
-- Columns:    region_code, region_name, is_pilot, register_snapshot, families,
--             new_registrations, channel_mandiri, channel_agen, channel_musdes,
--             channel_dinsos, channel_dtsen, channel_blank, decided, layak,
--             tidak_layak, appealed, upheld, appeal_rejected, final_layak,
--             recipients (final-layak new registrants allocated $program in the
--             tranche), paid, self_registered_share (mandiri / new
--             registrations), layak_rate (layak / decided), upheld_rate
--             (upheld / appealed).
WITH chosen AS (
    {{chosen_snapshot}}
)
SELECT f.region_code, r.name AS region_name, p.region_code IS NOT NULL AS is_pilot, m.snapshot_date AS register_snapshot,
       f.families, f.new_registrations, f.channel_mandiri, f.channel_agen, f.channel_musdes, f.channel_dinsos,
       f.channel_dtsen, f.channel_blank, f.decided, f.layak, f.tidak_layak, f.appealed, f.upheld,
       f.appeal_rejected, f.final_layak,
       coalesce(fr.recipients, 0) AS recipients, coalesce(fr.paid, 0) AS paid,
       {{rate:self_registered_share}} AS self_registered_share,
       {{rate:layak_rate}} AS layak_rate,
       {{rate:upheld_rate}} AS upheld_rate
FROM mart_funnel f
JOIN chosen c ON f.as_of IS NOT DISTINCT FROM c.as_of
JOIN mart_snapshot m ON m.as_of = f.as_of AND m.region_code = f.region_code
JOIN ref_region r ON r.code = f.region_code
LEFT JOIN ref_pilot p ON p.region_code = f.region_code
LEFT JOIN mart_funnel_recipients fr ON fr.as_of = f.as_of AND fr.region_code = f.region_code
     AND fr.program = $program AND fr.year = $year AND fr.tranche = $tranche
WHERE ($province::VARCHAR IS NULL OR r.province_code = $province::VARCHAR)
  AND ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], f.region_code))
  AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], f.region_code))
ORDER BY r.province_code, f.region_code
