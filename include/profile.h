/*
 * profile: per-script policy.
 *
 * One INI file per profile in the profile directory, parsed with libinih;
 * safecgi-profile(5) is the reference for the format.  Profiles are loaded
 * and compiled by the master at start-up and on reload; the request path
 * only calls profile_match(), which does no I/O and no allocation.
 */
#ifndef SAFECGI_PROFILE_H
#define SAFECGI_PROFILE_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "util.h"
#include "validate.h"

#define PROFILE_NAME_MAX	64

/*
 * A limit written "infinity".  Equal to RLIM_INFINITY on 64-bit Linux, but
 * the jail maps it explicitly rather than relying on that.
 */
#define PROFILE_UNLIMITED	(~0ULL)

enum profile_mode {
	MODE_ENFORCE = 0,
	MODE_COMPLAIN,		/* record what would be blocked, block nothing */
};

enum deny_action {
	DENY_ERRNO = 0,		/* the call fails with deny_errno (EPERM) */
	DENY_KILL,		/* the script is killed */
};

struct profile {
	char			 name[PROFILE_NAME_MAX];
	char			*file;		/* NULL: built in */
	unsigned		 name_line;	/* 0: from the file name */
	struct strlist		 match;		/* globs on the canonical path */
	struct strlist		 match_dir;	/* globs on a directory above it */
	struct strlist		 match_interp;	/* names or paths of the #! */
	char			*extends;	/* the profile this one copies */
	enum profile_mode	 mode;
	int			 select_any;	/* SAFECGI_PROFILE may name it
						 * for any script */

	/* identity; the loader refuses uid 0 and gid 0 */
	char			*user;		/* default "nobody" */
	char			*group;		/* default: user's group */
	uid_t			 uid;		/* resolved at load; */
	gid_t			 gid;		/* (uid_t)-1 until then */
	int			 rootless;	/* uid/gid: the starting user's */

	/* limits; never 0; PROFILE_UNLIMITED where "infinity" is allowed */
	unsigned		 timeout;	/* seconds, wall clock, >= 1 */
	unsigned long long	 limit_cpu;	/* seconds */
	/*
	 * memory and processes bound the whole request (its cgroup) and
	 * each of its processes (RLIMIT_AS; RLIMIT_NPROC only without a
	 * cgroup, see jail.c)
	 */
	unsigned long long	 limit_as;	/* bytes */
	unsigned long long	 limit_nproc;
	unsigned long long	 limit_cpu_quota; /* % of one CPU, per request */
	unsigned long long	 limit_nofile;	/* never unlimited */
	unsigned long long	 limit_fsize;	/* bytes */
	/* each of the request's own /tmp and /var/tmp, bytes, bounded */
	unsigned long long	 limit_tmp;
	unsigned long long	 limit_output;	/* response bytes */
	unsigned long long	 limit_stderr;	/* script stderr to the log */
	unsigned long long	 limit_body;	/* request body bytes */

	/*
	 * admission (admit.h), for the whole server: requests running at
	 * once (0: auto, see profile_requests), then how many may wait
	 * and for how long (seconds)
	 */
	unsigned long long	 limit_requests;
	unsigned long long	 queue_length;
	unsigned long long	 queue_wait;

	/*
	 * filesystem.  All absolute, without "." or ".." components; a path
	 * that names a directory covers everything beneath it.  exec_allow
	 * may hold globs (see profile_glob_match); the jail expands them
	 * when it compiles the profile: a trailing "**" component stands for
	 * the directory before it, otherwise walk the literal leading
	 * directory and keep what matches.
	 */
	struct strlist		 exec_allow;	/* beyond script, interpreter */
	struct strlist		 read_allow;	/* beyond the read view */
	struct strlist		 writable;
	struct strlist		 hidden;
	struct strlist		 bind_ro;	/* same path inside the jail */

	/* network; see "NETWORK" in safecgi-profile(5) */
	int			 net_none;	/* 1 unless opened below */
	struct strlist		 net_unix;	/* socket paths, connect only */
	struct strlist		 net_tcp;	/* "5432": host loopback */

	/*
	 * syscalls, in systemd's vocabulary: "@mount", "bpf".  allow takes
	 * entries out of the built-in deny set, deny adds to it; an entry
	 * is never in both, and never carries systemd's "~" (deny is the
	 * inverted list).  Names are checked for syntax only here;
	 * filter_build() knows which exist.
	 */
	struct strlist		 syscall_allow;
	struct strlist		 syscall_deny;
	enum deny_action	 deny_action;
	int			 deny_errno;	/* default EPERM */

