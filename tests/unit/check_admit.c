/*
 * Unit tests for admission (admit.h): the limit, the bounded queue, its
 * wait, and fairness across clients.  Waiting requests are threads; a
 * test waits for the queue to reach a count before the next arrives, so
 * that arrival order is what the test says.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admit.h"

struct arrival {
	struct admit		*a;
	const char		*client;
	pthread_t		 t;
	int			 done;	/* atomic */
	enum admit_verdict	 v;
};

static void *
arrive_thread(void *arg)
{
	struct arrival	*x = arg;

	x->v = admit_enter(x->a, x->client, NULL);
	__atomic_store_n(&x->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int
waiting(struct admit *a)
{
	unsigned	r, w;

	admit_counts(a, &r, &w);
	return (int)w;
}

/* Until the queue holds n (at most 2 s). */
static void
until_waiting(struct admit *a, int n)
{
	int	i;

	for (i = 0; i < 2000 && waiting(a) != n; i++)
		usleep(1000);
	ck_assert_int_eq(waiting(a), n);
}

/* A request of client, in a thread of its own. */
static void
arrive_thread_start(struct arrival *x, struct admit *a, const char *client)
{
	memset(x, 0, sizeof(*x));
	x->a = a;
	x->client = client;
	ck_assert_int_eq(pthread_create(&x->t, NULL, arrive_thread, x), 0);
}

/* A request of client that has to wait: it is in the queue on return. */
static void
arrive(struct arrival *x, struct admit *a, const char *client)
{
	int	n = waiting(a);

	arrive_thread_start(x, a, client);
	until_waiting(a, n + 1);
}

static int
is_done(struct arrival *x)
{
	return __atomic_load_n(&x->done, __ATOMIC_ACQUIRE);
}

/* Its verdict, once it has one (at most 2 s). */
static enum admit_verdict
verdict(struct arrival *x)
{
	int	i;

	for (i = 0; i < 2000 && !is_done(x); i++)
		usleep(1000);
	ck_assert_msg(is_done(x), "no verdict within 2 s");
	pthread_join(x->t, NULL);
	return x->v;
}

START_TEST(runs_up_to_the_limit_without_waiting)
{
	struct admit	*a = admit_new(2, 4, 5000);

	ck_assert_int_eq(admit_enter(a, "A", NULL), ADMIT_RUN);
	ck_assert_int_eq(admit_enter(a, "B", NULL), ADMIT_RUN);
	ck_assert_int_eq(waiting(a), 0);
	admit_leave(a, "A");
	admit_leave(a, "B");
	admit_free(a);
}
END_TEST

START_TEST(past_the_limit_a_request_waits_for_a_place)
{
	struct admit	*a = admit_new(1, 4, 5000);
	struct arrival	 x;

	ck_assert_int_eq(admit_enter(a, "A", NULL), ADMIT_RUN);
	arrive(&x, a, "B");
	usleep(20000);
	ck_assert_msg(!is_done(&x), "ran beyond the limit");
	admit_leave(a, "A");
	ck_assert_int_eq(verdict(&x), ADMIT_RUN);
	admit_leave(a, "B");
	admit_free(a);
}
END_TEST

START_TEST(a_request_waits_no_longer_than_the_wait)
{
	struct admit	*a = admit_new(1, 4, 100);
	unsigned	 waited;

	ck_assert_int_eq(admit_enter(a, "A", NULL), ADMIT_RUN);
	ck_assert_int_eq(admit_enter(a, "B", &waited), ADMIT_TIMEOUT);
	ck_assert_msg(waited >= 90 && waited < 1000, "waited %u ms", waited);
	ck_assert_int_eq(waiting(a), 0);
	admit_leave(a, "A");
	admit_free(a);
}
END_TEST

START_TEST(a_full_queue_turns_the_same_client_away_at_once)
{
	struct admit	*a = admit_new(1, 1, 5000);
	struct arrival	 x;
	unsigned	 waited;

	ck_assert_int_eq(admit_enter(a, "A", NULL), ADMIT_RUN);
	arrive(&x, a, "A");
	ck_assert_int_eq(admit_enter(a, "A", &waited), ADMIT_FULL);
	ck_assert_uint_eq(waited, 0);
	admit_leave(a, "A");
	ck_assert_int_eq(verdict(&x), ADMIT_RUN);
	admit_leave(a, "A");
	admit_free(a);
}
END_TEST

START_TEST(a_newcomer_pushes_out_the_greedy_clients_newest)
{
	struct admit	*a = admit_new(1, 2, 5000);
	struct arrival	 old, young, other;

	ck_assert_int_eq(admit_enter(a, "A", NULL), ADMIT_RUN);
	arrive(&old, a, "A");
	arrive(&young, a, "A");
	/* the queue is full: B's request takes young's place */
	arrive_thread_start(&other, a, "B");
	ck_assert_int_eq(verdict(&young), ADMIT_PUSHED_OUT);
	ck_assert_int_eq(waiting(a), 2);
	ck_assert_msg(!is_done(&old), "the older request left too");
	admit_leave(a, "A");
	ck_assert_int_eq(verdict(&old), ADMIT_RUN);
	admit_leave(a, "A");
	ck_assert_int_eq(verdict(&other), ADMIT_RUN);
	admit_leave(a, "B");
	admit_free(a);
}
END_TEST

START_TEST(pushing_out_never_goes_back_and_forth)
{
	struct admit	*a = admit_new(1, 2, 5000);
	struct arrival	 x, y;

	ck_assert_int_eq(admit_enter(a, "A", NULL), ADMIT_RUN);
	arrive(&x, a, "A");
	arrive(&y, a, "B");
	/* one each waiting: C has no better claim than A or B */
	ck_assert_int_eq(admit_enter(a, "C", NULL), ADMIT_FULL);
	admit_leave(a, "A");
	ck_assert_int_eq(verdict(&x), ADMIT_RUN);
	admit_leave(a, "A");
	ck_assert_int_eq(verdict(&y), ADMIT_RUN);
	admit_leave(a, "B");
	admit_free(a);
}
END_TEST

START_TEST(a_freed_place_goes_to_the_client_with_fewest_running)
{
	struct admit	*a = admit_new(2, 8, 5000);
	struct arrival	 greedy, other;

	ck_assert_int_eq(admit_enter(a, "A", NULL), ADMIT_RUN);
	ck_assert_int_eq(admit_enter(a, "A", NULL), ADMIT_RUN);
	arrive(&greedy, a, "A");
	arrive(&other, a, "B");
	admit_leave(a, "A");		/* A still runs one, B none */
	ck_assert_int_eq(verdict(&other), ADMIT_RUN);
	ck_assert_msg(!is_done(&greedy), "the earlier arrival of the "
	    "client with a request running went first");
	admit_leave(a, "B");
	ck_assert_int_eq(verdict(&greedy), ADMIT_RUN);
	admit_leave(a, "A");
	admit_leave(a, "A");
	admit_free(a);
}
END_TEST

START_TEST(among_equals_the_earliest_goes_first)
{
	struct admit	*a = admit_new(1, 8, 5000);
	struct arrival	 first, second;

	ck_assert_int_eq(admit_enter(a, "A", NULL), ADMIT_RUN);
	arrive(&first, a, "B");
	arrive(&second, a, "C");
	admit_leave(a, "A");
	ck_assert_int_eq(verdict(&first), ADMIT_RUN);
	ck_assert_msg(!is_done(&second), "two ran beyond a limit of one");
	admit_leave(a, "B");
	ck_assert_int_eq(verdict(&second), ADMIT_RUN);
	admit_leave(a, "C");
	admit_free(a);
}
END_TEST

/* pool.c's starts: about two per CPU for the whole server */
START_TEST(more_workers_than_cpus_start_one_each)
{
	/* -c 4 on 2 CPUs: 4 at a time in all, as fcgiwrap -c 4 runs */
	ck_assert_int_eq(admit_starts(2, 4), 1);
	ck_assert_int_eq(admit_starts(2, 8), 1);
}
END_TEST

START_TEST(as_many_workers_as_cpus_start_two_per_cpu_in_all)
{
	ck_assert_int_eq(admit_starts(2, 2), 2);
	ck_assert_int_eq(admit_starts(8, 8), 2);
	ck_assert_int_eq(admit_starts(16, 4), 8);
}
END_TEST

START_TEST(one_worker_starts_at_most_one_per_cpu)
{
	ck_assert_int_eq(admit_starts(2, 1), 2);
	ck_assert_int_eq(admit_starts(1, 1), 1);
	ck_assert_int_eq(admit_starts(0, 0), 1);
	ck_assert_int_eq(admit_starts(1000, 1), 64);
}
END_TEST

static Suite *
admit_suite(void)
{
	Suite	*s = suite_create("admit");
	TCase	*tc;

	tc = tcase_create("limit");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, runs_up_to_the_limit_without_waiting);
	tcase_add_test(tc, past_the_limit_a_request_waits_for_a_place);
	tcase_add_test(tc, a_request_waits_no_longer_than_the_wait);
	tcase_add_test(tc, a_full_queue_turns_the_same_client_away_at_once);
	suite_add_tcase(s, tc);

	tc = tcase_create("starts");
	tcase_add_test(tc, more_workers_than_cpus_start_one_each);
	tcase_add_test(tc, as_many_workers_as_cpus_start_two_per_cpu_in_all);
	tcase_add_test(tc, one_worker_starts_at_most_one_per_cpu);
	suite_add_tcase(s, tc);

	tc = tcase_create("fair");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, a_newcomer_pushes_out_the_greedy_clients_newest);
	tcase_add_test(tc, pushing_out_never_goes_back_and_forth);
	tcase_add_test(tc, a_freed_place_goes_to_the_client_with_fewest_running);
	tcase_add_test(tc, among_equals_the_earliest_goes_first);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(admit_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
