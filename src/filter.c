/*
 * The seccomp filter: built once per profile in the master with
 * libseccomp, loaded as raw BPF in each spawner, and the notification
 * side the worker runs to report and answer denied calls.  The policy is
 * summed up in filter.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* clone flags, memfd_create, sigabbrev_np */
#endif

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

#include "filter.h"
#include "profile.h"

/* Syscall numbers on x86-64 stay well below this (469 on Linux 6.18). */
#define NR_MAX		1024

/* Bytes of a string argument worth reading for the log. */
#define STR_MAX		160

/*
 * systemd's system call groups, as systemd 252 (Debian 12) defines them
 * and `systemd-analyze syscall-filter` prints them, @known left out.
 * Names of other architectures are listed too, as systemd does; they
 * resolve to nothing here and are skipped.
 */

/* System calls that are always permitted */
static const char *const g_default[] = {
	"arch_prctl", "brk", "cacheflush", "clock_getres",
	"clock_getres_time64", "clock_gettime", "clock_gettime64",
	"clock_nanosleep", "clock_nanosleep_time64", "execve", "exit",
	"exit_group", "futex", "futex_time64", "futex_waitv",
	"get_robust_list", "get_thread_area", "getegid", "getegid32",
	"geteuid", "geteuid32", "getgid", "getgid32", "getgroups",
	"getgroups32", "getpgid", "getpgrp", "getpid", "getppid",
	"getrandom", "getresgid", "getresgid32", "getresuid",
	"getresuid32", "getrlimit", "getsid", "gettid", "gettimeofday",
	"getuid", "getuid32", "membarrier", "mmap", "mmap2", "mprotect",
	"munmap", "nanosleep", "pause", "prlimit64", "restart_syscall",
	"riscv_flush_icache", "riscv_hwprobe", "rseq", "rt_sigreturn",
	"sched_getaffinity", "sched_yield", "set_robust_list",
	"set_thread_area", "set_tid_address", "set_tls", "sigreturn",
	"time", "ugetrlimit", "uretprobe", NULL
};

/* Asynchronous IO */
static const char *const g_aio[] = {
	"io_cancel", "io_destroy", "io_getevents", "io_pgetevents",
	"io_pgetevents_time64", "io_setup", "io_submit",
	"io_uring_enter", "io_uring_register", "io_uring_setup", NULL
};

/* Basic IO */
static const char *const g_basic_io[] = {
	"_llseek", "close", "close_range", "dup", "dup2", "dup3",
	"lseek", "pread64", "preadv", "preadv2", "pwrite64", "pwritev",
	"pwritev2", "read", "readv", "write", "writev", NULL
};

/* Change ownership of files and directories */
static const char *const g_chown[] = {
	"chown", "chown32", "fchown", "fchown32", "fchownat", "lchown",
	"lchown32", NULL
};

/* Change the system time */
static const char *const g_clock[] = {
	"adjtimex", "clock_adjtime", "clock_adjtime64", "clock_settime",
	"clock_settime64", "settimeofday", NULL
};

/* System calls for CPU emulation functionality */
static const char *const g_cpu_emulation[] = {
	"modify_ldt", "subpage_prot", "switch_endian", "vm86",
	"vm86old", NULL
};

/* Debugging, performance monitoring and tracing functionality */
static const char *const g_debug[] = {
	"lookup_dcookie", "perf_event_open", "pidfd_getfd", "ptrace",
	"rtas", "s390_runtime_instr", "sys_debug_setcontext", NULL
};

/* File system operations */
static const char *const g_file_system[] = {
	"access", "chdir", "chmod", "close", "creat", "faccessat",
	"faccessat2", "fallocate", "fchdir", "fchmod", "fchmodat",
	"fchmodat2", "fcntl", "fcntl64", "fgetxattr", "flistxattr",
	"fremovexattr", "fsetxattr", "fstat", "fstat64", "fstatat64",
	"fstatfs", "fstatfs64", "ftruncate", "ftruncate64", "futimesat",
	"getcwd", "getdents", "getdents64", "getxattr",
	"inotify_add_watch", "inotify_init", "inotify_init1",
	"inotify_rm_watch", "lgetxattr", "link", "linkat", "listxattr",
	"llistxattr", "lremovexattr", "lsetxattr", "lstat", "lstat64",
	"mkdir", "mkdirat", "mknod", "mknodat", "newfstatat",
	"oldfstat", "oldlstat", "oldstat", "open", "openat", "openat2",
	"readlink", "readlinkat", "removexattr", "rename", "renameat",
	"renameat2", "rmdir", "setxattr", "stat", "stat64", "statfs",
	"statfs64", "statx", "symlink", "symlinkat", "truncate",
	"truncate64", "unlink", "unlinkat", "utime", "utimensat",
	"utimensat_time64", "utimes", NULL
};

/* Event loop system calls */
static const char *const g_io_event[] = {
	"_newselect", "epoll_create", "epoll_create1", "epoll_ctl",
	"epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait",
	"epoll_wait_old", "eventfd", "eventfd2", "poll", "ppoll",
	"ppoll_time64", "pselect6", "pselect6_time64", "select", NULL
};

/* SysV IPC, POSIX Message Queues or other IPC */
static const char *const g_ipc[] = {
	"ipc", "memfd_create", "mq_getsetattr", "mq_notify", "mq_open",
	"mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend",
	"mq_timedsend_time64", "mq_unlink", "msgctl", "msgget",
	"msgrcv", "msgsnd", "pipe", "pipe2", "process_madvise",
	"process_vm_readv", "process_vm_writev", "semctl", "semget",
	"semop", "semtimedop", "semtimedop_time64", "shmat", "shmctl",
	"shmdt", "shmget", NULL
};

/* Kernel keyring access */
static const char *const g_keyring[] = {
	"add_key", "keyctl", "request_key", NULL
};

/* Memory locking control */
static const char *const g_memlock[] = {
	"mlock", "mlock2", "mlockall", "munlock", "munlockall", NULL
};

/* Loading and unloading of kernel modules */
static const char *const g_module[] = {
	"delete_module", "finit_module", "init_module", NULL
};

/* Mounting and unmounting of file systems */
static const char *const g_mount[] = {
	"chroot", "fsconfig", "fsmount", "fsopen", "fspick", "mount",
	"mount_setattr", "move_mount", "open_tree", "pivot_root",
	"umount", "umount2", NULL
};

/* Network or Unix socket IO, should not be needed if not network facing */
static const char *const g_network_io[] = {
	"accept", "accept4", "bind", "connect", "getpeername",
	"getsockname", "getsockopt", "listen", "recv", "recvfrom",
	"recvmmsg", "recvmmsg_time64", "recvmsg", "send", "sendmmsg",
	"sendmsg", "sendto", "setsockopt", "shutdown", "socket",
	"socketcall", "socketpair", NULL
};

/* Unusual, obsolete or unimplemented system calls */
static const char *const g_obsolete[] = {
	"_sysctl", "afs_syscall", "bdflush", "break", "create_module",
	"ftime", "get_kernel_syms", "getpmsg", "gtty", "idle", "lock",
	"mpx", "prof", "profil", "putpmsg", "query_module", "security",
	"sgetmask", "ssetmask", "stime", "stty", "sysfs", "tuxcall",
	"ulimit", "uselib", "ustat", "vserver", NULL
};

/* System calls used for memory protection keys */
static const char *const g_pkey[] = {
	"pkey_alloc", "pkey_free", "pkey_mprotect", NULL
};

