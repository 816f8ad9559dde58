/*
 * One request, from its params to its access line (see request.h).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "admit.h"
#include "audit.h"
#include "cgi.h"
#include "cgroup.h"
#include "config.h"
#include "jail.h"
#include "notify.h"
#include "profile.h"
#include "reply.h"
#include "request.h"
#include "safecgi.h"
#include "script.h"
#include "spawn.h"
#include "stats.h"
#include "stream.h"
#include "util.h"
#include "validate.h"
#include "worker.h"

/* one more than validate takes, so that it sees and refuses the excess */
#define MAX_PARAMS	(VALIDATE_PARAMS_MAX + 1)

/*
 * A script's execve fails with EAGAIN when its user is at its process
 * limit (RLIMIT_NPROC, counted per uid): under the profile's admission
 * that can only be the user's processes outside safecgi.  It is load,
 * not a broken script: try again a few times, 10 ms apart and doubling
 * (1.27 s in all), then answer 503 instead of 502.
 */
#define SPAWN_RETRIES	7
#define SPAWN_BACKOFF_MS	10

static const char *
param(struct req *r, const char *name)
{
	const char	*v = FCGX_GetParam(name, r->fr.envp);

	return v != NULL && *v != '\0' ? v : NULL;
}

static void
access_line(struct req *r)
{
	char	how[32];

	if (r->tally.nsuppressed > 0) {
		struct audit_event	ev = { 0 };
		char			n[24];

		snprintf(n, sizeof(n), "%u", r->tally.nsuppressed);
		ev.event = "suppressed";
		ev.req = &r->ar;
		audit_kv(&ev, "scope", "request");
		audit_kv(&ev, "count", n);
		audit_emit(&ev);
	}

	if (r->exit_status == -1)
		snprintf(how, sizeof(how), "-");
	else if (WIFSIGNALED(r->exit_status))
		snprintf(how, sizeof(how), "signal=%d",
		    WTERMSIG(r->exit_status));
	else
		snprintf(how, sizeof(how), "exit=%d",
		    WEXITSTATUS(r->exit_status));
	log_msg(LOG_INFO, "access client=%s method=%s script=%s profile=%s "
	    "status=%d bytes=%llu ms=%lld %s%s%s",
	    r->ar.client ? r->ar.client : "-",
	    r->ar.method ? r->ar.method : "-",
	    r->ar.script ? r->ar.script : "-",
	    r->ar.profile ? r->ar.profile : "-", r->status, r->bytes,
	    (long long)(now_ms() - r->start), how,
	    r->why ? " why=" : "", r->why ? r->why : "");
}

static void
findings_report(struct req *r, const struct validate_result *vr)
{
	static const char *const kinds[] = {
		"request_refused", "variable_dropped", "suspicious_input",
		"suspicious_input",
	};
	size_t	i;

	for (i = 0; i < vr->nfindings; i++) {
		const struct finding	*f = &vr->findings[i];
		struct audit_event	 ev = { 0 };

		ev.event = kinds[f->kind];
		ev.req = &r->ar;
		audit_kv(&ev, "variable", f->var);
		audit_kv(&ev, f->kind == FINDING_SUSPICIOUS ||
		    f->kind == FINDING_FLAGGED ? "signature" : "rule",
		    f->rule);
		audit_kv(&ev, "excerpt", f->excerpt);
		audit_budget_emit(&r->w->budget, &r->tally, &ev);
		if (f->kind == FINDING_SUSPICIOUS || f->kind == FINDING_FLAGGED)
			stats_count(STATS_SUSPICIOUS);
	}
}

/*
 * When the script path was split, the script must see the split:
 * PATH_INFO is the tail, SCRIPT_NAME loses it, SCRIPT_FILENAME is the
 * canonical file.  The strings live in r, the array in vr's arena.
 */
