/*
 * password.c — Argon2id password hashes and generated passwords.
 *
 * Owns hashing and verification with crypto_pwhash_str (INTERACTIVE
 * limits), the limit of two concurrent Argon2id computations, the dummy
 * hash that makes an unknown user cost as much as a known one, the pool
 * of hashing threads that checks logins for the daemon (a bounded FIFO
 * queue: a check that does not fit is refused at once, never waited
 * for), and the generation of random passwords from an unambiguous
 * alphabet.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/util.h"
#include "crypto/password.h"
#include "crypto/sodium_once.h"

#define PW_OPSLIMIT       crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEMLIMIT       crypto_pwhash_MEMLIMIT_INTERACTIVE
#define PW_MAX_CONCURRENT PASSWORD_WORKERS
#define PW_HOLD_POLL_NS   (20 * 1000 * 1000) /* test hold file: 20 ms */
#define PW_GEN_LEN        20

static const char pw_alphabet[] =
    "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char           dummy_hash[crypto_pwhash_STRBYTES];

/* Counting semaphore: at most PW_MAX_CONCURRENT Argon2id runs at once. */
static pthread_mutex_t slot_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t  slot_cond = PTHREAD_COND_INITIALIZER;
static int             slots_busy;

static void
slot_acquire(void)
{
	if (pthread_mutex_lock(&slot_mtx) != 0)
		crypto_die("password: mutex lock failed");
	while (slots_busy >= PW_MAX_CONCURRENT)
		pthread_cond_wait(&slot_cond, &slot_mtx);
	slots_busy++;
	pthread_mutex_unlock(&slot_mtx);
}

static void
slot_release(void)
{
	if (pthread_mutex_lock(&slot_mtx) != 0)
		crypto_die("password: mutex lock failed");
	slots_busy--;
	pthread_cond_signal(&slot_cond);
	pthread_mutex_unlock(&slot_mtx);
}

/* The dummy hash is of a random password nobody knows. */
static void
dummy_init(void)
{
	unsigned char secret[32];
	char          hex[sizeof(secret) * 2 + 1];

	randombytes_buf(secret, sizeof(secret));
	sodium_bin2hex(hex, sizeof(hex), secret, sizeof(secret));
	if (crypto_pwhash_str(dummy_hash, hex, strlen(hex), PW_OPSLIMIT,
	        PW_MEMLIMIT) != 0)
		crypto_die(
		    "password: cannot compute dummy hash (out of memory)");
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(hex, sizeof(hex));
}

char *
password_hash(const char *password)
{
	char out[crypto_pwhash_STRBYTES];
	int  rc;

	crypto_ready();
	if (password == NULL)
		crypto_die("password_hash: NULL password");
	slot_acquire();
	rc = crypto_pwhash_str(out, password, strlen(password), PW_OPSLIMIT,
	    PW_MEMLIMIT);
	slot_release();
	if (rc != 0)
		crypto_die(
		    "password_hash: crypto_pwhash_str failed (out of memory)");
	return xstrdup(out);
}

int
password_verify(const char *hash, const char *password)
{
	int ok, rc;

	crypto_ready();
	if (password == NULL) {
		/* Still spend the work, but never succeed. */
		password = "";
		hash = NULL;
	}
	slot_acquire();
	if (hash == NULL) {
		pthread_once(&dummy_once, dummy_init);
		rc = crypto_pwhash_str_verify(dummy_hash, password,
		    strlen(password));
		(void)rc; /* a random password: the result is moot */
		ok = 0;
	} else {
		ok = crypto_pwhash_str_verify(hash, password,
		         strlen(password)) == 0;
	}
	slot_release();
	return ok;
}

/* ---- the hashing threads ---- */

struct password_job {
	char *hash; /* NULL: the dummy hash */
	char *password;
	int   done, ok;
	int   refs; /* the caller's and the pool's */
	void (*notify)(void *);
	void                *arg;
	struct password_job *next;
};

static pthread_mutex_t      pool_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t       pool_cond = PTHREAD_COND_INITIALIZER;
static pthread_t            pool_threads[PASSWORD_WORKERS];
static int                  pool_started, pool_stopping, pool_held;
static int                  pool_waiting;
static struct password_job *queue_head, *queue_tail;
static const char          *hold_file; /* test builds only */

static void
job_free(struct password_job *j)
{
	free(j->hash);
	if (j->password != NULL) {
		sodium_memzero(j->password, strlen(j->password));
		free(j->password);
	}
	free(j);
}

/* Called with pool_mtx held. */
static void
job_unref(struct password_job *j)
{
	if (--j->refs == 0)
		job_free(j);
}

static int
pool_is_held(void)
{
	return pool_held || (hold_file != NULL && access(hold_file, F_OK) == 0);
}

