/*
 * A hostile CGI: each request makes ONE attempt to get out of the jail,
 * chosen by QUERY_STRING ("attempt" or "attempt=value"), and answers with
 * a single line the tests assert on:
 *
 *	BLOCKED <attempt> <errno name or reason>
 *	ALLOWED <attempt> <what it got>
 *	UNTESTED <attempt> <why the attempt could not be made>
 *
 * Every attempt is real: connects go to the address given, execs call
 * execve, writes open(O_CREAT) the file.  Loops are bounded, so the
 * program is safe to run outside a jail too (the report script runs it
 * under fcgiwrap as nobody), except where noted: forkbomb, membomb,
 * cpuloop and flood rely on limits and are not meant to run unjailed.
 *
 *   tcp_host_loopback=PORT  TCP connect to 127.0.0.1:PORT
 *   udp=PORT                UDP datagram to 127.0.0.1:PORT
 *   ipv6=PORT               TCP connect to [::1]:PORT
 *   raw, packet, netlink    raw IP, AF_PACKET and NETLINK_ROUTE sockets
 *   socket_families         socket() in every family but AF_UNIX
 *   fastcgi_socket=PATH     connect to a unix socket (safecgi's own)
 *   abstract=NAME           connect to the abstract unix socket @NAME
 *   abstract_listen=NAME    listen on @NAME for 3 s, report a connection
 *   unix_scan               connect() to every unix socket file it can
 *                           find (never writes to one)
 *   exec_sh, exec_wget=PORT, exec_curl=PORT
 *   exec_ldso_sh, exec_ldso_wget=PORT  the same through the dynamic
 *                           loader, which every jail lets execute
 *   exec_ldso_git           ld.so /usr/lib/git-core/git --version
 *   exec_ldso_relative      the same as ./ld-linux-x86-64.so.2 in /lib64
 *   exec_ldso_procfd        the same through /proc/self/fd/N (O_PATH)
 *   exec_ldso_race          a thread swaps the path from the script to
 *                           ld.so while the worker checks it (400 tries)
 *   writable_exec=DIR       copy ourselves to DIR, run the copy directly
 *                           and through the loader
 *   write_etc, write_dev, write_usr, write_own_dir   create hostile-pwned
 *   tmp_exec                copy ourselves to /tmp (/var/tmp, /dev/shm)
 *                           and execve the copy
 *   memfd_exec              the same through memfd_create + fexecve
 *   mknod                   a block device node
 *   read_file=PATH          read PATH
 *   audit_inject[=DIR]      denied calls with arguments that try to
 *                           forge or break the audit record (the file
 *                           it tries to run is made in DIR, or /tmp)
 *   accel_redirect=URI      ask nginx, by X-Accel-Redirect, for URI
 *   read_shadow, see_root, proc1_environ, write_proc_sys
 *   setuid0, mount, unshare, clone_ns, setns, ptrace_parent
 *   bpf, perf, io_uring, keyctl, userfaultfd, personality, compat_syscalls
 *   kill_outside=PID        SIGKILL PID, and probe kill(-1, 0)
 *   daemon                  double fork, setsid, "hostile-daemon", sleep 60
 *   forkbomb[=SECONDS]      fork until refused, at most 10000; hold the
 *                           children SECONDS (at most 30) before reporting
 *   hold=SECONDS            just stay around (at most 30 s)
 *   peek=MARKER             look for MARKER in every visible process's
 *                           environment (another request's query)
 *   membomb                 allocate and touch up to 8 GiB
 *   cpuloop                 a child spins until something kills it
 *   flood                   write up to 2 GiB of output
 *   forkmem=MIB             8 children each touch MIB MiB (under the
 *                           per-process limit), then hold it 10 s
 *   forkn=N                 fork N children and hold them 3 s; report
 *                           whether all N could be made (at most 64)
 *   spin=MS                 burn MS ms of CPU time, report the wall time
 *   cpuburn=SECONDS         8 children spin for SECONDS (at most 30)
 *   ipc_leave=KEY           create a SysV shared memory segment and a
 *                           message queue under KEY, and leave them
 *   ipc_find=KEY            look for what ipc_leave left under KEY
 *   tmp_plant=NAME          create NAME in /tmp and /var/tmp, and leave it
 *   tmp_list                list what /tmp and /var/tmp hold
 *   tmp_hold=NAME           create NAME in /tmp and /var/tmp, hold 4 s
 *   tmp_fill=MIB            write up to MIB MiB to /tmp, report where
 *                           it stopped, hold 4 s
 *   tmp_locked=NAME         leave /tmp/NAME (and /var/tmp/NAME) mode
 *                           000 with a mode 000 file in it, and
 *                           NAME.sticky, mode 1777, with a file
 *   setns_mnt               setns() into our own mount namespace
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/netlink.h>
#include <linux/perf_event.h>
#include <linux/rtnetlink.h>
#include <linux/if_ether.h>
#include <netinet/in.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PWNED		"hostile-pwned"
#define RAN_CODE	42	/* exit code of a copy of us that ran */
static int	copy_self(int);
#define CONNECT_MS	3000

static const char	*attempt = "";
static const char	*arg = "";

/* ----------------------------------------------------------- output */

static const char *
ename(int e)
{
	const char	*s = strerrorname_np(e);

	return s != NULL ? s : "E?";
}

static int
vreport(const char *verdict, const char *fmt, va_list ap)
{
	printf("Content-Type: text/plain\r\n\r\n%s %s ", verdict, attempt);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return 0;
}

static int
report(int blocked, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vreport(blocked ? "BLOCKED" : "ALLOWED", fmt, ap);
	va_end(ap);
	return 0;
}

/*
 * The attempt could not even be made (a fork refused because the uid is
 * at its process limit, say): that proves nothing either way, and must
 * not pass for BLOCKED.
 */
static int
untested(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vreport("UNTESTED", fmt, ap);
	va_end(ap);
	return 0;
}

/* Append to a fixed buffer; never overflows, silently truncates. */
static void
note(char *buf, size_t sz, const char *fmt, ...)
{
	size_t	l = strlen(buf);
	va_list	ap;

	if (l + 1 >= sz)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + l, sz - l, fmt, ap);
	va_end(ap);
}

static const char *
status_text(int st, char *buf, size_t sz)
{
	if (WIFEXITED(st))
		snprintf(buf, sz, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sz, "killed by SIG%s",
		    sigabbrev_np(WTERMSIG(st)) != NULL ?
		    sigabbrev_np(WTERMSIG(st)) : "?");
	else
		snprintf(buf, sz, "status %#x", st);
	return buf;
}

static int
port_arg(void)
{
	long	p = strtol(arg, NULL, 10);

	return p > 0 && p < 65536 ? (int)p : 9;
}

static void
devnull_stdio(void)
{
	int	fd;

	if ((fd = open("/dev/null", O_RDWR)) == -1)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* ---------------------------------------------------------- network */

/* Connect with a deadline.  Returns the socket or -1; *stage says where. */
static int
connect_to(int family, int type, const struct sockaddr *sa, socklen_t len,
    const char **stage)
{
	struct pollfd	pfd;
	socklen_t	elen = sizeof(int);
	int		s, err = 0;

	*stage = "socket";
	if ((s = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1)
		return -1;
	*stage = "connect";
	if (connect(s, sa, len) == -1) {
		if (errno != EINPROGRESS)
			goto fail;
		pfd.fd = s;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, CONNECT_MS) != 1) {
			errno = ETIMEDOUT;
			goto fail;
		}
		if (getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &elen) == -1)
			goto fail;
		if (err != 0) {
			errno = err;
			goto fail;
		}
	}
	return s;
fail:
	err = errno;
	close(s);
	errno = err;
	return -1;
}

static int
connect_report(int family, int type, const struct sockaddr *sa,
    socklen_t len, const char *where, const char *hello)
{
	const char	*stage;
	int		 s;

	if ((s = connect_to(family, type, sa, len, &stage)) == -1)
		return report(1, "%s (%s)", ename(errno), stage);
	(void)send(s, hello, strlen(hello), MSG_NOSIGNAL);
	close(s);
	return report(0, "connected to %s", where);
}

static int
do_tcp(void)
{
	struct sockaddr_in	sin = { 0 };
	char			where[64];

	sin.sin_family = AF_INET;
	sin.sin_port = htons(port_arg());
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	snprintf(where, sizeof(where), "127.0.0.1:%d", port_arg());
	return connect_report(AF_INET, SOCK_STREAM, (struct sockaddr *)&sin,
	    sizeof(sin), where, "HOSTILE tcp_host_loopback\n");
}

