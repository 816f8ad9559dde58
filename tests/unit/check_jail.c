/*
 * Unit tests for jail.c: the rule list built from a profile, the
 * may-exec and may-write answers taken from that list, the Landlock
 * ruleset built from the same list, and the real per-request sequence
 * (jail_child_exec) run in a child whose state is read from outside,
 * through /proc.  The runtime tests need root and Landlock, and fail
 * without them.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <sys/types.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "jail.h"
#include "profile.h"

#define LIST(...) ((struct strlist){ (char *[]){ __VA_ARGS__, NULL }, \
	sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *) })

#define TEST_UID	65534
#define TEST_GID	65534
#define LDSO		"/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
#define SCRIPT		"/srv/cgi/app.cgi"
#define INTERP		"/usr/bin/perl"

static struct profile
test_profile(void)
{
	struct profile	p;

	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "test");
	p.mode = MODE_ENFORCE;
	p.uid = TEST_UID;
	p.gid = TEST_GID;
	p.net_none = 1;
	p.deny_errno = EPERM;
	p.limit_cpu = 10;
	p.limit_as = 1ULL << 30;
	p.limit_nproc = 17;
	p.limit_nofile = 23;
	p.limit_fsize = 1 << 20;
	return p;
}

static struct jail_policy
policy_of(const struct profile *p)
{
	struct jail_policy	pol;

	ck_assert_int_eq(jail_policy_build(p, LDSO, &pol), 0);
	return pol;
}

/* The rule for path in pol, or NULL. */
static const struct jail_rule *
rule_for(const struct jail_policy *pol, const char *path)
{
	size_t	i;

	for (i = 0; i < pol->n; i++)
		if (strcmp(pol->v[i].path, path) == 0)
			return &pol->v[i];
	return NULL;
}

/* The exec answer for an existing path: canonical and raw the same. */
static int
may_exec(const struct jail_policy *pol, const char *path)
{
	return jail_policy_exec(pol, path, path, SCRIPT, INTERP);
}

/* ------------------------------------------------ building the list */

START_TEST(exec_entry_becomes_an_exec_rule)
{
	struct profile		 p = test_profile();
	struct jail_policy	 pol;
	const struct jail_rule	*r;

	p.exec_allow = LIST("/usr/bin/git");
	pol = policy_of(&p);
	ck_assert_msg((r = rule_for(&pol, "/usr/bin/git")) != NULL,
	    "no rule for the exec entry");
	ck_assert_int_eq(r->access, JAIL_EXEC);
	ck_assert_int_eq(r->match, JAIL_BENEATH);
	jail_policy_free(&pol);
}
END_TEST

START_TEST(writable_entry_becomes_a_read_write_rule)
{
	struct profile		 p = test_profile();
	struct jail_policy	 pol;
	const struct jail_rule	*r;

	p.writable = LIST("/srv/git");
	pol = policy_of(&p);
	ck_assert_msg((r = rule_for(&pol, "/srv/git")) != NULL,
	    "no rule for the writable entry");
	ck_assert_int_eq(r->access, JAIL_READ | JAIL_WRITE | JAIL_REFER);
	ck_assert_int_eq(r->match, JAIL_BENEATH);
	jail_policy_free(&pol);
}
END_TEST

START_TEST(trailing_double_star_is_the_directory_before_it)
{
	struct profile		 p = test_profile();
	struct jail_policy	 pol;
	const struct jail_rule	*r;

	p.exec_allow = LIST("/usr/lib/cgit/filters/**");
	pol = policy_of(&p);
	ck_assert_msg((r = rule_for(&pol, "/usr/lib/cgit/filters")) != NULL,
	    "dir/** did not become a rule on dir");
	ck_assert_int_eq(r->match, JAIL_BENEATH);
	jail_policy_free(&pol);
}
END_TEST

START_TEST(root_double_star_is_the_root)
{
	struct profile		 p = test_profile();
	struct jail_policy	 pol;
	size_t			 i;
	int			 found = 0;

	p.exec_allow = LIST("/**");
	pol = policy_of(&p);
	for (i = 0; i < pol.n; i++)
		if (strcmp(pol.v[i].path, "/") == 0 &&
		    pol.v[i].match == JAIL_BENEATH &&
		    pol.v[i].access == JAIL_EXEC)
			found = 1;
	ck_assert_msg(found, "/** did not become an exec rule on /");
	jail_policy_free(&pol);
}
END_TEST

START_TEST(other_glob_stays_a_glob)
{
	struct profile		 p = test_profile();
	struct jail_policy	 pol;
	const struct jail_rule	*r;

	p.exec_allow = LIST("/usr/lib/cgit/filters/*.sh");
	pol = policy_of(&p);
	ck_assert((r = rule_for(&pol, "/usr/lib/cgit/filters/*.sh")) != NULL);
	ck_assert_int_eq(r->match, JAIL_GLOB);
	jail_policy_free(&pol);
}
END_TEST

START_TEST(program_directories_are_not_readable)
{
	struct profile		 p = test_profile();
	struct jail_policy	 pol = policy_of(&p);

	/* ld.so maps whatever the script can open: no program outside
	 * the allowlist may be readable */
	ck_assert_msg(!jail_policy_read(&pol, "/usr/bin/wget"),
	    "/usr/bin is readable: ld.so could run it");
	ck_assert_msg(!jail_policy_read(&pol, "/usr/lib/git-core/git"),
	    "/usr/lib/git-core is readable: ld.so could run git");
	ck_assert(!jail_policy_read(&pol, "/usr/lib/jvm/x/bin/java"));
	jail_policy_free(&pol);
}
END_TEST

START_TEST(the_read_view_holds_libraries_and_vetted_etc)
{
	struct profile		 p = test_profile();
	struct jail_policy	 pol = policy_of(&p);

	ck_assert(jail_policy_read(&pol,
	    "/usr/lib/x86_64-linux-gnu/libc.so.6"));
	ck_assert(jail_policy_read(&pol, "/usr/share/perl5/CGI.pm"));
	ck_assert(jail_policy_read(&pol, "/usr/lib/python3.11/os.py"));
	ck_assert(jail_policy_read(&pol, "/etc/passwd"));
	ck_assert(jail_policy_read(&pol, "/proc/loadavg"));
	jail_policy_free(&pol);
}
END_TEST

START_TEST(secrets_are_outside_the_read_view)
{
	struct profile		 p = test_profile();
	struct jail_policy	 pol = policy_of(&p);

	ck_assert(!jail_policy_read(&pol, "/etc/nginx/htpasswd"));
	ck_assert(!jail_policy_read(&pol, "/etc/ssl/private/key.pem"));
	ck_assert(!jail_policy_read(&pol, "/etc/shadow"));
	ck_assert(!jail_policy_read(&pol, "/var/www/app/db.ini"));
	ck_assert(!jail_policy_read(&pol, "/etc"));
	jail_policy_free(&pol);
}
END_TEST

START_TEST(bind_ro_adds_to_the_read_view)
{
	struct profile		 p = test_profile();
	struct jail_policy	 pol;

	p.bind_ro = LIST("/srv/data");
	pol = policy_of(&p);
	ck_assert_msg(jail_policy_read(&pol, "/srv/data/a"),
	    "bind_ro = /srv/data took no effect");
	jail_policy_free(&pol);
}
END_TEST

