/*
 * intake.c — the pure rules of intake: a region's coordinators and the
 * shapes of organization codes, e-mail addresses and telephone numbers
 * (see intake.h).
 */
#include <string.h>

#include "domain/intake.h"

static int
is_upper(char ch)
{
	return ch >= 'A' && ch <= 'Z';
}

static int
is_lower(char ch)
{
	return ch >= 'a' && ch <= 'z';
}

static int
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

int
intake_coordinators(const char *region, char *out, size_t outlen)
{
	size_t i, n = strlen(region);

	if (n == 0 || n + 4 > outlen)
		return -1;
	memcpy(out, "RK-", 3);
	for (i = 0; i < n; i++) {
		if (!is_lower(region[i]))
			return -1;
		out[3 + i] = (char)(region[i] - 'a' + 'A');
	}
	out[3 + n] = '\0';
	return 0;
}

int
intake_org_code_valid(const char *code)
{
	size_t i, n = strlen(code);

	if (n < 2 || n > 64 || !is_upper(code[0]) ||
	    strncmp(code, "SOC-", 4) == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_upper(code[i]) && !is_digit(code[i]) && code[i] != '-')
			return 0;
	return 1;
}

int
intake_email_valid(const char *email)
{
	const char *at = strchr(email, '@'), *dot;
	size_t      i;

	if (at == NULL || at == email || strchr(at + 1, '@') != NULL)
		return 0;
	for (i = 0; email[i] != '\0'; i++)
		if ((unsigned char)email[i] <= ' ' ||
		    strchr("<>,;\"", email[i]) != NULL)
			return 0;
	dot = strrchr(at + 1, '.');
	return dot != NULL && dot > at + 1 && dot[1] != '\0';
}

int
intake_phone_valid(const char *phone)
{
	size_t i;
	int    digits = 0;

	for (i = 0; phone[i] != '\0'; i++) {
		if (is_digit(phone[i]))
			digits++;
		else if (strchr(" +-()", phone[i]) == NULL)
			return 0;
	}
	return digits >= 5;
}
