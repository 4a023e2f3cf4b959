-- A check-in that checks its venue itself (issue #14): the check-in page's submission took the
-- venue from a read of its own before the CALL (a round trip and a statement per scan, a tenth
-- of MariaDB's time under one-tap load); it now takes what it shows of the venue from the
-- worker's cache (cgi/domain/venue-cache.c), and this procedure checks, inside the check-in's
-- transaction, that the venue still takes check-ins at the poster's token version. A poster
-- revoked or a venue closed by anyone (another host, the command line, SQL) before the
-- check-in's transaction read the venue checks nobody in, however stale a worker's cache. The
-- read is a consistent one, not a locking one: like the read outside the transaction it
-- replaces, a revocation committed while a check-in is in flight may follow that check-in, and
-- no check-in waits behind the venue's other writers (the counters' folder updates the row).
--
-- checkin_record_at is checkin_record (schema/027, whose comments hold) with one parameter
-- more, p_venue_version: the poster's token version, the venue refused (outcome
-- 'venue_refused', nothing stored, a new person's row of checkin_person_new rolled back with the
-- rest) unless the venue is the province's, active and at that version; 0 leaves the venue to the
-- caller (the gate, a volunteer's desk and the API read their venue themselves). The venue and a
-- known person are read in one statement, so the check costs the call no statement more.
-- XXX: checkin_record stays for the binary of the previous release during an upgrade (expand,
-- then contract); drop it in the next release.
CREATE PROCEDURE checkin_record_at(
  IN p_province CHAR(2), IN p_venue_version INT UNSIGNED, IN p_begin TINYINT, IN p_key BINARY(16),
  IN p_in_row TINYINT, IN p_client_day DATE,
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
  DECLARE v_venue_ok TINYINT DEFAULT NULL;
  DECLARE v_version INT UNSIGNED DEFAULT NULL;
  DECLARE v_consent INT UNSIGNED DEFAULT 0;
  DECLARE v_key_version INT UNSIGNED DEFAULT NULL;
  DECLARE v_name VARBINARY(1024) DEFAULT NULL;
  DECLARE v_card INT UNSIGNED DEFAULT NULL;
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

  IF p_venue_version <> 0 THEN
    -- No such venue reads no row: v_venue_ok stays NULL, refused. (A derived one-row table to
    -- join both to would cost a temporary table per call.)
    SELECT v.status = 'active' AND v.token_version = p_venue_version,
           p.device_version, p.consent_version, p.key_version, p.full_name_enc, p.card_version
      INTO v_venue_ok, v_version, v_consent, v_key_version, v_name, v_card
      FROM venues v
      LEFT JOIN people p ON p_known AND p.province = p_province AND p.id = p_person
      WHERE v.province = p_province AND v.id = p_venue;
    IF v_venue_ok IS NULL OR NOT v_venue_ok THEN
      SET v_outcome = 'venue_refused';
    END IF;
  ELSEIF p_known THEN
    SELECT device_version, consent_version, key_version, full_name_enc, card_version
      INTO v_version, v_consent, v_key_version, v_name, v_card FROM people
      WHERE province = p_province AND id = p_person;
  END IF;

  IF v_outcome = 'recorded' AND p_client_day IS NOT NULL THEN
    SELECT day, id INTO v_day, v_id FROM checkins
      WHERE province = p_province AND day = p_client_day AND idem_key = p_key;
    IF v_id IS NOT NULL THEN
      SET v_outcome = 'replayed';
    END IF;
  END IF;

  IF v_outcome = 'recorded' AND p_known THEN
    IF v_version IS NULL OR (p_person_version <> 0 AND v_version <> p_person_version) THEN
      SET v_outcome = 'person_unknown';
    ELSEIF v_consent <> p_consent_version AND NOT p_consent THEN
      SET v_outcome = 'consent_required';
    ELSEIF v_consent <> p_consent_version THEN
      UPDATE people SET consent_version = p_consent_version, consent_at = p_received, updated_at = p_received
        WHERE province = p_province AND id = p_person;
    END IF;
  END IF;

  IF v_outcome = 'recorded' AND p_known THEN
    SELECT day, id, idem_key INTO v_day, v_id, v_key FROM checkins FORCE INDEX (checkins_person)
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
  IF v_outcome = 'recorded' THEN
    -- The row just written is this call's parameters; a new person's sealed name is read back.
    IF NOT p_known THEN
      SELECT key_version, full_name_enc, device_version, card_version INTO v_key_version, v_name, v_version, v_card
        FROM people WHERE province = p_province AND id = p_person;
    END IF;
    SELECT v_outcome, v_id, p_person, p_code, p_amber, p_direction, DATE_FORMAT(p_pressed, '%Y-%m-%d %H:%i:%s.%f'),
           DATE_FORMAT(p_received, '%Y-%m-%d %H:%i:%s.%f'), p_note, v_key_version, v_name, v_version, v_card;
  ELSEIF v_outcome = 'venue_refused' THEN
    CALL checkin_answer(p_province, v_outcome, NULL, NULL);
  ELSE
    CALL checkin_answer(p_province, v_outcome, v_day, v_id);
  END IF;
END;
