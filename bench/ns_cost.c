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
 *
 * The ways take turns, request by request (-b: each way's N requests in
 * a row, so that what one way leaves to the kernel to tear down after
 * the reap, a namespace or a mount, is paid by itself); each run gives
 * each way the median of its N requests, and the figure is the median
 * over the runs.
 * Run as root (the child mounts in a mount namespace of the benchmark's
 * own, made private first, so nothing reaches the host):
 *
 *   bench/ns_cost [-b] [-n N] [-r RUNS] program
 */
#include <sys/mount.h>
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

#include "cgroup.h"

enum way {
	W_PID, W_PID_LEAF, W_IPC, W_IPC_LEAF, W_NS, W_NS_TMPFS, W_N
};

static const char *const way_name[W_N] = {
	"pid", "pid+leaf", "pid+ipc", "pid+ipc+leaf", "pid+ipc+leaf+ns",
	"pid+ipc+leaf+ns+tmpfs"
};

static const int way_flags[W_N] = {
	CLONE_NEWPID, CLONE_NEWPID, CLONE_NEWPID | CLONE_NEWIPC,
	CLONE_NEWPID | CLONE_NEWIPC, CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS,
	CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNS
};

static const struct cgroup_limits limits = {
	.memory = 64 << 20, .pids = 32, .cpu_quota_us = 100000,
	.cpu_period_us = 100000
};

struct child {
	const char	*prog;
	const int	*procs;
	int		 nprocs;
	int		 tmpfs;
	int		 devnull;
};

static char	*const argv0[] = { "hello", NULL };
static char	*const envp0[] = { "PATH=/usr/bin:/bin", NULL };

static int
child_main(void *arg)
{
	struct child	*c = arg;

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

static double
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double
one(struct child *c, struct cgroup_pool *pool, enum way w)
{
	static char		 stack[64 * 1024] __attribute__((aligned(16)));
	struct cgroup_leaf	*leaf = NULL;
	int			 procs[CGROUP_NHIER], status;
	double			 t0 = now_us();
	pid_t			 pid;

	c->nprocs = 0;
	c->tmpfs = w == W_NS_TMPFS;
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
	if (leaf != NULL && cgroup_pool_give(pool, leaf) == -1)
		err(1, "pool_give");
	return now_us() - t0;
}

int
main(int argc, char *argv[])
{
	struct cgroup_host	 host;
	struct cgroup_tree	*tree;
	struct cgroup_pool	*pool;
	struct child		 c;
	char			 e[512];
	double			*t[W_N], *med[W_N];
	int			 n = 200, runs = 5, blocks = 0, ch, i, r, w;

	while ((ch = getopt(argc, argv, "bn:r:")) != -1)
		switch (ch) {
		case 'b':
			blocks = 1;
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
		fprintf(stderr, "usage: ns_cost [-b] [-n N] [-r RUNS] "
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
	if (cgroup_detect(&host, e, sizeof(e)) == -1 ||
	    (tree = cgroup_tree_open(&host, "safecgi-ns-cost", e,
	    sizeof(e))) == NULL ||
	    (pool = cgroup_pool_new(tree, "l", 1, e, sizeof(e))) == NULL)
		errx(1, "%s", e);
	for (w = 0; w < W_N; w++)
		if ((t[w] = calloc(n, sizeof(double))) == NULL ||
		    (med[w] = calloc(runs, sizeof(double))) == NULL)
			err(1, NULL);
	for (r = 0; r < runs; r++) {
		if (blocks)
			for (w = 0; w < W_N; w++)
				for (i = 0; i < n; i++)
					t[w][i] = one(&c, pool, w);
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

		printf("  %-24s %8.1f us  %5.2fx  (+%.1f us)\n", way_name[w], m,
		    m / base, m - base);
	}
	cgroup_pool_free(pool);
	cgroup_tree_close(tree);
	return 0;
}
