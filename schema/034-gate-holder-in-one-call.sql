-- A gate's scan of an ID card in fewer round trips (issue #14): a new card's holder was looked
-- up, the card's named lock taken (GET_LOCK), the holder looked up again under it, and the lock
-- given back (RELEASE_LOCK) after the check-in's commit: four statements around the check-in's
-- two CALLs. The lock stays what serializes two first scans of one new card (an ID number's
-- blind index is not unique: index versions, old shared numbers; people.c), now taken and given
-- back inside these procedures; each names the same lock people.c always named.
--
-- gate_holder_find_or_lock: the holder of p_id_index (the current index version's), else the
-- card's lock p_lock taken (waiting up to p_wait seconds) and the holder looked up again under
-- it. One row: the holder's PEOPLE_COLUMNS (people.c; all NULL for none) and whether this call
-- took the lock (1; 0 when it found a holder first or waited in vain). A holder found first
-- takes no lock: people.c decides what a row that does not decrypt, or an older index version,
-- needs. A connection's lock outlives its transactions: give it back after the commit.
CREATE PROCEDURE gate_holder_find_or_lock(
  IN p_province CHAR(2), IN p_index_version INT UNSIGNED, IN p_id_index BINARY(32), IN p_lock VARCHAR(64),
  IN p_wait INT UNSIGNED)
BEGIN
  DECLARE v_id BIGINT UNSIGNED DEFAULT NULL;
  DECLARE v_locked TINYINT DEFAULT 0;
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
  -- An aggregate without GROUP BY answers one row, of NULLs when there is no holder: the row is
  -- the one of its primary key, so each MAX is its value (a derived one-row table to join the
  -- holder to would cost a temporary table per call).
  SELECT MAX(id), MAX(key_version), MAX(full_name_enc), MAX(phone_enc), MAX(id_number_enc), MAX(address_enc),
         MAX(birth_year), MAX(consent_version), DATE_FORMAT(MAX(consent_at), '%Y-%m-%d %H:%i:%s'), MAX(gender),
         MAX(area_code), MAX(card_version), MAX(device_version), v_locked
    FROM people WHERE province = p_province AND id = v_id;
END;

-- checkin_record_unlock: checkin_record_at (schema/033), its answer unchanged, then the named
-- lock p_lock given back: after the check-in's commit or rollback, in the same round trip. A
-- duplicate key is handled inside checkin_record_at, so the lock is given back then too; only a
-- failed call leaves it to the caller (or to the connection's end).
CREATE PROCEDURE checkin_record_unlock(
  IN p_lock VARCHAR(64),
  IN p_province CHAR(2), IN p_venue_version INT UNSIGNED, IN p_begin TINYINT, IN p_key BINARY(16),
  IN p_in_row TINYINT, IN p_client_day DATE,
  IN p_known TINYINT, IN p_person_version INT UNSIGNED, IN p_consent TINYINT, IN p_consent_version INT UNSIGNED,
  IN p_recent_from DATETIME(6), IN p_recent_day DATE,
  IN p_day DATE, IN p_venue BIGINT UNSIGNED, IN p_person BIGINT UNSIGNED, IN p_direction VARCHAR(3),
  IN p_method VARCHAR(16), IN p_filed_by BIGINT UNSIGNED, IN p_answers VARBINARY(2048), IN p_amber TINYINT,
  IN p_form_version INT UNSIGNED, IN p_pressed DATETIME(6), IN p_received DATETIME(6), IN p_note VARCHAR(12),
  IN p_code CHAR(4))
BEGIN
  CALL checkin_record_at(p_province, p_venue_version, p_begin, p_key, p_in_row, p_client_day, p_known,
                         p_person_version, p_consent, p_consent_version, p_recent_from, p_recent_day, p_day,
                         p_venue, p_person, p_direction, p_method, p_filed_by, p_answers, p_amber, p_form_version,
                         p_pressed, p_received, p_note, p_code);
  DO RELEASE_LOCK(p_lock);
END;