START_TEST(a_read_entry_the_jail_hides_is_refused)
{
	struct profile		p = test_profile();
	struct profile_set	ps = { &p, 1 };
	char			err[256];

	p.read_allow = LIST("/run/app");
	ck_assert_int_eq(jail_check_profiles(&ps, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "read = /run/app") != NULL &&
	    strstr(err, "always hides /run") != NULL, "%s", err);
	p.read_allow = LIST("/srv/data");
	p.bind_ro = LIST("/proc/kallsyms");
	ck_assert_int_eq(jail_check_profiles(&ps, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "bind_ro = /proc/kallsyms") != NULL, "%s",
	    err);
	p.bind_ro = LIST("/srv/other");
	ck_assert_int_eq(jail_check_profiles(&ps, err, sizeof(err)), 0);
}
END_TEST

START_TEST(read_adds_to_the_read_view)
{
	struct profile		 p = test_profile();
	struct jail_policy	 pol;

	p.read_allow = LIST("/srv/data", "/etc/cgit*");
	pol = policy_of(&p);
	ck_assert(jail_policy_read(&pol, "/srv/data/x/y.txt"));
	ck_assert(jail_policy_read(&pol, "/etc/cgitrc"));
	ck_assert(!jail_policy_read(&pol, "/srv/other"));
	jail_policy_free(&pol);
}
END_TEST

/* ------------------------------------------------- may it execute? */

START_TEST(script_and_interpreter_may_run)
{
	struct profile		p = test_profile();
	struct jail_policy	pol = policy_of(&p);

	ck_assert_int_eq(may_exec(&pol, SCRIPT), 1);
	ck_assert_int_eq(may_exec(&pol, INTERP), 1);
	jail_policy_free(&pol);
}
END_TEST

START_TEST(unlisted_program_may_not_run)
{
	struct profile		p = test_profile();
	struct jail_policy	pol;

	p.exec_allow = LIST("/usr/bin/git");
	pol = policy_of(&p);
	ck_assert_int_eq(may_exec(&pol, "/usr/bin/git"), 1);
	ck_assert_int_eq(may_exec(&pol, "/usr/bin/wget"), 0);
	ck_assert_int_eq(may_exec(&pol, "/usr/bin/git2"), 0);
	jail_policy_free(&pol);
}
END_TEST

START_TEST(listed_directory_allows_what_is_beneath)
{
	struct profile		p = test_profile();
	struct jail_policy	pol;

	/* "A directory allows everything beneath it", as Landlock does */
	p.exec_allow = LIST("/usr/lib/git-core");
	pol = policy_of(&p);
	ck_assert_int_eq(may_exec(&pol, "/usr/lib/git-core/git-upload-pack"),
	    1);
	ck_assert_int_eq(may_exec(&pol, "/usr/lib/git-core-x/git"), 0);
	jail_policy_free(&pol);
}
END_TEST

START_TEST(double_star_allows_beneath_but_not_a_sibling)
{
	struct profile		p = test_profile();
	struct jail_policy	pol;

	p.exec_allow = LIST("/srv/app/**");
	pol = policy_of(&p);
	ck_assert_int_eq(may_exec(&pol, "/srv/app/bin/x"), 1);
	ck_assert_int_eq(may_exec(&pol, "/srv/apple/x"), 0);
	jail_policy_free(&pol);
}
END_TEST

START_TEST(glob_allows_what_it_matches)
{
	struct profile		p = test_profile();
	struct jail_policy	pol;

	p.exec_allow = LIST("/usr/lib/cgit/filters/*.sh");
	pol = policy_of(&p);
	ck_assert_int_eq(may_exec(&pol, "/usr/lib/cgit/filters/a.sh"), 1);
	ck_assert_int_eq(may_exec(&pol, "/usr/lib/cgit/filters/a.py"), 0);
	jail_policy_free(&pol);
}
END_TEST

START_TEST(raw_name_matching_a_glob_may_run)
{
	struct profile		p = test_profile();
	struct jail_policy	pol;

	/* /bin/sh, listed, resolves to /usr/bin/dash */
	p.exec_allow = LIST("/bin/sh");
	pol = policy_of(&p);
	ck_assert_int_eq(jail_policy_exec(&pol, "/usr/bin/dash", "/bin/sh",
	    SCRIPT, NULL), 1);
	jail_policy_free(&pol);
}
END_TEST

START_TEST(loader_may_not_run_even_when_listed)
{
	struct profile		p = test_profile();
	struct jail_policy	pol;

	p.exec_allow = LIST("/lib/x86_64-linux-gnu/**");
	pol = policy_of(&p);
	ck_assert_int_eq(may_exec(&pol, LDSO), 0);
	ck_assert_int_eq(may_exec(&pol, "/lib/x86_64-linux-gnu/x"), 1);
	jail_policy_free(&pol);
}
END_TEST

START_TEST(root_double_star_allows_all_but_loader_and_scratch)
{
	struct profile		p = test_profile();
	struct jail_policy	pol;

	p.exec_allow = LIST("/**");
	pol = policy_of(&p);
	ck_assert_int_eq(may_exec(&pol, "/usr/bin/wget"), 1);
	ck_assert_int_eq(may_exec(&pol, LDSO), 0);
	ck_assert_int_eq(may_exec(&pol, "/tmp/x.sh"), 0);
	jail_policy_free(&pol);
}
END_TEST

START_TEST(nothing_on_scratch_or_dev_may_run)
{
	struct profile		p = test_profile();
	struct jail_policy	pol = policy_of(&p);

	/* unresolvable here: scratch space is the spawner's */
	ck_assert_int_eq(jail_policy_exec(&pol, NULL, "/tmp/x.sh", SCRIPT,
	    NULL), 0);
	ck_assert_int_eq(jail_policy_exec(&pol, NULL, "/var/tmp/x", SCRIPT,
	    NULL), 0);
	ck_assert_int_eq(jail_policy_exec(&pol, NULL, "/dev/shm/x", SCRIPT,
	    NULL), 0);
	jail_policy_free(&pol);
}
END_TEST

START_TEST(unresolvable_elsewhere_is_left_to_the_kernel)
{
	struct profile		p = test_profile();
	struct jail_policy	pol = policy_of(&p);

	ck_assert_int_eq(jail_policy_exec(&pol, NULL, "/srv/none", SCRIPT,
	    NULL), -1);
	ck_assert_int_eq(jail_policy_exec(&pol, NULL, "/tmpx/y", SCRIPT,
	    NULL), -1);
	jail_policy_free(&pol);
}
END_TEST

/* --------------------------------------------------- may it write? */

START_TEST(scratch_devices_and_own_fds_are_writable)
{
	struct profile		p = test_profile();
	struct jail_policy	pol = policy_of(&p);

	ck_assert(jail_policy_write(&pol, "/tmp/x"));
	ck_assert(jail_policy_write(&pol, "/var/tmp/a/b"));
	ck_assert(jail_policy_write(&pol, "/dev/null"));
	ck_assert(jail_policy_write(&pol, "/dev/stdout"));
	ck_assert(jail_policy_write(&pol, "/dev/fd/1"));
	ck_assert(jail_policy_write(&pol, "/proc/self/fd/2"));
	jail_policy_free(&pol);
}
END_TEST

START_TEST(the_rest_is_not_writable)
{
	struct profile		p = test_profile();
	struct jail_policy	pol = policy_of(&p);

	ck_assert(!jail_policy_write(&pol, "/etc/passwd"));
	ck_assert(!jail_policy_write(&pol, "/dev/sda"));
	ck_assert(!jail_policy_write(&pol, "/dev/stdin"));
	ck_assert(!jail_policy_write(&pol, "/tmpx"));
	ck_assert(!jail_policy_write(&pol, SCRIPT));
	jail_policy_free(&pol);
}
END_TEST

