-- Foundation: administrative areas and venues. (The ledger of applied migrations,
-- schema_migrations, is created by `vaora migrate` itself before the first file runs.)
-- Every tenant table leads with `province` (the official two-digit code); times are UTC
-- microseconds computed by the application (never NOW()), so tests can set the clock.

CREATE TABLE areas (
  province CHAR(2) NOT NULL,
  code VARCHAR(10) NOT NULL,
  name VARCHAR(200) NOT NULL,
  kind VARCHAR(20) NOT NULL,
  parent_code VARCHAR(10) NULL,
  PRIMARY KEY (province, code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE venues (
  province CHAR(2) NOT NULL,
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name VARCHAR(200) NOT NULL,
  address VARCHAR(300) NOT NULL,
  area_code VARCHAR(10) NOT NULL,
  category VARCHAR(20) NOT NULL,
  status VARCHAR(16) NOT NULL DEFAULT 'active',
  token_version INT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (province, id),
  KEY venues_id (id),
  KEY venues_area (province, area_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
