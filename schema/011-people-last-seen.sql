-- The purge at a province's scale (issue #7: 2,000,000 people): who has no check-in left is read
-- from the person's row, not looked up in each of the ~30 day partitions of checkins per person
-- (measured: ~10,000 people with expired cards took ~2.5 s that way).
--
-- people.last_checkin_day: the newest Vietnam day with a check-in of the person, moved on by the
-- person's first check-in of a newer day (a look first, without a lock, so their other
-- check-ins of the day leave the row alone). A person has a check-in in the kept days exactly
-- when it is on or after the oldest kept day: check-ins of a day go only with its partition.
-- people_card covers the purge's question: expired card and last day, in the index alone.
ALTER TABLE people
  ADD COLUMN last_checkin_day DATE NULL,
  DROP KEY people_card,
  ADD KEY people_card (province, card_issued_at, last_checkin_day);

-- One pass over the days people were present (schema/008-counters.sql keeps them with the
-- check-ins' days), not a look-up per person.
UPDATE people p JOIN (SELECT province, person_id, MAX(day) AS last_day FROM day_presence
                      GROUP BY province, person_id) d ON d.province = p.province AND d.person_id = p.id
  SET p.last_checkin_day = d.last_day;

CREATE TRIGGER checkins_person_day AFTER INSERT ON checkins FOR EACH ROW FOLLOWS checkins_venue_day
BEGIN
  DECLARE v_last DATE DEFAULT NULL;
  SELECT last_checkin_day INTO v_last FROM people WHERE province = NEW.province AND id = NEW.person_id;
  IF v_last IS NULL OR v_last < NEW.day THEN
    UPDATE people SET last_checkin_day = NEW.day
      WHERE province = NEW.province AND id = NEW.person_id
        AND (last_checkin_day IS NULL OR last_checkin_day < NEW.day);
  END IF;
END;
