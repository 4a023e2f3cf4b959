-- Desk trust (issue #13): a venue's staff row is approved by an area officer or admin before
-- its holder may touch anyone's personal data at the venue's desks; look-ups by phone or ID
-- number are counted per account and venue; a hand-over code burns after wrong digits.

-- approved_at set: the row is approved (by approved_by, NULL when the command line, the demo
-- seed or this migration did it). Rows of venues verified before this migration were looked
-- at by an officer with their staff: they stay working.
ALTER TABLE venue_staff
  ADD COLUMN approved_by BIGINT UNSIGNED NULL,
  ADD COLUMN approved_at DATETIME(6) NULL;
UPDATE venue_staff s JOIN venues v ON v.province = s.province AND v.id = s.venue_id
  SET s.approved_at = COALESCE(v.updated_at, v.created_at) WHERE v.verified = 1;

-- One row per look-up a desk asked for (refused = over the hourly limit): numbers only, no
-- personal data. A small table of its own rather than the audit log: counting one account's
-- or one venue's last hour reads a few dozen index entries here, where the audit log (one
-- province-wide time index, every action) would need two more indexes on its largest table.
-- `vaora purge` deletes the rows of days the shard no longer keeps (about 30 bytes each).
CREATE TABLE desk_lookups (
  province CHAR(2) NOT NULL,
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  at DATETIME(6) NOT NULL,
  account_id BIGINT UNSIGNED NOT NULL,
  venue_id BIGINT UNSIGNED NOT NULL,
  refused TINYINT NOT NULL,
  PRIMARY KEY (province, id),
  KEY desk_lookups_id (id),
  KEY desk_lookups_account (province, account_id, at),
  KEY desk_lookups_venue (province, venue_id, at),
  KEY desk_lookups_at (province, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Wrong "last digits" typed on the phone that opened a hand-over code.
ALTER TABLE handovers ADD COLUMN wrong_tries TINYINT UNSIGNED NOT NULL DEFAULT 0;
