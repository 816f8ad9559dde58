/*
 * Unit tests for util.c: one meaning of "under a directory", string
 * lists that copy, numbers that fit.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

START_TEST(root_contains_every_absolute_path)
{
	ck_assert_msg(path_under("/etc/passwd", "/"),
	    "/etc/passwd is not under /");
	ck_assert_msg(path_under("/", "/"), "/ is not under itself");
}
END_TEST

START_TEST(root_does_not_contain_a_relative_path)
{
	ck_assert_msg(!path_under("etc/passwd", "/"),
	    "a relative path counts as under /");
}
END_TEST

START_TEST(directory_contains_itself_and_what_is_beneath)
{
	ck_assert(path_under("/srv/data", "/srv/data"));
	ck_assert(path_under("/srv/data/x/y", "/srv/data"));
}
END_TEST

START_TEST(sibling_with_the_same_prefix_is_not_beneath)
{
	ck_assert_msg(!path_under("/srv/database", "/srv/data"),
	    "/srv/database counts as under /srv/data");
	ck_assert(!path_under("/srv", "/srv/data"));
}
END_TEST

START_TEST(trailing_slash_on_the_directory_is_ignored)
{
	ck_assert(path_under("/srv/data/x", "/srv/data/"));
	ck_assert(path_under("/srv/data", "/srv/data/"));
	ck_assert(!path_under("/srv/datax", "/srv/data/"));
}
END_TEST

START_TEST(join_keeps_absolute_paths_and_joins_relative_ones)
{
	char	buf[64];

	ck_assert_str_eq(path_join("/srv", "/etc/x", buf, sizeof(buf)),
	    "/etc/x");
	ck_assert_str_eq(path_join("/srv", "x", buf, sizeof(buf)), "/srv/x");
	ck_assert_str_eq(path_join("/", "x", buf, sizeof(buf)), "/x");
	ck_assert_str_eq(path_join(NULL, "x", buf, sizeof(buf)), "x");
}
END_TEST

START_TEST(strlist_add_keeps_a_copy)
{
	struct strlist	 l = { NULL, 0 };
	char		 s[] = "one";

	ck_assert_int_eq(strlist_add(&l, s), 0);
	s[0] = 'X';
	ck_assert_str_eq(l.v[0], "one");
	ck_assert_ptr_null(l.v[1]);
	ck_assert(strlist_has(&l, "one"));
	ck_assert(!strlist_has(&l, "Xne"));
	strlist_free(&l);
	ck_assert_ptr_null(l.v);
	ck_assert_uint_eq(l.n, 0);
}
END_TEST

START_TEST(parse_uint_takes_the_whole_string_up_to_max)
{
	unsigned long long	v = 7;

	ck_assert_int_eq(parse_uint("65535", 65535, &v), 0);
	ck_assert_uint_eq(v, 65535);
	ck_assert_int_eq(parse_uint("65536", 65535, &v), -1);
	ck_assert_int_eq(parse_uint("12x", 65535, &v), -1);
	ck_assert_int_eq(parse_uint("", 65535, &v), -1);
	ck_assert_int_eq(parse_uint("-1", 65535, &v), -1);
	ck_assert_int_eq(parse_uint("+1", 65535, &v), -1);
	ck_assert_int_eq(parse_uint(" 1", 65535, &v), -1);
	ck_assert_uint_eq(v, 65535);
}
END_TEST

START_TEST(parse_number_stops_after_the_digits)
{
	unsigned long long	 v;
	const char		*end;

	ck_assert_int_eq(parse_number("64K", &v, &end), 0);
	ck_assert_uint_eq(v, 64);
	ck_assert_str_eq(end, "K");
	ck_assert_int_eq(parse_number("99999999999999999999999", &v, &end),
	    -1);
}
END_TEST

static Suite *
util_suite(void)
{
	Suite	*s = suite_create("util");
	TCase	*tc;

	tc = tcase_create("path");
	tcase_add_test(tc, root_contains_every_absolute_path);
	tcase_add_test(tc, root_does_not_contain_a_relative_path);
	tcase_add_test(tc, directory_contains_itself_and_what_is_beneath);
	tcase_add_test(tc, sibling_with_the_same_prefix_is_not_beneath);
	tcase_add_test(tc, trailing_slash_on_the_directory_is_ignored);
	tcase_add_test(tc, join_keeps_absolute_paths_and_joins_relative_ones);
	suite_add_tcase(s, tc);
	tc = tcase_create("strlist");
	tcase_add_test(tc, strlist_add_keeps_a_copy);
	suite_add_tcase(s, tc);
	tc = tcase_create("number");
	tcase_add_test(tc, parse_uint_takes_the_whole_string_up_to_max);
	tcase_add_test(tc, parse_number_stops_after_the_digits);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(util_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
