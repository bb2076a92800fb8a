/*
 * test_domain.c — the pure rules: the access policy table, the child
 * rule, the field-spec validator, text folding and time parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/text.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "domain/intake.h"
#include "db/search.h"
#include "domain/person_rules.h"
#include "domain/policy.h"
#include "domain/team_rules.h"
#include "domain/validate.h"

/* ---- policy ---- */

static const struct principal secretariat = { ROLE_COORDINATOR, "u1", "NMT",
	NULL };
static const struct principal rk_syd = { ROLE_COORDINATOR, "u2", "RK-SYD",
	"syd" };
static const struct principal police = { ROLE_MEMBER, "u3", "POLISEN-SYD",
	NULL };
static const struct principal migration = { ROLE_MEMBER, "u4",
	"MIGRATIONSVERKET", NULL };

static struct facts
case_f(const char *region, const char *owner, enum access access)
{
	struct facts f;

	memset(&f, 0, sizeof(f));
	f.kind = OBJ_CASE;
	f.exists = 1;
	strlcopy(f.region, region, sizeof(f.region));
	strlcopy(f.owner_org, owner, sizeof(f.owner_org));
	f.team_access = access;
	return f;
}

static enum policy_decision
decide(const struct principal *p, enum action a, const struct facts *f)
{
	return policy_decide(p, OBJ_CASE, a, f);
}

/* A person on the case f with protection pr, and a live grant or not. */
static struct facts
person_f(const struct facts *f, enum protection pr, int grant)
{
	struct facts pf = *f;

	pf.kind = OBJ_PERSON;
	pf.protection = pr;
	strlcopy(pf.glass_until, grant ? "2099-01-01T00:00:00Z" : "",
	    sizeof(pf.glass_until));
	return pf;
}

static enum identity_view
ident(const struct principal *p, const struct facts *f, enum protection pr,
    int grant)
{
	struct facts pf = person_f(f, pr, grant);

	return policy_identity(p, &pf);
}

static enum policy_decision
glass(const struct principal *p, const struct facts *f, enum protection pr)
{
	struct facts pf = person_f(f, pr, 0);

	return policy_decide(p, OBJ_PERSON, ACT_BREAK_GLASS, &pf);
}

static unsigned
scope_of(const struct principal *p)
{
	return policy_scope(p, OBJ_CASE).reasons;
}

static void
test_policy_roles_without_case_access(void **state)
{
	static const enum role roles[] = { ROLE_ADMIN, ROLE_ANALYST,
		ROLE_AUDITOR, ROLE_REQUESTER };
	struct facts           f = case_f("syd", "POLISEN-SYD", ACCESS_FULL);
	size_t                 i;

	(void)state;
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		struct principal p = { roles[i], "u", "NMT", "syd" };

		assert_int_equal(decide(&p, ACT_READ, &f), POLICY_FORBIDDEN);
		assert_int_equal(decide(&p, ACT_LIST, NULL), POLICY_FORBIDDEN);
		assert_int_equal(decide(&p, ACT_CREATE, NULL),
		    POLICY_FORBIDDEN);
		assert_int_equal(scope_of(&p), 0);
		assert_int_equal(ident(&p, &f, PROTECTION_NONE, 0),
		    IDENTITY_NONE);
	}
}

static void
test_policy_visibility(void **state)
{
	struct facts syd_case = case_f("syd", "POLISEN-SYD", ACCESS_NONE);
	struct facts nord_case = case_f("nord", "RK-NORD", ACCESS_NONE);

	(void)state;
	assert_int_equal(scope_of(&secretariat), SCOPE_ALL);
	assert_int_equal(scope_of(&rk_syd), (SCOPE_REGION | SCOPE_TEAM));
	assert_int_equal(scope_of(&police), SCOPE_TEAM);
	assert_int_equal(decide(&secretariat, ACT_READ, &nord_case),
	    POLICY_ALLOW);
	assert_int_equal(decide(&rk_syd, ACT_READ, &syd_case), POLICY_ALLOW);
	assert_int_equal(decide(&rk_syd, ACT_READ, &nord_case), POLICY_HIDDEN);
	/* A member sees only through the team, even its own region. */
	assert_int_equal(decide(&police, ACT_READ, &syd_case), POLICY_HIDDEN);
	nord_case.team_access = ACCESS_PSEUDONYMOUS;
	assert_int_equal(decide(&rk_syd, ACT_READ, &nord_case), POLICY_ALLOW);
	/* No facts (no such case) is never visible. */
	assert_int_equal(decide(&police, ACT_READ, NULL), POLICY_HIDDEN);
}

static void
test_policy_writes(void **state)
{
	struct facts f = case_f("syd", "POLISEN-SYD", ACCESS_PSEUDONYMOUS);

	(void)state;
	/* Pseudonymous members read but do not write. */
	assert_int_equal(decide(&migration, ACT_READ, &f), POLICY_ALLOW);
	assert_int_equal(decide(&migration, ACT_UPDATE, &f), POLICY_FORBIDDEN);
	assert_int_equal(decide(&migration, ACT_TEAM_CHANGE, &f),
	    POLICY_FORBIDDEN);
	f.team_access = ACCESS_FULL;
	assert_int_equal(decide(&migration, ACT_UPDATE, &f), POLICY_ALLOW);
	/* Full access writes, but only the owner side changes the team. */
	assert_int_equal(decide(&migration, ACT_TEAM_CHANGE, &f),
	    POLICY_FORBIDDEN);
	assert_int_equal(decide(&police, ACT_TEAM_CHANGE, &f), POLICY_ALLOW);
	f.team_access = ACCESS_NONE;
	assert_int_equal(decide(&rk_syd, ACT_TEAM_CHANGE, &f), POLICY_ALLOW);
	assert_int_equal(decide(&rk_syd, ACT_UPDATE, &f), POLICY_ALLOW);
}

static void
test_policy_journal(void **state)
{
	struct facts f = case_f("syd", "POLISEN-SYD", ACCESS_PSEUDONYMOUS);
	struct facts hidden = case_f("nord", "RK-NORD", ACCESS_NONE);

	(void)state;
	/* Anyone who reads the case writes in its journal ... */
	assert_int_equal(decide(&migration, ACT_JOURNAL_WRITE, &f),
	    POLICY_ALLOW);
	assert_int_equal(decide(&police, ACT_JOURNAL_WRITE, &f), POLICY_ALLOW);
	assert_int_equal(decide(&police, ACT_JOURNAL_WRITE, &hidden),
	    POLICY_HIDDEN);
	/* ... but "full" entries need full access to the case. */
	assert_int_equal(decide(&migration, ACT_JOURNAL_FULL, &f),
	    POLICY_FORBIDDEN);
	assert_int_equal(decide(&police, ACT_JOURNAL_FULL, &f), POLICY_ALLOW);
	assert_int_equal(decide(&rk_syd, ACT_JOURNAL_FULL, &f), POLICY_ALLOW);
	f.team_access = ACCESS_FULL;
	assert_int_equal(decide(&migration, ACT_JOURNAL_FULL, &f),
	    POLICY_ALLOW);
}

