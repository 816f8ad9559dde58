/*
 * spawn: the per-profile spawner.
 *
 * A long-lived process forked by each worker for each profile.  It
 * carries the profile's seccomp filter, attached once, and creates one
 * child per request (vfork-style, in a PID namespace of its own, so every
 * descendant dies with the request), reaps it and reports its status.
 * The worker talks to it over a SOCK_SEQPACKET socket; each request
 * gets its own control socket, passed along with the script's fds.
 */
#ifndef SAFECGI_SPAWN_H
#define SAFECGI_SPAWN_H

#include <stdint.h>
#include <sys/types.h>

struct filter;
struct jail;
struct profile;

enum spawn_reply_type {
	SPAWN_STARTED = 1,
	SPAWN_FAILED,
	SPAWN_EXITED,
};

struct spawn_reply {
	int32_t		type;
	int32_t		pid;		/* in the worker's PID namespace */
	int32_t		stage;		/* SPAWN_FAILED: enum jail_stage */
	int32_t		err;		/* SPAWN_FAILED: errno */
	int32_t		status;		/* SPAWN_EXITED: wait status */
};

struct spawner {
	const struct profile	*profile;
	pid_t			 pid;
	int			 sock;		/* worker's end */
	int			 notify_fd;	/* seccomp listener, or -1 */
};

/*
 * Fork the spawner for a profile; fills sp.  The spawner keeps its own
 * copy of the worker's jail context, and makes max_children slots
 * (jail.h): no more of the profile's requests run at once; another
 * waits in the socket until a slot is free.  Returns 0 or -1.
 */
int	spawner_start(struct jail *, const struct profile *,
	    const struct filter *, int max_children, struct spawner *);

/*
 * Ask for a child.  fds: the script's stdin (read end), stdout and stderr
 * (write ends), and ctl, the spawner's end of this request's control
 * socket; cgroup_procs: the request's leaf (cgroup_leaf_procs()), which
 * the child joins first, or ncgroup 0.  Returns 0 when the request was
 * handed over.
 */
int	spawn_request(struct spawner *, const char *path, const char *dir,
	    const char *interp, char *const envp[], int fd_in, int fd_out,
	    int fd_err, int ctl, const int *cgroup_procs, int ncgroup);

/* Worker side of a control socket. */
int	spawn_read_reply(int ctl, struct spawn_reply *);
int	spawn_signal(int ctl, int sig);

#endif
