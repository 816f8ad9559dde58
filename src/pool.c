/*
 * A worker's request threads and its admission (see pool.h).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "admit.h"
#include "audit.h"
#include "config.h"
#include "pool.h"
#include "request.h"
#include "safecgi.h"
#include "stats.h"
#include "worker.h"

/*
 * Admission.  On a CPU-bound load, more scripts running at once than
 * the CPUs can keep busy only stretches every response (and the tail
 * most); so the workers together start about two new requests per CPU
 * at a time (admit_starts()).  A request stops counting once it has run
 * ADMIT_AGE_MS: a slow script, sleeping or waiting on I/O, never holds
 * back the fast ones behind it.
 */
#define ADMIT_AGE_MS	20

struct pool {
	struct worker	*w;
	int		 max;		/* --max-requests */
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* a connection is queued */
	pthread_cond_t	 slot_cv;	/* a request thread is free */
	int		*queue;		/* accepted connections */
	int		*qslot;		/* ... and their admission slots */
	int64_t		*admitted;	/* per slot: when, or 0 */
	int		 nadmit;
	int		 qhead, qlen;
	int		 threads, idle, busy;
	int		 listen_fd;
	int		 draining;	/* no thread may accept any more */
	int		 accepting;	/* threads in take_connection() */
	int		 unix_listen;	/* the socket is AF_UNIX */
};

static int	admission_slot(struct pool *);

/*
 * One connection from the listen socket (non-blocking), from an allowed
 * peer: its fd, or -1 when there is none (another worker or thread took
 * it) or it was refused.
 */
static int
take_connection(struct pool *p)
{
	struct sockaddr_storage	 peer;
	struct audit_event	 ev;
	socklen_t		 plen = sizeof(peer);
	char			 addr[64];
	int			 fd;

	fd = accept4(p->listen_fd, (struct sockaddr *)&peer, &plen,
	    SOCK_CLOEXEC);
	if (fd == -1)
		return -1;
	if (!config_peer_allowed(p->w->cf, (struct sockaddr *)&peer, addr,
	    sizeof(addr))) {
		/* TCP: only the web server's hosts (--allow-peer) */
		close(fd);
		memset(&ev, 0, sizeof(ev));
		ev.event = "peer_refused";
		audit_kv(&ev, "address", addr);
		audit_budget_emit(&p->w->budget, NULL, &ev);
		return -1;
	}
	return fd;
}

/*
 * Called with p->mu held by a thread whose request just ended: under
 * load the next connection is already waiting, and the thread takes it
 * itself, on the admission slot it would free, instead of waking the
 * accept loop to take it and then an idle thread to serve it (two
 * context switches a request).  *slot and *mine are the new request's;
 * -1 when there is none, with p->mu held again either way.
 */
static int
take_next(struct pool *p, int *slot, int64_t *mine)
{
	int	fd;

	if (p->draining || p->qlen > 0 || p->busy >= p->max ||
	    (*slot = admission_slot(p)) == -1)
		return -1;
	p->admitted[*slot] = *mine = now_ms();
	p->busy++;
	p->accepting++;
	pthread_mutex_unlock(&p->mu);
	fd = take_connection(p);
	pthread_mutex_lock(&p->mu);
	p->accepting--;
	if (fd == -1) {
		p->busy--;
		if (p->admitted[*slot] == *mine)
			p->admitted[*slot] = 0;
	}
	return fd;
}

/*
 * The end of a connection still ours: one nginx asked us to close, over
 * a Unix socket (serve_connection), or one it ended itself.  For the
 * first, libfcgi would shut down our side and then wait, up to 2 s, for
 * nginx to close its own, reading what still comes, so that a TCP peer
 * never sees a reset that could discard the answer before it read it.
 * Over a Unix socket there is no such reset: nginx reads all we wrote,
 * and only then an error instead of end of file if we left bytes unread
 * (the empty stdin record of a request without a body).  So what is
 * already there is read without waiting, and the thread is free at
 * once, not one wake-up later.
 */
