/*
 * What a request sends back of its own (see request.h): the error page
 * and its log line, and the request's audit events, under the worker's
 * flood control (audit.c).
 */
#include <stdio.h>

#include <fcgiapp.h>

#include "audit.h"
#include "cgi.h"
#include "reply.h"
#include "request.h"
#include "worker.h"

void
reply_error(struct req *r, int status, const char *why)
{
	const char	*text = cgi_status_text(status);

	r->status = status;
	r->why = why;
	if (r->headers_sent)
		return;
	FCGX_FPrintF(r->fr.out, "Status: %d %s\r\nContent-Type: text/plain"
	    "\r\n\r\n%d %s\n", status, text, status, text);
	r->headers_sent = 1;
	log_msg(LOG_WARNING, "%s %s: %d %s: %s",
	    r->ar.method ? r->ar.method : "-",
	    r->ar.script ? r->ar.script : "-", status, text, why);
}

void
reply_busy(struct req *r, unsigned retry_after, const char *why)
{
	r->status = 503;
	r->why = why;
	if (r->headers_sent)
		return;
	FCGX_FPrintF(r->fr.out, "Status: 503 %s\r\nRetry-After: %u\r\n"
	    "Content-Type: text/plain\r\n\r\n503 %s\n",
	    cgi_status_text(503), retry_after, cgi_status_text(503));
	r->headers_sent = 1;
	log_msg(LOG_WARNING, "%s %s: 503 %s: %s",
	    r->ar.method ? r->ar.method : "-",
	    r->ar.script ? r->ar.script : "-", cgi_status_text(503), why);
}

void
reply_event(struct req *r, const char *name, const char *k1, const char *v1,
    const char *k2, const char *v2)
{
	struct audit_event	ev = { 0 };

	ev.event = name;
	ev.req = &r->ar;
	audit_kv(&ev, k1, v1);
	audit_kv(&ev, k2, v2);
	audit_budget_emit(&r->w->budget, &r->tally, &ev);
}
