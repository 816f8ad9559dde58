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
#define MSG_LOST_LOG	'l'	/* this many log lines found no room */
#define MSG_LOST_EVENT	'e'	/* this many events found no room */
#define MSG_READY	'R'	/* a worker serves from now on */

/*
 * A child's channels to the master: log lines (a script's stderr among
 * them) and audit events each have a socket of their own, so that no
 * amount of stderr can crowd an event out.  A datagram refused by a
 * full channel is counted by the process that sent it, and the count
 * goes out before the next datagram that finds room (audit_drain turns
 * it into a "suppressed" event).  No lock: a spawner forked while
 * another thread sends must not inherit a held mutex; a forked child
 * starts with no count (the count it inherited is its parent's).
 */
struct chan {
	int		 fd;
	char		 lost_type;
	unsigned long	 lost;
};

static struct chan	 logchan = { -1, MSG_LOST_LOG, 0 };
static struct chan	 evchan = { -1, MSG_LOST_EVENT, 0 };
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

/* ---------------------------------------------------------- evidence */

/*
 * Programs whose denied exec is evidence of an attack: they fetch a
 * payload, connect out, or hand out a shell over a socket, and no CGI
 * script has a reason to start them.  Shells and interpreters are not
 * here: system() and qx() run /bin/sh for every legitimate call, so a
 * denied shell is what a profile gap looks like; the input that carried
 * an injection is judged on its own (suspicious_input).
 */
static const char *const attack_programs[] = {
	"aria2c", "axel", "busybox", "chattr", "chmod", "crontab", "cryptcat",
	"curl", "fetch", "ftp", "ftpget", "ftpput", "lftp", "lwp-download",
	"lwp-request", "mkfifo", "nc", "nc.openbsd", "nc.traditional", "ncat",
	"netcat", "rsync", "scp", "sftp", "socat", "ssh", "telnet", "tftp",
	"toybox", "wget",
};

/* Where a dropped payload would be run from. */
static const char *const attack_dirs[] = {
	"/tmp/", "/var/tmp/", "/dev/shm/", "/run/shm/", "/dev/mqueue/",
};

/*
 * Blocked calls typical of payloads: kernel exploits, escapes from the
 * jail, privilege changes, fileless execution.  A benign script has no
 * use for any of them.
 */
static const char *const attack_syscalls[] = {
	"add_key", "bpf", "capset", "chroot", "delete_module", "execveat",
	"finit_module", "fsconfig", "fsmount", "fsopen", "fspick", "init_module",
	"ioperm", "iopl", "kexec_file_load", "kexec_load", "keyctl", "mount",
	"mount_setattr", "move_mount", "open_tree", "perf_event_open",
	"pivot_root", "process_vm_readv", "process_vm_writev", "ptrace",
	"request_key", "setfsgid", "setfsuid", "setgid", "setgroups",
	"setns", "setregid", "setresgid", "setresuid", "setreuid", "setuid",
	"umount", "umount2", "unshare", "userfaultfd",
};

static const char *
event_val(const struct audit_event *ev, const char *key)
{
	size_t	i;

	for (i = 0; i < ev->nkv; i++)
		if (strcmp(ev->keys[i], key) == 0)
			return ev->vals[i];
	return NULL;
}

