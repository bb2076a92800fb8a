-- One team row per organization-wide membership and per named user of a
-- case, also under concurrent requests.
CREATE UNIQUE INDEX case_member_unique ON case_member (case_id,
    organization, COALESCE(user_id, ''));
