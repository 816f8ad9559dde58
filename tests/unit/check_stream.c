/*
 * Unit tests for the request's state machine (stream_step): each way a
 * request runs or ends, as a sequence of inputs, and what the worker is
 * asked to do on the way.
 */
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

/* Feed inputs in order; the last step's action lands in a. */
static void
run(struct stream_sm *m, struct stream_act *a, const enum stream_input *in,
    size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		stream_step(m, in[i], a);
}

START_TEST(a_script_that_exits_after_its_body_is_done)
{
	struct stream_sm	m;
	struct stream_act	a;

	stream_sm_init(&m, 1);
	ck_assert_int_eq(m.phase, SP_RUN);
	stream_step(&m, SI_EXITED, &a);
	ck_assert_int_eq(m.phase, SP_DRAIN);
	ck_assert(!a.ends && a.signal == 0);
	stream_step(&m, SI_CLOSED, &a);
	ck_assert_int_eq(m.phase, SP_DONE);
	ck_assert_int_eq(m.end, SE_NONE);
	ck_assert(!stream_cut(&m, 1));
}
END_TEST

START_TEST(an_answer_before_the_body_waits_for_the_rest_of_it)
{
	struct stream_sm	m;
	struct stream_act	a;
	enum stream_input	in[] = { SI_EXITED, SI_CLOSED };

	stream_sm_init(&m, 0);
	run(&m, &a, in, 2);
	ck_assert_msg(m.phase == SP_DISCARD, "a script that did not read "
	    "its body ended the request before the body was in");
	stream_step(&m, SI_BODY_DONE, &a);
	ck_assert_int_eq(m.phase, SP_DONE);
	ck_assert_int_eq(m.end, SE_NONE);
}
END_TEST

START_TEST(the_body_limit_ends_the_discard_with_413)
{
	struct stream_sm	m;
	struct stream_act	a;
	enum stream_input	in[] = { SI_EXITED, SI_CLOSED, SI_BODY_OVER };

	stream_sm_init(&m, 0);
	run(&m, &a, in, 3);
	ck_assert_int_eq(m.phase, SP_DONE);
	ck_assert_int_eq(a.status, 413);
	ck_assert_str_eq(a.limit, "body");
	ck_assert_msg(a.signal == 0, "a script already gone was signalled");
}
END_TEST

START_TEST(the_deadline_terms_then_kills_then_waits_for_the_exit)
{
	struct stream_sm	m;
	struct stream_act	a;

	stream_sm_init(&m, 1);
	stream_step(&m, SI_DEADLINE, &a);
	ck_assert_int_eq(m.phase, SP_ENDING);
	ck_assert(a.ends && a.timeout);
	ck_assert_int_eq(a.signal, SIGTERM);
	ck_assert_int_eq(a.status, 504);
	stream_step(&m, SI_GRACE_OVER, &a);
	ck_assert_int_eq(a.signal, SIGKILL);
	ck_assert(!a.ends);
	stream_step(&m, SI_EXITED, &a);
	ck_assert_int_eq(m.phase, SP_ENDING);
	stream_step(&m, SI_CLOSED, &a);
	ck_assert_int_eq(m.phase, SP_DONE);
	ck_assert(!stream_cut(&m, 0));
	ck_assert_msg(stream_cut(&m, 1), "a timed-out answer that had begun "
	    "was not cut");
}
END_TEST

START_TEST(a_request_ends_once_whatever_follows)
{
	struct stream_sm	m;
	struct stream_act	a;

	stream_sm_init(&m, 1);
	stream_step(&m, SI_CLIENT_GONE, &a);
	ck_assert(a.ends);
	ck_assert_int_eq(a.signal, SIGKILL);
	ck_assert_int_eq(a.status, 0);
	stream_step(&m, SI_OUTPUT_OVER, &a);
	ck_assert_msg(!a.ends && a.signal == 0 && a.limit == NULL,
	    "a second end was acted on");
	stream_step(&m, SI_DEADLINE, &a);
	ck_assert(!a.ends && a.signal == 0);
	ck_assert_int_eq(m.end, SE_CLIENT_GONE);
	ck_assert(stream_cut(&m, 0));
}
END_TEST

START_TEST(output_over_the_limit_is_502_only_before_any_answer)
{
	struct stream_sm	m;
	struct stream_act	a;

	stream_sm_init(&m, 0);
	stream_step(&m, SI_OUTPUT_OVER, &a);
	ck_assert(a.ends);
	ck_assert_int_eq(a.status, 502);
	ck_assert(a.soft);
	ck_assert_str_eq(a.limit, "output");
	ck_assert_int_eq(a.signal, SIGKILL);
	ck_assert(stream_cut(&m, 0));
}
END_TEST

START_TEST(a_malformed_header_block_is_502_and_not_cut)
{
	struct stream_sm	m;
	struct stream_act	a;

	stream_sm_init(&m, 1);
	stream_step(&m, SI_INVALID, &a);
	ck_assert_int_eq(a.status, 502);
	ck_assert_int_eq(a.signal, SIGKILL);
	ck_assert(!stream_cut(&m, 1));
}
END_TEST

START_TEST(a_killed_script_is_not_waited_for_its_body)
{
	struct stream_sm	m;
	struct stream_act	a;
	enum stream_input	in[] = { SI_BODY_OVER, SI_EXITED, SI_CLOSED };

	stream_sm_init(&m, 0);
	run(&m, &a, in, 3);
	ck_assert_int_eq(m.phase, SP_DONE);
	ck_assert_int_eq(m.end, SE_BODY_OVER);
}
END_TEST

START_TEST(the_drain_ends_when_its_time_is_over)
{
	struct stream_sm	m;
	struct stream_act	a;
	enum stream_input	in[] = { SI_EXITED, SI_DRAIN_OVER };

	stream_sm_init(&m, 1);
	run(&m, &a, in, 2);
	ck_assert_int_eq(m.phase, SP_DONE);
}
END_TEST

START_TEST(nothing_moves_a_request_that_is_done)
{
	struct stream_sm	m;
	struct stream_act	a;
	enum stream_input	in[] = { SI_EXITED, SI_CLOSED, SI_DEADLINE };

	stream_sm_init(&m, 1);
	run(&m, &a, in, 3);
	ck_assert_int_eq(m.phase, SP_DONE);
	ck_assert_int_eq(m.end, SE_NONE);
	ck_assert(!a.ends && a.signal == 0);
}
END_TEST

static Suite *
stream_suite(void)
{
	Suite	*s = suite_create("stream");
	TCase	*tc;

	tc = tcase_create("state machine");
	tcase_add_test(tc, a_script_that_exits_after_its_body_is_done);
	tcase_add_test(tc, an_answer_before_the_body_waits_for_the_rest_of_it);
	tcase_add_test(tc, the_body_limit_ends_the_discard_with_413);
	tcase_add_test(tc,
	    the_deadline_terms_then_kills_then_waits_for_the_exit);
	tcase_add_test(tc, a_request_ends_once_whatever_follows);
	tcase_add_test(tc, output_over_the_limit_is_502_only_before_any_answer);
	tcase_add_test(tc, a_malformed_header_block_is_502_and_not_cut);
	tcase_add_test(tc, a_killed_script_is_not_waited_for_its_body);
	tcase_add_test(tc, the_drain_ends_when_its_time_is_over);
	tcase_add_test(tc, nothing_moves_a_request_that_is_done);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(stream_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
