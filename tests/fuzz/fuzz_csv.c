/*
 * fuzz_csv.c — the reference data CSV (db/seed.c db_seed_from, libcsv
 * strict) into an in-memory SQLite database with the schema: the input
 * replaces one of the four files (its first byte chooses which) beside
 * the embedded others. A refused file gives a message naming the file
 * and changes nothing in any table; a taken one can be applied again
 * without changing anything (the upsert is idempotent).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/embed.h"
#include "db/db.h"
#include "db/seed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = { "regions.csv", "counties.csv",
	"organizations.csv", "countries.csv" };

static struct db *db;
static unsigned   runs;

/* A digest of every reference table's rows. */
static void
digest(unsigned char out[32])
{
	static const char *const sql[] = {
		"SELECT code, name_sv, name_en FROM region ORDER BY code",
		"SELECT code, name, region FROM county ORDER BY code",
		("SELECT code, name, kind, region, county FROM organization "
		 "ORDER BY code"),
		"SELECT code, name_sv, name_en FROM country ORDER BY code",
	};
	crypto_generichash_state st;
	struct db_result        *res;
	const char              *v;
	size_t                   i;
	int                      r, c;

	crypto_generichash_init(&st, NULL, 0, 32);
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		if (db_query(db, sql[i], NULL, 0, &res) != NMT_OK)
			abort();
		for (r = 0; r < db_rows(res); r++)
			for (c = 0; c < db_cols(res); c++) {
				v = db_text(res, r, c);
				v = v != NULL ? v : "\x01NULL";
				crypto_generichash_update(&st,
				    (const unsigned char *)v, strlen(v) + 1);
			}
		crypto_generichash_update(&st, (const unsigned char *)"\n", 1);
		db_result_free(res);
	}
	crypto_generichash_final(&st, out, 32);
}

static void
open_db(void)
{
	char err[512];

	if (db != NULL)
		db_close(db);
	if ((db = db_open(":memory:", err, sizeof(err))) == NULL ||
	    db_migrate(db, err, sizeof(err)) != NMT_OK ||
	    db_seed(db, err, sizeof(err)) != NMT_OK) {
		fprintf(stderr, "fuzz_csv: %s\n", err);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct embed_file list[5];
	unsigned char     before[32], after[32];
	char              err[512], *text;
	const char       *file;
	enum nmt_err      e;
	size_t            i;

	if (size == 0)
		return 0;
	/* A fresh database now and then, so tables stay small. */
	if (db == NULL || ++runs % 256 == 0)
		open_db();
	file = files[data[0] % 4];
	text = malloc(size);
	if (text == NULL)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	for (i = 0; i < 4; i++) {
		if (strcmp(files[i], file) == 0) {
			list[i].name = file;
			list[i].data = text;
			list[i].len = size - 1;
		} else {
			list[i] = *embed_find(embed_reference_data, files[i]);
		}
	}
	memset(&list[4], 0, sizeof(list[4]));

	digest(before);
	e = db_seed_from(db, list, err, sizeof(err));
	digest(after);
	if (e != NMT_OK) {
		/* Named, and all or nothing. */
		if (strncmp(err, "reference data", 14) != 0 ||
		    memcmp(before, after, 32) != 0)
			__builtin_trap();
	} else {
		if (err[0] != '\0')
			__builtin_trap();
		if (db_seed_from(db, list, err, sizeof(err)) != NMT_OK)
			__builtin_trap();
		digest(before);
		if (memcmp(before, after, 32) != 0)
			__builtin_trap();
	}
	free(text);
	return 0;
}
