-- Names of kab/kota and provinces from the reference tables, for a brief's title.
-- Purpose:    a brief names its region or province even when it has no data for
--             the period (the one-page "no data" brief), so the names come from
--             the reference tables, not from the marts. Reference data only.
-- Scope: not regional (names and codes are public reference data, no figures).
-- Parameters: none.
-- Grain:      one row per kab/kota and one per province.
-- Columns:    kind ('region' | 'province'), code, name, province_code, is_pilot.
SELECT 'region' AS kind, r.code, r.name, r.province_code, p.region_code IS NOT NULL AS is_pilot
FROM ref_region r
LEFT JOIN ref_pilot p ON p.region_code = r.code
UNION ALL
SELECT 'province', v.code, v.name, v.code, false
FROM ref_province v
ORDER BY kind, code
