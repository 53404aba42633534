-- Mart: targeting counts (coverage, exclusion and inclusion error inputs).
-- Purpose:  the set counts of docs/indicators.md, per basis, so pages never touch facts.
-- Grain:    mart_targeting_kecamatan: as_of × basis × program × year × tranche
--           × region_code × kecamatan_code (sparse; kecamatan NULL when the
--           source code was only kab/kota level).
--           mart_targeting: the same summed to region, for every region with
--           register data or allocations and every programme and tranche in
--           the allocations (a dense grid: absent = 0 recipients).
-- Columns:  eligible_families |E_r|, eligible_covered |E_r ∩ R|, recipients
--           |R_r|, eligible_recipients |R_r ∩ E|, not_in_register
--           |R_r \ register|, register_snapshot, has_register, has_decisions.
--           Register-based counts are NULL where the region has no register
--           as of `as_of` (and, on the layak basis, no decisions).
-- Needs:    t_as_of, t_reg, t_fam, mart_snapshot (10_snapshots), t_alloc (15_allocations).
-- Makes:    t_periods, t_bases, t_eligible, t_covered, t_recipient, mart_decile,
--           t_recipient_area, t_area, mart_targeting_kecamatan, mart_targeting.
CREATE OR REPLACE TEMP TABLE t_periods AS
SELECT DISTINCT program, year, tranche FROM t_alloc WHERE NOT is_reroute;

CREATE OR REPLACE TEMP TABLE t_bases AS
SELECT * FROM (VALUES ('desil'), ('layak')) b(basis);

-- |E_r| per programme.
CREATE OR REPLACE TEMP TABLE t_eligible AS
SELECT r.as_of, r.region_code, r.kecamatan_code, p.code AS program,
       count(*) FILTER (WHERE r.desil <= p.max_desil) AS eligible_desil,
       count(*) FILTER (WHERE r.layak) AS eligible_layak
FROM t_reg r CROSS JOIN ref_program p
GROUP BY ALL;

-- |E_r ∩ R| per programme and tranche (R: allocated, any status).
CREATE OR REPLACE TEMP TABLE t_covered AS
SELECT r.as_of, r.region_code, r.kecamatan_code, a.program, a.year, a.tranche,
       count(*) FILTER (WHERE r.desil <= p.max_desil) AS covered_desil,
       count(*) FILTER (WHERE r.layak) AS covered_layak
FROM t_reg r
JOIN t_alloc a ON a.family_key = r.family_key AND a.is_first
JOIN ref_program p ON p.code = a.program
WHERE r.desil <= p.max_desil OR r.layak
GROUP BY ALL;

-- |R_r|, |R_r ∩ E|, |R_r \ register| and the recipients' deciles.
CREATE OR REPLACE TEMP TABLE t_recipient AS
SELECT s.as_of, a.program, a.year, a.tranche, a.region_code, a.kecamatan_code,
       CASE WHEN f.family_key IS NULL THEN 'not_in_register'
            WHEN f.min_desil IS NULL THEN 'unranked'
            ELSE lpad(CAST(f.min_desil AS VARCHAR), 2, '0') END AS desil_group,
       count(*) AS recipients,
       count(*) FILTER (WHERE f.min_desil <= p.max_desil) AS eligible_recipients_desil,
       count(*) FILTER (WHERE f.layak) AS eligible_recipients_layak,
       count(*) FILTER (WHERE f.family_key IS NULL) AS not_in_register
FROM t_alloc a
CROSS JOIN t_as_of s
JOIN ref_program p ON p.code = a.program
LEFT JOIN t_fam f ON f.as_of IS NOT DISTINCT FROM s.as_of AND f.family_key = a.family_key
WHERE a.is_primary
GROUP BY ALL;

CREATE OR REPLACE TABLE mart_decile AS
SELECT as_of, program, year, tranche, region_code, desil_group, sum(recipients) AS recipients
FROM t_recipient
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE t_recipient_area AS
SELECT as_of, program, year, tranche, region_code, kecamatan_code,
       sum(recipients) AS recipients,
       sum(eligible_recipients_desil) AS eligible_recipients_desil,
       sum(eligible_recipients_layak) AS eligible_recipients_layak,
       sum(not_in_register) AS not_in_register
FROM t_recipient
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE t_area AS
WITH area_keys AS (
    SELECT as_of, region_code, kecamatan_code, program, year, tranche FROM t_covered
    UNION
    SELECT as_of, region_code, kecamatan_code, program, year, tranche FROM t_recipient_area
    UNION
    SELECT e.as_of, e.region_code, e.kecamatan_code, e.program, p.year, p.tranche
    FROM t_eligible e JOIN t_periods p ON p.program = e.program
)
SELECT k.as_of, k.region_code, k.kecamatan_code, k.program, k.year, k.tranche,
       coalesce(e.eligible_desil, 0) AS eligible_desil, coalesce(e.eligible_layak, 0) AS eligible_layak,
       coalesce(c.covered_desil, 0) AS covered_desil, coalesce(c.covered_layak, 0) AS covered_layak,
       coalesce(r.recipients, 0) AS recipients,
       coalesce(r.eligible_recipients_desil, 0) AS eligible_recipients_desil,
       coalesce(r.eligible_recipients_layak, 0) AS eligible_recipients_layak,
       coalesce(r.not_in_register, 0) AS not_in_register
