-- Mart: which register snapshot each region uses, for every snapshot date.
-- Purpose:  "for each region, its latest snapshot with date <= s"
--           (docs/indicators.md).
--           Every snapshot date loaded is an `as_of` a page may choose.
-- Grain:    as_of × region_code.
-- Columns:  as_of, region_code, snapshot_date (the region's register used),
--           families, has_decisions (registration decisions present in it).
-- When no register is loaded at all, one as_of = NULL row keeps the
-- allocation-only indicators reachable (t_as_of below).
-- Needs:    current_family.
-- Makes:    t_as_of, t_slice, mart_snapshot, t_reg, t_fam.
CREATE OR REPLACE TEMP TABLE t_as_of AS
SELECT DISTINCT snapshot_date AS as_of FROM current_family
UNION ALL
SELECT NULL::DATE WHERE NOT EXISTS (SELECT 1 FROM current_family);

CREATE OR REPLACE TEMP TABLE t_slice AS
SELECT region_code, snapshot_date, count(*) AS families, bool_or(decision IS NOT NULL) AS has_decisions
FROM current_family
GROUP BY region_code, snapshot_date;

-- A grouped join, not a correlated subquery in the join condition: the
-- same answer, and it runs unchanged on Spark (docs/national-scale.md).
CREATE OR REPLACE TABLE mart_snapshot AS
WITH chosen AS (
    SELECT a.as_of, s.region_code, max(s.snapshot_date) AS snapshot_date
    FROM t_as_of a
    JOIN t_slice s ON s.snapshot_date <= a.as_of
    GROUP BY a.as_of, s.region_code
)
SELECT c.as_of, s.region_code, s.snapshot_date, s.families, s.has_decisions
FROM chosen c
JOIN t_slice s ON s.region_code = c.region_code AND s.snapshot_date = c.snapshot_date;

-- The register as seen at each as_of: one row per family and region whose
-- snapshot is the one in use. `layak` counts only where decisions exist.
CREATE OR REPLACE TEMP TABLE t_reg AS
SELECT m.as_of, f.family_key, f.region_code, f.kecamatan_code, f.desil,
       (coalesce(f.decision = 'layak', false) OR coalesce(f.appeal = 'diterima', false)) AND m.has_decisions AS layak
FROM mart_snapshot m
JOIN current_family f ON f.region_code = m.region_code AND f.snapshot_date = m.snapshot_date;

-- Membership is by family key across all regions (docs/indicators.md): a family is
-- in E if eligible in any region's register in use.
CREATE OR REPLACE TEMP TABLE t_fam AS
SELECT as_of, family_key, min(desil) AS min_desil, bool_or(layak) AS layak
FROM t_reg
GROUP BY as_of, family_key;
