/*
 * pool: a worker's request threads and its admission.
 *
 * pool_run() is the accept loop: it takes a connection only when a
 * request thread may start it (at most --max-requests at once, and at
 * most about two new requests per CPU at a time for the whole
 * server, admit_starts()), queues it, and hands it to
 * an idle thread, starting one when none is idle.  Each thread serves
 * its connection's requests one after another (request.c); when they
 * end, it takes the next waiting connection itself, under the same
 * admission, rather than hand it over through the loop.  On TERM the
 * loop stops accepting and waits for the running requests, at most the
 * grace period.
 */
#ifndef SAFECGI_POOL_H
#define SAFECGI_POOL_H

struct worker;

/*
 * Serve from listen_fd until told to stop on sigfd (a signal number per
 * byte: SIGTERM drains, SIGINT stops at once).  Returns the exit code.
 */
int	pool_run(struct worker *, int listen_fd, int sigfd);

#endif
