-- Data-quality totals over the load ledger: files, rows read, loaded and
-- quarantined, and the share quarantined.
-- Purpose:    the tiles of the Kualitas Data page.
-- Parameters: runner: $scope. A file counts when any of its rows (loaded or
--             quarantined) falls in a region of the scope (load_region, as
--             in loads.sql; its ledger counts are the whole file's);
--             quarantined_rows counts the quarantined rows whose given
--             kode_wilayah is in the scope (rows without a readable code
--             only for every region), from quarantine_summary.
-- Stored:     for the whole warehouse
-- Grain:      one row.
-- Columns:    files, files_keluarga, files_penyaluran, files_with_quarantine,
--             files_with_warnings, rows_read, rows_loaded, rows_quarantined,
--             rows_superseded, rows_removed, quarantine_rate (rows_quarantined
--             / rows_read; NULL when nothing was read), first_load_at,
--             last_load_at, quarantined_rows (rows in the quarantine table).
WITH ledger AS (
    SELECT * FROM load_ledger
    WHERE $scope::VARCHAR[] IS NULL
       OR load_id IN (SELECT load_id FROM load_region WHERE list_contains($scope::VARCHAR[], region_code))
)
SELECT count(*) AS files,
       count(*) FILTER (WHERE kind = 'keluarga') AS files_keluarga,
       count(*) FILTER (WHERE kind = 'penyaluran') AS files_penyaluran,
       count(*) FILTER (WHERE rows_quarantined > 0) AS files_with_quarantine,
       count(*) FILTER (WHERE coalesce(warnings, '') <> '') AS files_with_warnings,
       coalesce(sum(rows_read), 0) AS rows_read,
       coalesce(sum(rows_loaded), 0) AS rows_loaded,
       coalesce(sum(rows_quarantined), 0) AS rows_quarantined,
       coalesce(sum(rows_superseded), 0) AS rows_superseded,
       coalesce(sum(rows_removed), 0) AS rows_removed,
       sum(rows_quarantined) / NULLIF(sum(rows_read), 0) AS quarantine_rate,
       min(loaded_at) AS first_load_at,
       max(loaded_at) AS last_load_at,
       (SELECT coalesce(sum(rows), 0)::BIGINT FROM quarantine_summary
        WHERE $scope::VARCHAR[] IS NULL OR list_contains($scope::VARCHAR[], region_code)) AS quarantined_rows
FROM ledger
