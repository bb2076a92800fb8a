-- The statements nmtd runs for one authenticated GET /api/v1/cases/{id} (bearer token, a
-- coordinator of the secretariat), in its order, as traced from nmtd on 2026-11-29 (an
-- LD_PRELOAD hook on sqlite3_reset printing sqlite3_expanded_sql; see bench/README.md). The
-- access facts run twice (the route's gate, then the handler). The audit batch (head, insert,
-- update) is left out: it is one transaction per group commit, not per read.
-- One statement a line: NAME|ARGS|SQL. ARGS names the value of $1, $2, ... in order:
--   token = the token's stored hash, user = its user id, org = the user's organization,
--   case = the case id read, now = the current UTC time (YYYY-MM-DDTHH:MM:SSZ).
-- bench/lib/ref.c reads this file; both SQLite and PostgreSQL take the same text.
token|token|SELECT user_id FROM api_token WHERE token_hash = $1 AND revoked_at IS NULL
user|user|SELECT u.id, u.username, u.display_name, u.organization, o.name, u.region, u.role, u.password_hash, u.totp_sealed, u.totp_last_step, u.status FROM app_user u JOIN organization o ON o.code = u.organization WHERE u.id = $1
facts|org,user,now,case|SELECT c.id, c.region, c.owner_org, c.status, (SELECT MAX(CASE m.access WHEN 'full' THEN 4 ELSE 2 END + CASE WHEN m.user_id IS NULL THEN 0 ELSE 1 END) FROM case_member m WHERE m.case_id = k.id AND ((m.user_id IS NULL AND m.organization = $1) OR m.user_id = $2) AND (m.expires_at IS NULL OR m.expires_at > $3)) FROM (SELECT CAST($4 AS TEXT) AS id) k LEFT JOIN nmt_case c ON c.id = k.id
case|case|SELECT c.id, c.number, c.title, c.summary, c.status, c.closing_reason, c.closing_note, c.closed_at, c.reopen_reason, c.reopened_at, c.county, c.region, c.exploitation, c.owner_user, (SELECT u.username FROM app_user u WHERE u.id = c.owner_user), c.owner_org, c.serial, c.created_at, c.updated_at, c.last_activity, c.version FROM nmt_case c WHERE c.id = $1
facts2|org,user,now,case|SELECT c.id, c.region, c.owner_org, c.status, (SELECT MAX(CASE m.access WHEN 'full' THEN 4 ELSE 2 END + CASE WHEN m.user_id IS NULL THEN 0 ELSE 1 END) FROM case_member m WHERE m.case_id = k.id AND ((m.user_id IS NULL AND m.organization = $1) OR m.user_id = $2) AND (m.expires_at IS NULL OR m.expires_at > $3)) FROM (SELECT CAST($4 AS TEXT) AS id) k LEFT JOIN nmt_case c ON c.id = k.id
team|case|SELECT m.id, m.case_id, m.organization, m.user_id, (SELECT u.username FROM app_user u WHERE u.id = m.user_id), m.access, m.added_by, (SELECT u.username FROM app_user u WHERE u.id = m.added_by), m.added_at, m.task_id, m.operation_id FROM case_member m WHERE m.case_id = $1 ORDER BY m.added_at, m.id
persons|case|SELECT p.id, p.pseudonym, p.gender, p.birth_year, p.age_estimate, p.citizenship, p.is_child, p.protected_identity FROM person p WHERE p.case_id = $1 ORDER BY p.created_at, p.id
consultations|case|SELECT q.id, q.number FROM consultation q WHERE q.case_id = $1
tasks|case|SELECT t.id, t.case_id, (SELECT c.number FROM nmt_case c WHERE c.id = t.case_id), t.person_id, (SELECT p.pseudonym FROM person p WHERE p.id = t.person_id), t.from_org, t.from_user, (SELECT u.username FROM app_user u WHERE u.id = t.from_user), t.to_org, (SELECT o.name FROM organization o WHERE o.code = t.to_org), t.title, t.description, t.due, t.access, t.status, t.reason, t.outcome, t.answered_by, (SELECT u.username FROM app_user u WHERE u.id = t.answered_by), t.created_at, t.updated_at, t.version FROM task t WHERE 1 = 1 AND t.case_id = $1 ORDER BY t.created_at DESC, t.id DESC LIMIT 201