/* First meetings with a person, and the guidance texts (migration 0015). */
static void
test_policy_first_contact_guidance(void **state)
{
	static const struct principal admin = { ROLE_ADMIN, "u6", "NMT", NULL };
	static const struct principal requester = { ROLE_REQUESTER, "u7",
		"SOS-AVV", NULL };
	static const struct principal analyst = { ROLE_ANALYST, "u8", "NMT",
		NULL };
	static const struct principal auditor = { ROLE_AUDITOR, "u9", "NMT",
		NULL };
	const struct principal       *all[] = { &secretariat, &rk_syd, &police,
		      &migration, &admin, &requester, &analyst, &auditor };
	struct facts c = case_f("syd", "POLISEN-SYD", ACCESS_PSEUDONYMOUS);
	struct facts hidden = case_f("nord", "RK-NORD", ACCESS_NONE);
	struct facts pf = person_f(&c, PROTECTION_NONE, 0);
	struct facts ph = person_f(&hidden, PROTECTION_NONE, 0);
	size_t       i;

	(void)state;
	/* Whoever reads the person logs a first meeting, pseudonymous too. */
	assert_int_equal(policy_decide(&migration, OBJ_PERSON,
	                     ACT_FIRST_CONTACT, &pf),
	    POLICY_ALLOW);
	assert_int_equal(policy_decide(&police, OBJ_PERSON, ACT_FIRST_CONTACT,
	                     &ph),
	    POLICY_HIDDEN);
	assert_int_equal(policy_decide(&secretariat, OBJ_PERSON,
	                     ACT_FIRST_CONTACT, &ph),
	    POLICY_ALLOW);
	/* Only on a person, and never by the roles that work no cases. */
	assert_int_equal(decide(&police, ACT_FIRST_CONTACT, &c),
	    POLICY_FORBIDDEN);
	assert_int_equal(policy_decide(&requester, OBJ_PERSON,
	                     ACT_FIRST_CONTACT, &pf),
	    POLICY_FORBIDDEN);
	assert_int_equal(policy_decide(&admin, OBJ_PERSON, ACT_FIRST_CONTACT,
	                     &pf),
	    POLICY_FORBIDDEN);
	/* A closed case takes no first meetings. */
	assert_false(policy_conflict(ACT_FIRST_CONTACT, &pf));
	pf.closed = 1;
	assert_true(policy_conflict(ACT_FIRST_CONTACT, &pf));
	assert_int_equal(policy_allowed(&migration, &pf) &
	        ALLOWED_FIRST_CONTACT,
	    0);
	/* Guidance: everyone reads it, admins alone edit it. */
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		assert_int_equal(policy_decide(all[i], OBJ_GUIDANCE, ACT_READ,
		                     NULL),
		    POLICY_ALLOW);
		assert_int_equal(policy_decide(all[i], OBJ_GUIDANCE, ACT_UPDATE,
		                     NULL),
		    all[i] == &admin ? POLICY_ALLOW : POLICY_FORBIDDEN);
		assert_int_equal(policy_decide(all[i], OBJ_GUIDANCE, ACT_CREATE,
		                     NULL),
		    POLICY_FORBIDDEN);
	}
	assert_string_equal(policy_allowed_name(11), "log_first_contact");
}

/*
 * The search's rule for "full" entries (sql_case_full) is the policy's:
 * those who read full entries on every case they see, whatever their
 * team access and owner, are exactly policy_full_everywhere().
 */
static void
test_policy_full_everywhere(void **state)
{
	struct principal lone = { ROLE_COORDINATOR, "u5", "RK-MITT", NULL };
	const struct principal *all[] = { &secretariat, &rk_syd, &police,
		&migration, &lone };
	struct facts f = case_f("syd", "SKATTEVERKET", ACCESS_PSEUDONYMOUS);
	size_t       i;

	(void)state;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		assert_int_equal(policy_full_everywhere(all[i]),
		    decide(all[i], ACT_JOURNAL_FULL, &f) == POLICY_ALLOW);
	assert_true(policy_full_everywhere(&secretariat));
	assert_true(policy_full_everywhere(&rk_syd));
	assert_false(policy_full_everywhere(&migration));
	assert_false(policy_full_everywhere(&lone));
}

static void
test_policy_coordinator_without_region(void **state)
{
	struct principal lone = { ROLE_COORDINATOR, "u5", "RK-MITT", NULL };
	struct facts     f = case_f("syd", "POLISEN-SYD", ACCESS_PSEUDONYMOUS);

	(void)state;
	/* No region and not the secretariat: only its team access counts. */
	assert_int_equal(scope_of(&lone), SCOPE_TEAM);
	assert_int_equal(decide(&lone, ACT_READ, &f), POLICY_ALLOW);
	assert_int_equal(decide(&lone, ACT_UPDATE, &f), POLICY_FORBIDDEN);
	assert_int_equal(decide(&lone, ACT_TEAM_CHANGE, &f), POLICY_FORBIDDEN);
	assert_int_equal(ident(&lone, &f, PROTECTION_NONE, 0), IDENTITY_NONE);
	f.team_access = ACCESS_FULL;
	assert_int_equal(decide(&lone, ACT_UPDATE, &f), POLICY_ALLOW);
	assert_int_equal(ident(&lone, &f, PROTECTION_NONE, 0), IDENTITY_FULL);
	f.team_access = ACCESS_NONE;
	assert_int_equal(decide(&lone, ACT_READ, &f), POLICY_HIDDEN);
}

static void
test_policy_identity(void **state)
{
	struct facts f = case_f("syd", "POLISEN-SYD", ACCESS_FULL);
	struct facts fm = case_f("syd", "POLISEN-SYD", ACCESS_FULL);

	(void)state;
	/* Ordinary identities: owner, coordinators who see, full members. */
	assert_int_equal(ident(&police, &f, PROTECTION_NONE, 0), IDENTITY_FULL);
	assert_int_equal(ident(&secretariat, &f, PROTECTION_NONE, 0),
	    IDENTITY_FULL);
	assert_int_equal(ident(&rk_syd, &f, PROTECTION_NONE, 0), IDENTITY_FULL);
	assert_int_equal(ident(&migration, &fm, PROTECTION_NONE, 0),
	    IDENTITY_FULL);
	fm.team_access = ACCESS_PSEUDONYMOUS;
	assert_int_equal(ident(&migration, &fm, PROTECTION_NONE, 0),
	    IDENTITY_NONE);
	/* Protected: owner all, secretariat without address, others none. */
	assert_int_equal(ident(&police, &f, PROTECTION_ADDRESS, 0),
	    IDENTITY_FULL);
	assert_int_equal(ident(&secretariat, &f, PROTECTION_MARKED, 0),
	    IDENTITY_NO_ADDRESS);
	assert_int_equal(ident(&rk_syd, &f, PROTECTION_FICTITIOUS, 0),
	    IDENTITY_NONE);
	fm.team_access = ACCESS_FULL;
	assert_int_equal(ident(&migration, &fm, PROTECTION_MARKED, 0),
	    IDENTITY_NONE);
	/* Breaking the glass opens all of it, but only where visible. */
	assert_int_equal(ident(&migration, &fm, PROTECTION_MARKED, 1),
	    IDENTITY_FULL);
	assert_int_equal(ident(&rk_syd, &f, PROTECTION_ADDRESS, 1),
	    IDENTITY_FULL);
	/* A grant no longer counts once its holder drops to pseudonymous. */
	fm.team_access = ACCESS_PSEUDONYMOUS;
	assert_int_equal(ident(&migration, &fm, PROTECTION_MARKED, 1),
	    IDENTITY_NONE);
	fm.team_access = ACCESS_NONE;
	assert_int_equal(ident(&migration, &fm, PROTECTION_MARKED, 1),
	    IDENTITY_NONE);
}

static void
test_policy_break_glass(void **state)
{
	struct facts f = case_f("syd", "POLISEN-SYD", ACCESS_FULL);
	struct facts pseudo = case_f("syd", "POLISEN-SYD", ACCESS_PSEUDONYMOUS);
	struct facts hidden = case_f("nord", "RK-NORD", ACCESS_NONE);
	struct principal analyst = { ROLE_ANALYST, "u9", "NMT", NULL };

	(void)state;
	assert_int_equal(glass(&migration, &f, PROTECTION_MARKED),
	    POLICY_ALLOW);
	/* Not for those who would not see the identity unprotected either. */
	assert_int_equal(glass(&migration, &pseudo, PROTECTION_MARKED),
	    POLICY_FORBIDDEN);
	assert_int_equal(glass(&rk_syd, &f, PROTECTION_ADDRESS), POLICY_ALLOW);
	/* Not for identities that are not protected, nor for the owner. */
	assert_int_equal(glass(&migration, &f, PROTECTION_NONE),
	    POLICY_FORBIDDEN);
	assert_int_equal(glass(&police, &f, PROTECTION_MARKED),
	    POLICY_FORBIDDEN);
	/* The secretariat sees all but the address: it may break the glass. */
	assert_int_equal(glass(&secretariat, &f, PROTECTION_ADDRESS),
	    POLICY_ALLOW);
	assert_int_equal(glass(&rk_syd, &hidden, PROTECTION_MARKED),
	    POLICY_HIDDEN);
	assert_int_equal(glass(&analyst, &f, PROTECTION_MARKED),
	    POLICY_FORBIDDEN);
}

