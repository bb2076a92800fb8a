/*
 * embed.h — files embedded into the binaries at build time.
 *
 * tools/embed.py turns a list of files into a NULL-terminated array of
 * struct embed_file; the build embeds the migrations of each dialect, the
 * reference data and the indicator catalogues, so the binaries never read
 * them from disk.
 */
#ifndef NMT_CORE_EMBED_H
#define NMT_CORE_EMBED_H

#include <stddef.h>

struct embed_file {
	const char *name; /* base name, e.g. "0001_core.sql" */
	const char *data; /* NUL-terminated contents */
	size_t      len;  /* length without the NUL */
};

extern const struct embed_file embed_migrations_sqlite[];
extern const struct embed_file embed_migrations_pg[];
extern const struct embed_file embed_reference_data[];
/* data/indicators/catalogue-NNNN.json, every version. */
extern const struct embed_file embed_indicators[];
/* data/scenarios/scenarios.json: operation scenarios (issue 11). */
extern const struct embed_file embed_scenarios[];
/* data/synthetic/register.json: nmtctl seed-synthetic (issue 13). */
extern const struct embed_file embed_synthetic[];
/* data/retention/rules.json: the default retention rules (issue 14). */
extern const struct embed_file embed_retention[];

/* The file of that base name in a list, or NULL. */
const struct embed_file *embed_find(const struct embed_file *list,
    const char                                              *name);

#endif
