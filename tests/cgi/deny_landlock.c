/*
 * deny_landlock: run a program under a seccomp filter that refuses the
 * Landlock system calls, as a container runtime's default filter does
 * (systemd-nspawn 252 answers them with EPERM).
 *
 *   deny_landlock [-e errno] [-c call] program [argument ...]
 *
 * errno is EPERM (the default), EACCES or ENOSYS.  -c refuses only the
 * named call (landlock_restrict_self, ...), else all three are refused.
 * Every other call is allowed.  The filter is inherited across execve
 * and fork, like the one a container runtime puts on its init.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

static const char *const calls[] = {
	"landlock_create_ruleset", "landlock_add_rule",
	"landlock_restrict_self",
};

int
main(int argc, char **argv)
{
	scmp_filter_ctx	 ctx;
	size_t		 i;
	const char	*only = NULL;
	int		 ch, err = EPERM, nr, rc;

	while ((ch = getopt(argc, argv, "+c:e:")) != -1) {
		switch (ch) {
		case 'c':
			only = optarg;
			break;
		case 'e':
			if (strcmp(optarg, "EPERM") == 0)
				err = EPERM;
			else if (strcmp(optarg, "EACCES") == 0)
				err = EACCES;
			else if (strcmp(optarg, "ENOSYS") == 0)
				err = ENOSYS;
			else {
				fprintf(stderr, "deny_landlock: errno must be "
				    "EPERM, EACCES or ENOSYS\n");
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	if (optind == argc) {
		fprintf(stderr, "usage: deny_landlock [-e errno] [-c call] "
		    "program [argument ...]\n");
		return 2;
	}

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL) {
		fprintf(stderr, "deny_landlock: seccomp_init failed\n");
		return 1;
	}
	/*
	 * Root needs no no_new_privs to attach a filter, and a container's
	 * init does not have it either: leave it off, so that what runs
	 * below sees only the filter.
	 */
	if (geteuid() == 0 &&
	    (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) != 0) {
		fprintf(stderr, "deny_landlock: no_new_privs: %s\n",
		    strerror(-rc));
		return 1;
	}
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		if (only != NULL && strcmp(only, calls[i]) != 0)
			continue;
		if ((nr = seccomp_syscall_resolve_name(calls[i])) ==
		    __NR_SCMP_ERROR) {
			fprintf(stderr, "deny_landlock: libseccomp does not "
			    "know %s\n", calls[i]);
			return 1;
		}
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(err), nr,
		    0)) != 0) {
			fprintf(stderr, "deny_landlock: %s: %s\n", calls[i],
			    strerror(-rc));
			return 1;
		}
	}
	if ((rc = seccomp_load(ctx)) != 0) {
		fprintf(stderr, "deny_landlock: seccomp_load: %s\n",
		    strerror(-rc));
		return 1;
	}
	seccomp_release(ctx);
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "deny_landlock: %s: %s\n", argv[optind],
	    strerror(errno));
	return 127;
}