static int
listed(const char *const *v, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static int
attack_exec(const char *path)
{
	const char	*base;
	size_t		 i;

	if (path == NULL || *path == '\0')
		return 0;
	for (i = 0; i < nitems(attack_dirs); i++)
		if (strncmp(path, attack_dirs[i], strlen(attack_dirs[i])) == 0)
			return 1;
	base = strrchr(path, '/');
	base = base == NULL ? path : base + 1;
	/* python3.11 -c, perl -e are interpreters: see above */
	return listed(attack_programs, nitems(attack_programs), base);
}

/*
 * socket(): an outgoing TCP stream (download, reverse shell) or a raw
 * or packet socket is a payload's; a datagram is what a resolver sends
 * for a legacy script's gethostbyaddr(), and AF_UNIX or AF_NETLINK is
 * syslog() and getaddrinfo().
 */
static int
attack_socket(const char *args)
{
	if (args == NULL)
		return 0;
	if (strncmp(args, "AF_PACKET", 9) == 0)
		return 1;
	if (strncmp(args, "AF_INET,", 8) != 0 &&
	    strncmp(args, "AF_INET6,", 9) != 0)
		return 0;
	args = strchr(args, ',') + 1;
	return strncmp(args, "SOCK_STREAM", 11) == 0 ||
	    strncmp(args, "SOCK_RAW", 8) == 0;
}

const char *
audit_evidence(const struct audit_event *ev)
{
	const char	*v, *path, *resolved;

	if (ev->event == NULL)
		return "none";
	/* complain mode is how a profile is written: never evidence */
	if (((v = event_val(ev, "mode")) != NULL &&
	    strcmp(v, "complain") == 0) ||
	    ((v = event_val(ev, "action")) != NULL &&
	    strcmp(v, "complain") == 0))
		return "policy";
	if (strcmp(ev->event, "suspicious_input") == 0) {
		/* metacharacters in a path variable alone are no signature */
		v = event_val(ev, "signature");
		return v != NULL && strcmp(v, "shell-metachar") == 0 ?
		    "policy" : "attack";
	}
	if (strcmp(ev->event, "request_refused") == 0) {
		/* the other refusals: oversized or malformed requests and
		 * the script's own mode or owner, none a sign of intent */
		v = event_val(ev, "rule");
		return v != NULL && strcmp(v, "shellshock") == 0 ?
		    "attack" : "policy";
	}
	if (strcmp(ev->event, "exec_denied") == 0) {
		path = event_val(ev, "path");
		resolved = event_val(ev, "resolved");
		/* the script itself could not run: its mode or owner */
		if (ev->req != NULL && ev->req->script != NULL && path != NULL &&
		    strcmp(path, ev->req->script) == 0)
			return "policy";
		return attack_exec(path) || attack_exec(resolved) ?
		    "attack" : "policy";
	}
	if (strcmp(ev->event, "syscall_blocked") == 0) {
		v = event_val(ev, "syscall");
		if (v == NULL)
			return "policy";
		if (strcmp(v, "socket") == 0)
			return attack_socket(event_val(ev, "args")) ?
			    "attack" : "policy";
		return listed(attack_syscalls, nitems(attack_syscalls), v) ?
		    "attack" : "policy";
	}
	if (strcmp(ev->event, "write_denied") == 0 ||
	    strcmp(ev->event, "connect_denied") == 0)
		return "policy";
	return "none";
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
	put_json(&b, "evidence", audit_evidence(ev));
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
		put_kv(&b, "evidence", audit_evidence(ev));
		for (i = 0; i < ev->nkv; i++)
			if (strcmp(ev->keys[i], "syscall") != 0 &&
			    strcmp(ev->keys[i], "args") != 0)
				put_kv(&b, ev->keys[i], ev->vals[i]);
	} else {
		put(&b, ev->event);
		put_kv(&b, "evidence", audit_evidence(ev));
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

/* Master: what a child could not send, from its count. */
static void
master_lost(char type, const char *count, pid_t pid)
{
	struct audit_event	ev = { 0 };
	char			wpid[16], n[24];
	unsigned long		k;

	k = strtoul(count, NULL, 10);
	if (k == 0)
		return;
	snprintf(n, sizeof(n), "%lu", k);
	snprintf(wpid, sizeof(wpid), "%d", (int)pid);
	ev.event = "suppressed";
	audit_kv(&ev, "scope", type == MSG_LOST_EVENT ? "channel" : "log");
	audit_kv(&ev, "count", n);
	audit_kv(&ev, "worker_pid", wpid);
	audit_kv(&ev, "reason", "channel to the master full");
	master_event(&ev, "");
	/* the error log says where its missing lines are counted */
	if (type == MSG_LOST_LOG) {
		char	line[128];

		snprintf(line, sizeof(line), "%lu log lines lost: channel to "
		    "the master full", k);
		master_log(LOG_WARNING, pid, line);
	}
}

/*
 * At most DRAIN_MAX datagrams a call: a channel that a flood refills as
 * fast as the master reads must not keep it from the other channels.
 */
#define DRAIN_MAX	512

size_t
audit_drain(int fd, pid_t pid)
{
	char			 msg[MSG_MAX + 1], *f[9 + 2 * AUDIT_KV_MAX];
	char			 id[64], clean[MSG_MAX + 1];
	struct audit_event	 ev;
	struct audit_req	 req;
	ssize_t			 n;
	size_t			 nf, i, k;

	for (k = 0; k < DRAIN_MAX; k++) {
		n = recv(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT);
		if (n <= 0)
			return k;
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
		if (msg[0] == MSG_LOST_LOG || msg[0] == MSG_LOST_EVENT) {
			master_lost(msg[0], msg + 1, pid);
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
	return k;
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

static void
chan_forked(void)
{
	logchan.lost = 0;
	evchan.lost = 0;
}

void
audit_attach(int fd)
{
	static int	registered;

	logchan.fd = fd;
	/*
	 * Once per process image, before any thread: without it a
	 * spawner would report its parent's count a second time.
	 */
	if (!registered) {
		if (pthread_atfork(NULL, NULL, chan_forked) != 0)
			log_msg(LOG_WARNING, "audit: pthread_atfork failed: a "
			    "child may count its parent's lost messages");
		registered = 1;
	}
}

void
audit_attach_events(int fd)
{
	evchan.fd = fd;
}

void
audit_drop_sinks(void)
{
	/*
	 * A worker writes through the master.  The master's sinks, which it
	 * inherited with the fork, go: it parses what clients send, and
	 * must not be able to write, truncate or forge the logs.
	 */
	if (errfd > 2)
		close(errfd);
	if (auditfd != -1)
		close(auditfd);
	errfd = auditfd = -1;
	closelog();	/* the syslog socket, if the master had one */
}

/*
 * Send the count of what c lost, if any; -1 when it still finds no
 * room (the count is kept).
 */
static int
chan_report(struct chan *c)
{
	char		 rep[32];
	unsigned long	 lost;
	int		 n;

	if ((lost = __atomic_exchange_n(&c->lost, 0, __ATOMIC_RELAXED)) == 0)
		return 0;
	n = snprintf(rep, sizeof(rep), "%c%lu", c->lost_type, lost);
	if (send(c->fd, rep, n + 1, MSG_DONTWAIT | MSG_NOSIGNAL) == -1) {
		__atomic_add_fetch(&c->lost, lost, __ATOMIC_RELAXED);
		return -1;
	}
	return 0;
}

/*
 * One datagram on c, never blocking: what a full channel refuses is
 * counted, and told as soon as there is room again.
 */
static void
chan_send(struct chan *c, const char *msg, size_t len)
{
	if (chan_report(c) == -1 ||
	    send(c->fd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL) == -1)
		__atomic_add_fetch(&c->lost, 1, __ATOMIC_RELAXED);
}

/* The service manager hears of it from the master (sd_notify READY). */
void
audit_ready(void)
{
	char	m = MSG_READY;

	chan_send(evchan.fd != -1 ? &evchan : &logchan, &m, 1);
}

/* Events before any event channel (audit_attach_events) share the log's. */
static struct chan *
event_chan(void)
{
	return evchan.fd != -1 ? &evchan : &logchan;
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
	if (logchan.fd == -1) {
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
	chan_send(&logchan, msg, n);
	/* an event count waiting for room may find it now */
	if (event_chan() != &logchan)
		(void)chan_report(&evchan);
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

	if (logchan.fd == -1) {
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
	chan_send(event_chan(), msg, len);
	if (event_chan() != &logchan)
		(void)chan_report(&logchan);
}

/* ------------------------------------------------------ flood control */

#define EVENTS_PER_SECOND		200	/* per worker */
#define EVENTS_BURST			400
/*
 * One client flooding refused requests would otherwise have the whole
 * worker budget to itself, for as long as it keeps going: each client
 * gets a bucket of its own, generous enough for a burst of real trouble
 * and small for a flood that lasts.  A fixed table; a client that finds
 * no slot takes the least recently used of its probe sequence, which
 * only ever gives a flooder a fresh burst.
 */
#define CLIENT_EVENTS_PER_SECOND	20
#define CLIENT_EVENTS_BURST		1000
#define CLIENT_PROBES			8
#define CLIENT_REPORT_MS		10000

void
audit_budget_init(struct audit_budget *b)
{
	memset(b, 0, sizeof(*b));
	pthread_mutex_init(&b->mu, NULL);
	b->tokens = EVENTS_BURST;
}

static struct audit_client *
client_bucket(struct audit_budget *b, const char *addr, int64_t t)
{
	struct audit_client	*c, *lru = NULL;
	uint32_t		 h = 2166136261u;
	const char		*p;
	int			 i;

	for (p = addr; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (i = 0; i < CLIENT_PROBES; i++) {
		c = &b->clients[(h + i) % AUDIT_CLIENT_SLOTS];
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

/* Called with b->mu held. */
static int
client_admit(struct audit_budget *b, const char *addr, int64_t t)
{
	struct audit_client	*c;

	if (addr == NULL || *addr == '\0')
		return 1;
	c = client_bucket(b, addr, t);
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

/* Called with b->mu held. */
static int
budget_admit(struct audit_budget *b, struct audit_tally *tally,
    const char *client)
{
	int64_t	t = now_ms();

	if (tally != NULL && ++tally->nevents > AUDIT_EVENTS_PER_REQUEST) {
		tally->nsuppressed++;
		return 0;
	}
	if (tally != NULL && !client_admit(b, client, t))
		return 0;
	b->tokens += (t - b->last) * EVENTS_PER_SECOND / 1000.0;
	if (b->tokens > EVENTS_BURST)
		b->tokens = EVENTS_BURST;
	b->last = t;
	if (b->tokens < 1) {
		b->dropped++;
		return 0;
	}
	b->tokens--;
	if (b->dropped > 0 && t - b->reported >= 1000) {
		struct audit_event	ev = { 0 };
		char			n[24];

		snprintf(n, sizeof(n), "%lu", b->dropped);
		ev.event = "suppressed";
		audit_kv(&ev, "scope", "worker");
		audit_kv(&ev, "count", n);
		audit_emit(&ev);
		b->dropped = 0;
		b->reported = t;
	}
	return 1;
}

void
audit_budget_emit(struct audit_budget *b, struct audit_tally *tally,
    const struct audit_event *ev)
{
	const char	*client = ev->req != NULL ? ev->req->client : NULL;

	pthread_mutex_lock(&b->mu);
	if (budget_admit(b, tally, client))
		audit_emit(ev);
	pthread_mutex_unlock(&b->mu);
}
