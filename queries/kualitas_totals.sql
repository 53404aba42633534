-- Data-quality totals over the load ledger: files, rows read, loaded and
-- quarantined, and the share quarantined.
-- Purpose:    the tiles of the Kualitas Data page.
-- Parameters: none; Scope: not regional (files span regions).
-- Grain:      one row.
-- Columns:    files, files_keluarga, files_penyaluran, files_with_quarantine,
--             files_with_warnings, rows_read, rows_loaded, rows_quarantined,
--             rows_superseded, rows_removed, quarantine_rate (rows_quarantined
--             / rows_read; NULL when nothing was read), first_load_at,
--             last_load_at, quarantined_rows (rows in the quarantine table).
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
       (SELECT count(*) FROM quarantine) AS quarantined_rows
FROM load_ledger
