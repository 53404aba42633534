-- Mart: leakage signals (docs/signals.md; one definition record per signal in bansos/signals.py).
-- Purpose:  the families behind each signal, and their counts per region and tranche:
--           1 double_allocation    allocated the same programme and tranche more than once
--                                  (two kab/kota or two institutions; a reroute is not an
--                                  allocation), counted in every region where allocated;
--           2 paid_not_registered  paid, and absent from every register in use at the
--                                  snapshot date (the indicators' not_in_register);
--           3 paid_off_window      paid before its tranche started or more than
--                                  $timely_days days after;
--           4 amount_mismatch      an allocated amount unlike the programme table's benefit
--                                  per tranche (only programmes that have one);
--           5 concentration        holding three or more programmes in the tranche, shown
--                                  beside the eligible families of the region holding none.
--           Plain SQL (no macros): the same file is meant to run on another engine.
-- Parameters: $timely_days — the timeliness setting (days after the tranche start).
-- Needs:    t_alloc, t_alloc_multi (15_allocations), t_as_of, t_reg, t_fam, mart_snapshot (10_snapshots),
--           t_periods, mart_targeting (20_targeting), ref_program, ref_tranche_calendar.
-- Makes:    t_signal_live, t_signal_held, t_signal_unregistered, t_signal_held_eligible,
--           mart_signal_family, mart_signal.
-- Grain:    mart_signal_family: signal × as_of × program × year × tranche × region_code ×
--           family_key (as_of only for paid_not_registered, NULL for the others);
--           mart_signal: as_of × basis × program × year × tranche × region_code × signal, for
--           every row of mart_targeting (a dense grid: no signal = 0); amount_mismatch only
--           for programmes with a benefit per tranche.
-- Columns:  mart_signal: families (families with the signal; NULL for paid_not_registered
--           where the region has no register in use), recipients (|R_r|, the per-1,000
--           denominator), eligible_without_any (concentration rows only: eligible families
--           of the region's register holding no programme in the tranche; NULL without a
--           register, and on the layak basis without decisions).

-- Allocations that count as allocations: every current row but reroutes (a view:
-- a copy would hold every allocation row once more).
CREATE OR REPLACE TEMP VIEW t_signal_live AS
SELECT family_key, program, year, tranche, region_code, institution, amount, status, paid_date
FROM t_alloc
WHERE NOT is_reroute;

-- Who holds any programme in a tranche, and how many programmes (is_first:
-- one row per family, programme and tranche over all regions).
CREATE OR REPLACE TEMP TABLE t_signal_held AS
SELECT family_key, year, tranche, count(*) AS programs
FROM t_alloc
WHERE is_first
GROUP BY family_key, year, tranche;

-- Paid families absent from every register in use, per snapshot date: probed
-- once per family, not once per payment row.
CREATE OR REPLACE TEMP TABLE t_signal_unregistered AS
WITH paid AS (
    SELECT DISTINCT family_key FROM t_signal_live WHERE status = 'tersalur'
)
SELECT s.as_of, p.family_key
FROM paid p
CROSS JOIN t_as_of s
LEFT JOIN t_fam f ON f.as_of = s.as_of AND f.family_key = p.family_key
WHERE f.family_key IS NULL;

CREATE OR REPLACE TABLE mart_signal_family AS
-- signal: double_allocation
-- Only a family with several rows of a programme and tranche can be allocated it
-- twice, and t_alloc_multi holds exactly those rows.
SELECT DISTINCT 'double_allocation' AS signal, CAST(NULL AS DATE) AS as_of,
       l.program, l.year, l.tranche, l.region_code, l.family_key
FROM t_alloc_multi l
JOIN (SELECT family_key, program, year, tranche
      FROM t_alloc_multi
      WHERE NOT is_reroute
      GROUP BY family_key, program, year, tranche
      HAVING count(*) > 1) d
  ON d.family_key = l.family_key AND d.program = l.program AND d.year = l.year AND d.tranche = l.tranche
WHERE NOT l.is_reroute
-- end: double_allocation
UNION ALL
-- signal: paid_not_registered
-- t_signal_unregistered (above): paid families absent from every register in use.
SELECT DISTINCT 'paid_not_registered', u.as_of, l.program, l.year, l.tranche, l.region_code, l.family_key
FROM t_signal_live l
JOIN t_signal_unregistered u ON u.family_key = l.family_key
JOIN mart_snapshot m ON m.as_of = u.as_of AND m.region_code = l.region_code
WHERE l.status = 'tersalur'
-- end: paid_not_registered
UNION ALL
-- signal: paid_off_window
SELECT DISTINCT 'paid_off_window', CAST(NULL AS DATE), l.program, l.year, l.tranche, l.region_code, l.family_key
FROM t_signal_live l
JOIN ref_tranche_calendar c ON c.tranche = l.tranche
WHERE l.status = 'tersalur' AND l.paid_date IS NOT NULL
  AND (l.paid_date < make_date(l.year, c.start_month, c.start_day)
       OR l.paid_date > make_date(l.year, c.start_month, c.start_day) + CAST($timely_days AS INTEGER))
-- end: paid_off_window
UNION ALL
-- signal: amount_mismatch
SELECT DISTINCT 'amount_mismatch', CAST(NULL AS DATE), l.program, l.year, l.tranche, l.region_code, l.family_key
FROM t_signal_live l
JOIN ref_program p ON p.code = l.program
WHERE p.benefit_per_tranche IS NOT NULL AND l.amount <> p.benefit_per_tranche
-- end: amount_mismatch
UNION ALL
-- signal: concentration
SELECT DISTINCT 'concentration', CAST(NULL AS DATE), l.program, l.year, l.tranche, l.region_code, l.family_key
FROM t_signal_live l
JOIN t_signal_held h ON h.family_key = l.family_key AND h.year = l.year AND h.tranche = l.tranche
WHERE h.programs >= 3
-- end: concentration
;

-- Eligible families of each region's register (per programme and basis) who hold
-- some programme in the tranche; eligible_without_any = eligible_families − these.
CREATE OR REPLACE TEMP TABLE t_signal_held_eligible AS
WITH held AS (
    -- grouped by what eligibility reads before the programmes are joined: a
    -- register row is then counted once, not once per programme
    SELECT r.as_of, r.region_code, r.desil, r.layak, h.year, h.tranche, count(*) AS families
    FROM t_reg r
    JOIN t_signal_held h ON h.family_key = r.family_key
    GROUP BY r.as_of, r.region_code, r.desil, r.layak, h.year, h.tranche
)
SELECT h.as_of, h.region_code, p.code AS program, h.year, h.tranche,
       CAST(coalesce(sum(h.families) FILTER (WHERE h.desil <= p.max_desil), 0) AS BIGINT) AS held_desil,
       CAST(coalesce(sum(h.families) FILTER (WHERE h.layak), 0) AS BIGINT) AS held_layak
FROM held h
JOIN t_periods q ON q.year = h.year AND q.tranche = h.tranche
JOIN ref_program p ON p.code = q.program
WHERE h.desil <= p.max_desil OR h.layak
GROUP BY h.as_of, h.region_code, p.code, h.year, h.tranche;

CREATE OR REPLACE TABLE mart_signal AS
WITH kinds AS (
    SELECT * FROM (VALUES ('double_allocation'), ('paid_not_registered'), ('paid_off_window'),
                          ('amount_mismatch'), ('concentration')) k(signal)
), grid AS (
    SELECT t.as_of, t.basis, t.program, t.year, t.tranche, t.region_code, k.signal,
           t.recipients, t.has_register, t.eligible_families
    FROM mart_targeting t
    CROSS JOIN kinds k
    JOIN ref_program p ON p.code = t.program
    WHERE k.signal <> 'amount_mismatch' OR p.benefit_per_tranche IS NOT NULL
), counted AS (
    SELECT signal, as_of, program, year, tranche, region_code, count(*) AS families
    FROM mart_signal_family
    GROUP BY signal, as_of, program, year, tranche, region_code
)
SELECT g.as_of, g.basis, g.program, g.year, g.tranche, g.region_code, g.signal,
       CASE WHEN g.signal = 'paid_not_registered' AND NOT g.has_register THEN NULL
            ELSE coalesce(c.families, 0) END AS families,
       g.recipients,
       CASE WHEN g.signal = 'concentration' THEN
           g.eligible_families - coalesce(CASE g.basis WHEN 'desil' THEN e.held_desil ELSE e.held_layak END, 0)
       END AS eligible_without_any
FROM grid g
LEFT JOIN counted c
       ON c.signal = g.signal AND c.program = g.program AND c.year = g.year AND c.tranche = g.tranche
      AND c.region_code = g.region_code
      AND c.as_of IS NOT DISTINCT FROM (CASE WHEN g.signal = 'paid_not_registered' THEN g.as_of END)
LEFT JOIN t_signal_held_eligible e
       ON g.signal = 'concentration' AND e.as_of IS NOT DISTINCT FROM g.as_of AND e.region_code = g.region_code
      AND e.program = g.program AND e.year = g.year AND e.tranche = g.tranche;
