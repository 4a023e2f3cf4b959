-- A count of the changes to what the check-in page shows of a province's venues (issue #14):
-- a fast worker keeps the venues it served and asks this one row, at most once a second,
-- whether they still hold (cgi/domain/venue-cache.c), instead of reading the venue on every
-- scan. The triggers count every writer alike: the pages, the API, the command line, SQL typed
-- by hand. The folder's daily last_scan_day and other columns the page does not show leave the
-- count alone, so the cache is not emptied by check-ins. A new venue needs no count: no worker
-- holds an id it never read. A province's move (its own connection marked by
-- @vaora_province_move, as for the check-ins' queue) copies venue_changes like every table of
-- the province and counts nothing when it writes or deletes the province's venues: copies and
-- clean-up are no change, and the two shards' tables must compare equal.
-- One row per province: `id` is always 1, there because a move copies a table in chunks of its
-- key after the province.
CREATE TABLE venue_changes (
  province CHAR(2) NOT NULL,
  id TINYINT UNSIGNED NOT NULL DEFAULT 1,
  generation BIGINT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (province, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER venues_changed_update AFTER UPDATE ON venues FOR EACH ROW
BEGIN
  IF (@vaora_province_move IS NULL OR BINARY @vaora_province_move <> BINARY OLD.province)
     AND NOT (OLD.name <=> NEW.name AND OLD.address <=> NEW.address AND OLD.category <=> NEW.category
              AND OLD.area_code <=> NEW.area_code AND OLD.status <=> NEW.status
              AND OLD.token_version <=> NEW.token_version AND OLD.province <=> NEW.province) THEN
    INSERT INTO venue_changes (province, generation) VALUES (OLD.province, 1)
      ON DUPLICATE KEY UPDATE generation = generation + 1;
  END IF;
END;

CREATE TRIGGER venues_changed_delete AFTER DELETE ON venues FOR EACH ROW
BEGIN
  IF @vaora_province_move IS NULL OR BINARY @vaora_province_move <> BINARY OLD.province THEN
    INSERT INTO venue_changes (province, generation) VALUES (OLD.province, 1)
      ON DUPLICATE KEY UPDATE generation = generation + 1;
  END IF;
END;
