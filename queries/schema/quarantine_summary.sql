-- The quarantined rows of the loads $lo to $hi, counted by load, kab/kota and
-- set of broken rules: what quarantine_summary holds (warehouse.sql says
-- why). A row's kab/kota is read from the kode_wilayah it was given (its
-- first four digits), as load_region.sql reads it; a row without four digits
-- there names none. Run by ingestion for its new load, and once by `migrate`
-- for every load a schema-3 warehouse holds; `check` compares the table with it.
SELECT load_id, file_name,
       CASE WHEN length(d) >= 4 THEN substr(d, 1, 2) || '.' || substr(d, 3, 2) END AS region_code,
       reasons, count(*) AS rows, min(line) AS first_line
FROM (
    SELECT load_id, file_name, line, reasons,
           regexp_replace(coalesce(json_extract_string(row_values, '$.kode_wilayah'), ''), '[^0-9]', '', 'g') AS d
    FROM quarantine WHERE load_id BETWEEN $lo AND $hi
)
GROUP BY ALL
ORDER BY load_id, region_code NULLS FIRST, reasons
