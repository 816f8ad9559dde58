/*
 * admit: how many of a profile's requests run at once, and who waits.
 *
 * Each worker keeps one admission per profile: at most "running"
 * requests of the profile run at once; more wait, at most "length" of
 * them and at most "wait" milliseconds each, then are turned away.  The
 * profile's limits.requests is for the whole server: admit_set_new()
 * divides it by the number of workers (rounded down, at least 1), so
 * that no state is shared between workers.  queue.length holds in each
 * worker: nginx's connections do not spread evenly over the workers, and
 * a divided queue would turn clients away while another worker's queue
 * had room.
 *
 * Fair across clients (the REMOTE_ADDR nginx passes): a freed place goes
 * to the waiting request whose client has the fewest requests running,
 * the longest waiting among those; and when the queue is full, a
 * newcomer whose client has fewer requests waiting than the client with
 * the most pushes out that client's newest one.  So one client with many
 * connections can fill an idle queue, but never keep another client's
 * request out of it.
 */
#ifndef SAFECGI_ADMIT_H
#define SAFECGI_ADMIT_H

#include <stddef.h>

struct admit;
struct profile_set;

enum admit_verdict {
	ADMIT_RUN = 0,		/* holds a place: admit_leave() when done */
	ADMIT_FULL,		/* the queue was full */
	ADMIT_PUSHED_OUT,	/* a client with fewer waiting took its place */
	ADMIT_TIMEOUT,		/* waited the queue's whole wait */
};

/* One admission: running >= 1, length >= 1 (queued), wait in ms. */
struct admit	*admit_new(unsigned running, unsigned length,
		    unsigned wait_ms);
void		 admit_free(struct admit *);

/*
 * One admission per profile of the set, in its order, for one of
 * nworkers workers; nproc_per_user when limits.processes is RLIMIT_NPROC
 * (no per-request cgroup).  NULL: out of memory.
 */
struct admit	**admit_set_new(const struct profile_set *, int nworkers,
		    int nproc_per_user);

/*
 * Take a place for a request of client (NULL: one anonymous client),
 * waiting for one if needed.  *waited (optional) is the time spent
 * waiting, in ms.
 */
enum admit_verdict admit_enter(struct admit *, const char *client,
		    unsigned *waited);
void		 admit_leave(struct admit *, const char *client);

/* How many requests may run here at once. */
unsigned	 admit_limit(const struct admit *);

/* How many requests run and wait here now. */
void		 admit_counts(struct admit *, unsigned *running,
		    unsigned *waiting);

/*
 * How many requests one of nworkers workers starts at a time on ncpu
 * CPUs (pool.c's admission, below the profile's own limit): about two
 * per CPU for the whole server, split among the workers, at least one
 * and at most one per CPU in each worker.  Fewer leave a CPU idle
 * while a script waits on a pipe; more only stretch every response.
 */
int		 admit_starts(long ncpu, int nworkers);

/* The verdict's name for the log and the audit event. */
const char	*admit_verdict_name(enum admit_verdict);

/* Seconds a client turned away should wait before trying again. */
unsigned	 admit_retry_after(const struct admit *);

#endif