static void
close_now(int fd)
{
	char	trash[512];
	int	i;

	for (i = 0; i < 64; i++)
		if (recv(fd, trash, sizeof(trash), MSG_DONTWAIT) <= 0)
			break;
	close(fd);
}

/* Every request of one connection, in turn. */
static void
serve_connection(struct pool *p, struct req *r, int fd)
{
	struct worker	*w = r->w;
	int		 keep;

	/*
	 * Hand libfcgi a connection we accepted ourselves: with
	 * keepConnection set it reads the request from ipcFd instead of
	 * calling accept, and leaves the fd to us when done.
	 */
	memset(r, 0, sizeof(*r));
	r->w = w;
	FCGX_InitRequest(&r->fr, -1, 0);
	r->fr.ipcFd = fd;
	r->fr.keepConnection = 1;
	while (FCGX_Accept_r(&r->fr) == 0) {
		request_serve(r);
		/* the last request: libfcgi's lingering close for TCP only */
		keep = r->fr.keepConnection;
		if (!keep && p->unix_listen)
			r->fr.keepConnection = 1;
		FCGX_Finish_r(&r->fr);
		request_after(r);
		if (!keep || r->fr.ipcFd == -1)
			break;
		memset(&r->ar, 0, sizeof(r->ar));
	}
	if (r->fr.ipcFd != -1)
		close_now(r->fr.ipcFd);
	r->fr.ipcFd = -1;
	FCGX_Free(&r->fr, 0);
}

static void *
request_thread(void *arg)
{
	struct pool	*p = arg;
	struct req	*r;
	int		 fd, slot;
	int64_t		 mine;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->w = p->w;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		p->idle++;
		while (p->qlen == 0)
			pthread_cond_wait(&p->cv, &p->mu);
		p->idle--;
		fd = p->queue[p->qhead];
		slot = p->qslot[p->qhead];
		mine = p->admitted[slot];
		p->qhead = (p->qhead + 1) % p->max;
		p->qlen--;
		stats_gauge(STATS_QUEUED, -1);
		pthread_mutex_unlock(&p->mu);

		for (;;) {
			serve_connection(p, r, fd);

			pthread_mutex_lock(&p->mu);
			p->busy--;
			/* free the admission slot, unless it aged and moved
			 * on */
			if (p->admitted[slot] == mine)
				p->admitted[slot] = 0;
			if ((fd = take_next(p, &slot, &mine)) == -1)
				break;
			pthread_mutex_unlock(&p->mu);
		}
		pthread_cond_signal(&p->slot_cv);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

/* Called with p->mu held: a free slot, or -1. */
static int
admission_slot(struct pool *p)
{
	int64_t	t = now_ms();
	int	i;

	for (i = 0; i < p->nadmit; i++)
		if (p->admitted[i] == 0 || t - p->admitted[i] >= ADMIT_AGE_MS)
			return i;
	return -1;
}

/*
 * Called with p->mu held: until a request ends (slot_cv) or the oldest
 * admitted request ages out of its slot.  Not on a tick: a worker whose
 * slots stay full would otherwise wake every few milliseconds for
 * nothing, a context switch in and out each time.
 */
static void
slot_wait(struct pool *p)
{
	struct timespec	ts;
	int64_t		due = 0, ms;
	int		i;

	for (i = 0; i < p->nadmit; i++)
		if (p->admitted[i] != 0 &&
		    (due == 0 || p->admitted[i] + ADMIT_AGE_MS < due))
			due = p->admitted[i] + ADMIT_AGE_MS;
	if (p->busy >= p->max || due == 0) {
		/* only a request's end frees a thread */
		pthread_cond_wait(&p->slot_cv, &p->mu);
		return;
	}
	ms = due - now_ms();
	if (ms <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&p->slot_cv, &p->mu, &ts);
}

static int
thread_start(struct pool *p)
{
	pthread_attr_t	a;
	pthread_t	t;
	int		rc;

	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 256 * 1024);
	rc = pthread_create(&t, &a, request_thread, p);
	pthread_attr_destroy(&a);
	if (rc != 0)
		return -1;
	p->threads++;
	return 0;
}

