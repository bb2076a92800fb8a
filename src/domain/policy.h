/*
 * policy.h — the one access policy. Every decision about an object (a
 * case, a person and its identity, a team row, the audit log, a
 * break-the-glass grant, and the kinds still to come: consultations,
 * assessments, tasks, operations, statistics) is made here, from who is
 * asking (the principal), what they want to do (the action) and the facts
 * of the object; nothing else in the program decides access. Deny by
 * default: a kind or an action this file does not name is refused.
 *
 * A principal who may not see an object gets POLICY_HIDDEN (answered 404,
 * exactly as an object that does not exist); a principal who sees it but
 * may not do the action, and roles that never work the kind at all, get
 * POLICY_FORBIDDEN (403).
 *
 * Lists are filtered by the scope: policy_scope() says which objects of a
 * kind a principal may see, db/sql.c renders that scope to SQL in one
 * place, and policy_in_scope() applies the very same scope to one
 * object's facts — so a list and a single read can never disagree.
 * What an answer offers ("allowed") is policy_allowed(), made of the very
 * policy_decide() and policy_conflict() calls the routes make — so the UI
 * and the server can never disagree either.
 */
#ifndef NMT_DOMAIN_POLICY_H
#define NMT_DOMAIN_POLICY_H

#include "domain/vocab.h"

struct principal {
	enum role   role;
	const char *user_id;
	const char *org;
	const char *region; /* NULL when the user has none */
};

enum object_kind {
	OBJ_CASE,
	OBJ_PERSON,
	OBJ_TEAM_ROW,
	OBJ_AUDIT,
	OBJ_GRANT,     /* break-the-glass grants */
	OBJ_REFERENCE, /* organizations, regions, vocabularies, ... */
	OBJ_SESSION,   /* the caller's own session */
	OBJ_CONSULTATION,
	OBJ_ASSESSMENT,
	OBJ_TASK,
	OBJ_OPERATION,
	OBJ_STATISTICS,
	OBJ_GUIDANCE, /* guidance texts: everyone reads, admins edit */
	/* a user's own notifications */
	OBJ_NOTIFICATION,
	/* Statistics (issue 12): differential-privacy releases (national). */
	OBJ_STAT_RELEASE,
};

enum action {
	ACT_LIST,   /* no facts needed */
	ACT_CREATE, /* no facts needed (or the parent's) */
	ACT_READ,
	ACT_UPDATE,          /* a case, its persons */
	ACT_TEAM_CHANGE,     /* add or remove team rows */
	ACT_BREAK_GLASS,     /* open a protected identity for a while */
	ACT_CLOSE,           /* a case: open -> closed */
	ACT_REOPEN,          /* a case: closed -> open */
	ACT_JOURNAL_WRITE,   /* add an entry to a case's journal */
	ACT_REVEAL_IDENTITY, /* read a person's identity block */
	ACT_JOURNAL_FULL,    /* read and write the journal's "full" entries */
	ACT_EXPORT,          /* the audit log as a file */
	/* Indicator screening (issue 9). */
	ACT_ASSESS,        /* add an indicator assessment to a person */
	ACT_FIRST_CONTACT, /* log a first meeting with a person */
	/* support pathway */
	ACT_PATHWAY_EVENT, /* add an event to a person's support pathway */
	/* Intake (consultations). */
	ACT_CONVERT, /* open a case from a consultation */
	/* a task's transitions (the receiving and the sending side) */
	ACT_TASK_ACCEPT,   /* requested -> accepted */
	ACT_TASK_DECLINE,  /* requested -> declined */
	ACT_TASK_COMPLETE, /* accepted -> completed */
	ACT_TASK_REVOKE,   /* requested | accepted -> revoked */
	/* operations (issue 11): ACT_UPDATE a PATCH, ACT_TEAM_CHANGE the
	 * participants, this one a person registered in the field */
	ACT_OP_ENCOUNTER,
};

