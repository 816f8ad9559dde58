/*
 * safecgi: the master.  Reads configuration and profiles, compiles the
 * seccomp filters, owns the listening socket and the logs, and keeps the
 * pool of workers alive.  It never reads a request.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <syslog.h>
#include <unistd.h>

#include "audit.h"
#include "cgroup.h"
#include "config.h"
#include "filter.h"
#include "jail.h"
#include "profile.h"
#include "relay.h"
#include "safecgi.h"
#include "scriptcheck.h"
#include "stats.h"
#include "worker.h"

/*
 * Leaves per worker at most (one per request it may run, up to this);
 * more requests wait for one (request.c).
 */
#define CGROUP_LEAVES	256
#define LOG_QUIET_MS	5	/* see the main loop */

struct slot {
	pid_t		pid;
	int		log_fd;		/* master's end of the log channel */
	int		event_fd;	/* ... of the audit event channel */
	int		relay_fd;	/* ... of the relay channel, or -1 */
	struct relay_ports ports;	/* what the relay may reach */
	int		gen;		/* configuration generation */
	time_t		started;
	unsigned	backoff_ms;
	int64_t		restart_at;	/* ms; 0: not waiting */
	pid_t		ready_pid;	/* the last of its workers that said
					   it serves (audit_ready) */
	struct cgroup_pool *cg;		/* its requests' leaves, or NULL */
};

/* What a generation of workers runs with. */
struct policy {
	struct config		 cf;
	struct profile_set	 ps;
	struct filter		*filters;
};

static struct policy	*cur;
static struct slot	*slots;		/* current generation */
static int		 nslots;
static struct slot	*old;		/* draining after a reload */
static int		 nold;
static int		 gen;
static int		*listen_fds;	/* worker i serves listen_fds[i % n] */
static int		 nlisten;
static char		 listen_desc[1024];	/* "unix:/run/a.sock,tcp:..." */
static char		*listen_names;	/* LISTEN_FDNAMES, or NULL */
static char		*listen_ports[16];	/* inherited TCP ports */
static int		 nlisten_ports;
static int		 own_socket;	/* we created the socket file */
static int		 sigpipe_fds[2];
static struct jail_caps	 caps;		/* jail_probe(); every worker's */
static struct cgroup_host cg_host;	/* where the budgets live */
static struct cgroup_tree *cg_tree;	/* ours, or NULL: no budget */
static unsigned		 cg_seq;	/* names each pool */
static char		 cg_report[768];	/* for --check and the log */

static void
on_signal(int sig)
{
	char	c = (char)sig;
	int	saved = errno;

	(void)write(sigpipe_fds[1], &c, 1);
	errno = saved;
}

/* ------------------------------------------------------------ policy */

static void
policy_free(struct policy *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; p->filters != NULL && i < p->ps.n; i++)
		filter_free(&p->filters[i]);
	free(p->filters);
	profile_set_free(&p->ps);
	config_free(&p->cf);
	free(p);
}

/*
 * The same hole for TCP sockets systemd passed: their ports are known
 * once socket_open() has run, and from then on every load checks them.
 */
static int
policy_own_ports(const struct policy *p, char *err, size_t errsz)
{
	size_t	i;
	int	k;

	for (k = 0; k < nlisten_ports; k++)
		for (i = 0; i < p->ps.n; i++)
			if (strlist_has(&p->ps.v[i].net_tcp, listen_ports[k])) {
				snprintf(err, errsz, "%s: profile %s: connect = "
				    "tcp:%s is safecgi's own FastCGI port",
				    p->ps.v[i].file ? p->ps.v[i].file :
				    "(built in)", p->ps.v[i].name,
				    listen_ports[k]);
				return -1;
			}
	return 0;
}

/*
 * Read everything a generation needs: command line, config file,
 * profiles, filters.  On any error, nothing changes and err says why.
 */
static struct policy *
policy_load(int argc, char **argv, char *err, size_t errsz)
{
	struct policy	*p;
	struct config	 first;
	struct stat	 st;
	size_t		 i;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errsz, "%s", strerror(errno));
		return NULL;
	}
	/* --config first, then the command line on top of it */
	config_init(&first);
	if (config_parse_args(&first, argc, argv) == -1) {
		snprintf(err, errsz, "bad command line");
		config_free(&first);
		free(p);
		return NULL;
	}
	config_init(&p->cf);
	if (first.config_file != NULL &&
	    config_load_file(&p->cf, first.config_file, err, errsz) == -1) {
		config_free(&first);
		policy_free(p);
		return NULL;
	}
	config_free(&first);
	if (config_parse_args(&p->cf, argc, argv) == -1 ||
	    config_finish(&p->cf, err, errsz) == -1) {
		policy_free(p);
		return NULL;
	}
	/* every socket needs a worker of its own (see socket_open) */
	if (p->cf.workers < nlisten)
		p->cf.workers = nlisten;
	/* the default directory may be absent: built-in default only */
	if (stat(p->cf.profile_dir, &st) == -1 && errno == ENOENT &&
	    strcmp(p->cf.profile_dir, DEFAULT_PROFILE_DIR) == 0) {
		if (profile_load_dir(NULL, &p->ps, err, errsz) == -1) {
			policy_free(p);
			return NULL;
		}
	} else if (profile_load_dir(p->cf.profile_dir, &p->ps, err,
	    errsz) == -1) {
		policy_free(p);
		return NULL;
	}
	/*
	 * A script relayed to our own FastCGI port could speak FastCGI to
	 * us directly, past the web server, and pick its own REMOTE_ADDR.
	 */
	if (p->cf.listen_kind != LISTEN_UNIX && p->cf.listen_port != NULL)
		for (i = 0; i < p->ps.n; i++)
			if (strlist_has(&p->ps.v[i].net_tcp,
			    p->cf.listen_port)) {
				snprintf(err, errsz, "%s: profile %s: connect = "
				    "tcp:%s is safecgi's own FastCGI port",
				    p->ps.v[i].file ? p->ps.v[i].file :
				    "(built in)", p->ps.v[i].name,
				    p->cf.listen_port);
				policy_free(p);
				return NULL;
			}
	if (policy_own_ports(p, err, errsz) == -1) {
		policy_free(p);
		return NULL;
	}
	/* a path the jail always hides cannot be made readable */
	if (jail_check_profiles(&p->ps, err, errsz) == -1) {
		policy_free(p);
		return NULL;
	}
	/*
	 * Rootless, there is one id to run scripts as: our own.  The
	 * filter's setresuid rule is built from it.
	 */
	if (geteuid() != 0)
		for (i = 0; i < p->ps.n; i++) {
			p->ps.v[i].uid = geteuid();
			p->ps.v[i].gid = getegid();
			p->ps.v[i].rootless = 1;
		}
	if ((p->filters = calloc(p->ps.n, sizeof(*p->filters))) == NULL) {
		policy_free(p);
		return NULL;
	}
	for (i = 0; i < p->ps.n; i++)
		if (filter_build(&p->ps.v[i], &p->filters[i], err, errsz) ==
		    -1) {
			char	msg[512];

			snprintf(msg, sizeof(msg), "profile %s: %s",
			    p->ps.v[i].name, err);
			snprintf(err, errsz, "%s", msg);
			policy_free(p);
			return NULL;
		}
	return p;
}