START_TEST(writable_directory_but_not_its_sibling)
{
	struct profile		p = test_profile();
	struct jail_policy	pol;

	p.writable = LIST("/srv/data");
	pol = policy_of(&p);
	ck_assert(jail_policy_write(&pol, "/srv/data"));
	ck_assert(jail_policy_write(&pol, "/srv/data/x/y"));
	ck_assert(!jail_policy_write(&pol, "/srv/database"));
	jail_policy_free(&pol);
}
END_TEST

START_TEST(writable_root_allows_every_write)
{
	struct profile		p = test_profile();
	struct jail_policy	pol;

	p.writable = LIST("/");
	pol = policy_of(&p);
	ck_assert_msg(jail_policy_write(&pol, "/etc/passwd"),
	    "writable = / does not cover /etc/passwd");
	jail_policy_free(&pol);
}
END_TEST

/* -------------------------------------------- the list, resolved */

/* A directory outside every rule of the list; see make_dir below. */
static void	make_dir(char *, size_t);
static void	remove_dir(const char *);

static void
touch(const char *dir, const char *name)
{
	char	path[PATH_MAX];
	int	fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_ne(fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC,
	    0755), -1);
	close(fd);
}

static void
link_to(const char *dir, const char *target, const char *name)
{
	char	path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(symlink(target, path), 0);
}

static int
may_exec_in(const struct jail_policy *pol, const char *dir,
    const char *name)
{
	char	path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return may_exec(pol, path);
}

START_TEST(resolved_glob_covers_what_it_matched)
{
	struct profile		p = test_profile();
	struct jail_policy	pol;
	char			dir[64], glob[96];

	make_dir(dir, sizeof(dir));
	touch(dir, "a.sh");
	snprintf(glob, sizeof(glob), "%s/*.sh", dir);
	p.exec_allow = (struct strlist){ (char *[]){ glob, NULL }, 1 };
	pol = policy_of(&p);
	ck_assert_int_eq(jail_policy_resolve(&pol), 0);
	ck_assert_int_eq(may_exec_in(&pol, dir, "a.sh"), 1);
	jail_policy_free(&pol);
	remove_dir(dir);
}
END_TEST

START_TEST(resolved_glob_does_not_cover_a_later_program)
{
	struct profile		p = test_profile();
	struct jail_policy	pol;
	char			dir[64], glob[96];

	/* as Landlock, whose anchors were opened before b.sh existed */
	make_dir(dir, sizeof(dir));
	touch(dir, "a.sh");
	snprintf(glob, sizeof(glob), "%s/*.sh", dir);
	p.exec_allow = (struct strlist){ (char *[]){ glob, NULL }, 1 };
	pol = policy_of(&p);
	ck_assert_int_eq(jail_policy_resolve(&pol), 0);
	touch(dir, "b.sh");
	ck_assert_int_eq(may_exec_in(&pol, dir, "b.sh"), 0);
	jail_policy_free(&pol);
	remove_dir(dir);
}
END_TEST

START_TEST(resolved_symlink_covers_its_target)
{
	struct profile		p = test_profile();
	struct jail_policy	pol;
	char			dir[64], link[96];

	/* Landlock anchors the target: an execve of it directly runs */
	make_dir(dir, sizeof(dir));
	touch(dir, "prog");
	link_to(dir, "prog", "link");
	snprintf(link, sizeof(link), "%s/link", dir);
	p.exec_allow = (struct strlist){ (char *[]){ link, NULL }, 1 };
	pol = policy_of(&p);
	ck_assert_int_eq(may_exec_in(&pol, dir, "prog"), 0);
	ck_assert_int_eq(jail_policy_resolve(&pol), 0);
	ck_assert_int_eq(may_exec_in(&pol, dir, "prog"), 1);
	ck_assert_int_eq(may_exec_in(&pol, dir, "other"), 0);
	jail_policy_free(&pol);
	remove_dir(dir);
}
END_TEST

START_TEST(resolved_writable_symlink_covers_its_target)
{
	struct profile		p = test_profile();
	struct jail_policy	pol;
	char			dir[64], link[96], real[96];

	make_dir(dir, sizeof(dir));
	snprintf(real, sizeof(real), "%s/data", dir);
	ck_assert_int_eq(mkdir(real, 0755), 0);
	link_to(dir, "data", "link");
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(real, sizeof(real), "%s/data/x", dir);
	p.writable = (struct strlist){ (char *[]){ link, NULL }, 1 };
	pol = policy_of(&p);
	ck_assert_int_eq(jail_policy_resolve(&pol), 0);
	ck_assert(jail_policy_write(&pol, real));
	jail_policy_free(&pol);
	remove_dir(dir);
}
END_TEST

START_TEST(resolving_keeps_the_names_of_own_fds)
{
	struct profile		 p = test_profile();
	struct jail_policy	 pol = policy_of(&p);
	size_t			 i;

	/* /dev/fd resolves to this process's fds, not the script's */
	ck_assert_int_eq(jail_policy_resolve(&pol), 0);
	ck_assert(jail_policy_write(&pol, "/dev/fd/1"));
	for (i = 0; i < pol.n; i++)
		ck_assert_msg(strncmp(pol.v[i].path, "/proc/", 6) != 0 ||
		    strncmp(pol.v[i].path, "/proc/self/", 11) == 0,
		    "a rule names %s", pol.v[i].path);
	jail_policy_free(&pol);
}
END_TEST

/* ---------------------------------------------- the same list, live */

static void
need_root_and_landlock(void)
{
	ck_assert_msg(geteuid() == 0, "these tests run as root");
	ck_assert_msg(jail_landlock_abi() >= 1, "this kernel offers no "
	    "Landlock");
}

/* A jail context as a root spawner of p has it: caps, list, anchors. */
/* The Landlock ABI the jail may use; 0: what the kernel offers. */
static int	abi_cap;

static void
spawner_jail(struct jail *j, struct profile_set *ps, struct profile *p)
{
	memset(j, 0, sizeof(*j));
	j->caps.landlock_abi = jail_landlock_abi();
	if (abi_cap != 0 && j->caps.landlock_abi > abi_cap)
		j->caps.landlock_abi = abi_cap;
	j->caps.uid = 0;
	j->caps.gid = 0;
	ck_assert_ptr_nonnull(realpath("/lib64/ld-linux-x86-64.so.2",
	    j->ldso));
	ps->v = p;
	ps->n = 1;
	j->ps = ps;
	ck_assert_ptr_nonnull(j->policy = calloc(1, sizeof(*j->policy)));
	ck_assert_int_eq(jail_policy_build(p, j->ldso, j->policy), 0);
	ck_assert_ptr_eq(jail_policy_of(j, p), j->policy);
	ck_assert_int_eq(jail_anchors_open(j, j->policy), 0);
}

