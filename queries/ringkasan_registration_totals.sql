-- Registration totals for the overview: the funnel's counts summed over the
-- selected regions, with the self-registration share computed from the sums.
-- Purpose:    the "registered families" tile (the registration funnel of docs/indicators.md):
--             new registrations and the share who registered by themselves.
-- Parameters: $as_of (NULL = latest), $regions (VARCHAR[], NULL = all);
--             runner: $scope.
-- Grain:      one row (NULL counts when no region in view has a register).
-- Columns:    regions (with a register in use), regions_with_registration
--             (with at least one new registration), families (in the
--             registers), new_registrations (channel mandiri, agen, musdes,
--             dinsos), channel_mandiri, channel_agen, channel_musdes,
--             channel_dinsos, channel_dtsen, decided, layak, final_layak,
--             self_registered_share (channel_mandiri / new_registrations),
--             first_snapshot, last_snapshot (registers in use).
WITH chosen AS (
    {{chosen_snapshot}}
), picked AS (
    SELECT f.*, m.snapshot_date
    FROM mart_funnel f
    JOIN chosen c ON f.as_of IS NOT DISTINCT FROM c.as_of
    JOIN mart_snapshot m ON m.as_of = f.as_of AND m.region_code = f.region_code
    WHERE ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], f.region_code))
      AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], f.region_code))
), summed AS (
    SELECT count(*) AS regions,
           count(*) FILTER (WHERE new_registrations > 0) AS regions_with_registration,
           sum(families) AS families,
           sum(new_registrations) AS new_registrations,
           sum(channel_mandiri) AS channel_mandiri,
           sum(channel_agen) AS channel_agen,
           sum(channel_musdes) AS channel_musdes,
           sum(channel_dinsos) AS channel_dinsos,
           sum(channel_dtsen) AS channel_dtsen,
           sum(decided) AS decided,
           sum(layak) AS layak,
           sum(final_layak) AS final_layak,
           min(snapshot_date) AS first_snapshot,
           max(snapshot_date) AS last_snapshot
    FROM picked
)
SELECT * EXCLUDE (first_snapshot, last_snapshot),
       {{rate:self_registered_share}} AS self_registered_share,
       first_snapshot, last_snapshot
FROM summed
