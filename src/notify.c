/*
 * A worker's answers to seccomp notifications (see notify.h): finding
 * the request a notification came from, the decision, and the tarpit.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "filter.h"
#include "jail.h"
#include "notify.h"
#include "profile.h"
#include "request.h"
#include "safecgi.h"
#include "spawn.h"
#include "stats.h"
#include "worker.h"

/*
 * The tarpit.  Once a request's denied calls are no longer written down
 * (AUDIT_EVENTS_PER_REQUEST), each further one is answered TARPIT_MS
 * late: the script sleeps in the kernel instead of spinning through the
 * filter and this thread, so a flood costs the machine waiting time, not
 * the CPU other requests need, until NOTIFY_BLOCKED_MAX stops it.
 * Answers are queued in arrival order, so the ring stays sorted by due
 * time; when it is full, the answer goes out at once.
 */
#define TARPIT_MS	2
#define TARPIT_MAX	256
/* The script may call before its request thread heard from the spawner. */
#define FIND_WAIT_MS	200

struct deferred {
	int		fd;
	uint64_t	id;
	int		answer;
	int64_t		due;		/* ms */
};

struct live {
	pid_t		 pid;		/* init of the request's PID ns */
	struct req	*req;
};

struct notify {
	struct worker	*w;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* the live table changed */
	struct live	*live;		/* running requests */
	int		 nlive;
	struct deferred	 tarpit[TARPIT_MAX];	/* the thread's own */
	int		 head, len;
};

/* ---------------------------------------------------------- decision */

static int
is_open(int nr)
{
	return nr == __NR_openat || nr == __NR_open || nr == __NR_creat;
}

void
notify_decide(const struct profile *p, const struct filter_event *fe,
    const struct notify_who *who, const struct notify_checks *ck,
    struct notify_verdict *v)
{
	int	complain = p->mode == MODE_COMPLAIN;

	memset(v, 0, sizeof(*v));
	if (fe->nr == __NR_execve) {
		/* left to Landlock when it may run; refused as Landlock
		 * would when not (complain lets it run) and recorded; a path
		 * that names nothing is answered, never let through */
		int	ok = ck->may_exec(ck->jail, p, fe->pid, who->script,
		    who->interp, fe->path, v->canon, sizeof(v->canon));

		if (ok == 1)
			return;
		if (ok < 0) {
			v->answer = complain ? 0 : -ok;
			return;
		}
		v->answer = complain ? 0 : EACCES;
		v->record = 1;
		v->ev.event = "exec_denied";
		audit_kv(&v->ev, "path", fe->path);
		if (strcmp(v->canon, fe->path) != 0)
			audit_kv(&v->ev, "resolved", v->canon);
		if (complain)
			audit_kv(&v->ev, "mode", "complain");
		return;
	}
	if (complain && is_open(fe->nr)) {
		/* would Landlock have refused this open? */
		int	wr = fe->open_flags & (O_WRONLY | O_RDWR | O_CREAT |
		    O_TRUNC | O_APPEND);

		if (wr ? ck->may_write(ck->jail, p, who->dir, fe->path) :
		    ck->may_read(ck->jail, p, who->dir, who->script,
		    who->interp, fe->path))
			return;
		v->record = 1;
		v->ev.event = wr ? "write_denied" : "read_denied";
		audit_kv(&v->ev, "path", fe->path);
		audit_kv(&v->ev, "mode", "complain");
		return;
	}
	v->record = 1;
	if (complain && fe->nr == __NR_connect) {
		v->ev.event = "connect_denied";
		audit_kv(&v->ev, "address", fe->args);
		audit_kv(&v->ev, "mode", "complain");
		return;
	}
	/* never 0 in enforce mode: that would let the call run */
	v->answer = complain ? 0 : p->deny_errno > 0 &&
	    p->deny_errno <= 4095 ? p->deny_errno : EPERM;
	snprintf(v->nr, sizeof(v->nr), "%d", fe->nr);
	v->ev.event = "syscall_blocked";
	audit_kv(&v->ev, "syscall", fe->name);
	audit_kv(&v->ev, "nr", v->nr);
	audit_kv(&v->ev, "args", fe->args);
	audit_kv(&v->ev, "action", complain ? "complain" : "errno");
	if (!who->known || complain)
		return;
	/* a script that keeps trying is slowed, then stopped */
	v->blocked = 1;
	v->tarpit = who->nblocked + 1 > AUDIT_EVENTS_PER_REQUEST;
	v->kill = who->nblocked + 1 == NOTIFY_BLOCKED_MAX;
}

/* ------------------------------------------------- the live requests */

