/*
 * A profile's admission in one worker (see admit.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admit.h"
#include "profile.h"
#include "safecgi.h"
#include "stats.h"
#include "util.h"

#define ADDR_MAX	64	/* an IPv6 address with its zone fits */

/*
 * A client with requests running or waiting here; a slot with neither is
 * free.  There are never more such clients than places and queue entries
 * together, so a table of that size never runs out.
 */
struct client {
	char		 addr[ADDR_MAX];
	unsigned	 running, queued;
};

enum wstate { W_WAITING, W_GRANTED, W_PUSHED };

/* A request waiting for a place; lives on its thread's stack. */
struct waiter {
	struct client	*cl;
	enum wstate	 state;
	pthread_cond_t	 cv;
	struct waiter	*prev, *next;	/* in order of arrival */
};

struct admit {
	pthread_mutex_t	 mu;
	unsigned	 running, length, wait_ms;	/* the limits */
	unsigned	 nrunning, nqueued;
	struct client	*c;
	size_t		 nc;
	struct waiter	*head, *tail;
};

struct admit *
admit_new(unsigned running, unsigned length, unsigned wait_ms)
{
	struct admit	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->running = running > 0 ? running : 1;
	a->length = length > 0 ? length : 1;
	a->wait_ms = wait_ms;
	a->nc = (size_t)a->running + a->length;
	if ((a->c = calloc(a->nc, sizeof(*a->c))) == NULL) {
		free(a);
		return NULL;
	}
	if (pthread_mutex_init(&a->mu, NULL) != 0) {
		free(a->c);
		free(a);
		return NULL;
	}
	return a;
}

void
admit_free(struct admit *a)
{
	if (a == NULL)
		return;
	pthread_mutex_destroy(&a->mu);
	free(a->c);
	free(a);
}

int
admit_starts(long ncpu, int nworkers)
{
	long	n;

	if (ncpu < 1)
		ncpu = 1;
	if (ncpu > 64)
		ncpu = 64;
	if (nworkers < 1)
		nworkers = 1;
	n = (2 * ncpu + nworkers - 1) / nworkers;
	return (int)(n < 1 ? 1 : n > ncpu ? ncpu : n);
}

