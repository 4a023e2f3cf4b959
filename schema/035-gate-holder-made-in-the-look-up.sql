-- A gate's first scan of a new ID card in one round trip fewer (issue #14): the holder was looked
-- up under the card's lock by one CALL (gate_holder_find_or_lock, schema/034), then made by a
-- second (checkin_person_new, schema/018) before the check-in's. When the scan is one the
-- worker will record for someone new (the card read whole, the notice confirmed, the answers
-- valid: gate.c and checkins.c decide before the call), the look-up makes the holder itself.
--
-- gate_holder_or_new: gate_holder_find_or_lock (its parameters first, its answer's columns, and
-- then one more: whether this call made the holder), and with p_make, a holder made when there
-- is none under the lock: the check-in's transaction started and the person stored with the
-- audit entry of their creation, as checkin_person_new stores them (the same parameters after
-- p_make; people.c seals the fields; a commune is left to checkin_person_new, which checks it:
-- the worker sends p_make only without one). The transaction stays open for the check-in's
-- call (checkin_record_unlock, p_begin 0), which commits both and gives the lock back.
-- XXX: gate_holder_find_or_lock stays for the previous release's binary during an upgrade
-- (expand, then contract); drop it in the next release.
CREATE PROCEDURE gate_holder_or_new(
  IN p_province CHAR(2), IN p_index_version INT UNSIGNED, IN p_id_index BINARY(32), IN p_lock VARCHAR(64),
  IN p_wait INT UNSIGNED, IN p_make TINYINT,
  IN p_key_version INT UNSIGNED, IN p_name VARBINARY(1024), IN p_phone VARBINARY(64),
  IN p_id_number VARBINARY(64), IN p_address VARBINARY(2048),
  IN p_phone_index BINARY(32), IN p_birth_year SMALLINT, IN p_gender VARCHAR(10),
  IN p_consent_version INT UNSIGNED, IN p_now DATETIME(6), IN p_day DATE,
  IN p_actor_id BIGINT UNSIGNED, IN p_actor_login VARCHAR(64), IN p_actor_role VARCHAR(32),
  IN p_action VARCHAR(40), IN p_address_seen VARCHAR(64))
BEGIN
  DECLARE v_id BIGINT UNSIGNED DEFAULT NULL;
  DECLARE v_locked TINYINT DEFAULT 0;
  DECLARE v_made TINYINT DEFAULT 0;
  SELECT id INTO v_id FROM people
    WHERE province = p_province AND index_version = p_index_version AND id_number_index = p_id_index
    ORDER BY id LIMIT 1;
  IF v_id IS NULL THEN
    SET v_locked = IFNULL(GET_LOCK(p_lock, p_wait), 0);
    IF v_locked THEN
      SELECT id INTO v_id FROM people
        WHERE province = p_province AND index_version = p_index_version AND id_number_index = p_id_index
        ORDER BY id LIMIT 1;
    END IF;
  END IF;
  IF v_id IS NULL AND v_locked AND p_make THEN
    START TRANSACTION;
    INSERT INTO people (province, key_version, full_name_enc, phone_enc, id_number_enc, address_enc, index_version,
                        phone_index, id_number_index, birth_year, gender, area_code, consent_version, consent_at,
                        created_at, card_issued_at, last_checkin_day)
      VALUES (p_province, p_key_version, p_name, p_phone, p_id_number, p_address, p_index_version, p_phone_index,
              p_id_index, p_birth_year, p_gender, NULL, p_consent_version, p_now, p_now, p_now, p_day);
    SET v_id = LAST_INSERT_ID(), v_made = 1;
    INSERT INTO audit_log (province, at, actor_id, actor_login, actor_role, action, object, address, detail)
      VALUES (p_province, p_now, p_actor_id, p_actor_login, p_actor_role, p_action, CONCAT('person:', v_id),
              p_address_seen, '');
  END IF;
  -- One aggregate row, as in gate_holder_find_or_lock (no temporary table per call).
  SELECT MAX(id), MAX(key_version), MAX(full_name_enc), MAX(phone_enc), MAX(id_number_enc), MAX(address_enc),
         MAX(birth_year), MAX(consent_version), DATE_FORMAT(MAX(consent_at), '%Y-%m-%d %H:%i:%s'), MAX(gender),
         MAX(area_code), MAX(card_version), MAX(device_version), v_locked, v_made
    FROM people WHERE province = p_province AND id = v_id;
END;
