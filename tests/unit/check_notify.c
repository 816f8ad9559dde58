/*
 * Unit tests for notify_decide(): what the worker answers a seccomp
 * notification and what it writes down, for each kind of call, in
 * enforce and complain mode.  The Landlock questions are stubs here.
 */
#include <sys/syscall.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "filter.h"
#include "notify.h"
#include "profile.h"

static int	stub_exec = 1, stub_write = 1, stub_read = 1;
static char	stub_canon[64] = "";

static int
may_exec(const struct jail *j, const struct profile *p, pid_t pid,
    const char *script, const char *interp, const char *path, char *canon,
    size_t csz)
{
	(void)j; (void)p; (void)pid; (void)script; (void)interp;
	snprintf(canon, csz, "%s", stub_canon[0] ? stub_canon : path);
	return stub_exec;
}

static int
may_write(const struct jail *j, const struct profile *p, const char *dir,
    const char *path)
{
	(void)j; (void)p; (void)dir; (void)path;
	return stub_write;
}

static int
may_read(const struct jail *j, const struct profile *p, const char *dir,
    const char *script, const char *interp, const char *path)
{
	(void)j; (void)p; (void)dir; (void)script; (void)interp; (void)path;
	return stub_read;
}

static const struct notify_checks	ck = {
	NULL, may_exec, may_write, may_read
};

static struct profile
profile(enum profile_mode mode, int deny_errno)
{
	struct profile	p;

	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "test");
	p.mode = mode;
	p.deny_errno = deny_errno;
	return p;
}

static struct filter_event
call(int nr, const char *name, const char *path)
{
	struct filter_event	fe;

	memset(&fe, 0, sizeof(fe));
	fe.id = 1;
	fe.pid = 100;
	fe.nr = nr;
	snprintf(fe.name, sizeof(fe.name), "%s", name);
	snprintf(fe.args, sizeof(fe.args), "AF_INET,SOCK_STREAM");
	snprintf(fe.path, sizeof(fe.path), "%s", path);
	return fe;
}

/* The value of key in ev, or NULL. */
static const char *
kv(const struct audit_event *ev, const char *key)
{
	size_t	i;

	for (i = 0; i < ev->nkv; i++)
		if (strcmp(ev->keys[i], key) == 0)
			return ev->vals[i];
	return NULL;
}

static void
setup(void)
{
	stub_exec = stub_write = stub_read = 1;
	stub_canon[0] = '\0';
}

START_TEST(enforce_answers_a_denied_call_with_the_profiles_errno)
{
	struct profile		p = profile(MODE_ENFORCE, EACCES);
	struct filter_event	fe = call(__NR_socket, "socket", "");
	struct notify_who	who = { 1, "/d", "/d/s", NULL, 0 };
	struct notify_verdict	v;

	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert_int_eq(v.answer, EACCES);
	ck_assert(v.record);
	ck_assert_str_eq(v.ev.event, "syscall_blocked");
	ck_assert_str_eq(kv(&v.ev, "syscall"), "socket");
	ck_assert_str_eq(kv(&v.ev, "action"), "errno");
	ck_assert(v.blocked);
}
END_TEST

START_TEST(enforce_never_answers_zero_even_with_no_errno_set)
{
	struct profile		p = profile(MODE_ENFORCE, 0);
	struct filter_event	fe = call(__NR_mount, "mount", "");
	struct notify_who	who = { 0 };
	struct notify_verdict	v;

	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert_int_eq(v.answer, EPERM);
	p.deny_errno = 5000;	/* not an errno: no CONTINUE either */
	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert_int_eq(v.answer, EPERM);
}
END_TEST

START_TEST(complain_lets_a_denied_call_run_and_records_it)
{
	struct profile		p = profile(MODE_COMPLAIN, EPERM);
	struct filter_event	fe = call(__NR_mount, "mount", "");
	struct notify_who	who = { 1, "/d", "/d/s", NULL, 0 };
	struct notify_verdict	v;

	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert_int_eq(v.answer, 0);
	ck_assert(v.record);
	ck_assert_str_eq(kv(&v.ev, "action"), "complain");
	ck_assert_msg(!v.blocked && !v.tarpit && !v.kill,
	    "complain mode counted a call it let run");
}
END_TEST

