-- The load ledger: every file loaded, newest first.
-- Parameters: runner: $scope. A file is in scope when any of its rows (loaded
--             or quarantined) falls in a region of the scope: load_region,
--             written with the load (a quarantined row's region is read from
--             the kode_wilayah it was given), so that this reads no facts.
-- Stored:     for the whole warehouse
-- Grain:      loaded file.
-- Columns:    load_id, file_name, kind, loaded_at, as_of, extract_date,
--             replace_mode, rows_read, rows_loaded, rows_quarantined,
--             rows_superseded, rows_removed, message, warnings, content_hash,
--             loaded_by (who ran the load), unloaded_at (UTC; NULL unless
--             `unload` took it back out).
SELECT load_id, file_name, kind, loaded_at, as_of, extract_date, replace_mode,
       rows_read, rows_loaded, rows_quarantined, rows_superseded, rows_removed,
       message, warnings, content_hash, loaded_by, unloaded_at
FROM load_ledger
WHERE $scope::VARCHAR[] IS NULL
   OR load_id IN (SELECT load_id FROM load_region WHERE list_contains($scope::VARCHAR[], region_code))
ORDER BY load_id DESC
