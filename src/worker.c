/*
 * A worker: built once (its jail, a spawner per profile, the relay),
 * then it serves FastCGI connections until told to stop.  What happens
 * to each request is in pool.c, request.c, script.c, stream.c and
 * notify.c, in that order.
 */
#include <sys/types.h>
#include <sys/prctl.h>

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cap-ng.h>
#include <fcgiapp.h>

#include "admit.h"
#include "audit.h"
#include "config.h"
#include "filter.h"
#include "jail.h"
#include "notify.h"
#include "pool.h"
#include "profile.h"
#include "relay.h"
#include "safecgi.h"
#include "spawn.h"
#include "stats.h"
#include "worker.h"

/* The signal handler's only way out: a byte per signal (pool_run). */
static int	sigpipe[2] = { -1, -1 };

static void
on_signal(int sig)
{
	char	c = (char)sig;
	int	saved = errno;

	(void)write(sigpipe[1], &c, 1);
	errno = saved;
}

static int
signals_init(void)
{
	struct sigaction	sa;

	if (pipe2(sigpipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1)
		return -1;
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1 ||
	    sigaction(SIGUSR1, &sa, NULL) == -1)
		return -1;
	return 0;
}

static int
drop_worker_caps(void)
{
	/*
	 * The worker parses requests; it keeps only CAP_SYS_PTRACE, to read
	 * a denied call's arguments with process_vm_readv() and a script's
	 * descriptors with pidfd_getfd(), and CAP_KILL.
	 */
	capng_clear(CAPNG_SELECT_ALL);
	capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
	    CAP_SYS_PTRACE, CAP_KILL, -1);
	if (capng_apply(CAPNG_SELECT_ALL) != 0)
		return -1;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

static int
spawners_start(struct worker *w, const struct filter *filters)
{
	size_t		i;
	unsigned	max;

	w->nsp = w->ps->n;
	if ((w->sp = calloc(w->nsp, sizeof(*w->sp))) == NULL)
		return -1;
	for (i = 0; i < w->nsp; i++) {
		/* as many children as the profile's admission lets run */
		max = admit_limit(w->admit[i]);
		if (max > (unsigned)w->cf->max_requests)
			max = w->cf->max_requests;
		if (spawner_start(w->jail, &w->ps->v[i], &filters[i],
		    (int)max, &w->sp[i]) == -1) {
			log_msg(LOG_ERR, "worker: spawner for profile %s did "
			    "not start; exiting", w->ps->v[i].name);
			return -1;
		}
	}
	return 0;
}

/*
 * --scheduling: the worker's threads, its spawners and their scripts
 * (each inherits it) under SCHED_BATCH, by default.  A batch task that
 * wakes up waits for the running one's turn to end instead of taking
 * the CPU from it: the script that answers does not stop to let the
 * request thread in, nor the request thread to let the spawner in, and
 * nginx is never preempted by either.  Their share of the CPU is the
 * same.  Not a jail layer: a failure is logged and the worker goes on.
 */
static void
sched_policy(const struct config *cf)
{
	struct sched_param	sp;
	int			pol = cf->sched_batch ? SCHED_BATCH : SCHED_OTHER;

	memset(&sp, 0, sizeof(sp));
	if (sched_getscheduler(0) != pol &&
	    sched_setscheduler(0, pol, &sp) == -1)
		log_msg(LOG_WARNING, "worker: cannot set the %s scheduling "
		    "policy: %s; scripts run under the one safecgi was "
		    "started with", cf->sched_batch ? "batch" : "normal",
		    strerror(errno));
}

int
worker_main(const struct config *cf, const struct profile_set *ps,
    const struct filter *filters, int listen_fd, int log_fd, int relay_fd,
    int slot, const struct jail_caps *caps, struct cgroup_pool *cg)
{
	struct worker	*w;
	struct relay	*relay;

	audit_attach(log_fd);
	audit_drop_sinks();
	stats_attach(slot);
	/* a worker whose master is gone serves nobody: it follows */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1) {
		log_msg(LOG_ERR, "worker: cannot follow its master's death: "
		    "%s; exiting", strerror(errno));
		return 1;
	}
	(void)prctl(PR_SET_NAME, "safecgi-worker", 0, 0, 0);
	sched_policy(cf);
	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->jail = calloc(1, sizeof(*w->jail))) == NULL)
		return 1;
	w->cf = cf;
	w->ps = ps;
	w->pid = getpid();
	w->cg = cg;
	audit_budget_init(&w->budget);

	if (jail_worker_enter(w->jail, caps, cf, ps) == -1) {
		log_msg(LOG_ERR, "worker: cannot build the jail; exiting");
		return 1;
	}
	if ((w->admit = admit_set_new(ps, cf->workers, w->cg == NULL)) == NULL) {
		log_msg(LOG_ERR, "worker: out of memory; exiting");
		return 1;
	}
	if (spawners_start(w, filters) == -1)
		return 1;
	/* a port below 1024 needs a capability that is about to go */
	if ((relay = relay_listen(ps)) == NULL) {
		log_msg(LOG_ERR, "worker: cannot listen for the TCP relay; "
		    "exiting");
		return 1;
	}
	if (drop_worker_caps() == -1) {
		log_msg(LOG_ERR, "worker: cannot drop capabilities");
		return 1;
	}
	if ((w->notify = notify_new(w)) == NULL || FCGX_Init() != 0 ||
	    signals_init() == -1) {
		log_msg(LOG_ERR, "worker: cannot start: %s", strerror(errno));
		return 1;
	}
	/* before any other thread: each inherits what the relay gives up */
	if (relay_start(relay, relay_fd, &w->budget) == -1) {
		log_msg(LOG_ERR, "worker: cannot start the TCP relay; exiting");
		return 1;
	}
	if (notify_start(w->notify) == -1) {
		log_msg(LOG_ERR, "worker: cannot start the notify thread");
		return 1;
	}
	/* the jail is built: the service manager may call us ready */
	audit_ready();
	return pool_run(w, listen_fd, sigpipe[0]);
}
