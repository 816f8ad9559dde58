/*
 * audit: the one log sink.
 *
 * Only the master writes logs.  Workers and spawners call the same
 * functions; their messages travel to the master over a datagram channel
 * (audit_attach) and the master stamps, escapes and writes them.  The
 * master derives request ids from the channel a message arrived on, so
 * a worker cannot speak for another worker's requests.
 */
#ifndef SAFECGI_AUDIT_H
#define SAFECGI_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <syslog.h>
#include <sys/types.h>
#include <time.h>

#define AUDIT_KV_MAX	8

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
/* Read and write out every pending message on a master end. */
void	audit_drain(int master_end, pid_t pid);
/* Called with the sender's pid when a child says it serves. */
void	audit_on_ready(void (*)(pid_t));
/* Access lines written since start: one per request served. */
unsigned long long audit_requests(void);

/* Child side: send to the master through fd from now on. */
void	audit_attach(int fd);
/* Child side: tell the master this worker now serves requests. */
void	audit_ready(void);

/* Both sides. */
void	log_msg(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	audit_emit(const struct audit_event *);
void	audit_kv(struct audit_event *, const char *key, const char *val);

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

#endif
