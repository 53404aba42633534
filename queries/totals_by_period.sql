-- Totals by period: the selected regions summed, one row per tranche.
-- Purpose:    headline tiles (a tranche and the previous one) and trends.
--             Sums add numerators and denominators, then divide (DESIGN §5);
--             periods are never summed.
-- Parameters: $as_of (NULL = latest), $basis, $program, $province, $regions;
--             runner: $scope, $min_families.
-- Grain:      program × year × tranche.
-- Columns:    program, year, tranche, period_index (1 = first tranche of the
--             programme loaded), regions, regions_with_register (regions with
--             register-based indicators on this basis),
--             eligible_families, eligible_covered, recipients,
--             eligible_recipients, recipients_assessed (recipients of regions
--             with a register: the inclusion error's denominator), not_in_register, allocated_amount,
--             disbursed_amount, paid_families, timely_families, coverage,
--             exclusion_error, inclusion_error, disbursement_rate,
--             disbursement_rate_families, timeliness, coverage_small,
--             inclusion_small, prev_* (the previous tranche's rates).
WITH chosen AS (
    {{chosen_snapshot}}
), picked AS (
    SELECT t.*
    FROM mart_targeting t
    JOIN chosen c ON t.as_of IS NOT DISTINCT FROM c.as_of
    JOIN ref_region r ON r.code = t.region_code
    WHERE t.basis = $basis AND t.program = $program
      AND ($province::VARCHAR IS NULL OR r.province_code = $province::VARCHAR)
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], t.region_code))
      AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], t.region_code))
), alloc AS (
    SELECT a.program, a.year, a.tranche,
           sum(a.allocated_amount) AS allocated_amount, sum(a.disbursed_amount) AS disbursed_amount,
           sum(a.paid_families) AS paid_families, sum(a.timely_families) AS timely_families
    FROM mart_allocation a
    WHERE a.region_code IN (SELECT region_code FROM picked)
      AND a.program = $program
    GROUP BY ALL
), summed AS (
    SELECT program, year, tranche,
           count(*) AS regions, count(*) FILTER (WHERE eligible_families IS NOT NULL) AS regions_with_register,
           sum(eligible_families) AS eligible_families, sum(eligible_covered) AS eligible_covered,
           sum(recipients) AS recipients, sum(eligible_recipients) AS eligible_recipients,
           -- the inclusion error's denominator: recipients of regions where it is defined
           sum(recipients) FILTER (WHERE eligible_recipients IS NOT NULL) AS recipients_assessed,
           sum(not_in_register) AS not_in_register
    FROM picked
    GROUP BY ALL
), rated AS (
    SELECT s.*, coalesce(a.allocated_amount, 0) AS allocated_amount, coalesce(a.disbursed_amount, 0) AS disbursed_amount,
           coalesce(a.paid_families, 0) AS paid_families, coalesce(a.timely_families, 0) AS timely_families,
           {{rate:coverage}} AS coverage,
           {{rate:exclusion_error}} AS exclusion_error,
           {{rate:inclusion_error(recipients=recipients_assessed)}} AS inclusion_error,
           {{rate:disbursement_rate}} AS disbursement_rate,
           {{rate:disbursement_rate_families}} AS disbursement_rate_families,
           {{rate:timeliness}} AS timeliness,
           coalesce(s.eligible_families < $min_families, false) AS coverage_small,
           coalesce(s.recipients_assessed < $min_families, true) AS inclusion_small,
           row_number() OVER (ORDER BY s.year, s.tranche) AS period_index
    FROM summed s
    LEFT JOIN alloc a ON a.program = s.program AND a.year = s.year AND a.tranche = s.tranche
)
SELECT *,
       lag(coverage) OVER w AS prev_coverage,
       lag(exclusion_error) OVER w AS prev_exclusion_error,
       lag(inclusion_error) OVER w AS prev_inclusion_error,
       lag(disbursement_rate) OVER w AS prev_disbursement_rate,
       lag(eligible_families) OVER w AS prev_eligible_families,
       lag(recipients) OVER w AS prev_recipients,
       lag(year) OVER w AS prev_year,
       lag(tranche) OVER w AS prev_tranche
FROM rated
WINDOW w AS (ORDER BY year, tranche)
ORDER BY year, tranche
