-- Mart: allocation and disbursement (register-independent).
-- Purpose:  disbursement rate, timeliness, channel mix, payment statuses.
-- Parameters: $timely_days — paid within this many days of the tranche start
--           (DATE + INTEGER days: a DATE on DuckDB and on Spark alike).
-- Needs:    t_alloc (15_allocations).
-- Makes:    mart_allocation, mart_allocation_region.
-- Grain:    region_code × kecamatan_code × program × year × tranche × institution;
--           mart_allocation_region: region_code × program × year × tranche,
--           the same columns summed over kecamatan and institution (what
--           the pages' kab/kota and totals questions read: nationally about
--           seventy times fewer rows than mart_allocation).
-- Columns:  recipients (families allocated, each counted once per kab/kota
--           on its primary row, so these add up over institutions and
--           kecamatan), allocated_amount (every allocation but reroutes:
--           money allocated twice adds up), paid_families, disbursed_amount,
--           timely_families, failed_families, returned_families,
--           pending_families (families by the status of their primary row),
--           rerouted_payments (failed or returned rows paid again or pending
--           through another row; not allocations), allocation_rows (rows
--           that are allocations: more than recipients where a family was
--           allocated twice).
CREATE OR REPLACE TABLE mart_allocation AS
SELECT a.region_code, a.kecamatan_code, a.program, a.year, a.tranche, a.institution,
       count(*) FILTER (WHERE a.is_primary) AS recipients,
       coalesce(sum(a.amount) FILTER (WHERE NOT a.is_reroute), 0) AS allocated_amount,
       count(*) FILTER (WHERE a.is_primary AND a.status = 'tersalur') AS paid_families,
       coalesce(sum(a.amount) FILTER (WHERE a.status = 'tersalur'), 0) AS disbursed_amount,
       count(*) FILTER (
           WHERE a.is_primary AND a.status = 'tersalur'
             AND a.paid_date <= make_date(a.year, c.start_month, c.start_day) + CAST($timely_days AS INTEGER)
       ) AS timely_families,
       count(*) FILTER (WHERE a.is_primary AND a.status = 'gagal') AS failed_families,
       count(*) FILTER (WHERE a.is_primary AND a.status = 'retur') AS returned_families,
       count(*) FILTER (WHERE a.is_primary AND a.status = 'proses') AS pending_families,
       count(*) FILTER (WHERE a.is_reroute) AS rerouted_payments,
       count(*) FILTER (WHERE NOT a.is_reroute) AS allocation_rows
FROM t_alloc a
LEFT JOIN ref_tranche_calendar c ON c.tranche = a.tranche
GROUP BY ALL;

CREATE OR REPLACE TABLE mart_allocation_region AS
SELECT region_code, program, year, tranche,
       CAST(sum(recipients) AS BIGINT) AS recipients,
       sum(allocated_amount) AS allocated_amount,
       CAST(sum(paid_families) AS BIGINT) AS paid_families,
       sum(disbursed_amount) AS disbursed_amount,
       CAST(sum(timely_families) AS BIGINT) AS timely_families,
       CAST(sum(failed_families) AS BIGINT) AS failed_families,
       CAST(sum(returned_families) AS BIGINT) AS returned_families,
       CAST(sum(pending_families) AS BIGINT) AS pending_families,
       CAST(sum(rerouted_payments) AS BIGINT) AS rerouted_payments,
       CAST(sum(allocation_rows) AS BIGINT) AS allocation_rows
FROM mart_allocation
GROUP BY region_code, program, year, tranche;
