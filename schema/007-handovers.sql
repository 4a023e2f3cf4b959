-- Hand-overs: a volunteer who declared for a resident lets the resident's own phone remember
-- them. The code is shown once (a QR on the volunteer's screen), works once, for minutes;
-- only its SHA-256 is kept, so a read of this table opens no phone.
CREATE TABLE handovers (
  province CHAR(2) NOT NULL,
  code_hash BINARY(32) NOT NULL,
  person_id BIGINT UNSIGNED NOT NULL,
  created_by BIGINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  used_at DATETIME(6) NULL,
  PRIMARY KEY (province, code_hash),
  KEY handovers_expiry (province, expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