START_TEST(an_allowed_execve_is_left_to_landlock_unrecorded)
{
	struct profile		p = profile(MODE_ENFORCE, EPERM);
	struct filter_event	fe = call(__NR_execve, "execve", "/bin/ok");
	struct notify_who	who = { 1, "/d", "/d/s", NULL, 0 };
	struct notify_verdict	v;

	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert_int_eq(v.answer, 0);
	ck_assert(!v.record);
	ck_assert(!v.blocked);
}
END_TEST

START_TEST(a_refused_execve_is_eacces_with_path_and_resolved)
{
	struct profile		p = profile(MODE_ENFORCE, EPERM);
	struct filter_event	fe = call(__NR_execve, "execve", "/tmp/x");
	struct notify_who	who = { 1, "/d", "/d/s", NULL, 0 };
	struct notify_verdict	v;

	stub_exec = 0;
	snprintf(stub_canon, sizeof(stub_canon), "/real/x");
	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert_int_eq(v.answer, EACCES);
	ck_assert_str_eq(v.ev.event, "exec_denied");
	ck_assert_str_eq(kv(&v.ev, "path"), "/tmp/x");
	ck_assert_str_eq(kv(&v.ev, "resolved"), "/real/x");
	ck_assert_ptr_null(kv(&v.ev, "mode"));
}
END_TEST

START_TEST(a_refused_execve_runs_in_complain_mode_and_says_so)
{
	struct profile		p = profile(MODE_COMPLAIN, EPERM);
	struct filter_event	fe = call(__NR_execve, "execve", "/tmp/x");
	struct notify_who	who = { 1, "/d", "/d/s", NULL, 0 };
	struct notify_verdict	v;

	stub_exec = 0;
	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert_int_eq(v.answer, 0);
	ck_assert_str_eq(v.ev.event, "exec_denied");
	ck_assert_str_eq(kv(&v.ev, "mode"), "complain");
	ck_assert_ptr_null(kv(&v.ev, "resolved"));
}
END_TEST

START_TEST(complain_records_a_write_landlock_would_refuse)
{
	struct profile		p = profile(MODE_COMPLAIN, EPERM);
	struct filter_event	fe = call(__NR_openat, "openat", "/etc/x");
	struct notify_who	who = { 1, "/d", "/d/s", NULL, 0 };
	struct notify_verdict	v;

	fe.open_flags = O_WRONLY | O_CREAT;
	stub_write = 0;
	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert_int_eq(v.answer, 0);
	ck_assert_str_eq(v.ev.event, "write_denied");
	ck_assert_str_eq(kv(&v.ev, "path"), "/etc/x");
	stub_write = 1;
	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert_msg(!v.record, "a write Landlock allows was recorded");
}
END_TEST

START_TEST(complain_records_a_read_outside_the_read_view)
{
	struct profile		p = profile(MODE_COMPLAIN, EPERM);
	struct filter_event	fe = call(__NR_openat, "openat", "/srv/x");
	struct notify_who	who = { 1, "/d", "/d/s", NULL, 0 };
	struct notify_verdict	v;

	fe.open_flags = O_RDONLY;
	stub_read = 0;
	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert_int_eq(v.answer, 0);
	ck_assert_str_eq(v.ev.event, "read_denied");
	ck_assert_str_eq(kv(&v.ev, "path"), "/srv/x");
	ck_assert_str_eq(kv(&v.ev, "mode"), "complain");
	stub_read = 1;
	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert_msg(!v.record, "a read inside the view was recorded");
}
END_TEST

