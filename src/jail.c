/*
 * The jail, as one sequence per process kind.  See jail.h for the order;
 * every step says why it is there.  Any step that fails makes the whole
 * thing fail: a worker that cannot build its jail exits, a child that
 * cannot enter it never reaches execve.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/capability.h>
#include <linux/landlock.h>
#include <net/if.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cap-ng.h>

#include "audit.h"
#include "config.h"
#include "filter.h"
#include "jail.h"
#include "profile.h"
#include "safecgi.h"

/*
 * Debian 12's headers stop at Landlock ABI 3; the kernels this runs on
 * have ABI 7.  Define what is newer here and check the ABI at run time.
 */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE		(1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV		(1ULL << 15)
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP		(1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP		(1ULL << 1)
#define LANDLOCK_RULE_NET_PORT			2
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET	(1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL			(1ULL << 1)
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION		(1U << 0)
#endif

struct ll_ruleset_attr {
	uint64_t	handled_access_fs;
	uint64_t	handled_access_net;
	uint64_t	scoped;
};

struct ll_path_beneath {
	uint64_t	allowed_access;
	int32_t		parent_fd;
} __attribute__((packed));

struct ll_net_port {
	uint64_t	allowed_access;
	uint64_t	port;
};

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY	0x00000001
#define MOUNT_ATTR_NOSUID	0x00000002
#define MOUNT_ATTR_NODEV	0x00000004
#define MOUNT_ATTR_NOEXEC	0x00000008
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE		0x8000
#endif

struct mnt_attr {
	uint64_t	attr_set;
	uint64_t	attr_clr;
	uint64_t	propagation;
	uint64_t	userns_fd;
};

#define LL_FS_READ	(LANDLOCK_ACCESS_FS_READ_FILE | \
			 LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_FS_WRITE	(LANDLOCK_ACCESS_FS_WRITE_FILE | \
			 LANDLOCK_ACCESS_FS_REMOVE_DIR | \
			 LANDLOCK_ACCESS_FS_REMOVE_FILE | \
			 LANDLOCK_ACCESS_FS_MAKE_DIR | \
			 LANDLOCK_ACCESS_FS_MAKE_REG | \
			 LANDLOCK_ACCESS_FS_MAKE_SYM | \
			 LANDLOCK_ACCESS_FS_TRUNCATE)

/* Where the worker builds its new root; any directory will do. */
#define NEWROOT_BASE	"/tmp"
#define NEWROOT		NEWROOT_BASE "/safecgi-root"

static int	 ll_abi;		/* probed once, in the master */
static int	 rootless;		/* started without root */
static uid_t	 rl_uid;		/* ... by this user */
static gid_t	 rl_gid;
static const struct profile_set *jail_ps;	/* the worker's profiles */
static uint64_t	 ll_fs_mask;		/* access rights this ABI handles */
static int	 ll_fd_ldso = -1;
static int	 ll_fd_dev[5] = { -1, -1, -1, -1, -1 };
static int	 ll_fd_tmp[2] = { -1, -1 };	/* scratch[] */
static int	*ll_fd_exec, *ll_fd_write, *ll_fd_read;
static size_t	 ll_nexec, ll_nwrite, ll_nread;

/*
 * Built rulesets, by script and interpreter inode: a ruleset can be
 * applied by any number of processes, so a request only pays for
 * landlock_restrict_self().  A replaced script is a new inode, a new
 * entry.
 */
#define LL_CACHE	64
static struct {
	dev_t	sdev, idev;
	ino_t	sino, iino;
	int	fd;
} ll_cache[LL_CACHE];
static int	 ll_cache_next;

static const char *const devnodes[] = {
	"null", "zero", "full", "random", "urandom"
};

/* Private, writable, noexec: the scripts' scratch space. */
static const char *const scratch[] = { "/tmp", "/var/tmp" };

/* The ELF interpreter of every dynamic binary on x86-64. */
#define LDSO	"/lib64/ld-linux-x86-64.so.2"

/* Secrets no profile may see. */
static const char *const masked[] = {
	"/root", "/home", "/etc/shadow*", "/etc/gshadow*", "/etc/ssh",
	"/run", "/var/run", "/var/log", "/etc/safecgi", "/etc/sudoers*",
	"/etc/ssl/private", "/var/lib/sudo", "/boot", "/var/spool/cron",
};

const char *
jail_stage_name(int stage)
{
	static const char *const names[] = {
		"none", "fds", "chdir", "rlimits", "uid/gid", "capabilities",
		"parent-death signal", "landlock", "execve",
	};

	if (stage < 0 || (size_t)stage >= nitems(names))
		return "unknown";
	return names[stage];
}

/*
 * Is name in the kernel's list of active LSMs?  1 yes, 0 no, -1 cannot
 * tell (securityfs is not mounted, as in many containers).
 */
static int
lsm_listed(const char *name)
{
	char	 buf[512], *tok, *p;
	ssize_t	 n;
	int	 fd;

	if ((fd = open("/sys/kernel/security/lsm", O_RDONLY | O_CLOEXEC)) ==
	    -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (p = buf; (tok = strsep(&p, ",\n")) != NULL;)
		if (strcmp(tok, name) == 0)
			return 1;
	return 0;
}

/* Does a seccomp filter sit on this process?  1 yes, 0 no, -1 unknown. */
static int
seccomp_filtered(void)
{
	char	 line[128];
	FILE	*f;
	int	 mode = -1;

	if ((f = fopen("/proc/self/status", "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Seccomp: %d", &mode) == 1)
			break;
	fclose(f);
	return mode == -1 ? -1 : mode == 2;	/* SECCOMP_MODE_FILTER */
}

/*
 * Why Landlock is missing, in words an operator can act on: call failed
 * with err.  The kernel lists the LSMs it runs in securityfs, and
 * /proc/self/status shows a seccomp filter on this process (a container
 * runtime's default filter answers the calls it does not know with
 * EPERM).  Blame the kernel only when it does not list Landlock, or when
 * nothing else can have answered.
 */
static void
landlock_cause(const char *call, int err, char *buf, size_t bufsz)
{
	static const char filter[] = "a seccomp filter on safecgi "
	    "(Seccomp: 2 in /proc/self/status), such as a container "
	    "runtime's default filter,";
	int	lsm = lsm_listed("landlock"), filtered = seccomp_filtered();

	if (err == EOPNOTSUPP)
		snprintf(buf, bufsz, "the kernel has Landlock but did not "
		    "enable it at boot (%s: %s); add landlock to its lsm= "
		    "parameter", call, strerror(err));
	else if (lsm == 1)
		snprintf(buf, bufsz, "the kernel offers Landlock (listed in "
		    "/sys/kernel/security/lsm), but %s refuses it (%s: %s)%s",
		    filtered == 1 ? filter : "something other than the "
		    "kernel (there is no seccomp filter on safecgi: an LSM "
		    "policy?)", call, strerror(err), filtered == 1 ?
		    "; allow the landlock_* system calls in that filter" : "");
	else if (lsm == 0)
		snprintf(buf, bufsz, "the kernel does not offer Landlock "
		    "(not in /sys/kernel/security/lsm; %s: %s)", call,
		    strerror(err));
	else if (filtered == 1 && err != ENOSYS)
		/* the kernel answers ENOSYS or EOPNOTSUPP, never this */
		snprintf(buf, bufsz, "%s refuses it (%s: %s), not the "
		    "kernel; allow the landlock_* system calls in that filter",
		    filter, call, strerror(err));
	else if (filtered == 1)
		snprintf(buf, bufsz, "the kernel lacks Landlock, or %s hides "
		    "it (%s: %s); mount securityfs on /sys/kernel/security "
		    "to tell which", filter, call, strerror(err));
	else if (err == ENOSYS)
		snprintf(buf, bufsz, "the kernel does not offer Landlock "
		    "(%s: %s)", call, strerror(err));
	else
		snprintf(buf, bufsz, "something other than the kernel "
		    "refuses it (%s: %s; there is no seccomp filter on "
		    "safecgi: an LSM policy?)", call, strerror(err));
}

static const char *const ll_calls[] = {
	"landlock_create_ruleset", "landlock_add_rule",
	"landlock_restrict_self", "prctl(PR_SET_NO_NEW_PRIVS)", "open(/)",
};

/*
 * In a child that exits right after: every Landlock call a request's
 * child makes.  Returns the index in ll_calls of the one that failed
 * (errno says why), or -1.
 */
static int
landlock_try(void)
{
	struct ll_path_beneath	pb;
	uint64_t		fs = LANDLOCK_ACCESS_FS_EXECUTE;
	int			rfd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return 3;
	/* an ABI 1 attribute: handled_access_fs alone */
	if ((rfd = syscall(SYS_landlock_create_ruleset, &fs, sizeof(fs),
	    0)) == -1)
		return 0;
	pb.allowed_access = LANDLOCK_ACCESS_FS_EXECUTE;
	if ((pb.parent_fd = open("/", O_PATH | O_CLOEXEC)) == -1)
		return 4;
	if (syscall(SYS_landlock_add_rule, rfd, LANDLOCK_RULE_PATH_BENEATH,
	    &pb, 0) == -1)
		return 1;
	if (syscall(SYS_landlock_restrict_self, rfd, 0) == -1)
		return 2;
	return -1;
}

/*
 * The Landlock ABI the kernel offers and safecgi can use, 0 if none;
 * then cause says why.  Asking for the version proves one call only: a
 * child also builds a ruleset, adds a rule and restricts itself, so that
 * a filter that refuses any of them stops safecgi at start rather than
 * failing every request.
 */
static int
landlock_probe(char *cause, size_t csz)
{
	long	abi;
	pid_t	pid;
	int	fds[2], res[2], st;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1) {
		landlock_cause(ll_calls[0], abi == -1 ? errno : ENOSYS, cause,
		    csz);
		return 0;
	}
	if (pipe2(fds, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		snprintf(cause, csz, "cannot probe Landlock: %s",
		    strerror(errno));
		return 0;
	}
	if (pid == 0) {
		close(fds[0]);
		res[0] = landlock_try();
		res[1] = errno;
		(void)write(fds[1], res, sizeof(res));
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], res, sizeof(res)) != sizeof(res))
		res[0] = -2;
	close(fds[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (res[0] == -1)
		return (int)abi;
	if (res[0] == -2)
		snprintf(cause, csz, "the Landlock probe died");
	else
		landlock_cause(ll_calls[res[0]], res[1], cause, csz);
	return 0;
}

/*
 * Can a worker be cloned into its namespaces here?  Namespaces are not
 * optional; a container that refuses them (no CAP_SYS_ADMIN, or a
 * runtime's seccomp filter) or a kernel that forbids user namespaces to
 * a rootless start is found here, and named, before the socket is made.
 */
static int
namespaces_probe(char *cause, size_t csz)
{
	pid_t	pid;
	int	st;

	pid = (pid_t)syscall(SYS_clone, jail_clone_flags() | SIGCHLD, NULL,
	    NULL, NULL, NULL);
	if (pid == 0)
		_exit(0);
	if (pid == -1) {
		snprintf(cause, csz, "clone into new pid, mount, network, "
		    "ipc and uts namespaces%s: %s; %s", rootless ?
		    " owned by a user namespace" : "", strerror(errno),
		    seccomp_filtered() == 1 ? "a seccomp filter on safecgi "
		    "(Seccomp: 2 in /proc/self/status), such as a container "
		    "runtime's default filter, may refuse it" : rootless ?
		    "user namespaces may be disabled (user.max_user_"
		    "namespaces, kernel.unprivileged_userns_clone)" :
		    "safecgi needs CAP_SYS_ADMIN for them");
		return -1;
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	return 0;
}

/* Landlock ABI of the running kernel, 0 if none. */
int
jail_landlock_abi(void)
{
	char	cause[512];

	return landlock_probe(cause, sizeof(cause));
}

int
jail_probe(const struct config *cf, struct jail_caps *caps, char *rep,
    size_t repsz)
{
	char	who[160], cause[512], ll[640], refusal[768] = "";
	int	accepted;

	caps->rootless = rootless = geteuid() != 0;
	if (namespaces_probe(cause, sizeof(cause)) == -1) {
		snprintf(rep, repsz, "refusing to start: cannot create a "
		    "worker's namespaces: %s\n", cause);
		return -1;
	}

	caps->landlock_abi = ll_abi = landlock_probe(cause, sizeof(cause));
	caps->user_notif = 1;	/* proven when the first filter attaches */
	rl_uid = geteuid();
	rl_gid = getegid();

	ll_fs_mask = LANDLOCK_ACCESS_FS_EXECUTE | LL_FS_READ | LL_FS_WRITE |
	    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_SOCK |
	    LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK;
	if (ll_abi >= 2)
		ll_fs_mask |= LANDLOCK_ACCESS_FS_REFER;
	if (ll_abi < 3)
		ll_fs_mask &= ~LANDLOCK_ACCESS_FS_TRUNCATE;
	if (ll_abi >= 5)
		ll_fs_mask |= LANDLOCK_ACCESS_FS_IOCTL_DEV;

	/*
	 * Fail closed: a jail without Landlock has no exec, write or
	 * network allowlist, so it runs nothing unless the operator said,
	 * by name, that this layer may be missing.
	 */
	accepted = (cf->allow_missing & LAYER_LANDLOCK) != 0;
	if (ll_abi >= 1)
		snprintf(ll, sizeof(ll), "on (ABI %d)", ll_abi);
	else
		snprintf(ll, sizeof(ll), "off, %s: %s", accepted ?
		    "accepted by --allow-missing landlock (no exec, write or "
		    "network allowlists)" : "missing", cause);
	if (ll_abi < 1 && !accepted)
		snprintf(refusal, sizeof(refusal), "refusing to start without "
		    "Landlock: %s.\nStart with --allow-missing landlock to run "
		    "scripts without it anyway.\n", cause);

	if (rootless)
		snprintf(who, sizeof(who), "rootless: scripts run as uid %u "
		    "gid %u, the user that started safecgi (profile users do "
		    "not apply)", (unsigned)rl_uid, (unsigned)rl_gid);
	else
		snprintf(who, sizeof(who), "scripts run as their profile's "
		    "user");
	snprintf(rep, repsz,
	    "%s"
	    "privileges: %s, no capabilities, no_new_privs\n"
	    "namespaces: mount (read-only root), network (loopback only), "
	    "pid (per request), ipc, uts%s\n"
	    "seccomp: per-profile filter, denied calls reported\n"
	    "landlock: %s\n"
	    "rlimits: cpu, address space, processes, files, file size, "
	    "no core dumps\n"
	    "fds: scripts inherit 0, 1, 2 only\n", refusal, who,
	    rootless ? ", user (rootless)" : "", ll);
	return refusal[0] != '\0' ? -1 : 0;
}

/* ------------------------------------------------------------ worker */

int
jail_clone_flags(void)
{
	return CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC |
	    CLONE_NEWUTS | (rootless ? CLONE_NEWUSER : 0);
}

static int
fail(const char *step, const char *what)
{
	log_msg(LOG_ERR, "jail: %s %s: %s", step, what, strerror(errno));
	return -1;
}

/* Hide path (inside the new root): an empty directory or /dev/null. */
static int
mask_one(const char *path)
{
	char		 target[PATH_MAX];
	struct stat	 st;

	snprintf(target, sizeof(target), "%s%s", NEWROOT, path);
	if (lstat(target, &st) == -1)
		return errno == ENOENT ? 0 : fail("mask", path);
	if (S_ISLNK(st.st_mode)) {
		/* /var/run -> /run: the target is masked on its own */
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		if (mount("tmpfs", target, "tmpfs",
		    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		    "size=4k,mode=0755") == -1)
			return fail("mask", path);
		return 0;
	}
	if (mount(NEWROOT "/dev/null", target, NULL, MS_BIND, NULL) == -1 ||
	    mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY |
	    MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
		return fail("mask", path);
	return 0;
}

static int
mask_glob(const char *pattern)
{
	char	 pat[PATH_MAX];
	glob_t	 g;
	size_t	 i;
	int	 rc = 0;

	if (strpbrk(pattern, "*?[") == NULL)
		return mask_one(pattern);
	snprintf(pat, sizeof(pat), "%s%s", NEWROOT, pattern);
	if (glob(pat, GLOB_NOSORT, NULL, &g) != 0)
		return 0;
	for (i = 0; i < g.gl_pathc && rc == 0; i++)
		rc = mask_one(g.gl_pathv[i] + strlen(NEWROOT));
	globfree(&g);
	return rc;
}

/*
 * Make one host socket file visible at its own path inside the new root,
 * even under a masked directory: the covering tmpfs is writable for as
 * long as it takes to create the mount point, then read-only again.
 */
static int
expose_socket(const char *path)
{
	char		 target[PATH_MAX], cover[PATH_MAX], *p;
	struct stat	 st;
	size_t		 i, n;
	int		 fd;

	if (stat(path, &st) == -1 || !S_ISSOCK(st.st_mode)) {
		log_msg(LOG_WARNING, "network unix:%s: not a socket; scripts "
		    "cannot reach it", path);
		return 0;
	}
	cover[0] = '\0';
	for (i = 0; i < nitems(masked); i++) {
		n = strlen(masked[i]);
		if (strpbrk(masked[i], "*?[") == NULL &&
		    strncmp(path, masked[i], n) == 0 && path[n] == '/')
			snprintf(cover, sizeof(cover), "%s%s", NEWROOT,
			    masked[i]);
	}
	if (cover[0] == '\0')
		return 0;	/* not masked: it is in sight already */
	if (mount(NULL, cover, NULL, MS_REMOUNT | MS_NOSUID | MS_NODEV |
	    MS_NOEXEC, "size=4k,mode=0755") == -1)
		return fail("reopen", cover);
	snprintf(target, sizeof(target), "%s%s", NEWROOT, path);
	for (p = target + strlen(cover) + 1; (p = strchr(p, '/')) != NULL;
	    p++) {
		*p = '\0';
		if (mkdir(target, 0755) == -1 && errno != EEXIST)
			return fail("mkdir", target);
		*p = '/';
	}
	if ((fd = open(target, O_CREAT | O_WRONLY | O_CLOEXEC, 0600)) == -1)
		return fail("create", target);
	close(fd);
	if (mount(path, target, NULL, MS_BIND, NULL) == -1)
		return fail("bind", path);
	if (mount(NULL, cover, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID |
	    MS_NODEV | MS_NOEXEC, "size=4k,mode=0755") == -1)
		return fail("close", cover);
	return 0;
}

static int
build_dev(void)
{
	char	src[64], dst[PATH_MAX];
	size_t	i;
	int	fd;

	/* A minimal /dev: no disks, no ttys, no kernel interfaces. */
	if (mount("tmpfs", NEWROOT "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
	    "size=64k,mode=0755") == -1)
		return fail("mount", "/dev");
	for (i = 0; i < nitems(devnodes); i++) {
		snprintf(src, sizeof(src), "/dev/%s", devnodes[i]);
		snprintf(dst, sizeof(dst), NEWROOT "/dev/%s", devnodes[i]);
		if ((fd = open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, 0666)) ==
		    -1)
			return fail("create", dst);
		close(fd);
		if (mount(src, dst, NULL, MS_BIND, NULL) == -1)
			return fail("bind", src);
	}
	if (symlink("/proc/self/fd", NEWROOT "/dev/fd") == -1 ||
	    symlink("/proc/self/fd/0", NEWROOT "/dev/stdin") == -1 ||
	    symlink("/proc/self/fd/1", NEWROOT "/dev/stdout") == -1 ||
	    symlink("/proc/self/fd/2", NEWROOT "/dev/stderr") == -1 ||
	    mkdir(NEWROOT "/dev/shm", 0755) == -1)
		return fail("populate", "/dev");
	/* the nodes stay writable; the directory does not */
	if (mount(NULL, NEWROOT "/dev", NULL, MS_REMOUNT | MS_RDONLY |
	    MS_NOSUID | MS_NOEXEC, "size=64k,mode=0755") == -1)
		return fail("remount", "/dev");
	return 0;
}

static int
loopback_up(void)
{
	struct ifreq	ifr;
	int		s;

	/* The only interface in this network namespace. */
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return fail("socket", "lo");
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	ifr.ifr_flags = IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) == -1) {
		close(s);
		return fail("bring up", "lo");
	}
	close(s);
	return 0;
}

static int
write_file(const char *path, const char *text)
{
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/*
 * Rootless: the worker was cloned into a user namespace of its own and
 * holds every capability there, over its own namespaces only.  Map the
 * one id an unprivileged user may map, its own, to itself: scripts run as
 * that user inside and out, never as root of the namespace.  setgroups
 * must be denied before an unprivileged gid map is accepted.
 */
static int
userns_map(void)
{
	char	line[64];

	if (write_file("/proc/self/setgroups", "deny") == -1)
		return fail("write", "/proc/self/setgroups");
	snprintf(line, sizeof(line), "%u %u 1", (unsigned)rl_uid,
	    (unsigned)rl_uid);
	if (write_file("/proc/self/uid_map", line) == -1)
		return fail("write", "/proc/self/uid_map");
	snprintf(line, sizeof(line), "%u %u 1", (unsigned)rl_gid,
	    (unsigned)rl_gid);
	if (write_file("/proc/self/gid_map", line) == -1)
		return fail("write", "/proc/self/gid_map");
	return 0;
}

int
jail_worker_enter(const struct config *cf, const struct profile_set *ps)
{
	struct mnt_attr	 ro = { 0 };
	size_t		 i;

	/* 0. Rootless: our own id, mapped, before anything else. */
	if (rootless && userns_map() == -1)
		return -1;

	/* 1. Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		return fail("make private", "/");

	/* 2. The whole host tree, bound recursively, then made read-only
	 *    (and nosuid, nodev) in one step with mount_setattr. */
	if (mount("tmpfs", NEWROOT_BASE, "tmpfs", MS_NOSUID | MS_NODEV,
	    "size=64k,mode=0755") == -1)
		return fail("mount", NEWROOT_BASE);
	if (mkdir(NEWROOT, 0755) == -1)
		return fail("mkdir", NEWROOT);
	if (mount("/", NEWROOT, NULL, MS_BIND | MS_REC, NULL) == -1)
		return fail("bind", "/");
	ro.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
	    MOUNT_ATTR_NODEV;
	if (syscall(SYS_mount_setattr, AT_FDCWD, NEWROOT, AT_RECURSIVE, &ro,
	    sizeof(ro)) == -1)
		return fail("make read-only", "/");

	/* 3. A /dev of five nodes, and a /proc of this PID namespace only:
	 *    processes of other users are invisible. */
	if (build_dev() == -1)
		return -1;
	if (mount("proc", NEWROOT "/proc", "proc", MS_NOSUID | MS_NODEV |
	    MS_NOEXEC, "hidepid=invisible,subset=pid") == -1)
		return fail("mount", "/proc");

	/* 4. Secrets, the FastCGI socket and our configuration vanish. */
	for (i = 0; i < nitems(masked); i++)
		if (mask_glob(masked[i]) == -1)
			return -1;
	if (cf->listen_kind == LISTEN_UNIX && cf->listen_path != NULL &&
	    mask_one(cf->listen_path) == -1)
		return -1;
	if (cf->config_file != NULL && cf->config_file[0] == '/' &&
	    mask_one(cf->config_file) == -1)
		return -1;
	if (cf->profile_dir != NULL && cf->profile_dir[0] == '/' &&
	    mask_one(cf->profile_dir) == -1)
		return -1;

	/* 4b. The unix sockets profiles may connect to, back in sight;
	 *     each spawner hides those of other profiles again. */
	jail_ps = ps;
	for (i = 0; i < ps->n; i++) {
		size_t	k;

		for (k = 0; k < ps->v[i].net_unix.n; k++)
			if (expose_socket(ps->v[i].net_unix.v[k]) == -1)
				return -1;
	}

	/* 5. Swap roots and let go of the old one entirely. */
	if (chdir(NEWROOT) == -1)
		return fail("chdir", NEWROOT);
	if (syscall(SYS_pivot_root, ".", ".") == -1)
		return fail("pivot_root", NEWROOT);
	if (umount2(".", MNT_DETACH) == -1)
		return fail("detach", "old root");
	if (chdir("/") == -1)
		return fail("chdir", "/");

	/* 6. A network namespace with nothing but its own loopback. */
	if (loopback_up() == -1)
		return -1;
	if (sethostname("safecgi", 7) == -1)
		return fail("set", "hostname");
	return 0;
}

/* ----------------------------------------------------------- spawner */

static int
tmpfs_private(const char *path)
{
	/* Scripts may write temporary files, never run them. */
	if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	    "size=64m,mode=1777") == -1)
		return fail("mount", path);
	return 0;
}

static int
make_writable(const char *path)
{
	struct mnt_attr	rw = { 0 };
	struct stat	st;

	/* Missing: there is nothing to write to, which grants nothing. */
	if (stat(path, &st) == -1 && errno == ENOENT) {
		log_msg(LOG_WARNING, "writable path %s does not exist",
		    path);
		return 0;
	}
	/* A bind of the path onto itself is a mount we can flip to rw. */
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) == -1)
		return fail("bind", path);
	rw.attr_clr = MOUNT_ATTR_RDONLY;
	if (syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &rw,
	    sizeof(rw)) == -1)
		return fail("make writable", path);
	return 0;
}