/* A scratch directory outside every rule, open to every uid. */
static void
make_dir(char *dir, size_t sz)
{
	snprintf(dir, sz, "/var/cache/safecgi-check-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0777), 0);
}

static void
remove_dir(const char *dir)
{
	char	cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

#define NOT_RESTRICTED	213

/* How many anchors a spawner of p opens. */
static size_t
anchors_of(struct profile *p)
{
	struct profile_set	ps;
	struct jail		j;

	spawner_jail(&j, &ps, p);
	return j.nanchor;
}

START_TEST(a_read_entry_beneath_the_read_view_adds_no_anchor)
{
	struct profile	base = test_profile(), p = test_profile();

	need_root_and_landlock();
	p.read_allow = LIST("/usr/share/doc");
	ck_assert_uint_eq(anchors_of(&p), anchors_of(&base));
}
END_TEST

START_TEST(a_writable_entry_beneath_the_read_view_keeps_its_anchor)
{
	struct profile	base = test_profile(), p = test_profile();

	need_root_and_landlock();
	p.writable = LIST("/usr/share/doc");
	ck_assert_uint_eq(anchors_of(&p), anchors_of(&base) + 1);
}
END_TEST

/* Run sh -c cmd under the ruleset rfd; its exit status. */
static int
run_under(int rfd, const char *cmd)
{
	char	sh[PATH_MAX];
	int	status;
	pid_t	pid;

	ck_assert_ptr_nonnull(realpath("/bin/sh", sh));
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
		    syscall(SYS_landlock_restrict_self, rfd, 0) == -1)
			_exit(NOT_RESTRICTED);
		execl(sh, "sh", "-c", cmd, (char *)NULL);
		_exit(NOT_RESTRICTED);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "the shell died: 0x%x", status);
	ck_assert_msg(WEXITSTATUS(status) != NOT_RESTRICTED, "Landlock not "
	    "applied, or the shell did not start");
	return WEXITSTATUS(status);
}

/*
 * Run sh -c cmd under the ruleset the jail builds for p (script
 * /usr/bin/dash, as a shell script would be run); its exit status.
 */
static int
run_under_ruleset(struct profile *p, const char *cmd)
{
	struct profile_set	 ps;
	struct jail		 j;
	char			 sh[PATH_MAX];
	int			 rfd;

	spawner_jail(&j, &ps, p);
	ck_assert_ptr_nonnull(realpath("/bin/sh", sh));
	rfd = jail_ruleset(&j, p, sh, NULL, 0);
	ck_assert_msg(rfd >= 0, "no ruleset: %s", strerror(errno));
	ck_assert_int_eq(jail_ruleset(&j, p, sh, NULL, 0), rfd);
	return run_under(rfd, cmd);
}

/*
 * Two slots whose roots are two scratch directories outside every rule
 * (as the spawner's tmpfs roots are to the rule list): what a ruleset
 * grants there is what its slot anchors grant.
 */
struct two_slots {
	struct jail_slot	sl[2];
	char			dir[2][64];
	char			sh[PATH_MAX];
};

static void
two_slots_jail(struct jail *j, struct profile_set *ps, struct profile *p,
    struct two_slots *t)
{
	size_t	i;

	spawner_jail(j, ps, p);
	ck_assert_ptr_nonnull(realpath("/bin/sh", t->sh));
	for (i = 0; i < 2; i++) {
		make_dir(t->dir[i], sizeof(t->dir[i]));
		t->sl[i].root[0] = open(t->dir[i], O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC);
		ck_assert_int_ne(t->sl[i].root[0], -1);
		t->sl[i].root[1] = -1;	/* ll_rule() skips it */
		t->sl[i].ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
		ck_assert_int_ne(t->sl[i].ns, -1);
	}
	j->slot = t->sl;
	j->nslot = 2;
	/* the scratch rule's rights, as slots_make takes them */
	j->slot_access = JAIL_READ | JAIL_WRITE | JAIL_NOEXEC;
}

static int
write_in(int rfd, const char *dir)
{
	char	cmd[128];

	snprintf(cmd, sizeof(cmd), "echo x > %s/f", dir);
	return run_under(rfd, cmd);
}

START_TEST(ruleset_of_a_slot_lets_its_own_tmp_be_written)
{
	struct profile		p = test_profile();
	struct profile_set	ps;
	struct jail		j;
	struct two_slots	t;
	int			rfd;

	need_root_and_landlock();
	two_slots_jail(&j, &ps, &p, &t);
	ck_assert_int_ge(rfd = jail_ruleset(&j, &p, t.sh, NULL, 1), 0);
	ck_assert_int_eq(write_in(rfd, t.dir[1]), 0);
	remove_dir(t.dir[0]);
	remove_dir(t.dir[1]);
}
END_TEST

START_TEST(ruleset_of_a_slot_refuses_another_slots_tmp)
{
	struct profile		p = test_profile();
	struct profile_set	ps;
	struct jail		j;
	struct two_slots	t;
	char			file[96];
	int			rfd;

	need_root_and_landlock();
	two_slots_jail(&j, &ps, &p, &t);
	ck_assert_int_ge(rfd = jail_ruleset(&j, &p, t.sh, NULL, 1), 0);
	ck_assert_int_ne(write_in(rfd, t.dir[0]), 0);
	snprintf(file, sizeof(file), "%s/f", t.dir[0]);
	ck_assert_msg(access(file, F_OK) == -1 && errno == ENOENT,
	    "slot 1's ruleset let a file be written in slot 0's /tmp");
	remove_dir(t.dir[0]);
	remove_dir(t.dir[1]);
}
END_TEST

/* Is rfd still a cached ruleset of the jail's? */
static int
cached(const struct jail *j, int rfd)
{
	size_t	i;

	for (i = 0; i < JAIL_RULESET_CACHE; i++)
		if (j->cache[i].fd == rfd)
			return 1;
	return 0;
}

START_TEST(a_ruleset_is_built_once_per_slot)
{
	struct profile		p = test_profile();
	struct profile_set	ps;
	struct jail		j;
	struct two_slots	t;
	int			r0, r1;

	need_root_and_landlock();
	two_slots_jail(&j, &ps, &p, &t);
	ck_assert_int_ge(r0 = jail_ruleset(&j, &p, t.sh, NULL, 0), 0);
	ck_assert_int_ge(r1 = jail_ruleset(&j, &p, t.sh, NULL, 1), 0);
	ck_assert_int_ne(r0, r1);
	ck_assert_int_eq(jail_ruleset(&j, &p, t.sh, NULL, 0), r0);
	ck_assert_int_eq(jail_ruleset(&j, &p, t.sh, NULL, 1), r1);
	remove_dir(t.dir[0]);
	remove_dir(t.dir[1]);
}
END_TEST

START_TEST(a_retired_slots_rulesets_are_gone_and_no_other)
{
	struct profile		p = test_profile();
	struct profile_set	ps;
	struct jail		j;
	struct two_slots	t;
	int			r0, r1;

	need_root_and_landlock();
	two_slots_jail(&j, &ps, &p, &t);
	ck_assert_int_ge(r0 = jail_ruleset(&j, &p, t.sh, NULL, 0), 0);
	ck_assert_int_ge(r1 = jail_ruleset(&j, &p, t.sh, NULL, 1), 0);
	/* a root on a filesystem with other files is never empty: the
	 * slot is retired */
	ck_assert_int_eq(jail_slot_reset(&j, 0), -1);
	ck_assert_int_eq(t.sl[0].ns, -1);
	ck_assert_msg(!cached(&j, r0) && fcntl(r0, F_GETFD) == -1 &&
	    errno == EBADF, "slot 0's ruleset outlived its slot");
	ck_assert_msg(cached(&j, r1), "slot 1's ruleset went with slot 0");
	ck_assert_int_eq(jail_ruleset(&j, &p, t.sh, NULL, 1), r1);
	remove_dir(t.dir[0]);
	remove_dir(t.dir[1]);
}
END_TEST

START_TEST(ruleset_lets_a_listed_program_run)
{
	struct profile	p = test_profile();

	need_root_and_landlock();
	p.exec_allow = LIST("/usr/bin/true");
	ck_assert_int_eq(run_under_ruleset(&p, "/usr/bin/true"), 0);
}
END_TEST

START_TEST(ruleset_refuses_an_unlisted_program)
{
	struct profile	p = test_profile();

	need_root_and_landlock();
	p.exec_allow = LIST("/usr/bin/true");
	/* the shell says 126: found, but not executable */
	ck_assert_int_eq(run_under_ruleset(&p, "/usr/bin/id"), 126);
}
END_TEST

