/*
 * stats: counters for the status page (--status-path), in the spirit of
 * php-fpm's pm.status_path: plain text, ?json and ?openmetrics.
 *
 * The master maps one shared anonymous region (MAP_SHARED) before it
 * forks any worker; every worker and the master's own counters live in
 * it, so whichever worker answers the status request sees the whole
 * pool.  Counters are kept per worker slot (the master's slot number
 * modulo STATS_SLOTS) and are never reset: a worker that restarts, or
 * the next generation after a reload, keeps adding to the same slot, so
 * totals only grow.  Updates are atomic adds, no locks: the request path
 * pays an atomic increment per count.  Gauges (requests active and
 * queued) are kept per live worker process in a cell the master hands
 * out at fork and clears when it reaps the worker, so that a dead
 * worker's requests stop counting as active.
 *
 * Like the audit sink, the region is one per process tree, so the
 * functions take no context: every module of the request path counts
 * with one call where the thing happens.  Before stats_open(), or in a
 * process that has no region, every call is a no-op.
 */
#ifndef SAFECGI_STATS_H
#define SAFECGI_STATS_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct profile_set;
struct req;

#define STATS_SLOTS	64	/* counter slots, shared modulo */
#define STATS_CELLS	8192	/* gauge cells: twice -c's maximum */
#define STATS_KEYS	256	/* (profile, status) pairs per slot */
#define STATS_NAMES	128	/* profile names over the master's life */
#define STATS_NAME_MAX	64

enum stats_counter {
	STATS_SPAWN_FAILURES,	/* the spawner could not start a script */
	STATS_BLOCKED_CALLS,	/* a denied system call, answered errno */
	STATS_DENIED_EXECS,	/* an execve the jail refused */
	STATS_SUSPICIOUS,	/* an input that matched a signature */
	STATS_NCOUNTERS
};

enum stats_gauge {
	STATS_ACTIVE,		/* requests being served */
	STATS_QUEUED,		/* waiting for a request thread or a slot */
	STATS_NGAUGES
};

/* Kinds of limit_hit; one the table does not know counts as "other". */
#define STATS_LIMIT_KINDS { "body", "output", "timeout", "blocked_calls", \
	"relay_connections", "memory", "pids", "cpu", "other" }
#define STATS_NLIMITS	9

enum stats_format { STATS_TEXT, STATS_JSON, STATS_OPENMETRICS };

/* Master: map the region, before the first worker.  -1: errno. */
int	stats_open(void);
/* Master: make the profiles' names known (start and every reload). */
void	stats_profiles(const struct profile_set *);
/* Master: around the fork of a worker, which then calls stats_attach. */
void	stats_worker_forking(void);
void	stats_worker_forked(pid_t);
/* Master: a worker was reaped; one that died will be started again. */
void	stats_worker_gone(pid_t);
void	stats_worker_restart(void);

/* Worker: count into slot from now on (and the gauge cell it got). */
void	stats_attach(int slot);

/* The request path: one call where the thing happens. */
void	stats_count(enum stats_counter);
void	stats_gauge(enum stats_gauge, int delta);
void	stats_limit_hit(const char *kind);
/* A request ended (also leaves STATS_ACTIVE); profile NULL: none. */
void	stats_request_end(const char *profile, int status);

/* Is this request for the status page?  Never when path is NULL. */
int	stats_page_wanted(const char *path, const char *script_name);
/* Which format a QUERY_STRING asks for: json, openmetrics, else text. */
enum stats_format stats_format_of(const char *query);
/* Answer the status page on r. */
void	stats_page(struct req *, const char *query);

/*
 * A summed copy of every slot and cell, and how it is written out.
 * stats_snapshot() allocates; stats_snapshot_free() frees.
 * stats_write() is pure but for f.
 */
struct stats_pair {
	char		 profile[STATS_NAME_MAX];	/* "-": no profile */
	int		 status;			/* 0: "other" */
	uint64_t	 n;
};

struct stats_snapshot {
	double		 uptime;		/* seconds */
	uint64_t	 restarts;
	uint64_t	 counter[STATS_NCOUNTERS];
	int64_t		 gauge[STATS_NGAUGES];
	uint64_t	 limit[STATS_NLIMITS];
	struct stats_pair *pairs;		/* sorted: profile, status */
	size_t		 npairs;
};

struct stats_snapshot *stats_snapshot(void);
void	stats_snapshot_free(struct stats_snapshot *);
int	stats_write(const struct stats_snapshot *, enum stats_format, FILE *);

#endif
