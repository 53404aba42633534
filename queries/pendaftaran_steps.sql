-- Registration funnel steps, summed over the regions in view (docs/indicators.md):
-- numerators and denominators are added over regions, then divided.
-- Purpose:    the funnel chart and tiles of the Pendaftaran & Sanggah page.
--             Only regions with registration data count (new registrations
--             in the register in use); the others (DTSEN-only registers) would
--             add zeros that mean "no data", not "nobody registered".
-- Parameters: $as_of (DATE, NULL = latest snapshot), $program, $year, $tranche,
--             $province (NULL = all), $regions (VARCHAR[], NULL = all);
--             runner: $scope, $min_families.
-- Grain:      funnel step (9 rows, in funnel order).
-- Columns:    step_order, step (new_registrations, decided, layak,
--             tidak_layak, appealed, upheld, final_layak, recipients, paid),
--             branch (main = every step is a subset of the one before;
--             decision = layak at first decision; appeal = the tidak layak
--             branch), families, base_step (the step the rate is a share of;
--             NULL for the first), base_families, rate (families /
--             base_families), small (base_families < $min_families), regions
--             (regions with registration data summed).
WITH chosen AS (
    {{chosen_snapshot}}
), regional AS (
    SELECT f.*, coalesce(fr.recipients, 0) AS recipients, coalesce(fr.paid, 0) AS paid
    FROM mart_funnel f
    JOIN chosen c ON f.as_of IS NOT DISTINCT FROM c.as_of
    JOIN mart_snapshot m ON m.as_of = f.as_of AND m.region_code = f.region_code
    JOIN ref_region r ON r.code = f.region_code
    LEFT JOIN mart_funnel_recipients fr ON fr.as_of = f.as_of AND fr.region_code = f.region_code
         AND fr.program = $program AND fr.year = $year AND fr.tranche = $tranche
    WHERE f.new_registrations > 0
      AND ($province::VARCHAR IS NULL OR r.province_code = $province::VARCHAR)
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], f.region_code))
      AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], f.region_code))
), total AS (
    SELECT count(*) AS regions,
           coalesce(sum(new_registrations), 0) AS new_registrations, coalesce(sum(decided), 0) AS decided,
           coalesce(sum(layak), 0) AS layak, coalesce(sum(tidak_layak), 0) AS tidak_layak,
           coalesce(sum(appealed), 0) AS appealed, coalesce(sum(upheld), 0) AS upheld,
           coalesce(sum(final_layak), 0) AS final_layak, coalesce(sum(recipients), 0) AS recipients,
           coalesce(sum(paid), 0) AS paid
    FROM regional
), steps AS (
    SELECT 1 AS step_order, 'new_registrations' AS step, 'main' AS branch, new_registrations AS families,
           NULL AS base_step, NULL::BIGINT AS base_families, regions FROM total
    UNION ALL SELECT 2, 'decided', 'main', decided, 'new_registrations', new_registrations, regions FROM total
    UNION ALL SELECT 3, 'layak', 'decision', layak, 'decided', decided, regions FROM total
    UNION ALL SELECT 4, 'tidak_layak', 'appeal', tidak_layak, 'decided', decided, regions FROM total
    UNION ALL SELECT 5, 'appealed', 'appeal', appealed, 'tidak_layak', tidak_layak, regions FROM total
    UNION ALL SELECT 6, 'upheld', 'appeal', upheld, 'appealed', appealed, regions FROM total
    UNION ALL SELECT 7, 'final_layak', 'main', final_layak, 'decided', decided, regions FROM total
    UNION ALL SELECT 8, 'recipients', 'main', recipients, 'final_layak', final_layak, regions FROM total
    UNION ALL SELECT 9, 'paid', 'main', paid, 'recipients', recipients, regions FROM total
)
SELECT step_order, step, branch, families, base_step, base_families,
       families / NULLIF(base_families, 0) AS rate,
       coalesce(base_families < $min_families, false) AS small,
       regions
FROM steps
ORDER BY step_order
