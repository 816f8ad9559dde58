/*
 * Unit tests for filter.c: the seccomp policy, proven by attaching it.
 *
 * Each runtime test forks a child that sets no_new_privs, attaches the
 * profile's filter and makes one call, while this process (the parent)
 * plays the worker: it holds the listener and answers notifications as
 * the worker does (answer_one: notify_decide() between receive and reply).  The tests run as root, so a call the kernel
 * would allow and that still fails with the profile's errno, with an
 * event naming it, was refused by the filter and nothing else.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <linux/capability.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "filter.h"
#include "jail.h"
#include "notify.h"
#include "profile.h"

#define LIST(...) ((struct strlist){ (char *[]){ __VA_ARGS__ }, \
	sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *) })

#define TEST_UID	65534
#define TEST_GID	65534
#define MAX_EVENTS	16
#define MAX_RESULTS	8

/* A strict profile as profile_defaults() would give, filled by hand. */
static struct profile
test_profile(void)
{
	struct profile	p;

	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "test");
	p.mode = MODE_ENFORCE;
	p.uid = TEST_UID;
	p.gid = TEST_GID;
	p.net_none = 1;
	p.deny_action = DENY_ERRNO;
	p.deny_errno = EPERM;
	return p;
}

/*
 * The worker's answer to one notification: receive, decide as notify.c
 * does for a call of no known request, with Landlock asked for real,
 * then reply.
 */
static int
answer_one(int lfd, const struct profile *p, struct filter_event *ev)
{
	/* no jail context: no rule list, so no execve is allowed */
	static struct jail			nojail;
	const struct notify_checks		ck = {
		&nojail, jail_exec_verdict, jail_may_write, jail_may_read
	};
	struct notify_who			who = { 0 };
	struct notify_verdict			v;

	if (filter_notify_recv(lfd, ev) == -1)
		return -1;
	notify_decide(p, ev, &who, &ck, &v);
	return filter_notify_reply(lfd, ev, v.answer);
}

/* What one call in the child returned. */
struct result {
	long	ret;
	int	err;
};

struct run {
	pid_t			 pid;
	int			 status;	/* wait status of the child */
	struct result		 res[MAX_RESULTS];
	int			 nres;
	struct filter_event	 ev[MAX_EVENTS];
	int			 nev;
};

/* The child's work, after the filter is attached; reports via out. */
typedef void	(*body_fn)(int out);

/* Index into a table, for loop tests; set before the fork. */
static int	cur;

static void
report(int out, long ret)
{
	struct result	r;

	r.ret = ret;
	r.err = ret == -1 ? errno : 0;
	/* send() is sendto(), which no profile can deny (write() can) */
	if (send(out, &r, sizeof(r), MSG_NOSIGNAL) != sizeof(r))
		_exit(121);
}

static void
send_byte(int sock, char c, int fd)
{
	struct msghdr	 mh = { 0 };
	struct iovec	 iov = { &c, 1 };
	char		 cbuf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr	*cm;

	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd != -1) {
		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	if (sendmsg(sock, &mh, 0) != 1)
		_exit(122);
}

static char
recv_byte(int sock, int *fd)
{
	struct msghdr	 mh = { 0 };
	char		 c = 0;
	struct iovec	 iov = { &c, 1 };
	char		 cbuf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr	*cm;

	*fd = -1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != 1)
		return 0;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm != NULL && cm->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return c;
}

/*
 * The child: no_new_privs, the filter, then the body.  The listener
 * goes to the parent unless the test wants it gone.  _exit, never exit:
 * sanitizer hooks at exit would run under the filter.
 */
static void __attribute__((noreturn))
child_main(const struct filter *f, int sock, body_fn body, int listener)
{
	int	lfd, e;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    (lfd = filter_attach(f)) == -1) {
		e = errno;
		send_byte(sock, 'E', -1);
		(void)!write(sock, &e, sizeof(e));
		_exit(120);
	}
	send_byte(sock, 'A', listener ? lfd : -1);
	close(lfd);
	body(sock);
	_exit(0);
}

/*
 * Run body in a child under p's filter, answering its notifications
 * here.  listener == 0: the child closes the listener instead.
 */
/* The filter of the current run, for bodies that need its exec key. */
static const struct filter	*cur_filter;

static void
run_with(const struct profile *p, body_fn body, int listener,
    struct run *r)
{
	struct filter	f;
	struct pollfd	pfd[2];
	char		err[256], c;
	int		sv[2], lfd, e, n;
	ssize_t		got;

	memset(r, 0, sizeof(*r));
	ck_assert_msg(filter_build(p, &f, err, sizeof(err)) == 0,
	    "filter_build failed: %s", err);
	cur_filter = &f;
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	r->pid = fork();
	ck_assert_int_ne(r->pid, -1);
	if (r->pid == 0) {
		close(sv[0]);
		child_main(&f, sv[1], body, listener);
	}
	close(sv[1]);
	filter_free(&f);

	c = recv_byte(sv[0], &lfd);
	if (c == 'E') {
		e = 0;
		(void)!read(sv[0], &e, sizeof(e));
		waitpid(r->pid, &r->status, 0);
		ck_abort_msg("filter_attach failed in the child: %s",
		    strerror(e));
	}
	ck_assert_msg(c == 'A', "the child died before attaching");

	for (;;) {
		pfd[0].fd = lfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = sv[0];
		pfd[1].events = POLLIN;
		if ((n = poll(pfd, 2, 10000)) == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			kill(r->pid, SIGKILL);
			waitpid(r->pid, &r->status, 0);
			ck_abort_msg("the child hung: a call never answered?");
		}
		if (pfd[0].revents & POLLIN) {
			struct filter_event ev;

			if (answer_one(lfd, p, &ev) == 0 &&
			    r->nev < MAX_EVENTS)
				r->ev[r->nev++] = ev;
		} else if (pfd[0].revents & (POLLHUP | POLLERR)) {
			close(lfd);
			lfd = -1;	/* no task left under the filter */
		}
		if (pfd[1].revents & (POLLIN | POLLHUP)) {
			got = recv(sv[0], &r->res[r->nres],
			    sizeof(r->res[0]), MSG_WAITALL);
			if (got <= 0)
				break;
			ck_assert_int_eq(got, sizeof(r->res[0]));
			if (r->nres < MAX_RESULTS - 1)
				r->nres++;
		}
	}
	if (lfd != -1)
		close(lfd);
	close(sv[0]);
	ck_assert_int_eq(waitpid(r->pid, &r->status, 0), r->pid);
}

static void
run(const struct profile *p, body_fn body, struct run *r)
{
	run_with(p, body, 1, r);
}

/* The first event for the named call, or NULL. */
static const struct filter_event *
event_for(const struct run *r, const char *name)
{
	int	i;

	for (i = 0; i < r->nev; i++)
		if (strcmp(r->ev[i].name, name) == 0)
			return &r->ev[i];
	return NULL;
}

/* The decoded arguments of the event for the named call. */
static const char *
event_args(const struct run *r, const char *name)
{
	const struct filter_event	*ev = event_for(r, name);

	ck_assert_msg(ev != NULL, "no event for %s", name);
	return ev->args;
}

static void
assert_exited_cleanly(const struct run *r)
{
	ck_assert_msg(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0,
	    "the child did not exit cleanly (status 0x%x; %d events, first "
	    "%s(%s))", r->status, r->nev, r->nev ? r->ev[0].name : "-",
	    r->nev ? r->ev[0].args : "");
}

static void
assert_denied(const struct run *r, const char *name, int want)
{
	const struct filter_event	*ev;

	assert_exited_cleanly(r);
	ck_assert_msg(r->nres >= 1, "%s: no result from the child", name);
	ck_assert_msg(r->res[0].ret == -1 && r->res[0].err == want,
	    "%s: returned %ld (%s), want -1 (%s)", name, r->res[0].ret,
	    strerror(r->res[0].err), strerror(want));
	ev = event_for(r, name);
	ck_assert_msg(ev != NULL, "%s: denied without an event (%d events)",
	    name, r->nev);
	ck_assert_int_eq(ev->pid, r->pid);
}

static void
assert_allowed(const struct run *r, const char *name)
{
	assert_exited_cleanly(r);
	ck_assert_msg(r->nres >= 1, "%s: no result from the child", name);
	ck_assert_msg(r->res[0].ret != -1, "%s: failed with %s", name,
	    strerror(r->res[0].err));
	ck_assert_msg(event_for(r, name) == NULL, "%s: allowed, yet reported",
	    name);
}

/* ------------------------------------------------ calls denied by default */

/*
 * Each call is harmless if the filter failed to stop it: paths that do
 * not exist, bad magic, NULL pointers.  The kernel would answer most of
 * them with something other than EPERM, the rest would succeed.
 */
static long c_mount(void) { return mount("none", "/nonexistent-safecgi",
    "tmpfs", 0, NULL); }
static long c_umount2(void) { return umount2("/nonexistent-safecgi", 0); }
static long c_pivot_root(void) { return syscall(SYS_pivot_root,
    "/nonexistent-a", "/nonexistent-b"); }
