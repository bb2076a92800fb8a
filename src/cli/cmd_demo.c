/*
 * cmd_demo.c — `nmtctl demo`: fills an empty database with demo users
 * (one per typical role) and the work they would have: cases across the
 * regions, open and closed, with their persons (children, a protected
 * identity, several citizenships, languages and vulnerabilities) and
 * teams (whole organizations and single users, with full or pseudonymous
 * access), indicator assessments of three persons (one assessed twice),
 * and one break-the-glass grant for the auditor to find. It
 * access), one break-the-glass grant for the auditor to find, and
 * (intake) a requester at the social services of Malmö with
 * consultations in the regional coordinators' queues, and tasks to the
 * Migration Agency (one requested, one accepted, one overdue). It
 * prints the logins with their TOTP secrets and a QR code for the first.
 * Operations (issue 11): one planned and one active in region Syd, made
 * from scenarios, the active one with two persons met in the field.
 *
 * The data is declared in tables (users, cases, team rows, persons),
 * one function per kind of thing writes each row with its audit entry,
 * and every case is one transaction. It is the same on every run but for
 * ids, secrets and times, which are counted back in Swedish civil days
 * from today (office_day), so each clock reads the same at any hour.
 * Only for trying the system out: it refuses a database that already
 * has users.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "api/api.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "crypto/token.h"
#include "crypto/totp.h"
#include "domain/indicators.h"
#include "db/store.h"
#include "domain/calendar.h"
#include "domain/intake.h"
#include "domain/person_rules.h"
#include "domain/scenarios.h"

#define DAY     (24 * 60 * 60)
#define MAX_SEQ 4 /* items in a list of a table row, with its NULL */

static const struct demo_user {
	const char *username, *display_name, *org, *role, *region;
} demo_users[] = {
	{ "sara", "Sara Lind (NMT-sekretariatet)", "NMT", "coordinator", NULL },
	{ "rasmus", "Rasmus Ek (regionkoordinator Stockholm)", "RK-STOCKHOLM",
	    "coordinator", "stockholm" },
	{ "petra", "Petra Holm (Polisen region Syd)", "POLISEN-SYD", "member",
	    NULL },
	{ "mira", "Mira Berg (Migrationsverket)", "MIGRATIONSVERKET", "member",
	    NULL },
	{ "greta", "Greta Nord (granskare)", "NMT", "auditor", NULL },
};

/*
 * The cases, oldest first (so the case numbers follow their age). key
 * names the case for the team and person tables; days_ago is when it
 * was registered. A closed case has closed_days_ago > 0 and its closing
 * reason (a code of vocab_closing_reason).
 */
static const struct demo_case {
	const char *key, *owner, *title, *summary, *county;
	const char *exploitation[MAX_SEQ];
	int         days_ago, closed_days_ago;
	const char *closing_reason;
} demo_cases[] = {
	{ "lund", "petra", "Lägenhetsbordell i Lund",
	    "Grannar anmälde täta besök i en hyreslägenhet. Två kvinnor "
	    "fick stöd och har återvänt till Rumänien med hjälp av IOM.",
	    "12", { "sexual", NULL }, 160, 95, "returned_home" },
	{ "gotland", "rasmus", "Bärplockare utan lön, Gotland",
	    "Fem bärplockare fick inte ut sin lön och bodde i en lada. "
	    "Arbetsmiljöverket gjorde tillsyn; ingen indikation på "
	    "människohandel kvarstod efter utredning.",
	    "09", { "unreasonable_work", NULL }, 140, 80, "no_indication" },
	{ "sos", "sara", "Hänvisning från akutmottagningen SÖS",
	    "Akutmottagningen för våldtagna tog emot en kvinna som berättar "
	    "om kontroll av en före detta partner och sexuella tjänster mot "
	    "betalning. Skyddat boende är ordnat.",
	    "01", { "sexual", NULL }, 120, 0, NULL },
	{ "restaurang", "rasmus", "Misstänkt tvångsarbete på restaurang",
	    "Socialtjänsten i Botkyrka har kontakt med två personer som "
	    "arbetar utan lön och bor i lokalen.",
	    "01", { "forced_labour", NULL }, 90, 0, NULL },
	{ "malmo", "petra", "Annonser för sexuella tjänster, Malmö",
	    "Polisen har identifierat tre annonser med samma telefonnummer. "
	    "Två kvinnor har tackat ja till samtal med stödverksamheten.",
	    "12", { "sexual", NULL }, 75, 0, NULL },
	{ "tiggeri", "sara", "Tiggeri i organiserad form",
	    "Flera kommuner rapporterar samma mönster med transporter till "
	    "och från platser för tiggeri, bland annat med ett barn.",
	    "14", { "begging", NULL }, 60, 0, NULL },
	{ "naglar", "sara", "Nagelsalonger med gemensam ägare",
	    "Skatteverket ser tre salonger med samma ägare där de anställda "
	    "saknar lön i kontrolluppgifterna och bor på arbetsplatsen.",
	    "03", { "forced_labour", "unreasonable_work", NULL }, 45, 0, NULL },
	{ "bygg", "sara", "Byggarbetsplats i Umeå",
	    "Arbetsmiljöverket fann arbetare utan skyddsutrustning som "
	    "lämnat sina pass till arbetsledaren.",
	    "24", { "forced_labour", NULL }, 30, 0, NULL },
	{ "skuld", "mira", "Asylsökande med skuld till resebyrå",
	    "Vid asylutredningen berättar den sökande om en skuld för resan "
	    "som ska betalas av genom arbete.",
	    "18", { "forced_labour", "criminal_activities", NULL }, 21, 0,
	    NULL },
	{ "hotell", "petra", "Ung person i hotellmiljö, Helsingborg",
	    "Hotellpersonal larmade om en ung flicka som bor på hotellet med "
	    "en äldre man. Socialtjänsten har tagit kontakt.",
	    "12", { "sexual", NULL }, 14, 0, NULL },
	{ "butik", "sara", "Stölder i butiker på beställning",
	    "Polisen har gripit två unga män för stölder; de uppger att de "
	    "måste betala av en skuld till den som ordnade resan.",
	    "05", { "criminal_activities", NULL }, 7, 0, NULL },
	{ "skola", "rasmus", "Oro för tvångsäktenskap, anmälan från skola",
	    "Skolkuratorn har anmält oro för att en elev ska giftas bort "
	    "under sommarlovet.",
	    "01", { "forced_marriage", NULL }, 2, 0, NULL },
};

/*
 * Team rows beyond the owner organization's own (which the store adds):
 * a whole organization (username NULL) or one user, with full or
 * pseudonymous access. mira sees "restaurang" only pseudonymously and
 * "tiggeri" in full; petra sees "sos" as a single pseudonymous member.
 */