START_TEST(abi2_ruleset_refuses_an_unlisted_program)
{
	struct profile	p = test_profile();

	need_root_and_landlock();
	abi_cap = 2;	/* Debian 12's own kernel, 6.1 */
	p.exec_allow = LIST("/usr/bin/true");
	ck_assert_int_eq(run_under_ruleset(&p, "/usr/bin/true"), 0);
	ck_assert_int_eq(run_under_ruleset(&p, "/usr/bin/id"), 126);
}
END_TEST

START_TEST(abi2_ruleset_refuses_a_write_elsewhere)
{
	struct profile	p = test_profile();
	char		dir[64], cmd[128], file[96];

	need_root_and_landlock();
	abi_cap = 2;
	make_dir(dir, sizeof(dir));
	snprintf(cmd, sizeof(cmd), "echo x > %s/f", dir);
	snprintf(file, sizeof(file), "%s/f", dir);
	ck_assert_int_ne(run_under_ruleset(&p, cmd), 0);
	ck_assert_msg(access(file, F_OK) == -1 && errno == ENOENT,
	    "a file was written outside every writable path");
	remove_dir(dir);
}
END_TEST

START_TEST(ruleset_lets_a_writable_directory_be_written)
{
	struct profile	p = test_profile();
	char		dir[64], cmd[128], file[96];

	need_root_and_landlock();
	make_dir(dir, sizeof(dir));
	p.writable = LIST(dir);
	snprintf(cmd, sizeof(cmd), "echo x > %s/f", dir);
	snprintf(file, sizeof(file), "%s/f", dir);
	ck_assert_int_eq(run_under_ruleset(&p, cmd), 0);
	ck_assert_msg(access(file, F_OK) == 0, "the writable file is missing");
	remove_dir(dir);
}
END_TEST

START_TEST(ruleset_refuses_a_write_elsewhere)
{
	struct profile	p = test_profile();
	char		dir[64], cmd[128], file[96];

	need_root_and_landlock();
	make_dir(dir, sizeof(dir));
	snprintf(cmd, sizeof(cmd), "echo x > %s/f", dir);
	snprintf(file, sizeof(file), "%s/f", dir);
	ck_assert_int_ne(run_under_ruleset(&p, cmd), 0);
	ck_assert_msg(access(file, F_OK) == -1 && errno == ENOENT,
	    "a file was written outside every writable path");
	remove_dir(dir);
}
END_TEST

/* ------------------------------------------ the real child sequence */

/* One "Name:\tvalue" line of /proc/pid/status. */
static void
status_line(pid_t pid, const char *name, char *out, size_t outsz)
{
	char	 path[64], line[512];
	size_t	 n = strlen(name);
	FILE	*f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	out[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			snprintf(out, outsz, "%s", line + n + 1 +
			    strspn(line + n + 1, " \t"));
			out[strcspn(out, " \n")] = '\0';
		}
	fclose(f);
}

/* The soft limit on the /proc/pid/limits line that starts with name. */
static void
limit_line(pid_t pid, const char *name, char *out, size_t outsz)
{
	char	 path[64], line[512];
	FILE	*f;

	snprintf(path, sizeof(path), "/proc/%d/limits", (int)pid);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	out[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, name, strlen(name)) == 0)
			snprintf(out, outsz, "%.*s", (int)strcspn(line + 26,
			    " "), line + 26);
	fclose(f);
}

struct started {
	pid_t		pid;
	int		pipe_w;	/* the script's stdin: close to end it */
	int		high;	/* a spawner's fd, above the request's */
	struct stat	out;	/* what the spawner's fd 1 was */
	char		dir[64];
};

/*
 * Until the script sits in read(0, ...): execve has returned by then, and
 * the dynamic loader has closed what it opened.
 */
static void
wait_reading_stdin(pid_t pid)
{
	char	 path[64], line[256];
	FILE	*f;
	int	 i;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	for (i = 0; i < 500; i++) {
		ck_assert_ptr_nonnull(f = fopen(path, "r"));
		line[0] = '\0';
		(void)!fgets(line, sizeof(line), f);
		fclose(f);
		if (strncmp(line, "0 0x0 ", 6) == 0)
			return;
		usleep(10000);
	}
	ck_abort_msg("the script never read its stdin: %s", line);
}

/*
 * As the spawner does it: a root process with no_new_privs clones
 * jail_child_exec() vfork-style into a PID namespace; the script is cat,
 * which waits on its stdin while this test reads its state.
 */
static void
start_child(struct started *st, struct jail_exec *x, struct jail *j,
    struct profile_set *ps, struct profile *p)
{
	static char	 stack[256 * 1024] __attribute__((aligned(16)));
	static char	*argv[] = { "cat", NULL };
	static char	*envp[] = { "PATH=/usr/bin", NULL };
	static uint64_t	 key[3];
	static char	 cat[PATH_MAX];
	struct sigaction sa;
	struct rlimit	 rl;
	int		 in[2], devnull;

	need_root_and_landlock();
	make_dir(st->dir, sizeof(st->dir));
	ck_assert_ptr_nonnull(realpath("/bin/cat", cat));
	spawner_jail(j, ps, p);
	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	/* what the spawner ignores, the script must not */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	ck_assert_int_eq(sigaction(SIGPIPE, &sa, NULL), 0);
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_ne(devnull = open("/dev/null", O_WRONLY | O_CLOEXEC),
	    -1);
	/* fds the script must not inherit: one among the request's, one
	 * where the spawner keeps its own (the master raises the limit) */
	ck_assert_int_ne(open("/", O_RDONLY), -1);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	rl.rlim_cur = rl.rlim_max;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_int_ge(st->high = fcntl(devnull, F_DUPFD, JAIL_FD_HIGH),
	    JAIL_FD_HIGH);
	ck_assert_int_eq(fstat(1, &st->out), 0);

	memset(x, 0, sizeof(*x));
	x->jail = j;
	x->profile = p;
	x->fd_in = in[0];
	x->fd_out = devnull;
	x->fd_err = devnull;
	x->path = cat;
	x->dir = st->dir;
	x->argv = argv;
	x->envp = envp;
	x->exec_key = key;
	ck_assert_int_ge(x->ruleset = jail_ruleset(j, p, cat, NULL, 0), 0);
	/* as the spawner does: the child starts on our table */
	st->pid = clone(jail_child_exec, stack + sizeof(stack),
	    CLONE_VM | CLONE_VFORK | CLONE_FILES | CLONE_NEWPID | SIGCHLD, x);
	ck_assert_int_ne(st->pid, -1);
	ck_assert_msg(x->fail_stage == STAGE_NONE, "the child failed at %s: "
	    "%s", jail_stage_name(x->fail_stage), strerror(x->fail_errno));
	close(in[0]);
	st->pipe_w = in[1];
	wait_reading_stdin(st->pid);
}

static void
stop_child(struct started *st)
{
	int	status;

	close(st->pipe_w);
	ck_assert_int_eq(waitpid(st->pid, &status, 0), st->pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "cat did not end cleanly: 0x%x", status);
	remove_dir(st->dir);
}

START_TEST(child_runs_as_the_profile_user)
{
	struct profile		p = test_profile();
	struct profile_set	ps;
	struct jail		j;
	struct jail_exec	x;
	struct started		st;
	char			v[256];

	start_child(&st, &x, &j, &ps, &p);
	status_line(st.pid, "Uid", v, sizeof(v));
	ck_assert_str_eq(v, "65534\t65534\t65534\t65534");
	status_line(st.pid, "Gid", v, sizeof(v));
	ck_assert_str_eq(v, "65534\t65534\t65534\t65534");
	status_line(st.pid, "Groups", v, sizeof(v));
	ck_assert_str_eq(v, "65534");
	stop_child(&st);
}
END_TEST

