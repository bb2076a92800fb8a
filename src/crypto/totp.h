/*
 * totp.h — time-based one-time passwords (RFC 6238) through liboath.
 *
 * SHA-1, 6 digits, 30-second steps, T0 = 0, so every authenticator app
 * works. Verification accepts one step of clock skew either way and
 * reports the matched step so the caller can refuse a replay. Code
 * comparison is constant-time.
 */
#ifndef NMT_CRYPTO_TOTP_H
#define NMT_CRYPTO_TOTP_H

#include <stdint.h>
#include <time.h>

#define TOTP_DIGITS 6
#define TOTP_STEP   30

/*
 * Returns a malloc'd base32 (RFC 4648, no padding) secret of 20 random
 * bytes.
 */
char *totp_secret_generate(void);

/*
 * Writes the 6-digit code for time t into out (7 bytes). Returns 0, or -1
 * on a bad secret.
 */
int totp_code(const char *secret_b32, time_t t, char out[TOTP_DIGITS + 1]);

/*
 * Checks code against secret at time now, with steps now/30-1 .. now/30+1.
 * Returns 0 and the matched step (unix time / 30) in *step_r, or -1 when
 * the code matches none (or is not exactly 6 digits, or the secret is bad).
 */
int totp_verify(const char *secret_b32, time_t now, const char *code,
    int64_t *step_r);

/*
 * Returns a malloc'd otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...
 * &algorithm=SHA1&digits=6&period=30 URI, with issuer and account
 * percent-encoded.
 */
char *totp_uri(const char *issuer, const char *account, const char *secret_b32);

#endif