static const struct demo_member {
	const char *case_key, *org, *username, *access;
} demo_members[] = {
	{ "lund", "RK-SYD", NULL, "full" },
	{ "lund", "SOS-AVV", NULL, "full" },
	{ "gotland", "ARBETSMILJOVERKET", NULL, "full" },
	{ "sos", "SOS-AVV", NULL, "full" },
	{ "sos", "RK-STOCKHOLM", NULL, "full" },
	{ "sos", "POLISEN-SYD", "petra", "pseudonymous" },
	{ "restaurang", "POLISEN-STOCKHOLM", NULL, "full" },
	{ "restaurang", "ARBETSMILJOVERKET", NULL, "full" },
	{ "restaurang", "MIGRATIONSVERKET", NULL, "pseudonymous" },
	{ "malmo", "RK-SYD", NULL, "full" },
	{ "malmo", "SOS-AVV", NULL, "pseudonymous" },
	{ "tiggeri", "RK-VAST", NULL, "full" },
	{ "tiggeri", "POLISEN-VAST", NULL, "full" },
	{ "tiggeri", "MIGRATIONSVERKET", NULL, "full" },
	{ "naglar", "RK-MITT", NULL, "full" },
	{ "naglar", "SKATTEVERKET", NULL, "full" },
	{ "naglar", "ARBETSMILJOVERKET", NULL, "full" },
	{ "bygg", "RK-NORD", NULL, "full" },
	{ "bygg", "ARBETSMILJOVERKET", NULL, "full" },
	{ "bygg", "SKATTEVERKET", NULL, "pseudonymous" },
	{ "skuld", "RK-BERGSLAGEN", NULL, "full" },
	{ "skuld", "POLISEN-BERGSLAGEN", NULL, "full" },
	{ "hotell", "RK-SYD", NULL, "full" },
	{ "hotell", "MIGRATIONSVERKET", "mira", "full" },
	{ "butik", "RK-OST", NULL, "full" },
	{ "butik", "POLISEN-NOA", NULL, "full" },
	{ "skola", "POLISEN-STOCKHOLM", NULL, "pseudonymous" },
};

/* An identity block; NULL fields are left out. */
struct demo_identity {
	const char *full_name, *date_of_birth, *id_number, *phone, *address;
};

/*
 * Persons, registered by the case owner on the case's first day. A birth
 * year is given as years before this one (0: none), an age estimate as
 * years (-1: none). Languages are ISO 639-1 codes, vulnerabilities codes
 * of vocab_vulnerabilities.
 */
static const struct demo_person {
	const char                 *case_key, *pseudonym, *gender;
	int                         born_years_ago, age_estimate;
	const char                 *citizenship;
	const char                 *languages[MAX_SEQ];
	const char                 *vulnerabilities[MAX_SEQ];
	const char                 *protection;
	const struct demo_identity *identity;
} demo_persons[] = {
	{ "lund", "Lund-1", "female", 27, -1, "RO", { "ro", "en", NULL },
	    { "poverty", "small_network", NULL }, "none", NULL },
	{ "lund", "Lund-2", "female", 0, 23, "RO", { "ro", NULL },
	    { "earlier_victimisation", NULL }, "none", NULL },
	{ "gotland", "Gotland-1", "male", 34, -1, "TH", { "th", NULL },
	    { "limited_knowledge", NULL }, "none", NULL },
	{ "gotland", "Gotland-2", "male", 0, 40, "TH", { "th", "en", NULL },
	    { NULL }, "none", NULL },
	{ "sos", "SÖS-1", "female", 0, -1, "SE", { "sv", NULL },
	    { "earlier_victimisation", "distrust_of_authorities", NULL },
	    "protected_address",
	    &(const struct demo_identity){ "Linnea Sjöberg", "1998-03-14",
	        "19980314-2384", "+46 70 123 45 67",
	        "Skyddat boende, adressen lämnas inte ut" } },
	{ "restaurang", "Restaurang-1", "male", 29, -1, "VN", { "vi", NULL },
	    { "limited_knowledge", "distrust_of_authorities", NULL }, "none",
	    &(const struct demo_identity){ "Nguyen Van An", NULL, NULL,
	        "+46 73 555 01 02", NULL } },
	{ "restaurang", "Restaurang-2", "male", 0, 19, "VN", { "vi", NULL },
	    { "small_network", NULL }, "none", NULL },
	{ "malmo", "Malmö-1", "female", 24, -1, "RO", { "ro", "en", NULL },
	    { "poverty", NULL }, "marked",
	    &(const struct demo_identity){ "Ioana Popescu", "2001-07-02", NULL,
	        "+40 712 345 678", "Okänd adress i Malmö" } },
	{ "malmo", "Malmö-2", "female", 0, 30, "BG", { "bg", NULL },
	    { "exclusion", NULL }, "none", NULL },
	{ "tiggeri", "Tiggeri-1", "female", 52, -1, "RO", { "ro", NULL },
	    { "disability", "poverty", NULL }, "none", NULL },
	{ "tiggeri", "Tiggeri-2", "male", 0, 12, "RO", { "ro", NULL },
	    { "small_network", NULL }, "none", NULL },
	{ "naglar", "Naglar-1", "female", 31, -1, "VN", { "vi", NULL },
	    { "small_network", NULL }, "none", NULL },
	{ "naglar", "Naglar-2", "female", 26, -1, "VN", { "vi", "en", NULL },
	    { "limited_knowledge", "exclusion", NULL }, "none", NULL },
	{ "naglar", "Naglar-3", "other", 0, -1, "CN", { "zh", NULL }, { NULL },
	    "none", NULL },
	{ "bygg", "Bygg-1", "male", 41, -1, "UA", { "uk", "ru", NULL },
	    { "distrust_of_authorities", NULL }, "none", NULL },
	{ "bygg", "Bygg-2", "male", 0, 35, "MD", { "ro", "ru", NULL },
	    { "distrust_of_authorities", NULL }, "none", NULL },
	{ "skuld", "Skuld-1", "male", 22, -1, "NG", { "en", "yo", NULL },
	    { "poverty", NULL }, "none",
	    &(const struct demo_identity){ "Chinedu Okafor", NULL, NULL, NULL,
	        "Migrationsverkets boende, Örebro" } },
	{ "hotell", "Hotell-1", "female", 0, 15, "NG", { "en", NULL },
	    { "small_network", "earlier_victimisation", NULL }, "marked",
	    NULL },
	{ "butik", "Butik-1", "male", 17, -1, "RO", { "ro", NULL },
	    { "poverty", NULL }, "none", NULL },
	{ "butik", "Butik-2", "male", 20, -1, "RO", { "ro", NULL }, { NULL },
	    "none", NULL },
	{ "skola", "Eleven", "female", 16, -1, "SE", { "sv", "ar", NULL },
	    { "small_network", NULL }, "none", NULL },
};

/* The one break-the-glass grant: rasmus opens SÖS-1's protected identity. */
static const struct demo_glass {
	const char *case_key, *pseudonym, *username, *category, *reason;
	int         days_ago;
} demo_glass = { "sos", "SÖS-1", "rasmus", "protection_measure",
	"Akut placering i skyddat boende i region Stockholm behöver "
	"bekräftad identitet",
	110 };

/*
 * Journal entries, in writing order: days_after the case was registered,
 * by a user who works the case; corrects is the index in this table of
 * the entry corrected (-1: none).
 */