static int
pool_init(struct pool *p, struct worker *w, int listen_fd)
{
	pthread_condattr_t	ca;
	struct sockaddr_storage	ss;
	socklen_t		sl = sizeof(ss);

	memset(p, 0, sizeof(*p));
	p->w = w;
	p->listen_fd = listen_fd;
	if (getsockname(listen_fd, (struct sockaddr *)&ss, &sl) == 0 &&
	    ss.ss_family == AF_UNIX)
		p->unix_listen = 1;
	p->max = w->cf->max_requests;
	p->queue = calloc(p->max, sizeof(int));
	p->qslot = calloc(p->max, sizeof(int));
	p->nadmit = admit_starts(sysconf(_SC_NPROCESSORS_ONLN),
	    w->cf->workers);
	p->admitted = calloc(p->nadmit, sizeof(int64_t));
	if (p->queue == NULL || p->qslot == NULL || p->admitted == NULL)
		return -1;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	/* slot_wait() sleeps until a time of the monotonic clock */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->slot_cv, &ca);
	pthread_condattr_destroy(&ca);
	return thread_start(p);
}

/* Queue an accepted connection for a request thread. */
static void
pool_queue(struct pool *p, int fd, int adm)
{
	int	tail, i;

	pthread_mutex_lock(&p->mu);
	tail = (p->qhead + p->qlen) % p->max;
	/* a thread may have taken the slot meanwhile (take_next) */
	if (p->admitted[adm] != 0 && (i = admission_slot(p)) != -1)
		adm = i;
	p->admitted[adm] = now_ms();
	p->qslot[tail] = adm;
	p->queue[tail] = fd;
	p->qlen++;
	stats_gauge(STATS_QUEUED, 1);
	p->busy++;
	if (p->idle < p->qlen && p->threads < p->max)
		thread_start(p);
	/* one connection, one thread: never wake them all */
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

int
pool_run(struct worker *w, int listen_fd, int sigfd)
{
	struct pool		 p;
	struct pollfd		 pfd[2];
	int64_t			 until = 0;
	int			 fd, draining = 0, adm = -1;
	char			 c;

	if (pool_init(&p, w, listen_fd) == -1) {
		log_msg(LOG_ERR, "worker: cannot start its request threads");
		return 1;
	}
	for (;;) {
		pthread_mutex_lock(&p.mu);
		if (draining && p.busy == 0) {
			pthread_mutex_unlock(&p.mu);
			break;
		}
		/* at the limit, new connections wait in the listen backlog */
		while (!draining && (p.busy >= p.max ||
		    (adm = admission_slot(&p)) == -1))
			slot_wait(&p);
		pthread_mutex_unlock(&p.mu);

		pfd[0].fd = draining ? -1 : listen_fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = sigfd;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, draining ? 100 : -1) == -1 && errno != EINTR)
			return 1;
		if (pfd[1].revents & POLLIN && read(sigfd, &c, 1) == 1) {
			if (c == SIGINT)
				return 0;
			if (c == SIGTERM && !draining) {
				draining = 1;
				until = now_ms() + (int64_t)w->cf->grace * 1000;
				/* no thread may be in accept() when it goes */
				pthread_mutex_lock(&p.mu);
				p.draining = 1;
				while (p.accepting > 0) {
					pthread_mutex_unlock(&p.mu);
					sched_yield();
					pthread_mutex_lock(&p.mu);
				}
				pthread_mutex_unlock(&p.mu);
				close(listen_fd);
			}
		}
		if (draining && now_ms() >= until) {
			log_msg(LOG_WARNING, "worker: grace period over, "
			    "%d requests cut short", p.busy);
			return 0;
		}
		if (draining || !(pfd[0].revents & POLLIN))
			continue;
		/* none: another worker or a thread took it, or refused */
		if ((fd = take_connection(&p)) == -1)
			continue;
		pool_queue(&p, fd, adm);
	}
	return 0;
}
