/*
 * A request's life after the spawn (see stream.h): the body reader, the
 * spool, and the pump that moves output while it runs the request's
 * state machine.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "audit.h"
#include "cgi.h"
#include "cgroup.h"
#include "config.h"
#include "profile.h"
#include "reply.h"
#include "request.h"
#include "safecgi.h"
#include "spawn.h"
#include "stats.h"
#include "stream.h"
#include "worker.h"

#define IOBUF		65536
#define TERM_GRACE_MS	2000	/* TERM, then KILL after this */
#define DRAIN_MS	2000	/* output still arriving after exit */
#define WAIT_MS		1000	/* at most, between two looks at the clock */
#define BUDGET_MS	100	/* ... and at the request's cgroup */
/*
 * For its first SETTLE_MS the request thread waits for the script's
 * exit alone, not for each write and then the end of its pipes: most
 * CGI answers are whole by then, and the thread wakes once for the
 * lot instead of three times (output, end of file, exit), and nginx
 * gets the answer in one write.  A script still running after that is
 * streamed as before; what it wrote meanwhile waits in its pipe (64 KiB,
 * then the script waits too), so its first bytes are late by at most
 * this much.
 */
#define SETTLE_MS	10

/* ---------------------------------------------------- state machine */

void
stream_sm_init(struct stream_sm *m, int body_done)
{
	memset(m, 0, sizeof(*m));
	m->phase = SP_RUN;
	m->body_done = body_done;
}

/* Cut short: what to do about it, once. */
static void
sm_end(struct stream_sm *m, enum stream_input in, struct stream_act *a)
{
	a->ends = 1;
	a->signal = SIGKILL;
	switch (in) {
	case SI_DEADLINE:
		m->end = SE_TIMEOUT;
		a->signal = SIGTERM;	/* KILL after the grace (SI_GRACE_OVER) */
		a->status = 504;
		a->why = "script timed out";
		a->timeout = 1;
		break;
	case SI_CLIENT_GONE:
		m->end = SE_CLIENT_GONE;
		a->why = "client closed the connection";
		break;
	case SI_BODY_OVER:
		m->end = SE_BODY_OVER;
		a->status = 413;
		a->why = "request body over the limit";
		a->limit = "body";
		break;
	case SI_OUTPUT_OVER:
		m->end = SE_OUTPUT_OVER;
		a->status = 502;
		a->soft = 1;
		a->why = "output over the limit";
		a->limit = "output";
		break;
	case SI_INVALID:
		m->end = SE_INVALID;
		a->status = 502;
		a->why = "invalid header block";
		break;
	case SI_MEMORY_OVER:
		m->end = SE_BUDGET;
		a->status = 500;
		a->why = "over the request's memory budget";
		a->limit = "memory";
		break;
	case SI_PIDS_OVER:
		m->end = SE_BUDGET;
		a->status = 500;
		a->why = "over the request's process budget";
		a->limit = "processes";
		break;
	default:
		m->end = SE_FAILED;
		a->status = 500;
		a->why = "internal error";
		break;
	}
	/* a script that is gone leaves nothing to signal */
	if (m->exited)
		a->signal = 0;
	m->phase = SP_ENDING;
}

void
stream_step(struct stream_sm *m, enum stream_input in, struct stream_act *a)
{
	memset(a, 0, sizeof(*a));
	if (m->phase == SP_DONE)
		return;
	switch (in) {
	case SI_EXITED:
		m->exited = 1;
		break;
	case SI_CLOSED:
	case SI_DRAIN_OVER:
		m->closed = 1;
		break;
	case SI_BODY_DONE:
		m->body_done = 1;
		break;
	case SI_GRACE_OVER:
		if (m->phase == SP_ENDING && !m->exited)
			a->signal = SIGKILL;
		break;
	default:
		/* the first end is the one told; the others come of it */
		if (m->phase != SP_ENDING)
			sm_end(m, in, a);
		break;
	}
	if (m->phase == SP_ENDING) {
		/* a killed script is waited for, not its body */
		if (m->exited && m->closed)
			m->phase = SP_DONE;
	} else if (!m->exited)
		m->phase = SP_RUN;
	else if (!m->closed)
		m->phase = SP_DRAIN;
	else if (!m->body_done)
		m->phase = SP_DISCARD;
	else
		m->phase = SP_DONE;
}