/* All system calls which need super-user capabilities */
static const char *const g_privileged[] = {
	"@chown", "@clock", "@module", "@raw-io", "@reboot", "@swap",
	"_sysctl", "acct", "bpf", "capset", "chroot", "fanotify_init",
	"fanotify_mark", "nfsservctl", "open_by_handle_at",
	"pivot_root", "quotactl", "quotactl_fd", "setdomainname",
	"setfsuid", "setfsuid32", "setgroups", "setgroups32",
	"sethostname", "setresuid", "setresuid32", "setreuid",
	"setreuid32", "setuid", "setuid32", "vhangup", NULL
};

/* Process control, execution, namespacing operations */
static const char *const g_process[] = {
	"capget", "clone", "clone3", "execveat", "fork", "getrusage",
	"kill", "pidfd_open", "pidfd_send_signal", "prctl",
	"rt_sigqueueinfo", "rt_tgsigqueueinfo", "setns", "swapcontext",
	"tgkill", "times", "tkill", "unshare", "vfork", "wait4",
	"waitid", "waitpid", NULL
};

/* Raw I/O port access */
static const char *const g_raw_io[] = {
	"ioperm", "iopl", "pciconfig_iobase", "pciconfig_read",
	"pciconfig_write", "s390_pci_mmio_read", "s390_pci_mmio_write",
	NULL
};

/* Reboot and reboot preparation/kexec */
static const char *const g_reboot[] = {
	"kexec_file_load", "kexec_load", "reboot", NULL
};

/* Alter resource settings */
static const char *const g_resources[] = {
	"ioprio_set", "mbind", "migrate_pages", "move_pages", "nice",
	"sched_setaffinity", "sched_setattr", "sched_setparam",
	"sched_setscheduler", "set_mempolicy",
	"set_mempolicy_home_node", "setpriority", "setrlimit", NULL
};

/* Operations for changing user/group credentials */
static const char *const g_setuid[] = {
	"setgid", "setgid32", "setgroups", "setgroups32", "setregid",
	"setregid32", "setresgid", "setresgid32", "setresuid",
	"setresuid32", "setreuid", "setreuid32", "setuid", "setuid32",
	NULL
};

/* Process signal handling */
static const char *const g_signal[] = {
	"rt_sigaction", "rt_sigpending", "rt_sigprocmask",
	"rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
	"sigaction", "sigaltstack", "signal", "signalfd", "signalfd4",
	"sigpending", "sigprocmask", "sigsuspend", NULL
};

/* Enable/disable swap devices */
static const char *const g_swap[] = {
	"swapoff", "swapon", NULL
};

/* Synchronize files and memory to storage */
static const char *const g_sync[] = {
	"fdatasync", "fsync", "msync", "sync", "sync_file_range",
	"sync_file_range2", "syncfs", NULL
};

/* General system service operations */
static const char *const g_system_service[] = {
	"@aio", "@basic-io", "@chown", "@default", "@file-system",
	"@io-event", "@ipc", "@keyring", "@memlock", "@network-io",
	"@process", "@resources", "@setuid", "@signal", "@sync",
	"@timer", "arm_fadvise64_64", "capget", "capset",
	"copy_file_range", "fadvise64", "fadvise64_64", "flock",
	"get_mempolicy", "getcpu", "getpriority", "ioctl", "ioprio_get",
	"kcmp", "madvise", "mremap", "name_to_handle_at", "oldolduname",
	"olduname", "personality", "readahead", "readdir",
	"remap_file_pages", "sched_get_priority_max",
	"sched_get_priority_min", "sched_getattr", "sched_getparam",
	"sched_getscheduler", "sched_rr_get_interval",
	"sched_rr_get_interval_time64", "sched_yield", "sendfile",
	"sendfile64", "setfsgid", "setfsgid32", "setfsuid",
	"setfsuid32", "setpgid", "setsid", "splice", "sysinfo", "tee",
	"umask", "uname", "userfaultfd", "vmsplice", NULL
};

/* Schedule operations by time */
static const char *const g_timer[] = {
	"alarm", "getitimer", "setitimer", "timer_create",
	"timer_delete", "timer_getoverrun", "timer_gettime",
	"timer_gettime64", "timer_settime", "timer_settime64",
	"timerfd_create", "timerfd_gettime", "timerfd_gettime64",
	"timerfd_settime", "timerfd_settime64", "times", NULL
};

struct group {
	const char		*name;
	const char *const	*members;
};

static const struct group groups[] = {
	{ "@default", g_default },
	{ "@aio", g_aio },
	{ "@basic-io", g_basic_io },
	{ "@chown", g_chown },
	{ "@clock", g_clock },
	{ "@cpu-emulation", g_cpu_emulation },
	{ "@debug", g_debug },
	{ "@file-system", g_file_system },
	{ "@io-event", g_io_event },
	{ "@ipc", g_ipc },
	{ "@keyring", g_keyring },
	{ "@memlock", g_memlock },
	{ "@module", g_module },
	{ "@mount", g_mount },
	{ "@network-io", g_network_io },
	{ "@obsolete", g_obsolete },
	{ "@pkey", g_pkey },
	{ "@privileged", g_privileged },
	{ "@process", g_process },
	{ "@raw-io", g_raw_io },
	{ "@reboot", g_reboot },
	{ "@resources", g_resources },
	{ "@setuid", g_setuid },
	{ "@signal", g_signal },
	{ "@swap", g_swap },
	{ "@sync", g_sync },
	{ "@system-service", g_system_service },
	{ "@timer", g_timer },
	{ NULL, NULL },
};

/*
 * System calls newer than libseccomp 2.5.4, which resolves names only up
 * to futex_wake: their numbers, so that profiles can name them and the
 * log shows them.  Since Linux 5.x new calls share one number on every
 * architecture but alpha; uretprobe is x86-64's own.  riscv_hwprobe is
 * in systemd's @default and exists on RISC-V only.
 */
static const struct {
	const char	*name;
	int		 nr;
} newer[] = {
#ifdef __x86_64__
	{ "uretprobe",		335 },
#endif
	{ "futex_wait",		455 },
	{ "futex_requeue",	456 },
	{ "statmount",		457 },
	{ "listmount",		458 },
	{ "lsm_get_self_attr",	459 },
	{ "lsm_set_self_attr",	460 },
	{ "lsm_list_modules",	461 },
	{ "mseal",		462 },
	{ "setxattrat",		463 },
	{ "getxattrat",		464 },
	{ "listxattrat",	465 },
	{ "removexattrat",	466 },
	{ "open_tree_attr",	467 },
	{ "file_getattr",	468 },
	{ "file_setattr",	469 },
	{ "riscv_hwprobe",	FILTER_NR_FOREIGN },
	{ NULL,			FILTER_NR_UNKNOWN },
};

/*
 * Denied unless the profile allows them.  @setuid joins @privileged so
 * that the whole credential family is covered, setfsgid with it.
 */
static const char *const default_deny[] = {
	"@privileged", "@setuid", "@mount", "@debug", "@module", "@raw-io",
	"@reboot", "@swap", "@clock", "@cpu-emulation", "@obsolete",
	"@keyring",
	"bpf", "perf_event_open", "io_uring_setup", "io_uring_enter",
	"io_uring_register", "userfaultfd", "unshare", "setns", "ptrace",
	"process_vm_readv", "process_vm_writev", "personality",
	"memfd_create", "execveat",	/* memfd + fexecve skips Landlock */
	"setfsgid",			/* the credential call @setuid lacks */
	"syslog",			/* as systemd's ProtectKernelLogs= */
	"open_tree_attr",		/* open_tree() of Linux 6.15 */
	/* counted per user across the host (fs.inotify.max_user_instances),
	 * not per request: a request holding them would break the web
	 * server's other processes of its uid, and they its requests */
	"inotify_init", "inotify_init1",
	NULL
};

