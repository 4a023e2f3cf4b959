-- Dashboards at a province's scale (issue #7: 750,000 venues, 10 million check-ins a month):
-- they read counts kept up to date here instead of counting venues and their days.
--
-- venues.last_scan_day: the newest Vietnam day with a check-in at the venue. "Active in the last
-- N days" is then last_scan_day >= today - N + 1, and the idle list ("no scan in N days",
-- longest silent first) is a range of an index, whatever the number of venues.
-- area_venue_counts: live venues per (commune, category, verified); area_last_scans: live
-- venues per (commune, last scan day). Both are kept by the venues triggers below from the
-- row's old and new values, so every change of a venue (registered, verified, moved,
-- suspended, scanned on a newer day) moves its one count, whatever code made it.
-- Contention: a check-in touches the venue row (and one area_last_scans row) only for the
-- venue's first scan of a day: about once per venue and day, not per check-in.
ALTER TABLE venues
  ADD COLUMN last_scan_day DATE NULL,
  ADD KEY venues_idle (province, status, last_scan_day),
  ADD KEY venues_area_idle (province, area_code, status, last_scan_day),
  ADD KEY venues_reissued (province, token_version),
  -- venues_area_idle starts with the same columns.
  DROP KEY venues_area;

-- A join on the grouped days, not a subquery per venue: one pass over the counters.
UPDATE venues v JOIN (SELECT province, venue_id, MAX(day) AS last_day FROM venue_day_counts
                      GROUP BY province, venue_id) d ON d.province = v.province AND d.venue_id = v.id
  SET v.last_scan_day = d.last_day;

