/*
 * password.h — Argon2id password hashes, the hashing threads that check
 * logins, and generated passwords.
 *
 * Hashes use libsodium's crypto_pwhash_str (Argon2id, INTERACTIVE limits).
 * At most two hashes are computed at once (a semaphore) so a burst of logins
 * cannot exhaust memory. In the daemon, logins are checked by
 * PASSWORD_WORKERS hashing threads fed by a queue of at most
 * PASSWORD_QUEUE_MAX waiting checks: a request thread hands its check over
 * and is told when it is done, and never computes or waits for Argon2id
 * itself.
 */
#ifndef NMT_CRYPTO_PASSWORD_H
#define NMT_CRYPTO_PASSWORD_H

#define PASSWORD_WORKERS   2 /* hashing threads: the two Argon2id slots */
#define PASSWORD_QUEUE_MAX 8 /* checks waiting for a hashing thread */

/* Returns a malloc'd encoded hash ("$argon2id$..."). Aborts on failure. */
char *password_hash(const char *password);

/*
 * Returns 1 when password matches the encoded hash, else 0. With hash
 * NULL it spends the same work against a fixed dummy hash and returns 0,
 * so an unknown user costs as much time as a known one. Runs on the
 * calling thread (nmtctl, tests); the daemon uses password_check_submit.
 */
int password_verify(const char *hash, const char *password);

/* A queued check: password_verify(hash, password) on a hashing thread. */
struct password_job;

/*
 * Queues a check (hash NULL: the dummy hash, as password_verify). Both
 * strings are copied. When the check is done, on the hashing thread,
 * notify(arg) is called once; notify must not block. Returns NULL, and
 * queues nothing, when PASSWORD_QUEUE_MAX checks are already waiting (or
 * the pool is stopping). The hashing threads start on first use.
 */
struct password_job *password_check_submit(const char *hash,
    const char *password, void (*notify)(void *), void *arg);
/* Whether the job is done, and then whether the password matched. */
int password_job_done(struct password_job *j);
int password_job_ok(struct password_job *j);
/* Drops the caller's hold on the job (the pool holds its own till done). */
void password_job_release(struct password_job *j);
/* How many checks wait for a hashing thread now. */
int password_queue_length(void);

/*
 * Test hook: with on set, the hashing threads start no new check until it
 * is cleared, so a test can fill the queue. In a -Dtest_clock=true build
 * the same holds while the file named by NMT_TEST_HASH_HOLD exists.
 */
void password_pool_hold(int on);
/* Finishes the queued checks and joins the hashing threads. */
void password_pool_stop(void);

/*
 * Returns a malloc'd random password of 20 characters from an unambiguous
 * alphabet.
 */
char *password_generate(void);

#endif
