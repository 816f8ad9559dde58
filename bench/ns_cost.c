/*
 * ns_cost: what each layer of the request boundary costs per request.
 *
 * Times spawn + wait of a tiny program, serially, the way the spawner
 * makes a request's child (clone(CLONE_VM|CLONE_VFORK) + execve), with
 * the layers added one by one:
 *
 *   pid             CLONE_NEWPID: the spawner before the boundary
 *   pid+leaf        ... the child joins a prepared cgroup leaf (v1: one
 *                   write per hierarchy), given back after the reap
 *   pid+ipc         CLONE_NEWPID|CLONE_NEWIPC
 *   pid+ipc+leaf    both: the spawner now
 *   +ns             ... and CLONE_NEWNS (a mount namespace, no mount)
 *   +ns+tmpfs       ... and a fresh tmpfs on /tmp and on /var/tmp,
 *                   mounted by the child before execve
 *   +slot           pid+ipc+leaf, and the child enters a prepared
 *                   mount namespace (a slot, as the spawner keeps them:
 *                   jail.h) with setns() before execve; after the reap,
 *                   the spawner's check that its /tmp and /var/tmp are
 *                   still empty (jail_slot_reset: fstatfs, fstat)
 *   +ipc slot       pid+leaf+slot without CLONE_NEWIPC: the child also
 *                   enters its slot's prepared IPC namespace with
 *                   setns(); after the reap, the spawner's check that
 *                   it is untouched (jail_slot_reset: setns in, a
 *                   probe object of each SysV kind made and removed,
 *                   the mqueue root's fstat, setns back).  The spawner
 *                   now; +slot is what it was before
 *   again           pid+ipc+leaf once more, in the place after +slot: a
 *                   way's place in the turn moves its figure (a leaf
 *                   taken right after a way without one costs more), so
 *                   +slot is to be read against this one
 *
 * Then, with -e, what emptying a dirty slot costs (files left in its
 * /tmp, removed by jail_slot_reset), what checking and replacing a
 * slot's IPC namespace costs, and what a slot and its IPC namespace
 * cost the kernel:
 * Slab and Percpu in /proc/meminfo before and after making 512 more.
 *
 * With -l, the child's descriptor table and Landlock, the process
 * holding SPAWNER_FDS descriptors as a spawner does (anchors, slots,
 * rulesets) and a request's three below them:
 *
 *   copy            they are low; clone() copies the whole table, the
 *                   child dup2()s its three and closes the rest
 *   share           they are at 1024 and above; clone(CLONE_FILES),
 *                   the child takes a table of its own with
 *                   close_range(CLOSE_RANGE_UNSHARE) above its three
 *                   (the kernel copies only those), then as copy
 *   share+ll N      share, and landlock_restrict_self() with a ruleset
 *                   of N rules on N directories: every slot's /tmp and
 *                   /var/tmp in every ruleset (47 slots) against its
 *                   own slot's alone
 *
 * The ways take turns, request by request (-b: each way's N requests in
 * a row, so that what one way leaves to the kernel to tear down after
 * the reap, a namespace or a mount, is paid by itself, and the CPU time
 * the whole machine spent in the block, /proc/stat, is shown per
 * request: a kworker's teardown included, other work too); each run gives
 * each way the median of its N requests, and the figure is the median
 * over the runs.
 * Run as root (the child mounts in a mount namespace of the benchmark's
 * own, made private first, so nothing reaches the host):
 *
 *   bench/ns_cost [-bel] [-n N] [-r RUNS] program
 */
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/close_range.h>
#include <linux/landlock.h>

#include "cgroup.h"
#include "filter.h"
#include "timing.h"
#include "jail.h"

enum way {
	W_PID, W_PID_LEAF, W_IPC, W_IPC_LEAF, W_NS, W_NS_TMPFS, W_SLOT,
	W_IPC_SLOT, W_AGAIN, W_N
};

static const char *const way_name[W_N] = {
	"pid", "pid+leaf", "pid+ipc", "pid+ipc+leaf", "pid+ipc+leaf+ns",
	"pid+ipc+leaf+ns+tmpfs", "pid+ipc+leaf+slot", "pid+leaf+slot+ipc slot",
	"pid+ipc+leaf, again"
};