static int
open_anchor(const char *path)
{
	int	fd;

	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd == -1)
		log_msg(LOG_WARNING, "landlock: %s: %s", path,
		    strerror(errno));
	return fd;
}

static int
open_anchors(const struct profile *p, const struct strlist *l, int **fds,
    size_t *n)
{
	glob_t	g;
	size_t	i, j;
	int	fd, *nv;

	(void)p;
	*fds = NULL;
	*n = 0;
	for (i = 0; i < l->n; i++) {
		size_t	len = strlen(l->v[i]);

		/*
		 * A trailing double star is everything beneath the directory
		 * before it, which is what a Landlock rule on that directory
		 * grants; glob(3) knows no double star.
		 */
		if (len > 3 && strcmp(l->v[i] + len - 3, "/**") == 0 &&
		    strpbrk(l->v[i], "*?[") == l->v[i] + len - 2) {
			char	dir[PATH_MAX];

			snprintf(dir, sizeof(dir), "%.*s", (int)(len - 3),
			    l->v[i]);
			if ((fd = open_anchor(dir)) == -1)
				continue;
			if ((nv = reallocarray(*fds, *n + 1, sizeof(int))) ==
			    NULL) {
				close(fd);
				return -1;
			}
			*fds = nv;
			(*fds)[(*n)++] = fd;
			continue;
		}
		if (glob(l->v[i], GLOB_NOSORT, NULL, &g) != 0)
			continue;
		for (j = 0; j < g.gl_pathc; j++) {
			if ((fd = open_anchor(g.gl_pathv[j])) == -1)
				continue;
			if ((nv = reallocarray(*fds, *n + 1, sizeof(int))) ==
			    NULL) {
				close(fd);
				globfree(&g);
				return -1;
			}
			*fds = nv;
			(*fds)[(*n)++] = fd;
		}
		globfree(&g);
	}
	return 0;
}

