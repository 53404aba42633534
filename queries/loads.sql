-- The load ledger: every file loaded, newest first.
-- Parameters: none; Scope: not regional (files span regions; no figures by region).
-- Grain:      loaded file.
-- Columns:    load_id, file_name, kind, loaded_at, as_of, extract_date,
--             replace_mode, rows_read, rows_loaded, rows_quarantined,
--             rows_superseded, rows_removed, message, warnings, content_hash.
SELECT load_id, file_name, kind, loaded_at, as_of, extract_date, replace_mode,
       rows_read, rows_loaded, rows_quarantined, rows_superseded, rows_removed,
       message, warnings, content_hash
FROM load_ledger
ORDER BY load_id DESC
