/*
 * The command line and the configuration file.  The flags fcgiwrap users
 * already have (-c -s -f -p -h) keep their meaning.
 */
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "config.h"
#include "safecgi.h"
#include "util.h"

enum {
	OPT_CONFIG = 256, OPT_SOCKET_USER, OPT_SOCKET_GROUP, OPT_SOCKET_MODE,
	OPT_PROFILE_DIR, OPT_AUDIT_LOG, OPT_ERROR_LOG, OPT_MAX_REQUESTS,
	OPT_GRACE, OPT_CHECK, OPT_SCRIPT, OPT_REQUIRE_LANDLOCK, OPT_SPOOL_DIR,
	OPT_ALLOW_MISSING, OPT_ALLOW_PEER, OPT_STATUS_PATH, OPT_SCHEDULING,
};

static const struct option longopts[] = {
	{ "workers",		required_argument, NULL, 'c' },
	{ "stderr-to-client",	no_argument,	   NULL, 'f' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ "allow",		required_argument, NULL, 'p' },
	{ "allow-missing",	required_argument, NULL, OPT_ALLOW_MISSING },
	{ "allow-peer",		required_argument, NULL, OPT_ALLOW_PEER },
	{ "socket",		required_argument, NULL, 's' },
	{ "timeout",		required_argument, NULL, 't' },
	{ "version",		no_argument,	   NULL, 'V' },
	{ "audit-log",		required_argument, NULL, OPT_AUDIT_LOG },
	{ "check",		no_argument,	   NULL, OPT_CHECK },
	{ "config",		required_argument, NULL, OPT_CONFIG },
	{ "error-log",		required_argument, NULL, OPT_ERROR_LOG },
	{ "grace",		required_argument, NULL, OPT_GRACE },
	{ "max-requests",	required_argument, NULL, OPT_MAX_REQUESTS },
	{ "profile-dir",	required_argument, NULL, OPT_PROFILE_DIR },
	{ "require-landlock",	no_argument,	   NULL, OPT_REQUIRE_LANDLOCK },
	{ "scheduling",		required_argument, NULL, OPT_SCHEDULING },
	{ "script",		required_argument, NULL, OPT_SCRIPT },
	{ "socket-group",	required_argument, NULL, OPT_SOCKET_GROUP },
	{ "socket-mode",	required_argument, NULL, OPT_SOCKET_MODE },
	{ "socket-user",	required_argument, NULL, OPT_SOCKET_USER },
	{ "spool-dir",		required_argument, NULL, OPT_SPOOL_DIR },
	{ "status-path",	required_argument, NULL, OPT_STATUS_PATH },
	{ NULL, 0, NULL, 0 }
};