static long c_chroot(void) { return chroot("/nonexistent-safecgi"); }
static long c_unshare(void) { return unshare(CLONE_NEWNS); }
static long c_setns(void) { return setns(-1, 0); }
static long c_ptrace(void) { return syscall(SYS_ptrace, PTRACE_PEEKDATA,
    getppid(), NULL, NULL); }
static long c_bpf(void) { return syscall(SYS_bpf, 5, NULL, 0); }
static long c_perf_event_open(void) { return syscall(SYS_perf_event_open,
    NULL, 0, -1, -1, 0); }
static long c_io_uring_setup(void) { return syscall(SYS_io_uring_setup, 1,
    NULL); }
static long c_io_uring_enter(void) { return syscall(SYS_io_uring_enter, -1,
    0, 0, 0, NULL, 0); }
static long c_io_uring_register(void) { return syscall(
    SYS_io_uring_register, -1, 0, NULL, 0); }
static long c_keyctl(void) { return syscall(SYS_keyctl, 0, -3, 0); }
static long c_add_key(void) { return syscall(SYS_add_key, "user", "x",
    NULL, 0, -3); }
static long c_request_key(void) { return syscall(SYS_request_key, "user",
    "x", NULL, 0); }
static long c_memfd_create(void) { return memfd_create("x", 0); }
static long c_execveat(void) { return syscall(SYS_execveat, AT_FDCWD,
    "/nonexistent-safecgi", NULL, NULL, 0); }
static long c_userfaultfd(void) { return syscall(SYS_userfaultfd, 0); }
static long c_process_vm_readv(void) { return process_vm_readv(getppid(),
    NULL, 0, NULL, 0, 0); }
static long c_process_vm_writev(void) { return process_vm_writev(
    getppid(), NULL, 0, NULL, 0, 0); }
static long c_personality(void) { return personality(PER_LINUX32); }
static long c_init_module(void) { return syscall(SYS_init_module, NULL, 0,
    ""); }
static long c_finit_module(void) { return syscall(SYS_finit_module, -1, "",
    0); }
static long c_delete_module(void) { return syscall(SYS_delete_module,
    "nonexistent_safecgi", 0); }
static long c_reboot(void) { return syscall(SYS_reboot, 0, 0, 0, NULL); }
static long c_kexec_file_load(void) { return syscall(SYS_kexec_file_load,
    -1, -1, 0, NULL, 0); }
static long c_swapon(void) { return syscall(SYS_swapon,
    "/nonexistent-safecgi", 0); }
static long c_swapoff(void) { return syscall(SYS_swapoff,
    "/nonexistent-safecgi"); }
static long c_settimeofday(void) { return syscall(SYS_settimeofday, NULL,
    NULL); }
static long c_clock_settime(void) { return syscall(SYS_clock_settime,
    CLOCK_REALTIME, NULL); }
static long c_adjtimex(void) { return syscall(SYS_adjtimex, NULL); }
static long c_iopl(void) { return syscall(SYS_iopl, 0); }
static long c_acct(void) { return syscall(SYS_acct, "/nonexistent-safecgi"); }
static long c_chown(void) { return chown("/nonexistent-safecgi", 0, 0); }
static long c_capset(void) { return syscall(SYS_capset, NULL, NULL); }
static long c_setuid(void) { return syscall(SYS_setuid, TEST_UID); }
static long c_setgid(void) { return syscall(SYS_setgid, TEST_GID); }
static long c_setreuid(void) { return syscall(SYS_setreuid, -1, -1); }
static long c_setfsuid(void) { return syscall(SYS_setfsuid, 0); }
static long c_setfsgid(void) { return syscall(SYS_setfsgid, 0); }
static long c_open_by_handle_at(void) { return syscall(
    SYS_open_by_handle_at, -1, NULL, 0); }
static long c_quotactl(void) { return syscall(SYS_quotactl, 0, NULL, 0,
    NULL); }
static long c_syslog(void) { return syscall(SYS_syslog, 10, NULL, 0); }
static long c_sysfs(void) { return syscall(SYS_sysfs, 3); }
static long c_modify_ldt(void) { return syscall(SYS_modify_ldt, 0, NULL,
    0); }
static long c_pidfd_getfd(void) { return syscall(SYS_pidfd_getfd, -1, 0,
    0); }
static long c_fanotify_init(void) { return syscall(SYS_fanotify_init, 0,
    0); }

static const struct {
	const char	*name;
	long		(*call)(void);
} denied[] = {
	{ "mount", c_mount },			{ "umount2", c_umount2 },
	{ "pivot_root", c_pivot_root },		{ "chroot", c_chroot },
	{ "unshare", c_unshare },		{ "setns", c_setns },
	{ "ptrace", c_ptrace },			{ "bpf", c_bpf },
	{ "perf_event_open", c_perf_event_open },
	{ "io_uring_setup", c_io_uring_setup },
	{ "io_uring_enter", c_io_uring_enter },
	{ "io_uring_register", c_io_uring_register },
	{ "keyctl", c_keyctl },			{ "add_key", c_add_key },
	{ "request_key", c_request_key },
	{ "memfd_create", c_memfd_create },	{ "execveat", c_execveat },
	{ "userfaultfd", c_userfaultfd },
	{ "process_vm_readv", c_process_vm_readv },
	{ "process_vm_writev", c_process_vm_writev },
	{ "personality", c_personality },
	{ "init_module", c_init_module },
	{ "finit_module", c_finit_module },
	{ "delete_module", c_delete_module },	{ "reboot", c_reboot },
	{ "kexec_file_load", c_kexec_file_load },
	{ "swapon", c_swapon },			{ "swapoff", c_swapoff },
	{ "settimeofday", c_settimeofday },
	{ "clock_settime", c_clock_settime },	{ "adjtimex", c_adjtimex },
	{ "iopl", c_iopl },			{ "acct", c_acct },
	{ "chown", c_chown },			{ "capset", c_capset },
	{ "setuid", c_setuid },			{ "setgid", c_setgid },
	{ "setreuid", c_setreuid },		{ "setfsuid", c_setfsuid },
	{ "setfsgid", c_setfsgid },
	{ "open_by_handle_at", c_open_by_handle_at },
	{ "quotactl", c_quotactl },		{ "syslog", c_syslog },
	{ "sysfs", c_sysfs },			{ "modify_ldt", c_modify_ldt },
	{ "pidfd_getfd", c_pidfd_getfd },
	{ "fanotify_init", c_fanotify_init },
};

static int
denied_index(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
		if (strcmp(denied[i].name, name) == 0)
			return (int)i;
	ck_abort_msg("no call %s in the table", name);
	return -1;
}

static void
body_denied(int out)
{
	report(out, denied[cur].call());
}

START_TEST(test_default_deny_set_call_fails_eperm_and_is_reported)
{
	struct profile	p = test_profile();
	struct run	r;

	cur = _i;
	run(&p, body_denied, &r);
	assert_denied(&r, denied[_i].name, EPERM);
}
END_TEST

/* ---------------------------------------------------------------- sockets */

static void
body_socket_inet(int out)
{
	report(out, socket(AF_INET, SOCK_STREAM, 0));
}

static void
body_socket_unix(int out)
{
	report(out, socket(AF_UNIX, SOCK_STREAM, 0));
}

static void
body_socket_inet6(int out)
{
	report(out, socket(AF_INET6, SOCK_STREAM, 0));
}

START_TEST(test_socket_inet_fails_eperm_and_reports_family_and_type)
{
	struct profile			 p = test_profile();
	const struct filter_event	*ev;
	struct run			 r;

	run(&p, body_socket_inet, &r);
	assert_denied(&r, "socket", EPERM);
	ev = event_for(&r, "socket");
	ck_assert_ptr_nonnull(ev);
	ck_assert_int_eq(ev->nr, SYS_socket);
	ck_assert_str_eq(ev->args, "AF_INET,SOCK_STREAM");
}
END_TEST

START_TEST(test_socket_unix_is_allowed)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_socket_unix, &r);
	assert_allowed(&r, "socket");
}
END_TEST

static const struct {
	int		 family;
	int		 type;
	const char	*args;
} foreign_families[] = {
	{ AF_INET6, SOCK_STREAM, "AF_INET6,SOCK_STREAM" },
	{ AF_NETLINK, SOCK_RAW, "AF_NETLINK,SOCK_RAW" },
	{ AF_PACKET, SOCK_RAW, "AF_PACKET,SOCK_RAW" },
	{ AF_INET, SOCK_DGRAM, "AF_INET,SOCK_DGRAM" },
	{ AF_UNSPEC, SOCK_STREAM, "AF_UNSPEC,SOCK_STREAM" },
	{ AF_VSOCK, SOCK_STREAM, "AF_VSOCK,SOCK_STREAM" },
	{ 4096, SOCK_STREAM, "4096,SOCK_STREAM" },
};

static void
body_socket_family(int out)
{
	report(out, socket(foreign_families[cur].family,
	    foreign_families[cur].type, 0));
}

START_TEST(test_socket_of_other_family_fails_eperm)
{
	struct profile	p = test_profile();
	struct run	r;

	cur = _i;
	run(&p, body_socket_family, &r);
	assert_denied(&r, "socket", EPERM);
	ck_assert_str_eq(event_args(&r, "socket"),
	    foreign_families[_i].args);
}
END_TEST

