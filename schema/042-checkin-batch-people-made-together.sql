-- The check-in writer's new people made together (issue #14): checkin_record_batch_people
-- (schema/041) made each new person of a batch, and each card's new holder, one at a time: an
-- INSERT of the person, one of their audit entry, an UPDATE of the batch's row and a SELECT of
-- the next, four statements a new person inside the CALL. Now four statements a batch make them
-- all: the people in one INSERT, read back in one UPDATE (by the first id and each one's sealed
-- name), a check that none was missed, their audit entries in one INSERT. Everything else is
-- 041's, unchanged: the signature, the temporary tables, the answer.
CREATE OR REPLACE PROCEDURE checkin_record_batch_people(IN p_province CHAR(2), IN p_rows LONGTEXT,
                                                       IN p_people LONGTEXT)
BEGIN
  DECLARE v_first_day DATE;
  DECLARE v_last_day DATE;
  DECLARE v_first_person BIGINT UNSIGNED;
  DECLARE v_locks TINYINT DEFAULT 0;
  DECLARE v_holders INT DEFAULT 0;
  DECLARE v_new_people TINYINT DEFAULT JSON_LENGTH(p_people) > 0;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION
  BEGIN
    ROLLBACK;
    IF v_locks THEN
      DO RELEASE_ALL_LOCKS();
    END IF;
    RESIGNAL;
  END;
  -- The connection's own (the writer's): MEMORY tables kept from one batch to the next.
  IF @checkin_batch_holder_tables_made IS NULL THEN
    CREATE TEMPORARY TABLE IF NOT EXISTS checkin_batch_rows (
      seq INT NOT NULL PRIMARY KEY, venue BIGINT UNSIGNED, venue_version INT UNSIGNED, idem_key BINARY(16),
      person BIGINT UNSIGNED, person_version INT UNSIGNED, consent_version INT UNSIGNED,
      recent_from DATETIME(6), recent_day DATE, day DATE, direction VARCHAR(3), method VARCHAR(16),
      filed_by BIGINT UNSIGNED, answers VARBINARY(2048), amber TINYINT, form_version INT UNSIGNED,
      pressed DATETIME(6), received DATETIME(6), note VARCHAR(12), code CHAR(4),
      outcome VARCHAR(16) NOT NULL DEFAULT 'recorded', key_version INT UNSIGNED, name VARBINARY(1024),
      device_version INT UNSIGNED, card_version INT UNSIGNED, made TINYINT NOT NULL DEFAULT 0
    ) ENGINE=MEMORY;
    CREATE TEMPORARY TABLE IF NOT EXISTS checkin_batch_people (
      seq INT NOT NULL PRIMARY KEY, key_version INT UNSIGNED, name VARBINARY(1024), phone VARBINARY(64),
      id_number VARBINARY(64), address VARBINARY(2048), index_version INT UNSIGNED, phone_index BINARY(32),
      id_index BINARY(32), birth_year SMALLINT UNSIGNED, gender VARCHAR(10), area VARCHAR(10),
      actor_id BIGINT UNSIGNED, actor_login VARCHAR(64), actor_role VARCHAR(20), action VARCHAR(40),
      actor_address VARCHAR(45), holder_lock VARCHAR(64), locked TINYINT
    ) ENGINE=MEMORY;
    -- A card's blind indexes, the current lookup key's and the older ones'.
    CREATE TEMPORARY TABLE IF NOT EXISTS checkin_batch_card_indexes (
      seq INT NOT NULL, index_version INT UNSIGNED NOT NULL, id_index BINARY(32),
      PRIMARY KEY USING BTREE (seq, index_version)
    ) ENGINE=MEMORY;
    -- The persons of the rows, for the look-up of a found holder among them (a temporary table
    -- cannot be joined to itself).
    CREATE TEMPORARY TABLE IF NOT EXISTS checkin_batch_persons (
      seq INT NOT NULL PRIMARY KEY, person BIGINT UNSIGNED, KEY (person)
    ) ENGINE=MEMORY;
    SET @checkin_batch_holder_tables_made = 1;
  END IF;
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
  -- Emptied only after a batch that had people in it (most have none).
  IF @checkin_batch_holder_people_held IS NOT NULL THEN
    DELETE FROM checkin_batch_people;
    SET @checkin_batch_holder_people_held = NULL;
  END IF;
  IF v_new_people THEN
    SET @checkin_batch_holder_people_held = 1;
    INSERT INTO checkin_batch_people (seq, key_version, name, phone, id_number, address, index_version,
                                      phone_index, id_index, birth_year, gender, area, actor_id, actor_login,
                                      actor_role, action, actor_address, holder_lock)
      SELECT seq, key_version, UNHEX(name), UNHEX(phone), UNHEX(id_number), UNHEX(address), index_version,
             UNHEX(phone_index), UNHEX(id_index), birth_year, gender, area, actor_id,
             CONVERT(UNHEX(actor_login) USING utf8mb4), actor_role, action,
             CONVERT(UNHEX(actor_address) USING utf8mb4), holder_lock
      FROM JSON_TABLE(p_people, '$[*]' COLUMNS (
        seq INT PATH '$[0]', key_version INT UNSIGNED PATH '$[1]', name VARCHAR(2048) PATH '$[2]',
        phone VARCHAR(128) PATH '$[3]', id_number VARCHAR(128) PATH '$[4]', address VARCHAR(4096) PATH '$[5]',
        index_version INT UNSIGNED PATH '$[6]', phone_index VARCHAR(64) PATH '$[7]', id_index VARCHAR(64) PATH '$[8]',
        birth_year SMALLINT UNSIGNED PATH '$[9]', gender VARCHAR(10) PATH '$[10]', area VARCHAR(10) PATH '$[11]',
        actor_id BIGINT UNSIGNED PATH '$[12]', actor_login VARCHAR(128) PATH '$[13]', actor_role VARCHAR(20) PATH '$[14]',
        action VARCHAR(40) PATH '$[15]', actor_address VARCHAR(90) PATH '$[16]',
        holder_lock VARCHAR(64) PATH '$[17]')) sent;
    SELECT COUNT(*) INTO v_holders FROM checkin_batch_people WHERE holder_lock IS NOT NULL;
  END IF;
  -- The days the batch's look-ups may find rows on, as values: checkins is partitioned by day,
  -- and a join's c.day = b.day alone leaves MariaDB to look in every partition (schema/039).
  SELECT MIN(LEAST(recent_day, day)), MAX(day) INTO v_first_day, v_last_day FROM checkin_batch_rows;
  SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
  START TRANSACTION;
  -- Every card's lock, taken without waiting before its holder is looked for, so a holder made
  -- elsewhere under it is committed and seen; a lock held elsewhere sends the row back. Then the
  -- holders, looked up together under every lookup key (their first by id).
  IF v_holders THEN
    -- Set first: a statement that fails half-way has taken some, which the handler gives back
    -- (the writer's connection outlives the batch).
    SET v_locks = 1;
    UPDATE checkin_batch_people SET locked = IFNULL(GET_LOCK(holder_lock, 0), 0) WHERE holder_lock IS NOT NULL;
    UPDATE checkin_batch_rows b JOIN checkin_batch_people n ON n.seq = b.seq AND n.locked = 0
      SET b.outcome = 'holder_busy';
    DELETE FROM checkin_batch_card_indexes;
    INSERT INTO checkin_batch_card_indexes (seq, index_version, id_index)
      SELECT seq, index_version, id_index FROM checkin_batch_people WHERE holder_lock IS NOT NULL;
    INSERT INTO checkin_batch_card_indexes (seq, index_version, id_index)
      SELECT seq, index_version, UNHEX(id_index)
      FROM JSON_TABLE(p_people, '$[*]' COLUMNS (seq INT PATH '$[0]', NESTED PATH '$[18][*]' COLUMNS (
        index_version INT UNSIGNED PATH '$[0]', id_index VARCHAR(64) PATH '$[1]'))) older
      WHERE index_version IS NOT NULL;
    UPDATE checkin_batch_rows b JOIN checkin_batch_people n ON n.seq = b.seq AND n.holder_lock IS NOT NULL
      SET b.person = (SELECT MIN(p.id) FROM checkin_batch_card_indexes o JOIN people p ON p.province = p_province
                        AND p.index_version = o.index_version AND p.id_number_index = o.id_index
                      WHERE o.seq = b.seq);
    DELETE FROM checkin_batch_persons;
    INSERT INTO checkin_batch_persons (seq, person) SELECT seq, person FROM checkin_batch_rows WHERE person IS NOT NULL;
    UPDATE checkin_batch_rows b JOIN checkin_batch_people n ON n.seq = b.seq AND n.holder_lock IS NOT NULL
      JOIN checkin_batch_persons o ON o.person = b.person AND o.seq <> b.seq
      SET b.outcome = 'holder_busy';
  END IF;
  UPDATE checkin_batch_rows b
    LEFT JOIN venues v ON v.province = p_province AND v.id = b.venue
    LEFT JOIN people p ON p.province = p_province AND p.id = b.person
    LEFT JOIN checkin_batch_people n ON n.seq = b.seq
    LEFT JOIN areas a ON a.province = p_province AND a.code = n.area
    SET b.outcome = CASE
          WHEN b.outcome <> 'recorded' THEN b.outcome
          WHEN b.venue_version <> 0 AND (v.id IS NULL OR v.status <> 'active' OR v.token_version <> b.venue_version)
            THEN 'venue_refused'
          WHEN b.person IS NULL AND n.seq IS NULL THEN 'person_unknown'
          WHEN b.person IS NULL AND n.area IS NOT NULL AND a.code IS NULL THEN 'area_unknown'
          WHEN b.person IS NULL THEN 'recorded'
          WHEN p.id IS NULL OR (b.person_version <> 0 AND p.device_version <> b.person_version) THEN 'person_unknown'
          WHEN p.consent_version <> b.consent_version THEN 'consent_required'
          WHEN n.holder_lock IS NOT NULL AND p.key_version > n.key_version THEN 'holder_busy'
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
  -- The batch's new people (and cards' new holders), all in one statement. The ids of a
  -- multi-row insert are not consecutive under innodb_autoinc_lock_mode 2 (Galera's), but none
  -- is below the first (LAST_INSERT_ID()), and each person's sealed name is theirs alone (a fresh
  -- random nonce each): each row finds its person by both.
  IF v_new_people THEN
    INSERT INTO people (province, key_version, full_name_enc, phone_enc, id_number_enc, address_enc, index_version,
                        phone_index, id_number_index, birth_year, gender, area_code, consent_version, consent_at,
                        created_at, card_issued_at, last_checkin_day)
      SELECT p_province, n.key_version, n.name, n.phone, n.id_number, n.address, n.index_version, n.phone_index,
             n.id_index, n.birth_year, n.gender, n.area, b.consent_version, b.received, b.received, b.received, b.day
      FROM checkin_batch_rows b JOIN checkin_batch_people n ON n.seq = b.seq
      WHERE b.person IS NULL AND b.outcome = 'recorded' ORDER BY b.seq;
    IF ROW_COUNT() > 0 THEN
      SET v_first_person = LAST_INSERT_ID();
      UPDATE checkin_batch_rows b JOIN checkin_batch_people n ON n.seq = b.seq
        JOIN people p ON p.province = p_province AND p.id >= v_first_person AND p.full_name_enc = n.name
        SET b.person = p.id, b.made = 1, b.key_version = p.key_version, b.name = p.full_name_enc,
            b.device_version = p.device_version, b.card_version = p.card_version
        WHERE b.person IS NULL AND b.outcome = 'recorded';
      -- Cannot happen; were it to, no check-in is stored without its person.
      IF EXISTS (SELECT 1 FROM checkin_batch_rows WHERE person IS NULL AND outcome = 'recorded') THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'checkin_record_batch_people: a new person was not read back';
      END IF;
      INSERT INTO audit_log (province, at, actor_id, actor_login, actor_role, action, object, address, detail)
        SELECT p_province, b.received, n.actor_id, n.actor_login, n.actor_role, n.action, CONCAT('person:', b.person),
               n.actor_address, ''
        FROM checkin_batch_rows b JOIN checkin_batch_people n ON n.seq = b.seq
        WHERE b.made = 1 ORDER BY b.seq;
    END IF;
  END IF;
  INSERT INTO checkins (province, day, venue_id, person_id, direction, method, filed_by, answers, amber,
                        form_version, pressed_at, received_at, time_note, check_code, idem_key)
    SELECT p_province, day, venue, person, direction, method, filed_by, answers, amber, form_version, pressed,
           received, note, code, idem_key
    FROM checkin_batch_rows WHERE outcome = 'recorded' ORDER BY seq;
  COMMIT;
  IF v_locks THEN
    DO RELEASE_ALL_LOCKS();
  END IF;
  -- The ids of a multi-row insert are not consecutive either: each row's is read back by its key.
  SELECT b.seq, b.outcome, c.id, b.person, b.key_version, b.name, b.device_version, b.card_version, b.made
    FROM checkin_batch_rows b
    LEFT JOIN checkins c ON b.outcome = 'recorded' AND c.province = p_province AND c.day = b.day
      AND c.idem_key = b.idem_key AND c.day BETWEEN v_first_day AND v_last_day
    ORDER BY b.seq;
END;
