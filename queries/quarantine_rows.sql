-- Quarantined rows (identifiers masked), for finding and fixing them at source.
-- Parameters: $load_id (NULL = all), $reason (NULL = all), $limit; runner:
--             $scope (rows whose given kode_wilayah names a kab/kota of the
--             scope; rows without a readable code only for every region).
-- Grain:      quarantined row.
-- Columns:    load_id, file_name, line, reasons (comma separated), row_values
--             (JSON, identifiers masked), no_kk_masked, nik_masked.
WITH coded AS (
    SELECT *, regexp_replace(coalesce(json_extract_string(row_values, '$.kode_wilayah'), ''), '[^0-9]', '', 'g') AS code_digits
    FROM quarantine
)
SELECT load_id, file_name, line, array_to_string(reasons, ', ') AS reasons, row_values, no_kk_masked, nik_masked
FROM coded
WHERE ($load_id::INTEGER IS NULL OR load_id = $load_id::INTEGER)
  AND ($reason::VARCHAR IS NULL OR list_contains(reasons, $reason::VARCHAR))
  AND ($scope::VARCHAR[] IS NULL
       OR (length(code_digits) >= 4
           AND list_contains($scope::VARCHAR[], substr(code_digits, 1, 2) || '.' || substr(code_digits, 3, 2))))
ORDER BY load_id DESC, line
LIMIT $limit
