-- API tokens are API tokens (issue 13, point 6): each one expires, and may be limited to reading.
-- A token made before this migration had no end; it is given 90 days from the migration (the
-- default a new token gets) so that integrations keep working while their owners mint new ones.
-- read_only: a token that may only GET (POST routes of the API answer 403).
ALTER TABLE api_tokens
  ADD COLUMN expires_at DATETIME(6) NULL AFTER created_at,
  ADD COLUMN read_only TINYINT NOT NULL DEFAULT 0 AFTER role;

UPDATE api_tokens SET expires_at = UTC_TIMESTAMP(6) + INTERVAL 90 DAY WHERE expires_at IS NULL;

ALTER TABLE api_tokens MODIFY expires_at DATETIME(6) NOT NULL;