/*
 * What the spawner and the per-request child call after filter_attach()
 * (spawn.c, jail.c; libc wrappers resolved: waitpid is wait4, recv is
 * recvfrom, stat is newfstatat, setrlimit is prlimit64).  The spawner
 * runs under its own filter, so denying one of these would stop every
 * script from starting: naming one in syscall_deny is an error, and a
 * group that contains one leaves it allowed.  check_filter runs the
 * real jail_child_exec() under the broadest deny: it fails when this
 * list falls behind those files.
 */
static const int jail_needs[] = {
	__NR_brk, __NR_capget, __NR_chdir, __NR_clone, __NR_close,
	__NR_close_range, __NR_dup2, __NR_dup3, __NR_execve, __NR_exit,
	__NR_exit_group, __NR_landlock_add_rule, __NR_landlock_create_ruleset,
	__NR_landlock_restrict_self, __NR_mmap, __NR_mprotect, __NR_munmap,
	__NR_newfstatat, __NR_openat, __NR_pidfd_open, __NR_pidfd_send_signal,
	__NR_poll, __NR_ppoll, __NR_prctl, __NR_prlimit64, __NR_recvfrom,
	__NR_recvmsg, __NR_restart_syscall, __NR_rt_sigaction,
	__NR_rt_sigprocmask, __NR_rt_sigreturn, __NR_sendmsg, __NR_sendto,
	__NR_setrlimit, __NR_wait4, __NR_waitid,
	-1
};

/*
 * Rules fixed here whatever the profile says: namespaces are the jail's
 * business, and socket families follow net_tcp.  Allowing one by name is
 * an error; a group that contains one leaves the fixed rule in place.
 */
static const int fixed[] = {
	__NR_clone, __NR_clone3, __NR_setns, __NR_socket, __NR_unshare,
	-1
};

/*
 * clone() flags that make a namespace; CLONE_NEWPID is not one of them
 * (rule_clone).
 */
static const unsigned long clone_ns_flags[] = {
	CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET, CLONE_NEWUTS,
	CLONE_NEWCGROUP, CLONE_NEWIPC, 0
};

enum source {
	SRC_DEFAULT,
	SRC_ALLOW,
	SRC_DENY,
};

static const char *const source_key[] = {
	"default deny set", "syscall_allow", "syscall_deny"
};

struct build {
	const struct profile	*p;
	char			*err;
	size_t			 errsz;
	unsigned char		 deny[NR_MAX];
	uint64_t		 exec_key[3];
};

static int __attribute__((format(printf, 2, 3)))
build_fail(struct build *b, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(b->err, b->errsz, fmt, ap);
	va_end(ap);
	return -1;
}

static int
nr_in(const int *set, int nr)
{
	for (; *set != -1; set++)
		if (*set == nr)
			return 1;
	return 0;
}

const char * const *
filter_group(const char *name)
{
	size_t	i;

	for (i = 0; groups[i].name != NULL; i++)
		if (strcmp(groups[i].name, name) == 0)
			return groups[i].members;
	return NULL;
}

int
filter_syscall_resolve(const char *name)
{
	size_t	i;
	int	nr;

	nr = seccomp_syscall_resolve_name(name);
	if (nr >= 0)
		return nr;
	/* libseccomp's negative pseudo numbers stand for calls that
	 * exist on other architectures only */
	if (nr != __NR_SCMP_ERROR)
		return FILTER_NR_FOREIGN;
	for (i = 0; newer[i].name != NULL; i++)
		if (strcmp(newer[i].name, name) == 0)
			return newer[i].nr;
	return FILTER_NR_UNKNOWN;
}

/*
 * One entry of a list: a name or a group.  via is the group it came
 * from; direct entries of a profile are held to stricter rules than
 * members of a group, which may contain calls this filter treats
 * specially.
 */
static int
build_apply(struct build *b, const char *name, enum source src,
    const char *via, int depth)
{
	const char * const	*m;
	const char		*key = source_key[src];
	int			 nr, direct;

	direct = via == NULL && src != SRC_DEFAULT;
	if (name[0] == '@') {
		if ((m = filter_group(name)) == NULL) {
			if (via != NULL)
				return build_fail(b, "group %s names an "
				    "unknown group %s", via, name);
			return build_fail(b, "%s: unknown system call "
			    "group \"%s\"", key, name);
		}
		if (depth > 3)
			return build_fail(b, "group %s nests too deep", name);
		for (; *m != NULL; m++)
			if (build_apply(b, *m, src, name, depth + 1) == -1)
				return -1;
		return 0;
	}

	nr = filter_syscall_resolve(name);
	if (nr == FILTER_NR_FOREIGN)
		return 0;	/* not a call on this architecture */
	if (nr == FILTER_NR_UNKNOWN) {
		/* a group member that this libseccomp does not know yet is
		 * skipped; a profile's own name must be a real call */
		if (!direct)
			return 0;
		return build_fail(b, "%s: unknown system call \"%s\"", key,
		    name);
	}
	if (nr >= NR_MAX)
		return build_fail(b, "%s: system call %s has number %d, "
		    "beyond this filter's table", key, name, nr);

	switch (src) {
	case SRC_ALLOW:
		if (nr_in(fixed, nr)) {
			if (!direct)
				return 0;
			return build_fail(b, "syscall_allow: %s cannot be "
			    "allowed: %s", name, nr == __NR_socket ?
			    "socket families follow net_tcp" :
			    "namespaces are the jail's, clone3 and clone "
			    "with namespace flags stay denied");
		}
		b->deny[nr] = 0;
		break;
	case SRC_DEFAULT:
	case SRC_DENY:
		if (nr_in(jail_needs, nr)) {
			if (!direct)
				return 0;
			return build_fail(b, "syscall_deny: %s cannot be "
			    "denied: the spawner needs it to start scripts",
			    name);
		}
		b->deny[nr] = 1;
		break;
	}
	return 0;
}

static int
build_entry(struct build *b, const char *name, enum source src)
{
	if (name == NULL || name[0] == '\0')
		return build_fail(b, "%s: empty entry", source_key[src]);
	/*
	 * systemd writes deny lists as "~@group"; in syscall_deny the "~"
	 * says again what the key says.  In syscall_allow it would mean
	 * "deny" and contradict the key: an error, so that the operator
	 * decides which one was meant.
	 */
	if (name[0] == '~') {
		if (src == SRC_ALLOW)
			return build_fail(b, "syscall_allow: \"%s\": \"~\" "
			    "means deny; put %s in syscall_deny", name,
			    name + 1);
		name++;
	}
	return build_apply(b, name, src, NULL, 0);
}

static int
build_list(struct build *b, const struct strlist *l, enum source src)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (build_entry(b, l->v[i], src) == -1)
			return -1;
	return 0;
}

static int
rule(struct build *b, scmp_filter_ctx ctx, uint32_t act, int nr,
    unsigned int n, const struct scmp_arg_cmp *cmp)
{
	int	rc;

	rc = seccomp_rule_add_exact_array(ctx, act, nr, n, cmp);
	if (rc < 0)
		return build_fail(b, "libseccomp: cannot add a rule for "
		    "system call %d: %s", nr, strerror(-rc));
	return 0;
}

/*
 * setresuid/setresgid: only to the profile's id in all three places,
 * which is how the child leaves root.  Any other value is denied, so
 * the script cannot pick another identity even where the kernel would
 * let it.  The compare is on all 64 bits: stray high bits fail closed.
 */
static int
rule_ids(struct build *b, scmp_filter_ctx ctx, uint32_t act, int nr,
    uint32_t id)
{
	struct scmp_arg_cmp	c;
	unsigned int		i;

	for (i = 0; i < 3; i++) {
		c = SCMP_CMP64(i, SCMP_CMP_NE, id);
		if (rule(b, ctx, act, nr, 1, &c) == -1)
			return -1;
	}
	return 0;
}