void
config_usage(FILE *f)
{
	fprintf(f,
"usage: safecgi [-fhV] [-c workers] [-p path] [-s socket] [-t seconds]\n"
"               [--config file] [--profile-dir dir] [--check [--script path]]\n"
"\n"
"Run CGI scripts for a FastCGI web server (nginx), each one jailed.\n"
"Started as root, scripts run as their profiles' users; started by any\n"
"other user, rootless, as that user (in user namespaces).\n"
"\n"
"  -c, --workers N          worker processes (default: number of CPUs)\n"
"  -s, --socket SOCKET      unix:/path, tcp:ADDR:PORT or tcp6:[ADDR]:PORT\n"
"                           (default " DEFAULT_SOCKET ");\n"
"                           ignored under systemd socket activation\n"
"  -f, --stderr-to-client   send script stderr to the web server\n"
"                           (default: to safecgi's error log)\n"
"  -p, --allow PATH         run only this script (repeatable; compared\n"
"                           after resolving symlinks and ..)\n"
"  -t, --timeout SECONDS    wall-clock limit per request (default 60)\n"
"      --allow-peer ADDR[/BITS]\n"
"                           with a tcp: or tcp6: socket, accept FastCGI\n"
"                           connections from this network only\n"
"                           (repeatable; default: loopback only)\n"
"      --grace SECONDS      how long SIGTERM waits for requests (default 30)\n"
"      --max-requests N     concurrent requests per worker (default 128)\n"
"      --scheduling POLICY  batch (default): safecgi and its scripts never\n"
"                           preempt a running task when they wake up (the\n"
"                           kernel's SCHED_BATCH; same CPU share); normal:\n"
"                           SCHED_OTHER, as fcgiwrap\n"
"      --socket-user USER   owner of the unix socket\n"
"      --socket-group GROUP group of the unix socket\n"
"      --socket-mode MODE   mode of the unix socket (default 0660; never\n"
"                           world-writable)\n"
"      --config FILE        read settings from FILE (INI, [safecgi] section;\n"
"                           the command line wins)\n"
"      --profile-dir DIR    per-script profiles (default " DEFAULT_PROFILE_DIR ")\n"
"      --audit-log PATH     audit events as JSON lines, or 'syslog'\n"
"      --error-log PATH     operational log (default stderr), or 'syslog'\n"
"      --allow-missing LAYER\n"
"                           start even though the kernel, or a seccomp\n"
"                           filter above safecgi, refuses this jail layer\n"
"                           (landlock: scripts then run without the exec,\n"
"                           read, write and network allowlists; cgroup:\n"
"                           no per-request memory, process and CPU\n"
"                           budget);\n"
"                           without it, safecgi refuses to start and says\n"
"                           why\n"
"      --require-landlock   accepted for compatibility: Landlock is\n"
"                           required unless --allow-missing landlock\n"
"      --spool-dir DIR      where a script's output waits, in unnamed files,\n"
"                           while its request body still arrives\n"
"                           (default /var/tmp)\n"
"      --status-path PATH   answer requests whose SCRIPT_NAME is PATH with\n"
"                           safecgi's counters (?json, ?openmetrics);\n"
"                           default: no status page\n"
"      --check              validate configuration and profiles, print the\n"
"                           active jail layers and exit\n"
"      --script PATH        with --check: which profile PATH gets, why, and\n"
"                           what it refuses that PATH calls; a directory:\n"
"                           every script beneath it\n"
"  -V, --version            print the version and exit\n"
"  -h, --help               print this help and exit\n"
"\n"
"Signals: TERM drains and exits, INT exits at once, HUP reloads,\n"
"USR1 reopens log files.  See safecgi(8).\n");
}

void
config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->timeout = 60;
	c->grace = 30;
	c->max_requests = 128;
	c->sched_batch = 1;
	c->socket_mode = 0660;
	c->spool_fd = -1;
}

static const struct {
	const char	*name;
	unsigned	 bit;
} layers[] = {
	{ "landlock",	LAYER_LANDLOCK },
	{ "cgroup",	LAYER_CGROUP },
};

const char *
config_layer_name(unsigned bit)
{
	size_t	i;

	for (i = 0; i < nitems(layers); i++)
		if (layers[i].bit == bit)
			return layers[i].name;
	return "unknown";
}

/* "192.0.2.0/24", "::1", "2001:db8::/32" */
static const char *
peer_add(struct config *c, const char *v)
{
	struct peer_net	 net, *nv;
	char		 addr[INET6_ADDRSTRLEN], *slash;
	unsigned long long bits;
	unsigned	 max;
	size_t		 i;

	memset(&net, 0, sizeof(net));
	if ((slash = strchr(v, '/')) == NULL)
		slash = (char *)v + strlen(v);
	if ((size_t)(slash - v) >= sizeof(addr))
		return "allow-peer takes ADDR or ADDR/BITS";
	memcpy(addr, v, slash - v);
	addr[slash - v] = '\0';
	if (inet_pton(AF_INET, addr, net.addr) == 1) {
		net.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, net.addr) == 1) {
		net.family = AF_INET6;
		max = 128;
	} else
		return "allow-peer takes an IPv4 or IPv6 address, "
		    "ADDR or ADDR/BITS";
	bits = max;
	if (*slash == '/' && (parse_uint(slash + 1, max, &bits) == -1))
		return "allow-peer: the prefix length is out of range";
	net.bits = (unsigned)bits;
	/* bits past the prefix would never match: say so */
	for (i = net.bits; i < max; i++)
		if (net.addr[i / 8] & (0x80 >> (i % 8)))
			return "allow-peer: address has bits set past its "
			    "prefix length";
	if ((nv = reallocarray(c->peers, c->npeers + 1, sizeof(*nv))) ==
	    NULL)
		return strerror(errno);
	c->peers = nv;
	c->peers[c->npeers++] = net;
	return NULL;
}

