/*
 * Unit tests for check_shell_commands(): the programs a shell script
 * names, as safecgi --check reads them to point at a policy gap.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scriptcheck.h"

/* The names found in text, space-separated, each with its line. */
static const char *
commands(const char *text)
{
	static char	out[1024];
	char		names[32][64];
	unsigned	lines[32];
	size_t		n, i, o = 0;

	n = check_shell_commands(text, strlen(text), names, lines, 32);
	out[0] = '\0';
	for (i = 0; i < n && o < sizeof(out); i++)
		o += snprintf(out + o, sizeof(out) - o, "%s%s:%u",
		    i ? " " : "", names[i], lines[i]);
	return out;
}

START_TEST(first_word_of_each_command_after_separators)
{
	ck_assert_str_eq(commands("#!/bin/sh\ndate; id | awk '{print}' && "
	    "sed x || sleep 1 & wc\n"),
	    "date:2 id:2 awk:2 sed:2 sleep:2 wc:2");
}
END_TEST

START_TEST(command_substitutions_are_commands)
{
	ck_assert_str_eq(commands("x=$(hostname)\ny=`uname -s`\n"
	    "echo \"today $(date +%F)\"\n"),
	    "hostname:1 uname:2 date:3");
}
END_TEST

START_TEST(builtins_keywords_and_assignments_are_not_programs)
{
	ck_assert_str_eq(commands("if test -n \"$x\"; then\n  LANG=C sort f\n"
	    "else echo no; fi\nfor i in a b; do printf x; done\n"
	    "while read l; do cut -c1; done\n"),
	    "sort:2 cut:5");
}
END_TEST

START_TEST(arguments_comments_and_strings_are_not_programs)
{
	ck_assert_str_eq(commands("# wget here is a comment\n"
	    "echo 'curl http://x; nc -l' \"wget\" >&2\ngrep -c wget f\n"),
	    "grep:3");
}
END_TEST

START_TEST(here_documents_are_skipped)
{
	ck_assert_str_eq(commands("cat <<EOF\nwget x\ncurl y\nEOF\ntr a b\n"
	    "cat <<-'END'\n\tnc\n\tEND\nhead\n"),
	    "cat:1 tr:5 head:9");
}
END_TEST

START_TEST(case_patterns_and_functions_are_not_programs)
{
	ck_assert_str_eq(commands("log() { logger \"$@\"; }\n"
	    "case $1 in\n  start) gzip f ;;\n  *) exit 1 ;;\nesac\nlog x\n"),
	    "logger:1 gzip:3 log:6");
}
END_TEST

START_TEST(each_program_once_at_its_first_line)
{
	ck_assert_str_eq(commands("date\ndate\n/usr/bin/id\nid\n"),
	    "date:1 /usr/bin/id:3 id:4");
}
END_TEST

static Suite *
scripts_suite(void)
{
	Suite	*s = suite_create("check_scripts");
	TCase	*tc = tcase_create("shell");

	tcase_add_test(tc, first_word_of_each_command_after_separators);
	tcase_add_test(tc, command_substitutions_are_commands);
	tcase_add_test(tc, builtins_keywords_and_assignments_are_not_programs);
	tcase_add_test(tc, arguments_comments_and_strings_are_not_programs);
	tcase_add_test(tc, here_documents_are_skipped);
	tcase_add_test(tc, case_patterns_and_functions_are_not_programs);
	tcase_add_test(tc, each_program_once_at_its_first_line);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(scripts_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