START_TEST(test_socket_inet_allowed_when_profile_opens_tcp)
{
	struct profile	p = test_profile();
	struct run	r;

	p.net_none = 0;
	p.net_tcp = LIST("5432");
	run(&p, body_socket_inet, &r);
	assert_allowed(&r, "socket");
	run(&p, body_socket_inet6, &r);
	assert_allowed(&r, "socket");
}
END_TEST

START_TEST(test_socket_netlink_denied_when_profile_opens_tcp)
{
	struct profile	p = test_profile();
	struct run	r;

	p.net_none = 0;
	p.net_tcp = LIST("5432");
	cur = 1;	/* AF_NETLINK */
	run(&p, body_socket_family, &r);
	assert_denied(&r, "socket", EPERM);
}
END_TEST

START_TEST(test_socket_unix_denied_when_profile_denies_network_io)
{
	struct profile	p = test_profile();
	struct run	r;

	p.syscall_deny = LIST("@network-io");
	run(&p, body_socket_unix, &r);
	assert_denied(&r, "socket", EPERM);
}
END_TEST

static void
body_sendmsg(int out)
{
	struct msghdr	mh = { 0 };
	struct iovec	iov = { "x", 1 };

	/* EBADF comes from the kernel: the filter let the call through */
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	report(out, sendmsg(-1, &mh, 0) == -1 && errno == EBADF ? 0 : -1);
}

START_TEST(test_denying_network_io_keeps_sendmsg_for_the_spawner)
{
	struct profile	p = test_profile();
	struct run	r;

	p.syscall_deny = LIST("@network-io");
	run(&p, body_sendmsg, &r);
	assert_allowed(&r, "sendmsg");
}
END_TEST

static void
body_connect_inet(int out)
{
	struct sockaddr_in	sin;
	int			s;

	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
		report(out, -2);
		return;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(80);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	report(out, connect(s, (struct sockaddr *)&sin, sizeof(sin)));
}

START_TEST(test_connect_event_shows_inet_address)
{
	struct profile	p = test_profile();
	struct run	r;

	p.net_none = 0;
	p.net_tcp = LIST("80");
	p.syscall_deny = LIST("connect");
	run(&p, body_connect_inet, &r);
	assert_denied(&r, "connect", EPERM);
	ck_assert_msg(strstr(event_args(&r, "connect"), ",127.0.0.1:80") !=
	    NULL, "connect event args \"%s\" lack the address",
	    event_args(&r, "connect"));
}
END_TEST

static void
body_connect_unix(int out)
{
	struct sockaddr_un	sun;
	int			s;

	if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
		report(out, -2);
		return;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path),
	    "/nonexistent/safecgi-test.sock");
	report(out, connect(s, (struct sockaddr *)&sun, sizeof(sun)));
}

START_TEST(test_connect_event_shows_unix_path)
{
	struct profile	p = test_profile();
	struct run	r;

	p.syscall_deny = LIST("connect");
	run(&p, body_connect_unix, &r);
	assert_denied(&r, "connect", EPERM);
	ck_assert_msg(strstr(event_args(&r, "connect"),
	    "\"/nonexistent/safecgi-test.sock\"") != NULL,
	    "connect event args \"%s\" lack the path",
	    event_args(&r, "connect"));
}
END_TEST

START_TEST(test_profile_errno_is_returned)
{
	struct profile	p = test_profile();
	struct run	r;

	p.deny_errno = EACCES;
	run(&p, body_socket_inet, &r);
	assert_denied(&r, "socket", EACCES);
}
END_TEST

/* ----------------------------------------------------------------- clone */

static const struct {
	unsigned long	 flag;
	const char	*args;
} ns_flags[] = {
	{ CLONE_NEWNET, "CLONE_NEWNET|SIGCHLD" },
	{ CLONE_NEWNS, "CLONE_NEWNS|SIGCHLD" },
	{ CLONE_NEWUSER, "CLONE_NEWUSER|SIGCHLD" },
	{ CLONE_NEWIPC, "CLONE_NEWIPC|SIGCHLD" },
	{ CLONE_NEWUTS, "CLONE_NEWUTS|SIGCHLD" },
	{ CLONE_NEWCGROUP, "CLONE_NEWCGROUP|SIGCHLD" },
};

static void
body_clone_ns(int out)
{
	long	pid;

	pid = syscall(SYS_clone, ns_flags[cur].flag | SIGCHLD, NULL, NULL,
	    NULL, 0);
	if (pid == 0)
		_exit(0);	/* the filter failed: leave quietly */
	if (pid > 0)
		waitpid(pid, NULL, 0);
	report(out, pid);
}

START_TEST(test_clone_with_namespace_flag_fails_eperm)
{
	struct profile	p = test_profile();
	struct run	r;

	cur = _i;
	run(&p, body_clone_ns, &r);
	assert_denied(&r, "clone", EPERM);
	ck_assert_str_eq(event_args(&r, "clone"), ns_flags[_i].args);
}
END_TEST

static void
body_clone3(int out)
{
	struct clone_args	ca;

	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_NEWNET;
	ca.exit_signal = SIGCHLD;
	report(out, syscall(SYS_clone3, &ca, sizeof(ca)));
}

START_TEST(test_clone3_fails_enosys_without_a_report)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_clone3, &r);
	assert_exited_cleanly(&r);
	ck_assert_msg(r.res[0].ret == -1 && r.res[0].err == ENOSYS,
	    "clone3 returned %ld (%s), want ENOSYS", r.res[0].ret,
	    strerror(r.res[0].err));
	ck_assert_int_eq(r.nev, 0);
}
END_TEST

static void
body_fork(int out)
{
	int	status;
	pid_t	pid;

	if ((pid = fork()) == 0)
		_exit(7);
	if (pid == -1 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 7) {
		report(out, -1);
		return;
	}
	report(out, pid);
}

START_TEST(test_fork_is_allowed)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_fork, &r);
	assert_allowed(&r, "clone");
}
END_TEST

/* Returning, not _exit(): clone's own exit path, on the child's stack. */
static int
pid_one(void *arg)
{
	(void)arg;
	return getpid() == 1 ? 0 : 1;
}

/* Exactly how spawn.c makes a request's child. */
static void
body_clone_spawner(int out)
{
	static char	stack[64 * 1024] __attribute__((aligned(16)));
	int		status;
	pid_t		pid;

	pid = clone(pid_one, stack + sizeof(stack),
	    CLONE_VM | CLONE_VFORK | CLONE_NEWPID | SIGCHLD, NULL);
	if (pid == -1) {
		report(out, -1);
		return;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		errno = ECHILD;
		report(out, -1);
		return;
	}
	report(out, pid);
}

START_TEST(test_spawner_clone_with_newpid_is_allowed)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_clone_spawner, &r);
	assert_allowed(&r, "clone");
}
END_TEST

/* -------------------------------------------------------------- identity */

/* Exactly how jail.c leaves root. */
static void
body_identity(int out)
{
	uid_t	ru, eu, su;
	gid_t	gid = TEST_GID;

	if (setgroups(1, &gid) == -1 ||
	    setresgid(TEST_GID, TEST_GID, TEST_GID) == -1 ||
	    setresuid(TEST_UID, TEST_UID, TEST_UID) == -1) {
		report(out, -1);
		return;
	}
	if (getresuid(&ru, &eu, &su) == -1 || ru != TEST_UID ||
	    eu != TEST_UID || su != TEST_UID) {
		errno = EINVAL;
		report(out, -1);
		return;
	}
	report(out, 0);
}

START_TEST(test_change_to_profile_ids_is_allowed)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_identity, &r);
	assert_allowed(&r, "setresuid");
	ck_assert_int_eq(r.nev, 0);
}
END_TEST

/*
 * The jail's own per-request sequence, jail_child_exec(), in a child
 * cloned as the spawner clones it, under the Landlock ruleset the jail
 * builds from the profile's rule list (prepared before the filter is
 * attached, as in the spawner).  The script does not exist: an execve
 * that fails with ENOENT, from the kernel, at the last stage, proves
 * that every step before it, and the execve, passed the filter.
 */
static struct jail		seq_jail;
/* the child enters a slot as in the spawner: here, our own namespace */
static struct jail_slot		seq_slot = { -1, { -1, -1 }, -1, -1,
				    { { 0 } } };
static struct profile_set	seq_ps;
static struct profile		seq_profile;
static int			seq_ruleset = -1;