static void
test_policy_unknown_protection(void **state)
{
	struct facts f = case_f("syd", "POLISEN-SYD", ACCESS_FULL);

	(void)state;
	/* A level this build does not know opens nothing, not even to the
	   owner, and no glass can be broken for it. */
	assert_int_equal(protection_parse("secret"), PROTECTION_INVALID);
	assert_int_equal(protection_parse(NULL), PROTECTION_INVALID);
	assert_int_equal(ident(&police, &f, PROTECTION_INVALID, 0),
	    IDENTITY_NONE);
	assert_int_equal(ident(&secretariat, &f, PROTECTION_INVALID, 1),
	    IDENTITY_NONE);
	assert_int_equal(glass(&migration, &f, PROTECTION_INVALID),
	    POLICY_FORBIDDEN);
}

static void
test_policy_scope_matches_decide(void **state)
{
	const struct principal *ps[] = { &secretariat, &rk_syd, &police,
		&migration };
	const char             *regions[] = { "syd", "nord" };
	enum access             accesses[] = { ACCESS_NONE, ACCESS_PSEUDONYMOUS,
		            ACCESS_FULL };
	struct facts            f;
	struct scope            s;
	size_t                  i, j, k;

	(void)state;
	/* A list (scope) and a single read (decide) never disagree. */
	for (i = 0; i < 4; i++)
		for (j = 0; j < 2; j++)
			for (k = 0; k < 3; k++) {
				f = case_f(regions[j], "RK-NORD", accesses[k]);
				s = policy_scope(ps[i], OBJ_CASE);
				assert_int_equal(policy_in_scope(&s, &f),
				    decide(ps[i], ACT_READ, &f) ==
				        POLICY_ALLOW);
			}
}

/* ---- the child rule ---- */

/* Operations (issue 11): an operation in Syd led by the Police. */
static struct facts
op_f(const char *status, int part)
{
	struct facts f;

	memset(&f, 0, sizeof(f));
	f.kind = OBJ_OPERATION;
	f.exists = 1;
	strlcopy(f.region, "syd", sizeof(f.region));
	strlcopy(f.owner_org, "POLISEN-SYD", sizeof(f.owner_org));
	strlcopy(f.op_status, status, sizeof(f.op_status));
	f.op_participation = part;
	return f;
}

static void
test_policy_operation(void **state)
{
	static const struct principal rk_vast = { ROLE_COORDINATOR, "u5",
		"RK-VAST", "vast" };
	static const struct principal analyst = { ROLE_ANALYST, "u8", "NMT",
		NULL };
	struct facts                  none = op_f("active", OP_PART_NONE);
	struct facts                  read = op_f("active", OP_PART_READ);
	struct facts                  field = op_f("active", OP_PART_FIELD);
	struct facts                  region = { 0 };

	(void)state;
	strlcopy(region.region, "syd", sizeof(region.region));
	region.kind = OBJ_OPERATION;
	/* Planning: coordinators, a regional one at home only. */
	assert_int_equal(policy_decide(&secretariat, OBJ_OPERATION, ACT_CREATE,
	                     &region),
	    POLICY_ALLOW);
	assert_int_equal(policy_decide(&rk_syd, OBJ_OPERATION, ACT_CREATE,
	                     &region),
	    POLICY_ALLOW);
	assert_int_equal(policy_decide(&rk_vast, OBJ_OPERATION, ACT_CREATE,
	                     &region),
	    POLICY_FORBIDDEN);
	assert_int_equal(policy_decide(&migration, OBJ_OPERATION, ACT_CREATE,
	                     NULL),
	    POLICY_FORBIDDEN);
	/* Seeing: by rights or by taking part; else hidden; 403 by role. */
	assert_int_equal(policy_decide(&rk_vast, OBJ_OPERATION, ACT_READ,
	                     &none),
	    POLICY_HIDDEN);
	assert_int_equal(policy_decide(&migration, OBJ_OPERATION, ACT_READ,
	                     &none),
	    POLICY_HIDDEN);
	assert_int_equal(policy_decide(&migration, OBJ_OPERATION, ACT_READ,
	                     &read),
	    POLICY_ALLOW);
	assert_int_equal(policy_decide(&analyst, OBJ_OPERATION, ACT_READ,
	                     &field),
	    POLICY_FORBIDDEN);
	/* Changing: coordinators by rights and the lead organization. */
	assert_int_equal(policy_decide(&migration, OBJ_OPERATION, ACT_UPDATE,
	                     &field),
	    POLICY_FORBIDDEN);
	assert_int_equal(policy_decide(&police, OBJ_OPERATION, ACT_UPDATE,
	                     &field),
	    POLICY_ALLOW);
	assert_int_equal(policy_decide(&rk_syd, OBJ_OPERATION, ACT_TEAM_CHANGE,
	                     &none),
	    POLICY_ALLOW);
	/* Encounters: field participants too, readers not; only active. */
	assert_int_equal(policy_decide(&migration, OBJ_OPERATION,
	                     ACT_OP_ENCOUNTER, &field),
	    POLICY_ALLOW);
	assert_int_equal(policy_decide(&migration, OBJ_OPERATION,
	                     ACT_OP_ENCOUNTER, &read),
	    POLICY_FORBIDDEN);
	assert_true(policy_conflict(ACT_OP_ENCOUNTER,
	    &(struct facts){ .kind = OBJ_OPERATION,
	        .exists = 1,
	        .op_status = "completed" }));
	assert_false(policy_conflict(ACT_OP_ENCOUNTER, &field));
	assert_int_equal(policy_operation_allowed(&migration, &field),
	    OPS_ENCOUNTER);
	assert_int_equal(policy_operation_allowed(&migration, &read), 0);
}

static void
test_operation_moves(void **state)
{
	static const char *const s[] = { "planned", "active", "completed",
		"evaluated", "cancelled" };
	/* allowed[from][to] */
	static const int allowed[5][5] = {
		{ 1, 1, 0, 0, 1 },
		{ 0, 1, 1, 0, 1 },
		{ 0, 0, 1, 1, 0 },
		{ 0, 0, 0, 1, 0 },
		{ 0, 0, 0, 0, 1 },
	};
	int i, j;

	(void)state;
	for (i = 0; i < 5; i++)
		for (j = 0; j < 5; j++)
			assert_int_equal(policy_operation_move(s[i], s[j]),
			    allowed[i][j]);
	assert_false(policy_operation_move("planned", "done"));
	assert_false(policy_operation_outcome("active"));
	assert_true(policy_operation_outcome("evaluated"));
}

static void
test_child_rule(void **state)
{
	/* Registered 2026-11-28 (a Swedish civil date). */
	const struct civil_date reg = { 2026, 11, 28 };

	(void)state;
	assert_true(person_is_child(&reg, "2008-11-29", -1, -1));
	assert_false(person_is_child(&reg, "2008-11-28", -1, -1));
	assert_false(person_is_child(&reg, "2000-01-01", -1, -1));
	assert_true(person_is_child(&reg, NULL, 2008, -1));
	assert_false(person_is_child(&reg, NULL, 2007, -1));
	assert_true(person_is_child(&reg, NULL, -1, 17));
	assert_false(person_is_child(&reg, NULL, -1, 18));
	assert_false(person_is_child(&reg, NULL, -1, -1));
	/* Any indication of childhood is enough. */
	assert_true(person_is_child(&reg, "1990-01-01", -1, 16));
}

/* ---- validation ---- */

static const struct term colours[] = { { "red", "Röd", "Red" },
	{ "green", "Grön", "Green" }, { NULL, NULL, NULL } };

static const struct field_spec inner_spec[] = {
	{ "when", FT_DATE, FIELD_NULLABLE, 10, 0, 0, NULL, NULL },
	FIELD_END,
};

