/*
 * cgroup_cost: what joining a per-request cgroup costs.
 *
 * Times spawn + wait of a tiny program, serially, in several ways:
 *
 *   vfork           clone(CLONE_VM|CLONE_VFORK) + execve: the spawner today
 *   vfork+leaf      the child joins a prepared leaf on the v1 hierarchies
 *                   and cgroup2 (cgroup_leaf_enter: one write of "0" per
 *                   hierarchy), then the leaf is checked empty and reset
 *                   for reuse (cgroup_pool_give)
 *   vfork+leaf v1   the same with the v1 hierarchies alone: the default,
 *                   joined through each hierarchy's "tasks" file
 *   vfork+procs v1  the same through cgroup.procs, as before: takes
 *                   cgroup_threadgroup_rwsem for writing, which every
 *                   fork and exit on the host takes for reading
 *   clone3          fork-like clone3(CLONE_VFORK) + execve
 *   clone3+into     clone3(CLONE_VFORK|CLONE_INTO_CGROUP) into the v2 leaf,
 *                   the v1 ones joined by writes, then reset
 *   clone3+into v2  the same into a cgroup2 leaf alone: what a v2 host
 *                   pays to join (no controller is enabled here)
 *   vfork+mkdir     no pool: mkdir, limits, join, rmdir per request
 *
 * The ways take turns, request by request; each run gives each way the
 * median of its N requests, and the figure is the median over the runs,
 * with beside it the part spent after the child was reaped (checking the
 * leaf empty, resetting it).  -f N keeps N processes forking and reaping
 * children meanwhile, as a busy host does (a web server's other CGI
 * requests): what a join costs under contention.  Run as root:
 *
 *   bench/cgroup_cost [-n N] [-r RUNS] [-f FORKERS] program
 */
#include <sys/syscall.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "timing.h"

enum way {
	W_VFORK, W_VFORK_LEAF, W_VFORK_LEAF_V1, W_VFORK_PROCS_V1, W_CLONE3,
	W_CLONE3_INTO, W_CLONE3_INTO_V2, W_MKDIR, W_N
};

static const char *const way_name[W_N] = {
	"vfork", "vfork+leaf", "vfork+leaf v1", "vfork+procs v1", "clone3",
	"clone3+into", "clone3+into v2", "vfork+mkdir"
};

struct child {
	const char		*prog;
	const struct cgroup_leaf *leaf;
	const int		*procs;		/* or these fds */
	int			 nprocs;
	int			 skip_unified;
	int			 devnull;
};

static const struct cgroup_limits limits = {
	.memory = 64 << 20, .pids = 32, .cpu_quota_us = 100000,
	.cpu_period_us = 100000
};

static char	*const argv0[] = { "hello", NULL };
static char	*const envp0[] = { "PATH=/usr/bin:/bin", NULL };

static int
child_main(void *arg)
{
	struct child	*c = arg;

	if (c->leaf != NULL && cgroup_leaf_enter(c->leaf, c->skip_unified) ==
	    -1)
		_exit(126);
	if (c->procs != NULL && cgroup_join(c->procs, c->nprocs) == -1)
		_exit(125);
	dup2(c->devnull, 1);
	execve(c->prog, argv0, envp0);
	_exit(127);
}

static void
reap(pid_t pid)
{
	int	status;

	if (pid == -1)
		err(1, "spawn");
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			err(1, "waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		errx(1, "child status %#x", status);
}

static pid_t
spawn_vfork(struct child *c)
{
	static char	stack[64 * 1024] __attribute__((aligned(16)));

	return clone(child_main, stack + sizeof(stack),
	    CLONE_VM | CLONE_VFORK | SIGCHLD, c);
}

static pid_t
spawn_clone3(struct child *c, int cgfd)
{
	struct clone_args	ca;
	pid_t			pid;

	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_VFORK;
	ca.exit_signal = SIGCHLD;
	if (cgfd != -1) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)cgfd;
	}
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		child_main(c);
	return pid;
}

struct bench {
	struct child		 c;
	struct cgroup_tree	*tree;
	struct cgroup_pool	*pool, *pool_v1;
	struct cgroup_leaf	*leaf_v2;
	int			 procs_v1[CGROUP_NHIER];	/* pool_v1's r0 */
	int			 nprocs_v1;
};

