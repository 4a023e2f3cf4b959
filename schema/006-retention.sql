-- Retention (issue #7): check-ins in one partition per Vietnam day, which `vaora purge` drops
-- when the day is past the retention; the deletion reports it writes; what the purge needs to
-- find expired idempotency keys and people whose printed card has run out.
--
-- Partitioning: by day alone, so retention is per shard (shard.NAME.retention_days; the
-- provinces of a shard share it and the configuration refuses a province that says
-- otherwise). Per-province day partitions (RANGE COLUMNS(province, day)) would let neighbours
-- on one shard differ, but cost 34 × ~40 = ~1,400 partitions per shard: a tablespace file and
-- an open handle each, a table open that reads every one, and a layout that must change when
-- a province is added, moved or removed. Day partitions stay at retention + the coming days
-- (~40) whatever the provinces; a province that needs another retention goes on a shard that
-- has it.
--
-- Layout after this file: p_future (everything, VALUES LESS THAN MAXVALUE). `vaora migrate`
-- (right after the files) and `vaora purge` then split daily partitions pYYYYMMDD off it with
-- checkins_add_days, from the newest expired day (which holds every older row and goes at the
-- next purge) to the coming days. On an existing install this file and that first split copy
-- the check-ins once; no row is lost, and the ones past the retention land in partitions the
-- first purge drops. Fresh stacks have nothing to copy.
ALTER TABLE checkins REORGANIZE PARTITION p_past, p_future INTO (
  PARTITION p_future VALUES LESS THAN (MAXVALUE)
);

-- Partition names and bounds cannot be statement parameters, so the two partition changes
-- are procedures taking typed dates: the names are made from DATE values here, never from
-- caller text. The caller bounds how many days one call adds.
CREATE PROCEDURE checkins_add_days(IN first_day DATE, IN last_day DATE)
BEGIN
  DECLARE d DATE DEFAULT first_day;
  DECLARE parts TEXT DEFAULT '';
  WHILE d <= last_day DO
    SET parts = CONCAT(parts, 'PARTITION p', DATE_FORMAT(d, '%Y%m%d'), ' VALUES LESS THAN (''',
                       d + INTERVAL 1 DAY, '''), ');
    SET d = d + INTERVAL 1 DAY;
  END WHILE;
  SET @checkins_partition_ddl = CONCAT('ALTER TABLE checkins REORGANIZE PARTITION p_future INTO (', parts,
                                       'PARTITION p_future VALUES LESS THAN (MAXVALUE))');
  PREPARE change_partitions FROM @checkins_partition_ddl;
  EXECUTE change_partitions;
  DEALLOCATE PREPARE change_partitions;
END;

CREATE PROCEDURE checkins_drop_day(IN day DATE)
BEGIN
  SET @checkins_partition_ddl = CONCAT('ALTER TABLE checkins DROP PARTITION p', DATE_FORMAT(day, '%Y%m%d'));
  PREPARE change_partitions FROM @checkins_partition_ddl;
  EXECUTE change_partitions;
  DEALLOCATE PREPARE change_partitions;
END;

-- Idempotency keys stay unpartitioned: their uniqueness is province-wide across days, which a
-- partitioned table cannot hold (its unique keys must contain the partition column). The
-- purge deletes the keys of dropped days in bounded batches along this index.
ALTER TABLE checkin_keys ADD KEY checkin_keys_day (province, checkin_day);

-- A personal card keeps its holder until it expires (card_valid_days after its issue, a
-- province setting): set when the person is created and when a lost card is reissued.
ALTER TABLE people
  ADD COLUMN card_issued_at DATETIME(6) NULL AFTER card_version,
  ADD KEY people_card (province, card_issued_at);
UPDATE people SET card_issued_at = COALESCE(updated_at, created_at) WHERE card_issued_at IS NULL;
ALTER TABLE people MODIFY card_issued_at DATETIME(6) NOT NULL;

-- Login-throttle rows the purge removes once their window is over (addresses of a spray can
-- leave many; sessions are few, one per staff login, and need no index of their own).
ALTER TABLE login_throttle ADD KEY login_throttle_window (province, window_start);

-- What each purge removed, per province and table: the record a province admin reads at
-- /{province}/deletions that data really goes away. Nothing personal.
CREATE TABLE deletion_reports (
  province CHAR(2) NOT NULL,
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  run_at DATETIME(6) NOT NULL,
  table_name VARCHAR(40) NOT NULL,
  rows_removed BIGINT UNSIGNED NOT NULL,
  -- Day partitions dropped (check-ins only; 0 for other tables), and the newest day removed.
  partitions_dropped INT UNSIGNED NOT NULL,
  through_day DATE NULL,
  PRIMARY KEY (province, id),
  KEY deletion_reports_id (id),
  KEY deletion_reports_run (province, run_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