static const struct field_spec spec[] = {
	{ "name", FT_STRING, FIELD_REQUIRED, 5, 0, 0, NULL, NULL },
	{ "note", FT_TEXT, 0, 100, 0, 0, NULL, NULL },
	{ "age", FT_INT, FIELD_NULLABLE, 0, 0, 120, NULL, NULL },
	{ "colour", FT_CODE, 0, 0, 0, 0, colours, NULL },
	{ "colours", FT_CODE_LIST, 0, 2, 0, 0, colours, NULL },
	{ "land", FT_COUNTRY, 0, 2, 0, 0, NULL, NULL },
	{ "inner", FT_OBJECT, 0, 0, 0, 0, NULL, inner_spec },
	{ "tags", FT_STRING_LIST, 0, 3, 0, 0, NULL, NULL },
	{ "secret", FT_STRING, FIELD_VERBATIM, 20, 0, 0, NULL, NULL },
	FIELD_END,
};

/* Validates text; returns the errors array (caller frees). */
static json_t *
errors_for(const char *text, json_t **doc_r)
{
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	json_t *errors = json_array();

	assert_non_null(doc);
	validate_object(doc, spec, "", errors);
	if (doc_r != NULL)
		*doc_r = doc;
	else
		json_decref(doc);
	return errors;
}

static int
has_error(const json_t *errors, const char *field, const char *code)
{
	size_t  i;
	json_t *e;

	json_array_foreach(errors, i,
	    e) if (strcmp(json_string_value(json_object_get(e, "field")),
	               field) == 0 &&
	    strcmp(json_string_value(json_object_get(e, "code")), code) ==
	        0) return 1;
	return 0;
}

static void
test_validate_accepts_and_normalises(void **state)
{
	json_t *doc, *errors;

	(void)state;
	/* "A" + combining ring above becomes the composed "Å". */
	errors = errors_for(
	    "{\"name\":\"A\\u030a\",\"note\":\"rad 1\\nrad 2\","
	    "\"age\":null,\"colour\":\"red\",\"colours\":[\"red\",\"green\"],"
	    "\"land\":\"SE\",\"inner\":{\"when\":\"2024-02-29\"}}",
	    &doc);
	assert_int_equal(json_array_size(errors), 0);
	assert_string_equal(json_string_value(json_object_get(doc, "name")),
	    "\xc3\x85");
	json_decref(doc);
	json_decref(errors);
}

static void
test_validate_rejects(void **state)
{
	json_t *errors;

	(void)state;
	errors = errors_for(
	    "{\"nmae\":\"x\",\"note\":5,\"age\":121,"
	    "\"colour\":\"blue\",\"colours\":[\"red\",\"red\",\"pink\"],"
	    "\"land\":\"se\",\"inner\":{\"when\":\"2023-02-29\",\"x\":1}}",
	    NULL);
	/* An unknown member is reported at its object's path, no key. */
	assert_true(has_error(errors, "", "unknown_field"));
	assert_false(has_error(errors, "nmae", "unknown_field"));
	assert_true(has_error(errors, "name", "required"));
	assert_true(has_error(errors, "note", "wrong_type"));
	assert_true(has_error(errors, "age", "out_of_range"));
	assert_true(has_error(errors, "colour", "invalid_value"));
	assert_true(has_error(errors, "colours", "too_long"));
	assert_true(validate_has_error(errors, "land"));
	assert_true(validate_has_error(errors, "inner.when"));
	assert_true(has_error(errors, "inner", "unknown_field"));
	assert_false(has_error(errors, "inner.x", "unknown_field"));
	json_decref(errors);

	errors =
	    errors_for("{\"name\":\"abcdef\",\"colours\":[\"red\",\"red\"]}",
	        NULL);
	assert_true(has_error(errors, "name", "too_long"));
	assert_true(has_error(errors, "colours[1]", "duplicate"));
	json_decref(errors);

	/* A list whose earlier items are not strings (found by fuzzing). */
	errors = errors_for("{\"name\":\"a\",\"colours\":[1,\"red\"]}", NULL);
	assert_true(has_error(errors, "colours[0]", "wrong_type"));
	assert_false(has_error(errors, "colours[1]", "duplicate"));
	json_decref(errors);
	errors =
	    errors_for("{\"name\":\"a\",\"colours\":[null,\"red\",\"red\"]}",
	        NULL);
	assert_true(has_error(errors, "colours", "too_long"));
	json_decref(errors);

	/* A tab in a one-line field is a control character. */
	errors = errors_for("{\"name\":\"a\\tb\",\"note\":\"a\\tb\"}", NULL);
	assert_true(has_error(errors, "name", "invalid_text"));
	assert_false(has_error(errors, "note", "invalid_text"));
	json_decref(errors);
	/* NUL never gets that far: the JSON parser refuses it. */
	assert_null(json_loads("{\"name\":\"x\\u0000y\"}", 0, NULL));
	errors = errors_for("{\"name\":\"\"}", NULL);
	assert_true(has_error(errors, "name", "required"));
	json_decref(errors);
	/* Blank is as empty as empty. */
	errors = errors_for("{\"name\":\"   \",\"colours\":[\"  \"]}", NULL);
	assert_true(has_error(errors, "name", "required"));
	assert_true(has_error(errors, "colours[0]", "required"));
	json_decref(errors);
}

static void
test_validate_messages_hold_no_values(void **state)
{
	json_t *errors;
	char   *text;

	(void)state;
	errors = errors_for("{\"name\":\"Hemligt Namn\",\"colour\":\"Kalle\"}",
	    NULL);
	text = json_dumps(errors, 0);
	assert_null(strstr(text, "Hemligt"));
	assert_null(strstr(text, "Kalle"));
	free(text);
	json_decref(errors);

	/*
	 * Regression: unknown members echoed their keys in "field". A key
	 * is input like any value (here a personal identity number and a
	 * name); it must appear nowhere in the errors.
	 */
	errors = errors_for("{\"name\":\"x\",\"19800203-1111\":1,"
	                    "\"inner\":{\"Anna Andersson\":\"Anna\"}}",
	    NULL);
	assert_int_equal(json_array_size(errors), 2);
	assert_true(has_error(errors, "", "unknown_field"));
	assert_true(has_error(errors, "inner", "unknown_field"));
	text = json_dumps(errors, 0);
	assert_null(strstr(text, "19800203"));
	assert_null(strstr(text, "Anna"));
	free(text);
	json_decref(errors);
}

/* ---- text and time ---- */