struct notify *
notify_new(struct worker *w)
{
	struct notify	*n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	n->nlive = w->cf->max_requests;
	if ((n->live = calloc(n->nlive, sizeof(*n->live))) == NULL) {
		free(n);
		return NULL;
	}
	n->w = w;
	pthread_mutex_init(&n->mu, NULL);
	pthread_cond_init(&n->cv, NULL);
	return n;
}

void
notify_track(struct notify *n, struct req *r, pid_t pid)
{
	int	i;

	pthread_mutex_lock(&n->mu);
	for (i = 0; i < n->nlive; i++)
		if (pid != 0 ? n->live[i].req == NULL : n->live[i].req == r) {
			n->live[i].pid = pid;
			n->live[i].req = pid != 0 ? r : NULL;
			r->denied_pid = 0;
			break;
		}
	pthread_cond_broadcast(&n->cv);
	pthread_mutex_unlock(&n->mu);
}

/* Is init a process in the PID namespace st describes? */
static int
same_pidns(pid_t init, const struct stat *st)
{
	char		link[64];
	struct stat	is;

	snprintf(link, sizeof(link), "/proc/%d/ns/pid", (int)init);
	return stat(link, &is) == 0 && is.st_ino == st->st_ino &&
	    is.st_dev == st->st_dev;
}

/*
 * Called with n->mu held: the request pid belongs to, or NULL.  The
 * caller is its init (the common case, no lookup) or shares its PID
 * namespace.  The script may run before its request thread has heard
 * from the spawner: wait a little for it.
 */
static struct req *
live_find(struct notify *n, pid_t pid)
{
	struct timespec	 until;
	struct stat	 st;
	char		 link[64];
	int		 i, have_st = -1;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += FIND_WAIT_MS * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	snprintf(link, sizeof(link), "/proc/%d/ns/pid", (int)pid);
	for (;;) {
		for (i = 0; i < n->nlive; i++)
			if (n->live[i].req != NULL && n->live[i].pid == pid)
				return n->live[i].req;
		if (have_st == -1)
			have_st = stat(link, &st) == 0;
		for (i = 0; have_st == 1 && i < n->nlive; i++)
			if (n->live[i].req != NULL &&
			    same_pidns(n->live[i].pid, &st))
				return n->live[i].req;
		if (have_st == 0 ||
		    pthread_cond_timedwait(&n->cv, &n->mu, &until) != 0)
			return NULL;
	}
}

/* ------------------------------------------------------------ tarpit */

static int
tarpit_defer(struct notify *n, int fd, const struct filter_event *fe,
    int answer)
{
	struct deferred	*d;

	if (n->len == TARPIT_MAX)
		return -1;
	d = &n->tarpit[(n->head + n->len++) % TARPIT_MAX];
	d->fd = fd;
	d->id = fe->id;
	d->answer = answer;
	d->due = now_ms() + TARPIT_MS;
	return 0;
}

/* Answer what is due; returns the poll timeout until the next one. */
static int
tarpit_release(struct notify *n)
{
	struct filter_event	 fe = { 0 };
	struct deferred		*d;
	int64_t			 t = now_ms();

	while (n->len > 0) {
		d = &n->tarpit[n->head];
		if (d->due > t)
			return (int)(d->due - t);
		fe.id = d->id;
		filter_notify_reply(d->fd, &fe, d->answer);
		n->head = (n->head + 1) % TARPIT_MAX;
		n->len--;
	}
	return -1;
}

/* ------------------------------------------------------------ thread */

/*
 * The same process refused the same file again: a shell trying each
 * directory of PATH, where /bin is a link to /usr/bin, finds wget twice.
 * One attempt is one event (fail2ban counts them); another process, or
 * another file, is a new attempt.
 */
static int
repeated_exec(struct req *r, pid_t pid, const char *canon)
{
	uint64_t	h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *canon != '\0'; canon++)
		h = (h ^ (unsigned char)*canon) * 1099511628211ULL;
	if (r->denied_pid == pid && r->denied_hash == h)
		return 1;
	r->denied_pid = pid;
	r->denied_hash = h;
	return 0;
}