/*
 * personality: only the query (0xffffffff) and PER_LINUX (0).
 * libseccomp takes one comparison per argument in a rule, so "neither
 * all zeros nor all ones" is written as a union: such a 32-bit value has
 * a bit set whose neighbour (cyclically) is clear; one masked compare
 * per pair of neighbours.  The kernel reads only the low 32 bits.
 */
static int
rule_personality(struct build *b, scmp_filter_ctx ctx, uint32_t act)
{
	struct scmp_arg_cmp	c;
	uint64_t		one, zero;
	int			i;

	for (i = 0; i < 32; i++) {
		one = 1ULL << i;
		zero = 1ULL << ((i + 1) % 32);
		c = SCMP_CMP64(0, SCMP_CMP_MASKED_EQ, one | zero, one);
		if (rule(b, ctx, act, __NR_personality, 1, &c) == -1)
			return -1;
	}
	return 0;
}

/*
 * socket(): AF_UNIX, and AF_INET/AF_INET6 when the profile opens TCP
 * ports (Landlock then limits which).  Written as "deny every other
 * value": one compare per family below the highest allowed one, and
 * everything above it.  socketpair() needs no rule: only AF_UNIX has it.
 */
static int
rule_socket(struct build *b, scmp_filter_ctx ctx, uint32_t act)
{
	struct scmp_arg_cmp	c;
	uint64_t		fam, max;
	int			tcp;

	if (b->deny[__NR_socket])	/* the profile denies all sockets */
		return rule(b, ctx, act, __NR_socket, 0, NULL);
	tcp = b->p->net_tcp.n > 0;
	max = tcp ? AF_INET6 : AF_UNIX;
	for (fam = 0; fam < max; fam++) {
		if (fam == AF_UNIX || (tcp && fam == AF_INET))
			continue;
		c = SCMP_CMP64(0, SCMP_CMP_EQ, fam);
		if (rule(b, ctx, act, __NR_socket, 1, &c) == -1)
			return -1;
	}
	c = SCMP_CMP64(0, SCMP_CMP_GT, max);
	return rule(b, ctx, act, __NR_socket, 1, &c);
}

/*
 * clone(): no namespace flags, one masked compare each.  CLONE_NEWPID
 * stays allowed because the spawner, which carries this filter, makes
 * every request's child with it; a script has no CAP_SYS_ADMIN, so the
 * kernel refuses it CLONE_NEWPID anyway.  A request's IPC namespace is
 * its slot's, entered with setns() (rule_setns), never made by clone.
 */
static int
rule_clone(struct build *b, scmp_filter_ctx ctx, uint32_t act)
{
	struct scmp_arg_cmp	c;
	size_t			i;

	for (i = 0; clone_ns_flags[i] != 0; i++) {
		c = SCMP_CMP64(0, SCMP_CMP_MASKED_EQ, clone_ns_flags[i],
		    clone_ns_flags[i]);
		if (rule(b, ctx, act, __NR_clone, 1, &c) == -1)
			return -1;
	}
	return 0;
}

/*
 * Deny nr unless the n argument registers from first hold the spawner's
 * key: the calls the spawner makes under its own filter, in registers
 * the call ignores, which no script can fill.
 */
static int
rule_keyed(struct build *b, scmp_filter_ctx ctx, uint32_t act, int nr,
    int first, int n)
{
	struct scmp_arg_cmp	c;
	int			i;

	for (i = 0; i < n; i++) {
		c = SCMP_CMP64(first + i, SCMP_CMP_NE, b->exec_key[i]);
		if (rule(b, ctx, act, nr, 1, &c) == -1)
			return -1;
	}
	return 0;
}

/*
 * setns(): only into a mount or an IPC namespace, and only with the
 * spawner's key in the three argument registers setns() ignores: each
 * request's child enters its slot's mount namespace (its own /tmp and
 * /var/tmp) and IPC namespace that way, and the spawner the latter to
 * check it after the request.  Any other call, a script's included, is
 * recorded; a script would not have the capabilities setns() needs
 * anyway.  libseccomp takes one compare per argument and rule, so "not
 * one of the two" is: below the first, above the second, or any bit
 * between them set.
 */
static int
rule_setns(struct build *b, scmp_filter_ctx ctx, uint32_t act)
{
	struct scmp_arg_cmp	c;
	int			bit;

	c = SCMP_CMP64(1, SCMP_CMP_LT, CLONE_NEWNS);
	if (rule(b, ctx, act, __NR_setns, 1, &c) == -1)
		return -1;
	c = SCMP_CMP64(1, SCMP_CMP_GT, CLONE_NEWIPC);
	if (rule(b, ctx, act, __NR_setns, 1, &c) == -1)
		return -1;
	for (bit = 0; 1UL << bit < CLONE_NEWIPC; bit++) {
		if (1UL << bit == CLONE_NEWNS)
			continue;
		c = SCMP_CMP64(1, SCMP_CMP_MASKED_EQ, 1UL << bit, 1UL << bit);
		if (rule(b, ctx, act, __NR_setns, 1, &c) == -1)
			return -1;
	}
	return rule_keyed(b, ctx, act, __NR_setns, 2, 3);
}

/*
 * unshare(): only CLONE_NEWIPC, with the key in arguments 1 to 3: the
 * spawner replaces a slot's IPC namespace that a request touched.
 */
static int
rule_unshare(struct build *b, scmp_filter_ctx ctx, uint32_t act)
{
	struct scmp_arg_cmp	c;

	c = SCMP_CMP64(0, SCMP_CMP_NE, CLONE_NEWIPC);
	if (rule(b, ctx, act, __NR_unshare, 1, &c) == -1)
		return -1;
	return rule_keyed(b, ctx, act, __NR_unshare, 1, 3);
}

static int
build_rules(struct build *b, scmp_filter_ctx ctx, uint32_t act)
{
	struct scmp_arg_cmp	c;
	int			nr, rc, i;

	for (nr = 0; nr < NR_MAX; nr++) {
		if (!b->deny[nr] || nr == __NR_socket || nr == __NR_clone ||
		    nr == __NR_clone3)
			continue;
		switch (nr) {
		case __NR_setresuid:
			rc = rule_ids(b, ctx, act, nr, b->p->uid);
			break;
		case __NR_setresgid:
			rc = rule_ids(b, ctx, act, nr, b->p->gid);
			break;
		case __NR_setgroups:
			/*
			 * The child clears its groups to its gid; the
			 * list itself cannot be checked from BPF.  Once
			 * it has left root it has no CAP_SETGID, and the
			 * kernel refuses any setgroups() anyway.
			 */
			c = SCMP_CMP64(0, SCMP_CMP_GT, 1);
			rc = rule(b, ctx, act, nr, 1, &c);
			break;
		case __NR_personality:
			rc = rule_personality(b, ctx, act);
			break;
		case __NR_setns:
			rc = rule_setns(b, ctx, act);
			break;
		case __NR_unshare:
			rc = rule_unshare(b, ctx, act);
			break;
		/*
		 * With a replacement IPC namespace comes its mqueue file
		 * system, opened by the spawner to watch its root: only
		 * with the key in what these calls leave unused (fsconfig
		 * leaves one register).
		 */
		case __NR_fsopen:
			rc = rule_keyed(b, ctx, act, nr, 2, 3);
			break;
		case __NR_fsconfig:
			rc = rule_keyed(b, ctx, act, nr, 5, 1);
			break;
		case __NR_fsmount:
			rc = rule_keyed(b, ctx, act, nr, 3, 3);
			break;
		default:
			rc = rule(b, ctx, act, nr, 0, NULL);
			break;
		}
		if (rc == -1)
			return -1;
	}
	if (rule_socket(b, ctx, act) == -1 || rule_clone(b, ctx, act) == -1)
		return -1;
	/*
	 * Complain mode learns what enforce mode would refuse beyond the
	 * deny set: opens for writing and connects are reported too (and
	 * let through; the worker records those outside the profile).
	 */
	if (b->p->mode == MODE_COMPLAIN) {
		/* every open: writes outside the writable paths and reads
		 * outside the read view are both worth recording */
		if (rule(b, ctx, SCMP_ACT_NOTIFY, __NR_openat, 0, NULL) ==
		    -1 || rule(b, ctx, SCMP_ACT_NOTIFY, __NR_open, 0, NULL) ==
		    -1 || rule(b, ctx, SCMP_ACT_NOTIFY, __NR_creat, 0, NULL) ==
		    -1 || rule(b, ctx, SCMP_ACT_NOTIFY, __NR_connect, 0,
		    NULL) == -1)
			return -1;
	}
	/*
	 * execve: reported to the worker unless it carries the spawner's
	 * key (see filter.h), whatever the profile's deny action: the
	 * worker records it and lets Landlock decide.
	 */
	for (i = 0; i < 3; i++) {
		c = SCMP_CMP64(3 + i, SCMP_CMP_NE, b->exec_key[i]);
		if (rule(b, ctx, SCMP_ACT_NOTIFY, __NR_execve, 1, &c) == -1)
			return -1;
	}
	/*
	 * clone3() passes its flags in memory, out of BPF's reach.  ENOSYS
	 * makes libc fall back to clone(), whose flags are checked above;
	 * answered in the kernel, not reported: libc calls it routinely.
	 */
	return rule(b, ctx, SCMP_ACT_ERRNO(ENOSYS), __NR_clone3, 0, NULL);
}

