-- Names of given kab/kota codes, from the reference table (whether or not
-- any data was loaded for them yet).
-- Purpose:    naming an operator's regions on the Unggah Data page.
-- Parameters: $regions (kab/kota codes); Scope: not regional (names from
--             the reference list, no figures).
-- Grain:      kab/kota.
-- Columns:    region_code, region_name.
SELECT code AS region_code, name AS region_name
FROM ref_region
WHERE list_contains($regions::VARCHAR[], code)
ORDER BY code
