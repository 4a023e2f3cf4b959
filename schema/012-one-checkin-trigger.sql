-- One trigger keeps a check-in's counters and the venue's and person's last day (it was three:
-- checkins_count of 008, checkins_venue_day of 010, checkins_person_day of 011). Each trigger
-- and statement inside one costs on every check-in: a paper import of 20,000 new people took
-- 1.05 ms a row with the three, 0.36 ms without any (issue #5's 100,000 rows under a minute
-- had become 88 s).
--
-- The venue's and the person's day are looked at only by their first check-in of the day: the
-- one that makes the day's venue_day_counts or day_presence row, read back under its lock. That
-- check-in moves the day on in the same transaction, so the later ones of the day find it done.
-- A person made with their first check-in carries its day already (people.c), so the update
-- finds nothing to change.
DROP TRIGGER checkins_person_day;
DROP TRIGGER checkins_venue_day;
DROP TRIGGER checkins_count;

-- "First of the day" is read back after the upsert: the row is then locked by this transaction
-- until it commits, so a count of 1 means this check-in made it, whatever runs beside it (a
-- look before the insert would race; ROW_COUNT() inside a trigger does not give the upsert's
-- 1 or 2: measured, every count stayed 0). The venue's last day is looked at without a lock;
-- two first check-ins racing both update, and the second one's WHERE (re-read under the row
-- lock) changes nothing. A paper row of an older day leaves the newer day in place.
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
END;
