/*
 * intake.h — the pure rules of intake (consultations and the
 * organizations that ask): routing a region to its coordinators, and the
 * shapes of an organization code, an e-mail address and a telephone
 * number. No I/O.
 */
#ifndef NMT_DOMAIN_INTAKE_H
#define NMT_DOMAIN_INTAKE_H

#include <stddef.h>

/*
 * The code of a region's coordinators, "RK-" and the region code in
 * upper case ASCII ("syd" -> "RK-SYD"), into out (outlen bytes);
 * -1 when it does not fit or the region is not a lower-case ASCII code.
 */
int intake_coordinators(const char *region, char *out, size_t outlen);

/*
 * An organization code an admin may add: 2-64 of A-Z, 0-9 and '-',
 * starting with a letter, and not SOC-... (the municipalities' social
 * services are seeded).
 */
int intake_org_code_valid(const char *code);

/* local@domain.tld: one @, a dot in the domain, no spaces or <>,;". */
int intake_email_valid(const char *email);

/* Digits, spaces, + - ( ), with at least five digits. */
int intake_phone_valid(const char *phone);

#endif
