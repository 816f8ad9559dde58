/*
 * Unit tests for the profile loader, matcher and exposure score.
 *
 * Each test writes its profiles into a fresh mkdtemp(3) directory.  The
 * shipped profiles are found through $top_srcdir (set by make check), or
 * the current directory.
 */

#include <sys/stat.h>
#include <sys/types.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile.h"

static char	tmpdir[256];
static char	err[512];

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/check_profile.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	ck_assert_msg(mkdtemp(tmpdir) != NULL, "mkdtemp: %s", strerror(errno));
	err[0] = '\0';
}

static void
teardown(void)
{
	DIR		*d;
	struct dirent	*e;
	char		 path[512];

	if ((d = opendir(tmpdir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
}

/* Write a file into tmpdir; returns its path in a static buffer. */
static const char *
write_file(const char *name, const char *text)
{
	static char	 path[512];
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
	return path;
}

/* Load text as tmpdir/name; the profile must load. */
static void
load_ok(const char *name, const char *text, struct profile *p)
{
	const char	*path;

	path = write_file(name, text);
	ck_assert_msg(profile_load_file(path, p, err, sizeof(err)) == 0,
	    "%s should load, got: %s", name, err);
}

/*
 * Load text as tmpdir/t.conf; it must fail at line, with a message that
 * contains what.
 */
static void
load_fails_at(const char *text, unsigned line, const char *what)
{
	struct profile	 p;
	char		 want[600];
	const char	*path;

	path = write_file("t.conf", text);
	ck_assert_msg(profile_load_file(path, &p, err, sizeof(err)) == -1,
	    "expected an error (%s) at line %u, but it loaded", what, line);
	snprintf(want, sizeof(want), "%s:%u: ", path, line);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
	    "expected \"%s...\", got \"%s\"", want, err);
	ck_assert_msg(strstr(err, what) != NULL,
	    "expected \"%s\" in \"%s\"", what, err);
}

static int
has(const struct strlist *l, const char *s)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

static const char *
srcdir_path(const char *rel)
{
	static char	 path[1024];
	const char	*top;

	if ((top = getenv("top_srcdir")) == NULL || *top == '\0')
		top = ".";
	snprintf(path, sizeof(path), "%s/%s", top, rel);
	return path;
}

/* ------------------------------------------------------------ parsing */

static const char every_key[] =
	"# every key there is\n"
	"[profile]\n"
	"name = everything\n"
	"match = /srv/cgi/*.cgi /srv/other/**\n"
	"mode = complain\n"
	"[identity]\n"
	"user = www-data\n"
	"group = nogroup\n"
	"[limits]\n"
	"timeout = 5min\n"
	"cpu = 90s\n"
	"memory = 2G\n"
	"processes = 7\n"
	"files = 99\n"
	"file_size = 64K\n"
	"output = 1T\n"
	"body = 1\n"
	"[filesystem]\n"
	"exec = /usr/bin/git /usr/lib/git-core/*\n"
	"writable = /srv/git\n"
	"hidden = /etc/gitweb.conf\n"
	"bind_ro = /srv/data\n"
	"[network]\n"
	"connect = unix:/run/postgresql/.s.PGSQL.5432 tcp:05432\n"
	"[syscalls]\n"
	"allow = @mount memfd_create\n"
	"deny = @network-io bpf\n"
	"action = kill\n"
	"errno = EACCES\n"
	"[environment]\n"
	"query = raw\n"
	"suspicious = reject\n"
	"drop = HTTP_COOKIE\n"
	"pass = GIT_PROJECT_ROOT\n";

START_TEST(every_key_is_parsed)
{
	struct profile	p;

	load_ok("every.conf", every_key, &p);
	ck_assert_str_eq(p.name, "everything");
	ck_assert_uint_eq(p.name_line, 3);
	ck_assert_uint_eq(p.match.n, 2);
	ck_assert_str_eq(p.match.v[0], "/srv/cgi/*.cgi");
	ck_assert_str_eq(p.match.v[1], "/srv/other/**");
	ck_assert_ptr_null(p.match.v[2]);
	ck_assert_int_eq(p.mode, MODE_COMPLAIN);
	ck_assert_str_eq(p.user, "www-data");
	ck_assert_int_eq(p.uid, getpwnam("www-data")->pw_uid);
	ck_assert_str_eq(p.group, "nogroup");
	ck_assert_int_eq(p.gid, getgrnam("nogroup")->gr_gid);
	ck_assert_uint_eq(p.timeout, 300);
	ck_assert_uint_eq(p.limit_cpu, 90);
	ck_assert_uint_eq(p.limit_as, 2ULL << 30);
	ck_assert_uint_eq(p.limit_nproc, 7);
	ck_assert_uint_eq(p.limit_nofile, 99);
	ck_assert_uint_eq(p.limit_fsize, 64 << 10);
	ck_assert_uint_eq(p.limit_output, 1ULL << 40);
	ck_assert_uint_eq(p.limit_body, 1);
	ck_assert_uint_eq(p.exec_allow.n, 2);
	ck_assert(has(&p.exec_allow, "/usr/lib/git-core/*"));
	ck_assert(has(&p.writable, "/srv/git") && p.writable.n == 1);
	ck_assert(has(&p.hidden, "/etc/gitweb.conf") && p.hidden.n == 1);
	ck_assert(has(&p.bind_ro, "/srv/data") && p.bind_ro.n == 1);
	ck_assert_int_eq(p.net_none, 0);
	ck_assert(has(&p.net_unix, "/run/postgresql/.s.PGSQL.5432"));
	ck_assert_msg(has(&p.net_tcp, "5432"), "tcp port kept as \"5432\"");
	ck_assert(has(&p.syscall_allow, "@mount"));
	ck_assert(has(&p.syscall_allow, "memfd_create"));
	ck_assert(has(&p.syscall_deny, "@network-io"));
	ck_assert(has(&p.syscall_deny, "bpf"));
	ck_assert_int_eq(p.deny_action, DENY_KILL);
	ck_assert_int_eq(p.deny_errno, EACCES);
	ck_assert_int_eq(p.query_mode, QUERY_RAW);
	ck_assert_int_eq(p.suspicious, SUSPICIOUS_REJECT);
	ck_assert(has(&p.env_drop, "HTTP_COOKIE"));
	ck_assert(has(&p.env_pass, "GIT_PROJECT_ROOT"));
	ck_assert_msg(strstr(p.file, "/every.conf") != NULL, "file is %s",
	    p.file);
	profile_free(&p);
}
END_TEST

START_TEST(empty_file_gets_the_documented_defaults)
{
	struct profile	 p;
	struct passwd	*pw;

	load_ok("plain.conf", "# nothing here\n", &p);
	ck_assert_str_eq(p.name, "plain");
	ck_assert_uint_eq(p.name_line, 0);
	ck_assert_uint_eq(p.match.n, 0);
	ck_assert_int_eq(p.mode, MODE_ENFORCE);
	ck_assert_str_eq(p.user, "nobody");
	pw = getpwnam("nobody");
	ck_assert_ptr_nonnull(pw);
	ck_assert_int_eq(p.uid, pw->pw_uid);
	ck_assert_msg(p.gid == pw->pw_gid,
	    "group defaults to the user's primary group");
	ck_assert_str_eq(p.group, "nogroup");
	ck_assert_uint_eq(p.timeout, 60);
	ck_assert_uint_eq(p.limit_cpu, 30);
	ck_assert_uint_eq(p.limit_as, 512ULL << 20);
	ck_assert_uint_eq(p.limit_nproc, 32);
	ck_assert_uint_eq(p.limit_nofile, 64);
	ck_assert_uint_eq(p.limit_fsize, 16ULL << 20);
	ck_assert_uint_eq(p.limit_output, 256ULL << 20);
	ck_assert_uint_eq(p.limit_body, 64ULL << 20);
	ck_assert_uint_eq(p.exec_allow.n + p.writable.n + p.hidden.n +
	    p.bind_ro.n, 0);
	ck_assert_ptr_null(p.exec_allow.v);
	ck_assert_int_eq(p.net_none, 1);
	ck_assert_uint_eq(p.net_unix.n + p.net_tcp.n, 0);
	ck_assert_uint_eq(p.syscall_allow.n + p.syscall_deny.n, 0);
	ck_assert_int_eq(p.deny_action, DENY_ERRNO);
	ck_assert_int_eq(p.deny_errno, EPERM);
	ck_assert_int_eq(p.query_mode, QUERY_CANONICAL);
	ck_assert_int_eq(p.suspicious, SUSPICIOUS_LOG);
	ck_assert_uint_eq(p.env_drop.n + p.env_pass.n, 0);
	profile_free(&p);
}
END_TEST

START_TEST(profile_defaults_leaves_identity_unresolved)
{
	struct profile	p;

	ck_assert_int_eq(profile_defaults(&p, "x"), 0);
	ck_assert_str_eq(p.name, "x");
	ck_assert_str_eq(p.user, "nobody");
	ck_assert_str_eq(p.group, "nogroup");
	ck_assert_msg(p.uid == (uid_t)-1 && p.gid == (gid_t)-1,
	    "profile_defaults does no lookups");
	profile_free(&p);
}
END_TEST

START_TEST(user_without_group_takes_its_primary_group)
{
	struct profile	p;

	load_ok("u.conf", "[identity]\nuser = www-data\n", &p);
	ck_assert_int_eq(p.gid, getpwnam("www-data")->pw_gid);
	ck_assert_str_eq(p.group, "www-data");
	profile_free(&p);
}
END_TEST

START_TEST(numeric_user_and_group_are_taken_as_ids)
{
	struct profile	p;

	load_ok("n.conf", "[identity]\nuser = 4242\ngroup = 4343\n", &p);
	ck_assert_int_eq(p.uid, 4242);
	ck_assert_int_eq(p.gid, 4343);
	profile_free(&p);
}
END_TEST

START_TEST(list_keys_accept_repeats_spaces_and_indented_lines)
{
	struct profile	p;

	load_ok("l.conf",
	    "[filesystem]\n"
	    "exec = /a/one /a/two\n"
	    "exec = /a/three\n"
	    "   /a/four\t/a/five\n"
	    "exec = /a/one\n"
	    "exec =\n", &p);
	ck_assert_uint_eq(p.exec_allow.n, 5);
	ck_assert_str_eq(p.exec_allow.v[3], "/a/four");
	ck_assert_msg(p.exec_allow.v[5] == NULL, "list is NULL-terminated");
	profile_free(&p);
}
END_TEST

START_TEST(sizes_take_binary_suffixes_and_infinity)
{
	struct profile	p;

	load_ok("s.conf",
	    "[limits]\nmemory = 3m\nfile_size = 2k\noutput = infinity\n"
	    "body = 7\ncpu = infinity\nprocesses = infinity\n", &p);
	ck_assert_uint_eq(p.limit_as, 3ULL << 20);
	ck_assert_uint_eq(p.limit_fsize, 2048);
	ck_assert_uint_eq(p.limit_output, PROFILE_UNLIMITED);
	ck_assert_uint_eq(p.limit_body, 7);
	ck_assert_uint_eq(p.limit_cpu, PROFILE_UNLIMITED);
	ck_assert_uint_eq(p.limit_nproc, PROFILE_UNLIMITED);
	profile_free(&p);
}
END_TEST

START_TEST(times_take_s_min_and_h)
{
	struct profile	p;

	load_ok("t1.conf", "[limits]\ntimeout = 2h\ncpu = 3min\n", &p);
	ck_assert_uint_eq(p.timeout, 7200);
	ck_assert_uint_eq(p.limit_cpu, 180);
	profile_free(&p);
}
END_TEST

START_TEST(inline_semicolon_comments_are_ignored)
{
	struct profile	p;

	load_ok("c.conf", "[limits]\nmemory = 1G ; address space\n", &p);
	ck_assert_uint_eq(p.limit_as, 1ULL << 30);
	profile_free(&p);
}
END_TEST

START_TEST(connect_none_is_the_default_and_can_be_written)
{
	struct profile	p;

	load_ok("nn.conf", "[network]\nconnect = none\n", &p);
	ck_assert_int_eq(p.net_none, 1);
	profile_free(&p);
}
END_TEST

/* ------------------------------------------------------------ errors */

START_TEST(unknown_section_is_an_error_at_its_line)
{
	load_fails_at("[profile]\nmode = enforce\n\n[limit]\n", 4,
	    "unknown section [limit]");
}
END_TEST

START_TEST(unknown_key_is_an_error_at_its_line)
{
	load_fails_at("[limits]\ntimeout = 5\nmemroy = 1G\n", 3,
	    "unknown key \"memroy\" in [limits]");
}
END_TEST

START_TEST(key_outside_a_section_is_an_error)
{
	load_fails_at("# hi\nmode = enforce\n", 2, "outside any section");
}
END_TEST

START_TEST(syntax_error_is_reported_at_its_line)
{
	load_fails_at("[profile]\nmode = enforce\nthis is not ini\n", 3,
	    "syntax error");
}
END_TEST

START_TEST(bad_enum_value_is_an_error)
{
	load_fails_at("[profile]\n\nmode = permissive\n", 3,
	    "expected enforce or complain");
}
END_TEST

START_TEST(bad_size_is_an_error)
{
	load_fails_at("[limits]\nmemory = 1Q\n", 2, "expected a size");
}
END_TEST

START_TEST(size_overflow_is_an_error)
{
	load_fails_at("[limits]\nmemory = 99999999999999999T\n", 2,
	    "expected a size");
}
END_TEST

START_TEST(bare_small_memory_suggests_a_suffix)
{
	load_fails_at("[limits]\nmemory = 512\n", 2, "did you mean 512M?");
}
END_TEST

START_TEST(zero_cpu_is_an_error)
{
	load_fails_at("[limits]\ncpu = 0\n", 2, "must be at least 1");
}
END_TEST

START_TEST(cpu_quota_takes_a_percentage_of_one_cpu)
{
	struct profile	p;

	load_ok("q.conf", "[limits]\ncpu_quota = 250%\n", &p);
	ck_assert_uint_eq(p.limit_cpu_quota, 250);
	profile_free(&p);
	load_ok("q.conf", "[limits]\ncpu_quota = infinity\n", &p);
	ck_assert_uint_eq(p.limit_cpu_quota, PROFILE_UNLIMITED);
	profile_free(&p);
}
END_TEST

START_TEST(cpu_quota_defaults_to_one_cpu)
{
	struct profile	p;

	load_ok("q.conf", "# nothing here\n", &p);
	ck_assert_uint_eq(p.limit_cpu_quota, 100);
	profile_free(&p);
}
END_TEST

START_TEST(cpu_quota_without_percent_sign_is_an_error)
{
	load_fails_at("[limits]\ncpu_quota = 50\n", 2,
	    "expected a percentage of one CPU");
}
END_TEST

START_TEST(zero_body_is_an_error_not_unlimited)
{
	load_fails_at("[limits]\nbody = 0\n", 2,
	    "(\"infinity\" means no limit)");
}
END_TEST

START_TEST(unlimited_files_is_an_error)
{
	load_fails_at("[limits]\nfiles = infinity\n", 2, "expected a number");
}
END_TEST

START_TEST(tmp_defaults_to_64m_and_takes_a_size)
{
	struct profile	p;

	load_ok("tmp1.conf", "# nothing here\n", &p);
	ck_assert_uint_eq(p.limit_tmp, 64ULL << 20);
	profile_free(&p);
	load_ok("tmp2.conf", "[limits]\ntmp = 256M\n", &p);
	ck_assert_uint_eq(p.limit_tmp, 256ULL << 20);
	profile_free(&p);
}
END_TEST

START_TEST(unlimited_tmp_is_an_error)
{
	load_fails_at("[limits]\ntmp = infinity\n", 2, "expected a size");
}
END_TEST

START_TEST(tmp_below_1m_is_an_error)
{
	load_fails_at("[limits]\n\ntmp = 512K\n", 3,
	    "tmp: must be at least 1M");
}
END_TEST

START_TEST(timeout_beyond_a_day_is_an_error)
{
	load_fails_at("[limits]\ntimeout = 25h\n", 2, "at most 86400");
}
END_TEST

START_TEST(negative_number_is_an_error)
{
	load_fails_at("[limits]\nprocesses = -1\n", 2, "expected a number");
}
END_TEST

START_TEST(scalar_set_twice_is_an_error)
{
	load_fails_at("[limits]\ntimeout = 5\ncpu = 3\ntimeout = 6\n", 4,
	    "timeout is already set on line 2");
}
END_TEST

START_TEST(two_values_for_a_scalar_is_an_error)
{
	load_fails_at("[limits]\ntimeout = 5 6\n", 2, "expected one value");
}
END_TEST

START_TEST(hash_inline_comment_is_explained)
{
	load_fails_at("[limits]\ntimeout = 5 # five\n", 2,
	    "an inline comment starts with \" ;\"");
}
END_TEST

START_TEST(missing_value_is_an_error)
{
	load_fails_at("[syscalls]\naction =\n", 2, "missing value");
}
END_TEST

START_TEST(unknown_user_is_an_error)
{
	load_fails_at("[identity]\nuser = no-such-user-safecgi\n", 2,
	    "unknown user \"no-such-user-safecgi\"");
}
END_TEST

START_TEST(unknown_group_is_an_error)
{
	load_fails_at("[identity]\n\ngroup = no-such-group-safecgi\n", 3,
	    "unknown group \"no-such-group-safecgi\"");
}
END_TEST

START_TEST(root_user_is_refused)
{
	load_fails_at("[identity]\nuser = root\n", 2,
	    "scripts never run as root");
}
END_TEST

START_TEST(root_uid_is_refused)
{
	load_fails_at("[identity]\n\nuser = 0\n", 3,
	    "scripts never run as root");
}
END_TEST

START_TEST(root_group_is_refused)
{
	load_fails_at("[identity]\ngroup = 0\n", 2, "group root (gid 0)");
}
END_TEST

START_TEST(numeric_user_without_entry_needs_a_group)
{
	load_fails_at("[identity]\nuser = 4242\n", 2,
	    "set group = in [identity]");
}
END_TEST

START_TEST(relative_match_glob_is_an_error)
{
	load_fails_at("[profile]\nmatch = /ok/*.cgi cgi-bin/*.cgi\n", 2,
	    "\"cgi-bin/*.cgi\": must be an absolute path");
}
END_TEST

START_TEST(dotdot_in_match_glob_is_an_error)
{
	load_fails_at("[profile]\nmatch = /srv/../etc/x\n", 2,
	    "never occur in a canonical path");
}
END_TEST

START_TEST(double_star_inside_a_component_is_an_error)
{
	load_fails_at("[profile]\nmatch = /srv/a**b\n", 2,
	    "must be a whole path component");
}
END_TEST

START_TEST(unclosed_bracket_is_an_error)
{
	load_fails_at("[filesystem]\nexec = /usr/bin/[ab\n", 2,
	    "without \"]\"");
}
END_TEST

START_TEST(trailing_slash_in_glob_is_an_error)
{
	load_fails_at("[profile]\nmatch = /srv/cgi/\n", 2,
	    "must not end in \"/\"");
}
END_TEST

START_TEST(glob_in_writable_is_an_error)
{
	load_fails_at("[filesystem]\nwritable = /srv/*\n", 2,
	    "globs are not allowed here");
}
END_TEST

START_TEST(root_is_refused_for_hidden)
{
	load_fails_at("[filesystem]\nhidden = /\n", 2,
	    "\"/\" is not allowed here");
}
END_TEST

START_TEST(path_in_two_filesystem_lists_is_an_error)
{
	load_fails_at("[filesystem]\nwritable = /srv/git\nhidden = /srv/git\n",
	    3, "\"/srv/git\" is already listed in writable");
}
END_TEST

START_TEST(connect_none_with_entries_is_an_error)
{
	load_fails_at("[network]\nconnect = tcp:5432\nconnect = none\n", 3,
	    "cannot be combined");
}
END_TEST

START_TEST(connect_bad_port_is_an_error)
{
	load_fails_at("[network]\nconnect = tcp:65536\n", 2,
	    "port from 1 to 65535");
}
END_TEST

START_TEST(connect_relative_unix_path_is_an_error)
{
	load_fails_at("[network]\nconnect = unix:run/x.sock\n", 2,
	    "must be an absolute path");
}
END_TEST

START_TEST(connect_unknown_kind_is_an_error)
{
	load_fails_at("[network]\nconnect = udp:53\n", 2,
	    "expected none, unix:/path or tcp:PORT");
}
END_TEST

START_TEST(tilde_in_syscalls_is_an_error)
{
	load_fails_at("[syscalls]\nallow = ~@mount\n", 2,
	    "list @mount under deny =");
}
END_TEST

START_TEST(tilde_in_deny_is_explained)
{
	load_fails_at("[syscalls]\ndeny = ~@mount\n", 2,
	    "deny = @mount already denies it");
}
END_TEST

START_TEST(hash_in_a_list_is_explained)
{
	load_fails_at("[filesystem]\nexec = /usr/bin/git #git\n", 2,
	    "an inline comment starts with \" ;\"");
}
END_TEST

START_TEST(bad_syscall_name_is_an_error)
{
	load_fails_at("[syscalls]\ndeny = Open\n", 2, "not a syscall name");
}
END_TEST

START_TEST(syscall_allowed_and_denied_is_an_error)
{
	load_fails_at("[syscalls]\ndeny = bpf\nallow = bpf\n", 3,
	    "\"bpf\" is already listed in deny");
}
END_TEST

START_TEST(unknown_errno_is_an_error)
{
	load_fails_at("[syscalls]\nerrno = 1\n", 2, "such as EPERM");
}
END_TEST

START_TEST(bad_action_is_an_error)
{
	load_fails_at("[syscalls]\naction = trap\n", 2,
	    "expected errno or kill");
}
END_TEST

START_TEST(variable_dropped_and_passed_is_an_error)
{
	load_fails_at("[environment]\npass = FOO\ndrop = BAR FOO\n", 3,
	    "\"FOO\" is already listed in pass");
}
END_TEST

START_TEST(bad_variable_name_is_an_error)
{
	load_fails_at("[environment]\ndrop = HTTP-COOKIE\n", 2,
	    "not a variable name");
}
END_TEST

START_TEST(bad_profile_name_is_an_error)
{
	load_fails_at("[profile]\nname = ../etc\n", 2, "is not a profile name");
}
END_TEST

START_TEST(long_line_is_an_error_not_split)
{
	char	text[2048];

	snprintf(text, sizeof(text), "[filesystem]\nexec = /a/%01000d\n", 0);
	load_fails_at(text, 2, "line longer than");
}
END_TEST

START_TEST(first_error_wins)
{
	load_fails_at("[limits]\ncpu = 0\nmemory = 1\n", 2, "cpu:");
}
END_TEST

START_TEST(file_name_that_is_no_profile_name_needs_name)
{
	struct profile	 p;
	const char	*path;
	char		 want[600];

	path = write_file("bad name.conf", "[limits]\ntimeout = 5\n");
	ck_assert_int_eq(profile_load_file(path, &p, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:1: ", path);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0 &&
	    strstr(err, "set name =") != NULL, "got \"%s\"", err);
}
END_TEST

START_TEST(world_writable_file_is_refused)
{
	struct profile	 p;
	const char	*path;

	path = write_file("ww.conf", "[limits]\ntimeout = 5\n");
	ck_assert_int_eq(chmod(path, 0666), 0);
	ck_assert_int_eq(profile_load_file(path, &p, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "world-writable") != NULL, "got \"%s\"",
	    err);
}
END_TEST

START_TEST(file_owned_by_another_user_is_refused)
{
	struct profile	 p;
	const char	*path;

	if (geteuid() != 0)
		return;		/* only root can give a file away */
	path = write_file("own.conf", "[limits]\ntimeout = 5\n");
	ck_assert_int_eq(chown(path, getpwnam("www-data")->pw_uid, 0), 0);
	ck_assert_int_eq(profile_load_file(path, &p, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "owned by neither root") != NULL,
	    "got \"%s\"", err);
}
END_TEST

START_TEST(missing_file_is_an_error)
{
	struct profile	p;

	ck_assert_int_eq(profile_load_file("/nonexistent/x.conf", &p, err,
	    sizeof(err)), -1);
	ck_assert_msg(strstr(err, "/nonexistent/x.conf: ") == err,
	    "got \"%s\"", err);
}
END_TEST

/* ------------------------------------------------------------ directory */

START_TEST(directory_without_default_gets_a_built_in_one)
{
	struct profile_set	 set;
	const struct profile	*d;

	write_file("a.conf", "[profile]\nmatch = /a\n");
	ck_assert_msg(profile_load_dir(tmpdir, &set, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_uint_eq(set.n, 2);
	d = profile_match(&set, "/nothing", NULL, NULL, 0);
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(d->name, "default");
	ck_assert_ptr_null(d->file);
	ck_assert_int_eq(d->uid, getpwnam("nobody")->pw_uid);
	ck_assert_int_eq(d->net_none, 1);
	profile_set_free(&set);
}
END_TEST

START_TEST(directory_loads_only_conf_files_sorted_by_name)
{
	struct profile_set	set;

	write_file("zz.conf", "[profile]\nname = b\n");
	write_file("yy.conf", "[profile]\nname = a\n");
	write_file("default.conf", "[limits]\ntimeout = 7\n");
	write_file(".hidden.conf", "garbage\n");
	write_file("notes.txt", "garbage\n");
	write_file("x.conf~", "garbage\n");
	ck_assert_msg(profile_load_dir(tmpdir, &set, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_uint_eq(set.n, 3);
	ck_assert_str_eq(set.v[0].name, "a");
	ck_assert_str_eq(set.v[1].name, "b");
	ck_assert_str_eq(set.v[2].name, "default");
	ck_assert_uint_eq(set.v[2].timeout, 7);
	profile_set_free(&set);
}
END_TEST

START_TEST(duplicate_profile_name_is_an_error_at_its_line)
{
	struct profile_set	 set;
	char			 want[600];

	write_file("a.conf", "[profile]\nname = git\n");
	write_file("b.conf", "# b\n[profile]\nname = git\n");
	ck_assert_int_eq(profile_load_dir(tmpdir, &set, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s/b.conf:3: profile \"git\" is already "
	    "defined in %s/a.conf:2", tmpdir, tmpdir);
	ck_assert_str_eq(err, want);
	ck_assert_msg(set.n == 0 && set.v == NULL, "set left empty");
}
END_TEST

START_TEST(duplicate_of_a_file_name_is_an_error)
{
	struct profile_set	set;

	write_file("git.conf", "[limits]\ntimeout = 5\n");
	write_file("other.conf", "[profile]\nname = git\n");
	ck_assert_int_eq(profile_load_dir(tmpdir, &set, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "other.conf:2: profile \"git\"") != NULL &&
	    strstr(err, "git.conf:1") != NULL, "got \"%s\"", err);
}
END_TEST

START_TEST(error_in_one_file_fails_the_directory)
{
	struct profile_set	set;
	char			want[600];

	write_file("a.conf", "[limits]\ntimeout = 5\n");
	write_file("b.conf", "[limits]\n\n\ntimeout = x\n");
	ck_assert_int_eq(profile_load_dir(tmpdir, &set, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s/b.conf:4: ", tmpdir);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got \"%s\"",
	    err);
	ck_assert_msg(set.n == 0 && set.v == NULL, "set left empty");
}
END_TEST

START_TEST(no_directory_gives_the_built_in_default_alone)
{
	struct profile_set	set;

	ck_assert_msg(profile_load_dir(NULL, &set, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_uint_eq(set.n, 1);
	ck_assert_str_eq(set.v[0].name, "default");
	ck_assert_ptr_null(set.v[0].file);
	profile_set_free(&set);
}
END_TEST

START_TEST(memory_minimum_is_given_with_its_unit)
{
	load_fails_at("[limits]\nmemory = 0\n", 2, "must be at least 1M");
}
END_TEST

START_TEST(missing_directory_is_an_error)
{
	struct profile_set	set;

	ck_assert_int_eq(profile_load_dir("/nonexistent/profiles.d", &set,
	    err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "/nonexistent/profiles.d") != NULL,
	    "got \"%s\"", err);
}
END_TEST

/* ------------------------------------------------------------ globs */

START_TEST(star_does_not_cross_a_slash)
{
	ck_assert(profile_glob_match("/cgi/*.cgi", "/cgi/a.cgi"));
	ck_assert(profile_glob_match("/cgi/*.cgi", "/cgi/.cgi"));
	ck_assert(!profile_glob_match("/cgi/*.cgi", "/cgi/sub/a.cgi"));
	ck_assert(!profile_glob_match("/cgi/*", "/cgi"));
	ck_assert(profile_glob_match("/c*/x", "/cgi/x"));
}
END_TEST

START_TEST(double_star_matches_zero_or_more_directories)
{
	ck_assert(profile_glob_match("/cgi/**/*.sh", "/cgi/a.sh"));
	ck_assert(profile_glob_match("/cgi/**/*.sh", "/cgi/x/a.sh"));
	ck_assert(profile_glob_match("/cgi/**/*.sh", "/cgi/x/y/a.sh"));
	ck_assert(!profile_glob_match("/cgi/**/*.sh", "/other/a.sh"));
	ck_assert(profile_glob_match("/a/**/b/**/c", "/a/x/b/y/z/c"));
	ck_assert(!profile_glob_match("/a/**/b/**/c", "/a/x/y/c"));
}
END_TEST

START_TEST(trailing_double_star_is_everything_beneath)
{
	ck_assert(profile_glob_match("/usr/lib/cgit/filters/**",
	    "/usr/lib/cgit/filters/x"));
	ck_assert(profile_glob_match("/usr/lib/cgit/filters/**",
	    "/usr/lib/cgit/filters/html-converters/md2html"));
	ck_assert(!profile_glob_match("/usr/lib/cgit/filters/**",
	    "/usr/lib/cgit/filters"));
	ck_assert(!profile_glob_match("/usr/lib/cgit/filters/**",
	    "/usr/lib/cgit/filtersx"));
}
END_TEST

START_TEST(question_mark_brackets_and_escapes_match_one_byte)
{
	ck_assert(profile_glob_match("/a/?.cgi", "/a/x.cgi"));
	ck_assert(!profile_glob_match("/a/?.cgi", "/a/xy.cgi"));
	ck_assert(profile_glob_match("/a/[a-c].cgi", "/a/b.cgi"));
	ck_assert(!profile_glob_match("/a/[a-c].cgi", "/a/d.cgi"));
	ck_assert(profile_glob_match("/a/[!a-c].cgi", "/a/d.cgi"));
	ck_assert(!profile_glob_match("/a/[!a-c].cgi", "/a/a.cgi"));
	ck_assert(profile_glob_match("/a/[]x]", "/a/]"));
	ck_assert(profile_glob_match("/a/\\*", "/a/*"));
	ck_assert(!profile_glob_match("/a/\\*", "/a/b"));
}
END_TEST

START_TEST(glob_is_bytewise_and_never_matches_relative_paths)
{
	ck_assert(profile_glob_match("/a/*", "/a/\xc3\xa9t\xc3\xa9"));
	ck_assert(profile_glob_match("/a/?", "/a/\xff"));
	ck_assert(!profile_glob_match("/a/*", "a/b"));
	ck_assert(!profile_glob_match("a/*", "a/b"));
	ck_assert(!profile_glob_match("/A/*", "/a/b"));
}
END_TEST

START_TEST(backtracking_star_matches_late)
{
	ck_assert(profile_glob_match("/a/*x*y*z", "/a/xxyyxzzz"));
	ck_assert(!profile_glob_match("/a/*x*y*z", "/a/xxyyxzzy"));
}
END_TEST

/* ------------------------------------------------------------ matching */

static void
load_set(struct profile_set *set)
{
	ck_assert_msg(profile_load_dir(tmpdir, set, err, sizeof(err)) == 0,
	    "%s", err);
}

START_TEST(most_specific_glob_wins)
{
	struct profile_set	 set;
	const struct profile	*p;
	char			 why[256];

	write_file("broad.conf", "[profile]\nmatch = /usr/lib/**\n");
	write_file("cgit.conf", "[profile]\nmatch = /usr/lib/cgit/*.cgi\n");
	write_file("mid.conf", "[profile]\nmatch = /usr/lib/cgit/*\n");
	load_set(&set);
	p = profile_match(&set, "/usr/lib/cgit/cgit.cgi", NULL, why,
	    sizeof(why));
	ck_assert_str_eq(p->name, "cgit");
	ck_assert_msg(strncmp(why, "glob /usr/lib/cgit/*.cgi in ", 28) == 0,
	    "got \"%s\"", why);
	profile_set_free(&set);
}
END_TEST

START_TEST(why_names_the_glob_and_its_file)
{
	struct profile_set	 set;
	char			 why[512], want[512];

	write_file("cgit.conf", "[profile]\nmatch = /usr/lib/cgit/*.cgi\n");
	load_set(&set);
	(void)profile_match(&set, "/usr/lib/cgit/cgit.cgi", NULL, why,
	    sizeof(why));
	snprintf(want, sizeof(want), "glob /usr/lib/cgit/*.cgi in %s/cgit.conf",
	    tmpdir);
	ck_assert_str_eq(why, want);
	profile_set_free(&set);
}
END_TEST

START_TEST(exact_path_beats_glob_of_equal_literals)
{
	struct profile_set	 set;
	const struct profile	*p;

	/* "/a/b*" has as many literal characters as "/a/b". */
	write_file("a.conf", "[profile]\nmatch = /a/b*\n");
	write_file("z.conf", "[profile]\nmatch = /a/b\n");
	load_set(&set);
	p = profile_match(&set, "/a/b", NULL, NULL, 0);
	ck_assert_str_eq(p->name, "z");
	profile_set_free(&set);
}
END_TEST

START_TEST(double_star_never_outranks_an_exact_path)
{
	struct profile_set	 set;
	const struct profile	*p;

	write_file("a.conf", "[profile]\nmatch = /a/**/b\n");
	write_file("z.conf", "[profile]\nmatch = /a/b\n");
	load_set(&set);
	p = profile_match(&set, "/a/b", NULL, NULL, 0);
	ck_assert_str_eq(p->name, "z");
	profile_set_free(&set);
}
END_TEST

START_TEST(tie_goes_to_the_name_that_sorts_first)
{
	struct profile_set	 set;
	const struct profile	*p;
	char			 why[512];

	write_file("beta.conf", "[profile]\nmatch = /cgi/*.cgi\n");
	write_file("alpha.conf", "[profile]\nmatch = /cgi/x.cg*\n");
	load_set(&set);
	p = profile_match(&set, "/cgi/x.cgi", NULL, why, sizeof(why));
	ck_assert_str_eq(p->name, "alpha");
	ck_assert_msg(strstr(why, "as specific as profile beta") != NULL,
	    "why mentions the tie: \"%s\"", why);
	profile_set_free(&set);
}
END_TEST

START_TEST(tie_rule_does_not_depend_on_set_order)
{
	char			*g1[] = { "/cgi/*.cgi", NULL };
	char			*g2[] = { "/cgi/x.cg*", NULL };
	struct profile		 v[2];
	struct profile_set	 set = { v, 2 };
	const struct profile	*p;

	memset(v, 0, sizeof(v));
	strcpy(v[0].name, "beta");
	v[0].match.v = g1;
	v[0].match.n = 1;
	strcpy(v[1].name, "alpha");
	v[1].match.v = g2;
	v[1].match.n = 1;
	p = profile_match(&set, "/cgi/x.cgi", NULL, NULL, 0);
	ck_assert_str_eq(p->name, "alpha");
}
END_TEST

START_TEST(explicit_name_wins_over_globs)
{
	struct profile_set	 set;
	const struct profile	*p;
	char			 why[256];

	write_file("cgit.conf", "[profile]\nmatch = /usr/lib/cgit/cgit.cgi\n");
	write_file("other.conf", "[limits]\ntimeout = 9\n");
	load_set(&set);
	p = profile_match(&set, "/usr/lib/cgit/cgit.cgi", "other", why,
	    sizeof(why));
	ck_assert_str_eq(p->name, "other");
	ck_assert_str_eq(why, "explicit SAFECGI_PROFILE=other");
	profile_set_free(&set);
}
END_TEST

START_TEST(unknown_explicit_name_falls_back_to_globs)
{
	struct profile_set	 set;
	const struct profile	*p;
	const char		*want;
	char			 why[512];

	write_file("cgit.conf", "[profile]\nmatch = /usr/lib/cgit/cgit.cgi\n");
	load_set(&set);
	p = profile_match(&set, "/usr/lib/cgit/cgit.cgi", "cgti", why,
	    sizeof(why));
	ck_assert_str_eq(p->name, "cgit");
	want = "SAFECGI_PROFILE=cgti does not exist; glob "
	    "/usr/lib/cgit/cgit.cgi in ";
	ck_assert_msg(strncmp(why, want, strlen(want)) == 0, "got \"%s\"",
	    why);
	profile_set_free(&set);
}
END_TEST

START_TEST(unknown_explicit_name_without_match_gets_default)
{
	struct profile_set	 set;
	const struct profile	*p;
	char			 why[512];

	write_file("cgit.conf", "[profile]\nmatch = /usr/lib/cgit/cgit.cgi\n");
	load_set(&set);
	p = profile_match(&set, "/srv/x.cgi", "nope", why, sizeof(why));
	ck_assert_str_eq(p->name, "default");
	ck_assert_str_eq(why,
	    "SAFECGI_PROFILE=nope does not exist; no profile matched; default");
	profile_set_free(&set);
}
END_TEST

START_TEST(no_match_gets_default)
{
	struct profile_set	 set;
	const struct profile	*p;
	char			 why[256];

	write_file("cgit.conf", "[profile]\nmatch = /usr/lib/cgit/cgit.cgi\n");
	load_set(&set);
	p = profile_match(&set, "/usr/lib/cgit/cgit.cgi.bak", "", why,
	    sizeof(why));
	ck_assert_str_eq(p->name, "default");
	ck_assert_str_eq(why, "no profile matched; default");
	profile_set_free(&set);
}
END_TEST

START_TEST(why_is_truncated_not_overflowed)
{
	struct profile_set	 set;
	const struct profile	*p;
	char			 why[8];

	write_file("cgit.conf", "[profile]\nmatch = /usr/lib/cgit/cgit.cgi\n");
	load_set(&set);
	memset(why, 'x', sizeof(why));
	p = profile_match(&set, "/usr/lib/cgit/cgit.cgi", "nope", why,
	    sizeof(why));
	ck_assert_str_eq(p->name, "cgit");
	ck_assert_str_eq(why, "SAFECGI");
	profile_set_free(&set);
}
END_TEST

START_TEST(match_on_a_set_without_default_returns_null)
{
	struct profile_set	set = { NULL, 0 };
	char			why[128];

	ck_assert_ptr_null(profile_match(&set, "/x", NULL, why, sizeof(why)));
	ck_assert_str_eq(why, "no profile matched and there is no default");
}
END_TEST

/* ------------------------------------------------- interpreter, extends */

static const char *
interp_of(const char *head)
{
	static char	out[256];

	if (profile_interpreter(head, strlen(head), out, sizeof(out)) == -1)
		return "(none)";
	return out;
}

START_TEST(interpreter_is_the_shebang_program)
{
	ck_assert_str_eq(interp_of("#!/bin/sh\necho\n"), "/bin/sh");
	ck_assert_str_eq(interp_of("#! /usr/bin/perl -wT\r\n"),
	    "/usr/bin/perl");
}
END_TEST

START_TEST(interpreter_through_env_is_the_program_env_runs)
{
	ck_assert_str_eq(interp_of("#!/usr/bin/env python3\n"), "python3");
	ck_assert_str_eq(interp_of("#!/usr/bin/env -S perl -T\n"), "perl");
	ck_assert_str_eq(interp_of("#!/bin/env LANG=C bash\n"), "bash");
}
END_TEST

START_TEST(interpreter_needs_an_absolute_shebang)
{
	ck_assert_str_eq(interp_of("\x7f" "ELF\x02\x01"), "(none)");
	ck_assert_str_eq(interp_of("#!sh\n"), "(none)");
	ck_assert_str_eq(interp_of("#!/usr/bin/env\n"), "(none)");
}
END_TEST

START_TEST(interpreter_name_matches_wherever_the_script_lives)
{
	struct profile_set	 set;
	const struct profile	*p;
	char			 why[512];

	write_file("shell.conf", "[profile]\ninterpreter = sh dash bash\n");
	write_file("python.conf", "[profile]\ninterpreter = python3*\n");
	load_set(&set);
	p = profile_match_script(&set, "/var/www/site/cgi-bin/status.cgi",
	    "/bin/sh", NULL, why, sizeof(why));
	ck_assert_str_eq(p->name, "shell");
	ck_assert_msg(strstr(why, "interpreter sh (#! /bin/sh)") != NULL,
	    "why names the interpreter: \"%s\"", why);
	p = profile_match_script(&set, "/usr/lib/cgi-bin/app", "python3.11",
	    NULL, NULL, 0);
	ck_assert_str_eq(p->name, "python");
	p = profile_match_script(&set, "/usr/lib/cgi-bin/a.cgi", NULL, NULL,
	    NULL, 0);
	ck_assert_str_eq(p->name, "default");
	profile_set_free(&set);
}
END_TEST

START_TEST(interpreter_path_entry_matches_the_spelled_path)
{
	struct profile_set	 set;
	const struct profile	*p;

	write_file("local.conf", "[profile]\ninterpreter = /opt/*/bin/sh\n");
	load_set(&set);
	p = profile_match_script(&set, "/cgi/x", "/opt/busy/bin/sh", NULL,
	    NULL, 0);
	ck_assert_str_eq(p->name, "local");
	p = profile_match_script(&set, "/cgi/x", "sh", NULL, NULL, 0);
	ck_assert_str_eq(p->name, "default");
	profile_set_free(&set);
}
END_TEST

START_TEST(path_beats_directory_beats_interpreter)
{
	struct profile_set	 set;
	const struct profile	*p;
	char			 why[512];

	write_file("bypath.conf", "[profile]\nmatch = /srv/cgi/app/x.cgi\n");
	write_file("bydir.conf", "[profile]\ndirectory = /srv/cgi\n");
	write_file("byinterp.conf", "[profile]\ninterpreter = sh\n");
	load_set(&set);
	p = profile_match_script(&set, "/srv/cgi/app/x.cgi", "/bin/sh", NULL,
	    NULL, 0);
	ck_assert_str_eq(p->name, "bypath");
	p = profile_match_script(&set, "/srv/cgi/app/y.cgi", "/bin/sh", NULL,
	    why, sizeof(why));
	ck_assert_str_eq(p->name, "bydir");
	ck_assert_msg(strncmp(why, "directory /srv/cgi in ", 22) == 0,
	    "why: \"%s\"", why);
	p = profile_match_script(&set, "/srv/other/y.cgi", "/bin/sh", NULL,
	    NULL, 0);
	ck_assert_str_eq(p->name, "byinterp");
	profile_set_free(&set);
}
END_TEST

START_TEST(deepest_directory_wins)
{
	struct profile_set	 set;
	const struct profile	*p;

	write_file("www.conf", "[profile]\ndirectory = /var/www\n");
	write_file("site.conf", "[profile]\ndirectory = /var/www/*/cgi-bin\n");
	load_set(&set);
	p = profile_match_script(&set, "/var/www/a/cgi-bin/x.cgi", NULL, NULL,
	    NULL, 0);
	ck_assert_str_eq(p->name, "site");
	p = profile_match_script(&set, "/var/www/a/x.cgi", NULL, NULL, NULL,
	    0);
	ck_assert_str_eq(p->name, "www");
	p = profile_match_script(&set, "/var/wwwx/a.cgi", NULL, NULL, NULL,
	    0);
	ck_assert_str_eq(p->name, "default");
	profile_set_free(&set);
}
END_TEST

START_TEST(bad_interpreter_entry_is_an_error)
{
	load_fails_at("[profile]\ninterpreter = sh perl;x\n", 2,
	    "expected a program name");
}
END_TEST

START_TEST(extends_copies_the_other_profile_and_adds_to_its_lists)
{
	struct profile	p;

	write_file("base.conf", "[profile]\ninterpreter = sh\nmatch = /b\n"
	    "[identity]\nuser = nobody\ngroup = nogroup\n"
	    "[limits]\ntimeout = 30\nmemory = 256M\n"
	    "[filesystem]\nexec = /usr/bin/cat /usr/bin/awk\n");
	load_ok("local.conf", "[profile]\nextends = base\nmatch = /srv/x\n"
	    "[limits]\ntimeout = 90\n[filesystem]\nexec = /usr/bin/id\n", &p);
	ck_assert_str_eq(p.name, "local");
	ck_assert_str_eq(p.extends, "base");
	ck_assert(has(&p.exec_allow, "/usr/bin/cat"));
	ck_assert(has(&p.exec_allow, "/usr/bin/awk"));
	ck_assert(has(&p.exec_allow, "/usr/bin/id"));
	ck_assert_uint_eq(p.timeout, 90);
	ck_assert_uint_eq(p.limit_as, 256ULL << 20);
	ck_assert_str_eq(p.group, "nogroup");
	/* what the other profile matches is its own */
	ck_assert_uint_eq(p.match.n, 1);
	ck_assert_str_eq(p.match.v[0], "/srv/x");
	ck_assert_uint_eq(p.match_interp.n, 0);
	ck_assert_str_eq(strrchr(p.file, '/'), "/local.conf");
	profile_free(&p);
}
END_TEST

START_TEST(extends_must_come_first)
{
	write_file("base.conf", "[profile]\n");
	load_fails_at("[profile]\nmatch = /x\nextends = base\n", 3,
	    "extends must be the first key");
}
END_TEST

START_TEST(extends_of_a_missing_profile_is_an_error)
{
	load_fails_at("[profile]\nextends = nosuch\n", 2,
	    "extends nosuch: ");
}
END_TEST

START_TEST(extends_loop_is_an_error)
{
	write_file("a.conf", "[profile]\nextends = t\n");
	load_fails_at("[profile]\nextends = a\n", 2, "deep (a loop?)");
}
END_TEST

/* ------------------------------------------------------------ shipped */

static void
load_shipped(struct profile_set *set)
{
	const char	*dir;
	struct stat	 st;

	dir = srcdir_path("profiles");
	ck_assert_msg(stat(dir, &st) == 0, "%s: %s (set top_srcdir)", dir,
	    strerror(errno));
	ck_assert_msg(profile_load_dir(dir, set, err, sizeof(err)) == 0,
	    "shipped profiles must load: %s", err);
}

static const struct profile *
shipped(const struct profile_set *set, const char *name)
{
	const struct profile	*p;
	char			 why[256];

	p = profile_match(set, "/", name, why, sizeof(why));
	ck_assert_msg(strncmp(why, "explicit", 8) == 0,
	    "shipped profile %s is missing", name);
	return p;
}

START_TEST(all_shipped_profiles_load)
{
	static const char *const names[] = { "cgit", "default",
	    "git-http-backend", "gitweb", "perl-cgi", "python-cgi",
	    "shell-cgi" };
	struct profile_set	set;
	size_t			i;

	load_shipped(&set);
	ck_assert_uint_eq(set.n, sizeof(names) / sizeof(names[0]));
	for (i = 0; i < set.n; i++) {
		ck_assert_str_eq(set.v[i].name, names[i]);
		ck_assert_ptr_nonnull(set.v[i].file);
	}
	profile_set_free(&set);
}
END_TEST

START_TEST(shipped_default_is_the_strictest)
{
	struct profile_set	 set;
	const struct profile	*d;
	size_t			 i;

	load_shipped(&set);
	d = shipped(&set, "default");
	ck_assert_uint_eq(d->exec_allow.n, 0);
	ck_assert_uint_eq(d->writable.n, 0);
	ck_assert_int_eq(d->net_none, 1);
	ck_assert_int_eq(d->mode, MODE_ENFORCE);
	ck_assert_uint_eq(d->syscall_allow.n, 0);
	ck_assert_str_eq(d->user, "nobody");
	for (i = 0; i < set.n; i++)
		ck_assert_msg(profile_exposure(d) <=
		    profile_exposure(&set.v[i]), "default scores %.2f, "
		    "above %s's %.2f", profile_exposure(d), set.v[i].name,
		    profile_exposure(&set.v[i]));
	profile_set_free(&set);
}
END_TEST

START_TEST(shipped_git_http_backend_writes_srv_git)
{
	struct profile_set	 set;
	const struct profile	*p;

	load_shipped(&set);
	p = shipped(&set, "git-http-backend");
	ck_assert_uint_eq(p->writable.n, 1);
	ck_assert_str_eq(p->writable.v[0], "/srv/git");
	ck_assert(has(&p->exec_allow, "/usr/lib/git-core/git"));
	ck_assert_int_eq(p->net_none, 1);
	profile_set_free(&set);
}
END_TEST

START_TEST(shipped_profiles_match_their_programs)
{
	static const struct {
		const char	*path;
		const char	*interp;
		const char	*name;
	} t[] = {
		{ "/usr/lib/git-core/git-http-backend", NULL,
		    "git-http-backend" },
		{ "/usr/lib/cgit/cgit.cgi", NULL, "cgit" },
		{ "/usr/share/gitweb/gitweb.cgi", "/usr/bin/perl", "gitweb" },
		{ "/usr/lib/cgi-bin/status.sh", "/bin/sh", "shell-cgi" },
		{ "/usr/lib/cgi-bin/status.cgi", "/bin/sh", "shell-cgi" },
		{ "/usr/lib/cgi-bin/sub/report", "/bin/bash", "shell-cgi" },
		{ "/var/www/site/cgi-bin/x.cgi", "/bin/sh", "shell-cgi" },
		{ "/usr/lib/cgi-bin/form.pl", "/usr/bin/perl", "perl-cgi" },
		{ "/var/www/site/cgi-bin/form.cgi", "perl", "perl-cgi" },
		{ "/usr/lib/cgi-bin/app.py", "/usr/bin/python3", "python-cgi" },
		{ "/srv/www/cgi-bin/app.cgi", "python3", "python-cgi" },
		{ "/usr/lib/cgi-bin/mainfunction.cgi", NULL, "default" },
		{ "/usr/lib/cgi-bin/x.sh", "/usr/bin/tclsh", "default" },
	};
	struct profile_set	 set;
	const struct profile	*p;
	char			 why[512];
	size_t			 i;

	load_shipped(&set);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		p = profile_match_script(&set, t[i].path, t[i].interp, NULL,
		    why, sizeof(why));
		ck_assert_msg(strcmp(p->name, t[i].name) == 0,
		    "%s: expected %s, got %s (%s)", t[i].path, t[i].name,
		    p->name, why);
	}
	profile_set_free(&set);
}
END_TEST

/* ------------------------------------------------------------ exposure */

START_TEST(shipped_scores_are_ordered)
{
	struct profile_set	set;
	double			d, s, g;

	load_shipped(&set);
	d = profile_exposure(shipped(&set, "default"));
	s = profile_exposure(shipped(&set, "shell-cgi"));
	g = profile_exposure(shipped(&set, "git-http-backend"));
	/* shell-cgi lists awk, which the score counts as a general
	 * program: it is no longer below git-http-backend */
	ck_assert_msg(d < s && d < g, "expected default %.2f below shell-cgi "
	    "%.2f and git-http-backend %.2f", d, s, g);
	profile_set_free(&set);
}
END_TEST

START_TEST(scores_stay_within_zero_and_ten)
{
	struct profile_set	set;
	size_t			i;
	double			x;

	load_shipped(&set);
	for (i = 0; i < set.n; i++) {
		x = profile_exposure(&set.v[i]);
		ck_assert_msg(x >= 0.0 && x <= 10.0, "%s scores %.2f",
		    set.v[i].name, x);
	}
	profile_set_free(&set);
}
END_TEST

static const char wide_open[] =
	"[profile]\nmode = complain\n"
	"[identity]\nuser = www-data\n"
	"[limits]\ncpu = infinity\nmemory = infinity\nprocesses = infinity\n"
	"[filesystem]\nexec = /**\nwritable = /\nbind_ro = /home\n"
	"[network]\nconnect = tcp:25 unix:/run/x.sock\n"
	"[syscalls]\nallow = @privileged @mount @module\n"
	"[environment]\nquery = raw\npass = HTTP_PROXY\n";

START_TEST(wide_open_profile_scores_ten)
{
	struct profile	p;

	load_ok("open.conf", wide_open, &p);
	ck_assert_msg(profile_exposure(&p) >= 9.99, "wide open scores %.2f",
	    profile_exposure(&p));
	ck_assert_msg(profile_exposure(&p) <= 10.0, "capped at 10");
	profile_free(&p);
}
END_TEST

START_TEST(tight_profile_scores_zero)
{
	struct profile	p;

	load_ok("tight.conf", "[environment]\nsuspicious = reject\n", &p);
	ck_assert_msg(profile_exposure(&p) == 0.0, "tight scores %.2f",
	    profile_exposure(&p));
	profile_free(&p);
}
END_TEST

START_TEST(complain_mode_scores_as_if_unrestricted)
{
	struct profile	p;

	load_ok("cm.conf", "[profile]\nmode = complain\n", &p);
	ck_assert_msg(profile_exposure(&p) >= 8.5, "complain scores %.2f",
	    profile_exposure(&p));
	profile_free(&p);
}
END_TEST

START_TEST(tcp_scores_above_unix_socket)
{
	struct profile	u, t;

	load_ok("u.conf", "[network]\nconnect = unix:/run/pg.sock\n", &u);
	load_ok("t.conf", "[network]\nconnect = tcp:5432\n", &t);
	ck_assert(profile_exposure(&u) > 0.25);
	ck_assert(profile_exposure(&t) > profile_exposure(&u));
	profile_free(&u);
	profile_free(&t);
}
END_TEST

START_TEST(shell_on_exec_list_scores_as_broad)
{
	struct profile	a, b;

	load_ok("a.conf", "[filesystem]\nexec = /usr/bin/sed\n", &a);
	load_ok("b.conf", "[filesystem]\nexec = /usr/bin/bash\n", &b);
	ck_assert(profile_exposure(&b) > profile_exposure(&a));
	profile_free(&a);
	profile_free(&b);
}
END_TEST

START_TEST(exec_under_a_writable_path_scores_as_broad)
{
	struct profile	a, b;

	load_ok("a.conf", "[filesystem]\nexec = /srv/git/hooks/x\n"
	    "writable = /srv/data\n", &a);
	load_ok("b.conf", "[filesystem]\nexec = /srv/git/hooks/x\n"
	    "writable = /srv/git\n", &b);
	ck_assert(profile_exposure(&b) > profile_exposure(&a));
	profile_free(&a);
	profile_free(&b);
}
END_TEST

START_TEST(profile_running_as_root_scores_ten)
{
	struct profile	p;

	ck_assert_int_eq(profile_defaults(&p, "r"), 0);
	p.uid = 0;
	p.gid = 0;
	ck_assert_msg(profile_exposure(&p) == 10.0,
	    "root scores %.2f, not 10", profile_exposure(&p));
	profile_free(&p);
}
END_TEST

/* ------------------------------------------------------------ describe */

START_TEST(describe_prints_every_key)
{
	static const char *const lines[] = {
		"profile.name = everything\n",
		"profile.match = /srv/cgi/*.cgi /srv/other/**\n",
		"profile.mode = complain\n",
		"identity.user = www-data (uid ",
		"identity.group = nogroup (gid ",
		"limits.timeout = 300s\n",
		"limits.cpu = 90s\n",
		"limits.memory = 2G\n",
		"limits.processes = 7\n",
		"limits.files = 99\n",
		"limits.file_size = 64K\n",
		"limits.output = 1T\n",
		"limits.body = 1\n",
		"filesystem.exec = /usr/bin/git /usr/lib/git-core/*\n",
		"filesystem.writable = /srv/git\n",
		"filesystem.hidden = /etc/gitweb.conf\n",
		"filesystem.bind_ro = /srv/data\n",
		"network.connect = unix:/run/postgresql/.s.PGSQL.5432 "
		    "tcp:5432\n",
		"syscalls.allow = @mount memfd_create\n",
		"syscalls.deny = @network-io bpf\n",
		"syscalls.action = kill\n",
		"syscalls.errno = EACCES\n",
		"environment.query = raw\n",
		"environment.suspicious = reject\n",
		"environment.drop = HTTP_COOKIE\n",
		"environment.pass = GIT_PROJECT_ROOT\n",
		"exposure = ",
		"exposure.network = 2.50 of 2.50\n",
	};
	struct profile	 p;
	char		*buf = NULL;
	size_t		 len = 0, i;
	FILE		*fp;

	load_ok("every.conf", every_key, &p);
	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	profile_describe(&p, fp);
	ck_assert_int_eq(fclose(fp), 0);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ck_assert_msg(strstr(buf, lines[i]) != NULL,
		    "missing \"%s\" in:\n%s", lines[i], buf);
	free(buf);
	profile_free(&p);
}
END_TEST

START_TEST(describe_says_what_empty_means)
{
	struct profile	 p;
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*fp;

	load_ok("e.conf", "", &p);
	fp = open_memstream(&buf, &len);
	profile_describe(&p, fp);
	fclose(fp);
	ck_assert_msg(strstr(buf, "filesystem.exec = (script and interpreter "
	    "only)\n") != NULL, "%s", buf);
	ck_assert_msg(strstr(buf, "network.connect = none\n") != NULL, "%s",
	    buf);
	ck_assert_msg(strstr(buf, "exposure = 0.25\n") != NULL, "%s", buf);
	free(buf);
	profile_free(&p);
}
END_TEST

START_TEST(man_page_documents_every_key)
{
	struct profile	 p;
	char		*desc = NULL, *man = NULL, *line, *dot, *eq, want[128];
	size_t		 len = 0, n = 0, keys = 0;
	FILE		*fp;

	/* The keys are what profile_describe() prints as section.key. */
	ck_assert_int_eq(profile_defaults(&p, "x"), 0);
	fp = open_memstream(&desc, &len);
	profile_describe(&p, fp);
	fclose(fp);
	profile_free(&p);

	fp = fopen(srcdir_path("man/safecgi-profile.5"), "r");
	ck_assert_msg(fp != NULL, "man/safecgi-profile.5: %s",
	    strerror(errno));
	ck_assert(getdelim(&man, &n, '\0', fp) > 0);
	fclose(fp);

	for (line = strtok(desc, "\n"); line != NULL;
	    line = strtok(NULL, "\n")) {
		if (strncmp(line, "exposure", 8) == 0 ||
		    strncmp(line, "profile.file ", 13) == 0)
			continue;
		dot = strchr(line, '.');
		eq = strchr(line, ' ');
		ck_assert(dot != NULL && eq != NULL && dot < eq);
		snprintf(want, sizeof(want), ".It Ic %.*s No =",
		    (int)(eq - dot - 1), dot + 1);
		ck_assert_msg(strstr(man, want) != NULL,
		    "safecgi-profile.5 does not document \"%s\"", want);
		keys++;
	}
	ck_assert_uint_eq(keys, 37);
	free(desc);
	free(man);
}
END_TEST

/* ------------------------------------------------------------ admission */

START_TEST(queue_keys_are_parsed)
{
	struct profile	p;

	load_ok("q.conf", "[limits]\nrequests = 12\n[queue]\nlength = 7\n"
	    "wait = 2min\n", &p);
	ck_assert_uint_eq(p.limit_requests, 12);
	ck_assert_uint_eq(p.queue_length, 7);
	ck_assert_uint_eq(p.queue_wait, 120);
	profile_free(&p);
}
END_TEST

START_TEST(queue_defaults_are_auto_64_and_30s)
{
	struct profile	p;

	load_ok("q.conf", "# nothing here\n", &p);
	ck_assert_msg(p.limit_requests == 0, "requests defaults to auto (0)");
	ck_assert_uint_eq(p.queue_length, 64);
	ck_assert_uint_eq(p.queue_wait, 30);
	profile_free(&p);
}
END_TEST

START_TEST(requests_auto_is_written_auto)
{
	struct profile	p;

	load_ok("q.conf", "[limits]\nrequests = auto\n", &p);
	ck_assert_uint_eq(p.limit_requests, 0);
	profile_free(&p);
}
END_TEST

START_TEST(explicit_requests_win_over_auto)
{
	struct profile	p;

	ck_assert_int_eq(profile_defaults(&p, "x"), 0);
	p.limit_requests = 300;
	ck_assert_uint_eq(profile_requests(&p, 2, 1ULL << 30, 1), 300);
	profile_free(&p);
}
END_TEST

START_TEST(requests_auto_takes_the_least_of_memory_processes_cpus)
{
	struct profile	p;

	ck_assert_int_eq(profile_defaults(&p, "x"), 0);
	p.limit_as = 512ULL << 20;
	p.limit_nproc = 1024;
	/* 2 GiB at 512M each */
	ck_assert_uint_eq(profile_requests(&p, 8, 2ULL << 30, 1), 4);
	/* a quarter of 32 processes, when they are counted per user */
	p.limit_nproc = 32;
	ck_assert_uint_eq(profile_requests(&p, 8, 64ULL << 30, 1), 8);
	/* with a per-request cgroup, processes do not limit how many run */
	ck_assert_uint_eq(profile_requests(&p, 8, 64ULL << 30, 0), 128);
	ck_assert_uint_eq(profile_requests(&p, 2, 64ULL << 30, 0), 64);
	/* 32 per CPU */
	p.limit_nproc = PROFILE_UNLIMITED;
	ck_assert_uint_eq(profile_requests(&p, 2, 64ULL << 30, 1), 64);
	/* unlimited memory and processes: the CPUs alone */
	p.limit_as = PROFILE_UNLIMITED;
	ck_assert_uint_eq(profile_requests(&p, 3, 1ULL << 30, 1), 96);
	/* never 0 */
	p.limit_as = 1ULL << 40;
	ck_assert_uint_eq(profile_requests(&p, 2, 1ULL << 30, 1), 1);
	profile_free(&p);
}
END_TEST

/* ------------------------------------------------------------ main */

static Suite *
profile_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("profile");

	tc = tcase_create("parse");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, every_key_is_parsed);
	tcase_add_test(tc, empty_file_gets_the_documented_defaults);
	tcase_add_test(tc, profile_defaults_leaves_identity_unresolved);
	tcase_add_test(tc, user_without_group_takes_its_primary_group);
	tcase_add_test(tc, numeric_user_and_group_are_taken_as_ids);
	tcase_add_test(tc, list_keys_accept_repeats_spaces_and_indented_lines);
	tcase_add_test(tc, sizes_take_binary_suffixes_and_infinity);
	tcase_add_test(tc, times_take_s_min_and_h);
	tcase_add_test(tc, inline_semicolon_comments_are_ignored);
	tcase_add_test(tc, connect_none_is_the_default_and_can_be_written);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unknown_section_is_an_error_at_its_line);
	tcase_add_test(tc, unknown_key_is_an_error_at_its_line);
	tcase_add_test(tc, key_outside_a_section_is_an_error);
	tcase_add_test(tc, syntax_error_is_reported_at_its_line);
	tcase_add_test(tc, bad_enum_value_is_an_error);
	tcase_add_test(tc, bad_size_is_an_error);
	tcase_add_test(tc, size_overflow_is_an_error);
	tcase_add_test(tc, bare_small_memory_suggests_a_suffix);
	tcase_add_test(tc, memory_minimum_is_given_with_its_unit);
	tcase_add_test(tc, zero_cpu_is_an_error);
	tcase_add_test(tc, cpu_quota_takes_a_percentage_of_one_cpu);
	tcase_add_test(tc, cpu_quota_defaults_to_one_cpu);
	tcase_add_test(tc, cpu_quota_without_percent_sign_is_an_error);
	tcase_add_test(tc, zero_body_is_an_error_not_unlimited);
	tcase_add_test(tc, unlimited_files_is_an_error);
	tcase_add_test(tc, tmp_defaults_to_64m_and_takes_a_size);
	tcase_add_test(tc, unlimited_tmp_is_an_error);
	tcase_add_test(tc, tmp_below_1m_is_an_error);
	tcase_add_test(tc, timeout_beyond_a_day_is_an_error);
	tcase_add_test(tc, negative_number_is_an_error);
	tcase_add_test(tc, scalar_set_twice_is_an_error);
	tcase_add_test(tc, two_values_for_a_scalar_is_an_error);
	tcase_add_test(tc, hash_inline_comment_is_explained);
	tcase_add_test(tc, missing_value_is_an_error);
	tcase_add_test(tc, unknown_user_is_an_error);
	tcase_add_test(tc, unknown_group_is_an_error);
	tcase_add_test(tc, root_user_is_refused);
	tcase_add_test(tc, root_uid_is_refused);
	tcase_add_test(tc, root_group_is_refused);
	tcase_add_test(tc, numeric_user_without_entry_needs_a_group);
	tcase_add_test(tc, relative_match_glob_is_an_error);
	tcase_add_test(tc, dotdot_in_match_glob_is_an_error);
	tcase_add_test(tc, double_star_inside_a_component_is_an_error);
	tcase_add_test(tc, unclosed_bracket_is_an_error);
	tcase_add_test(tc, trailing_slash_in_glob_is_an_error);
	tcase_add_test(tc, glob_in_writable_is_an_error);
	tcase_add_test(tc, root_is_refused_for_hidden);
	tcase_add_test(tc, path_in_two_filesystem_lists_is_an_error);
	tcase_add_test(tc, connect_none_with_entries_is_an_error);
	tcase_add_test(tc, connect_bad_port_is_an_error);
	tcase_add_test(tc, connect_relative_unix_path_is_an_error);
	tcase_add_test(tc, connect_unknown_kind_is_an_error);
	tcase_add_test(tc, tilde_in_syscalls_is_an_error);
	tcase_add_test(tc, tilde_in_deny_is_explained);
	tcase_add_test(tc, hash_in_a_list_is_explained);
	tcase_add_test(tc, bad_syscall_name_is_an_error);
	tcase_add_test(tc, syscall_allowed_and_denied_is_an_error);
	tcase_add_test(tc, unknown_errno_is_an_error);
	tcase_add_test(tc, bad_action_is_an_error);
	tcase_add_test(tc, variable_dropped_and_passed_is_an_error);
	tcase_add_test(tc, bad_variable_name_is_an_error);
	tcase_add_test(tc, bad_profile_name_is_an_error);
	tcase_add_test(tc, long_line_is_an_error_not_split);
	tcase_add_test(tc, first_error_wins);
	tcase_add_test(tc, file_name_that_is_no_profile_name_needs_name);
	tcase_add_test(tc, world_writable_file_is_refused);
	tcase_add_test(tc, file_owned_by_another_user_is_refused);
	tcase_add_test(tc, missing_file_is_an_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("directory");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, directory_without_default_gets_a_built_in_one);
	tcase_add_test(tc, directory_loads_only_conf_files_sorted_by_name);
	tcase_add_test(tc, duplicate_profile_name_is_an_error_at_its_line);
	tcase_add_test(tc, duplicate_of_a_file_name_is_an_error);
	tcase_add_test(tc, error_in_one_file_fails_the_directory);
	tcase_add_test(tc, no_directory_gives_the_built_in_default_alone);
	tcase_add_test(tc, missing_directory_is_an_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("glob");
	tcase_add_test(tc, star_does_not_cross_a_slash);
	tcase_add_test(tc, double_star_matches_zero_or_more_directories);
	tcase_add_test(tc, trailing_double_star_is_everything_beneath);
	tcase_add_test(tc, question_mark_brackets_and_escapes_match_one_byte);
	tcase_add_test(tc, glob_is_bytewise_and_never_matches_relative_paths);
	tcase_add_test(tc, backtracking_star_matches_late);
	suite_add_tcase(s, tc);

	tc = tcase_create("match");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, most_specific_glob_wins);
	tcase_add_test(tc, why_names_the_glob_and_its_file);
	tcase_add_test(tc, exact_path_beats_glob_of_equal_literals);
	tcase_add_test(tc, double_star_never_outranks_an_exact_path);
	tcase_add_test(tc, tie_goes_to_the_name_that_sorts_first);
	tcase_add_test(tc, tie_rule_does_not_depend_on_set_order);
	tcase_add_test(tc, explicit_name_wins_over_globs);
	tcase_add_test(tc, unknown_explicit_name_falls_back_to_globs);
	tcase_add_test(tc, unknown_explicit_name_without_match_gets_default);
	tcase_add_test(tc, no_match_gets_default);
	tcase_add_test(tc, why_is_truncated_not_overflowed);
	tcase_add_test(tc, match_on_a_set_without_default_returns_null);
	tcase_add_test(tc, interpreter_is_the_shebang_program);
	tcase_add_test(tc, interpreter_through_env_is_the_program_env_runs);
	tcase_add_test(tc, interpreter_needs_an_absolute_shebang);
	tcase_add_test(tc, interpreter_name_matches_wherever_the_script_lives);
	tcase_add_test(tc, interpreter_path_entry_matches_the_spelled_path);
	tcase_add_test(tc, path_beats_directory_beats_interpreter);
	tcase_add_test(tc, deepest_directory_wins);
	tcase_add_test(tc, bad_interpreter_entry_is_an_error);
	tcase_add_test(tc, extends_copies_the_other_profile_and_adds_to_its_lists);
	tcase_add_test(tc, extends_must_come_first);
	tcase_add_test(tc, extends_of_a_missing_profile_is_an_error);
	tcase_add_test(tc, extends_loop_is_an_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("shipped");
	tcase_add_test(tc, all_shipped_profiles_load);
	tcase_add_test(tc, shipped_default_is_the_strictest);
	tcase_add_test(tc, shipped_git_http_backend_writes_srv_git);
	tcase_add_test(tc, shipped_profiles_match_their_programs);
	suite_add_tcase(s, tc);

	tc = tcase_create("exposure");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, shipped_scores_are_ordered);
	tcase_add_test(tc, scores_stay_within_zero_and_ten);
	tcase_add_test(tc, wide_open_profile_scores_ten);
	tcase_add_test(tc, tight_profile_scores_zero);
	tcase_add_test(tc, complain_mode_scores_as_if_unrestricted);
	tcase_add_test(tc, tcp_scores_above_unix_socket);
	tcase_add_test(tc, shell_on_exec_list_scores_as_broad);
	tcase_add_test(tc, exec_under_a_writable_path_scores_as_broad);
	tcase_add_test(tc, profile_running_as_root_scores_ten);
	suite_add_tcase(s, tc);

	tc = tcase_create("admission");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, queue_keys_are_parsed);
	tcase_add_test(tc, queue_defaults_are_auto_64_and_30s);
	tcase_add_test(tc, requests_auto_is_written_auto);
	tcase_add_test(tc, explicit_requests_win_over_auto);
	tcase_add_test(tc, requests_auto_takes_the_least_of_memory_processes_cpus);
	suite_add_tcase(s, tc);

	tc = tcase_create("describe");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, describe_prints_every_key);
	tcase_add_test(tc, describe_says_what_empty_means);
	tcase_add_test(tc, man_page_documents_every_key);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(profile_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
