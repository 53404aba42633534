-- Quarantined rows (identifiers masked), for finding and fixing them at source.
-- Parameters: $load_id (NULL = all), $reason (NULL = all), $limit; Scope: not regional.
-- Grain:      quarantined row.
-- Columns:    load_id, file_name, line, reasons (comma separated), row_values
--             (JSON, identifiers masked), no_kk_masked, nik_masked.
SELECT load_id, file_name, line, array_to_string(reasons, ', ') AS reasons, row_values, no_kk_masked, nik_masked
FROM quarantine
WHERE ($load_id::INTEGER IS NULL OR load_id = $load_id::INTEGER)
  AND ($reason::VARCHAR IS NULL OR list_contains(reasons, $reason::VARCHAR))
ORDER BY load_id DESC, line
LIMIT $limit