static int
do_ipv6(void)
{
	struct sockaddr_in6	sin6 = { 0 };
	char			where[64];

	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(port_arg());
	sin6.sin6_addr = in6addr_loopback;
	snprintf(where, sizeof(where), "[::1]:%d", port_arg());
	return connect_report(AF_INET6, SOCK_STREAM, (struct sockaddr *)&sin6,
	    sizeof(sin6), where, "HOSTILE ipv6\n");
}

static int
do_udp(void)
{
	struct sockaddr_in	sin = { 0 };
	const char		msg[] = "HOSTILE udp\n";
	int			s;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return report(1, "%s (socket)", ename(errno));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port_arg());
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (sendto(s, msg, sizeof(msg) - 1, 0, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1) {
		close(s);
		return report(1, "%s (sendto)", ename(errno));
	}
	close(s);
	return report(0, "sent a datagram to 127.0.0.1:%d", port_arg());
}

static int
do_raw(void)
{
	int	s;

	if ((s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP)) == -1)
		return report(1, "%s (socket)", ename(errno));
	close(s);
	return report(0, "raw ICMP socket opened");
}

static int
do_packet(void)
{
	int	s;

	if ((s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC,
	    htons(ETH_P_ALL))) == -1)
		return report(1, "%s (socket)", ename(errno));
	close(s);
	return report(0, "AF_PACKET socket opened");
}

static int
do_netlink(void)
{
	struct {
		struct nlmsghdr		nh;
		struct ifinfomsg	ifi;
	} rq = { 0 };
	struct nlmsghdr	*nh;
	char		 buf[16384];
	ssize_t		 n;
	int		 s, links = 0, done = 0, rounds = 0;

	if ((s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) == -1)
		return report(1, "%s (socket)", ename(errno));
	rq.nh.nlmsg_len = sizeof(rq);
	rq.nh.nlmsg_type = RTM_GETLINK;
	rq.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rq.ifi.ifi_family = AF_UNSPEC;
	if (send(s, &rq, sizeof(rq), 0) == -1) {
		close(s);
		return report(0, "netlink socket opened (send: %s)",
		    ename(errno));
	}
	while (!done && rounds++ < 64 &&
	    (n = recv(s, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
		    nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_DONE ||
			    nh->nlmsg_type == NLMSG_ERROR) {
				done = 1;
				break;
			}
			if (nh->nlmsg_type == RTM_NEWLINK)
				links++;
		}
	close(s);
	return report(0, "netlink route socket opened, %d links listed",
	    links);
}

static int
do_socket_families(void)
{
	static const int types[] = {
		SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET
	};
	char	got[1024] = "";
	int	fam, i, s, n = 0;

	for (fam = 0; fam < 64; fam++) {
		if (fam == AF_UNIX)
			continue;
		for (i = 0; i < (int)(sizeof(types) / sizeof(types[0])); i++) {
			if ((s = socket(fam, types[i] | SOCK_CLOEXEC, 0)) ==
			    -1)
				continue;
			close(s);
			note(got, sizeof(got), "%s%d/%d", n ? "," : "", fam,
			    types[i]);
			n++;
		}
	}
	if (n == 0)
		return report(1, "no family but AF_UNIX opens a socket");
	return report(0, "%d sockets (family/type): %s", n, got);
}

static int
unix_connect(const char *path, int abstract)
{
	struct sockaddr_un	sun = { 0 };
	socklen_t		len;
	const char		*stage;
	char			where[sizeof(sun.sun_path) + 2];
	int			s;
	size_t			l = strlen(path);

	if (l == 0 || l >= sizeof(sun.sun_path) - 1)
		return report(1, "bad path argument");
	sun.sun_family = AF_UNIX;
	if (abstract) {
		memcpy(sun.sun_path + 1, path, l);
		len = offsetof(struct sockaddr_un, sun_path) + 1 + l;
		snprintf(where, sizeof(where), "@%s", path);
	} else {
		memcpy(sun.sun_path, path, l);
		len = sizeof(sun);
		snprintf(where, sizeof(where), "%s", path);
	}
	if ((s = connect_to(AF_UNIX, SOCK_STREAM, (struct sockaddr *)&sun,
	    len, &stage)) == -1)
		return report(1, "%s (%s)", ename(errno), stage);
	/* a FastCGI BEGIN_REQUEST would follow; being connected is enough */
	(void)send(s, "HOSTILE unix\n", 13, MSG_NOSIGNAL);
	close(s);
	return report(0, "connected to %s", where);
}

/*
 * Every unix socket file the jail shows, tried with connect(): Landlock
 * (ABI 7) does not govern connecting to a named socket, so the mount
 * namespace and file modes are all that stand in the way.  Nothing is
 * ever written to a socket.  Bounded in entries and time.
 */
static int
do_unix_scan(void)
{
	static char	 stack[4096][256];
	struct sockaddr_un sun;
	struct dirent	*de;
	struct stat	 st;
	struct timespec	 t0, t;
	char		 path[512], got[768] = "";
	DIR		*d;
	int		 sp = 0, n = 0, found = 0, refused = 0, s, rc;
	long		 entries = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	snprintf(stack[sp++], sizeof(stack[0]), "/");
	while (sp > 0 && entries < 300000) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 8)
			break;
		sp--;
		if ((d = opendir(stack[sp])) == NULL)
			continue;
		snprintf(path, sizeof(path), "%s", stack[sp]);
		while ((de = readdir(d)) != NULL && entries++ < 300000) {
			char	full[768];

			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(full, sizeof(full), "%s%s%s", path,
			    strcmp(path, "/") == 0 ? "" : "/", de->d_name);
			if (strcmp(full, "/proc") == 0 ||
			    strcmp(full, "/sys") == 0)
				continue;
			if (lstat(full, &st) == -1)
				continue;
			if (S_ISDIR(st.st_mode)) {
				if (sp < 4096 && strlen(full) < sizeof(stack[0]))
					snprintf(stack[sp++], sizeof(stack[0]),
					    "%s", full);
				continue;
			}
			if (!S_ISSOCK(st.st_mode) ||
			    strlen(full) >= sizeof(sun.sun_path))
				continue;
			found++;
			memset(&sun, 0, sizeof(sun));
			sun.sun_family = AF_UNIX;
			memcpy(sun.sun_path, full, strlen(full));
			if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC,
			    0)) == -1)
				continue;
			rc = connect(s, (struct sockaddr *)&sun, sizeof(sun));
			if (rc == -1 && errno == EPROTOTYPE) {
				close(s);
				if ((s = socket(AF_UNIX, SOCK_DGRAM |
				    SOCK_CLOEXEC, 0)) == -1)
					continue;
				rc = connect(s, (struct sockaddr *)&sun,
				    sizeof(sun));
			}
			close(s);
			if (rc == -1) {
				refused++;
				continue;
			}
			note(got, sizeof(got), "%s%s", n ? " " : "", full);
			n++;
		}
		closedir(d);
	}
	if (n > 0)
		return report(0, "connected to %d of %d sockets: %s", n, found,
		    got);
	return report(1, "%d sockets found, %d refused the connection",
	    found, refused);
}

/*
 * abstract_listen=NAME: listen on @NAME for 3 s.  Concurrent requests of
 * a worker share its network namespace, so only Landlock's scoping of
 * abstract sockets keeps another request from connecting.
 */
static int
do_abstract_listen(void)
{
	struct sockaddr_un	sun = { 0 };
	struct pollfd		pfd;
	size_t			l = strlen(arg);
	int			s, c;

	if (l == 0 || l >= sizeof(sun.sun_path) - 1)
		return report(1, "bad name argument");
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path + 1, arg, l);
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return untested("%s (socket)", ename(errno));
	if (bind(s, (struct sockaddr *)&sun,
	    offsetof(struct sockaddr_un, sun_path) + 1 + l) == -1 ||
	    listen(s, 8) == -1) {
		close(s);
		return untested("%s (bind)", ename(errno));
	}
	pfd.fd = s;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 3000) == 1 && (c = accept(s, NULL, NULL)) != -1) {
		close(c);
		close(s);
		return report(0, "another process connected to @%s", arg);
	}
	close(s);
	return report(1, "nobody connected to @%s in 3 s", arg);
}

/* ------------------------------------------------------------- exec */

