-- Totals by tranche: the selected regions summed, with the change against
-- the previous tranche for every headline figure. The one totals query: the
-- tiles, trend and narrative of Ringkasan, the tiles of Cakupan and
-- Sasaran, Akuntabilitas and the brief.
-- Purpose:    sums add numerators and denominators, then divide (docs/indicators.md); periods are
--             never summed. Changes are computed here so that pages do no
--             metric arithmetic.
-- Parameters: $as_of (NULL = latest), $basis, $program, $regions (VARCHAR[],
--             NULL = all; the pages resolve a province to its regions);
--             runner: $scope, $min_families.
-- Grain:      year × tranche of $program (every tranche allocated).
-- Columns:    program, year, tranche, period_index, regions, pilot_regions,
--             comparison_regions (non-pilot regions), regions_with_register,
--             eligible_families, eligible_covered, excluded_families
--             (eligible, not allocated), recipients, eligible_recipients,
--             ineligible_recipients, recipients_assessed (recipients of regions
--             with register-based indicators: the inclusion error's
--             denominator), not_in_register, allocated_amount,
--             disbursed_amount, paid_families, timely_families, coverage,
--             exclusion_error, inclusion_error, disbursement_rate,
--             disbursement_rate_families, timeliness, coverage_small,
--             inclusion_small; prev_year, prev_tranche and prev_<x> (the
--             previous tranche's value of the rates and counts above);
--             the changes against it (this tranche − previous; NULL when
--             either side is NULL): coverage_change, exclusion_error_change,
--             inclusion_error_change, disbursement_rate_change,
--             disbursement_rate_families_change, timeliness_change (fractions:
--             percentage points / 100), eligible_families_change,
--             recipients_change, disbursed_amount_change.
WITH chosen AS (
    {{chosen_snapshot}}
), picked AS (
    SELECT t.*, p.region_code IS NOT NULL AS is_pilot
    FROM mart_targeting t
    JOIN chosen c ON t.as_of IS NOT DISTINCT FROM c.as_of
    LEFT JOIN ref_pilot p ON p.region_code = t.region_code
    WHERE t.basis = $basis AND t.program = $program
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], t.region_code))
      AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], t.region_code))
), alloc AS (
    SELECT a.year, a.tranche,
           sum(a.allocated_amount) AS allocated_amount, sum(a.disbursed_amount) AS disbursed_amount,
           sum(a.paid_families) AS paid_families, sum(a.timely_families) AS timely_families
    FROM mart_allocation_region a
    WHERE a.program = $program
      AND a.region_code IN (SELECT DISTINCT region_code FROM picked)
    GROUP BY ALL
), summed AS (
    SELECT program, year, tranche,
           count(*) AS regions,
           count(*) FILTER (WHERE is_pilot) AS pilot_regions,
           count(*) FILTER (WHERE NOT is_pilot) AS comparison_regions,
           count(*) FILTER (WHERE eligible_families IS NOT NULL) AS regions_with_register,
           sum(eligible_families) AS eligible_families, sum(eligible_covered) AS eligible_covered,
           sum(recipients) AS recipients, sum(eligible_recipients) AS eligible_recipients,
           -- the inclusion error's denominator: recipients of regions where it is defined
           sum(recipients) FILTER (WHERE eligible_recipients IS NOT NULL) AS recipients_assessed,
           sum(not_in_register) AS not_in_register
    FROM picked
    GROUP BY ALL
), rated AS (
    SELECT s.*,
           s.eligible_families - s.eligible_covered AS excluded_families,
           s.recipients_assessed - s.eligible_recipients AS ineligible_recipients,
           coalesce(a.allocated_amount, 0) AS allocated_amount, coalesce(a.disbursed_amount, 0) AS disbursed_amount,
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
    LEFT JOIN alloc a ON a.year = s.year AND a.tranche = s.tranche
), lagged AS (
    SELECT *,
           lag(year) OVER w AS prev_year,
           lag(tranche) OVER w AS prev_tranche,
           lag(coverage) OVER w AS prev_coverage,
           lag(exclusion_error) OVER w AS prev_exclusion_error,
           lag(inclusion_error) OVER w AS prev_inclusion_error,
           lag(disbursement_rate) OVER w AS prev_disbursement_rate,
           lag(disbursement_rate_families) OVER w AS prev_disbursement_rate_families,
           lag(timeliness) OVER w AS prev_timeliness,
           lag(eligible_families) OVER w AS prev_eligible_families,
           lag(recipients) OVER w AS prev_recipients,
           lag(disbursed_amount) OVER w AS prev_disbursed_amount,
           lag(coverage_small) OVER w AS prev_coverage_small,
           lag(inclusion_small) OVER w AS prev_inclusion_small
    FROM rated
    WINDOW w AS (ORDER BY year, tranche)
)
SELECT *,
       coverage - prev_coverage AS coverage_change,
       exclusion_error - prev_exclusion_error AS exclusion_error_change,
       inclusion_error - prev_inclusion_error AS inclusion_error_change,
       disbursement_rate - prev_disbursement_rate AS disbursement_rate_change,
       disbursement_rate_families - prev_disbursement_rate_families AS disbursement_rate_families_change,
       timeliness - prev_timeliness AS timeliness_change,
       eligible_families - prev_eligible_families AS eligible_families_change,
       recipients - prev_recipients AS recipients_change,
       disbursed_amount - prev_disbursed_amount AS disbursed_amount_change
FROM lagged
ORDER BY year, tranche