/* One notification from a spawner's listener: report, then answer. */
static void
notify_one(struct notify *n, int fd, const struct profile *p)
{
	const struct notify_checks	 ck = {
		n->w->jail, jail_exec_verdict, jail_may_write, jail_may_read
	};
	struct notify_verdict	 v;
	struct notify_who	 who = { 0 };
	struct filter_event	 fe;
	struct audit_req	 ar = { 0 };
	struct req		*r;

	if (filter_notify_recv(fd, &fe) == -1)
		return;
	pthread_mutex_lock(&n->mu);
	/* r stays this request's while n->mu is held (notify_track) */
	if ((r = live_find(n, fe.pid)) != NULL) {
		ar = r->ar;
		who.known = 1;
		who.dir = r->s.dir;
		who.script = r->s.path;
		who.interp = r->s.interp[0] != '\0' ? r->s.interp : NULL;
		who.nblocked = r->nblocked;
	} else {
		ar.worker_pid = n->w->pid;
		ar.profile = p->name;
	}
	ar.script_pid = fe.pid;
	notify_decide(p, &fe, &who, &ck, &v);
	if (v.record && fe.nr == __NR_execve && r != NULL &&
	    repeated_exec(r, fe.pid, v.canon))
		v.record = 0;	/* refused all the same */
	v.ev.req = &ar;
	if (v.record)
		audit_budget_emit(&n->w->budget, r != NULL ? &r->tally : NULL,
		    &v.ev);
	if (v.record && v.answer != 0)
		stats_count(fe.nr == __NR_execve ? STATS_DENIED_EXECS :
		    STATS_BLOCKED_CALLS);
	if (v.blocked)
		r->nblocked++;
	if (v.kill) {
		struct audit_event	lh = { 0 };

		lh.event = "limit_hit";
		lh.req = &ar;
		audit_kv(&lh, "limit", "blocked_calls");
		audit_emit(&lh);
		stats_limit_hit("blocked_calls");
		spawn_signal(r->ctl, SIGKILL);
	}
	pthread_mutex_unlock(&n->mu);
	if (!v.tarpit || tarpit_defer(n, fd, &fe, v.answer) == -1)
		filter_notify_reply(fd, &fe, v.answer);
}

/*
 * A spawner is gone (killed, out of memory, a bug): its profile's
 * requests cannot start any more.  Say so, with how it ended, and drain:
 * the master starts a fresh worker, spawners and all, once this one has
 * finished what it runs.
 */
static void
spawner_gone(const struct spawner *sp)
{
	char	how[64];
	int	status, i;
	pid_t	r = 0;

	/* its end of the socket closes a moment before it can be reaped */
	for (i = 0; i < 100 && (r = waitpid(sp->pid, &status, WNOHANG)) == 0;
	    i++)
		usleep(10000);
	if (r == sp->pid && WIFSIGNALED(status))
		snprintf(how, sizeof(how), "was killed by signal %d",
		    WTERMSIG(status));
	else if (r == sp->pid)
		snprintf(how, sizeof(how), "exited with %d",
		    WEXITSTATUS(status));
	else
		snprintf(how, sizeof(how), "is gone");
	log_msg(LOG_ERR, "spawner for profile %s (pid %d) %s: its requests "
	    "cannot start; the worker finishes what it runs and gives way to "
	    "a fresh one", sp->profile->name, (int)sp->pid, how);
	kill(getpid(), SIGTERM);
}

static void *
notify_thread(void *arg)
{
	struct notify	*n = arg;
	struct worker	*w = n->w;
	struct pollfd	*pfd, *sock;
	size_t		 i;

	/* each spawner's seccomp listener, then its socket (to see it die) */
	if ((pfd = calloc(2 * w->nsp, sizeof(*pfd))) == NULL) {
		log_msg(LOG_ERR, "notify: out of memory; the worker exits");
		_exit(1);
	}
	sock = pfd + w->nsp;
	for (i = 0; i < w->nsp; i++) {
		pfd[i].fd = w->sp[i].notify_fd;
		pfd[i].events = POLLIN;
		sock[i].fd = w->sp[i].sock;
		sock[i].events = 0;	/* POLLHUP only; requests read it */
	}
	for (;;) {
		if (poll(pfd, 2 * w->nsp, tarpit_release(n)) == -1) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERR, "notify: poll: %s; the worker exits",
			    strerror(errno));
			_exit(1);
		}
		for (i = 0; i < w->nsp; i++) {
			if (pfd[i].revents & POLLIN)
				notify_one(n, w->sp[i].notify_fd,
				    w->sp[i].profile);
			/* the filter has no process left: the spawner and
			 * all its children are gone */
			if (pfd[i].revents & (POLLHUP | POLLERR))
				pfd[i].fd = -1;
			if (sock[i].revents & (POLLHUP | POLLERR)) {
				sock[i].fd = -1;
				spawner_gone(&w->sp[i]);
			}
		}
	}
	return NULL;
}

int
notify_start(struct notify *n)
{
	pthread_t	t;

	if (pthread_create(&t, NULL, notify_thread, n) != 0)
		return -1;
	pthread_detach(t);
	return 0;
}
