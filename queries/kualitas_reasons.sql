-- Quarantine by reason code and kind of extract, over all files.
-- Purpose:    the "what goes wrong most" chart of the Kualitas Data page.
-- Parameters: none; Scope: not regional.
-- Grain:      reason × kind (a row with two broken rules counts under both).
-- Columns:    reason, kind (keluarga / penyaluran), rows (quarantined rows
--             with the reason), files (files with the reason), reason_rows
--             (rows with the reason, all kinds), share (reason_rows / all
--             quarantined rows).
WITH tagged AS (
    SELECT q.load_id, l.kind, r.reason
    FROM quarantine q
    JOIN load_ledger l ON l.load_id = q.load_id,
    unnest(q.reasons) AS r(reason)
), by_kind AS (
    SELECT reason, kind, count(*) AS rows, count(DISTINCT load_id) AS files
    FROM tagged
    GROUP BY reason, kind
)
SELECT reason, kind, rows, files,
       sum(rows) OVER (PARTITION BY reason) AS reason_rows,
       sum(rows) OVER (PARTITION BY reason) / NULLIF((SELECT count(*) FROM quarantine), 0) AS share
FROM by_kind
ORDER BY reason_rows DESC, reason, kind
