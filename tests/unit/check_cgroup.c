/*
 * Tests for cgroup.c.  The parsers are pure; the rest runs as root on the
 * real cgroup filesystem, each test in a tree of its own that it removes.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "fdpass.h"

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC	0x27e0eb
#endif

static struct cgroup_host	host;
static char			tname[64];
static char			err[512];

/* ---------------------------------------------------------------- pure */

START_TEST(test_parse_self_finds_the_v2_path)
{
	const char	*text = "0::/system.slice/safecgi.service\n";
	char		 path[256];

	ck_assert_int_eq(cgroup_parse_self(text, "", path, sizeof(path)), 0);
	ck_assert_str_eq(path, "/system.slice/safecgi.service");
}
END_TEST

START_TEST(test_parse_self_finds_a_comounted_v1_controller)
{
	const char	*text = "5:memory:/m\n3:cpu,cpuacct:/c/d\n0::/\n";
	char		 path[256];

	ck_assert_int_eq(cgroup_parse_self(text, "cpuacct", path,
	    sizeof(path)), 0);
	ck_assert_str_eq(path, "/c/d");
	ck_assert_int_eq(cgroup_parse_self(text, "pids", path,
	    sizeof(path)), -1);
}
END_TEST

START_TEST(test_parse_mount_finds_v1_by_super_options)
{
	const char *mi =
	    "30 25 0:26 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
	    "31 25 0:27 / /sys/fs/cgroup/cpu\\040x rw shared:9 - cgroup "
	    "cgroup rw,cpu,cpuacct\n";
	char	mnt[256], root[256];

	ck_assert_int_eq(cgroup_parse_mount(mi, "cpuacct", mnt, sizeof(mnt),
	    root, sizeof(root)), 0);
	ck_assert_str_eq(mnt, "/sys/fs/cgroup/cpu x");
	ck_assert_str_eq(root, "/");
	ck_assert_int_eq(cgroup_parse_mount(mi, NULL, mnt, sizeof(mnt),
	    root, sizeof(root)), 0);
	ck_assert_str_eq(mnt, "/sys/fs/cgroup/unified");
	ck_assert_int_eq(cgroup_parse_mount(mi, "memory", mnt, sizeof(mnt),
	    root, sizeof(root)), -1);
}
END_TEST

/* A directory standing in for a cgroup2 mount, with cgroup.controllers. */
static void
fake_v2(char *mnt, size_t size, const char *controllers, char *mi,
    size_t misize)
{
	char	path[PATH_MAX];
	FILE	*f;

	snprintf(mnt, size, "/tmp/check-cgroup-v2-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(mnt));
	snprintf(path, sizeof(path), "%s/system.slice", mnt);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/system.slice/safecgi.service", mnt);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path),
	    "%s/system.slice/safecgi.service/cgroup.controllers", mnt);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fprintf(f, "%s\n", controllers);
	fclose(f);
	snprintf(mi, misize, "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
	    "30 25 0:26 / %s rw,nosuid - cgroup2 cgroup2 rw\n", mnt);
}