static const struct demo_entry {
	const char *case_key, *author, *kind, *visibility, *text;
	int         days_after, corrects;
} demo_journal[] = {
	{ "lund", "petra", "decision", "team",
	    "Beslut: stödinsatsen avslutas. Båda kvinnorna har rest hem med "
	    "IOM:s återvändandeprogram och har kontaktuppgifter till "
	    "stödorganisationen i Bukarest.",
	    64, -1 },
	{ "sos", "sara", "note", "full",
	    "Kvinnan har fått plats i skyddat boende genom socialtjänsten. "
	    "Kontaktperson på SÖS är kuratorn på akutmottagningen.",
	    1, -1 },
	{ "sos", "rasmus", "meeting", "team",
	    "Samråd med polisen och socialtjänsten: polisen inleder "
	    "förundersökning, socialtjänsten ansvarar för stödet och "
	    "boendet.",
	    7, -1 },
	{ "sos", "petra", "call", "team",
	    "Förhörsledaren har bokat förhör med tolk nästa vecka.", 12, -1 },
	{ "restaurang", "rasmus", "call", "team",
	    "Samtal med socialsekreteraren i Botkyrka: båda vill ha stöd men "
	    "oroar sig för sin rätt att stanna i Sverige.",
	    2, -1 },
	{ "restaurang", "rasmus", "decision", "full",
	    "Beslut: Migrationsverket ingår i teamet med pseudonymiserad "
	    "åtkomst; identiteterna lämnas ut först när de behövs för ett "
	    "beslut.",
	    3, -1 },
	{ "restaurang", "mira", "note", "team",
	    "Migrationsverket: inga pågående ärenden som rör personerna.", 10,
	    -1 },
	{ "malmo", "petra", "note", "team",
	    "Tre annonser med samma telefonnummer är säkrade.", 1, -1 },
	{ "malmo", "petra", "note", "team",
	    "Rättelse: fyra annonser, inte tre. Den fjärde låg på en annan "
	    "annonssajt.",
	    2, 7 },
	{ "tiggeri", "sara", "meeting", "team",
	    "Möte med Polisen region Väst och Migrationsverket om barnet. "
	    "Socialtjänsten i Göteborg gör en orosanmälan.",
	    2, -1 },
	{ "hotell", "petra", "call", "full",
	    "Socialjouren i Helsingborg: flickan är omhändertagen akut och "
	    "placerad på ett HVB-hem.",
	    1, -1 },
	{ "hotell", "mira", "note", "team",
	    "Migrationsverket: ingen ansökan om uppehållstillstånd "
	    "registrerad.",
	    3, -1 },
	{ "skola", "rasmus", "note", "team",
	    "Skolkuratorn har fått råd om hur eleven kan kontaktas utan att "
	    "familjen får veta.",
	    1, -1 },
};

/*
 * Indicator assessments (issue 9), in making order: of a person (by
 * pseudonym), days_after the case was registered, by a user who works the
 * case, in the person's default set; observed ids end with NULL.
 */
#define MAX_OBSERVED 8
static const struct demo_assessment {
	const char *pseudonym, *author, *note;
	const char *observed[MAX_OBSERVED];
	int         days_after;
} demo_assessments[] = {
	{ "Restaurang-1", "rasmus", "Första samtalet, med tolk.",
	    { "d1-wages", "d1-housing", "d4-pay", "d4-living", "d6-dependency",
	        NULL },
	    2 },
	{ "Restaurang-1", "rasmus",
	    "Efter samråd med Arbetsmiljöverket: passen låg hos ägaren.",
	    { "d1-wages", "d1-housing", "d1-conditions", "d4-hours", "d4-pay",
	        "d5-documents", "d5-isolation", NULL },
	    9 },
	{ "Hotell-1", "petra", NULL,
	    { "d1-nature", "d1-marriage", "d4-hazardous", "d4-living",
	        "d5-tasks", NULL },
	    1 },
	{ "Bygg-1", "sara", NULL,
	    { "d4-conditions", "d4-hazardous", "d5-documents", NULL }, 3 },
};

/*
 * Support-pathway events, in writing order: days_after the case was
 * registered (the event's date), by a user who works the case. A granted
 * permit runs its minimum six months. Chosen so that the demo shows each
 * clock: a reflection period close to its end ("bygg"), one with days to
 * run ("skuld"), a permit ("restaurang"), a child's protection assessment
 * done ("hotell") and one overdue ("skola", none logged).
 */
static const struct demo_event {
	const char *case_key, *pseudonym, *author, *type;
	int         days_after;
} demo_pathway[] = {
	{ "lund", "Lund-1", "petra", "return_programme_applied", 40 },
	{ "lund", "Lund-1", "petra", "return_programme_admitted", 50 },
	{ "lund", "Lund-1", "petra", "returned", 60 },
	{ "lund", "Lund-2", "petra", "returned", 60 },
	{ "sos", "SÖS-1", "sara", "identified", 0 },
	{ "sos", "SÖS-1", "rasmus", "coordinator_contacted", 0 },
	{ "sos", "SÖS-1", "sara", "protected_housing", 1 },
	{ "sos", "SÖS-1", "petra", "police_report_filed", 3 },
	{ "sos", "SÖS-1", "petra", "preliminary_investigation_opened", 7 },
	{ "sos", "SÖS-1", "rasmus", "counsel_appointed", 10 },
	{ "restaurang", "Restaurang-1", "rasmus", "identified", 1 },
	{ "restaurang", "Restaurang-1", "rasmus", "reflection_period_applied",
	    2 },
	{ "restaurang", "Restaurang-1", "mira", "reflection_period_granted",
	    4 },
	{ "restaurang", "Restaurang-1", "mira", "reflection_period_ended", 33 },
	{ "restaurang", "Restaurang-1", "rasmus", "permit_applied", 35 },
	{ "restaurang", "Restaurang-1", "mira", "permit_granted", 40 },
	{ "hotell", "Hotell-1", "petra", "protection_assessment_done", 1 },
	{ "bygg", "Bygg-1", "sara", "reflection_period_granted", 3 },
	{ "skuld", "Skuld-1", "mira", "reflection_period_granted", 5 },
};

/*
 * Tasks (uppdrag) between organizations, so that mira's inbox and
 * the notifications have work: sent by the case's owner days_ago days
 * ago, due in due_days (negative: passed), to to_org with access; status
 * "requested" or "accepted" (by answered_by, a day after). The one whose
 * due day has passed ("butik") gets its task_overdue notification when
 * its organizations' users first read their notifications.
 */