/* libseccomp 2.5 exports to an fd only; read the program back. */
static int
build_export(struct build *b, scmp_filter_ctx ctx, struct filter *f)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 off;
	int		 fd, rc;

	if ((fd = memfd_create("safecgi-filter", MFD_CLOEXEC)) == -1)
		return build_fail(b, "memfd_create: %s", strerror(errno));
	if ((rc = seccomp_export_bpf(ctx, fd)) < 0) {
		close(fd);
		return build_fail(b, "libseccomp: cannot export the "
		    "filter: %s", strerror(-rc));
	}
	if (fstat(fd, &st) == -1) {
		close(fd);
		return build_fail(b, "fstat: %s", strerror(errno));
	}
	if (st.st_size <= 0 ||
	    (size_t)st.st_size % sizeof(struct sock_filter) != 0 ||
	    (size_t)st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		close(fd);
		return build_fail(b, "libseccomp exported a program of %lld "
		    "bytes; the kernel takes up to %d instructions",
		    (long long)st.st_size, BPF_MAXINSNS);
	}
	if ((f->bpf = malloc(st.st_size)) == NULL) {
		close(fd);
		return build_fail(b, "%s", strerror(errno));
	}
	for (off = 0; off < (size_t)st.st_size; off += n) {
		n = pread(fd, (char *)f->bpf + off, st.st_size - off, off);
		if (n == -1 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			close(fd);
			free(f->bpf);
			f->bpf = NULL;
			return build_fail(b, "reading the filter back: %s",
			    n == 0 ? "short read" : strerror(errno));
		}
	}
	close(fd);
	f->len = st.st_size / sizeof(struct sock_filter);
	return 0;
}

/* What makes an IPC object of each kind, and what removes it. */
static const struct {
	unsigned	kind;
	int		make, ctl;
} ipc_kind[] = {
	{ FILTER_IPC_SHM, __NR_shmget, __NR_shmctl },
	{ FILTER_IPC_SEM, __NR_semget, __NR_semctl },
	{ FILTER_IPC_MSG, __NR_msgget, __NR_msgctl },
	{ FILTER_IPC_MQ, __NR_mq_open, -1 },
};

int
filter_build(const struct profile *p, struct filter *f, char *err,
    size_t errsz)
{
	struct build	*b;
	scmp_filter_ctx	 ctx = NULL;
	uint32_t	 act;
	size_t		 i;
	int		 r, rc = -1;

	memset(f, 0, sizeof(*f));
	if (p->deny_errno < 0 || p->deny_errno > 4095) {
		snprintf(err, errsz, "deny_errno: %d is not an errno value",
		    p->deny_errno);
		return -1;
	}
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		snprintf(err, errsz, "%s", strerror(errno));
		return -1;
	}
	b->p = p;
	b->err = err;
	b->errsz = errsz;

	/* The default deny set, then allow takes out, then deny adds:
	 * a deny wins over an allow. */
	for (i = 0; default_deny[i] != NULL; i++)
		if (build_entry(b, default_deny[i], SRC_DEFAULT) == -1)
			goto out;
	if (build_list(b, &p->syscall_allow, SRC_ALLOW) == -1 ||
	    build_list(b, &p->syscall_deny, SRC_DENY) == -1)
		goto out;

	/*
	 * Denied calls wait for the worker, which reports them, except in
	 * an enforcing kill profile: then they kill the script on the
	 * spot.  Complain mode reports everything and blocks nothing.
	 */
	act = SCMP_ACT_NOTIFY;
	if (p->mode == MODE_ENFORCE && p->deny_action == DENY_KILL)
		act = SCMP_ACT_KILL_PROCESS;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL) {
		build_fail(b, "libseccomp: cannot create a filter");
		goto out;
	}
	/*
	 * Native x86-64 only: i386 calls (int 0x80) get the bad-arch
	 * action.  x32 calls arrive as x86-64 with bit 30 set in the
	 * number; libseccomp's x86-64 filter sends them there as well.
	 */
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) < 0 ||
	    (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)) < 0) {
		build_fail(b, "libseccomp: cannot set an attribute: %s",
		    strerror(-r));
		goto out;
	}
	if (getrandom(b->exec_key, sizeof(b->exec_key), 0) !=
	    (ssize_t)sizeof(b->exec_key)) {
		build_fail(b, "getrandom: %s", strerror(errno));
		goto out;
	}
	if (build_rules(b, ctx, act) == -1 || build_export(b, ctx, f) == -1)
		goto out;
	memcpy(f->exec_key, b->exec_key, sizeof(f->exec_key));
	f->complain = p->mode == MODE_COMPLAIN;
	for (i = 0; i < sizeof(ipc_kind) / sizeof(ipc_kind[0]); i++) {
		if (f->complain || !b->deny[ipc_kind[i].make])
			f->ipc_kinds |= ipc_kind[i].kind;
		if (ipc_kind[i].ctl != -1 && !f->complain &&
		    b->deny[ipc_kind[i].ctl])
			f->ipc_blind |= ipc_kind[i].kind;
	}
	f->ipc_blind &= f->ipc_kinds;
	rc = 0;
out:
	if (ctx != NULL)
		seccomp_release(ctx);
	free(b);
	return rc;
}

void
filter_free(struct filter *f)
{
	free(f->bpf);
	f->bpf = NULL;
	f->len = 0;
}

/*
 * Plain seccomp(2), no libseccomp: the program was compiled in the
 * master, attaching costs the kernel's copy and JIT only.
 */
int
filter_attach(const struct filter *f)
{
	struct sock_fprog	prog;
	int			nnp;

	if (f->bpf == NULL || f->len == 0 || f->len > BPF_MAXINSNS) {
		errno = EINVAL;
		return -1;
	}
	/*
	 * The kernel lets a CAP_SYS_ADMIN caller (the spawner) skip
	 * no_new_privs; we do not: a setuid program run under the filter
	 * must not gain what the filter was written to withhold.
	 */
	if ((nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)) == -1)
		return -1;
	if (nnp != 1) {
		errno = EPERM;
		return -1;
	}
	prog.len = f->len;
	prog.filter = f->bpf;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

/* ------------------------------------------------------------ decoding */

