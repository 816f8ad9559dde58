/*
 * The one log sink.  Only the master writes; everyone else sends
 * datagrams to it.  Every value is escaped on the way out, so a request
 * can never put a control byte or invalid UTF-8 into a log file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "safecgi.h"

#define MSG_MAX		8192
#define MSG_LOG		'L'
#define MSG_EVENT	'E'
#define MSG_READY	'R'	/* a worker serves from now on */

static int	 chan = -1;		/* child: datagram socket to master */
static int	 errfd = 2;		/* master: error log, or -1 for syslog */
static int	 auditfd = -1;		/* master: JSON lines, or -1 */
static int	 audit_syslog;		/* master: audit events to syslog */
static char	*errpath, *auditpath;
static int	 errjournal;		/* master: stderr is journald's stream */
static void	(*ready_cb)(pid_t);	/* master: told of MSG_READY */
static unsigned long long requests;	/* master: access lines written */

static const char *const prionames[] = {
	"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"
};

/* ------------------------------------------------------------ escaping */

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t	len, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/*
 * JSON string body: control bytes as \u00XX, invalid UTF-8 bytes as
 * \u00XX of the byte (so the output is valid UTF-8 and lossless to read).
 * Always NUL-terminates; returns the length written.
 */
size_t
json_escape(const char *in, size_t n, char *out, size_t outsz)
{
	const unsigned char	*s = (const unsigned char *)in;
	size_t			 i = 0, o = 0, l;
	char			 tmp[8];
	const char		*rep;

	if (outsz == 0)
		return 0;
	while (i < n) {
		rep = NULL;
		l = utf8_len(s + i, n - i);
		if (l == 1 && s[i] >= 0x20 && s[i] != 0x7f && s[i] != '"' &&
		    s[i] != '\\') {
			if (o + 1 >= outsz)
				break;
			out[o++] = s[i++];
			continue;
		}
		if (l > 1) {
			if (o + l >= outsz)
				break;
			memcpy(out + o, s + i, l);
			o += l;
			i += l;
			continue;
		}
		switch (s[i]) {
		case '"':
			rep = "\\\"";
			break;
		case '\\':
			rep = "\\\\";
			break;
		case '\n':
			rep = "\\n";
			break;
		case '\t':
			rep = "\\t";
			break;
		case '\r':
			rep = "\\r";
			break;
		default:
			snprintf(tmp, sizeof(tmp), "\\u%04x", s[i]);
			rep = tmp;
		}
		l = strlen(rep);
		if (o + l >= outsz)
			break;
		memcpy(out + o, rep, l);
		o += l;
		i++;
	}
	out[o] = '\0';
	return o;
}

/* For human-readable lines: printable ASCII, \xNN for anything else. */
static size_t
line_escape(const char *in, char *out, size_t outsz, int spaces)
{
	const unsigned char	*s = (const unsigned char *)in;
	size_t			 o = 0;

	if (outsz == 0)
		return 0;
	for (; *s != '\0'; s++) {
		if ((*s > 0x20 || (spaces && *s == ' ')) && *s < 0x7f &&
		    *s != '\\' && *s != '"') {
			if (o + 1 >= outsz)
				break;
			out[o++] = *s;
		} else {
			if (o + 4 >= outsz)
				break;
			snprintf(out + o, 5, "\\x%02x", *s);
			o += 4;
		}
	}
	out[o] = '\0';
	return o;
}

/* ---------------------------------------------------------- formatting */

struct buf {
	char	*p;
	size_t	 sz, len;
};

