-- Health answers are health data (Decree 13/2023/NĐ-CP: sensitive personal data): from here on
-- a check-in's answers are stored sealed (AES-256-GCM under the health-data key, bound to their
-- row; cgi/domain/answers.c), which is binary: 2 bytes of marker and key version, 12 of nonce,
-- the text (at most 1000 bytes, ANSWERS_TEXT_MAX), 16 of tag. Rows already there keep their
-- answers in clear through this file (SQL cannot encrypt); `vaora migrate` seals them right
-- after it, in batches, before recording it as applied (answers_seal_clear), so an interrupted
-- run does this file again and finishes them. The column changes once: changing a type copies
-- the whole table, which a run again (or the bench data's sealing) must not pay twice.
-- The amber flag and the counters stay in clear for dashboards and signals.
CREATE PROCEDURE answers_binary()
BEGIN
  IF (SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
      AND TABLE_NAME = 'checkins' AND COLUMN_NAME = 'answers') <> 'varbinary' THEN
    ALTER TABLE checkins MODIFY answers VARBINARY(1030) NOT NULL;
  END IF;
END;
CALL answers_binary();
DROP PROCEDURE answers_binary;
