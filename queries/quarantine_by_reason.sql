-- Quarantine by reason and file: what went wrong, where.
-- Parameters: runner: $scope (rows whose given kode_wilayah names a kab/kota
--             of the scope; rows without a readable code only for every region).
-- Grain:      file × reason (a row with two broken rules counts under both).
-- Columns:    load_id, file_name, reason, rows, first_line.
WITH coded AS (
    SELECT *, regexp_replace(coalesce(json_extract_string(row_values, '$.kode_wilayah'), ''), '[^0-9]', '', 'g') AS code_digits
    FROM quarantine
)
SELECT q.load_id, q.file_name, r.reason, count(*) AS rows, min(q.line) AS first_line
FROM coded q, unnest(q.reasons) AS r(reason)
WHERE $scope::VARCHAR[] IS NULL
   OR (length(q.code_digits) >= 4
       AND list_contains($scope::VARCHAR[], substr(q.code_digits, 1, 2) || '.' || substr(q.code_digits, 3, 2)))
GROUP BY ALL
ORDER BY q.load_id DESC, rows DESC
