/*
 * vocab.c — the term tables and their parsing. Parses fail closed: an
 * unknown code is never read as the weakest level.
 */
#include <stddef.h>
#include <string.h>

#include "domain/pathway.h"
#include "domain/vocab.h"

/* clang-format off */
#define TERM_END { NULL, NULL, NULL }
/* clang-format on */

const struct term vocab_roles[] = {
	{ "admin", "Administratör", "Administrator" },
	{ "coordinator", "Koordinator", "Coordinator" },
	{ "member", "Medlem", "Member" },
	{ "requester", "Frågeställare", "Requester" },
	{ "analyst", "Analytiker", "Analyst" },
	{ "auditor", "Granskare", "Auditor" },
	TERM_END,
};

const struct term vocab_access[] = {
	{ "none", "Ingen åtkomst", "No access" },
	{ "pseudonymous", "Pseudonymiserad åtkomst", "Pseudonymous access" },
	{ "full", "Full åtkomst", "Full access" },
	TERM_END,
};

const struct term vocab_team_access[] = {
	{ "full", "Full åtkomst", "Full access" },
	{ "pseudonymous", "Pseudonymiserad åtkomst", "Pseudonymous access" },
	TERM_END,
};

const struct term vocab_genders[] = {
	{ "female", "Kvinna/flicka", "Female" },
	{ "male", "Man/pojke", "Male" },
	{ "other", "Annat", "Other" },
	{ "unknown", "Okänt", "Unknown" },
	TERM_END,
};

const struct term vocab_protection[] = {
	{ "none", "Ingen", "None" },
	{ "marked", "Sekretessmarkering", "Confidentiality marking" },
	{ "protected_address", "Skyddad folkbokföring",
	    "Protected registered address" },
	{ "fictitious", "Fingerade personuppgifter",
	    "Fictitious identity details" },
	TERM_END,
};

const struct term vocab_exploitation[] = {
	{ "sexual", "Sexuella ändamål", "Sexual purposes" },
	{ "forced_labour", "Tvångsarbete", "Forced labour" },
	{ "unreasonable_work", "Arbete under uppenbart orimliga villkor",
	    "Work under manifestly unreasonable conditions" },
	{ "begging", "Tiggeri", "Begging" },
	{ "criminal_activities", "Brottslig verksamhet",
	    "Criminal activities" },
	{ "slavery_servitude", "Slaveri eller slaveriliknande förhållanden",
	    "Slavery or servitude" },
	{ "organ_removal", "Avlägsnande av organ", "Removal of organs" },
	{ "military_service", "Krigstjänst", "Military service" },
	{ "forced_marriage", "Tvångsäktenskap", "Forced marriage" },
	{ "illegal_adoption", "Olaglig adoption", "Illegal adoption" },
	{ "surrogacy", "Exploatering av surrogatmoderskap",
	    "Exploitation of surrogacy" },
	{ "other", "Annan exploatering", "Other exploitation" },
	TERM_END,
};

const struct term vocab_case_status[] = {
	{ "open", "Öppet", "Open" },
	{ "closed", "Avslutat", "Closed" },
	TERM_END,
};

/* Why a case was closed (other: closing_note says). */
const struct term vocab_closing_reason[] = {
	{ "support_completed", "Stödinsatserna är avslutade",
	    "Support completed" },
	{ "referred_on", "Överlämnat till annan aktör", "Referred on" },
	{ "no_indication", "Inga indikationer på människohandel",
	    "No indication of trafficking" },
	{ "returned_home", "Har återvänt till hemlandet", "Returned home" },
	{ "contact_lost", "Kontakten har upphört", "Contact lost" },
	{ "other", "Annat skäl", "Other reason" },
	TERM_END,
};

/*
 * Why the glass is broken: the grounds on which Swedish practice opens a
 * protected identity to someone who does not see it by right (offentlighets-
 * och sekretesslagen 10 kap.: a danger to life or health, a protection
 * measure under way, a decision that cannot wait); other: the reason says.
 */
const struct term vocab_glass_category[] = {
	{ "danger_to_life_or_health", "Akut fara för liv eller hälsa",
	    "Acute danger to life or health" },
	{ "protection_measure", "Pågående skyddsåtgärd",
	    "Ongoing protection measure" },
	{ "urgent_decision", "Beslut som måste fattas i dag",
	    "A decision that must be made today" },
	{ "other", "Annat skäl", "Other reason" },
	TERM_END,
};

