/*
 * profile: the policy files, the choice of a profile for a script, and
 * the exposure score.
 *
 * Only the master loads profiles, at start-up and on reload.  libinih
 * does the INI syntax.  inih r55 as built by Debian does not tell a
 * handler its line number (INI_HANDLER_LINENO is off in the library), so
 * we hand inih our own line reader: it counts lines, and it refuses what
 * inih would silently mangle (overlong lines, NUL bytes).  Every value is
 * checked here; nothing reaches the jail that this file did not accept.
 *
 * profile_match() runs on the request path: no I/O, no allocation, and a
 * byte-wise glob matcher of our own so that the answer never depends on
 * the locale.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "profile.h"
#include "util.h"

/* The built-in defaults; safecgi-profile(5) lists the same values. */
#define KIB			1024ULL
#define MIB			(1024 * KIB)
#define GIB			(1024 * MIB)
#define TIB			(1024 * GIB)

#define DEF_USER		"nobody"
#define DEF_GROUP		"nogroup"	/* nobody's primary group */
#define DEF_TIMEOUT		60
#define DEF_CPU			30
#define DEF_MEMORY		(512 * MIB)
#define DEF_PROCESSES		32
#define DEF_CPU_QUOTA		100	/* percent of one CPU */
#define MAX_CPU_QUOTA		(100 * 1024)
#define DEF_FILES		64
#define DEF_FILE_SIZE		(16 * MIB)
#define DEF_OUTPUT		(256 * MIB)
/*
 * What one request's stderr may add to the error log: room for a Perl
 * or Python traceback and a page of warnings, or git's progress lines,
 * and a bound a flood cannot pass (see stream.c).
 */
#define DEF_STDERR		(64 * 1024)
#define DEF_BODY		(64 * MIB)
/*
 * Each request's own /tmp and /var/tmp, each this size: what the shared
 * scratch space of a spawner held before.  Its pages are the request's
 * memory (charged to its cgroup), so the bound is the tmpfs's own.
 */
#define DEF_TMP			(64 * MIB)
#define MIN_TMP			MIB
#define MAX_TMP			(64 * GIB)
/*
 * A waiting request costs no process, but one of the worker's request
 * threads (--max-requests, 128 by default) and nginx's connection: half
 * of them, so that one busy profile leaves the other half to the rest,
 * whose requests would otherwise wait in the listen backlog.  The wait
 * stays below
 * nginx's fastcgi_read_timeout (60 s by default), so that a client
 * turned away gets our 503 and its Retry-After, not nginx's 504.
 */
#define DEF_QUEUE_LENGTH	64
#define DEF_QUEUE_WAIT		30
#define MAX_REQUESTS		65536
/*
 * limits.requests = auto: what memory holds if each request used its
 * whole limits.memory; without a per-request cgroup, no more than a
 * quarter of limits.processes, which the kernel then counts per user
 * across all of the profile's requests (each
 * has room for its script and one child, and half is left for processes
 * still exiting and the user's processes outside safecgi, so that no
 * execve or fork fails with EAGAIN); and no more than REQUESTS_PER_CPU
 * per CPU.  That last one is
 * generous because most CGI waits (a database, the disk, a client);
 * a CPU-bound load is paced by the pool's admission (pool.c).
 */
#define REQUESTS_PER_CPU	32

#define MAX_TIMEOUT		86400	/* a day: longer is no CGI */
#define MAX_FILES		1048576	/* the kernel's default fs.nr_open */
#define MIN_FILES		8	/* ld.so and stdio need a few */

#define PROFILE_SUFFIX		".conf"

/* ------------------------------------------------------------ keys */

enum ktype {
	K_NAME,
	K_MODE,
	K_SELECT,
	K_GLOBS,	/* list: match, exec */
	K_USER,
	K_GROUP,
	K_TIMEOUT,
	K_SECONDS,
	K_BYTES,
	K_COUNT,
	K_PERCENT,	/* cpu_quota: "50%" of one CPU */
	K_PATHS,	/* list: writable, hidden, bind_ro */
	K_CONNECT,	/* list */
	K_SYSCALLS,	/* list: allow, deny */
	K_ACTION,
	K_ERRNO,
	K_QUERY,
	K_SUSPICIOUS,
	K_VARS,		/* list: drop, pass */
	K_INTERP,	/* list: interpreter */
	K_EXTENDS,
};

struct key {
	const char		*section;
	const char		*name;
	enum ktype		 type;
	size_t			 off;	/* of the field in struct profile */
	unsigned long long	 min;
	unsigned long long	 max;
	int			 flags;
};

#define KF_INFINITY	0x01	/* "infinity" is accepted */
#define KF_ROOT		0x02	/* "/" is accepted as a path */
#define KF_AUTO		0x04	/* "auto" is accepted, stored as 0 */

#define OFF(f)		offsetof(struct profile, f)
#define ULL_MAX		(PROFILE_UNLIMITED - 1)

/*
 * Every key there is, in the order safecgi-profile(5) and
 * profile_describe() present them.  No limit may be 0: the jail and the
 * worker read 0 as "no limit", so "infinity" (PROFILE_UNLIMITED) is the
 * only way to say that.
 */