static int
env_override(struct validate_result *vr, struct req *r,
    const struct cgi_target *t)
{
	static const char *const names[] = {
		"PATH_INFO=", "SCRIPT_NAME=", "SCRIPT_FILENAME="
	};
	const char	*sn = param(r, "SCRIPT_NAME");
	char		**env;
	size_t		 i, j, k = 0, pl = strlen(t->path_info), snl;

	snprintf(r->ov_path_info, sizeof(r->ov_path_info), "PATH_INFO=%s",
	    t->path_info);
	snprintf(r->ov_script_filename, sizeof(r->ov_script_filename),
	    "SCRIPT_FILENAME=%s", r->s.path);
	r->ov_script_name[0] = '\0';
	if (sn != NULL && (snl = strlen(sn)) >= pl &&
	    strcmp(sn + snl - pl, t->path_info) == 0)
		snprintf(r->ov_script_name, sizeof(r->ov_script_name),
		    "SCRIPT_NAME=%.*s", (int)(snl - pl), sn);
	if ((env = calloc(vr->nenv + 4, sizeof(*env))) == NULL)
		return -1;
	for (i = 0; i < vr->nenv; i++) {
		for (j = 0; j < nitems(names); j++)
			if (strncmp(vr->env[i], names[j],
			    strlen(names[j])) == 0)
				break;
		if (j == nitems(names) ||
		    (j == 1 && r->ov_script_name[0] == '\0'))
			env[k++] = vr->env[i];
	}
	env[k++] = r->ov_path_info;
	env[k++] = r->ov_script_filename;
	if (r->ov_script_name[0] != '\0')
		env[k++] = r->ov_script_name;
	env[k] = NULL;
	r->env = env;
	return 0;
}

static const struct spawner *
spawner_for(const struct worker *w, const struct profile *p)
{
	size_t	i;

	for (i = 0; i < w->nsp; i++)
		if (w->sp[i].profile == p)
			return &w->sp[i];
	return NULL;
}

/* The params as validate.c takes them: pointers into libfcgi's. */
static size_t
params_of(struct req *r, struct param *params, size_t max)
{
	char	**e, *eq;
	size_t	  np = 0;

	for (e = r->fr.envp; *e != NULL && np < max; e++) {
		if ((eq = strchr(*e, '=')) == NULL)
			continue;
		params[np].name = *e;
		params[np].name_len = eq - *e;
		params[np].value = eq + 1;
		params[np].value_len = strlen(eq + 1);
		np++;
	}
	return np;
}

/* The system's program directories: what runs there is a program. */
static const char *const program_dirs[] = {
	"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin",
	"/usr/local/sbin", "/usr/libexec", "/usr/lib/git-core", "/usr/games",
};

/*
 * Anyone who can reach the socket can name any file and any profile:
 * the web server's choices only count where they agree with the
 * profiles.  A profile named by SAFECGI_PROFILE must match the script
 * (or say select = any); a program in the system's program directories
 * (SCRIPT_FILENAME=/usr/bin/perl) runs as a script only when a profile
 * names its path.  0, or a status already answered.
 */
static int
profile_refused(struct req *r)
{
	const char	*named = param(r, "SAFECGI_PROFILE");
	const char	*rule = NULL;
	size_t		 i;

	if (named != NULL && strcmp(named, r->profile->name) == 0 &&
	    !r->profile->select_any && !profile_matches(r->profile,
	    r->s.path, r->s.interp_name[0] ? r->s.interp_name : NULL))
		rule = "profile-does-not-match";
	for (i = 0; rule == NULL && i < nitems(program_dirs); i++)
		if (path_under(r->s.path, program_dirs[i]) &&
		    !profile_matches_path(r->profile, r->s.path))
			rule = "program-not-a-script";
	if (rule == NULL)
		return 0;
	reply_error(r, 403, rule);
	reply_event(r, "request_refused", "rule", rule, "variable",
	    strcmp(rule, "profile-does-not-match") == 0 ?
	    "SAFECGI_PROFILE" : "SCRIPT_FILENAME");
	return 403;
}

