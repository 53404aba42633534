-- Quarantine by reason and file: what went wrong, where.
-- Parameters: none; Scope: not regional.
-- Grain:      file × reason (a row with two broken rules counts under both).
-- Columns:    load_id, file_name, reason, rows, first_line.
SELECT q.load_id, q.file_name, r.reason, count(*) AS rows, min(q.line) AS first_line
FROM quarantine q, unnest(q.reasons) AS r(reason)
GROUP BY ALL
ORDER BY q.load_id DESC, rows DESC
