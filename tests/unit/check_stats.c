/*
 * Unit tests for stats.c: counters summed over worker slots, gauges
 * cleared with their worker, the format a query asks for, and output a
 * parser accepts.  Check forks each test: each starts with no map.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "stats.h"

static void
map_with(const char *name)
{
	struct profile_set	ps;

	ck_assert_int_eq(stats_open(), 0);
	ps.n = 1;
	ps.v = calloc(1, sizeof(*ps.v));
	ck_assert_ptr_nonnull(ps.v);
	snprintf(ps.v[0].name, sizeof(ps.v[0].name), "%s", name);
	stats_profiles(&ps);
	free(ps.v);
}

static const struct stats_pair *
pair(const struct stats_snapshot *s, const char *profile, int status)
{
	size_t	i;

	for (i = 0; i < s->npairs; i++)
		if (strcmp(s->pairs[i].profile, profile) == 0 &&
		    s->pairs[i].status == status)
			return &s->pairs[i];
	return NULL;
}

/* stats_write's output as a string */
static char *
written(const struct stats_snapshot *s, enum stats_format fmt)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(stats_write(s, fmt, f), 0);
	fclose(f);
	return buf;
}

START_TEST(requests_of_two_slots_add_up_to_one_pair)
{
	struct stats_snapshot		*s;
	const struct stats_pair		*p;

	map_with("cgit");
	stats_attach(0);
	stats_request_end("cgit", 200);
	stats_attach(1);
	stats_request_end("cgit", 200);
	stats_request_end("cgit", 404);
	s = stats_snapshot();
	p = pair(s, "cgit", 200);
	ck_assert_msg(p != NULL && p->n == 2,
	    "cgit/200 from two slots is not one pair of 2");
	ck_assert_msg(s->npairs == 2, "%zu pairs, want cgit/200 and cgit/404",
	    s->npairs);
	stats_snapshot_free(s);
}
END_TEST

START_TEST(a_request_without_profile_counts_under_dash)
{
	struct stats_snapshot	*s;

	map_with("cgit");
	stats_attach(0);
	stats_request_end(NULL, 404);
	s = stats_snapshot();
	ck_assert_msg(pair(s, "-", 404) != NULL, "no -/404 pair");
	stats_snapshot_free(s);
}
END_TEST

START_TEST(an_unknown_profile_and_status_count_as_other)
{
	struct stats_snapshot	*s;

	map_with("cgit");
	stats_attach(0);
	stats_request_end("never-loaded", 200);
	stats_request_end("cgit", 42);
	s = stats_snapshot();
	ck_assert_msg(pair(s, "other", 200) != NULL, "no other/200 pair");
	ck_assert_msg(pair(s, "cgit", 0) != NULL, "no cgit/other pair");
	stats_snapshot_free(s);
}
END_TEST

START_TEST(an_unknown_limit_kind_counts_as_other)
{
	struct stats_snapshot	*s;

	map_with("cgit");
	stats_attach(3);
	stats_limit_hit("timeout");
	stats_limit_hit("no-such-kind");
	s = stats_snapshot();
	ck_assert_uint_eq(s->limit[2], 1);		/* timeout */
	ck_assert_uint_eq(s->limit[STATS_NLIMITS - 1], 1);	/* other */
	stats_snapshot_free(s);
}
END_TEST

START_TEST(a_slot_number_past_the_map_shares_a_slot)
{
	struct stats_snapshot	*s;

	map_with("cgit");
	stats_attach(STATS_SLOTS + 5);
	stats_count(STATS_DENIED_EXECS);
	stats_attach(5);
	stats_count(STATS_DENIED_EXECS);
	s = stats_snapshot();
	ck_assert_uint_eq(s->counter[STATS_DENIED_EXECS], 2);
	stats_snapshot_free(s);
}
END_TEST

START_TEST(a_reaped_worker_leaves_no_active_request)
{
	struct stats_snapshot	*s;

	map_with("cgit");
	stats_worker_forking();
	stats_gauge(STATS_ACTIVE, 1);	/* as the child would */
	stats_worker_forked(4242);
	s = stats_snapshot();
	ck_assert_int_eq(s->gauge[STATS_ACTIVE], 1);
	stats_snapshot_free(s);
	stats_worker_gone(4242);
	stats_worker_restart();
	s = stats_snapshot();
	ck_assert_int_eq(s->gauge[STATS_ACTIVE], 0);
	ck_assert_uint_eq(s->restarts, 1);
	stats_snapshot_free(s);
}
END_TEST

