/*
 * The jail, as one sequence per process kind.  See jail.h for the order;
 * every step says why it is there.  Any step that fails makes the whole
 * thing fail: a worker that cannot build its jail exits, a child that
 * cannot enter it never reaches execve.  No state lives here: each
 * process passes its struct jail (jail.h says who fills which part).
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/capability.h>
#include <linux/close_range.h>
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
#include "cgroup.h"
#include "config.h"
#include "filter.h"
#include "jail.h"
#include "profile.h"
#include "safecgi.h"
#include "util.h"

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

#define LL_FS_FILE	(LANDLOCK_ACCESS_FS_EXECUTE | \
			 LANDLOCK_ACCESS_FS_WRITE_FILE | \
			 LANDLOCK_ACCESS_FS_READ_FILE | \
			 LANDLOCK_ACCESS_FS_TRUNCATE | \
			 LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* Where the worker builds its new root; any directory will do. */
#define NEWROOT_BASE	"/tmp"
#define NEWROOT		NEWROOT_BASE "/safecgi-root"

/*
 * The read view: what any script may read, whatever its profile.  The
 * loader, the libraries and their data, /usr/share, the parts of /etc
 * that programs read to run (no keys, no password hashes, no web server
 * or application credentials) and /proc; the script's own directory is
 * added per request (ll_build), a profile adds more with read =.
 * Everything else cannot be opened at all: not /usr/bin,
 * /usr/lib/git-core, the JDK or a compiler's internals, whose programs
 * the dynamic loader would otherwise map and run (ld.so
 * /usr/lib/git-core/git) without an execve Landlock could refuse, and
 * not secrets a read-only mount still shows.
 */
static const char *const readable[] = {
	"/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib/locale",
	"/usr/lib/python3", "/usr/lib/python3.*", "/usr/share",
	"/usr/local/lib", "/usr/local/share", "/proc",
	"/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
	"/etc/nsswitch.conf", "/etc/passwd", "/etc/group", "/etc/hosts",
	"/etc/host.conf", "/etc/resolv.conf", "/etc/gai.conf",
	"/etc/services", "/etc/protocols", "/etc/networks", "/etc/localtime",
	"/etc/timezone", "/etc/hostname", "/etc/mime.types",
	"/etc/locale.alias", "/etc/locale.conf", "/etc/default/locale",
	"/etc/os-release", "/etc/debian_version", "/etc/alternatives",
	"/etc/perl", "/etc/python3", "/etc/python3.*", "/etc/gitconfig",
	"/etc/ssl/certs", "/etc/ssl/openssl.cnf", "/etc/magic",
	"/etc/magic.mime", "/etc/mailcap", "/etc/papersize", "/etc/terminfo",
};

/*
 * What /proc shows of the kernel beyond processes and the host-neutral
 * files status scripts read: addresses, devices, keys, the kernel log,
 * tunables.  The list container runtimes mask, and what else a script
 * has no use for.
 */
static const char *const proc_masked[] = {
	"/proc/acpi", "/proc/asound", "/proc/bus", "/proc/driver",
	"/proc/fs", "/proc/irq", "/proc/scsi", "/proc/sys", "/proc/tty",
	"/proc/sysrq-trigger", "/proc/kcore", "/proc/kmsg", "/proc/keys",
	"/proc/key-users", "/proc/kallsyms", "/proc/modules",
	"/proc/timer_list", "/proc/sched_debug", "/proc/latency_stats",
	"/proc/iomem", "/proc/ioports", "/proc/vmallocinfo", "/proc/slabinfo",
	"/proc/pagetypeinfo", "/proc/kpagecount", "/proc/kpageflags",
	"/proc/kpagecgroup", "/proc/config.gz", "/proc/dma", "/proc/mtrr",
	"/proc/buddyinfo", "/proc/zoneinfo", "/proc/lock_stat",
	"/proc/sysvipc", "/proc/bootconfig", "/proc/cmdline",
};

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
		"parent-death signal", "landlock", "execve", "cgroup",
		"tmp slot",
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
namespaces_probe(const struct jail_caps *caps, char *cause, size_t csz)
{
	int	rootless = caps->rootless;
	pid_t	pid;
	int	st;

	pid = (pid_t)syscall(SYS_clone, jail_clone_flags(caps) | SIGCHLD,
	    NULL, NULL, NULL, NULL);
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

/* The Landlock filesystem rights this ABI handles. */
static uint64_t
ll_fs_mask(int abi)
{
	uint64_t	m;

	m = LANDLOCK_ACCESS_FS_EXECUTE | LL_FS_READ | LL_FS_WRITE |
	    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_SOCK |
	    LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK;
	if (abi >= 2)
		m |= LANDLOCK_ACCESS_FS_REFER;
	if (abi < 3)
		m &= ~LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		m |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return m;
}

int
jail_probe(const struct config *cf, struct jail_caps *caps, char *rep,
    size_t repsz)
{
	char	who[160], cause[512], ll[640], refusal[768] = "";
	int	accepted;

	memset(caps, 0, sizeof(*caps));
	caps->rootless = geteuid() != 0;
	if (namespaces_probe(caps, cause, sizeof(cause)) == -1) {
		snprintf(rep, repsz, "refusing to start: cannot create a "
		    "worker's namespaces: %s\n", cause);
		return -1;
	}

	caps->landlock_abi = landlock_probe(cause, sizeof(cause));
	caps->user_notif = 1;	/* proven when the first filter attaches */
	caps->uid = geteuid();
	caps->gid = getegid();

	/*
	 * Fail closed: a jail without Landlock has no exec, read, write or
	 * network allowlist, so it runs nothing unless the operator said,
	 * by name, that this layer may be missing.
	 */
	accepted = (cf->allow_missing & LAYER_LANDLOCK) != 0;
	if (caps->landlock_abi >= 1)
		snprintf(ll, sizeof(ll), "on (ABI %d)", caps->landlock_abi);
	else
		snprintf(ll, sizeof(ll), "off, %s: %s", accepted ?
		    "accepted by --allow-missing landlock (no exec, read, write "
		    "or network allowlists)" : "missing", cause);
	if (caps->landlock_abi < 1 && !accepted)
		snprintf(refusal, sizeof(refusal), "refusing to start without "
		    "Landlock: %s.\nStart with --allow-missing landlock to run "
		    "scripts without it anyway.\n", cause);

	if (caps->rootless)
		snprintf(who, sizeof(who), "rootless: scripts run as uid %u "
		    "gid %u, the user that started safecgi (profile users do "
		    "not apply)", (unsigned)caps->uid, (unsigned)caps->gid);
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
	    caps->rootless ? ", user (rootless)" : "", ll);
	return refusal[0] != '\0' ? -1 : 0;
}

/* ------------------------------------------------------------ worker */