#define SPAWNER_FDS	190	/* a spawner of the bench's profile */
#define READ_VIEW_RULES	55	/* its read view, script and directory */
#define BENCH_SLOTS	47	/* and its slots */

enum fd_way { F_COPY, F_SHARE, F_LL_ALL, F_LL_OWN, F_N };

static const char *const fd_way_name[F_N] = {
	"copy", "share", "share+ll all slots", "share+ll own slot"
};

static const int fd_way_rules[F_N] = {
	0, 0, READ_VIEW_RULES + 2 * BENCH_SLOTS, READ_VIEW_RULES + 2
};

static const int way_flags[W_N] = {
	CLONE_NEWPID, CLONE_NEWPID, CLONE_NEWPID | CLONE_NEWIPC,
	CLONE_NEWPID | CLONE_NEWIPC, CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS,
	CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS, CLONE_NEWPID | CLONE_NEWIPC,
	CLONE_NEWPID, CLONE_NEWPID | CLONE_NEWIPC
};

#define NSLOT	4	/* the benchmark's serial requests take turns */
#define JAIL_MOUNTS	68	/* a worker's jail, from /proc/PID/mountinfo */

static const struct cgroup_limits limits = {
	.memory = 64 << 20, .pids = 32, .cpu_quota_us = 100000,
	.cpu_period_us = 100000
};

struct child {
	const char	*prog;
	const int	*procs;
	int		 nprocs;
	int		 tmpfs;
	int		 slot_ns;	/* -1: none */
	int		 slot_ipc;	/* -1: none */
	int		 devnull;
};

static char	*const argv0[] = { "hello", NULL };
static char	*const envp0[] = { "PATH=/usr/bin:/bin", NULL };

static int
child_main(void *arg)
{
	struct child	*c = arg;

	if (c->slot_ns != -1 && setns(c->slot_ns, CLONE_NEWNS) == -1)
		_exit(124);
	if (c->slot_ipc != -1 && setns(c->slot_ipc, CLONE_NEWIPC) == -1)
		_exit(123);
	if (c->nprocs > 0 && cgroup_join(c->procs, c->nprocs) == -1)
		_exit(126);
	if (c->tmpfs && (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID |
	    MS_NODEV | MS_NOEXEC, "size=32m,mode=1777") == -1 ||
	    mount("tmpfs", "/var/tmp", "tmpfs", MS_NOSUID | MS_NODEV |
	    MS_NOEXEC, "size=32m,mode=1777") == -1))
		_exit(125);
	dup2(c->devnull, 1);
	execve(c->prog, argv0, envp0);
	_exit(127);
}

struct fd_child {
	const char	*prog;
	int		 fd[3];		/* the request's */
	int		 shared;	/* started on our table */
	int		 ruleset;	/* -1: none */
};

static int
fd_child_main(void *arg)
{
	struct fd_child	*c = arg;
	int		 low = c->fd[2];

	if (c->ruleset != -1 &&
	    syscall(SYS_landlock_restrict_self, c->ruleset, 0) == -1)
		_exit(123);
	if (c->shared && syscall(SYS_close_range, low + 1, ~0U,
	    CLOSE_RANGE_UNSHARE) == -1)
		_exit(124);
	if (dup2(c->fd[0], 0) == -1 || dup2(c->fd[1], 1) == -1 ||
	    dup2(c->fd[2], 2) == -1 ||
	    syscall(SYS_close_range, 3, ~0U, 0) == -1)
		_exit(125);
	if (c->prog == NULL)
		_exit(0);	/* the steps alone */
	execve(c->prog, argv0, envp0);
	_exit(127);
}

/* The spawner's long-lived descriptors, moved to from and above. */
static void
fds_move(int *fd, int n, int from)
{
	int	i, nfd;

	for (i = 0; i < n; i++) {
		if ((nfd = fcntl(fd[i], F_DUPFD_CLOEXEC, from)) == -1)
			err(1, "F_DUPFD");
		close(fd[i]);
		fd[i] = nfd;
	}
}