static int
net_match(const struct peer_net *net, int family, const unsigned char *a)
{
	unsigned	i;

	if (net->family != family)
		return 0;
	for (i = 0; i < net->bits; i++)
		if ((a[i / 8] ^ net->addr[i / 8]) & (0x80 >> (i % 8)))
			return 0;
	return 1;
}

int
config_peer_allowed(const struct config *c, const struct sockaddr *sa,
    char *addr, size_t addrsz)
{
	/* 127.0.0.0/8 and ::1 */
	static const struct peer_net loopback[] = {
		{ AF_INET, { 127 }, 8 },
		{ AF_INET6, { [15] = 1 }, 128 },
	};
	const struct peer_net	*nets = c->npeers ? c->peers : loopback;
	size_t			 n = c->npeers ? c->npeers : nitems(loopback);
	const unsigned char	*a;
	int			 family = sa->sa_family;
	size_t			 i;

	if (addrsz > 0)
		addr[0] = '\0';
	switch (family) {
	case AF_UNIX:
		snprintf(addr, addrsz, "unix");
		return 1;
	case AF_INET:
		a = (const unsigned char *)
		    &((const struct sockaddr_in *)sa)->sin_addr;
		break;
	case AF_INET6:
		a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
		break;
	default:
		snprintf(addr, addrsz, "family %d", family);
		return 0;
	}
	inet_ntop(family, a, addr, addrsz);
	if (family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(
	    &((const struct sockaddr_in6 *)sa)->sin6_addr)) {
		family = AF_INET;
		a += 12;
	}
	for (i = 0; i < n; i++)
		if (net_match(&nets[i], family, a))
			return 1;
	return 0;
}

static const char *
config_set(struct config *c, int opt, const char *v)
{
	unsigned long long	 n;
	char			*ep;

	switch (opt) {
	case 'c':
		if (parse_uint(v, 4096, &n) == -1 || n == 0)
			return "workers must be a number from 1 to 4096";
		c->workers = (int)n;
		break;
	case 'f':
		c->stderr_to_client = 1;
		break;
	case 'p':
		if (*v != '/')
			return "allowed script path must be absolute";
		if (strlist_add(&c->allowed, v) == -1)
			return strerror(errno);
		break;
	case 's':
		if (str_set(&c->listen, v) == -1)
			return strerror(errno);
		break;
	case 't':
		if (parse_uint(v, 86400, &n) == -1 || n == 0)
			return "timeout must be 1 to 86400 seconds";
		c->timeout = (unsigned)n;
		break;
	case OPT_GRACE:
		if (parse_uint(v, 86400, &n) == -1)
			return "grace must be 0 to 86400 seconds";
		c->grace = (unsigned)n;
		break;
	case OPT_MAX_REQUESTS:
		if (parse_uint(v, 65536, &n) == -1 || n == 0)
			return "max-requests must be 1 to 65536";
		c->max_requests = (int)n;
		break;
	case OPT_SOCKET_USER:
		return str_set(&c->socket_user, v) ? strerror(errno) : NULL;
	case OPT_SOCKET_GROUP:
		return str_set(&c->socket_group, v) ? strerror(errno) : NULL;
	case OPT_SOCKET_MODE:
		errno = 0;
		n = strtoul(v, &ep, 8);
		if (*v == '\0' || *ep != '\0' || errno != 0 || n > 0777)
			return "socket mode must be octal, e.g. 0660";
		if (n & 0006)
			return "socket mode must not give access to others";
		c->socket_mode = (mode_t)n;
		break;
	case OPT_PROFILE_DIR:
		return str_set(&c->profile_dir, v) ? strerror(errno) : NULL;
	case OPT_AUDIT_LOG:
		return str_set(&c->audit_log, v) ? strerror(errno) : NULL;
	case OPT_ERROR_LOG:
		return str_set(&c->error_log, v) ? strerror(errno) : NULL;
	case OPT_SPOOL_DIR:
		if (*v != '/')
			return "spool directory must be an absolute path";
		return str_set(&c->spool_dir, v) ? strerror(errno) : NULL;
	case OPT_ALLOW_MISSING:
		for (n = 0; n < nitems(layers); n++)
			if (strcmp(v, layers[n].name) == 0)
				break;
		if (n == nitems(layers))
			return "allow-missing takes a jail layer that safecgi "
			    "may run without: landlock, cgroup";
		c->allow_missing |= layers[n].bit;
		break;
	case OPT_ALLOW_PEER:
		return peer_add(c, v);
	case OPT_SCHEDULING:
		if (strcmp(v, "batch") == 0)
			c->sched_batch = 1;
		else if (strcmp(v, "normal") == 0)
			c->sched_batch = 0;
		else
			return "scheduling must be batch or normal";
		break;
	case OPT_STATUS_PATH:
		if (*v != '/')
			return "status path must start with '/'";
		return str_set(&c->status_path, v) ? strerror(errno) : NULL;
	case OPT_REQUIRE_LANDLOCK:
		/* the default now; kept so that old command lines work */
		c->require_landlock = 1;
		break;
	default:
		return "unknown setting";
	}
	return NULL;
}