/*
 * How to print each argument of the calls worth decoding, one letter per
 * argument:
 *   f socket family   t socket type   p protocol (left out when 0)
 *   d descriptor      D directory fd  i int       u uid/gid
 *   x hex             c clone flags   n namespace flags
 *   s string (read from the caller)   a socket address, its length next
 *   . not shown
 * Other calls show no arguments: how many they take is not known here,
 * and the registers beyond that hold whatever was there before.
 */
static const struct shape {
	int		 nr;
	const char	*args;
} shapes[] = {
	{ __NR_socket,		"ftp" },
	{ __NR_socketpair,	"ftp" },
	{ __NR_connect,		"da" },
	{ __NR_bind,		"da" },
	{ __NR_sendto,		"d...a" },
	{ __NR_listen,		"di" },
	{ __NR_accept,		"d" },
	{ __NR_accept4,		"d..x" },
	{ __NR_shutdown,	"di" },
	{ __NR_getsockopt,	"dii" },
	{ __NR_setsockopt,	"dii" },
	{ __NR_recvfrom,	"d" },
	{ __NR_recvmsg,		"d" },
	{ __NR_sendmsg,		"d" },
	{ __NR_read,		"d.i" },
	{ __NR_write,		"d.i" },
	{ __NR_execve,		"s" },
	{ __NR_execveat,	"Ds..x" },
	{ __NR_open,		"sx" },
	{ __NR_openat,		"Dsx" },
	{ __NR_openat2,		"Ds" },
	{ __NR_creat,		"sx" },
	{ __NR_truncate,	"sx" },
	{ __NR_unlink,		"s" },
	{ __NR_unlinkat,	"Dsx" },
	{ __NR_rmdir,		"s" },
	{ __NR_mkdir,		"sx" },
	{ __NR_mkdirat,		"Dsx" },
	{ __NR_mknod,		"sxx" },
	{ __NR_mknodat,		"Dsxx" },
	{ __NR_rename,		"ss" },
	{ __NR_renameat,	"DsDs" },
	{ __NR_renameat2,	"DsDsx" },
	{ __NR_symlink,		"ss" },
	{ __NR_symlinkat,	"sDs" },
	{ __NR_link,		"ss" },
	{ __NR_linkat,		"DsDsx" },
	{ __NR_chmod,		"sx" },
	{ __NR_fchmodat,	"Dsx" },
	{ __NR_chown,		"suu" },
	{ __NR_lchown,		"suu" },
	{ __NR_fchown,		"duu" },
	{ __NR_fchownat,	"Dsuux" },
	{ __NR_ioctl,		"dx" },
	{ __NR_clone,		"c" },
	{ __NR_unshare,		"n" },
	{ __NR_setns,		"dn" },
	{ __NR_setuid,		"u" },
	{ __NR_setgid,		"u" },
	{ __NR_setreuid,	"uu" },
	{ __NR_setregid,	"uu" },
	{ __NR_setresuid,	"uuu" },
	{ __NR_setresgid,	"uuu" },
	{ __NR_setfsuid,	"u" },
	{ __NR_setfsgid,	"u" },
	{ __NR_setgroups,	"i" },
	{ __NR_mount,		"sssx" },
	{ __NR_umount2,		"sx" },
	{ __NR_pivot_root,	"ss" },
	{ __NR_chroot,		"s" },
	{ __NR_fsopen,		"sx" },
	{ __NR_fsconfig,	"di" },
	{ __NR_fsmount,		"dxx" },
	{ __NR_fspick,		"Dsx" },
	{ __NR_open_tree,	"Dsx" },
	{ __NR_move_mount,	"DsDsx" },
	{ __NR_mount_setattr,	"Dsx" },
	{ __NR_acct,		"s" },
	{ __NR_swapon,		"sx" },
	{ __NR_swapoff,		"s" },
	{ __NR_reboot,		"xxx" },
	{ __NR_kexec_load,	"xi.x" },
	{ __NR_kexec_file_load,	"dd.sx" },
	{ __NR_init_module,	".is" },
	{ __NR_finit_module,	"dsx" },
	{ __NR_delete_module,	"sx" },
	{ __NR_iopl,		"i" },
	{ __NR_ioperm,		"xxi" },
	{ __NR_modify_ldt,	"i" },
	{ __NR_clock_settime,	"i" },
	{ __NR_syslog,		"i" },
	{ __NR_sysfs,		"i" },
	{ __NR_quotactl,	"xs" },
	{ __NR_fanotify_init,	"xx" },
	{ __NR_open_by_handle_at, "d.x" },
	{ __NR_personality,	"x" },
	{ __NR_ptrace,		"ii" },
	{ __NR_pidfd_getfd,	"ddx" },
	{ __NR_process_vm_readv, "i" },
	{ __NR_process_vm_writev, "i" },
	{ __NR_kill,		"ii" },
	{ __NR_tkill,		"ii" },
	{ __NR_tgkill,		"iii" },
	{ __NR_bpf,		"i" },
	{ __NR_keyctl,		"i" },
	{ __NR_add_key,		"ss" },
	{ __NR_request_key,	"ss" },
	{ __NR_perf_event_open,	".ii" },
	{ __NR_io_uring_setup,	"i" },
	{ __NR_io_uring_enter,	"d" },
	{ __NR_io_uring_register, "di" },
	{ __NR_memfd_create,	"sx" },
	{ __NR_userfaultfd,	"x" },
	{ 0, NULL },
};

static const char *const families[] = {
	[AF_UNSPEC] = "AF_UNSPEC",	[AF_UNIX] = "AF_UNIX",
	[AF_INET] = "AF_INET",		[AF_AX25] = "AF_AX25",
	[AF_IPX] = "AF_IPX",		[AF_APPLETALK] = "AF_APPLETALK",
	[AF_NETROM] = "AF_NETROM",	[AF_BRIDGE] = "AF_BRIDGE",
	[AF_ATMPVC] = "AF_ATMPVC",	[AF_X25] = "AF_X25",
	[AF_INET6] = "AF_INET6",	[AF_ROSE] = "AF_ROSE",
	[AF_DECnet] = "AF_DECnet",	[AF_NETBEUI] = "AF_NETBEUI",
	[AF_SECURITY] = "AF_SECURITY",	[AF_KEY] = "AF_KEY",
	[AF_NETLINK] = "AF_NETLINK",	[AF_PACKET] = "AF_PACKET",
	[AF_ASH] = "AF_ASH",		[AF_ECONET] = "AF_ECONET",
	[AF_ATMSVC] = "AF_ATMSVC",	[AF_RDS] = "AF_RDS",
	[AF_SNA] = "AF_SNA",		[AF_IRDA] = "AF_IRDA",
	[AF_PPPOX] = "AF_PPPOX",	[AF_WANPIPE] = "AF_WANPIPE",
	[AF_LLC] = "AF_LLC",		[AF_IB] = "AF_IB",
	[AF_MPLS] = "AF_MPLS",		[AF_CAN] = "AF_CAN",
	[AF_TIPC] = "AF_TIPC",		[AF_BLUETOOTH] = "AF_BLUETOOTH",
	[AF_IUCV] = "AF_IUCV",		[AF_RXRPC] = "AF_RXRPC",
	[AF_ISDN] = "AF_ISDN",		[AF_PHONET] = "AF_PHONET",
	[AF_IEEE802154] = "AF_IEEE802154", [AF_CAIF] = "AF_CAIF",
	[AF_ALG] = "AF_ALG",		[AF_NFC] = "AF_NFC",
	[AF_VSOCK] = "AF_VSOCK",	[AF_KCM] = "AF_KCM",
	[AF_QIPCRTR] = "AF_QIPCRTR",	[AF_SMC] = "AF_SMC",
	[AF_XDP] = "AF_XDP",		[AF_MCTP] = "AF_MCTP",
};

