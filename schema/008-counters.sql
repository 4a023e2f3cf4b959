-- Daily counters for the dashboards, kept by a trigger on checkins.
-- Why a trigger: every path (self check-in, JSON API, gate, proxy, the paper import's batches)
-- ends in one INSERT INTO checkins; an AFTER INSERT trigger counts each row in that same
-- transaction, with no extra round trip on the hot path and no path that can forget it. A
-- rolled-back check-in (a replayed key) rolls its counts back with it.
-- Why these keys: rows are per (venue, day) and per (area, day), never one row per province,
-- so concurrent check-ins at different venues do not queue on one hot row; province figures
-- are sums over the areas. Distinct people need a presence row per (day, person) and per
-- (day, area, person), and only a person new that day bumps a count.
-- Why buckets: a counter row stays locked from the trigger until the check-in commits (its
-- fsync included), so every check-in of a commune on one (area, day) row would commit one
-- after another. The area's counters and the province's people count are therefore spread over
-- 32 rows each (bucket = the check-in's id, resp. the person's id, MOD 32) that reads sum up;
-- with the check-in bench (2 cores, 16 workers), one row per area gave ~1,400 check-ins/s
-- against ~2,500 without counters, 32 buckets ~1,700.
-- The day is the check-in's own (Vietnam date of the pressed time, as the application wrote
-- it). The area is the venue's when it was scanned (read from venues): a venue moved to
-- another commune keeps its history where it happened.
-- Counters survive the retention purge (dropped partitions fire no trigger): they hold no
-- personal data. The presence tables hold person ids only and belong to the purge like
-- check-ins: `vaora purge` deletes their expired days (cgi/domain/retention.c).

