/*
 * A worker: accepts FastCGI connections, turns each request into a
 * script run through its profile's spawner, and streams the body in and
 * the response out at the same time.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cap-ng.h>
#include <fcgiapp.h>

#include "audit.h"
#include "cgi.h"
#include "config.h"
#include "filter.h"
#include "jail.h"
#include "profile.h"
#include "relay.h"
#include "safecgi.h"
#include "spawn.h"
#include "validate.h"
#include "worker.h"

#define IOBUF		65536
#define TERM_GRACE_MS	2000	/* TERM, then KILL after this */
#define DRAIN_MS	2000	/* output still arriving after exit */
/* one more than validate takes, so that it sees and refuses the excess */
#define MAX_PARAMS	(VALIDATE_PARAMS_MAX + 1)

struct req;

struct live {
	pid_t			 pid;		/* init of the request's PID ns */
	struct req		*req;
};

struct worker {
	const struct config	*cf;
	const struct profile_set *ps;
	struct spawner		*sp;
	size_t			 nsp;
	int			 listen_fd;
	int			 sigpipe[2];
	pid_t			 pid;

	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;		/* a connection is queued */
	pthread_cond_t		 slot_cv;	/* a request thread is free */
	pthread_cond_t		 live_cv;	/* the live table changed */
	int			*queue;		/* accepted connections */
	int			*qslot;		/* ... and their admission slots */
	int64_t			*admitted;	/* per slot: when, or 0 */
	int			 nadmit;
	int			 qhead, qlen;
	int			 threads, idle, busy;
	uint64_t		 seq;
	struct live		*live;		/* running requests */
	volatile int		 stopping;
	struct jail		 jail;		/* this worker's jail context */
};

static struct worker	W;

/* ---------------------------------------------------------- request */

struct req {
	FCGX_Request		 fr;
	struct audit_req	 ar;
	const struct profile	*profile;
	char			 script[PATH_MAX];
	char			 dir[PATH_MAX];
	char			 interp[PATH_MAX];
	int			 status;	/* what nginx was told */
	unsigned long long	 bytes;		/* response bytes */
	int			 headers_sent;
	int			 exit_status;	/* wait status, or -1 */
	const char		*why;		/* for the access log */
	int64_t			 start;
	char			**env;		/* overrides, or NULL */
	unsigned		 nevents;	/* audit events of this request */
	unsigned		 nsuppressed;	/* ... not written: flood */
	unsigned		 nblocked;	/* denied calls */
	int			 ctl;		/* to its spawner, or -1 */
	char			 ov_path_info[4200];
	char			 ov_script_name[4200];
	char			 ov_script_filename[PATH_MAX + 32];
};

