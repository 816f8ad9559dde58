/*
 * jail: every step that confines a script, in the order it must run.
 *
 *   master   jail_probe()          what the kernel offers; refuse to start
 *                                  if a required layer is missing
 *   master   clone(jail_clone_flags()) -> worker: NEWPID|NEWNS|NEWNET|
 *            NEWIPC|NEWUTS (rootless: |NEWUSER)
 *   worker   jail_worker_enter()   rootless: map our own uid; read-only
 *                                  root, /dev, /proc, masks, pivot_root,
 *                                  loopback, hostname; one rule list per
 *                                  profile (struct jail_policy)
 *   spawner  jail_spawner_enter()  the profile's mounts, its Landlock
 *                                  anchors (from the rule list), rootless:
 *                                  a user namespace of its own; the
 *                                  slots (a mount namespace each, with
 *                                  its own /tmp and /var/tmp, and an
 *                                  IPC namespace each),
 *                                  capabilities cut to what spawning
 *                                  needs, no_new_privs, the profile's
 *                                  seccomp filter (once)
 *   spawner  jail_ruleset()        the script's Landlock ruleset (cached)
 *   child    jail_child_exec()     its slot's mount and IPC namespaces,
 *                                  signals,
 *                                  the cgroup leaf, Landlock (its anchors
 *                                  are fds the next step closes), fds,
 *                                  cwd, rlimits, uid/gid, capabilities
 *                                  proven gone, parent-death signal,
 *                                  execve under the inherited filter
 *
 * Expensive work happens once per worker or spawner; the per-request
 * child only does what must differ per request.
 */
#ifndef SAFECGI_JAIL_H
#define SAFECGI_JAIL_H

#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct config;
struct profile;
struct profile_set;
struct filter;

/* ------------------------------------------------------ the rule list */

/*
 * The filesystem policy of one profile as one list of (path, access)
 * rules.  The spawner turns it into Landlock rules; the worker asks the
 * same list what Landlock would answer (jail_may_exec, jail_may_write).
 * The script and its interpreter are added per request, not listed.
 */
enum jail_match {
	JAIL_FILE,	/* this path only */
	JAIL_BENEATH,	/* this path and, a directory, all beneath it */
	JAIL_GLOB,	/* what profile_glob_match() matches, until
			 * jail_policy_resolve() puts what glob(3) finds */
};

/* What a rule grants ... */
#define JAIL_EXEC	0x01	/* execve, and reading to load it */
#define JAIL_READ	0x02	/* read files, list directories */
#define JAIL_WRITE	0x04	/* create, write, truncate, remove */
#define JAIL_REFER	0x08	/* link or rename in from elsewhere */
#define JAIL_DEV	0x10	/* read, write and ioctl a device node */
/* ... and what else is known of the path. */
#define JAIL_LOADER	0x20	/* EXEC only as a binary's ELF interpreter:
				 * an execve of it is refused */
#define JAIL_NOEXEC	0x40	/* on a noexec mount: nothing beneath runs */
#define JAIL_OWN_FD	0x80	/* another name for the script's own fds:
				 * the kernel allows it, no Landlock rule */
#define JAIL_ALIAS	0x100	/* the resolved form of the rule before it:
				 * the same inode, no Landlock rule */

struct jail_rule {
	char			*path;
	enum jail_match		 match;
	unsigned		 access;	/* JAIL_* */
};

struct jail_policy {
	struct jail_rule	*v;
	size_t			 n;
};

/*
 * The list for a profile: the jail's fixed paths (the read view, the
 * dynamic loader ldso, scratch space, device nodes) and the profile's
 * exec and writable entries.  Pure.  -1: ENOMEM.
 */
int	jail_policy_build(const struct profile *, const char *ldso,
	    struct jail_policy *);
/*
 * Make the list say what the spawner's Landlock rules will hold (I/O,
 * once per profile, in the worker): each glob is replaced by what
 * glob(3) finds now, and each path is followed by its resolved form
 * (JAIL_ALIAS), which is what an execve or open resolves to.  -1: ENOMEM.
 */
int	jail_policy_resolve(struct jail_policy *);
void	jail_policy_free(struct jail_policy *);

/*
 * What Landlock answers for one path, from the list alone (pure).
 * exec: canon is the resolved path, NULL when it could not be resolved
 * here; raw is the path as asked.  1 allowed, 0 refused, -1 unknown
 * (unresolvable, and not on a noexec mount: the kernel decides).
 * write: 1 allowed, 0 refused.
 */
int	jail_policy_exec(const struct jail_policy *, const char *canon,
	    const char *raw, const char *script, const char *interp);
int	jail_policy_write(const struct jail_policy *, const char *path);
/* read: 1 the read view (or a write, exec or device rule) holds path. */
int	jail_policy_read(const struct jail_policy *, const char *path);

/* -------------------------------------------------- the jail context */

struct jail_caps {
	int	landlock_abi;	/* 0: none */
	int	user_notif;	/* seccomp user notification usable */
	int	rootless;	/* started without root: user namespace */
	uid_t	uid;		/* rootless: the user scripts run as */
	gid_t	gid;
};