static void
unfake_v2(const char *mnt)
{
	char	cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", mnt);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_detect_chooses_v2_when_memory_pids_cpu_are_delegated)
{
	struct cgroup_host	h;
	char			mnt[PATH_MAX], mi[PATH_MAX + 256];
	char			want[PATH_MAX + 64], e[512];

	fake_v2(mnt, sizeof(mnt), "cpuset cpu io memory pids", mi, sizeof(mi));
	ck_assert_msg(cgroup_detect_text(&h,
	    "0::/system.slice/safecgi.service\n", mi, e, sizeof(e)) == 0,
	    "%s", e);
	unfake_v2(mnt);
	ck_assert_int_eq(h.version, 2);
	snprintf(want, sizeof(want), "%s/system.slice/safecgi.service", mnt);
	ck_assert_str_eq(h.dir[CGROUP_UNIFIED], want);
	ck_assert_str_eq(h.dir[CGROUP_MEMORY], "");
}
END_TEST

START_TEST(test_detect_names_the_missing_controller_and_the_file)
{
	struct cgroup_host	h;
	char			mnt[PATH_MAX], mi[PATH_MAX + 256], e[512];

	fake_v2(mnt, sizeof(mnt), "cpu memory", mi, sizeof(mi));
	ck_assert_int_eq(cgroup_detect_text(&h,
	    "0::/system.slice/safecgi.service\n", mi, e, sizeof(e)), -1);
	unfake_v2(mnt);
	ck_assert_msg(strstr(e, "safecgi.service/cgroup.controllers: no pids "
	    "controller") != NULL, "%s", e);
}
END_TEST

START_TEST(test_detect_names_a_missing_v1_hierarchy)
{
	const char *mi =
	    "31 25 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
	    "32 25 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n";
	const char *self = "4:memory:/a\n2:cpu:/\n";
	struct cgroup_host	h;
	char			e[512];

	ck_assert_int_eq(cgroup_detect_text(&h, self, mi, e, sizeof(e)), -1);
	ck_assert_str_eq(e, "/proc/self/mountinfo: no cgroup hierarchy with "
	    "the pids controller");
}
END_TEST

static int	hog(void);

/* ------------------------------------------------------------ helpers */

/* tname is set once, in main: a failed test's tree goes with the next */
static void
setup(void)
{
	ck_assert_msg(cgroup_detect(&host, err, sizeof(err)) == 0,
	    "detect: %s", err);
}

static struct cgroup_tree *
make_tree(void)
{
	struct cgroup_tree	*t;

	t = cgroup_tree_open(&host, tname, err, sizeof(err));
	ck_assert_msg(t != NULL, "tree_open: %s", err);
	return t;
}

static struct cgroup_leaf *
new_leaf(struct cgroup_tree *t, const struct cgroup_limits *lim)
{
	struct cgroup_leaf	*l;

	l = cgroup_leaf_new(t, "r0", err, sizeof(err));
	ck_assert_msg(l != NULL, "leaf_new: %s", err);
	ck_assert_msg(cgroup_leaf_limit(l, lim) == 0, "leaf_limit: %s",
	    strerror(errno));
	return l;
}

/* Wait for pid, at most secs seconds; the status, or -1 on timeout. */
static int
wait_for(pid_t pid, int secs)
{
	int	status, i;

	for (i = 0; i < secs * 100; i++) {
		pid_t	r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* A child that joins the leaf and sleeps, after starting n sleepers. */
static pid_t
sleepers_in(struct cgroup_leaf *l, int n)
{
	int	p[2], i;
	char	c;
	pid_t	pid;

	ck_assert_int_eq(pipe(p), 0);
	if ((pid = fork()) == 0) {
		if (cgroup_leaf_enter(l, 0) == -1)
			_exit(2);
		for (i = 0; i < n; i++)
			if (fork() == 0) {
				pause();
				_exit(0);
			}
		write(p[1], "x", 1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

static int
exists(const char *dir, const char *name)
{
	char		path[3 * PATH_MAX];
	struct stat	st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

/* Our own cgroup in the hierarchy that holds a controller. */
static const char *
hier_dir(int ctl)
{
	return host.version == 2 ? host.dir[CGROUP_UNIFIED] : host.dir[ctl];
}

/* Leaves on cgroup2: always on v2, by choice on a hybrid host. */
static void
use_unified(void)
{
	if (host.version == 2)
		return;
	ck_assert_msg(host.unified[0] != '\0',
	    "no writable cgroup2 on this host");
	memcpy(host.dir[CGROUP_UNIFIED], host.unified, sizeof(host.unified));
}

/* ---------------------------------------------------------- real kernel */

START_TEST(test_detect_reports_the_v1_controllers_of_a_hybrid_host)
{
	struct statfs	sfs;
	static const int need[] = { CGROUP_MEMORY, CGROUP_PIDS, CGROUP_CPU };
	size_t		i;

	/* this host: memory on v1 (checked apart from the code under test) */
	ck_assert_int_eq(statfs("/sys/fs/cgroup/memory", &sfs), 0);
	ck_assert_msg(sfs.f_type == CGROUP_SUPER_MAGIC,
	    "/sys/fs/cgroup/memory is not a v1 hierarchy here");
	ck_assert_int_eq(host.version, 1);
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		ck_assert_msg(host.dir[need[i]][0] != '\0',
		    "no directory for hierarchy %d", need[i]);
		ck_assert_int_eq(statfs(host.dir[need[i]], &sfs), 0);
		ck_assert_msg(sfs.f_type == CGROUP_SUPER_MAGIC,
		    "%s is not on a v1 hierarchy", host.dir[need[i]]);
	}
	/* joining cgroup2 as well costs more than all of v1: not by default */
	ck_assert_str_eq(host.dir[CGROUP_UNIFIED], "");
	ck_assert_msg(strncmp(host.dir[CGROUP_MEMORY],
	    "/sys/fs/cgroup/memory", 21) == 0, "%s", host.dir[CGROUP_MEMORY]);
}
END_TEST

START_TEST(test_memory_budget_oom_kills_and_reports_memory)
{
	struct cgroup_limits	 lim = { .memory = 64 << 20, .pids = 16 };
	struct cgroup_tree	*t = make_tree();
	struct cgroup_leaf	*l = new_leaf(t, &lim);
	pid_t			 pid;
	int			 status;

	if ((pid = fork()) == 0) {
		size_t		 len = 256 << 20, off;
		volatile char	*p;

		if (cgroup_leaf_enter(l, 0) == -1)
			_exit(2);
		if ((p = malloc(len)) == NULL)
			_exit(3);
		for (off = 0; off < len; off += 4096)
			p[off] = 1;
		_exit(0);
	}
	status = wait_for(pid, 10);
	ck_assert_msg(status != -1, "the allocation did not end in 10 s");
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "child was not OOM-killed (status %#x)", status);
	ck_assert_str_eq(cgroup_cause_name(cgroup_leaf_cause(l)), "memory");
	cgroup_leaf_free(l);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

START_TEST(test_pids_budget_stops_a_fork_loop_and_reports_pids)
{
	struct cgroup_limits	 lim = { .memory = 256 << 20, .pids = 8 };
	struct cgroup_tree	*t = make_tree();
	struct cgroup_leaf	*l = new_leaf(t, &lim);
	pid_t			 pid;
	int			 status;

	if ((pid = fork()) == 0) {
		int	n;

		if (cgroup_leaf_enter(l, 0) == -1)
			_exit(200);
		for (n = 0; n < 100; n++) {
			pid_t	c = fork();

			if (c == -1)
				break;
			if (c == 0) {
				pause();
				_exit(0);
			}
		}
		_exit(n);
	}
	status = wait_for(pid, 10);
	ck_assert_msg(status != -1 && WIFEXITED(status), "status %#x",
	    status);
	ck_assert_msg(WEXITSTATUS(status) == 7,
	    "the fork loop made %d children under pids.max 8",
	    WEXITSTATUS(status));
	ck_assert_str_eq(cgroup_cause_name(cgroup_leaf_cause(l)), "pids");
	ck_assert_int_eq(cgroup_leaf_kill(l, 2000), 0);
	cgroup_leaf_free(l);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

START_TEST(test_cpu_quota_bounds_a_busy_loop)
{
	struct cgroup_limits	 lim = { .memory = 64 << 20, .pids = 4,
	    .cpu_quota_us = 10000, .cpu_period_us = 100000 };
	struct cgroup_tree	*t = make_tree();
	struct cgroup_leaf	*l = new_leaf(t, &lim);
	struct rusage		 ru;
	struct timespec		 a, b;
	pid_t			 pid;
	int64_t			 wall_us, cpu_us;
	int			 status;

	clock_gettime(CLOCK_MONOTONIC, &a);
	if ((pid = fork()) == 0) {
		struct timespec	now;

		if (cgroup_leaf_enter(l, 0) == -1)
			_exit(2);
		do
			clock_gettime(CLOCK_MONOTONIC, &now);
		while ((now.tv_sec - a.tv_sec) * 1000000000L +
		    (now.tv_nsec - a.tv_nsec) < 1000000000L);
		_exit(0);
	}
	/* the loop's own CPU time: cpuacct is not spanned everywhere */
	ck_assert_int_eq(wait4(pid, &status, 0, &ru), pid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "busy loop failed (status %#x)", status);
	wall_us = (b.tv_sec - a.tv_sec) * 1000000L +
	    (b.tv_nsec - a.tv_nsec) / 1000;
	cpu_us = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L +
	    ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
	/* 10% of one CPU over the wall time, plus one period of slack */
	ck_assert_msg(cpu_us > 10000 && cpu_us <= wall_us / 10 + 100000,
	    "busy loop used %lld us of CPU in %lld us", (long long)cpu_us,
	    (long long)wall_us);
	cgroup_leaf_free(l);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

static void
kill_empties(int with_unified)
{
	struct cgroup_limits	 lim = { .memory = 64 << 20, .pids = 16 };
	struct cgroup_tree	*t;
	struct cgroup_leaf	*l;
	pid_t			 pid;

	if (with_unified)
		use_unified();
	t = make_tree();
	l = new_leaf(t, &lim);
	pid = sleepers_in(l, 5);
	ck_assert_int_eq(cgroup_leaf_count(l), 6);
	ck_assert_int_eq(cgroup_leaf_kill(l, 2000), 0);
	ck_assert_int_eq(cgroup_leaf_count(l), 0);
	ck_assert_int_ne(wait_for(pid, 2), -1);
	cgroup_leaf_free(l);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}

START_TEST(test_kill_empties_the_leaf_v1_loop)
{
	kill_empties(0);
}
END_TEST

START_TEST(test_kill_empties_the_leaf_v2_cgroup_kill)
{
	kill_empties(1);
}
END_TEST

/* A request killed for another reason (timeout, abort) hit no budget. */
START_TEST(test_a_kill_alone_reports_no_cause)
{
	struct cgroup_limits	 lim = { .memory = 64 << 20, .pids = 16 };
	struct cgroup_tree	*t = make_tree();
	struct cgroup_leaf	*l = new_leaf(t, &lim);
	pid_t			 pid;

	pid = sleepers_in(l, 2);
	ck_assert_int_eq(cgroup_leaf_kill(l, 2000), 0);
	ck_assert_int_ne(wait_for(pid, 2), -1);
	ck_assert_str_eq(cgroup_cause_name(cgroup_leaf_cause(l)), "none");
	cgroup_leaf_free(l);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

START_TEST(test_close_removes_every_directory_made)
{
	struct cgroup_tree	*t = make_tree();
	struct cgroup_pool	*p;
	struct cgroup_limits	 lim = { .memory = 64 << 20, .pids = 16 };
	struct cgroup_leaf	*l;
	pid_t			 pid;
	int			 i;

	p = cgroup_pool_new(t, "r", 3, err, sizeof(err));
	ck_assert_msg(p != NULL, "pool_new: %s", err);
	ck_assert_ptr_nonnull(l = cgroup_pool_take(p, &lim));
	pid = sleepers_in(l, 2);	/* left running on purpose */
	for (i = 0; i < CGROUP_NHIER; i++)	/* a lone cpuacct: unused */
		if (host.dir[i][0] != '\0' && i != CGROUP_CPUACCT)
			ck_assert_msg(exists(host.dir[i], tname),
			    "%s/%s was not made", host.dir[i], tname);
	cgroup_pool_free(p);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
	for (i = 0; i < CGROUP_NHIER; i++)
		if (host.dir[i][0] != '\0')
			ck_assert_msg(!exists(host.dir[i], tname),
			    "%s/%s is left", host.dir[i], tname);
	ck_assert_int_ne(wait_for(pid, 2), -1);
}
END_TEST

/* Where a crashed run may have left cgroups: each hierarchy it used. */
static const char *
stale_dir(int i)
{
	if (i == CGROUP_UNIFIED && host.dir[i][0] == '\0')
		return host.unified;	/* a hybrid run may have used it */
	return host.dir[i];
}

START_TEST(test_stale_subtree_is_removed_at_open)
{
	struct cgroup_tree	*t;
	char			 path[PATH_MAX + 256], buf[32];
	pid_t			 pid;
	int			 fd, status, i;

	/* what a crash leaves: nested cgroups, a process still in one */
	for (i = 0; i < CGROUP_NHIER; i++) {
		if (stale_dir(i)[0] == '\0')
			continue;
		snprintf(path, sizeof(path), "%s/%s", stale_dir(i), tname);
		ck_assert_int_eq(mkdir(path, 0755), 0);
		snprintf(path, sizeof(path), "%s/%s/w0", stale_dir(i), tname);
		ck_assert_int_eq(mkdir(path, 0755), 0);
		snprintf(path, sizeof(path), "%s/%s/w0/r1", stale_dir(i),
		    tname);
		ck_assert_int_eq(mkdir(path, 0755), 0);
	}
	if ((pid = fork()) == 0) {
		pause();
		_exit(0);
	}
	snprintf(path, sizeof(path), "%s/%s/w0/r1/cgroup.procs",
	    hier_dir(CGROUP_PIDS), tname);
	ck_assert_int_ne(fd = open(path, O_WRONLY), -1);
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	ck_assert_int_eq(write(fd, buf, strlen(buf)), (ssize_t)strlen(buf));
	close(fd);

	t = make_tree();
	status = wait_for(pid, 2);
	ck_assert_msg(status != -1 && WIFSIGNALED(status) &&
	    WTERMSIG(status) == SIGKILL, "stale process not killed");
	for (i = 0; i < CGROUP_NHIER; i++) {
		if (stale_dir(i)[0] == '\0')
			continue;
		snprintf(path, sizeof(path), "%s/w0", tname);
		ck_assert_msg(!exists(stale_dir(i), path), "%s/%s is left",
		    stale_dir(i), path);
	}
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

START_TEST(test_reused_leaf_does_not_report_the_previous_cause)
{
	struct cgroup_limits	 lim = { .memory = 64 << 20, .pids = 2 };
	struct cgroup_tree	*t = make_tree();
	struct cgroup_pool	*p;
	struct cgroup_leaf	*l;
	pid_t			 pid;

	p = cgroup_pool_new(t, "r", 1, err, sizeof(err));
	ck_assert_msg(p != NULL, "pool_new: %s", err);
	ck_assert_ptr_nonnull(l = cgroup_pool_take(p, &lim));
	pid = sleepers_in(l, 4);	/* only one of the four fits */
	ck_assert_str_eq(cgroup_cause_name(cgroup_leaf_cause(l)), "pids");
	ck_assert_int_eq(cgroup_pool_give(p, l), 0);
	ck_assert_int_ne(wait_for(pid, 2), -1);
	ck_assert_ptr_nonnull(l = cgroup_pool_take(p, &lim));
	ck_assert_int_eq(cgroup_leaf_count(l), 0);
	ck_assert_str_eq(cgroup_cause_name(cgroup_leaf_cause(l)), "none");
	cgroup_pool_free(p);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

/* Memory usage of the pool's leaf r0, read by path from outside. */
static uint64_t
leaf_usage_bytes(void)
{
	char		path[2 * PATH_MAX], buf[64];
	int		fd;
	ssize_t		n;

	snprintf(path, sizeof(path), "%s/%s/r0/%s", hier_dir(CGROUP_MEMORY),
	    tname, host.version == 2 ? "memory.current" :
	    "memory.usage_in_bytes");
	ck_assert_int_ne(fd = open(path, O_RDONLY), -1);
	ck_assert_int_gt(n = read(fd, buf, sizeof(buf) - 1), 0);
	close(fd);
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

/* tmpfs pages outlive the request; the next one must not pay for them */
START_TEST(test_give_replaces_a_leaf_left_charged_with_tmpfs_pages)
{
	struct cgroup_limits	 lim = { .memory = 64 << 20, .pids = 4 };
	struct cgroup_tree	*t = make_tree();
	struct cgroup_pool	*p;
	struct cgroup_leaf	*l;
	char			 file[96];
	pid_t			 pid;
	int			 status;

	snprintf(file, sizeof(file), "/dev/shm/%s", tname);
	p = cgroup_pool_new(t, "r", 1, err, sizeof(err));
	ck_assert_msg(p != NULL, "pool_new: %s", err);
	ck_assert_ptr_nonnull(l = cgroup_pool_take(p, &lim));
	if ((pid = fork()) == 0) {
		static char	mb[1 << 20];
		int		fd, i;

		memset(mb, 'x', sizeof(mb));
		if (cgroup_leaf_enter(l, 0) == -1 ||
		    (fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600)) ==
		    -1)
			_exit(2);
		for (i = 0; i < 16; i++)
			if (write(fd, mb, sizeof(mb)) != sizeof(mb))
				_exit(3);
		_exit(0);
	}
	status = wait_for(pid, 5);
	ck_assert_msg(status == 0, "writer status %#x", status);
	ck_assert_msg(leaf_usage_bytes() >= 16 << 20, "tmpfs not charged");
	ck_assert_int_eq(cgroup_pool_give(p, l), 0);
	ck_assert_ptr_nonnull(l = cgroup_pool_take(p, &lim));
	status = leaf_usage_bytes() < 4 << 20;
	unlink(file);
	ck_assert_msg(status, "the next request starts with the tmpfs "
	    "pages charged");
	cgroup_pool_free(p);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

static uint64_t
leaf_file_u64(const char *file)
{
	char		path[2 * PATH_MAX], buf[64];
	int		fd;
	ssize_t		n;

	snprintf(path, sizeof(path), "%s/%s/r0/%s", hier_dir(CGROUP_MEMORY),
	    tname, file);
	ck_assert_msg((fd = open(path, O_RDONLY)) != -1, "%s: %s", path,
	    strerror(errno));
	ck_assert_int_gt(n = read(fd, buf, sizeof(buf) - 1), 0);
	close(fd);
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

/* v1 wants memsw >= limit at every step: raising and lowering both work */
START_TEST(test_reused_leaf_takes_a_higher_then_a_lower_memory_budget)
{
	static const uint64_t	 mb[] = { 64, 256, 32 };
	struct cgroup_limits	 lim = { .pids = 16 };
	struct cgroup_tree	*t = make_tree();
	struct cgroup_pool	*p;
	struct cgroup_leaf	*l;
	size_t			 i;

	p = cgroup_pool_new(t, "r", 1, err, sizeof(err));
	ck_assert_msg(p != NULL, "pool_new: %s", err);
	for (i = 0; i < sizeof(mb) / sizeof(mb[0]); i++) {
		lim.memory = mb[i] << 20;
		l = cgroup_pool_take(p, &lim);
		ck_assert_msg(l != NULL, "take with %llu MiB: %s",
		    (unsigned long long)mb[i], strerror(errno));
		ck_assert_uint_eq(leaf_file_u64(host.version == 2 ?
		    "memory.max" : "memory.limit_in_bytes"), mb[i] << 20);
		if (host.version == 2)
			ck_assert_uint_eq(leaf_file_u64("memory.swap.max"), 0);
		else if (host.memsw)
			ck_assert_uint_eq(leaf_file_u64(
			    "memory.memsw.limit_in_bytes"), mb[i] << 20);
		ck_assert_int_eq(cgroup_pool_give(p, l), 0);
	}
	cgroup_pool_free(p);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

/* Join by fds opened ahead, from a mount namespace with /sys masked. */
START_TEST(test_enter_works_with_sys_masked)
{
	struct cgroup_limits	 lim = { .memory = 64 << 20, .pids = 16 };
	struct cgroup_tree	*t = make_tree();
	struct cgroup_leaf	*l = new_leaf(t, &lim);
	pid_t			 pid;
	int			 status, p[2];
	char			 c;

	ck_assert_int_eq(pipe(p), 0);
	if ((pid = fork()) == 0) {
		if (unshare(CLONE_NEWNS) == -1 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
		    mount("tmpfs", "/sys", "tmpfs", 0, NULL) == -1)
			_exit(3);
		if (access("/sys/fs/cgroup", F_OK) == 0)
			_exit(4);
		if (cgroup_leaf_enter(l, 0) == -1)
			_exit(5);
		write(p[1], "x", 1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ck_assert_msg(read(p[0], &c, 1) == 1, "child could not join");
	close(p[0]);
	ck_assert_int_eq(cgroup_leaf_count(l), 1);
	kill(pid, SIGKILL);
	status = wait_for(pid, 2);
	ck_assert_int_ne(status, -1);
	cgroup_leaf_free(l);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

/* What the spawner's child will do: join, then exec the script. */
struct hog_arg {
	const struct cgroup_leaf	*leaf;
};

static char	self_exe[PATH_MAX];

static int
hog_child(void *arg)
{
	struct hog_arg	*h = arg;
	char		*argv[] = { self_exe, "--hog", NULL };

	if (cgroup_leaf_enter(h->leaf, 0) == -1)
		_exit(2);
	execv(self_exe, argv);
	_exit(127);
}

/*
 * The spawner's way exactly: CLONE_VM|CLONE_VFORK in a new PID namespace,
 * join before execve.  What the program allocates after exec is charged
 * to the leaf (the vfork child shared the spawner's memory until then).
 */
START_TEST(test_vfork_child_is_charged_to_the_leaf_after_exec)
{
	static char		 stack[64 * 1024] __attribute__((aligned(16)));
	struct cgroup_limits	 lim = { .memory = 64 << 20, .pids = 16 };
	struct cgroup_tree	*t = make_tree();
	struct cgroup_leaf	*l = new_leaf(t, &lim);
	struct hog_arg		 h = { l };
	pid_t			 pid;
	int			 status;

	pid = clone(hog_child, stack + sizeof(stack), CLONE_VM | CLONE_VFORK |
	    CLONE_NEWPID | SIGCHLD, &h);
	ck_assert_msg(pid != -1, "clone: %s", strerror(errno));
	status = wait_for(pid, 10);
	ck_assert_msg(status != -1 && WIFSIGNALED(status) &&
	    WTERMSIG(status) == SIGKILL, "the hog was not OOM-killed "
	    "(status %#x)", status);
	ck_assert_str_eq(cgroup_cause_name(cgroup_leaf_cause(l)), "memory");
	cgroup_leaf_free(l);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

/*
 * A spawner forked before the leaf was made (or replaced) holds no pool:
 * it joins with the cgroup.procs fds the worker passes with the request.
 */
START_TEST(test_join_with_fds_passed_to_a_process_forked_before)
{
	struct cgroup_limits	 lim = { .memory = 64 << 20, .pids = 16 };
	struct cgroup_tree	*t;
	struct cgroup_leaf	*l;
	int			 sv[2], fds[CGROUP_NHIER], n;
	char			 c = 0;
	pid_t			 pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	if ((pid = fork()) == 0) {
		int	got[FDPASS_MAX], ngot = FDPASS_MAX;

		close(sv[0]);
		if (fd_recv(sv[1], &c, 1, got, &ngot, 0) != 1 ||
		    cgroup_join(got, ngot) == -1)
			_exit(2);
		write(sv[1], "j", 1);
		pause();
		_exit(0);
	}
	close(sv[1]);
	t = make_tree();
	l = new_leaf(t, &lim);
	n = cgroup_leaf_procs(l, 0, fds);
	ck_assert_int_gt(n, 0);
	ck_assert_int_le(n, FDPASS_MAX);
	ck_assert_int_eq(fd_send(sv[0], "r", 1, fds, n, 0), 0);
	ck_assert_int_eq(read(sv[0], &c, 1), 1);
	ck_assert_int_eq(c, 'j');
	ck_assert_int_eq(cgroup_leaf_count(l), 1);
	ck_assert_int_eq(cgroup_leaf_kill(l, 2000), 0);
	ck_assert_int_ne(wait_for(pid, 2), -1);
	close(sv[0]);
	cgroup_leaf_free(l);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

/* The kernel checks the opener's credentials, not the writer's. */
START_TEST(test_enter_works_after_dropping_to_nobody)
{
	struct cgroup_limits	 lim = { .memory = 64 << 20, .pids = 16 };
	struct cgroup_tree	*t = make_tree();
	struct cgroup_leaf	*l = new_leaf(t, &lim);
	pid_t			 pid;
	int			 status;

	if ((pid = fork()) == 0) {
		if (setgroups(0, NULL) == -1 ||
		    setresgid(65534, 65534, 65534) == -1 ||
		    setresuid(65534, 65534, 65534) == -1)
			_exit(3);
		_exit(cgroup_leaf_enter(l, 0) == -1 ? 4 : 0);
	}
	status = wait_for(pid, 5);
	ck_assert_msg(status == 0, "nobody could not join (status %#x)",
	    status);
	cgroup_leaf_free(l);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

/*
 * v1: the child joins through each hierarchy's "tasks", which moves the
 * writing thread alone and so takes no threadgroup lock (writing
 * cgroup.procs takes cgroup_threadgroup_rwsem for writing, which stalls
 * every fork and exit on the host for an RCU grace period).  The child
 * of a spawn is one thread until execve; here a second thread shows
 * that only the writer moved.
 */
static int	side_pipe[2];

static void *
side_thread(void *arg)
{
	pid_t	tid = (pid_t)syscall(SYS_gettid);

	(void)arg;
	if (write(side_pipe[1], &tid, sizeof(tid)) != sizeof(tid))
		_exit(5);
	for (;;)
		pause();
	return NULL;
}

/* Does line "N:memory:PATH" of this cgroup file name the leaf? */
static int
memory_line_is(const char *file, const char *leafpath)
{
	char	buf[4096], *p;
	int	fd;
	ssize_t	n;

	if ((fd = open(file, O_RDONLY)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strstr(buf, ":memory:")) == NULL)
		return -1;
	p += strlen(":memory:");
	p[strcspn(p, "\n")] = '\0';
	return strcmp(p, leafpath) == 0;
}

START_TEST(test_v1_join_moves_the_calling_thread_alone)
{
	struct cgroup_limits	 lim = { .memory = 64 << 20, .pids = 16 };
	struct cgroup_tree	*t = make_tree();
	struct cgroup_leaf	*l = new_leaf(t, &lim);
	char			 leafpath[PATH_MAX + 128], mnt[PATH_MAX];
	char			 self[4096];
	pid_t			 pid;
	int			 status, fd;
	ssize_t			 n;

	/* the leaf's path as /proc/PID/cgroup shows it */
	ck_assert_int_ne(fd = open("/proc/self/cgroup", O_RDONLY), -1);
	ck_assert_int_gt(n = read(fd, self, sizeof(self) - 1), 0);
	close(fd);
	self[n] = '\0';
	ck_assert_int_eq(cgroup_parse_self(self, "memory", mnt,
	    sizeof(mnt)), 0);
	snprintf(leafpath, sizeof(leafpath), "%s/%s/r0",
	    strcmp(mnt, "/") == 0 ? "" : mnt, tname);
	ck_assert_int_eq(pipe(side_pipe), 0);
	if ((pid = fork()) == 0) {
		pthread_t	th;
		pid_t		tid;
		char		file[64];

		if (pthread_create(&th, NULL, side_thread, NULL) != 0 ||
		    read(side_pipe[0], &tid, sizeof(tid)) != sizeof(tid))
			_exit(2);
		if (cgroup_leaf_enter(l, 0) == -1)
			_exit(3);
		if (memory_line_is("/proc/thread-self/cgroup", leafpath) != 1)
			_exit(4);
		snprintf(file, sizeof(file), "/proc/self/task/%d/cgroup",
		    (int)tid);
		_exit(memory_line_is(file, leafpath) == 0 ? 0 : 6);
	}
	status = wait_for(pid, 5);
	ck_assert_msg(status == 0, "exit %d: 3 no join, 4 the writer is not "
	    "in the leaf, 6 the other thread moved too", WIFEXITED(status) ?
	    WEXITSTATUS(status) : -1);
	close(side_pipe[0]);
	close(side_pipe[1]);
	cgroup_leaf_free(l);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

/*
 * All of a worker's requests sit beneath <own>/<name>, which the CPU
 * scheduler weighs against the tasks beside it: it weighs one task per
 * CPU, not one task for all the scripts together.
 */
START_TEST(test_tree_weighs_one_task_per_cpu)
{
	struct cgroup_tree	*t = make_tree();
	char			 file[PATH_MAX + 128], buf[64];
	long			 ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int			 fd;
	ssize_t			 n;

	snprintf(file, sizeof(file), "%s/%s/%s", hier_dir(CGROUP_CPU), tname,
	    host.version == 2 ? "cpu.weight" : "cpu.shares");
	ck_assert_msg((fd = open(file, O_RDONLY)) != -1, "%s: %s", file,
	    strerror(errno));
	ck_assert_int_gt(n = read(fd, buf, sizeof(buf) - 1), 0);
	close(fd);
	buf[n] = '\0';
	ck_assert_int_eq(atol(buf), (ncpu > 64 ? 64 : ncpu) *
	    (host.version == 2 ? 100 : 1024));
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

/*
 * cpuacct mounted apart from cpu only counts CPU time, which no request
 * reads: a leaf does not span it, saving a migration per request.
 */
START_TEST(test_leaf_does_not_span_a_cpuacct_hierarchy_of_its_own)
{
	struct cgroup_limits	 lim = { .memory = 64 << 20, .pids = 16 };
	struct cgroup_tree	*t;
	struct cgroup_leaf	*l;

	if (host.dir[CGROUP_CPUACCT][0] == '\0')
		return;		/* cpu,cpuacct co-mounted: one hierarchy */
	t = make_tree();
	l = new_leaf(t, &lim);
	ck_assert_msg(!exists(host.dir[CGROUP_CPUACCT], tname),
	    "%s/%s made", host.dir[CGROUP_CPUACCT], tname);
	cgroup_leaf_free(l);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

START_TEST(test_clone_into_cgroup_starts_the_child_in_the_v2_leaf)
{
	struct cgroup_limits	 lim = { .memory = 64 << 20, .pids = 16 };
	struct cgroup_tree	*t;
	struct cgroup_leaf	*l;
	struct clone_args	 ca;
	char			 path[PATH_MAX + 128], buf[64];
	pid_t			 pid;
	int			 fd;
	ssize_t			 n;

	use_unified();
	t = make_tree();
	l = new_leaf(t, &lim);
	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_INTO_CGROUP;
	ca.exit_signal = SIGCHLD;
	ca.cgroup = (uint64_t)cgroup_leaf_clonefd(l);
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ck_assert_msg(pid > 0, "clone3: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/%s/r0/cgroup.procs",
	    host.dir[CGROUP_UNIFIED], tname);
	ck_assert_int_ne(fd = open(path, O_RDONLY), -1);
	ck_assert_int_gt(n = read(fd, buf, sizeof(buf) - 1), 0);
	buf[n] = '\0';
	close(fd);
	ck_assert_int_eq(atoi(buf), pid);
	ck_assert_int_eq(cgroup_leaf_kill(l, 2000), 0);
	ck_assert_int_ne(wait_for(pid, 2), -1);
	cgroup_leaf_free(l);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

/* ------------------------------------------------- unified (v2) host */

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC	0x63677270
#endif

static void
get_file(const char *dir, const char *file, char *buf, size_t size)
{
	char	path[2 * PATH_MAX];
	int	fd;
	ssize_t	n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ck_assert_msg((fd = open(path, O_RDONLY)) != -1, "%s: %s", path,
	    strerror(errno));
	ck_assert_int_ge(n = read(fd, buf, size - 1), 0);
	buf[n] = '\0';
	close(fd);
}

START_TEST(test_detect_reports_v2_on_a_unified_host)
{
	struct statfs	sfs;

	ck_assert_int_eq(host.version, 2);
	ck_assert_int_eq(statfs(host.dir[CGROUP_UNIFIED], &sfs), 0);
	ck_assert_msg(sfs.f_type == CGROUP2_SUPER_MAGIC, "%s is not cgroup2",
	    host.dir[CGROUP_UNIFIED]);
	ck_assert_str_eq(host.dir[CGROUP_MEMORY], "");
	ck_assert_str_eq(host.dir[CGROUP_PIDS], "");
	ck_assert_str_eq(host.dir[CGROUP_CPU], "");
}
END_TEST

/*
 * "No internal processes": the daemon moves into <own>/<name>.daemon so
 * that <own> may hand memory, pids and cpu to the subtree; close puts
 * everything back as it was.
 */
START_TEST(test_v2_tree_moves_the_daemon_aside_and_back)
{
	const char		*own = host.dir[CGROUP_UNIFIED];
	struct cgroup_tree	*t;
	char			 buf[256], sub[2 * PATH_MAX], dleaf[96];

	get_file(own, "cgroup.subtree_control", buf, sizeof(buf));
	ck_assert_msg(buf[0] == '\0', "%s hands out controllers already: %s",
	    own, buf);
	snprintf(dleaf, sizeof(dleaf), "%s.daemon", tname);

	t = make_tree();
	get_file(own, "cgroup.subtree_control", buf, sizeof(buf));
	ck_assert_str_eq(buf, "cpu memory pids\n");
	snprintf(sub, sizeof(sub), "%s/%s", own, dleaf);
	get_file(sub, "cgroup.procs", buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "\n") != NULL && atoi(buf) > 0,
	    "nothing in %s", sub);
	get_file(own, "cgroup.procs", buf, sizeof(buf));
	ck_assert_str_eq(buf, "");

	ck_assert_int_eq(cgroup_tree_close(t), 0);
	get_file(own, "cgroup.subtree_control", buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	ck_assert_msg(!exists(own, dleaf), "%s/%s is left", own, dleaf);
	ck_assert_msg(!exists(own, tname), "%s/%s is left", own, tname);
	get_file("/proc/self", "cgroup", buf, sizeof(buf));
	ck_assert_msg(strstr(buf, own + strlen("/sys/fs/cgroup")) != NULL &&
	    strstr(buf, ".daemon") == NULL, "not back in %s: %s", own, buf);
}
END_TEST

/* memory.oom.group: the OOM kill takes every process of the request */
START_TEST(test_oom_kill_takes_the_whole_leaf)
{
	struct cgroup_limits	 lim = { .memory = 64 << 20, .pids = 16 };
	struct cgroup_tree	*t = make_tree();
	struct cgroup_leaf	*l = new_leaf(t, &lim);
	pid_t			 pid;
	int			 i, n = -1;

	if ((pid = fork()) == 0) {
		if (cgroup_leaf_enter(l, 0) == -1)
			_exit(2);
		for (i = 0; i < 3; i++)
			if (fork() == 0) {
				pause();
				_exit(0);
			}
		sleep(1);
		_exit(hog());
	}
	ck_assert_int_ne(wait_for(pid, 10), -1);
	for (i = 0; i < 200 && (n = cgroup_leaf_count(l)) != 0; i++)
		usleep(10000);
	ck_assert_msg(n == 0, "%d processes outlived the OOM kill", n);
	ck_assert_str_eq(cgroup_cause_name(cgroup_leaf_cause(l)), "memory");
	cgroup_leaf_free(l);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

/* The worker learns of a refused fork at once, not at the request's end. */
START_TEST(test_watch_fd_wakes_when_a_fork_is_refused)
{
	struct cgroup_limits	 lim = { .memory = 64 << 20, .pids = 2 };
	struct cgroup_tree	*t = make_tree();
	struct cgroup_leaf	*l = new_leaf(t, &lim);
	struct pollfd		 pfd;
	int			 fds[2];
	pid_t			 pid;

	ck_assert_int_eq(cgroup_leaf_watch(l, fds), 0);
	ck_assert_int_ne(fds[0], -1);
	pfd.fd = fds[0];
	pfd.events = POLLPRI;
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	pid = sleepers_in(l, 3);	/* two of the three are refused */
	ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
	ck_assert(pfd.revents & POLLPRI);
	ck_assert_int_eq(cgroup_leaf_kill(l, 2000), 0);
	ck_assert_int_ne(wait_for(pid, 2), -1);
	close(fds[0]);
	close(fds[1]);
	cgroup_leaf_free(l);
	ck_assert_int_eq(cgroup_tree_close(t), 0);
}
END_TEST

static Suite *
cgroup_suite(int v2)
{
	Suite	*s = suite_create("cgroup");
	TCase	*tc = tcase_create("parse");
	TCase	*tk = tcase_create("kernel");
	TCase	*th = tcase_create(v2 ? "unified" : "hybrid");

	tcase_add_test(tc, test_parse_self_finds_the_v2_path);
	tcase_add_test(tc, test_parse_self_finds_a_comounted_v1_controller);
	tcase_add_test(tc, test_parse_mount_finds_v1_by_super_options);
	tcase_add_test(tc,
	    test_detect_chooses_v2_when_memory_pids_cpu_are_delegated);
	tcase_add_test(tc,
	    test_detect_names_the_missing_controller_and_the_file);
	tcase_add_test(tc, test_detect_names_a_missing_v1_hierarchy);
	suite_add_tcase(s, tc);

	/* on either kind of host */
	tcase_add_checked_fixture(tk, setup, NULL);
	tcase_set_timeout(tk, 30);
	tcase_add_test(tk, test_memory_budget_oom_kills_and_reports_memory);
	tcase_add_test(tk, test_vfork_child_is_charged_to_the_leaf_after_exec);
	tcase_add_test(tk, test_pids_budget_stops_a_fork_loop_and_reports_pids);
	tcase_add_test(tk, test_cpu_quota_bounds_a_busy_loop);
	tcase_add_test(tk, test_kill_empties_the_leaf_v2_cgroup_kill);
	tcase_add_test(tk, test_a_kill_alone_reports_no_cause);
	tcase_add_test(tk, test_close_removes_every_directory_made);
	tcase_add_test(tk, test_stale_subtree_is_removed_at_open);
	tcase_add_test(tk, test_reused_leaf_does_not_report_the_previous_cause);
	tcase_add_test(tk,
	    test_reused_leaf_takes_a_higher_then_a_lower_memory_budget);
	tcase_add_test(tk,
	    test_give_replaces_a_leaf_left_charged_with_tmpfs_pages);
	tcase_add_test(tk, test_enter_works_with_sys_masked);
	tcase_add_test(tk, test_enter_works_after_dropping_to_nobody);
	tcase_add_test(tk,
	    test_join_with_fds_passed_to_a_process_forked_before);
	tcase_add_test(tk,
	    test_clone_into_cgroup_starts_the_child_in_the_v2_leaf);
	tcase_add_test(tk, test_tree_weighs_one_task_per_cpu);
	suite_add_tcase(s, tk);

	/* what only one kind of host has */
	tcase_add_checked_fixture(th, setup, NULL);
	tcase_set_timeout(th, 30);
	if (v2) {
		tcase_add_test(th, test_detect_reports_v2_on_a_unified_host);
		tcase_add_test(th,
		    test_v2_tree_moves_the_daemon_aside_and_back);
		tcase_add_test(th, test_oom_kill_takes_the_whole_leaf);
		tcase_add_test(th, test_watch_fd_wakes_when_a_fork_is_refused);
	} else {
		tcase_add_test(th,
		    test_detect_reports_the_v1_controllers_of_a_hybrid_host);
		tcase_add_test(th, test_kill_empties_the_leaf_v1_loop);
		tcase_add_test(th, test_v1_join_moves_the_calling_thread_alone);
		tcase_add_test(th,
		    test_leaf_does_not_span_a_cpuacct_hierarchy_of_its_own);
	}
	suite_add_tcase(s, th);
	return s;
}

/* --hog: what a script that wants too much memory does */
static int
hog(void)
{
	size_t		 len = 256 << 20, off;
	volatile char	*p;		/* or the compiler drops it all */

	if ((p = malloc(len)) == NULL)
		return 3;
	for (off = 0; off < len; off += 4096)
		p[off] = 1;
	return 0;
}

int
main(int argc, char *argv[])
{
	SRunner		*sr;
	struct statfs	 sfs;
	int		 failed, v2;
	ssize_t		 n;

	if (argc == 2 && strcmp(argv[1], "--hog") == 0)
		return hog();
	if ((n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1)) ==
	    -1)
		return EXIT_FAILURE;
	self_exe[n] = '\0';
	/* a unified host (Debian 12) or a hybrid one (the test machines) */
	if (statfs("/sys/fs/cgroup", &sfs) == -1)
		return EXIT_FAILURE;
	v2 = sfs.f_type == CGROUP2_SUPER_MAGIC;
	fprintf(stderr, "check_cgroup: %s cgroup host\n", v2 ? "unified" :
	    "hybrid");
	sr = srunner_create(cgroup_suite(v2));

	/* the real cgroup filesystem needs root: 77 is automake's SKIP */
	if (geteuid() != 0) {
		fprintf(stderr, "check_cgroup: needs root\n");
		return 77;
	}
	snprintf(tname, sizeof(tname), "check-cgroup-%d", (int)getpid());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	/* what a failed test left behind */
	if (cgroup_detect(&host, err, sizeof(err)) == 0 &&
	    cgroup_tree_remove_stale(&host, tname, err, sizeof(err)) == -1) {
		fprintf(stderr, "check_cgroup: %s\n", err);
		failed++;
	}
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