/* The seed's vulnerability factors ("Den utsatte"). */
const struct term vocab_vulnerabilities[] = {
	{ "limited_knowledge", "Minimal omvärldskunskap",
	    "Little knowledge of the world around them" },
	{ "small_network", "Litet eller obefintligt socialt nätverk",
	    "Small or no social network" },
	{ "earlier_victimisation", "Tidigare utsatthet",
	    "Earlier victimisation" },
	{ "poverty", "Fattigdom", "Poverty" },
	{ "exclusion", "Utanförskap", "Social exclusion" },
	{ "disability", "Fysisk eller psykisk funktionsnedsättning",
	    "Physical or mental disability" },
	{ "distrust_of_authorities",
	    "Negativt inställd till kontakt med myndigheter",
	    "Wary of contact with authorities" },
	TERM_END,
};

/* The kinds of a case journal entry. */
const struct term vocab_journal_kind[] = {
	{ "note", "Anteckning", "Note" },
	{ "call", "Samtal", "Call" },
	{ "meeting", "Möte", "Meeting" },
	{ "decision", "Beslut", "Decision" },
	TERM_END,
};

/* Who reads a journal entry: the whole team, or full access only. */
const struct term vocab_journal_visibility[] = {
	{ "team", "Hela teamet", "The whole team" },
	{ "full", "Endast full åtkomst", "Full access only" },
	TERM_END,
};

/*
 * Every action an audit entry may name (docs/openapi.yaml AuditAction),
 * in one place: the audit filter (?action=) checks against it. Codes
 * only; the UI keeps the labels. An action written anywhere must be here.
 */
const struct term vocab_audit_actions[] = {
	{ "audit.read", NULL, NULL },
	{ "audit.export", NULL, NULL },
	{ "login.success", NULL, NULL },
	{ "login.failure", NULL, NULL },
	{ "login.locked", NULL, NULL },
	{ "logout", NULL, NULL },
	{ "case.create", NULL, NULL },
	{ "case.read", NULL, NULL },
	{ "case.update", NULL, NULL },
	{ "case.close", NULL, NULL },
	{ "case.reopen", NULL, NULL },
	{ "case.list", NULL, NULL },
	{ "case.denied", NULL, NULL },
	{ "case.write_denied", NULL, NULL },
	{ "case.history", NULL, NULL },
	{ "journal.create", NULL, NULL },
	{ "journal.read", NULL, NULL },
	{ "person.history", NULL, NULL },
	{ "person.create", NULL, NULL },
	{ "person.read", NULL, NULL },
	{ "person.identity.read", NULL, NULL },
	{ "person.update", NULL, NULL },
	{ "person.denied", NULL, NULL },
	{ "person.write_denied", NULL, NULL },
	{ "person.break_glass", NULL, NULL },
	/* the duplicate check (issue 8) */
	{ "person.match", NULL, NULL },
	{ "break_glass.list", NULL, NULL },
	{ "team.add", NULL, NULL },
	{ "team.read", NULL, NULL },
	{ "team.remove", NULL, NULL },
	{ "token.create", NULL, NULL },
	{ "token.revoke", NULL, NULL },
	{ "user.create", NULL, NULL },
	{ "user.disable", NULL, NULL },
	/* Indicator screening (issue 9). */
	{ "assessment.create", NULL, NULL },
	{ "assessment.read", NULL, NULL },
	/* Tasks and notifications (issue 10). */
	{ "team.suggestions", NULL, NULL },
	{ "task.create", NULL, NULL },
	{ "task.read", NULL, NULL },
	{ "task.list", NULL, NULL },
	{ "task.accept", NULL, NULL },
	{ "task.decline", NULL, NULL },
	{ "task.complete", NULL, NULL },
	{ "task.revoke", NULL, NULL },
	{ "task.denied", NULL, NULL },
	{ "task.write_denied", NULL, NULL },
	{ "notification.read", NULL, NULL },
	{ "user.email", NULL, NULL },
	{ "notification.denied", NULL, NULL },
	{ "notification.write_denied", NULL, NULL },
	{ "key.rotate", NULL, NULL },
	/* guidance and first meetings (migration 0015) */
	{ "guidance.update", NULL, NULL },
	{ "first_contact.create", NULL, NULL },
	{ "first_contact.read", NULL, NULL },
	/* The support pathway (issue 10). */
	{ "pathway.read", NULL, NULL },
	{ "pathway_event.create", NULL, NULL },
	/* Intake: organizations and consultations. */
	{ "organization.create", NULL, NULL },
	{ "consultation.create", NULL, NULL },
	{ "consultation.list", NULL, NULL },
	{ "consultation.read", NULL, NULL },
	{ "consultation.update", NULL, NULL },
	{ "consultation.convert", NULL, NULL },
	{ "consultation.denied", NULL, NULL },
	{ "consultation.write_denied", NULL, NULL },
	/* Operations (issue 11). */
	{ "operation.create", NULL, NULL },
	{ "operation.read", NULL, NULL },
	{ "operation.list", NULL, NULL },
	{ "operation.update", NULL, NULL },
	{ "operation.status", NULL, NULL },
	{ "operation.participant_add", NULL, NULL },
	{ "operation.participant_remove", NULL, NULL },
	{ "operation.encounter", NULL, NULL },
	{ "operation.encounter_list", NULL, NULL },
	{ "operation.summary", NULL, NULL },
	{ "operation.team_end", NULL, NULL },
	{ "operation.denied", NULL, NULL },
	{ "operation.write_denied", NULL, NULL },
	{ "scenario.list", NULL, NULL },
	/* Statistics (issue 12): the CTDC exchange, releases. */
	{ "stat_record.import", NULL, NULL },
	{ "stat_record.export", NULL, NULL },
	{ "stats.release", NULL, NULL },
	{ "stats.release.list", NULL, NULL },
	{ "stats.release.read", NULL, NULL },
	{ "stat_release.denied", NULL, NULL },
	{ "stat_release.write_denied", NULL, NULL },
	/* statistics (issue 12): a query, with the query as its object */
	{ "stats.query", NULL, NULL },
	{ "stats.summarize", NULL, NULL }, /* nmtctl stats summarize */
	/* retention (issue 14): nmtctl retention run */
	{ "retention.anonymise", NULL, NULL },
	{ "retention.prune", NULL, NULL },
	TERM_END,
};