int
config_parse_args(struct config *c, int argc, char **argv)
{
	const char	*err;
	int		 ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:fhp:s:t:V", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'h':
			config_usage(stdout);
			exit(0);
		case 'V':
			printf("safecgi %s\n", PACKAGE_VERSION);
			exit(0);
		case OPT_CONFIG:
			if (str_set(&c->config_file, optarg) == -1)
				return -1;
			break;
		case OPT_CHECK:
			c->check = 1;
			break;
		case OPT_SCRIPT:
			if (str_set(&c->check_script, optarg) == -1)
				return -1;
			break;
		case '?':
			config_usage(stderr);
			return -1;
		default:
			if ((err = config_set(c, ch, optarg)) != NULL) {
				fprintf(stderr, "safecgi: %s: %s\n",
				    optarg != NULL ? optarg : "", err);
				return -1;
			}
		}
	}
	if (optind != argc) {
		fprintf(stderr, "safecgi: unexpected argument: %s\n",
		    argv[optind]);
		return -1;
	}
	if (c->check_script != NULL && !c->check) {
		fprintf(stderr, "safecgi: --script needs --check\n");
		return -1;
	}
	return 0;
}

struct file_ctx {
	struct config	*c;
	const char	*path;
	char		*err;
	size_t		 errsz;
	int		 failed;
};

static int
file_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct file_ctx		*x = arg;
	const struct option	*o;
	const char		*err;

	if (x->failed)
		return 0;
	if (strcmp(section, "safecgi") != 0) {
		snprintf(x->err, x->errsz, "unknown section [%s]", section);
		x->failed = 1;
		return 0;
	}
	for (o = longopts; o->name != NULL; o++)
		if (strcmp(o->name, name) == 0)
			break;
	if (o->name == NULL || o->val == 'h' || o->val == 'V' ||
	    o->val == OPT_CONFIG || o->val == OPT_CHECK ||
	    o->val == OPT_SCRIPT) {
		snprintf(x->err, x->errsz, "unknown setting '%s'", name);
		x->failed = 1;
		return 0;
	}
	if (o->has_arg == no_argument) {
		if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 ||
		    strcmp(value, "1") == 0)
			value = "";
		else if (strcmp(value, "no") == 0 ||
		    strcmp(value, "false") == 0 || strcmp(value, "0") == 0)
			return 1;
		else {
			snprintf(x->err, x->errsz, "'%s' must be yes or no",
			    name);
			x->failed = 1;
			return 0;
		}
	}
	if ((err = config_set(x->c, o->val, value)) != NULL) {
		snprintf(x->err, x->errsz, "%s: %s", name, err);
		x->failed = 1;
		return 0;
	}
	return 1;
}