/* A ruleset of n rules, each on a directory of its own under /mnt. */
static int
ruleset_of(int n)
{
	struct landlock_ruleset_attr	 attr = { 0 };
	struct landlock_path_beneath_attr pb;
	char				 dir[32];
	int				 rfd, i;

	attr.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_WRITE_FILE |
	    LANDLOCK_ACCESS_FS_EXECUTE;
	if ((rfd = syscall(SYS_landlock_create_ruleset, &attr,
	    sizeof(attr.handled_access_fs), 0)) == -1)
		err(1, "landlock_create_ruleset");
	pb.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_EXECUTE;
	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "/mnt/ll%d", i);
		if ((mkdir(dir, 0755) == -1 && errno != EEXIST) ||
		    (pb.parent_fd = open(dir, O_PATH | O_CLOEXEC)) == -1)
			err(1, "%s", dir);
		if (syscall(SYS_landlock_add_rule, rfd,
		    LANDLOCK_RULE_PATH_BENEATH, &pb, 0) == -1)
			err(1, "landlock_add_rule");
		close(pb.parent_fd);
	}
	/* the program and its libraries, or it cannot start */
	if ((pb.parent_fd = open("/", O_PATH | O_CLOEXEC)) == -1 ||
	    syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH,
	    &pb, 0) == -1)
		err(1, "landlock_add_rule /");
	close(pb.parent_fd);
	return rfd;
}