/* Operations (issue 11): kinds, states, participant roles, field needs. */
const struct term vocab_operation_kinds[] = {
	{ "operational", "Operativ insats", "Operational" },
	{ "structural", "Strukturell insats", "Structural" },
	TERM_END,
};

const struct term vocab_operation_status[] = {
	{ "planned", "Planerad", "Planned" },
	{ "active", "Pågår", "Active" },
	{ "completed", "Genomförd", "Completed" },
	{ "evaluated", "Utvärderad", "Evaluated" },
	{ "cancelled", "Inställd", "Cancelled" },
	TERM_END,
};

const struct term vocab_participant_roles[] = {
	{ "lead", "Leder insatsen", "Lead" },
	{ "field", "Arbetar på plats", "Field" },
	{ "support", "Stöd", "Support" },
	{ "interpreter", "Tolk", "Interpreter" },
	{ "observer", "Observatör", "Observer" },
	TERM_END,
};

/* What a person met in the field needs at once. */
const struct term vocab_immediate_needs[] = {
	{ "shelter", "Skyddat boende", "Shelter" },
	{ "medical", "Vård", "Medical care" },
	{ "interpreter", "Tolk", "Interpreter" },
	{ "child_protection", "Barnskydd (socialtjänsten)",
	    "Child protection (social services)" },
	{ "food", "Mat", "Food" },
	{ "transport", "Transport", "Transport" },
	{ "legal_advice", "Juridisk rådgivning", "Legal advice" },
	TERM_END,
};

/* Guidance (migration 0015): its topics and its languages. */
const struct term vocab_guidance_topics[] = {
	{ "first-contact", "Första kontakten", "First contact" },
	TERM_END,
};

const struct term vocab_guidance_langs[] = {
	{ "sv", "Svenska", "Swedish" },
	{ "en", "Engelska", "English" },
	TERM_END,
};

/*
 * The first-meeting checklist's stable codes, in the columns of
 * first_contact; the labels are the guidance's (check_label_sv/en).
 */
const struct term vocab_first_contact_checks[] = {
	{ "introduced_self_and_mission", NULL, NULL },
	{ "explained_can_and_cannot", NULL, NULL },
	{ "interpreter_outside_network", NULL, NULL },
	{ "safety_discussed", NULL, NULL },
	{ "own_questions_answered", NULL, NULL },
	TERM_END,
};

/* Intake: organization kinds and the consultations' code lists. */
const struct term vocab_org_kinds[] = {
	{ "secretariat", "Sekretariat", "Secretariat" },
	{ "police", "Polis", "Police" },
	{ "prosecutor", "Åklagare", "Prosecutor" },
	{ "migration", "Migrationsverket", "Migration agency" },
	{ "coordinator", "Regionkoordinator", "Regional coordinator" },
	{ "health", "Hälso- och sjukvård", "Health care" },
	{ "labour_inspection", "Arbetsmiljöinspektion", "Labour inspection" },
	{ "tax", "Skatteverket", "Tax agency" },
	{ "social_services", "Socialtjänst", "Social services" },
	{ "ngo", "Idéburen organisation", "NGO" },
	{ "other", "Annan", "Other" },
	TERM_END,
};

const struct term vocab_consultation_status[] = {
	{ "new", "Ny", "New" },
	{ "in_progress", "Pågår", "In progress" },
	{ "answered", "Besvarad", "Answered" },
	{ "referred", "Hänvisad", "Referred" },
	{ "closed", "Avslutad", "Closed" },
	TERM_END,
};