/* allowed is exactly the decisions: closed cases offer only reopening. */
static void
test_policy_allowed(void **state)
{
	/* The owner organization is on its team with full access. */
	struct facts   open = case_f("syd", "POLISEN-SYD", ACCESS_FULL);
	struct facts   full = case_f("syd", "RK-SYD", ACCESS_FULL);
	struct facts   pseudo = case_f("syd", "RK-SYD", ACCESS_PSEUDONYMOUS);
	struct facts   closed = open, row = open, pf;
	const unsigned writer = ALLOWED_EDIT | ALLOWED_CLOSE |
	    ALLOWED_ADD_PERSON | ALLOWED_ADD_MEMBER | ALLOWED_WRITE_JOURNAL |
	    ALLOWED_JOURNAL_FULL;

	(void)state;
	closed.closed = 1;
	assert_int_equal(policy_allowed(&police, &open), writer);
	assert_int_equal(policy_allowed(&rk_syd, &open), writer);
	assert_int_equal(policy_allowed(&police, &closed), ALLOWED_REOPEN);
	assert_int_equal(policy_allowed(&secretariat, &closed), ALLOWED_REOPEN);
	assert_int_equal(policy_allowed(&police, &full),
	    ALLOWED_EDIT | ALLOWED_ADD_PERSON | ALLOWED_WRITE_JOURNAL |
	        ALLOWED_JOURNAL_FULL);
	/* A pseudonymous member writes only entries for the whole team. */
	assert_int_equal(policy_allowed(&police, &pseudo),
	    ALLOWED_WRITE_JOURNAL);
	pseudo.kind = OBJ_PERSON; /* and adds pathway events */
	assert_int_equal(policy_allowed(&police, &pseudo),
	    ALLOWED_ASSESS | ALLOWED_FIRST_CONTACT | ALLOWED_PATHWAY_EVENT);
	pseudo.kind = OBJ_CASE;
	pseudo.closed = 1;
	assert_int_equal(policy_allowed(&police, &pseudo), 0);
	/* Team rows: removable, but never the owner's own row. */
	row.kind = OBJ_TEAM_ROW;
	assert_int_equal(policy_allowed(&police, &row), ALLOWED_REMOVE_MEMBER);
	row.owner_row = 1;
	assert_int_equal(policy_allowed(&police, &row), 0);
	assert_true(policy_conflict(ACT_TEAM_CHANGE, &row));
	/*
	 * Persons: reveal where the identity opens, the glass where not;
	 * anyone who reads an open case's person assesses it.
	 */
	pf = person_f(&open, PROTECTION_ADDRESS, 0);
	assert_int_equal(policy_allowed(&police, &pf),
	    ALLOWED_EDIT | ALLOWED_REVEAL_IDENTITY | ALLOWED_ASSESS |
	        ALLOWED_FIRST_CONTACT | ALLOWED_PATHWAY_EVENT);
	assert_int_equal(policy_allowed(&rk_syd, &pf),
	    ALLOWED_EDIT | ALLOWED_BREAK_GLASS | ALLOWED_ASSESS |
	        ALLOWED_FIRST_CONTACT | ALLOWED_PATHWAY_EVENT);
	assert_int_equal(policy_decide(&rk_syd, OBJ_PERSON, ACT_REVEAL_IDENTITY,
	                     &pf),
	    POLICY_HIDDEN);
	pf = person_f(&open, PROTECTION_ADDRESS, 1);
	assert_int_equal(policy_allowed(&rk_syd, &pf),
	    ALLOWED_EDIT | ALLOWED_REVEAL_IDENTITY | ALLOWED_ASSESS |
	        ALLOWED_FIRST_CONTACT | ALLOWED_PATHWAY_EVENT);
	assert_true(policy_conflict(ACT_BREAK_GLASS, &pf));
	pf.closed = 1;
	assert_int_equal(policy_allowed(&rk_syd, &pf), ALLOWED_REVEAL_IDENTITY);
	assert_true(policy_conflict(ACT_UPDATE, &pf));
	assert_true(policy_conflict(ACT_ASSESS, &pf));
	/* Assessing is an action on a person, never on a case. */
	assert_int_equal(policy_decide(&police, OBJ_CASE, ACT_ASSESS, &open),
	    POLICY_FORBIDDEN);
	assert_int_equal(policy_decide(&police, OBJ_PERSON, ACT_ASSESS,
	                     &(struct facts){ .kind = OBJ_PERSON }),
	    POLICY_HIDDEN);
	/* The pathway: who reads the person adds events, as the
	 * journal; never on a case, never to a closed case. */
	assert_true(policy_conflict(ACT_PATHWAY_EVENT, &pf));
	assert_int_equal(policy_decide(&rk_syd, OBJ_CASE, ACT_PATHWAY_EVENT,
	                     &open),
	    POLICY_FORBIDDEN);
	assert_string_equal(policy_allowed_name(12), "add_pathway_event");
	assert_false(policy_conflict(ACT_REOPEN, &closed));
	assert_true(policy_conflict(ACT_REOPEN, &open));
	assert_string_equal(policy_allowed_name(0), "edit");
	assert_null(policy_allowed_name(ALLOWED_COUNT));
}

/* The search's folding: words as people type them, no accent stripping. */
static void
test_search_fold(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "İstanbul İSTANBUL istanbul", "istanbul istanbul istanbul" },
		{ "Straße", "strasse" }, { "ÅR år ar Öland", "år år ar öland" },
		{ "röda\xc2\xa0korset\xe2\x80\x83x\xe3\x80\x80y",
		    "röda korset x y" },
		{ "e-post/sms, (NEAR) \"OR\" *x* a_b",
		    "e post sms near or x a b" },
		{ "\xef\xac\x81sk \xef\xbc\xab\xef\xbc\xa1", "fisk ka" },
		{ "ord\xc2\xad"
		  "et",
		    "ordet" }, /* a soft hyphen joins */
		{ "  --  ", "" },
		{ "a\xcc\x8a", "å" }, /* decomposed å composes */
	};
	size_t i;
	char  *f;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = search_fold(cases[i].in);
		assert_non_null(f);
		assert_string_equal(f, cases[i].out);
		free(f);
	}
	assert_null(search_fold("\xc3\x28"));
}

/* Queries: quoted words only, the last a prefix; refusals name why. */
static void
test_search_query(void **state)
{
	struct search_query q;
	char                many[200] = "";
	int                 i;

	(void)state;
	assert_int_equal(search_query_parse("Kvarn İSTANBUL", &q), SEARCH_OK);
	assert_int_equal(q.nwords, 2);
	assert_string_equal(q.match_fts, "\"kvarn\" \"istanbul\"*");
	assert_string_equal(q.match_pg, "'kvarn' & 'istanbul':*");
	search_query_free(&q);
	assert_int_equal(search_query_parse("NEAR(x OR \"y", &q), SEARCH_OK);
	assert_string_equal(q.match_fts, "\"near\" \"x\" \"or\" \"y\"*");
	search_query_free(&q);
	assert_int_equal(search_query_parse(" \xc2\xa0 ", &q), SEARCH_OK);
	assert_int_equal(q.nwords, 0);
	search_query_free(&q);
	assert_int_equal(search_query_parse("\"", &q), SEARCH_NO_WORD);
	assert_int_equal(search_query_parse("kvarn *", &q), SEARCH_NO_WORD);
	assert_int_equal(search_query_parse("kvarn\xc2\xa0&", &q),
	    SEARCH_NO_WORD);
	assert_int_equal(search_query_parse("\xc3\x28", &q), SEARCH_BAD_TEXT);
	for (i = 0; i <= SEARCH_MAX_WORDS; i++)
		memcpy(many + 2 * i, "x ", 3);
	assert_int_equal(search_query_parse(many, &q), SEARCH_TOO_MANY);
	many[2 * SEARCH_MAX_WORDS] = '\0';
	assert_int_equal(search_query_parse(many, &q), SEARCH_OK);
	assert_int_equal(q.nwords, SEARCH_MAX_WORDS);
	search_query_free(&q);
	assert_non_null(search_refusal_message(SEARCH_NO_WORD));
	assert_null(search_refusal_message(SEARCH_OK));
}

static void
test_text_fold(void **state)
{
	char *f;

	(void)state;
	f = text_fold("ÖLAND Åre Ärlig");
	assert_string_equal(f, "öland åre ärlig");
	free(f);
	/* No accent stripping: ö is not o. */
	f = text_fold("Öland");
	assert_null(strstr(f, "oland"));
	free(f);
	assert_null(text_fold("\xc3\x28"));
	assert_int_equal(text_length("åäö"), 3);
	/* Trimmed: Unicode spaces at the ends do not count, inner ones do. */
	assert_int_equal(text_trimmed_length(" \t\xc2\xa0å ä\xe3\x80\x80\n"),
	    3);
	assert_int_equal(text_trimmed_length("\xe2\x80\x83 "), 0);
	assert_int_equal(text_trimmed_length("\xc3\x28"), -1);
	assert_true(text_has_control("a\x01", 1));
	assert_false(text_has_control("a\nb", 1));
	assert_true(text_has_control("a\nb", 0));
}

/* Each invisible format character, inside a word. */
static const char *const invisible[] = {
	"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", /* embeddings */
	"\u2066", "\u2067", "\u2068", "\u2069",           /* isolates */
	"\u200e", "\u200f", "\u061c",                     /* marks */
	"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", /* zero width */
	"\u00ad", "\U000e0041",                           /* soft hyphen, tag */
};

