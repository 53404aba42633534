-- Leakage signals by tranche: the selected regions summed (docs/signals.md).
-- Purpose:    the Akuntabilitas tiles (a tranche and the previous one) and trend.
--             Region counts and recipients add up (a family allocated in two regions
--             in view counts in both, as among the recipients); periods are never summed.
-- Parameters: $as_of (NULL = latest), $basis, $program, $regions (VARCHAR[], NULL =
--             all); runner: $scope.
-- Grain:      year × tranche × signal of $program (every tranche allocated).
-- Columns:    program, year, tranche, period_index (1 = first tranche of the
--             programme), signal, signal_order, regions (regions summed), count
--             (families with the signal; empty when no region in view has a register,
--             for paid_not_registered), recipients (of the regions where the count is
--             defined: the per-1,000 denominator), per_1000, eligible_without_any
--             (concentration only), prev_year, prev_tranche, prev_count, prev_per_1000,
--             count_change (this tranche − previous; empty when either is).
WITH chosen AS (
    {{chosen_snapshot}}
), summed AS (
    SELECT s.program, s.year, s.tranche, s.signal,
           CASE s.signal WHEN 'double_allocation' THEN 1 WHEN 'paid_not_registered' THEN 2
                         WHEN 'paid_off_window' THEN 3 WHEN 'amount_mismatch' THEN 4 ELSE 5 END AS signal_order,
           count(*) AS regions,
           sum(s.families) AS "count",
           sum(s.recipients) FILTER (WHERE s.families IS NOT NULL) AS recipients,
           sum(s.eligible_without_any) AS eligible_without_any
    FROM mart_signal s
    JOIN chosen c ON s.as_of IS NOT DISTINCT FROM c.as_of
    WHERE s.basis = $basis AND s.program = $program
      AND ($regions::VARCHAR[] IS NULL OR list_contains($regions::VARCHAR[], s.region_code))
      AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], s.region_code))
    GROUP BY s.program, s.year, s.tranche, s.signal
), rated AS (
    SELECT *, 1000.0 * "count" / NULLIF(recipients, 0) AS per_1000,
           dense_rank() OVER (ORDER BY year, tranche) AS period_index
    FROM summed
)
SELECT *,
       lag(year) OVER w AS prev_year,
       lag(tranche) OVER w AS prev_tranche,
       lag("count") OVER w AS prev_count,
       lag(per_1000) OVER w AS prev_per_1000,
       "count" - lag("count") OVER w AS count_change
FROM rated
WINDOW w AS (PARTITION BY signal ORDER BY year, tranche)
ORDER BY year, tranche, signal_order