static const struct key keys[] = {
	{ "profile",	"name",		K_NAME,		0, 0, 0, 0 },
	{ "profile",	"extends",	K_EXTENDS,	0, 0, 0, 0 },
	{ "profile",	"match",	K_GLOBS,	OFF(match), 0, 0, 0 },
	{ "profile",	"directory",	K_GLOBS,	OFF(match_dir),
	    0, 0, 0 },
	{ "profile",	"interpreter",	K_INTERP,	OFF(match_interp),
	    0, 0, 0 },
	{ "profile",	"mode",		K_MODE,		0, 0, 0, 0 },
	{ "profile",	"select",	K_SELECT,	0, 0, 0, 0 },
	{ "identity",	"user",		K_USER,		0, 0, 0, 0 },
	{ "identity",	"group",	K_GROUP,	0, 0, 0, 0 },
	{ "limits",	"timeout",	K_TIMEOUT,	OFF(timeout),
	    1, MAX_TIMEOUT, 0 },
	{ "limits",	"cpu",		K_SECONDS,	OFF(limit_cpu),
	    1, ULL_MAX, KF_INFINITY },
	{ "limits",	"memory",	K_BYTES,	OFF(limit_as),
	    MIB, ULL_MAX, KF_INFINITY },
	{ "limits",	"processes",	K_COUNT,	OFF(limit_nproc),
	    1, ULL_MAX, KF_INFINITY },
	{ "limits",	"requests",	K_COUNT,	OFF(limit_requests),
	    1, MAX_REQUESTS, KF_AUTO },
	{ "limits",	"cpu_quota",	K_PERCENT,	OFF(limit_cpu_quota),
	    1, MAX_CPU_QUOTA, KF_INFINITY },
	{ "limits",	"files",	K_COUNT,	OFF(limit_nofile),
	    MIN_FILES, MAX_FILES, 0 },
	{ "limits",	"file_size",	K_BYTES,	OFF(limit_fsize),
	    1, ULL_MAX, KF_INFINITY },
	{ "limits",	"tmp",		K_BYTES,	OFF(limit_tmp),
	    MIN_TMP, MAX_TMP, 0 },
	{ "limits",	"output",	K_BYTES,	OFF(limit_output),
	    1, ULL_MAX, KF_INFINITY },
	{ "limits",	"body",		K_BYTES,	OFF(limit_body),
	    1, ULL_MAX, KF_INFINITY },
	{ "limits",	"stderr",	K_BYTES,	OFF(limit_stderr),
	    0, ULL_MAX, KF_INFINITY },
	{ "filesystem",	"exec",		K_GLOBS,	OFF(exec_allow),
	    0, 0, 0 },
	{ "filesystem",	"read",		K_GLOBS,	OFF(read_allow),
	    0, 0, 0 },
	{ "filesystem",	"writable",	K_PATHS,	OFF(writable),
	    0, 0, KF_ROOT },
	{ "filesystem",	"hidden",	K_PATHS,	OFF(hidden), 0, 0, 0 },
	{ "filesystem",	"bind_ro",	K_PATHS,	OFF(bind_ro), 0, 0, 0 },
	{ "network",	"connect",	K_CONNECT,	0, 0, 0, 0 },
	{ "syscalls",	"allow",	K_SYSCALLS,	OFF(syscall_allow),
	    0, 0, 0 },
	{ "syscalls",	"deny",		K_SYSCALLS,	OFF(syscall_deny),
	    0, 0, 0 },
	{ "syscalls",	"action",	K_ACTION,	0, 0, 0, 0 },
	{ "syscalls",	"errno",	K_ERRNO,	0, 0, 0, 0 },
	{ "environment", "query",	K_QUERY,	0, 0, 0, 0 },
	{ "environment", "suspicious",	K_SUSPICIOUS,	0, 0, 0, 0 },
	{ "environment", "drop",	K_VARS,		OFF(env_drop),
	    0, 0, 0 },
	{ "environment", "pass",	K_VARS,		OFF(env_pass),
	    0, 0, 0 },
	{ "queue",	"length",	K_COUNT,	OFF(queue_length),
	    1, MAX_REQUESTS, 0 },
	{ "queue",	"wait",		K_SECONDS,	OFF(queue_wait),
	    1, MAX_TIMEOUT, 0 },
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static const char *const sections[] = {
	"profile", "identity", "limits", "filesystem", "network", "syscalls",
	"environment", "queue",
};

/* The errno values a denied syscall may return, by the names people use. */
static const struct {
	const char	*name;
	int		 value;
} errnos[] = {
	{ "EPERM",		EPERM },
	{ "EACCES",		EACCES },
	{ "ENOSYS",		ENOSYS },
	{ "EROFS",		EROFS },
	{ "ENOENT",		ENOENT },
	{ "EINVAL",		EINVAL },
	{ "EIO",		EIO },
	{ "EAGAIN",		EAGAIN },
	{ "ENOMEM",		ENOMEM },
	{ "ENOTSUP",		ENOTSUP },
	{ "EAFNOSUPPORT",	EAFNOSUPPORT },
	{ "ENETUNREACH",	ENETUNREACH },
	{ "ECONNREFUSED",	ECONNREFUSED },
};

static int
key_is_list(const struct key *k)
{
	return k->type == K_GLOBS || k->type == K_PATHS ||
	    k->type == K_CONNECT || k->type == K_SYSCALLS || k->type == K_VARS ||
	    k->type == K_INTERP;
}

static struct strlist *
key_list(struct profile *p, const struct key *k)
{
	return (struct strlist *)((char *)p + k->off);
}

static const struct strlist *
key_clist(const struct profile *p, const struct key *k)
{
	return (const struct strlist *)((const char *)p + k->off);
}

static unsigned long long *
key_ull(struct profile *p, const struct key *k)
{
	return (unsigned long long *)((char *)p + k->off);
}

static const struct key *
key_find(const char *section, const char *name)
{
	size_t	i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int
section_known(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strlen(sections[i]) == len &&
		    memcmp(sections[i], s, len) == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------ strlist */

/* ------------------------------------------------------------ globs */

/*
 * A bracket expression at g (g[0] == '['), bounded by gn: returns its
 * width including the closing ']', or 0 when it is not closed.  When c
 * is not -1, *hit says whether the byte c is in the set.
 */
static size_t
bracket(const char *g, size_t gn, int c, int *hit)
{
	size_t		i = 1;
	int		neg = 0, first = 1, in = 0;
	unsigned char	lo, hi;

	if (i < gn && (g[i] == '!' || g[i] == '^')) {
		neg = 1;
		i++;
	}
	while (i < gn) {
		if (g[i] == ']' && !first) {
			if (hit != NULL)
				*hit = in != neg;
			return i + 1;
		}
		first = 0;
		if (g[i] == '\\' && i + 1 < gn)
			i++;
		lo = hi = (unsigned char)g[i++];
		if (i + 1 < gn && g[i] == '-' && g[i + 1] != ']') {
			i++;
			if (g[i] == '\\' && i + 1 < gn)
				i++;
			hi = (unsigned char)g[i++];
		}
		if (c >= lo && c <= hi)
			in = 1;
	}
	return 0;
}

/*
 * Does the glob element at g match byte c?  Returns the element's width,
 * or 0 when it does not match.  '*' is handled by the caller.
 */
static size_t
element_match(const char *g, size_t gn, unsigned char c)
{
	size_t	w;
	int	hit;

	switch (g[0]) {
	case '?':
		return 1;
	case '\\':
		if (gn >= 2)
			return (unsigned char)g[1] == c ? 2 : 0;
		break;
	case '[':
		if ((w = bracket(g, gn, c, &hit)) != 0)
			return hit ? w : 0;
		break;
	}
	return (unsigned char)g[0] == c ? 1 : 0;
}

/* One component of a glob against one component of a path. */
static int
component_match(const char *g, size_t gn, const char *s, size_t sn)
{
	size_t	gi = 0, si = 0, star_g = SIZE_MAX, star_s = 0, w;

	while (si < sn) {
		if (gi < gn && g[gi] == '*') {
			star_g = ++gi;
			star_s = si;
			continue;
		}
		if (gi < gn && (w = element_match(g + gi, gn - gi,
		    (unsigned char)s[si])) != 0) {
			gi += w;
			si++;
			continue;
		}
		/* Backtrack: let the last '*' swallow one more byte. */
		if (star_g == SIZE_MAX)
			return 0;
		gi = star_g;
		si = ++star_s;
	}
	while (gi < gn && g[gi] == '*')
		gi++;
	return gi == gn;
}

static const char *
component_end(const char *s)
{
	while (*s != '\0' && *s != '/')
		s++;
	return s;
}

/* g and s each point at the start of a component, just past a '/'. */
static int
match_from(const char *g, const char *s)
{
	const char	*ge, *se;

	for (;;) {
		ge = component_end(g);
		se = component_end(s);
		if (ge - g == 2 && g[0] == '*' && g[1] == '*') {
			/* At the end, "**" is everything beneath. */
			if (*ge == '\0')
				return *s != '\0';
			/* Else it swallows zero or more whole components. */
			for (;;) {
				if (match_from(ge + 1, s))
					return 1;
				se = component_end(s);
				if (*se == '\0')
					return 0;
				s = se + 1;
			}
		}
		if (!component_match(g, (size_t)(ge - g), s, (size_t)(se - s)))
			return 0;
		if (*ge == '\0' || *se == '\0')
			return *ge == '\0' && *se == '\0';
		g = ge + 1;
		s = se + 1;
	}
}

int
profile_glob_match(const char *glob, const char *path)
{
	if (glob == NULL || path == NULL || glob[0] != '/' || path[0] != '/')
		return 0;
	return match_from(glob + 1, path + 1);
}

/*
 * Specificity: the characters of the glob that must appear literally in
 * the path.  "**" and the '/' after it count as wildcard, so that no glob
 * can have more literal characters than the path it matches, and an
 * exact path is never beaten by a glob.  *wild says if any wildcard is
 * present.
 */
static size_t
glob_literals(const char *g, int *wild)
{
	size_t	n = 0, w;

	*wild = 0;
	while (*g != '\0') {
		if (g[0] == '*' && g[1] == '*') {
			*wild = 1;
			g += 2;
			if (*g == '/')
				g++;
		} else if (*g == '*' || *g == '?') {
			*wild = 1;
			g++;
		} else if (*g == '[' &&
		    (w = bracket(g, strcspn(g, "/"), -1, NULL)) != 0) {
			*wild = 1;
			g += w;
		} else if (*g == '\\' && g[1] != '\0') {
			n++;
			g += 2;
		} else {
			n++;
			g++;
		}
	}
	return n;
}

static int
has_wildcard(const char *s)
{
	int	wild;

	(void)glob_literals(s, &wild);
	return wild;
}

/* Syntax of a glob for match and exec; NULL when it is fine. */
static const char *
glob_check(const char *g)
{
	const char	*c, *end;
	size_t		 len, w;

	if (g[0] != '/')
		return "must be an absolute path";
	if (g[1] == '\0')
		return "\"/\" matches no program";
	for (c = g + 1;; c = end + 1) {
		end = component_end(c);
		len = (size_t)(end - c);
		if (len == 0)
			return *end == '\0' ? "must not end in \"/\"" :
			    "empty path component (\"//\")";
		if ((len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return "\".\" and \"..\" never occur in a canonical "
			    "path";
		if (len == 2 && c[0] == '*' && c[1] == '*') {
			if (*end == '\0')
				break;
			continue;
		}
		for (; c < end; c++) {
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				return "control character";
			if (c[0] == '*' && c[1] == '*')
				return "\"**\" must be a whole path component";
			if (*c == '\\') {
				if (c + 1 == end)
					return "a backslash must escape a "
					    "character of the same component";
				c++;
			} else if (*c == '[') {
				w = bracket(c, (size_t)(end - c), -1, NULL);
				if (w == 0)
					return "\"[\" without \"]\" in the "
					    "same path component";
				c += w - 1;
			}
		}
		if (*end == '\0')
			break;
	}
	return NULL;
}

/* Syntax of a literal path (writable, hidden, bind_ro, unix sockets). */
static const char *
path_check(const char *s, int root_ok)
{
	const char	*c, *end;
	size_t		 len;

	if (s[0] != '/')
		return "must be an absolute path";
	if (s[1] == '\0')
		return root_ok ? NULL : "\"/\" is not allowed here";
	if (strpbrk(s, "*?[") != NULL)
		return "globs are not allowed here; name the directory";
	for (c = s + 1;; c = end + 1) {
		end = component_end(c);
		len = (size_t)(end - c);
		if (len == 0)
			return *end == '\0' ? "must not end in \"/\"" :
			    "empty path component (\"//\")";
		if ((len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.'))
			return "\".\" and \"..\" components are not allowed";
		for (; c < end; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				return "control character";
		if (*end == '\0')
			break;
	}
	return NULL;
}

/* Components of an absolute path: "/" 0, "/srv" 1, "/srv/git" 2. */
static size_t
path_depth(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (*s == '/' && s[1] != '\0')
			n++;
	return n;
}

/* ------------------------------------------------------------ values */

static int
name_ok(const char *s)
{
	size_t	i;

	if (!isalnum((unsigned char)s[0]))
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '_' && s[i] != '-')
			return 0;
	return i < PROFILE_NAME_MAX;
}

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int
mul_ok(unsigned long long *v, unsigned long long m)
{
	if (*v != 0 && m > ULL_MAX / *v)
		return -1;
	*v *= m;
	return 0;
}

/* "30", "90s", "5min", "2h". */
static int
parse_seconds(const char *s, unsigned long long *v)
{
	const char	*u;

	if (parse_number(s, v, &u) == -1)
		return -1;
	if (*u == '\0' || strcmp(u, "s") == 0 || strcmp(u, "sec") == 0)
		return 0;
	if (strcmp(u, "m") == 0 || strcmp(u, "min") == 0)
		return mul_ok(v, 60);
	if (strcmp(u, "h") == 0)
		return mul_ok(v, 3600);
	return -1;
}

/* "4096", "64K", "512M", "1G", "1T"; binary multiples. */
static int
parse_bytes(const char *s, unsigned long long *v)
{
	const char	*u;

	if (parse_number(s, v, &u) == -1)
		return -1;
	if (*u == '\0')
		return 0;
	if (u[1] != '\0')
		return -1;
	switch (toupper((unsigned char)*u)) {
	case 'K':
		return mul_ok(v, KIB);
	case 'M':
		return mul_ok(v, MIB);
	case 'G':
		return mul_ok(v, GIB);
	case 'T':
		return mul_ok(v, TIB);
	}
	return -1;
}

static const char *
errno_name(int e)
{
	size_t	i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (errnos[i].value == e)
			return errnos[i].name;
	return NULL;
}

static void
format_bytes(unsigned long long v, char *buf, size_t sz)
{
	static const struct {
		unsigned long long	 m;
		char			 c;
	} u[] = { { TIB, 'T' }, { GIB, 'G' }, { MIB, 'M' }, { KIB, 'K' } };
	size_t	i;

	if (v == PROFILE_UNLIMITED) {
		snprintf(buf, sz, "infinity");
		return;
	}
	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (v != 0 && v % u[i].m == 0) {
			snprintf(buf, sz, "%llu%c", v / u[i].m, u[i].c);
			return;
		}
	snprintf(buf, sz, "%llu", v);
}

/* ------------------------------------------------------------ loading */

struct loadctx {
	struct profile	*p;
	const char	*path;
	char		*err;
	size_t		 errsz;
	unsigned	 errline;	/* of the first error; 0: none yet */
	int		 oom;

	/* the reader */
	FILE		*fp;
	char		*buf;
	size_t		 bufsz;
	unsigned	 line;		/* the line inih is working on */
	int		 indented;	/* it starts with white space */

	unsigned	 seen[NKEYS];	/* line each single value was set on */
	unsigned	 net_none_line;
	const char	*file_name;	/* the name the file name gives */
	gid_t		 user_gid;	/* primary group of user */
	int		 user_gid_ok;
	unsigned	 nkeys;		/* keys read so far */
	int		 depth;		/* of extends */
	int		 extended;	/* started from another profile */
};

/* Record the first error; returns 0 so that a handler can return it. */
static int fail(struct loadctx *, unsigned, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct loadctx *ctx, unsigned line, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (ctx->errline != 0 && ctx->errline <= line)
		return 0;
	ctx->errline = line;
	if (ctx->errsz == 0)
		return 0;
	n = snprintf(ctx->err, ctx->errsz, "%s:%u: ", ctx->path, line);
	if (n < 0 || (size_t)n >= ctx->errsz)
		return 0;
	va_start(ap, fmt);
	vsnprintf(ctx->err + n, ctx->errsz - n, fmt, ap);
	va_end(ap);
	return 0;
}

static int
oom(struct loadctx *ctx)
{
	ctx->oom = 1;
	return fail(ctx, ctx->line, "out of memory");
}

/*
 * The ini_reader.  inih calls it once per line with a buffer of its
 * compiled-in size; a longer line would be split silently into two, so
 * it is an error here instead.  A section header in the first column is
 * checked here, where its line is known even if no key follows it.
 */
static char *
read_line(char *str, int num, void *stream)
{
	struct loadctx	*ctx = stream;
	ssize_t		 len;
	const char	*s, *end;

	if (num < 2)
		return NULL;
	errno = 0;
	if ((len = getline(&ctx->buf, &ctx->bufsz, ctx->fp)) == -1) {
		if (ferror(ctx->fp))
			fail(ctx, ctx->line + 1, "read error: %s",
			    strerror(errno != 0 ? errno : EIO));
		return NULL;
	}
	ctx->line++;
	s = ctx->buf;
	if (ctx->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	ctx->indented = *s == ' ' || *s == '\t';

	if (strlen(ctx->buf) != (size_t)len) {
		fail(ctx, ctx->line, "NUL byte in line");
		s = "\n";
	} else if ((size_t)len > (size_t)num - 1) {
		fail(ctx, ctx->line, "line longer than %d characters; continue "
		    "a list on an indented line or repeat the key", num - 2);
		s = "\n";
	} else if (*s == '[' && (end = strchr(s, ']')) != NULL &&
	    !section_known(s + 1, (size_t)(end - s - 1))) {
		fail(ctx, ctx->line, "unknown section [%.*s]",
		    (int)(end - s - 1), s + 1);
		s = "\n";
	} else
		s = ctx->buf;
	str_copy(str, s, (size_t)num);
	return str;
}

static const struct key *
key_other(const struct key *k, const struct profile *p, const char *item)
{
	size_t	i;

	/*
	 * Lists of one kind exclude each other: allow/deny, drop/pass,
	 * writable/hidden/bind_ro.  match and exec are different things.
	 */
	if (k->type == K_GLOBS)
		return NULL;
	for (i = 0; i < NKEYS; i++)
		if (&keys[i] != k && keys[i].type == k->type &&
		    strlist_has(key_clist(p, &keys[i]), item))
			return &keys[i];
	return NULL;
}

static int
add_connect(struct loadctx *ctx, char *item)
{
	struct profile		*p = ctx->p;
	const char		*why, *end;
	unsigned long long	 port;
	char			 buf[8];
	int			 r;

	if (strcmp(item, "none") == 0) {
		free(item);
		if (p->net_unix.n != 0 || p->net_tcp.n != 0)
			return fail(ctx, ctx->line, "connect: \"none\" cannot "
			    "be combined with other entries");
		ctx->net_none_line = ctx->line;
		p->net_none = 1;
		return 1;
	}
	if (ctx->net_none_line != 0) {
		fail(ctx, ctx->line, "connect: \"%s\" contradicts \"none\" on "
		    "line %u", item, ctx->net_none_line);
		free(item);
		return 0;
	}
	if (strncmp(item, "unix:", 5) == 0) {
		if ((why = path_check(item + 5, 0)) != NULL) {
			fail(ctx, ctx->line, "connect: \"%s\": %s", item, why);
			free(item);
			return 0;
		}
		memmove(item, item + 5, strlen(item + 5) + 1);
		r = strlist_has(&p->net_unix, item) ? 0 :
		    strlist_add(&p->net_unix, item);
		free(item);
		if (r == -1)
			return oom(ctx);
		p->net_none = 0;
		return 1;
	}
	if (strncmp(item, "tcp:", 4) == 0) {
		if (parse_number(item + 4, &port, &end) == -1 || *end != '\0' ||
		    port < 1 || port > 65535) {
			fail(ctx, ctx->line, "connect: \"%s\": expected "
			    "tcp:PORT with a port from 1 to 65535", item);
			free(item);
			return 0;
		}
		free(item);
		/* Stored without leading zeros: "5432". */
		snprintf(buf, sizeof(buf), "%llu", port);
		if (!strlist_has(&p->net_tcp, buf) &&
		    strlist_add(&p->net_tcp, buf) == -1)
			return oom(ctx);
		p->net_none = 0;
		return 1;
	}
	fail(ctx, ctx->line, "connect: \"%s\": expected none, unix:/path or "
	    "tcp:PORT", item);
	free(item);
	return 0;
}

static const char *
syscall_check(const char *s)
{
	const char	*c = s;

	if (*c == '@') {
		if (*++c == '\0')
			return "empty group name";
		for (; *c != '\0'; c++)
			if (!islower((unsigned char)*c) &&
			    !isdigit((unsigned char)*c) && *c != '-')
				return "not a group name (@lowercase-words)";
		return NULL;
	}
	if (!islower((unsigned char)*c) && *c != '_')
		return "not a syscall name";
	for (; *c != '\0'; c++)
		if (!islower((unsigned char)*c) &&
		    !isdigit((unsigned char)*c) && *c != '_')
			return "not a syscall name";
	return NULL;
}

static const char *
var_check(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return "not a variable name";
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return "not a variable name";
	return NULL;
}

/* One entry of a list key; takes item.  Returns 1, or 0 after fail(). */
/* An interpreter: a name ("sh", "python3*") or an absolute path glob. */
static const char *
interp_check(const char *s)
{
	const char	*c;

	if (*s == '/')
		return glob_check(s);
	for (c = s; *c != '\0'; c++)
		if (!isalnum((unsigned char)*c) && strchr("._+-*?[]", *c) ==
		    NULL)
			return "expected a program name (sh, perl, "
			    "python3*) or an absolute path";
	return NULL;
}

static int extend(struct loadctx *, const char *);

static int
add_item(struct loadctx *ctx, const struct key *k, char *item)
{
	struct profile		*p = ctx->p;
	const struct key	*o;
	const char		*why = NULL;
	int			 r;

	switch (k->type) {
	case K_CONNECT:
		return add_connect(ctx, item);
	case K_GLOBS:
		why = glob_check(item);
		break;
	case K_PATHS:
		why = path_check(item, k->flags & KF_ROOT);
		break;
	case K_SYSCALLS:
		/* systemd's "~" inverts a list; here deny is that list. */
		if (*item == '~') {
			if (strcmp(k->name, "allow") == 0)
				fail(ctx, ctx->line, "allow: \"%s\": no \"~\" "
				    "here; list %s under deny =", item,
				    item + 1);
			else
				fail(ctx, ctx->line, "deny: \"%s\": no \"~\" "
				    "here; deny = %s already denies it", item,
				    item + 1);
			free(item);
			return 0;
		}
		why = syscall_check(item);
		break;
	case K_VARS:
		why = var_check(item);
		break;
	case K_INTERP:
		why = interp_check(item);
		break;
	default:
		break;
	}
	if (*item == '#')
		why = "an inline comment starts with \" ;\", not \"#\"";
	if (why != NULL) {
		fail(ctx, ctx->line, "%s: \"%s\": %s", k->name, item, why);
		free(item);
		return 0;
	}
	if ((o = key_other(k, p, item)) != NULL) {
		fail(ctx, ctx->line, "%s: \"%s\" is already listed in %s",
		    k->name, item, o->name);
		free(item);
		return 0;
	}
	if (strlist_has(key_list(p, k), item)) {
		free(item);
		return 1;
	}
	r = strlist_add(key_list(p, k), item);
	free(item);
	return r == -1 ? oom(ctx) : 1;
}

static int
set_list(struct loadctx *ctx, const struct key *k, const char *value)
{
	const char	*s = value;
	size_t		 len;
	char		*item;

	for (;;) {
		s += strspn(s, " \t");
		if (*s == '\0')
			return 1;
		len = strcspn(s, " \t");
		if ((item = strndup(s, len)) == NULL)
			return oom(ctx);
		if (!add_item(ctx, k, item))
			return 0;
		s += len;
	}
}

static int
lookup_user(const char *name, uid_t *uid, gid_t *gid, int *gid_ok,
    char *msg, size_t msgsz)
{
	struct passwd		*pw;
	unsigned long long	 v;
	const char		*end;

	*gid_ok = 0;
	errno = 0;
	if (all_digits(name)) {
		if (parse_number(name, &v, &end) == -1 || v >= (uid_t)-1) {
			snprintf(msg, msgsz, "user id %s is out of range",
			    name);
			return -1;
		}
		*uid = (uid_t)v;
		/* A bare id need not exist; its group then must be given. */
		if ((pw = getpwuid(*uid)) != NULL) {
			*gid = pw->pw_gid;
			*gid_ok = 1;
		}
		return 0;
	}
	if ((pw = getpwnam(name)) == NULL) {
		if (errno != 0 && errno != ENOENT && errno != ESRCH)
			snprintf(msg, msgsz, "cannot look up user \"%s\": %s",
			    name, strerror(errno));
		else
			snprintf(msg, msgsz, "unknown user \"%s\"", name);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	*gid_ok = 1;
	return 0;
}

static int
lookup_group(const char *name, gid_t *gid, char *msg, size_t msgsz)
{
	struct group		*gr;
	unsigned long long	 v;
	const char		*end;

	errno = 0;
	if (all_digits(name)) {
		if (parse_number(name, &v, &end) == -1 || v >= (gid_t)-1) {
			snprintf(msg, msgsz, "group id %s is out of range",
			    name);
			return -1;
		}
		*gid = (gid_t)v;
		return 0;
	}
	if ((gr = getgrnam(name)) == NULL) {
		if (errno != 0 && errno != ENOENT && errno != ESRCH)
			snprintf(msg, msgsz, "cannot look up group \"%s\": %s",
			    name, strerror(errno));
		else
			snprintf(msg, msgsz, "unknown group \"%s\"", name);
		return -1;
	}
	*gid = gr->gr_gid;
	return 0;
}

/* The name of gid for display, or the number when it has none. */
static char *
group_name(gid_t gid)
{
	struct group	*gr;
	char		 buf[16];

	if ((gr = getgrgid(gid)) != NULL)
		return strdup(gr->gr_name);
	snprintf(buf, sizeof(buf), "%u", (unsigned)gid);
	return strdup(buf);
}

static int
set_scalar(struct loadctx *ctx, const struct key *k, const char *value)
{
	struct profile		*p = ctx->p;
	unsigned long long	 v;
	const char		*end;
	char			 msg[160], num[32];
	size_t			 i;
	int			 r;

	switch (k->type) {
	case K_EXTENDS:
		return extend(ctx, value);
	case K_NAME:
		if (!name_ok(value))
			return fail(ctx, ctx->line, "name: \"%s\" is not a "
			    "profile name (a letter or digit, then letters, "
			    "digits, '.', '_', '-'; at most %d)", value,
			    PROFILE_NAME_MAX - 1);
		str_copy(p->name, value, sizeof(p->name));
		p->name_line = ctx->line;
		return 1;
	case K_SELECT:
		if (strcmp(value, "match") == 0)
			p->select_any = 0;
		else if (strcmp(value, "any") == 0)
			p->select_any = 1;
		else
			return fail(ctx, ctx->line, "select: \"%s\": expected "
			    "match or any", value);
		return 1;
	case K_MODE:
		if (strcmp(value, "enforce") == 0)
			p->mode = MODE_ENFORCE;
		else if (strcmp(value, "complain") == 0)
			p->mode = MODE_COMPLAIN;
		else
			return fail(ctx, ctx->line, "mode: \"%s\": expected "
			    "enforce or complain", value);
		return 1;
	case K_USER:
		if (lookup_user(value, &p->uid, &ctx->user_gid,
		    &ctx->user_gid_ok, msg, sizeof(msg)) == -1)
			return fail(ctx, ctx->line, "user: %s", msg);
		if (p->uid == 0)
			return fail(ctx, ctx->line, "user: scripts never run "
			    "as root");
		if (str_set(&p->user, value) == -1)
			return oom(ctx);
		return 1;
	case K_GROUP:
		if (lookup_group(value, &p->gid, msg, sizeof(msg)) == -1)
			return fail(ctx, ctx->line, "group: %s", msg);
		if (p->gid == 0)
			return fail(ctx, ctx->line, "group: scripts never run "
			    "with group root (gid 0)");
		if (str_set(&p->group, value) == -1)
			return oom(ctx);
		return 1;
	case K_TIMEOUT:
	case K_SECONDS:
	case K_BYTES:
	case K_COUNT:
	case K_PERCENT:
		if ((k->flags & KF_INFINITY) && strcmp(value, "infinity") == 0)
			v = PROFILE_UNLIMITED;
		else if ((k->flags & KF_AUTO) && strcmp(value, "auto") == 0)
			v = 0;
		else {
			if (k->type == K_BYTES)
				r = parse_bytes(value, &v);
			else if (k->type == K_COUNT)
				r = parse_number(value, &v, &end) == -1 ||
				    *end != '\0' ? -1 : 0;
			else if (k->type == K_PERCENT)
				r = parse_number(value, &v, &end) == -1 ||
				    strcmp(end, "%") != 0 ? -1 : 0;
			else
				r = parse_seconds(value, &v);
			if (r == -1)
				return fail(ctx, ctx->line, "%s: \"%s\": "
				    "expected %s%s", k->name, value,
				    k->type == K_BYTES ?
				    "a size such as 4096, 64K, 512M or 1G" :
				    k->type == K_COUNT ? "a number" :
				    k->type == K_PERCENT ? "a percentage of "
				    "one CPU such as 50% or 200%" :
				    "seconds, or a number with s, min or h",
				    k->flags & KF_INFINITY ?
				    ", or infinity" : k->flags & KF_AUTO ?
				    ", or auto" : "");
			if (v < k->min && v > 0 && k->min == MIB &&
			    all_digits(value))
				return fail(ctx, ctx->line, "%s: %s bytes is "
				    "below the minimum of 1M; did you mean "
				    "%sM?", k->name, value, value);
			if (v < k->min) {
				format_bytes(k->min, num, sizeof(num));
				return fail(ctx, ctx->line, "%s: must be at "
				    "least %s%s", k->name, num,
				    k->flags & KF_INFINITY ?
				    " (\"infinity\" means no limit)" : "");
			}
			if (v > k->max)
				return fail(ctx, ctx->line, "%s: must be at "
				    "most %llu", k->name, k->max);
		}
		if (k->type == K_TIMEOUT)
			p->timeout = (unsigned)v;
		else
			*key_ull(p, k) = v;
		return 1;
	case K_ACTION:
		if (strcmp(value, "errno") == 0)
			p->deny_action = DENY_ERRNO;
		else if (strcmp(value, "kill") == 0)
			p->deny_action = DENY_KILL;
		else
			return fail(ctx, ctx->line, "action: \"%s\": expected "
			    "errno or kill", value);
		return 1;
	case K_ERRNO:
		for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
			if (strcmp(errnos[i].name, value) == 0) {
				p->deny_errno = errnos[i].value;
				return 1;
			}
		return fail(ctx, ctx->line, "errno: \"%s\": expected a name "
		    "such as EPERM, EACCES or ENOSYS", value);
	case K_QUERY:
		if (strcmp(value, "canonical") == 0)
			p->query_mode = QUERY_CANONICAL;
		else if (strcmp(value, "raw") == 0)
			p->query_mode = QUERY_RAW;
		else
			return fail(ctx, ctx->line, "query: \"%s\": expected "
			    "canonical or raw", value);
		return 1;
	case K_SUSPICIOUS:
		if (strcmp(value, "log") == 0)
			p->suspicious = SUSPICIOUS_LOG;
		else if (strcmp(value, "reject") == 0)
			p->suspicious = SUSPICIOUS_REJECT;
		else
			return fail(ctx, ctx->line, "suspicious: \"%s\": "
			    "expected log or reject", value);
		return 1;
	default:
		return fail(ctx, ctx->line, "%s: internal error", k->name);
	}
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct loadctx		*ctx = user;
	const struct key	*k;
	size_t			 i;

	/* Only the first error is reported; the rest may be its echo. */
	if (ctx->errline != 0)
		return 1;
	if (*section == '\0')
		return fail(ctx, ctx->line, "\"%s\" is outside any section",
		    name);
	if (!section_known(section, strlen(section)))
		return fail(ctx, ctx->line, "\"%s\" is in unknown section "
		    "[%s]", name, section);
	if ((k = key_find(section, name)) == NULL)
		return fail(ctx, ctx->line, "unknown key \"%s\" in [%s]",
		    name, section);
	if (k->type == K_EXTENDS && ctx->nkeys != 0)
		return fail(ctx, ctx->line, "extends must be the first key of "
		    "the file: the profile starts as a copy of the other");
	ctx->nkeys++;
	if (key_is_list(k))
		return set_list(ctx, k, value);

	i = (size_t)(k - keys);
	if (ctx->seen[i] != 0)
		return fail(ctx, ctx->line, "%s is already set on line %u%s",
		    name, ctx->seen[i], ctx->indented ?
		    " (an indented line continues the key above it)" : "");
	ctx->seen[i] = ctx->line;
	if (*value == '\0')
		return fail(ctx, ctx->line, "%s: missing value", name);
	if (value[strcspn(value, " \t")] != '\0')
		return fail(ctx, ctx->line, "%s: expected one value, got "
		    "\"%s\"%s", name, value, strchr(value, '#') != NULL ?
		    " (an inline comment starts with \" ;\", not \"#\")" : "");
	return set_scalar(ctx, k, value);
}

static const struct key *
key_named(const char *name)
{
	size_t	i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* What the file leaves unsaid and can only be known at the end. */
static void
finish(struct loadctx *ctx)
{
	struct profile	*p = ctx->p;
	char		 msg[160];
	unsigned	 uline, gline;

	if (p->name_line == 0 && !name_ok(ctx->file_name)) {
		fail(ctx, 1, "\"%s\" (from the file name) is not a profile "
		    "name; set name = in [profile]", ctx->file_name);
		return;
	}
	uline = ctx->seen[key_named("user") - keys];
	gline = ctx->seen[key_named("group") - keys];
	/* user and group as the extended profile resolved them */
	if (ctx->extended && uline == 0 && gline == 0)
		return;
	if (uline == 0 && (lookup_user(p->user, &p->uid, &ctx->user_gid,
	    &ctx->user_gid_ok, msg, sizeof(msg)) == -1 || p->uid == 0)) {
		fail(ctx, 1, "%s (the default); set user = in [identity]",
		    p->uid == 0 ? "user nobody is root" : msg);
		return;
	}
	if (gline != 0)
		return;
	if (!ctx->user_gid_ok) {
		fail(ctx, uline, "user %s has no passwd entry to take a group "
		    "from; set group = in [identity]", p->user);
		return;
	}
	if (ctx->user_gid == 0) {
		fail(ctx, uline != 0 ? uline : 1, "the primary group of user "
		    "%s is root (gid 0); set group = in [identity]", p->user);
		return;
	}
	/* No group given: the user's primary group, as login(1) would. */
	p->gid = ctx->user_gid;
	free(p->group);
	if ((p->group = group_name(p->gid)) == NULL)
		oom(ctx);
}

/* A profile file another user could edit would hand them the jail. */
static const char *
file_check(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return "not a regular file";
	if (st->st_mode & S_IWOTH)
		return "world-writable; refusing it";
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return "owned by neither root nor the user safecgi runs as; "
		    "refusing it";
	return NULL;
}

static int load_file(const char *, struct profile *, char *, size_t, int);

int
profile_load_file(const char *path, struct profile *p, char *err,
    size_t errsz)
{
	return load_file(path, p, err, errsz, 0);
}

static int
load_file(const char *path, struct profile *p, char *err, size_t errsz,
    int depth)
{
	struct loadctx	 ctx;
	struct stat	 st;
	const char	*base, *why;
	char		*fname;
	size_t		 n;
	int		 fd, r;

	memset(&ctx, 0, sizeof(ctx));
	ctx.p = p;
	ctx.depth = depth;
	ctx.path = path;
	ctx.err = err;
	ctx.errsz = errsz;
	if (errsz > 0)
		err[0] = '\0';

	/* The name defaults to the file name without ".conf". */
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	n = strlen(base);
	if (n > strlen(PROFILE_SUFFIX) &&
	    strcmp(base + n - strlen(PROFILE_SUFFIX), PROFILE_SUFFIX) == 0)
		n -= strlen(PROFILE_SUFFIX);
	if ((fname = strndup(base, n)) == NULL ||
	    profile_defaults(p, fname) == -1) {
		free(fname);
		memset(p, 0, sizeof(*p));
		snprintf(err, errsz, "%s: out of memory", path);
		return -1;
	}
	ctx.file_name = fname;
	if ((p->file = strdup(path)) == NULL) {
		snprintf(err, errsz, "%s: out of memory", path);
		goto fail;
	}

	/* O_NONBLOCK: a FIFO named *.conf must not hang a reload. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		close(fd);
		goto fail;
	}
	if ((why = file_check(&st)) != NULL) {
		snprintf(err, errsz, "%s: %s", path, why);
		close(fd);
		goto fail;
	}
	if ((ctx.fp = fdopen(fd, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		close(fd);
		goto fail;
	}

	r = ini_parse_stream(read_line, &ctx, handler, &ctx);
	if (r == -2)
		oom(&ctx);
	else if (r > 0)
		/* Lines inih itself could not parse; kept if first. */
		fail(&ctx, (unsigned)r, "syntax error: expected [section], "
		    "key = value, or a comment");
	if (ctx.errline == 0)
		finish(&ctx);
	if (ctx.errline != 0 || ctx.oom)
		goto fail;

	fclose(ctx.fp);
	free(ctx.buf);
	free(fname);
	return 0;

fail:
	if (ctx.fp != NULL)
		fclose(ctx.fp);
	free(ctx.buf);
	free(fname);
	profile_free(p);
	return -1;
}

/*
 * extends = NAME: the profile starts as a copy of NAME.conf in the same
 * directory (limits, identity, allowlists, variables), and the keys that
 * follow add to its lists and replace its values.  What a profile
 * matches is its own: match, directory and interpreter are not copied.
 */
#define EXTENDS_MAX	8

static int
extend(struct loadctx *ctx, const char *name)
{
	struct profile	 base, *p = ctx->p;
	char		 path[PATH_MAX], err[512], own[PROFILE_NAME_MAX];
	const char	*slash;
	char		*file;
	unsigned	 own_line;
	int		 n;

	if (!name_ok(name))
		return fail(ctx, ctx->line, "extends: \"%s\" is not a profile "
		    "name", name);
	if (ctx->depth >= EXTENDS_MAX)
		return fail(ctx, ctx->line, "extends: more than %d profiles "
		    "deep (a loop?)", EXTENDS_MAX);
	slash = strrchr(ctx->path, '/');
	n = snprintf(path, sizeof(path), "%.*s%s%s", slash != NULL ?
	    (int)(slash - ctx->path + 1) : 0, ctx->path, name, PROFILE_SUFFIX);
	if (n < 0 || (size_t)n >= sizeof(path))
		return fail(ctx, ctx->line, "extends: path too long");
	if (strcmp(path, ctx->path) == 0)
		return fail(ctx, ctx->line, "extends: a profile cannot extend "
		    "itself");
	if (load_file(path, &base, err, sizeof(err), ctx->depth + 1) == -1)
		return fail(ctx, ctx->line, "extends %s: %s", name, err);

	/* The copy, but under this file's name. */
	str_copy(own, p->name, sizeof(own));
	own_line = p->name_line;
	file = p->file;
	p->file = NULL;
	profile_free(p);
	*p = base;
	free(p->file);
	p->file = file;
	str_copy(p->name, own, sizeof(p->name));
	p->name_line = own_line;
	strlist_free(&p->match);
	strlist_free(&p->match_dir);
	strlist_free(&p->match_interp);
	free(p->extends);
	if ((p->extends = strdup(name)) == NULL)
		return oom(ctx);
	ctx->extended = 1;
	return 1;
}

int
profile_defaults(struct profile *p, const char *name)
{
	memset(p, 0, sizeof(*p));
	str_copy(p->name, name != NULL ? name : "default", sizeof(p->name));
	p->mode = MODE_ENFORCE;
	if ((p->user = strdup(DEF_USER)) == NULL ||
	    (p->group = strdup(DEF_GROUP)) == NULL) {
		free(p->user);
		memset(p, 0, sizeof(*p));
		return -1;
	}
	p->uid = (uid_t)-1;
	p->gid = (gid_t)-1;
	p->timeout = DEF_TIMEOUT;
	p->limit_cpu = DEF_CPU;
	p->limit_as = DEF_MEMORY;
	p->limit_nproc = DEF_PROCESSES;
	p->limit_cpu_quota = DEF_CPU_QUOTA;
	p->limit_nofile = DEF_FILES;
	p->limit_fsize = DEF_FILE_SIZE;
	p->limit_tmp = DEF_TMP;
	p->limit_output = DEF_OUTPUT;
	p->limit_body = DEF_BODY;
	p->limit_requests = 0;		/* auto */
	p->queue_length = DEF_QUEUE_LENGTH;
	p->queue_wait = DEF_QUEUE_WAIT;
	p->limit_stderr = DEF_STDERR;
	p->net_none = 1;
	p->deny_action = DENY_ERRNO;
	p->deny_errno = EPERM;
	p->query_mode = QUERY_CANONICAL;
	p->suspicious = SUSPICIOUS_LOG;
	return 0;
}

void
profile_free(struct profile *p)
{
	size_t	i;

	if (p == NULL)
		return;
	free(p->file);
	free(p->user);
	free(p->group);
	free(p->extends);
	for (i = 0; i < NKEYS; i++)
		if (key_is_list(&keys[i]) && keys[i].type != K_CONNECT)
			strlist_free(key_list(p, &keys[i]));
	strlist_free(&p->net_unix);
	strlist_free(&p->net_tcp);
	memset(p, 0, sizeof(*p));
}

void
profile_set_free(struct profile_set *set)
{
	size_t	i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		profile_free(&set->v[i]);
	free(set->v);
	set->v = NULL;
	set->n = 0;
}

static int
conf_filter(const struct dirent *d)
{
	size_t	n;

	n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > strlen(PROFILE_SUFFIX) &&
	    strcmp(d->d_name + n - strlen(PROFILE_SUFFIX), PROFILE_SUFFIX) == 0;
}

/* Byte order, not the locale's: the same directory loads the same way. */
static int
conf_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
profile_cmp(const void *a, const void *b)
{
	return strcmp(((const struct profile *)a)->name,
	    ((const struct profile *)b)->name);
}

static const struct profile *
find_name(const struct profile_set *set, const char *name)
{
	size_t	i;

	for (i = 0; i < set->n; i++)
		if (strcmp(set->v[i].name, name) == 0)
			return &set->v[i];
	return NULL;
}

/* The built-in "default": the defaults, run as nobody. */
static int
builtin_default(struct profile *p, char *err, size_t errsz)
{
	char	msg[160];
	gid_t	gid = (gid_t)-1;
	int	gid_ok;

	if (profile_defaults(p, "default") == -1) {
		snprintf(err, errsz, "built-in profile default: out of memory");
		return -1;
	}
	if (lookup_user(p->user, &p->uid, &gid, &gid_ok, msg,
	    sizeof(msg)) == -1) {
		snprintf(err, errsz, "built-in profile default: %s; write a "
		    "default.conf", msg);
		profile_free(p);
		return -1;
	}
	p->gid = gid;
	free(p->group);
	if ((p->group = group_name(gid)) == NULL) {
		snprintf(err, errsz, "built-in profile default: out of memory");
		profile_free(p);
		return -1;
	}
	return 0;
}

int
profile_load_dir(const char *dir, struct profile_set *set, char *err,
    size_t errsz)
{
	struct profile_set	 s = { NULL, 0 };
	struct dirent		**ents = NULL;
	const struct profile	*other;
	struct profile		*p;
	struct stat		 st;
	char			*path;
	size_t			 len;
	int			 nents, i;

	set->v = NULL;
	set->n = 0;
	if (errsz > 0)
		err[0] = '\0';
	if (dir == NULL) {
		/* No directory at all: the built-in default alone. */
		if ((s.v = calloc(1, sizeof(*s.v))) == NULL) {
			snprintf(err, errsz, "out of memory");
			return -1;
		}
		if (builtin_default(&s.v[0], err, errsz) == -1) {
			free(s.v);
			return -1;
		}
		s.n = 1;
		*set = s;
		return 0;
	}
	if (stat(dir, &st) == -1) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX)) {
		snprintf(err, errsz, "%s: world-writable directory; refusing "
		    "it", dir);
		return -1;
	}
	if ((nents = scandir(dir, &ents, conf_filter, conf_cmp)) == -1) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	/* One more slot for a built-in default. */
	if ((s.v = calloc((size_t)nents + 1, sizeof(*s.v))) == NULL) {
		snprintf(err, errsz, "%s: out of memory", dir);
		goto fail;
	}
	for (i = 0; i < nents; i++) {
		len = strlen(dir) + strlen(ents[i]->d_name) + 2;
		if ((path = malloc(len)) == NULL) {
			snprintf(err, errsz, "%s: out of memory", dir);
			goto fail;
		}
		snprintf(path, len, "%s%s%s", dir,
		    dir[0] != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/",
		    ents[i]->d_name);
		p = &s.v[s.n];
		if (profile_load_file(path, p, err, errsz) == -1) {
			free(path);
			goto fail;
		}
		free(path);
		if ((other = find_name(&s, p->name)) != NULL) {
			snprintf(err, errsz, "%s:%u: profile \"%s\"%s is "
			    "already defined in %s:%u", p->file,
			    p->name_line != 0 ? p->name_line : 1, p->name,
			    p->name_line != 0 ? "" : " (from the file name)",
			    other->file, other->name_line != 0 ?
			    other->name_line : 1);
			profile_free(p);
			goto fail;
		}
		s.n++;
	}
	if (find_name(&s, "default") == NULL) {
		if (builtin_default(&s.v[s.n], err, errsz) == -1)
			goto fail;
		s.n++;
	}
	qsort(s.v, s.n, sizeof(*s.v), profile_cmp);

	for (i = 0; i < nents; i++)
		free(ents[i]);
	free(ents);
	*set = s;
	return 0;

fail:
	for (i = 0; i < nents; i++)
		free(ents[i]);
	free(ents);
	profile_set_free(&s);
	return -1;
}

/* ------------------------------------------------------------ matching */

static void whyf(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* Append to why, which is always kept NUL-terminated. */
static void
whyf(char *why, size_t whysz, const char *fmt, ...)
{
	va_list	ap;
	size_t	n;

	if (why == NULL || whysz == 0)
		return;
	n = strnlen(why, whysz - 1);
	va_start(ap, fmt);
	vsnprintf(why + n, whysz - n, fmt, ap);
	va_end(ap);
}

/*
 * How two matching globs rank: more literal characters first, then an
 * exact path before a glob.  0 when they are as specific.
 */
static int
rank_cmp(size_t lit, int wild, size_t best_lit, int best_wild)
{
	if (lit != best_lit)
		return lit > best_lit ? 1 : -1;
	return best_wild - wild;
}

/* Which list of a profile a tier of matching reads. */
enum tier {
	TIER_PATH,		/* match: globs on the script's path */
	TIER_DIRECTORY,		/* directory: globs on a directory above it */
	TIER_INTERPRETER,	/* interpreter: the #! line's program */
};

static const struct strlist *
tier_list(const struct profile *p, enum tier t)
{
	switch (t) {
	case TIER_PATH:
		return &p->match;
	case TIER_DIRECTORY:
		return &p->match_dir;
	default:
		return &p->match_interp;
	}
}

/* Does entry g of tier t take the script at path, run by interp? */
static int
tier_hit(enum tier t, const char *g, const char *path, const char *interp)
{
	char		 dir[PATH_MAX], name[PATH_MAX];
	const char	*base;
	int		 n;

	switch (t) {
	case TIER_PATH:
		return profile_glob_match(g, path);
	case TIER_DIRECTORY:
		/* the script anywhere beneath the directory */
		n = snprintf(dir, sizeof(dir), "%s%s**", g,
		    g[strlen(g) - 1] == '/' ? "" : "/");
		return n > 0 && (size_t)n < sizeof(dir) &&
		    profile_glob_match(dir, path);
	default:
		if (interp == NULL || *interp == '\0')
			return 0;
		if (*g == '/')
			return *interp == '/' && profile_glob_match(g, interp);
		/* a name: "/name" against "/basename", globs being absolute */
		base = strrchr(interp, '/');
		n = snprintf(dir, sizeof(dir), "/%s", g);
		if (n < 0 || (size_t)n >= sizeof(dir))
			return 0;
		if (base != NULL)
			return profile_glob_match(dir, base);
		n = snprintf(name, sizeof(name), "/%s", interp);
		return n > 0 && (size_t)n < sizeof(name) &&
		    profile_glob_match(dir, name);
	}
}

/*
 * The most specific entry of one tier: most literal characters, then
 * an exact entry before a glob, then the profile whose name sorts first
 * (*tie: the runner-up of such a tie).
 */
static const struct profile *
tier_best(const struct profile_set *set, enum tier t, const char *path,
    const char *interp, const char **entry, const struct profile **tiep)
{
	const struct profile	*p, *best = NULL, *tie = NULL;
	const struct strlist	*l;
	size_t			 i, j, lit, best_lit = 0;
	int			 c, wild, best_wild = 1;

	for (i = 0; i < set->n; i++) {
		p = &set->v[i];
		l = tier_list(p, t);
		for (j = 0; j < l->n; j++) {
			if (!tier_hit(t, l->v[j], path, interp))
				continue;
			lit = glob_literals(l->v[j], &wild);
			if (best != NULL) {
				c = rank_cmp(lit, wild, best_lit, best_wild);
				if (c == 0 && p != best) {
					/* As specific: the name decides. */
					if (strcmp(p->name, best->name) > 0) {
						if (tie == NULL)
							tie = p;
						continue;
					}
					tie = best;
				} else if (c <= 0)
					continue;
				else
					tie = NULL;
			}
			best = p;
			*entry = l->v[j];
			best_lit = lit;
			best_wild = wild;
		}
	}
	*tiep = tie;
	return best;
}

int
profile_matches(const struct profile *p, const char *path,
    const char *interp)
{
	const struct strlist	*l;
	enum tier		 t;
	size_t			 j;

	for (t = TIER_PATH; path != NULL && t <= TIER_INTERPRETER; t++) {
		l = tier_list(p, t);
		for (j = 0; j < l->n; j++)
			if (tier_hit(t, l->v[j], path, interp))
				return 1;
	}
	return 0;
}

int
profile_matches_path(const struct profile *p, const char *path)
{
	const struct strlist	*l = tier_list(p, TIER_PATH);
	size_t			 j;

	for (j = 0; path != NULL && j < l->n; j++)
		if (tier_hit(TIER_PATH, l->v[j], path, NULL))
			return 1;
	return 0;
}

const struct profile *
profile_match(const struct profile_set *set, const char *path,
    const char *explicit_name, char *why, size_t whysz)
{
	return profile_match_script(set, path, NULL, explicit_name, why,
	    whysz);
}

const struct profile *
profile_match_script(const struct profile_set *set, const char *path,
    const char *interp, const char *explicit_name, char *why, size_t whysz)
{
	static const char *const what[] = { "glob", "directory",
	    "interpreter" };
	const struct profile	*p, *tie;
	const char		*entry = NULL;
	enum tier		 t;

	if (why != NULL && whysz > 0)
		why[0] = '\0';

	if (explicit_name != NULL && *explicit_name != '\0') {
		if ((p = find_name(set, explicit_name)) != NULL) {
			whyf(why, whysz, "explicit SAFECGI_PROFILE=%s",
			    p->name);
			return p;
		}
		whyf(why, whysz, "SAFECGI_PROFILE=%s does not exist; ",
		    explicit_name);
	}

	/* Precedence: path, then directory, then interpreter. */
	for (t = TIER_PATH; path != NULL && t <= TIER_INTERPRETER; t++) {
		if ((p = tier_best(set, t, path, interp, &entry, &tie)) ==
		    NULL)
			continue;
		whyf(why, whysz, "%s %s", what[t], entry);
		if (t == TIER_INTERPRETER)
			whyf(why, whysz, " (#! %s)", interp);
		whyf(why, whysz, " in %s", p->file != NULL ? p->file :
		    "(built in)");
		if (tie != NULL)
			whyf(why, whysz, "; as specific as profile %s, whose "
			    "name sorts later", tie->name);
		return p;
	}
	if ((p = find_name(set, "default")) == NULL) {
		whyf(why, whysz, "no profile matched and there is no default");
		return NULL;
	}
	if (interp != NULL && *interp != '\0')
		whyf(why, whysz, "no profile matched (#! %s); default", interp);
	else
		whyf(why, whysz, "no profile matched; default");
	return p;
}

/*
 * The interpreter a script's first bytes name, as matching reads it:
 * "#!/usr/bin/perl -w" is /usr/bin/perl; "#!/usr/bin/env python3" is
 * python3 (env's options and NAME=value words skipped, -S split).
 */
int
profile_interpreter(const char *head, size_t n, char *out, size_t outsz)
{
	const char	*s, *end, *w, *base;
	size_t		 wl;
	int		 first = 1;

	if (outsz == 0 || n < 3 || head[0] != '#' || head[1] != '!')
		return -1;
	end = memchr(head, '\n', n);
	if (end == NULL)
		end = head + n;
	s = head + 2;
	for (;;) {
		while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		if (s >= end)
			return -1;
		w = s;
		while (s < end && *s != ' ' && *s != '\t' && *s != '\r')
			s++;
		wl = (size_t)(s - w);
		if (first) {
			if (*w != '/')
				return -1;
			first = 0;
			base = w + wl;
			while (base > w && base[-1] != '/')
				base--;
			if ((size_t)(w + wl - base) == 3 &&
			    memcmp(base, "env", 3) == 0)
				continue;	/* the program env runs */
		} else if (*w == '-' || memchr(w, '=', wl) != NULL)
			continue;		/* env -S, -i, NAME=value */
		if (wl >= outsz)
			return -1;
		memcpy(out, w, wl);
		out[wl] = '\0';
		return 0;
	}
}

/* ------------------------------------------------------------ exposure */

/*
 * The exposure score: each part has a maximum, the maxima sum to 10, and
 * safecgi-profile(5) explains each.  Keep this table and the man page in
 * step.
 */
enum {
	X_NETWORK,
	X_EXEC,
	X_WRITABLE,
	X_SYSCALLS,
	X_LIMITS,
	X_VARIABLES,
	X_BIND_RO,
	X_N
};

static const struct {
	const char	*name;
	double		 max;
} xparts[X_N] = {
	{ "network",	2.5 },	/* unix sockets 1.0, any tcp port 2.5 */
	{ "exec",	2.5 },	/* programs by path 1.0, anything broad 2.5 */
	{ "writable",	2.0 },	/* specific paths 1.0, anything broad 2.0 */
	{ "syscalls",	1.5 },	/* per re-allowed entry, see below */
	{ "limits",	0.5 },	/* one or two "infinity" 0.25, more 0.5 */
	{ "variables",	0.75 },	/* raw 0.25, log 0.25, pass HTTP_* 0.25 */
	{ "bind_ro",	0.25 },	/* anything extra visible */
};

/*
 * Programs that will run whatever they are told to: with one of them on
 * the exec list, the list no longer limits what runs.  Names followed by
 * a version ("python3.11", "perl5.36.0") count too.
 */
static const char *const general_programs[] = {
	"sh", "bash", "dash", "ash", "ksh", "mksh", "zsh", "csh", "tcsh",
	"fish", "busybox", "toybox", "env", "xargs", "nohup", "setsid",
	"perl", "python", "ruby", "php", "node", "nodejs", "lua", "tclsh",
	"awk", "gawk", "mawk", "nawk", "curl", "wget", "nc", "ncat", "netcat",
	"socat", "ssh", "telnet", "openssl", "ftp", "tftp",
};

/* Groups that reach the kernel's own state: they count double. */
static const char *const privileged_groups[] = {
	"@privileged", "@mount", "@module", "@raw-io", "@debug", "@reboot",
	"@swap",
};

static int
in_list(const char *const *v, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static int
general_program(const char *path)
{
	const char	*base, *v;
	size_t		 i, n;

	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	for (i = 0; i < sizeof(general_programs) /
	    sizeof(general_programs[0]); i++) {
		n = strlen(general_programs[i]);
		if (strncmp(base, general_programs[i], n) != 0)
			continue;
		for (v = base + n; *v != '\0'; v++)
			if (!isdigit((unsigned char)*v) && *v != '.')
				break;
		if (*v == '\0')
			return 1;
	}
	return 0;
}

static int
exec_broad(const struct profile *p, const char *e)
{
	size_t	i;

	if (has_wildcard(e) || path_depth(e) <= 2 || general_program(e))
		return 1;
	/* A program the script can also write is any program. */
	for (i = 0; i < p->writable.n; i++)
		if (path_under(e, p->writable.v[i]))
			return 1;
	return 0;
}

static int
writable_broad(const char *w)
{
	return path_depth(w) <= 1 || path_under(w, "/etc") ||
	    path_under(w, "/usr") || path_under(w, "/boot");
}

static void
exposure_parts(const struct profile *p, double x[X_N])
{
	unsigned long long	 lim[6];
	size_t			 i, n;
	double			 s;

	memset(x, 0, sizeof(double) * X_N);

	if (p->net_tcp.n != 0)
		x[X_NETWORK] = 2.5;
	else if (p->net_unix.n != 0)
		x[X_NETWORK] = 1.0;

	for (i = 0; i < p->exec_allow.n; i++)
		if (exec_broad(p, p->exec_allow.v[i]))
			x[X_EXEC] = xparts[X_EXEC].max;
		else if (x[X_EXEC] < 1.0)
			x[X_EXEC] = 1.0;

	for (i = 0; i < p->writable.n; i++)
		if (writable_broad(p->writable.v[i]))
			x[X_WRITABLE] = xparts[X_WRITABLE].max;
		else if (x[X_WRITABLE] < 1.0)
			x[X_WRITABLE] = 1.0;

	for (i = 0, s = 0; i < p->syscall_allow.n; i++) {
		const char *a = p->syscall_allow.v[i];

		if (in_list(privileged_groups, sizeof(privileged_groups) /
		    sizeof(privileged_groups[0]), a))
			s += 1.0;
		else if (a[0] == '@' || strcmp(a, "memfd_create") == 0 ||
		    strcmp(a, "execveat") == 0)
			s += 0.5;	/* the two fileless-exec calls, too */
		else
			s += 0.25;
	}
	x[X_SYSCALLS] = s;

	lim[0] = p->limit_cpu;
	lim[1] = p->limit_as;
	lim[2] = p->limit_nproc;
	lim[3] = p->limit_fsize;
	lim[4] = p->limit_output;
	lim[5] = p->limit_body;
	for (i = 0, n = 0; i < 6; i++)
		if (lim[i] == PROFILE_UNLIMITED)
			n++;
	x[X_LIMITS] = n == 0 ? 0 : n < 3 ? 0.25 : 0.5;

	if (p->query_mode == QUERY_RAW)
		x[X_VARIABLES] += 0.25;
	if (p->suspicious == SUSPICIOUS_LOG)
		x[X_VARIABLES] += 0.25;
	for (i = 0; i < p->env_pass.n; i++)
		if (strncmp(p->env_pass.v[i], "HTTP_", 5) == 0) {
			x[X_VARIABLES] += 0.25;
			break;
		}

	if (p->bind_ro.n != 0)
		x[X_BIND_RO] = 0.25;

	/* Complain mode enforces none of these: they are wide open. */
	if (p->mode == MODE_COMPLAIN) {
		x[X_NETWORK] = xparts[X_NETWORK].max;
		x[X_EXEC] = xparts[X_EXEC].max;
		x[X_WRITABLE] = xparts[X_WRITABLE].max;
		x[X_SYSCALLS] = xparts[X_SYSCALLS].max;
	}
	for (i = 0; i < X_N; i++)
		if (x[i] > xparts[i].max)
			x[i] = xparts[i].max;
}

unsigned long long
profile_requests(const struct profile *p, long ncpu, unsigned long long mem,
    int nproc_per_user)
{
	unsigned long long	n;

	if (p->limit_requests != 0)
		return p->limit_requests;
	n = (unsigned long long)(ncpu > 0 ? ncpu : 1) * REQUESTS_PER_CPU;
	if (mem > 0 && p->limit_as != PROFILE_UNLIMITED &&
	    mem / p->limit_as < n)
		n = mem / p->limit_as;
	if (nproc_per_user && p->limit_nproc != PROFILE_UNLIMITED &&
	    p->limit_nproc / 4 < n)
		n = p->limit_nproc / 4;
	return n > 0 ? n : 1;
}

static unsigned long long
phys_memory(void)
{
	long	pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);

	return pages > 0 && psz > 0 ?
	    (unsigned long long)pages * (unsigned long long)psz : 0;
}

double
profile_exposure(const struct profile *p)
{
	double	x[X_N], sum = 0;
	size_t	i;

	/* The loader refuses root; a profile built otherwise is open. */
	if (p->uid == 0 || p->gid == 0)
		return 10.0;
	exposure_parts(p, x);
	for (i = 0; i < X_N; i++)
		sum += x[i];
	return sum > 10.0 ? 10.0 : sum;
}

/* ------------------------------------------------------------ describe */

static void
describe_list(FILE *fp, const char *key, const struct strlist *l,
    const char *prefix, const char *empty)
{
	size_t	i;

	fprintf(fp, "%s =", key);
	if (l->n == 0)
		fprintf(fp, " %s", empty);
	for (i = 0; i < l->n; i++)
		fprintf(fp, " %s%s", prefix, l->v[i]);
	fputc('\n', fp);
}

void
profile_describe(const struct profile *p, FILE *fp)
{
	const struct key	*k;
	const char		*en;
	char			 key[64], num[32];
	double			 x[X_N];
	size_t			 i, j;

	for (i = 0; i < NKEYS; i++) {
		k = &keys[i];
		snprintf(key, sizeof(key), "%s.%s", k->section, k->name);
		switch (k->type) {
		case K_NAME:
			fprintf(fp, "%s = %s\n", key, p->name);
			fprintf(fp, "profile.file = %s\n",
			    p->file != NULL ? p->file : "(built in)");
			break;
		case K_MODE:
			fprintf(fp, "%s = %s\n", key,
			    p->mode == MODE_COMPLAIN ? "complain" : "enforce");
			break;
		case K_SELECT:
			fprintf(fp, "%s = %s\n", key,
			    p->select_any ? "any" : "match");
			break;
		case K_USER:
			fprintf(fp, "%s = %s (%s %ld)\n", key, p->user,
			    p->rootless ? "rootless: not applied, uid" : "uid",
			    p->uid == (uid_t)-1 ? -1L : (long)p->uid);
			break;
		case K_GROUP:
			fprintf(fp, "%s = %s (%s %ld)\n", key, p->group,
			    p->rootless ? "rootless: not applied, gid" : "gid",
			    p->gid == (gid_t)-1 ? -1L : (long)p->gid);
			break;
		case K_TIMEOUT:
			fprintf(fp, "%s = %us\n", key, p->timeout);
			break;
		case K_SECONDS:
			if (*key_ull((struct profile *)p, k) ==
			    PROFILE_UNLIMITED)
				fprintf(fp, "%s = infinity\n", key);
			else
				fprintf(fp, "%s = %llus\n", key,
				    *key_ull((struct profile *)p, k));
			break;
		case K_BYTES:
			format_bytes(*key_ull((struct profile *)p, k), num,
			    sizeof(num));
			fprintf(fp, "%s = %s\n", key, num);
			break;
		case K_COUNT:
			if ((k->flags & KF_AUTO) &&
			    *key_ull((struct profile *)p, k) == 0)
				fprintf(fp, "%s = auto (%llu; %llu with "
				    "--allow-missing cgroup)\n", key,
				    profile_requests(p,
				    sysconf(_SC_NPROCESSORS_ONLN),
				    phys_memory(), 0), profile_requests(p,
				    sysconf(_SC_NPROCESSORS_ONLN),
				    phys_memory(), 1));
			else if (*key_ull((struct profile *)p, k) ==
			    PROFILE_UNLIMITED)
				fprintf(fp, "%s = infinity\n", key);
			else
				fprintf(fp, "%s = %llu\n", key,
				    *key_ull((struct profile *)p, k));
			break;
		case K_PERCENT:
			if (*key_ull((struct profile *)p, k) ==
			    PROFILE_UNLIMITED)
				fprintf(fp, "%s = infinity\n", key);
			else
				fprintf(fp, "%s = %llu%%\n", key,
				    *key_ull((struct profile *)p, k));
			break;
		case K_GLOBS:
			describe_list(fp, key, key_clist(p, k), "",
			    strcmp(k->name, "exec") == 0 ?
			    "(script and interpreter only)" :
			    strcmp(k->name, "read") == 0 ?
			    "(the read view only)" : "(none)");
			break;
		case K_PATHS:
		case K_SYSCALLS:
		case K_VARS:
		case K_INTERP:
			describe_list(fp, key, key_clist(p, k), "", "(none)");
			break;
		case K_EXTENDS:
			fprintf(fp, "%s = %s\n", key, p->extends != NULL ?
			    p->extends : "(none)");
			break;
		case K_CONNECT:
			if (p->net_none) {
				fprintf(fp, "%s = none\n", key);
				break;
			}
			fprintf(fp, "%s =", key);
			for (j = 0; j < p->net_unix.n; j++)
				fprintf(fp, " unix:%s", p->net_unix.v[j]);
			for (j = 0; j < p->net_tcp.n; j++)
				fprintf(fp, " tcp:%s", p->net_tcp.v[j]);
			fputc('\n', fp);
			break;
		case K_ACTION:
			fprintf(fp, "%s = %s\n", key,
			    p->deny_action == DENY_KILL ? "kill" : "errno");
			break;
		case K_ERRNO:
			en = errno_name(p->deny_errno);
			if (en != NULL)
				fprintf(fp, "%s = %s\n", key, en);
			else
				fprintf(fp, "%s = %d\n", key, p->deny_errno);
			break;
		case K_QUERY:
			fprintf(fp, "%s = %s\n", key,
			    p->query_mode == QUERY_RAW ? "raw" : "canonical");
			break;
		case K_SUSPICIOUS:
			fprintf(fp, "%s = %s\n", key,
			    p->suspicious == SUSPICIOUS_REJECT ?
			    "reject" : "log");
			break;
		}
	}
	exposure_parts(p, x);
	fprintf(fp, "exposure = %.2f\n", profile_exposure(p));
	for (i = 0; i < X_N; i++)
		fprintf(fp, "exposure.%s = %.2f of %.2f\n", xparts[i].name,
		    x[i], xparts[i].max);
}
