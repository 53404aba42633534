-- Registration channels: share of new registrations by channel, per region
-- and for all regions in view together (docs/indicators.md; dtsen is not a new
-- registration and is reported apart).
-- Purpose:    the channel chart of the Pendaftaran & Sanggah page (is
--             self-registration in the app taking hold, or do agents do it?).
-- Parameters: $as_of (DATE, NULL = latest snapshot), $province (NULL = all),
--             $regions (VARCHAR[], NULL = all); runner: $scope, $min_families.
-- Grain:      region × channel (mandiri, agen, musdes, dinsos), plus one
--             total row per channel (is_total = true, region_code NULL) summing
--             the regions with registration data.
-- Columns:    is_total, region_code, region_name, is_pilot, channel,
--             channel_order, families (new registrations through the channel),
--             new_registrations, share (families / new_registrations),
--             channel_mandiri, self_registered_share (the region's mandiri
--             share, channel_mandiri / new_registrations, for sorting),
--             small (new_registrations < $min_families), channel_dtsen,
--             channel_blank (families already in the register / without a
--             channel: not new registrations).
WITH chosen AS (
    {{chosen_snapshot}}
), regional AS (
    SELECT f.region_code, r.name AS region_name, r.province_code, p.region_code IS NOT NULL AS is_pilot,
           f.new_registrations, f.channel_mandiri, f.channel_agen, f.channel_musdes, f.channel_dinsos,
           f.channel_dtsen, f.channel_blank
    FROM mart_funnel f
    JOIN chosen c ON f.as_of IS NOT DISTINCT FROM c.as_of
    JOIN mart_snapshot m ON m.as_of = f.as_of AND m.region_code = f.region_code
    JOIN ref_region r ON r.code = f.region_code
    LEFT JOIN ref_pilot p ON p.region_code = f.region_code
    WHERE f.new_registrations > 0
      AND ($province::VARCHAR IS NULL OR r.province_code = $province::VARCHAR)
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], f.region_code))
      AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], f.region_code))
), with_total AS (
    SELECT false AS is_total, region_code, region_name, is_pilot, new_registrations, channel_mandiri,
           channel_agen, channel_musdes, channel_dinsos, channel_dtsen, channel_blank
    FROM regional
    UNION ALL
    SELECT true, NULL, NULL, NULL, sum(new_registrations), sum(channel_mandiri), sum(channel_agen),
           sum(channel_musdes), sum(channel_dinsos), sum(channel_dtsen), sum(channel_blank)
    FROM regional
    HAVING count(*) > 0
), long AS (
    SELECT w.*, c.channel, c.channel_order,
           CASE c.channel WHEN 'mandiri' THEN channel_mandiri WHEN 'agen' THEN channel_agen
                          WHEN 'musdes' THEN channel_musdes ELSE channel_dinsos END AS families
    FROM with_total w
    CROSS JOIN (VALUES ('mandiri', 1), ('agen', 2), ('musdes', 3), ('dinsos', 4)) AS c(channel, channel_order)
)
SELECT is_total, region_code, region_name, is_pilot, channel, channel_order, families, new_registrations,
       families / NULLIF(new_registrations, 0) AS share,
       channel_mandiri, {{rate:self_registered_share}} AS self_registered_share,
       new_registrations < $min_families AS small,
       channel_dtsen, channel_blank
FROM long
ORDER BY is_total DESC, self_registered_share DESC NULLS LAST, region_code, channel_order