static double
fd_one(struct fd_child *c, enum fd_way w, const int *rulesets)
{
	static char	 stack[64 * 1024] __attribute__((aligned(16)));
	double		 t0 = now_us();
	int		 status, i;
	pid_t		 pid;

	for (i = 0; i < 3; i++)
		if ((c->fd[i] = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
			err(1, "/dev/null");
	c->shared = w != F_COPY;
	c->ruleset = rulesets[w];
	pid = clone(fd_child_main, stack + sizeof(stack), CLONE_VM |
	    CLONE_VFORK | (c->shared ? CLONE_FILES : 0) | CLONE_NEWPID |
	    CLONE_NEWIPC | SIGCHLD, c);
	if (pid == -1)
		err(1, "clone");
	for (i = 0; i < 3; i++)
		close(c->fd[i]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		errx(1, "%s: child status %#x", fd_way_name[w], status);
	return now_us() - t0;
}

static void
descriptors_report(const char *prog, int n, int runs, double **med)
{
	int	w;

	printf("%s: %d requests x %d runs, %d descriptors held\n",
	    prog != NULL ? prog : "the child's steps, then _exit", n, runs,
	    SPAWNER_FDS + 2);
	for (w = 0; w < F_N; w++) {
		double	m = median(med[w], runs), base = median(med[0], runs);

		printf("  %-24s %3d rules %8.1f us  (%+.1f us)\n",
		    fd_way_name[w], fd_way_rules[w] + (fd_way_rules[w] > 0),
		    m, m - base);
	}
}

static void
descriptors(const char *prog, int n, int runs)
{
	struct fd_child	 c;
	struct rlimit	 rl;
	double		*t, *med[F_N], *tw[F_N];
	int		 held[SPAWNER_FDS], rulesets[F_N];
	int		 i, r, w;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		err(1, "getrlimit");
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		err(1, "setrlimit");
	if (mount("tmpfs", "/mnt", "tmpfs", 0, "size=64k") == -1)
		err(1, "mount /mnt");
	for (w = 0; w < F_N; w++)
		rulesets[w] = fd_way_rules[w] > 0 ?
		    ruleset_of(fd_way_rules[w]) : -1;
	/* as a spawner's: anchors (O_PATH), slot roots (directories
	 * opened to read), slot namespaces (nsfs) */
	for (i = 0; i < SPAWNER_FDS; i++)
		if ((held[i] = i % 3 == 0 ? open("/usr", O_PATH | O_CLOEXEC) :
		    i % 3 == 1 ? open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC) :
		    open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC)) == -1)
			err(1, "a descriptor to hold");
	if ((t = calloc(n, sizeof(double))) == NULL)
		err(1, NULL);
	for (w = 0; w < F_N; w++)
		if ((med[w] = calloc(runs, sizeof(double))) == NULL ||
		    (tw[w] = calloc(n, sizeof(double))) == NULL)
			err(1, NULL);
	memset(&c, 0, sizeof(c));
	/* the table's shape differs between copy and the rest: copy's
	 * requests in a row, then the others' in turns, run after run;
	 * with the program, then the steps alone */
	for (c.prog = prog; ; c.prog = NULL) {
		for (r = 0; r < runs; r++) {
			fds_move(held, SPAWNER_FDS, 3);
			fds_move(rulesets + F_LL_ALL, 2, 3);
			for (i = 0; i < n; i++)
				t[i] = fd_one(&c, F_COPY, rulesets);
			med[F_COPY][r] = median(t, n);
			fds_move(held, SPAWNER_FDS, JAIL_FD_HIGH);
			fds_move(rulesets + F_LL_ALL, 2, JAIL_FD_HIGH);
			for (i = 0; i < n; i++)
				for (w = F_SHARE; w < F_N; w++)
					tw[w][i] = fd_one(&c, w, rulesets);
			for (w = F_SHARE; w < F_N; w++)
				med[w][r] = median(tw[w], n);
		}
		descriptors_report(c.prog, n, runs, med);
		if (c.prog == NULL)
			break;
	}
	for (i = 0; i < SPAWNER_FDS; i++)
		close(held[i]);
	for (w = F_LL_ALL; w < F_N; w++)
		close(rulesets[w]);
	if (umount2("/mnt", MNT_DETACH) == -1)
		err(1, "umount /mnt");
	free(t);
	for (w = 0; w < F_N; w++) {
		free(med[w]);
		free(tw[w]);
	}
}

/* The spawner's slots (jail.c slot_make), for the benchmark. */
static struct jail	 slots;

static void
slot_make(struct jail_slot *sl, int home)
{
	static const char *const dirs[] = { "/tmp", "/var/tmp" };
	size_t	i;

	if (unshare(CLONE_NEWNS) == -1)
		err(1, "unshare");
	for (i = 0; i < 2; i++) {
		if (mount("tmpfs", dirs[i], "tmpfs", MS_NOSUID | MS_NODEV |
		    MS_NOEXEC, "size=32m,nr_inodes=2048,mode=1777") == -1)
			err(1, "mount %s", dirs[i]);
		if ((sl->root[i] = open(dirs[i], O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) == -1)
			err(1, "%s", dirs[i]);
	}
	if ((sl->ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC)) == -1)
		err(1, "/proc/self/ns/mnt");
	if (setns(home, CLONE_NEWNS) == -1)
		err(1, "setns home");
	sl->ipc = sl->mq = -1;
}

/* Slots NSLOT to 2 * NSLOT: with an IPC namespace each, as jail.c's. */
static void
slots_ipc_make(void)
{
	size_t	i;

	slots.ipc_kinds = FILTER_IPC_SHM | FILTER_IPC_SEM | FILTER_IPC_MSG |
	    FILTER_IPC_MQ;
	if ((slots.ipc_home = open("/proc/self/ns/ipc", O_RDONLY |
	    O_CLOEXEC)) == -1)
		err(1, "/proc/self/ns/ipc");
	for (i = NSLOT; i < 2 * NSLOT; i++)
		if (jail_slot_ipc_make(&slots, &slots.slot[i]) == -1)
			errx(1, "slot %zu: no IPC namespace", i);
}

static void
slots_make(size_t n)
{
	size_t	i;
	int	home;

	if ((home = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC)) == -1)
		err(1, "/proc/self/ns/mnt");
	if ((slots.slot = reallocarray(slots.slot, slots.nslot + n,
	    sizeof(*slots.slot))) == NULL)
		err(1, NULL);
	for (i = 0; i < n; i++)
		slot_make(&slots.slot[slots.nslot++], home);
	close(home);
}