int
jail_clone_flags(const struct jail_caps *caps)
{
	return CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC |
	    CLONE_NEWUTS | (caps->rootless ? CLONE_NEWUSER : 0);
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
userns_map(const struct jail_caps *caps)
{
	char	line[64];

	if (write_file("/proc/self/setgroups", "deny") == -1)
		return fail("write", "/proc/self/setgroups");
	snprintf(line, sizeof(line), "%u %u 1", (unsigned)caps->uid,
	    (unsigned)caps->uid);
	if (write_file("/proc/self/uid_map", line) == -1)
		return fail("write", "/proc/self/uid_map");
	snprintf(line, sizeof(line), "%u %u 1", (unsigned)caps->gid,
	    (unsigned)caps->gid);
	if (write_file("/proc/self/gid_map", line) == -1)
		return fail("write", "/proc/self/gid_map");
	return 0;
}

/*
 * The rule list of every profile, once per worker, resolved here so
 * that the worker's answers and the spawners' Landlock rules (which
 * inherit the lists) see the same files.  ld.so is named by its real
 * path: what an execve resolves to.
 */
static int
build_policies(struct jail *j)
{
	size_t	i;

	if (realpath(LDSO, j->ldso) == NULL)
		str_copy(j->ldso, LDSO, sizeof(j->ldso));
	if ((j->policy = calloc(j->ps->n ? j->ps->n : 1,
	    sizeof(*j->policy))) == NULL)
		return fail("build", "rule lists");
	for (i = 0; i < j->ps->n; i++)
		if (jail_policy_build(&j->ps->v[i], j->ldso, &j->policy[i]) ==
		    -1 || jail_policy_resolve(&j->policy[i]) == -1)
			return fail("build", "rule lists");
	return 0;
}

/* Is path the same as, or beneath, an entry the jail always hides? */
static const char *
always_hidden(const char *path)
{
	static char	 hit[PATH_MAX];
	size_t		 i, n;

	for (i = 0; i < nitems(masked) + nitems(proc_masked); i++) {
		const char *m = i < nitems(masked) ? masked[i] :
		    proc_masked[i - nitems(masked)];

		n = strcspn(m, "*?[");
		/* "/etc/shadow*": the literal part, as a prefix */
		if (m[n] != '\0' ? strncmp(path, m, n) == 0 :
		    path_under(path, m)) {
			str_copy(hit, m, sizeof(hit));
			return hit;
		}
	}
	return NULL;
}

int
jail_check_profiles(const struct profile_set *ps, char *err, size_t errsz)
{
	const struct strlist	*l;
	const char		*m;
	size_t			 i, k, w;

	for (i = 0; i < ps->n; i++)
		for (w = 0; w < 2; w++) {
			l = w == 0 ? &ps->v[i].read_allow : &ps->v[i].bind_ro;
			for (k = 0; k < l->n; k++) {
				if ((m = always_hidden(l->v[k])) == NULL)
					continue;
				snprintf(err, errsz, "%s: profile %s: %s = %s: "
				    "the jail always hides %s; this cannot take "
				    "effect", ps->v[i].file ? ps->v[i].file :
				    "(built in)", ps->v[i].name, w == 0 ?
				    "read" : "bind_ro", l->v[k], m);
				return -1;
			}
		}
	return 0;
}

struct jail *
jail_policies_new(const struct profile_set *ps)
{
	struct jail	*j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->ps = ps;
	if (build_policies(j) == -1) {
		jail_policies_free(j);
		return NULL;
	}
	return j;
}

void
jail_policies_free(struct jail *j)
{
	size_t	i;

	if (j == NULL)
		return;
	for (i = 0; j->policy != NULL && i < j->ps->n; i++)
		jail_policy_free(&j->policy[i]);
	free(j->policy);
	free(j);
}

int
jail_worker_enter(struct jail *j, const struct jail_caps *caps,
    const struct config *cf, const struct profile_set *ps)
{
	struct mnt_attr	 ro = { 0 };
	size_t		 i;

	memset(j, 0, sizeof(*j));
	j->caps = *caps;
	j->ps = ps;

	/* 0. Rootless: our own id, mapped, before anything else. */
	if (caps->rootless && userns_map(caps) == -1)
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

	/* 3. A /dev of five nodes, and a /proc of this PID namespace:
	 *    processes of other users are invisible, the host-neutral files
	 *    status scripts read (loadavg, uptime, meminfo, cpuinfo, stat,
	 *    version) are there, the kernel's internals are masked.  Writes
	 *    are Landlock's to refuse: /proc is in no write rule. */
	if (build_dev() == -1)
		return -1;
	if (mount("proc", NEWROOT "/proc", "proc", MS_NOSUID | MS_NODEV |
	    MS_NOEXEC, "hidepid=invisible") == -1)
		return fail("mount", "/proc");
	for (i = 0; i < nitems(proc_masked); i++)
		if (mask_glob(proc_masked[i]) == -1)
			return -1;

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

	/* 7. One rule list per profile, for the spawners' Landlock rules
	 *    and for this worker's answers about denied calls. */
	return build_policies(j);
}

const struct jail_policy *
jail_policy_of(const struct jail *j, const struct profile *p)
{
	size_t	i;

	if (j->ps == NULL || j->policy == NULL)
		return NULL;
	if (p >= j->ps->v && p < j->ps->v + j->ps->n)
		return &j->policy[p - j->ps->v];
	for (i = 0; i < j->ps->n; i++)
		if (strcmp(j->ps->v[i].name, p->name) == 0)
			return &j->policy[i];
	return NULL;
}

/* ----------------------------------------------------------- spawner */

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
	/* written, never run: not by execve, not by the loader's mmap */
	rw.attr_clr = MOUNT_ATTR_RDONLY;
	rw.attr_set = MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSUID |
	    MOUNT_ATTR_NODEV;
	if (syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &rw,
	    sizeof(rw)) == -1)
		return fail("make writable", path);
	return 0;
}

/*
 * Where the limit allows: a request's child copies the spawner's
 * descriptors below its own and never those above (jail_child_exec).
 * Where it does not, the child copies this one and closes it again,
 * which costs time, not safety.
 */
int
jail_fd_high(int fd)
{
	int	nfd;

	if (fd < 0 || fd >= JAIL_FD_HIGH ||
	    (nfd = fcntl(fd, F_DUPFD_CLOEXEC, JAIL_FD_HIGH)) == -1)
		return fd;
	close(fd);
	return nfd;
}

/* quiet_missing: a profile path that does not exist grants nothing. */
static int
open_anchor(const char *path, int quiet_missing)
{
	int	fd;

	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd == -1 && !(quiet_missing && errno == ENOENT))
		log_msg(LOG_WARNING, "landlock: %s: %s", path,
		    strerror(errno));
	return jail_fd_high(fd);
}

static int
anchor_add(struct jail *j, int fd, unsigned access)
{
	struct jail_anchor	*v;

	if ((v = reallocarray(j->anchor, j->nanchor + 1, sizeof(*v))) ==
	    NULL) {
		close(fd);
		return -1;
	}
	j->anchor = v;
	v[j->nanchor].fd = fd;
	v[j->nanchor].access = access;
	j->nanchor++;
	return 0;
}

/*
 * Does an earlier or a directory rule of pol already grant what rule
 * `self' grants path?  Landlock grants a directory rule's rights to all
 * beneath it, and every rule is copied into each request's domain: an
 * anchor the others cover only costs.  Compared resolved (the anchor is
 * the inode path leads to): a resolved path lies beneath a rule's path
 * only when that path is resolved too, so the rule's anchor is an
 * ancestor of this one's.  Only the rights Landlock gives count.
 */
static int
anchor_covered(const struct jail_policy *pol, size_t self, const char *path)
{
	const unsigned		 ll = JAIL_EXEC | JAIL_READ | JAIL_WRITE |
	    JAIL_REFER | JAIL_DEV;
	const struct jail_rule	*r;
	unsigned		 want = pol->v[self].access & ll;
	char			 real[PATH_MAX];
	size_t			 i, l;

	if (realpath(path, real) == NULL)
		return 0;
	for (i = 0; i < pol->n; i++) {
		r = &pol->v[i];
		if (i == self || r->match != JAIL_BENEATH ||
		    (r->access & JAIL_OWN_FD) || (r->access & want) != want)
			continue;
		l = strlen(r->path);
		if (strcmp(r->path, "/") == 0 ? real[1] != '\0' :
		    strncmp(real, r->path, l) == 0 && (real[l] == '/' ||
		    (real[l] == '\0' && i < self)))
			return 1;
	}
	return 0;
}

int
jail_anchors_open(struct jail *j, const struct jail_policy *pol)
{
	const struct jail_rule	*r;
	glob_t			 g;
	size_t			 i, k;
	int			 fd;

	j->own = pol;
	for (i = 0; i < pol->n; i++) {
		r = &pol->v[i];
		/* the kernel's own answer, an inode already anchored, or
		 * nothing Landlock grants */
		if ((r->access & (JAIL_OWN_FD | JAIL_ALIAS)) ||
		    (r->access & (JAIL_EXEC |
		    JAIL_READ | JAIL_WRITE | JAIL_REFER | JAIL_DEV)) == 0)
			continue;
		switch (r->match) {
		case JAIL_GLOB:
			if (glob(r->path, GLOB_NOSORT, NULL, &g) != 0)
				break;
			for (k = 0; k < g.gl_pathc; k++) {
				if (anchor_covered(pol, i, g.gl_pathv[k]) ||
				    (fd = open_anchor(g.gl_pathv[k], 0)) == -1)
					continue;
				if (anchor_add(j, fd, r->access) == -1) {
					globfree(&g);
					return -1;
				}
			}
			globfree(&g);
			break;
		case JAIL_FILE:
		case JAIL_BENEATH:
			/* /tmp and /var/tmp: a slot's tmpfs roots are their
			 * anchors (ll_build).  The directories beneath are
			 * hidden by those mounts, and Landlock ignores the
			 * rules of a hidden mount point. */
			if (r->match == JAIL_BENEATH &&
			    (strcmp(r->path, scratch[0]) == 0 ||
			    strcmp(r->path, scratch[1]) == 0))
				break;
			if (anchor_covered(pol, i, r->path))
				break;
			if ((fd = open_anchor(r->path, r->match ==
			    JAIL_BENEATH)) != -1 &&
			    anchor_add(j, fd, r->access) == -1)
				return -1;
			break;
		}
	}
	return 0;
}