struct jail_anchor {
	int		 fd;		/* O_PATH */
	unsigned	 access;	/* JAIL_* */
};

/*
 * Rulesets kept by a spawner: one per script, interpreter and slot, so
 * room for a few dozen scripts in the few slots most requests use (a
 * request takes the lowest free slot).
 */
#define JAIL_RULESET_CACHE	128

/*
 * A spawner keeps its long-lived descriptors (anchors, slots, rulesets,
 * its socket) at this number and above, a request's own below: the
 * request's child copies only what lies below its own (jail_child_exec).
 */
#define JAIL_FD_HIGH		1024

/*
 * What an IPC namespace nobody used since looks like: the ids the
 * spawner's last probe objects got (one of each SysV kind, made and
 * removed at once), the step between two probes in a row, and the root
 * of its mqueue file system, whose times and size a queue's creation
 * or removal changes.  A request that makes and removes an object
 * moves the kernel's id counter on: the next probe's id tells.
 */
struct jail_ipc_mark {
	int		 id[3];		/* shm, sem, msg; -1: not probed */
	int		 step[3];
	struct timespec	 mq_mtime, mq_ctime;	/* zero: no mqueue root */
	off_t		 mq_size;
};

/*
 * 1 when now (the probes after a request) is what was (the probes
 * before it) says an untouched namespace gives; 0 otherwise, a wrap of
 * the id counter included (it costs a replacement, nothing more).
 * Pure.
 */
int	jail_ipc_untouched(const struct jail_ipc_mark *was,
	    const struct jail_ipc_mark *now);

/*
 * One place for a running request: a mount namespace of its own, a copy
 * of the spawner's made once, with a tmpfs of its own on /tmp and on
 * /var/tmp, and an IPC namespace of its own.  The child enters both
 * (setns) before anything else; after the reap /tmp is emptied and the
 * IPC namespace, if a request used it, replaced before the next request
 * gets the slot.  Other slots are mounted only in other namespaces, so
 * a script reaches its own alone.
 */
struct jail_slot {
	int	ns;		/* nsfs fd of its mount namespace; -1 retired */
	int	root[2];	/* its /tmp and /var/tmp roots, O_DIRECTORY;
			 * also the Landlock anchors of its rulesets */
	int	ipc;		/* nsfs fd of its IPC namespace, or -1 */
	int	mq;		/* the root of its mqueue file system, or -1 */
	struct jail_ipc_mark	ipc_mark;
};

/*
 * One process's jail state, passed explicitly; nothing of it is global.
 *   master   fills caps (jail_probe); every worker gets a copy
 *   worker   fills ldso, ps and policy (jail_worker_enter); its spawners
 *            inherit them by fork and only read them
 *   spawner  fills own, anchor and cache in its own copy
 *            (jail_spawner_enter, jail_ruleset); the per-request child
 *            runs in the spawner's memory and only reads
 */
struct jail {
	struct jail_caps		 caps;

	char				 ldso[PATH_MAX];
	const struct profile_set	*ps;
	struct jail_policy		*policy;	/* ps->n, ps order */

	const struct jail_policy	*own;
	struct jail_anchor		*anchor;
	size_t				 nanchor;
	struct {
		dev_t		sdev, idev;
		ino_t		sino, iino;
		size_t		slot;
		unsigned long	used;	/* LRU stamp */
		int		fd;
	}				 cache[JAIL_RULESET_CACHE];
	unsigned long			 cache_clock;
	struct jail_slot		*slot;
	size_t				 nslot;
	unsigned			 slot_access;	/* JAIL_*, /tmp's */
	/* the spawner's: its filter's key for its own keyed calls, the
	 * IPC kinds scripts can use (FILTER_IPC_*), its IPC namespace */
	const uint64_t			*key;
	unsigned			 ipc_kinds, ipc_blind;
	int				 ipc_home;
};

/* What the kernel offers; fills *caps.  Writes a report of the layers. */
int	jail_probe(const struct config *, struct jail_caps *,
	    char *report, size_t);

/*
 * The namespaces a worker is cloned into (after jail_probe): PID, mount,
 * network, IPC, UTS, and a user namespace owning them when rootless.
 */
int	jail_clone_flags(const struct jail_caps *);

/*
 * In a freshly cloned worker: fills j from the master's caps and builds
 * the rule lists.  Returns 0 or -1 with a logged reason.
 */
int	jail_worker_enter(struct jail *, const struct jail_caps *,
	    const struct config *, const struct profile_set *);

/* The rule list of a profile of j->ps, or NULL. */
/*
 * A read or bind_ro entry that names what the jail always hides (/run,
 * /root, /proc/kcore ...) cannot take effect: -1 with err saying which
 * profile and entry.  The master refuses such a configuration.
 */
int	jail_check_profiles(const struct profile_set *, char *err,
	    size_t errsz);

/*
 * A context holding only the profiles' rule lists, as a worker builds
 * them, for questions asked outside a worker (--check --script).
 */
struct jail	*jail_policies_new(const struct profile_set *);
void		 jail_policies_free(struct jail *);

