/*
 * jail: every step that confines a script, in the order it must run.
 *
 *   master   jail_probe()          what the kernel offers; refuse to start
 *                                  if a required layer is missing
 *   master   clone(jail_clone_flags()) -> worker: NEWPID|NEWNS|NEWNET|
 *            NEWIPC|NEWUTS (rootless: |NEWUSER)
 *   worker   jail_worker_enter()   rootless: map our own uid; read-only
 *                                  root, /dev, /proc, masks, pivot_root,
 *                                  loopback, hostname
 *   spawner  jail_spawner_enter()  the profile's mounts, rootless: a user
 *                                  namespace of its own, capabilities cut
 *                                  to what spawning needs, no_new_privs,
 *                                  the profile's seccomp filter (once)
 *   child    jail_child_exec()     fds, rlimits, uid/gid, Landlock, execve
 *
 * Expensive work happens once per worker or spawner; the per-request
 * child only does what must differ per request.
 */
#ifndef SAFECGI_JAIL_H
#define SAFECGI_JAIL_H

#include <sched.h>
#include <stddef.h>
#include <sys/types.h>

struct config;
struct profile;
struct profile_set;
struct filter;


struct jail_caps {
	int	landlock_abi;	/* 0: none */
	int	user_notif;	/* seccomp user notification usable */
	int	rootless;	/* started without root: user namespace */
};

/* What the kernel offers; fills *caps.  Writes a report of the layers. */
int	jail_probe(const struct config *, struct jail_caps *,
	    char *report, size_t);

/*
 * The namespaces a worker is cloned into (after jail_probe): PID, mount,
 * network, IPC, UTS, and a user namespace owning them when rootless.
 */
int	jail_clone_flags(void);

/* In a freshly cloned worker.  Returns 0 or -1 with a logged reason. */
int	jail_worker_enter(const struct config *, const struct profile_set *);

/*
 * In a spawner forked from the worker: mounts for this profile, then
 * capabilities, no_new_privs and the filter.  Returns the seccomp
 * listener fd (>= 0), or -1 with a logged reason.
 */
int	jail_spawner_enter(const struct profile *, const struct filter *);

/* Everything the per-request child needs, prepared before clone. */
struct jail_exec {
	const struct profile	*profile;
	int			 fd_in, fd_out, fd_err;
	const char		*path;		/* canonical script */
	const char		*dir;		/* its directory: the cwd */
	const char		*interp;	/* shebang interpreter or NULL */
	char *const		*argv;
	char *const		*envp;
	const uint64_t		*exec_key;	/* see struct filter */
	int			 ruleset;	/* Landlock, or -2: none */
	/* written by the child when it fails before execve */
	volatile int		 fail_stage;	/* enum jail_stage */
	volatile int		 fail_errno;
};

enum jail_stage {
	STAGE_NONE = 0, STAGE_FDS, STAGE_CWD, STAGE_RLIMIT, STAGE_IDS,
	STAGE_CAPS, STAGE_PDEATHSIG, STAGE_LANDLOCK, STAGE_EXEC,
};

const char *jail_stage_name(int);

/*
 * In the spawner, before the clone: the Landlock ruleset for this script
 * (built once, then cached by inode).  -2 when the profile applies none
 * (complain mode, or no Landlock), -1 on failure: the request fails.
 */
int	jail_ruleset(const struct profile *, const char *path,
	    const char *interp);

/*
 * The Landlock rules asked of one path (for the audit log, and in
 * complain mode): 1 allowed, 0 refused, -1 not resolvable here (exec
 * only; the kernel decides).  canon receives the resolved path.
 */
/*
 * The worker's verdict on an execve a script asked for, with the path
 * opened as the calling process sees it (its root, working directory,
 * /proc/self): 1 allowed, 0 refused and worth a report (the loader run
 * directly, anything outside the allowlist), -errno when the path names
 * nothing (answer with that errno; never let the call continue).  Not
 * the boundary: the kernel reads the path again after a "continue", so
 * Landlock and the read view must hold on their own.
 */
int	jail_exec_verdict(const struct profile *, pid_t pid,
	    const char *script, const char *interp, const char *path,
	    char *canon, size_t csz);

/*
 * Complain mode: would the read view (the fixed part, the profile's
 * read =, the script's directory, its interpreter and exec list) let a
 * script read path?  1 yes (or the path names nothing), 0 no.
 */
int	jail_may_read(const struct profile *, const char *dir,
	    const char *script, const char *interp, const char *path);

int	jail_may_exec(const struct profile *, const char *dir,
	    const char *script, const char *interp, const char *path,
	    char *canon, size_t csz);
int	jail_may_write(const struct profile *, const char *dir,
	    const char *path);

/* The child's whole life: never returns. */
int	jail_child_exec(void *jail_exec);

/* Landlock ABI of the running kernel, 0 if none. */
int	jail_landlock_abi(void);

#endif