static double
one(struct child *c, struct cgroup_pool *pool, enum way w)
{
	static unsigned		 next;
	size_t			 si = next++ % NSLOT;
	static char		 stack[64 * 1024] __attribute__((aligned(16)));
	struct cgroup_leaf	*leaf = NULL;
	int			 procs[CGROUP_NHIER], status;
	double			 t0 = now_us();
	pid_t			 pid;

	c->nprocs = 0;
	c->tmpfs = w == W_NS_TMPFS;
	if (w == W_IPC_SLOT)
		si += NSLOT;
	c->slot_ns = w == W_SLOT || w == W_IPC_SLOT ? slots.slot[si].ns : -1;
	c->slot_ipc = w == W_IPC_SLOT ? slots.slot[si].ipc : -1;
	if (w != W_PID && w != W_IPC) {
		if ((leaf = cgroup_pool_take(pool, &limits)) == NULL)
			err(1, "pool_take");
		c->nprocs = cgroup_leaf_procs(leaf, 0, procs);
		c->procs = procs;
	}
	pid = clone(child_main, stack + sizeof(stack), CLONE_VM |
	    CLONE_VFORK | way_flags[w] | SIGCHLD, c);
	if (pid == -1)
		err(1, "clone");
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		errx(1, "%s: child status %#x", way_name[w], status);
	/* as the spawner: the slot checked before the leaf goes back */
	if ((w == W_SLOT || w == W_IPC_SLOT) &&
	    jail_slot_reset(&slots, si) == -1)
		errx(1, "slot %zu could not be reset", si);
	if (leaf != NULL && cgroup_pool_give(pool, leaf) == -1)
		err(1, "pool_give");
	return now_us() - t0;
}

/* Leave files files (of one byte) in slot 0's /tmp, then empty it. */
static double
dirty_reset(int files, int dirs)
{
	char	name[32];
	double	t0;
	int	i, d, fd, dfd = slots.slot[0].root[0];

	for (d = 0; d < (dirs > 0 ? dirs : 1); d++) {
		if (dirs > 0) {
			snprintf(name, sizeof(name), "d%d", d);
			if (mkdirat(slots.slot[0].root[0], name, 0700) == -1 ||
			    (dfd = openat(slots.slot[0].root[0], name,
			    O_RDONLY | O_DIRECTORY)) == -1)
				err(1, "mkdir %s", name);
		}
		for (i = 0; i < files; i++) {
			snprintf(name, sizeof(name), "f%d", i);
			if ((fd = openat(dfd, name, O_WRONLY | O_CREAT, 0600)) ==
			    -1 || write(fd, "x", 1) != 1)
				err(1, "create %s", name);
			close(fd);
		}
		if (dirs > 0)
			close(dfd);
	}
	t0 = now_us();
	if (jail_slot_reset(&slots, 0) == -1)
		errx(1, "the dirty slot could not be emptied");
	return now_us() - t0;
}

/* CPU time the machine spent so far, all CPUs, in us (/proc/stat) */
static double
cpu_busy_us(void)
{
	unsigned long long	v[8];
	FILE			*fp;
	int			 n;

	if ((fp = fopen("/proc/stat", "r")) == NULL)
		err(1, "/proc/stat");
	n = fscanf(fp, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
	    &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(fp);
	if (n != 8)
		errx(1, "/proc/stat: cannot read the cpu line");
	/* all but idle and iowait */
	return (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) * 1e6 /
	    sysconf(_SC_CLK_TCK);
}

/* kB of a /proc/meminfo line */
static long
meminfo(const char *key)
{
	char	line[256];
	size_t	l = strlen(key);
	long	v = -1;
	FILE	*fp;

	if ((fp = fopen("/proc/meminfo", "r")) == NULL)
		err(1, "/proc/meminfo");
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, key, l) == 0 && line[l] == ':')
			v = strtol(line + l + 1, NULL, 10);
	fclose(fp);
	return v;
}

static int
mounts(void)
{
	char	line[4096];
	int	n = 0;
	FILE	*fp;

	if ((fp = fopen("/proc/self/mountinfo", "r")) == NULL)
		err(1, "mountinfo");
	while (fgets(line, sizeof(line), fp) != NULL)
		n++;
	fclose(fp);
	return n;
}

/* A request's use of slot NSLOT's IPC namespace: one object, removed. */
static void
ipc_use(void)
{
	int	id;

	if (setns(slots.slot[NSLOT].ipc, CLONE_NEWIPC) == -1 ||
	    (id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600)) == -1 ||
	    shmctl(id, IPC_RMID, NULL) == -1 ||
	    setns(slots.ipc_home, CLONE_NEWIPC) == -1)
		err(1, "using slot %d's IPC namespace", NSLOT);
}