int
stream_cut(const struct stream_sm *m, int headers_sent)
{
	switch (m->end) {
	case SE_CLIENT_GONE:
	case SE_BODY_OVER:
	case SE_OUTPUT_OVER:
		return 1;
	case SE_TIMEOUT:
	case SE_FAILED:
	case SE_BUDGET:
		return headers_sent;
	default:
		return 0;
	}
}

/* ------------------------------------------------------------ output */

static int
put_out(struct req *r, const char *buf, size_t n)
{
	if (n == 0)
		return 0;
	if (FCGX_PutStr(buf, (int)n, r->fr.out) != (int)n)
		return -1;
	r->bytes += n;
	r->headers_sent = 1;	/* the header block is the first output */
	return 0;
}

/*
 * A script's stderr in the error log is capped per request, so that
 * one request cannot grow the log without bound nor crowd the channel
 * to the master: the profile's "stderr" bytes (64K by default; each line
 * charged what it adds to the log, its stamp and path included) and
 * ERR_LINES_PER_S lines a second after a burst of as many; "infinity"
 * lifts both.  The rest is counted; the cap is told once, the count when
 * the stream ends.
 */
#define ERR_LINES_PER_S	100
#define ERR_STAMP	80	/* a log line's time, pid, level, "stderr:" */

struct errcap {
	char			 line[1024];
	size_t			 len;
	unsigned long long	 max;		/* bytes */
	unsigned long long	 logged;	/* bytes, as charged */
	double			 tokens;	/* lines */
	int64_t			 last;		/* ms */
	unsigned long long	 lost_bytes, lost_lines;
	int			 told;
};

static void
err_cap_init(struct errcap *c, const struct profile *p)
{
	memset(c, 0, sizeof(*c));
	c->max = p->limit_stderr;
	c->tokens = ERR_LINES_PER_S;
	c->last = now_ms();
}

/* One line of stderr: to the log if the cap allows, else counted. */
static void
err_line(struct req *r, struct errcap *c)
{
	unsigned long long	 cost;
	int64_t			 t = now_ms();

	c->line[c->len] = '\0';
	cost = c->len + strlen(r->s.path) + ERR_STAMP;
	c->tokens += (t - c->last) * ERR_LINES_PER_S / 1000.0;
	if (c->tokens > ERR_LINES_PER_S)
		c->tokens = ERR_LINES_PER_S;
	c->last = t;
	/* "stderr = infinity": no cap at all, as before there was one */
	if (c->max == PROFILE_UNLIMITED ||
	    (c->logged + cost <= c->max && c->tokens >= 1)) {
		c->tokens--;
		c->logged += cost;
		log_msg(LOG_WARNING, "%s: stderr: %s", r->s.path, c->line);
	} else {
		if (!c->told)
			log_msg(LOG_WARNING, "%s: stderr over the cap (%llu "
			    "bytes, %d lines a second): the rest is counted, "
			    "not logged", r->s.path, c->max, ERR_LINES_PER_S);
		c->told = 1;
		c->lost_lines++;
		c->lost_bytes += c->len + 1;
	}
	c->len = 0;
}

