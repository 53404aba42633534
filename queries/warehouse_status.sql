-- Warehouse status: what is loaded, per kind, region and period.
-- Parameters: runner: $scope.
-- Stored:     rows by region_code
-- Grain:      kind × region × period (snapshot date for registers, year and
--             tranche for allocations).
-- Columns:    kind, region_code, region_name, period (sortable text:
--             "2026-01-31", "PKH 2026-T1"), snapshot_date (a register's),
--             program, year, tranche (an allocation's), rows.
SELECT 'keluarga' AS kind, m.region_code, r.name AS region_name,
       strftime(m.snapshot_date, '%Y-%m-%d') AS period, m.snapshot_date,
       NULL AS program, NULL AS year, NULL AS tranche, max(m.families) AS rows
FROM mart_snapshot m JOIN ref_region r ON r.code = m.region_code
WHERE m.snapshot_date = m.as_of
  AND ($scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], m.region_code))
GROUP BY ALL
UNION ALL
-- summed before the label is built: one label per tranche, not per mart row
SELECT 'penyaluran', a.region_code, r.name, a.program || ' ' || a.year || '-T' || a.tranche, NULL,
       a.program, a.year, a.tranche, a.recipients
FROM (
    SELECT region_code, program, year, tranche, sum(recipients) AS recipients
    FROM mart_allocation
    WHERE $scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], region_code)
    GROUP BY ALL
) a JOIN ref_region r ON r.code = a.region_code
ORDER BY 1, 2, 4
