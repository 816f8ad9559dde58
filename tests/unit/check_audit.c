/* Unit tests for audit.c formatting: what reaches a log is always safe. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"

/* A string is valid UTF-8 without control bytes. */
static int
clean_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n;

	while (*p) {
		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if (*p < 0x80) {
			p++;
			continue;
		}
		n = (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
		    (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0)
			return 0;
		for (p++; n > 0; n--, p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

START_TEST(test_json_escape_quotes_and_backslashes)
{
	char	out[64];

	json_escape("a\"b\\c", 5, out, sizeof(out));
	ck_assert_str_eq(out, "a\\\"b\\\\c");
}
END_TEST

START_TEST(test_json_escape_control_bytes)
{
	char	out[64];

	json_escape("a\nb\033c\x7f", 6, out, sizeof(out));
	ck_assert_str_eq(out, "a\\nb\\u001bc\\u007f");
}
END_TEST

START_TEST(test_json_escape_invalid_utf8_becomes_escapes)
{
	char	out[64];

	json_escape("\xff\xc3(", 3, out, sizeof(out));
	ck_assert_str_eq(out, "\\u00ff\\u00c3(");
	ck_assert(clean_utf8(out));
}
END_TEST

START_TEST(test_json_escape_keeps_valid_utf8)
{
	char	out[64];

	json_escape("Grüße 日本", strlen("Grüße 日本"), out, sizeof(out));
	ck_assert_str_eq(out, "Grüße 日本");
}
END_TEST

START_TEST(test_json_escape_never_overflows)
{
	char	out[8];

	json_escape("\n\n\n\n\n\n\n\n", 8, out, sizeof(out));
	ck_assert(strlen(out) < sizeof(out));
}
END_TEST

START_TEST(test_event_json_has_the_stable_fields)
{
	struct audit_req	r = { 7, "203.0.113.7", "GET", "/cgi-bin/x?a",
	    "/usr/lib/cgi-bin/x.cgi", "default", 100, 101 };
	struct audit_event	ev = { 0 };
	struct timespec		ts = { 1700000000, 123000000 };
	char			out[2048];

	ev.event = "syscall_blocked";
	ev.req = &r;
	audit_kv(&ev, "syscall", "socket");
	audit_format_json(&ev, "100-7", &ts, out, sizeof(out));
	ck_assert_ptr_nonnull(strstr(out, "\"event\":\"syscall_blocked\""));
	ck_assert_ptr_nonnull(strstr(out, "\"request_id\":\"100-7\""));
	ck_assert_ptr_nonnull(strstr(out, "\"client\":\"203.0.113.7\""));
	ck_assert_ptr_nonnull(strstr(out, "\"script\":\"/usr/lib/cgi-bin/x.cgi\""));
	ck_assert_ptr_nonnull(strstr(out, "\"worker_pid\":100"));
	ck_assert_ptr_nonnull(strstr(out, "\"script_pid\":101"));
	ck_assert_ptr_nonnull(strstr(out, "\"syscall\":\"socket\""));
	ck_assert_ptr_nonnull(strstr(out, ".123"));
	ck_assert_int_eq(out[0], '{');
	ck_assert_int_eq(out[strlen(out) - 1], '}');
}
END_TEST

/* The startup event: ten keys with socket activation and a missing
 * layer; the last ("missing", "scheduling") must not fall off. */
START_TEST(test_an_event_keeps_the_startup_events_eleven_keys)
{
	static const char	*k[] = { "version", "socket", "socket_names",
	    "profiles", "landlock_abi", "layers", "rootless", "cgroup",
	    "missing", "scheduling", "spare" };
	struct audit_event	ev = { 0 };
	struct timespec		ts = { 1700000000, 0 };
	char			out[2048], want[64];
	size_t			i;

	ev.event = "startup";
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		audit_kv(&ev, k[i], "v");
	ck_assert_uint_eq(ev.nkv, sizeof(k) / sizeof(k[0]));
	audit_format_json(&ev, NULL, &ts, out, sizeof(out));
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		snprintf(want, sizeof(want), "\"%s\":\"v\"", k[i]);
		ck_assert_msg(strstr(out, want) != NULL, "%s missing: %s",
		    k[i], out);
	}
}
END_TEST

START_TEST(test_hostile_uri_cannot_break_the_json_line)
{
	struct audit_req	r = { 1, "1.2.3.4", "GET",
	    "/x\n{\"event\":\"forged\"}\r\xff", "/s", "p", 1, 0 };
	struct audit_event	ev = { 0 };
	struct timespec		ts = { 0, 0 };
	char			out[2048];

	ev.event = "request_refused";
	ev.req = &r;
	audit_format_json(&ev, "1-1", &ts, out, sizeof(out));
	ck_assert(clean_utf8(out));
	ck_assert_ptr_null(strstr(out, "\"event\":\"forged\""));
}
END_TEST

START_TEST(test_syslog_line_escapes_spaces_and_controls)
{
	struct audit_req	r = { 1, "1.2.3.4", "GET", "/a b\n", "/s", "p",
	    1, 0 };
	struct audit_event	ev = { 0 };
	char			out[512];

	ev.event = "syscall_blocked";
	ev.req = &r;
	audit_kv(&ev, "syscall", "socket");
	audit_kv(&ev, "args", "AF_INET,SOCK_STREAM");
	audit_format_line(&ev, "1-1", out, sizeof(out));
	ck_assert_msg(strncmp(out, "blocked syscall=", 16) == 0,
	    "line starts with the action: %s", out);
	ck_assert_ptr_nonnull(strstr(out, "client=1.2.3.4"));
	ck_assert_ptr_nonnull(strstr(out, "uri=/a\\x20b\\x0a"));
	ck_assert_ptr_nonnull(strstr(out,
	    "syscall=socket(AF_INET,SOCK_STREAM)"));
	ck_assert(clean_utf8(out));
}
END_TEST


/* An event of a request to /usr/lib/cgi-bin/x.cgi with up to 3 pairs. */
static const char *
evidence_of(const char *event, const char *k1, const char *v1,
    const char *k2, const char *v2, const char *k3, const char *v3)
{
	static struct audit_req	r = { 1, "203.0.113.7", "GET", "/cgi-bin/x",
	    "/usr/lib/cgi-bin/x.cgi", "shell-cgi", 100, 101 };
	struct audit_event	ev = { 0 };

	ev.event = event;
	ev.req = &r;
	if (k1 != NULL)
		audit_kv(&ev, k1, v1);
	if (k2 != NULL)
		audit_kv(&ev, k2, v2);
	if (k3 != NULL)
		audit_kv(&ev, k3, v3);
	return audit_evidence(&ev);
}

START_TEST(test_evidence_denied_exec_of_a_download_tool_is_attack)
{
	ck_assert_str_eq(evidence_of("exec_denied", "path", "/usr/bin/wget",
	    NULL, NULL, NULL, NULL), "attack");
	ck_assert_str_eq(evidence_of("exec_denied", "path", "/bin/busybox",
	    NULL, NULL, NULL, NULL), "attack");
	ck_assert_str_eq(evidence_of("exec_denied", "path", "/bin/x",
	    "resolved", "/usr/bin/nc.openbsd", NULL, NULL), "attack");
}
END_TEST

START_TEST(test_evidence_denied_exec_from_tmp_is_attack)
{
	ck_assert_str_eq(evidence_of("exec_denied", "path", "/tmp/x.sh",
	    NULL, NULL, NULL, NULL), "attack");
	ck_assert_str_eq(evidence_of("exec_denied", "path", "/dev/shm/a",
	    NULL, NULL, NULL, NULL), "attack");
}
END_TEST

START_TEST(test_evidence_denied_exec_of_a_harmless_tool_is_policy)
{
	ck_assert_str_eq(evidence_of("exec_denied", "path", "/usr/bin/id",
	    NULL, NULL, NULL, NULL), "policy");
	ck_assert_str_eq(evidence_of("exec_denied", "path", "/bin/sh",
	    NULL, NULL, NULL, NULL), "policy");
}
END_TEST

START_TEST(test_evidence_the_script_itself_refused_is_policy)
{
	ck_assert_str_eq(evidence_of("exec_denied", "path",
	    "/usr/lib/cgi-bin/x.cgi", "error", "Permission denied", NULL,
	    NULL), "policy");
}
END_TEST

START_TEST(test_evidence_complain_mode_is_never_attack)
{
	ck_assert_str_eq(evidence_of("exec_denied", "path", "/usr/bin/wget",
	    "mode", "complain", NULL, NULL), "policy");
	ck_assert_str_eq(evidence_of("syscall_blocked", "syscall", "ptrace",
	    "args", "", "action", "complain"), "policy");
}
END_TEST

START_TEST(test_evidence_signatures_and_shellshock_are_attack)
{
	ck_assert_str_eq(evidence_of("suspicious_input", "variable",
	    "QUERY_STRING", "signature", "cmd-subst", NULL, NULL), "attack");
	ck_assert_str_eq(evidence_of("request_refused", "variable",
	    "HTTP_USER_AGENT", "rule", "shellshock", NULL, NULL), "attack");
}
END_TEST

START_TEST(test_evidence_other_refusals_are_policy)
{
	ck_assert_str_eq(evidence_of("request_refused", "rule",
	    "group-writable", "variable", "SCRIPT_FILENAME", NULL, NULL),
	    "policy");
	ck_assert_str_eq(evidence_of("request_refused", "rule", "too-long",
	    NULL, NULL, NULL, NULL), "policy");
	ck_assert_str_eq(evidence_of("suspicious_input", "signature",
	    "shell-metachar", NULL, NULL, NULL, NULL), "policy");
}
END_TEST

START_TEST(test_evidence_outgoing_tcp_and_raw_sockets_are_attack)
{
	ck_assert_str_eq(evidence_of("syscall_blocked", "syscall", "socket",
	    "args", "AF_INET,SOCK_STREAM|SOCK_CLOEXEC", NULL, NULL), "attack");
	ck_assert_str_eq(evidence_of("syscall_blocked", "syscall", "socket",
	    "args", "AF_INET6,SOCK_RAW,IPPROTO_ICMPV6", NULL, NULL), "attack");
	ck_assert_str_eq(evidence_of("syscall_blocked", "syscall", "socket",
	    "args", "AF_PACKET,SOCK_RAW", NULL, NULL), "attack");
}
END_TEST

START_TEST(test_evidence_resolver_and_netlink_sockets_are_policy)
{
	ck_assert_str_eq(evidence_of("syscall_blocked", "syscall", "socket",
	    "args", "AF_INET,SOCK_DGRAM|SOCK_NONBLOCK", NULL, NULL), "policy");
	ck_assert_str_eq(evidence_of("syscall_blocked", "syscall", "socket",
	    "args", "AF_NETLINK,SOCK_RAW", NULL, NULL), "policy");
}
END_TEST

START_TEST(test_evidence_privilege_calls_are_attack)
{
	ck_assert_str_eq(evidence_of("syscall_blocked", "syscall", "ptrace",
	    NULL, NULL, NULL, NULL), "attack");
	ck_assert_str_eq(evidence_of("syscall_blocked", "syscall", "setuid",
	    NULL, NULL, NULL, NULL), "attack");
	ck_assert_str_eq(evidence_of("syscall_blocked", "syscall", "chown",
	    NULL, NULL, NULL, NULL), "policy");
}
END_TEST

START_TEST(test_evidence_events_that_deny_nothing_are_none)
{
	ck_assert_str_eq(evidence_of("timeout_kill", NULL, NULL, NULL, NULL,
	    NULL, NULL), "none");
	ck_assert_str_eq(evidence_of("startup", NULL, NULL, NULL, NULL,
	    NULL, NULL), "none");
}
END_TEST

START_TEST(test_evidence_follows_the_event_name_in_both_forms)
{
	struct audit_req	r = { 7, "203.0.113.7", "GET", "/x",
	    "/s", "p", 100, 101 };
	struct audit_event	ev = { 0 };
	struct timespec		ts = { 0, 0 };
	char			out[2048];

	ev.event = "exec_denied";
	ev.req = &r;
	audit_kv(&ev, "path", "/usr/bin/wget");
	audit_format_json(&ev, "100-7", &ts, out, sizeof(out));
	ck_assert_msg(strstr(out, ",\"event\":\"exec_denied\","
	    "\"evidence\":\"attack\",\"request_id\":\"100-7\","
	    "\"client\":\"203.0.113.7\",") != NULL, "json: %s", out);
	audit_format_line(&ev, "100-7", out, sizeof(out));
	ck_assert_msg(strncmp(out, "exec_denied evidence=attack path=", 33)
	    == 0, "line: %s", out);
	ev.event = "syscall_blocked";
	ev.nkv = 0;
	audit_kv(&ev, "syscall", "ptrace");
	audit_format_line(&ev, "100-7", out, sizeof(out));
	ck_assert_msg(strncmp(out, "blocked syscall=ptrace() evidence=attack",
	    40) == 0, "line: %s", out);
}
END_TEST

static Suite *
audit_suite(void)
{
	Suite	*s = suite_create("audit");
	TCase	*tc = tcase_create("format");

	tcase_add_test(tc, test_json_escape_quotes_and_backslashes);
	tcase_add_test(tc, test_json_escape_control_bytes);
	tcase_add_test(tc, test_json_escape_invalid_utf8_becomes_escapes);
	tcase_add_test(tc, test_json_escape_keeps_valid_utf8);
	tcase_add_test(tc, test_json_escape_never_overflows);
	tcase_add_test(tc, test_event_json_has_the_stable_fields);
	tcase_add_test(tc, test_an_event_keeps_the_startup_events_eleven_keys);
	tcase_add_test(tc, test_hostile_uri_cannot_break_the_json_line);
	tcase_add_test(tc, test_syslog_line_escapes_spaces_and_controls);
	tcase_add_test(tc, test_evidence_denied_exec_of_a_download_tool_is_attack);
	tcase_add_test(tc, test_evidence_denied_exec_from_tmp_is_attack);
	tcase_add_test(tc, test_evidence_denied_exec_of_a_harmless_tool_is_policy);
	tcase_add_test(tc, test_evidence_the_script_itself_refused_is_policy);
	tcase_add_test(tc, test_evidence_complain_mode_is_never_attack);
	tcase_add_test(tc, test_evidence_signatures_and_shellshock_are_attack);
	tcase_add_test(tc, test_evidence_other_refusals_are_policy);
	tcase_add_test(tc, test_evidence_outgoing_tcp_and_raw_sockets_are_attack);
	tcase_add_test(tc, test_evidence_resolver_and_netlink_sockets_are_policy);
	tcase_add_test(tc, test_evidence_privilege_calls_are_attack);
	tcase_add_test(tc, test_evidence_events_that_deny_nothing_are_none);
	tcase_add_test(tc, test_evidence_follows_the_event_name_in_both_forms);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(audit_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