/*
 * fork, execve in the child, and say what happened: the child sends its
 * execve errno through a close-on-exec pipe, so an empty pipe means the
 * program ran.  -1: execve failed with *err; -2: no child to try it.
 */
static int
run(const char *path, char *const argv[], int fd, int *err, int *status)
{
	char *const	envp[] = { "PATH=/usr/bin:/bin", "QUERY_STRING=", NULL };
	int		p[2], e;
	pid_t		pid;
	ssize_t		n;

	*err = 0;
	*status = 0;
	if (pipe2(p, O_CLOEXEC) == -1) {
		*err = errno;
		return -2;
	}
	switch ((pid = fork())) {
	case -1:
		*err = errno;
		close(p[0]);
		close(p[1]);
		return -2;
	case 0:
		close(p[0]);
		devnull_stdio();
		if (fd != -1)
			syscall(SYS_execveat, fd, "", argv, envp,
			    AT_EMPTY_PATH);
		else
			execve(path, argv, envp);
		e = errno;
		(void)write(p[1], &e, sizeof(e));
		_exit(127);
	}
	close(p[1]);
	do
		n = read(p[0], &e, sizeof(e));
	while (n == -1 && errno == EINTR);
	close(p[0]);
	while (waitpid(pid, status, 0) == -1 && errno == EINTR)
		;
	if (n == sizeof(e)) {
		*err = e;
		return -1;
	}
	return 0;
}

static int
exec_report(const char *path, char *const argv[])
{
	char	st[64];
	int	err, status, rc;

	if ((rc = run(path, argv, -1, &err, &status)) == -2)
		return untested("%s (fork)", ename(err));
	/* a program that is not there proves nothing about the jail */
	if (rc == -1 && err == ENOENT)
		return untested("%s is not installed (execve: ENOENT)", path);
	if (rc == -1)
		return report(1, "%s (execve)", ename(err));
	return report(0, "ran %s, %s", path, status_text(status, st,
	    sizeof(st)));
}

static int
do_exec_sh(void)
{
	char *const	argv[] = { "sh", "-c", "echo pwned", NULL };

	return exec_report("/bin/sh", argv);
}

static int
do_exec_wget(void)
{
	char		url[64];
	char *const	argv[] = { "wget", "-q", "-T", "3", "-t", "1", "-O",
			    "/dev/null", url, NULL };

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/exec_wget",
	    port_arg());
	return exec_report("/usr/bin/wget", argv);
}

/*
 * The dynamic loader is executable in every jail (the kernel opens it for
 * every dynamic program), and run directly it maps any readable program
 * itself: Landlock's EXECUTE right is checked by execve, not by mmap.
 */
#define LDSO	"/lib64/ld-linux-x86-64.so.2"

static int
do_exec_ldso_sh(void)
{
	char *const	argv[] = { "ld.so", "/bin/sh", "-c", "exit 42", NULL };
	char		st[64];
	int		err, status, rc;

	if ((rc = run(LDSO, argv, -1, &err, &status)) == -2)
		return untested("%s (fork)", ename(err));
	if (rc == -1)
		return report(1, "%s (execve ld.so)", ename(err));
	if (WIFEXITED(status) && WEXITSTATUS(status) == RAN_CODE)
		return report(0, "ld.so ran /bin/sh");
	return report(1, "ld.so refused /bin/sh: %s", status_text(status, st,
	    sizeof(st)));
}

static int
do_exec_ldso_wget(void)
{
	char		url[64];
	char *const	argv[] = { "ld.so", "/usr/bin/wget", "-q", "-T", "3",
			    "-t", "1", "-O", "/dev/null", url, NULL };
	char		st[64];
	int		err, status, rc;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/exec_ldso_wget",
	    port_arg());
	/* ld.so fails the same way on a missing file as on a refused one */
	if (access("/usr/bin/wget", F_OK) == -1 && errno == ENOENT)
		return untested("/usr/bin/wget is not installed");
	if ((rc = run(LDSO, argv, -1, &err, &status)) == -2)
		return untested("%s (fork)", ename(err));
	if (rc == -1)
		return report(1, "%s (execve ld.so)", ename(err));
	/* wget exits 4 on a network failure, 127 if ld.so could not map it */
	if (WIFEXITED(status) && WEXITSTATUS(status) != 127)
		return report(0, "ld.so ran wget, %s", status_text(status, st,
		    sizeof(st)));
	return report(1, "ld.so could not run wget: %s", status_text(status,
	    st, sizeof(st)));
}

/*
 * ld.so running a readable program outside the allowlist (git, which any
 * Debian host with git has under /usr/lib/git-core): exit 0 means git
 * ran, 127 that the loader could not map it, 3 that the allowed program
 * a race swapped in ran instead.
 */
#define GIT	"/usr/lib/git-core/git"

static int
ldso_git_report(int rc, int err, int status, const char *how)
{
	char	st[64];

	if (rc == -2)
		return untested("%s (fork)", ename(err));
	if (rc == -1)
		return report(1, "%s (execve %s)", ename(err), how);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return report(0, "%s ran git", how);
	return report(1, "%s could not run git: %s", how,
	    status_text(status, st, sizeof(st)));
}

static int
do_exec_ldso_git(void)
{
	char *const	argv[] = { "ld.so", GIT, "--version", NULL };
	int		err, status, rc;

	if (access(GIT, F_OK) == -1 && errno == ENOENT)
		return untested("%s is not installed", GIT);
	rc = run(LDSO, argv, -1, &err, &status);
	return ldso_git_report(rc, err, status, "ld.so");
}

/* The loader by a relative name, from its own directory. */
static int
do_exec_ldso_relative(void)
{
	char *const	argv[] = { "ld.so", GIT, "--version", NULL };
	int		err, status, rc;

	if (chdir("/lib64") == -1)
		return untested("%s (chdir /lib64)", ename(errno));
	rc = run("ld-linux-x86-64.so.2", argv, -1, &err, &status);
	return ldso_git_report(rc, err, status, "./ld-linux-x86-64.so.2");
}

/* The loader through /proc/self/fd of an O_PATH descriptor. */
static int
do_exec_ldso_procfd(void)
{
	char *const	argv[] = { "ld.so", GIT, "--version", NULL };
	char		path[64];
	int		fd, err, status, rc;

	if ((fd = open(LDSO, O_PATH)) == -1)
		return report(1, "%s (open ld.so)", ename(errno));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rc = run(path, argv, -1, &err, &status);
	close(fd);
	return ldso_git_report(rc, err, status, path);
}

/*
 * A second thread rewrites the path between the worker's reading of it
 * and the kernel's: the allowed script itself, then the loader.
 */
static char		 race_path[PATH_MAX];
static const char	*race_paths[2];

static void *
race_flip(void *unused)
{
	unsigned	i;

	(void)unused;
	for (i = 0;; i++)
		strcpy(race_path, race_paths[i & 1]);
	return NULL;
}

/*
 * Race the loader in: up to 400 tries in 5 s, each a child whose second
 * thread swaps the path.  Returns the tries it took for argv to run
 * (exit code ran) through ld.so, 0 if it never did, -1 if we could not
 * try; *self_ran counts the runs of the harmless half.
 */
static int
race_ldso(char *const argv[], int ran, int *self_ran, int *unmapped)
{
	char *const	envp[] = { "QUERY_STRING=", NULL };
	const char	*self = getenv("SCRIPT_FILENAME");
	time_t		 until = time(NULL) + 5;
	int		 tries, status;
	pthread_t	 t;
	pid_t		 pid;

	*self_ran = *unmapped = 0;
	if (self == NULL)
		return -1;
	race_paths[0] = self;
	race_paths[1] = LDSO;
	for (tries = 0; tries < 400 && time(NULL) < until; tries++) {
		if ((pid = fork()) == -1)
			return -1;
		if (pid == 0) {
			devnull_stdio();
			strcpy(race_path, self);
			if (pthread_create(&t, NULL, race_flip, NULL) != 0)
				_exit(125);
			execve(race_path, argv, envp);
			_exit(126);
		}
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		if (WIFEXITED(status) && WEXITSTATUS(status) == ran)
			return tries + 1;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
			(*self_ran)++;
		/* the loader ran, past the worker, and could not map it */
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			(*unmapped)++;
	}
	return 0;
}

