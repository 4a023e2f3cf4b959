-- New people's first check-ins recorded many to a transaction (issue #14). Until now the check-in
-- writer (schema/039) took known people only, and a new person's check-in cost two CALLs
-- (checkin_person_new, then checkin_record_at) and a commit of its own: the form's first scan,
-- the one every resident makes once, ran at half the one tap's rate.
--
-- checkin_record_batch_people is checkin_record_batch with a second list: the people to store
-- with their first check-in, one per row whose person is null, each as checkin_person_new
-- stores one (its commune checked, its audit row written) in the batch's transaction. Their
-- answers are sealed by the worker before the person has an id (answers.c binds them to the
-- row by its idempotency key, venue and time, and not to its person). A row whose commune is
-- not the province's answers 'area_unknown' and, as every check that stops a row, goes back
-- to its worker, which records it alone and says so to the resident.
--
-- checkin_record_batch stays for the writer of the binary before this one, until an upgrade
-- has drained it (a later migration drops it, as 038 dropped checkin_record).
--
-- Compared with 039, measured with the bench's `statements` part:
-- * the temporary tables are made once per connection (a session variable says so): a CREATE
--   TEMPORARY TABLE IF NOT EXISTS of a table that exists still cost 4 % of the batch;
-- * the transaction reads at READ COMMITTED: under REPEATABLE READ the look-ups of a multi-table
--   UPDATE lock what they read, and the key look-up's gap lock on the unique key held back every
--   other check-in whose key fell in that gap (on Galera, the applier of another node's too)
--   until the batch committed. The unique key still refuses a key stored twice (1062: the
--   batch rolls back whole and checkin_record_at answers each row), as for checkin_record_at,
--   whose look-ups never locked;
-- * the ids are read by the final SELECT's join, not by an UPDATE before it.
CREATE PROCEDURE checkin_record_batch_people(IN p_province CHAR(2), IN p_rows LONGTEXT, IN p_people LONGTEXT)
BEGIN
  DECLARE v_first_day DATE;
  DECLARE v_last_day DATE;
  DECLARE v_seq INT;
  DECLARE v_person BIGINT UNSIGNED;
  DECLARE v_new_people TINYINT DEFAULT JSON_LENGTH(p_people) > 0;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    RESIGNAL;
  END;
  -- The connection's own (the writer's): MEMORY tables kept from one batch to the next.
  IF @checkin_batch_tables_made IS NULL THEN
    CREATE TEMPORARY TABLE IF NOT EXISTS checkin_batch_sent (
      seq INT NOT NULL PRIMARY KEY, venue BIGINT UNSIGNED, venue_version INT UNSIGNED, idem_key BINARY(16),
      person BIGINT UNSIGNED, person_version INT UNSIGNED, consent_version INT UNSIGNED,
      recent_from DATETIME(6), recent_day DATE, day DATE, direction VARCHAR(3), method VARCHAR(16),
      filed_by BIGINT UNSIGNED, answers VARBINARY(2048), amber TINYINT, form_version INT UNSIGNED,
      pressed DATETIME(6), received DATETIME(6), note VARCHAR(12), code CHAR(4),
      outcome VARCHAR(16) NOT NULL DEFAULT 'recorded', key_version INT UNSIGNED, name VARBINARY(1024),
      device_version INT UNSIGNED, card_version INT UNSIGNED
    ) ENGINE=MEMORY;
    CREATE TEMPORARY TABLE IF NOT EXISTS checkin_batch_new_people (
      seq INT NOT NULL PRIMARY KEY, key_version INT UNSIGNED, name VARBINARY(1024), phone VARBINARY(64),
      id_number VARBINARY(64), address VARBINARY(2048), index_version INT UNSIGNED, phone_index BINARY(32),
      id_index BINARY(32), birth_year SMALLINT UNSIGNED, gender VARCHAR(10), area VARCHAR(10),
      actor_id BIGINT UNSIGNED, actor_login VARCHAR(64), actor_role VARCHAR(20), action VARCHAR(40),
      actor_address VARCHAR(45)
    ) ENGINE=MEMORY;
    SET @checkin_batch_tables_made = 1;
  END IF;
  DELETE FROM checkin_batch_sent;
  INSERT INTO checkin_batch_sent (seq, venue, venue_version, idem_key, person, person_version, consent_version,
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
  -- Emptied only after a batch that had people in it (most have none).
  IF @checkin_batch_people_held IS NOT NULL THEN
    DELETE FROM checkin_batch_new_people;
    SET @checkin_batch_people_held = NULL;
  END IF;
  IF v_new_people THEN
    SET @checkin_batch_people_held = 1;
    INSERT INTO checkin_batch_new_people (seq, key_version, name, phone, id_number, address, index_version,
                                          phone_index, id_index, birth_year, gender, area, actor_id, actor_login,
                                          actor_role, action, actor_address)
      SELECT seq, key_version, UNHEX(name), UNHEX(phone), UNHEX(id_number), UNHEX(address), index_version,
             UNHEX(phone_index), UNHEX(id_index), birth_year, gender, area, actor_id,
             CONVERT(UNHEX(actor_login) USING utf8mb4), actor_role, action, CONVERT(UNHEX(actor_address) USING utf8mb4)
      FROM JSON_TABLE(p_people, '$[*]' COLUMNS (
        seq INT PATH '$[0]', key_version INT UNSIGNED PATH '$[1]', name VARCHAR(2048) PATH '$[2]',
        phone VARCHAR(128) PATH '$[3]', id_number VARCHAR(128) PATH '$[4]', address VARCHAR(4096) PATH '$[5]',
        index_version INT UNSIGNED PATH '$[6]', phone_index VARCHAR(64) PATH '$[7]', id_index VARCHAR(64) PATH '$[8]',
        birth_year SMALLINT UNSIGNED PATH '$[9]', gender VARCHAR(10) PATH '$[10]', area VARCHAR(10) PATH '$[11]',
        actor_id BIGINT UNSIGNED PATH '$[12]', actor_login VARCHAR(128) PATH '$[13]', actor_role VARCHAR(20) PATH '$[14]',
        action VARCHAR(40) PATH '$[15]', actor_address VARCHAR(90) PATH '$[16]')) sent;
  END IF;
  -- The days the batch's look-ups may find rows on, as values: checkins is partitioned by day,
  -- and a join's c.day = b.day alone leaves MariaDB to look in every partition (schema/039).
  SELECT MIN(LEAST(recent_day, day)), MAX(day) INTO v_first_day, v_last_day FROM checkin_batch_sent;
  SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
  START TRANSACTION;
  UPDATE checkin_batch_sent b
    LEFT JOIN venues v ON v.province = p_province AND v.id = b.venue
    LEFT JOIN people p ON p.province = p_province AND p.id = b.person
    LEFT JOIN checkin_batch_new_people n ON b.person IS NULL AND n.seq = b.seq
    LEFT JOIN areas a ON a.province = p_province AND a.code = n.area
    SET b.outcome = CASE
          WHEN b.venue_version <> 0 AND (v.id IS NULL OR v.status <> 'active' OR v.token_version <> b.venue_version)
            THEN 'venue_refused'
          WHEN b.person IS NULL AND n.seq IS NULL THEN 'person_unknown'
          WHEN b.person IS NULL AND n.area IS NOT NULL AND a.code IS NULL THEN 'area_unknown'
          WHEN b.person IS NULL THEN 'recorded'
          WHEN p.id IS NULL OR (b.person_version <> 0 AND p.device_version <> b.person_version) THEN 'person_unknown'
          WHEN p.consent_version <> b.consent_version THEN 'consent_required'
          ELSE 'recorded' END,
        b.key_version = p.key_version, b.name = p.full_name_enc, b.device_version = p.device_version,
        b.card_version = p.card_version;
  UPDATE checkin_batch_sent b JOIN checkins c ON c.province = p_province AND c.day = b.day AND c.idem_key = b.idem_key
      AND c.day BETWEEN v_first_day AND v_last_day
    SET b.outcome = 'replayed'
    WHERE b.outcome = 'recorded';
  UPDATE checkin_batch_sent b STRAIGHT_JOIN checkins c FORCE INDEX (checkins_recent)
      ON c.province = p_province AND c.person_id = b.person AND c.venue_id = b.venue AND c.direction = b.direction
        AND c.pressed_at > b.recent_from AND c.pressed_at <= b.pressed AND c.day IN (b.recent_day, b.day)
        AND c.day BETWEEN v_first_day AND v_last_day
    SET b.outcome = 'already'
    WHERE b.outcome = 'recorded';
  -- Each new person as checkin_person_new stores one. One at a time: the ids of a multi-row
  -- insert are not consecutive under innodb_autoinc_lock_mode 2 (Galera's), and a person has
  -- no other column to read theirs back by.
  IF v_new_people THEN
    SELECT MIN(seq) INTO v_seq FROM checkin_batch_sent WHERE person IS NULL AND outcome = 'recorded';
  END IF;
  WHILE v_seq IS NOT NULL DO
    INSERT INTO people (province, key_version, full_name_enc, phone_enc, id_number_enc, address_enc, index_version,
                        phone_index, id_number_index, birth_year, gender, area_code, consent_version, consent_at,
                        created_at, card_issued_at, last_checkin_day)
      SELECT p_province, n.key_version, n.name, n.phone, n.id_number, n.address, n.index_version, n.phone_index,
             n.id_index, n.birth_year, n.gender, n.area, b.consent_version, b.received, b.received, b.received, b.day
      FROM checkin_batch_sent b JOIN checkin_batch_new_people n ON n.seq = b.seq WHERE b.seq = v_seq;
    SET v_person = LAST_INSERT_ID();
    INSERT INTO audit_log (province, at, actor_id, actor_login, actor_role, action, object, address, detail)
      SELECT p_province, b.received, n.actor_id, n.actor_login, n.actor_role, n.action, CONCAT('person:', v_person),
             n.actor_address, ''
      FROM checkin_batch_sent b JOIN checkin_batch_new_people n ON n.seq = b.seq WHERE b.seq = v_seq;
    UPDATE checkin_batch_sent b JOIN people p ON p.province = p_province AND p.id = v_person
      SET b.person = v_person, b.key_version = p.key_version, b.name = p.full_name_enc,
          b.device_version = p.device_version, b.card_version = p.card_version
      WHERE b.seq = v_seq;
    SET v_seq = (SELECT MIN(seq) FROM checkin_batch_sent WHERE person IS NULL AND outcome = 'recorded');
  END WHILE;
  INSERT INTO checkins (province, day, venue_id, person_id, direction, method, filed_by, answers, amber,
                        form_version, pressed_at, received_at, time_note, check_code, idem_key)
    SELECT p_province, day, venue, person, direction, method, filed_by, answers, amber, form_version, pressed,
           received, note, code, idem_key
    FROM checkin_batch_sent WHERE outcome = 'recorded' ORDER BY seq;
  COMMIT;
  -- The ids of a multi-row insert are not consecutive either: each row's is read back by its key.
  SELECT b.seq, b.outcome, c.id, b.person, b.key_version, b.name, b.device_version, b.card_version
    FROM checkin_batch_sent b
    LEFT JOIN checkins c ON b.outcome = 'recorded' AND c.province = p_province AND c.day = b.day
      AND c.idem_key = b.idem_key AND c.day BETWEEN v_first_day AND v_last_day
    ORDER BY b.seq;
END;
