-- Venues in full: contact, opening hours, verification, and the poster token's history.
ALTER TABLE venues
  ADD COLUMN contact_phone VARCHAR(16) NOT NULL DEFAULT '' AFTER category,
  ADD COLUMN opening_hours VARCHAR(11) NOT NULL DEFAULT '' AFTER contact_phone,
  ADD COLUMN verified TINYINT NOT NULL DEFAULT 0 AFTER status,
  ADD COLUMN token_issued_at DATETIME(6) NULL AFTER token_version,
  ADD COLUMN updated_at DATETIME(6) NULL,
  ADD KEY venues_status (province, status, verified);
UPDATE venues SET token_issued_at = created_at WHERE token_issued_at IS NULL;
