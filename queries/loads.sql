-- The load ledger: every file loaded, newest first.
-- Parameters: runner: $scope. A file is in scope when any of its rows (loaded
--             or quarantined) falls in a region of the scope; a quarantined
--             row's region is read from the kode_wilayah it was given.
-- Grain:      loaded file.
-- Columns:    load_id, file_name, kind, loaded_at, as_of, extract_date,
--             replace_mode, rows_read, rows_loaded, rows_quarantined,
--             rows_superseded, rows_removed, message, warnings, content_hash,
--             loaded_by (who ran the load), unloaded_at (UTC; NULL unless
--             `unload` took it back out).
WITH file_region AS (
    SELECT DISTINCT load_id, region_code FROM fact_family WHERE $scope::VARCHAR[] IS NOT NULL
    UNION
    SELECT DISTINCT load_id, region_code FROM fact_allocation WHERE $scope::VARCHAR[] IS NOT NULL
    UNION
    SELECT load_id, region_code FROM (
        SELECT load_id, regexp_replace(coalesce(json_extract_string(row_values, '$.kode_wilayah'), ''), '[^0-9]', '', 'g') AS d
        FROM quarantine WHERE $scope::VARCHAR[] IS NOT NULL
    ) q, LATERAL (SELECT CASE WHEN length(q.d) >= 4 THEN substr(q.d, 1, 2) || '.' || substr(q.d, 3, 2) END AS region_code)
)
SELECT load_id, file_name, kind, loaded_at, as_of, extract_date, replace_mode,
       rows_read, rows_loaded, rows_quarantined, rows_superseded, rows_removed,
       message, warnings, content_hash, loaded_by, unloaded_at
FROM load_ledger
WHERE $scope::VARCHAR[] IS NULL
   OR load_id IN (SELECT load_id FROM file_region WHERE list_contains($scope::VARCHAR[], region_code))
ORDER BY load_id DESC
