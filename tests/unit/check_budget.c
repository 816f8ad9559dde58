/*
 * Unit tests for the worker's flood control (audit_budget_emit): what
 * reaches the master's channel when a request or a worker makes too
 * many events.
 */
#include <sys/socket.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"

/* Messages waiting on the master's end. */
static int
drain(int master_end)
{
	char	buf[8192];
	int	n = 0;

	while (recv(master_end, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		n++;
	return n;
}

static struct audit_event
refused(const struct audit_req *ar)
{
	struct audit_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.event = "request_refused";
	ev.req = ar;
	audit_kv(&ev, "rule", "test");
	return ev;
}

START_TEST(a_request_writes_at_most_its_share_the_rest_is_counted)
{
	struct audit_budget	b;
	struct audit_tally	tally = { 0 };
	struct audit_req	ar = { 0 };
	struct audit_event	ev;
	int			master_end, i;

	audit_attach(audit_channel(&master_end));
	audit_budget_init(&b);
	ar.client = "192.0.2.1";
	ev = refused(&ar);
	for (i = 0; i < AUDIT_EVENTS_PER_REQUEST + 6; i++)
		audit_budget_emit(&b, &tally, &ev);
	ck_assert_int_eq(drain(master_end), AUDIT_EVENTS_PER_REQUEST);
	ck_assert_uint_eq(tally.nsuppressed, 6);
}
END_TEST

START_TEST(a_worker_passes_a_burst_and_drops_a_flood)
{
	struct audit_budget	b;
	struct audit_event	ev;
	int			master_end, n, i;

	audit_attach(audit_channel(&master_end));
	audit_budget_init(&b);
	ev = refused(NULL);
	for (i = 0; i < 1000; i++)
		audit_budget_emit(&b, NULL, &ev);
	n = drain(master_end);
	/* a burst of 400, and the little the clock refilled meanwhile */
	ck_assert_msg(n >= 400 && n < 420, "%d of 1000 events passed", n);
}
END_TEST

START_TEST(events_outside_requests_are_not_charged_to_a_request)
{
	struct audit_budget	b;
	struct audit_tally	tally = { 0 };
	struct audit_req	ar = { 0 };
	struct audit_event	ev;
	int			master_end, i;

	audit_attach(audit_channel(&master_end));
	audit_budget_init(&b);
	ev = refused(NULL);
	for (i = 0; i < 100; i++)
		audit_budget_emit(&b, NULL, &ev);
	ar.client = "192.0.2.2";
	ev = refused(&ar);
	audit_budget_emit(&b, &tally, &ev);
	ck_assert_uint_eq(tally.nevents, 1);
	ck_assert_uint_eq(tally.nsuppressed, 0);
	ck_assert_int_eq(drain(master_end), 101);
}
END_TEST

static Suite *
budget_suite(void)
{
	Suite	*s = suite_create("budget");
	TCase	*tc;

	tc = tcase_create("flood control");
	tcase_add_test(tc,
	    a_request_writes_at_most_its_share_the_rest_is_counted);
	tcase_add_test(tc, a_worker_passes_a_burst_and_drops_a_flood);
	tcase_add_test(tc,
	    events_outside_requests_are_not_charged_to_a_request);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(budget_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
