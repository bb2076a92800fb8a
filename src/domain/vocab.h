/*
 * vocab.h — the closed vocabularies of the API: roles, access levels,
 * genders, protected-identity levels, exploitation forms, case statuses,
 * closing reasons, break-the-glass categories, vulnerability factors.
 *
 * Each vocabulary is a table of terms (a stable ASCII code with its
 * Swedish and English labels), ended by a term whose code is NULL. The
 * validator checks codes against these tables and GET /api/v1/vocabularies
 * serves them, so the UI keeps no copy of its own. Exploitation forms
 * follow brottsbalken 4 kap. 1 a § (människohandel); protection levels the
 * Swedish Tax Agency's terms for skyddade personuppgifter; vulnerability
 * factors NMT's own list of what makes a person vulnerable ("Den utsatte"
 * in its 2017 presentation), less "Barn", which is_child already says.
 */
#ifndef NMT_DOMAIN_VOCAB_H
#define NMT_DOMAIN_VOCAB_H

enum role {
	ROLE_NONE = -1,
	ROLE_ADMIN,
	ROLE_COORDINATOR,
	ROLE_MEMBER,
	ROLE_REQUESTER,
	ROLE_ANALYST,
	ROLE_AUDITOR,
};

/* A set of roles, for route declarations: ROLE_BIT(ROLE_MEMBER) | ... */
#define ROLE_BIT(r) (1u << (unsigned)(r))
#define ROLES_ANY   0x3fu

enum access {
	ACCESS_NONE = 0,
	ACCESS_PSEUDONYMOUS = 1,
	ACCESS_FULL = 2,
};

enum protection {
	PROTECTION_INVALID = -1,
	PROTECTION_NONE,
	PROTECTION_MARKED,
	PROTECTION_ADDRESS,
	PROTECTION_FICTITIOUS,
};

struct term {
	const char *code;
	const char *sv;
	const char *en;
};

/* A named vocabulary, as served by GET /api/v1/vocabularies. */
struct vocabulary {
	const char        *name;
	const struct term *terms;
};

/* vocab_roles, vocab_access and vocab_protection follow their enums. */
extern const struct term vocab_roles[];
extern const struct term vocab_access[];
extern const struct term vocab_team_access[]; /* full, pseudonymous */
/* team suggestion reasons, task states, notification kinds */
extern const struct term vocab_suggestion_reasons[];
extern const struct term vocab_task_status[];
extern const struct term vocab_notification_kind[];
extern const struct term vocab_genders[];
extern const struct term vocab_protection[];
extern const struct term vocab_exploitation[];
extern const struct term vocab_case_status[];
extern const struct term vocab_closing_reason[];
extern const struct term vocab_glass_category[];
extern const struct term vocab_vulnerabilities[];
extern const struct term vocab_journal_kind[];       /* note, call, ... */
extern const struct term vocab_journal_visibility[]; /* team, full */
extern const struct term vocab_audit_actions[];      /* codes only */
/* Intake. */
extern const struct term vocab_org_kinds[];
extern const struct term vocab_consultation_status[];
extern const struct term vocab_consultation_channel[];
extern const struct term vocab_urgency[];
extern const struct term vocab_consent[];

/* Operations (issue 11). */
extern const struct term vocab_operation_kinds[];   /* operational, ... */
extern const struct term vocab_operation_status[];  /* planned, ... */
extern const struct term vocab_participant_roles[]; /* lead, field, ... */
extern const struct term vocab_immediate_needs[];   /* shelter, ... */

/* Every served vocabulary, ended by { NULL, NULL }. */
extern const struct vocabulary vocabularies[];

/* Guidance (migration 0015). */
extern const struct term vocab_guidance_topics[]; /* first-contact */
extern const struct term vocab_guidance_langs[];  /* sv, en */
/* The first-meeting checklist: codes only (labels in the guidance). */
extern const struct term vocab_first_contact_checks[];

/* Index of code in a term table, or -1 (also for NULL). */
int vocab_index(const struct term *list, const char *code);
/* ROLE_NONE for an unknown code. */
enum role   role_parse(const char *code);
const char *role_name(enum role role);
/* -1 (never a level) for an unknown code: every parse fails closed. */
int         access_parse(const char *code, enum access *out);
const char *access_name(enum access access);
/* PROTECTION_INVALID for an unknown code. */
enum protection protection_parse(const char *code);

/* The organization code of the national secretariat. */
#define ORG_SECRETARIAT "NMT"

#endif