static const char *
param(struct req *r, const char *name)
{
	const char	*v = FCGX_GetParam(name, r->fr.envp);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* An error page of our own: a status, a short text, and a log line. */
static void
respond_error(struct req *r, int status, const char *why)
{
	const char	*text = cgi_status_text(status);

	r->status = status;
	r->why = why;
	if (r->headers_sent)
		return;
	FCGX_FPrintF(r->fr.out, "Status: %d %s\r\nContent-Type: text/plain"
	    "\r\n\r\n%d %s\n", status, text, status, text);
	r->bytes += 0;
	r->headers_sent = 1;
	log_msg(LOG_WARNING, "%s %s: %d %s: %s",
	    r->ar.method ? r->ar.method : "-",
	    r->ar.script ? r->ar.script : "-", status, text, why);
}

/*
 * Flood control.  A script that makes a million denied calls, or a client
 * that sends a million bad requests, must not fill the disk or slow other
 * requests: at most EVENTS_PER_REQUEST events per request, and a token
 * bucket per worker; what is dropped is counted in "suppressed" events.
 * A script past BLOCKED_PER_REQUEST denied calls is killed (limit_hit).
 */
#define EVENTS_PER_REQUEST	64
#define EVENTS_PER_SECOND	200
#define EVENTS_BURST		400
#define BLOCKED_PER_REQUEST	1000

static struct {
	double		tokens;
	int64_t		last;		/* ms */
	unsigned long	dropped;	/* since the last report */
	int64_t		reported;	/* ms */
} bucket = { EVENTS_BURST, 0, 0, 0 };

/*
 * One client flooding refused requests would otherwise have the whole
 * worker budget to itself, for as long as it keeps going: each client
 * (REMOTE_ADDR) gets a bucket of its own, generous enough for a burst of
 * real trouble and small for a flood that lasts.  A fixed table; a
 * client that finds no slot takes the least recently used of its probe
 * sequence, which only ever gives a flooder a fresh burst.
 */
#define CLIENT_EVENTS_PER_SECOND	20
#define CLIENT_EVENTS_BURST		1000
#define CLIENT_SLOTS			256
#define CLIENT_PROBES			8
#define CLIENT_REPORT_MS		10000

static struct client_bucket {
	char		addr[64];
	double		tokens;
	int64_t		last;		/* ms; 0: free */
	unsigned long	dropped;
	int64_t		reported;
} clients[CLIENT_SLOTS];

static struct client_bucket *
client_bucket(const char *addr, int64_t t)
{
	struct client_bucket	*c, *lru = NULL;
	uint32_t		 h = 2166136261u;
	const char		*p;
	int			 i;

	for (p = addr; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (i = 0; i < CLIENT_PROBES; i++) {
		c = &clients[(h + i) % CLIENT_SLOTS];
		if (c->last != 0 && strcmp(c->addr, addr) == 0)
			return c;
		if (lru == NULL || c->last < lru->last)
			lru = c;
	}
	snprintf(lru->addr, sizeof(lru->addr), "%s", addr);
	lru->tokens = CLIENT_EVENTS_BURST;
	lru->last = t;
	lru->dropped = 0;
	lru->reported = t - CLIENT_REPORT_MS;	/* the first drop is told */
	return lru;
}

/* Called with W.mu held. */
static int
client_admit(const char *addr, int64_t t)
{
	struct client_bucket	*c;

	if (addr == NULL || *addr == '\0')
		return 1;
	c = client_bucket(addr, t);
	c->tokens += (t - c->last) * CLIENT_EVENTS_PER_SECOND / 1000.0;
	if (c->tokens > CLIENT_EVENTS_BURST)
		c->tokens = CLIENT_EVENTS_BURST;
	c->last = t;
	if (c->tokens >= 1) {
		c->tokens--;
		return 1;
	}
	c->dropped++;
	if (t - c->reported >= CLIENT_REPORT_MS) {
		struct audit_event	ev = { 0 };
		char			n[24];

		snprintf(n, sizeof(n), "%lu", c->dropped);
		ev.event = "suppressed";
		audit_kv(&ev, "scope", "client");
		audit_kv(&ev, "client", c->addr);
		audit_kv(&ev, "count", n);
		audit_emit(&ev);
		c->dropped = 0;
		c->reported = t;
	}
	return 0;
}

/* Called with W.mu held. */
static int
event_admit(struct req *r)
{
	int64_t	t = now_ms();

	if (r != NULL && ++r->nevents > EVENTS_PER_REQUEST) {
		r->nsuppressed++;
		return 0;
	}
	if (r != NULL && !client_admit(r->ar.client, t))
		return 0;
	bucket.tokens += (t - bucket.last) * EVENTS_PER_SECOND / 1000.0;
	if (bucket.tokens > EVENTS_BURST)
		bucket.tokens = EVENTS_BURST;
	bucket.last = t;
	if (bucket.tokens < 1) {
		bucket.dropped++;
		return 0;
	}
	bucket.tokens--;
	if (bucket.dropped > 0 && t - bucket.reported >= 1000) {
		struct audit_event	ev = { 0 };
		char			n[24];

		snprintf(n, sizeof(n), "%lu", bucket.dropped);
		ev.event = "suppressed";
		audit_kv(&ev, "scope", "worker");
		audit_kv(&ev, "count", n);
		audit_emit(&ev);
		bucket.dropped = 0;
		bucket.reported = t;
	}
	return 1;
}

static void
event(struct req *r, const char *name, const char *k1, const char *v1,
    const char *k2, const char *v2)
{
	struct audit_event	ev = { 0 };

	ev.event = name;
	ev.req = &r->ar;
	audit_kv(&ev, k1, v1);
	audit_kv(&ev, k2, v2);
	pthread_mutex_lock(&W.mu);
	if (event_admit(r))
		audit_emit(&ev);
	pthread_mutex_unlock(&W.mu);
}

static enum cgi_ftype
stat_type(const char *path, void *arg)
{
	struct stat	st;

	(void)arg;
	if (stat(path, &st) == -1)
		return errno == ENOENT || errno == ENOTDIR ? FT_NONE :
		    FT_OTHER;
	if (S_ISDIR(st.st_mode))
		return FT_DIR;
	return S_ISREG(st.st_mode) ? FT_FILE : FT_OTHER;
}

static int
allowed_by_p(const struct config *cf, const char *path)
{
	size_t	i;

	if (cf->allowed.n == 0)
		return 1;
	for (i = 0; i < cf->allowed.n; i++)
		if (strcmp(cf->allowed.v[i], path) == 0)
			return 1;
	return 0;
}

/*
 * Which file runs, and may it: resolution, canonical path, -p, the
 * suEXEC-style checks, and its interpreter.  Returns 0 or a status.
 */
static int
find_script(struct req *r, struct cgi_target *t)
{
	struct stat	 st, dst;
	const char	*why;
	char		 head[256];
	ssize_t		 n;
	int		 status, fd;
	char		*slash;

	status = cgi_resolve(param(r, "SCRIPT_FILENAME"),
	    param(r, "DOCUMENT_ROOT"), param(r, "SCRIPT_NAME"),
	    param(r, "PATH_INFO"), stat_type, NULL, t);
	if (status != 0) {
		r->ar.script = t->path;
		respond_error(r, status, status == 404 ? "script not found" :
		    status == 403 ? "not a regular file" :
		    "no SCRIPT_FILENAME or DOCUMENT_ROOT+SCRIPT_NAME");
		return status;
	}
	if (realpath(t->path, r->script) == NULL) {
		r->ar.script = t->path;
		respond_error(r, 404, "script not found");
		return 404;
	}
	r->ar.script = r->script;
	if (!allowed_by_p(W.cf, r->script)) {
		respond_error(r, 403, "script not allowed by -p");
		event(r, "request_refused", "rule", "not-allowed", "variable",
		    "SCRIPT_FILENAME");
		return 403;
	}
	snprintf(r->dir, sizeof(r->dir), "%s", r->script);
	if ((slash = strrchr(r->dir, '/')) != NULL)
		*(slash == r->dir ? slash + 1 : slash) = '\0';
	if (stat(r->script, &st) == -1 || stat(r->dir, &dst) == -1) {
		respond_error(r, 404, "script not found");
		return 404;
	}
	if ((why = script_check(&st, &dst, (uid_t)-1)) != NULL) {
		respond_error(r, 403, why);
		event(r, "request_refused", "rule", why, "variable",
		    "SCRIPT_FILENAME");
		return 403;
	}
	/* The interpreter is allowed to execute along with the script. */
	r->interp[0] = '\0';
	if ((fd = open(r->script, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, head, sizeof(head) - 1);
		close(fd);
		if (n > 0 && cgi_shebang(head, n, head, sizeof(head)) == 0 &&
		    realpath(head, r->interp) == NULL)
			r->interp[0] = '\0';
	}
	return 0;
}

static const struct spawner *
spawner_for(const struct profile *p)
{
	size_t	i;

	for (i = 0; i < W.nsp; i++)
		if (W.sp[i].profile == p)
			return &W.sp[i];
	return NULL;
}

static void
live_set(struct req *r, pid_t pid)
{
	int	i;

	pthread_mutex_lock(&W.mu);
	for (i = 0; i < W.cf->max_requests; i++)
		if (pid != 0 ? W.live[i].req == NULL : W.live[i].req == r) {
			W.live[i].pid = pid;
			W.live[i].req = pid != 0 ? r : NULL;
			break;
		}
	pthread_cond_broadcast(&W.live_cv);
	pthread_mutex_unlock(&W.mu);
}

static int
put_out(struct req *r, const char *buf, size_t n)
{
	if (n == 0)
		return 0;
	if (FCGX_PutStr(buf, (int)n, r->fr.out) != (int)n)
		return -1;
	r->bytes += n;
	return 0;
}

/* Script stderr: to nginx with -f, else to our log a line at a time. */
static void
put_err(struct req *r, char *line, size_t *llen, const char *buf, size_t n,
    int flush)
{
	size_t	i;

	if (W.cf->stderr_to_client) {
		if (n > 0)
			FCGX_PutStr(buf, (int)n, r->fr.err);
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' || *llen == 1023) {
			line[*llen] = '\0';
			log_msg(LOG_WARNING, "%s: stderr: %s", r->script, line);
			*llen = 0;
			if (buf[i] == '\n')
				continue;
		}
		line[(*llen)++] = buf[i];
	}
	if (flush && *llen > 0) {
		line[*llen] = '\0';
		log_msg(LOG_WARNING, "%s: stderr: %s", r->script, line);
		*llen = 0;
	}
}

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
 * output, keep both directions moving at once in constant memory.
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

static int
emit(struct req *r, struct spool *sp, int waiting, const char *buf, size_t n)
{
	ssize_t	k;

	if (n == 0)
		return 0;
	if (!waiting && sp->len == 0)
		return put_out(r, buf, n);
	if (sp->fd == -1 && (sp->fd = openat(W.cf->spool_fd, ".",
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
	close(sp->fd);
	sp->fd = -1;
	sp->len = 0;
	return FCGX_FFlush(r->fr.out);
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

/*
 * The request's life after the spawn: body in (body_thread), output out,
 * both at once, under the deadline.  Returns when the script is gone and
 * its output drained.
 */
static void
pump(struct req *r, int in_w, int out_r, int err_r, int ctl)
{
	struct cgi_headers	*h;
	struct spawn_reply	 rep;
	struct pollfd		 pfd[5];
	struct body		*b = NULL;
	struct spool		 spool = { -1, 0 };
	pthread_t		 bt;
	char			*buf, errline[1024], c;
	size_t			 used, errlen = 0;
	int64_t			 deadline, killat = 0, drain = 0, t;
	int			 exited = 0, aborted = 0, have_bt = 0;
	int			 timedout = 0, invalid = 0, limit = 0;
	int			 wake[2] = { -1, -1 }, conn = r->fr.ipcFd;
	unsigned long long	 outmax = r->profile->limit_output;
	ssize_t			 k;
	unsigned		 timeout;

	h = malloc(sizeof(*h));
	buf = malloc(IOBUF);
	b = calloc(1, sizeof(*b));
	if (h == NULL || buf == NULL || b == NULL ||
	    (has_body(r) && pipe2(wake, O_CLOEXEC | O_NONBLOCK) == -1)) {
		spawn_signal(ctl, SIGKILL);
		respond_error(r, 500, "out of memory");
		goto out;
	}
	if (outmax == PROFILE_UNLIMITED)
		outmax = 0;
	cgi_headers_init(h);
	timeout = r->profile->timeout ? r->profile->timeout : W.cf->timeout;
	if (W.cf->timeout < timeout)
		timeout = W.cf->timeout;
	deadline = r->start + (int64_t)timeout * 1000;

	b->r = r;
	b->in_w = in_w;
	b->wake = wake[1];
	in_w = -1;
	if (!has_body(r)) {
		/* nothing to read: the script sees EOF on stdin at once */
		close(b->in_w);
		b->in_w = -1;
		b->done = 1;
	} else if (pthread_create(&bt, NULL, body_thread, b) != 0) {
		close(b->in_w);
		spawn_signal(ctl, SIGKILL);
		respond_error(r, 500, "cannot start the body reader");
		goto out;
	} else
		have_bt = 1;

	while (out_r != -1 || err_r != -1 || !exited) {
		pfd[0].fd = out_r;
		pfd[0].events = POLLIN;
		pfd[1].fd = err_r;
		pfd[1].events = POLLIN;
		pfd[2].fd = wake[0];
		pfd[2].events = POLLIN;
		/* once the body is in, a readable socket means nginx left */
		pfd[3].fd = b->done ? conn : -1;
		pfd[3].events = POLLRDHUP;
		pfd[4].fd = exited ? -1 : ctl;
		pfd[4].events = POLLIN;

		t = now_ms();
		if (!timedout && t >= deadline) {
			timedout = 1;
			killat = t + TERM_GRACE_MS;
			spawn_signal(ctl, SIGTERM);
			{
				char	secs[16];

				snprintf(secs, sizeof(secs), "%u", timeout);
				event(r, "timeout_kill", "timeout", secs, NULL,
				    NULL);
			}
			respond_error(r, 504, "script timed out");
		}
		if (killat && t >= killat) {
			spawn_signal(ctl, SIGKILL);
			killat = 0;
		}
		if (drain && t >= drain)
			break;
		t = (killat ? killat : drain ? drain : deadline) - t;
		if (timedout && !killat && !drain)
			t = 1000;
		if (poll(pfd, 5, t < 0 ? 0 : (int)t) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[2].revents & POLLIN)
			while (read(wake[0], &c, 1) == 1)
				;
		if (b->done && spool.fd != -1 && !aborted &&
		    spool_flush(r, &spool, buf) == -1) {
			aborted = 1;
			spawn_signal(ctl, SIGKILL);
			r->why = "client closed the connection";
		}
		if (b->over && !limit) {
			limit = 1;
			event(r, "limit_hit", "limit", "body", NULL, NULL);
			respond_error(r, 413, "request body over the limit");
			spawn_signal(ctl, SIGKILL);
		}
		if (pfd[4].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (spawn_read_reply(ctl, &rep) == 0 &&
			    rep.type == SPAWN_EXITED)
				r->exit_status = rep.status;
			/* a child that is gone leaves nothing behind: its
			 * PID namespace died with it; drain, then stop */
			exited = 1;
			drain = now_ms() + DRAIN_MS;
		}
		if (pfd[3].revents & (POLLRDHUP | POLLHUP | POLLERR)) {
			/* nginx closed: the client went away */
			aborted = 1;
			spawn_signal(ctl, SIGKILL);
			r->why = "client closed the connection";
			conn = -1;
		}
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			k = read(err_r, buf, IOBUF);
			if (k > 0)
				put_err(r, errline, &errlen, buf, k, 0);
			else if (k == 0 || errno != EAGAIN) {
				put_err(r, errline, &errlen, NULL, 0, 1);
				close(err_r);
				err_r = -1;
			}
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			k = read(out_r, buf, IOBUF);
			if (k == 0 || (k == -1 && errno != EAGAIN)) {
				close(out_r);
				out_r = -1;
				continue;
			}
			if (k <= 0 || aborted || timedout || invalid || limit)
				continue;
			if (outmax && r->bytes + k > outmax) {
				limit = 1;
				event(r, "limit_hit", "limit", "output", NULL,
				    NULL);
				spawn_signal(ctl, SIGKILL);
				if (!r->headers_sent)
					respond_error(r, 502,
					    "output over the limit");
				else
					r->why = "output over the limit";
				continue;
			}
			if (!h->done) {
				switch (cgi_headers_feed(h, buf, k, &used)) {
				case CGI_MORE:
					continue;
				case CGI_INVALID:
					invalid = 1;
					spawn_signal(ctl, SIGKILL);
					if (h->refused)
						event(r, "response_refused",
						    "reason", h->error, NULL,
						    NULL);
					respond_error(r, 502, h->error);
					continue;
				case CGI_DONE:
					r->status = h->status;
					r->headers_sent = 1;
					if (emit(r, &spool, !b->done, h->out,
					    h->outlen) == -1 || emit(r, &spool,
					    !b->done, buf + used, k - used) == -1)
						aborted = 1;
				}
			} else if (emit(r, &spool, !b->done, buf, k) == -1)
				aborted = 1;
			/* output reaches nginx as the script makes it */
			if (!aborted && spool.fd == -1 &&
			    FCGX_FFlush(r->fr.out) == -1)
				aborted = 1;
			if (aborted) {
				spawn_signal(ctl, SIGKILL);
				r->why = "client closed the connection";
			}
		}
	}
	if (spool.fd != -1 && !aborted && !limit && !invalid) {
		/* the script is done; the body reader ends with it */
		if (!b->done)
			shutdown(r->fr.ipcFd, SHUT_RD);
		if (have_bt) {
			pthread_join(bt, NULL);
			have_bt = 0;
		}
		if (spool_flush(r, &spool, buf) == -1)
			aborted = 1;
	}
	if (!exited) {
		/* outputs closed early or drain ran out: make sure */
		spawn_signal(ctl, SIGKILL);
		if (spawn_read_reply(ctl, &rep) == 0 &&
		    rep.type == SPAWN_EXITED)
			r->exit_status = rep.status;
	}
	if (!h->done && !invalid && !timedout && !aborted && !limit) {
		if (cgi_headers_eof(h) == CGI_INVALID && h->len > 0)
			respond_error(r, 502, h->error);
		else
			respond_error(r, 500, "script exited without a valid "
			    "header block");
	}
	if (r->exit_status != -1 && WIFSIGNALED(r->exit_status) &&
	    !timedout && !aborted && !limit && !invalid) {
		char	sig[16];

		snprintf(sig, sizeof(sig), "%d", WTERMSIG(r->exit_status));
		event(r, "script_crash", "signal", sig, NULL, NULL);
	}
	/* a response cut short must not look complete to nginx */
	if (aborted || limit || (timedout && r->headers_sent && h->done))
		shutdown(r->fr.ipcFd, SHUT_RDWR);
	else if (!b->done)
		/* the script is gone; stop waiting for a body nobody reads */
		shutdown(r->fr.ipcFd, SHUT_RD);
out:
	if (have_bt)
		pthread_join(bt, NULL);
	if (in_w != -1)
		close(in_w);
	if (out_r != -1)
		close(out_r);
	if (err_r != -1)
		close(err_r);
	if (wake[0] != -1) {
		close(wake[0]);
		close(wake[1]);
	}
	if (spool.fd != -1)
		close(spool.fd);
	free(b);
	free(h);
	free(buf);
}

static void
access_line(struct req *r)
{
	char	how[32];

	if (r->nsuppressed > 0) {
		struct audit_event	ev = { 0 };
		char			n[24];

		snprintf(n, sizeof(n), "%u", r->nsuppressed);
		ev.event = "suppressed";
		ev.req = &r->ar;
		audit_kv(&ev, "scope", "request");
		audit_kv(&ev, "count", n);
		audit_emit(&ev);
	}

	if (r->exit_status == -1)
		snprintf(how, sizeof(how), "-");
	else if (WIFSIGNALED(r->exit_status))
		snprintf(how, sizeof(how), "signal=%d",
		    WTERMSIG(r->exit_status));
	else
		snprintf(how, sizeof(how), "exit=%d",
		    WEXITSTATUS(r->exit_status));
	log_msg(LOG_INFO, "access client=%s method=%s script=%s profile=%s "
	    "status=%d bytes=%llu ms=%lld %s%s%s",
	    r->ar.client ? r->ar.client : "-",
	    r->ar.method ? r->ar.method : "-",
	    r->ar.script ? r->ar.script : "-",
	    r->ar.profile ? r->ar.profile : "-", r->status, r->bytes,
	    (long long)(now_ms() - r->start), how,
	    r->why ? " why=" : "", r->why ? r->why : "");
}

static void
findings_report(struct req *r, const struct validate_result *vr)
{
	static const char *const kinds[] = {
		"request_refused", "variable_dropped", "suspicious_input",
		"suspicious_input",
	};
	size_t	i;

	for (i = 0; i < vr->nfindings; i++) {
		const struct finding	*f = &vr->findings[i];
		struct audit_event	 ev = { 0 };

		ev.event = kinds[f->kind];
		ev.req = &r->ar;
		audit_kv(&ev, "variable", f->var);
		audit_kv(&ev, f->kind == FINDING_SUSPICIOUS ||
		    f->kind == FINDING_FLAGGED ? "signature" : "rule",
		    f->rule);
		audit_kv(&ev, "excerpt", f->excerpt);
		pthread_mutex_lock(&W.mu);
		if (event_admit(r))
			audit_emit(&ev);
		pthread_mutex_unlock(&W.mu);
	}
}

/* The relay's events belong to no request (see relay.h). */
void
worker_event(const struct audit_event *ev)
{
	pthread_mutex_lock(&W.mu);
	if (event_admit(NULL))
		audit_emit(ev);
	pthread_mutex_unlock(&W.mu);
}

/*
 * When the script path was split, the script must see the split:
 * PATH_INFO is the tail, SCRIPT_NAME loses it, SCRIPT_FILENAME is the
 * canonical file.  The strings live in r, the array in vr's arena.
 */
static int
env_override(struct validate_result *vr, struct req *r,
    const struct cgi_target *t)
{
	static const char *const names[] = {
		"PATH_INFO=", "SCRIPT_NAME=", "SCRIPT_FILENAME="
	};
	const char	*sn = param(r, "SCRIPT_NAME");
	char		**env;
	size_t		 i, j, k = 0, pl = strlen(t->path_info), snl;

	snprintf(r->ov_path_info, sizeof(r->ov_path_info), "PATH_INFO=%s",
	    t->path_info);
	snprintf(r->ov_script_filename, sizeof(r->ov_script_filename),
	    "SCRIPT_FILENAME=%s", r->script);
	r->ov_script_name[0] = '\0';
	if (sn != NULL && (snl = strlen(sn)) >= pl &&
	    strcmp(sn + snl - pl, t->path_info) == 0)
		snprintf(r->ov_script_name, sizeof(r->ov_script_name),
		    "SCRIPT_NAME=%.*s", (int)(snl - pl), sn);
	if ((env = calloc(vr->nenv + 4, sizeof(*env))) == NULL)
		return -1;
	for (i = 0; i < vr->nenv; i++) {
		for (j = 0; j < nitems(names); j++)
			if (strncmp(vr->env[i], names[j],
			    strlen(names[j])) == 0)
				break;
		if (j == nitems(names) ||
		    (j == 1 && r->ov_script_name[0] == '\0'))
			env[k++] = vr->env[i];
	}
	env[k++] = r->ov_path_info;
	env[k++] = r->ov_script_filename;
	if (r->ov_script_name[0] != '\0')
		env[k++] = r->ov_script_name;
	env[k] = NULL;
	r->env = env;
	return 0;
}

static void
serve(struct req *r)
{
	struct param		 params[MAX_PARAMS];
	struct validate_opts	 vo = { 0 };
	struct validate_result	 vr = { 0 };
	struct cgi_target	*t = NULL;
	struct spawn_reply	 rep;
	const struct spawner	*sp;
	char			 why[256], **e, *eq;
	size_t			 np = 0;
	int			 pin[2] = { -1, -1 }, pout[2] = { -1, -1 };
	int			 perr[2] = { -1, -1 }, ctl[2] = { -1, -1 };

	r->start = now_ms();
	r->nevents = r->nsuppressed = r->nblocked = 0;
	r->ctl = -1;
	r->status = 200;
	r->exit_status = -1;
	pthread_mutex_lock(&W.mu);
	r->ar.seq = ++W.seq;
	pthread_mutex_unlock(&W.mu);
	r->ar.worker_pid = W.pid;
	r->ar.client = param(r, "REMOTE_ADDR");
	r->ar.method = param(r, "REQUEST_METHOD");
	r->ar.uri = param(r, "REQUEST_URI");

	if ((t = malloc(sizeof(*t))) == NULL) {
		respond_error(r, 500, "out of memory");
		goto done;
	}
	for (e = r->fr.envp; *e != NULL && np < MAX_PARAMS; e++) {
		if ((eq = strchr(*e, '=')) == NULL)
			continue;
		params[np].name = *e;
		params[np].name_len = eq - *e;
		params[np].value = eq + 1;
		params[np].value_len = strlen(eq + 1);
		np++;
	}
	if (find_script(r, t) != 0) {
		/*
		 * Scanners probe scripts that are not there: their payloads
		 * are recorded all the same, under the default rules.
		 */
		vo.server_software = SAFECGI_SOFTWARE;
		vo.path = SAFECGI_PATH;
		if (validate_params(params, np, &vo, &vr) == 0)
			findings_report(r, &vr);
		goto done;
	}

	r->profile = profile_match(W.ps, r->script,
	    param(r, "SAFECGI_PROFILE"), why, sizeof(why));
	r->ar.profile = r->profile->name;

	vo.query_mode = r->profile->query_mode;
	vo.suspicious = r->profile->suspicious;
	vo.drop = (const char * const *)r->profile->env_drop.v;
	vo.pass = (const char * const *)r->profile->env_pass.v;
	vo.server_software = SAFECGI_SOFTWARE;
	vo.path = SAFECGI_PATH;
	if (validate_params(params, np, &vo, &vr) == -1) {
		respond_error(r, 500, "out of memory");
		goto done;
	}
	findings_report(r, &vr);
	if (vr.status != 0) {
		respond_error(r, vr.status, "request refused by validation");
		goto done;
	}

	if (t->split && env_override(&vr, r, t) == -1) {
		respond_error(r, 500, "out of memory");
		goto done;
	}
	if ((sp = spawner_for(r->profile)) == NULL) {
		respond_error(r, 500, "no spawner for the profile");
		goto done;
	}
	if (pipe2(pin, O_CLOEXEC) == -1 || pipe2(pout, O_CLOEXEC) == -1 ||
	    pipe2(perr, O_CLOEXEC) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) == -1) {
		respond_error(r, 500, "out of file descriptors");
		goto done;
	}
	fcntl(pout[0], F_SETFL, O_NONBLOCK);
	fcntl(perr[0], F_SETFL, O_NONBLOCK);
	if (spawn_request((struct spawner *)sp, r->script, r->dir,
	    r->interp[0] ? r->interp : NULL, r->env ? r->env : vr.env,
	    pin[0], pout[1],
	    perr[1], ctl[1]) == -1) {
		respond_error(r, 500, "spawner unavailable");
		goto done;
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	close(ctl[1]);
	pin[0] = pout[1] = perr[1] = ctl[1] = -1;
	if (spawn_read_reply(ctl[0], &rep) == -1) {
		respond_error(r, 500, "spawner did not answer");
		goto done;
	}
	if (rep.type == SPAWN_FAILED) {
		snprintf(why, sizeof(why), "%s failed: %s",
		    jail_stage_name(rep.stage), strerror(rep.err));
		/* the script's own execve failing is a configuration
		 * error, logged above; exec_denied is for what the jail
		 * refuses a script */
		if (rep.stage == STAGE_EXEC)
			respond_error(r, 502, why);
		else
			respond_error(r, 500, why);
		r->status = rep.stage == STAGE_EXEC ? 502 : 500;
		goto done;
	}
	r->ar.script_pid = rep.pid;
	r->ctl = ctl[0];
	/* its PID namespace names the request in seccomp notifications */
	live_set(r, rep.pid);
	pump(r, pin[1], pout[0], perr[0], ctl[0]);
	live_set(r, 0);
	r->ctl = -1;
	pin[1] = pout[0] = perr[0] = -1;
done:
	access_line(r);
	free(r->env);
	r->env = NULL;
	validate_result_free(&vr);
	free(t);
	if (pin[0] != -1) close(pin[0]);
	if (pin[1] != -1) close(pin[1]);
	if (pout[0] != -1) close(pout[0]);
	if (pout[1] != -1) close(pout[1]);
	if (perr[0] != -1) close(perr[0]);
	if (perr[1] != -1) close(perr[1]);
	if (ctl[0] != -1) close(ctl[0]);
	if (ctl[1] != -1) close(ctl[1]);
}

/* ---------------------------------------------------------- threads */

static void *
request_thread(void *arg)
{
	struct req	*r;
	int		 fd, slot;
	int64_t		 mine;

	(void)arg;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	for (;;) {
		pthread_mutex_lock(&W.mu);
		W.idle++;
		while (W.qlen == 0)
			pthread_cond_wait(&W.cv, &W.mu);
		W.idle--;
		fd = W.queue[W.qhead];
		slot = W.qslot[W.qhead];
		mine = W.admitted[slot];
		W.qhead = (W.qhead + 1) % W.cf->max_requests;
		W.qlen--;
		pthread_mutex_unlock(&W.mu);

		/*
		 * Hand libfcgi a connection we accepted ourselves: with
		 * keepConnection set it reads the request from ipcFd instead
		 * of calling accept, and leaves the fd to us when done.
		 */
		memset(r, 0, sizeof(*r));
		FCGX_InitRequest(&r->fr, -1, 0);
		r->fr.ipcFd = fd;
		r->fr.keepConnection = 1;
		while (FCGX_Accept_r(&r->fr) == 0) {
			serve(r);
			FCGX_Finish_r(&r->fr);
			if (!r->fr.keepConnection || r->fr.ipcFd == -1)
				break;
			memset(&r->ar, 0, sizeof(r->ar));
		}
		if (r->fr.ipcFd != -1)
			close(r->fr.ipcFd);
		r->fr.ipcFd = -1;
		FCGX_Free(&r->fr, 0);

		pthread_mutex_lock(&W.mu);
		W.busy--;
		/* free the admission slot, unless it aged and moved on */
		if (W.admitted[slot] == mine)
			W.admitted[slot] = 0;
		pthread_cond_signal(&W.slot_cv);
		pthread_mutex_unlock(&W.mu);
	}
	return NULL;
}

/*
 * Admission.  On a CPU-bound load, more scripts running at once than
 * there are CPUs only stretches every response (and the tail most); so a
 * worker starts at most one new request per CPU at a time.  A request
 * stops counting once it has run ADMIT_AGE_MS: a slow script, sleeping or
 * waiting on I/O, never holds back the fast ones behind it.
 */
#define ADMIT_AGE_MS	20

static int
admission_size(void)
{
	long	n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* Called with W.mu held: a free slot, or -1. */
static int
admission_slot(void)
{
	int64_t	t = now_ms();
	int	i;

	for (i = 0; i < W.nadmit; i++)
		if (W.admitted[i] == 0 || t - W.admitted[i] >= ADMIT_AGE_MS)
			return i;
	return -1;
}

/* Called with W.mu held: until a request ends or a slot ages. */
static void
slot_wait(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 2 * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&W.slot_cv, &W.mu, &ts);
}

static int
thread_start(void)
{
	pthread_attr_t	a;
	pthread_t	t;
	int		rc;

	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 256 * 1024);
	rc = pthread_create(&t, &a, request_thread, NULL);
	pthread_attr_destroy(&a);
	if (rc != 0)
		return -1;
	W.threads++;
	return 0;
}

/* Is init a process in the PID namespace st describes? */
static int
same_pidns(pid_t init, const struct stat *st)
{
	char		link[64];
	struct stat	is;

	snprintf(link, sizeof(link), "/proc/%d/ns/pid", (int)init);
	return stat(link, &is) == 0 && is.st_ino == st->st_ino &&
	    is.st_dev == st->st_dev;
}

/*
 * The tarpit.  Once a request's denied calls are no longer written down
 * (EVENTS_PER_REQUEST), each further one is answered TARPIT_MS late: the
 * script sleeps in the kernel instead of spinning through the filter and
 * this thread, so a flood costs the machine waiting time, not the CPU
 * other requests need, until BLOCKED_PER_REQUEST stops it.  Answers are
 * queued in arrival order, so the ring stays sorted by due time; when it
 * is full, the answer goes out at once.
 */
#define TARPIT_MS	2
#define TARPIT_MAX	256

struct deferred {
	int		fd;
	uint64_t	id;
	int		answer;
	int64_t		due;		/* ms */
};

static struct {
	struct deferred	v[TARPIT_MAX];
	int		head, len;
} tarpit;

static int
tarpit_defer(int fd, const struct filter_event *fe, int answer)
{
	struct deferred	*d;

	if (tarpit.len == TARPIT_MAX)
		return -1;
	d = &tarpit.v[(tarpit.head + tarpit.len++) % TARPIT_MAX];
	d->fd = fd;
	d->id = fe->id;
	d->answer = answer;
	d->due = now_ms() + TARPIT_MS;
	return 0;
}

/* Answer what is due; returns the poll timeout until the next one. */
static int
tarpit_release(void)
{
	struct filter_event	 fe = { 0 };
	struct deferred		*d;
	int64_t			 t = now_ms();

	while (tarpit.len > 0) {
		d = &tarpit.v[tarpit.head];
		if (d->due > t)
			return (int)(d->due - t);
		fe.id = d->id;
		filter_notify_reply(d->fd, &fe, d->answer);
		tarpit.head = (tarpit.head + 1) % TARPIT_MAX;
		tarpit.len--;
	}
	return -1;
}

/* Seccomp notifications from every spawner: report, then answer. */
static void *
notify_thread(void *arg)
{
	struct pollfd		*pfd;
	struct filter_event	 fe;
	size_t			 i;

	(void)arg;
	if ((pfd = calloc(W.nsp, sizeof(*pfd))) == NULL)
		return NULL;
	for (i = 0; i < W.nsp; i++) {
		pfd[i].fd = W.sp[i].notify_fd;
		pfd[i].events = POLLIN;
	}
	for (;;) {
		if (poll(pfd, W.nsp, tarpit_release()) == -1) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		for (i = 0; i < W.nsp; i++) {
			const struct profile	*p = W.sp[i].profile;
			struct audit_event	 ev = { 0 };
			struct audit_req	 ar = { 0 };
			struct req		*r = NULL;
			char			 nr[16], link[64];
			char			 canon[PATH_MAX];
			struct stat		 st;
			int			 j, answer, allowed = 1;
			int			 complain, slow = 0;

			if (pfd[i].revents & (POLLHUP | POLLERR))
				pfd[i].fd = -1;
			if (!(pfd[i].revents & POLLIN))
				continue;
			if (filter_notify_recv(pfd[i].fd, &fe) == -1)
				continue;
			complain = p->mode == MODE_COMPLAIN;

			/* which request: the caller's PID namespace says */
			snprintf(link, sizeof(link), "/proc/%d/ns/pid",
			    (int)fe.pid);
			pthread_mutex_lock(&W.mu);
			/*
			 * Which request: the caller is its init (the common
			 * case, no lookup) or shares its PID namespace.  The
			 * script may run before its request thread has heard
			 * from the spawner: wait a little for it.
			 */
			{
				struct timespec	until;
				int		have_st = -1;

				clock_gettime(CLOCK_REALTIME, &until);
				until.tv_nsec += 200 * 1000000L;
				if (until.tv_nsec >= 1000000000L) {
					until.tv_sec++;
					until.tv_nsec -= 1000000000L;
				}
				for (;;) {
					for (j = 0; j < W.cf->max_requests &&
					    r == NULL; j++)
						if (W.live[j].req != NULL &&
						    W.live[j].pid == fe.pid)
							r = W.live[j].req;
					if (r == NULL && have_st == -1)
						have_st = stat(link, &st) == 0;
					for (j = 0; have_st == 1 &&
					    j < W.cf->max_requests &&
					    r == NULL; j++)
						if (W.live[j].req != NULL &&
						    same_pidns(W.live[j].pid,
						    &st))
							r = W.live[j].req;
					if (r != NULL) {
						ar = r->ar;
						break;
					}
					if (have_st == 0 ||
					    pthread_cond_timedwait(&W.live_cv,
					    &W.mu, &until) != 0)
						break;
				}
			}
			if (r == NULL) {
				ar.worker_pid = W.pid;
				ar.profile = p->name;
			}
			ar.script_pid = fe.pid;
			ev.req = &ar;

			if (fe.nr == __NR_execve) {
				/* recorded, then left to Landlock when it
				 * may run; refused as Landlock would when
				 * not (complain mode lets it run) */
				int	v;

				v = jail_exec_verdict(&W.jail, p, fe.pid,
				    r ? r->script : NULL, r && r->interp[0] ?
				    r->interp : NULL, fe.path, canon,
				    sizeof(canon));
				allowed = v == 1;
				answer = allowed || complain ? 0 :
				    v < 0 ? -v : EACCES;
				if (v == 0) {
					ev.event = "exec_denied";
					audit_kv(&ev, "path", fe.path);
					if (strcmp(canon, fe.path) != 0)
						audit_kv(&ev, "resolved", canon);
					if (complain)
						audit_kv(&ev, "mode",
						    "complain");
					if (event_admit(r))
						audit_emit(&ev);
				}
			} else if (complain && (fe.nr == __NR_openat ||
			    fe.nr == __NR_open || fe.nr == __NR_creat)) {
				/* would Landlock have refused this open? */
				int wr = fe.open_flags & (O_WRONLY | O_RDWR |
				    O_CREAT | O_TRUNC | O_APPEND);

				answer = 0;
				if (wr ? !jail_may_write(&W.jail, p,
				    r ? r->dir : NULL, fe.path) :
				    !jail_may_read(&W.jail, p, r ? r->dir :
				    NULL, r ? r->script : NULL, r &&
				    r->interp[0] ? r->interp : NULL, fe.path)) {
					ev.event = wr ? "write_denied" :
					    "read_denied";
					audit_kv(&ev, "path", fe.path);
					audit_kv(&ev, "mode", "complain");
					if (event_admit(r))
						audit_emit(&ev);
				}
			} else if (complain && fe.nr == __NR_connect) {
				answer = 0;
				ev.event = "connect_denied";
				audit_kv(&ev, "address", fe.args);
				audit_kv(&ev, "mode", "complain");
				if (event_admit(r))
					audit_emit(&ev);
			} else {
				answer = complain ? 0 : p->deny_errno;
				snprintf(nr, sizeof(nr), "%d", fe.nr);
				ev.event = "syscall_blocked";
				audit_kv(&ev, "syscall", fe.name);
				audit_kv(&ev, "nr", nr);
				audit_kv(&ev, "args", fe.args);
				audit_kv(&ev, "action", complain ?
				    "complain" : "errno");
				if (event_admit(r))
					audit_emit(&ev);
				/* a script that keeps trying is slowed,
				 * then stopped */
				if (r != NULL && !complain)
					slow = ++r->nblocked >
					    EVENTS_PER_REQUEST;
				if (r != NULL && !complain &&
				    r->nblocked == BLOCKED_PER_REQUEST) {
					struct audit_event lh = { 0 };

					lh.event = "limit_hit";
					lh.req = &ar;
					audit_kv(&lh, "limit", "blocked_calls");
					audit_emit(&lh);
					spawn_signal(r->ctl, SIGKILL);
				}
			}
			pthread_mutex_unlock(&W.mu);
			if (!slow || tarpit_defer(pfd[i].fd, &fe, answer) == -1)
				filter_notify_reply(pfd[i].fd, &fe, answer);
		}
	}
}

/* ------------------------------------------------------------ main */

static void
on_signal(int sig)
{
	char	c = (char)sig;
	int	saved = errno;

	(void)write(W.sigpipe[1], &c, 1);
	errno = saved;
}

static int
drop_worker_caps(void)
{
	/*
	 * The worker parses requests; it keeps only CAP_SYS_PTRACE, to read
	 * a denied call's arguments with process_vm_readv(), and CAP_KILL.
	 */
	capng_clear(CAPNG_SELECT_ALL);
	capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
	    CAP_SYS_PTRACE, CAP_KILL, -1);
	if (capng_apply(CAPNG_SELECT_ALL) != 0)
		return -1;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

int
worker_main(const struct config *cf, const struct profile_set *ps,
    const struct filter *filters, int listen_fd, int log_fd, int relay_fd,
    int slot, const struct jail_caps *caps)
{
	struct sigaction	 sa;
	struct sockaddr_storage	 peer;
	struct audit_event	 ev;
	struct pollfd		 pfd[2];
	pthread_t		 nt;
	socklen_t		 plen;
	size_t			 i;
	int			 fd, draining = 0, adm = -1;
	char			 c, addr[64];
	int64_t			 until = 0;

	(void)slot;
	memset(&W, 0, sizeof(W));
	W.cf = cf;
	W.ps = ps;
	W.listen_fd = listen_fd;
	W.pid = getpid();
	audit_attach(log_fd);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	prctl(PR_SET_NAME, "safecgi-worker", 0, 0, 0);

	if (jail_worker_enter(&W.jail, caps, cf, ps) == -1) {
		log_msg(LOG_ERR, "worker: cannot build the jail; exiting");
		return 1;
	}
	W.nsp = ps->n;
	if ((W.sp = calloc(ps->n, sizeof(*W.sp))) == NULL)
		return 1;
	for (i = 0; i < ps->n; i++)
		if (spawner_start(&W.jail, &ps->v[i], &filters[i],
		    cf->max_requests,
		    &W.sp[i]) == -1) {
			log_msg(LOG_ERR, "worker: spawner for profile %s did "
			    "not start; exiting", ps->v[i].name);
			return 1;
		}
	/* a port below 1024 needs a capability that is about to go */
	if (relay_listen(ps) == -1) {
		log_msg(LOG_ERR, "worker: cannot listen for the TCP relay; "
		    "exiting");
		return 1;
	}
	if (drop_worker_caps() == -1) {
		log_msg(LOG_ERR, "worker: cannot drop capabilities");
		return 1;
	}

	W.queue = calloc(cf->max_requests, sizeof(int));
	W.qslot = calloc(cf->max_requests, sizeof(int));
	W.nadmit = admission_size();
	W.admitted = calloc(W.nadmit, sizeof(int64_t));
	if (W.qslot == NULL || W.admitted == NULL)
		return 1;
	W.live = calloc(cf->max_requests, sizeof(*W.live));
	if (W.queue == NULL || W.live == NULL)
		return 1;
	pthread_mutex_init(&W.mu, NULL);
	pthread_cond_init(&W.cv, NULL);
	pthread_cond_init(&W.live_cv, NULL);
	pthread_cond_init(&W.slot_cv, NULL);
	if (FCGX_Init() != 0)
		return 1;
	if (pipe2(W.sigpipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	/* before any other thread: each inherits what the relay gives up */
	if (relay_start(relay_fd) == -1) {
		log_msg(LOG_ERR, "worker: cannot start the TCP relay; exiting");
		return 1;
	}
	if (pthread_create(&nt, NULL, notify_thread, NULL) != 0)
		return 1;
	pthread_detach(nt);
	if (thread_start() == -1)
		return 1;
	/* the jail is built: the service manager may call us ready */
	audit_ready();

	for (;;) {
		pthread_mutex_lock(&W.mu);
		if (draining && W.busy == 0) {
			pthread_mutex_unlock(&W.mu);
			break;
		}
		/* at the limit, new connections wait in the listen backlog */
		while (!draining && (W.busy >= cf->max_requests ||
		    (adm = admission_slot()) == -1))
			slot_wait();
		pthread_mutex_unlock(&W.mu);

		pfd[0].fd = draining ? -1 : listen_fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = W.sigpipe[0];
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, draining ? 100 : -1) == -1 && errno != EINTR)
			return 1;
		if (pfd[1].revents & POLLIN && read(W.sigpipe[0], &c, 1) == 1) {
			if (c == SIGINT)
				return 0;
			if (c == SIGTERM && !draining) {
				draining = 1;
				until = now_ms() + (int64_t)cf->grace * 1000;
				close(listen_fd);
			}
		}
		if (draining && now_ms() >= until) {
			log_msg(LOG_WARNING, "worker: grace period over, "
			    "%d requests cut short", W.busy);
			return 0;
		}
		if (draining || !(pfd[0].revents & POLLIN))
			continue;
		plen = sizeof(peer);
		fd = accept4(listen_fd, (struct sockaddr *)&peer, &plen,
		    SOCK_CLOEXEC);
		if (fd == -1)
			continue;	/* another worker took it */
		if (!config_peer_allowed(cf, (struct sockaddr *)&peer, addr,
		    sizeof(addr))) {
			/* TCP: only the web server's hosts (--allow-peer) */
			close(fd);
			memset(&ev, 0, sizeof(ev));
			ev.event = "peer_refused";
			audit_kv(&ev, "address", addr);
			worker_event(&ev);
			continue;
		}
		pthread_mutex_lock(&W.mu);
		W.admitted[adm] = now_ms();
		W.qslot[(W.qhead + W.qlen) % cf->max_requests] = adm;
		W.queue[(W.qhead + W.qlen) % cf->max_requests] = fd;
		W.qlen++;
		W.busy++;
		if (W.idle < W.qlen && W.threads < cf->max_requests)
			thread_start();
		/* one connection, one thread: never wake them all */
		pthread_cond_signal(&W.cv);
		pthread_mutex_unlock(&W.mu);
	}
	return 0;
}