/* One request the given way; its time, and the part after the reap. */
static double
one(struct bench *b, enum way w, double *after)
{
	struct cgroup_pool	*p = w == W_VFORK_LEAF_V1 ||
				    w == W_VFORK_PROCS_V1 ? b->pool_v1 :
				    b->pool;
	struct cgroup_leaf	*leaf = NULL;
	char			 e[512];
	double			 t0 = now_us(), t1;

	b->c.leaf = NULL;
	b->c.procs = NULL;
	b->c.skip_unified = 0;
	switch (w) {
	case W_VFORK:
	case W_CLONE3:
		reap(w == W_VFORK ? spawn_vfork(&b->c) :
		    spawn_clone3(&b->c, -1));
		*after = 0;
		return now_us() - t0;
	case W_VFORK_LEAF:
	case W_VFORK_LEAF_V1:
	case W_VFORK_PROCS_V1:
	case W_CLONE3_INTO:
		if ((leaf = cgroup_pool_take(p, &limits)) == NULL)
			err(1, "pool_take");
		b->c.leaf = leaf;
		if (w == W_VFORK_PROCS_V1) {
			/* the pool's one leaf, r0, by its cgroup.procs */
			b->c.leaf = NULL;
			b->c.procs = b->procs_v1;
			b->c.nprocs = b->nprocs_v1;
		}
		if (w == W_CLONE3_INTO) {
			b->c.skip_unified = 1;
			reap(spawn_clone3(&b->c, cgroup_leaf_clonefd(leaf)));
		} else
			reap(spawn_vfork(&b->c));
		t1 = now_us();
		if (cgroup_pool_give(p, leaf) == -1)
			err(1, "pool_give");
		break;
	case W_CLONE3_INTO_V2:
		reap(spawn_clone3(&b->c, cgroup_leaf_clonefd(b->leaf_v2)));
		t1 = now_us();
		if (cgroup_leaf_kill(b->leaf_v2, 2000) != 0)
			err(1, "leaf_kill");
		break;
	case W_MKDIR:
	default:
		if ((leaf = cgroup_leaf_new(b->tree, "m", e, sizeof(e))) ==
		    NULL)
			errx(1, "%s", e);
		if (cgroup_leaf_limit(leaf, &limits) == -1)
			err(1, "leaf_limit");
		b->c.leaf = leaf;
		reap(spawn_vfork(&b->c));
		t1 = now_us();
		if (cgroup_leaf_free(leaf) == -1)
			err(1, "leaf_free");
		break;
	}
	*after = now_us() - t1;
	return now_us() - t0;
}

