-- Every venue has the day its poster code was issued (issue #17 point 1): venues inserted
-- without it (the demo seed) had NULL, and their poster read "cấp ngày 00/00/0000". The code
-- was first issued when the venue was made; from now on every insert sets it.
UPDATE venues SET token_issued_at = created_at WHERE token_issued_at IS NULL;
ALTER TABLE venues MODIFY token_issued_at DATETIME(6) NOT NULL;
