-- Increment inputs: the facts the mart files (queries/marts/) need to give the
-- affected regions' rows exactly, put in the scratch catalog `mart_scratch`
-- under the names the mart files read (bansos/marts.py `refresh`).
-- Parameters: $latest — NULL: the regions' rows at every as_of; a date (the
--           regions' new snapshot, after every as_of: 10_scope's
--           new_date_only): their rows at that as_of only.
-- Needs:    i_region (20_regions or 25_split), current_family,
--           current_allocation, and the marts before the call (mart_snapshot,
--           mart_targeting).
-- Makes:    i_in_use, i_closure, mart_scratch.current_family,
--           mart_scratch.current_allocation.
-- A region's mart rows depend on (a) every current row of every family with a
-- current row in the region: membership is by family across regions;
-- (b) which slice every other region uses at each as_of and whether that
-- slice has decisions (so that a family registered elsewhere counts as it does
-- in a full rebuild); (c) the list of as_of dates and of programme tranches.
-- (a) are real rows. (b) and (c) come from the marts before the call, which
-- the call did not change outside the affected regions (10_scope), as
-- placeholder rows with no family (family_key NULL joins no family): one per
-- slice of a region outside the affected ones where a closure family is
-- registered, one per as_of date and one per programme tranche in a
-- placeholder region '' (no kab/kota code is empty). Their own rows in the
-- marts (other regions, region '') are discarded by refresh.
-- At $latest alone, only the slices in use then count: the regions' new
-- snapshot, and every other region's latest (the new date comes after all of
-- them). They are all given dated $latest, their placeholders too, and no
-- as_of placeholder, so that $latest is the only as_of of the scratch: the
-- mart files then give rows at $latest alone instead of at every date of the
-- slices given. The date moves no number of the regions' rows: a slice's date
-- only chooses which slice is in use (each of these is the one in use at
-- $latest) and names it in other regions' rows (register_snapshot,
-- mart_snapshot), which refresh discards.
-- A family counts through its rows in those slices and its allocations, so
-- the closure is the families of the new snapshot and those paid in the
-- regions, not every family the regions ever registered.
-- The copies leave out the fact columns no mart file reads
-- ({{unread_family}}, {{unread_allocation}}: bansos/marts.py UNREAD).

CREATE OR REPLACE TEMP TABLE i_in_use AS
SELECT region_code, max(snapshot_date) AS snapshot_date
FROM mart_snapshot
WHERE $latest::DATE IS NOT NULL AND region_code NOT IN (SELECT region_code FROM i_region)
GROUP BY region_code
UNION ALL
SELECT region_code, $latest::DATE FROM i_region WHERE $latest::DATE IS NOT NULL;

CREATE OR REPLACE TEMP TABLE i_closure AS
SELECT family_key FROM current_family
WHERE region_code IN (SELECT region_code FROM i_region)
  AND ($latest::DATE IS NULL OR snapshot_date = $latest::DATE)
UNION
SELECT family_key FROM current_allocation WHERE region_code IN (SELECT region_code FROM i_region);

CREATE TABLE mart_scratch.current_family AS
SELECT * EXCLUDE ({{unread_family}}) REPLACE (coalesce($latest::DATE, f.snapshot_date) AS snapshot_date)
FROM current_family f
WHERE f.family_key IN (SELECT family_key FROM i_closure)
  AND ($latest::DATE IS NULL
       OR EXISTS (SELECT 1 FROM i_in_use u WHERE u.region_code = f.region_code AND u.snapshot_date = f.snapshot_date));

INSERT INTO mart_scratch.current_family BY NAME
SELECT coalesce($latest::DATE, m.snapshot_date) AS snapshot_date, m.region_code,
       CASE WHEN m.has_decisions THEN 'layak' END AS decision, 0 AS load_id
FROM mart_snapshot m
WHERE m.as_of = m.snapshot_date
  AND m.region_code NOT IN (SELECT region_code FROM i_region)
  AND m.region_code IN (SELECT region_code FROM mart_scratch.current_family)
  AND ($latest::DATE IS NULL
       OR EXISTS (SELECT 1 FROM i_in_use u WHERE u.region_code = m.region_code AND u.snapshot_date = m.snapshot_date));

INSERT INTO mart_scratch.current_family BY NAME
SELECT DISTINCT as_of AS snapshot_date, '' AS region_code, 0 AS load_id
FROM mart_snapshot
WHERE as_of IS NOT NULL AND $latest::DATE IS NULL;

CREATE TABLE mart_scratch.current_allocation AS
SELECT * EXCLUDE ({{unread_allocation}}) FROM current_allocation WHERE family_key IN (SELECT family_key FROM i_closure);

INSERT INTO mart_scratch.current_allocation BY NAME
SELECT DISTINCT program, year, tranche, '' AS region_code, 0 AS load_id
FROM mart_targeting;
