-- What the self check-in page asks of a resident beyond #3's fields, and the versions of the
-- two tokens that point at a person: the personal QR card (bumped when a card is lost) and
-- the token a phone keeps to remember the person (bumped to forget every phone at once).
ALTER TABLE people
  ADD COLUMN gender VARCHAR(6) NULL AFTER birth_year,
  ADD COLUMN area_code VARCHAR(10) NULL AFTER gender,
  ADD COLUMN card_version SMALLINT UNSIGNED NOT NULL DEFAULT 1,
  ADD COLUMN device_version SMALLINT UNSIGNED NOT NULL DEFAULT 1,
  ADD COLUMN updated_at DATETIME(6) NULL;
