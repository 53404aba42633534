-- Mart: allocation and disbursement (register-independent).
-- Purpose:  disbursement rate, timeliness, channel mix, payment statuses.
-- Parameters: $timely_days — paid within this many days of the tranche start.
-- Grain:    region_code × kecamatan_code × program × year × tranche × institution.
-- Columns:  recipients (families allocated), allocated_amount, paid_families,
--           disbursed_amount, timely_families, failed_families,
--           returned_families, pending_families. A family has one row per
--           programme and tranche, so these add up over institutions.
CREATE OR REPLACE TABLE mart_allocation AS
SELECT a.region_code, a.kecamatan_code, a.program, a.year, a.tranche, a.institution,
       count(*) AS recipients,
       sum(a.amount) AS allocated_amount,
       count(*) FILTER (WHERE a.status = 'tersalur') AS paid_families,
       coalesce(sum(a.amount) FILTER (WHERE a.status = 'tersalur'), 0) AS disbursed_amount,
       count(*) FILTER (
           WHERE a.status = 'tersalur'
             AND a.paid_date <= make_date(a.year, c.start_month, c.start_day) + to_days(CAST($timely_days AS INTEGER))
       ) AS timely_families,
       count(*) FILTER (WHERE a.status = 'gagal') AS failed_families,
       count(*) FILTER (WHERE a.status = 'retur') AS returned_families,
       count(*) FILTER (WHERE a.status = 'proses') AS pending_families
FROM fact_allocation a
LEFT JOIN ref_tranche_calendar c ON c.tranche = a.tranche
GROUP BY ALL;
