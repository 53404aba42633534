-- Mart: the registration funnel (docs/indicators.md) and the register's deciles.
-- Needs:    mart_snapshot (10_snapshots), t_alloc (15_allocations).
-- Makes:    t_reg_detail, mart_funnel, mart_funnel_recipients, mart_register_decile.
-- Grain:    mart_funnel: as_of × region_code (the region's register in use).
--           mart_funnel_recipients: as_of × region_code × program × year × tranche.
--           mart_register_decile: as_of × region_code × desil_group.
-- Columns:  families (all in the register), new_registrations (channel
--           mandiri/agen/musdes/dinsos), by channel (dtsen apart), decided,
--           layak, tidak_layak, appealed (of tidak_layak), upheld, appeal_rejected,
--           final_layak (layak + upheld), and per tranche the final-layak new
--           registrants allocated (recipients) and paid.
-- Only the columns the marts below read: copying every column of the
-- register (hashes, dates) was the slowest statement of this file.
CREATE OR REPLACE TEMP TABLE t_reg_detail AS
SELECT m.as_of, f.region_code, f.family_key, f.channel, f.decision, f.appeal, f.desil
FROM mart_snapshot m
JOIN current_family f ON f.region_code = m.region_code AND f.snapshot_date = m.snapshot_date;

CREATE OR REPLACE TABLE mart_funnel AS
SELECT as_of, region_code,
       count(*) AS families,
       count(*) FILTER (WHERE channel IN ('mandiri', 'agen', 'musdes', 'dinsos')) AS new_registrations,
       count(*) FILTER (WHERE channel = 'mandiri') AS channel_mandiri,
       count(*) FILTER (WHERE channel = 'agen') AS channel_agen,
       count(*) FILTER (WHERE channel = 'musdes') AS channel_musdes,
       count(*) FILTER (WHERE channel = 'dinsos') AS channel_dinsos,
       count(*) FILTER (WHERE channel = 'dtsen') AS channel_dtsen,
       count(*) FILTER (WHERE channel IS NULL) AS channel_blank,
       count(*) FILTER (WHERE channel IN ('mandiri', 'agen', 'musdes', 'dinsos') AND decision IS NOT NULL) AS decided,
       count(*) FILTER (WHERE channel IN ('mandiri', 'agen', 'musdes', 'dinsos') AND decision = 'layak') AS layak,
       count(*) FILTER (WHERE channel IN ('mandiri', 'agen', 'musdes', 'dinsos') AND decision = 'tidak_layak') AS tidak_layak,
       count(*) FILTER (WHERE channel IN ('mandiri', 'agen', 'musdes', 'dinsos') AND decision = 'tidak_layak'
                        AND appeal IN ('diajukan', 'diterima', 'ditolak')) AS appealed,
       count(*) FILTER (WHERE channel IN ('mandiri', 'agen', 'musdes', 'dinsos') AND decision = 'tidak_layak' AND appeal = 'diterima') AS upheld,
       count(*) FILTER (WHERE channel IN ('mandiri', 'agen', 'musdes', 'dinsos') AND decision = 'tidak_layak' AND appeal = 'ditolak') AS appeal_rejected,
       count(*) FILTER (WHERE channel IN ('mandiri', 'agen', 'musdes', 'dinsos')
                        AND (decision = 'layak' OR (decision = 'tidak_layak' AND appeal = 'diterima'))) AS final_layak
FROM t_reg_detail
GROUP BY ALL;

CREATE OR REPLACE TABLE mart_funnel_recipients AS
SELECT r.as_of, r.region_code, a.program, a.year, a.tranche,
       count(DISTINCT r.family_key) AS recipients,
       count(DISTINCT r.family_key) FILTER (WHERE a.status = 'tersalur') AS paid
FROM t_reg_detail r
JOIN t_alloc a ON a.family_key = r.family_key AND NOT a.is_reroute
WHERE r.channel IN ('mandiri', 'agen', 'musdes', 'dinsos')
  AND (r.decision = 'layak' OR (r.decision = 'tidak_layak' AND r.appeal = 'diterima'))
GROUP BY ALL;

CREATE OR REPLACE TABLE mart_register_decile AS
SELECT as_of, region_code,
       CASE WHEN desil IS NULL THEN 'unranked' ELSE lpad(CAST(desil AS VARCHAR), 2, '0') END AS desil_group,
       count(*) AS families
FROM t_reg_detail
GROUP BY ALL;
