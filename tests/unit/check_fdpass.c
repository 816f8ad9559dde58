/*
 * Unit tests for fdpass.c: a descriptor rides along with its message,
 * and a message cut short hands none on and leaks none.
 */
#include <sys/socket.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdpass.h"

static int
is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

/* The descriptor number the next open will take. */
static int
next_fd(void)
{
	int	fd = dup(0);

	ck_assert_int_ne(fd, -1);
	close(fd);
	return fd;
}

START_TEST(a_whole_message_brings_its_descriptor)
{
	int	sv[2], p[2], fd = -1, nfd = 1;
	char	buf[8];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(fd_send(sv[0], "ask", 3, &p[1], 1, 0), 0);
	ck_assert_int_eq(fd_recv(sv[1], buf, sizeof(buf), &fd, &nfd, 0), 3);
	ck_assert_int_eq(nfd, 1);
	ck_assert_msg(fcntl(fd, F_GETFD) & FD_CLOEXEC,
	    "a received descriptor is not close-on-exec");
	ck_assert_int_eq(write(fd, "x", 1), 1);
	ck_assert_int_eq(read(p[0], buf, 1), 1);
	close(fd);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(a_truncated_message_hands_on_and_leaks_no_descriptor)
{
	int	sv[2], p[2], fd = -1, nfd = 1, expect;
	char	buf[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(fd_send(sv[0], "longer", 6, &p[1], 1, 0), 0);
	close(p[1]);
	expect = next_fd();	/* where the received one would land */
	errno = 0;
	ck_assert_int_eq(fd_recv(sv[1], buf, sizeof(buf), &fd, &nfd, 0), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	ck_assert_int_eq(nfd, 0);
	ck_assert_msg(!is_open(expect), "the descriptor of a truncated "
	    "message was left open (fd %d)", expect);
	close(p[0]);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

static Suite *
fdpass_suite(void)
{
	Suite	*s = suite_create("fdpass");
	TCase	*tc;

	tc = tcase_create("messages");
	tcase_add_test(tc, a_whole_message_brings_its_descriptor);
	tcase_add_test(tc,
	    a_truncated_message_hands_on_and_leaks_no_descriptor);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(fdpass_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
