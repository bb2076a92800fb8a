-- Login throttling that cleans up after itself, and a per-client limit.
--
-- A login_throttle row stops mattering once its last failure has left the
-- counting window (a lock always ends within that window too): from then
-- on it is the same as no row and is purged, found by this index.
CREATE INDEX IF NOT EXISTS login_throttle_last_failure
	ON login_throttle (last_failure_at);

-- Failed logins per client address, across user names, keyed by a keyed
-- hash of the address (or its IPv6 /64) so no address is stored. free_at
-- is the instant at which the client's failures are paid off at one per
-- interval (a token bucket kept as one time); past it the row is purged.
CREATE TABLE IF NOT EXISTS login_client (
	client_hash	TEXT PRIMARY KEY,
	free_at		TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS login_client_free ON login_client (free_at);