/*
 * Readable: every tree but the program directories.  A script may read
 * its libraries and data, not /usr/bin: the dynamic loader could run any
 * program it can read (ld.so /usr/bin/wget) without an execve of it.
 */
static int
open_read_anchors(void)
{
	static const struct {
		const char		*dir;
		const char *const	 skip[5];
	} trees[] = {
		{ "/", { "bin", "sbin", "usr", NULL } },
		{ "/usr", { "bin", "sbin", "games", "local", NULL } },
		{ "/usr/local", { "bin", "sbin", "games", NULL } },
	};
	char		 path[PATH_MAX];
	struct dirent	*de;
	struct stat	 st;
	size_t		 t, k;
	DIR		*d;
	int		 fd, *nv;

	for (t = 0; t < nitems(trees); t++) {
		if ((d = opendir(trees[t].dir)) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			for (k = 0; trees[t].skip[k] != NULL; k++)
				if (strcmp(de->d_name, trees[t].skip[k]) == 0)
					break;
			if (trees[t].skip[k] != NULL)
				continue;
			snprintf(path, sizeof(path), "%s/%s",
			    strcmp(trees[t].dir, "/") ? trees[t].dir : "",
			    de->d_name);
			/* directories only: /bin -> /usr/bin and the like
			 * are decided by their targets */
			if (lstat(path, &st) == -1 || !S_ISDIR(st.st_mode))
				continue;
			if ((fd = open(path, O_PATH | O_CLOEXEC)) == -1)
				continue;
			if ((nv = reallocarray(ll_fd_read, ll_nread + 1,
			    sizeof(int))) == NULL) {
				close(fd);
				closedir(d);
				return -1;
			}
			ll_fd_read = nv;
			ll_fd_read[ll_nread++] = fd;
		}
		closedir(d);
	}
	return 0;
}