enum policy_decision {
	POLICY_ALLOW,
	POLICY_FORBIDDEN,
	POLICY_HIDDEN,
};

/*
 * What the policy knows of one object, read by the store in one
 * statement (inside the writing transaction for writes). Case-bound
 * kinds carry their case's facts. Strings are "" when unknown.
 */
struct facts {
	enum object_kind kind;
	int              exists; /* 0: no such object */
	char             id[37];
	char             case_id[37];
	char             owner_org[65];
	char             region[33];
	enum access      team_access;      /* the best access the principal has
					   through the team, ACCESS_NONE if
					   none */
	int              team_by_name;     /* ... through a row naming it */
	char             assignee_org[65]; /* tasks */
	char             requester[37];    /* consultations: user id */
	enum protection  protection;       /* persons */
	char             glass_until[21];  /* persons: the end of the
						   principal's live grant,
						   "" for none */
	int              closed;      /* case-bound kinds: the case is closed */
	int              anonymised;  /* persons: the closed case was
				       anonymised by retention since it
				       was closed (no identity is left) */
	int              owner_row;   /* team rows: the owner organization's
				       own row, which never leaves the team */
	char consultation_status[16]; /* consultations: new, in_progress, ... */
	char consultation_case[37];   /* consultations: the case opened from
					 it, "" for none */
	/* tasks (with assignee_org, the receiving organization) */
	char task_from_org[65]; /* the sending organization */
	char task_status[16];   /* requested, accepted, declined, ... */
	/* notifications */
	char notify_user[37]; /* the recipient user's id */
	/* team rows a task granted (they leave with the task only) */
	int task_row;
	/* operations (issue 11): owner_org is the lead organization,
	 * region the operation's; op_participation the principal's best
	 * part in it (OP_PART_*) */
	char op_status[16]; /* planned, active, completed, ... */
	int  op_participation;
};
#define OP_PART_NONE  0 /* takes no part */
#define OP_PART_READ  1 /* support, interpreter, observer: reads */
#define OP_PART_FIELD 2 /* lead or field: registers encounters */

/*
 * Which objects of a kind a list may hold for a principal: a set of
 * reasons, any of which admits an object. SCOPE_ALL admits everything;
 * no bit admits nothing.
 */
#define SCOPE_ALL      0x01u /* every object */
#define SCOPE_REGION   0x02u /* its region's */
#define SCOPE_TEAM     0x04u /* where a team row reaches it */
#define SCOPE_OWN      0x08u /* made (requested) by it */
#define SCOPE_ASSIGNED 0x10u /* assigned to its organization */
#define SCOPE_SENT     0x20u /* tasks sent from its organization */
#define SCOPE_PARTICIPANT \
	0x40u /* operations it takes part in (its
				  organization, or itself by name) */

struct scope {
	unsigned    reasons;
	const char *region;  /* SCOPE_REGION */
	const char *org;     /* SCOPE_TEAM, SCOPE_ASSIGNED */
	const char *user_id; /* SCOPE_TEAM, SCOPE_OWN */
};

/* How much of a person's identity block the principal receives. */
enum identity_view {
	IDENTITY_NONE,
	IDENTITY_NO_ADDRESS,
	IDENTITY_FULL,
};

/*
 * The decision on action over the object described by facts (NULL for
 * ACT_LIST and ACT_CREATE of a kind, which need none; then kind names the
 * kind). A facts whose exists is 0 is POLICY_HIDDEN for anyone who may
 * work the kind.
 */
enum policy_decision policy_decide(const struct principal *p,
    enum object_kind kind, enum action action, const struct facts *facts);
/* The scope of a list of kind for p. */
struct scope policy_scope(const struct principal *p, enum object_kind kind);
/* Does the scope admit the object? (The list's per-row assertion.) */
int policy_in_scope(const struct scope *s, const struct facts *facts);
/*
 * How much of a person's identity p receives (facts of kind OBJ_PERSON,
 * with its protection and the principal's live grant). An unknown
 * protection level opens nothing to anyone.
 */
