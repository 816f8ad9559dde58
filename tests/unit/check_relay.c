/*
 * Unit tests for relay.c: which ports the relay reaches, and the master's
 * side of the channel, which must never connect anywhere else.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "profile.h"
#include "relay.h"

/* A set of n profiles; ports[i] is profile i's net_tcp (NULL-terminated). */
static void
set_of(struct profile_set *ps, struct profile *v, char **ports[], size_t n)
{
	size_t	i, k;

	memset(v, 0, n * sizeof(*v));
	for (i = 0; i < n; i++) {
		for (k = 0; ports[i] != NULL && ports[i][k] != NULL; k++)
			;
		v[i].net_tcp.v = k ? ports[i] : NULL;
		v[i].net_tcp.n = k;
	}
	ps->v = v;
	ps->n = n;
}

START_TEST(no_port_named_means_no_relay)
{
	struct profile		v[2];
	struct profile_set	ps;
	struct relay_ports	rp;
	char			**ports[2] = { NULL, NULL };

	set_of(&ps, v, ports, 2);
	ck_assert_int_eq(relay_ports(&ps, &rp), 0);
	ck_assert_uint_eq(rp.n, 0);
	ck_assert_ptr_null(rp.v);
	ck_assert(!relay_port_named(&rp, 5432));
	relay_ports_free(&rp);
}
END_TEST

START_TEST(ports_of_every_profile_sorted_once)
{
	struct profile		v[3];
	struct profile_set	ps;
	struct relay_ports	rp;
	char			*a[] = { "6379", "5432", NULL };
	char			*b[] = { NULL };
	char			*c[] = { "5432", "80", NULL };
	char			**ports[3] = { a, b, c };

	set_of(&ps, v, ports, 3);
	ck_assert_int_eq(relay_ports(&ps, &rp), 0);
	ck_assert_uint_eq(rp.n, 3);
	ck_assert_uint_eq(rp.v[0], 80);
	ck_assert_uint_eq(rp.v[1], 5432);
	ck_assert_uint_eq(rp.v[2], 6379);
	relay_ports_free(&rp);
	ck_assert_uint_eq(rp.n, 0);
}
END_TEST

START_TEST(only_named_ports_are_named)
{
	struct profile		v[1];
	struct profile_set	ps;
	struct relay_ports	rp;
	char			*a[] = { "5432", NULL };
	char			**ports[1] = { a };

	set_of(&ps, v, ports, 1);
	ck_assert_int_eq(relay_ports(&ps, &rp), 0);
	ck_assert(relay_port_named(&rp, 5432));
	ck_assert(!relay_port_named(&rp, 5433));
	ck_assert(!relay_port_named(&rp, 0));
	/* a port read from a worker is 32 bits wide: no wrap to 5432 */
	ck_assert(!relay_port_named(&rp, 5432 + 65536));
	relay_ports_free(&rp);
}
END_TEST

/* Ask the master's side for port; returns the reply and the fd, if any. */
static void
ask(int master, int worker, const struct relay_ports *rp, uint32_t port,
    struct relay_reply *rep, int *fd)
{
	struct relay_ask	 q = { 7, port };
	struct msghdr		 mh;
	struct iovec		 iov = { rep, sizeof(*rep) };
	char			 cb[CMSG_SPACE(sizeof(int))];
	struct cmsghdr		*cm;

	ck_assert_int_eq(send(worker, &q, sizeof(q), 0), sizeof(q));
	ck_assert_int_eq(relay_serve(master, rp, getpid()), 0);
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cb;
	mh.msg_controllen = sizeof(cb);
	ck_assert_int_eq(recvmsg(worker, &mh, MSG_DONTWAIT), sizeof(*rep));
	ck_assert_uint_eq(rep->id, 7);
	*fd = -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm != NULL && cm->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(cm), sizeof(int));
}