static void
prepare_sequence(struct profile *p)
{
	char	prog[PATH_MAX];

	/* limits as profile_defaults() gives them: never 0 */
	p->limit_cpu = 10;
	p->limit_as = PROFILE_UNLIMITED;
	p->limit_nproc = 64;
	p->limit_nofile = 64;
	p->limit_fsize = PROFILE_UNLIMITED;
	seq_profile = *p;
	seq_ps.v = &seq_profile;
	seq_ps.n = 1;
	memset(&seq_jail, 0, sizeof(seq_jail));
	seq_jail.caps.landlock_abi = jail_landlock_abi();
	ck_assert_msg(seq_jail.caps.landlock_abi >= 1, "no Landlock here");
	ck_assert_ptr_nonnull(realpath("/lib64/ld-linux-x86-64.so.2",
	    seq_jail.ldso));
	seq_jail.ps = &seq_ps;
	ck_assert_ptr_nonnull(seq_jail.policy = calloc(1,
	    sizeof(*seq_jail.policy)));
	ck_assert_int_eq(jail_policy_build(&seq_profile, seq_jail.ldso,
	    seq_jail.policy), 0);
	ck_assert_int_eq(jail_anchors_open(&seq_jail, seq_jail.policy), 0);
	ck_assert_ptr_nonnull(realpath("/bin/true", prog));
	seq_ruleset = jail_ruleset(&seq_jail, &seq_profile, prog, NULL, 0);
	ck_assert_msg(seq_ruleset >= 0, "no Landlock ruleset: %s",
	    strerror(errno));
	if (seq_slot.ns == -1)
		seq_slot.ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	ck_assert_msg(seq_slot.ns != -1, "/proc/self/ns/mnt: %s",
	    strerror(errno));
	/* the child enters its slot's IPC namespace under the filter */
	if (seq_slot.ipc == -1)
		seq_slot.ipc = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
	ck_assert_msg(seq_slot.ipc != -1, "/proc/self/ns/ipc: %s",
	    strerror(errno));
}

static void
body_jail_sequence(int out)
{
	static char		 stack[256 * 1024] __attribute__((aligned(16)));
	static char		*argv[] = { "x", NULL };
	static char		*envp[] = { NULL };
	static struct jail_exec	 x;
	int			 status;
	pid_t			 pid;

	memset(&x, 0, sizeof(x));
	x.jail = &seq_jail;
	x.profile = &seq_profile;
	x.fd_in = x.fd_out = x.fd_err = out;
	x.path = "/nonexistent-safecgi";
	x.dir = "/";
	x.argv = argv;
	x.envp = envp;
	x.exec_key = cur_filter->exec_key;
	x.ruleset = seq_ruleset;
	x.slot = &seq_slot;
	pid = clone(jail_child_exec, stack + sizeof(stack),
	    CLONE_VM | CLONE_VFORK | CLONE_FILES | CLONE_NEWPID | SIGCHLD,
	    &x);
	if (pid == -1) {
		report(out, -1);
		return;
	}
	if (waitpid(pid, &status, 0) != pid) {
		report(out, -1);
		return;
	}
	report(out, x.fail_stage);
	report(out, x.fail_errno);
}

static void
assert_sequence_ran(const struct run *r)
{
	assert_exited_cleanly(r);
	ck_assert_int_ge(r->nres, 2);
	ck_assert_msg(r->res[0].ret == STAGE_EXEC && r->res[1].ret == ENOENT,
	    "the jail sequence stopped at %s: %s", jail_stage_name(
	    (int)r->res[0].ret), strerror((int)r->res[1].ret));
	ck_assert_msg(r->nev == 0, "the jail sequence was reported: %s",
	    r->ev[0].name);
}

START_TEST(test_jail_child_exec_passes_the_filter)
{
	struct profile	p = test_profile();
	struct run	r;

	prepare_sequence(&p);
	run(&p, body_jail_sequence, &r);
	assert_sequence_ran(&r);
}
END_TEST

START_TEST(test_jail_child_exec_survives_the_broadest_deny)
{
	struct profile	p = test_profile();
	struct run	r;

#ifdef __SANITIZE_ADDRESS__
	/* AddressSanitizer's clone() interceptor needs sigaltstack() in
	 * the child: everything @system-service names but @signal */
	p.syscall_deny = LIST("@aio", "@basic-io", "@chown", "@default",
	    "@file-system", "@io-event", "@ipc", "@keyring", "@memlock",
	    "@network-io", "@process", "@resources", "@setuid", "@sync",
	    "@timer");
#else
	p.syscall_deny = LIST("@system-service");
#endif
	prepare_sequence(&p);
	run(&p, body_jail_sequence, &r);
	assert_sequence_ran(&r);
}
END_TEST

static void
body_setresuid_other(int out)
{
	report(out, syscall(SYS_setresuid, 1000, 1000, 1000));
}

START_TEST(test_setresuid_to_other_uid_fails_eperm)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_setresuid_other, &r);
	assert_denied(&r, "setresuid", EPERM);
	ck_assert_str_eq(event_args(&r, "setresuid"), "1000,1000,1000");
}
END_TEST

static void
body_setresuid_root(int out)
{
	report(out, syscall(SYS_setresuid, 0, 0, 0));
}

START_TEST(test_setresuid_to_root_fails_eperm)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_setresuid_root, &r);
	assert_denied(&r, "setresuid", EPERM);
	ck_assert_str_eq(event_args(&r, "setresuid"), "0,0,0");
}
END_TEST

static void
body_setresuid_keep_root(int out)
{
	report(out, syscall(SYS_setresuid, TEST_UID, TEST_UID, 0));
}

START_TEST(test_setresuid_keeping_saved_root_fails_eperm)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_setresuid_keep_root, &r);
	assert_denied(&r, "setresuid", EPERM);
}
END_TEST

static void
body_setresgid_other(int out)
{
	report(out, syscall(SYS_setresgid, 0, 0, 0));
}

START_TEST(test_setresgid_to_other_gid_fails_eperm)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_setresgid_other, &r);
	assert_denied(&r, "setresgid", EPERM);
}
END_TEST

static void
body_setgroups_two(int out)
{
	gid_t	g[2] = { TEST_GID, 0 };

	report(out, syscall(SYS_setgroups, 2, g));
}

START_TEST(test_setgroups_with_two_groups_fails_eperm)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_setgroups_two, &r);
	assert_denied(&r, "setgroups", EPERM);
}
END_TEST

/* ----------------------------------------------------------- personality */

static void
body_personality_query(int out)
{
	report(out, personality(0xffffffff));
}

static void
body_personality_linux(int out)
{
	report(out, personality(PER_LINUX));
}

START_TEST(test_personality_query_is_allowed)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_personality_query, &r);
	assert_allowed(&r, "personality");
}
END_TEST

START_TEST(test_personality_linux_is_allowed)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_personality_linux, &r);
	assert_allowed(&r, "personality");
}
END_TEST

/* ----------------------------------------------------------------- exec */

static void
body_execveat_sh(int out)
{
	char	*argv[] = { "sh", "-c", "exit 99", NULL };
	char	*envp[] = { NULL };

	/* if the filter failed, sh exits 99 and the test says so */
	report(out, syscall(SYS_execveat, AT_FDCWD, "/bin/sh", argv, envp,
	    0));
}

static void
body_execve_without_key(int out)
{
	char	*argv[] = { "x", NULL }, *envp[] = { NULL };

	report(out, execve("/nonexistent-safecgi-2", argv, envp));
}

START_TEST(test_execve_without_the_key_is_reported_with_its_path)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_execve_without_key, &r);
	ck_assert_msg(event_for(&r, "execve") != NULL,
	    "an execve without the spawner's key was not reported");
	ck_assert_str_eq(event_for(&r, "execve")->path,
	    "/nonexistent-safecgi-2");
}
END_TEST

static void
body_execve_with_key(int out)
{
	char	*argv[] = { "x", NULL }, *envp[] = { NULL };

	report(out, syscall(SYS_execve, "/nonexistent-safecgi-3", argv, envp,
	    cur_filter->exec_key[0], cur_filter->exec_key[1],
	    cur_filter->exec_key[2]));
}

START_TEST(test_execve_with_the_key_is_not_reported)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_execve_with_key, &r);
	ck_assert_msg(event_for(&r, "execve") == NULL,
	    "the spawner's own execve was reported");
	ck_assert_msg(r.res[0].ret == -1 && r.res[0].err == ENOENT,
	    "the keyed execve did not reach the kernel: %s",
	    strerror(r.res[0].err));
}
END_TEST

/*
 * setns(): the spawner's child enters its slot's mount namespace with
 * the key in the three argument registers setns() does not use; the
 * test runs as root, so a call let through succeeds.
 */
static void
body_setns(int out, int nstype, int keyed, int wrong_word)
{
	uint64_t	k[3] = { 0, 0, 0 };
	int		fd;

	if ((fd = open(nstype == CLONE_NEWIPC ? "/proc/self/ns/ipc" :
	    "/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC)) == -1) {
		report(out, -1);
		return;
	}
	if (keyed)
		memcpy(k, cur_filter->exec_key, sizeof(k));
	if (wrong_word >= 0)
		k[wrong_word] ^= 1;
	report(out, syscall(SYS_setns, fd, nstype, k[0], k[1], k[2]));
}

static void
body_setns_keyed(int out)
{
	body_setns(out, CLONE_NEWNS, 1, -1);
}

static void
body_setns_unkeyed(int out)
{
	body_setns(out, CLONE_NEWNS, 0, -1);
}

static void
body_setns_keyed_other_type(int out)
{
	body_setns(out, CLONE_NEWNET, 1, -1);
}

static void
body_setns_keyed_any_type(int out)
{
	body_setns(out, 0, 1, -1);
}

static void
body_setns_one_key_word_wrong(int out)
{
	body_setns(out, CLONE_NEWNS, 1, cur);
}

static void
body_setns_ipc_keyed(int out)
{
	body_setns(out, CLONE_NEWIPC, 1, -1);
}

static void
body_setns_ipc_unkeyed(int out)
{
	body_setns(out, CLONE_NEWIPC, 0, -1);
}

static void
body_setns_ipc_one_key_word_wrong(int out)
{
	body_setns(out, CLONE_NEWIPC, 1, cur);
}

/* between the two allowed values, and both at once */
static const int setns_other_types[] = {
	CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWNS | 1,
	CLONE_NEWNS | CLONE_NEWIPC,
};

static void
body_setns_keyed_type_near(int out)
{
	body_setns(out, setns_other_types[cur], 1, -1);
}

START_TEST(test_setns_mount_with_the_key_is_allowed)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_setns_keyed, &r);
	assert_allowed(&r, "setns");
}
END_TEST

