-- Warehouse facts shown on every page: demo or real, when built, totals.
-- Parameters: none; Scope: not regional.
-- Grain:      one row.
-- Columns:    is_demo, created_at, marts_built_at, last_load_at, loads,
--             families_rows, allocation_rows, quarantined_rows.
SELECT coalesce((SELECT value FROM meta WHERE key = 'is_demo') = 'true', false) AS is_demo,
       (SELECT value FROM meta WHERE key = 'created_at') AS created_at,
       (SELECT value FROM meta WHERE key = 'marts_built_at') AS marts_built_at,
       (SELECT max(loaded_at) FROM load_ledger) AS last_load_at,
       (SELECT count(*) FROM load_ledger) AS loads,
       (SELECT count(*) FROM fact_family) AS families_rows,
       (SELECT count(*) FROM fact_allocation) AS allocation_rows,
       (SELECT count(*) FROM quarantine) AS quarantined_rows