/* Which file runs: 0, or a status already answered. */
static int
find_script(struct req *r, struct cgi_target *t)
{
	const char	*why, *rule;
	int		 status;

	status = script_find(r->w->cf, param(r, "SCRIPT_FILENAME"),
	    param(r, "DOCUMENT_ROOT"), param(r, "SCRIPT_NAME"),
	    param(r, "PATH_INFO"), t, &r->s, &why, &rule);
	r->ar.script = r->s.path[0] != '\0' ? r->s.path : t->path;
	if (status == 0)
		return 0;
	reply_error(r, status, why);
	if (rule != NULL)
		reply_event(r, "request_refused", "rule", rule, "variable",
		    "SCRIPT_FILENAME");
	return status;
}

/* The profile's budget for the whole request, as the cgroup takes it. */
static void
budget_of(const struct profile *p, struct cgroup_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	lim->memory = p->limit_as == PROFILE_UNLIMITED ? 0 : p->limit_as;
	lim->pids = p->limit_nproc == PROFILE_UNLIMITED ? 0 : p->limit_nproc;
	/* a percentage of one CPU, per 100 ms period */
	lim->cpu_period_us = 100000;
	lim->cpu_quota_us = p->limit_cpu_quota == PROFILE_UNLIMITED ? 0 :
	    (uint32_t)(p->limit_cpu_quota * 1000);
}

/*
 * A leaf of the worker's pool, with the profile's budget, and the fds
 * the child joins it by (cgroup_leaf_procs).  When every leaf is busy, the
 * request waits for one, up to its timeout.  0, or -1 answered.
 */
static int
budget_take(struct req *r, int *procs, int *n)
{
	struct cgroup_limits	lim;

	*n = 0;
	if (r->w->cg == NULL)
		return 0;
	budget_of(r->profile, &lim);
	if ((r->leaf = cgroup_pool_take_wait(r->w->cg, &lim,
	    r->w->cf->timeout * 1000)) == NULL) {
		snprintf(r->whybuf, sizeof(r->whybuf), "no cgroup for the "
		    "request: %s", errno == EAGAIN ? "every one is busy" :
		    strerror(errno));
		reply_error(r, errno == EAGAIN ? 503 : 500, r->whybuf);
		return -1;
	}
	*n = cgroup_leaf_procs(r->leaf, 0, procs);
	return 0;
}

/*
 * Whatever is left in the leaf is killed; it goes back for reuse.
 * After the response is finished (request_after): emptying and resetting
 * a leaf is cgroup file I/O no client should wait for.
 */
static void
budget_give(struct req *r)
{
	if (r->leaf == NULL)
		return;
	if (cgroup_pool_give(r->w->cg, r->leaf) == -1)
		log_msg(LOG_ERR, "cgroup: a request's leaf cannot be reused: "
		    "%s", strerror(errno));
	r->leaf = NULL;
}

/*
 * The spawner's answer to the request for a child, then the stream.
 * fds: the script's stdin, stdout, stderr pipes and the control
 * socketpair, as serve() made them; all closed on return.
 */
