-- Options: register snapshot dates a view may be computed at.
-- Parameters: none; Scope: not regional (lists dates, no figures).
-- Stored:     whole
-- Grain:      as_of.
-- Columns:    as_of, regions (with a register in use at that date).
SELECT as_of, count(*) AS regions
FROM mart_snapshot
GROUP BY as_of
ORDER BY as_of