/* ------------------------------------------------------------ socket */

#define LISTEN_FDS_START	3	/* sd_listen_fds(3) */
#define LISTEN_FDS_MAX		64

/* A decimal number that fills the whole string, or -1. */
static long
env_number(const char *name)
{
	const char	*v;
	char		*end;
	long		 n;

	if ((v = getenv(name)) == NULL || *v == '\0')
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 0)
		return -1;
	return n;
}

/*
 * systemd socket activation: LISTEN_FDS sockets from fd 3 on, named in
 * LISTEN_FDNAMES (FileDescriptorName=, or the socket unit's name).
 * Every one of them is served.  Returns how many were passed (0: none,
 * or meant for another process), or -1 if one cannot be served: a
 * datagram socket or a FIFO in the socket unit.
 */
static int
socket_inherited(void)
{
	const char	*names;
	long		 n;
	int		 i, fd, val;
	socklen_t	 len;

	n = env_number("LISTEN_FDS");
	if (env_number("LISTEN_PID") != (long)getpid() || n < 1)
		return 0;
	if ((names = getenv("LISTEN_FDNAMES")) != NULL &&
	    (listen_names = strdup(names)) == NULL)
		return -1;
	/* what we start must not think the sockets are its own */
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (n > LISTEN_FDS_MAX) {
		log_msg(LOG_ERR, "the service manager passed %ld sockets; "
		    "at most %d are served", n, LISTEN_FDS_MAX);
		return -1;
	}
	if ((listen_fds = calloc(n, sizeof(*listen_fds))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		fd = LISTEN_FDS_START + i;
		len = sizeof(val);
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &val, &len) == -1 ||
		    val != SOCK_STREAM ||
		    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &val, &len) ==
		    -1 || !val) {
			log_msg(LOG_ERR, "fd %d passed by the service manager "
			    "is not a listening stream socket (ListenStream= "
			    "only)", fd);
			return -1;
		}
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
			return -1;
		listen_fds[i] = fd;
	}
	return (int)n;
}

/*
 * What a listening socket is, in -s syntax, for the log and the
 * start-up event; a TCP socket's port is remembered for
 * policy_own_ports().
 */
static void
socket_describe(int fd, char *out, size_t outsz)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_un	*sun = (struct sockaddr_un *)&ss;
	socklen_t		 len = sizeof(ss);
	char			 host[64], serv[16];	/* numeric */

	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
		snprintf(out, outsz, "fd:%d", fd);
		return;
	}
	if (ss.ss_family == AF_UNIX) {
		if (len > offsetof(struct sockaddr_un, sun_path) &&
		    sun->sun_path[0] == '\0')
			snprintf(out, outsz, "unix:@%.*s",
			    (int)(len - offsetof(struct sockaddr_un,
			    sun_path) - 1), sun->sun_path + 1);
		else
			snprintf(out, outsz, "unix:%s", sun->sun_path);
		return;
	}
	if (getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host),
	    serv, sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(out, outsz, "fd:%d", fd);
		return;
	}
	if (ss.ss_family == AF_INET6)
		snprintf(out, outsz, "tcp6:[%s]:%s", host, serv);
	else
		snprintf(out, outsz, "tcp:%s:%s", host, serv);
	if (nlisten_ports < (int)nitems(listen_ports) &&
	    (listen_ports[nlisten_ports] = strdup(serv)) != NULL)
		nlisten_ports++;
}

static void
listen_close(void)
{
	int	i;

	for (i = 0; i < nlisten; i++)
		if (listen_fds[i] != -1) {
			close(listen_fds[i]);
			listen_fds[i] = -1;
		}
}