static int
run(struct req *r, const struct spawner *sp, char **env, int fds[4][2])
{
	struct spawn_reply	 rep;
	int			 i, procs[CGROUP_NHIER], nprocs, again = 0;

	if (budget_take(r, procs, &nprocs) == -1)
		goto out;
	if (spawn_request((struct spawner *)sp, r->s.path, r->s.dir,
	    r->s.interp[0] ? r->s.interp : NULL, env, fds[0][0], fds[1][1],
	    fds[2][1], fds[3][1], procs, nprocs) == -1) {
		stats_count(STATS_SPAWN_FAILURES);
		reply_error(r, 500, "spawner unavailable");
		goto out;
	}
	/* the child's ends are the spawner's now */
	for (i = 0; i < 4; i++) {
		close(fds[i][i == 0 ? 0 : 1]);
		fds[i][i == 0 ? 0 : 1] = -1;
	}
	if (spawn_read_reply(fds[3][0], &rep) == -1) {
		stats_count(STATS_SPAWN_FAILURES);
		reply_error(r, 500, "spawner did not answer");
		goto out;
	}
	if (rep.type == SPAWN_FAILED && rep.err == EAGAIN &&
	    (rep.stage == STAGE_EXEC || rep.stage == STAGE_NONE)) {
		again = 1;	/* the caller tries again, or answers 503 */
		goto out;
	}
	if (rep.type == SPAWN_FAILED) {
		stats_count(STATS_SPAWN_FAILURES);
		snprintf(r->whybuf, sizeof(r->whybuf), "%s failed: %s",
		    jail_stage_name(rep.stage), strerror(rep.err));
		/* the script's own execve failing is a configuration
		 * error, logged above; exec_denied is for what the jail
		 * refuses a script */
		reply_error(r, rep.stage == STAGE_EXEC ? 502 : 500,
		    r->whybuf);
		r->status = rep.stage == STAGE_EXEC ? 502 : 500;
		goto out;
	}
	r->ar.script_pid = rep.pid;
	r->ctl = fds[3][0];
	/* its PID namespace names the request in seccomp notifications */
	notify_track(r->w->notify, r, rep.pid);
	stream_run(r, fds[0][1], fds[1][0], fds[2][0], fds[3][0]);
	notify_track(r->w->notify, r, 0);
	r->ctl = -1;
	fds[0][1] = fds[1][0] = fds[2][0] = -1;
out:
	/* the leaf goes back after the response is out (request_after) */
	for (i = 0; i < 4; i++) {
		if (fds[i][0] != -1)
			close(fds[i][0]);
		if (fds[i][1] != -1)
			close(fds[i][1]);
	}
	return again;
}

static struct admit *
admit_for(const struct worker *w, const struct profile *p)
{
	return w->admit[p - w->ps->v];
}

/*
 * Wait for a place among the profile's running requests (admit.h).
 * 0: admitted, admit_leave() when done; -1: answered 503, with
 * Retry-After and a queue_full event (load, not an attack).
 */
static int
admission(struct req *r, struct admit *a)
{
	enum admit_verdict	v;
	unsigned		waited;
	char			ms[24];

	if ((v = admit_enter(a, r->ar.client, &waited)) == ADMIT_RUN)
		return 0;
	snprintf(r->whybuf, sizeof(r->whybuf), "queue %s after %u ms",
	    admit_verdict_name(v), waited);
	reply_busy(r, admit_retry_after(a), r->whybuf);
	snprintf(ms, sizeof(ms), "%u", waited);
	reply_event(r, "queue_full", "reason", admit_verdict_name(v),
	    "waited_ms", ms);
	return -1;
}

