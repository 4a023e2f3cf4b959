-- Scans by hour of the day for the dashboard (issue #17 point 18): one more counter of the
-- check-in trigger, per commune, Vietnam day and Vietnam hour (0-23), spread over the same 32
-- buckets as area_day_counts (check-in id MOD 32) and merged into bucket 0 for closed days by
-- the nightly purge (cgi/domain/counters.c), so the dashboard reads at most 24 rows a commune
-- and closed day, never the check-ins. The hour is the pressed time's in Vietnam (UTC+07:00,
-- no daylight saving, as the day column already is).
-- The trigger is 012's with the hour counter added at its end (a trigger cannot be altered,
-- only replaced). Migrate with the workers stopped, as every migration: a check-in between the
-- backfill and the new trigger would not be counted by the hour (the other counters are).

CREATE TABLE area_hour_counts (
  province CHAR(2) NOT NULL,
  area_code VARCHAR(10) NOT NULL,
  day DATE NOT NULL,
  hour TINYINT UNSIGNED NOT NULL,
  bucket TINYINT UNSIGNED NOT NULL,
  scans INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (province, area_code, day, hour, bucket),
  KEY area_hour_counts_day (province, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The check-ins still kept, counted once the same way (older days have no hours: their check-ins
-- are gone, and their day counters never had them).
INSERT INTO area_hour_counts (province, area_code, day, hour, bucket, scans)
  SELECT c.province, v.area_code, c.day, HOUR(c.pressed_at + INTERVAL 7 HOUR), 0, COUNT(*)
  FROM checkins c JOIN venues v ON v.province = c.province AND v.id = c.venue_id
  GROUP BY c.province, v.area_code, c.day, HOUR(c.pressed_at + INTERVAL 7 HOUR);

DROP TRIGGER checkins_count;

CREATE TRIGGER checkins_count AFTER INSERT ON checkins FOR EACH ROW
BEGIN
  DECLARE v_area VARCHAR(10) DEFAULT '';
  DECLARE v_last DATE DEFAULT NULL;
  DECLARE v_scans INT UNSIGNED DEFAULT 0;
  DECLARE v_first INT DEFAULT 0;
  DECLARE v_new_person INT DEFAULT 0;
  DECLARE v_in INT DEFAULT NEW.direction = 'in';
  SELECT area_code, last_scan_day INTO v_area, v_last FROM venues
    WHERE province = NEW.province AND id = NEW.venue_id;

  INSERT INTO venue_day_counts (province, venue_id, day, scans, ins, outs, last_pressed_at)
    VALUES (NEW.province, NEW.venue_id, NEW.day, 1, v_in, 1 - v_in, NEW.pressed_at)
    ON DUPLICATE KEY UPDATE scans = scans + 1, ins = ins + v_in, outs = outs + 1 - v_in,
      last_pressed_at = GREATEST(last_pressed_at, NEW.pressed_at);
  SELECT scans INTO v_scans FROM venue_day_counts
    WHERE province = NEW.province AND venue_id = NEW.venue_id AND day = NEW.day;
  SET v_first = v_scans = 1;
  IF v_first AND (v_last IS NULL OR v_last < NEW.day) THEN
    UPDATE venues SET last_scan_day = NEW.day
      WHERE province = NEW.province AND id = NEW.venue_id AND (last_scan_day IS NULL OR last_scan_day < NEW.day);
  END IF;

  INSERT INTO day_presence (province, day, person_id, scans) VALUES (NEW.province, NEW.day, NEW.person_id, 1)
    ON DUPLICATE KEY UPDATE scans = scans + 1;
  SELECT scans INTO v_scans FROM day_presence
    WHERE province = NEW.province AND day = NEW.day AND person_id = NEW.person_id;
  -- The person's first check-in of the day is their first in the commune too: its commune
  -- presence row is new, no read-back needed.
  SET v_new_person = v_scans = 1;
  IF v_new_person THEN
    INSERT INTO province_day_people (province, day, bucket, people)
      VALUES (NEW.province, NEW.day, NEW.person_id MOD 32, 1)
      ON DUPLICATE KEY UPDATE people = people + 1;
    UPDATE people SET last_checkin_day = NEW.day
      WHERE province = NEW.province AND id = NEW.person_id
        AND (last_checkin_day IS NULL OR last_checkin_day < NEW.day);
  END IF;
  INSERT INTO area_day_presence (province, day, area_code, person_id, scans)
    VALUES (NEW.province, NEW.day, v_area, NEW.person_id, 1)
    ON DUPLICATE KEY UPDATE scans = scans + 1;
  IF NOT v_new_person THEN
    SELECT scans INTO v_scans FROM area_day_presence
      WHERE province = NEW.province AND day = NEW.day AND area_code = v_area AND person_id = NEW.person_id;
    SET v_new_person = v_scans = 1;
  END IF;
  INSERT INTO area_day_counts (province, area_code, day, bucket, scans, self_scans, gate_scans, proxy_scans,
                               paper_scans, api_scans, ins, outs, active_venues, people)
    VALUES (NEW.province, v_area, NEW.day, NEW.id MOD 32, 1, NEW.method = 'self',
            NEW.method IN ('gate-camera', 'gate-reader'), NEW.method = 'proxy', NEW.method = 'paper',
            NEW.method = 'api', v_in, 1 - v_in, v_first, v_new_person)
    ON DUPLICATE KEY UPDATE scans = scans + 1, self_scans = self_scans + (NEW.method = 'self'),
      gate_scans = gate_scans + (NEW.method IN ('gate-camera', 'gate-reader')),
      proxy_scans = proxy_scans + (NEW.method = 'proxy'), paper_scans = paper_scans + (NEW.method = 'paper'),
      api_scans = api_scans + (NEW.method = 'api'), ins = ins + v_in, outs = outs + 1 - v_in,
      active_venues = active_venues + v_first, people = people + v_new_person;
  -- The same bucket as the row above: two check-ins wait on each other's hour row only when
  -- they already wait on each other's day row, so the hours add no new queue.
  INSERT INTO area_hour_counts (province, area_code, day, hour, bucket, scans)
    VALUES (NEW.province, v_area, NEW.day, HOUR(NEW.pressed_at + INTERVAL 7 HOUR), NEW.id MOD 32, 1)
    ON DUPLICATE KEY UPDATE scans = scans + 1;
END;
