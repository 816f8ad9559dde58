/*
 * Unit tests for the options of config.c that guard the edges: which
 * TCP peers may speak FastCGI to safecgi (--allow-peer), which jail
 * layers it may start without (--allow-missing), and the scheduling
 * policy (--scheduling).
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* Parse a command line given as one string of words. */
static int
parse(struct config *c, const char *line)
{
	char	*argv[16], *copy, *w;
	int	 argc = 0, rc;

	ck_assert_ptr_nonnull(copy = strdup(line));
	argv[argc++] = "safecgi";
	for (w = strtok(copy, " "); w != NULL && argc < 15;
	    w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	config_init(c);
	rc = config_parse_args(c, argc, argv);
	free(copy);	/* the config keeps copies of what it needs */
	return rc;
}

static int
peer_ok(const struct config *c, const char *addr)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*in6 = (struct sockaddr_in6 *)&ss;
	char			 text[64];

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &in->sin_addr) == 1)
		in->sin_family = AF_INET;
	else {
		ck_assert_msg(inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1,
		    "test address %s does not parse", addr);
		in6->sin6_family = AF_INET6;
	}
	return config_peer_allowed(c, (struct sockaddr *)&ss, text,
	    sizeof(text));
}

START_TEST(test_loopback_peers_are_allowed_by_default)
{
	static const char *const ok[] = {
		"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1",
	};
	struct config	c;
	size_t		i;

	ck_assert_int_eq(parse(&c, ""), 0);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		ck_assert_msg(peer_ok(&c, ok[i]), "loopback peer %s refused",
		    ok[i]);
	config_free(&c);
}
END_TEST

START_TEST(test_other_peers_are_refused_by_default)
{
	static const char *const bad[] = {
		"192.0.2.1", "10.0.0.1", "0.0.0.0", "128.0.0.1",
		"2001:db8::1", "::", "::2", "::ffff:192.0.2.1", "fe80::1",
	};
	struct config	c;
	size_t		i;

	ck_assert_int_eq(parse(&c, ""), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!peer_ok(&c, bad[i]), "peer %s allowed by default",
		    bad[i]);
	config_free(&c);
}
END_TEST

START_TEST(test_a_unix_socket_peer_is_always_allowed)
{
	struct sockaddr_un	sun;
	struct config		c;
	char			text[64];

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ck_assert_int_eq(parse(&c, "--allow-peer 192.0.2.0/24"), 0);
	ck_assert(config_peer_allowed(&c, (struct sockaddr *)&sun, text,
	    sizeof(text)));
	config_free(&c);
}
END_TEST

START_TEST(test_allow_peer_replaces_the_loopback_default)
{
	struct config	c;

	ck_assert_int_eq(parse(&c, "--allow-peer 192.0.2.0/24 "
	    "--allow-peer 2001:db8::/32"), 0);
	ck_assert_msg(peer_ok(&c, "192.0.2.77"), "192.0.2.77 refused");
	ck_assert_msg(peer_ok(&c, "::ffff:192.0.2.9"),
	    "IPv4-mapped 192.0.2.9 refused");
	ck_assert_msg(peer_ok(&c, "2001:db8:1::5"), "2001:db8:1::5 refused");
	ck_assert_msg(!peer_ok(&c, "192.0.3.1"), "192.0.3.1 allowed");
	ck_assert_msg(!peer_ok(&c, "2001:db9::1"), "2001:db9::1 allowed");
	ck_assert_msg(!peer_ok(&c, "127.0.0.1"),
	    "loopback still allowed though --allow-peer names others");
	config_free(&c);
}
END_TEST

START_TEST(test_allow_peer_without_prefix_is_one_host)
{
	struct config	c;

	ck_assert_int_eq(parse(&c, "--allow-peer 192.0.2.5"), 0);
	ck_assert(peer_ok(&c, "192.0.2.5"));
	ck_assert(!peer_ok(&c, "192.0.2.4"));
	config_free(&c);
}
END_TEST

