/*
 * audit: the one log sink.
 *
 * Only the master writes logs.  Workers and spawners call the same
 * functions; their messages travel to the master over datagram channels
 * (audit_attach) and the master stamps, escapes and writes them.  The
 * master derives request ids from the channel a message arrived on, so
 * a worker cannot speak for another worker's requests.
 */
#ifndef SAFECGI_AUDIT_H
#define SAFECGI_AUDIT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>
#include <sys/types.h>
#include <time.h>

#define AUDIT_KV_MAX	12

/* Who and what a request is; every event of a request carries it. */
struct audit_req {
	uint64_t	 seq;		/* worker-local; the master adds its prefix */
	const char	*client;
	const char	*method;
	const char	*uri;
	const char	*script;
	const char	*profile;
	pid_t		 worker_pid;
	pid_t		 script_pid;
};

struct audit_event {
	const char		*event;	/* "syscall_blocked", "timeout_kill", ... */
	const struct audit_req	*req;	/* NULL for events outside a request */
	const char		*keys[AUDIT_KV_MAX];
	const char		*vals[AUDIT_KV_MAX];
	size_t			 nkv;
};

/* Master side. */
int	audit_open(const char *errlog, const char *auditlog);
int	audit_reopen(void);
void	audit_close(void);
/* A new channel for a child: returns the child's end, keeps the other. */
int	audit_channel(int *master_end);
/*
 * Read and write out the messages pending on a master end, up to a
 * bound (so that one busy channel cannot starve the others); returns
 * how many it read: 0 when the channel is empty.
 */
size_t	audit_drain(int master_end, pid_t pid);
/* Called with the sender's pid when a child says it serves. */
void	audit_on_ready(void (*)(pid_t));
/* Access lines written since start: one per request served. */
unsigned long long audit_requests(void);

/*
 * Child side: send log lines to the master through fd from now on, and
 * audit events through the fd of audit_attach_events (a channel of its
 * own, so that a script's stderr cannot crowd them out; until it is
 * given, events share the log lines' channel).  Neither ever blocks:
 * what a full channel refuses is counted and the count is sent first
 * when it has room again; the master writes it as a "suppressed" event,
 * scope "channel" for events and "log" for log lines.
 */
void	audit_attach(int fd);
void	audit_attach_events(int fd);
/* After both: close the master's log files and syslog socket (workers). */
void	audit_drop_sinks(void);
/* Child side: tell the master this worker now serves requests. */
void	audit_ready(void);

/* Both sides. */
void	log_msg(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	audit_emit(const struct audit_event *);
void	audit_kv(struct audit_event *, const char *key, const char *val);

/*
 * Flood control, in a worker.  A script that makes a million denied calls,
 * or a client that sends a million bad requests, must not fill the disk
 * or slow other requests: at most AUDIT_EVENTS_PER_REQUEST events per
 * request, a token bucket per client (REMOTE_ADDR) and one per worker;
 * what is dropped is told in "suppressed" events.  One budget per worker
 * process, shared by its threads (it has a lock of its own).
 */
#define AUDIT_EVENTS_PER_REQUEST	64
#define AUDIT_CLIENT_SLOTS		256

struct audit_tally {			/* one request's events */
	unsigned	 nevents;
	unsigned	 nsuppressed;	/* ... not written: flood */
};

struct audit_client {
	char		 addr[64];
	double		 tokens;
	int64_t		 last;		/* ms; 0: free */
	unsigned long	 dropped;
	int64_t		 reported;
};

struct audit_budget {
	pthread_mutex_t		 mu;
	double			 tokens;
	int64_t			 last;		/* ms */
	unsigned long		 dropped;	/* since the last report */
	int64_t			 reported;	/* ms */
	struct audit_client	 clients[AUDIT_CLIENT_SLOTS];
};

void	audit_budget_init(struct audit_budget *);
/*
 * Emit ev unless the budget says no.  tally is the request's, or NULL for
 * an event outside any request (the client then is not charged either).
 */
void	audit_budget_emit(struct audit_budget *, struct audit_tally *,
	    const struct audit_event *);

/*
 * Pure formatting, for the master and the tests.  id is the full request
 * id.  Both return the length written (always NUL-terminated, truncated
 * to fit) and escape every value: no control byte or invalid UTF-8 ever
 * reaches the output.
 */
size_t	audit_format_json(const struct audit_event *, const char *id,
	    const struct timespec *, char *, size_t);
size_t	audit_format_line(const struct audit_event *, const char *id,
	    char *, size_t);
size_t	json_escape(const char *, size_t, char *, size_t);

/*
 * What an event is evidence of, for ban filters (pure, no I/O):
 *   "attack"  input that matched an injection signature or Shellshock, a
 *             denied exec of a tool that fetches, connects or hands out
 *             a shell (or of a program in a temporary directory), a
 *             blocked network or privilege call typical of payloads;
 *   "policy"  a script behaving normally hit its profile: any other
 *             denial, and every event recorded in complain mode;
 *   "none"    not a denial at all (startup, timeout_kill, limit_hit...).
 * Written into every event as "evidence"; see safecgi(8), AUDIT LOG.
 */
const char *audit_evidence(const struct audit_event *);

#endif
