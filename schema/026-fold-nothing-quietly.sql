-- A fold of a province with nothing queued creates no temporary table (issue #14). The folder
-- calls counters_fold for every province each second; each call created and dropped its
-- temporary tables even with an empty queue, and MariaDB 10.11 then loads the stored routines
-- of every other connection afresh from mysql.proc: profiled under one-tap load
-- (tests/bench/bench_profile.py with perf), 14-19 % of mariadbd's time went to re-parsing
-- checkin_record and checkin_answer (Sp_handler::db_load_routine) for the 62 idle provinces'
-- folds. With this guard only a province with queued check-ins pays, once per fold.
--
-- counters_fold as schema/025 made it, but for the guard after START TRANSACTION.

DROP PROCEDURE counters_fold;

CREATE PROCEDURE counters_fold(IN p CHAR(2), IN p_limit INT UNSIGNED, IN p_wait TINYINT)
BEGIN
  DECLARE v_lock TINYINT DEFAULT NULL;
  DECLARE v_rows INT UNSIGNED DEFAULT 0;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    DROP TEMPORARY TABLE IF EXISTS fold_ids, fold_rows, fold_venue_days, fold_person_days, fold_area_people;
    RESIGNAL;
  END;
  -- READ COMMITTED: the fold's INSERT ... SELECTs read without locks (under REPEATABLE READ they
  -- take shared next-key locks, and a check-in queuing its row behind them would wait for the
  -- fold, or deadlock with its update of a person). Check-ins never wait for a fold; a fold
  -- waits at most for a check-in's commit (a person's row it moves on).
  SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
  START TRANSACTION;
  -- Nothing queued (read committed: a running fold's batch is still queued until its commit,
  -- and leaves together with its counts): nothing to fold and no fold to wait for, so no lock
  -- and no temporary table.
  IF NOT EXISTS (SELECT 1 FROM checkins_uncounted WHERE province = p) THEN
    SET v_lock = NULL;
  ELSEIF p_wait THEN
    SELECT id INTO v_lock FROM counters_fold_lock WHERE id = 1 FOR UPDATE;
  ELSE
    SELECT id INTO v_lock FROM counters_fold_lock WHERE id = 1 FOR UPDATE SKIP LOCKED;
  END IF;
  IF v_lock IS NULL THEN
    ROLLBACK;
  ELSE
    DROP TEMPORARY TABLE IF EXISTS fold_ids, fold_rows, fold_venue_days, fold_person_days, fold_area_people;
    CREATE TEMPORARY TABLE fold_ids ENGINE=MEMORY
      SELECT id, day FROM checkins_uncounted WHERE province = p ORDER BY id LIMIT p_limit;
    SELECT COUNT(*) INTO v_rows FROM fold_ids;
    IF v_rows > 0 THEN
      CREATE TEMPORARY TABLE fold_rows ENGINE=MEMORY
        SELECT c.id, c.day, c.venue_id, c.person_id, c.direction = 'in' AS is_in, c.method, c.pressed_at,
               COALESCE(v.area_code, '') AS area_code
        FROM fold_ids f JOIN checkins c ON c.province = p AND c.day = f.day AND c.id = f.id
        LEFT JOIN venues v ON v.province = p AND v.id = c.venue_id;
      CREATE TEMPORARY TABLE fold_venue_days ENGINE=MEMORY
        SELECT f.venue_id, f.day, MIN(f.area_code) AS area_code, MIN(f.id) AS first_id,
               MAX(d.venue_id IS NULL) AS is_new
        FROM fold_rows f LEFT JOIN venue_day_counts d ON d.province = p AND d.venue_id = f.venue_id AND d.day = f.day
        GROUP BY f.venue_id, f.day;
      CREATE TEMPORARY TABLE fold_person_days ENGINE=MEMORY
        SELECT f.day, f.person_id, COUNT(*) AS scans, MAX(d.person_id IS NULL) AS is_new
        FROM fold_rows f LEFT JOIN day_presence d ON d.province = p AND d.day = f.day AND d.person_id = f.person_id
        GROUP BY f.day, f.person_id;
      CREATE TEMPORARY TABLE fold_area_people ENGINE=MEMORY
        SELECT f.day, f.area_code, f.person_id, COUNT(*) AS scans, MIN(f.id) AS first_id,
               MAX(d.person_id IS NULL) AS is_new
        FROM fold_rows f LEFT JOIN area_day_presence d
          ON d.province = p AND d.day = f.day AND d.area_code = f.area_code AND d.person_id = f.person_id
        GROUP BY f.day, f.area_code, f.person_id;

      INSERT INTO venue_day_counts (province, venue_id, day, scans, ins, outs, last_pressed_at)
        SELECT p, venue_id, day, COUNT(*), SUM(is_in), SUM(1 - is_in), MAX(pressed_at) FROM fold_rows
        GROUP BY venue_id, day
        ON DUPLICATE KEY UPDATE scans = venue_day_counts.scans + VALUES(scans),
          ins = venue_day_counts.ins + VALUES(ins), outs = venue_day_counts.outs + VALUES(outs),
          last_pressed_at = GREATEST(venue_day_counts.last_pressed_at, VALUES(last_pressed_at));
      INSERT INTO day_presence (province, day, person_id, scans)
        SELECT p, day, person_id, scans FROM fold_person_days
        ON DUPLICATE KEY UPDATE scans = day_presence.scans + VALUES(scans);
      INSERT INTO area_day_presence (province, day, area_code, person_id, scans)
        SELECT p, day, area_code, person_id, scans FROM fold_area_people
        ON DUPLICATE KEY UPDATE scans = area_day_presence.scans + VALUES(scans);
      INSERT INTO province_day_people (province, day, bucket, people)
        SELECT p, day, person_id MOD 32, COUNT(*) FROM fold_person_days WHERE is_new
        GROUP BY day, person_id MOD 32
        ON DUPLICATE KEY UPDATE people = province_day_people.people + VALUES(people);
      INSERT INTO area_day_counts (province, area_code, day, bucket, scans, self_scans, gate_scans, proxy_scans,
                                   paper_scans, api_scans, ins, outs, active_venues, people)
        SELECT p, area_code, day, bucket, SUM(scans), SUM(self_scans), SUM(gate_scans), SUM(proxy_scans),
               SUM(paper_scans), SUM(api_scans), SUM(ins), SUM(outs), SUM(active_venues), SUM(people)
        FROM (SELECT area_code, day, id MOD 32 AS bucket, 1 AS scans, method = 'self' AS self_scans,
                     method IN ('gate-camera', 'gate-reader') AS gate_scans, method = 'proxy' AS proxy_scans,
                     method = 'paper' AS paper_scans, method = 'api' AS api_scans, is_in AS ins, 1 - is_in AS outs,
                     0 AS active_venues, 0 AS people FROM fold_rows
              UNION ALL
              SELECT area_code, day, first_id MOD 32, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 FROM fold_venue_days WHERE is_new
              UNION ALL
              SELECT area_code, day, first_id MOD 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 FROM fold_area_people WHERE is_new
             ) x
        GROUP BY area_code, day, bucket
        ON DUPLICATE KEY UPDATE scans = area_day_counts.scans + VALUES(scans),
          self_scans = area_day_counts.self_scans + VALUES(self_scans),
          gate_scans = area_day_counts.gate_scans + VALUES(gate_scans),
          proxy_scans = area_day_counts.proxy_scans + VALUES(proxy_scans),
          paper_scans = area_day_counts.paper_scans + VALUES(paper_scans),
          api_scans = area_day_counts.api_scans + VALUES(api_scans),
          ins = area_day_counts.ins + VALUES(ins), outs = area_day_counts.outs + VALUES(outs),
          active_venues = area_day_counts.active_venues + VALUES(active_venues),
          people = area_day_counts.people + VALUES(people);
      INSERT INTO area_hour_counts (province, area_code, day, hour, bucket, scans)
        SELECT p, area_code, day, HOUR(pressed_at + INTERVAL 7 HOUR), id MOD 32, COUNT(*) FROM fold_rows
        GROUP BY area_code, day, HOUR(pressed_at + INTERVAL 7 HOUR), id MOD 32
        ON DUPLICATE KEY UPDATE scans = area_hour_counts.scans + VALUES(scans);
      -- STRAIGHT_JOIN from the batch: left to itself the optimizer scans the province's venues
      -- (hundreds of thousands) and looks each up in the batch.
      UPDATE (SELECT venue_id, MAX(day) AS day FROM fold_venue_days WHERE is_new GROUP BY venue_id) n
          STRAIGHT_JOIN venues v ON v.province = p AND v.id = n.venue_id
        SET v.last_scan_day = n.day
        WHERE v.last_scan_day IS NULL OR v.last_scan_day < n.day;
      UPDATE (SELECT person_id, MAX(day) AS day FROM fold_person_days WHERE is_new GROUP BY person_id) n
          STRAIGHT_JOIN people pp ON pp.province = p AND pp.id = n.person_id
        SET pp.last_checkin_day = n.day
        WHERE pp.last_checkin_day IS NULL OR pp.last_checkin_day < n.day;
      DELETE u FROM checkins_uncounted u JOIN fold_ids f ON u.province = p AND u.id = f.id;
    END IF;
    COMMIT;
    DROP TEMPORARY TABLE IF EXISTS fold_ids, fold_rows, fold_venue_days, fold_person_days, fold_area_people;
  END IF;
  SELECT v_rows;
END;