const struct term vocab_consultation_channel[] = {
	{ "phone", "Telefon", "Phone" },
	{ "email", "E-post", "E-mail" },
	{ "web", "Webbformulär", "Web form" },
	{ "meeting", "Möte", "Meeting" },
	TERM_END,
};

const struct term vocab_urgency[] = {
	{ "acute", "Akut", "Acute" },
	{ "normal", "Inte akut", "Not acute" },
	TERM_END,
};

const struct term vocab_consent[] = {
	{ "none", "Inget samtycke (anonym konsultation)",
	    "No consent (anonymous consultation)" },
	{ "given", "Personen har samtyckt", "The person has consented" },
	TERM_END,
};

/* why a team suggestion names an organization (data/team_rules.csv) */
const struct term vocab_suggestion_reasons[] = {
	{ "regional_coordinator", "Regionkoordinatorn i ärendets region",
	    "The region's coordinator" },
	{ "child", "Barn: socialtjänsten ska alltid kopplas in",
	    "Child: social services are always involved" },
	{ "labour_exploitation", "Arbetskraftsexploatering",
	    "Labour exploitation" },
	{ "sexual_exploitation",
	    "Sexuell exploatering: akut vård och "
	    "dokumentation",
	    "Sexual exploitation: acute care and "
	    "documentation" },
	{ "no_residence_permit",
	    "Medborgare utanför EU/EES: uppehållstillstånd behövs",
	    "Citizen outside the EU/EEA: a residence permit is needed" },
	{ "crime", "Misstänkt brott: polisen", "Suspected crime: the police" },
	TERM_END,
};

/* a task's states */
const struct term vocab_task_status[] = {
	{ "requested", "Skickat", "Requested" },
	{ "accepted", "Accepterat", "Accepted" },
	{ "declined", "Avböjt", "Declined" },
	{ "completed", "Slutfört", "Completed" },
	{ "revoked", "Återkallat", "Revoked" },
	TERM_END,
};

/* the kinds of notification */
const struct term vocab_notification_kind[] = {
	{ "task_new", "Nytt uppdrag", "New task" },
	{ "task_answered", "Uppdrag besvarat", "Task answered" },
	{ "task_overdue", "Uppdrag försenat", "Task overdue" },
	{ "clock_due", "Tidsfrist nära slutet", "Deadline close to its end" },
	TERM_END,
};

const struct vocabulary vocabularies[] = {
	{ "roles", vocab_roles },
	{ "team_access", vocab_team_access },
	{ "genders", vocab_genders },
	{ "protection_levels", vocab_protection },
	{ "exploitation_forms", vocab_exploitation },
	{ "case_statuses", vocab_case_status },
	{ "closing_reasons", vocab_closing_reason },
	{ "break_glass_categories", vocab_glass_category },
	{ "vulnerabilities", vocab_vulnerabilities },
	{ "journal_kinds", vocab_journal_kind },
	{ "journal_visibility", vocab_journal_visibility },
	/* support pathway: domain/pathway.c */
	{ "pathway_steps", vocab_pathway_steps },
	{ "pathway_event_types", vocab_pathway_event_types },
	{ "pathway_clocks", vocab_pathway_clocks },
	{ "organization_kinds", vocab_org_kinds },
	{ "consultation_statuses", vocab_consultation_status },
	{ "consultation_channels", vocab_consultation_channel },
	{ "urgencies", vocab_urgency },
	{ "consents", vocab_consent },
	/* Tasks and notifications (issue 10). */
	{ "suggestion_reasons", vocab_suggestion_reasons },
	{ "task_statuses", vocab_task_status },
	{ "notification_kinds", vocab_notification_kind },
	/* Operations (issue 11). */
	{ "operation_kinds", vocab_operation_kinds },
	{ "operation_statuses", vocab_operation_status },
	{ "participant_roles", vocab_participant_roles },
	{ "immediate_needs", vocab_immediate_needs },
	{ NULL, NULL },
};

int
vocab_index(const struct term *list, const char *code)
{
	int i;

	if (code == NULL)
		return -1;
	for (i = 0; list[i].code != NULL; i++)
		if (strcmp(list[i].code, code) == 0)
			return i;
	return -1;
}

enum role
role_parse(const char *code)
{
	return (enum role)vocab_index(vocab_roles, code);
}

const char *
role_name(enum role role)
{
	return role == ROLE_NONE ? "none" : vocab_roles[role].code;
}

int
access_parse(const char *code, enum access *out)
{
	int i = vocab_index(vocab_access, code);

	if (i < 0)
		return -1;
	*out = (enum access)i;
	return 0;
}

const char *
access_name(enum access access)
{
	return vocab_access[access].code;
}

enum protection
protection_parse(const char *code)
{
	int i = vocab_index(vocab_protection, code);

	return i < 0 ? PROTECTION_INVALID : (enum protection)i;
}
