-- Warehouse facts shown on every page: demo or real, when built, totals.
-- Parameters: none; Scope: not regional.
-- Grain:      one row.
-- Columns:    is_demo, created_at, marts_built_at, last_load_at, loads,
--             families_rows, allocation_rows (current rows, not those a
--             later extract superseded), quarantined_rows.
-- One aggregate over tagged rows rather than eight scalar subqueries: the
-- subqueries become a cross product whose join ordering cost more planning
-- time (about 5 ms) than the counts themselves.
WITH parts AS (
    SELECT 'meta' AS part, key, value, NULL::BIGINT AS n, NULL::TIMESTAMP AS loaded_at FROM meta
    WHERE key IN ('is_demo', 'created_at', 'marts_built_at')
    UNION ALL SELECT 'loads', NULL, NULL, count(*), max(loaded_at) FROM load_ledger
    UNION ALL SELECT 'families', NULL, NULL, count(*), NULL FROM current_family
    UNION ALL SELECT 'allocations', NULL, NULL, count(*), NULL FROM current_allocation
    UNION ALL SELECT 'quarantine', NULL, NULL, count(*), NULL FROM quarantine
)
SELECT coalesce(max(value) FILTER (WHERE key = 'is_demo') = 'true', false) AS is_demo,
       max(value) FILTER (WHERE key = 'created_at') AS created_at,
       max(value) FILTER (WHERE key = 'marts_built_at') AS marts_built_at,
       max(loaded_at) FILTER (WHERE part = 'loads') AS last_load_at,
       max(n) FILTER (WHERE part = 'loads') AS loads,
       max(n) FILTER (WHERE part = 'families') AS families_rows,
       max(n) FILTER (WHERE part = 'allocations') AS allocation_rows,
       max(n) FILTER (WHERE part = 'quarantine') AS quarantined_rows
FROM parts
