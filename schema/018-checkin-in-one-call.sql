-- A check-in in one round trip (issue #14 point 3): the statements a self check-in sent one by
-- one (START TRANSACTION, the person's row, the two-minute look-up, the insert, the key in
-- checkin_keys, COMMIT: 5 to 7 round trips) run in the server in one CALL. The worker computes
-- everything that needs a key first (the idempotency key's hash, the answers sealed to the row,
-- the person's ciphertexts) and reads the person's name back from the answer to decrypt it.
--
-- checkin_person_new starts the transaction of a new person's check-in and stores them with
-- the audit entry of their creation (people.c seals the fields; audit.c names the actor),
-- after checking their commune is the province's; the check-in's answers are sealed to the
-- new id (answers.c), so checkin_record comes second, in the same transaction.
CREATE PROCEDURE checkin_person_new(
  IN p_province CHAR(2), IN p_key_version INT UNSIGNED, IN p_name VARBINARY(1024), IN p_phone VARBINARY(64),
  IN p_id_number VARBINARY(64), IN p_address VARBINARY(2048), IN p_index_version INT UNSIGNED,
  IN p_phone_index BINARY(32), IN p_id_index BINARY(32), IN p_birth_year SMALLINT, IN p_gender VARCHAR(10),
  IN p_area VARCHAR(10), IN p_consent_version INT UNSIGNED, IN p_now DATETIME(6), IN p_day DATE,
  IN p_actor_id BIGINT UNSIGNED, IN p_actor_login VARCHAR(64), IN p_actor_role VARCHAR(32),
  IN p_action VARCHAR(40), IN p_address_seen VARCHAR(64))
BEGIN
  DECLARE v_id BIGINT UNSIGNED;
  START TRANSACTION;
  -- A commune that is not the province's stores nothing: 0 for the field error.
  IF p_area IS NOT NULL AND NOT EXISTS (SELECT 1 FROM areas WHERE province = p_province AND code = p_area) THEN
    ROLLBACK;
    SELECT 0;
  ELSE
    INSERT INTO people (province, key_version, full_name_enc, phone_enc, id_number_enc, address_enc, index_version,
                        phone_index, id_number_index, birth_year, gender, area_code, consent_version, consent_at,
                        created_at, card_issued_at, last_checkin_day)
      VALUES (p_province, p_key_version, p_name, p_phone, p_id_number, p_address, p_index_version, p_phone_index,
              p_id_index, p_birth_year, p_gender, p_area, p_consent_version, p_now, p_now, p_now, p_day);
    SET v_id = LAST_INSERT_ID();
    INSERT INTO audit_log (province, at, actor_id, actor_login, actor_role, action, object, address, detail)
      VALUES (p_province, p_now, p_actor_id, p_actor_login, p_actor_role, p_action, CONCAT('person:', v_id),
              p_address_seen, '');
    SELECT v_id;
  END IF;
END;

-- The rest of a check-in, in the order checkins.c names its steps, ending the transaction
-- (started here with p_begin, or by checkin_person_new):
--   locate the key: with p_client_day, an earlier attempt filed on the day of the time the
--     client sent (the key then goes in checkin_keys, p_in_row 0);
--   the person (p_known): still there, the phone's token version current (p_person_version,
--     0 not to check), the notice agreed (renewed now when p_consent says so);
--   the two-minute rule (p_known): the same person, venue and direction pressed within
--     (p_recent_from, p_pressed]: holding this key it is this submission's (replayed), else
--     nothing new is stored ("already", its key in checkin_keys when not in the row);
--   insert the row (the key in it when p_in_row), else the key in checkin_keys;
--   answer: one row, the outcome and the record with its person's sealed name.
-- A duplicate key (a second submission racing the first) waits for the first one's commit,
-- rolls back what this one wrote and answers with the first one's record. Nothing is committed
-- but a recorded check-in or a renewed consent with an "already".
CREATE PROCEDURE checkin_record(
  IN p_province CHAR(2), IN p_begin TINYINT, IN p_key BINARY(16), IN p_in_row TINYINT, IN p_client_day DATE,
  IN p_known TINYINT, IN p_person_version INT UNSIGNED, IN p_consent TINYINT, IN p_consent_version INT UNSIGNED,
  IN p_recent_from DATETIME(6), IN p_recent_day DATE,
  IN p_day DATE, IN p_venue BIGINT UNSIGNED, IN p_person BIGINT UNSIGNED, IN p_direction VARCHAR(3),
  IN p_method VARCHAR(16), IN p_filed_by BIGINT UNSIGNED, IN p_answers VARBINARY(2048), IN p_amber TINYINT,
  IN p_form_version INT UNSIGNED, IN p_pressed DATETIME(6), IN p_received DATETIME(6), IN p_note VARCHAR(12),
  IN p_code CHAR(4))
BEGIN
  DECLARE v_outcome VARCHAR(16) DEFAULT 'recorded';
  DECLARE v_day DATE DEFAULT NULL;
  DECLARE v_id BIGINT UNSIGNED DEFAULT NULL;
  DECLARE v_key BINARY(16) DEFAULT NULL;
  DECLARE v_version INT UNSIGNED DEFAULT NULL;
  DECLARE v_consent INT UNSIGNED DEFAULT 0;
  DECLARE EXIT HANDLER FOR 1062
  BEGIN
    ROLLBACK;
    IF p_in_row THEN
      SELECT day, id INTO v_day, v_id FROM checkins
        WHERE province = p_province AND day = p_day AND idem_key = p_key;
    ELSE
      SELECT checkin_day, checkin_id INTO v_day, v_id FROM checkin_keys
        WHERE province = p_province AND idem_key = p_key;
    END IF;
    CALL checkin_answer(p_province, 'replayed', v_day, v_id);
  END;
  IF p_begin THEN
    START TRANSACTION;
  END IF;

  IF p_client_day IS NOT NULL THEN
    SELECT day, id INTO v_day, v_id FROM checkins
      WHERE province = p_province AND day = p_client_day AND idem_key = p_key;
    IF v_id IS NOT NULL THEN
      SET v_outcome = 'replayed';
    END IF;
  END IF;

  IF v_id IS NULL AND p_known THEN
    SELECT device_version, consent_version INTO v_version, v_consent FROM people
      WHERE province = p_province AND id = p_person;
    IF v_version IS NULL OR (p_person_version <> 0 AND v_version <> p_person_version) THEN
      SET v_outcome = 'person_unknown';
    ELSEIF v_consent <> p_consent_version AND NOT p_consent THEN
      SET v_outcome = 'consent_required';
    ELSEIF v_consent <> p_consent_version THEN
      UPDATE people SET consent_version = p_consent_version, consent_at = p_received, updated_at = p_received
        WHERE province = p_province AND id = p_person;
    END IF;
  END IF;

  IF v_id IS NULL AND v_outcome = 'recorded' AND p_known THEN
    SELECT day, id, idem_key INTO v_day, v_id, v_key FROM checkins
      WHERE province = p_province AND day IN (p_recent_day, p_day) AND person_id = p_person AND venue_id = p_venue
        AND direction = p_direction AND pressed_at > p_recent_from AND pressed_at <= p_pressed
      ORDER BY pressed_at DESC LIMIT 1;
    IF v_id IS NOT NULL THEN
      SET v_outcome = IF(v_key <=> p_key, 'replayed', 'already');
    END IF;
  END IF;

  IF v_outcome = 'recorded' THEN
    INSERT INTO checkins (province, day, venue_id, person_id, direction, method, filed_by, answers, amber,
                          form_version, pressed_at, received_at, time_note, check_code, idem_key)
      VALUES (p_province, p_day, p_venue, p_person, p_direction, p_method, p_filed_by, p_answers, p_amber,
              p_form_version, p_pressed, p_received, p_note, p_code, IF(p_in_row, p_key, NULL));
    SET v_day = p_day, v_id = LAST_INSERT_ID();
  END IF;
  IF NOT p_in_row AND v_outcome IN ('recorded', 'already') THEN
    INSERT INTO checkin_keys (province, idem_key, checkin_day, checkin_id, received_at)
      VALUES (p_province, p_key, v_day, v_id, p_received);
  END IF;

  IF v_outcome IN ('recorded', 'already') THEN
    COMMIT;
  ELSE
      ROLLBACK;
  END IF;
  CALL checkin_answer(p_province, v_outcome, v_day, v_id);
END;

-- checkin_record's one row: the outcome, the check-in (NULLs when there is none) and its
-- person's sealed name and versions.
CREATE PROCEDURE checkin_answer(IN p_province CHAR(2), IN p_outcome VARCHAR(16), IN p_day DATE,
                                IN p_id BIGINT UNSIGNED)
BEGIN
  SELECT p_outcome, c.id, c.person_id, c.check_code, c.amber, c.direction,
         DATE_FORMAT(c.pressed_at, '%Y-%m-%d %H:%i:%s.%f'), DATE_FORMAT(c.received_at, '%Y-%m-%d %H:%i:%s.%f'),
         c.time_note, p.key_version, p.full_name_enc, p.device_version, p.card_version
    FROM (SELECT 1) one
    LEFT JOIN checkins c ON c.province = p_province AND c.day = p_day AND c.id = p_id
    LEFT JOIN people p ON p.province = c.province AND p.id = c.person_id;
END;
