-- A member's case list at national-history scale (issue 13): every team
-- row keeps its case's number (a case keeps its number for life), so a
-- caller who sees cases through team rows only gets the default order,
-- newest number first, by walking its organization's rows and the rows
-- naming it in that order, stopping after the page, instead of reading
-- every team case (store_case.c, the team-ordered mode). A trigger fills
-- the number in for every row added, whoever the writer is.
ALTER TABLE case_member ADD COLUMN case_number TEXT;

UPDATE case_member m SET case_number = c.number FROM nmt_case c
WHERE c.id = m.case_id;

CREATE FUNCTION case_member_number() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.case_number IS NULL THEN
		SELECT c.number INTO NEW.case_number FROM nmt_case c
		WHERE c.id = NEW.case_id;
	END IF;
	RETURN NEW;
END;
$$;

CREATE TRIGGER case_member_number BEFORE INSERT ON case_member
FOR EACH ROW EXECUTE FUNCTION case_member_number();

-- Each side's rows in number order, with what a page and the set of a
-- team's cases read of them, so that neither reads the rows themselves.
CREATE INDEX case_member_org_number ON case_member(organization, case_number,
    case_id, expires_at, user_id) WHERE user_id IS NULL;
CREATE INDEX case_member_user_number ON case_member(user_id, case_number,
    case_id, expires_at) WHERE user_id IS NOT NULL;