START_TEST(an_execve_of_nothing_is_answered_with_the_kernels_errno)
{
	struct profile		p = profile(MODE_ENFORCE, EPERM);
	struct filter_event	fe = call(__NR_execve, "execve", "/nope");
	struct notify_who	who = { 1, "/d", "/d/s", NULL, 0 };
	struct notify_verdict	v;

	/* never 0: a path swapped in after the check must not run */
	stub_exec = -ENOENT;
	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert_int_eq(v.answer, ENOENT);
	ck_assert_msg(!v.record, "a path that names nothing was recorded");
}
END_TEST

START_TEST(complain_records_a_connect_with_its_address)
{
	struct profile		p = profile(MODE_COMPLAIN, EPERM);
	struct filter_event	fe = call(__NR_connect, "connect", "");
	struct notify_who	who = { 1, "/d", "/d/s", NULL, 0 };
	struct notify_verdict	v;

	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert_int_eq(v.answer, 0);
	ck_assert_str_eq(v.ev.event, "connect_denied");
	ck_assert_str_eq(kv(&v.ev, "address"), "AF_INET,SOCK_STREAM");
}
END_TEST

START_TEST(a_script_past_the_event_budget_is_tarpitted)
{
	struct profile		p = profile(MODE_ENFORCE, EPERM);
	struct filter_event	fe = call(__NR_socket, "socket", "");
	struct notify_who	who = { 1, "/d", "/d/s", NULL, 0 };
	struct notify_verdict	v;

	who.nblocked = AUDIT_EVENTS_PER_REQUEST - 1;
	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert_msg(!v.tarpit, "the last recorded call was tarpitted");
	who.nblocked = AUDIT_EVENTS_PER_REQUEST;
	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert(v.tarpit);
	ck_assert(!v.kill);
}
END_TEST

START_TEST(a_script_at_the_blocked_limit_is_killed_once)
{
	struct profile		p = profile(MODE_ENFORCE, EPERM);
	struct filter_event	fe = call(__NR_socket, "socket", "");
	struct notify_who	who = { 1, "/d", "/d/s", NULL, 0 };
	struct notify_verdict	v;

	who.nblocked = NOTIFY_BLOCKED_MAX - 1;
	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert(v.kill);
	who.nblocked = NOTIFY_BLOCKED_MAX;
	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert_msg(!v.kill, "the kill was asked again");
	ck_assert_int_eq(v.answer, EPERM);
}
END_TEST

START_TEST(a_call_of_no_known_request_is_recorded_never_counted)
{
	struct profile		p = profile(MODE_ENFORCE, EPERM);
	struct filter_event	fe = call(__NR_socket, "socket", "");
	struct notify_who	who = { 0 };
	struct notify_verdict	v;

	notify_decide(&p, &fe, &who, &ck, &v);
	ck_assert_int_eq(v.answer, EPERM);
	ck_assert(v.record);
	ck_assert(!v.blocked && !v.tarpit && !v.kill);
}
END_TEST

static Suite *
notify_suite(void)
{
	Suite	*s = suite_create("notify");
	TCase	*tc;

	tc = tcase_create("decide");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc,
	    enforce_answers_a_denied_call_with_the_profiles_errno);
	tcase_add_test(tc, enforce_never_answers_zero_even_with_no_errno_set);
	tcase_add_test(tc, complain_lets_a_denied_call_run_and_records_it);
	tcase_add_test(tc, an_allowed_execve_is_left_to_landlock_unrecorded);
	tcase_add_test(tc, a_refused_execve_is_eacces_with_path_and_resolved);
	tcase_add_test(tc, a_refused_execve_runs_in_complain_mode_and_says_so);
	tcase_add_test(tc, complain_records_a_write_landlock_would_refuse);
	tcase_add_test(tc, complain_records_a_read_outside_the_read_view);
	tcase_add_test(tc, an_execve_of_nothing_is_answered_with_the_kernels_errno);
	tcase_add_test(tc, complain_records_a_connect_with_its_address);
	tcase_add_test(tc, a_script_past_the_event_budget_is_tarpitted);
	tcase_add_test(tc, a_script_at_the_blocked_limit_is_killed_once);
	tcase_add_test(tc,
	    a_call_of_no_known_request_is_recorded_never_counted);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(notify_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