/* Script stderr: to nginx with -f, else to our log a line at a time. */
static void
put_err(struct req *r, struct errcap *c, const char *buf, size_t n,
    int flush)
{
	size_t	i;

	if (r->w->cf->stderr_to_client) {
		if (n > 0)
			FCGX_PutStr(buf, (int)n, r->fr.err);
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' || c->len == sizeof(c->line) - 1) {
			err_line(r, c);
			if (buf[i] == '\n')
				continue;
		}
		c->line[c->len++] = buf[i];
	}
	if (flush && c->len > 0)
		err_line(r, c);
	if (flush && c->lost_lines > 0) {
		log_msg(LOG_WARNING, "%s: stderr: %llu bytes in %llu lines "
		    "not logged (cap)", r->s.path, c->lost_bytes,
		    c->lost_lines);
		c->lost_lines = c->lost_bytes = 0;
	}
}

/* -------------------------------------------------------------- body */

/* Bytes the FastCGI input stream holds without a read. */
static size_t
fcgi_buffered(FCGX_Stream *in)
{
	return in->rdNext < in->stop ? (size_t)(in->stop - in->rdNext) : 0;
}

/*
 * The request body, read by a thread of its own: libfcgi reads records
 * into a buffer we cannot see, so polling the socket cannot tell whether
 * more body is coming.  Blocking reads here, while the pump streams the
 * output, keep both directions moving at once in constant memory.  What
 * the script does not read is read all the same, up to the body limit,
 * and thrown away: nginx must be able to send all of it.
 */
struct body {
	struct req		*r;
	int			 in_w;		/* script stdin, blocking */
	int			 wake;		/* pump's wake-up pipe */
	volatile int		 done;		/* all of the body was read */
	volatile int		 over;		/* the body limit was passed */
	unsigned long long	 bytes;
	char			 buf[IOBUF];
};

static void *
body_thread(void *arg)
{
	struct body		*b = arg;
	FCGX_Stream		*in = b->r->fr.in;
	unsigned long long	 max = b->r->profile->limit_body;
	size_t			 n, off;
	ssize_t			 k;
	int			 c;

	for (;;) {
		/* take what libfcgi holds, or wait for the next record */
		if ((n = fcgi_buffered(in)) == 0) {
			if ((c = FCGX_GetChar(in)) == EOF)
				break;
			b->buf[0] = (char)c;
			n = 1;
		} else {
			if (n > IOBUF)
				n = IOBUF;
			n = FCGX_GetStr(b->buf, (int)n, in);
		}
		b->bytes += n;
		if (max != 0 && max != PROFILE_UNLIMITED && b->bytes > max) {
			b->over = 1;
			break;
		}
		for (off = 0; b->in_w != -1 && off < n; off += k) {
			k = write(b->in_w, b->buf + off, n - off);
			if (k == -1 && errno == EINTR) {
				k = 0;
				continue;
			}
			if (k <= 0) {
				/* the script stopped reading: drop the rest */
				close(b->in_w);
				b->in_w = -1;
				break;
			}
		}
	}
	if (b->in_w != -1)
		close(b->in_w);
	b->in_w = -1;
	b->done = 1;
	(void)write(b->wake, "b", 1);
	return NULL;
}

/*
 * Whether a body follows the params.  nginx always sends CONTENT_LENGTH
 * with a body, except for chunked uploads without request buffering,
 * where it is empty: then read until the end of the stream.
 */
static int
has_body(struct req *r)
{
	const char	*cl = FCGX_GetParam("CONTENT_LENGTH", r->fr.envp);
	const char	*m = FCGX_GetParam("REQUEST_METHOD", r->fr.envp);

	if (cl != NULL && *cl != '\0')
		return strcmp(cl, "0") != 0;
	return m == NULL || (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0);
}

/* ------------------------------------------------------------- spool */

/*
 * Output that waits for the request body.  nginx stops sending a body
 * once the response it is relaying fills its buffers, so a script that
 * answers while it reads would deadlock with it.  Until the body is in,
 * output goes to an unnamed file in the spool directory (memory does not
 * grow with it); then the file is replayed and output flows live.
 */
struct spool {
	int		fd;
	off_t		len;
};

static void
spool_discard(struct spool *sp)
{
	if (sp->fd != -1)
		close(sp->fd);
	sp->fd = -1;
	sp->len = 0;
}

