-- Whether a team row reaches the caller in a given case, asked once per
-- case a list or a search walks (issue 13): the organization's rows and
-- the rows naming a user, each looked up by both keys with the row's end
-- and kind in the index, so the check never reads the rows themselves
-- (sql_case_scope in src/db/sql.c asks each side apart).
DROP INDEX case_member_org;
CREATE INDEX case_member_org ON case_member(organization, case_id, user_id,
    expires_at);
DROP INDEX case_member_user;
CREATE INDEX case_member_user ON case_member(user_id, case_id, expires_at);
