-- Allocations as the indicators count them (docs/indicators.md).
-- Purpose:  one place that settles what a current allocation row counts for:
--           - a reroute, a `gagal`/`retur` row of a family that has another
--             row of the same programme and tranche that is `tersalur` or
--             `proses` (a failed bank payment paid again through PT Pos), is
--             not an allocation: neither in the allocated amount nor in any
--             set of recipients; it stays visible as a rerouted payment;
--           - a family allocated twice in one kab/kota (two institutions)
--             is one recipient there: `is_primary` marks the one row that
--             carries it (paid first, then pending, failed, returned; the
--             earliest payment; then institution and kecamatan order), so
--             family counts add up over institutions and kecamatan;
--           - a family allocated in two kab/kota is a recipient in each;
--             `is_first` marks one row per family, programme and tranche
--             over all regions (membership in R, docs/indicators.md).
--           Most families have one row per programme and tranche; only the
--           others are ordered (t_alloc_multi), the rest are joined to it.
-- Needs:    current_allocation.
-- Makes:    t_alloc_multi, t_alloc (a view over current_allocation).
-- Grain:    t_alloc: one row per current allocation row, with is_reroute,
--           is_primary, is_first.
CREATE OR REPLACE TEMP TABLE t_alloc_multi AS
WITH multi AS (
    SELECT family_key, program, year, tranche, bool_or(status IN ('tersalur', 'proses')) AS has_live
    FROM current_allocation
    GROUP BY family_key, program, year, tranche
    HAVING count(*) > 1
), flagged AS (
    SELECT a.family_key, a.program, a.year, a.tranche, a.region_code, a.institution, a.kecamatan_code,
           a.status, a.paid_date, m.has_live AND a.status IN ('gagal', 'retur') AS is_reroute
    FROM current_allocation a
    JOIN multi m ON m.family_key = a.family_key AND m.program = a.program AND m.year = a.year AND m.tranche = a.tranche
), ranked AS (
    SELECT *,
           CASE WHEN is_reroute THEN 1 ELSE 0 END AS reroute_rank,
           CASE status WHEN 'tersalur' THEN 1 WHEN 'proses' THEN 2 WHEN 'gagal' THEN 3 ELSE 4 END AS status_rank
    FROM flagged
)
SELECT family_key, program, year, tranche, region_code, institution, is_reroute,
       NOT is_reroute AND row_number() OVER (
           PARTITION BY family_key, program, year, tranche, region_code
           ORDER BY reroute_rank, status_rank, paid_date NULLS LAST, institution NULLS LAST, kecamatan_code NULLS LAST
       ) = 1 AS is_primary,
       NOT is_reroute AND row_number() OVER (
           PARTITION BY family_key, program, year, tranche
           ORDER BY reroute_rank, status_rank, paid_date NULLS LAST, region_code, institution NULLS LAST
       ) = 1 AS is_first
FROM ranked;

CREATE OR REPLACE TEMP VIEW t_alloc AS
SELECT a.family_key, a.program, a.year, a.tranche, a.region_code, a.kecamatan_code, a.institution,
       a.amount, a.status, a.paid_date,
       coalesce(m.is_reroute, false) AS is_reroute,
       coalesce(m.is_primary, true) AS is_primary,
       coalesce(m.is_first, true) AS is_first
FROM current_allocation a
LEFT JOIN t_alloc_multi m
       ON m.family_key = a.family_key AND m.program = a.program AND m.year = a.year AND m.tranche = a.tranche
      AND m.region_code = a.region_code AND m.institution IS NOT DISTINCT FROM a.institution;
