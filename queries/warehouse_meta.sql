-- Warehouse facts shown on every page: demo or real, when built, totals.
-- Parameters: none; Scope: not regional.
-- Stored:     whole
-- Grain:      one row.
-- Columns:    is_demo, created_at, marts_built_at, last_load_at, loads,
--             families_rows, allocation_rows (current rows, not those a
--             later extract superseded), quarantined_rows.
-- One aggregate over tagged rows rather than eight scalar subqueries: the
-- subqueries become a cross product whose join ordering cost more planning
-- time (about 5 ms) than the counts themselves.
-- The current rows are counted from the marts, which a load refreshes in its
-- own transaction: every register slice has its row in mart_snapshot at its
-- own date with its count of rows, and every allocation row is an allocation
-- or a reroute in mart_allocation. Counting the facts themselves read every
-- fact row on every page (26 ms at benchmark scale 4, the slowest query of
-- most pages); a test checks both counts equal the facts'.
WITH parts AS (
    SELECT 'meta' AS part, key, value, NULL::BIGINT AS n, NULL::TIMESTAMP AS loaded_at FROM meta
    WHERE key IN ('is_demo', 'created_at', 'marts_built_at')
    UNION ALL SELECT 'loads', NULL, NULL, count(*), max(loaded_at) FROM load_ledger
    UNION ALL SELECT 'families', NULL, NULL, coalesce(sum(families), 0), NULL FROM mart_snapshot
              WHERE as_of = snapshot_date
    UNION ALL SELECT 'allocations', NULL, NULL, coalesce(sum(allocation_rows + rerouted_payments), 0), NULL
              FROM mart_allocation
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
