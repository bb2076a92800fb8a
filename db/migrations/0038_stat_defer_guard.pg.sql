-- The deferral of 0037, made safe (issue 13): a deferral
-- (store_stat_defer) cannot commit unsettled. Its row of stat_defer
-- names a row of stat_defer_never, which stays empty, and the check of
-- that reference waits for the commit, so a transaction that has not
-- removed the row (store_stat_settle) fails to commit and leaves nothing
-- behind. A row added by hand without that reference (NULL) is settled
-- by nmtd when it starts (store_stat_settle_left).
CREATE TABLE stat_defer_never (
	id		INTEGER PRIMARY KEY
);
ALTER TABLE stat_defer ADD COLUMN must_settle INTEGER
    REFERENCES stat_defer_never (id) DEFERRABLE INITIALLY DEFERRED;