struct admit **
admit_set_new(const struct profile_set *ps, int nworkers, int nproc_per_user)
{
	struct admit		**v;
	const struct profile	 *p;
	unsigned long long	  mem, running, length;
	long			  ncpu, pages, psz;
	size_t			  i;

	if (nworkers < 1)
		nworkers = 1;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	pages = sysconf(_SC_PHYS_PAGES);
	psz = sysconf(_SC_PAGESIZE);
	mem = pages > 0 && psz > 0 ?
	    (unsigned long long)pages * (unsigned long long)psz : 0;
	if ((v = calloc(ps->n, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < ps->n; i++) {
		p = &ps->v[i];
		/* the server's running requests, shared among workers */
		running = profile_requests(p, ncpu, mem, nproc_per_user) /
		    nworkers;
		length = p->queue_length;
		v[i] = admit_new(running > 0 ? (unsigned)running : 1,
		    (unsigned)length,
		    (unsigned)p->queue_wait * 1000);
		if (v[i] == NULL) {
			while (i-- > 0)
				admit_free(v[i]);
			free(v);
			return NULL;
		}
	}
	return v;
}

unsigned
admit_limit(const struct admit *a)
{
	return a->running;
}

/* Called with a->mu held: client's entry, made when make is set. */
static struct client *
client_of(struct admit *a, const char *addr, int make)
{
	struct client	*free_slot = NULL;
	size_t		 i;

	for (i = 0; i < a->nc; i++) {
		if (a->c[i].running == 0 && a->c[i].queued == 0) {
			if (free_slot == NULL)
				free_slot = &a->c[i];
			continue;
		}
		if (strcmp(a->c[i].addr, addr) == 0)
			return &a->c[i];
	}
	if (!make || free_slot == NULL)
		return NULL;
	str_copy(free_slot->addr, addr, sizeof(free_slot->addr));
	return free_slot;
}

static void
unlink_waiter(struct admit *a, struct waiter *w)
{
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		a->head = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	else
		a->tail = w->prev;
	w->prev = w->next = NULL;
	w->cl->queued--;
	a->nqueued--;
}

/*
 * Called with a->mu held: hand the free places to the waiting requests
 * whose clients have the fewest running, the earliest first.
 */
static void
grant(struct admit *a)
{
	struct waiter	*w, *best;

	while (a->nrunning < a->running && a->head != NULL) {
		best = a->head;
		for (w = a->head->next; w != NULL; w = w->next)
			if (w->cl->running < best->cl->running)
				best = w;
		unlink_waiter(a, best);
		best->cl->running++;
		a->nrunning++;
		best->state = W_GRANTED;
		pthread_cond_signal(&best->cv);
	}
}

/*
 * Called with a->mu held and the queue full: push out the newest request
 * of the client with the most waiting, if that is more than one beyond
 * what cl has waiting (so that pushing never goes back and forth).
 * 0 when a place was made.
 */
static int
push_out(struct admit *a, const struct client *cl)
{
	struct client	*most = NULL;
	struct waiter	*w;
	unsigned	 mine = cl != NULL ? cl->queued : 0;
	size_t		 i;

	for (i = 0; i < a->nc; i++)
		if (a->c[i].queued > 0 &&
		    (most == NULL || a->c[i].queued > most->queued))
			most = &a->c[i];
	if (most == NULL || mine + 1 >= most->queued)
		return -1;
	for (w = a->tail; w != NULL; w = w->prev)
		if (w->cl == most)
			break;
	if (w == NULL)
		return -1;
	unlink_waiter(a, w);
	w->state = W_PUSHED;
	pthread_cond_signal(&w->cv);
	return 0;
}

static void
deadline_of(struct timespec *ts, unsigned ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

enum admit_verdict
admit_enter(struct admit *a, const char *client, unsigned *waited)
{
	struct waiter		w;
	struct timespec		dl;
	pthread_condattr_t	ca;
	enum admit_verdict	v;
	struct client		*cl;
	int64_t			t0 = now_ms();
	int			rc = 0;

	if (waited != NULL)
		*waited = 0;
	if (client == NULL)
		client = "";
	pthread_mutex_lock(&a->mu);
	if (a->nrunning < a->running && a->head == NULL) {
		/* the table has room: nrunning < running */
		cl = client_of(a, client, 1);
		cl->running++;
		a->nrunning++;
		pthread_mutex_unlock(&a->mu);
		return ADMIT_RUN;
	}
	cl = client_of(a, client, 0);
	if (a->nqueued >= a->length && push_out(a, cl) == -1) {
		pthread_mutex_unlock(&a->mu);
		return ADMIT_FULL;
	}
	/* now nqueued < length: the table has room */
	if (cl == NULL)
		cl = client_of(a, client, 1);

	memset(&w, 0, sizeof(w));
	w.cl = cl;
	w.state = W_WAITING;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w.cv, &ca);
	pthread_condattr_destroy(&ca);
	w.prev = a->tail;
	if (a->tail != NULL)
		a->tail->next = &w;
	else
		a->head = &w;
	a->tail = &w;
	cl->queued++;
	a->nqueued++;

	deadline_of(&dl, a->wait_ms);
	/* the status page and systemd's STATUS= count who waits */
	stats_gauge(STATS_QUEUED, 1);
	while (w.state == W_WAITING && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&w.cv, &a->mu, &dl);
	stats_gauge(STATS_QUEUED, -1);
	switch (w.state) {
	case W_GRANTED:
		v = ADMIT_RUN;
		break;
	case W_PUSHED:
		v = ADMIT_PUSHED_OUT;
		break;
	default:
		unlink_waiter(a, &w);
		v = ADMIT_TIMEOUT;
		break;
	}
	pthread_mutex_unlock(&a->mu);
	pthread_cond_destroy(&w.cv);
	if (waited != NULL)
		*waited = (unsigned)(now_ms() - t0);
	return v;
}

void
admit_leave(struct admit *a, const char *client)
{
	struct client	*cl;

	if (client == NULL)
		client = "";
	pthread_mutex_lock(&a->mu);
	if ((cl = client_of(a, client, 0)) != NULL && cl->running > 0)
		cl->running--;
	if (a->nrunning > 0)
		a->nrunning--;
	grant(a);
	pthread_mutex_unlock(&a->mu);
}

void
admit_counts(struct admit *a, unsigned *running, unsigned *waiting)
{
	pthread_mutex_lock(&a->mu);
	*running = a->nrunning;
	*waiting = a->nqueued;
	pthread_mutex_unlock(&a->mu);
}

const char *
admit_verdict_name(enum admit_verdict v)
{
	switch (v) {
	case ADMIT_RUN:
		return "admitted";
	case ADMIT_FULL:
		return "full";
	case ADMIT_PUSHED_OUT:
		return "pushed_out";
	case ADMIT_TIMEOUT:
		return "timeout";
	}
	return "unknown";
}

unsigned
admit_retry_after(const struct admit *a)
{
	unsigned	s = (a->wait_ms + 999) / 1000;

	return s > 0 ? s : 1;
}
