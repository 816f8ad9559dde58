/*
 * filter: seccomp policy, compiled with libseccomp.
 *
 * filter_build() turns a profile's syscall policy into a BPF program once,
 * in the master.  filter_attach() loads it into a long-lived spawner with
 * a user-notification listener: every denied call stops in the kernel and
 * is answered (with the profile's errno, never CONTINUE) by the worker that
 * holds the listener fd, after it has been reported.  If the listener goes
 * away, denied calls fail with ENOSYS: the filter fails closed.
 */
#ifndef SAFECGI_FILTER_H
#define SAFECGI_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct profile;

struct filter {
	void	*bpf;		/* struct sock_filter[] */
	size_t	 len;		/* instructions */
	int	 complain;	/* profile in complain mode */
};

/* Compile; returns 0 or -1 with a message in err. */
int	filter_build(const struct profile *, struct filter *,
	    char *err, size_t errsz);
void	filter_free(struct filter *);

/*
 * Attach to the calling process (no_new_privs must be set).  Returns the
 * listener fd, or -1 with errno set.
 */
int	filter_attach(const struct filter *);

/* Expand a systemd-style group ("@mount") into syscall names; NULL if none. */
const char * const *filter_group(const char *name);

/* A decoded denied call, for the audit log. */
struct filter_event {
	pid_t		 pid;
	int		 nr;
	char		 name[32];	/* "socket" */
	char		 args[256];	/* "AF_INET,SOCK_STREAM" / "\"/bin/sh\"" */
};

/*
 * Receive one notification from the listener fd, decode it into ev
 * (reading string arguments through /proc/pid/mem when possible), and
 * answer it with -deny_errno (or kill when kill is set).  Returns 0, or -1
 * if nothing could be received.
 */
int	filter_notify_handle(int fd, int deny_errno, int complain,
	    struct filter_event *ev);

/* Decode arguments of syscall nr into buf (pure; for tests and the log). */
void	filter_decode_args(int nr, const uint64_t args[6],
	    const char *str0, char *buf, size_t bufsz);

#endif