-- Signed: a count moved down then up within one statement never trips an unsigned range.
CREATE TABLE area_venue_counts (
  province CHAR(2) NOT NULL,
  area_code VARCHAR(10) NOT NULL,
  category VARCHAR(20) NOT NULL,
  verified TINYINT NOT NULL,
  venues INT NOT NULL DEFAULT 0,
  PRIMARY KEY (province, area_code, category, verified)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE area_last_scans (
  province CHAR(2) NOT NULL,
  area_code VARCHAR(10) NOT NULL,
  day DATE NOT NULL,
  venues INT NOT NULL DEFAULT 0,
  PRIMARY KEY (province, area_code, day),
  KEY area_last_scans_day (province, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Venues registered per commune and Vietnam day (the day of created_at at UTC+07:00, Vietnam's
-- offset all year, base/clock.h): the dashboard's "new per day" without reading a month of
-- venues. History: a venue moved or removed later stays counted where and when it came.
CREATE TABLE area_new_venues (
  province CHAR(2) NOT NULL,
  area_code VARCHAR(10) NOT NULL,
  day DATE NOT NULL,
  venues INT NOT NULL DEFAULT 0,
  PRIMARY KEY (province, day, area_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Venues before this migration, counted once (workers stopped, as for every migration).
INSERT INTO area_new_venues (province, area_code, day, venues)
  SELECT province, area_code, DATE(created_at + INTERVAL 7 HOUR), COUNT(*) FROM venues
  GROUP BY province, area_code, DATE(created_at + INTERVAL 7 HOUR);
INSERT INTO area_venue_counts (province, area_code, category, verified, venues)
  SELECT province, area_code, category, verified, COUNT(*) FROM venues WHERE status = 'active'
  GROUP BY province, area_code, category, verified;
INSERT INTO area_last_scans (province, area_code, day, venues)
  SELECT province, area_code, last_scan_day, COUNT(*) FROM venues
  WHERE status = 'active' AND last_scan_day IS NOT NULL GROUP BY province, area_code, last_scan_day;

-- delta is +1 for a venue's new values, -1 for its old ones; only live venues count.
CREATE PROCEDURE venue_registration_counted(IN p CHAR(2), IN area VARCHAR(10), IN cat VARCHAR(20),
                                            IN is_verified TINYINT, IN st VARCHAR(16), IN delta INT)
BEGIN
  IF st = 'active' THEN
    INSERT INTO area_venue_counts (province, area_code, category, verified, venues)
      VALUES (p, area, cat, is_verified, delta) ON DUPLICATE KEY UPDATE venues = venues + delta;
  END IF;
END;

CREATE PROCEDURE venue_last_scan_counted(IN p CHAR(2), IN area VARCHAR(10), IN st VARCHAR(16), IN d DATE,
                                         IN delta INT)
BEGIN
  IF st = 'active' AND d IS NOT NULL THEN
    INSERT INTO area_last_scans (province, area_code, day, venues)
      VALUES (p, area, d, delta) ON DUPLICATE KEY UPDATE venues = venues + delta;
  END IF;
END;

CREATE TRIGGER venues_count_insert AFTER INSERT ON venues FOR EACH ROW
BEGIN
  INSERT INTO area_new_venues (province, area_code, day, venues)
    VALUES (NEW.province, NEW.area_code, DATE(NEW.created_at + INTERVAL 7 HOUR), 1)
    ON DUPLICATE KEY UPDATE venues = venues + 1;
  CALL venue_registration_counted(NEW.province, NEW.area_code, NEW.category, NEW.verified, NEW.status, 1);
  CALL venue_last_scan_counted(NEW.province, NEW.area_code, NEW.status, NEW.last_scan_day, 1);
END;

CREATE TRIGGER venues_count_update AFTER UPDATE ON venues FOR EACH ROW
BEGIN
  IF NOT (OLD.area_code <=> NEW.area_code AND OLD.category <=> NEW.category AND OLD.verified <=> NEW.verified
          AND OLD.status <=> NEW.status) THEN
    CALL venue_registration_counted(OLD.province, OLD.area_code, OLD.category, OLD.verified, OLD.status, -1);
    CALL venue_registration_counted(NEW.province, NEW.area_code, NEW.category, NEW.verified, NEW.status, 1);
  END IF;
  IF NOT (OLD.area_code <=> NEW.area_code AND OLD.status <=> NEW.status AND OLD.last_scan_day <=> NEW.last_scan_day) THEN
    CALL venue_last_scan_counted(OLD.province, OLD.area_code, OLD.status, OLD.last_scan_day, -1);
    CALL venue_last_scan_counted(NEW.province, NEW.area_code, NEW.status, NEW.last_scan_day, 1);
  END IF;
END;

CREATE TRIGGER venues_count_delete AFTER DELETE ON venues FOR EACH ROW
BEGIN
  CALL venue_registration_counted(OLD.province, OLD.area_code, OLD.category, OLD.verified, OLD.status, -1);
  CALL venue_last_scan_counted(OLD.province, OLD.area_code, OLD.status, OLD.last_scan_day, -1);
END;

-- A second trigger beside checkins_count (schema/008): the venue's day moves on with its first
-- check-in of a newer day. The look comes first and takes no lock, so the other check-ins of
-- the day leave the venue row alone; two first check-ins racing both update, and the second
-- one's WHERE (re-read under the row lock) changes nothing. A paper row of an older day leaves
-- the newer day in place.
CREATE TRIGGER checkins_venue_day AFTER INSERT ON checkins FOR EACH ROW FOLLOWS checkins_count
BEGIN
  DECLARE v_last DATE DEFAULT NULL;
  SELECT last_scan_day INTO v_last FROM venues WHERE province = NEW.province AND id = NEW.venue_id;
  IF v_last IS NULL OR v_last < NEW.day THEN
    UPDATE venues SET last_scan_day = NEW.day
      WHERE province = NEW.province AND id = NEW.venue_id AND (last_scan_day IS NULL OR last_scan_day < NEW.day);
  END IF;
END;

-- A province's days are read across its communes: area_day_counts is kept in day order, so the
-- dashboard's 30 days are one range whatever the years of counts behind them (a commune's days
-- are read through area_day_counts_area). The trigger's upserts use the whole key either way.
-- Closed days hold one row per commune once `vaora purge` has merged their buckets
-- (cgi/domain/counters.c): the 32 buckets only spread the locks of the days still scanned.
ALTER TABLE area_day_counts
  DROP PRIMARY KEY,
  ADD PRIMARY KEY (province, day, area_code, bucket),
  DROP KEY area_day_counts_day,
  ADD KEY area_day_counts_area (province, area_code, day);
