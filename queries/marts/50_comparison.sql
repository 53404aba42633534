-- Mart: comparison regions of each pilot (docs/indicators.md).
-- Needs:    current_family, current_allocation, ref_pilot, ref_region, ref_comparison.
-- Makes:    mart_comparison.
-- Purpose:  one definition of "comparison regions" for every page.
-- Grain:    pilot_code × comparison_code.
-- Columns:  pilot_code, comparison_code, source ('table' = listed in
--           data/reference/comparison_regions.csv; 'default' = a non-pilot
--           kab/kota of the pilot's province present in the data).
-- A pilot listed in the table uses exactly its rows; others use the default.
CREATE OR REPLACE TABLE mart_comparison AS
WITH present AS (
    SELECT region_code FROM current_family UNION SELECT region_code FROM current_allocation
), pilots AS (
    SELECT p.region_code AS pilot_code, r.province_code
    FROM ref_pilot p JOIN ref_region r ON r.code = p.region_code
    WHERE p.region_code IN (SELECT region_code FROM present)
)
SELECT c.pilot_code, c.comparison_code, 'table' AS source
FROM ref_comparison c
WHERE c.pilot_code IN (SELECT pilot_code FROM pilots)
UNION ALL
SELECT p.pilot_code, r.code, 'default'
FROM pilots p
JOIN ref_region r ON r.province_code = p.province_code
WHERE r.code IN (SELECT region_code FROM present)
  AND r.code NOT IN (SELECT region_code FROM ref_pilot)
  AND p.pilot_code NOT IN (SELECT pilot_code FROM ref_comparison);