static const char *const socktypes[] = {
	[SOCK_STREAM] = "SOCK_STREAM",	[SOCK_DGRAM] = "SOCK_DGRAM",
	[SOCK_RAW] = "SOCK_RAW",	[SOCK_RDM] = "SOCK_RDM",
	[SOCK_SEQPACKET] = "SOCK_SEQPACKET", [SOCK_DCCP] = "SOCK_DCCP",
	[SOCK_PACKET] = "SOCK_PACKET",
};

#define FLAG(f)	{ (f), #f }

/* In bit order, as strace prints them. */
static const struct flag {
	unsigned long	 bit;
	const char	*name;
} clone_flags[] = {
	FLAG(CLONE_NEWTIME),		/* unshare() and setns() only */
	FLAG(CLONE_VM),
	FLAG(CLONE_FS),
	FLAG(CLONE_FILES),
	FLAG(CLONE_SIGHAND),
	FLAG(CLONE_PIDFD),
	FLAG(CLONE_PTRACE),
	FLAG(CLONE_VFORK),
	FLAG(CLONE_PARENT),
	FLAG(CLONE_THREAD),
	FLAG(CLONE_NEWNS),
	FLAG(CLONE_SYSVSEM),
	FLAG(CLONE_SETTLS),
	FLAG(CLONE_PARENT_SETTID),
	FLAG(CLONE_CHILD_CLEARTID),
	FLAG(CLONE_DETACHED),
	FLAG(CLONE_UNTRACED),
	FLAG(CLONE_CHILD_SETTID),
	FLAG(CLONE_NEWCGROUP),
	FLAG(CLONE_NEWUTS),
	FLAG(CLONE_NEWIPC),
	FLAG(CLONE_NEWUSER),
	FLAG(CLONE_NEWPID),
	FLAG(CLONE_NEWNET),
	FLAG(CLONE_IO),
	{ 0, NULL },
};

/* A bounded string builder that cuts rather than overflows. */
struct out {
	char	*buf;
	size_t	 size;
	size_t	 len;
};

static void __attribute__((format(printf, 2, 3)))
out_printf(struct out *o, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (o->len + 1 >= o->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	o->len += (size_t)n;
	if (o->len >= o->size)
		o->len = o->size - 1;
}

/* Quoted, with every byte that is not printable ASCII escaped: the
 * bytes come from the script and end up in a log. */
static void
out_quoted(struct out *o, const char *s, size_t n)
{
	unsigned char	c;
	size_t		i;

	out_printf(o, "\"");
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			out_printf(o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			out_printf(o, "\\x%02x", c);
		else
			out_printf(o, "%c", c);
	}
	out_printf(o, "\"");
}

/* An argument we could not read: its address. */
static void
out_pointer(struct out *o, uint64_t v)
{
	if (v == 0)
		out_printf(o, "NULL");
	else
		out_printf(o, "0x%llx", (unsigned long long)v);
}

static void
out_family(struct out *o, uint64_t v)
{
	if (v < sizeof(families) / sizeof(families[0]) && families[v] != NULL)
		out_printf(o, "%s", families[v]);
	else
		out_printf(o, "%llu", (unsigned long long)v);
}

static void
out_socktype(struct out *o, uint64_t v)
{
	uint64_t	type = v & 0xf;

	if (type < sizeof(socktypes) / sizeof(socktypes[0]) &&
	    socktypes[type] != NULL)
		out_printf(o, "%s", socktypes[type]);
	else
		out_printf(o, "%llu", (unsigned long long)type);
	if (v & SOCK_NONBLOCK)
		out_printf(o, "|SOCK_NONBLOCK");
	if (v & SOCK_CLOEXEC)
		out_printf(o, "|SOCK_CLOEXEC");
	v &= ~(uint64_t)(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (v != 0)
		out_printf(o, "|0x%llx", (unsigned long long)v);
}

static void
out_protocol(struct out *o, uint64_t family, uint64_t v)
{
	const char	*name = NULL;

	if (family == AF_INET || family == AF_INET6) {
		switch (v) {
		case IPPROTO_ICMP:	name = "IPPROTO_ICMP";		break;
		case IPPROTO_TCP:	name = "IPPROTO_TCP";		break;
		case IPPROTO_UDP:	name = "IPPROTO_UDP";		break;
		case IPPROTO_ICMPV6:	name = "IPPROTO_ICMPV6";	break;
		case IPPROTO_SCTP:	name = "IPPROTO_SCTP";		break;
		case IPPROTO_UDPLITE:	name = "IPPROTO_UDPLITE";	break;
		case IPPROTO_RAW:	name = "IPPROTO_RAW";		break;
		}
	}
	if (name != NULL)
		out_printf(o, "%s", name);
	else
		out_printf(o, "%llu", (unsigned long long)v);
}

/* clone() keeps its exit signal in the low byte; unshare() does not. */
static void
out_flags(struct out *o, uint64_t v, int with_signal)
{
	const char	*sep = "";
	size_t		 i;
	int		 sig = 0;

	if (with_signal) {
		sig = v & 0xff;
		v &= ~(uint64_t)0xff;
	}
	for (i = 0; clone_flags[i].name != NULL; i++) {
		if (with_signal && clone_flags[i].bit == CLONE_NEWTIME)
			continue;
		if (v & clone_flags[i].bit) {
			out_printf(o, "%s%s", sep, clone_flags[i].name);
			v &= ~(uint64_t)clone_flags[i].bit;
			sep = "|";
		}
	}
	if (v != 0) {
		out_printf(o, "%s0x%llx", sep, (unsigned long long)v);
		sep = "|";
	}
	if (sig != 0) {
		const char *abbrev = sigabbrev_np(sig);

		if (abbrev != NULL)
			out_printf(o, "%sSIG%s", sep, abbrev);
		else
			out_printf(o, "%s%d", sep, sig);
		sep = "|";
	}
	if (*sep == '\0')
		out_printf(o, "0");
}

static void
out_id(struct out *o, uint64_t v)
{
	if (v == 0xffffffffULL)
		out_printf(o, "-1");
	else if (v > 0xffffffffULL)	/* stray high bits: show them */
		out_printf(o, "0x%llx", (unsigned long long)v);
	else
		out_printf(o, "%llu", (unsigned long long)v);
}

static void
out_sockaddr(struct out *o, const void *sa, size_t salen, uint64_t ptr)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_un	*sun = (struct sockaddr_un *)&ss;
	char			 host[INET6_ADDRSTRLEN];
	size_t			 plen;

	if (sa == NULL || salen < sizeof(sa_family_t)) {
		out_pointer(o, ptr);
		return;
	}
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, sa, salen < sizeof(ss) ? salen : sizeof(ss));
	if (salen > sizeof(ss))
		salen = sizeof(ss);
	switch (ss.ss_family) {
	case AF_INET:
		if (salen < sizeof(*sin) || inet_ntop(AF_INET, &sin->sin_addr,
		    host, sizeof(host)) == NULL)
			break;
		out_printf(o, "%s:%u", host, ntohs(sin->sin_port));
		return;
	case AF_INET6:
		if (salen < sizeof(*sin6) || inet_ntop(AF_INET6,
		    &sin6->sin6_addr, host, sizeof(host)) == NULL)
			break;
		out_printf(o, "[%s]:%u", host, ntohs(sin6->sin6_port));
		return;
	case AF_UNIX:
		plen = salen - offsetof(struct sockaddr_un, sun_path);
		if (plen > sizeof(sun->sun_path))
			plen = sizeof(sun->sun_path);
		if (plen > 0 && sun->sun_path[0] == '\0') {
			/* abstract: shown as ss(8) does, with a leading @ */
			char abstract[sizeof(sun->sun_path)];

			abstract[0] = '@';
			memcpy(abstract + 1, sun->sun_path + 1, plen - 1);
			out_quoted(o, abstract, plen);
			return;
		}
		out_quoted(o, sun->sun_path, strnlen(sun->sun_path, plen));
		return;
	}
	out_family(o, ss.ss_family);
}

