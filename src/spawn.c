/*
 * The per-profile spawner: one long-lived process per worker and profile
 * that carries the profile's seccomp filter and creates, reaps and kills
 * the per-request children.
 */
#include <sys/types.h>
#include <sys/select.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "fdpass.h"
#include "filter.h"
#include "jail.h"
#include "profile.h"
#include "safecgi.h"
#include "spawn.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#endif

#ifndef P_PIDFD
#define P_PIDFD	3
#endif

#define SPAWN_MSG_MAX	(256 * 1024)
#define CHILD_STACK	(64 * 1024)

struct spawn_hdr {
	uint32_t	len_path, len_dir, len_interp, len_env, nenv;
};

struct child {
	pid_t	pid;
	int	pidfd;
	int	ctl;
};

static void
reply(int ctl, int type, pid_t pid, int stage, int err, int status)
{
	struct spawn_reply r = { type, pid, stage, err, status };

	(void)send(ctl, &r, sizeof(r), MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* One request: unpack, clone, report. */
static const struct filter	*spawn_filter;	/* for the exec key */

static void
spawn_one(struct jail *j, const struct profile *p, char *msg, size_t len,
    const int *fds, int nfds, struct child *slot, size_t si)
{
	static char		 stack[CHILD_STACK] __attribute__((aligned(16)));
	static char		*envp[4096];
	struct spawn_hdr	 h;
	struct jail_exec	 x;
	char			*argv[2], *s, *end;
	size_t			 i;
	pid_t			 pid;
	int			 pidfd = -1;

	memcpy(&h, msg, sizeof(h));
	s = msg + sizeof(h);
	end = msg + len;
	if ((size_t)(end - s) < (size_t)h.len_path + h.len_dir +
	    h.len_interp + h.len_env || h.nenv >= nitems(envp)) {
		reply(fds[3], SPAWN_FAILED, 0, STAGE_NONE, EINVAL, 0);
		return;
	}
	memset(&x, 0, sizeof(x));
	x.jail = j;
	x.profile = p;
	x.fd_in = fds[0];
	x.fd_out = fds[1];
	x.fd_err = fds[2];
	x.path = s;
	x.dir = s + h.len_path;
	x.interp = h.len_interp > 1 ? s + h.len_path + h.len_dir : NULL;
	s += h.len_path + h.len_dir + h.len_interp;
	for (i = 0; i < h.nenv && s < end; i++) {
		envp[i] = s;
		s += strnlen(s, end - s) + 1;
	}
	envp[i] = NULL;
	argv[0] = (char *)x.path;
	argv[1] = NULL;
	x.argv = argv;
	x.envp = envp;
	x.exec_key = spawn_filter->exec_key;
	x.slot = &j->slot[si];	/* kid i runs in slot i */
	/* beyond the four: the request's leaf, which the child joins */
	x.cgroup_procs = fds + 4;
	x.ncgroup = nfds - 4;
	if ((x.ruleset = jail_ruleset(j, p, x.path, x.interp, si)) == -1) {
		reply(fds[3], SPAWN_FAILED, 0, STAGE_LANDLOCK, errno, 0);
		return;
	}

	/*
	 * vfork-style: the child borrows our memory until it execs, which
	 * saves copying page tables on every request.  CLONE_NEWPID makes
	 * it init of its own PID namespace: when it exits, the kernel kills
	 * everything it left behind, setsid() or not.  Its IPC namespace
	 * is its slot's, entered with setns() (jail_child_exec), not made
	 * here: making and freeing one per request cost ~55 us.  The
	 * pidfd comes with the child (CLONE_PIDFD): there is never a child
	 * we could not wait for, as there would be if a later pidfd_open
	 * failed.  CLONE_FILES: the child starts on our descriptor table
	 * instead of a copy of all of it, and takes a table of its own
	 * holding only the request's descriptors before it touches one
	 * (jail_child_exec); we are single-threaded and suspended until
	 * it execs or exits, so nothing else uses the table meanwhile.
	 */
#ifdef __SANITIZE_ADDRESS__
	/* the last child left its frames' poison on this stack */
	ASAN_UNPOISON_MEMORY_REGION(stack, sizeof(stack));
#endif
	pid = clone(jail_child_exec, stack + sizeof(stack),
	    CLONE_VM | CLONE_VFORK | CLONE_FILES | CLONE_NEWPID |
	    CLONE_PIDFD | SIGCHLD, &x, &pidfd, NULL, NULL);
	if (pid == -1) {
		reply(fds[3], SPAWN_FAILED, 0, STAGE_NONE, errno, 0);
		return;
	}
	if (x.fail_stage != STAGE_NONE) {
		int	status;

		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		close(pidfd);
		/* nothing of the script ran, but never hand on unchecked */
		(void)jail_slot_reset(j, si);
		reply(fds[3], SPAWN_FAILED, pid, x.fail_stage, x.fail_errno,
		    0);
		return;
	}
	slot->pid = pid;
	slot->pidfd = pidfd;
	slot->ctl = fds[3];
	reply(fds[3], SPAWN_STARTED, pid, 0, 0, 0);
}

static void __attribute__((noreturn))
spawner_main(struct jail *j, const struct profile *p,
    const struct filter *f, int sock, int max, pid_t worker)
{
	struct child	*kids;
	struct pollfd	*pfd;
	char		*msg;
	int		 fds[FDPASS_MAX], nfds, lfd, i, n, k, usable;
	ssize_t		 len;

	spawn_filter = f;
	/*
	 * The worker's cgroup leaves live above FD_SETSIZE (cgroup.c), and a
	 * request brings the descriptors of its own leaf with it.  Kept
	 * here, the worker's hundreds would be copied into every request's
	 * child by clone and closed again there: most of a request's cost.
	 */
	if (syscall(SYS_close_range, FD_SETSIZE, ~0U, 0) == -1) {
		log_msg(LOG_ERR, "spawner for profile %s: close_range: %s",
		    p->name, strerror(errno));
		_exit(1);
	}
	/* long-lived: out of the children's way (jail_fd_high) */
	sock = jail_fd_high(sock);
	/*
	 * Die with the worker; it is our only reason to exist.  Had it
	 * died before the prctl, we were already handed to another parent
	 * and the signal will never come.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1) {
		log_msg(LOG_ERR, "spawner for profile %s: PR_SET_PDEATHSIG: "
		    "%s; refusing to run scripts", p->name, strerror(errno));
		_exit(1);
	}
	if (getppid() != worker)
		_exit(1);
	/* one slot per child that can run at once: max, the pool */
	if ((lfd = jail_spawner_enter(j, p, f, max)) == -1) {
		log_msg(LOG_ERR, "spawner for profile %s: cannot enter the "
		    "jail; refusing to run scripts", p->name);
		_exit(1);
	}
	/* the worker answers our children's denied calls */
	if (fd_send(sock, "N", 1, &lfd, 1, 0) == -1)
		_exit(1);
	close(lfd);

	kids = calloc(max, sizeof(*kids));
	pfd = calloc(2 * max + 1, sizeof(*pfd));
	msg = malloc(SPAWN_MSG_MAX);
	if (kids == NULL || pfd == NULL || msg == NULL)
		_exit(1);
	for (i = 0; i < max; i++)
		kids[i].pid = 0;

	for (;;) {
		n = 0;
		k = 0;
		usable = 0;
		for (i = 0; i < max; i++)
			if (j->slot[i].ns != -1) {
				usable++;
				if (kids[i].pid == 0)
					k++;
			}
		if (usable == 0) {
			log_msg(LOG_ERR, "spawner for profile %s: no slot "
			    "left to run a request in; exiting", p->name);
			_exit(1);
		}
		/* a request waits in the socket until a slot is free */
		pfd[n].fd = k > 0 ? sock : -1;
		pfd[n++].events = POLLIN;
		for (i = 0; i < max; i++) {
			pfd[n].fd = kids[i].pid ? kids[i].pidfd : -1;
			pfd[n++].events = POLLIN;
			pfd[n].fd = kids[i].pid ? kids[i].ctl : -1;
			pfd[n++].events = POLLIN;
		}
		if (poll(pfd, n, -1) == -1) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (pfd[0].revents & (POLLHUP | POLLERR))
			_exit(0);	/* the worker is gone */
		if (pfd[0].revents & POLLIN) {
			nfds = FDPASS_MAX;
			len = fd_recv(sock, msg, SPAWN_MSG_MAX, fds, &nfds, 0);
			if (len == 0)
				_exit(0);
			if (len > 0 && nfds >= 4 &&
			    (size_t)len >= sizeof(struct spawn_hdr)) {
				for (i = 0; i < max && (kids[i].pid ||
				    j->slot[i].ns == -1); i++)
					;
				spawn_one(j, p, msg, len, fds, nfds, &kids[i],
				    i);
				close(fds[0]);
				close(fds[1]);
				close(fds[2]);
				if (kids[i].pid == 0)
					close(fds[3]);
				/* the child has joined the leaf, or failed */
				for (k = 4; k < nfds; k++)
					close(fds[k]);
			} else
				for (i = 0; i < nfds; i++)
					close(fds[i]);
		}
		for (i = 0; i < max; i++) {
			struct pollfd	*pp = &pfd[1 + 2 * i];
			siginfo_t	 si;
			int32_t		 sig;

			if (kids[i].pid == 0)
				continue;
			if (pp[1].revents & POLLIN &&
			    recv(kids[i].ctl, &sig, sizeof(sig),
			    MSG_DONTWAIT) == sizeof(sig)) {
				/* init of a PID namespace only takes KILL
				 * from us unless it handles the signal */
				syscall(SYS_pidfd_send_signal, kids[i].pidfd,
				    sig, NULL, 0);
			} else if (pp[1].revents & (POLLHUP | POLLERR)) {
				/* the worker dropped the request */
				syscall(SYS_pidfd_send_signal, kids[i].pidfd,
				    SIGKILL, NULL, 0);
			}
			if (!(pp[0].revents & POLLIN))
				continue;
			memset(&si, 0, sizeof(si));
			if (waitid(P_PIDFD, kids[i].pidfd, &si, WEXITED) ==
			    -1)
				continue;
			/*
			 * Its slot emptied before the worker hears of the
			 * exit: the worker gives the request's cgroup leaf
			 * back only then, with no tmpfs page still charged
			 * to it, and the next request never finds a file
			 * of this one; nor an IPC object, nor a trace of
			 * one in the ids (its IPC namespace is replaced if
			 * used).  A slot that cannot be emptied is retired
			 * (logged), never handed on.
			 */
			(void)jail_slot_reset(j, i);
			reply(kids[i].ctl, SPAWN_EXITED, kids[i].pid, 0, 0,
			    si.si_code == CLD_EXITED ?
			    W_EXITCODE(si.si_status, 0) :
			    si.si_status & 0x7f);
			close(kids[i].pidfd);
			close(kids[i].ctl);
			kids[i].pid = 0;
		}
	}
}

int
spawner_start(struct jail *j, const struct profile *p,
    const struct filter *f, int max, struct spawner *sp)
{
	int	 sv[2], fds[1], nfds = 1, sz = SPAWN_MSG_MAX + 4096;
	char	 c;
	pid_t	 pid, self = getpid();

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	switch ((pid = fork())) {
	case -1:
		close(sv[0]);
		close(sv[1]);
		return -1;
	case 0:
		close(sv[0]);
		spawner_main(j, p, f, sv[1], max, self);
	}
	close(sv[1]);
	sp->profile = p;
	sp->pid = pid;
	sp->sock = sv[0];
	if (fd_recv(sv[0], &c, 1, fds, &nfds, 0) != 1 || nfds != 1) {
		close(sv[0]);
		return -1;
	}
	sp->notify_fd = fds[0];
	return 0;
}

int
spawn_request(struct spawner *sp, const char *path, const char *dir,
    const char *interp, char *const envp[], int fd_in, int fd_out,
    int fd_err, int ctl, const int *cgroup_procs, int ncgroup)
{
	static __thread char	*msg;
	struct spawn_hdr	 h = { 0 };
	size_t			 off, l, i;
	int			 fds[FDPASS_MAX] = { fd_in, fd_out, fd_err, ctl };
	int			 k;

	if (ncgroup < 0 || ncgroup > FDPASS_MAX - 4) {
		errno = EINVAL;
		return -1;
	}
	for (k = 0; k < ncgroup; k++)
		fds[4 + k] = cgroup_procs[k];

	if (msg == NULL && (msg = malloc(SPAWN_MSG_MAX)) == NULL)
		return -1;
	if (interp == NULL)
		interp = "";
	h.len_path = strlen(path) + 1;
	h.len_dir = strlen(dir) + 1;
	h.len_interp = strlen(interp) + 1;
	off = sizeof(h);
	if (off + h.len_path + h.len_dir + h.len_interp > SPAWN_MSG_MAX)
		return -1;
	memcpy(msg + off, path, h.len_path);
	off += h.len_path;
	memcpy(msg + off, dir, h.len_dir);
	off += h.len_dir;
	memcpy(msg + off, interp, h.len_interp);
	off += h.len_interp;
	for (i = 0; envp[i] != NULL; i++) {
		l = strlen(envp[i]) + 1;
		if (off + l > SPAWN_MSG_MAX) {
			errno = E2BIG;
			return -1;
		}
		memcpy(msg + off, envp[i], l);
		off += l;
		h.len_env += l;
	}
	h.nenv = i;
	memcpy(msg, &h, sizeof(h));
	return fd_send(sp->sock, msg, off, fds, 4 + ncgroup, 0);
}

int
spawn_read_reply(int ctl, struct spawn_reply *r)
{
	ssize_t	n;

	do
		n = recv(ctl, r, sizeof(*r), 0);
	while (n == -1 && errno == EINTR);
	if (n != sizeof(*r))
		return -1;
	return 0;
}

int
spawn_signal(int ctl, int sig)
{
	int32_t	s = sig;

	return send(ctl, &s, sizeof(s), MSG_NOSIGNAL | MSG_DONTWAIT) ==
	    sizeof(s) ? 0 : -1;
}