/* ------------------------------------------------------------- slots */

/*
 * One inode per 16K of size, at least 256: room for the files scripts
 * leave in /tmp (sessions, uploads, caches), and a bound on what
 * emptying a slot walks.
 */
#define SLOT_INODE_BYTES	(16 * 1024)
#define SLOT_MIN_INODES		256ULL
#define SLOT_ROOT_MODE		(S_ISVTX | 0777)

static unsigned long long
slot_inodes(unsigned long long size)
{
	unsigned long long	n = size / SLOT_INODE_BYTES;

	return n < SLOT_MIN_INODES ? SLOT_MIN_INODES : n;
}

/*
 * A slot: a copy of the mount namespace we are in (home), a fresh tmpfs
 * on /tmp and on /var/tmp in it, then back home.  Scripts may write
 * temporary files there, never run them.
 */
static int
slot_make(struct jail_slot *sl, unsigned long long size, int home)
{
	char	opts[96];
	size_t	i;

	sl->ns = sl->root[0] = sl->root[1] = -1;
	if (unshare(CLONE_NEWNS) == -1)
		return fail("unshare", "a slot's mount namespace");
	snprintf(opts, sizeof(opts), "size=%llu,nr_inodes=%llu,mode=%o",
	    size, slot_inodes(size), SLOT_ROOT_MODE);
	for (i = 0; i < nitems(scratch); i++) {
		if (mount("tmpfs", scratch[i], "tmpfs", MS_NOSUID | MS_NODEV |
		    MS_NOEXEC, opts) == -1)
			return fail("mount", scratch[i]);
		if ((sl->root[i] = open(scratch[i], O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) == -1)
			return fail("open", scratch[i]);
		sl->root[i] = jail_fd_high(sl->root[i]);
	}
	if ((sl->ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC)) == -1)
		return fail("open", "a slot's mount namespace");
	sl->ns = jail_fd_high(sl->ns);
	/* setns, unlike unshare, also puts us at the namespace's root */
	if (setns(home, CLONE_NEWNS) == -1)
		return fail("return to", "the spawner's mount namespace");
	return 0;
}

/*
 * A slot's IPC namespace.  The spawner runs under its own filter, which
 * lets the namespace calls through only with its key in the registers
 * each call leaves unused (filter.c); before the filter, and in tests,
 * the key is simply ignored.
 */
static const uint64_t	no_key[3];

static const uint64_t *
ipc_key(const struct jail *j)
{
	return j->key != NULL ? j->key : no_key;
}

static int
ipc_enter(const struct jail *j, int ns)
{
	const uint64_t	*k = ipc_key(j);

	return syscall(SYS_setns, ns, CLONE_NEWIPC, k[0], k[1], k[2]) ==
	    -1 ? -1 : 0;
}

/* The SysV kinds the spawner probes: those scripts can use and it can. */
static unsigned
ipc_probed(const struct jail *j)
{
	return j->ipc_kinds & ~j->ipc_blind &
	    (FILTER_IPC_SHM | FILTER_IPC_SEM | FILTER_IPC_MSG);
}

/*
 * One object of each probed kind, made and removed at once, in the IPC
 * namespace we are in; its id into id[].  The kernel gives ids in
 * order (ipc_idr_alloc: the next index, cyclic, and a sequence number
 * counted up at each wrap), so the next probe in a namespace nobody
 * else used gets the next id.  The kind's count of objects (*_INFO)
 * must be 0 after it: one left behind makes the id INT_MIN, which no
 * mark expects.  -1: errno.
 */
static int
ipc_probe(const struct jail *j, int id[3])
{
	unsigned	kinds = ipc_probed(j);
	union {
		struct shm_info	shm;
		struct seminfo	sem;
		struct msginfo	msg;
	}		info;

	id[0] = id[1] = id[2] = -1;
	if (kinds & FILTER_IPC_SHM) {
		if ((id[0] = shmget(IPC_PRIVATE, 1, IPC_CREAT | 0600)) == -1 ||
		    shmctl(id[0], IPC_RMID, NULL) == -1 ||
		    shmctl(0, SHM_INFO, (struct shmid_ds *)&info.shm) == -1)
			return -1;
		if (info.shm.used_ids != 0)
			id[0] = INT_MIN;
	}
	if (kinds & FILTER_IPC_SEM) {
		if ((id[1] = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600)) == -1 ||
		    semctl(id[1], 0, IPC_RMID) == -1 ||
		    semctl(0, 0, SEM_INFO, &info.sem) == -1)
			return -1;
		if (info.sem.semusz != 0)
			id[1] = INT_MIN;
	}
	if (kinds & FILTER_IPC_MSG) {
		if ((id[2] = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) == -1 ||
		    msgctl(id[2], IPC_RMID, NULL) == -1 ||
		    msgctl(0, MSG_INFO, (struct msqid_ds *)&info.msg) == -1)
			return -1;
		if (info.msg.msgpool != 0)
			id[2] = INT_MIN;
	}
	return 0;
}

static int
ipc_mq_stat(int mq, struct jail_ipc_mark *m)
{
	struct stat	st;

	memset(&m->mq_mtime, 0, sizeof(m->mq_mtime));
	memset(&m->mq_ctime, 0, sizeof(m->mq_ctime));
	m->mq_size = 0;
	if (mq == -1)
		return 0;
	if (fstat(mq, &st) == -1)
		return -1;
	m->mq_mtime = st.st_mtim;
	m->mq_ctime = st.st_ctim;
	m->mq_size = st.st_size;
	return 0;
}

/*
 * The root of the mqueue file system of the IPC namespace we are in, as
 * a detached mount only we hold: POSIX queues are its files.
 */
static int
ipc_mq_open(const struct jail *j)
{
	const uint64_t	*k = ipc_key(j);
	int		 fs, mnt;

	if ((fs = syscall(SYS_fsopen, "mqueue", FSOPEN_CLOEXEC, k[0], k[1],
	    k[2])) == -1)
		return -1;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0,
	    k[0]) == -1) {
		close(fs);
		return -1;
	}
	mnt = syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY |
	    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, k[0],
	    k[1], k[2]);
	close(fs);
	return mnt;
}

/* A kernel without SysV IPC has none of its kinds to watch. */
static void
ipc_kinds_present(struct jail *j)
{
	struct shminfo	shm;
	struct seminfo	sem;
	struct msginfo	msg;

	if (shmctl(0, IPC_INFO, (struct shmid_ds *)&shm) == -1 &&
	    errno == ENOSYS)
		j->ipc_kinds &= ~FILTER_IPC_SHM;
	if (semctl(0, 0, IPC_INFO, &sem) == -1 && errno == ENOSYS)
		j->ipc_kinds &= ~FILTER_IPC_SEM;
	if (msgctl(0, IPC_INFO, (struct msqid_ds *)&msg) == -1 &&
	    errno == ENOSYS)
		j->ipc_kinds &= ~FILTER_IPC_MSG;
}

int
jail_ipc_untouched(const struct jail_ipc_mark *was,
    const struct jail_ipc_mark *now)
{
	size_t	k;

	for (k = 0; k < nitems(was->id); k++) {
		if (was->id[k] == -1)
			continue;
		/* a wrap, or a counter run backwards: not as left */
		if (was->id[k] > INT_MAX - was->step[k] ||
		    now->id[k] != was->id[k] + was->step[k])
			return 0;
	}
	return was->mq_mtime.tv_sec == now->mq_mtime.tv_sec &&
	    was->mq_mtime.tv_nsec == now->mq_mtime.tv_nsec &&
	    was->mq_ctime.tv_sec == now->mq_ctime.tv_sec &&
	    was->mq_ctime.tv_nsec == now->mq_ctime.tv_nsec &&
	    was->mq_size == now->mq_size;
}

