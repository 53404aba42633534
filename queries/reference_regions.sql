-- Every kab/kota of the reference table with its province: names only, no data.
-- Purpose:    resolving a link that names a region outside the viewer's
--             access (said "outside your access", not "unknown", and without
--             telling whether that region has data).
-- Parameters: none; Scope: not regional (the reference table, the same for everyone).
-- Grain:      kab/kota.
-- Columns:    region_code, region_name, province_code, province_name.
SELECT r.code AS region_code, r.name AS region_name, r.province_code, pv.name AS province_name
FROM ref_region r
LEFT JOIN ref_province pv ON pv.code = r.province_code
ORDER BY r.code
