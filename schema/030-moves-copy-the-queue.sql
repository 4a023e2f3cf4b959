-- A province's move (schema/029, cgi/domain/province-move.c) copies check-ins that the old shard
-- has counted already, or queued for counting: the copies are rows, not new check-ins. 025's
-- trigger queued every copy again on the new shard (a queue row for a check-in counted there
-- already: counted twice once the new shard folded it), and a copy made again (a range that
-- changed between two passes) hit its own queue row (duplicate key: the move stopped with
-- "copying failed: table checkins").
--
-- So the move's own connection, marked for its province by @vaora_province_move as for the
-- audit log's deletes (schema/029), queues nothing: checkins_uncounted is copied like every
-- table of the province, and the new shard ends with the old shard's check-ins, counters and
-- queue together, which equal a recount there as they did on the old shard. Every other insert
-- is queued as before. CREATE OR REPLACE swaps the trigger in one step: no check-in of a running
-- server goes unqueued in between.
CREATE OR REPLACE TRIGGER checkins_count AFTER INSERT ON checkins FOR EACH ROW
BEGIN
  IF @vaora_province_move IS NULL OR BINARY @vaora_province_move <> BINARY NEW.province THEN
    INSERT INTO checkins_uncounted (province, id, day) VALUES (NEW.province, NEW.id, NEW.day);
  END IF;
END;
