/*
 * reply: what a request sends back of its own, as opposed to what its
 * script writes (stream.c): an error page and the request's audit events.
 */
#ifndef SAFECGI_REPLY_H
#define SAFECGI_REPLY_H

struct req;

/*
 * Answer status with a short text page and log why, unless the script's
 * header block already went out: then only the status and why are kept,
 * for the access line.  why must outlive the request (a literal, or
 * r->whybuf).
 */
void	reply_error(struct req *, int status, const char *why);

/*
 * Answer 503 with Retry-After: retry_after seconds (the server is busy,
 * not broken) and log why; as reply_error() otherwise.
 */
void	reply_busy(struct req *, unsigned retry_after, const char *why);

/* An audit event of the request, under the worker's flood control. */
void	reply_event(struct req *, const char *event, const char *k1,
	    const char *v1, const char *k2, const char *v2);

#endif
