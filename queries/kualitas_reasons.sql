-- Quarantine by reason code and kind of extract.
-- Purpose:    the "what goes wrong most" chart of the Kualitas Data page.
-- Parameters: runner: $scope (quarantined rows whose given kode_wilayah names
--             a kab/kota of the scope; rows without a readable code only for
--             every region).
-- Grain:      reason × kind (a row with two broken rules counts under both).
-- Columns:    reason, kind (keluarga / penyaluran), rows (quarantined rows
--             with the reason), files (files with the reason), reason_rows
--             (rows with the reason, all kinds), share (reason_rows / all
--             quarantined rows in scope).
WITH coded AS (
    SELECT *, regexp_replace(coalesce(json_extract_string(row_values, '$.kode_wilayah'), ''), '[^0-9]', '', 'g') AS code_digits
    FROM quarantine
), scoped_quarantine AS (
    SELECT * FROM coded
    WHERE $scope::VARCHAR[] IS NULL
       OR (length(code_digits) >= 4
           AND list_contains($scope::VARCHAR[], substr(code_digits, 1, 2) || '.' || substr(code_digits, 3, 2)))
), tagged AS (
    SELECT q.load_id, l.kind, r.reason
    FROM scoped_quarantine q
    JOIN load_ledger l ON l.load_id = q.load_id,
    unnest(q.reasons) AS r(reason)
), by_kind AS (
    SELECT reason, kind, count(*) AS rows, count(DISTINCT load_id) AS files
    FROM tagged
    GROUP BY reason, kind
)
SELECT reason, kind, rows, files,
       sum(rows) OVER (PARTITION BY reason) AS reason_rows,
       sum(rows) OVER (PARTITION BY reason) / NULLIF((SELECT count(*) FROM scoped_quarantine), 0) AS share
FROM by_kind
ORDER BY reason_rows DESC, reason, kind
