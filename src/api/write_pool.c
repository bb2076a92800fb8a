/*
 * write_pool.c — the write requests' threads (write_pool.h).
 *
 * One queue of jobs, oldest first, under one lock; the threads take jobs
 * until the pool stops and the queue is empty. A job's memory is its
 * caller's; the pool frees only its own link.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api/write_pool.h"
#include "core/log.h"
#include "core/util.h"

struct job {
	void (*run)(void *);
	void (*done)(void *);
	void       *arg;
	struct job *next;
};

struct write_pool {
	pthread_mutex_t lock;
	pthread_cond_t  work; /* a job queued, or stopping */
	struct job     *head, **tail;
	int             stopping;
	unsigned        jobs; /* queued or running */
	unsigned        nthreads;
	pthread_t      *threads;
};

/* Holding the lock: the oldest job, or NULL once stopping and empty. */
static struct job *
next_job(struct write_pool *p)
{
	struct job *j;

	while (p->head == NULL && !p->stopping)
		pthread_cond_wait(&p->work, &p->lock);
	if ((j = p->head) == NULL)
		return NULL;
	if ((p->head = j->next) == NULL)
		p->tail = &p->head;
	return j;
}

static void *
pool_main(void *arg)
{
	struct write_pool *p = arg;
	struct job        *j;

	pthread_mutex_lock(&p->lock);
	while ((j = next_job(p)) != NULL) {
		pthread_mutex_unlock(&p->lock);
		j->run(j->arg);
		pthread_mutex_lock(&p->lock);
		p->jobs--;
		pthread_mutex_unlock(&p->lock);
		if (j->done != NULL)
			j->done(j->arg);
		free(j);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct write_pool *
write_pool_start(unsigned nthreads)
{
	struct write_pool *p = xcalloc(1, sizeof(*p));
	unsigned           i;
	int                rc;

	if (nthreads == 0)
		nthreads = 1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	p->tail = &p->head;
	p->threads = xcalloc(nthreads, sizeof(pthread_t));
	for (i = 0; i < nthreads; i++) {
		if ((rc = pthread_create(&p->threads[i], NULL, pool_main, p)) !=
		    0) {
			log_warn("write pool: %u of %u threads (%s)", i,
			    nthreads, strerror(rc));
			break;
		}
		p->nthreads++;
	}
	if (p->nthreads == 0) {
		write_pool_stop(p);
		return NULL;
	}
	return p;
}

void
write_pool_submit(struct write_pool *p, void (*run)(void *),
    void (*done)(void *), void *arg)
{
	struct job *j = xcalloc(1, sizeof(*j));

	j->run = run;
	j->done = done;
	j->arg = arg;
	pthread_mutex_lock(&p->lock);
	*p->tail = j;
	p->tail = &j->next;
	p->jobs++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
}

unsigned
write_pool_jobs(struct write_pool *p)
{
	unsigned n;

	pthread_mutex_lock(&p->lock);
	n = p->jobs;
	pthread_mutex_unlock(&p->lock);
	return n;
}

void
write_pool_stop(struct write_pool *p)
{
	unsigned i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	free(p->threads);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