int
jail_spawner_enter(const struct profile *p, const struct filter *f)
{
	char	 ldso[PATH_MAX];
	size_t	 i;
	int	 lfd;

	/* 1. This profile's view of the filesystem, in a mount namespace
	 *    of its own: private /tmp, writable paths, extra masks. */
	if (unshare(CLONE_NEWNS) == -1)
		return fail("unshare", "mount namespace");
	for (i = 0; i < nitems(scratch); i++)
		if (tmpfs_private(scratch[i]) == -1)
			return -1;
	for (i = 0; i < p->writable.n; i++)
		if (make_writable(p->writable.v[i]) == -1)
			return -1;
	for (i = 0; i < p->hidden.n; i++) {
		struct stat st;

		if (lstat(p->hidden.v[i], &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode) ? mount("tmpfs", p->hidden.v[i],
		    "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		    "size=4k,mode=0755") : mount("/dev/null", p->hidden.v[i],
		    NULL, MS_BIND, NULL))
			return fail("hide", p->hidden.v[i]);
	}

	for (i = 0; jail_ps != NULL && i < jail_ps->n; i++) {
		const struct strlist	*l = &jail_ps->v[i].net_unix;
		size_t			 k, m;

		for (k = 0; k < l->n; k++) {
			for (m = 0; m < p->net_unix.n; m++)
				if (strcmp(p->net_unix.v[m], l->v[k]) == 0)
					break;
			if (m == p->net_unix.n &&
			    access(l->v[k], F_OK) == 0 &&
			    mount("/dev/null", l->v[k], NULL, MS_BIND, NULL)
			    == -1)
				return fail("hide", l->v[k]);
		}
	}

	/* 2. Landlock anchors, opened once; each child builds its ruleset
	 *    from these plus its script and interpreter. */
	if (ll_abi >= 1) {
		if (open_read_anchors() == -1 ||
		    (ll_fd_tmp[0] = open_anchor(scratch[0])) == -1 ||
		    (ll_fd_tmp[1] = open_anchor(scratch[1])) == -1)
			return -1;
		/* ld.so is the ELF interpreter of every dynamic binary, and
		 * the kernel opens it for execution */
		if (realpath(LDSO, ldso) != NULL)
			ll_fd_ldso = open_anchor(ldso);
		for (i = 0; i < nitems(devnodes); i++) {
			char dev[32];

			snprintf(dev, sizeof(dev), "/dev/%s", devnodes[i]);
			ll_fd_dev[i] = open_anchor(dev);
		}
		if (open_anchors(p, &p->exec_allow, &ll_fd_exec,
		    &ll_nexec) == -1 || open_anchors(p, &p->writable,
		    &ll_fd_write, &ll_nwrite) == -1)
			return fail("open", "landlock anchors");
	}

	/* 2b. Rootless: the spawner and its children go into a user
	 *     namespace of their own.  RLIMIT_NPROC counts the processes
	 *     of a uid per user namespace, and every process here has the
	 *     same uid: without this, the worker's threads would use up the
	 *     scripts' process limit.  After the mounts, which this user
	 *     namespace could no longer change; CLONE_NEWPID still works,
	 *     its capability is checked in the new namespace. */
	if (rootless && (unshare(CLONE_NEWUSER) == -1 ? fail("unshare",
	    "user namespace") : userns_map()) == -1)
		return -1;

	/* 3. Capabilities: only what creating a child needs remains, the
	 *    bounding set goes, so nothing can come back through execve.
	 *    Rootless, the child keeps its uid and needs nothing but the
	 *    PID namespace the spawner gives it. */
	capng_clear(CAPNG_SELECT_ALL);
	if (rootless)
		capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		    CAP_SYS_ADMIN, -1);
	else
		capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		    CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID, CAP_KILL, -1);
	if (capng_apply(CAPNG_SELECT_ALL) != 0) {
		errno = EPERM;
		return fail("drop", "capabilities");
	}

	/* 4. no_new_privs: setuid binaries cannot elevate, and it lets the
	 *    filter and Landlock apply. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return fail("set", "no_new_privs");

	/* 5. Last: the seccomp filter, attached once here and inherited by
	 *    every child.  From now on this process runs under it too. */
	if ((lfd = filter_attach(f)) == -1)
		return fail("attach", "seccomp filter");
	return lfd;
}