static int
do_exec_ldso_race(void)
{
	char *const	argv[] = { "ld.so", GIT, "--version", NULL };
	int		n, self_ran, unmapped;

	if ((n = race_ldso(argv, 0, &self_ran, &unmapped)) == -1)
		return untested("cannot race (fork or SCRIPT_FILENAME)");
	if (n > 0)
		return report(0, "ld.so ran git after %d tries", n);
	return report(1, "git never ran through ld.so (the harmless half "
	    "won %d times, the loader got past the check and could not map "
	    "git %d times)", self_ran, unmapped);
}

/* Copy ourselves into each of arg's directories (comma separated), run
 * the copy, directly and through the loader. */
static int
do_writable_exec(void)
{
	char *const	argv[] = { "hostile-copy", "--ran", NULL };
	char		*ldargv[] = { "ld.so", NULL, "--ran", NULL };
	char		path[PATH_MAX], res[768] = "", st[64];
	int		fd, err, status, rc, ran = 0, self_ran, unmapped;

	snprintf(path, sizeof(path), "%s/hostile-exec.%d", arg,
	    (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd == -1)
		return untested("%s (create in %s)", ename(errno), arg);
	if (copy_self(fd) == -1) {
		close(fd);
		unlink(path);
		return untested("%s (write)", ename(errno));
	}
	close(fd);
	if ((rc = run(path, argv, -1, &err, &status)) == -2) {
		unlink(path);
		return untested("%s (fork)", ename(err));
	}
	if (rc == -1)
		note(res, sizeof(res), "%s (execve)", ename(err));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == RAN_CODE) {
		note(res, sizeof(res), "ran");
		ran++;
	} else
		note(res, sizeof(res), "execve ok, %s",
		    status_text(status, st, sizeof(st)));
	/* through the loader, raced past the worker's check, so that
	 * what is proven is the mount's noexec, not the check */
	ldargv[1] = path;
	if ((rc = race_ldso(ldargv, RAN_CODE, &self_ran, &unmapped)) == -1) {
		unlink(path);
		return untested("cannot race (fork or SCRIPT_FILENAME)");
	}
	if (rc > 0) {
		note(res, sizeof(res), ", ran through ld.so after %d tries",
		    rc);
		ran++;
	} else
		note(res, sizeof(res), ", never through ld.so (the harmless "
		    "half won %d times, the loader got past the check and "
		    "could not map it %d times)", self_ran, unmapped);
	unlink(path);
	return report(!ran, "%s", res);
}

static int
do_exec_curl(void)
{
	char		url[64];
	char *const	argv[] = { "curl", "-s", "-m", "3", "-o", "/dev/null",
			    url, NULL };

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/exec_curl",
	    port_arg());
	return exec_report("/usr/bin/curl", argv);
}

/* Copy /proc/self/exe to fd; 0 or -1. */
static int
copy_self(int out)
{
	char	buf[65536];
	ssize_t	n;
	int	in;

	if ((in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			close(in);
			return -1;
		}
	close(in);
	return n == 0 ? 0 : -1;
}

static int
do_tmp_exec(void)
{
	static const char *const dirs[] = { "/tmp", "/var/tmp", "/dev/shm" };
	char *const	argv[] = { "hostile-copy", "--ran", NULL };
	char		*ldargv[] = { "ld.so", NULL, "--ran", NULL };
	char		path[PATH_MAX], res[768] = "", st[64];
	size_t		i;
	int		fd, err, status, rc, ran = 0;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/hostile-exec.%d", dirs[i],
		    (int)getpid());
		note(res, sizeof(res), "%s%s: ", i ? ", " : "", dirs[i]);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
		if (fd == -1) {
			note(res, sizeof(res), "%s (create)", ename(errno));
			continue;
		}
		if (copy_self(fd) == -1) {
			note(res, sizeof(res), "%s (write)", ename(errno));
			close(fd);
			unlink(path);
			continue;
		}
		close(fd);
		if ((rc = run(path, argv, -1, &err, &status)) == -2) {
			unlink(path);
			return untested("%s (fork)", ename(err));
		}
		if (rc == -1)
			note(res, sizeof(res), "%s (execve)", ename(err));
		else if (WIFEXITED(status) && WEXITSTATUS(status) == RAN_CODE) {
			note(res, sizeof(res), "ran");
			ran++;
		} else
			note(res, sizeof(res), "execve ok, %s",
			    status_text(status, st, sizeof(st)));
		/* and through the loader, which only needs to mmap it */
		ldargv[1] = path;
		if ((rc = run(LDSO, ldargv, -1, &err, &status)) == -2) {
			unlink(path);
			return untested("%s (fork)", ename(err));
		}
		if (rc == -1)
			note(res, sizeof(res), ", ld.so: %s", ename(err));
		else if (WIFEXITED(status) && WEXITSTATUS(status) == RAN_CODE) {
			note(res, sizeof(res), ", ran through ld.so");
			ran++;
		} else
			note(res, sizeof(res), ", ld.so: %s",
			    status_text(status, st, sizeof(st)));
		unlink(path);
	}
	return report(!ran, "%s", res);
}

static int
do_memfd_exec(void)
{
	char *const	argv[] = { "hostile-memfd", "--ran", NULL };
	char		st[64];
	int		fd, err, status, rc;

	if ((fd = (int)syscall(SYS_memfd_create, "hostile", 0)) == -1)
		return report(1, "%s (memfd_create)", ename(errno));
	if (copy_self(fd) == -1) {
		close(fd);
		return report(1, "%s (write)", ename(errno));
	}
	if ((rc = run(NULL, argv, fd, &err, &status)) != 0) {
		close(fd);
		if (rc == -2)
			return untested("%s (fork)", ename(err));
		return report(1, "%s (execveat)", ename(err));
	}
	close(fd);
	if (WIFEXITED(status) && WEXITSTATUS(status) == RAN_CODE)
		return report(0, "memfd copy ran");
	return report(1, "execveat ok but %s", status_text(status, st,
	    sizeof(st)));
}

/*
 * audit_inject: denied calls whose arguments try to forge or break the
 * audit record -- quotes, newlines and a fake event in a path, a path
 * that runs into an unmapped page, a bad pointer -- and then one denied
 * socket() to show the record still works.  Every call must fail; the
 * test checks the log.
 */
static int
do_audit_inject(void)
{
	/* it must exist, or there is nothing to deny and record: in the
	 * directory given (a writable one), else /tmp */
	static const char name[] = "x\"}\n{\"event\":\"forged\","
	    "\"time\":\"x\"}\n\u2028\\x00\"";
	char *const	argv[] = { "x", NULL };
	char		res[256] = "", forged[PATH_MAX];
	long		pg = sysconf(_SC_PAGESIZE);
	char		*m;
	int		s, fd, ok = 0;

	snprintf(forged, sizeof(forged), "%s/%s", arg[0] == '/' ? arg :
	    "/tmp", name);
	if ((fd = open(forged, O_WRONLY | O_CREAT | O_CLOEXEC, 0755)) != -1)
		close(fd);
	if (execve(forged, argv, NULL) == 0)
		ok++;
	note(res, sizeof(res), "forged path: %s", ename(errno));
	unlink(forged);
	/* a path with no end: a full page of 'A', then nothing mapped */
	m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m != MAP_FAILED) {
		memset(m, 'A', pg);
		munmap(m + pg, pg);
		if (syscall(SYS_execve, m, argv, NULL) == 0)
			ok++;
		note(res, sizeof(res), ", unterminated path: %s",
		    ename(errno));
	}
	if (syscall(SYS_execve, (char *)1, argv, NULL) == 0)
		ok++;
	note(res, sizeof(res), ", bad pointer: %s", ename(errno));
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) != -1) {
		close(s);
		ok++;
	}
	note(res, sizeof(res), ", socket: %s", ename(errno));
	return report(ok == 0, "%s", res);
}

/* ------------------------------------------------------- filesystem */

static int
create_report(const char *path)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd == -1)
		return report(1, "%s (open %s)", ename(errno), path);
	(void)write(fd, "pwned\n", 6);
	close(fd);
	return report(0, "created %s", path);
}

static int
do_write_own_dir(void)
{
	const char	*sf = getenv("SCRIPT_FILENAME");
	char		 dir[PATH_MAX], path[PATH_MAX + 32];
	char		*slash;
	ssize_t		 n;

	if (sf != NULL && sf[0] == '/')
		snprintf(dir, sizeof(dir), "%s", sf);
	else if ((n = readlink("/proc/self/exe", dir, sizeof(dir) - 1)) > 0)
		dir[n] = '\0';
	else
		return report(1, "cannot tell its own directory");
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	snprintf(path, sizeof(path), "%s/" PWNED, dir);
	return create_report(path);
}

