/*
 * cgroup: one kernel-enforced budget per request.
 *
 * Everything a request and its descendants hold -- memory (anonymous,
 * page cache, shared memory, tmpfs pages), processes, CPU time -- is
 * charged to a leaf cgroup of its own, on the unified v2 hierarchy or on
 * the v1 hierarchies of a hybrid host.
 *
 *   start    cgroup_detect()      where memory, pids and cpu live, and
 *                                 our own cgroup in each; refuse to start
 *                                 with the reason when one is missing
 *            cgroup_tree_open()   <own>/<name> in each hierarchy; a stale
 *                                 one left by a crash is killed, removed
 *            cgroup_pool_new()    leaves made ahead, one per request slot
 *   request  cgroup_pool_take()   a leaf with the request's limits
 *   child    cgroup_leaf_enter()  writes "0" to fds opened ahead (v1
 *                                 tasks, v2 cgroup.procs; works with
 *                                 /sys masked), or
 *            clone3(CLONE_INTO_CGROUP, cgroup_leaf_clonefd())
 *   after    cgroup_leaf_cause()  memory or pids budget exceeded?
 *            cgroup_pool_give()   kill what is left, reset, reuse
 *   stop     cgroup_tree_close()  kill, rmdir bottom-up, undo delegation
 *
 * Nothing is ever created or written outside <own>/<name>, except on
 * v2 when <own> must hand out controllers: then <own>'s own
 * cgroup.subtree_control and cgroup.procs, and the leaf
 * <own>/<name>.daemon that holds the daemon meanwhile (doc/cgroups.md).
 */
#ifndef SAFECGI_CGROUP_H
#define SAFECGI_CGROUP_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The hierarchies a leaf may span. */
enum cgroup_hier {
	CGROUP_UNIFIED,	/* cgroup2: everything (v2), or membership */
	CGROUP_MEMORY,	/* v1 only */
	CGROUP_PIDS,	/* v1 only */
	CGROUP_CPU,	/* v1 only */
	CGROUP_CPUACCT,	/* v1, not co-mounted with cpu: detected, unused */
	CGROUP_NHIER
};

struct cgroup_host {
	int	version;	/* 2: memory, pids, cpu on cgroup2; 1: v1 */
	int	memsw;		/* v1: memory.memsw.* present */
	/* our own cgroup in each hierarchy, "": not used */
	char	dir[CGROUP_NHIER][PATH_MAX];
	char	controllers[64];	/* v2: enabled for the subtree */
	/*
	 * v1 (hybrid): our writable cgroup2 directory, or "".  Copied into
	 * dir[CGROUP_UNIFIED], leaves span it too: cgroup.kill and
	 * CLONE_INTO_CGROUP, at a cost per request (bench/RESULTS.md).
	 */
	char	unified[PATH_MAX];
};

/* What caused the end of a request, as the kernel counted it. */
enum cgroup_cause {
	CGROUP_CAUSE_NONE = 0,
	CGROUP_CAUSE_MEMORY,	/* OOM kill at the memory budget */
	CGROUP_CAUSE_PIDS,	/* a fork refused at the pids budget */
};

struct cgroup_limits {
	uint64_t	memory;		/* bytes, swap excluded; 0: none */
	uint64_t	pids;		/* 0: none */
	uint32_t	cpu_quota_us;	/* per period; 0: none */
	uint32_t	cpu_period_us;	/* 0: 100000 */
};

struct cgroup_usage {
	/* user + system; not on v1 with cpuacct apart from cpu */
	uint64_t	cpu_usec;
	/*
	 * bytes, since the leaf was made (6.1 cannot reset memory.peak,
	 * and no reader needs v1's per request); 0: not reported
	 */
	uint64_t	memory_peak;
};

struct cgroup_tree;
struct cgroup_leaf;
struct cgroup_pool;

/*
 * Where memory, pids and cpu can be used, read from /proc/self/cgroup and
 * /proc/self/mountinfo.  Returns 0, or -1 with "file: reason" in err.
 */
int	cgroup_detect(struct cgroup_host *, char *err, size_t errlen);

/* The same from the two files' text (cgroup.controllers is still read). */
int	cgroup_detect_text(struct cgroup_host *, const char *self,
	    const char *mountinfo, char *err, size_t errlen);
/* Pure parsers behind cgroup_detect(), for the unit tests. */
int	cgroup_parse_self(const char *text, const char *ctl, char *path,
	    size_t);
