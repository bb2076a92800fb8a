-- One team row per organization-wide membership and per named user of a
-- case, also under concurrent requests. Duplicates that concurrent adds
-- could leave before this index existed are merged first: the row added
-- first (by time, then id) stays.
DELETE FROM case_member WHERE EXISTS (SELECT 1 FROM case_member b
    WHERE b.case_id = case_member.case_id
    AND b.organization = case_member.organization
    AND COALESCE(b.user_id, '') = COALESCE(case_member.user_id, '')
    AND (b.added_at < case_member.added_at OR
    (b.added_at = case_member.added_at AND b.id < case_member.id)));

CREATE UNIQUE INDEX case_member_unique ON case_member (case_id,
    organization, COALESCE(user_id, ''));