int
jail_slot_ipc_make(struct jail *j, struct jail_slot *sl)
{
	struct jail_ipc_mark	m;
	const uint64_t		*k = ipc_key(j);
	const char		*step;
	size_t			 i;
	int			 ns = -1, mq = -1, first[3];

	/* made in the user namespace we are in: rootless, the children's */
	step = "unshare";
	if (syscall(SYS_unshare, CLONE_NEWIPC, k[0], k[1], k[2]) == -1)
		goto fail;
	step = "open";
	if ((ns = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC)) == -1)
		goto fail;
	step = "mount the mqueue file system of";
	if ((j->ipc_kinds & FILTER_IPC_MQ) && (mq = ipc_mq_open(j)) == -1) {
		if (errno != ENODEV)
			goto fail;
		/* a kernel without POSIX queues: none to watch */
		j->ipc_kinds &= ~FILTER_IPC_MQ;
	}
	/* two probes in a row: the step an untouched namespace shows */
	step = "probe";
	if (ipc_probe(j, first) == -1 || ipc_probe(j, m.id) == -1)
		goto fail;
	for (i = 0; i < nitems(m.id); i++)
		m.step[i] = m.id[i] - first[i];
	if (ipc_mq_stat(mq, &m) == -1)
		goto fail;
	step = "return to";
	if (ipc_enter(j, j->ipc_home) == -1)
		goto fail_home;
	if (sl->ipc != -1)
		close(sl->ipc);
	if (sl->mq != -1)
		close(sl->mq);
	/* long-lived: out of the children's way (jail_fd_high) */
	sl->ipc = jail_fd_high(ns);
	sl->mq = jail_fd_high(mq);
	sl->ipc_mark = m;
	return 0;
fail:
	/* back home: we must never stay in what is being thrown away */
	if (ipc_enter(j, j->ipc_home) == -1) {
		step = "return to";
fail_home:
		log_msg(LOG_ERR, "jail: %s the spawner's IPC namespace: %s",
		    step, strerror(errno));
	} else
		log_msg(LOG_ERR, "jail: %s a slot's IPC namespace: %s", step,
		    strerror(errno));
	if (ns != -1)
		close(ns);
	if (mq != -1)
		close(mq);
	return -1;
}

/*
 * After a request: was the slot's IPC namespace left as the last probe
 * saw it?  1 yes, 0 no (or cannot tell), with the probes' new mark
 * kept on yes.  Costs two setns() and a probe of each kind.
 */
static int
slot_ipc_untouched(struct jail *j, struct jail_slot *sl)
{
	struct jail_ipc_mark	now;
	int			ok;

	if ((j->ipc_blind & j->ipc_kinds) != 0)
		return 0;	/* a kind it cannot probe: never hand on */
	if (ipc_probed(j) == 0 && sl->mq == -1)
		return 1;	/* nothing a script can make here */
	if (ipc_enter(j, sl->ipc) == -1)
		return 0;
	ok = ipc_probe(j, now.id) == 0 && ipc_mq_stat(sl->mq, &now) == 0;
	if (ipc_enter(j, j->ipc_home) == -1) {
		log_msg(LOG_ERR, "jail: return to the spawner's IPC "
		    "namespace: %s", strerror(errno));
		return 0;
	}
	if (!ok || !jail_ipc_untouched(&sl->ipc_mark, &now))
		return 0;
	memcpy(now.step, sl->ipc_mark.step, sizeof(now.step));
	sl->ipc_mark = now;
	return 1;
}

/*
 * n slots, made while the spawner still has every capability it had and
 * no filter.  Each slot's two roots are Landlock anchors with the
 * scratch rule's rights (jail_policy_build): a rule on the directory
 * /tmp would not reach into a mount on top of it, Landlock walks up
 * from a file only through the mounts above it.  A ruleset holds the
 * roots of its own slot only (ll_build): every rule is copied into the
 * child's domain on each request.  No path reaches another slot's roots
 * anyway: they are mounted in other namespaces alone and the PID
 * namespace hides other processes' /proc/PID/root.
 */
static int
slots_make(struct jail *j, const struct profile *p, size_t n)
{
	const struct jail_policy	*pol;
	struct jail_slot		*sl;
	size_t				 i;
	int				 home;

	if ((pol = jail_policy_of(j, p)) != NULL)
		for (i = 0; i < pol->n; i++)
			if (strcmp(pol->v[i].path, scratch[0]) == 0)
				j->slot_access = pol->v[i].access;
	if ((j->slot = calloc(n, sizeof(*j->slot))) == NULL)
		return fail("allocate", "slots");
	if ((home = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC)) == -1)
		return fail("open", "the spawner's mount namespace");
	for (i = 0; i < n; i++) {
		sl = &j->slot[i];
		sl->ipc = sl->mq = -1;
		if (slot_make(sl, p->limit_tmp, home) == -1 ||
		    jail_slot_ipc_make(j, sl) == -1) {
			close(home);
			return -1;
		}
		j->nslot++;
	}
	close(home);
	return 0;
}

static void
slot_retire(struct jail *j, struct jail_slot *sl)
{
	size_t	k, i, si = sl - j->slot;

	for (k = 0; k < nitems(sl->root); k++) {
		close(sl->root[k]);
		sl->root[k] = -1;
	}
	/* no ruleset keeps the retired inodes in its rules */
	for (i = 0; i < JAIL_RULESET_CACHE; i++)
		if (j->cache[i].fd > 0 && j->cache[i].slot == si) {
			close(j->cache[i].fd);
			j->cache[i].fd = 0;
		}
	/* the last reference: the namespace and its two tmpfs go */
	close(sl->ns);
	sl->ns = -1;
	/* and the IPC namespace with every object left in it */
	if (sl->ipc != -1)
		close(sl->ipc);
	if (sl->mq != -1)
		close(sl->mq);
	sl->ipc = sl->mq = -1;
}

/*
 * Empty the directory dfd (which we own), without following a symbolic
 * link and without a descriptor per level: a directory that is not
 * empty is entered, and left through ".." once it is, so two
 * descriptors do for any depth.  Bounded by the tmpfs's inodes.
 * Nothing else runs in the slot: its request's PID namespace is gone.
 */