static void
put(struct buf *b, const char *s)
{
	size_t	n = strlen(s);

	if (b->len + n >= b->sz)
		n = b->sz - b->len - 1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
put_json(struct buf *b, const char *key, const char *val)
{
	char	esc[2048];

	if (val == NULL)
		return;
	if (b->len > 1)
		put(b, ",");
	put(b, "\"");
	json_escape(key, strlen(key), esc, sizeof(esc));
	put(b, esc);
	put(b, "\":\"");
	json_escape(val, strlen(val), esc, sizeof(esc));
	put(b, esc);
	put(b, "\"");
}

static void
put_json_int(struct buf *b, const char *key, long v)
{
	char	num[32];

	if (b->len > 1)
		put(b, ",");
	snprintf(num, sizeof(num), "\"%s\":%ld", key, v);
	put(b, num);
}

static void
iso8601(const struct timespec *ts, char *out, size_t sz)
{
	struct tm	tm;
	char		zone[8], base[32];

	localtime_r(&ts->tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	/* +0100 -> +01:00 */
	snprintf(out, sz, "%s.%03ld%.3s:%.2s", base, ts->tv_nsec / 1000000,
	    zone, zone + 3);
}

size_t
audit_format_json(const struct audit_event *ev, const char *id,
    const struct timespec *ts, char *out, size_t outsz)
{
	struct buf	 b = { out, outsz, 0 };
	char		 when[64];
	size_t		 i;

	if (outsz < 4)
		return 0;
	out[0] = '\0';
	iso8601(ts, when, sizeof(when));
	put(&b, "{");
	put_json(&b, "time", when);
	put_json(&b, "event", ev->event);
	if (ev->req != NULL) {
		put_json(&b, "request_id", id);
		put_json(&b, "client", ev->req->client);
		put_json(&b, "method", ev->req->method);
		put_json(&b, "uri", ev->req->uri);
		put_json(&b, "script", ev->req->script);
		put_json(&b, "profile", ev->req->profile);
		put_json_int(&b, "worker_pid", ev->req->worker_pid);
		if (ev->req->script_pid > 0)
			put_json_int(&b, "script_pid", ev->req->script_pid);
	}
	for (i = 0; i < ev->nkv; i++)
		put_json(&b, ev->keys[i], ev->vals[i]);
	/* always close the object, even when truncated */
	if (b.len + 2 > outsz)
		b.len = outsz - 2;
	out[b.len++] = '}';
	out[b.len] = '\0';
	return b.len;
}

static void
put_kv(struct buf *b, const char *key, const char *val)
{
	char	esc[1024];

	if (val == NULL || *val == '\0')
		return;
	line_escape(val, esc, sizeof(esc), 0);
	put(b, " ");
	put(b, key);
	put(b, "=");
	put(b, esc);
}

size_t
audit_format_line(const struct audit_event *ev, const char *id, char *out,
    size_t outsz)
{
	struct buf	 b = { out, outsz, 0 };
	char		 call[512];
	const char	*name = NULL, *args = NULL;
	size_t		 i;

	if (outsz == 0)
		return 0;
	out[0] = '\0';
	/*
	 * "blocked syscall=socket(AF_INET,SOCK_STREAM) client=... req=...":
	 * the shape operators grep for, and what the fail2ban filter reads.
	 */
	if (strcmp(ev->event, "syscall_blocked") == 0) {
		for (i = 0; i < ev->nkv; i++) {
			if (strcmp(ev->keys[i], "syscall") == 0)
				name = ev->vals[i];
			else if (strcmp(ev->keys[i], "args") == 0)
				args = ev->vals[i];
		}
		put(&b, "blocked");
		snprintf(call, sizeof(call), "%s(%s)", name ? name : "?",
		    args ? args : "");
		put_kv(&b, "syscall", call);
		for (i = 0; i < ev->nkv; i++)
			if (strcmp(ev->keys[i], "syscall") != 0 &&
			    strcmp(ev->keys[i], "args") != 0)
				put_kv(&b, ev->keys[i], ev->vals[i]);
	} else {
		put(&b, ev->event);
		for (i = 0; i < ev->nkv; i++)
			put_kv(&b, ev->keys[i], ev->vals[i]);
	}
	if (ev->req != NULL) {
		put_kv(&b, "client", ev->req->client);
		put_kv(&b, "method", ev->req->method);
		put_kv(&b, "uri", ev->req->uri);
		put_kv(&b, "script", ev->req->script);
		put_kv(&b, "profile", ev->req->profile);
		put_kv(&b, "req", id);
	}
	return b.len;
}

/* ---------------------------------------------------------- the master */

static int
open_log(const char *path)
{
	int	fd;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	return fd;
}

/*
 * syslog(3) drops what it cannot deliver, without a word: with nobody
 * listening on /dev/log every event would be lost.  Refuse instead.
 */
static int
syslog_listening(void)
{
	struct stat	st;

	if (stat(_PATH_LOG, &st) == -1 || !S_ISSOCK(st.st_mode)) {
		errno = ENOTSOCK;
		return 0;
	}
	return 1;
}

/*
 * systemd names the stream it connected to stderr in JOURNAL_STREAM
 * (device:inode); a stderr redirected elsewhere since does not match.
 */
static int
stderr_is_journal(void)
{
	const char		*e;
	struct stat		 st;
	unsigned long long	 dev, ino;

	if ((e = getenv("JOURNAL_STREAM")) == NULL ||
	    sscanf(e, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

int
audit_open(const char *errlog, const char *auditlog)
{
	if (((errlog != NULL && strcmp(errlog, "syslog") == 0) ||
	    (auditlog != NULL && strcmp(auditlog, "syslog") == 0)) &&
	    !syslog_listening())
		return -1;
	free(errpath);
	free(auditpath);
	errpath = auditpath = NULL;
	errjournal = errlog == NULL && stderr_is_journal();
	if (errlog != NULL && strcmp(errlog, "syslog") == 0) {
		openlog("safecgi", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		errfd = -1;
	} else if (errlog != NULL) {
		if ((errfd = open_log(errlog)) == -1)
			return -1;
		errpath = strdup(errlog);
	}
	if (auditlog != NULL && strcmp(auditlog, "syslog") == 0) {
		openlog("safecgi", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		audit_syslog = 1;
	} else if (auditlog != NULL) {
		if ((auditfd = open_log(auditlog)) == -1)
			return -1;
		auditpath = strdup(auditlog);
	}
	return 0;
}

int
audit_reopen(void)
{
	int	fd, rc = 0;

	if (errpath != NULL) {
		if ((fd = open_log(errpath)) == -1)
			rc = -1;
		else {
			dup2(fd, errfd);
			close(fd);
		}
	}
	if (auditpath != NULL) {
		if ((fd = open_log(auditpath)) == -1)
			rc = -1;
		else {
			dup2(fd, auditfd);
			close(fd);
		}
	}
	return rc;
}

void
audit_close(void)
{
	if (auditfd != -1)
		close(auditfd);
	auditfd = -1;
}

static void
write_all(int fd, const char *s, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		w = write(fd, s, n);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		s += w;
		n -= w;
	}
}

/*
 * Master: one operational line, already free of control bytes.  The
 * journal stamps, names and numbers each line itself and reads its
 * priority from a <N> prefix (sd-daemon(3)); a file gets all of that
 * written out.
 */
static void
master_log(int prio, pid_t from, const char *msg)
{
	char		line[MSG_MAX + 128], when[64];
	struct timespec	ts;
	int		n;

	/* one access line per request (worker.c), counted for STATUS= */
	if ((prio & 7) == LOG_INFO && strncmp(msg, "access ", 7) == 0)
		requests++;
	if (errfd == -1) {
		syslog(prio, "%s", msg);
		return;
	}
	if (errjournal && from == getpid())
		n = snprintf(line, sizeof(line), "<%d>%s\n", prio & 7, msg);
	else if (errjournal)
		n = snprintf(line, sizeof(line), "<%d>[%d] %s\n", prio & 7,
		    (int)from, msg);
	else {
		clock_gettime(CLOCK_REALTIME, &ts);
		iso8601(&ts, when, sizeof(when));
		n = snprintf(line, sizeof(line), "%s safecgi[%d]: %s: %s\n",
		    when, (int)from, prionames[prio & 7], msg);
	}
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1, line[n - 1] = '\n';
	write_all(errfd, line, n);
}

static void
master_event(const struct audit_event *ev, const char *id)
{
	char		out[MSG_MAX + 1024];
	struct timespec	ts;
	size_t		n;

	if (auditfd != -1) {
		clock_gettime(CLOCK_REALTIME, &ts);
		n = audit_format_json(ev, id, &ts, out, sizeof(out) - 1);
		out[n++] = '\n';
		write_all(auditfd, out, n);
	}
	if (audit_syslog || auditfd == -1) {
		audit_format_line(ev, id, out, sizeof(out));
		if (audit_syslog)
			syslog(LOG_NOTICE, "%s", out);
		else
			master_log(LOG_NOTICE, getpid(), out);
	}
}

int
audit_channel(int *master_end)
{
	int	sv[2];
	int	sz = 1 << 20;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	/* a burst of log lines must not block a worker for long */
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	*master_end = sv[0];
	return sv[1];
}

/* Split a datagram of NUL-separated fields. */
static size_t
fields(char *p, size_t n, char **f, size_t max)
{
	size_t	k = 0;
	char	*end = p + n;

	while (p < end && k < max) {
		f[k++] = p;
		p += strnlen(p, end - p) + 1;
	}
	return k;
}

void
audit_drain(int fd, pid_t pid)
{
	char			 msg[MSG_MAX + 1], *f[9 + 2 * AUDIT_KV_MAX];
	char			 id[64], clean[MSG_MAX + 1];
	struct audit_event	 ev;
	struct audit_req	 req;
	ssize_t			 n;
	size_t			 nf, i;

	for (;;) {
		n = recv(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT);
		if (n <= 0)
			return;
		msg[n] = '\0';
		if (msg[0] == MSG_READY) {
			if (ready_cb != NULL)
				ready_cb(pid);
			continue;
		}
		if (msg[0] == MSG_LOG && n >= 2) {
			line_escape(msg + 2, clean, sizeof(clean), 1);
			master_log(msg[1] & 7, pid, clean);
			continue;
		}
		if (msg[0] != MSG_EVENT)
			continue;
		nf = fields(msg + 1, n - 1, f, nitems(f));
		if (nf < 9 || (nf - 9) % 2 != 0)
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.event = f[0];
		if (f[1][0] != '\0') {
			memset(&req, 0, sizeof(req));
			/* the id prefix is the worker the master knows */
			snprintf(id, sizeof(id), "%d-%s", (int)pid, f[1]);
			req.client = f[2];
			req.method = f[3];
			req.uri = f[4];
			req.script = f[5];
			req.profile = f[6];
			req.worker_pid = pid;
			req.script_pid = atoi(f[8]);
			ev.req = &req;
		}
		for (i = 9; i + 1 < nf && ev.nkv < AUDIT_KV_MAX; i += 2) {
			ev.keys[ev.nkv] = f[i];
			ev.vals[ev.nkv++] = f[i + 1];
		}
		master_event(&ev, id);
	}
}

void
audit_on_ready(void (*cb)(pid_t))
{
	ready_cb = cb;
}

unsigned long long
audit_requests(void)
{
	return requests;
}

/* ----------------------------------------------------------- the child */

void
audit_ready(void)
{
	char	m = MSG_READY;

	if (chan != -1)
		(void)send(chan, &m, 1, MSG_DONTWAIT | MSG_NOSIGNAL);
}

void
audit_attach(int fd)
{
	chan = fd;
}

void
log_msg(int prio, const char *fmt, ...)
{
	char	msg[MSG_MAX];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(msg + 2, sizeof(msg) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (chan == -1) {
		char	clean[MSG_MAX];
		size_t	i, o = 0;

		/* the master's own messages: tabs and newlines flattened */
		for (i = 2; msg[i] != '\0' && o + 1 < sizeof(clean); i++)
			clean[o++] = ((unsigned char)msg[i] < 0x20) ? ' ' :
			    msg[i];
		clean[o] = '\0';
		master_log(prio, getpid(), clean);
		return;
	}
	msg[0] = MSG_LOG;
	msg[1] = (char)prio;
	n += 2;
	if (n > (int)sizeof(msg) - 1)
		n = sizeof(msg) - 1;
	(void)send(chan, msg, n, MSG_DONTWAIT | MSG_NOSIGNAL);
}

void
audit_kv(struct audit_event *ev, const char *key, const char *val)
{
	if (ev->nkv < AUDIT_KV_MAX && val != NULL) {
		ev->keys[ev->nkv] = key;
		ev->vals[ev->nkv++] = val;
	}
}

static void
append(char *msg, size_t *len, const char *s)
{
	size_t	n = s == NULL ? 0 : strlen(s);

	if (*len + n + 1 > MSG_MAX)
		n = MSG_MAX > *len + 1 ? MSG_MAX - *len - 1 : 0;
	if (n > 0)
		memcpy(msg + *len, s, n);
	*len += n;
	if (*len < MSG_MAX)
		msg[(*len)++] = '\0';
}

void
audit_emit(const struct audit_event *ev)
{
	char			 msg[MSG_MAX], seq[24], wpid[16], spid[16];
	size_t			 len = 1, i;
	const struct audit_req	*r = ev->req;

	if (chan == -1) {
		master_event(ev, "");
		return;
	}
	msg[0] = MSG_EVENT;
	append(msg, &len, ev->event);
	if (r != NULL) {
		snprintf(seq, sizeof(seq), "%llu", (unsigned long long)r->seq);
		snprintf(wpid, sizeof(wpid), "%d", (int)r->worker_pid);
		snprintf(spid, sizeof(spid), "%d", (int)r->script_pid);
	} else
		seq[0] = wpid[0] = spid[0] = '\0';
	append(msg, &len, seq);
	append(msg, &len, r ? r->client : "");
	append(msg, &len, r ? r->method : "");
	append(msg, &len, r ? r->uri : "");
	append(msg, &len, r ? r->script : "");
	append(msg, &len, r ? r->profile : "");
	append(msg, &len, wpid);
	append(msg, &len, spid);
	for (i = 0; i < ev->nkv; i++) {
		append(msg, &len, ev->keys[i]);
		append(msg, &len, ev->vals[i]);
	}
	(void)send(chan, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL);
}