static void
ipc_costs(int n, int runs, double *t, double *med)
{
	double	t0;
	int	i, r;

	for (r = 0; r < runs; r++) {
		for (i = 0; i < n; i++) {
			t0 = now_us();
			if (setns(slots.slot[NSLOT].ipc, CLONE_NEWIPC) == -1 ||
			    setns(slots.ipc_home, CLONE_NEWIPC) == -1)
				err(1, "setns");
			t[i] = (now_us() - t0) / 2;
		}
		med[r] = median(t, n);
	}
	printf("setns() into a slot's IPC namespace: %.1f us\n",
	    median(med, runs));
	for (r = 0; r < runs; r++) {
		for (i = 0; i < n; i++) {
			t0 = now_us();
			if (jail_slot_reset(&slots, NSLOT) == -1)
				errx(1, "slot %d: reset", NSLOT);
			t[i] = now_us() - t0;
		}
		med[r] = median(t, n);
	}
	printf("the after-reap check of an untouched slot (jail_slot_reset, "
	    "/tmp and IPC): %.1f us\n", median(med, runs));
	for (r = 0; r < runs; r++) {
		for (i = 0; i < n; i++) {
			ipc_use();
			t0 = now_us();
			if (jail_slot_reset(&slots, NSLOT) == -1)
				errx(1, "slot %d: reset", NSLOT);
			t[i] = now_us() - t0;
		}
		med[r] = median(t, n);
	}
	printf("... of a slot whose IPC namespace was used, replaced: "
	    "%.1f us\n", median(med, runs));
}

static void
emptying(int n, int runs)
{
	static const struct { int files, dirs; const char *what; } cases[] = {
		{ 0, 0, "clean (the check alone)" },
		{ 1, 0, "1 file" },
		{ 100, 0, "100 files" },
		{ 10, 10, "10 directories of 10 files" },
	};
	double	*t, *med, t0;
	long	slab, pcpu;
	size_t	k;
	int	i, r, home;

	if ((t = calloc(n, sizeof(double))) == NULL ||
	    (med = calloc(runs, sizeof(double))) == NULL)
		err(1, NULL);
	/* the child's own step, alone: into a slot (and back) */
	if ((home = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC)) == -1)
		err(1, "/proc/self/ns/mnt");
	for (r = 0; r < runs; r++) {
		for (i = 0; i < n; i++) {
			t0 = now_us();
			if (setns(slots.slot[0].ns, CLONE_NEWNS) == -1 ||
			    setns(home, CLONE_NEWNS) == -1)
				err(1, "setns");
			t[i] = (now_us() - t0) / 2;
		}
		med[r] = median(t, n);
	}
	close(home);
	printf("setns() into a slot: %.1f us\n", median(med, runs));
	ipc_costs(n, runs, t, med);
	printf("emptying slot 0 after the request (jail_slot_reset):\n");
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		for (r = 0; r < runs; r++) {
			for (i = 0; i < n; i++)
				t[i] = dirty_reset(cases[k].files,
				    cases[k].dirs);
			med[r] = median(t, n);
		}
		printf("  %-28s %8.1f us\n", cases[k].what, median(med, runs));
	}
	/* what 512 more slots cost the kernel, settled first: enough
	 * for the figure to stand out of what the rest of the machine
	 * allocates meanwhile; the namespace copied is ours, with mounts
	 * added up to as many as a worker's jail has (68 measured) */
	if (mount("tmpfs", "/mnt", "tmpfs", 0, "size=64k") == -1)
		err(1, "mount /mnt");
	for (i = 0; mounts() < JAIL_MOUNTS; i++) {
		char	dir[32];

		snprintf(dir, sizeof(dir), "/mnt/%d", i);
		if (mkdir(dir, 0755) == -1 ||
		    mount(dir, dir, NULL, MS_BIND, NULL) == -1)
			err(1, "bind %s", dir);
	}
	sleep(1);
	slab = meminfo("Slab");
	pcpu = meminfo("Percpu");
	slots_make(512);
	sleep(1);
	printf("a slot (a copy of a namespace of %d mounts, two tmpfs): "
	    "Slab +%.1f KiB, Percpu +%.1f KiB (512 made)\n", mounts(),
	    (meminfo("Slab") - slab) / 512.0,
	    (meminfo("Percpu") - pcpu) / 512.0);
	/* and its IPC namespace, with the mqueue root the spawner holds */
	sleep(1);
	slab = meminfo("Slab");
	pcpu = meminfo("Percpu");
	for (i = slots.nslot - 512; i < (int)slots.nslot; i++)
		if (jail_slot_ipc_make(&slots, &slots.slot[i]) == -1)
			errx(1, "slot %d: no IPC namespace", i);
	sleep(1);
	printf("a slot's IPC namespace: Slab +%.1f KiB, Percpu +%.1f KiB "
	    "(512 made)\n", (meminfo("Slab") - slab) / 512.0,
	    (meminfo("Percpu") - pcpu) / 512.0);
	free(t);
	free(med);
}

