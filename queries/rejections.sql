-- Files rejected whole (unreadable, no matching header, mostly bad rows,
-- rows outside the operator's regions): nothing of them was loaded, so
-- they are not in the ledger; this is their trace, newest first.
-- Purpose:    the "rejected files" section of the Kualitas Data page.
-- Parameters: runner: $scope. $who: the viewer as loads record them (login,
--             long digit runs masked), NULL when the viewer loads nothing;
--             $limit: most rows returned.
--             A rejected file has no rows, so no region to scope by: those
--             who see every region ($scope NULL) see every rejection; anyone
--             else only the files they sent themselves (rejected_by = $who).
-- Grain:      rejection (a file sent twice and rejected twice is two rows).
-- Columns:    rejected_at (UTC), file_name, kind (NULL when not recognised),
--             message, rejected_by, total (rejections visible in all, before
--             the limit).
SELECT rejected_at, file_name, kind, message, rejected_by, count(*) OVER () AS total
FROM rejections
WHERE $scope::VARCHAR[] IS NULL
   OR ($who::VARCHAR IS NOT NULL AND rejected_by = $who::VARCHAR)
ORDER BY rejected_at DESC
LIMIT $limit
