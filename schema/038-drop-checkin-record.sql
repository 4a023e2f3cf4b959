-- The contract step of schema/033 (expand, then contract): checkin_record (schema/018, 027) was
-- kept for the binary of the release before 033 while an upgrade drained it. Every binary since
-- calls checkin_record_at (033) or checkin_record_unlock (034), which do not call it.
DROP PROCEDURE IF EXISTS checkin_record;