/* Waits for work; NULL when stopping with nothing left. */
static struct password_job *
pool_next(void)
{
	struct password_job *j;
	struct timespec      until;

	for (;;) {
		if (queue_head != NULL && (pool_stopping || !pool_is_held()))
			break;
		if (queue_head == NULL && pool_stopping)
			return NULL;
		if (hold_file == NULL || queue_head == NULL) {
			pthread_cond_wait(&pool_cond, &pool_mtx);
			continue;
		}
		/* A file cannot signal: look again shortly. */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += PW_HOLD_POLL_NS;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&pool_cond, &pool_mtx, &until);
	}
	j = queue_head;
	queue_head = j->next;
	if (queue_head == NULL)
		queue_tail = NULL;
	pool_waiting--;
	return j;
}

static void *
pool_main(void *unused)
{
	struct password_job *j;
	int                  ok;

	(void)unused;
	pthread_mutex_lock(&pool_mtx);
	while ((j = pool_next()) != NULL) {
		pthread_mutex_unlock(&pool_mtx);
		ok = password_verify(j->hash, j->password);
		pthread_mutex_lock(&pool_mtx);
		j->ok = ok;
		j->done = 1;
		sodium_memzero(j->password, strlen(j->password));
		pthread_mutex_unlock(&pool_mtx);
		/* The caller's hold keeps j alive until it has been told. */
		j->notify(j->arg);
		pthread_mutex_lock(&pool_mtx);
		job_unref(j);
	}
	pthread_mutex_unlock(&pool_mtx);
	return NULL;
}

/* Called with pool_mtx held. */
static void
pool_start(void)
{
	const char *f;
	int         i;

	if (clock_is_test_build() &&
	    (f = getenv("NMT_TEST_HASH_HOLD")) != NULL && *f != '\0')
		hold_file = f;
	for (i = 0; i < PASSWORD_WORKERS; i++)
		if ((errno = pthread_create(&pool_threads[i], NULL, pool_main,
		         NULL)) != 0)
			crypto_die("password: cannot start a hashing thread");
	pool_started = 1;
}

struct password_job *
password_check_submit(const char *hash, const char *password,
    void (*notify)(void *), void                   *arg)
{
	struct password_job *j;

	crypto_ready();
	pthread_mutex_lock(&pool_mtx);
	if (pool_stopping || pool_waiting >= PASSWORD_QUEUE_MAX) {
		pthread_mutex_unlock(&pool_mtx);
		return NULL;
	}
	if (!pool_started)
		pool_start();
	j = xcalloc(1, sizeof(*j));
	j->hash = hash != NULL ? xstrdup(hash) : NULL;
	j->password = xstrdup(password != NULL ? password : "");
	if (password == NULL) { /* spend the work, never succeed */
		free(j->hash);
		j->hash = NULL;
	}
	j->refs = 2;
	j->notify = notify;
	j->arg = arg;
	if (queue_tail != NULL)
		queue_tail->next = j;
	else
		queue_head = j;
	queue_tail = j;
	pool_waiting++;
	pthread_cond_signal(&pool_cond);
	pthread_mutex_unlock(&pool_mtx);
	return j;
}

int
password_job_done(struct password_job *j)
{
	int done;

	pthread_mutex_lock(&pool_mtx);
	done = j->done;
	pthread_mutex_unlock(&pool_mtx);
	return done;
}

int
password_job_ok(struct password_job *j)
{
	int ok;

	pthread_mutex_lock(&pool_mtx);
	ok = j->done && j->ok;
	pthread_mutex_unlock(&pool_mtx);
	return ok;
}

void
password_job_release(struct password_job *j)
{
	if (j == NULL)
		return;
	pthread_mutex_lock(&pool_mtx);
	job_unref(j);
	pthread_mutex_unlock(&pool_mtx);
}

int
password_queue_length(void)
{
	int n;

	pthread_mutex_lock(&pool_mtx);
	n = pool_waiting;
	pthread_mutex_unlock(&pool_mtx);
	return n;
}

void
password_pool_hold(int on)
{
	pthread_mutex_lock(&pool_mtx);
	pool_held = on;
	pthread_cond_broadcast(&pool_cond);
	pthread_mutex_unlock(&pool_mtx);
}

void
password_pool_stop(void)
{
	int i, started;

	pthread_mutex_lock(&pool_mtx);
	started = pool_started;
	pool_stopping = 1;
	pthread_cond_broadcast(&pool_cond);
	pthread_mutex_unlock(&pool_mtx);
	for (i = 0; started && i < PASSWORD_WORKERS; i++)
		pthread_join(pool_threads[i], NULL);
	pthread_mutex_lock(&pool_mtx);
	pool_started = 0;
	pool_stopping = 0;
	pthread_mutex_unlock(&pool_mtx);
}

char *
password_generate(void)
{
	char  *s;
	size_t i;

	crypto_ready();
	s = xmalloc(PW_GEN_LEN + 1);
	for (i = 0; i < PW_GEN_LEN; i++)
		s[i] = pw_alphabet[randombytes_uniform(
		    (uint32_t)(sizeof(pw_alphabet) - 1))];
	s[PW_GEN_LEN] = '\0';
	return s;
}