int
main(int argc, char *argv[])
{
	struct cgroup_host	 host, host_v1, host_v2;
	struct cgroup_tree	*tree_v1, *tree_v2;
	struct bench		 b;
	char			 e[512], name[64];
	double			*tot[W_N], *aft[W_N], *smp, *sma;
	pid_t			 forker[64];
	int			 n = 200, runs = 5, forkers = 0, ch, r, i, w;

	while ((ch = getopt(argc, argv, "f:n:r:")) != -1) {
		switch (ch) {
		case 'f':
			forkers = atoi(optarg);
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: cgroup_cost [-n N] [-r RUNS] "
			    "[-f FORKERS] program\n");
			return 2;
		}
	}
	if (optind != argc - 1 || n < 1 || runs < 1 || forkers < 0 ||
	    forkers > 64)
		errx(2, "usage: cgroup_cost [-n N] [-r RUNS] [-f FORKERS] "
		    "program");
	memset(&b, 0, sizeof(b));
	b.c.prog = argv[optind];
	if ((b.c.devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
		err(1, "/dev/null");

	if (cgroup_detect(&host, e, sizeof(e)) == -1)
		errx(1, "%s", e);
	if (host.version != 1 || host.unified[0] == '\0')
		errx(1, "written for a hybrid host with a writable cgroup2");
	host_v1 = host;
	memcpy(host.dir[CGROUP_UNIFIED], host.unified, sizeof(host.unified));
	memset(&host_v2, 0, sizeof(host_v2));
	host_v2.version = 1;
	memcpy(host_v2.dir[CGROUP_UNIFIED], host.unified,
	    sizeof(host_v2.dir[CGROUP_UNIFIED]));
	snprintf(name, sizeof(name), "cgroup-cost-%d", (int)getpid());
	if ((b.tree = cgroup_tree_open(&host, name, e, sizeof(e))) == NULL ||
	    (b.pool = cgroup_pool_new(b.tree, "r", 1, e, sizeof(e))) == NULL)
		errx(1, "%s", e);
	snprintf(name, sizeof(name), "cgroup-cost-v1-%d", (int)getpid());
	if ((tree_v1 = cgroup_tree_open(&host_v1, name, e, sizeof(e))) ==
	    NULL || (b.pool_v1 = cgroup_pool_new(tree_v1, "r", 1, e,
	    sizeof(e))) == NULL)
		errx(1, "%s", e);
	for (i = CGROUP_MEMORY; i <= CGROUP_CPU; i++) {
		char	path[PATH_MAX + 128];

		snprintf(path, sizeof(path), "%s/%s/r0/cgroup.procs",
		    host_v1.dir[i], name);
		if ((b.procs_v1[b.nprocs_v1++] = open(path, O_WRONLY |
		    O_CLOEXEC)) == -1)
			err(1, "%s", path);
	}
	snprintf(name, sizeof(name), "cgroup-cost-v2-%d", (int)getpid());
	if ((tree_v2 = cgroup_tree_open(&host_v2, name, e, sizeof(e))) ==
	    NULL || (b.leaf_v2 = cgroup_leaf_new(tree_v2, "r0", e,
	    sizeof(e))) == NULL)
		errx(1, "%s", e);

	/* a busy host: processes forking and reaping all the time */
	for (i = 0; i < forkers; i++) {
		if ((forker[i] = fork()) == -1)
			err(1, "fork");
		if (forker[i] == 0) {
			for (;;) {
				pid_t	p = fork();

				if (p == 0)
					_exit(0);
				if (p > 0)
					waitpid(p, NULL, 0);
			}
		}
	}

	/*
	 * The ways take turns request by request, so that a neighbour's
	 * load falls on all of them alike; each run gives each way the
	 * median of its n requests.
	 */
	if ((smp = calloc(W_N * (size_t)n, sizeof(double))) == NULL ||
	    (sma = calloc(W_N * (size_t)n, sizeof(double))) == NULL)
		err(1, NULL);
	for (w = 0; w < W_N; w++)
		if ((tot[w] = calloc(runs, sizeof(double))) == NULL ||
		    (aft[w] = calloc(runs, sizeof(double))) == NULL)
			err(1, NULL);
	for (r = 0; r < runs; r++) {
		for (i = 0; i < n; i++)
			for (w = 0; w < W_N; w++)
				smp[w * n + i] = one(&b, w, &sma[w * n + i]);
		for (w = 0; w < W_N; w++) {
			tot[w][r] = median(smp + w * n, n);
			aft[w][r] = median(sma + w * n, n);
		}
	}

	for (i = 0; i < forkers; i++) {
		kill(forker[i], SIGKILL);
		waitpid(forker[i], NULL, 0);
	}
	for (i = 0; i < b.nprocs_v1; i++)
		close(b.procs_v1[i]);
	cgroup_pool_free(b.pool);
	cgroup_pool_free(b.pool_v1);
	cgroup_leaf_free(b.leaf_v2);
	if (cgroup_tree_close(b.tree) == -1 || cgroup_tree_close(tree_v1) ==
	    -1 || cgroup_tree_close(tree_v2) == -1)
		warnx("a cgroup was left behind");

	printf("# %s: %d runs of %d requests per way, taking turns, "
	    "%d forkers beside;\n"
	    "# median over the runs of each run's median, in us\n"
	    "# way            total  after-reap  vs vfork  (runs: min, max)\n",
	    b.c.prog, runs, n, forkers);
	for (w = 0; w < W_N; w++) {
		double	lo, hi, t, a;

		lo = hi = tot[w][0];
		for (r = 1; r < runs; r++) {
			lo = tot[w][r] < lo ? tot[w][r] : lo;
			hi = tot[w][r] > hi ? tot[w][r] : hi;
		}
		t = median(tot[w], runs);
		a = median(aft[w], runs);
		printf("%-15s %6.1f  %10.1f  %8.2f  (%.1f, %.1f)\n",
		    way_name[w], t, a, t / median(tot[W_VFORK], runs), lo, hi);
	}
	return 0;
}
