/*
 * vocab.c — the code lists and their parsing. The order of vocab_roles,
 * vocab_access and vocab_protection matches their enums.
 */
#include <stddef.h>
#include <string.h>

#include "domain/vocab.h"

const char *const vocab_roles[] = { "admin", "coordinator", "member",
	"requester", "analyst", "auditor", NULL };
const char *const vocab_access[] = { "none", "pseudonymous", "full", NULL };
const char *const vocab_genders[] = { "female", "male", "other", "unknown",
	NULL };
const char *const vocab_protection[] = { "none", "marked",
	"protected_address", "fictitious", NULL };
const char *const vocab_exploitation[] = { "sexual", "forced_labour",
	"unreasonable_work", "begging", "criminal_activities",
	"slavery_servitude", "organ_removal", "military_service",
	"forced_marriage", "illegal_adoption", "surrogacy", "other", NULL };
const char *const vocab_case_status[] = { "open", "closed", NULL };

int
vocab_index(const char *const *list, const char *code)
{
	int	i;

	if (code == NULL)
		return -1;
	for (i = 0; list[i] != NULL; i++)
		if (strcmp(list[i], code) == 0)
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
	return role == ROLE_NONE ? "none" : vocab_roles[role];
}

enum access
access_parse(const char *code)
{
	int	i = vocab_index(vocab_access, code);

	return i < 0 ? ACCESS_NONE : (enum access)i;
}

const char *
access_name(enum access access)
{
	return vocab_access[access];
}

enum protection
protection_parse(const char *code)
{
	int	i = vocab_index(vocab_protection, code);

	return i < 0 ? PROTECTION_NONE : (enum protection)i;
}