START_TEST(test_setns_without_the_key_fails_eperm_and_is_reported)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_setns_unkeyed, &r);
	assert_denied(&r, "setns", EPERM);
}
END_TEST

START_TEST(test_setns_with_the_key_and_another_type_fails_eperm)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_setns_keyed_other_type, &r);
	assert_denied(&r, "setns", EPERM);
}
END_TEST

START_TEST(test_setns_with_the_key_and_type_0_fails_eperm)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_setns_keyed_any_type, &r);
	assert_denied(&r, "setns", EPERM);
}
END_TEST

START_TEST(test_setns_with_one_key_word_wrong_fails_eperm)
{
	struct profile	p = test_profile();
	struct run	r;

	cur = _i;
	run(&p, body_setns_one_key_word_wrong, &r);
	assert_denied(&r, "setns", EPERM);
}
END_TEST

START_TEST(test_setns_ipc_with_the_key_is_allowed)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_setns_ipc_keyed, &r);
	assert_allowed(&r, "setns");
}
END_TEST

START_TEST(test_setns_ipc_without_the_key_fails_eperm_and_is_reported)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_setns_ipc_unkeyed, &r);
	assert_denied(&r, "setns", EPERM);
}
END_TEST

START_TEST(test_setns_ipc_with_one_key_word_wrong_fails_eperm)
{
	struct profile	p = test_profile();
	struct run	r;

	cur = _i;
	run(&p, body_setns_ipc_one_key_word_wrong, &r);
	assert_denied(&r, "setns", EPERM);
}
END_TEST

START_TEST(test_setns_with_the_key_and_a_type_near_the_allowed_fails_eperm)
{
	struct profile	p = test_profile();
	struct run	r;

	cur = _i;
	run(&p, body_setns_keyed_type_near, &r);
	assert_denied(&r, "setns", EPERM);
}
END_TEST

/*
 * The request's IPC namespace is its slot's, entered with setns():
 * clone(CLONE_NEWIPC) is refused even with the key where it once
 * passed (the tls argument).
 */
static void
body_clone_newipc_keyed(int out)
{
	long	pid;

	pid = syscall(SYS_clone, CLONE_NEWIPC | SIGCHLD, NULL, NULL,
	    NULL, cur_filter->exec_key[0]);
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	report(out, pid);
}

START_TEST(test_clone_newipc_with_the_key_fails_eperm)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_clone_newipc_keyed, &r);
	assert_denied(&r, "clone", EPERM);
}
END_TEST

/* unshare(CLONE_NEWIPC): the spawner's replacement of a touched slot. */
static void
body_unshare(int out, int flags, int keyed)
{
	uint64_t	k[3] = { 0, 0, 0 };

	if (keyed)
		memcpy(k, cur_filter->exec_key, sizeof(k));
	report(out, syscall(SYS_unshare, flags, k[0], k[1], k[2]));
}

static void
body_unshare_ipc_keyed(int out)
{
	body_unshare(out, CLONE_NEWIPC, 1);
}

static void
body_unshare_ipc_unkeyed(int out)
{
	body_unshare(out, CLONE_NEWIPC, 0);
}

static void
body_unshare_uts_keyed(int out)
{
	body_unshare(out, CLONE_NEWUTS, 1);
}

START_TEST(test_unshare_ipc_with_the_key_is_allowed)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_unshare_ipc_keyed, &r);
	assert_allowed(&r, "unshare");
}
END_TEST

START_TEST(test_unshare_ipc_without_the_key_fails_eperm_and_is_reported)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_unshare_ipc_unkeyed, &r);
	assert_denied(&r, "unshare", EPERM);
}
END_TEST

START_TEST(test_unshare_of_another_type_with_the_key_fails_eperm)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_unshare_uts_keyed, &r);
	assert_denied(&r, "unshare", EPERM);
}
END_TEST

/* fsopen("mqueue"): the mqueue root of a replacement namespace. */
static void
body_fsopen(int out, int keyed)
{
	uint64_t	k[3] = { 0, 0, 0 };
	long		fd;

	if (keyed)
		memcpy(k, cur_filter->exec_key, sizeof(k));
	fd = syscall(SYS_fsopen, "mqueue", FSOPEN_CLOEXEC, k[0], k[1], k[2]);
	report(out, fd);
}

static void
body_fsopen_keyed(int out)
{
	body_fsopen(out, 1);
}

static void
body_fsopen_unkeyed(int out)
{
	body_fsopen(out, 0);
}

START_TEST(test_fsopen_with_the_key_is_allowed)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_fsopen_keyed, &r);
	assert_allowed(&r, "fsopen");
}
END_TEST

START_TEST(test_fsopen_without_the_key_fails_eperm_and_is_reported)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_fsopen_unkeyed, &r);
	assert_denied(&r, "fsopen", EPERM);
}
END_TEST

START_TEST(test_execveat_event_shows_path)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_execveat_sh, &r);
	assert_denied(&r, "execveat", EPERM);
	ck_assert_str_eq(event_args(&r, "execveat"),
	    "AT_FDCWD,\"/bin/sh\",0x0");
}
END_TEST

START_TEST(test_profile_allow_lifts_memfd_create)
{
	struct profile	p = test_profile();
	struct run	r;

	p.syscall_allow = LIST("memfd_create");
	cur = denied_index("memfd_create");
	run(&p, body_denied, &r);
	assert_allowed(&r, "memfd_create");
}
END_TEST

static void
body_settimeofday(int out)
{
	report(out, syscall(SYS_settimeofday, NULL, NULL));
}

static void
body_clock_settime(int out)
{
	report(out, syscall(SYS_clock_settime, CLOCK_REALTIME, NULL));
}

START_TEST(test_profile_deny_wins_over_allow)
{
	struct profile	p = test_profile();
	struct run	r;

	p.syscall_allow = LIST("@clock");
	p.syscall_deny = LIST("settimeofday");
	run(&p, body_settimeofday, &r);
	assert_denied(&r, "settimeofday", EPERM);
	/* the rest of @clock is allowed: the kernel's own EFAULT */
	run(&p, body_clock_settime, &r);
	assert_exited_cleanly(&r);
	ck_assert_int_eq(r.res[0].err, EFAULT);
	ck_assert_int_eq(r.nev, 0);
}
END_TEST

START_TEST(test_allowing_process_group_keeps_namespaces_denied)
{
	struct profile	p = test_profile();
	struct run	r;

	p.syscall_allow = LIST("@process");
	cur = denied_index("unshare");
	run(&p, body_denied, &r);
	assert_denied(&r, "unshare", EPERM);
}
END_TEST

/* ------------------------------------------------- complain, kill, arch */

START_TEST(test_complain_mode_lets_socket_inet_through_and_reports)
{
	struct profile	p = test_profile();
	struct run	r;

	p.mode = MODE_COMPLAIN;
	run(&p, body_socket_inet, &r);
	assert_exited_cleanly(&r);
	ck_assert_msg(r.res[0].ret >= 0, "socket failed in complain mode: %s",
	    strerror(r.res[0].err));
	ck_assert_str_eq(event_args(&r, "socket"), "AF_INET,SOCK_STREAM");
}
END_TEST

START_TEST(test_complain_mode_keeps_clone3_enosys)
{
	struct profile	p = test_profile();
	struct run	r;

	p.mode = MODE_COMPLAIN;
	run(&p, body_clone3, &r);
	ck_assert_msg(r.res[0].ret == -1 && r.res[0].err == ENOSYS,
	    "clone3 returned %ld (%s) in complain mode", r.res[0].ret,
	    strerror(r.res[0].err));
}
END_TEST

START_TEST(test_deny_kill_kills_with_sigsys)
{
	struct profile	p = test_profile();
	struct run	r;

	p.deny_action = DENY_KILL;
	run(&p, body_socket_inet, &r);
	ck_assert_msg(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGSYS,
	    "the child was not killed by SIGSYS (status 0x%x)", r.status);
	ck_assert_int_eq(r.nres, 0);
	ck_assert_int_eq(r.nev, 0);
}
END_TEST

static void
body_x32(int out)
{
	/* getpid through the x32 ABI: same arch, number | 0x40000000 */
	report(out, syscall(0x40000000 | SYS_getpid));
}

START_TEST(test_x32_syscall_kills_with_sigsys)
{
	struct profile	p = test_profile();
	struct run	r;

	run(&p, body_x32, &r);
	ck_assert_msg(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGSYS,
	    "an x32 call was not refused by the filter (status 0x%x, "
	    "result %ld)", r.status, r.nres ? r.res[0].ret : 0);
}
END_TEST