/* -1: the spool failed (logged); -2: the client is gone. */
static int
emit(struct req *r, struct spool *sp, int waiting, const char *buf, size_t n)
{
	ssize_t	k;

	if (n == 0)
		return 0;
	if (!waiting && sp->len == 0)
		return put_out(r, buf, n) == -1 ? -2 : 0;
	if (sp->fd == -1 && (sp->fd = openat(r->w->cf->spool_fd, ".",
	    O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) == -1) {
		log_msg(LOG_ERR, "spool: %s", strerror(errno));
		return -1;
	}
	for (; n > 0; buf += k, n -= k)
		if ((k = pwrite(sp->fd, buf, n, sp->len)) <= 0) {
			log_msg(LOG_ERR, "spool: %s", k == -1 ?
			    strerror(errno) : "short write");
			return -1;
		} else
			sp->len += k;
	return 0;
}

/* The body is in: what waited goes out, then output flows live. */
static int
spool_flush(struct req *r, struct spool *sp, char *buf)
{
	off_t	off = 0;
	ssize_t	k;

	if (sp->fd == -1)
		return 0;
	while (off < sp->len) {
		k = pread(sp->fd, buf, IOBUF, off);
		if (k <= 0 || put_out(r, buf, k) == -1)
			return -1;
		off += k;
	}
	spool_discard(sp);
	return FCGX_FFlush(r->fr.out);
}

/* -------------------------------------------------------------- pump */

struct stream {
	struct req		*r;
	struct stream_sm	 m;
	struct cgi_headers	*h;
	struct body		*b;
	struct spool		 spool;
	char			*buf;		/* IOBUF */
	int			 out_r, err_r, ctl, conn;
	int			 wake[2];
	pthread_t		 bt;
	int			 have_bt;
	int			 broken;	/* poll failed: stop */
	unsigned		 timeout;	/* s */
	int64_t			 deadline, killat, drain;	/* ms, or 0 */
	int64_t			 budget_at;	/* next budget look, ms */
	int64_t			 settle;	/* until then, exit only */
	unsigned long long	 outmax, outn;	/* stdout bytes, spooled too */
	struct errcap		 err;
};

/*
 * The one way a request is cut short: its script is signalled (step),
 * then it is told, answered and logged here, once.  why, when given,
 * says more than the state machine knows.
 */
static void
end_request(struct stream *s, const struct stream_act *a, const char *why)
{
	struct req	*r = s->r;
	char		 secs[16];

	if (why == NULL)
		why = a->why;
	else {
		/* it may live in s->h, which goes before the access line */
		snprintf(r->whybuf, sizeof(r->whybuf), "%s", why);
		why = r->whybuf;
	}
	if (a->timeout) {
		s->killat = now_ms() + TERM_GRACE_MS;
		snprintf(secs, sizeof(secs), "%u", s->timeout);
		reply_event(r, "timeout_kill", "timeout", secs, NULL, NULL);
		stats_limit_hit("timeout");
	}
	if (a->limit != NULL) {
		reply_event(r, "limit_hit", "limit", a->limit, NULL, NULL);
		stats_limit_hit(a->limit);
	}
	/* what waited for the body never goes out now */
	spool_discard(&s->spool);
	if (a->status == 0 || (a->soft && r->headers_sent))
		r->why = why;
	else
		reply_error(r, a->status, why);
}

/* Everything that happens to a request goes through here. */
static void
feed(struct stream *s, enum stream_input in, const char *why)
{
	struct stream_act	a;

	stream_step(&s->m, in, &a);
	if (a.signal != 0)
		spawn_signal(s->ctl, a.signal);
	if (a.ends)
		end_request(s, &a, why);
	if (in == SI_EXITED)
		s->drain = now_ms() + DRAIN_MS;
}

/*
 * The kernel's counters in the request's cgroup: an OOM kill, or a fork
 * refused at the pids budget, ends the whole request.  Asked on a timer,
 * before the header block goes out and when the script exits, so the
 * event and status are the same whether the kernel's OOM killer took the
 * script itself, one of its children, or only refused a fork.
 */
static void
budget_check(struct stream *s)
{
	if (s->r->leaf == NULL || s->m.phase == SP_ENDING)
		return;
	switch (cgroup_leaf_cause(s->r->leaf)) {
	case CGROUP_CAUSE_MEMORY:
		feed(s, SI_MEMORY_OVER, NULL);
		break;
	case CGROUP_CAUSE_PIDS:
		feed(s, SI_PIDS_OVER, NULL);
		break;
	default:
		break;
	}
}

/*
 * The body is in: what waited for it goes out first, while the request
 * can still end on a failed write (it may be done the moment the body
 * is).
 */
static void
body_done(struct stream *s)
{
	if (s->m.phase != SP_ENDING &&
	    spool_flush(s->r, &s->spool, s->buf) == -1)
		feed(s, SI_CLIENT_GONE, NULL);
	feed(s, SI_BODY_DONE, NULL);
}

/* The script's stdout: the header block, then the answer. */
static void
read_out(struct stream *s)
{
	struct req	*r = s->r;
	size_t		 used = 0;
	ssize_t		 k;
	int		 rc = 0;

	k = read(s->out_r, s->buf, IOBUF);
	if (k == 0 || (k == -1 && errno != EAGAIN && errno != EINTR)) {
		close(s->out_r);
		s->out_r = -1;
		return;
	}
	if (k <= 0 || s->m.phase == SP_ENDING)
		return;		/* after the end, output is thrown away */
	s->outn += k;
	if (s->outmax != 0 && s->outn > s->outmax) {
		feed(s, SI_OUTPUT_OVER, NULL);
		return;
	}
	if (!s->h->done) {
		/* over its budget already: the answer is an error */
		budget_check(s);
		if (s->m.phase == SP_ENDING)
			return;
		switch (cgi_headers_feed(s->h, s->buf, k, &used)) {
		case CGI_MORE:
			return;
		case CGI_INVALID:
			/* refused on purpose (1xx, X-Accel-*): on record */
			if (s->h->refused)
				reply_event(r, "response_refused", "reason",
				    s->h->error, NULL, NULL);
			feed(s, SI_INVALID, s->h->error);
			return;
		case CGI_DONE:
			r->status = s->h->status;
			rc = emit(r, &s->spool, !s->m.body_done, s->h->out,
			    s->h->outlen);
			break;
		}
	}
	if (rc == 0)
		rc = emit(r, &s->spool, !s->m.body_done, s->buf + used,
		    k - used);
	/* output reaches nginx as the script makes it; once it has
	 * exited, the rest goes with the end of the request */
	if (rc == 0 && s->spool.fd == -1 && !s->m.exited &&
	    FCGX_FFlush(r->fr.out) == -1)
		rc = -2;
	if (rc == -1)
		feed(s, SI_FAILED, "cannot spool the output");
	else if (rc == -2)
		feed(s, SI_CLIENT_GONE, NULL);
}

static void
read_err(struct stream *s)
{
	ssize_t	k;

	k = read(s->err_r, s->buf, IOBUF);
	if (k > 0)
		put_err(s->r, &s->err, s->buf, k, 0);
	else if (k == 0 || (errno != EAGAIN && errno != EINTR)) {
		put_err(s->r, &s->err, NULL, 0, 1);
		close(s->err_r);
		s->err_r = -1;
	}
}

/* The clock's part: the deadline, the grace after TERM, the drain. */
static int
timers(struct stream *s)
{
	int64_t	t = now_ms();
	int64_t	next = t + (s->r->leaf != NULL ? BUDGET_MS : WAIT_MS);

	/* on its tick, not on every wake-up: each look is cgroup file
	 * reads (the header block and the exit look at it anyway) */
	if (t >= s->budget_at) {
		budget_check(s);
		s->budget_at = t + BUDGET_MS;
	}

	if (s->m.phase != SP_ENDING && t >= s->deadline)
		feed(s, SI_DEADLINE, NULL);
	if (s->killat != 0 && t >= s->killat) {
		feed(s, SI_GRACE_OVER, NULL);
		s->killat = 0;
	}
	if (s->drain != 0 && t >= s->drain) {
		feed(s, SI_DRAIN_OVER, NULL);
		s->drain = 0;
	}
	if (s->m.phase != SP_ENDING && s->deadline < next)
		next = s->deadline;
	if (s->killat != 0 && s->killat < next)
		next = s->killat;
	if (s->drain != 0 && s->drain < next)
		next = s->drain;
	return next > t ? (int)(next - t) : 0;
}

/*
 * While the script may still finish quickly (SETTLE_MS), its pipes are
 * not watched, only its exit; *timeout shrinks to the window's end.
 */
static int
settling(struct stream *s, int *timeout)
{
	int64_t	left;

	if (s->settle == 0 || s->m.exited || s->m.phase != SP_RUN)
		return 0;
	if ((left = s->settle - now_ms()) <= 0) {
		s->settle = 0;
		return 0;
	}
	if (left < *timeout)
		*timeout = (int)left;
	return 1;
}

/* One turn: wait for something to happen, then feed it in. */
static void
turn(struct stream *s)
{
	struct spawn_reply	rep;
	struct pollfd		pfd[5];
	char			c;
	int			timeout, quiet;

	timeout = timers(s);
	if (s->m.phase == SP_DONE)
		return;
	quiet = settling(s, &timeout);
	pfd[0].fd = quiet ? -1 : s->out_r;
	pfd[0].events = POLLIN;
	pfd[1].fd = quiet ? -1 : s->err_r;
	pfd[1].events = POLLIN;
	pfd[2].fd = s->wake[0];
	pfd[2].events = POLLIN;
	/* once the body is in, a readable socket means nginx left */
	pfd[3].fd = s->m.body_done ? s->conn : -1;
	pfd[3].events = POLLRDHUP;
	pfd[4].fd = s->m.exited ? -1 : s->ctl;
	pfd[4].events = POLLIN;
	if (poll(pfd, 5, timeout) == -1) {
		if (errno != EINTR) {
			feed(s, SI_FAILED, "poll failed");
			s->broken = 1;
		}
		return;
	}
	if (pfd[2].revents & POLLIN)
		while (read(s->wake[0], &c, 1) == 1)
			;
	/* over the limit first: what waited must not go out before 413 */
	if (s->b->over)
		feed(s, SI_BODY_OVER, NULL);
	if (s->b->done && !s->m.body_done)
		body_done(s);
	if (pfd[4].revents & (POLLIN | POLLHUP | POLLERR)) {
		if (spawn_read_reply(s->ctl, &rep) == 0 &&
		    rep.type == SPAWN_EXITED)
			s->r->exit_status = rep.status;
		/* killed at its budget by the kernel: told as such */
		budget_check(s);
		/* a child that is gone leaves nothing behind: its PID
		 * namespace died with it; drain, then stop */
		feed(s, SI_EXITED, NULL);
	}
	if (pfd[3].revents & (POLLRDHUP | POLLHUP | POLLERR)) {
		s->conn = -1;
		feed(s, SI_CLIENT_GONE, NULL);
	}
	if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))
		read_err(s);
	if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
		read_out(s);
	if (s->out_r == -1 && s->err_r == -1 && !s->m.closed)
		feed(s, SI_CLOSED, NULL);
}

