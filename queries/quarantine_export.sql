-- Quarantine table export (all rows, identifiers masked and hashed).
-- Parameters: runner: $scope (a row is in scope when the kode_wilayah it was
--             given names a kab/kota of the scope; a row without a readable
--             code is shown only to those who see every region).
-- Grain:      quarantined row.
-- Columns:    load_id, file_name, line, reasons, row_values, no_kk_masked,
--             no_kk_key, nik_masked, nik_key (keys as hex text).
WITH coded AS (
    SELECT *, regexp_replace(coalesce(json_extract_string(row_values, '$.kode_wilayah'), ''), '[^0-9]', '', 'g') AS code_digits
    FROM quarantine
)
SELECT load_id, file_name, line, array_to_string(reasons, ';') AS reasons, row_values,
       no_kk_masked, lpad(lower(hex(no_kk_key)), 32, '0') AS no_kk_key, nik_masked, lpad(lower(hex(nik_key)), 32, '0') AS nik_key
FROM coded
WHERE $scope::VARCHAR[] IS NULL
   OR (length(code_digits) >= 4
       AND list_contains($scope::VARCHAR[], substr(code_digits, 1, 2) || '.' || substr(code_digits, 3, 2)))
ORDER BY load_id, line