int
main(int argc, char *argv[])
{
	struct cgroup_host	 host;
	struct cgroup_tree	*tree;
	struct cgroup_pool	*pool;
	struct child		 c;
	char			 e[512];
	double			*t[W_N], *med[W_N], *cpu[W_N], c0;
	int			 n = 200, runs = 5, blocks = 0, empty = 0;
	int			 fdll = 0, ch, i, r, w;

	while ((ch = getopt(argc, argv, "beln:r:")) != -1)
		switch (ch) {
		case 'b':
			blocks = 1;
			break;
		case 'e':
			empty = 1;
			break;
		case 'l':
			fdll = 1;
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		default:
			goto usage;
		}
	if (argc - optind != 1 || n < 1 || runs < 1) {
usage:
		fprintf(stderr, "usage: ns_cost [-bel] [-n N] [-r RUNS] "
		    "program\n");
		return 2;
	}
	memset(&c, 0, sizeof(c));
	c.prog = argv[optind];
	if ((c.devnull = open("/dev/null", O_WRONLY)) == -1)
		err(1, "/dev/null");
	/* the children's mounts stay in namespaces of our own */
	if (unshare(CLONE_NEWNS) == -1 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		err(1, "private mount namespace");
	if (fdll) {
		descriptors(c.prog, n, runs);
		return 0;
	}
	slots_make(2 * NSLOT);
	slots_ipc_make();
	if (cgroup_detect(&host, e, sizeof(e)) == -1 ||
	    (tree = cgroup_tree_open(&host, "safecgi-ns-cost", e,
	    sizeof(e))) == NULL ||
	    (pool = cgroup_pool_new(tree, "l", 1, e, sizeof(e))) == NULL)
		errx(1, "%s", e);
	for (w = 0; w < W_N; w++)
		if ((t[w] = calloc(n, sizeof(double))) == NULL ||
		    (med[w] = calloc(runs, sizeof(double))) == NULL ||
		    (cpu[w] = calloc(runs, sizeof(double))) == NULL)
			err(1, NULL);
	for (r = 0; r < runs; r++) {
		if (blocks)
			for (w = 0; w < W_N; w++) {
				c0 = cpu_busy_us();
				for (i = 0; i < n; i++)
					t[w][i] = one(&c, pool, w);
				cpu[w][r] = (cpu_busy_us() - c0) / n;
			}
		else
			for (i = 0; i < n; i++)
				for (w = 0; w < W_N; w++)
					t[w][i] = one(&c, pool, w);
		for (w = 0; w < W_N; w++)
			med[w][r] = median(t[w], n);
	}
	printf("%s: %d requests x %d runs%s, cgroup v%d\n", c.prog, n, runs,
	    blocks ? " in blocks" : ", interleaved", host.version);
	for (w = 0; w < W_N; w++) {
		double	m = median(med[w], runs), base = median(med[0], runs);

		printf("  %-24s %8.1f us  %5.2fx  (+%.1f us)", way_name[w], m,
		    m / base, m - base);
		if (blocks)
			printf("  CPU %6.1f us", median(cpu[w], runs));
		printf("\n");
	}
	if (empty)
		emptying(n, runs);
	cgroup_pool_free(pool);
	cgroup_tree_close(tree);
	return 0;
}