/* The script is gone: what a whole answer still needs, and the socket. */
static void
finish(struct stream *s)
{
	struct req		*r = s->r;
	struct spawn_reply	 rep;
	char			 sig[16];

	if (!s->m.exited) {
		/* the loop broke off: make sure */
		spawn_signal(s->ctl, SIGKILL);
		if (spawn_read_reply(s->ctl, &rep) == 0 &&
		    rep.type == SPAWN_EXITED)
			r->exit_status = rep.status;
	}
	if (s->m.end == SE_NONE && !s->h->done) {
		if (cgi_headers_eof(s->h) == CGI_INVALID && s->h->len > 0) {
			snprintf(r->whybuf, sizeof(r->whybuf), "%s",
			    s->h->error);
			reply_error(r, 502, r->whybuf);
		} else
			reply_error(r, 500, "script exited without a valid "
			    "header block");
	}
	if (s->m.end == SE_NONE && r->exit_status != -1 &&
	    WIFSIGNALED(r->exit_status)) {
		snprintf(sig, sizeof(sig), "%d", WTERMSIG(r->exit_status));
		reply_event(r, "script_crash", "signal", sig, NULL, NULL);
	}
	/* a response cut short must not look complete to nginx */
	if (stream_cut(&s->m, r->headers_sent && s->h->done))
		shutdown(r->fr.ipcFd, SHUT_RDWR);
	else if (!s->m.body_done)
		/* cut short before the body was in: nobody reads it */
		shutdown(r->fr.ipcFd, SHUT_RD);
}