START_TEST(child_holds_no_capability)
{
	struct profile		p = test_profile();
	struct profile_set	ps;
	struct jail		j;
	struct jail_exec	x;
	struct started		st;
	char			v[256];

	start_child(&st, &x, &j, &ps, &p);
	status_line(st.pid, "CapEff", v, sizeof(v));
	ck_assert_str_eq(v, "0000000000000000");
	status_line(st.pid, "CapPrm", v, sizeof(v));
	ck_assert_str_eq(v, "0000000000000000");
	status_line(st.pid, "CapInh", v, sizeof(v));
	ck_assert_str_eq(v, "0000000000000000");
	status_line(st.pid, "NoNewPrivs", v, sizeof(v));
	ck_assert_str_eq(v, "1");
	stop_child(&st);
}
END_TEST

START_TEST(child_inherits_fds_0_1_2_only)
{
	struct profile		 p = test_profile();
	struct profile_set	 ps;
	struct jail		 j;
	struct jail_exec	 x;
	struct started		 st;
	char			 path[64];
	struct dirent		*de;
	DIR			*d;
	int			 n = 0, other = -1;

	start_child(&st, &x, &j, &ps, &p);
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)st.pid);
	ck_assert_ptr_nonnull(d = opendir(path));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		n++;
		if (atoi(de->d_name) > 2)
			other = atoi(de->d_name);
	}
	closedir(d);
	ck_assert_msg(other == -1, "the script holds fd %d", other);
	ck_assert_int_eq(n, 3);
	stop_child(&st);
}
END_TEST

START_TEST(child_leaves_the_spawners_fds_as_they_were)
{
	struct profile		 p = test_profile();
	struct profile_set	 ps;
	struct jail		 j;
	struct jail_exec	 x;
	struct started		 st;
	struct stat		 out;

	start_child(&st, &x, &j, &ps, &p);
	ck_assert_msg(fcntl(st.high, F_GETFD) != -1, "the child closed the "
	    "spawner's fd %d: %s", st.high, strerror(errno));
	ck_assert_msg(fcntl(st.pipe_w, F_GETFD) != -1, "the child closed the "
	    "spawner's fd %d: %s", st.pipe_w, strerror(errno));
	ck_assert_int_eq(fstat(1, &out), 0);
	ck_assert_msg(out.st_dev == st.out.st_dev &&
	    out.st_ino == st.out.st_ino, "the child replaced the spawner's "
	    "fd 1");
	stop_child(&st);
}
END_TEST

START_TEST(child_works_in_the_script_directory)
{
	struct profile		p = test_profile();
	struct profile_set	ps;
	struct jail		j;
	struct jail_exec	x;
	struct started		st;
	char			path[64], cwd[PATH_MAX];
	ssize_t			n;

	start_child(&st, &x, &j, &ps, &p);
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)st.pid);
	ck_assert_int_gt(n = readlink(path, cwd, sizeof(cwd) - 1), 0);
	cwd[n] = '\0';
	ck_assert_str_eq(cwd, st.dir);
	stop_child(&st);
}
END_TEST

START_TEST(child_has_the_profile_limits_and_no_core)
{
	struct profile		p = test_profile();
	struct profile_set	ps;
	struct jail		j;
	struct jail_exec	x;
	struct started		st;
	char			v[64];

	start_child(&st, &x, &j, &ps, &p);
	limit_line(st.pid, "Max processes", v, sizeof(v));
	ck_assert_str_eq(v, "17");
	limit_line(st.pid, "Max open files", v, sizeof(v));
	ck_assert_str_eq(v, "23");
	limit_line(st.pid, "Max cpu time", v, sizeof(v));
	ck_assert_str_eq(v, "10");
	limit_line(st.pid, "Max core file size", v, sizeof(v));
	ck_assert_str_eq(v, "0");
	stop_child(&st);
}
END_TEST

START_TEST(child_ignores_no_signal_the_spawner_ignores)
{
	struct profile		p = test_profile();
	struct profile_set	ps;
	struct jail		j;
	struct jail_exec	x;
	struct started		st;
	char			v[64];

	start_child(&st, &x, &j, &ps, &p);
	status_line(st.pid, "SigIgn", v, sizeof(v));
	ck_assert_str_eq(v, "0000000000000000");
	status_line(st.pid, "SigBlk", v, sizeof(v));
	ck_assert_str_eq(v, "0000000000000000");
	stop_child(&st);
}
END_TEST

START_TEST(child_is_init_of_its_own_pid_namespace)
{
	struct profile		p = test_profile();
	struct profile_set	ps;
	struct jail		j;
	struct jail_exec	x;
	struct started		st;
	char			v[64], want[64];

	start_child(&st, &x, &j, &ps, &p);
	status_line(st.pid, "NSpid", v, sizeof(v));
	snprintf(want, sizeof(want), "%d\t1", (int)st.pid);
	ck_assert_str_eq(v, want);
	stop_child(&st);
}
END_TEST

/* ------------------------------------------------------------- slots */

/*
 * A slot as the spawner makes it, in a mount namespace of the test's
 * own (private, so nothing reaches the host): two tmpfs roots under a
 * tmpfs on /mnt, and "outside", a directory of neither.
 */
static void
slot_setup(struct jail *j, struct jail_slot *sl)
{
	static const char *const dirs[] = { "/mnt/tmp", "/mnt/var-tmp" };
	size_t	i;

	ck_assert_msg(unshare(CLONE_NEWNS) == 0, "unshare: %s",
	    strerror(errno));
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL),
	    0);
	ck_assert_int_eq(mount("tmpfs", "/mnt", "tmpfs", 0, "size=1m"), 0);
	ck_assert_int_eq(mkdir("/mnt/outside", 0755), 0);
	memset(j, 0, sizeof(*j));
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(mkdir(dirs[i], 0755), 0);
		ck_assert_int_eq(mount("tmpfs", dirs[i], "tmpfs", MS_NOSUID |
		    MS_NODEV | MS_NOEXEC, "size=1m,nr_inodes=256,mode=1777"),
		    0);
		sl->root[i] = open(dirs[i], O_RDONLY | O_DIRECTORY);
		ck_assert_int_ne(sl->root[i], -1);
	}
	sl->ns = open("/proc/self/ns/mnt", O_RDONLY);
	ck_assert_int_ne(sl->ns, -1);
	sl->ipc = sl->mq = -1;
	j->slot = sl;
	j->nslot = 1;
}

static long
inodes_used(int root)
{
	struct statfs	sf;

	ck_assert_int_eq(fstatfs(root, &sf), 0);
	return (long)(sf.f_files - sf.f_ffree);
}

static int
run_in(const char *dir, const char *cmd)
{
	char	buf[1024];

	snprintf(buf, sizeof(buf), "cd %s && %s", dir, cmd);
	return system(buf);
}

