-- SQLite answers the overdue pass's check (is some task due and not yet
-- told of?) from task_due (0018): its leading columns, the told mark and
-- the status, are the partial index's condition. task_overdue (0040) is
-- PostgreSQL's, which took the two for independent and walked the table;
-- on SQLite it was written at every task write and never read.
DROP INDEX IF EXISTS task_overdue;
