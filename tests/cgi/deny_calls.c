/*
 * deny_calls: run a program under a seccomp filter that refuses the
 * system calls of one jail layer, as a container runtime's default
 * filter does (systemd-nspawn 252 answers the Landlock calls with EPERM;
 * Docker's refuses new namespaces without CAP_SYS_ADMIN).
 *
 *   deny_calls [-e errno] [-c what] program [argument ...]
 *
 * what is landlock (the default: the three Landlock calls), one of them
 * by name (landlock_restrict_self, ...), or namespaces (clone and
 * unshare asking for a new network namespace, and clone3, whose flags a
 * filter cannot see).  errno is EPERM (the default), EACCES or ENOSYS.
 * Every other call is allowed.  The filter is inherited across execve
 * and fork, like the one a container runtime puts on its init.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

static const char *const landlock[] = {
	"landlock_create_ruleset", "landlock_add_rule",
	"landlock_restrict_self",
};

static int
deny(scmp_filter_ctx ctx, const char *call, int err, int nsarg)
{
	int	nr, rc;

	if ((nr = seccomp_syscall_resolve_name(call)) == __NR_SCMP_ERROR) {
		fprintf(stderr, "deny_calls: libseccomp does not know %s\n",
		    call);
		return -1;
	}
	if (nsarg)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, 1,
		    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWNET, CLONE_NEWNET));
	else
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr, 0);
	if (rc != 0) {
		fprintf(stderr, "deny_calls: %s: %s\n", call, strerror(-rc));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	scmp_filter_ctx	 ctx;
	const char	*what = "landlock";
	size_t		 i;
	int		 ch, err = EPERM, rc = 0;

	while ((ch = getopt(argc, argv, "+c:e:")) != -1) {
		switch (ch) {
		case 'c':
			what = optarg;
			break;
		case 'e':
			if (strcmp(optarg, "EPERM") == 0)
				err = EPERM;
			else if (strcmp(optarg, "EACCES") == 0)
				err = EACCES;
			else if (strcmp(optarg, "ENOSYS") == 0)
				err = ENOSYS;
			else {
				fprintf(stderr, "deny_calls: errno must be "
				    "EPERM, EACCES or ENOSYS\n");
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "usage: deny_calls [-e errno] [-c what] "
		    "program [argument ...]\n");
		return 2;
	}

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL) {
		fprintf(stderr, "deny_calls: seccomp_init failed\n");
		return 1;
	}
	/*
	 * Root needs no no_new_privs to attach a filter, and a container's
	 * init does not have it either: leave it off, so that what runs
	 * below sees only the filter.
	 */
	if (geteuid() == 0 &&
	    (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) != 0) {
		fprintf(stderr, "deny_calls: no_new_privs: %s\n",
		    strerror(-rc));
		return 1;
	}
	if (strcmp(what, "landlock") == 0) {
		for (i = 0; i < sizeof(landlock) / sizeof(landlock[0]); i++)
			if (deny(ctx, landlock[i], err, 0) == -1)
				return 1;
	} else if (strcmp(what, "namespaces") == 0) {
		/* glibc falls back to clone when clone3 is not there */
		if (deny(ctx, "clone", err, 1) == -1 ||
		    deny(ctx, "unshare", err, 1) == -1 ||
		    deny(ctx, "clone3", ENOSYS, 0) == -1)
			return 1;
	} else if (deny(ctx, what, err, 0) == -1)
		return 1;
	if ((rc = seccomp_load(ctx)) != 0) {
		fprintf(stderr, "deny_calls: seccomp_load: %s\n",
		    strerror(-rc));
		return 1;
	}
	seccomp_release(ctx);
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "deny_calls: %s: %s\n", argv[optind], strerror(errno));
	return 127;
}