/* read_file=PATH: read a file the test says the jail must not read. */
static int
do_read_file(void)
{
	char	buf[256];
	ssize_t	n;
	int	fd;

	if ((fd = open(arg, O_RDONLY | O_CLOEXEC)) == -1)
		return report(1, "%s (open %s)", ename(errno), arg);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return report(1, "%s (read %s)", n == 0 ? "empty" :
		    ename(errno), arg);
	return report(0, "read %zd bytes of %s", n, arg);
}

/*
 * accel_redirect=URI: nginx follows X-Accel-Redirect from its upstream to
 * any location, internal ones included, and serves it with its own
 * rights.  If this body reaches the client, nginx did not follow it.
 */
static int
do_accel_redirect(void)
{
	if (arg[0] != '/' || strpbrk(arg, "\r\n") != NULL)
		return report(1, "bad URI argument");
	printf("X-Accel-Redirect: %s\r\n", arg);
	return report(1, "nginx did not follow X-Accel-Redirect to %s", arg);
}

static int
do_mknod(void)
{
	const char	*path = "/tmp/hostile-disk";

	if (mknod(path, S_IFBLK | 0600, makedev(8, 0)) == -1)
		return report(1, "%s (mknod %s)", ename(errno), path);
	unlink(path);
	return report(0, "created block device %s", path);
}

static int
do_read_shadow(void)
{
	char	buf[256], *colon;
	ssize_t	n;
	int	fd;

	if ((fd = open("/etc/shadow", O_RDONLY | O_CLOEXEC)) == -1)
		return report(1, "%s (open)", ename(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n == -1)
		return report(1, "%s (read)", ename(errno));
	if (n == 0)
		return report(1, "masked: /etc/shadow reads as empty");
	buf[n] = '\0';
	if ((colon = strchr(buf, ':')) != NULL)
		*colon = '\0';
	return report(0, "read %zd bytes, first account %.32s", n, buf);
}

static int
do_see_root(void)
{
	struct dirent	*de;
	DIR		*d;
	char		 names[256] = "";
	int		 n = 0;

	if ((d = opendir("/root")) == NULL)
		return report(1, "%s (opendir)", ename(errno));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n < 5)
			note(names, sizeof(names), " %.40s", de->d_name);
		n++;
	}
	closedir(d);
	if (n == 0)
		return report(1, "masked: /root is empty");
	return report(0, "/root lists %d entries:%s", n, names);
}

static int
do_proc1_environ(void)
{
	char	buf[4096], self[32];
	ssize_t	n, l;
	int	fd;

	l = readlink("/proc/self", self, sizeof(self) - 1);
	self[l > 0 ? l : 0] = '\0';
	if ((fd = open("/proc/1/environ", O_RDONLY | O_CLOEXEC)) == -1)
		return report(1, "%s (open)", ename(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n == -1)
		return report(1, "%s (read)", ename(errno));
	if (strcmp(self, "1") == 0)
		return report(1, "pid 1 of this /proc is the script itself");
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "=")] = '\0';
	return report(0, "read %zd bytes of pid 1's environment (%.40s=...)",
	    n, buf);
}

static int
do_write_proc_sys(void)
{
	/* opened for writing only; nothing is ever written */
	static const char *const paths[] = {
		"/proc/sys/kernel/core_pattern", "/proc/sysrq-trigger",
		"/proc/sys/vm/drop_caches", "/sys/kernel/uevent_helper",
	};
	char	res[512] = "";
	size_t	i;
	int	fd;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if ((fd = open(paths[i], O_WRONLY | O_CLOEXEC)) != -1) {
			close(fd);
			return report(0, "opened %s for writing", paths[i]);
		}
		note(res, sizeof(res), "%s%s: %s", i ? ", " : "", paths[i],
		    ename(errno));
	}
	return report(1, "%s", res);
}

/* ------------------------------------------------------- privileges */

static int
do_setuid0(void)
{
	gid_t	g = 0;

	if (setuid(0) == 0 && getuid() == 0)
		return report(0, "setuid(0) made us root");
	if (setresuid(0, 0, 0) == 0)
		return report(0, "setresuid(0) made us root");
	if (setgroups(1, &g) == 0)
		return report(0, "setgroups(0) succeeded");
	return report(1, "%s (setuid, uid still %d)", ename(errno),
	    (int)getuid());
}

static int
do_mount(void)
{
	char	res[256] = "";
	int	fd;

	if (mount("none", "/tmp", "tmpfs", 0, "size=1m") == 0)
		return report(0, "mounted a tmpfs on /tmp");
	note(res, sizeof(res), "%s (mount)", ename(errno));
	/* the masks are mounts: taking one away would unmask a secret */
	if (umount2("/root", MNT_DETACH) == 0)
		return report(0, "unmounted the mask on /root");
	note(res, sizeof(res), ", %s (umount /root)", ename(errno));
	if ((fd = (int)syscall(SYS_fsopen, "tmpfs", 0)) != -1) {
		close(fd);
		return report(0, "fsopen(tmpfs) succeeded");
	}
	note(res, sizeof(res), ", %s (fsopen)", ename(errno));
	return report(1, "%s", res);
}

static int
do_unshare(void)
{
	char	res[256] = "";

	/* a user namespace hands out every capability inside it */
	if (unshare(CLONE_NEWUSER) == 0)
		return report(0, "unshare(CLONE_NEWUSER) succeeded");
	note(res, sizeof(res), "%s (unshare user)", ename(errno));
	if (unshare(CLONE_NEWNS) == 0)
		return report(0, "unshare(CLONE_NEWNS) succeeded");
	note(res, sizeof(res), ", %s (unshare mount)", ename(errno));
	if (unshare(CLONE_NEWNET) == 0)
		return report(0, "unshare(CLONE_NEWNET) succeeded");
	note(res, sizeof(res), ", %s (unshare net)", ename(errno));
	return report(1, "%s", res);
}

static int
do_clone_ns(void)
{
	struct {
		uint64_t flags, pidfd, child_tid, parent_tid, exit_signal,
		    stack, stack_size, tls;
	} ca = { 0 };
	char	res[256] = "";
	int	st;
	pid_t	pid;

	pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL,
	    NULL, NULL);
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		waitpid(pid, &st, 0);
		return report(0, "clone(CLONE_NEWUSER) made a child");
	}
	note(res, sizeof(res), "%s (clone)", ename(errno));
	ca.flags = CLONE_NEWUSER | CLONE_NEWNS;
	ca.exit_signal = SIGCHLD;
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		_exit(0);
	if (pid > 0) {
		waitpid(pid, &st, 0);
		return report(0, "clone3(CLONE_NEWUSER) made a child");
	}
	note(res, sizeof(res), ", %s (clone3)", ename(errno));
	return report(1, "%s", res);
}

static int
do_setns(void)
{
	int	fd;

	/* our own namespace: harmless if it works, but the call must not */
	if ((fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) == -1)
		return report(1, "%s (open /proc/self/ns/net)", ename(errno));
	if (setns(fd, CLONE_NEWNET) == 0) {
		close(fd);
		return report(0, "setns succeeded");
	}
	close(fd);
	return report(1, "%s (setns)", ename(errno));
}

static int
do_ptrace_parent(void)
{
	char	res[256] = "", st[64];
	int	status;
	pid_t	pp = getppid(), me = getpid(), pid;

	if (pp == 0)
		note(res, sizeof(res), "parent outside the PID namespace, ");
	else if (ptrace(PTRACE_SEIZE, pp, NULL, NULL) == 0)
		return report(0, "seized the parent, pid %d", (int)pp);
	else
		note(res, sizeof(res), "%s (parent %d), ", ename(errno),
		    (int)pp);
	/* a child of ours tries it on us, its parent: same uid, no Yama
	 * here, so only the filter stands in the way; SEIZE stops nothing */
	switch ((pid = fork())) {
	case -1:
		return untested("%s%s (fork)", res, ename(errno));
	case 0:
		_exit(ptrace(PTRACE_SEIZE, me, NULL, NULL) == 0 ? 0 : errno);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return report(0, "%sa child seized its parent", res);
	if (WIFEXITED(status))
		return report(1, "%s%s (child seizing its parent)", res,
		    ename(WEXITSTATUS(status)));
	return report(1, "%schild %s", res, status_text(status, st,
	    sizeof(st)));
}

/* ----------------------------------------------------- kernel calls */

static int
do_bpf(void)
{
	union bpf_attr	a;
	int		fd;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	if ((fd = (int)syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a))) == -1)
		return report(1, "%s (bpf map create)", ename(errno));
	close(fd);
	return report(0, "created a bpf map");
}

