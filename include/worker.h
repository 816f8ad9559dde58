/*
 * worker: serves FastCGI requests with libfcgi.
 *
 * Built once (jail, spawners), then each worker serves many requests at
 * once: an accept loop hands connections to a pool of request threads
 * that grows on demand up to --max-requests.  A slow script holds one
 * thread, never the worker.
 */
#ifndef SAFECGI_WORKER_H
#define SAFECGI_WORKER_H

#include "config.h"
#include "profile.h"

struct audit_event;
struct filter;
struct jail_caps;

/*
 * The worker's whole life; returns the exit code.  relay_fd is its end
 * of the relay channel (relay.h), or -1 when no profile names a port;
 * caps is what the master's jail_probe() found.
 */
int	worker_main(const struct config *, const struct profile_set *,
	    const struct filter *, int listen_fd, int log_fd, int relay_fd,
	    int slot, const struct jail_caps *caps);

/* An event outside any request, under the worker's flood control. */
void	worker_event(const struct audit_event *);

#endif