static int
tree_empty(int dfd)
{
	DIR		*d;
	struct dirent	*e;
	int		 fd, up, depth = 0, again;

	if ((fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return -1;
	for (;;) {
		if ((d = fdopendir(fd)) == NULL) {
			close(fd);
			return -1;
		}
		again = 0;
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			if (unlinkat(fd, e->d_name, 0) == 0)
				continue;
			if (errno == EISDIR &&
			    unlinkat(fd, e->d_name, AT_REMOVEDIR) == 0)
				continue;
			if (errno != ENOTEMPTY && errno != EEXIST) {
				closedir(d);
				return -1;
			}
			/* not empty: go down into it */
			if ((up = openat(fd, e->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
				closedir(d);
				return -1;
			}
			closedir(d);
			fd = up;
			depth++;
			again = 1;
			break;
		}
		if (again)
			continue;
		if (depth == 0) {
			closedir(d);
			return 0;
		}
		/* empty: back up, where it is removed on the next pass */
		up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		closedir(d);
		if (up == -1)
			return -1;
		fd = up;
		depth--;
	}
}

/*
 * Used anything beyond the root itself?  1 yes, 0 no, -1 cannot tell.
 * The root must also be as made: a script that owns it (rootless) could
 * have changed its mode.
 */
static int
slot_used(int root)
{
	struct statfs	sf;
	struct stat	st;

	if (fstatfs(root, &sf) == -1 || fstat(root, &st) == -1)
		return -1;
	return sf.f_files - sf.f_ffree > 1 || sf.f_blocks != sf.f_bfree ||
	    (st.st_mode & 07777) != SLOT_ROOT_MODE;
}

int
jail_slot_reset(struct jail *j, size_t i)
{
	struct jail_slot	*sl = &j->slot[i];
	const char		*why;
	size_t			 k;
	int			 used;

	if (sl->ns == -1)
		return -1;
	for (k = 0; k < nitems(sl->root); k++) {
		if ((used = slot_used(sl->root[k])) == 0)
			continue;
		why = NULL;
		if (used == -1 || tree_empty(sl->root[k]) == -1 ||
		    fchmod(sl->root[k], SLOT_ROOT_MODE) == -1 ||
		    (used = slot_used(sl->root[k])) == -1)
			why = strerror(errno);
		else if (used)
			why = "something is left";
		if (why == NULL)
			continue;
		log_msg(LOG_ERR, "spawner: cannot empty %s of slot %zu: %s; "
		    "the slot is retired", scratch[k], i, why);
		slot_retire(j, sl);
		return -1;
	}
	/*
	 * The IPC namespace must be as the last request found it, not
	 * merely empty: ids given out in between would tell the next
	 * request that someone was there.  One that was used is replaced,
	 * the normal path for a script that uses IPC; the old one goes
	 * with its last descriptor, and its objects with it.
	 */
	if (sl->ipc == -1 || slot_ipc_untouched(j, sl))
		return 0;
	log_msg(LOG_DEBUG, "spawner: slot %zu's IPC namespace is not as "
	    "left (used, or its ids wrapped); a fresh one replaces it", i);
	if (jail_slot_ipc_make(j, sl) == 0)
		return 0;
	log_msg(LOG_ERR, "spawner: cannot replace the IPC namespace of slot "
	    "%zu; the slot is retired", i);
	slot_retire(j, sl);
	return -1;
}

int
jail_spawner_enter(struct jail *j, const struct profile *p,
    const struct filter *f, size_t nslot)
{
	const struct jail_policy	*pol;
	size_t				 i;
	int				 lfd;

	/* 1. This profile's view of the filesystem, in a mount namespace
	 *    of its own: writable paths, extra masks.  /tmp and /var/tmp
	 *    are each request's own (step 2c). */
	if (unshare(CLONE_NEWNS) == -1)
		return fail("unshare", "mount namespace");
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

	for (i = 0; j->ps != NULL && i < j->ps->n; i++) {
		const struct strlist	*l = &j->ps->v[i].net_unix;
		size_t			 k;

		for (k = 0; k < l->n; k++)
			if (!strlist_has(&p->net_unix, l->v[k]) &&
			    access(l->v[k], F_OK) == 0 &&
			    mount("/dev/null", l->v[k], NULL, MS_BIND, NULL)
			    == -1)
				return fail("hide", l->v[k]);
	}

	/* 2. Landlock anchors from the profile's rule list, opened once,
	 *    after the mounts above (the scratch anchors are the private
	 *    tmpfs); each script's ruleset is built from these plus the
	 *    script and its interpreter. */
	if (j->caps.landlock_abi >= 1) {
		if ((pol = jail_policy_of(j, p)) == NULL) {
			errno = ENOENT;
			return fail("find", "the profile's rule list");
		}
		if (jail_anchors_open(j, pol) == -1)
			return fail("open", "landlock anchors");
	}

	/* 2b. Rootless: the spawner and its children go into a user
	 *     namespace of their own.  RLIMIT_NPROC counts the processes
	 *     of a uid per user namespace, and every process here has the
	 *     same uid: without this, the worker's threads would use up the
	 *     scripts' process limit.  After the mounts, which this user
	 *     namespace could no longer change; CLONE_NEWPID still works,
	 *     its capability is checked in the new namespace. */
	if (j->caps.rootless && (unshare(CLONE_NEWUSER) == -1 ?
	    fail("unshare", "user namespace") : userns_map(&j->caps)) == -1)
		return -1;

	/* 2c. The slots: a mount namespace for each request that can run
	 *     at once, each with its own /tmp and /var/tmp.  setns() needs
	 *     CAP_SYS_ADMIN over the namespace's owner: rootless, they are
	 *     made in the user namespace above, from a copy of ours made
	 *     there too, so that the spawner can return to it and its
	 *     children enter them. */
	if (j->caps.rootless && unshare(CLONE_NEWNS) == -1)
		return fail("unshare", "mount namespace");
	/*     Each slot has an IPC namespace too, made here and entered
	 *     by the child with setns(): making and freeing one per
	 *     request cost 40-55 us of CPU.  The spawner's own, made in
	 *     the same user namespace, is where it returns to after
	 *     making or checking one. */
	j->key = f->exec_key;
	j->ipc_kinds = f->ipc_kinds;
	j->ipc_blind = f->ipc_blind;
	if (unshare(CLONE_NEWIPC) == -1)
		return fail("unshare", "the spawner's IPC namespace");
	if ((j->ipc_home = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC)) ==
	    -1)
		return fail("open", "the spawner's IPC namespace");
	j->ipc_home = jail_fd_high(j->ipc_home);
	ipc_kinds_present(j);
	if (slots_make(j, p, nslot) == -1)
		return -1;

	/* 3. Capabilities: only what creating a child needs remains, the
	 *    bounding set goes, so nothing can come back through execve.
	 *    Rootless, the child keeps its uid and needs nothing but the
	 *    PID namespace the spawner gives it and its slot.  setns()
	 *    into a slot takes CAP_SYS_CHROOT as well as CAP_SYS_ADMIN.
	 *    Emptying a slot takes CAP_DAC_OVERRIDE (a directory a script
	 *    left mode 000) and CAP_FOWNER (its files in the sticky /tmp):
	 *    running the emptying as the profile's uid instead would cost
	 *    a process per dirty slot, and this process already holds
	 *    CAP_SYS_ADMIN, which outweighs both.  The child loses all of
	 *    them when it leaves uid 0 or, rootless, at execve (proven in
	 *    jail_child_exec). */
	capng_clear(CAPNG_SELECT_ALL);
	if (j->caps.rootless)
		capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		    CAP_SYS_ADMIN, CAP_SYS_CHROOT, CAP_DAC_OVERRIDE,
		    CAP_FOWNER, -1);
	else
		capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		    CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID, CAP_KILL,
		    CAP_SYS_CHROOT, CAP_DAC_OVERRIDE, CAP_FOWNER, -1);
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

/* ----------------------------------------------------- the rule list */

static int
rule_add(struct jail_policy *pol, const char *path, size_t len,
    enum jail_match match, unsigned access)
{
	struct jail_rule	*v;
	char			*s;

	if ((s = strndup(path, len)) == NULL)
		return -1;
	if ((v = reallocarray(pol->v, pol->n + 1, sizeof(*v))) == NULL) {
		free(s);
		return -1;
	}
	pol->v = v;
	v[pol->n].path = s;
	v[pol->n].match = match;
	v[pol->n].access = access;
	pol->n++;
	return 0;
}

/*
 * A profile entry: a trailing "**" component stands for the directory
 * before it (the root, when nothing is before it), which is what a
 * Landlock rule on that directory grants; any other glob is matched as
 * such; a plain path covers itself and, a directory, all beneath it.
 */
static int
rule_add_entry(struct jail_policy *pol, const char *e, unsigned access)
{
	const char	*w;
	size_t		 n;

	n = strlen(e);
	if ((w = strpbrk(e, "*?[")) == NULL)
		return rule_add(pol, e, n, JAIL_BENEATH, access);
	if (n >= 3 && w == e + n - 2 && strcmp(e + n - 3, "/**") == 0)
		return rule_add(pol, e, n > 3 ? n - 3 : 1, JAIL_BENEATH,
		    access);
	return rule_add(pol, e, n, JAIL_GLOB, access);
}

int
jail_policy_build(const struct profile *p, const char *ldso,
    struct jail_policy *pol)
{
	static const char *const own_dirs[] = { "/dev/fd", "/proc/self/fd" };
	static const char *const own_files[] = { "/dev/stdout", "/dev/stderr" };
	char	dev[32];
	size_t	i;
	int	rc = 0;

	pol->v = NULL;
	pol->n = 0;
	/* The read view (see readable[]), and what the profile adds. */
	for (i = 0; i < nitems(readable); i++)
		rc |= rule_add_entry(pol, readable[i], JAIL_READ);
	for (i = 0; i < p->read_allow.n; i++)
		rc |= rule_add_entry(pol, p->read_allow.v[i], JAIL_READ);
	/* bind_ro: the same, for paths (the host is in sight read-only;
	 * what it adds is reading) */
	for (i = 0; i < p->bind_ro.n; i++)
		rc |= rule_add_entry(pol, p->bind_ro.v[i], JAIL_READ);
	/*
	 * ld.so is the ELF interpreter of every dynamic binary, and the
	 * kernel opens it for execution; run directly, it would start any
	 * program it can read, so an execve of it is refused.
	 */
	rc |= rule_add(pol, ldso, strlen(ldso), JAIL_FILE,
	    JAIL_EXEC | JAIL_LOADER);
	/* Private, writable, noexec: the scripts' scratch space. */
	for (i = 0; i < nitems(scratch); i++)
		rc |= rule_add(pol, scratch[i], strlen(scratch[i]),
		    JAIL_BENEATH, JAIL_READ | JAIL_WRITE | JAIL_NOEXEC);
	/* A /dev of five nodes, on a noexec tmpfs. */
	rc |= rule_add(pol, "/dev", 4, JAIL_BENEATH, JAIL_NOEXEC);
	for (i = 0; i < nitems(devnodes); i++) {
		snprintf(dev, sizeof(dev), "/dev/%s", devnodes[i]);
		rc |= rule_add(pol, dev, strlen(dev), JAIL_FILE, JAIL_DEV);
	}
	/* The script's own fds (pipes), under other names. */
	for (i = 0; i < nitems(own_dirs); i++)
		rc |= rule_add(pol, own_dirs[i], strlen(own_dirs[i]),
		    JAIL_BENEATH, JAIL_READ | JAIL_WRITE | JAIL_OWN_FD);
	for (i = 0; i < nitems(own_files); i++)
		rc |= rule_add(pol, own_files[i], strlen(own_files[i]),
		    JAIL_FILE, JAIL_WRITE | JAIL_OWN_FD);
	/* The profile's. */
	for (i = 0; i < p->exec_allow.n; i++)
		rc |= rule_add_entry(pol, p->exec_allow.v[i], JAIL_EXEC);
	for (i = 0; i < p->writable.n; i++)
		rc |= rule_add_entry(pol, p->writable.v[i],
		    JAIL_READ | JAIL_WRITE | JAIL_REFER);
	if (rc != 0) {
		jail_policy_free(pol);
		return -1;
	}
	return 0;
}

/* path, and its resolved form when that differs. */
static int
rule_add_resolved(struct jail_policy *pol, const char *path,
    enum jail_match match, unsigned access)
{
	char	real[PATH_MAX];

	if (rule_add(pol, path, strlen(path), match, access) == -1)
		return -1;
	if (realpath(path, real) == NULL || strcmp(real, path) == 0)
		return 0;
	return rule_add(pol, real, strlen(real), match, access | JAIL_ALIAS);
}

int
jail_policy_resolve(struct jail_policy *pol)
{
	struct jail_policy	 out = { NULL, 0 };
	const struct jail_rule	*r;
	glob_t			 g;
	size_t			 i, k;
	int			 rc = 0;

	for (i = 0; i < pol->n && rc == 0; i++) {
		r = &pol->v[i];
		switch (r->match) {
		case JAIL_GLOB:
			/* a match that is a directory covers what is
			 * beneath, as its Landlock rule does */
			if (glob(r->path, GLOB_NOSORT, NULL, &g) != 0)
				break;
			for (k = 0; k < g.gl_pathc && rc == 0; k++)
				rc = rule_add_resolved(&out, g.gl_pathv[k],
				    JAIL_BENEATH, r->access);
			globfree(&g);
			break;
		case JAIL_FILE:
		case JAIL_BENEATH:
			/* /dev/fd resolves to this process's own fds */
			if (!(r->access & (JAIL_OWN_FD | JAIL_ALIAS))) {
				rc = rule_add_resolved(&out, r->path,
				    r->match, r->access);
				break;
			}
			rc = rule_add(&out, r->path, strlen(r->path),
			    r->match, r->access);
			break;
		}
	}
	if (rc != 0) {
		jail_policy_free(&out);
		return -1;
	}
	jail_policy_free(pol);
	*pol = out;
	return 0;
}

void
jail_policy_free(struct jail_policy *pol)
{
	size_t	i;

	for (i = 0; i < pol->n; i++)
		free(pol->v[i].path);
	free(pol->v);
	pol->v = NULL;
	pol->n = 0;
}

/* Does rule r name path? */
static int
rule_match(const struct jail_rule *r, const char *path)
{
	switch (r->match) {
	case JAIL_FILE:
		return strcmp(path, r->path) == 0;
	case JAIL_BENEATH:
		return path_under(path, r->path);
	case JAIL_GLOB:
		return profile_glob_match(r->path, path);
	}
	return 0;
}

int
jail_policy_exec(const struct jail_policy *pol, const char *canon,
    const char *raw, const char *script, const char *interp)
{
	const struct jail_rule	*r;
	size_t			 i;

	/* nothing on a noexec mount runs, resolvable here or not (the
	 * scratch space is the spawner's, invisible from the worker) */
	for (i = 0; i < pol->n; i++) {
		r = &pol->v[i];
		if ((r->access & JAIL_NOEXEC) && (rule_match(r, raw) ||
		    (canon != NULL && rule_match(r, canon))))
			return 0;
	}
	if (canon == NULL)
		return -1;	/* nothing there: the kernel says so itself */
	if ((script != NULL && strcmp(canon, script) == 0) ||
	    (interp != NULL && strcmp(canon, interp) == 0))
		return 1;
	for (i = 0; i < pol->n; i++) {
		r = &pol->v[i];
		if ((r->access & JAIL_LOADER) && rule_match(r, canon))
			return 0;
	}
	for (i = 0; i < pol->n; i++) {
		r = &pol->v[i];
		if ((r->access & JAIL_EXEC) && !(r->access & JAIL_LOADER) &&
		    (rule_match(r, canon) || rule_match(r, raw)))
			return 1;
	}
	return 0;
}

int
jail_policy_write(const struct jail_policy *pol, const char *path)
{
	size_t	i;

	for (i = 0; i < pol->n; i++)
		if ((pol->v[i].access & (JAIL_WRITE | JAIL_DEV)) &&
		    rule_match(&pol->v[i], path))
			return 1;
	return 0;
}

int
jail_policy_read(const struct jail_policy *pol, const char *path)
{
	const struct jail_rule	*r;
	size_t			 i;

	for (i = 0; i < pol->n; i++) {
		r = &pol->v[i];
		if ((r->access & (JAIL_READ | JAIL_WRITE | JAIL_EXEC |
		    JAIL_DEV)) == 0)
			continue;
		if (rule_match(r, path))
			return 1;
		/* a glob names files or directories: beneath those too */
		if (r->match == JAIL_GLOB && (r->access & JAIL_READ)) {
			char	sub[PATH_MAX + 8];

			if (strlen(r->path) + 3 < sizeof(sub)) {
				snprintf(sub, sizeof(sub), "%s/**", r->path);
				if (profile_glob_match(sub, path))
					return 1;
			}
		}
	}
	return 0;
}

int
jail_may_exec(const struct jail *j, const struct profile *p,
    const char *dir, const char *script, const char *interp,
    const char *path, char *canon, size_t csz)
{
	const struct jail_policy	*pol;
	char				 buf[2 * PATH_MAX], real[PATH_MAX];
	int				 resolved;

	path_join(dir, path, buf, sizeof(buf));
	resolved = strlen(buf) < PATH_MAX && realpath(buf, real) != NULL;
	str_copy(canon, resolved ? real : buf, csz);
	if ((pol = jail_policy_of(j, p)) == NULL)
		return 0;
	return jail_policy_exec(pol, resolved ? real : NULL, buf, script,
	    interp);
}

int
jail_may_write(const struct jail *j, const struct profile *p,
    const char *dir, const char *path)
{
	const struct jail_policy	*pol;
	char				 buf[2 * PATH_MAX];

	if (path[0] == '\0')
		return 1;
	if ((pol = jail_policy_of(j, p)) == NULL)
		return 0;
	return jail_policy_write(pol, path_join(dir, path, buf,
	    sizeof(buf)));
}

/*
 * The path an execve names, as the calling process sees it: its own
 * /proc/self and descriptors, its working directory, its root.  Opened,
 * not resolved as text, so that the magic links under /proc/PID lead
 * into the caller's mounts, not ours.
 */
static int
open_as_caller(pid_t pid, const char *path)
{
	static const struct {
		const char	*prefix;
		int		 fd;	/* -1: the number follows */
	} fds[] = {
		{ "/proc/self/fd/", -1 }, { "/proc/thread-self/fd/", -1 },
		{ "/dev/fd/", -1 }, { "/dev/stdin", 0 }, { "/dev/stdout", 1 },
		{ "/dev/stderr", 2 },
	};
	static const char *const own[] = { "/proc/self/", "/proc/thread-self/" };
	char		 buf[PATH_MAX + 64], *end;
	const char	*num;
	size_t		 i, n;
	long		 fd;
	int		 pidfd, got;

	/*
	 * One of its descriptors: the directory /proc/PID/fd is its
	 * owner's alone, so take a copy of the descriptor itself.
	 */
	for (i = 0; i < nitems(fds); i++) {
		n = strlen(fds[i].prefix);
		if (strncmp(path, fds[i].prefix, n) != 0)
			continue;
		num = path + n;
		if (fds[i].fd >= 0) {
			if (*num != '\0')
				break;
			fd = fds[i].fd;
		} else {
			errno = 0;
			fd = strtol(num, &end, 10);
			if (*num == '\0' || *end != '\0' || errno != 0 ||
			    fd < 0 || fd > INT_MAX) {
				errno = EACCES;
				return -1;
			}
		}
		if ((pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1)
			return -1;
		got = (int)syscall(SYS_pidfd_getfd, pidfd, (int)fd, 0);
		close(pidfd);
		return got;
	}
	/* the rest of /proc/self is its own /proc/PID */
	for (i = 0; i < nitems(own); i++) {
		n = strlen(own[i]);
		if (strncmp(path, own[i], n) == 0) {
			snprintf(buf, sizeof(buf), "/proc/%d/%s", (int)pid,
			    path + n);
			return open(buf, O_PATH | O_CLOEXEC);
		}
	}
	snprintf(buf, sizeof(buf), "/proc/%d/%s/%s", (int)pid,
	    path[0] == '/' ? "root" : "cwd", path);
	if (strlen(buf) >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return open(buf, O_PATH | O_CLOEXEC);
}

int
jail_exec_verdict(const struct jail *j, const struct profile *p, pid_t pid,
    const char *script, const char *interp, const char *path, char *canon,
    size_t csz)
{
	const struct jail_policy	*pol;
	char				 link[64];
	struct stat			 st, ld;
	ssize_t				 n;
	int				 fd, v;

	str_copy(canon, path, csz);
	if (path[0] == '\0')
		return 0;	/* nothing we could read: refused */
	if ((fd = open_as_caller(pid, path)) == -1) {
		/* names nothing: the kernel would refuse it as well, and
		 * the answer is ours, so a path swapped in later cannot run */
		if (errno == EACCES || errno == EPERM)
			return 0;
		return errno != 0 ? -errno : -ENOENT;
	}
	if (fstat(fd, &st) == -1) {
		close(fd);
		return 0;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, canon, csz - 1);
	close(fd);
	if (n > 0)
		canon[n] = '\0';
	else
		str_copy(canon, path, csz);
	/* the loader, under any name: run directly it would start any
	 * program it can read */
	if (stat(j->ldso, &ld) == 0 && st.st_dev == ld.st_dev &&
	    st.st_ino == ld.st_ino)
		return 0;
	if (!S_ISREG(st.st_mode) || (pol = jail_policy_of(j, p)) == NULL)
		return 0;
	v = jail_policy_exec(pol, canon, path, script, interp);
	return v == 1 ? 1 : 0;
}

int
jail_may_read(const struct jail *j, const struct profile *p, const char *dir,
    const char *script, const char *interp, const char *path)
{
	const struct jail_policy	*pol;
	char				 buf[2 * PATH_MAX], canon[PATH_MAX];
	const char			*slash;
	size_t				 n;

	if (path[0] == '\0')
		return 1;
	path_join(dir, path, buf, sizeof(buf));
	/* nothing there: the kernel says so, nothing to widen */
	if (strlen(buf) >= PATH_MAX || realpath(buf, canon) == NULL)
		return 1;
	if ((script != NULL && strcmp(canon, script) == 0) ||
	    (interp != NULL && strcmp(canon, interp) == 0))
		return 1;
	if (script != NULL && (slash = strrchr(script, '/')) != NULL) {
		n = slash == script ? 1 : (size_t)(slash - script);
		if (strncmp(canon, script, n) == 0 &&
		    (canon[n] == '/' || canon[n] == '\0' || n == 1))
			return 1;
	}
	if ((pol = jail_policy_of(j, p)) == NULL)
		return 0;
	return jail_policy_read(pol, canon) || jail_policy_read(pol, buf);
}

/* ---------------------------------------------------------- Landlock */

/* The Landlock rights a rule's JAIL_* access grants. */
static uint64_t
ll_access(unsigned access)
{
	uint64_t	a = 0;

	if (access & JAIL_EXEC)
		a |= LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE;
	if (access & JAIL_READ)
		a |= LL_FS_READ;
	if (access & JAIL_WRITE)
		a |= LL_FS_WRITE;
	if (access & JAIL_REFER)
		a |= LANDLOCK_ACCESS_FS_REFER;
	if (access & JAIL_DEV)
		a |= LANDLOCK_ACCESS_FS_READ_FILE |
		    LANDLOCK_ACCESS_FS_WRITE_FILE |
		    LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return a;
}

static int
ll_rule(int rfd, int fd, uint64_t access)
{
	struct ll_path_beneath	pb;
	struct stat		st;

	if (fd == -1)
		return 0;
	/* a rule on a file may only hold the rights files have */
	if (fstat(fd, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode))
		access &= LL_FS_FILE;
	pb.allowed_access = access;
	pb.parent_fd = fd;
	return (int)syscall(SYS_landlock_add_rule, rfd,
	    LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
}

static int
ll_build(const struct jail *j, const struct profile *p, const char *path,
    const char *interp, size_t si)
{
	struct ll_ruleset_attr	 attr = { 0 };
	struct ll_net_port	 np;
	size_t			 attrsz, i, k;
	int			 abi = j->caps.landlock_abi;
	int			 rfd, sfd, ifd = -1, dfd = -1, rc = -1;
	uint64_t		 mask = ll_fs_mask(abi), run;
	char			 sdir[PATH_MAX];
	const char		*slash;

	attr.handled_access_fs = mask;
	attrsz = sizeof(uint64_t);
	if (abi >= 4) {
		/* no TCP bind or connect unless the profile names a port */
		attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP |
		    LANDLOCK_ACCESS_NET_CONNECT_TCP;
		attrsz = 2 * sizeof(uint64_t);
	}
	if (abi >= 6) {
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
	/* the script's own directory is in its read view: templates,
	 * libraries and data beside a script are what scripts read */
	if ((slash = strrchr(path, '/')) != NULL) {
		snprintf(sdir, sizeof(sdir), "%.*s",
		    slash == path ? 1 : (int)(slash - path), path);
		if ((dfd = open(sdir, O_PATH | O_DIRECTORY | O_CLOEXEC)) ==
		    -1)
			goto out;
	}
	/* The script and its interpreter, its directory, then the
	 * profile's rule list (jail_policy_build) through its anchors.
	 * The loader is on the list: the kernel opens it to run any
	 * dynamic program.  Run directly, it can map only what the read
	 * view lets it open, from mounts that allow execution (writable
	 * paths and scratch space are noexec); the worker also refuses and
	 * reports a direct execve of it (jail_exec_verdict), but that is a
	 * report, not the boundary: the path it reads can change before
	 * the kernel reads it again. */
	run = ll_access(JAIL_EXEC) & mask;
	if (ll_rule(rfd, sfd, run) == -1 || ll_rule(rfd, ifd, run) == -1 ||
	    ll_rule(rfd, dfd, ll_access(JAIL_READ) & mask) == -1)
		goto out;
	for (i = 0; i < j->nanchor; i++)
		if (ll_rule(rfd, j->anchor[i].fd,
		    ll_access(j->anchor[i].access) & mask) == -1)
			goto out;
	/* the request's /tmp and /var/tmp: its slot's, no other */
	for (k = 0; si < j->nslot && k < nitems(j->slot[si].root); k++)
		if (ll_rule(rfd, j->slot[si].root[k],
		    ll_access(j->slot_access) & mask) == -1)
			goto out;
	if (abi >= 4) {
		for (i = 0; i < p->net_tcp.n; i++) {
			np.allowed_access = LANDLOCK_ACCESS_NET_CONNECT_TCP;
			np.port = strtoul(p->net_tcp.v[i], NULL, 10);
			if (syscall(SYS_landlock_add_rule, rfd,
			    LANDLOCK_RULE_NET_PORT, &np, 0) == -1)
				goto out;
		}
	}
	rc = jail_fd_high(rfd);
out:
	if (dfd != -1)
		close(dfd);
	if (ifd != -1)
		close(ifd);
	if (sfd != -1)
		close(sfd);
	if (rc == -1)
		close(rfd);
	return rc;
}

/*
 * Built rulesets are kept by script and interpreter inode and slot: a
 * ruleset can be applied by any number of processes, so a request only
 * pays for landlock_restrict_self().  A replaced script is a new inode,
 * a new entry.  When full, the entry used longest ago goes: requests
 * take the lowest free slot, so the low slots' entries are the ones
 * used again.
 */
int
jail_ruleset(struct jail *j, const struct profile *p, const char *path,
    const char *interp, size_t si)
{
	struct stat	 ss, is;
	int		 i, old, fd;

	if (j->caps.landlock_abi < 1 || p->mode != MODE_ENFORCE)
		return -2;	/* nothing to apply */
	if (stat(path, &ss) == -1 ||
	    (interp != NULL && stat(interp, &is) == -1))
		return -1;
	if (interp == NULL)
		memset(&is, 0, sizeof(is));
	if (si >= j->nslot)
		si = (size_t)-1;
	old = 0;
	for (i = 0; i < JAIL_RULESET_CACHE; i++) {
		if (j->cache[i].fd <= 0) {
			old = i;	/* free: never used */
			j->cache[i].used = 0;
			continue;
		}
		if (j->cache[i].sdev == ss.st_dev &&
		    j->cache[i].sino == ss.st_ino &&
		    j->cache[i].idev == is.st_dev &&
		    j->cache[i].iino == is.st_ino && j->cache[i].slot == si) {
			j->cache[i].used = ++j->cache_clock;
			return j->cache[i].fd;
		}
		if (j->cache[i].used < j->cache[old].used)
			old = i;
	}
	if ((fd = ll_build(j, p, path, interp, si)) == -1)
		return -1;
	i = old;
	if (j->cache[i].fd > 0)
		close(j->cache[i].fd);
	j->cache[i].slot = si;
	j->cache[i].used = ++j->cache_clock;
	j->cache[i].sdev = ss.st_dev;
	j->cache[i].sino = ss.st_ino;
	j->cache[i].idev = is.st_dev;
	j->cache[i].iino = is.st_ino;
	j->cache[i].fd = fd;
	return fd;
}

/* ------------------------------------------------------------- child */

/*
 * The child runs on the spawner's static stack until execve, which
 * AddressSanitizer cannot follow: on its way out (_exit) it would try to
 * map memory the child's address-space limit no longer allows.  The
 * child's own code is therefore not instrumented in sanitizer builds.
 */
#ifdef __SANITIZE_ADDRESS__
#define CHILD_CODE	__attribute__((no_sanitize_address))
#else
#define CHILD_CODE
#endif

static void CHILD_CODE
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

	/* soft == hard: the script cannot raise what it was given.  0 is
	 * zero (RLIMIT_CORE: no core dumps), never "unlimited". */
	rl.rlim_cur = rl.rlim_max = v == PROFILE_UNLIMITED ? RLIM_INFINITY :
	    (rlim_t)v;
	return setrlimit(res, &rl);
}

/*
 * The per-request child, running in the spawner's memory until execve
 * (vfork semantics): no allocation, no stdio, only system calls.
 */
int CHILD_CODE
jail_child_exec(void *arg)
{
	struct jail_exec		*x = arg;
	const struct profile		*p = x->profile;
	int				 rootless = x->jail->caps.rootless;
	struct __user_cap_header_struct	 hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct	 cd[2];
	gid_t				 gid = p->gid;
	int				 low;
	const uint32_t			 spawner_caps = 1U << CAP_SYS_ADMIN |
	    1U << CAP_SYS_CHROOT | 1U << CAP_DAC_OVERRIDE | 1U << CAP_FOWNER;

	/* First the request's slot: its own /tmp and /var/tmp, in a mount
	 * namespace that is otherwise the spawner's.  Before the chdir:
	 * setns() puts us at the namespace's root.  The filter lets it
	 * through with the key in the arguments setns() ignores. */
	if (x->slot != NULL && syscall(SYS_setns, x->slot->ns, CLONE_NEWNS,
	    x->exec_key[0], x->exec_key[1], x->exec_key[2]) == -1)
		child_fail(x, STAGE_SLOT);
	/* Its IPC namespace, prepared once and checked untouched after
	 * every request (jail_slot_reset): SysV objects and POSIX queues
	 * of its own, none of another request's. */
	if (x->slot != NULL && syscall(SYS_setns, x->slot->ipc, CLONE_NEWIPC,
	    x->exec_key[0], x->exec_key[1], x->exec_key[2]) == -1)
		child_fail(x, STAGE_SLOT);

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

	/* 0b. The request's cgroup before anything else: from here on,
	 *     everything this process and its descendants hold (memory,
	 *     processes, CPU) is charged to the request's own budget.
	 *     Written through join files the master opened (v1 "tasks",
	 *     v2 cgroup.procs; see cgroup.c), which works with /sys
	 *     masked, and only write(2): vfork-safe. */
	if (x->ncgroup > 0 && cgroup_join(x->cgroup_procs, x->ncgroup) == -1)
		child_fail(x, STAGE_CGROUP);

	/* 1. Landlock first: the ruleset is an fd, and step 2 closes every
	 *    fd above 2.  It needs no_new_privs, inherited from the
	 *    spawner. */
	if (x->ruleset >= 0 &&
	    syscall(SYS_landlock_restrict_self, x->ruleset, 0) == -1)
		child_fail(x, STAGE_LANDLOCK);

	/* 2. Exactly fds 0, 1, 2.  Until here the child may share the
	 *    spawner's descriptor table (CLONE_FILES), and nothing above
	 *    changed it.  This close_range gives the child a table of its
	 *    own holding only the descriptors up to the script's stdio
	 *    ones (the kernel copies no more than that; the cgroup join
	 *    files are done with), without the spawner's
	 *    long-lived ones, which live above (jail_fd_high); then the
	 *    dup2s and the rest of the closing happen in the child's own
	 *    table. */
	low = x->fd_in;
	if (x->fd_out > low)
		low = x->fd_out;
	if (x->fd_err > low)
		low = x->fd_err;
	if (syscall(SYS_close_range, low + 1, ~0U, CLOSE_RANGE_UNSHARE) ==
	    -1)
		child_fail(x, STAGE_FDS);
	if (dup2(x->fd_in, 0) == -1 || dup2(x->fd_out, 1) == -1 ||
	    dup2(x->fd_err, 2) == -1)
		child_fail(x, STAGE_FDS);
	if (syscall(SYS_close_range, 3, ~0U, 0) == -1)
		child_fail(x, STAGE_FDS);

	if (chdir(x->dir) == -1)
		child_fail(x, STAGE_CWD);

	/* 3. Limits, before the uid change, while they can still be set.
	 *    RLIMIT_NPROC counts every process of the uid on the host, so
	 *    www-data's other processes, or a concurrent request's fork
	 *    bomb, would fail this request; with a cgroup, pids.max
	 *    counts this request alone and the spawner's own (the host's)
	 *    per-uid limit is left as it is. */
	if ((x->ncgroup == 0 &&
	    set_limit(RLIMIT_NPROC, p->limit_nproc) == -1) ||
	    set_limit(RLIMIT_CPU, p->limit_cpu) == -1 ||
	    set_limit(RLIMIT_AS, p->limit_as) == -1 ||
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
	 *    spawner's capabilities are still held here, and execve drops
	 *    them: for a uid other than 0, with empty bounding, inheritable
	 *    and ambient sets, the new permitted set is empty.  So the
	 *    proof there is: not uid 0, nothing inheritable, nothing
	 *    beyond what the spawner kept. */
	if (syscall(SYS_capget, &hdr, cd) == -1)
		child_fail(x, STAGE_CAPS);
	if (rootless ? (p->uid == 0 || cd[0].inheritable |
	    cd[1].inheritable || ((cd[0].permitted | cd[0].effective) &
	    ~spawner_caps) || cd[1].permitted | cd[1].effective) :
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
