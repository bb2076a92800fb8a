-- The audit log only grows: entries can be neither changed nor removed
-- through SQL (an owner of the file can still drop the triggers, which
-- `nmtctl audit verify` then reveals through the hash chain).
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;
