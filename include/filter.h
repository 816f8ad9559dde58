/*
 * filter: seccomp policy, compiled with libseccomp.
 *
 * filter_build() turns a profile's syscall policy into a BPF program once,
 * in the master.  filter_attach() loads it into a long-lived spawner with
 * a user-notification listener: every denied call stops in the kernel and
 * is answered (with the profile's errno, never CONTINUE outside complain
 * mode) by the worker that holds the listener fd, after it has been
 * reported.  If the listener goes
 * away, denied calls fail with ENOSYS: the filter fails closed.
 *
 * The policy, in systemd's vocabulary (see safecgi-profile(5)):
 *   - allowed unless denied; the default deny set is @privileged @setuid
 *     @mount @debug @module @raw-io @reboot @swap @clock @cpu-emulation
 *     @obsolete @keyring, bpf, perf_event_open, io_uring_*, userfaultfd,
 *     unshare, setns (but the spawner's keyed one into a mount
 *     namespace), ptrace, process_vm_*, setfsgid, syslog,
 *     open_tree_attr, memfd_create, execveat, and personality other
 *     than the query and PER_LINUX;
 *   - setresuid/setresgid only to the profile's own uid/gid, setgroups
 *     with at most one group: what the jail needs to leave root;
 *   - socket() for AF_UNIX only (plus AF_INET/AF_INET6 when the profile
 *     opens TCP ports); clone() without namespace flags (CLONE_NEWPID
 *     stays: the spawner needs it); clone3() fails with ENOSYS so that
 *     libc falls back to clone(), whose flags the filter can see;
 *   - any architecture but x86-64, and x32 system calls, kill the process;
 *   - syscall_allow entries take names out of the default deny set,
 *     syscall_deny entries add names; a deny wins over an allow.  What
 *     the spawner itself calls after attaching (execve, clone, recvmsg,
 *     ...) cannot be denied: by name it is an error, in a group it is
 *     left out.  clone, clone3, unshare, setns and socket keep their
 *     fixed rules: allowing one by name is an error.
 * In complain mode the same filter is attached and every denied call is
 * reported and then let through; x32/i386 and clone3 stay refused.
 * With deny_action = kill, denied calls kill the script (SIGSYS) without
 * a report; the listener stays idle.
 */
#ifndef SAFECGI_FILTER_H
#define SAFECGI_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct profile;

#define FILTER_IPC_SHM	0x1
#define FILTER_IPC_SEM	0x2
#define FILTER_IPC_MSG	0x4
#define FILTER_IPC_MQ	0x8

struct filter {
	void		*bpf;		/* struct sock_filter[] */
	size_t		 len;		/* instructions */
	int		 complain;	/* profile in complain mode */
	/*
	 * Every execve() stops in the worker to be recorded, except the
	 * one that starts the script: the spawner's child passes this key,
	 * drawn at random in the master, in the three argument registers
	 * execve() does not use.  A script cannot read it (it lives in
	 * the spawner's memory and the kernel's), and if it could, it
	 * would only skip the record: Landlock still decides what runs.
	 * The whole key, in setns()'s unused arguments 2 to 4, lets the
	 * child enter its slot's mount and IPC namespaces (CLONE_NEWNS
	 * and CLONE_NEWIPC only), and the spawner check and replace a
	 * slot's IPC namespace: setns, unshare(CLONE_NEWIPC) and the
	 * fsopen/fsconfig/fsmount of its mqueue file system, each with
	 * the key in registers the call leaves unused.
	 */
	uint64_t	 exec_key[3];
	/*
	 * The IPC object kinds a script of this profile can make (its
	 * shmget, semget, msgget, mq_open is not denied): the ones whose
	 * use the spawner checks after a request.  blind: of those, the
	 * kinds whose removal (shmctl ...) is denied, which the spawner
	 * therefore cannot probe: a slot is replaced after every request.
	 */
	unsigned	 ipc_kinds, ipc_blind;
};

/*
 * Compile; returns 0 or -1 with a message in err.  A name that is not a
 * system call or group, a "~" in syscall_allow, or a deny of a call the
 * spawner itself needs (execve, clone, ...) is an error.
 */
int	filter_build(const struct profile *, struct filter *,
	    char *err, size_t errsz);
void	filter_free(struct filter *);

/*
 * Attach to the calling process (no_new_privs must be set, else EPERM).
 * Returns the listener fd (close-on-exec), or -1 with errno set.
 */
int	filter_attach(const struct filter *);

/*
 * The members of a systemd-style group ("@mount"), NULL-terminated, as
 * `systemd-analyze syscall-filter` lists them: system call names, some
 * of other architectures, and nested groups ("@chown" in "@privileged").
 * NULL if there is no such group.
 */
const char * const *filter_group(const char *name);

#define FILTER_NR_UNKNOWN	(-1)	/* not a system call anywhere */
#define FILTER_NR_FOREIGN	(-2)	/* a system call, not on this arch */

/* The native number of a system call name, or one of the above. */
int	filter_syscall_resolve(const char *name);

/* A decoded denied call, for the audit log. */
struct filter_event {
	uint64_t	 id;		/* the kernel's notification id */
	pid_t		 pid;
	int		 nr;
	char		 name[32];	/* "socket" */
	char		 args[256];	/* "AF_INET,SOCK_STREAM" / "\"/bin/sh\"" */
	char		 path[1024];	/* execve: the path, raw; or "" */
	int		 open_flags;	/* open, openat, creat: the flags */
};

/*
 * A worker's side of the listener (notify.c decides between the two):
 * receive one notification and decode it into ev, reading string and
 * address arguments through /proc/pid/mem when possible; then answer it
 * with -error, or CONTINUE when error is 0.  CONTINUE is only for calls
 * the filter did not deny: it is no security control.  -1 when nothing
 * could be received or answered; ENOENT then means the caller died
 * first, which is harmless.
 */
int	filter_notify_recv(int fd, struct filter_event *ev);
int	filter_notify_reply(int fd, const struct filter_event *ev, int error);

/* Decode arguments of syscall nr into buf (pure; for tests and the log). */
void	filter_decode_args(int nr, const uint64_t args[6],
	    const char *str0, char *buf, size_t bufsz);

/*
 * What was read from the caller's memory for filter_decode_call(): its
 * string arguments in order (NULL where unread) and its socket address.
 * str0 of filter_decode_args() is str[0].
 */
struct filter_mem {
	const char	*str[3];
	const void	*sa;
	size_t		 salen;
};

void	filter_decode_call(int nr, const uint64_t args[6],
	    const struct filter_mem *, char *buf, size_t bufsz);

#endif
