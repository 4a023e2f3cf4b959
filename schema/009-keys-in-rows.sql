-- Purging a day by partitions only (issue #7: one day of ~333,000 check-ins in under a second).
-- Before this file the purge also deleted a day's rows from checkin_keys (one per check-in)
-- and from the two presence tables: ~2.5 s per 200,000 rows. After it, nothing of a day's
-- check-ins is deleted row by row.
--
-- 1. The idempotency key lives in the check-in row. A partitioned table's unique keys must hold
-- the partition column, so it is unique per (province, day): the Vietnam day of the stored
-- pressed time. When the pressed time is the client's (believed), a retry sends the same time
-- and lands on the same day, and the index finds it; a concurrent duplicate waits on the first
-- one's uncommitted key and gets a duplicate error after its commit. Paper rows take their
-- time from the file, the same on every upload. NULL for check-ins whose key is elsewhere (the
-- server's time, below).
ALTER TABLE checkins
  ADD COLUMN idem_key BINARY(16) NULL AFTER check_code,
  ADD UNIQUE KEY checkins_idem (province, day, idem_key);

-- 2. checkin_keys keeps only the keys of check-ins filed at the server's time (no pressed time,
-- or one not believed, or one whose Vietnam day is not the stored one): a retry of those can
-- come after Vietnam midnight with another server time, so their uniqueness must hold across
-- days. They are few, and the purge deletes them along checkin_keys_day once no retry can come:
-- their checkin_day (the server's day they came) more than CHECKIN_KEYS_KEEP_DAYS
-- (cgi/domain/checkins.h) ago, or dropped with its partition.

-- Existing keys: each check-in takes into its row the key its own submission stored (the
-- earliest received of the keys pointing at it; later ones are "already recorded" repeats of
-- it within two minutes). No key is lost:
-- - a key copied into its row leaves checkin_keys when the row's pressed time was the client's
--   (pressed_at < received_at): the row's index now answers its retries;
-- - the others stay: keys of check-ins at the server's time (pressed_at = received_at), whose
--   retries after midnight still need them, and the "already recorded" repeats, which still
--   point at their earlier check-in. The purge removes them after CHECKIN_KEYS_KEEP_DAYS like
--   every new one.
-- Keys pointing at no check-in (a claim of a paper row is pointed in the same transaction, so
-- none are left by committed ones) would stay: their day is NULL.
UPDATE checkins c
  JOIN (SELECT province, checkin_day, checkin_id, MIN(received_at) AS first_received FROM checkin_keys
        WHERE checkin_id IS NOT NULL GROUP BY province, checkin_day, checkin_id) f
    ON f.province = c.province AND f.checkin_day = c.day AND f.checkin_id = c.id
  JOIN checkin_keys k ON k.province = f.province AND k.checkin_day = f.checkin_day
    AND k.checkin_id = f.checkin_id AND k.received_at = f.first_received
  SET c.idem_key = k.idem_key
  WHERE c.idem_key IS NULL;
DELETE k FROM checkin_keys k JOIN checkins c ON c.province = k.province AND c.day = k.checkin_day
  AND c.id = k.checkin_id
  WHERE c.idem_key = k.idem_key AND c.pressed_at < c.received_at;

-- 3. The presence tables (person ids by day, filled by the checkins trigger of
-- schema/008-counters.sql) are partitioned by day like checkins, with the same partitions, so
-- the purge drops their expired days too. Their primary keys already start (province, day).
-- The layout is copied from checkins as it is now: p_future alone on a fresh install, the day
-- partitions `vaora migrate` and the purge made on an existing one (the copy moves their rows
-- once). From here on checkins_add_days and checkins_drop_day change all three together.
CREATE PROCEDURE presence_partition_like_checkins()
BEGIN
  DECLARE parts TEXT;
  SELECT GROUP_CONCAT('PARTITION ', PARTITION_NAME, ' VALUES LESS THAN (', PARTITION_DESCRIPTION, ')'
                      ORDER BY PARTITION_ORDINAL_POSITION SEPARATOR ', ')
    INTO parts FROM information_schema.PARTITIONS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'checkins';
  SET @presence_partition_ddl = CONCAT('ALTER TABLE day_presence PARTITION BY RANGE COLUMNS(day) (', parts, ')');
  PREPARE change_partitions FROM @presence_partition_ddl;
  EXECUTE change_partitions;
  DEALLOCATE PREPARE change_partitions;
  SET @presence_partition_ddl = CONCAT('ALTER TABLE area_day_presence PARTITION BY RANGE COLUMNS(day) (', parts,
                                       ')');
  PREPARE change_partitions FROM @presence_partition_ddl;
  EXECUTE change_partitions;
  DEALLOCATE PREPARE change_partitions;
END;
CALL presence_partition_like_checkins();
DROP PROCEDURE presence_partition_like_checkins;

-- The two partition procedures of schema/006-retention.sql, now for the three day-partitioned
-- tables. Names and bounds are still made from DATE values here, never from caller text.
DROP PROCEDURE checkins_add_days;
CREATE PROCEDURE checkins_add_days(IN first_day DATE, IN last_day DATE)
BEGIN
  DECLARE d DATE DEFAULT first_day;
  DECLARE parts TEXT DEFAULT '';
  WHILE d <= last_day DO
    SET parts = CONCAT(parts, 'PARTITION p', DATE_FORMAT(d, '%Y%m%d'), ' VALUES LESS THAN (''',
                       d + INTERVAL 1 DAY, '''), ');
    SET d = d + INTERVAL 1 DAY;
  END WHILE;
  SET parts = CONCAT(' REORGANIZE PARTITION p_future INTO (', parts, 'PARTITION p_future VALUES LESS THAN (MAXVALUE))');
  SET @checkins_partition_ddl = CONCAT('ALTER TABLE checkins', parts);
  PREPARE change_partitions FROM @checkins_partition_ddl;
  EXECUTE change_partitions;
  SET @checkins_partition_ddl = CONCAT('ALTER TABLE day_presence', parts);
  PREPARE change_partitions FROM @checkins_partition_ddl;
  EXECUTE change_partitions;
  SET @checkins_partition_ddl = CONCAT('ALTER TABLE area_day_presence', parts);
  PREPARE change_partitions FROM @checkins_partition_ddl;
  EXECUTE change_partitions;
  DEALLOCATE PREPARE change_partitions;
END;

DROP PROCEDURE checkins_drop_day;
CREATE PROCEDURE checkins_drop_day(IN day DATE)
BEGIN
  DECLARE part TEXT DEFAULT CONCAT(' DROP PARTITION p', DATE_FORMAT(day, '%Y%m%d'));
  SET @checkins_partition_ddl = CONCAT('ALTER TABLE checkins', part);
  PREPARE change_partitions FROM @checkins_partition_ddl;
  EXECUTE change_partitions;
  SET @checkins_partition_ddl = CONCAT('ALTER TABLE day_presence', part);
  PREPARE change_partitions FROM @checkins_partition_ddl;
  EXECUTE change_partitions;
  SET @checkins_partition_ddl = CONCAT('ALTER TABLE area_day_presence', part);
  PREPARE change_partitions FROM @checkins_partition_ddl;
  EXECUTE change_partitions;
  DEALLOCATE PREPARE change_partitions;
END;