/* The script's ends of its pipes, and a control socket to its spawner. */
static int
open_fds(int fds[4][2])
{
	int	i;

	for (i = 0; i < 4; i++)
		fds[i][0] = fds[i][1] = -1;
	if (pipe2(fds[0], O_CLOEXEC) == -1 || pipe2(fds[1], O_CLOEXEC) == -1 ||
	    pipe2(fds[2], O_CLOEXEC) == -1 || socketpair(AF_UNIX,
	    SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds[3]) == -1)
		return -1;
	/* the pump polls stdout and stderr; it must never block on them */
	if (fcntl(fds[1][0], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(fds[2][0], F_SETFL, O_NONBLOCK) == -1)
		return -1;
	return 0;
}

/*
 * Start the script and run the request to its end; a start refused for
 * the user's process count is tried again (SPAWN_RETRIES), then 503.
 * The profile's timeout counts from here, not from the wait before.
 */
static void
start(struct req *r, const struct spawner *sp, char **env)
{
	int	fds[4][2], try, i;
	char	n[24];

	r->admitted = now_ms();
	for (try = 0; ; try++) {
		if (open_fds(fds) == -1) {
			reply_error(r, 500, "out of file descriptors");
			for (i = 0; i < 4; i++) {
				if (fds[i][0] != -1)
					close(fds[i][0]);
				if (fds[i][1] != -1)
					close(fds[i][1]);
			}
			return;
		}
		if (run(r, sp, env, fds) == 0)
			return;
		if (try == SPAWN_RETRIES)
			break;
		usleep((SPAWN_BACKOFF_MS << try) * 1000);
	}
	reply_busy(r, 1, "the profile's user is at its process limit");
	snprintf(n, sizeof(n), "%llu", r->profile->limit_nproc);
	reply_event(r, "queue_full", "reason", "processes", "processes", n);
}

void
request_serve(struct req *r)
{
	struct param		 params[MAX_PARAMS];
	struct validate_opts	 vo = { 0 };
	struct validate_result	 vr = { 0 };
	struct cgi_target	*t = NULL;
	const struct spawner	*sp;
	struct admit		*a;
	char			 why[256];
	size_t			 np;

	r->start = now_ms();
	r->admitted = r->start;
	memset(&r->tally, 0, sizeof(r->tally));
	r->nblocked = 0;
	r->ctl = -1;
	r->leaf = NULL;
	r->status = 200;
	r->exit_status = -1;
	r->ar.seq = __atomic_add_fetch(&r->w->seq, 1, __ATOMIC_RELAXED);
	r->ar.worker_pid = r->w->pid;
	r->ar.client = param(r, "REMOTE_ADDR");
	r->ar.method = param(r, "REQUEST_METHOD");
	r->ar.uri = param(r, "REQUEST_URI");
	/* safecgi's own page: no script, no profile, never a count */
	if (stats_page_wanted(r->w->cf->status_path,
	    param(r, "SCRIPT_NAME"))) {
		r->ar.script = r->w->cf->status_path;
		stats_page(r, param(r, "QUERY_STRING"));
		access_line(r);
		return;
	}
	stats_gauge(STATS_ACTIVE, 1);

	if ((t = malloc(sizeof(*t))) == NULL) {
		reply_error(r, 500, "out of memory");
		goto done;
	}
	np = params_of(r, params, MAX_PARAMS);
	vo.server_software = SAFECGI_SOFTWARE;
	vo.path = SAFECGI_PATH;
	if (find_script(r, t) != 0) {
		/*
		 * Scanners probe scripts that are not there: their payloads
		 * are recorded all the same, under the default rules.
		 */
		if (validate_params(params, np, &vo, &vr) == 0)
			findings_report(r, &vr);
		goto done;
	}

	r->profile = profile_match_script(r->w->ps, r->s.path,
	    r->s.interp_name, param(r, "SAFECGI_PROFILE"), why, sizeof(why));
	r->ar.profile = r->profile->name;
	if (profile_refused(r) != 0)
		goto done;

	vo.query_mode = r->profile->query_mode;
	vo.suspicious = r->profile->suspicious;
	vo.drop = (const char * const *)r->profile->env_drop.v;
	vo.pass = (const char * const *)r->profile->env_pass.v;
	if (validate_params(params, np, &vo, &vr) == -1) {
		reply_error(r, 500, "out of memory");
		goto done;
	}
	findings_report(r, &vr);
	if (vr.status != 0) {
		reply_error(r, vr.status, "request refused by validation");
		goto done;
	}
	if (t->split && env_override(&vr, r, t) == -1) {
		reply_error(r, 500, "out of memory");
		goto done;
	}
	if ((sp = spawner_for(r->w, r->profile)) == NULL) {
		reply_error(r, 500, "no spawner for the profile");
		goto done;
	}
	a = admit_for(r->w, r->profile);
	if (admission(r, a) == -1)
		goto done;
	start(r, sp, r->env ? r->env : vr.env);
	admit_leave(a, r->ar.client);
done:
	stats_request_end(r->ar.profile, r->status);
	access_line(r);
	free(r->env);
	r->env = NULL;
	validate_result_free(&vr);
	free(t);
}

void
request_after(struct req *r)
{
	budget_give(r);
}