static const struct shape *
shape_of(int nr)
{
	size_t	i;

	for (i = 0; shapes[i].args != NULL; i++)
		if (shapes[i].nr == nr)
			return &shapes[i];
	return NULL;
}

void
filter_decode_call(int nr, const uint64_t args[6],
    const struct filter_mem *mem, char *buf, size_t bufsz)
{
	const struct shape	*sh;
	const char		*k, *sep = "", *s;
	struct out		 o = { buf, bufsz, 0 };
	int			 i, nstr = 0;

	if (bufsz == 0)
		return;
	buf[0] = '\0';
	if ((sh = shape_of(nr)) == NULL)
		return;
	for (k = sh->args, i = 0; *k != '\0' && i < 6; k++, i++) {
		if (*k == '.')
			continue;
		if (*k == 'p' && args[i] == 0)
			break;
		out_printf(&o, "%s", sep);
		sep = ",";
		switch (*k) {
		case 'f':
			out_family(&o, args[i]);
			break;
		case 't':
			out_socktype(&o, args[i]);
			break;
		case 'p':
			out_protocol(&o, args[0], args[i]);
			break;
		case 'd':
		case 'i':
			out_printf(&o, "%d", (int)args[i]);
			break;
		case 'D':
			if ((int)args[i] == AT_FDCWD)
				out_printf(&o, "AT_FDCWD");
			else
				out_printf(&o, "%d", (int)args[i]);
			break;
		case 'u':
			out_id(&o, args[i]);
			break;
		case 'c':
			out_flags(&o, args[i], 1);
			break;
		case 'n':
			out_flags(&o, args[i], 0);
			break;
		case 's':
			s = mem != NULL && nstr < 3 ? mem->str[nstr] : NULL;
			nstr++;
			if (s != NULL)
				out_quoted(&o, s, strlen(s));
			else
				out_pointer(&o, args[i]);
			break;
		case 'a':
			out_sockaddr(&o, mem != NULL ? mem->sa : NULL,
			    mem != NULL ? mem->salen : 0, args[i]);
			i++;	/* the length that follows */
			break;
		default:
			out_printf(&o, "0x%llx", (unsigned long long)args[i]);
			break;
		}
	}
}

void
filter_decode_args(int nr, const uint64_t args[6], const char *str0,
    char *buf, size_t bufsz)
{
	struct filter_mem	mem = { { str0, NULL, NULL }, NULL, 0 };

	filter_decode_call(nr, args, &mem, buf, bufsz);
}

/* -------------------------------------------------------- notification */

/* Buffers for what is read from the caller's memory. */
struct peeked {
	char			str[3][STR_MAX + 1];
	struct sockaddr_storage	sa;
};

static ssize_t
peek(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec	local = { buf, len }, remote;
	ssize_t		n;

	/*
	 * process_vm_readv, not /proc/PID/mem: it needs only ptrace access
	 * (CAP_SYS_PTRACE), not DAC access to a file owned by the script's
	 * user, so the worker keeps no DAC override.  A string that ends
	 * near an unmapped page comes back short, which is fine.
	 */
	if (addr == 0 || addr > (uint64_t)INT64_MAX - len)
		return -1;
	remote.iov_base = (void *)(uintptr_t)addr;
	remote.iov_len = len;
	do
		n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
	while (n == -1 && errno == EINTR);
	return n;
}

/*
 * Read the string and address arguments of a call with
 * process_vm_readv().  Best effort: what cannot be read is shown as a
 * pointer.  A string longer than STR_MAX ends in "...".
 */
static void
peek_args(pid_t pid, int nr, const uint64_t args[6], struct peeked *pk,
    struct filter_mem *mem)
{
	const struct shape	*sh;
	const char		*k;
	ssize_t			 n;
	size_t			 len;
	int			 i, nstr = 0;

	memset(mem, 0, sizeof(*mem));
	if (pid <= 0 || (sh = shape_of(nr)) == NULL ||
	    strpbrk(sh->args, "sa") == NULL)
		return;
	for (k = sh->args, i = 0; *k != '\0' && i < 6; k++, i++) {
		if (*k == 's' && nstr < 3) {
			n = peek(pid, args[i], pk->str[nstr], STR_MAX);
			if (n > 0) {
				pk->str[nstr][n] = '\0';
				if (memchr(pk->str[nstr], '\0', n) == NULL &&
				    n == STR_MAX)
					memcpy(pk->str[nstr] + STR_MAX - 3,
					    "...", 3);
				mem->str[nstr] = pk->str[nstr];
			}
			nstr++;
		} else if (*k == 'a' && i < 5) {
			len = args[i + 1] < sizeof(pk->sa) ?
			    (size_t)args[i + 1] : sizeof(pk->sa);
			n = peek(pid, args[i], &pk->sa, len);
			if (n > 0) {
				mem->sa = &pk->sa;
				mem->salen = (size_t)n;
			}
		}
	}
}

static void
syscall_name(uint32_t arch, int nr, char *buf, size_t bufsz)
{
	char	*s;
	size_t	 i;

	if ((s = seccomp_syscall_resolve_num_arch(arch, nr)) != NULL) {
		snprintf(buf, bufsz, "%s", s);
		free(s);
		return;
	}
	for (i = 0; newer[i].name != NULL; i++)
		if (newer[i].nr == nr) {
			snprintf(buf, bufsz, "%s", newer[i].name);
			return;
		}
	snprintf(buf, bufsz, "syscall_%d", nr);
}

int
filter_notify_recv(int fd, struct filter_event *ev)
{
	struct seccomp_notif		 req;
	struct filter_mem		 mem;
	struct peeked			 pk;
	uint64_t			 args[6];
	int				 i, valid;

	/* the kernel insists on a zeroed buffer */
	memset(&req, 0, sizeof(req));
	while (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) == -1)
		if (errno != EINTR)
			return -1;

	memset(ev, 0, sizeof(*ev));
	ev->id = req.id;
	ev->pid = req.pid;
	ev->nr = req.data.nr;
	syscall_name(req.data.arch, req.data.nr, ev->name, sizeof(ev->name));
	for (i = 0; i < 6; i++)
		args[i] = req.data.args[i];

	peek_args(req.pid, req.data.nr, args, &pk, &mem);
	/*
	 * The pid may have died and been reused while we read its memory;
	 * what we read only counts if the call is still waiting.
	 */
	valid = ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) == 0;
	if (!valid)
		memset(&mem, 0, sizeof(mem));
	filter_decode_call(req.data.nr, args, &mem, ev->args,
	    sizeof(ev->args));
	if ((req.data.nr == __NR_execve || req.data.nr == __NR_openat ||
	    req.data.nr == __NR_open || req.data.nr == __NR_creat) &&
	    mem.str[0] != NULL)
		snprintf(ev->path, sizeof(ev->path), "%s", mem.str[0]);
	if (req.data.nr == __NR_openat)
		ev->open_flags = (int)args[2];
	else if (req.data.nr == __NR_open)
		ev->open_flags = (int)args[1];
	else if (req.data.nr == __NR_creat)
		ev->open_flags = O_CREAT | O_WRONLY | O_TRUNC;
	return 0;
}

int
filter_notify_reply(int fd, const struct filter_event *ev, int error)
{
	struct seccomp_notif_resp	resp;

	memset(&resp, 0, sizeof(resp));
	resp.id = ev->id;
	if (error == 0)
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else
		resp.error = -(error > 0 && error <= 4095 ? error : EPERM);
	while (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) == -1) {
		if (errno == EINTR)
			continue;
		/* ENOENT: the caller died or was interrupted by a signal
		 * (it will call again); nothing is left to answer */
		if (errno == ENOENT)
			break;
		return -1;
	}
	return 0;
}