static int
do_perf(void)
{
	struct perf_event_attr	a;
	int			fd;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	a.disabled = 1;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	if ((fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0)) == -1)
		return report(1, "%s (perf_event_open)", ename(errno));
	close(fd);
	return report(0, "opened a perf event on itself");
}

static int
do_io_uring(void)
{
	struct io_uring_params	p;
	int			fd;

	memset(&p, 0, sizeof(p));
	if ((fd = (int)syscall(SYS_io_uring_setup, 8, &p)) == -1)
		return report(1, "%s (io_uring_setup)", ename(errno));
	close(fd);
	return report(0, "set up an io_uring");
}

static int
do_keyctl(void)
{
	long	id;

	id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID,
	    KEY_SPEC_SESSION_KEYRING, 0);
	if (id != -1)
		return report(0, "keyctl: session keyring %ld", id);
	id = syscall(SYS_add_key, "user", "hostile", "x", (size_t)1,
	    KEY_SPEC_PROCESS_KEYRING);
	if (id != -1)
		return report(0, "add_key: key %ld", id);
	return report(1, "%s (keyctl, add_key)", ename(errno));
}

static int
do_userfaultfd(void)
{
	int	fd;

	if ((fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC)) == -1)
		return report(1, "%s (userfaultfd)", ename(errno));
	close(fd);
	return report(0, "opened a userfaultfd");
}

static int
do_personality(void)
{
	int	old;

	/* READ_IMPLIES_EXEC: every readable page executable */
	if ((old = personality(0xffffffff)) == -1)
		return report(1, "%s (query)", ename(errno));
	if (personality(old | READ_IMPLIES_EXEC) == -1)
		return report(1, "%s (personality)", ename(errno));
	if (personality(0xffffffff) & READ_IMPLIES_EXEC)
		return report(0, "READ_IMPLIES_EXEC set");
	return report(1, "personality() returned but nothing changed");
}

/* int 0x80 and x32: the filter must judge these by architecture too. */
static int
do_compat_syscalls(void)
{
	char	res[256] = "", st[64];
	int	status;
	pid_t	pid;
	long	r;

	switch ((pid = fork())) {
	case -1:
		return untested("%s (fork)", ename(errno));
	case 0:
		/* i386 getpid is 20 */
		__asm__ volatile ("int $0x80" : "=a"(r) : "a"(20L) : "memory");
		_exit(r > 0 ? 0 : r == -EPERM ? 1 : r == -ENOSYS ? 2 : 3);
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return report(0, "i386 getpid through int 0x80 ran");
	note(res, sizeof(res), "i386: %s", WIFEXITED(status) ?
	    (WEXITSTATUS(status) == 1 ? "EPERM" : WEXITSTATUS(status) == 2 ?
	    "ENOSYS" : "error") : status_text(status, st, sizeof(st)));
	switch ((pid = fork())) {
	case -1:
		return untested("%s, %s (fork)", res, ename(errno));
	case 0:
		r = syscall(0x40000000L | SYS_getpid);
		_exit(r > 0 ? 0 : errno == EPERM ? 1 : errno == ENOSYS ? 2 : 3);
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return report(0, "%s, x32 getpid ran", res);
	note(res, sizeof(res), ", x32: %s", WIFEXITED(status) ?
	    (WEXITSTATUS(status) == 1 ? "EPERM" : WEXITSTATUS(status) == 2 ?
	    "ENOSYS" : "error") : status_text(status, st, sizeof(st)));
	return report(1, "%s", res);
}

/* -------------------------------------------------------- processes */

static int
do_kill_outside(void)
{
	long	target = strtol(arg, NULL, 10);
	char	res[256] = "";
	int	fd;

	if (target <= 1)
		return report(1, "no target pid given");
	if (kill((pid_t)target, SIGKILL) == 0)
		return report(0, "SIGKILL sent to pid %ld", target);
	note(res, sizeof(res), "%s (kill %ld)", ename(errno), target);
	if ((fd = (int)syscall(SYS_pidfd_open, (pid_t)target, 0)) != -1) {
		close(fd);
		return report(0, "%s, but pidfd_open(%ld) worked", res,
		    target);
	}
	note(res, sizeof(res), ", %s (pidfd_open)", ename(errno));
	/* probe only: signal 0 asks whether anyone else is reachable */
	if (kill(-1, 0) == 0)
		return report(0, "%s, but kill(-1, 0) reaches other processes",
		    res);
	note(res, sizeof(res), ", %s (kill -1)", ename(errno));
	return report(1, "%s", res);
}

static int
do_daemon(void)
{
	struct timespec	ts = { 60, 0 };
	char		c = 0;
	int		p[2];
	pid_t		pid;

	if (pipe(p) == -1)
		return untested("%s (pipe)", ename(errno));
	switch ((pid = fork())) {
	case -1:
		return untested("%s (fork)", ename(errno));
	case 0:
		close(p[0]);
		if (setsid() == -1)
			_exit(1);
		if (fork() != 0)
			_exit(0);
		/* the daemon: detached, its own session, no stdio */
		prctl(PR_SET_NAME, "hostile-daemon", 0, 0, 0);
		devnull_stdio();
		(void)write(p[1], "d", 1);
		close(p[1]);
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
		_exit(0);
	}
	close(p[1]);
	waitpid(pid, NULL, 0);
	/* answer only once the daemon has its name */
	if (read(p[0], &c, 1) != 1)
		return untested("the daemon did not start (second fork refused?)");
	close(p[0]);
	/* the test checks that it is gone once the response is */
	return report(0, "started (double fork, setsid, sleep 60)");
}

static int
do_forkbomb(void)
{
	struct timespec	ts = { 0, 0 };
	char		c;
	int		p[2], n = 0, err = 0;
	pid_t		pid;

	/* forkbomb=SECONDS holds the children that long (at most 30) */
	ts.tv_sec = strtol(arg, NULL, 10);
	if (ts.tv_sec < 0 || ts.tv_sec > 30)
		ts.tv_sec = 0;
	if (pipe(p) == -1)
		return untested("%s (pipe)", ename(errno));
	while (n < 10000) {
		if ((pid = fork()) == -1) {
			err = errno;
			break;
		}
		if (pid == 0) {
			/* wait until the parent closes its end, then go */
			close(p[1]);
			devnull_stdio();
			(void)read(p[0], &c, 1);
			_exit(0);
		}
		n++;
	}
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	close(p[1]);
	close(p[0]);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	if (err != 0)
		return report(1, "%s after %d forks", ename(err), n);
	return report(0, "%d forks", n);
}

/* hold=SECONDS: a quiet request that stays around (at most 30 s). */
static int
do_hold(void)
{
	struct timespec	ts = { strtol(arg, NULL, 10), 0 };

	if (ts.tv_sec < 0 || ts.tv_sec > 30)
		ts.tv_sec = 5;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	return report(1, "held");
}

/*
 * peek=MARKER: look through every process this /proc shows for MARKER
 * in its environment (another request's QUERY_STRING, say).
 */
static int
do_peek(void)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[300], buf[65536], self[32], res[512] = "";
	ssize_t		 n, l;
	size_t		 ml = strlen(arg);
	int		 fd, seen = 0, denied = 0, err = 0;

	if (ml == 0)
		return report(1, "no marker given");
	l = readlink("/proc/self", self, sizeof(self) - 1);
	self[l > 0 ? l : 0] = '\0';
	if ((d = opendir("/proc")) == NULL)
		return report(1, "%s (opendir /proc)", ename(errno));
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]) ||
		    strcmp(de->d_name, self) == 0)
			continue;
		seen++;
		snprintf(path, sizeof(path), "/proc/%s/environ", de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			denied++;
			err = errno;
			continue;
		}
		n = read(fd, buf, sizeof(buf));
		if (n == -1) {
			denied++;
			err = errno;
		}
		close(fd);
		if (n > 0 && memmem(buf, n, arg, ml) != NULL) {
			closedir(d);
			return report(0, "found the marker in %s", path);
		}
	}
	closedir(d);
	note(res, sizeof(res), "%d other processes visible, %d environ "
	    "refused", seen, denied);
	if (denied)
		note(res, sizeof(res), " (%s)", ename(err));
	return report(1, "%s", res);
}