static void
test_text_check(void **state)
{
	char   buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(invisible) / sizeof(invisible[0]); i++) {
		snprintf(buf, sizeof(buf), "ab%sc", invisible[i]);
		assert_int_equal(text_check(buf, 0), TEXT_INVISIBLE);
		assert_int_equal(text_check(buf, 1), TEXT_INVISIBLE);
	}
	/* Swedish letters, an emoji with a variation selector, a flag. */
	assert_int_equal(text_check("Ärende i Örebro, åäö \U0001f600 "
	                            "\u2764\ufe0f \U0001f1f8\U0001f1ea",
	                     0),
	    TEXT_OK);
	assert_int_equal(text_check("a\u00a0b\u2003c\u3000", 0), TEXT_OK);
	assert_int_equal(text_check("rad ett\nrad två\tflik\r\n", 1), TEXT_OK);
	assert_int_equal(text_check("a\nb", 0), TEXT_CONTROL);
	assert_int_equal(text_check("a\tb", 0), TEXT_CONTROL);
	assert_int_equal(text_check("a\x1b[2Jb", 1), TEXT_CONTROL);
	assert_int_equal(text_check("a\xc2\x85"
	                            "b",
	                     1),
	    TEXT_CONTROL);
	assert_int_equal(text_check("a\u2028b", 1), TEXT_CONTROL);
	assert_int_equal(text_check("a\u2029b", 0), TEXT_CONTROL);
	assert_int_equal(text_check("a\ue000b", 0), TEXT_UNASSIGNED);
	assert_int_equal(text_check("a\U000f0000b", 0), TEXT_UNASSIGNED);
	assert_int_equal(text_check("a\uffffb", 0), TEXT_UNASSIGNED);
	assert_int_equal(text_check("a\U0010fffeb", 0), TEXT_UNASSIGNED);
	assert_int_equal(text_check("a\xc3\x28", 0), TEXT_ENCODING);
	assert_int_equal(text_check("\xed\xa0\x80", 0), TEXT_ENCODING);
	assert_int_equal(text_check("", 0), TEXT_OK);
}

static void
test_text_trim(void **state)
{
	char *t;

	(void)state;
	assert_true(text_is_space(' '));
	assert_true(text_is_space(0xa0));
	assert_true(text_is_space(0x2003));
	assert_true(text_is_space(0x3000));
	assert_true(text_is_space(0x202f));
	assert_true(text_is_space('\n'));
	assert_false(text_is_space(0x200b)); /* zero width: not a space */
	assert_false(text_is_space('a'));
	t = text_trim("\u00a0\u2003 Ärende  i Malmö\u3000\n");
	assert_string_equal(t, "Ärende  i Malmö");
	free(t);
	t = text_trim("\u00a0\u2003\u3000");
	assert_string_equal(t, "");
	free(t);
	t = text_trim("");
	assert_string_equal(t, "");
	free(t);
	assert_null(text_trim(" \xc3\x28 "));
}

static void
test_validate_text_safety(void **state)
{
	json_t *errors, *doc;
	char   *text;

	(void)state;
	/* An override in a one-line field, a zero-width joiner in a list. */
	errors = errors_for("{\"name\":\"ab\u202ec\",\"note\":\"x\u2066y\","
	                    "\"tags\":[\"ok\",\"a\u200db\"]}",
	    NULL);
	assert_true(has_error(errors, "name", "invisible_character"));
	assert_true(has_error(errors, "note", "invisible_character"));
	assert_true(has_error(errors, "tags[1]", "invisible_character"));
	assert_false(has_error(errors, "tags[0]", "invisible_character"));
	text = json_dumps(errors, 0);
	assert_null(strstr(text, "\xe2\x80\xae")); /* never echoed */
	free(text);
	json_decref(errors);
	/* Private use is refused; a line separator is not a line break. */
	errors = errors_for("{\"name\":\"a\ue000\",\"note\":\"a\u2028b\"}",
	    NULL);
	assert_true(has_error(errors, "name", "invalid_text"));
	assert_true(has_error(errors, "note", "invalid_text"));
	json_decref(errors);
	/* Unicode white space only is empty, in fields and list items. */
	errors = errors_for("{\"name\":\"\u00a0\u2003\",\"tags\":"
	                    "[\"\u3000\"]}",
	    NULL);
	assert_true(has_error(errors, "name", "required"));
	assert_true(has_error(errors, "tags[0]", "required"));
	json_decref(errors);
	/* Trimmed (Unicode white space too) before the length counts. */
	errors = errors_for("{\"name\":\"\u00a0\u00e5\u00e4\u00f6\u3000 \","
	                    "\"note\":\"\u2003rad\\n\\trad\\n\","
	                    "\"secret\":\" hemligt \"}",
	    &doc);
	assert_int_equal(json_array_size(errors), 0);
	assert_string_equal(json_str(doc, "name"), "åäö");
	assert_string_equal(json_str(doc, "note"), "rad\n\trad");
	assert_string_equal(json_str(doc, "secret"), " hemligt ");
	json_decref(doc);
	json_decref(errors);
	/* Codes, dates and country codes are not trimmed: exact or wrong. */
	errors = errors_for("{\"name\":\"a\",\"colour\":\"red \",\"colours\":"
	                    "[\"\u00a0red\"],\"land\":\" SE\",\"inner\":"
	                    "{\"when\":\"2020-01-01\u3000\"}}",
	    NULL);
	assert_true(has_error(errors, "colour", "invalid_value"));
	assert_true(has_error(errors, "colours[0]", "invalid_value"));
	assert_true(validate_has_error(errors, "land"));
	assert_true(validate_has_error(errors, "inner.when"));
	json_decref(errors);
}

static void
test_time(void **state)
{
	char   out[TIME_TEXT];
	time_t t;
	int    y, m, d;

	(void)state;
	assert_int_equal(time_parse("2026-11-28T21:00:00Z", &t), 0);
	time_format(t, out);
	assert_string_equal(out, "2026-11-28T21:00:00Z");
	assert_int_equal(time_parse("2026-11-28 21:00:00Z", &t), -1);
	assert_int_equal(time_parse("2026-11-28T24:00:00Z", &t), -1);
	assert_int_equal(date_parse("2024-02-29", &y, &m, &d), 0);
	assert_int_equal(date_parse("2023-02-29", &y, &m, &d), -1);
	assert_int_equal(date_parse("1899-12-31", &y, &m, &d), -1);
	assert_int_equal(date_parse("2024-2-29", &y, &m, &d), -1);
}

/* ---- intake ---- */

static struct facts
consultation_f(const char *region, const char *by, const char *status,
    const char *case_id)
{
	struct facts f;

	memset(&f, 0, sizeof(f));
	f.kind = OBJ_CONSULTATION;
	f.exists = 1;
	strlcopy(f.region, region, sizeof(f.region));
	strlcopy(f.requester, by, sizeof(f.requester));
	strlcopy(f.consultation_status, status, sizeof(f.consultation_status));
	strlcopy(f.consultation_case, case_id, sizeof(f.consultation_case));
	return f;
}

