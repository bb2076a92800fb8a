/*
 * retention.h — the retention (gallring) rules kept as data: the defaults
 * in data/retention/rules.json (embedded), and an operator's override
 * file that changes their periods (`nmtctl retention run --rules FILE`).
 *
 * A rule names a kind of object (case, consultation, operation, audit),
 * what is done
 * with it (anonymise, prune), after how many whole years and counted from
 * which of its dates, and its legal basis. Which objects are due and what
 * is done to them is db/store_retention.c's.
 */
#ifndef NMT_DOMAIN_RETENTION_H
#define NMT_DOMAIN_RETENTION_H

#include <stddef.h>
#include <time.h>

enum retention_kind {
	RETENTION_CASE,         /* closed cases and their persons */
	RETENTION_CONSULTATION, /* consultations without a case */
	RETENTION_OPERATION,    /* ended operations */
	RETENTION_AUDIT,        /* audit entries */
	RETENTION_KINDS,
};

#define RETENTION_MAX_YEARS 100
#define RETENTION_MAX_BASES 8

struct retention_rule {
	enum retention_kind kind;
	const char         *name;   /* "case" | "consultation" | "audit" */
	const char         *action; /* "anonymise" | "prune" */
	const char         *counted_from; /* the object's date column */
	int                 after_years;  /* 1..RETENTION_MAX_YEARS */
	int                 overridden;   /* a file changed the period */
};

struct retention_rules {
	struct retention_rule rule[RETENTION_KINDS]; /* indexed by kind */
};

/*
 * The embedded default rules into r (strings static). Aborts when the
 * embedded file is broken: a build defect.
 */
void retention_defaults(struct retention_rules *r);
/*
 * Applies an override file to r: a JSON object {"rules": [{"kind",
 * "after_years", "legal_basis"?}, ...]} that changes the periods of the
 * kinds it names (legal_basis, a list of texts, is the operator's record
 * of why and is only checked). Every problem is refused: 0, or -1 with a
 * message naming the file's field in err (the rules are then unchanged).
 */
int retention_override(struct retention_rules *r, const char *path, char *err,
    size_t errlen);
/*
 * The instant before which (inclusive) an object of the rule is due at
 * now: the same UTC calendar instant after_years earlier (29 February
 * becomes 1 March).
 */
time_t retention_cutoff(const struct retention_rule *rule, time_t now);

#endif