START_TEST(slot_reset_empties_what_a_request_left)
{
	struct jail		j;
	struct jail_slot	sl;
	struct stat		st;

	ck_assert_msg(geteuid() == 0, "these tests run as root");
	slot_setup(&j, &sl);
	/* a file mode 000 in a directory mode 000; another user's file
	 * in a sticky directory of that user's; a deep chain; a link out */
	ck_assert_int_eq(run_in("/mnt/tmp", "mkdir lk && : > lk/f && "
	    "chmod 0 lk/f lk && mkdir st && chmod 1777 st && : > st/f && "
	    "chown 65534:65534 st st/f && chmod 600 st/f && "
	    "mkdir -p a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p && : > a/b/c/x && "
	    "ln -s /mnt/outside out && : > /mnt/outside/keep && "
	    "chmod 700 /mnt/tmp"), 0);
	ck_assert_int_eq(run_in("/mnt/var-tmp", "head -c 65536 /dev/zero "
	    "> big && mkdir d && : > d/f"), 0);
	ck_assert_int_gt(inodes_used(sl.root[0]), 20);
	ck_assert_int_eq(jail_slot_reset(&j, 0), 0);
	ck_assert_int_eq(inodes_used(sl.root[0]), 1);
	ck_assert_int_eq(inodes_used(sl.root[1]), 1);
	ck_assert_int_eq(fstat(sl.root[0], &st), 0);
	ck_assert_msg((st.st_mode & 07777) == 01777, "/tmp left mode %o",
	    st.st_mode & 07777);
	ck_assert_msg(stat("/mnt/outside/keep", &st) == 0, "emptying "
	    "followed a symbolic link out of the slot");
	ck_assert_int_ne(sl.ns, -1);
}
END_TEST

START_TEST(slot_that_cannot_be_emptied_is_retired)
{
	struct jail		j;
	struct jail_slot	sl;

	ck_assert_msg(geteuid() == 0, "these tests run as root");
	slot_setup(&j, &sl);
	/* a mount point cannot be removed: EBUSY */
	ck_assert_int_eq(mkdir("/mnt/tmp/m", 0755), 0);
	ck_assert_int_eq(mount("tmpfs", "/mnt/tmp/m", "tmpfs", 0,
	    "size=64k"), 0);
	ck_assert_int_eq(jail_slot_reset(&j, 0), -1);
	ck_assert_msg(sl.ns == -1 && sl.root[0] == -1 && sl.root[1] == -1,
	    "a slot that could not be emptied is still in use");
	ck_assert_int_eq(jail_slot_reset(&j, 0), -1);
}
END_TEST

/* ------------------------------------------------ a slot's IPC namespace */

static struct jail_ipc_mark
mark(int shm, int sem, int msg, long mtime)
{
	struct jail_ipc_mark	m;

	memset(&m, 0, sizeof(m));
	m.id[0] = shm;
	m.id[1] = sem;
	m.id[2] = msg;
	m.step[0] = m.step[1] = m.step[2] = 1;
	m.mq_mtime.tv_sec = m.mq_ctime.tv_sec = mtime;
	m.mq_size = 80;
	return m;
}

START_TEST(ipc_untouched_when_each_probe_got_the_next_id)
{
	struct jail_ipc_mark	was = mark(1, 1, 1, 100);
	struct jail_ipc_mark	now = mark(2, 2, 2, 100);

	ck_assert_int_eq(jail_ipc_untouched(&was, &now), 1);
}
END_TEST

START_TEST(ipc_touched_when_a_probe_id_was_skipped)
{
	struct jail_ipc_mark	was = mark(1, 1, 1, 100);
	struct jail_ipc_mark	now = mark(2, 2, 2, 100);

	now.id[_i] = 3;
	ck_assert_int_eq(jail_ipc_untouched(&was, &now), 0);
}
END_TEST

START_TEST(ipc_touched_when_the_id_counter_wrapped)
{
	struct jail_ipc_mark	was = mark(63, -1, -1, 100);
	struct jail_ipc_mark	now = mark(32768, -1, -1, 100);

	ck_assert_int_eq(jail_ipc_untouched(&was, &now), 0);
}
END_TEST

START_TEST(ipc_touched_when_the_mqueue_root_changed)
{
	struct jail_ipc_mark	was = mark(1, 1, 1, 100);
	struct jail_ipc_mark	now = mark(2, 2, 2, 100);

	switch (_i) {
	case 0:
		now.mq_mtime.tv_nsec = 1;
		break;
	case 1:
		now.mq_ctime.tv_sec = 101;
		break;
	default:
		now.mq_size = 0;
		break;
	}
	ck_assert_int_eq(jail_ipc_untouched(&was, &now), 0);
}
END_TEST

START_TEST(ipc_kind_not_probed_is_not_compared)
{
	struct jail_ipc_mark	was = mark(-1, 1, 1, 100);
	struct jail_ipc_mark	now = mark(7, 2, 2, 100);

	ck_assert_int_eq(jail_ipc_untouched(&was, &now), 1);
}
END_TEST

/* A slot as the spawner makes it, with an IPC namespace of every kind. */
static void
slot_ipc_setup(struct jail *j, struct jail_slot *sl)
{
	slot_setup(j, sl);
	j->ipc_kinds = FILTER_IPC_SHM | FILTER_IPC_SEM | FILTER_IPC_MSG |
	    FILTER_IPC_MQ;
	j->ipc_home = open("/proc/self/ns/ipc", O_RDONLY);
	ck_assert_int_ne(j->ipc_home, -1);
	ck_assert_int_eq(jail_slot_ipc_make(j, sl), 0);
	ck_assert_int_ne(sl->ipc, -1);
	ck_assert_int_ne(sl->mq, -1);
}

static ino_t
ns_inode(int fd)
{
	struct stat	st;

	ck_assert_int_eq(fstat(fd, &st), 0);
	return st.st_ino;
}

/* What a request does in its slot's IPC namespace, then back home. */
static void
in_slot_ipc(struct jail *j, struct jail_slot *sl, int what)
{
	char	name[64];
	int	id;
	mqd_t	q;

	ck_assert_int_eq(setns(sl->ipc, CLONE_NEWIPC), 0);
	switch (what) {
	case 0:		/* a segment made and removed */
		id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
		ck_assert_int_ne(id, -1);
		ck_assert_int_eq(shmctl(id, IPC_RMID, NULL), 0);
		break;
	case 1:		/* a message queue left behind */
		ck_assert_int_ne(msgget(IPC_PRIVATE, IPC_CREAT | 0600), -1);
		break;
	case 2:		/* a POSIX queue made and removed */
	case 4:		/* a POSIX queue left behind */
		/*
		 * mqueue stamps its root to the second: a queue made and
		 * removed within the second of the last check leaves the
		 * root as it was, nothing to see for us or a script.  Wait
		 * for the next second.
		 */
		if (what == 2)
			usleep(1100 * 1000);
		snprintf(name, sizeof(name), "/safecgi-test-%d", getpid());
		q = mq_open(name, O_CREAT | O_RDWR, 0600, NULL);
		ck_assert_msg(q != (mqd_t)-1, "mq_open: %s", strerror(errno));
		mq_close(q);
		if (what == 2)
			ck_assert_int_eq(mq_unlink(name), 0);
		break;
	case 3:		/* a semaphore set made and removed */
		id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
		ck_assert_int_ne(id, -1);
		ck_assert_int_eq(semctl(id, 0, IPC_RMID), 0);
		break;
	}
	ck_assert_int_eq(setns(j->ipc_home, CLONE_NEWIPC), 0);
}

START_TEST(slot_reset_keeps_an_untouched_ipc_namespace)
{
	struct jail		j;
	struct jail_slot	sl;
	ino_t			before;

	ck_assert_msg(geteuid() == 0, "these tests run as root");
	slot_ipc_setup(&j, &sl);
	before = ns_inode(sl.ipc);
	ck_assert_int_eq(jail_slot_reset(&j, 0), 0);
	ck_assert_int_eq(jail_slot_reset(&j, 0), 0);
	ck_assert_msg(ns_inode(sl.ipc) == before, "an IPC namespace nobody "
	    "used was replaced: the pool saves nothing");
}
END_TEST