START_TEST(nothing_counts_without_a_map)
{
	struct stats_snapshot	*s;

	stats_attach(0);
	stats_count(STATS_BLOCKED_CALLS);
	stats_request_end("cgit", 200);
	s = stats_snapshot();
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->counter[STATS_BLOCKED_CALLS], 0);
	ck_assert_uint_eq(s->npairs, 0);
	stats_snapshot_free(s);
}
END_TEST

START_TEST(the_query_names_the_format)
{
	ck_assert_int_eq(stats_format_of(NULL), STATS_TEXT);
	ck_assert_int_eq(stats_format_of(""), STATS_TEXT);
	ck_assert_int_eq(stats_format_of("json"), STATS_JSON);
	ck_assert_int_eq(stats_format_of("openmetrics"), STATS_OPENMETRICS);
	ck_assert_int_eq(stats_format_of("openmetrics="), STATS_OPENMETRICS);
	ck_assert_int_eq(stats_format_of("a=json&json"), STATS_JSON);
	ck_assert_int_eq(stats_format_of("jsonx&xopenmetrics"), STATS_TEXT);
}
END_TEST

START_TEST(the_page_is_its_exact_path_and_only_when_set)
{
	ck_assert(!stats_page_wanted(NULL, "/safecgi-status"));
	ck_assert(!stats_page_wanted("/safecgi-status", NULL));
	ck_assert(stats_page_wanted("/safecgi-status", "/safecgi-status"));
	ck_assert(!stats_page_wanted("/safecgi-status",
	    "/safecgi-status/x"));
	ck_assert(!stats_page_wanted("/safecgi-status", "/safecgi-statu"));
}
END_TEST

START_TEST(openmetrics_ends_with_eof_and_escapes_labels)
{
	struct stats_snapshot	*s;
	char			*out;

	map_with("a\"b\\c");
	stats_attach(0);
	stats_request_end("a\"b\\c", 200);
	s = stats_snapshot();
	out = written(s, STATS_OPENMETRICS);
	ck_assert_msg(strstr(out, "safecgi_requests_total{profile=\"a\\\"b"
	    "\\\\c\",status=\"200\"} 1\n") != NULL, "label not escaped:\n%s",
	    out);
	ck_assert_msg(strcmp(out + strlen(out) - 6, "# EOF\n") == 0,
	    "does not end with # EOF");
	ck_assert_msg(strstr(out, "# TYPE safecgi_requests counter\n") != NULL,
	    "counter family named with _total");
	free(out);
	stats_snapshot_free(s);
}
END_TEST

START_TEST(json_escapes_the_profile)
{
	struct stats_snapshot	*s;
	char			*out;

	map_with("a\"b");
	stats_attach(0);
	stats_request_end("a\"b", 500);
	s = stats_snapshot();
	out = written(s, STATS_JSON);
	ck_assert_msg(strstr(out, "{\"profile\":\"a\\\"b\",\"status\":500,"
	    "\"count\":1}") != NULL, "json:\n%s", out);
	free(out);
	stats_snapshot_free(s);
}
END_TEST

static Suite *
stats_suite(void)
{
	Suite	*s = suite_create("stats");
	TCase	*tc;

	tc = tcase_create("counters");
	tcase_add_test(tc, requests_of_two_slots_add_up_to_one_pair);
	tcase_add_test(tc, a_request_without_profile_counts_under_dash);
	tcase_add_test(tc, an_unknown_profile_and_status_count_as_other);
	tcase_add_test(tc, an_unknown_limit_kind_counts_as_other);
	tcase_add_test(tc, a_slot_number_past_the_map_shares_a_slot);
	tcase_add_test(tc, a_reaped_worker_leaves_no_active_request);
	tcase_add_test(tc, nothing_counts_without_a_map);
	suite_add_tcase(s, tc);
	tc = tcase_create("page");
	tcase_add_test(tc, the_query_names_the_format);
	tcase_add_test(tc, the_page_is_its_exact_path_and_only_when_set);
	tcase_add_test(tc, openmetrics_ends_with_eof_and_escapes_labels);
	tcase_add_test(tc, json_escapes_the_profile);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(stats_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
