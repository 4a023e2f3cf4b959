-- Check-ins recorded many to a transaction (issue #14): half of what MariaDB spent on a one-tap
-- check-in was the floor of a CALL, its reads and a commit of its own, whatever the check-in.
-- The check-in writer (cgi/domain/checkin-writer.c, one process per host) hands what the
-- workers sent meanwhile to checkin_record_batch: one CALL, one transaction, one commit (one
-- fsync) for up to CHECKIN_BATCH_MAX check-ins.
--
-- checkin_record_batch records the plain case of checkin_record_at (schema/033) for each row, with
-- the same checks: a known person whose key goes in the row, the venue checked at the poster's
-- version (0 leaves it to the caller), the person's device token version (0: not checked), the
-- notice agreed, the key not seen on the row's day, nobody's same check-in within two minutes.
-- A row that any check stops is not stored and answers the check ('venue_refused',
-- 'person_unknown', 'consent_required', 'replayed', 'already'): the writer sends it back to its
-- worker, which records it by checkin_record_at (the whole answer, and a consent given now). The
-- writer never puts two rows of one person or one key in a batch, so the rows cannot repeat each
-- other. Any error (a key another transaction inserted meanwhile: 1062) rolls the batch back whole
-- and every row goes to checkin_record_at, where the key answers 'replayed' once it is stored.
--
-- The rows come as a JSON array of arrays, one per check-in, in the order of JSON_TABLE's columns
-- below (binary values in hex). The answer is one row per check-in, in seq order: its outcome,
-- the check-in's id when recorded, and its person's sealed name and versions.
--
-- The two-minute rule joins every row of the batch to checkins at once; with checkins_person
-- (province, person, time) MariaDB plans a range per joined row, and the batch cost more than it
-- saved (measured by the bench's `statements` part). checkins_recent is the index the rule asks
-- for. It is built online (InnoDB, in place): the check-ins keep coming while it is.
ALTER TABLE checkins ADD KEY checkins_recent (province, person_id, venue_id, direction, pressed_at),
  ALGORITHM=INPLACE, LOCK=NONE;

CREATE PROCEDURE checkin_record_batch(IN p_province CHAR(2), IN p_rows LONGTEXT)
BEGIN
  DECLARE v_first_day DATE;
  DECLARE v_last_day DATE;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    RESIGNAL;
  END;
  -- The connection's own (the writer's): a MEMORY table kept from one batch to the next.
  CREATE TEMPORARY TABLE IF NOT EXISTS checkin_batch_rows (
    seq INT NOT NULL PRIMARY KEY, venue BIGINT UNSIGNED, venue_version INT UNSIGNED, idem_key BINARY(16),
    person BIGINT UNSIGNED, person_version INT UNSIGNED, consent_version INT UNSIGNED,
    recent_from DATETIME(6), recent_day DATE, day DATE, direction VARCHAR(3), method VARCHAR(16),
    filed_by BIGINT UNSIGNED, answers VARBINARY(2048), amber TINYINT, form_version INT UNSIGNED,
    pressed DATETIME(6), received DATETIME(6), note VARCHAR(12), code CHAR(4),
    outcome VARCHAR(16) NOT NULL DEFAULT 'recorded', checkin_id BIGINT UNSIGNED, key_version INT UNSIGNED,
    name VARBINARY(1024), device_version INT UNSIGNED, card_version INT UNSIGNED
  ) ENGINE=MEMORY;
  DELETE FROM checkin_batch_rows;
  INSERT INTO checkin_batch_rows (seq, venue, venue_version, idem_key, person, person_version, consent_version,
                                  recent_from, recent_day, day, direction, method, filed_by, answers, amber,
                                  form_version, pressed, received, note, code)
    SELECT seq, venue, venue_version, UNHEX(idem_key), person, person_version, consent_version, recent_from,
           recent_day, day, direction, method, filed_by, UNHEX(answers), amber, form_version, pressed, received,
           note, code
    FROM JSON_TABLE(p_rows, '$[*]' COLUMNS (
      seq INT PATH '$[0]', venue BIGINT UNSIGNED PATH '$[1]', venue_version INT UNSIGNED PATH '$[2]',
      idem_key VARCHAR(32) PATH '$[3]', person BIGINT UNSIGNED PATH '$[4]', person_version INT UNSIGNED PATH '$[5]',
      consent_version INT UNSIGNED PATH '$[6]', recent_from DATETIME(6) PATH '$[7]', recent_day DATE PATH '$[8]',
      day DATE PATH '$[9]', direction VARCHAR(3) PATH '$[10]', method VARCHAR(16) PATH '$[11]',
      filed_by BIGINT UNSIGNED PATH '$[12]', answers VARCHAR(4096) PATH '$[13]', amber TINYINT PATH '$[14]',
      form_version INT UNSIGNED PATH '$[15]', pressed DATETIME(6) PATH '$[16]', received DATETIME(6) PATH '$[17]',
      note VARCHAR(12) PATH '$[18]', code CHAR(4) PATH '$[19]')) sent;
  -- The days the batch's look-ups may find rows on, as values: checkins is partitioned by day,
  -- and a join's c.day = b.day alone leaves MariaDB to look in every partition (40 here: 57
  -- index look-ups per check-in measured, against 4 with the bound).
  SELECT MIN(LEAST(recent_day, day)), MAX(day) INTO v_first_day, v_last_day FROM checkin_batch_rows;
  START TRANSACTION;
  UPDATE checkin_batch_rows b
    LEFT JOIN venues v ON v.province = p_province AND v.id = b.venue
    LEFT JOIN people p ON p.province = p_province AND p.id = b.person
    SET b.outcome = CASE
          WHEN b.venue_version <> 0 AND (v.id IS NULL OR v.status <> 'active' OR v.token_version <> b.venue_version)
            THEN 'venue_refused'
          WHEN p.id IS NULL OR (b.person_version <> 0 AND p.device_version <> b.person_version) THEN 'person_unknown'
          WHEN p.consent_version <> b.consent_version THEN 'consent_required'
          ELSE 'recorded' END,
        b.key_version = p.key_version, b.name = p.full_name_enc, b.device_version = p.device_version,
        b.card_version = p.card_version;
  UPDATE checkin_batch_rows b JOIN checkins c ON c.province = p_province AND c.day = b.day AND c.idem_key = b.idem_key
      AND c.day BETWEEN v_first_day AND v_last_day
    SET b.outcome = 'replayed'
    WHERE b.outcome = 'recorded';
  UPDATE checkin_batch_rows b STRAIGHT_JOIN checkins c FORCE INDEX (checkins_recent)
      ON c.province = p_province AND c.person_id = b.person AND c.venue_id = b.venue AND c.direction = b.direction
        AND c.pressed_at > b.recent_from AND c.pressed_at <= b.pressed AND c.day IN (b.recent_day, b.day)
        AND c.day BETWEEN v_first_day AND v_last_day
    SET b.outcome = 'already'
    WHERE b.outcome = 'recorded';
  INSERT INTO checkins (province, day, venue_id, person_id, direction, method, filed_by, answers, amber,
                        form_version, pressed_at, received_at, time_note, check_code, idem_key)
    SELECT p_province, day, venue, person, direction, method, filed_by, answers, amber, form_version, pressed,
           received, note, code, idem_key
    FROM checkin_batch_rows WHERE outcome = 'recorded' ORDER BY seq;
  -- The ids of a multi-row insert are not consecutive under innodb_autoinc_lock_mode 2 (Galera's):
  -- each row's is read back by its key.
  UPDATE checkin_batch_rows b JOIN checkins c ON c.province = p_province AND c.day = b.day AND c.idem_key = b.idem_key
      AND c.day BETWEEN v_first_day AND v_last_day
    SET b.checkin_id = c.id
    WHERE b.outcome = 'recorded';
  COMMIT;
  SELECT seq, outcome, checkin_id, key_version, name, device_version, card_version
    FROM checkin_batch_rows ORDER BY seq;
END;