static long
i386_getpid(void)
{
	long	ret;

	/* i386 getpid is 20, through the 32-bit entry: AUDIT_ARCH_I386 */
	__asm__ volatile ("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
	return ret;
}

static void
body_i386(int out)
{
	report(out, i386_getpid());
}

START_TEST(test_i386_syscall_kills_with_sigsys)
{
	struct profile	p = test_profile();
	struct run	r;
	int		status, ia32;
	pid_t		pid;

	/* can this kernel run i386 calls at all? (ia32_emulation) */
	if ((pid = fork()) == 0)
		_exit(i386_getpid() == getpid() ? 0 : 1);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ia32 = WIFEXITED(status) && WEXITSTATUS(status) == 0;

	run(&p, body_i386, &r);
	ck_assert_msg(WIFSIGNALED(r.status) && (WTERMSIG(r.status) == SIGSYS ||
	    (!ia32 && WTERMSIG(r.status) == SIGSEGV)),
	    "an i386 call was not refused by the filter (status 0x%x)",
	    r.status);
}
END_TEST

/* ------------------------------------------------------------ fail closed */

START_TEST(test_closed_listener_fails_closed_with_enosys)
{
	struct profile	p = test_profile();
	struct run	r;

	run_with(&p, body_socket_inet, 0, &r);
	assert_exited_cleanly(&r);
	ck_assert_msg(r.res[0].ret == -1 && r.res[0].err == ENOSYS,
	    "with no listener socket returned %ld (%s), want ENOSYS",
	    r.res[0].ret, strerror(r.res[0].err));
}
END_TEST

static void
body_mount_then_wait(int out)
{
	(void)out;
	(void)c_mount();
	pause();
}

START_TEST(test_notification_of_dead_caller_is_dropped)
{
	struct profile		p = test_profile();
	struct filter		f;
	struct filter_event	ev;
	struct pollfd		pfd;
	char			err[256];
	int			sv[2], lfd;
	pid_t			pid;

	ck_assert_int_eq(filter_build(&p, &f, err, sizeof(err)), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	if ((pid = fork()) == 0) {
		close(sv[0]);
		child_main(&f, sv[1], body_mount_then_wait, 1);
	}
	close(sv[1]);
	ck_assert_int_eq(recv_byte(sv[0], &lfd), 'A');
	pfd.fd = lfd;
	pfd.events = POLLIN;
	ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
	/* the mount() waits for us; it dies before we answer */
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	errno = 0;
	ck_assert_int_eq(answer_one(lfd, &p, &ev), -1);
	ck_assert_int_eq(errno, ENOENT);
	close(lfd);
	close(sv[0]);
	filter_free(&f);
}
END_TEST

START_TEST(test_attach_without_no_new_privs_is_refused)
{
	struct profile	p = test_profile();
	struct filter	f;
	char		err[256];
	int		status;
	pid_t		pid;

	ck_assert_int_eq(filter_build(&p, &f, err, sizeof(err)), 0);
	if ((pid = fork()) == 0)
		_exit(filter_attach(&f) == -1 && errno == EPERM ? 0 : 1);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "filter_attach without no_new_privs did not fail with EPERM");
	filter_free(&f);
}
END_TEST

/* ------------------------------------------------------- profile errors */

static void
assert_build_error(const struct profile *p, const char *want)
{
	struct filter	f;
	char		err[256];

	err[0] = '\0';
	ck_assert_msg(filter_build(p, &f, err, sizeof(err)) == -1,
	    "filter_build accepted a profile it should refuse (%s)", want);
	ck_assert_msg(strstr(err, want) != NULL,
	    "error \"%s\" does not mention \"%s\"", err, want);
	ck_assert_ptr_null(f.bpf);
}

/* The IPC kinds the spawner watches in a slot: those scripts can make. */
START_TEST(test_default_profile_lets_scripts_make_every_ipc_kind)
{
	struct profile	p = test_profile();
	struct filter	f;
	char		err[256];

	ck_assert_int_eq(filter_build(&p, &f, err, sizeof(err)), 0);
	ck_assert_uint_eq(f.ipc_kinds, FILTER_IPC_SHM | FILTER_IPC_SEM |
	    FILTER_IPC_MSG | FILTER_IPC_MQ);
	ck_assert_uint_eq(f.ipc_blind, 0);
	filter_free(&f);
}
END_TEST

START_TEST(test_denied_ipc_kinds_are_not_watched_and_unremovable_ones_blind)
{
	struct profile	p = test_profile();
	struct filter	f;
	char		err[256];

	p.syscall_deny = LIST("shmget", "mq_open", "msgctl");
	ck_assert_int_eq(filter_build(&p, &f, err, sizeof(err)), 0);
	ck_assert_uint_eq(f.ipc_kinds, FILTER_IPC_SEM | FILTER_IPC_MSG);
	ck_assert_uint_eq(f.ipc_blind, FILTER_IPC_MSG);
	filter_free(&f);
}
END_TEST

START_TEST(test_unknown_syscall_name_is_an_error)
{
	struct profile	p = test_profile();

	p.syscall_deny = LIST("mountt");
	assert_build_error(&p, "unknown system call \"mountt\"");
}
END_TEST

START_TEST(test_unknown_group_is_an_error)
{
	struct profile	p = test_profile();

	p.syscall_allow = LIST("@mounts");
	assert_build_error(&p, "unknown system call group \"@mounts\"");
}
END_TEST

START_TEST(test_tilde_in_allow_is_an_error)
{
	struct profile	p = test_profile();

	p.syscall_allow = LIST("~@privileged");
	assert_build_error(&p, "syscall_allow");
}
END_TEST

START_TEST(test_tilde_in_deny_means_deny)
{
	struct profile	p = test_profile();
	struct run	r;

	p.syscall_deny = LIST("~@network-io");
	run(&p, body_socket_unix, &r);
	assert_denied(&r, "socket", EPERM);
}
END_TEST

START_TEST(test_denying_a_call_the_spawner_needs_is_an_error)
{
	struct profile	p = test_profile();

	p.syscall_deny = LIST("execve");
	assert_build_error(&p, "execve cannot be denied");
	p.syscall_deny = LIST("clone");
	assert_build_error(&p, "clone cannot be denied");
}
END_TEST

START_TEST(test_allowing_a_fixed_rule_is_an_error)
{
	struct profile	p = test_profile();

	p.syscall_allow = LIST("socket");
	assert_build_error(&p, "socket cannot be allowed");
	p.syscall_allow = LIST("unshare");
	assert_build_error(&p, "unshare cannot be allowed");
	p.syscall_allow = LIST("clone3");
	assert_build_error(&p, "clone3 cannot be allowed");
}
END_TEST

START_TEST(test_empty_entry_is_an_error)
{
	struct profile	p = test_profile();

	p.syscall_deny = LIST("");
	assert_build_error(&p, "empty entry");
}
END_TEST

START_TEST(test_bad_deny_errno_is_an_error)
{
	struct profile	p = test_profile();

	p.deny_errno = 5000;
	assert_build_error(&p, "deny_errno");
}
END_TEST

START_TEST(test_call_of_another_architecture_is_ignored)
{
	struct profile	p = test_profile();
	struct filter	f;
	char		err[256];

	/* stime and socketcall exist on i386, not on x86-64 */
	p.syscall_deny = LIST("stime", "socketcall");
	ck_assert_msg(filter_build(&p, &f, err, sizeof(err)) == 0,
	    "filter_build: %s", err);
	filter_free(&f);
}
END_TEST

START_TEST(test_filter_fits_the_kernel_limit)
{
	struct profile	p = test_profile();
	struct filter	f;
	char		err[256];

	p.syscall_deny = LIST("@system-service");
	ck_assert_msg(filter_build(&p, &f, err, sizeof(err)) == 0,
	    "filter_build: %s", err);
	ck_assert_uint_gt(f.len, 0);
	ck_assert_uint_le(f.len, 4096);
	filter_free(&f);
}
END_TEST

/* ---------------------------------------------------------------- groups */

static const char *const group_names[] = {
	"@default", "@aio", "@basic-io", "@chown", "@clock", "@cpu-emulation",
	"@debug", "@file-system", "@io-event", "@ipc", "@keyring", "@memlock",
	"@module", "@mount", "@network-io", "@obsolete", "@pkey",
	"@privileged", "@process", "@raw-io", "@reboot", "@resources",
	"@setuid", "@signal", "@swap", "@sync", "@system-service", "@timer",
};

static int
has(const char * const *m, const char *name)
{
	for (; *m != NULL; m++)
		if (strcmp(*m, name) == 0)
			return 1;
	return 0;
}

START_TEST(test_mount_group_lists_mount_calls)
{
	const char * const	*m = filter_group("@mount");

	ck_assert_ptr_nonnull(m);
	ck_assert(has(m, "mount"));
	ck_assert(has(m, "umount2"));
	ck_assert(has(m, "pivot_root"));
	ck_assert(has(m, "move_mount"));
	ck_assert(has(m, "fsmount"));
	ck_assert(!has(m, "execve"));
}
END_TEST

START_TEST(test_privileged_group_nests_chown_and_clock)
{
	const char * const	*m = filter_group("@privileged");

	ck_assert_ptr_nonnull(m);
	ck_assert(has(m, "@chown"));
	ck_assert(has(m, "@clock"));
	ck_assert(has(m, "setresuid"));
	ck_assert(has(m, "bpf"));
}
END_TEST

START_TEST(test_unknown_group_is_null)
{
	ck_assert_ptr_null(filter_group("@nonexistent"));
	ck_assert_ptr_null(filter_group("mount"));
}
END_TEST

/* Every member names a call libseccomp or filter.c knows, or a group. */
START_TEST(test_group_members_all_resolve)
{
	const char * const	*m = filter_group(group_names[_i]);
	int			 nr;

	ck_assert_msg(m != NULL, "%s is missing", group_names[_i]);
	for (; *m != NULL; m++) {
		if ((*m)[0] == '@') {
			ck_assert_msg(filter_group(*m) != NULL,
			    "%s names unknown group %s", group_names[_i], *m);
			continue;
		}
		nr = filter_syscall_resolve(*m);
		ck_assert_msg(nr != FILTER_NR_UNKNOWN,
		    "%s: %s is not a system call", group_names[_i], *m);
	}
}
END_TEST

START_TEST(test_syscall_resolve_knows_calls_newer_than_libseccomp)
{
	ck_assert_int_eq(filter_syscall_resolve("socket"), SYS_socket);
	ck_assert_int_eq(filter_syscall_resolve("mseal"), 462);
	ck_assert_int_eq(filter_syscall_resolve("stime"), FILTER_NR_FOREIGN);
	ck_assert_int_eq(filter_syscall_resolve("mountt"), FILTER_NR_UNKNOWN);
}
END_TEST

/* --------------------------------------------------------------- decoding */

static void
decode(int nr, uint64_t a0, uint64_t a1, uint64_t a2, const char *str0,
    char *buf, size_t bufsz)
{
	uint64_t	args[6] = { a0, a1, a2, 0, 0, 0 };

	filter_decode_args(nr, args, str0, buf, bufsz);
}

START_TEST(test_decode_socket_type_flags)
{
	char	buf[256];

	decode(SYS_socket, AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf,
	    "AF_INET6,SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC");
}
END_TEST

START_TEST(test_decode_socket_protocol)
{
	char	buf[256];

	decode(SYS_socket, AF_INET, SOCK_RAW, IPPROTO_ICMP, NULL, buf,
	    sizeof(buf));
	ck_assert_str_eq(buf, "AF_INET,SOCK_RAW,IPPROTO_ICMP");
	decode(SYS_socket, AF_PACKET, SOCK_RAW, htons(3), NULL, buf,
	    sizeof(buf));
	ck_assert_str_eq(buf, "AF_PACKET,SOCK_RAW,768");
}
END_TEST

static void
decode_sa(int nr, const void *sa, size_t salen, char *buf, size_t bufsz)
{
	uint64_t		args[6] = { 3, 0x7ffd0000, salen, 0, 0, 0 };
	struct filter_mem	mem = { { NULL, NULL, NULL }, sa, salen };

	filter_decode_call(nr, args, &mem, buf, bufsz);
}

START_TEST(test_decode_connect_inet)
{
	struct sockaddr_in	sin = { 0 };
	char			buf[256];

	sin.sin_family = AF_INET;
	sin.sin_port = htons(80);
	sin.sin_addr.s_addr = htonl(0x7f000001);
	decode_sa(SYS_connect, &sin, sizeof(sin), buf, sizeof(buf));
	ck_assert_str_eq(buf, "3,127.0.0.1:80");
}
END_TEST

START_TEST(test_decode_connect_inet6)
{
	struct sockaddr_in6	sin6 = { 0 };
	char			buf[256];

	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(443);
	sin6.sin6_addr = in6addr_loopback;
	decode_sa(SYS_connect, &sin6, sizeof(sin6), buf, sizeof(buf));
	ck_assert_str_eq(buf, "3,[::1]:443");
}
END_TEST

START_TEST(test_decode_connect_unix_path_and_abstract)
{
	struct sockaddr_un	sun = { 0 };
	char			buf[256];
	size_t			len;

	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, "/run/mysqld/mysqld.sock");
	decode_sa(SYS_connect, &sun, sizeof(sun), buf, sizeof(buf));
	ck_assert_str_eq(buf, "3,\"/run/mysqld/mysqld.sock\"");

	memset(sun.sun_path, 0, sizeof(sun.sun_path));
	memcpy(sun.sun_path, "\0/tmp/.X11-unix/X0", 18);
	len = offsetof(struct sockaddr_un, sun_path) + 18;
	decode_sa(SYS_connect, &sun, len, buf, sizeof(buf));
	ck_assert_str_eq(buf, "3,\"@/tmp/.X11-unix/X0\"");
}
END_TEST

