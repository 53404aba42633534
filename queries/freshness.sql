-- Freshness per region: the latest register snapshot and tranche loaded, and
-- whether the region needs attention: behind on the register or the
-- tranches, missing a programme of the latest tranche, or on the pilot list
-- with no data at all.
-- Purpose:    the Kualitas Data page's "needs attention" list (rows with
--             needs_attention, "which pilots are missing the latest tranche
--             or register?") and its list of every region with data (rows
--             where no_register and no_allocations are not both true). One
--             query for both: the page runs it once.
-- Parameters: runner: $scope.
-- Stored:     rows by region_code
-- Grain:      region with register data or allocations, or on the pilot list.
-- Columns:    region_code, region_name, province_code, is_pilot,
--             pilot_status, latest_snapshot, snapshots, latest_year,
--             latest_tranche, programs (loaded in the region's latest tranche),
--             missing_programs (loaded elsewhere in the latest tranche of the
--             warehouse, not here; NULL when none), group_latest_snapshot
--             (latest snapshot among the warehouse's regions of the same
--             group, pilot or comparison), latest_year_all,
--             latest_tranche_all (the latest tranche loaded anywhere),
--             no_register, no_allocations,
--             register_behind (older snapshot than its group's latest),
--             tranche_behind (latest tranche not loaded), needs_attention.
WITH reg AS (
    SELECT region_code, max(snapshot_date) AS latest_snapshot, count(DISTINCT snapshot_date) AS snapshots
    FROM mart_snapshot GROUP BY region_code
), ap AS (
    -- each kab/kota's latest tranche of each programme: one scan of the allocations
    SELECT region_code, program, max(year * 10 + tranche) AS period FROM mart_allocation GROUP BY region_code, program
), alloc AS (
    SELECT region_code, max(period) AS latest_period FROM ap GROUP BY region_code
), overall AS (
    SELECT max(period) AS latest_period FROM ap
), progs AS (
    SELECT a.region_code, string_agg(a.program, ', ' ORDER BY a.program) AS programs
    FROM ap a JOIN alloc l ON l.region_code = a.region_code AND a.period = l.latest_period
    GROUP BY a.region_code
), missing AS (
    -- a programme paid somewhere in the latest tranche whose latest tranche here is older
    SELECT x.region_code, string_agg(lp.program, ', ' ORDER BY lp.program) AS missing_programs
    FROM alloc x
    CROSS JOIN overall o
    JOIN (SELECT DISTINCT program FROM ap WHERE period = (SELECT latest_period FROM overall)) lp ON true
    WHERE x.latest_period = o.latest_period
      AND NOT EXISTS (SELECT 1 FROM ap a WHERE a.region_code = x.region_code AND a.program = lp.program
                                          AND a.period = o.latest_period)
    GROUP BY x.region_code
), regions AS (
    SELECT region_code FROM reg UNION SELECT region_code FROM alloc UNION SELECT region_code FROM ref_pilot
), joined AS (
    SELECT x.region_code, r.name AS region_name, r.province_code, p.region_code IS NOT NULL AS is_pilot,
           p.status AS pilot_status, reg.latest_snapshot, coalesce(reg.snapshots, 0) AS snapshots,
           alloc.latest_period, progs.programs, missing.missing_programs
    FROM regions x
    JOIN ref_region r ON r.code = x.region_code
    LEFT JOIN ref_pilot p ON p.region_code = x.region_code
    LEFT JOIN reg ON reg.region_code = x.region_code
    LEFT JOIN alloc ON alloc.region_code = x.region_code
    LEFT JOIN progs ON progs.region_code = x.region_code
    LEFT JOIN missing ON missing.region_code = x.region_code
), flagged AS (
    SELECT j.*,
           max(j.latest_snapshot) OVER (PARTITION BY j.is_pilot) AS group_latest_snapshot,
           o.latest_period AS latest_period_all,
           j.latest_snapshot IS NULL AS no_register,
           j.latest_period IS NULL AS no_allocations
    FROM joined j CROSS JOIN overall o
)
SELECT region_code, region_name, province_code, is_pilot, pilot_status, latest_snapshot, snapshots,
       latest_period // 10 AS latest_year, latest_period % 10 AS latest_tranche, programs, missing_programs,
       group_latest_snapshot, latest_period_all // 10 AS latest_year_all, latest_period_all % 10 AS latest_tranche_all,
       no_register, no_allocations,
       coalesce(latest_snapshot < group_latest_snapshot, false) AS register_behind,
       coalesce(latest_period < latest_period_all, false) AS tranche_behind,
       no_register OR no_allocations OR coalesce(latest_snapshot < group_latest_snapshot, false)
           OR coalesce(latest_period < latest_period_all, false) OR missing_programs IS NOT NULL AS needs_attention
FROM flagged
-- The scope chooses rows, not the yardsticks: a kab/kota is behind the
-- latest snapshot of its group and the latest tranche in the warehouse,
-- whoever looks (a province whose kab/kota all lag is told so).
WHERE $scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], region_code)
ORDER BY province_code, region_code
