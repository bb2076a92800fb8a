/*
 * vocab.h — the closed vocabularies of the API: roles, access levels,
 * genders, protected-identity levels, exploitation forms, case statuses.
 * Codes are stable ASCII identifiers; each list is NULL-terminated so the
 * validator can use it directly.
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

enum access {
	ACCESS_NONE = 0,
	ACCESS_PSEUDONYMOUS = 1,
	ACCESS_FULL = 2,
};

enum protection {
	PROTECTION_NONE,
	PROTECTION_MARKED,
	PROTECTION_ADDRESS,
	PROTECTION_FICTITIOUS,
};

extern const char *const vocab_roles[];
extern const char *const vocab_access[];
extern const char *const vocab_genders[];
extern const char *const vocab_protection[];
extern const char *const vocab_exploitation[];
extern const char *const vocab_case_status[];

/* Index of code in a NULL-terminated list, or -1. */
int		 vocab_index(const char *const *list, const char *code);
enum role	 role_parse(const char *code);
const char	*role_name(enum role role);
enum access	 access_parse(const char *code);
const char	*access_name(enum access access);
enum protection	 protection_parse(const char *code);

/* The organization code of the national secretariat. */
#define ORG_SECRETARIAT "NMT"

#endif