enum identity_view policy_identity(const struct principal *p,
    const struct facts                                    *facts);
/*
 * Whether p's read of the audit log shows the pseudonyms of the persons
 * its entries name: only for those who see the persons (a coordinator
 * reads one case's log where it sees the case); an auditor sees no
 * persons and never gets them.
 */
int policy_audit_pseudonyms(const struct principal *p);
/*
 * the duplicate check: whether p reads the duplicate check's entries
 * (person.match) across the whole log rather than one case at a time:
 * the secretariat's coordinators, who see every case anyway.
 */
int policy_audit_matches(const struct principal *p);

/*
 * Search (db/search.c): whether p reads the "full" journal entries of
 * every case it sees (ACT_JOURNAL_FULL whatever the case: the acting
 * coordinators). When it does not, it reads them where its organization
 * owns the case or a team row gives it full access, the rule
 * sql_case_full() renders for a list.
 */
int policy_full_everywhere(const struct principal *p);

/*
 * Is the action in conflict with the object's state (answered 409, nothing
 * changed)? A closed case refuses every change but reopening (and an
 * open case reopening); the owner organization's own team row is never
 * removed, nor by hand a row a task granted; a live break-the-glass grant
 * is not granted again; a task moves only along its states. Asked
 * after an allowing policy_decide(), by the write path and by
 * policy_allowed().
 */
int policy_conflict(enum action action, const struct facts *facts);

/*
 * What an answer offers the caller ("allowed"): a set of ALLOWED_* bits,
 * each one the very policy_decide() (and policy_conflict()) the route
 * behind it asks. facts of kind OBJ_CASE give edit, close, reopen,
 * add_person, add_member, write_journal, write_journal_full (an entry
 * for full access only); OBJ_PERSON edit,
 * reveal_identity, break_glass, assess, log_first_contact,
 * add_pathway_event; OBJ_TEAM_ROW remove_member; OBJ_TASK accept,
 * decline, complete, revoke.
 */
#define ALLOWED_EDIT            0x001u
#define ALLOWED_CLOSE           0x002u
#define ALLOWED_REOPEN          0x004u
#define ALLOWED_ADD_PERSON      0x008u
#define ALLOWED_ADD_MEMBER      0x010u
#define ALLOWED_REMOVE_MEMBER   0x020u
#define ALLOWED_WRITE_JOURNAL   0x040u
#define ALLOWED_REVEAL_IDENTITY 0x080u
#define ALLOWED_BREAK_GLASS     0x100u
#define ALLOWED_JOURNAL_FULL    0x200u /* write_journal_full */
/* Indicator screening (issue 9). */
#define ALLOWED_ASSESS        0x400u  /* assess: OBJ_PERSON */
#define ALLOWED_FIRST_CONTACT 0x800u  /* log_first_contact */
#define ALLOWED_PATHWAY_EVENT 0x1000u /* add_pathway_event (persons) */
/* Tasks: OBJ_TASK accept, decline, complete, revoke. */
#define ALLOWED_TASK_ACCEPT   0x2000u
#define ALLOWED_TASK_DECLINE  0x4000u
#define ALLOWED_TASK_COMPLETE 0x8000u
#define ALLOWED_TASK_REVOKE   0x10000u
#define ALLOWED_COUNT         17

unsigned policy_allowed(const struct principal *p, const struct facts *facts);

/*
 * Consultations (intake): what a consultation answer offers ("allowed"),
 * each bit the policy_decide() (and policy_conflict()) of its route:
 * CONSULT_TAKE "take" (status new -> in_progress, assigned to the
 * caller), CONSULT_ANSWER "answer" (in_progress -> answered, referred or
 * closed), CONSULT_OPEN_CASE "open_case" (a case from it). facts: the
 * consultation's (its status in consultation_status, the case opened
 * from it in consultation_case).
 */