FROM area_keys k
LEFT JOIN t_eligible e ON e.as_of IS NOT DISTINCT FROM k.as_of AND e.region_code = k.region_code
     AND e.kecamatan_code IS NOT DISTINCT FROM k.kecamatan_code AND e.program = k.program
LEFT JOIN t_covered c ON c.as_of IS NOT DISTINCT FROM k.as_of AND c.region_code = k.region_code
     AND c.kecamatan_code IS NOT DISTINCT FROM k.kecamatan_code AND c.program = k.program AND c.year = k.year AND c.tranche = k.tranche
LEFT JOIN t_recipient_area r ON r.as_of IS NOT DISTINCT FROM k.as_of AND r.region_code = k.region_code
     AND r.kecamatan_code IS NOT DISTINCT FROM k.kecamatan_code AND r.program = k.program AND r.year = k.year AND r.tranche = k.tranche;

-- One row per basis, each count taken from its basis's column (a CASE, not a
-- macro, so that Spark runs the same statement). The NULL rules of
-- docs/indicators.md are applied once, in mart_targeting below.
CREATE OR REPLACE TABLE mart_targeting_kecamatan AS
SELECT t.as_of, b.basis, t.program, t.year, t.tranche, t.region_code, t.kecamatan_code,
       m.snapshot_date AS register_snapshot,
       m.region_code IS NOT NULL AS has_register,
       coalesce(m.has_decisions, false) AS has_decisions,
       CASE b.basis WHEN 'desil' THEN t.eligible_desil ELSE t.eligible_layak END AS eligible_families,
       CASE b.basis WHEN 'desil' THEN t.covered_desil ELSE t.covered_layak END AS eligible_covered,
       t.recipients,
       CASE b.basis WHEN 'desil' THEN t.eligible_recipients_desil ELSE t.eligible_recipients_layak END AS eligible_recipients,
       t.not_in_register
FROM t_area t
CROSS JOIN t_bases b
LEFT JOIN mart_snapshot m ON m.as_of IS NOT DISTINCT FROM t.as_of AND m.region_code = t.region_code;

CREATE OR REPLACE TABLE mart_targeting AS
WITH regions AS (
    SELECT region_code FROM current_family UNION SELECT region_code FROM current_allocation
), summed AS (
    SELECT as_of, basis, program, year, tranche, region_code,
           sum(eligible_families) AS eligible_families, sum(eligible_covered) AS eligible_covered,
           sum(recipients) AS recipients, sum(eligible_recipients) AS eligible_recipients,
           sum(not_in_register) AS not_in_register
    FROM mart_targeting_kecamatan
    GROUP BY ALL
), grid AS (
    SELECT a.as_of, b.basis, p.program, p.year, p.tranche, r.region_code
    FROM t_as_of a CROSS JOIN t_bases b CROSS JOIN t_periods p CROSS JOIN regions r
)
SELECT g.as_of, g.basis, g.program, g.year, g.tranche, g.region_code,
       m.snapshot_date AS register_snapshot,
       m.region_code IS NOT NULL AS has_register,
       coalesce(m.has_decisions, false) AS has_decisions,
       CASE WHEN m.region_code IS NULL OR (g.basis = 'layak' AND NOT m.has_decisions) THEN NULL
            ELSE coalesce(s.eligible_families, 0) END AS eligible_families,
       CASE WHEN m.region_code IS NULL OR (g.basis = 'layak' AND NOT m.has_decisions) THEN NULL
            ELSE coalesce(s.eligible_covered, 0) END AS eligible_covered,
       coalesce(s.recipients, 0) AS recipients,
       CASE WHEN m.region_code IS NULL OR (g.basis = 'layak' AND NOT m.has_decisions) THEN NULL
            ELSE coalesce(s.eligible_recipients, 0) END AS eligible_recipients,
       CASE WHEN m.region_code IS NULL THEN NULL ELSE coalesce(s.not_in_register, 0) END AS not_in_register
FROM grid g
LEFT JOIN summed s ON s.as_of IS NOT DISTINCT FROM g.as_of AND s.basis = g.basis AND s.program = g.program
     AND s.year = g.year AND s.tranche = g.tranche AND s.region_code = g.region_code
LEFT JOIN mart_snapshot m ON m.as_of IS NOT DISTINCT FROM g.as_of AND m.region_code = g.region_code;
