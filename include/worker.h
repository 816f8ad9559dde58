/*
 * worker: serves FastCGI requests with libfcgi.
 *
 * Built once (jail, spawners), then each worker serves many requests at
 * once: an accept loop hands connections to a pool of request threads
 * that grows on demand up to --max-requests (pool.c).  A slow script
 * holds one thread, never the worker.
 */
#ifndef SAFECGI_WORKER_H
#define SAFECGI_WORKER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "audit.h"
#include "config.h"
#include "profile.h"

struct admit;
struct cgroup_pool;
struct filter;
struct jail;
struct jail_caps;
struct notify;
struct spawner;

/*
 * What a worker process knows, built once in worker_main and handed to
 * every module of the request path: nothing of it is a global.
 */
struct worker {
	const struct config	 *cf;
	const struct profile_set *ps;
	struct spawner		 *sp;		/* one per profile */
	size_t			  nsp;
	struct admit		**admit;	/* one per profile (admit.h) */
	pid_t			  pid;
	uint64_t		  seq;		/* requests so far (atomic) */
	struct audit_budget	  budget;	/* flood control */
	struct notify		 *notify;	/* running requests */
	struct jail		 *jail;		/* this worker's jail context */
	struct cgroup_pool	 *cg;		/* request leaves, or NULL */
};

/*
 * The worker's whole life; returns the exit code.  relay_fd is its end
 * of the relay channel (relay.h), or -1 when no profile names a port;
 * caps is what the master's jail_probe() found; cg the leaves its
 * requests run in (made by the master), or NULL without a budget.
 */
int	worker_main(const struct config *, const struct profile_set *,
	    const struct filter *, int listen_fd, int log_fd, int relay_fd,
	    int slot, const struct jail_caps *caps, struct cgroup_pool *cg);

#endif