static void
test_policy_consultation(void **state)
{
	const struct principal req = { ROLE_REQUESTER, "r1", "SOC-1280", NULL };
	const struct principal other = { ROLE_REQUESTER, "r2", "SOC-1280",
		NULL };
	const struct principal rk_sthlm = { ROLE_COORDINATOR, "u5",
		"RK-STOCKHOLM", "stockholm" };
	const struct principal no_region = { ROLE_COORDINATOR, "u6",
		"POLISEN-VAST", NULL };
	struct facts           f = consultation_f("syd", "r1", "new", "");
	struct facts           gone = f;
	struct scope           s;

	(void)state;
	gone.exists = 0;
	/* Who works consultations at all. */
	assert_int_equal(policy_decide(&police, OBJ_CONSULTATION, ACT_LIST,
	                     NULL),
	    POLICY_FORBIDDEN);
	assert_int_equal(policy_decide(&no_region, OBJ_CONSULTATION, ACT_READ,
	                     &f),
	    POLICY_FORBIDDEN);
	assert_int_equal(policy_decide(&req, OBJ_CONSULTATION, ACT_CREATE,
	                     NULL),
	    POLICY_ALLOW);
	/* Reading: own, region, all; hidden otherwise (and when missing). */
	assert_int_equal(policy_decide(&req, OBJ_CONSULTATION, ACT_READ, &f),
	    POLICY_ALLOW);
	assert_int_equal(policy_decide(&other, OBJ_CONSULTATION, ACT_READ, &f),
	    POLICY_HIDDEN);
	assert_int_equal(policy_decide(&rk_syd, OBJ_CONSULTATION, ACT_READ, &f),
	    POLICY_ALLOW);
	assert_int_equal(policy_decide(&rk_sthlm, OBJ_CONSULTATION, ACT_READ,
	                     &f),
	    POLICY_HIDDEN);
	assert_int_equal(policy_decide(&secretariat, OBJ_CONSULTATION, ACT_READ,
	                     &f),
	    POLICY_ALLOW);
	assert_int_equal(policy_decide(&secretariat, OBJ_CONSULTATION, ACT_READ,
	                     &gone),
	    POLICY_HIDDEN);
	/* Changing: coordinators only; the requester sees but may not. */
	assert_int_equal(policy_decide(&req, OBJ_CONSULTATION, ACT_UPDATE, &f),
	    POLICY_FORBIDDEN);
	assert_int_equal(policy_decide(&req, OBJ_CONSULTATION, ACT_CONVERT, &f),
	    POLICY_FORBIDDEN);
	assert_int_equal(policy_consultation_allowed(&req, &f), 0);
	assert_int_equal(policy_consultation_allowed(&rk_syd, &f),
	    CONSULT_TAKE | CONSULT_OPEN_CASE);
	/* The notes (and a search on them) are the coordinators'. */
	assert_false(policy_consultation_notes(&req));
	assert_true(policy_consultation_notes(&rk_syd));
	assert_true(policy_consultation_notes(&secretariat));
	assert_false(policy_consultation_notes(&police));
	strlcopy(f.consultation_status, "in_progress",
	    sizeof(f.consultation_status));
	assert_int_equal(policy_consultation_allowed(&rk_syd, &f),
	    CONSULT_ANSWER | CONSULT_OPEN_CASE);
	/* A case opens once, and never from a closed consultation. */
	strlcopy(f.consultation_case, "c1", sizeof(f.consultation_case));
	assert_true(policy_conflict(ACT_CONVERT, &f));
	assert_int_equal(policy_consultation_allowed(&rk_syd, &f),
	    CONSULT_ANSWER);
	f = consultation_f("syd", "r1", "closed", "");
	assert_true(policy_conflict(ACT_CONVERT, &f));
	/* The list scopes are the same rules. */
	s = policy_scope(&req, OBJ_CONSULTATION);
	assert_int_equal(s.reasons, SCOPE_OWN);
	assert_true(policy_in_scope(&s, &f));
	s = policy_scope(&other, OBJ_CONSULTATION);
	assert_false(policy_in_scope(&s, &f));
	s = policy_scope(&rk_sthlm, OBJ_CONSULTATION);
	assert_false(policy_in_scope(&s, &f));
	s = policy_scope(&secretariat, OBJ_CONSULTATION);
	assert_int_equal(s.reasons, SCOPE_ALL);
	s = policy_scope(&police, OBJ_CONSULTATION);
	assert_int_equal(s.reasons, 0);
	/* Admins add organizations; nobody else does. */
	assert_int_equal(policy_decide(&(struct principal){ ROLE_ADMIN, "a",
	                                   "NMT", NULL },
	                     OBJ_REFERENCE, ACT_CREATE, NULL),
	    POLICY_ALLOW);
	assert_int_equal(policy_decide(&secretariat, OBJ_REFERENCE, ACT_CREATE,
	                     NULL),
	    POLICY_FORBIDDEN);
}

static void
test_consultation_moves(void **state)
{
	static const char *const st[] = { "new", "in_progress", "answered",
		"referred", "closed" };
	/* allowed[from][to] */
	static const int allowed[5][5] = {
		{ 1, 1, 0, 0, 0 },
		{ 0, 1, 1, 1, 1 },
		{ 0, 0, 1, 0, 0 },
		{ 0, 0, 0, 1, 0 },
		{ 0, 0, 0, 0, 1 },
	};
	int i, j;

	(void)state;
	for (i = 0; i < 5; i++)
		for (j = 0; j < 5; j++)
			if (policy_consultation_move(st[i], st[j]) !=
			    allowed[i][j])
				fail_msg("%s -> %s", st[i], st[j]);
	assert_false(policy_consultation_move("new", "done"));
	assert_false(policy_consultation_move(NULL, "new"));
}

static void
test_intake_rules(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(intake_coordinators("syd", out, sizeof(out)), 0);
	assert_string_equal(out, "RK-SYD");
	assert_int_equal(intake_coordinators("bergslagen", out, sizeof(out)),
	    0);
	assert_string_equal(out, "RK-BERGSLAGEN");
	assert_int_equal(intake_coordinators("Syd", out, sizeof(out)), -1);
	assert_int_equal(intake_coordinators("", out, sizeof(out)), -1);
	assert_int_equal(intake_coordinators("abcdefghijklm", out, sizeof(out)),
	    -1);
	assert_true(intake_org_code_valid("NOVAHUSET"));
	assert_true(intake_org_code_valid("RODA-KORSET-2"));
	assert_false(intake_org_code_valid("SOC-1280"));
	assert_false(intake_org_code_valid("novahuset"));
	assert_false(intake_org_code_valid("9LIV"));
	assert_false(intake_org_code_valid("A"));
	assert_false(intake_org_code_valid("A B"));
	assert_true(intake_email_valid("karin@malmo.se"));
	assert_true(intake_email_valid("k.s+x@sub.malmo.se"));
	assert_false(intake_email_valid("karin.malmo.se"));
	assert_false(intake_email_valid("@malmo.se"));
	assert_false(intake_email_valid("karin@malmo"));
	assert_false(intake_email_valid("karin@@malmo.se"));
	assert_false(intake_email_valid("karin @malmo.se"));
	assert_false(intake_email_valid("karin@malmo."));
	assert_true(intake_phone_valid("040-34 10 00"));
	assert_true(intake_phone_valid("+46 (0)40 341000"));
	assert_false(intake_phone_valid("1234"));
	assert_false(intake_phone_valid("ring mig"));
}

/* ---- tasks, notifications, team rules ---- */

/* A task from POLISEN-SYD to MIGRATIONSVERKET on a case of region syd. */
static struct facts
task_f(const char *status, enum access access)
{
	struct facts f = case_f("syd", "POLISEN-SYD", access);

	f.kind = OBJ_TASK;
	strlcopy(f.assignee_org, "MIGRATIONSVERKET", sizeof(f.assignee_org));
	strlcopy(f.task_from_org, "POLISEN-SYD", sizeof(f.task_from_org));
	strlcopy(f.task_status, status, sizeof(f.task_status));
	return f;
}

static enum policy_decision
task_decide(const struct principal *p, enum action a, const struct facts *f)
{
	return policy_decide(p, OBJ_TASK, a, f);
}

static void
test_policy_tasks(void **state)
{
	static const struct principal rk_sthlm = { ROLE_COORDINATOR, "u5",
		"RK-STOCKHOLM", "stockholm" };
	static const struct principal sos = { ROLE_MEMBER, "u6", "SOS-AVV",
		NULL };
	static const struct principal auditor = { ROLE_AUDITOR, "u7", "NMT",
		NULL };
	struct facts mine = task_f("requested", ACCESS_PSEUDONYMOUS);
	struct facts none = task_f("requested", ACCESS_NONE);
	struct facts gone = task_f("requested", ACCESS_NONE);
	struct scope s;

	(void)state;
	gone.exists = 0;
	/* The receiver answers, the sender revokes, each not the other. */
	assert_int_equal(task_decide(&migration, ACT_READ, &mine),
	    POLICY_ALLOW);
	assert_int_equal(task_decide(&migration, ACT_TASK_ACCEPT, &mine),
	    POLICY_ALLOW);
	assert_int_equal(task_decide(&migration, ACT_TASK_REVOKE, &mine),
	    POLICY_FORBIDDEN);
	assert_int_equal(task_decide(&police, ACT_TASK_REVOKE, &none),
	    POLICY_ALLOW);
	assert_int_equal(task_decide(&police, ACT_TASK_ACCEPT, &none),
	    POLICY_FORBIDDEN);
	/* Those who change the team see and revoke it; strangers see none. */
	assert_int_equal(task_decide(&rk_syd, ACT_TASK_REVOKE, &none),
	    POLICY_ALLOW);
	assert_int_equal(task_decide(&rk_syd, ACT_TASK_COMPLETE, &none),
	    POLICY_FORBIDDEN);
	assert_int_equal(task_decide(&secretariat, ACT_READ, &none),
	    POLICY_ALLOW);
	assert_int_equal(task_decide(&rk_sthlm, ACT_READ, &none),
	    POLICY_HIDDEN);
	assert_int_equal(task_decide(&sos, ACT_READ, &none), POLICY_HIDDEN);
	assert_int_equal(task_decide(&sos, ACT_TASK_ACCEPT, &none),
	    POLICY_HIDDEN);
	assert_int_equal(task_decide(&migration, ACT_READ, &gone),
	    POLICY_HIDDEN);
	assert_int_equal(task_decide(&auditor, ACT_READ, &mine),
	    POLICY_FORBIDDEN);
	assert_int_equal(task_decide(&auditor, ACT_LIST, NULL),
	    POLICY_FORBIDDEN);
	/* A task member on the team is a pseudonymous member: no identity. */
	mine.kind = OBJ_PERSON;
	assert_int_equal(policy_identity(&migration, &mine), IDENTITY_NONE);
	/* The list's scope: to or from the organization. */
	s = policy_scope(&migration, OBJ_TASK);
	assert_int_equal(s.reasons, SCOPE_ASSIGNED | SCOPE_SENT);
	assert_true(policy_in_scope(&s, &none));
	s = policy_scope(&police, OBJ_TASK);
	assert_true(policy_in_scope(&s, &none));
	s = policy_scope(&sos, OBJ_TASK);
	assert_false(policy_in_scope(&s, &none));
}