int
config_load_file(struct config *c, const char *path, char *err, size_t errsz)
{
	struct file_ctx	 x = { c, path, NULL, 0, 0 };
	char		 msg[256] = "syntax error";
	int		 line;

	x.err = msg;
	x.errsz = sizeof(msg);
	line = ini_parse(path, file_handler, &x);
	if (line == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (line != 0) {
		snprintf(err, errsz, "%s:%d: %s", path, line, msg);
		return -1;
	}
	return 0;
}

int
config_parse_listen(const char *s, enum listen_kind *kind, char **path,
    char **host, char **port)
{
	const char		*p, *colon;
	unsigned long long	 n;

	*path = *host = *port = NULL;
	if (strncmp(s, "unix:", 5) == 0) {
		if (s[5] != '/' || strlen(s + 5) >= 108)
			return -1;
		*kind = LISTEN_UNIX;
		return (*path = strdup(s + 5)) == NULL ? -1 : 0;
	}
	if (strncmp(s, "tcp6:", 5) == 0) {
		p = s + 5;
		if (*p != '[' || (colon = strstr(p, "]:")) == NULL)
			return -1;
		*kind = LISTEN_TCP6;
		*host = strndup(p + 1, colon - p - 1);
		p = colon + 2;
	} else if (strncmp(s, "tcp:", 4) == 0) {
		p = s + 4;
		if ((colon = strrchr(p, ':')) == NULL || colon == p)
			return -1;
		*kind = LISTEN_TCP;
		*host = strndup(p, colon - p);
		p = colon + 1;
	} else
		return -1;
	if (*host == NULL || parse_uint(p, 65535, &n) == -1 || n == 0) {
		free(*host);
		*host = NULL;
		return -1;
	}
	return (*port = strdup(p)) == NULL ? -1 : 0;
}

int
config_finish(struct config *c, char *err, size_t errsz)
{
	char	 canon[PATH_MAX];
	size_t	 i;
	long	 ncpu;

	if (c->require_landlock && (c->allow_missing & LAYER_LANDLOCK)) {
		snprintf(err, errsz, "--require-landlock and --allow-missing "
		    "landlock contradict each other");
		return -1;
	}
	if (c->workers == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		c->workers = ncpu > 0 ? (int)ncpu : 1;
	}
	if (c->listen == NULL && str_set(&c->listen, DEFAULT_SOCKET) == -1)
		return -1;
	if (config_parse_listen(c->listen, &c->listen_kind, &c->listen_path,
	    &c->listen_host, &c->listen_port) == -1) {
		snprintf(err, errsz, "bad socket '%s': use unix:/path, "
		    "tcp:ADDR:PORT or tcp6:[ADDR]:PORT", c->listen);
		return -1;
	}
	/*
	 * -p is compared against canonical script paths, so canonicalise it
	 * too; a path that does not exist yet is kept as given.
	 */
	for (i = 0; i < c->allowed.n; i++) {
		if (realpath(c->allowed.v[i], canon) == NULL)
			continue;
		if (str_set(&c->allowed.v[i], canon) == -1)
			return -1;
	}
	if (c->spool_dir == NULL && str_set(&c->spool_dir, "/var/tmp") == -1)
		return -1;
	if (c->profile_dir == NULL &&
	    str_set(&c->profile_dir, DEFAULT_PROFILE_DIR) == -1)
		return -1;
	return 0;
}

void
config_free(struct config *c)
{
	strlist_free(&c->allowed);
	free(c->listen);
	free(c->config_file);
	free(c->profile_dir);
	free(c->audit_log);
	free(c->error_log);
	free(c->socket_user);
	free(c->socket_group);
	free(c->check_script);
	free(c->spool_dir);
	free(c->status_path);
	free(c->listen_path);
	free(c->listen_host);
	free(c->listen_port);
	free(c->peers);
	memset(c, 0, sizeof(*c));
}