static int
do_membomb(void)
{
	const size_t	chunk = 64UL << 20, max = 8UL << 30;
	size_t		got = 0;
	char		*m;

	while (got < max) {
		m = mmap(NULL, chunk, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return report(1, "%s after %zu MiB", ename(errno),
			    got >> 20);
		memset(m, 0xa5, chunk);
		got += chunk;
	}
	return report(0, "allocated and touched %zu MiB", got >> 20);
}

/*
 * forkmem=MIB: the request's memory held by children, each under the
 * per-process limit: only a budget for the whole request stops it.
 */
static int
do_forkmem(void)
{
	struct timespec	 ts = { 10, 0 };
	size_t		 mib = strtoul(arg, NULL, 10);
	char		 c, *m;
	int		 p[2], i, n = 0;
	pid_t		 pid;

	if (mib == 0 || mib > 1024)
		mib = 100;
	if (pipe(p) == -1)
		return untested("%s (pipe)", ename(errno));
	for (i = 0; i < 8; i++) {
		if ((pid = fork()) == -1)
			break;
		if (pid == 0) {
			close(p[0]);
			devnull_stdio();
			/* mmap, not malloc: a memset of memory never read
			 * again may be optimised away */
			if ((m = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
				_exit(1);
			memset(m, 0xa5, mib << 20);
			(void)write(p[1], "x", 1);
			while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
				;
			_exit(0);
		}
	}
	close(p[1]);
	/* every child that touched its share says so */
	while (read(p[0], &c, 1) == 1)
		if (++n == i)
			break;
	if (n == 8) {
		report(0, "8 children hold %zu MiB", 8 * mib);
		fflush(stdout);
	}
	while (wait(NULL) > 0 || errno == EINTR)
		;
	if (n < 8)
		return report(1, "only %d of %d children got %zu MiB", n, i,
		    mib);
	return 0;
}

/* forkn=N: N children at once, held 3 s (another request beside it). */
static int
do_forkn(void)
{
	struct timespec	 ts = { 3, 0 };
	long	 want = strtol(arg, NULL, 10);
	char	 c;
	int	 p[2], n = 0, err = 0;
	pid_t	 pid;

	if (want < 1 || want > 64)
		want = 4;
	if (pipe(p) == -1)
		return untested("%s (pipe)", ename(errno));
	while (n < want) {
		if ((pid = fork()) == -1) {
			err = errno;
			break;
		}
		if (pid == 0) {
			close(p[1]);
			devnull_stdio();
			(void)read(p[0], &c, 1);
			_exit(0);
		}
		n++;
	}
	while (err == 0 && nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	close(p[1]);
	close(p[0]);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	if (err != 0)
		return report(1, "%s after %d of %ld forks", ename(err), n, want);
	return report(0, "%d forks", n);
}

static int64_t
clock_ms(clockid_t id)
{
	struct timespec	ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* spin=MS: MS ms of CPU time; the wall time it took says who else ran. */
static int
do_spin(void)
{
	int64_t		 want = strtol(arg, NULL, 10), w0, c0;
	volatile long	 x = 0;

	if (want < 1 || want > 10000)
		want = 200;
	w0 = clock_ms(CLOCK_MONOTONIC);
	c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	while (clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0 < want)
		for (int i = 0; i < 100000; i++)
			x += i;
	return report(0, "%lld ms CPU in %lld ms", (long long)want,
	    (long long)(clock_ms(CLOCK_MONOTONIC) - w0));
}

/* cpuburn=SECONDS: 8 spinning children, every core the host has. */
static int
do_cpuburn(void)
{
	int64_t		 secs = strtol(arg, NULL, 10), end;
	volatile long	 x = 0;
	int		 i;

	if (secs < 1 || secs > 30)
		secs = 5;
	end = clock_ms(CLOCK_MONOTONIC) + secs * 1000;
	for (i = 0; i < 8; i++)
		if (fork() == 0) {
			devnull_stdio();
			while (clock_ms(CLOCK_MONOTONIC) < end)
				for (int k = 0; k < 100000; k++)
					x += k;
			_exit(0);
		}
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return report(0, "8 children spun %lld s", (long long)secs);
}

/* ipc_leave=KEY: SysV objects live in the IPC namespace, not the process. */
static int
do_ipc_leave(void)
{
	key_t	 key = (key_t)strtol(arg, NULL, 10);
	char	*m;
	int	 shm, msq;
	struct {
		long	type;
		char	text[32];
	} msg = { 1, "hostile-left-this" };

	if ((shm = shmget(key, 1 << 20, IPC_CREAT | 0666)) == -1)
		return report(1, "%s (shmget)", ename(errno));
	if ((m = shmat(shm, NULL, 0)) == (void *)-1)
		return report(1, "%s (shmat)", ename(errno));
	snprintf(m, 64, "hostile-left-this");
	shmdt(m);
	if ((msq = msgget(key, IPC_CREAT | 0666)) == -1)
		return report(1, "%s (msgget)", ename(errno));
	if (msgsnd(msq, &msg, sizeof(msg.text), IPC_NOWAIT) == -1)
		return report(1, "%s (msgsnd)", ename(errno));
	return report(0, "left shm %d and msg queue %d", shm, msq);
}

static int
do_ipc_find(void)
{
	key_t	key = (key_t)strtol(arg, NULL, 10);
	int	shm, msq;

	shm = shmget(key, 0, 0);
	msq = msgget(key, 0);
	if (shm == -1 && msq == -1)
		return report(1, "%s (nothing under the key)", ename(errno));
	return report(0, "found shm %d, msg queue %d", shm, msq);
}

/* tmp_plant=NAME: a file for the next request to find (or source). */
static int
do_tmp_plant(void)
{
	static const char *const dirs[] = { "/tmp", "/var/tmp" };
	char	path[PATH_MAX];
	size_t	i;
	int	fd;

	if (*arg == '\0' || strchr(arg, '/') != NULL)
		return report(1, "no name given");
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], arg);
		if ((fd = open(path, O_WRONLY | O_CREAT, 0644)) == -1)
			return report(1, "%s (%s)", ename(errno), path);
		(void)write(fd, "echo planted\n", 13);
		close(fd);
	}
	return report(0, "planted /tmp/%s and /var/tmp/%s", arg, arg);
}

static int
do_tmp_list(void)
{
	static const char *const dirs[] = { "/tmp", "/var/tmp" };
	struct dirent	*de;
	DIR		*d;
	char		 res[1024] = "";
	size_t		 i;
	int		 n = 0;

	for (i = 0; i < 2; i++) {
		if ((d = opendir(dirs[i])) == NULL)
			return untested("%s (opendir %s)", ename(errno),
			    dirs[i]);
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			note(res, sizeof(res), " %s/%s", dirs[i], de->d_name);
			n++;
		}
		closedir(d);
	}
	if (n == 0)
		return report(1, "both empty");
	return report(0, "%d entries:%s", n, res);
}

static void
hold_for(int seconds)
{
	struct timespec	ts = { seconds, 0 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* tmp_hold=NAME: a file of this request, seen from outside while held. */
static int
do_tmp_hold(void)
{
	static const char *const dirs[] = { "/tmp", "/var/tmp" };
	char	path[PATH_MAX];
	size_t	i;
	int	fd;

	if (*arg == '\0' || strchr(arg, '/') != NULL)
		return report(1, "no name given");
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], arg);
		if ((fd = open(path, O_WRONLY | O_CREAT, 0644)) == -1)
			return report(1, "%s (%s)", ename(errno), path);
		close(fd);
	}
	hold_for(4);
	return report(0, "held /tmp/%s and /var/tmp/%s", arg, arg);
}

/* tmp_fill=MIB: how much /tmp takes before it is full. */
static int
do_tmp_fill(void)
{
	static char	buf[65536];
	long		want = strtol(arg, NULL, 10), n = 0;
	ssize_t		w;
	int		fd, e = 0;

	if (want < 1 || want > 4096)
		return report(1, "bad size");
	if ((fd = open("/tmp/fill", O_WRONLY | O_CREAT | O_TRUNC, 0600)) ==
	    -1)
		return report(1, "%s (open /tmp/fill)", ename(errno));
	memset(buf, 'x', sizeof(buf));
	while (n < want * 16) {
		if ((w = write(fd, buf, sizeof(buf))) != (ssize_t)sizeof(buf)) {
			e = w == -1 ? errno : ENOSPC;
			break;
		}
		n++;
	}
	close(fd);
	hold_for(4);
	if (e != 0)
		return report(1, "%s after %ld KiB", ename(e), n * 64);
	return report(0, "wrote %ld KiB", n * 64);
}

