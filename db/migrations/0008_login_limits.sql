-- Login throttling that cleans up after itself, and a per-client limit.
--
-- login_throttle.expires_at: when the row stops mattering (its lock has
-- ended and its last failure has left the counting window); from then on
-- it is the same as no row and is purged. Rows from before this version
-- expire at their lock's end or their last failure, whichever is later
-- (failures of the last window before the upgrade may be forgotten early).
ALTER TABLE login_throttle ADD COLUMN expires_at TEXT;
UPDATE login_throttle SET expires_at = CASE
	WHEN locked_until IS NOT NULL AND (last_failure_at IS NULL OR
	    locked_until > last_failure_at) THEN locked_until
	ELSE COALESCE(last_failure_at, '1970-01-01T00:00:00Z') END;
CREATE INDEX login_throttle_expires ON login_throttle (expires_at);

-- Failed logins per client address, across user names, keyed by a keyed
-- hash of the address (or its IPv6 /64) so no address is stored. free_at
-- is the instant at which the client's failures are paid off at one per
-- interval (a token bucket kept as one time); past it the row is purged.
CREATE TABLE login_client (
	client_hash	TEXT PRIMARY KEY,
	free_at		TEXT NOT NULL
);
CREATE INDEX login_client_free ON login_client (free_at);