#define CONSULT_TAKE      0x1u
#define CONSULT_ANSWER    0x2u
#define CONSULT_OPEN_CASE 0x4u
unsigned policy_consultation_allowed(const struct principal *p,
    const struct facts                                      *facts);
/*
 * Whether a consultation's status may go from -> to: new -> in_progress
 * -> answered | referred | closed. Staying at the same status is no move
 * and allowed; every other move is not (answered 409).
 */
int policy_consultation_move(const char *from, const char *to);
/*
 * Whether p reads a visible consultation's notes (the coordinators'
 * working notes: theirs, not the requester's). The same answer decides
 * whether p's word search may match on them.
 */
int policy_consultation_notes(const struct principal *p);
/*
 * Operations (issue 11). Who sees one: the secretariat's coordinators
 * all, a regional coordinator its region's, a participant (its
 * organization, or itself by name) those it takes part in; anyone else
 * POLICY_HIDDEN; admin, analyst, auditor, requester POLICY_FORBIDDEN.
 * Creating (facts: region only, or NULL for the route's gate):
 * coordinators, the secretariat's for any region, a regional one for its
 * own. PATCH (ACT_UPDATE) and the participants (ACT_TEAM_CHANGE): the
 * coordinators who see it and the lead organization's users. Encounters
 * (ACT_OP_ENCOUNTER): those and the lead and field participants; a
 * support, interpreter or observer participant reads only (403).
 * Conflicts (409): encounters only while active; participants change
 * while planned or active; a cancelled operation takes no change.
 *
 * What an operation answer offers ("allowed"): OPS_* bits, each the
 * policy_decide() and policy_conflict() of its route, the status moves
 * by policy_operation_move().
 */
#define OPS_EDIT               0x001u /* edit */
#define OPS_ADD_PARTICIPANT    0x002u /* add_participant */
#define OPS_REMOVE_PARTICIPANT 0x004u /* remove_participant */
#define OPS_ENCOUNTER          0x008u /* register_encounter */
#define OPS_START              0x010u /* start: planned -> active */
#define OPS_COMPLETE           0x020u /* complete: active -> completed */
#define OPS_EVALUATE           0x040u /* evaluate: completed -> evaluated */
#define OPS_CANCEL             0x080u /* cancel: -> cancelled */
#define OPS_OUTCOME            0x100u /* set_outcome: from completed on */
#define OPS_COUNT              9
unsigned    policy_operation_allowed(const struct principal *p,
       const struct facts                                   *facts);
const char *policy_operation_allowed_name(unsigned i);
/*
 * Whether an operation's status may go from -> to: planned -> active ->
 * completed -> evaluated, planned | active -> cancelled. Staying is no
 * move (1); every other move is not (answered 409).
 */
int policy_operation_move(const char *from, const char *to);
/* Whether an operation in status takes an outcome (completed, evaluated). */
int policy_operation_outcome(const char *status);

/*
 * Statistics (issue 12): whether p may read statistics for region (NULL:
 * the whole country), and the region they are then restricted to in
 * *region_r: analysts and the secretariat's coordinators the one asked
 * for (NULL: national); a regional coordinator its own region, given or
 * implied (another region is POLICY_FORBIDDEN); anyone else
 * POLICY_FORBIDDEN. policy_decide(p, OBJ_STATISTICS, ACT_READ, NULL) is
 * the same decision without a region.
 */
enum policy_decision policy_stats_region(const struct principal *p,
    const char *region, const char **region_r);
/*
 * Who may read GET /metrics (operators' scraper, not users): a client
 * that presented the metrics bearer token (token_ok), or, with no token
 * presented, a direct loopback client (a loopback TCP peer that sent no
 * forwarding header: a request the reverse proxy forwards is not one).
 * Anything else is POLICY_HIDDEN (404, as an unknown path).
 */
enum policy_decision policy_metrics(int direct_loopback, int token_given,
    int token_ok);
/* The API name of bit number i (0 .. ALLOWED_COUNT-1): "edit", ... */
const char *policy_allowed_name(unsigned i);

#endif