CREATE TABLE venue_day_counts (
  province CHAR(2) NOT NULL,
  venue_id BIGINT UNSIGNED NOT NULL,
  day DATE NOT NULL,
  scans INT UNSIGNED NOT NULL DEFAULT 0,
  ins INT UNSIGNED NOT NULL DEFAULT 0,
  outs INT UNSIGNED NOT NULL DEFAULT 0,
  last_pressed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (province, venue_id, day),
  KEY venue_day_counts_day (province, day, venue_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- gate counts gate-camera and gate-reader together.
CREATE TABLE area_day_counts (
  province CHAR(2) NOT NULL,
  area_code VARCHAR(10) NOT NULL,
  day DATE NOT NULL,
  bucket TINYINT UNSIGNED NOT NULL,
  scans INT UNSIGNED NOT NULL DEFAULT 0,
  self_scans INT UNSIGNED NOT NULL DEFAULT 0,
  gate_scans INT UNSIGNED NOT NULL DEFAULT 0,
  proxy_scans INT UNSIGNED NOT NULL DEFAULT 0,
  paper_scans INT UNSIGNED NOT NULL DEFAULT 0,
  api_scans INT UNSIGNED NOT NULL DEFAULT 0,
  ins INT UNSIGNED NOT NULL DEFAULT 0,
  outs INT UNSIGNED NOT NULL DEFAULT 0,
  active_venues INT UNSIGNED NOT NULL DEFAULT 0,
  people INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (province, area_code, day, bucket),
  KEY area_day_counts_day (province, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE province_day_people (
  province CHAR(2) NOT NULL,
  day DATE NOT NULL,
  bucket TINYINT UNSIGNED NOT NULL,
  people INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (province, day, bucket)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE day_presence (
  province CHAR(2) NOT NULL,
  day DATE NOT NULL,
  person_id BIGINT UNSIGNED NOT NULL,
  scans INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (province, day, person_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE area_day_presence (
  province CHAR(2) NOT NULL,
  day DATE NOT NULL,
  area_code VARCHAR(10) NOT NULL,
  person_id BIGINT UNSIGNED NOT NULL,
  scans INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (province, day, area_code, person_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Check-ins recorded before this migration, counted once the same way (the trigger counts
-- every later one). Run while check-ins arrive, a row could land between the backfill and the
-- trigger: migrate with the workers stopped, as every migration.
INSERT INTO venue_day_counts (province, venue_id, day, scans, ins, outs, last_pressed_at)
  SELECT province, venue_id, day, COUNT(*), SUM(direction = 'in'), SUM(direction <> 'in'), MAX(pressed_at)
  FROM checkins GROUP BY province, venue_id, day;
INSERT INTO day_presence (province, day, person_id, scans)
  SELECT province, day, person_id, COUNT(*) FROM checkins GROUP BY province, day, person_id;
INSERT INTO province_day_people (province, day, bucket, people)
  SELECT province, day, person_id MOD 32, COUNT(*) FROM day_presence GROUP BY province, day, person_id MOD 32;
INSERT INTO area_day_presence (province, day, area_code, person_id, scans)
  SELECT c.province, c.day, v.area_code, c.person_id, COUNT(*) FROM checkins c
  JOIN venues v ON v.province = c.province AND v.id = c.venue_id GROUP BY c.province, c.day, v.area_code, c.person_id;
INSERT INTO area_day_counts (province, area_code, day, bucket, scans, self_scans, gate_scans, proxy_scans,
                             paper_scans, api_scans, ins, outs, active_venues, people)
  SELECT c.province, v.area_code, c.day, 0, COUNT(*), SUM(c.method = 'self'),
         SUM(c.method IN ('gate-camera', 'gate-reader')), SUM(c.method = 'proxy'), SUM(c.method = 'paper'),
         SUM(c.method = 'api'), SUM(c.direction = 'in'), SUM(c.direction <> 'in'), COUNT(DISTINCT c.venue_id),
         COUNT(DISTINCT c.person_id)
  FROM checkins c JOIN venues v ON v.province = c.province AND v.id = c.venue_id
  GROUP BY c.province, v.area_code, c.day;

-- "First of the day" is read back after the upsert: the row is then locked by this transaction
-- until it commits, so a count of 1 means this check-in made it, whatever runs beside it (a
-- look before the insert would race; ROW_COUNT() is not reliable inside a trigger).
CREATE TRIGGER checkins_count AFTER INSERT ON checkins FOR EACH ROW
BEGIN
  DECLARE v_area VARCHAR(10) DEFAULT '';
  DECLARE v_scans INT UNSIGNED DEFAULT 0;
  DECLARE v_first INT DEFAULT 0;
  DECLARE v_new_person INT DEFAULT 0;
  DECLARE v_in INT DEFAULT NEW.direction = 'in';
  SELECT area_code INTO v_area FROM venues WHERE province = NEW.province AND id = NEW.venue_id;

  INSERT INTO venue_day_counts (province, venue_id, day, scans, ins, outs, last_pressed_at)
    VALUES (NEW.province, NEW.venue_id, NEW.day, 1, v_in, 1 - v_in, NEW.pressed_at)
    ON DUPLICATE KEY UPDATE scans = scans + 1, ins = ins + v_in, outs = outs + 1 - v_in,
      last_pressed_at = GREATEST(last_pressed_at, NEW.pressed_at);
  SELECT scans INTO v_scans FROM venue_day_counts
    WHERE province = NEW.province AND venue_id = NEW.venue_id AND day = NEW.day;
  SET v_first = v_scans = 1;

  INSERT INTO day_presence (province, day, person_id, scans) VALUES (NEW.province, NEW.day, NEW.person_id, 1)
    ON DUPLICATE KEY UPDATE scans = scans + 1;
  SELECT scans INTO v_scans FROM day_presence
    WHERE province = NEW.province AND day = NEW.day AND person_id = NEW.person_id;
  IF v_scans = 1 THEN
    INSERT INTO province_day_people (province, day, bucket, people)
      VALUES (NEW.province, NEW.day, NEW.person_id MOD 32, 1)
      ON DUPLICATE KEY UPDATE people = people + 1;
  END IF;
  INSERT INTO area_day_presence (province, day, area_code, person_id, scans)
    VALUES (NEW.province, NEW.day, v_area, NEW.person_id, 1)
    ON DUPLICATE KEY UPDATE scans = scans + 1;
  SELECT scans INTO v_scans FROM area_day_presence
    WHERE province = NEW.province AND day = NEW.day AND area_code = v_area AND person_id = NEW.person_id;
  SET v_new_person = v_scans = 1;
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
