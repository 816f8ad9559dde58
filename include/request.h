/*
 * request: one FastCGI request, from its params to its access line.
 *
 * request_serve() reads like the request's path: find the script
 * (script.c), match its profile, validate the params into the
 * environment (validate.c), have the profile's spawner start it
 * (spawn.c), let it be found by its seccomp notifications (notify.c),
 * stream the body in and the answer out (stream.c), and write the
 * access line.  A request thread owns its struct req and reuses it.
 */
#ifndef SAFECGI_REQUEST_H
#define SAFECGI_REQUEST_H

#include <limits.h>

#include <fcgiapp.h>

#include "audit.h"
#include "script.h"

struct cgroup_leaf;
struct profile;
struct worker;

struct req {
	struct worker		*w;
	FCGX_Request		 fr;
	struct audit_req	 ar;
	const struct profile	*profile;
	struct script		 s;		/* what runs */
	int			 status;	/* what nginx was told */
	unsigned long long	 bytes;		/* response bytes */
	int			 headers_sent;	/* ... reached libfcgi */
	int			 exit_status;	/* wait status, or -1 */
	const char		*why;		/* for the access log */
	char			 whybuf[256];	/* ... when it is made up */
	int64_t			 start;
	int64_t			 admitted;	/* out of the queue */
	char			**env;		/* overrides, or NULL */
	struct audit_tally	 tally;		/* its events */
	unsigned		 nblocked;	/* denied calls (notify.c) */
	pid_t			 denied_pid;	/* its last denied exec: */
	uint64_t		 denied_hash;	/* ... pid, path (notify.c) */
	int			 ctl;		/* to its spawner, or -1 */
	struct cgroup_leaf	*leaf;		/* its budget, or NULL */
	char			 ov_path_info[4200];
	char			 ov_script_name[4200];
	char			 ov_script_filename[PATH_MAX + 32];
};

/* Serve the request libfcgi has just accepted into r->fr. */
void	request_serve(struct req *);
/* After the response is finished: what no client should wait for. */
void	request_after(struct req *);

#endif