/* ------------------------------------------- the same rules, as a test */

/*
 * What Landlock enforces, asked of one path, for the audit log and for
 * complain mode (where Landlock is not applied).  Relative paths are taken
 * from dir, the script's working directory.  These mirror the rules built
 * in ll_build(); keep the two together.
 */
static const char *
join(const char *dir, const char *path, char *buf, size_t bufsz)
{
	if (path[0] != '/' && dir != NULL)
		snprintf(buf, bufsz, "%s/%s", dir, path);
	else
		snprintf(buf, bufsz, "%s", path);
	return buf;
}

static int
under(const char *path, const char *dir)
{
	size_t	n = strlen(dir);

	return strncmp(path, dir, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/');
}

int
jail_may_exec(const struct profile *p, const char *dir, const char *script,
    const char *interp, const char *path, char *canon, size_t csz)
{
	static char	 ldso[PATH_MAX];
	char		 buf[2 * PATH_MAX];
	size_t		 i;

	join(dir, path, buf, sizeof(buf));
	if (strlen(buf) >= PATH_MAX || realpath(buf, canon) == NULL) {
		snprintf(canon, csz, "%.*s", (int)csz - 1, buf);
		/* scratch space is the spawner's, invisible from here;
		 * nothing there (nor in /dev) may run: it is noexec */
		for (i = 0; i < nitems(scratch); i++)
			if (under(buf, scratch[i]))
				return 0;
		/* nothing to run there: the kernel will say so itself */
		return under(buf, "/dev") ? 0 : -1;
	}
	if ((script != NULL && strcmp(canon, script) == 0) ||
	    (interp != NULL && strcmp(canon, interp) == 0))
		return 1;
	/* the kernel loads ld.so for a binary without an execve of it;
	 * run directly, it would start any program it can read */
	if (ldso[0] == '\0' && realpath(LDSO, ldso) == NULL)
		snprintf(ldso, sizeof(ldso), "%s", LDSO);
	if (strcmp(canon, ldso) == 0)
		return 0;
	for (i = 0; i < p->exec_allow.n; i++)
		if (profile_glob_match(p->exec_allow.v[i], canon) ||
		    profile_glob_match(p->exec_allow.v[i], buf))
			return 1;
	return 0;
}

int
jail_may_write(const struct profile *p, const char *dir, const char *path)
{
	char	 buf[2 * PATH_MAX], dev[32];
	size_t	 i;

	if (path[0] == '\0')
		return 1;
	join(dir, path, buf, sizeof(buf));
	for (i = 0; i < nitems(scratch); i++)
		if (under(buf, scratch[i]))
			return 1;
	for (i = 0; i < nitems(devnodes); i++) {
		snprintf(dev, sizeof(dev), "/dev/%s", devnodes[i]);
		if (strcmp(buf, dev) == 0)
			return 1;
	}
	/* the script's own fds (pipes), under other names */
	if (under(buf, "/dev/fd") || under(buf, "/proc/self/fd") ||
	    strcmp(buf, "/dev/stdout") == 0 || strcmp(buf, "/dev/stderr") == 0)
		return 1;
	for (i = 0; i < p->writable.n; i++)
		if (under(buf, p->writable.v[i]))
			return 1;
	return 0;
}

/* ------------------------------------------------------------- child */

static int
ll_rule(int rfd, int fd, uint64_t access)
{
	struct ll_path_beneath	pb;

	if (fd == -1)
		return 0;
	pb.allowed_access = access & ll_fs_mask;
	pb.parent_fd = fd;
	return (int)syscall(SYS_landlock_add_rule, rfd,
	    LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
}

static int
ll_build(const struct profile *p, const char *path, const char *interp)
{
	struct ll_ruleset_attr	 attr = { 0 };
	struct ll_net_port	 np;
	size_t			 attrsz, i;
	int			 rfd, sfd, ifd = -1, rc = -1;
	uint64_t		 devrw;

	attr.handled_access_fs = ll_fs_mask;
	attrsz = sizeof(uint64_t);
	if (ll_abi >= 4) {
		/* no TCP bind or connect unless the profile names a port */
		attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP |
		    LANDLOCK_ACCESS_NET_CONNECT_TCP;
		attrsz = 2 * sizeof(uint64_t);
	}
	if (ll_abi >= 6) {
		/* abstract unix sockets and signals stay inside the domain */
		attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
		    LANDLOCK_SCOPE_SIGNAL;
		attrsz = sizeof(attr);
	}
	rfd = (int)syscall(SYS_landlock_create_ruleset, &attr, attrsz, 0);
	if (rfd == -1)
		return -1;
	if ((sfd = open(path, O_PATH | O_CLOEXEC)) == -1)
		goto out;
	if (interp != NULL && (ifd = open(interp, O_PATH | O_CLOEXEC)) == -1)
		goto out;
	devrw = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE |
	    LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV;
	/*
	 * Execute only the script, its interpreter and the allowlist.  The
	 * dynamic loader must be executable for the kernel to load it as
	 * the interpreter of a binary; a direct execve of it is refused by
	 * the worker (see exec_allowed), and it cannot map what it cannot
	 * read.
	 */
	for (i = 0; i < ll_nread; i++)
		if (ll_rule(rfd, ll_fd_read[i], LL_FS_READ) == -1)
			goto out;
	if (ll_rule(rfd, sfd, LANDLOCK_ACCESS_FS_EXECUTE |
	    LANDLOCK_ACCESS_FS_READ_FILE) == -1 ||
	    ll_rule(rfd, ifd, LANDLOCK_ACCESS_FS_EXECUTE |
	    LANDLOCK_ACCESS_FS_READ_FILE) == -1 ||
	    ll_rule(rfd, ll_fd_ldso, LANDLOCK_ACCESS_FS_EXECUTE |
	    LANDLOCK_ACCESS_FS_READ_FILE) == -1 ||
	    ll_rule(rfd, ll_fd_tmp[0], LL_FS_READ | LL_FS_WRITE) == -1 ||
	    ll_rule(rfd, ll_fd_tmp[1], LL_FS_READ | LL_FS_WRITE) == -1)
		goto out;
	for (i = 0; i < nitems(ll_fd_dev); i++)
		if (ll_rule(rfd, ll_fd_dev[i], devrw) == -1)
			goto out;
	for (i = 0; i < ll_nexec; i++)
		if (ll_rule(rfd, ll_fd_exec[i], LANDLOCK_ACCESS_FS_EXECUTE |
		    LANDLOCK_ACCESS_FS_READ_FILE) == -1)
			goto out;
	for (i = 0; i < ll_nwrite; i++)
		if (ll_rule(rfd, ll_fd_write[i], LL_FS_READ | LL_FS_WRITE |
		    LANDLOCK_ACCESS_FS_REFER) == -1)
			goto out;
	if (ll_abi >= 4) {
		for (i = 0; i < p->net_tcp.n; i++) {
			np.allowed_access = LANDLOCK_ACCESS_NET_CONNECT_TCP;
			np.port = strtoul(p->net_tcp.v[i], NULL, 10);
			if (syscall(SYS_landlock_add_rule, rfd,
			    LANDLOCK_RULE_NET_PORT, &np, 0) == -1)
				goto out;
		}
	}
	rc = rfd;
out:
	if (ifd != -1)
		close(ifd);
	if (sfd != -1)
		close(sfd);
	if (rc == -1)
		close(rfd);
	return rc;
}

int
jail_ruleset(const struct profile *p, const char *path, const char *interp)
{
	struct stat	 ss, is;
	int		 i, fd;

	if (ll_abi < 1 || p->mode != MODE_ENFORCE)
		return -2;	/* nothing to apply */
	if (stat(path, &ss) == -1 ||
	    (interp != NULL && stat(interp, &is) == -1))
		return -1;
	if (interp == NULL)
		memset(&is, 0, sizeof(is));
	for (i = 0; i < LL_CACHE; i++)
		if (ll_cache[i].fd > 0 && ll_cache[i].sdev == ss.st_dev &&
		    ll_cache[i].sino == ss.st_ino &&
		    ll_cache[i].idev == is.st_dev &&
		    ll_cache[i].iino == is.st_ino)
			return ll_cache[i].fd;
	if ((fd = ll_build(p, path, interp)) == -1)
		return -1;
	i = ll_cache_next++ % LL_CACHE;
	if (ll_cache[i].fd > 0)
		close(ll_cache[i].fd);
	ll_cache[i].sdev = ss.st_dev;
	ll_cache[i].sino = ss.st_ino;
	ll_cache[i].idev = is.st_dev;
	ll_cache[i].iino = is.st_ino;
	ll_cache[i].fd = fd;
	return fd;
}

static void
child_fail(struct jail_exec *x, int stage)
{
	x->fail_errno = errno;
	x->fail_stage = stage;
	_exit(127);
}

static int
set_limit(int res, unsigned long long v)
{
	struct rlimit	rl;

	/* soft == hard: the script cannot raise what it was given */
	rl.rlim_cur = rl.rlim_max = v == 0 ? RLIM_INFINITY : v;
	return setrlimit(res, &rl);
}

/*
 * The per-request child, running in the spawner's memory until execve
 * (vfork semantics): no allocation, no stdio, only system calls.
 */
int
jail_child_exec(void *arg)
{
	struct jail_exec		*x = arg;
	const struct profile		*p = x->profile;
	struct __user_cap_header_struct	 hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct	 cd[2];
	gid_t				 gid = p->gid;

	/* 0. Signals the spawner ignores would stay ignored across execve:
	 *    a script must die of SIGPIPE like anywhere else. */
	{
		static const int	ignored[] = { SIGPIPE, SIGHUP, SIGUSR1 };
		struct sigaction	dfl;
		sigset_t		none;
		size_t			i;

		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		for (i = 0; i < nitems(ignored); i++)
			if (sigaction(ignored[i], &dfl, NULL) == -1)
				child_fail(x, STAGE_FDS);
		/* glibc will not touch its own two realtime signals;
		 * an ignored one inherited from our parent still must not
		 * reach the script */
		struct {
			void		*handler;
			unsigned long	 flags;
			void		*restorer;
			uint64_t	 mask;
		} kdfl = { SIG_DFL, 0, NULL, 0 };

		if (syscall(SYS_rt_sigaction, 32, &kdfl, NULL, 8) == -1 ||
		    syscall(SYS_rt_sigaction, 33, &kdfl, NULL, 8) == -1)
			child_fail(x, STAGE_FDS);
		sigemptyset(&none);
		if (sigprocmask(SIG_SETMASK, &none, NULL) == -1)
			child_fail(x, STAGE_FDS);
	}

	/* 1. Landlock first: its rule anchors are fds that step 2 closes.
	 *    It needs no_new_privs, inherited from the spawner. */
	if (x->ruleset >= 0 &&
	    syscall(SYS_landlock_restrict_self, x->ruleset, 0) == -1)
		child_fail(x, STAGE_LANDLOCK);

	/* 2. Exactly fds 0, 1, 2. */
	if (dup2(x->fd_in, 0) == -1 || dup2(x->fd_out, 1) == -1 ||
	    dup2(x->fd_err, 2) == -1)
		child_fail(x, STAGE_FDS);
	if (syscall(SYS_close_range, 3, ~0U, 0) == -1)
		child_fail(x, STAGE_FDS);

	if (chdir(x->dir) == -1)
		child_fail(x, STAGE_CWD);

	/* 3. Limits, before the uid change, while they can still be set. */
	if (set_limit(RLIMIT_CPU, p->limit_cpu) == -1 ||
	    set_limit(RLIMIT_AS, p->limit_as) == -1 ||
	    set_limit(RLIMIT_NPROC, p->limit_nproc) == -1 ||
	    set_limit(RLIMIT_NOFILE, p->limit_nofile) == -1 ||
	    set_limit(RLIMIT_FSIZE, p->limit_fsize) == -1 ||
	    set_limit(RLIMIT_CORE, 0) == -1)
		child_fail(x, STAGE_RLIMIT);

	/* 4. The profile's identity; leaving uid 0 clears the permitted
	 *    and effective capability sets, the spawner already emptied
	 *    the bounding, inheritable and ambient ones.  Rootless, the
	 *    uid is already the only one there is (the profile's was set
	 *    to it) and the user namespace forbids setgroups. */
	if ((!rootless && setgroups(1, &gid) == -1) ||
	    setresgid(p->gid, p->gid, p->gid) == -1 ||
	    setresuid(p->uid, p->uid, p->uid) == -1)
		child_fail(x, STAGE_IDS);

	/* 5. Prove it: no capability left in any set.  Rootless, the
	 *    spawner's CAP_SYS_ADMIN is still held here, and execve drops
	 *    it: for a uid other than 0, with empty bounding, inheritable
	 *    and ambient sets, the new permitted set is empty.  So the
	 *    proof there is: not uid 0, nothing inheritable, nothing
	 *    beyond CAP_SYS_ADMIN. */
	if (syscall(SYS_capget, &hdr, cd) == -1)
		child_fail(x, STAGE_CAPS);
	if (rootless ? (p->uid == 0 || cd[0].inheritable |
	    cd[1].inheritable || ((cd[0].permitted | cd[0].effective) &
	    ~(1U << CAP_SYS_ADMIN)) || cd[1].permitted | cd[1].effective) :
	    (cd[0].effective | cd[0].permitted | cd[0].inheritable |
	    cd[1].effective | cd[1].permitted | cd[1].inheritable) != 0) {
		errno = EPERM;
		child_fail(x, STAGE_CAPS);
	}

	/* 6. If the spawner dies, so does the request (set after the uid
	 *    change, which would clear it). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
		child_fail(x, STAGE_PDEATHSIG);

	/* 7. The seccomp filter is already in force, inherited: attaching
	 *    one here would cost ~190 us per request. */
	syscall(SYS_execve, x->path, x->argv, x->envp, x->exec_key[0],
	    x->exec_key[1], x->exec_key[2]);
	child_fail(x, STAGE_EXEC);
	return 127;
}