START_TEST(slot_reset_replaces_an_ipc_namespace_a_request_used)
{
	struct jail		j;
	struct jail_slot	sl;
	ino_t			before;

	ck_assert_msg(geteuid() == 0, "these tests run as root");
	slot_ipc_setup(&j, &sl);
	before = ns_inode(sl.ipc);
	in_slot_ipc(&j, &sl, _i);
	ck_assert_int_eq(jail_slot_reset(&j, 0), 0);
	ck_assert_int_ne(sl.ns, -1);
	ck_assert_msg(ns_inode(sl.ipc) != before, "a used IPC namespace "
	    "(case %d) was handed on", _i);
	/* and the fresh one is kept while nobody uses it */
	before = ns_inode(sl.ipc);
	ck_assert_int_eq(jail_slot_reset(&j, 0), 0);
	ck_assert_int_eq(ns_inode(sl.ipc), before);
}
END_TEST

START_TEST(slot_ipc_that_cannot_be_made_fails_and_keeps_the_old_one)
{
	struct jail		j;
	struct jail_slot	sl;
	int			ipc, mq;

	ck_assert_msg(geteuid() == 0, "these tests run as root");
	slot_ipc_setup(&j, &sl);
	ipc = sl.ipc;
	mq = sl.mq;
	/* nowhere to return to: the new namespace must not be kept */
	close(j.ipc_home);
	j.ipc_home = open("/dev/null", O_RDONLY);
	ck_assert_int_ne(j.ipc_home, -1);
	ck_assert_int_eq(jail_slot_ipc_make(&j, &sl), -1);
	ck_assert_msg(sl.ipc == ipc && sl.mq == mq, "a slot took an IPC "
	    "namespace that failed to be made");
}
END_TEST

static Suite *
jail_suite(void)
{
	Suite	*s = suite_create("jail");
	TCase	*tc;

	tc = tcase_create("list");
	tcase_add_test(tc, exec_entry_becomes_an_exec_rule);
	tcase_add_test(tc, writable_entry_becomes_a_read_write_rule);
	tcase_add_test(tc, trailing_double_star_is_the_directory_before_it);
	tcase_add_test(tc, root_double_star_is_the_root);
	tcase_add_test(tc, other_glob_stays_a_glob);
	tcase_add_test(tc, program_directories_are_not_readable);
	tcase_add_test(tc, the_read_view_holds_libraries_and_vetted_etc);
	tcase_add_test(tc, secrets_are_outside_the_read_view);
	tcase_add_test(tc, read_adds_to_the_read_view);
	tcase_add_test(tc, bind_ro_adds_to_the_read_view);
	tcase_add_test(tc, a_read_entry_the_jail_hides_is_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("exec");
	tcase_add_test(tc, script_and_interpreter_may_run);
	tcase_add_test(tc, unlisted_program_may_not_run);
	tcase_add_test(tc, listed_directory_allows_what_is_beneath);
	tcase_add_test(tc, double_star_allows_beneath_but_not_a_sibling);
	tcase_add_test(tc, glob_allows_what_it_matches);
	tcase_add_test(tc, raw_name_matching_a_glob_may_run);
	tcase_add_test(tc, loader_may_not_run_even_when_listed);
	tcase_add_test(tc, root_double_star_allows_all_but_loader_and_scratch);
	tcase_add_test(tc, nothing_on_scratch_or_dev_may_run);
	tcase_add_test(tc, unresolvable_elsewhere_is_left_to_the_kernel);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_test(tc, scratch_devices_and_own_fds_are_writable);
	tcase_add_test(tc, the_rest_is_not_writable);
	tcase_add_test(tc, writable_directory_but_not_its_sibling);
	tcase_add_test(tc, writable_root_allows_every_write);
	suite_add_tcase(s, tc);

	tc = tcase_create("ipc");
	tcase_add_test(tc, ipc_untouched_when_each_probe_got_the_next_id);
	tcase_add_loop_test(tc, ipc_touched_when_a_probe_id_was_skipped, 0, 3);
	tcase_add_test(tc, ipc_touched_when_the_id_counter_wrapped);
	tcase_add_loop_test(tc, ipc_touched_when_the_mqueue_root_changed, 0,
	    3);
	tcase_add_test(tc, ipc_kind_not_probed_is_not_compared);
	tcase_add_test(tc, slot_reset_keeps_an_untouched_ipc_namespace);
	tcase_add_loop_test(tc,
	    slot_reset_replaces_an_ipc_namespace_a_request_used, 0, 5);
	tcase_add_test(tc,
	    slot_ipc_that_cannot_be_made_fails_and_keeps_the_old_one);
	suite_add_tcase(s, tc);

	tc = tcase_create("slot");
	tcase_add_test(tc, slot_reset_empties_what_a_request_left);
	tcase_add_test(tc, slot_that_cannot_be_emptied_is_retired);
	suite_add_tcase(s, tc);

	tc = tcase_create("resolve");
	tcase_add_test(tc, resolved_glob_covers_what_it_matched);
	tcase_add_test(tc, resolved_glob_does_not_cover_a_later_program);
	tcase_add_test(tc, resolved_symlink_covers_its_target);
	tcase_add_test(tc, resolved_writable_symlink_covers_its_target);
	tcase_add_test(tc, resolving_keeps_the_names_of_own_fds);
	suite_add_tcase(s, tc);

#ifdef __SANITIZE_ADDRESS__
	/*
	 * Under AddressSanitizer the jailed processes below run its
	 * runtime too: calls of its own under the filter, and a leak check
	 * at exit that needs what the jail takes away.  The plain build
	 * runs them; this one says so.
	 */
	printf("check_jail: the landlock and child cases run in the "
	    "uninstrumented build only\n");
	return s;
#endif
	tc = tcase_create("landlock");
	tcase_add_test(tc, ruleset_lets_a_listed_program_run);
	tcase_add_test(tc, ruleset_refuses_an_unlisted_program);
	tcase_add_test(tc, abi2_ruleset_refuses_an_unlisted_program);
	tcase_add_test(tc, abi2_ruleset_refuses_a_write_elsewhere);
	tcase_add_test(tc, ruleset_lets_a_writable_directory_be_written);
	tcase_add_test(tc, ruleset_refuses_a_write_elsewhere);
	tcase_add_test(tc, a_read_entry_beneath_the_read_view_adds_no_anchor);
	tcase_add_test(tc,
	    a_writable_entry_beneath_the_read_view_keeps_its_anchor);
	tcase_add_test(tc, ruleset_of_a_slot_lets_its_own_tmp_be_written);
	tcase_add_test(tc, ruleset_of_a_slot_refuses_another_slots_tmp);
	tcase_add_test(tc, a_ruleset_is_built_once_per_slot);
	tcase_add_test(tc, a_retired_slots_rulesets_are_gone_and_no_other);
	suite_add_tcase(s, tc);

	tc = tcase_create("child");
	tcase_add_test(tc, child_runs_as_the_profile_user);
	tcase_add_test(tc, child_holds_no_capability);
	tcase_add_test(tc, child_inherits_fds_0_1_2_only);
	tcase_add_test(tc, child_leaves_the_spawners_fds_as_they_were);
	tcase_add_test(tc, child_works_in_the_script_directory);
	tcase_add_test(tc, child_has_the_profile_limits_and_no_core);
	tcase_add_test(tc, child_ignores_no_signal_the_spawner_ignores);
	tcase_add_test(tc, child_is_init_of_its_own_pid_namespace);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(jail_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