const struct jail_policy *jail_policy_of(const struct jail *,
	    const struct profile *);

/*
 * In a spawner forked from the worker: mounts for this profile, nslot
 * slots (struct jail_slot), then capabilities, no_new_privs and the
 * filter.  Returns the seccomp listener fd (>= 0), or -1 with a logged
 * reason.
 */
int	jail_spawner_enter(struct jail *, const struct profile *,
	    const struct filter *, size_t nslot);

/*
 * After a slot's request is reaped: 0 when its /tmp and /var/tmp are
 * empty again (emptied if anything was written) and its IPC namespace
 * untouched (replaced by a fresh one if it was not), else -1 with a
 * logged reason, and the slot is retired (j->slot[i].ns == -1): its
 * namespaces and tmpfs go, and no request gets it again.
 */
int	jail_slot_reset(struct jail *, size_t i);

/*
 * A fresh IPC namespace for sl (sl->ipc, sl->mq, sl->ipc_mark), made
 * from and returned to j->ipc_home; the old one's descriptors are
 * closed.  0, or -1 with a logged reason and sl's IPC part unchanged.
 */
int	jail_slot_ipc_make(struct jail *, struct jail_slot *sl);

/*
 * Open the Landlock anchors of pol into j (part of jail_spawner_enter;
 * separate so that a test can build real rulesets without the mounts).
 */
int	jail_anchors_open(struct jail *, const struct jail_policy *);

/* Everything the per-request child needs, prepared before clone. */
struct jail_exec {
	const struct jail	*jail;
	const struct profile	*profile;
	int			 fd_in, fd_out, fd_err;
	const char		*path;		/* canonical script */
	const char		*dir;		/* its directory: the cwd */
	const char		*interp;	/* shebang interpreter or NULL */
	char *const		*argv;
	char *const		*envp;
	const uint64_t		*exec_key;	/* see struct filter */
	/* the request's slot; NULL only outside a spawner (tests) */
	const struct jail_slot	*slot;
	int			 ruleset;	/* Landlock, or -2: none */
	/* the request's leaf: its join file in each hierarchy */
	const int		*cgroup_procs;
	int			 ncgroup;	/* 0: no per-request budget */
	/* written by the child when it fails before execve */
	volatile int		 fail_stage;	/* enum jail_stage */
	volatile int		 fail_errno;
};

enum jail_stage {
	STAGE_NONE = 0, STAGE_FDS, STAGE_CWD, STAGE_RLIMIT, STAGE_IDS,
	STAGE_CAPS, STAGE_PDEATHSIG, STAGE_LANDLOCK, STAGE_EXEC,
	STAGE_CGROUP, STAGE_SLOT,
};

const char *jail_stage_name(int);

/*
 * In the spawner, before the clone: the Landlock ruleset for this script
 * in slot si, which grants that slot's /tmp and /var/tmp and no other's
 * (built once, then cached by inode and slot; a retired slot's go with
 * it).  -2 when the profile applies none (complain mode, or no
 * Landlock), -1 on failure: the request fails.  si >= nslot: no slot
 * (tests).
 */
int	jail_ruleset(struct jail *, const struct profile *, const char *path,
	    const char *interp, size_t si);

/*
 * fd moved to JAIL_FD_HIGH or above (close-on-exec), the original
 * closed; fd itself when it is already there or cannot move.
 */
int	jail_fd_high(int fd);

/*
 * In the worker: what the rule list answers for one path, resolved from
 * dir, the script's working directory (for the audit log, and in
 * complain mode, where Landlock is not applied).  exec: 1 allowed, 0
 * refused, -1 not resolvable here (the kernel decides); canon receives
 * the resolved path.  write: 1 allowed, 0 refused.
 */
/*
 * The worker's verdict on an execve a script asked for, with the path
 * opened as the calling process sees it (its root, working directory,
 * /proc/self, its descriptors): 1 allowed, 0 refused and worth a report
 * (the loader run directly, anything outside the allowlist), -errno when
 * the path names nothing (answer with that errno; never let the call
 * continue).  Not the boundary: the kernel reads the path again after a
 * "continue", so Landlock and the read view must hold on their own.
 */
int	jail_exec_verdict(const struct jail *, const struct profile *,
	    pid_t pid, const char *script, const char *interp,
	    const char *path, char *canon, size_t csz);
/*
 * Complain mode: would the read view (the fixed part, the profile's
 * read =, the script's directory, its interpreter and exec list) let a
 * script read path?  1 yes (or the path names nothing), 0 no.
 */
int	jail_may_read(const struct jail *, const struct profile *,
	    const char *dir, const char *script, const char *interp,
	    const char *path);
int	jail_may_exec(const struct jail *, const struct profile *,
	    const char *dir, const char *script, const char *interp,
	    const char *path, char *canon, size_t csz);
int	jail_may_write(const struct jail *, const struct profile *,
	    const char *dir, const char *path);

/* The child's whole life: never returns. */
int	jail_child_exec(void *jail_exec);

/* Landlock ABI of the running kernel, 0 if none. */
int	jail_landlock_abi(void);

#endif
