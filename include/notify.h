/*
 * notify: a worker's answers to its scripts' seccomp notifications.
 *
 * One thread polls every spawner's listener.  For each notification it
 * finds the request (the caller's PID namespace names it, notify_track),
 * asks notify_decide() what to answer and what to record, emits the
 * event under the worker's flood control, and answers: at once, or
 * TARPIT_MS late for a script that keeps trying, until it is killed.
 */
#ifndef SAFECGI_NOTIFY_H
#define SAFECGI_NOTIFY_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "audit.h"

struct filter_event;
struct jail;
struct profile;
struct req;
struct worker;

/* A script past this many denied calls is killed (limit_hit). */
#define NOTIFY_BLOCKED_MAX	1000

/*
 * The questions a decision may ask of the jail, with its context
 * (jail_exec_verdict, jail_may_write, jail_may_read): exec answers 1
 * allowed, 0 refused, -errno when the path names nothing.
 */
struct notify_checks {
	const struct jail *jail;
	int	(*may_exec)(const struct jail *, const struct profile *,
		    pid_t pid, const char *script, const char *interp,
		    const char *path, char *canon, size_t csz);
	int	(*may_write)(const struct jail *, const struct profile *,
		    const char *dir, const char *path);
	int	(*may_read)(const struct jail *, const struct profile *,
		    const char *dir, const char *script, const char *interp,
		    const char *path);
};

/* The request a notification came from, as the decision sees it. */
struct notify_who {
	int		 known;		/* 0: no request was found */
	const char	*dir, *script, *interp;	/* NULL when unknown */
	unsigned	 nblocked;	/* its denied calls before this one */
};

struct notify_verdict {
	int			answer;	/* errno for the call; 0: let it run */
	int			record;	/* ev is worth writing down */
	struct audit_event	ev;	/* its values point into fe, canon, nr */
	int			blocked;	/* one more denied call */
	int			tarpit;	/* answer late: a flood */
	int			kill;	/* NOTIFY_BLOCKED_MAX reached */
	char			canon[PATH_MAX];
	char			nr[16];
};

/*
 * Pure but for the checks it is given: what to answer a notification of
 * profile p, and what to record.  Enforce mode answers the profile's
 * errno, never 0, except for execve, which is left to Landlock and the
 * read view when the worker finds it allowed (the kernel, not this
 * answer, is the boundary: it reads the path again), refused and
 * recorded when not, and answered with the kernel's own errno, never
 * let through, when the path names nothing; complain mode answers 0 and
 * records what would have been refused (writes, reads outside the read
 * view, execs, connects).  ev.req is left to the caller.
 */
void	notify_decide(const struct profile *p, const struct filter_event *fe,
	    const struct notify_who *, const struct notify_checks *,
	    struct notify_verdict *);

/* The worker's side.  -1 when out of memory. */
struct notify	*notify_new(struct worker *);
int	notify_start(struct notify *);
/* r's script is pid, the init of its PID namespace; 0: r is over. */
void	notify_track(struct notify *, struct req *r, pid_t pid);

#endif