void
stream_run(struct req *r, int in_w, int out_r, int err_r, int ctl)
{
	struct stream	s;
	unsigned	timeout;

	memset(&s, 0, sizeof(s));
	s.r = r;
	s.out_r = out_r;
	s.err_r = err_r;
	s.ctl = ctl;
	s.conn = r->fr.ipcFd;
	s.wake[0] = s.wake[1] = -1;
	s.spool.fd = -1;
	s.h = malloc(sizeof(*s.h));
	s.buf = malloc(IOBUF);
	s.b = calloc(1, sizeof(*s.b));
	if (s.h == NULL || s.buf == NULL || s.b == NULL ||
	    (has_body(r) && pipe2(s.wake, O_CLOEXEC | O_NONBLOCK) == -1)) {
		close(in_w);
		spawn_signal(ctl, SIGKILL);
		reply_error(r, 500, "out of memory");
		goto out;
	}
	cgi_headers_init(s.h);
	s.outmax = r->profile->limit_output == PROFILE_UNLIMITED ? 0 :
	    r->profile->limit_output;
	err_cap_init(&s.err, r->profile);
	timeout = r->profile->timeout ? r->profile->timeout : r->w->cf->timeout;
	s.timeout = r->w->cf->timeout < timeout ? r->w->cf->timeout : timeout;
	s.deadline = r->admitted + (int64_t)s.timeout * 1000;
	s.budget_at = now_ms() + BUDGET_MS;
	s.settle = now_ms() + SETTLE_MS;

	s.b->r = r;
	s.b->in_w = in_w;
	s.b->wake = s.wake[1];
	if (!has_body(r)) {
		/* nothing to read: the script sees EOF on stdin at once */
		close(s.b->in_w);
		s.b->in_w = -1;
		s.b->done = 1;
	} else if (pthread_create(&s.bt, NULL, body_thread, s.b) != 0) {
		close(s.b->in_w);
		spawn_signal(ctl, SIGKILL);
		reply_error(r, 500, "cannot start the body reader");
		goto out;
	} else
		s.have_bt = 1;
	stream_sm_init(&s.m, s.b->done);

	while (s.m.phase != SP_DONE && !s.broken)
		turn(&s);
	finish(&s);
out:
	if (s.have_bt)
		pthread_join(s.bt, NULL);
	if (s.out_r != -1)
		close(s.out_r);
	if (s.err_r != -1) {
		/* cut short: the last line and the count still go out */
		put_err(r, &s.err, NULL, 0, 1);
		close(s.err_r);
	}
	if (s.wake[0] != -1) {
		close(s.wake[0]);
		close(s.wake[1]);
	}
	spool_discard(&s.spool);
	free(s.b);
	free(s.h);
	free(s.buf);
}
