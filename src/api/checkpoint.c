/*
 * checkpoint.c — the checkpoint thread of nmtd.
 *
 * Owns its own database connection (reopened after a failure), the
 * signing key and the checkpoint file's descriptor. It wakes once a
 * second of real time and compares clock_now() with the next due
 * instant, so the test clock moves it as it moves everything else. A
 * checkpoint is written when due and the head differs from the last one
 * written; at start and at stop always. A failure to write is logged and
 * retried at the next due instant; the service goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/checkpoint.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "crypto/sign.h"
#include "db/store.h"

struct checkpoints {
	char           *db_url;
	struct sign_key key;
	int             fd; /* -1: the log only */
	unsigned        every;
	pthread_t       thread;
	pthread_mutex_t lock;
	pthread_cond_t  wake;
	int             stopping;
	/* the thread's own */
	struct db *db;
	long long  last_seq; /* -1: none written yet */
	char       last_hash[CHAIN_HASH_HEX];
};

static int
write_line(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return fdatasync(fd);
}

/* Writes a checkpoint of the current head (unless unchanged and !force). */
static void
checkpoint_once(struct checkpoints *c, int force)
{
	char         hash[CHAIN_HASH_HEX], at[TIME_TEXT];
	char         line[CHECKPOINT_LINE + 1], err[256];
	long long    seq;
	size_t       n;
	enum nmt_err e;

	if (c->db == NULL &&
	    (c->db = db_open(c->db_url, err, sizeof(err))) == NULL) {
		log_error("audit checkpoint: database unavailable: %s", err);
		return;
	}
	if ((e = store_audit_head(c->db, &seq, hash)) != NMT_OK) {
		log_error("audit checkpoint: cannot read the head (%d)",
		    (int)e);
		db_close(c->db);
		c->db = NULL;
		return;
	}
	if (!force && seq == c->last_seq && strcmp(hash, c->last_hash) == 0)
		return;
	time_format(clock_now(), at);
	checkpoint_sign(&c->key, seq, hash, at, line);
	log_info("audit checkpoint: %s", line);
	if (c->fd >= 0) {
		n = strlen(line);
		line[n++] = '\n';
		if (write_line(c->fd, line, n) != 0) {
			log_error("audit checkpoint: cannot append to the "
			          "checkpoint file: %s",
			    strerror(errno));
			return;
		}
	}
	c->last_seq = seq;
	strlcopy(c->last_hash, hash, sizeof(c->last_hash));
}

static void *
checkpoint_main(void *arg)
{
	struct checkpoints *c = arg;
	struct timespec     ts;
	time_t              due;

	checkpoint_once(c, 1);
	due = clock_now() + (time_t)c->every;
	pthread_mutex_lock(&c->lock);
	while (!c->stopping) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&c->wake, &c->lock, &ts);
		if (c->stopping || clock_now() < due)
			continue;
		pthread_mutex_unlock(&c->lock);
		checkpoint_once(c, 0);
		due = clock_now() + (time_t)c->every;
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	checkpoint_once(c, 1);
	db_close(c->db);
	return NULL;
}

struct checkpoints *
checkpoint_start(const char *db_url, const char *key_path, const char *file,
    unsigned every, char *err, size_t errlen)
{
	struct checkpoints *c = xcalloc(1, sizeof(*c));
	char                pub[SIGN_PUBLIC_HEX];

	c->fd = -1;
	if (sign_key_load(key_path, 0, &c->key, NULL, err, errlen) != NMT_OK) {
		free(c);
		return NULL;
	}
	if (file != NULL &&
	    (c->fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	         0600)) < 0) {
		snprintf(err, errlen, "checkpoint file %s: %s", file,
		    strerror(errno));
		sign_key_free(&c->key);
		free(c);
		return NULL;
	}
	c->db_url = xstrdup(db_url);
	c->every = every;
	c->last_seq = -1;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	sign_public_hex(c->key.public, pub);
	log_info("audit checkpoints every %us, public key %s%s%s", every, pub,
	    file != NULL ? ", file " : "", file != NULL ? file : "");
	if (pthread_create(&c->thread, NULL, checkpoint_main, c) != 0) {
		log_error("audit checkpoint: cannot start thread");
		abort();
	}
	return c;
}

void
checkpoint_stop(struct checkpoints *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->stopping = 1;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	if (c->fd >= 0)
		close(c->fd);
	sign_key_free(&c->key);
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->lock);
	free(c->db_url);
	free(c);
}
