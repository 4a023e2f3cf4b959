-- Check-ins and their idempotency keys.
-- checkins is partitioned by the Vietnam day the person pressed the button, so retention can
-- drop whole days. A partitioned table's unique keys must hold the partition column, so the
-- province-wide uniqueness of a client's idempotency key lives in checkin_keys (retried after
-- midnight, a submission still finds its first record). Daily partitions are split off
-- p_future by the maintenance job (a later issue); until then every row lands in p_future.
CREATE TABLE checkins (
  province CHAR(2) NOT NULL,
  day DATE NOT NULL,
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  venue_id BIGINT UNSIGNED NOT NULL,
  person_id BIGINT UNSIGNED NOT NULL,
  direction CHAR(3) NOT NULL,
  method VARCHAR(12) NOT NULL,
  filed_by BIGINT UNSIGNED NULL,
  answers VARCHAR(1000) NOT NULL,
  amber TINYINT NOT NULL,
  form_version INT UNSIGNED NOT NULL,
  pressed_at DATETIME(6) NOT NULL,
  received_at DATETIME(6) NOT NULL,
  time_note VARCHAR(12) NOT NULL DEFAULT '',
  check_code CHAR(4) NOT NULL,
  PRIMARY KEY (province, day, id),
  KEY checkins_id (id),
  KEY checkins_venue (province, venue_id, pressed_at),
  KEY checkins_person (province, person_id, pressed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
  PARTITION BY RANGE COLUMNS(day) (
    PARTITION p_past VALUES LESS THAN ('2026-01-01'),
    PARTITION p_future VALUES LESS THAN (MAXVALUE)
  );

CREATE TABLE checkin_keys (
  province CHAR(2) NOT NULL,
  idem_key BINARY(16) NOT NULL,
  checkin_day DATE NULL,
  checkin_id BIGINT UNSIGNED NULL,
  received_at DATETIME(6) NOT NULL,
  PRIMARY KEY (province, idem_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
