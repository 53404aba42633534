-- Difference-in-differences: pilot against its comparison regions (docs/indicators.md).
-- Purpose:    Δ = metric(t2) − metric(t1) for the pilot and for its comparison
--             group (summed numerators and denominators); DiD = Δ_pilot − Δ_comparison.
--             Every input is returned, so a page can show them.
-- Parameters: $as_of (NULL = latest), $basis, $program, $year1, $tranche1,
--             $year2, $tranche2, $pilots (VARCHAR[], NULL = all); runner:
--             $scope, $min_families.
-- Grain:      pilot_code × metric (coverage, exclusion_error,
--             inclusion_error, disbursement_rate).
-- Columns:    pilot_code, pilot_name, comparison_codes, metric,
--             pilot_num_1, pilot_den_1, pilot_num_2, pilot_den_2,
--             comp_num_1, comp_den_1, comp_num_2, comp_den_2,
--             pilot_rate_1, pilot_rate_2, comp_rate_1, comp_rate_2,
--             pilot_change, comp_change, did, small.
WITH chosen AS (
    {{chosen_snapshot}}
), {{comparison_groups}}, periods AS (
    -- the two tranches compared, of the pilots that have a comparison group
    SELECT *, CASE WHEN year = $year1 AND tranche = $tranche1 THEN 1 ELSE 2 END AS period
    FROM grouped
    WHERE ((year = $year1 AND tranche = $tranche1) OR (year = $year2 AND tranche = $tranche2))
      AND pilot_code IN (SELECT pilot_code FROM mart_comparison)
), long AS (
    SELECT pilot_code, grp, period, 'coverage' AS metric,
           {{numerator:coverage}} AS num, {{denominator:coverage}} AS den FROM periods
    UNION ALL
    SELECT pilot_code, grp, period, 'exclusion_error',
           {{numerator:exclusion_error}}, {{denominator:exclusion_error}} FROM periods
    UNION ALL
    SELECT pilot_code, grp, period, 'inclusion_error',
           {{numerator:inclusion_error(recipients=recipients_assessed)}},
           {{denominator:inclusion_error(recipients=recipients_assessed)}} FROM periods
    UNION ALL
    SELECT pilot_code, grp, period, 'disbursement_rate',
           {{numerator:disbursement_rate}}, {{denominator:disbursement_rate}} FROM periods
), wide AS (
    SELECT pilot_code, metric,
           max(num) FILTER (WHERE grp = 'pilot' AND period = 1) AS pilot_num_1,
           max(den) FILTER (WHERE grp = 'pilot' AND period = 1) AS pilot_den_1,
           max(num) FILTER (WHERE grp = 'pilot' AND period = 2) AS pilot_num_2,
           max(den) FILTER (WHERE grp = 'pilot' AND period = 2) AS pilot_den_2,
           max(num) FILTER (WHERE grp = 'comparison' AND period = 1) AS comp_num_1,
           max(den) FILTER (WHERE grp = 'comparison' AND period = 1) AS comp_den_1,
           max(num) FILTER (WHERE grp = 'comparison' AND period = 2) AS comp_num_2,
           max(den) FILTER (WHERE grp = 'comparison' AND period = 2) AS comp_den_2
    FROM long
    GROUP BY pilot_code, metric
), rated AS (
    SELECT *,
           pilot_num_1 / NULLIF(pilot_den_1, 0) AS pilot_rate_1,
           pilot_num_2 / NULLIF(pilot_den_2, 0) AS pilot_rate_2,
           comp_num_1 / NULLIF(comp_den_1, 0) AS comp_rate_1,
           comp_num_2 / NULLIF(comp_den_2, 0) AS comp_rate_2
    FROM wide
)
SELECT x.pilot_code, r.name AS pilot_name,
       (SELECT list(comparison_code ORDER BY comparison_code) FROM mart_comparison c WHERE c.pilot_code = x.pilot_code) AS comparison_codes,
       x.metric, x.pilot_num_1, x.pilot_den_1, x.pilot_num_2, x.pilot_den_2,
       x.comp_num_1, x.comp_den_1, x.comp_num_2, x.comp_den_2,
       x.pilot_rate_1, x.pilot_rate_2, x.comp_rate_1, x.comp_rate_2,
       x.pilot_rate_2 - x.pilot_rate_1 AS pilot_change,
       x.comp_rate_2 - x.comp_rate_1 AS comp_change,
       (x.pilot_rate_2 - x.pilot_rate_1) - (x.comp_rate_2 - x.comp_rate_1) AS did,
       x.metric <> 'disbursement_rate' AND coalesce(least(x.pilot_den_1, x.pilot_den_2, x.comp_den_1, x.comp_den_2) < $min_families, true) AS small
FROM rated x
JOIN ref_region r ON r.code = x.pilot_code
ORDER BY x.pilot_code, x.metric
