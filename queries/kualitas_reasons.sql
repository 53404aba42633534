-- Quarantine by reason code and kind of extract.
-- Purpose:    the "what goes wrong most" chart of the Kualitas Data page.
-- Parameters: runner: $scope (quarantined rows whose given kode_wilayah names
--             a kab/kota of the scope; rows without a readable code only for
--             every region). Counted from quarantine_summary, not row by row.
-- Stored:     for the whole warehouse
-- Grain:      reason × kind (a row with two broken rules counts under both).
-- Columns:    reason, kind (keluarga / penyaluran), rows (quarantined rows
--             with the reason), files (files with the reason), reason_rows
--             (rows with the reason, all kinds), share (reason_rows / all
--             quarantined rows in scope).
WITH scoped AS (
    SELECT * FROM quarantine_summary
    WHERE $scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], region_code)
), tagged AS (
    SELECT s.load_id, l.kind, r.reason, s.rows
    FROM scoped s
    JOIN load_ledger l ON l.load_id = s.load_id,
    unnest(s.reasons) AS r(reason)
), by_kind AS (
    SELECT reason, kind, sum(rows)::BIGINT AS rows, count(DISTINCT load_id) AS files
    FROM tagged
    GROUP BY reason, kind
)
SELECT reason, kind, rows, files,
       sum(rows) OVER (PARTITION BY reason) AS reason_rows,
       sum(rows) OVER (PARTITION BY reason) / NULLIF((SELECT sum(rows) FROM scoped), 0) AS share
FROM by_kind
ORDER BY reason_rows DESC, reason, kind