int	cgroup_parse_mount(const char *mountinfo, const char *ctl,
	    char *mnt, size_t, char *root, size_t);
int	cgroup_has_word(const char *list, const char *word);

const char	*cgroup_cause_name(enum cgroup_cause);

/*
 * Create <own>/<name> in every hierarchy of the host, after removing a
 * stale one.  On v2 the controllers are enabled for it.  NULL with the
 * reason in err.
 */
struct cgroup_tree	*cgroup_tree_open(const struct cgroup_host *,
			    const char *name, char *err, size_t errlen);
/* Kill everything beneath, remove every directory made.  0 or -1. */
int	cgroup_tree_close(struct cgroup_tree *);
/* Remove a leftover <own>/<name>, killing what runs in it; 0 or -1. */
int	cgroup_tree_remove_stale(const struct cgroup_host *,
	    const char *name, char *err, size_t errlen);

/* One leaf beneath the tree: mkdir, fds opened ahead. */
struct cgroup_leaf	*cgroup_leaf_new(struct cgroup_tree *,
			    const char *name, char *err, size_t errlen);
/* Close the fds and remove the directories (killing what is left). */
int	cgroup_leaf_free(struct cgroup_leaf *);

int	cgroup_leaf_limit(struct cgroup_leaf *, const struct cgroup_limits *);
/*
 * In the child, before execve: join every hierarchy by writing "0" to
 * fds opened ahead (v1: tasks, which moves the one thread without the
 * threadgroup lock; v2: cgroup.procs).  skip_unified: the child was already
 * cloned into the v2 leaf.  Only write(2): safe after vfork.
 */
int	cgroup_leaf_enter(const struct cgroup_leaf *, int skip_unified);
/*
 * The same in two halves, for a child that holds no pool: the leaf's
 * join fds (returns how many), which the worker can pass with a
 * request (SCM_RIGHTS), and the join from those fds alone.
 */
int	cgroup_leaf_procs(const struct cgroup_leaf *, int skip_unified,
	    int fds[CGROUP_NHIER]);
int	cgroup_join(const int *procs, int n);
/* The v2 leaf directory for clone3(CLONE_INTO_CGROUP), or -1. */
int	cgroup_leaf_clonefd(const struct cgroup_leaf *);
/* SIGKILL everything in the leaf; wait until it is empty.  0 or -1. */
int	cgroup_leaf_kill(struct cgroup_leaf *, int timeout_ms);
/* Processes in the leaf (the first hierarchy that lists them). */
int	cgroup_leaf_count(const struct cgroup_leaf *);
enum cgroup_cause	cgroup_leaf_cause(const struct cgroup_leaf *);
int	cgroup_leaf_usage(const struct cgroup_leaf *, struct cgroup_usage *);
/*
 * For reuse: the leaf must be empty; counters are noted as the new
 * baseline.  Returns 0, 1 when tmpfs or shared memory pages stay charged
 * to it (they would shrink the next budget: replace the leaf), -1 on
 * error.
 */
int	cgroup_leaf_reset(struct cgroup_leaf *);
/*
 * v2: fds[0] pids.events, fds[1] memory.events, read once so that
 * poll(POLLPRI) wakes on the next event; pread() them to re-arm.  v1
 * files never notify: both -1, and the caller checks cgroup_leaf_cause()
 * on a timer while the request runs.
 */
int	cgroup_leaf_watch(const struct cgroup_leaf *, int fds[2]);

/* A fixed pool of leaves <prefix>0 .. <prefix>N-1. */
struct cgroup_pool	*cgroup_pool_new(struct cgroup_tree *,
			    const char *prefix, size_t n, char *err,
			    size_t errlen);
struct cgroup_leaf	*cgroup_pool_take(struct cgroup_pool *,
			    const struct cgroup_limits *);
/* The same, waiting up to timeout_ms for a leaf given back. */
struct cgroup_leaf	*cgroup_pool_take_wait(struct cgroup_pool *,
			    const struct cgroup_limits *, int timeout_ms);
/* Kill, reset (or replace) and return the leaf.  0 or -1. */
int	cgroup_pool_give(struct cgroup_pool *, struct cgroup_leaf *);
void	cgroup_pool_free(struct cgroup_pool *);
/* A pool inherited from the process that made it: close its fds only. */
void	cgroup_pool_forget(struct cgroup_pool *);

#endif
