-- Accounts, sessions, throttling, API tokens, people (encrypted), the audit log.
-- Instance-wide rows (operator accounts) use province '00'.

CREATE TABLE accounts (
  province CHAR(2) NOT NULL,
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  login VARCHAR(64) NOT NULL,
  display_name VARCHAR(100) NOT NULL,
  role VARCHAR(20) NOT NULL,
  -- "pbkdf2-sha256$ITERATIONS$SALT$HASH" (base64url): the algorithm travels with the hash.
  password_hash VARCHAR(200) NOT NULL,
  must_change_password TINYINT NOT NULL DEFAULT 0,
  status VARCHAR(16) NOT NULL DEFAULT 'active',
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (province, id),
  UNIQUE KEY accounts_login (province, login),
  KEY accounts_id (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Communes/wards an area officer answers for.
CREATE TABLE account_areas (
  province CHAR(2) NOT NULL,
  account_id BIGINT UNSIGNED NOT NULL,
  area_code VARCHAR(10) NOT NULL,
  PRIMARY KEY (province, account_id, area_code),
  KEY account_areas_area (province, area_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Who works at a venue: its managers, and the volunteers assigned to it.
CREATE TABLE venue_staff (
  province CHAR(2) NOT NULL,
  venue_id BIGINT UNSIGNED NOT NULL,
  account_id BIGINT UNSIGNED NOT NULL,
  kind VARCHAR(16) NOT NULL,
  PRIMARY KEY (province, venue_id, account_id),
  KEY venue_staff_account (province, account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Only the SHA-256 of a session token is stored: a leaked table opens no session.
CREATE TABLE sessions (
  province CHAR(2) NOT NULL,
  token_hash BINARY(32) NOT NULL,
  account_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL,
  last_seen_at DATETIME(6) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  PRIMARY KEY (province, token_hash),
  KEY sessions_account (province, account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed logins per subject (a login name or an address, as a keyed hash) in a window.
CREATE TABLE login_throttle (
  province CHAR(2) NOT NULL,
  subject BINARY(32) NOT NULL,
  window_start DATETIME(6) NOT NULL,
  failures INT UNSIGNED NOT NULL,
  PRIMARY KEY (province, subject)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE api_tokens (
  province CHAR(2) NOT NULL,
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  token_hash BINARY(32) NOT NULL,
  role VARCHAR(20) NOT NULL,
  label VARCHAR(100) NOT NULL,
  created_by BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL,
  revoked_at DATETIME(6) NULL,
  PRIMARY KEY (province, id),
  UNIQUE KEY api_tokens_hash (province, token_hash),
  KEY api_tokens_id (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Residents. Name, phone, ID number and address are AES-256-GCM ciphertexts (nonce, data,
-- tag) under the province's personal-data key of version key_version; exact look-ups use
-- HMAC-SHA256 blind indexes of the normalized phone and ID number.
CREATE TABLE people (
  province CHAR(2) NOT NULL,
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  key_version INT UNSIGNED NOT NULL,
  full_name_enc VARBINARY(1024) NOT NULL,
  phone_enc VARBINARY(128) NULL,
  id_number_enc VARBINARY(128) NULL,
  address_enc VARBINARY(2048) NULL,
  index_version INT UNSIGNED NOT NULL,
  phone_index BINARY(32) NULL,
  id_number_index BINARY(32) NULL,
  birth_year SMALLINT UNSIGNED NULL,
  consent_version INT UNSIGNED NOT NULL,
  consent_at DATETIME(6) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (province, id),
  KEY people_id (id),
  KEY people_phone (province, phone_index),
  KEY people_id_number (province, id_number_index)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Who did what, when, from where; never the personal data itself. Append-only: the
-- triggers below refuse any change or removal by the application.
CREATE TABLE audit_log (
  province CHAR(2) NOT NULL,
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  at DATETIME(6) NOT NULL,
  actor_id BIGINT UNSIGNED NULL,
  actor_login VARCHAR(64) NOT NULL,
  actor_role VARCHAR(20) NOT NULL,
  action VARCHAR(40) NOT NULL,
  object VARCHAR(100) NOT NULL,
  address VARCHAR(45) NOT NULL,
  detail VARCHAR(500) NOT NULL,
  PRIMARY KEY (province, id),
  KEY audit_log_id (id),
  KEY audit_log_at (province, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