START_TEST(test_decode_oversized_unix_address_stays_in_bounds)
{
	struct sockaddr_storage	ss;
	char			buf[512];

	/* a caller may pass more than sizeof(struct sockaddr_un) */
	memset(&ss, 'A', sizeof(ss));
	ss.ss_family = AF_UNIX;
	((char *)&ss)[2] = '\0';
	decode_sa(SYS_connect, &ss, sizeof(ss), buf, sizeof(buf));
	ck_assert_uint_eq(strlen(buf), strlen("3,\"@\"") + 107);
}
END_TEST

START_TEST(test_decode_unread_address_is_a_pointer)
{
	uint64_t	args[6] = { 3, 0x7ffd1234, 16, 0, 0, 0 };
	char		buf[256];

	filter_decode_call(SYS_connect, args, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "3,0x7ffd1234");
}
END_TEST

START_TEST(test_decode_execve_path)
{
	char	buf[256];

	decode(SYS_execve, 0x5000, 0, 0, "/bin/sh", buf, sizeof(buf));
	ck_assert_str_eq(buf, "\"/bin/sh\"");
}
END_TEST

START_TEST(test_decode_escapes_control_bytes_and_quotes)
{
	char	buf[256];

	decode(SYS_execve, 0x5000, 0, 0, "/tmp/a\"b\\c\n\x1b\xff", buf,
	    sizeof(buf));
	ck_assert_str_eq(buf, "\"/tmp/a\\\"b\\\\c\\x0a\\x1b\\xff\"");
}
END_TEST

