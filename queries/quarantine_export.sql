-- Quarantine table export (all rows, identifiers masked and hashed).
-- Parameters: none; Scope: not regional.
-- Grain:      quarantined row.
-- Columns:    load_id, file_name, line, reasons, row_values, no_kk_masked,
--             no_kk_key, nik_masked, nik_key (keys as hex text).
SELECT load_id, file_name, line, array_to_string(reasons, ';') AS reasons, row_values,
       no_kk_masked, lower(hex(no_kk_key)) AS no_kk_key, nik_masked, lower(hex(nik_key)) AS nik_key
FROM quarantine
ORDER BY load_id, line
