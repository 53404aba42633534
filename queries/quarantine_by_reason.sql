-- Quarantine by reason and file: what went wrong, where.
-- Parameters: runner: $scope (rows whose given kode_wilayah names a kab/kota
--             of the scope; rows without a readable code only for every region).
--             Counted from quarantine_summary, not row by row.
-- Stored:     for the whole warehouse
-- Grain:      file × reason (a row with two broken rules counts under both).
-- Columns:    load_id, file_name, reason, rows, first_line.
SELECT s.load_id, s.file_name, r.reason, sum(s.rows)::BIGINT AS rows, min(s.first_line) AS first_line
FROM quarantine_summary s, unnest(s.reasons) AS r(reason)
WHERE $scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], s.region_code)
GROUP BY ALL
ORDER BY s.load_id DESC, rows DESC, reason  -- reason: ties in a stable order
