-- Provinces move between shards (issue #16 point 3, `vaora province move`, cgi/domain/province-move.c).
--
-- province_shards is read on the instance shard only (the table exists on every shard, as every
-- migration runs everywhere). A row overrides provinces.conf's NN.shard for that province: a
-- move switches the routing by one committed row, without rewriting a file or reloading workers.
-- writes_paused makes every write of the province answer 503 with Retry-After while a move
-- takes its last copy; workers read the table at most ROUTING_REFRESH_MS apart (routing.c).
CREATE TABLE province_shards (
  province CHAR(2) NOT NULL,
  shard VARCHAR(31) NOT NULL,
  writes_paused TINYINT(1) NOT NULL DEFAULT 0,
  changed_at DATETIME(6) NOT NULL,
  PRIMARY KEY (province)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per move under way, so that a move stopped midway is resumed or aborted
-- (`--resume`, `--abort`): 'copying' until the routing switched, then 'cleaning' while the old
-- shard's rows are deleted; the row goes when the move is done.
CREATE TABLE province_moves (
  province CHAR(2) NOT NULL,
  from_shard VARCHAR(31) NOT NULL,
  to_shard VARCHAR(31) NOT NULL,
  phase ENUM('copying', 'cleaning') NOT NULL,
  started_at DATETIME(6) NOT NULL,
  switched_at DATETIME(6) NULL,
  pause_ms INT UNSIGNED NULL,
  PRIMARY KEY (province)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The audit log stays append-only for the application; only a move, which sets
-- @vaora_province_move on its own connection to the province it moves, may delete that
-- province's rows (on the old shard after the switch, or on the new one when it re-copies a
-- range or is aborted). The trigger guards against the program's mistakes: whoever can run
-- SQL on the shard could drop the trigger anyway.
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
BEGIN
  IF @vaora_province_move IS NULL OR BINARY @vaora_province_move <> BINARY OLD.province THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
  END IF;
END;
