-- The kab/kota of the rows of the loads $lo to $hi, stored and quarantined
-- alike: what load_region holds (warehouse.sql says why). A quarantined row's
-- kab/kota is read from the kode_wilayah it was given (its first four
-- digits), as queries/kualitas_totals.sql scopes quarantined rows; a row
-- without four digits there names none. Run by ingestion for its new load,
-- and once by `migrate` for every load a schema-2 warehouse holds; `check`
-- compares load_region with it.
SELECT DISTINCT load_id, region_code FROM (
    SELECT load_id, region_code FROM fact_family WHERE load_id BETWEEN $lo AND $hi
    UNION ALL
    SELECT load_id, region_code FROM fact_allocation WHERE load_id BETWEEN $lo AND $hi
    UNION ALL
    SELECT load_id, CASE WHEN length(d) >= 4 THEN substr(d, 1, 2) || '.' || substr(d, 3, 2) END
    FROM (
        SELECT load_id, regexp_replace(coalesce(json_extract_string(row_values, '$.kode_wilayah'), ''), '[^0-9]', '', 'g') AS d
        FROM quarantine WHERE load_id BETWEEN $lo AND $hi
    )
)
WHERE region_code IS NOT NULL
ORDER BY load_id, region_code