	/* variables */
	enum query_mode		 query_mode;
	enum suspicious_action	 suspicious;
	struct strlist		 env_drop;	/* never in both lists */
	struct strlist		 env_pass;
};

struct profile_set {
	struct profile	*v;		/* sorted by name */
	size_t		 n;
};

/*
 * Load every *.conf in dir (dot files are skipped); dir NULL gives the
 * built-in default alone.  On error returns -1 and writes
 * "file:line: message" into err; the set is left empty, so a reload can
 * keep the old set.  A set always contains a profile named "default"
 * (built in when no file defines it).
 */
int	profile_load_dir(const char *dir, struct profile_set *,
	    char *err, size_t errsz);
/*
 * Parse one file into p (defaults applied first).  On error p holds
 * nothing that needs freeing; on success release it with profile_free().
 */
int	profile_load_file(const char *path, struct profile *,
	    char *err, size_t errsz);
/* The built-in defaults; no I/O (uid/gid stay unresolved).  -1: ENOMEM. */
int	profile_defaults(struct profile *, const char *name);
void	profile_free(struct profile *);
void	profile_set_free(struct profile_set *);

/*
 * Choose the profile for a canonical script path: an explicit name (from
 * SAFECGI_PROFILE) if it exists; else the most specific matching glob (the
 * one with most literal characters; on equal count an exact path beats a
 * glob, then the profile whose name sorts first wins); else "default".
 * An unknown explicit name falls through to the globs, and why says so.
 * why (optional) says which rule decided.  NULL only if the set has no
 * "default", which profile_load_dir() never returns.
 */
const struct profile *profile_match(const struct profile_set *,
	    const char *path, const char *explicit_name,
	    char *why, size_t whysz);

/*
 * profile_match() for a script whose #! line names interp (as
 * profile_interpreter() reads it; NULL: none).  The precedence, which
 * why explains: SAFECGI_PROFILE, then the most specific match glob, then
 * the most specific directory (the script anywhere beneath it), then
 * the interpreter (a name matches the program's base name, "sh",
 * "python3*"; a path the program as the #! line spells it), then
 * "default".  Within a tier: most literal characters, then an exact
 * entry before a glob, then the name that sorts first.  No I/O.
 */
/*
 * Does p match the script by path, directory or interpreter (any
 * tier)?  By path alone?  For SAFECGI_PROFILE, which names a profile
 * that must still match unless it says select = any, and for programs
 * in the system's program directories, which run as scripts only when
 * a profile names their path.
 */
int	profile_matches(const struct profile *, const char *path,
	    const char *interp);
int	profile_matches_path(const struct profile *, const char *path);

const struct profile *profile_match_script(const struct profile_set *,
	    const char *path, const char *interp, const char *explicit_name,
	    char *why, size_t whysz);

/*
 * The interpreter named by a script's first bytes: the #! program, or
 * for "#!/usr/bin/env [-S] [NAME=value] prog" prog.  0, or -1 when
 * there is no #! line.  Pure.
 */
int	profile_interpreter(const char *head, size_t n, char *out,
	    size_t outsz);

/*
 * Glob match as used by match and exec: byte-wise; '*', '?' and '[...]'
 * never match '/'; a "**" component matches zero or more directories
 * (at the end: everything beneath).  Returns 1 on a match.
 */
int	profile_glob_match(const char *glob, const char *path);

/*
 * How many of the profile's requests may run at once: limits.requests,
 * or for auto the least of what mem bytes hold at limits.memory each,
 * 32 per CPU and, when nproc_per_user (limits.processes is RLIMIT_NPROC,
 * no per-request cgroup), a quarter of limits.processes; at least 1.
 * Pure.
 */
unsigned long long profile_requests(const struct profile *, long ncpu,
	    unsigned long long mem, int nproc_per_user);

/* Exposure score, 0.0 (tight) .. 10.0 (open); see safecgi-profile(5). */
double	profile_exposure(const struct profile *);

/*
 * The effective policy for safecgi --check: one "section.key = value"
 * line per key, every key, then the score and its parts.
 */
void	profile_describe(const struct profile *, FILE *);

#endif