START_TEST(test_decode_ioctl_request_in_hex)
{
	char	buf[256];

	decode(SYS_ioctl, 0, 0x5412, 0x7ffd0000, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0,0x5412");
}
END_TEST

START_TEST(test_decode_clone_and_unshare_flags)
{
	char	buf[256];

	decode(SYS_clone, CLONE_NEWUSER | CLONE_NEWNS | SIGCHLD, 0, 0, NULL,
	    buf, sizeof(buf));
	ck_assert_str_eq(buf, "CLONE_NEWNS|CLONE_NEWUSER|SIGCHLD");
	decode(SYS_unshare, CLONE_NEWNET | 0x80, 0, 0, NULL, buf,
	    sizeof(buf));
	ck_assert_str_eq(buf, "CLONE_NEWTIME|CLONE_NEWNET");
}
END_TEST

START_TEST(test_decode_setresuid_ids)
{
	char	buf[256];

	decode(SYS_setresuid, 0, 0xffffffff, 65534, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0,-1,65534");
}
END_TEST

START_TEST(test_decode_mount_source_and_target)
{
	uint64_t		args[6] = { 0x1000, 0x2000, 0x3000, 0, 0, 0 };
	struct filter_mem	mem = { { "proc", "/mnt", "proc" }, NULL, 0 };
	char			buf[256];

	filter_decode_call(SYS_mount, args, &mem, buf, sizeof(buf));
	ck_assert_str_eq(buf, "\"proc\",\"/mnt\",\"proc\",0x0");
}
END_TEST

/* Their argument count is unknown; registers past it are garbage. */
START_TEST(test_decode_other_call_shows_no_arguments)
{
	char	buf[256];

	decode(SYS_gettid, 0x7f0012345678, 0x2c, 0, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(test_decode_reboot_magic)
{
	char	buf[256];

	decode(SYS_reboot, 0xfee1dead, 0x28121969, 0x1234567, NULL, buf,
	    sizeof(buf));
	ck_assert_str_eq(buf, "0xfee1dead,0x28121969,0x1234567");
}
END_TEST

START_TEST(test_decode_cuts_at_buffer_end)
{
	char	buf[8];

	memset(buf, 'x', sizeof(buf));
	decode(SYS_execve, 0x5000, 0, 0, "/usr/lib/cgi-bin/long", buf,
	    sizeof(buf));
	ck_assert_uint_eq(strlen(buf), sizeof(buf) - 1);
	ck_assert_str_eq(buf, "\"/usr/l");
}
END_TEST

static Suite *
filter_suite(void)
{
	Suite	*s = suite_create("filter");
	TCase	*tdeny = tcase_create("deny");
	TCase	*tsock = tcase_create("socket");
	TCase	*tproc = tcase_create("process");
	TCase	*tmode = tcase_create("mode");
	TCase	*tconf = tcase_create("profile");
	TCase	*tgrp = tcase_create("groups");
	TCase	*tdec = tcase_create("decode");
	TCase	*troot = tcase_create("process-as-root");
	int	 nden = sizeof(denied) / sizeof(denied[0]);
	int	 nfam = sizeof(foreign_families) / sizeof(foreign_families[0]);
	int	 nns = sizeof(ns_flags) / sizeof(ns_flags[0]);
	int	 ngrp = sizeof(group_names) / sizeof(group_names[0]);

	tcase_set_timeout(tdeny, 30);
	tcase_set_timeout(tsock, 30);
	tcase_set_timeout(tproc, 30);
	tcase_set_timeout(tmode, 30);
	tcase_set_timeout(tconf, 30);

	tcase_add_loop_test(tdeny,
	    test_default_deny_set_call_fails_eperm_and_is_reported, 0, nden);

	tcase_add_test(tsock,
	    test_socket_inet_fails_eperm_and_reports_family_and_type);
	tcase_add_test(tsock, test_socket_unix_is_allowed);
	tcase_add_loop_test(tsock, test_socket_of_other_family_fails_eperm,
	    0, nfam);
	tcase_add_test(tsock, test_socket_inet_allowed_when_profile_opens_tcp);
	tcase_add_test(tsock,
	    test_socket_netlink_denied_when_profile_opens_tcp);
	tcase_add_test(tsock,
	    test_socket_unix_denied_when_profile_denies_network_io);
	tcase_add_test(tsock,
	    test_denying_network_io_keeps_sendmsg_for_the_spawner);
	tcase_add_test(tsock, test_connect_event_shows_inet_address);
	tcase_add_test(tsock, test_connect_event_shows_unix_path);
	tcase_add_test(tsock, test_profile_errno_is_returned);

	tcase_add_loop_test(tproc, test_clone_with_namespace_flag_fails_eperm,
	    0, nns);
	tcase_add_test(tproc, test_clone3_fails_enosys_without_a_report);
	tcase_add_test(tproc, test_fork_is_allowed);
	/* CLONE_NEWPID and a change of ids need root (see main) */
	tcase_add_test(troot, test_spawner_clone_with_newpid_is_allowed);
	tcase_add_test(troot, test_change_to_profile_ids_is_allowed);
	/* entering a mount namespace needs CAP_SYS_ADMIN */
	tcase_add_test(troot, test_setns_mount_with_the_key_is_allowed);
	tcase_add_test(troot, test_setns_ipc_with_the_key_is_allowed);
	tcase_add_test(troot, test_unshare_ipc_with_the_key_is_allowed);
	tcase_add_test(troot, test_fsopen_with_the_key_is_allowed);
#ifndef __SANITIZE_ADDRESS__
	/* the real child sequence, uninstrumented: AddressSanitizer's
	 * runtime makes calls of its own in the jailed child */
	tcase_add_test(troot, test_jail_child_exec_passes_the_filter);
	tcase_add_test(troot, test_jail_child_exec_survives_the_broadest_deny);
#else
	(void)test_jail_child_exec_passes_the_filter;
	(void)test_jail_child_exec_survives_the_broadest_deny;
#endif
	tcase_add_test(tproc, test_setresuid_to_other_uid_fails_eperm);
	tcase_add_test(tproc, test_setresuid_to_root_fails_eperm);
	tcase_add_test(tproc, test_setresuid_keeping_saved_root_fails_eperm);
	tcase_add_test(tproc, test_setresgid_to_other_gid_fails_eperm);
	tcase_add_test(tproc, test_setgroups_with_two_groups_fails_eperm);
	tcase_add_test(tproc, test_personality_query_is_allowed);
	tcase_add_test(tproc, test_personality_linux_is_allowed);
	tcase_add_test(tproc, test_execveat_event_shows_path);
	tcase_add_test(tproc, test_execve_without_the_key_is_reported_with_its_path);
	tcase_add_test(tproc, test_execve_with_the_key_is_not_reported);
	tcase_add_test(tproc,
	    test_setns_without_the_key_fails_eperm_and_is_reported);
	tcase_add_test(tproc,
	    test_setns_with_the_key_and_another_type_fails_eperm);
	tcase_add_test(tproc, test_setns_with_the_key_and_type_0_fails_eperm);
	tcase_add_loop_test(tproc,
	    test_setns_with_one_key_word_wrong_fails_eperm, 0, 3);
	tcase_add_test(tproc,
	    test_setns_ipc_without_the_key_fails_eperm_and_is_reported);
	tcase_add_loop_test(tproc,
	    test_setns_ipc_with_one_key_word_wrong_fails_eperm, 0, 3);
	tcase_add_loop_test(tproc,
	    test_setns_with_the_key_and_a_type_near_the_allowed_fails_eperm,
	    0, (int)(sizeof(setns_other_types) / sizeof(setns_other_types[0])));
	tcase_add_test(tproc, test_clone_newipc_with_the_key_fails_eperm);
	tcase_add_test(tproc,
	    test_unshare_ipc_without_the_key_fails_eperm_and_is_reported);
	tcase_add_test(tproc,
	    test_unshare_of_another_type_with_the_key_fails_eperm);
	tcase_add_test(tproc,
	    test_fsopen_without_the_key_fails_eperm_and_is_reported);

	tcase_add_test(tmode,
	    test_complain_mode_lets_socket_inet_through_and_reports);
	tcase_add_test(tmode, test_complain_mode_keeps_clone3_enosys);
	tcase_add_test(tmode, test_deny_kill_kills_with_sigsys);
	tcase_add_test(tmode, test_x32_syscall_kills_with_sigsys);
	tcase_add_test(tmode, test_i386_syscall_kills_with_sigsys);
	tcase_add_test(tmode, test_closed_listener_fails_closed_with_enosys);
	tcase_add_test(tmode, test_notification_of_dead_caller_is_dropped);
	tcase_add_test(tmode, test_attach_without_no_new_privs_is_refused);

	tcase_add_test(tconf, test_unknown_syscall_name_is_an_error);
	tcase_add_test(tconf,
	    test_default_profile_lets_scripts_make_every_ipc_kind);
	tcase_add_test(tconf,
	    test_denied_ipc_kinds_are_not_watched_and_unremovable_ones_blind);
	tcase_add_test(tconf, test_unknown_group_is_an_error);
	tcase_add_test(tconf, test_tilde_in_allow_is_an_error);
	tcase_add_test(tconf, test_tilde_in_deny_means_deny);
	tcase_add_test(tconf,
	    test_denying_a_call_the_spawner_needs_is_an_error);
	tcase_add_test(tconf, test_allowing_a_fixed_rule_is_an_error);
	tcase_add_test(tconf, test_empty_entry_is_an_error);
	tcase_add_test(tconf, test_bad_deny_errno_is_an_error);
	tcase_add_test(tconf, test_call_of_another_architecture_is_ignored);
	tcase_add_test(tconf, test_filter_fits_the_kernel_limit);
	tcase_add_test(tconf, test_profile_allow_lifts_memfd_create);
	tcase_add_test(tconf, test_profile_deny_wins_over_allow);
	tcase_add_test(tconf,
	    test_allowing_process_group_keeps_namespaces_denied);

	tcase_add_test(tgrp, test_mount_group_lists_mount_calls);
	tcase_add_test(tgrp, test_privileged_group_nests_chown_and_clock);
	tcase_add_test(tgrp, test_unknown_group_is_null);
	tcase_add_loop_test(tgrp, test_group_members_all_resolve, 0, ngrp);
	tcase_add_test(tgrp,
	    test_syscall_resolve_knows_calls_newer_than_libseccomp);

	tcase_add_test(tdec, test_decode_socket_type_flags);
	tcase_add_test(tdec, test_decode_socket_protocol);
	tcase_add_test(tdec, test_decode_connect_inet);
	tcase_add_test(tdec, test_decode_connect_inet6);
	tcase_add_test(tdec, test_decode_connect_unix_path_and_abstract);
	tcase_add_test(tdec,
	    test_decode_oversized_unix_address_stays_in_bounds);
	tcase_add_test(tdec, test_decode_unread_address_is_a_pointer);
	tcase_add_test(tdec, test_decode_execve_path);
	tcase_add_test(tdec, test_decode_escapes_control_bytes_and_quotes);
	tcase_add_test(tdec, test_decode_ioctl_request_in_hex);
	tcase_add_test(tdec, test_decode_clone_and_unshare_flags);
	tcase_add_test(tdec, test_decode_setresuid_ids);
	tcase_add_test(tdec, test_decode_mount_source_and_target);
	tcase_add_test(tdec, test_decode_other_call_shows_no_arguments);
	tcase_add_test(tdec, test_decode_reboot_magic);
	tcase_add_test(tdec, test_decode_cuts_at_buffer_end);

	suite_add_tcase(s, tdeny);
	suite_add_tcase(s, tsock);
	suite_add_tcase(s, tproc);
	suite_add_tcase(s, tmode);
	suite_add_tcase(s, tconf);
	suite_add_tcase(s, tgrp);
	suite_add_tcase(s, tdec);
	if (geteuid() == 0)
		suite_add_tcase(s, troot);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(filter_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (failed != 0)
		return EXIT_FAILURE;
	/*
	 * Without root, the tests of the process case that create a PID
	 * namespace or change ids were not run: the whole program counts
	 * as skipped (77), not passed, whatever the others did.
	 */
	if (geteuid() != 0) {
		printf("SKIP: 4 tests need root (CLONE_NEWPID, setresuid): "
		    "run make check as root to run them\n");
		return 77;
	}
	return EXIT_SUCCESS;
}
