-- A prototype for the `statements` part of the bench (bench_statements.py), not used by vaora:
-- one-tap check-ins recorded set-based, many in one CALL and one transaction, to measure what
-- batching would save of MariaDB's time per check-in against checkin_record_at (schema/033),
-- which records one per CALL. It applies the same checks to the same kind of check-in (a known
-- person, the key in the row, the venue at the poster's version): the venue, the person and
-- their consent, a replayed key, the two-minute rule, then the insert and the rows' ids read
-- back. Left out, as a writer that batches would leave them to the one-by-one CALL: two
-- check-ins of one person in one batch, a consent to store, and a key that arrives twice in a
-- batch or meanwhile (the insert's duplicate key: the batch would be retried one by one).
-- The rows come as a JSON array of arrays (the order of JSON_TABLE's columns below).
--
-- The two-minute rule needs an index by person, venue and direction (bench_checkins_recent,
-- which the bench adds on its throw-away stack): joined to many rows at once, checkins_person
-- (person, time) makes MariaDB plan a range for each row, and it costs more than the batch saves.
CREATE PROCEDURE bench_checkin_batch(IN p_province CHAR(2), IN p_rows LONGTEXT)
BEGIN
  CREATE TEMPORARY TABLE IF NOT EXISTS bench_batch (
    seq INT NOT NULL PRIMARY KEY, venue BIGINT UNSIGNED, venue_version INT UNSIGNED, idem_key BINARY(16),
    person BIGINT UNSIGNED, person_version INT UNSIGNED, consent_version INT UNSIGNED,
    recent_from DATETIME(6), recent_day DATE, day DATE, direction VARCHAR(3), method VARCHAR(16),
    answers VARBINARY(2048), amber TINYINT, form_version INT UNSIGNED, pressed DATETIME(6), received DATETIME(6),
    note VARCHAR(12), code CHAR(4), outcome VARCHAR(16) NOT NULL DEFAULT 'recorded', checkin_day DATE,
    checkin_id BIGINT UNSIGNED, key_version INT UNSIGNED, name VARBINARY(1024), device_version INT UNSIGNED,
    card_version INT UNSIGNED
  ) ENGINE=MEMORY;
  DELETE FROM bench_batch;
  INSERT INTO bench_batch (seq, venue, venue_version, idem_key, person, person_version, consent_version, recent_from,
                           recent_day, day, direction, method, answers, amber, form_version, pressed, received, note, code)
    SELECT seq, venue, venue_version, UNHEX(idem_key), person, person_version, consent_version, recent_from, recent_day,
           day, direction, method, UNHEX(answers), amber, form_version, pressed, received, note, code
    FROM JSON_TABLE(p_rows, '$[*]' COLUMNS (
      seq INT PATH '$[0]', venue BIGINT UNSIGNED PATH '$[1]', venue_version INT UNSIGNED PATH '$[2]',
      idem_key VARCHAR(32) PATH '$[3]', person BIGINT UNSIGNED PATH '$[4]', person_version INT UNSIGNED PATH '$[5]',
      consent_version INT UNSIGNED PATH '$[6]', recent_from DATETIME(6) PATH '$[7]', recent_day DATE PATH '$[8]',
      day DATE PATH '$[9]', direction VARCHAR(3) PATH '$[10]', method VARCHAR(16) PATH '$[11]',
      answers VARCHAR(4096) PATH '$[12]', amber TINYINT PATH '$[13]', form_version INT UNSIGNED PATH '$[14]',
      pressed DATETIME(6) PATH '$[15]', received DATETIME(6) PATH '$[16]', note VARCHAR(12) PATH '$[17]',
      code CHAR(4) PATH '$[18]')) rows_sent;
  START TRANSACTION;
  UPDATE bench_batch b LEFT JOIN venues v ON v.province = p_province AND v.id = b.venue
    LEFT JOIN people p ON p.province = p_province AND p.id = b.person
    SET b.outcome = CASE WHEN v.id IS NULL OR v.status <> 'active' OR v.token_version <> b.venue_version THEN 'venue_refused'
                         WHEN p.id IS NULL OR (b.person_version <> 0 AND p.device_version <> b.person_version) THEN 'person_unknown'
                         WHEN p.consent_version <> b.consent_version THEN 'consent_required'
                         ELSE 'recorded' END,
        b.key_version = p.key_version, b.name = p.full_name_enc, b.device_version = p.device_version,
        b.card_version = p.card_version;
  UPDATE bench_batch b JOIN checkins c ON c.province = p_province AND c.day = b.day AND c.idem_key = b.idem_key
    SET b.outcome = 'replayed', b.checkin_day = c.day, b.checkin_id = c.id
    WHERE b.outcome = 'recorded';
  UPDATE bench_batch b STRAIGHT_JOIN checkins c FORCE INDEX (bench_checkins_recent)
      ON c.province = p_province AND c.person_id = b.person AND c.venue_id = b.venue AND c.direction = b.direction
        AND c.pressed_at > b.recent_from AND c.pressed_at <= b.pressed AND c.day IN (b.recent_day, b.day)
    SET b.outcome = 'already', b.checkin_day = c.day, b.checkin_id = c.id
    WHERE b.outcome = 'recorded';
  INSERT INTO checkins (province, day, venue_id, person_id, direction, method, filed_by, answers, amber,
                        form_version, pressed_at, received_at, time_note, check_code, idem_key)
    SELECT p_province, day, venue, person, direction, method, NULL, answers, amber, form_version, pressed, received,
           note, code, idem_key
    FROM bench_batch WHERE outcome = 'recorded' ORDER BY seq;
  -- Ids of a multi-row insert are not consecutive under innodb_autoinc_lock_mode 2 (Galera's).
  UPDATE bench_batch b JOIN checkins c ON c.province = p_province AND c.day = b.day AND c.idem_key = b.idem_key
    SET b.checkin_day = c.day, b.checkin_id = c.id
    WHERE b.outcome = 'recorded';
  COMMIT;
  SELECT seq, outcome, checkin_day, checkin_id, key_version, name, device_version, card_version
    FROM bench_batch ORDER BY seq;
END;