static const struct demo_task {
	const char *case_key, *to_org, *title, *description, *access;
	const char *status, *answered_by;
	int         days_ago, due_days;
} demo_tasks[] = {
	{ "bygg", "MIGRATIONSVERKET",
	    "Pröva uppehållstillstånd efter betänketiden",
	    "Betänketiden går snart ut. Finns det förutsättningar för "
	    "tillstånd enligt 5 kap. 15 § utlänningslagen?",
	    "pseudonymous", "requested", NULL, 2, 10 },
	{ "malmo", "MIGRATIONSVERKET", "Kontrollera vistelsestatus",
	    "Har kvinnorna ansökt om eller fått uppehållstillstånd?",
	    "pseudonymous", "accepted", "mira", 20, 20 },
	{ "butik", "MIGRATIONSVERKET", "Uppgifter om inresan",
	    "När och hur reste männen in i Sverige, och med vems hjälp?",
	    "pseudonymous", "requested", NULL, 6, -2 },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The demo's stories happen in office hours on whole Swedish days: the
 * instant at 10:00 in Sweden (09:00 or 11:00 on a summer-time change day)
 * days civil days before the Swedish day of now, never after now.
 * Counting civil days rather than 86 400 s keeps every clock, due day and
 * "overdue" the same at whatever hour the demo is written.
 */
static time_t
office_day(time_t now, int days)
{
	struct civil_date d;
	time_t            t;

	civil_today(now, &d);
	civil_add_days(&d, -(long)days);
	t = civil_day_start(&d) + 10 * 60 * 60;
	return t < now ? t : now;
}

/* office_day(now, days) as text (TIME_TEXT bytes). */
static void
days_before(time_t now, int days, char out[TIME_TEXT])
{
	time_format(office_day(now, days), out);
}

static size_t
seq_len(const char *const *seq)
{
	size_t n = 0;

	while (n < MAX_SEQ && seq[n] != NULL)
		n++;
	return n;
}

static int
user_of(struct cli *cli, const char *username, struct user_row *u)
{
	int found = 0;

	return store_user_by_name(cli->db, username, u, &found) == NMT_OK &&
	        found ?
	    0 :
	    -1;
}

/*
 * An audit entry for a demo row. It is written when nmtctl writes the
 * row (now), whatever time the row itself tells of: the audit log stays
 * a true record.
 */
static enum nmt_err
audit(struct cli *cli, const char *action, const char *kind, const char *id,
    const char *case_id, int flagged)
{
	struct audit_entry a;
	char               now[TIME_TEXT];
	enum nmt_err       e;

	time_format(clock_now(), now);
	memset(&a, 0, sizeof(a));
	a.at = xstrdup(now);
	a.actor = xstrdup("nmtctl");
	a.action = xstrdup(action);
	a.object = xasprintf("%s:%s", kind, id);
	a.case_id = case_id != NULL ? xstrdup(case_id) : NULL;
	a.client = xstrdup("local");
	a.flagged = flagged;
	e = store_audit_append(cli->db, cli->keys.audit, &a, 1);
	audit_entry_cleanup(&a);
	return e;
}

/* Inserts a case; its id goes to id (UUID_TEXT). */
static enum nmt_err
add_case(struct cli *cli, const struct demo_case *dc, time_t now,
    char id[UUID_TEXT])
{
	struct user_row   u;
	struct case_rec   c;
	struct civil_date day;
	char              region[33], at[TIME_TEXT];
	int               found = 0;
	enum nmt_err      e;

	if (user_of(cli, dc->owner, &u) != 0)
		return NMT_ERROR;
	memset(&c, 0, sizeof(c));
	if ((e = store_county_region(cli->db, dc->county, region, &found)) !=
	        NMT_OK ||
	    !found) {
		user_row_cleanup(&u);
		return e != NMT_OK ? e : NMT_ERROR;
	}
	days_before(now, dc->days_ago, at);
	civil_today(office_day(now, dc->days_ago), &day);
	c.title = xstrdup(dc->title);
	c.summary = xstrdup(dc->summary);
	c.county = xstrdup(dc->county);
	c.region = xstrdup(region);
	text_list_set(&c.exploitation, dc->exploitation,
	    seq_len(dc->exploitation));
	c.owner_user = xstrdup(u.id);
	c.owner_org = xstrdup(u.org);
	c.created_at = xstrdup(at);
	if ((e = store_case_insert(cli->db, &c, day.year)) == NMT_OK &&
	    (e = audit(cli, "case.create", "case", c.id, c.id, 0)) == NMT_OK)
		strlcopy(id, c.id, UUID_TEXT);
	record_free(&case_record, &c);
	user_row_cleanup(&u);
	return e;
}

/*
 * The change-history entry of a closing, as the API writes it (the
 * changes of history_diff, the next version), by the case's owner, who
 * closed it in the story.
 */
static enum nmt_err
close_history(struct cli *cli, const struct case_rec *old,
    const struct case_rec *c)
{
	struct history_rec h;
	json_t            *changes = json_array();
	char              *text;
	enum nmt_err       e;

	history_diff(changes, &case_record, old, c, NULL);
	text = json_dumps(changes, JSON_COMPACT);
	json_decref(changes);
	ASSERT(text != NULL);
	memset(&h, 0, sizeof(h));
	h.object_kind = (char *)"case";
	h.object_id = c->id;
	h.case_id = c->id;
	h.version = old->version + 1;
	h.actor_user = c->owner_user;
	h.actor_org = c->owner_org;
	h.at = c->closed_at;
	h.changes = text;
	e = store_history_insert(cli->db, &h);
	free(h.id);
	free(text);
	return e;
}

/* Closes a case closed_days_ago days before now, with its reason. */
static enum nmt_err
close_case(struct cli *cli, const struct demo_case *dc, const char *id,
    time_t now)
{
	struct case_rec old, c;
	char            at[TIME_TEXT];
	enum nmt_err    e;

	memset(&old, 0, sizeof(old));
	memset(&c, 0, sizeof(c));
	if ((e = store_case_get(cli->db, id, 1, &old)) != NMT_OK ||
	    (e = store_case_get(cli->db, id, 0, &c)) != NMT_OK) {
		record_free(&case_record, &old);
		return e;
	}
	days_before(now, dc->closed_days_ago, at);
	free(c.status);
	c.status = xstrdup("closed");
	free(c.closing_reason);
	c.closing_reason = xstrdup(dc->closing_reason);
	free(c.closed_at);
	c.closed_at = xstrdup(at);
	free(c.updated_at);
	c.updated_at = xstrdup(at);
	if ((e = store_case_update(cli->db, &c)) == NMT_OK &&
	    (e = close_history(cli, &old, &c)) == NMT_OK &&
	    (e = store_case_touch(cli->db, id, at)) == NMT_OK)
		e = audit(cli, "case.close", "case", id, id, 0);
	record_free(&case_record, &old);
	record_free(&case_record, &c);
	return e;
}

/* Adds one team row to the case id. */
static enum nmt_err
add_member(struct cli *cli, const struct demo_member *dm, const char *id,
    const char *owner_id, const char *at)
{
	struct member_rec m;
	struct user_row   u;
	int               has_user = 0;
	enum nmt_err      e;

	memset(&m, 0, sizeof(m));
	if (dm->username != NULL) {
		if (user_of(cli, dm->username, &u) != 0)
			return NMT_ERROR;
		has_user = 1;
		m.user_id = u.id;
	}
	m.case_id = (char *)id;
	m.organization = (char *)dm->org;
	m.access = (char *)dm->access;
	m.added_by = (char *)owner_id;
	m.added_at = (char *)at;
	if ((e = store_team_add(cli->db, &m)) == NMT_OK)
		e = audit(cli, "team.add", "member", m.id, id, 0);
	free(m.id);
	if (has_user)
		user_row_cleanup(&u);
	return e;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* Adds one person to the case id; the person's id goes to pid. */
static enum nmt_err
add_person(struct cli *cli, const struct demo_person *dp, const char *id,
    const char *owner_id, time_t when, char pid[UUID_TEXT])
{
	struct person_rec p;
	struct civil_date day;
	char              at[TIME_TEXT];
	enum nmt_err      e;

	memset(&p, 0, sizeof(p));
	time_format(when, at);
	civil_today(when, &day);
	token_uuid(pid);
	p.id = xstrdup(pid);
	p.case_id = xstrdup(id);
	p.pseudonym = xstrdup(dp->pseudonym);
	p.gender = xstrdup(dp->gender);
	p.birth_year = dp->born_years_ago > 0 ? day.year - dp->born_years_ago :
	                                        REC_NULL_INT;
	p.age_estimate = dp->age_estimate >= 0 ? dp->age_estimate :
	                                         REC_NULL_INT;
	p.citizenship = dup_or_null(dp->citizenship);
	text_list_set(&p.languages, dp->languages, seq_len(dp->languages));
	text_list_set(&p.vulnerabilities, dp->vulnerabilities,
	    seq_len(dp->vulnerabilities));
	p.protection = xstrdup(dp->protection);
	if (dp->identity != NULL) {
		p.has_identity = 1;
		p.identity.full_name = dup_or_null(dp->identity->full_name);
		p.identity.date_of_birth = dup_or_null(
		    dp->identity->date_of_birth);
		p.identity.id_number = dup_or_null(dp->identity->id_number);
		p.identity.phone = dup_or_null(dp->identity->phone);
		p.identity.address = dup_or_null(dp->identity->address);
	}
	p.is_child = person_is_child(&day, p.identity.date_of_birth,
	    p.birth_year == REC_NULL_INT ? -1 : (long)p.birth_year,
	    p.age_estimate == REC_NULL_INT ? -1 : (long)p.age_estimate);
	p.created_by = xstrdup(owner_id);
	p.created_at = xstrdup(at);
	if ((e = store_person_insert(cli->db, cli->keys.identity, &p)) ==
	    NMT_OK)
		e = audit(cli, "person.create", "person", pid, id, 0);
	person_rec_free(&p);
	return e;
}

/* The break-the-glass grant, flagged in the audit log as the API does. */
static enum nmt_err
add_glass(struct cli *cli, const char *case_id, const char *person_id,
    time_t now)
{
	struct grant_rec g;
	struct user_row  u;
	char             id[UUID_TEXT], at[TIME_TEXT], until[TIME_TEXT];
	time_t           when = office_day(now, demo_glass.days_ago);
	enum nmt_err     e;

	if (user_of(cli, demo_glass.username, &u) != 0)
		return NMT_ERROR;
	memset(&g, 0, sizeof(g));
	token_uuid(id);
	time_format(when, at);
	time_format(when + 60 * 60, until);
	g.id = id;
	g.person_id = (char *)person_id;
	g.case_id = (char *)case_id;
	g.user_id = u.id;
	g.reason = (char *)demo_glass.reason;
	g.category = (char *)demo_glass.category;
	g.created_at = at;
	g.expires_at = until;
	if ((e = store_glass_insert(cli->db, &g)) == NMT_OK)
		e = audit(cli, "person.break_glass", "person", person_id,
		    case_id, 1);
	user_row_cleanup(&u);
	return e;
}

/*
 * Writes journal entry i of demo_journal into case case_id, registered at
 * start; ids[i] receives its id (for the corrections that follow it).
 */
static enum nmt_err
add_entry(struct cli *cli, size_t i, const char *case_id, time_t start,
    char ids[][UUID_TEXT])
{
	const struct demo_entry *de = &demo_journal[i];
	struct journal_rec       j;
	struct user_row          u;
	char                     at[TIME_TEXT];
	enum nmt_err             e;

	if (user_of(cli, de->author, &u) != 0)
		return NMT_ERROR;
	time_format(start + (time_t)de->days_after * DAY, at);
	memset(&j, 0, sizeof(j));
	j.case_id = xstrdup(case_id);
	j.kind = xstrdup(de->kind);
	j.text = xstrdup(de->text);
	j.visibility = xstrdup(de->visibility);
	j.corrects = de->corrects >= 0 ? xstrdup(ids[de->corrects]) : NULL;
	j.author_user = xstrdup(u.id);
	j.author_org = xstrdup(u.org);
	j.at = xstrdup(at);
	if ((e = store_journal_insert(cli->db, &j)) == NMT_OK &&
	    (e = store_case_touch(cli->db, case_id, at)) == NMT_OK &&
	    (e = audit(cli, "journal.create", "journal", j.id, case_id, 0)) ==
	        NMT_OK)
		strlcopy(ids[i], j.id, UUID_TEXT);
	record_free(&journal_record, &j);
	user_row_cleanup(&u);
	return e;
}

/*
 * Writes the demo assessments of the person pid (of pseudonym) of a case
 * registered at start, each with its audit entry.
 */
static enum nmt_err
add_assessments(struct cli *cli, const char *pseudonym, const char *pid,
    time_t start)
{
	const struct catalogue *cat = catalogue_latest();
	struct assessment_rec   a;
	struct person_rec       p;
	struct user_row         u;
	const char             *set;
	size_t                  i, n;
	enum nmt_err            e = NMT_OK;

	memset(&p, 0, sizeof(p));
	for (i = 0; e == NMT_OK && i < COUNT(demo_assessments); i++) {
		const struct demo_assessment *da = &demo_assessments[i];
		struct case_rec               c;

		if (strcmp(da->pseudonym, pseudonym) != 0)
			continue;
		if (user_of(cli, da->author, &u) != 0)
			return NMT_ERROR;
		memset(&c, 0, sizeof(c));
		if ((e = store_person_get(cli->db, NULL, pid, 0, &p)) ==
		        NMT_OK &&
		    (e = store_case_get(cli->db, p.case_id, 0, &c)) == NMT_OK) {
			set = catalogue_default_set(p.is_child,
			    (const char *const *)c.exploitation.items,
			    c.exploitation.n);
			for (n = 0; n < MAX_OBSERVED && da->observed[n]; n++)
				;
			assessment_build(cat, catalogue_set(cat, set),
			    da->observed, n, &p, &a);
			a.note = dup_or_null(da->note);
			a.assessed_by = xstrdup(u.id);
			a.assessed_org = xstrdup(u.org);
			a.assessed_at = xmalloc(TIME_TEXT);
			time_format(start + (time_t)da->days_after * DAY,
			    a.assessed_at);
			if ((e = store_assessment_insert(cli->db, &a)) ==
			        NMT_OK &&
			    (e = store_case_touch(cli->db, p.case_id,
			         a.assessed_at)) == NMT_OK)
				e = audit(cli, "assessment.create",
				    "assessment", a.id, p.case_id, 0);
			record_free(&assessment_record, &a);
		}
		record_free(&case_record, &c);
		person_rec_free(&p);
		user_row_cleanup(&u);
	}
	return e;
}

/*
 * Writes pathway event i of demo_pathway for the person person_id of the
 * case case_id registered at start, audited as the API does.
 */
static enum nmt_err
add_pathway_event(struct cli *cli, size_t i, const char *case_id,
    const char *person_id, time_t start)
{
	const struct demo_event *de = &demo_pathway[i];
	struct pathway_rec       ev;
	struct user_row          u;
	struct civil_date        day;
	char                     date[11], until[11], at[TIME_TEXT];
	time_t                   when = start + (time_t)de->days_after * DAY;
	enum nmt_err             e;

	if (user_of(cli, de->author, &u) != 0)
		return NMT_ERROR;
	civil_today(when, &day);
	civil_format(&day, date);
	civil_add_months(&day, 6);
	civil_add_days(&day, -1);
	civil_format(&day, until);
	time_format(when, at);
	memset(&ev, 0, sizeof(ev));
	ev.person_id = (char *)person_id;
	ev.case_id = (char *)case_id;
	ev.type = (char *)de->type;
	ev.date = date;
	ev.until = strcmp(de->type, "permit_granted") == 0 ? until : NULL;
	ev.author_user = u.id;
	ev.author_org = u.org;
	ev.at = at;
	if ((e = store_pathway_insert(cli->db, &ev)) == NMT_OK)
		e = audit(cli, "pathway_event.create", "pathway_event", ev.id,
		    case_id, 0);
	free(ev.id);
	user_row_cleanup(&u);
	return e;
}

/* The pathway events of the person pseudonym (id pid) of case dc. */
static enum nmt_err
add_pathway(struct cli *cli, const struct demo_case *dc, const char *pseudonym,
    const char *case_id, const char *pid, time_t start)
{
	size_t       i;
	enum nmt_err e = NMT_OK;

	for (i = 0; e == NMT_OK && i < COUNT(demo_pathway); i++)
		if (strcmp(demo_pathway[i].case_key, dc->key) == 0 &&
		    strcmp(demo_pathway[i].pseudonym, pseudonym) == 0)
			e = add_pathway_event(cli, i, case_id, pid, start);
	return e;
}

/* The Swedish civil date days after the instant now ("YYYY-MM-DD"). */
static void
civil_days_from(time_t now, int days, char out[11])
{
	struct civil_date d;

	civil_today(now, &d);
	civil_add_days(&d, days);
	snprintf(out, 11, "%04d-%02d-%02d", d.year, d.month, d.day);
}

/* Answers task t as the user answered_by at, with its notification. */
static enum nmt_err
answer_task(struct cli *cli, struct task_rec *t, const char *answered_by,
    const char *at, const char *link)
{
	struct user_row u;
	enum nmt_err    e;

	if (user_of(cli, answered_by, &u) != 0)
		return NMT_ERROR;
	free(t->updated_at);
	t->answered_by = xstrdup(u.id);
	t->updated_at = xstrdup(at);
	if ((e = store_task_update(cli->db, t)) == NMT_OK)
		e = store_notify_org(cli->db, t->from_org, "task_answered",
		    link, t->id, at);
	if (e == NMT_OK)
		e = audit(cli, "task.accept", "task", t->id, t->case_id, 0);
	user_row_cleanup(&u);
	return e;
}

/* Task i of demo_tasks on the case id, sent by owner, as the API would. */
static enum nmt_err
add_task(struct cli *cli, size_t i, const char *id,
    const struct user_row *owner, time_t now)
{
	const struct demo_task *dt = &demo_tasks[i];
	struct task_rec         t;
	char                    tid[UUID_TEXT], due[11], sent[TIME_TEXT];
	char                    answered[TIME_TEXT], *link;
	enum nmt_err            e;

	token_uuid(tid);
	civil_days_from(now, dt->due_days, due);
	days_before(now, dt->days_ago, sent);
	days_before(now, dt->days_ago - 1, answered);
	memset(&t, 0, sizeof(t));
	t.id = xstrdup(tid);
	t.case_id = xstrdup(id);
	t.from_org = xstrdup(owner->org);
	t.from_user = xstrdup(owner->id);
	t.to_org = xstrdup(dt->to_org);
	t.title = xstrdup(dt->title);
	t.description = xstrdup(dt->description);
	t.due = xstrdup(due);
	t.access = xstrdup(dt->access);
	t.status = xstrdup(dt->status);
	t.created_at = xstrdup(sent);
	t.updated_at = xstrdup(sent);
	t.version = 1;
	link = xasprintf("#/tasks/%s", tid);
	if ((e = store_task_insert(cli->db, &t)) == NMT_OK)
		e = store_notify_org(cli->db, t.to_org, "task_new", link, tid,
		    sent);
	if (e == NMT_OK)
		e = audit(cli, "task.create", "task", tid, id, 0);
	if (e == NMT_OK && dt->answered_by != NULL)
		e = answer_task(cli, &t, dt->answered_by, answered, link);
	if (e == NMT_OK)
		e = store_task_sync_team(cli->db, id, t.to_org, owner->id,
		    sent);
	free(link);
	record_free(&task_record, &t);
	return e;
}

/* The tasks sent on the case dc (id) by its owner. */
static enum nmt_err
add_tasks(struct cli *cli, const struct demo_case *dc, const char *id,
    const struct user_row *owner, time_t now)
{
	size_t       i;
	enum nmt_err e = NMT_OK;

	for (i = 0; e == NMT_OK && i < COUNT(demo_tasks); i++)
		if (strcmp(demo_tasks[i].case_key, dc->key) == 0)
			e = add_task(cli, i, id, owner, now);
	return e;
}

/*
 * Writes one case with its team, persons (and their assessments and
 * pathways), journal (and the grant when it is the grant's case), tasks
 * and closing in one transaction.
 */
static enum nmt_err
add_case_work(struct cli *cli, const struct demo_case *dc, time_t now)
{
	static char     journal_ids[COUNT(demo_journal)][UUID_TEXT];
	struct user_row owner;
	char            id[UUID_TEXT], pid[UUID_TEXT], at[TIME_TEXT];
	time_t          start = office_day(now, dc->days_ago);
	size_t          i;
	enum nmt_err    e;

	if (user_of(cli, dc->owner, &owner) != 0)
		return NMT_ERROR;
	days_before(now, dc->days_ago, at);
	if ((e = db_begin(cli->db)) != NMT_OK)
		goto out;
	e = add_case(cli, dc, now, id);
	for (i = 0; e == NMT_OK && i < COUNT(demo_members); i++)
		if (strcmp(demo_members[i].case_key, dc->key) == 0)
			e = add_member(cli, &demo_members[i], id, owner.id, at);
	for (i = 0; e == NMT_OK && i < COUNT(demo_persons); i++) {
		if (strcmp(demo_persons[i].case_key, dc->key) != 0)
			continue;
		/* A person a minute after the one before. */
		e = add_person(cli, &demo_persons[i], id, owner.id,
		    start + 60 * (time_t)(i + 1), pid);
		if (e == NMT_OK)
			e = add_assessments(cli, demo_persons[i].pseudonym, pid,
			    start);
		if (e == NMT_OK && strcmp(demo_glass.case_key, dc->key) == 0 &&
		    strcmp(demo_glass.pseudonym, demo_persons[i].pseudonym) ==
		        0)
			e = add_glass(cli, id, pid, now);
		if (e == NMT_OK)
			e = add_pathway(cli, dc, demo_persons[i].pseudonym, id,
			    pid, start);
	}
	for (i = 0; e == NMT_OK && i < COUNT(demo_journal); i++)
		if (strcmp(demo_journal[i].case_key, dc->key) == 0)
			e = add_entry(cli, i, id, start, journal_ids);
	if (e == NMT_OK)
		e = add_tasks(cli, dc, id, &owner, now);
	if (e == NMT_OK && dc->closed_days_ago > 0)
		e = close_case(cli, dc, id, now);
	if (e == NMT_OK)
		e = db_commit(cli->db);
	if (e != NMT_OK)
		db_rollback(cli->db);
out:
	user_row_cleanup(&owner);
	return e;
}

/* ---- intake: a requester and consultations ---- */

/* The demo's requester, at the social services of Malmö. */
static const struct demo_user demo_requester = { "karin",
	"Karin Sjö (Socialtjänsten i Malmö)", "SOC-1280", "requester", NULL };

/*
 * The consultations, oldest first: who logged it, the county, the
 * question, the form of exploitation, urgency, consent (with its scope
 * and one person), and how far it has come (status, who took it, the
 * answer).
 */
static const struct demo_consultation {
	const char *by, *channel, *county, *question, *concern, *urgency;
	int         child, hours_ago;
	const char *consent_scope; /* NULL: anonymous */
	const char *status, *taken_by, *answer;
} demo_consultations[] = {
	{ "karin", "web", "12",
	    "Tre unga män arbetar på en biltvätt utan att få lön och sover i "
	    "lokalen. En av dem har bett om hjälp att få tillbaka sitt pass.",
	    "forced_labour", "normal", 0, 6 * 24,
	    "Kontakt med regionkoordinatorn och polisen", "answered", "sara",
	    "Kontakta Polisen region Syd och boka ett samråd med oss; vi "
	    "deltar gärna. Se till att personen får information om "
	    "betänketid." },
	{ "rasmus", "phone", "01",
	    "En skola i Botkyrka ringer om en 15-årig flicka som tigger och "
	    "hämtas av en vuxen man varje eftermiddag.",
	    "begging", "normal", 1, 2 * 24, NULL, "in_progress", "rasmus",
	    NULL },
	{ "sara", "email", "25",
	    "Ett vandrarhem i Kiruna undrar hur de ska agera när kvinnor "
	    "från Thailand bor där i grupp under bärsäsongen.",
	    "unreasonable_work", "normal", 0, 24, NULL, "new", NULL, NULL },
	{ "karin", "web", "12",
	    "En kvinna sökte akut hjälp på socialjouren i natt. Hon säger "
	    "att hon tvingas sälja sex i en lägenhet och inte får gå ut.",
	    "sexual", "acute", 0, 2, NULL, "new", NULL, NULL },
};

/* The consultation's progress (status, taker, answer), audited. */
static enum nmt_err
consultation_progress(struct cli *cli, const struct demo_consultation *d,
    struct consultation_rec *q, const char *at)
{
	struct user_row u;

	if (strcmp(d->status, "new") == 0 || user_of(cli, d->taken_by, &u))
		return NMT_OK;
	free(q->status);
	q->status = xstrdup(d->status);
	q->assigned_user = xstrdup(u.id);
	q->answer = d->answer != NULL ? xstrdup(d->answer) : NULL;
	free(q->updated_at);
	q->updated_at = xstrdup(at);
	user_row_cleanup(&u);
	return store_consultation_update(cli->db, q) == NMT_OK ?
	    audit(cli, "consultation.update", "consultation", q->id, NULL, 0) :
	    NMT_ERROR;
}

/* One consultation in its own transaction, with its audit entries. */
static enum nmt_err
add_consultation(struct cli *cli, const struct demo_consultation *d, time_t now)
{
	struct consultation_rec        q;
	struct consultation_person_rec p, *persons = NULL;
	struct user_row                u;
	struct civil_date              day;
	char                           at[TIME_TEXT], region[33];
	char                           coordinators[40];
	const char                    *concern[1] = { d->concern };
	int                            found;
	enum nmt_err                   e;

	if (user_of(cli, d->by, &u) != 0 ||
	    store_county_region(cli->db, d->county, region, &found) != NMT_OK ||
	    !found)
		return NMT_ERROR;
	time_format(now - (time_t)d->hours_ago * 60 * 60, at);
	civil_today(now - (time_t)d->hours_ago * 60 * 60, &day);
	memset(&q, 0, sizeof(q));
	memset(&p, 0, sizeof(p));
	q.channel = xstrdup(d->channel);
	q.requester_org = xstrdup(u.org);
	q.requester_name = xstrdup(u.display_name);
	q.county = xstrdup(d->county);
	q.region = xstrdup(region);
	if (intake_coordinators(region, coordinators, sizeof(coordinators)) !=
	    0)
		return NMT_ERROR;
	q.assigned_org = xstrdup(coordinators);
	q.question = xstrdup(d->question);
	text_list_set(&q.concerns, concern, 1);
	q.child_involved = d->child;
	q.urgency = xstrdup(d->urgency);
	q.consent = xstrdup(d->consent_scope != NULL ? "given" : "none");
	if (d->consent_scope != NULL) {
		q.consent_scope = xstrdup(d->consent_scope);
		q.consent_recorded_by = xstrdup(u.id);
		q.consent_recorded_at = xstrdup(at);
		p.pseudonym = xstrdup("Person A");
		p.gender = xstrdup("male");
		p.birth_year = 2001;
		p.citizenship = xstrdup("UA");
		persons = &p;
	}
	q.created_by = xstrdup(u.id);
	q.created_at = xstrdup(at);
	if ((e = db_begin(cli->db)) == NMT_OK &&
	    (e = store_consultation_insert(cli->db, &q, persons,
	         persons != NULL ? 1 : 0, day.year)) == NMT_OK &&
	    (e = audit(cli, "consultation.create", "consultation", q.id, NULL,
	         0)) == NMT_OK &&
	    (e = consultation_progress(cli, d, &q, at)) == NMT_OK)
		e = db_commit(cli->db);
	if (e != NMT_OK)
		db_rollback(cli->db);
	record_free(&consultation_record, &q);
	record_free(&consultation_person_record, &p);
	user_row_cleanup(&u);
	return e;
}

/* The requester's login and the consultations; 0 or -1. */
static int
add_intake(struct cli *cli, time_t now)
{
	const struct demo_user *d = &demo_requester;
	char                    err[1024], *password, *secret;
	size_t                  i;

	if (cli_user_create(cli, d->username, d->display_name, d->org, d->role,
	        d->region, &password, &secret, err, sizeof(err)) != 0) {
		fprintf(stderr, "nmtctl: %s\n", err);
		return -1;
	}
	printf("  %-7s %-12s %-40s password %s  TOTP secret %s\n", d->username,
	    d->role, d->display_name, password, secret);
	sodium_memzero(password, strlen(password));
	free(password);
	free(secret);
	for (i = 0; i < COUNT(demo_consultations); i++)
		if (add_consultation(cli, &demo_consultations[i], now) !=
		    NMT_OK) {
			fprintf(stderr,
			    "nmtctl: could not create demo consultation "
			    "%zu\n",
			    i + 1);
			return -1;
		}
	return 0;
}

/* ---- operations (issue 11): one planned and one active in Syd ---- */

/* A person met in the field at the active operation. */
static const struct demo_encounter {
	const char *pseudonym, *gender, *citizenship, *language, *need;
	int         age_estimate;
} demo_encounters[] = {
	{ "Bärplockare A", "male", "TH", "th", "shelter", 34 },
	{ "Bärplockare B", "female", "TH", "th", "medical", 17 },
};

/*
 * The operations, from scenarios, led by the Police in region Syd and
 * planned by the secretariat: starts_in days from today, days long; the
 * active one has the encounters above, registered by petra.
 */
static const struct demo_operation {
	const char *scenario, *title, *purpose, *place, *status;
	int         starts_in, days;
} demo_operations[] = {
	{ "sexual-hotel-action", "Hotellinsats i Malmö centrum",
	    "Nå personer som säljs i hotell- och lägenhetsmiljö och erbjuda "
	    "stöd, vård och skydd.",
	    "Hotell i Malmö centrum", "planned", 10, 1 },
	{ "labour-site-inspection", "Kontroll av bärplockarläger i Skåne",
	    "Myndighetsgemensam kontroll av boende, löner och arbetsvillkor "
	    "för säsongsarbetare.",
	    "Bärplockarläger utanför Hässleholm", "active", -1, 3 },
};

/* The scenario's checklist as an operation starts with it (JSON). */
static char *
demo_checklist(const json_t *s)
{
	json_t       *out = json_array();
	const json_t *item;
	size_t        i;
	char         *text;

	json_array_foreach(json_object_get(s, "checklist"), i, item)
	{
		json_array_append_new(out,
		    json_pack("{s:O,s:O,s:b}", "id",
		        json_object_get(item, "id"), "text",
		        json_object_get(item, "text"), "done", 0));
	}
	text = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	return text;
}

/* The scenario's participants in Syd (data/scenarios/README.md). */
static enum nmt_err
demo_participants(struct cli *cli, const struct operation_rec *o,
    const json_t *s)
{
	struct participant_rec pr;
	const json_t          *item;
	char                   code[65], fallback[65];
	size_t                 i;
	int                    found = 0;
	enum nmt_err           e = NMT_OK;

	json_array_foreach(json_object_get(s, "participants"), i, item)
	{
		scenario_org(json_string_value(json_object_get(item, "kind")),
		    o->region, code, fallback);
		if (*code == '\0' || strcmp(code, o->lead_org) == 0 ||
		    store_org_exists(cli->db, code, &found) != NMT_OK || !found)
			continue;
		memset(&pr, 0, sizeof(pr));
		pr.operation_id = o->id;
		pr.organization = code;
		pr.role = (char *)json_string_value(
		    json_object_get(item, "role"));
		pr.added_by = o->created_by;
		pr.added_at = o->created_at;
		e = store_participant_add(cli->db, &pr);
		free(pr.id);
		if (e != NMT_OK && e != NMT_CONFLICT)
			return e;
	}
	return NMT_OK;
}

/* One person met in the field, into the group case, as the API does. */
static enum nmt_err
demo_encounter(struct cli *cli, const struct demo_encounter *d,
    const char *op_id, const struct user_row *by, time_t now)
{
	struct person_rec    p;
	struct encounter_rec x;
	struct civil_date    day;
	struct text_list     ended;
	char                 at[TIME_TEXT], case_id[UUID_TEXT], pid[UUID_TEXT];
	char                 xid[UUID_TEXT];
	const char          *lang[1] = { d->language }, *need[1] = { d->need };
	enum nmt_err         e;

	time_format(now, at);
	civil_today(now, &day);
	if ((e = store_operation_group_case(cli->db, op_id, by->id, at,
	         day.year, case_id)) != NMT_OK ||
	    (e = store_operation_sync_team(cli->db, op_id, by->id, at,
	         &ended)) != NMT_OK)
		return e;
	text_list_free(&ended);
	memset(&p, 0, sizeof(p));
	token_uuid(pid);
	p.id = xstrdup(pid);
	p.case_id = xstrdup(case_id);
	p.pseudonym = xstrdup(d->pseudonym);
	p.gender = xstrdup(d->gender);
	p.birth_year = REC_NULL_INT;
	p.age_estimate = d->age_estimate;
	p.citizenship = xstrdup(d->citizenship);
	text_list_set(&p.languages, lang, 1);
	text_list_set(&p.vulnerabilities, NULL, 0);
	p.protection = xstrdup("none");
	p.is_child = person_is_child(&day, NULL, -1, d->age_estimate);
	p.created_by = xstrdup(by->id);
	p.created_at = xstrdup(at);
	e = store_person_insert(cli->db, cli->keys.identity, &p);
	person_rec_free(&p);
	if (e != NMT_OK)
		return e;
	memset(&x, 0, sizeof(x));
	token_uuid(xid);
	x.id = xid;
	x.operation_id = (char *)op_id;
	x.person_id = pid;
	x.case_id = case_id;
	text_list_set(&x.needs, need, 1);
	x.created_by = (char *)by->id;
	x.created_at = at;
	e = store_encounter_insert(cli->db, &x);
	text_list_free(&x.needs);
	return e == NMT_OK ?
	    audit(cli, "operation.encounter", "person", pid, case_id, 0) :
	    e;
}

/* One operation in its own transaction, with its audit entries. */
static enum nmt_err
add_operation(struct cli *cli, const struct demo_operation *d, time_t now)
{
	const json_t        *s = scenario_find(d->scenario);
	struct operation_rec o;
	struct user_row      sara, petra;
	struct civil_date    day;
	char                 at[TIME_TEXT], from[11], to[11];
	const char          *county[1] = { "12" };
	const json_t        *forms;
	const char          *form[MAX_SEQ];
	size_t               i, n = 0;
	enum nmt_err         e;

	if (s == NULL || user_of(cli, "sara", &sara) != 0)
		return NMT_ERROR;
	if (user_of(cli, "petra", &petra) != 0) {
		user_row_cleanup(&sara);
		return NMT_ERROR;
	}
	time_format(now, at);
	civil_today(now, &day);
	civil_days_from(now, d->starts_in, from);
	civil_days_from(now, d->starts_in + d->days - 1, to);
	forms = json_object_get(s, "exploitation");
	for (i = 0; i < json_array_size(forms) && n < MAX_SEQ; i++)
		form[n++] = json_string_value(json_array_get(forms, i));
	memset(&o, 0, sizeof(o));
	o.kind = xstrdup(json_string_value(json_object_get(s, "kind")));
	o.title = xstrdup(d->title);
	o.purpose = xstrdup(d->purpose);
	o.region = xstrdup("syd");
	text_list_set(&o.counties, county, 1);
	o.place = xstrdup(d->place);
	o.starts_on = xstrdup(from);
	o.ends_on = xstrdup(to);
	o.lead_org = xstrdup("POLISEN-SYD");
	text_list_set(&o.exploitation, form, n);
	o.scenario = xstrdup(d->scenario);
	o.checklist = demo_checklist(s);
	o.persons_met = REC_NULL_INT;
	o.created_by = xstrdup(sara.id);
	o.created_at = xstrdup(at);
	if ((e = db_begin(cli->db)) != NMT_OK)
		goto out;
	if ((e = store_operation_insert(cli->db, &o, day.year)) == NMT_OK &&
	    (e = demo_participants(cli, &o, s)) == NMT_OK)
		e = audit(cli, "operation.create", "operation", o.id, NULL, 0);
	if (e == NMT_OK && strcmp(d->status, "planned") != 0) {
		free(o.status);
		o.status = xstrdup(d->status);
		if ((e = store_operation_update(cli->db, &o)) == NMT_OK)
			e = audit(cli, "operation.status", "operation", o.id,
			    NULL, 0);
	}
	for (i = 0; e == NMT_OK && strcmp(d->status, "active") == 0 &&
	     i < COUNT(demo_encounters);
	     i++)
		e = demo_encounter(cli, &demo_encounters[i], o.id, &petra,
		    now + (time_t)i * 60);
	if (e == NMT_OK)
		e = db_commit(cli->db);
	if (e != NMT_OK)
		db_rollback(cli->db);
out:
	record_free(&operation_record, &o);
	user_row_cleanup(&sara);
	user_row_cleanup(&petra);
	return e;
}

/* The demo operations (issue 11). */
static int
add_operations(struct cli *cli, time_t now)
{
	size_t i;

	for (i = 0; i < COUNT(demo_operations); i++)
		if (add_operation(cli, &demo_operations[i], now) != NMT_OK) {
			fprintf(stderr,
			    "nmtctl: could not create the demo operation "
			    "\"%s\"\n",
			    demo_operations[i].title);
			return -1;
		}
	return 0;
}

/* 1 when a demo user exists already (a message is printed). */
static int
demo_users_exist(struct cli *cli)
{
	struct user_row u;
	size_t          i;

	for (i = 0; i < COUNT(demo_users); i++)
		if (user_of(cli, demo_users[i].username, &u) == 0) {
			user_row_cleanup(&u);
			fputs("nmtctl: the demo users exist already; start "
			      "from an empty database\n",
			    stderr);
			return 1;
		}
	return 0;
}

/* Creates the demo users and prints their logins. */
static int
add_users(struct cli *cli)
{
	char   err[1024], *password, *secret, *uri;
	size_t i;

	printf("Demo logins (the password and the authenticator code are "
	       "both needed):\n\n");
	for (i = 0; i < COUNT(demo_users); i++) {
		const struct demo_user *d = &demo_users[i];

		if (cli_user_create(cli, d->username, d->display_name, d->org,
		        d->role, d->region, &password, &secret, err,
		        sizeof(err)) != 0) {
			fprintf(stderr, "nmtctl: %s\n", err);
			return -1;
		}
		printf("  %-7s %-12s %-40s password %s  TOTP secret %s\n",
		    d->username, d->role, d->display_name, password, secret);
		if (i == 0) {
			uri = totp_uri("NMT", d->username, secret);
			printf("\n  Scan for %s with an authenticator app:\n\n",
			    d->username);
			cli_print_qr(uri);
			printf("\n");
			free(uri);
		}
		sodium_memzero(password, strlen(password));
		free(password);
		free(secret);
	}
	return 0;
}

int
cmd_demo(struct cli *cli, int argc, char **argv)
{
	time_t now = clock_now();
	size_t i;
	int    rc = 2;

	(void)argv;
	if (argc != 0) {
		fputs("usage: nmtctl demo\n", stderr);
		return 2;
	}
	if (cli_open(cli, 0) != 0)
		return 2;
	if (demo_users_exist(cli) || add_users(cli) != 0 ||
	    add_intake(cli, now) != 0)
		goto out;
	for (i = 0; i < COUNT(demo_cases); i++)
		if (add_case_work(cli, &demo_cases[i], now) != NMT_OK) {
			fprintf(stderr,
			    "nmtctl: could not create the demo case \"%s\"\n",
			    demo_cases[i].key);
			goto out;
		}
	/* operations (issue 11) */
	if (add_operations(cli, now) != 0)
		goto out;
	printf("\n%zu cases with %zu persons, %zu consultations; see README "
	       "\"Trying it out\" for what each user sees.\n",
	    COUNT(demo_cases), COUNT(demo_persons), COUNT(demo_consultations));
	rc = 0;
out:
	cli_close(cli);
	return rc;
}