/* A listener on the host's loopback; its port in *port. */
static int
listener(uint16_t *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

START_TEST(master_refuses_a_port_no_profile_names)
{
	struct relay_ports	rp;
	struct relay_reply	rep;
	uint16_t		named, other, v[1];
	int			master, worker, l1, l2, fd;

	l1 = listener(&named);
	l2 = listener(&other);
	v[0] = named;
	rp.v = v;
	rp.n = 1;
	ck_assert_int_ne(worker = relay_channel(&master), -1);
	ask(master, worker, &rp, other, &rep, &fd);
	ck_assert_int_eq(rep.err, EACCES);
	ck_assert_int_eq(fd, -1);
	/* and nothing reached the port */
	ck_assert_int_eq(poll(&(struct pollfd){ l2, POLLIN, 0 }, 1, 100), 0);
	close(l1);
	close(l2);
	close(master);
	close(worker);
}
END_TEST

START_TEST(master_connects_a_named_port_on_the_loopback)
{
	struct relay_ports	rp;
	struct relay_reply	rep;
	struct sockaddr_in	peer;
	socklen_t		len = sizeof(peer);
	uint16_t		named, v[1];
	int			master, worker, l, fd, c;

	l = listener(&named);
	v[0] = named;
	rp.v = v;
	rp.n = 1;
	ck_assert_int_ne(worker = relay_channel(&master), -1);
	ask(master, worker, &rp, named, &rep, &fd);
	ck_assert_int_eq(rep.err, 0);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_ne(c = accept(l, NULL, NULL), -1);
	ck_assert_int_eq(getpeername(c, (struct sockaddr *)&peer, &len), 0);
	ck_assert_uint_eq(ntohl(peer.sin_addr.s_addr), INADDR_LOOPBACK);
	close(c);
	close(fd);
	close(l);
	close(master);
	close(worker);
}
END_TEST

START_TEST(master_reports_a_closed_channel)
{
	struct relay_ports	rp = { NULL, 0 };
	int			master, worker;

	ck_assert_int_ne(worker = relay_channel(&master), -1);
	ck_assert_int_eq(relay_serve(master, &rp, getpid()), 0);
	close(worker);
	ck_assert_int_eq(relay_serve(master, &rp, getpid()), -1);
	close(master);
}
END_TEST

/*
 * In a child: listen as a worker does, start the relay, then try what a
 * worker holding host sockets must not do.  Exit status: a bit per call
 * that was not refused with EPERM.
 */
static int
worker_after_start(const struct profile_set *ps, int chan, uint16_t free)
{
	static struct audit_budget	budget;
	struct sockaddr_in		sin;
	struct relay			*rl;
	int				s, rc = 0;

	audit_budget_init(&budget);
	if ((rl = relay_listen(ps)) == NULL ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    relay_start(rl, chan, &budget) == -1)
		return 0x80;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(free);
	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 0x40;
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) != -1 ||
	    errno != EPERM)
		rc |= 1;
	if (sendto(s, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&sin,
	    sizeof(sin)) != -1 || errno != EPERM)
		rc |= 2;
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) != -1 ||
	    errno != EPERM)
		rc |= 4;
	if (listen(s, 1) != -1 || errno != EPERM)
		rc |= 8;
	return rc;
}

START_TEST(relaying_worker_cannot_connect_bind_or_listen)
{
	struct profile		v[1];
	struct profile_set	ps;
	char			port[8], *a[] = { port, NULL };
	char			**ports[1] = { a };
	uint16_t		p, free;
	int			l, master, worker, status;
	pid_t			pid;

	/* two ports nobody uses: one to relay, one to try */
	l = listener(&p);
	close(l);
	l = listener(&free);
	close(l);
	snprintf(port, sizeof(port), "%u", p);
	set_of(&ps, v, ports, 1);
	ck_assert_int_ne(worker = relay_channel(&master), -1);
	if ((pid = fork()) == 0)
		_exit(worker_after_start(&ps, worker, free));
	ck_assert_int_ne(pid, -1);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_msg(WEXITSTATUS(status) == 0, "status %#x: 1 connect, "
	    "2 sendto(MSG_FASTOPEN), 4 bind, 8 listen not refused; 0x80 the "
	    "relay did not start", WEXITSTATUS(status));
	close(master);
	close(worker);
}
END_TEST

static Suite *
relay_suite(void)
{
	Suite	*s = suite_create("relay");
	TCase	*tc;

	tc = tcase_create("ports");
	tcase_add_test(tc, no_port_named_means_no_relay);
	tcase_add_test(tc, ports_of_every_profile_sorted_once);
	tcase_add_test(tc, only_named_ports_are_named);
	suite_add_tcase(s, tc);
	tc = tcase_create("master");
	tcase_add_test(tc, master_refuses_a_port_no_profile_names);
	tcase_add_test(tc, master_connects_a_named_port_on_the_loopback);
	tcase_add_test(tc, master_reports_a_closed_channel);
	suite_add_tcase(s, tc);
	tc = tcase_create("worker");
	tcase_add_test(tc, relaying_worker_cannot_connect_bind_or_listen);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(relay_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