/* tmp_locked=NAME: what only a privileged cleaner can remove. */
static int
do_tmp_locked(void)
{
	static const char *const dirs[] = { "/tmp", "/var/tmp" };
	char	path[PATH_MAX], file[PATH_MAX + 8];
	size_t	i;
	int	fd;

	if (*arg == '\0' || strchr(arg, '/') != NULL)
		return report(1, "no name given");
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s.sticky", dirs[i], arg);
		snprintf(file, sizeof(file), "%s/f", path);
		if (mkdir(path, 0700) == -1 || chmod(path, 01777) == -1 ||
		    (fd = open(file, O_WRONLY | O_CREAT, 0600)) == -1)
			return report(1, "%s (%s)", ename(errno), path);
		close(fd);
		snprintf(path, sizeof(path), "%s/%s", dirs[i], arg);
		snprintf(file, sizeof(file), "%s/f", path);
		if (mkdir(path, 0700) == -1 ||
		    (fd = open(file, O_WRONLY | O_CREAT, 0600)) == -1)
			return report(1, "%s (%s)", ename(errno), path);
		close(fd);
		if (chmod(file, 0) == -1 || chmod(path, 0) == -1)
			return report(1, "%s (chmod %s)", ename(errno), path);
	}
	return report(0, "left %s mode 000 in /tmp and /var/tmp", arg);
}

/* setns_mnt: our own mount namespace, harmless if it worked. */
static int
do_setns_mnt(void)
{
	int	fd;

	if ((fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC)) == -1)
		return report(1, "%s (open /proc/self/ns/mnt)", ename(errno));
	if (setns(fd, CLONE_NEWNS) == 0) {
		close(fd);
		return report(0, "setns succeeded");
	}
	close(fd);
	return report(1, "%s (setns)", ename(errno));
}

static int
do_cpuloop(void)
{
	struct rusage	ru;
	struct timespec	t0, t1;
	volatile unsigned long	spin = 0;
	char		st[64];
	int		status;
	pid_t		pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	switch ((pid = fork())) {
	case -1:
		return untested("%s (fork)", ename(errno));
	case 0:
		devnull_stdio();
		for (;;)
			spin++;
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_CHILDREN, &ru);
	return report(1, "spinning child %s after %ld.%02lds CPU, %lds wall",
	    status_text(status, st, sizeof(st)), (long)ru.ru_utime.tv_sec,
	    (long)ru.ru_utime.tv_usec / 10000,
	    (long)(t1.tv_sec - t0.tv_sec));
}

static int
do_flood(void)
{
	static char	buf[65536];
	unsigned long long	n = 0, max = 2ULL << 30;

	memset(buf, 'A', sizeof(buf));
	buf[sizeof(buf) - 1] = '\n';
	printf("Content-Type: text/plain\r\n\r\n");
	fflush(stdout);
	while (n < max) {
		if (write(1, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return 1;	/* cut off: nobody to tell */
		n += sizeof(buf);
	}
	printf("ALLOWED flood wrote %llu MiB\n", n >> 20);
	return 0;
}

/* ------------------------------------------------------------- main */

static const struct {
	const char	*name;
	int		(*fn)(void);
} attempts[] = {
	{ "tcp_host_loopback",	do_tcp },
	{ "udp",		do_udp },
	{ "ipv6",		do_ipv6 },
	{ "raw",		do_raw },
	{ "packet",		do_packet },
	{ "netlink",		do_netlink },
	{ "socket_families",	do_socket_families },
	{ "fastcgi_socket",	NULL },
	{ "abstract",		NULL },
	{ "abstract_listen",	do_abstract_listen },
	{ "exec_sh",		do_exec_sh },
	{ "exec_wget",		do_exec_wget },
	{ "exec_curl",		do_exec_curl },
	{ "exec_ldso_sh",	do_exec_ldso_sh },
	{ "exec_ldso_wget",	do_exec_ldso_wget },
	{ "exec_ldso_git",	do_exec_ldso_git },
	{ "exec_ldso_relative",	do_exec_ldso_relative },
	{ "exec_ldso_procfd",	do_exec_ldso_procfd },
	{ "exec_ldso_race",	do_exec_ldso_race },
	{ "writable_exec",	do_writable_exec },
	{ "unix_scan",		do_unix_scan },
	{ "write_etc",		NULL },
	{ "write_dev",		NULL },
	{ "write_usr",		NULL },
	{ "write_own_dir",	do_write_own_dir },
	{ "tmp_exec",		do_tmp_exec },
	{ "memfd_exec",		do_memfd_exec },
	{ "mknod",		do_mknod },
	{ "audit_inject",	do_audit_inject },
	{ "read_file",		do_read_file },
	{ "accel_redirect",	do_accel_redirect },
	{ "read_shadow",	do_read_shadow },
	{ "see_root",		do_see_root },
	{ "proc1_environ",	do_proc1_environ },
	{ "write_proc_sys",	do_write_proc_sys },
	{ "setuid0",		do_setuid0 },
	{ "mount",		do_mount },
	{ "unshare",		do_unshare },
	{ "clone_ns",		do_clone_ns },
	{ "setns",		do_setns },
	{ "ptrace_parent",	do_ptrace_parent },
	{ "bpf",		do_bpf },
	{ "perf",		do_perf },
	{ "io_uring",		do_io_uring },
	{ "keyctl",		do_keyctl },
	{ "userfaultfd",	do_userfaultfd },
	{ "personality",	do_personality },
	{ "compat_syscalls",	do_compat_syscalls },
	{ "kill_outside",	do_kill_outside },
	{ "daemon",		do_daemon },
	{ "hold",		do_hold },
	{ "peek",		do_peek },
	{ "forkbomb",		do_forkbomb },
	{ "membomb",		do_membomb },
	{ "cpuloop",		do_cpuloop },
	{ "flood",		do_flood },
	{ "forkmem",		do_forkmem },
	{ "forkn",		do_forkn },
	{ "spin",		do_spin },
	{ "cpuburn",		do_cpuburn },
	{ "ipc_leave",		do_ipc_leave },
	{ "ipc_find",		do_ipc_find },
	{ "tmp_plant",		do_tmp_plant },
	{ "tmp_list",		do_tmp_list },
	{ "tmp_hold",		do_tmp_hold },
	{ "tmp_fill",		do_tmp_fill },
	{ "tmp_locked",		do_tmp_locked },
	{ "setns_mnt",		do_setns_mnt },
};

static int
hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

static char *
url_decode(const char *s)
{
	char	*o, *d;

	if ((d = o = strdup(s)) == NULL)
		return NULL;
	for (; *s != '\0'; s++)
		if (*s == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			*o++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 2;
		} else
			*o++ = *s == '+' ? ' ' : *s;
	*o = '\0';
	return d;
}

int
main(int argc, char *argv[])
{
	const char	*q = getenv("QUERY_STRING");
	char		*name, *eq;
	size_t		 i;

	/* a copy of us that got executed (tmp_exec, memfd_exec) */
	if (argc > 1 && strcmp(argv[1], "--ran") == 0)
		return RAN_CODE;
	/* exec_ldso_race: the allowed half of the race ran */
	if (argc > 0 && strcmp(argv[0], "ld.so") == 0)
		return 3;
	if (q == NULL || *q == '\0') {
		printf("Content-Type: text/plain\r\n\r\nusage: ?attempt[=arg]\n");
		return 0;
	}
	if ((name = strdup(q)) == NULL)
		return 1;
	if ((eq = strchr(name, '=')) != NULL) {
		*eq = '\0';
		if ((arg = url_decode(eq + 1)) == NULL)
			return 1;
	}
	attempt = name;
	for (i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		if (strcmp(attempts[i].name, name) != 0)
			continue;
		if (attempts[i].fn != NULL)
			return attempts[i].fn();
		if (strcmp(name, "fastcgi_socket") == 0)
			return unix_connect(arg, 0);
		if (strcmp(name, "abstract") == 0)
			return unix_connect(arg, 1);
		if (strcmp(name, "write_etc") == 0)
			return create_report("/etc/" PWNED);
		if (strcmp(name, "write_dev") == 0)
			return create_report("/dev/" PWNED);
		if (strcmp(name, "write_usr") == 0)
			return create_report("/usr/" PWNED);
	}
	printf("Status: 400 Bad Request\r\nContent-Type: text/plain\r\n\r\n"
	    "unknown attempt %s\n", name);
	return 0;
}