static int
socket_unix(const struct config *cf)
{
	struct sockaddr_un	 sun = { .sun_family = AF_UNIX };
	struct stat		 st;
	struct passwd		*pw;
	struct group		*gr;
	mode_t			 um;
	int			 fd, probe;
	uid_t			 uid = (uid_t)-1;
	gid_t			 gid = (gid_t)-1;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", cf->listen_path);
	if (lstat(cf->listen_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			log_msg(LOG_ERR, "%s exists and is not a socket; "
			    "refusing to replace it", cf->listen_path);
			return -1;
		}
		/* a live socket belongs to someone else: refuse */
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe != -1 && connect(probe, (struct sockaddr *)&sun,
		    sizeof(sun)) == 0) {
			close(probe);
			log_msg(LOG_ERR, "%s is in use by another running "
			    "process (another safecgi?); refusing to start",
			    cf->listen_path);
			return -1;
		}
		if (probe != -1)
			close(probe);
		/* stale: nobody listens */
		if (unlink(cf->listen_path) == -1) {
			log_msg(LOG_ERR, "cannot remove stale socket %s: %s",
			    cf->listen_path, strerror(errno));
			return -1;
		}
	}
	if (cf->socket_user != NULL) {
		if ((pw = getpwnam(cf->socket_user)) == NULL) {
			log_msg(LOG_ERR, "socket user %s: no such user",
			    cf->socket_user);
			return -1;
		}
		uid = pw->pw_uid;
	}
	if (cf->socket_group != NULL) {
		if ((gr = getgrnam(cf->socket_group)) == NULL) {
			log_msg(LOG_ERR, "socket group %s: no such group",
			    cf->socket_group);
			return -1;
		}
		gid = gr->gr_gid;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* no window in which the socket has a wider mode */
	um = umask(0777 & ~cf->socket_mode);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(um);
		log_msg(LOG_ERR, "bind %s: %s", cf->listen_path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	umask(um);
	own_socket = 1;
	if (chmod(cf->listen_path, cf->socket_mode) == -1 ||
	    ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    chown(cf->listen_path, uid, gid) == -1)) {
		log_msg(LOG_ERR, "socket %s: %s", cf->listen_path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
socket_tcp(const struct config *cf)
{
	struct addrinfo	 hints = { 0 }, *res;
	int		 fd, one = 1, rc;

	hints.ai_family = cf->listen_kind == LISTEN_TCP6 ? AF_INET6 : AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if ((rc = getaddrinfo(cf->listen_host, cf->listen_port, &hints,
	    &res)) != 0) {
		log_msg(LOG_ERR, "socket %s: %s", cf->listen, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		freeaddrinfo(res);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1) {
		log_msg(LOG_ERR, "bind %s: %s", cf->listen, strerror(errno));
		freeaddrinfo(res);
		close(fd);
		return -1;
	}
	freeaddrinfo(res);
	return fd;
}

/*
 * The sockets systemd passed, all of them, or else the one -s names.
 * Each worker serves one socket (worker_main takes one), the workers
 * taking the sockets in turn; policy_load() makes sure there are at
 * least as many workers as sockets.
 */
static int
socket_open(struct config *cf)
{
	char	one[256];
	size_t	off = 0;
	int	fd, i, n;

	if ((n = socket_inherited()) == -1) {
		cf->listen_kind = LISTEN_INHERITED;	/* a unit's mistake */
		return -1;
	}
	if (n > 0) {
		cf->listen_kind = LISTEN_INHERITED;
		nlisten = n;
	} else {
		fd = cf->listen_kind == LISTEN_UNIX ? socket_unix(cf) :
		    socket_tcp(cf);
		if (fd == -1)
			return -1;
		if (listen(fd, SOMAXCONN) == -1) {
			log_msg(LOG_ERR, "listen: %s", strerror(errno));
			close(fd);
			return -1;
		}
		if ((listen_fds = calloc(1, sizeof(*listen_fds))) == NULL)
			return -1;
		listen_fds[0] = fd;
		nlisten = 1;
	}
	for (i = 0; i < nlisten; i++) {
		/* workers poll, then accept: a lost race must not block */
		if (fcntl(listen_fds[i], F_SETFL,
		    fcntl(listen_fds[i], F_GETFL) | O_NONBLOCK) == -1)
			return -1;
		socket_describe(listen_fds[i], one, sizeof(one));
		off += snprintf(listen_desc + off, sizeof(listen_desc) - off,
		    "%s%s", i > 0 ? "," : "", one);
		if (off >= sizeof(listen_desc))
			off = sizeof(listen_desc) - 1;
	}
	if (n > 0)
		log_msg(LOG_INFO, "serving the %d socket%s passed by the "
		    "service manager: %s (names %s)", n, n > 1 ? "s" : "",
		    listen_desc, listen_names ? listen_names : "none");
	return 0;
}

/*
 * The spool directory is opened here, before any jail: workers write
 * through this fd, which keeps the host's writable mount, while their own
 * view of the file system is read-only.  Files are O_TMPFILE: unnamed,
 * gone when closed.
 */
static int
spool_open(struct config *cf)
{
	int	fd;

	cf->spool_fd = open(cf->spool_dir, O_PATH | O_DIRECTORY);
	if (cf->spool_fd == -1 || (fd = openat(cf->spool_fd, ".",
	    O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) == -1) {
		log_msg(LOG_ERR, "spool directory %s: %s", cf->spool_dir,
		    strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* ----------------------------------------------------------- cgroups */

/*
 * Our subtree is named after the socket: two instances started in the
 * same cgroup never share (or clean up) one, and the same instance
 * finds what its last run left behind after a crash.
 */
static void
cgroup_name(const struct config *cf, char *name, size_t len)
{
	const unsigned char	*c;
	uint32_t		 h = 2166136261U;	/* FNV-1a */

	for (c = (const unsigned char *)cf->listen; *c != '\0'; c++)
		h = (h ^ *c) * 16777619U;
	snprintf(name, len, "safecgi-%08x", (unsigned)h);
}

/* Ours to write in every hierarchy? (Rootless: only if delegated.) */
static int
cgroup_writable(char *err, size_t errsz)
{
	int	i;

	for (i = 0; i < CGROUP_NHIER; i++)
		if (cg_host.dir[i][0] != '\0' &&
		    access(cg_host.dir[i], W_OK) == -1) {
			snprintf(err, errsz, "%s: %s", cg_host.dir[i],
			    strerror(errno));
			return -1;
		}
	return 0;
}

/*
 * Where the per-request budgets live, or why they cannot: 0 (cg_tree
 * set, or the operator accepted running without), -1 with the reason
 * in cg_report.  open: also create the subtree (not for --check).
 */
static int
cgroup_setup(const struct config *cf, int open)
{
	char	err[512], name[32];
	int	accepted = (cf->allow_missing & LAYER_CGROUP) != 0;

	if (cgroup_detect(&cg_host, err, sizeof(err)) == 0 &&
	    cgroup_writable(err, sizeof(err)) == 0) {
		cgroup_name(cf, name, sizeof(name));
		if (!open) {
			snprintf(cg_report, sizeof(cg_report), "cgroup: "
			    "per-request memory, processes and CPU budget "
			    "(cgroup v%d%s), beneath %s/%s\n", cg_host.version,
			    cg_host.version == 1 ? ", hybrid host" : "",
			    cg_host.dir[cg_host.version == 1 ? CGROUP_MEMORY :
			    CGROUP_UNIFIED], name);
			return 0;
		}
		if ((cg_tree = cgroup_tree_open(&cg_host, name, err,
		    sizeof(err))) != NULL) {
			snprintf(cg_report, sizeof(cg_report), "cgroup: "
			    "per-request memory, processes and CPU budget "
			    "(cgroup v%d%s), beneath %s/%s\n", cg_host.version,
			    cg_host.version == 1 ? ", hybrid host" : "",
			    cg_host.dir[cg_host.version == 1 ? CGROUP_MEMORY :
			    CGROUP_UNIFIED], name);
			return 0;
		}
	}
	if (accepted) {
		snprintf(cg_report, sizeof(cg_report), "cgroup: MISSING, "
		    "accepted by --allow-missing cgroup: no per-request "
		    "budget; memory and processes are bounded per process "
		    "only (RLIMIT_AS, RLIMIT_NPROC per uid) and CPU time per "
		    "process (RLIMIT_CPU) (%s)\n", err);
		return 0;
	}
	snprintf(cg_report, sizeof(cg_report), "no per-request budget: "
	    "%s%s\nStart with --allow-missing cgroup to run without one "
	    "(memory and processes bounded per process only).\n", err,
	    caps.rootless ? " (rootless: a user manager must delegate a "
	    "cgroup, e.g. systemd-run --user -p Delegate=yes)" : "");
	return -1;
}

/*
 * A worker slot's leaves: one per request it may run at once.  Each
 * holds a dozen descriptors, kept above FD_SETSIZE (cgroup.c): the soft
 * limit is raised to the hard one for room.
 */
static int
slot_cgroup(struct slot *s)
{
	struct rlimit	rl;
	char		prefix[32], err[512];

	cgroup_pool_free(s->cg);
	s->cg = NULL;
	if (cg_tree == NULL)
		return 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	snprintf(prefix, sizeof(prefix), "w%u-", ++cg_seq);
	if ((s->cg = cgroup_pool_new(cg_tree, prefix, (size_t)
	    (cur->cf.max_requests < CGROUP_LEAVES ? cur->cf.max_requests :
	    CGROUP_LEAVES), err, sizeof(err))) == NULL) {
		log_msg(LOG_ERR, "cannot create worker: %s", err);
		return -1;
	}
	return 0;
}

/* ----------------------------------------------------------- workers */

static void
slot_relay_close(struct slot *s)
{
	if (s->relay_fd != -1)
		close(s->relay_fd);
	s->relay_fd = -1;
	relay_ports_free(&s->ports);
}

static int
worker_start(struct slot *s, int slotno)
{
	int	 child_end, event_end, relay_end = -1, devnull;
	pid_t	 pid;
	int	 flags = jail_clone_flags(&caps) | SIGCHLD;

	if (slot_cgroup(s) == -1)
		return -1;
	if ((child_end = audit_channel(&s->log_fd)) == -1)
		return -1;
	/* events apart from log lines: stderr cannot crowd them out */
	if ((event_end = audit_channel(&s->event_fd)) == -1) {
		log_msg(LOG_ERR, "cannot create worker: %s", strerror(errno));
		close(child_end);
		close(s->log_fd);
		s->log_fd = -1;
		return -1;
	}
	/*
	 * The ports this generation's profiles name, and a channel to ask
	 * for them: the worker's relay reaches nothing else.
	 */
	relay_ports_free(&s->ports);
	if (relay_ports(&cur->ps, &s->ports) == -1 || (s->ports.n > 0 &&
	    (relay_end = relay_channel(&s->relay_fd)) == -1)) {
		log_msg(LOG_ERR, "cannot create worker: %s", strerror(errno));
		close(child_end);
		close(s->log_fd);
		s->log_fd = -1;
		close(event_end);
		close(s->event_fd);
		s->event_fd = -1;
		return -1;
	}
	/*
	 * clone with fresh namespaces, fork-like (no stack given): the
	 * worker is init of its PID namespace, so when it dies everything
	 * it started dies with it.
	 */
	stats_worker_forking();
	pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
	if (pid != 0)
		stats_worker_forked(pid);
	if (pid == -1) {
		log_msg(LOG_ERR, "cannot create worker: %s", strerror(errno));
		close(child_end);
		close(s->log_fd);
		s->log_fd = -1;
		close(event_end);
		close(s->event_fd);
		s->event_fd = -1;
		slot_relay_close(s);
		if (relay_end != -1)
			close(relay_end);
		return -1;
	}
	if (pid == 0) {
		int	i, rc;

		for (i = 0; i < nslots; i++) {
			if (slots[i].log_fd != -1)
				close(slots[i].log_fd);
			if (slots[i].event_fd != -1)
				close(slots[i].event_fd);
			if (slots[i].relay_fd != -1)
				close(slots[i].relay_fd);
			if (&slots[i] != s)
				cgroup_pool_forget(slots[i].cg);
		}
		for (i = 0; i < nold; i++) {
			if (old[i].log_fd != -1)
				close(old[i].log_fd);
			if (old[i].event_fd != -1)
				close(old[i].event_fd);
			if (old[i].relay_fd != -1)
				close(old[i].relay_fd);
			cgroup_pool_forget(old[i].cg);
		}
		close(sigpipe_fds[0]);
		close(sigpipe_fds[1]);
		signal(SIGHUP, SIG_DFL);
		signal(SIGUSR1, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		if ((devnull = open("/dev/null", O_RDWR)) != -1) {
			dup2(devnull, 0);
			dup2(devnull, 1);
			dup2(devnull, 2);
			if (devnull > 2)
				close(devnull);
		}
		audit_attach_events(event_end);
		rc = worker_main(&cur->cf, &cur->ps, cur->filters,
		    listen_fds[slotno % nlisten], child_end, relay_end, slotno,
		    &caps, s->cg);
		_exit(rc);
	}
	close(child_end);
	close(event_end);
	if (relay_end != -1)
		close(relay_end);
	s->pid = pid;
	s->gen = gen;
	s->started = time(NULL);
	s->restart_at = 0;
	return 0;
}

static void
slots_signal(struct slot *v, int n, int sig)
{
	int	i;

	for (i = 0; i < n; i++)
		if (v[i].pid > 0)
			kill(v[i].pid, sig);
}

static int
slots_alive(struct slot *v, int n)
{
	int	i, k = 0;

	for (i = 0; i < n; i++)
		if (v[i].pid > 0)
			k++;
	return k;
}

static void
reap(int stopping)
{
	int	 status, i;
	pid_t	 pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		stats_worker_gone(pid);
		for (i = 0; i < nold; i++)
			if (old[i].pid == pid) {
				old[i].pid = 0;
				/* a dead worker's channels: all of them */
				while (audit_drain(old[i].event_fd, pid) > 0)
					;
				close(old[i].event_fd);
				old[i].event_fd = -1;
				while (audit_drain(old[i].log_fd, pid) > 0)
					;
				close(old[i].log_fd);
				old[i].log_fd = -1;
				slot_relay_close(&old[i]);
				cgroup_pool_free(old[i].cg);
				old[i].cg = NULL;
			}
		for (i = 0; i < nslots; i++) {
			struct slot *s = &slots[i];

			if (s->pid != pid)
				continue;
			while (audit_drain(s->event_fd, pid) > 0)
				;
			close(s->event_fd);
			s->event_fd = -1;
			while (audit_drain(s->log_fd, pid) > 0)
				;
			close(s->log_fd);
			s->log_fd = -1;
			slot_relay_close(s);
			s->pid = 0;
			/* its PID namespace is gone: the leaves are empty */
			cgroup_pool_free(s->cg);
			s->cg = NULL;
			if (stopping)
				continue;
			stats_worker_restart();
			if (WIFSIGNALED(status))
				log_msg(LOG_ERR, "worker %d killed by signal "
				    "%d; restarting", (int)pid,
				    WTERMSIG(status));
			else
				log_msg(LOG_ERR, "worker %d exited with %d; "
				    "restarting", (int)pid,
				    WEXITSTATUS(status));
			/* a worker that dies young waits longer each time */
			if (time(NULL) - s->started < 10)
				s->backoff_ms = s->backoff_ms ?
				    s->backoff_ms * 2 : 100;
			else
				s->backoff_ms = 100;
			if (s->backoff_ms > 10000)
				s->backoff_ms = 10000;
			s->restart_at = now_ms() + s->backoff_ms;
		}
	}
}

/*
 * A worker that could not be started is tried again later, like one that
 * died young: a slot is never left empty for good.
 */
static void
worker_retry(struct slot *s)
{
	s->pid = 0;
	s->backoff_ms = s->backoff_ms ? s->backoff_ms * 2 : 100;
	if (s->backoff_ms > 10000)
		s->backoff_ms = 10000;
	s->restart_at = now_ms() + s->backoff_ms;
}

/*
 * Retire the current generation: it joins the workers still draining
 * from earlier reloads.  None of them is killed; each finishes its
 * requests in flight within its grace period and exits.
 */
static void
slots_retire(struct slot *drain)
{
	int	i, k = 0;

	for (i = 0; i < nold; i++)
		if (old[i].pid > 0)
			drain[k++] = old[i];
	for (i = 0; i < nslots; i++)
		if (slots[i].pid > 0) {
			kill(slots[i].pid, SIGTERM);
			drain[k++] = slots[i];
		}
	free(old);
	free(slots);
	old = drain;
	nold = k;
}

static int
reload(int argc, char **argv)
{
	struct audit_event	 ev = { 0 };
	struct policy		*np;
	struct slot		*ns, *drain;
	char			 err[512], n[16];
	int			 i;

	if ((np = policy_load(argc, argv, err, sizeof(err))) == NULL)
		goto failed;
	/*
	 * Everything that can fail is done before anything changes: the
	 * running generation keeps serving if this reload cannot happen.
	 */
	ns = calloc(np->cf.workers, sizeof(*ns));
	drain = calloc(nold + nslots + 1, sizeof(*drain));
	if (ns == NULL || drain == NULL) {
		snprintf(err, sizeof(err), "%s", strerror(errno));
		free(ns);
		free(drain);
		policy_free(np);
		goto failed;
	}
	slots_retire(drain);
	/* old workers hold their own copy of the policy (forked with it) */
	np->cf.spool_fd = cur->cf.spool_fd;	/* not reopened on reload */
	cur->cf.spool_fd = -1;
	policy_free(cur);
	cur = np;
	stats_profiles(&cur->ps);
	gen++;
	slots = ns;
	nslots = cur->cf.workers;
	for (i = 0; i < nslots; i++) {
		slots[i].log_fd = -1;
		slots[i].event_fd = -1;
		slots[i].relay_fd = -1;
	}
	for (i = 0; i < nslots; i++)
		if (worker_start(&slots[i], i) == -1)
			worker_retry(&slots[i]);
	snprintf(n, sizeof(n), "%zu", cur->ps.n);
	ev.event = "policy_loaded";
	audit_kv(&ev, "profiles", n);
	audit_kv(&ev, "reason", "reload");
	audit_emit(&ev);
	log_msg(LOG_INFO, "reloaded: %zu profiles, %d workers (%d draining)",
	    cur->ps.n, nslots, nold);
	return 0;

failed:
	log_msg(LOG_ERR, "reload failed, keeping the running "
	    "configuration: %s", err);
	ev.event = "policy_reload_failed";
	audit_kv(&ev, "error", err);
	audit_emit(&ev);
	return -1;
}

/* ------------------------------------------------------------- check */

static int
check(struct policy *p, const char *report)
{
	size_t	i;

	printf("safecgi %s: configuration is valid\n\njail layers:\n%s%s\n",
	    PACKAGE_VERSION, report, cg_report);
	printf("scheduling: %s\n\n", p->cf.sched_batch ? "batch (SCHED_BATCH: "
	    "workers and scripts do not preempt on wake-up)" :
	    "normal (SCHED_OTHER)");
	check_logs(&p->cf, stdout);
	/* a script, or every script under a directory */
	if (p->cf.check_script != NULL)
		return check_scripts(&p->ps, p->cf.check_script, stdout) ==
		    -1 ? 1 : 0;
	for (i = 0; i < p->ps.n; i++) {
		printf("profile %s  exposure %.1f\n", p->ps.v[i].name,
		    profile_exposure(&p->ps.v[i]));
		profile_describe(&p->ps.v[i], stdout);
		printf("\n");
	}
	return 0;
}

/*
 * Rootless, supplementary groups cannot be dropped (a user namespace
 * forbids setgroups to the unprivileged), so scripts would keep them:
 * refuse rather than run scripts with groups nobody asked for.
 */
static int
rootless_groups(char *err, size_t errsz)
{
	gid_t	g[64];
	int	i, n;

	if ((n = getgroups(nitems(g), g)) == -1) {
		snprintf(err, errsz, "getgroups: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++)
		if (g[i] != getegid()) {
			snprintf(err, errsz, "started without root (rootless "
			    "mode), but with supplementary group %u, which "
			    "scripts would keep; start safecgi without "
			    "supplementary groups (setpriv --clear-groups, "
			    "or systemd SupplementaryGroups= empty and a user "
			    "in no other group)", (unsigned)g[i]);
			return -1;
		}
	return 0;
}

/* ------------------------------------------------------------ notify */

/*
 * sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET.
 * Under Type=notify systemd takes the service as started on READY=1,
 * shows STATUS= in systemctl status, and RELOADING=1 ... READY=1 as a
 * reload.  The variable is removed so that nothing we start inherits
 * it; systemd's default NotifyAccess=main ignores anyone else anyway.
 */
static int			notify_fd = -1;
static struct sockaddr_un	notify_sun;
static socklen_t		notify_len;
static int			ready_told, stopping_told, reloading;
static int64_t			reload_started;

static void
notify_open(void)
{
	const char	*p;
	size_t		 n;

	if ((p = getenv("NOTIFY_SOCKET")) == NULL)
		return;
	n = strlen(p);
	if ((p[0] != '/' && p[0] != '@') || n < 2 ||
	    n >= sizeof(notify_sun.sun_path)) {
		log_msg(LOG_WARNING, "NOTIFY_SOCKET is not a unix socket "
		    "path; the service manager will not hear from us");
		unsetenv("NOTIFY_SOCKET");
		return;
	}
	notify_sun.sun_family = AF_UNIX;
	memcpy(notify_sun.sun_path, p, n);
	if (p[0] == '@')
		notify_sun.sun_path[0] = '\0';	/* abstract */
	notify_len = offsetof(struct sockaddr_un, sun_path) + n;
	if ((notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) ==
	    -1)
		log_msg(LOG_WARNING, "notify socket: %s", strerror(errno));
	unsetenv("NOTIFY_SOCKET");
}

static void
notify(const char *fmt, ...)
{
	static int	warned;
	char		msg[512];
	va_list		ap;
	int		n;

	if (notify_fd == -1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	if (sendto(notify_fd, msg, n, MSG_NOSIGNAL,
	    (struct sockaddr *)&notify_sun, notify_len) == -1 && !warned) {
		warned = 1;
		log_msg(LOG_WARNING, "cannot notify the service manager: %s",
		    strerror(errno));
	}
}

static void
on_worker_ready(pid_t pid)
{
	int	i;

	for (i = 0; i < nslots; i++)
		if (slots[i].pid == pid)
			slots[i].ready_pid = pid;
}

/* Workers of the current generation that have said they serve. */
static int
slots_ready(void)
{
	int	i, k = 0;

	for (i = 0; i < nslots; i++)
		if (slots[i].pid > 0 && slots[i].ready_pid == slots[i].pid)
			k++;
	return k;
}

static void
notify_status(int force)
{
	static char		 last[256];
	static int64_t		 at;
	char			 st[256];
	int64_t			 t = now_ms();

	struct stats_snapshot	*ss;
	long long		 active = 0, queued = 0;

	/*
	 * At most once a second: the main loop comes here on every wake-up,
	 * up to once a request, and a snapshot walks every worker's table.
	 */
	if (!force && t - at < 1000)
		return;
	at = t;
	/* what the status page counts: running, and waiting for a place */
	if ((ss = stats_snapshot()) != NULL) {
		active = ss->gauge[STATS_ACTIVE];
		queued = ss->gauge[STATS_QUEUED];
		stats_snapshot_free(ss);
	}
	snprintf(st, sizeof(st), "%d of %d workers serving%s; %llu requests, "
	    "%lld running, %lld queued", slots_ready(), nslots,
	    reloading ? " (reloading)" : "", audit_requests(), active, queued);
	if (!force && strcmp(st, last) == 0)
		return;
	snprintf(last, sizeof(last), "%s", st);
	notify("STATUS=%s", st);
}

/*
 * A HUP as systemd sees it: RELOADING=1, then READY=1 when the new
 * generation serves, or at once if the reload failed, with the outcome
 * in STATUS= (systemctl status shows it).
 */
static void
service_reload(int argc, char **argv)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	notify("RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
	if (reload(argc, argv) == -1) {
		notify("READY=1\nSTATUS=reload failed, still running the "
		    "previous configuration (see the log)");
		return;
	}
	reloading = 1;
	reload_started = now_ms();
}

/*
 * Once per turn of the main loop: tell systemd what changed.  Returns
 * -1 when a worker of the first generation died before it ever served:
 * the jail cannot be built here, and restarting would not change that.
 */
static int
service_state(int stopping)
{
	int	i;

	if (stopping) {
		if (!stopping_told)
			notify("STOPPING=1\nSTATUS=stopping");
		stopping_told = 1;
		return 0;
	}
	if (!ready_told) {
		for (i = 0; i < nslots; i++)
			if (slots[i].ready_pid == 0 && slots[i].pid == 0 &&
			    slots[i].restart_at != 0) {
				log_msg(LOG_ERR, "a worker could not start "
				    "(see above): the jail cannot be built on "
				    "this system; stopping");
				return -1;
			}
		if (slots_ready() < nslots)
			return 0;
		ready_told = 1;
		log_msg(LOG_INFO, "ready: %d workers serving %s", nslots,
		    listen_desc);
		notify_status(1);
		notify("READY=1");
		return 0;
	}
	if (reloading && slots_ready() == nslots) {
		reloading = 0;
		log_msg(LOG_INFO, "reload done in %lld ms: %d workers serving",
		    (long long)(now_ms() - reload_started), nslots);
		notify_status(1);
		notify("READY=1");
	}
	notify_status(0);
	return 0;
}

/* -------------------------------------------------------------- main */

int
main(int argc, char **argv)
{
	struct sigaction	 sa;
	struct config		 args;
	struct pollfd		*pfd;
	char			 err[512], report[2048], c;
	int			 i, n, stopping = 0, status = 0;
	int64_t			 stop_deadline = 0, t, log_quiet = 0;
	int64_t			 log_last = 0;

	/*
	 * Exit statuses say why (safecgi(8), EXIT STATUS), so that the
	 * unit's RestartPreventExitStatus= can tell a mistake, which a
	 * restart repeats, from a transient failure: EX_USAGE for the
	 * command line, EX_CONFIG for configuration and profiles,
	 * EX_UNAVAILABLE for a jail layer this system cannot provide, 1
	 * for anything else.
	 */
	config_init(&args);
	if (config_parse_args(&args, argc, argv) == -1)
		return EX_USAGE;
	config_free(&args);
	if ((cur = policy_load(argc, argv, err, sizeof(err))) == NULL) {
		fprintf(stderr, "safecgi: %s\n", err);
		return EX_CONFIG;
	}
	if (jail_probe(&cur->cf, &caps, report, sizeof(report)) == -1) {
		/* the report's first line says what is missing, and why */
		fprintf(stderr, "safecgi: %s", report);
		return EX_UNAVAILABLE;
	}
	if (!cur->cf.check && caps.rootless &&
	    rootless_groups(err, sizeof(err)) == -1) {
		fprintf(stderr, "safecgi: %s\n", err);
		return EX_CONFIG;
	}
	/* detection only: nothing is made before everything else is */
	if (cgroup_setup(&cur->cf, 0) == -1) {
		fprintf(stderr, "safecgi: %s", cg_report);
		return EX_UNAVAILABLE;	/* a jail layer is missing */
	}
	if (cur->cf.check)
		return check(cur, report);
	if (audit_open(cur->cf.error_log, cur->cf.audit_log) == -1) {
		if (errno == ENOTSOCK)
			fprintf(stderr, "safecgi: logging to syslog, but "
			    "nothing listens on %s (no syslog daemon or "
			    "journald?)\n", _PATH_LOG);
		else
			fprintf(stderr, "safecgi: cannot open log: %s\n",
			    strerror(errno));
		return EX_CONFIG;
	}
	if (socket_open(&cur->cf) == -1)
		return cur->cf.listen_kind == LISTEN_INHERITED ? EX_CONFIG : 1;
	if (policy_own_ports(cur, err, sizeof(err)) == -1) {
		log_msg(LOG_ERR, "%s", err);
		return EX_CONFIG;
	}
	if (cur->cf.workers < nlisten) {
		log_msg(LOG_INFO, "%d sockets: starting %d workers, one or "
		    "more for each", nlisten, nlisten);
		cur->cf.workers = nlisten;
	}
	if (spool_open(&cur->cf) == -1)
		return EX_CONFIG;
	notify_open();
	audit_on_ready(on_worker_ready);

	if (pipe2(sigpipe_fds, O_CLOEXEC | O_NONBLOCK) == -1)
		return 1;
	if (cgroup_setup(&cur->cf, 1) == -1) {
		log_msg(LOG_ERR, "%s", cg_report);
		return 1;
	}
	/*
	 * Whatever our parent ignored (a shell ignores SIGQUIT for
	 * background jobs) would reach every script through execve.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (i = 1; i < NSIG; i++)
		if (i != SIGKILL && i != SIGSTOP)
			(void)sigaction(i, &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	{
		struct audit_event	ev = { 0 };
		char			np[16], abi[16];
		char			*l, *line;

		ev.event = "startup";
		snprintf(np, sizeof(np), "%zu", cur->ps.n);
		audit_kv(&ev, "version", PACKAGE_VERSION);
		/* the sockets really served, not the -s default */
		audit_kv(&ev, "socket", listen_desc);
		if (listen_names != NULL)
			audit_kv(&ev, "socket_names", listen_names);
		audit_kv(&ev, "profiles", np);
		snprintf(abi, sizeof(abi), "%d", caps.landlock_abi);
		audit_kv(&ev, "landlock_abi", abi);
		/* the layers every script gets (the report logged below
		 * says the same in words) */
		audit_kv(&ev, "layers", caps.landlock_abi ?
		    "privileges,mount,network,pid,ipc,uts,seccomp,landlock,"
		    "rlimits,fds" : "privileges,mount,network,pid,ipc,uts,"
		    "seccomp,rlimits,fds");
		audit_kv(&ev, "rootless", caps.rootless ? "yes" : "no");
		/* the per-request budget: cgroup v2, v1 (hybrid) or none */
		audit_kv(&ev, "cgroup", cg_tree == NULL ? "none" :
		    cg_host.version == 2 ? "v2" : "v1");
		/* only --allow-missing gets this far without a layer */
		audit_kv(&ev, "missing", !caps.landlock_abi ? (cg_tree ==
		    NULL ? "landlock,cgroup" : "landlock") : cg_tree == NULL ?
		    "cgroup" : NULL);
		audit_kv(&ev, "scheduling", cur->cf.sched_batch ? "batch" :
		    "normal");
		audit_emit(&ev);
		memset(&ev, 0, sizeof(ev));
		ev.event = "policy_loaded";
		audit_kv(&ev, "profiles", np);
		audit_kv(&ev, "reason", "start");
		audit_emit(&ev);
		log_msg(LOG_INFO, "safecgi %s starting: %d workers on %s",
		    PACKAGE_VERSION, cur->cf.workers, listen_desc);
		for (l = report; (line = strsep(&l, "\n")) != NULL;)
			if (*line != '\0')
				log_msg(LOG_INFO, "jail %s", line);
		for (l = cg_report; (line = strsep(&l, "\n")) != NULL;)
			if (*line != '\0')
				log_msg(LOG_INFO, "jail %s", line);
	}

	/* before the first fork: every worker counts into the same map */
	if (stats_open() == -1) {
		log_msg(LOG_ERR, "cannot map the counters: %s",
		    strerror(errno));
		return 1;
	}
	stats_profiles(&cur->ps);
	gen = 1;
	nslots = cur->cf.workers;
	if ((slots = calloc(nslots, sizeof(*slots))) == NULL)
		return 1;
	for (i = 0; i < nslots; i++) {
		slots[i].log_fd = -1;
		slots[i].event_fd = -1;
		slots[i].relay_fd = -1;
	}
	for (i = 0; i < nslots; i++)
		if (worker_start(&slots[i], i) == -1) {
			slots_signal(slots, nslots, SIGKILL);
			while (wait(NULL) > 0 || errno == EINTR)
				;
			for (i = 0; i < nslots; i++)
				cgroup_pool_free(slots[i].cg);
			cgroup_tree_close(cg_tree);
			return 1;
		}

	for (;;) {
		int		 total = nslots + nold, signalled;
		struct slot	*s;

		/*
		 * per worker: its log channel, its event channel, then its
		 * relay channel
		 */
		if ((pfd = calloc(3 * total + 1, sizeof(*pfd))) == NULL)
			return 1;
		pfd[0].fd = sigpipe_fds[0];
		pfd[0].events = POLLIN;
		/*
		 * Under load every request's access line would wake us on
		 * its own: when lines come less than LOG_QUIET_MS apart, the
		 * log channels wait that long and are read together (their
		 * socket buffers hold hundreds of lines; what a full one
		 * refuses is counted, never lost unseen).  Signals and audit
		 * events are read at once; lines further apart, too.
		 */
		t = now_ms();
		for (i = 0; i < total; i++) {
			s = i < nslots ? &slots[i] : &old[i - nslots];
			pfd[1 + 3 * i].fd = t < log_quiet ? -1 : s->log_fd;
			pfd[1 + 3 * i].events = POLLIN;
			pfd[2 + 3 * i].fd = s->event_fd;
			pfd[2 + 3 * i].events = POLLIN;
			pfd[3 + 3 * i].fd = s->relay_fd;
			pfd[3 + 3 * i].events = POLLIN;
		}
		n = poll(pfd, 3 * total + 1, t < log_quiet ?
		    (int)(log_quiet - t) : 100);
		if (t >= log_quiet)
			log_quiet = 0;
		/* a signal (SIGCHLD among them) always writes the pipe; a
		 * log line alone needs neither the pipe read nor a reap */
		signalled = n <= 0 || pfd[0].revents != 0;
		for (i = 0; n > 0 && i < total; i++) {
			s = i < nslots ? &slots[i] : &old[i - nslots];
			/* events first: the record must not wait for chatter */
			if (pfd[2 + 3 * i].revents & POLLIN)
				audit_drain(s->event_fd, s->pid);
			if (pfd[1 + 3 * i].revents & POLLIN &&
			    audit_drain(s->log_fd, s->pid) > 0) {
				t = now_ms();
				if (t - log_last < LOG_QUIET_MS)
					log_quiet = t + LOG_QUIET_MS;
				log_last = t;
			}
			/* a closed channel: the worker is gone, or its relay */
			if (pfd[3 + 3 * i].revents != 0 &&
			    relay_serve(s->relay_fd, &s->ports, s->pid) == -1) {
				close(s->relay_fd);
				s->relay_fd = -1;
			}
		}
		free(pfd);

		while (signalled && read(sigpipe_fds[0], &c, 1) == 1) {
			switch (c) {
			case SIGCHLD:
				break;
			case SIGHUP:
				if (!stopping)
					service_reload(argc, argv);
				break;
			case SIGUSR1:
				if (audit_reopen() == -1)
					log_msg(LOG_ERR, "cannot reopen logs: "
					    "%s", strerror(errno));
				break;
			case SIGTERM:
				if (stopping)
					break;
				log_msg(LOG_INFO, "SIGTERM: draining (up to %us)",
				    cur->cf.grace);
				stopping = 1;
				stop_deadline = now_ms() +
				    (int64_t)cur->cf.grace * 1000 + 2000;
				listen_close();
				slots_signal(slots, nslots, SIGTERM);
				slots_signal(old, nold, SIGTERM);
				break;
			case SIGINT:
				log_msg(LOG_INFO, "SIGINT: stopping now");
				slots_signal(slots, nslots, SIGKILL);
				slots_signal(old, nold, SIGKILL);
				stopping = 2;
				stop_deadline = now_ms();
				listen_close();
				break;
			}
		}
		if (signalled)
			reap(stopping);
		if (service_state(stopping) == -1) {
			/* the SIGINT path: every worker killed, none waited for */
			status = EX_UNAVAILABLE;
			slots_signal(slots, nslots, SIGKILL);
			stopping = 2;
			stop_deadline = now_ms();
			listen_close();
			continue;
		}
		if (nold > 0 && slots_alive(old, nold) == 0) {
			free(old);
			old = NULL;
			nold = 0;
		}
		t = now_ms();
		if (stopping) {
			if (slots_alive(slots, nslots) + slots_alive(old, nold)
			    == 0)
				break;
			if (t >= stop_deadline) {
				slots_signal(slots, nslots, SIGKILL);
				slots_signal(old, nold, SIGKILL);
			}
			continue;
		}
		for (i = 0; i < nslots; i++)
			if (slots[i].pid == 0 && slots[i].restart_at != 0 &&
			    t >= slots[i].restart_at &&
			    worker_start(&slots[i], i) == -1)
				worker_retry(&slots[i]);
	}
	if (own_socket && cur->cf.listen_path != NULL)
		unlink(cur->cf.listen_path);
	/* every worker is reaped: nothing runs in the leaves */
	for (i = 0; i < nslots; i++) {
		cgroup_pool_free(slots[i].cg);
		slots[i].cg = NULL;
	}
	for (i = 0; i < nold; i++) {
		cgroup_pool_free(old[i].cg);
		old[i].cg = NULL;
	}
	if (cgroup_tree_close(cg_tree) == -1)
		log_msg(LOG_ERR, "cannot remove every cgroup made: %s",
		    strerror(errno));
	log_msg(LOG_INFO, "stopped");
	return status;
}
