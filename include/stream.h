/*
 * stream: a request's life after the spawn.  The body goes in (a thread
 * of its own) while the answer comes out, both at once, under the
 * deadline, in constant memory; output that comes before the whole body
 * is in waits in an unnamed spool file.
 *
 * The request's course is an explicit state machine: stream_step() is
 * pure and says, for each thing that happens, the next phase and what
 * to do; every way a request is cut short goes through one path
 * (end_request) that kills the script, answers and logs, once.
 */
#ifndef SAFECGI_STREAM_H
#define SAFECGI_STREAM_H

struct req;

enum stream_phase {
	SP_RUN,		/* the script runs: its output flows */
	SP_DRAIN,	/* it exited: what it wrote is read, DRAIN_MS at most */
	SP_DISCARD,	/* its answer is whole: the rest of the body is read
			 * and thrown away, so that nginx may finish sending
			 * it, before the answer goes out */
	SP_ENDING,	/* cut short: it is killed, its output thrown away */
	SP_DONE,
};

enum stream_input {
	SI_EXITED,		/* the spawner reported the script's end */
	SI_CLOSED,		/* its stdout and stderr reached EOF */
	SI_DRAIN_OVER,		/* ... or stopped being waited for */
	SI_BODY_DONE,		/* all of the body was read */
	SI_DEADLINE,		/* the profile's timeout */
	SI_GRACE_OVER,		/* TERM was not enough */
	SI_CLIENT_GONE,		/* nginx closed, or a write to it failed */
	SI_BODY_OVER,		/* the body limit was passed */
	SI_OUTPUT_OVER,		/* the output limit was passed */
	SI_INVALID,		/* the header block is malformed */
	SI_FAILED,		/* the worker could not go on (spool, memory) */
	SI_MEMORY_OVER,		/* the kernel counted an OOM kill in its cgroup */
	SI_PIDS_OVER,		/* ... or a fork refused at its pids budget */
};

enum stream_end {
	SE_NONE,
	SE_TIMEOUT,
	SE_CLIENT_GONE,
	SE_BODY_OVER,
	SE_OUTPUT_OVER,
	SE_INVALID,
	SE_FAILED,
	SE_BUDGET,		/* over its memory or process budget */
};

struct stream_sm {
	enum stream_phase	phase;
	enum stream_end		end;		/* why SP_ENDING */
	int			exited, closed, body_done;
};

/* What one step asks of the worker. */
struct stream_act {
	int		 signal;	/* for the script, or 0 */
	int		 ends;		/* the request is cut short now */
	int		 status;	/* error page, or 0: only why is logged */
	int		 soft;		/* status only if no answer went out */
	const char	*why;
	const char	*limit;		/* a limit_hit event, or NULL */
	int		 timeout;	/* a timeout_kill event */
};

void	stream_sm_init(struct stream_sm *, int body_done);
/* Pure: the next phase for one input, and what to do (act). */
void	stream_step(struct stream_sm *, enum stream_input,
	    struct stream_act *);
/* Whether a response that ended so must be cut (not look complete). */
int	stream_cut(const struct stream_sm *, int headers_sent);

/*
 * Run the request to its end: the script's stdin (in_w), stdout and
 * stderr (read ends, non-blocking) and its control socket.  Closes the
 * three pipes; returns when the script is gone and its output drained.
 */
void	stream_run(struct req *, int in_w, int out_r, int err_r, int ctl);

#endif