START_TEST(test_allow_peer_refuses_what_is_not_a_network)
{
	static const char *const bad[] = {
		"300.1.1.1", "10.0.0.1/33", "10.0.0.0/", "10.0.0.1/8",
		"host.example", "::1/129", "10.0.0.0/-1", "",
	};
	struct config	c;
	size_t		i;
	char		line[64];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "--allow-peer=%s", bad[i]);
		ck_assert_msg(parse(&c, line) == -1,
		    "--allow-peer %s was accepted", bad[i]);
		config_free(&c);
	}
}
END_TEST

START_TEST(test_allow_missing_landlock_is_recorded)
{
	struct config	c;

	ck_assert_int_eq(parse(&c, ""), 0);
	ck_assert_uint_eq(c.allow_missing & LAYER_LANDLOCK, 0);
	config_free(&c);
	ck_assert_int_eq(parse(&c, "--allow-missing landlock"), 0);
	ck_assert_uint_ne(c.allow_missing & LAYER_LANDLOCK, 0);
	config_free(&c);
}
END_TEST

START_TEST(test_allow_missing_refuses_an_unknown_layer)
{
	struct config	c;

	ck_assert_int_eq(parse(&c, "--allow-missing seccomp"), -1);
	config_free(&c);
}
END_TEST

START_TEST(test_require_landlock_contradicts_allow_missing_landlock)
{
	struct config	c;
	char		err[256];

	ck_assert_int_eq(parse(&c, "--require-landlock"), 0);
	ck_assert_int_eq(config_finish(&c, err, sizeof(err)), 0);
	config_free(&c);
	ck_assert_int_eq(parse(&c, "--require-landlock --allow-missing "
	    "landlock"), 0);
	ck_assert_int_eq(config_finish(&c, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "contradict") != NULL, "error: %s", err);
	config_free(&c);
}
END_TEST

START_TEST(test_scheduling_is_batch_unless_told_normal)
{
	struct config	c;

	ck_assert_int_eq(parse(&c, ""), 0);
	ck_assert_int_eq(c.sched_batch, 1);
	config_free(&c);
	ck_assert_int_eq(parse(&c, "--scheduling normal"), 0);
	ck_assert_int_eq(c.sched_batch, 0);
	config_free(&c);
	ck_assert_int_eq(parse(&c, "--scheduling normal --scheduling batch"),
	    0);
	ck_assert_int_eq(c.sched_batch, 1);
	config_free(&c);
}
END_TEST

START_TEST(test_scheduling_refuses_another_policy)
{
	struct config	c;

	ck_assert_int_eq(parse(&c, "--scheduling fifo"), -1);
	config_free(&c);
	ck_assert_int_eq(parse(&c, "--scheduling"), -1);
	config_free(&c);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tp = tcase_create("peers"), *tl = tcase_create("layers");
	TCase	*ts = tcase_create("scheduling");

	tcase_add_test(tp, test_loopback_peers_are_allowed_by_default);
	tcase_add_test(tp, test_other_peers_are_refused_by_default);
	tcase_add_test(tp, test_a_unix_socket_peer_is_always_allowed);
	tcase_add_test(tp, test_allow_peer_replaces_the_loopback_default);
	tcase_add_test(tp, test_allow_peer_without_prefix_is_one_host);
	tcase_add_test(tp, test_allow_peer_refuses_what_is_not_a_network);
	tcase_add_test(tl, test_allow_missing_landlock_is_recorded);
	tcase_add_test(tl, test_allow_missing_refuses_an_unknown_layer);
	tcase_add_test(tl,
	    test_require_landlock_contradicts_allow_missing_landlock);
	tcase_add_test(ts, test_scheduling_is_batch_unless_told_normal);
	tcase_add_test(ts, test_scheduling_refuses_another_policy);
	suite_add_tcase(s, tp);
	suite_add_tcase(s, tl);
	suite_add_tcase(s, ts);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(config_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
