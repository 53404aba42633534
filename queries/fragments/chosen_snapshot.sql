-- The register snapshot a query reads: the one dated $as_of, or the latest
-- when $as_of is NULL. One row, one column `as_of`. Queries put it in a CTE:
-- `WITH chosen AS ({{chosen_snapshot}})` and join `mart_targeting`,
-- `mart_funnel` ... on `as_of`.
SELECT coalesce($as_of::DATE, (SELECT max(as_of) FROM mart_snapshot)) AS as_of