static void
test_policy_task_states(void **state)
{
	static const char *const states[] = { "requested", "accepted",
		"declined", "completed", "revoked" };
	/* Allowed transitions per state: accept, decline, complete, revoke. */
	static const int         ok[5][4] = { { 1, 1, 0, 1 }, { 0, 0, 1, 1 },
		        { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 } };
	static const enum action acts[4] = { ACT_TASK_ACCEPT, ACT_TASK_DECLINE,
		ACT_TASK_COMPLETE, ACT_TASK_REVOKE };
	struct facts             f;
	unsigned                 set;
	int                      i, j;

	(void)state;
	for (i = 0; i < 5; i++) {
		f = task_f(states[i], ACCESS_PSEUDONYMOUS);
		for (j = 0; j < 4; j++)
			assert_int_equal(policy_conflict(acts[j], &f),
			    !ok[i][j]);
	}
	/* "allowed" is the same decisions: the receiver, a requested task. */
	f = task_f("requested", ACCESS_PSEUDONYMOUS);
	set = policy_allowed(&migration, &f);
	assert_int_equal(set, ALLOWED_TASK_ACCEPT | ALLOWED_TASK_DECLINE);
	f = task_f("accepted", ACCESS_NONE);
	assert_int_equal(policy_allowed(&police, &f), ALLOWED_TASK_REVOKE);
	f = task_f("completed", ACCESS_NONE);
	assert_int_equal(policy_allowed(&police, &f), 0);
	/* A team row a task granted is not removed by hand. */
	f = case_f("syd", "POLISEN-SYD", ACCESS_NONE);
	f.kind = OBJ_TEAM_ROW;
	f.task_row = 1;
	assert_true(policy_conflict(ACT_TEAM_CHANGE, &f));
	assert_int_equal(policy_allowed(&police, &f), 0);
}

static void
test_policy_notifications(void **state)
{
	static const struct principal auditor = { ROLE_AUDITOR, "u7", "NMT",
		NULL };
	struct facts                  f;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.kind = OBJ_NOTIFICATION;
	f.exists = 1;
	strlcopy(f.notify_user, "u4", sizeof(f.notify_user));
	assert_int_equal(policy_decide(&migration, OBJ_NOTIFICATION, ACT_UPDATE,
	                     &f),
	    POLICY_ALLOW);
	assert_int_equal(policy_decide(&police, OBJ_NOTIFICATION, ACT_UPDATE,
	                     &f),
	    POLICY_HIDDEN);
	assert_int_equal(policy_decide(&auditor, OBJ_NOTIFICATION, ACT_LIST,
	                     NULL),
	    POLICY_ALLOW);
	assert_int_equal(policy_decide(&migration, OBJ_NOTIFICATION, ACT_EXPORT,
	                     &f),
	    POLICY_FORBIDDEN);
}

static void
test_team_rules(void **state)
{
	static const char *const forms[] = { "forced_labour", "sexual" };
	static const char *const citizens[] = { "SE", "NG" };
	struct team_situation    s;
	struct team_match        m[16];
	size_t                   n;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.region = "syd";
	s.exploitation = forms;
	s.nexploitation = 2;
	s.any_child = 1;
	s.citizenship = citizens;
	s.ncitizenship = 2;
	n = team_rules_match(&s, m, 16);
	assert_int_equal(n, 7);
	assert_string_equal(m[0].candidates[0], "RK-SYD");
	assert_string_equal(m[0].reason, "regional_coordinator");
	/* No municipality: only the kind is left. */
	assert_string_equal(m[1].candidates[0], "");
	assert_string_equal(m[1].kind, "social_services");
	assert_string_equal(m[1].reason, "child");
	assert_string_equal(m[2].candidates[0], "ARBETSMILJOVERKET");
	assert_string_equal(m[3].candidates[0], "SKATTEVERKET");
	assert_string_equal(m[3].reason, "labour_exploitation");
	assert_string_equal(m[4].candidates[0], "SOS-AVV");
	assert_string_equal(m[5].candidates[0], "MIGRATIONSVERKET");
	assert_string_equal(m[5].reason, "no_residence_permit");
	assert_string_equal(m[6].candidates[0], "POLISEN-SYD");
	assert_string_equal(m[6].candidates[1], "POLISEN-NOA");
	/* With a municipality, its social services come first. */
	s.municipality = "1280";
	n = team_rules_match(&s, m, 16);
	assert_string_equal(m[1].candidates[0], "SOC-1280");
	/* Nothing but "other" and EU citizens: the coordinator only. */
	s.exploitation = (const char *const[]){ "other" };
	s.nexploitation = 1;
	s.any_child = 0;
	s.citizenship = citizens;
	s.ncitizenship = 1;
	n = team_rules_match(&s, m, 16);
	assert_int_equal(n, 1);
	assert_true(team_rules_in_eea("SE"));
	assert_true(team_rules_in_eea("NO"));
	assert_true(team_rules_in_eea("CH"));
	assert_false(team_rules_in_eea("NG"));
	assert_false(team_rules_in_eea("GB"));
	assert_false(team_rules_in_eea(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_roles_without_case_access),
		cmocka_unit_test(test_policy_visibility),
		cmocka_unit_test(test_policy_writes),
		cmocka_unit_test(test_policy_journal),
		cmocka_unit_test(test_policy_first_contact_guidance),
		cmocka_unit_test(test_policy_full_everywhere),
		cmocka_unit_test(test_policy_coordinator_without_region),
		cmocka_unit_test(test_policy_identity),
		cmocka_unit_test(test_policy_break_glass),
		cmocka_unit_test(test_policy_unknown_protection),
		cmocka_unit_test(test_policy_scope_matches_decide),
		cmocka_unit_test(test_policy_allowed),
		cmocka_unit_test(test_policy_operation),
		cmocka_unit_test(test_operation_moves),
		cmocka_unit_test(test_policy_consultation),
		cmocka_unit_test(test_consultation_moves),
		cmocka_unit_test(test_intake_rules),
		/* Tasks and notifications (issue 10). */
		cmocka_unit_test(test_policy_tasks),
		cmocka_unit_test(test_policy_task_states),
		cmocka_unit_test(test_policy_notifications),
		cmocka_unit_test(test_team_rules),
		cmocka_unit_test(test_child_rule),
		cmocka_unit_test(test_validate_accepts_and_normalises),
		cmocka_unit_test(test_validate_rejects),
		cmocka_unit_test(test_validate_messages_hold_no_values),
		cmocka_unit_test(test_search_fold),
		cmocka_unit_test(test_search_query),
		cmocka_unit_test(test_text_fold),
		cmocka_unit_test(test_text_check),
		cmocka_unit_test(test_text_trim),
		cmocka_unit_test(test_validate_text_safety),
		cmocka_unit_test(test_time),
	};

	return cmocka_run_group_tests_name("domain", tests, NULL, NULL);
}
