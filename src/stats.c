/*
 * Counters and the status page (see stats.h).
 */
#include <sys/types.h>
#include <sys/mman.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcgiapp.h>

#include "audit.h"
#include "profile.h"
#include "reply.h"
#include "request.h"
#include "safecgi.h"
#include "stats.h"

/* one (profile, status) pair: key 0 is a free entry */
struct stats_key {
	uint32_t	 key;
	uint32_t	 pad;
	uint64_t	 n;
};

/* what the workers of one slot have counted, ever */
struct stats_slot {
	uint64_t	 counter[STATS_NCOUNTERS];
	uint64_t	 limit[STATS_NLIMITS];
	uint64_t	 other;		/* pairs past a full table */
	struct stats_key req[STATS_KEYS];
} __attribute__((aligned(64)));

/* one live worker process: pid 0 free, -1 being forked */
struct stats_cell {
	int32_t		 pid;
	int32_t		 gauge[STATS_NGAUGES];
};

struct stats_map {
	int64_t		 started;	/* CLOCK_MONOTONIC, ms */
	uint64_t	 restarts;
	uint32_t	 nnames;	/* published after the name */
	char		 names[STATS_NAMES][STATS_NAME_MAX];
	struct stats_cell cells[STATS_CELLS];
	struct stats_slot slots[STATS_SLOTS];
};

static const char *const limit_kinds[STATS_NLIMITS] = STATS_LIMIT_KINDS;

static struct stats_map	*map;
static struct stats_slot *self;		/* this worker's slot */
static int		 cell = -1;	/* ... and gauge cell */

/* profile ids: 0 none, 1..STATS_NAMES a name, then "other" */
#define ID_NONE		0
#define ID_OTHER	(STATS_NAMES + 1)
#define STATUS_BITS	10

static int64_t
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ master */

int
stats_open(void)
{
	void	*p;

	p = mmap(NULL, sizeof(*map), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	map = p;
	map->started = mono_ms();
	return 0;
}

static int
name_id(const char *name)
{
	uint32_t	i, n;

	if (name == NULL)
		return ID_NONE;
	n = __atomic_load_n(&map->nnames, __ATOMIC_ACQUIRE);
	for (i = 0; i < n; i++)
		if (strcmp(map->names[i], name) == 0)
			return (int)i + 1;
	return ID_OTHER;
}

void
stats_profiles(const struct profile_set *ps)
{
	size_t		i;
	uint32_t	n;

	if (map == NULL)
		return;
	for (i = 0; i < ps->n; i++) {
		n = map->nnames;
		if (name_id(ps->v[i].name) != ID_OTHER || n == STATS_NAMES)
			continue;
		/* a profile past the table counts as "other" */
		snprintf(map->names[n], STATS_NAME_MAX, "%s", ps->v[i].name);
		__atomic_store_n(&map->nnames, n + 1, __ATOMIC_RELEASE);
	}
}

void
stats_worker_forking(void)
{
	int	i;

	/* the child inherits cell; the parent binds it to the pid */
	cell = -1;
	if (map == NULL)
		return;
	for (i = 0; i < STATS_CELLS; i++)
		if (map->cells[i].pid == 0) {
			memset(map->cells[i].gauge, 0,
			    sizeof(map->cells[i].gauge));
			__atomic_store_n(&map->cells[i].pid, -1,
			    __ATOMIC_RELEASE);
			cell = i;
			return;
		}
	log_msg(LOG_WARNING, "status: no gauge cell left for a worker; "
	    "its active and queued requests are not shown");
}

void
stats_worker_forked(pid_t pid)
{
	if (map == NULL || cell == -1)
		return;
	__atomic_store_n(&map->cells[cell].pid, pid > 0 ? (int32_t)pid : 0,
	    __ATOMIC_RELEASE);
	cell = -1;
}

void
stats_worker_restart(void)
{
	if (map != NULL)
		__atomic_add_fetch(&map->restarts, 1, __ATOMIC_RELAXED);
}

void
stats_worker_gone(pid_t pid)
{
	int	i;

	if (map == NULL)
		return;
	/* what it was serving died with it */
	for (i = 0; i < STATS_CELLS; i++)
		if (map->cells[i].pid == (int32_t)pid) {
			memset(map->cells[i].gauge, 0,
			    sizeof(map->cells[i].gauge));
			__atomic_store_n(&map->cells[i].pid, 0,
			    __ATOMIC_RELEASE);
		}
}

/* ------------------------------------------------------------ worker */

void
stats_attach(int slot)
{
	if (map == NULL || slot < 0)
		return;
	self = &map->slots[slot % STATS_SLOTS];
}

void
stats_count(enum stats_counter c)
{
	if (self != NULL)
		__atomic_add_fetch(&self->counter[c], 1, __ATOMIC_RELAXED);
}

void
stats_gauge(enum stats_gauge g, int delta)
{
	if (map != NULL && cell != -1)
		__atomic_add_fetch(&map->cells[cell].gauge[g], delta,
		    __ATOMIC_RELAXED);
}

void
stats_limit_hit(const char *kind)
{
	size_t	i;

	if (self == NULL)
		return;
	for (i = 0; i < STATS_NLIMITS - 1; i++)
		if (strcmp(kind, limit_kinds[i]) == 0)
			break;
	__atomic_add_fetch(&self->limit[i], 1, __ATOMIC_RELAXED);
}

void
stats_request_end(const char *profile, int status)
{
	uint32_t	 key, k, h, i;

	stats_gauge(STATS_ACTIVE, -1);
	if (self == NULL)
		return;
	if (status < 100 || status > 999)
		status = 0;
	key = (uint32_t)(name_id(profile) + 1) << STATUS_BITS |
	    (uint32_t)status;
	/* open addressing; an entry once taken keeps its key for good */
	h = key * 2654435761u;
	for (i = 0; i < STATS_KEYS; i++) {
		struct stats_key *e = &self->req[(h + i) % STATS_KEYS];

		k = __atomic_load_n(&e->key, __ATOMIC_ACQUIRE);
		/* a failed exchange leaves the winner's key in k */
		if (k == 0 && __atomic_compare_exchange_n(&e->key, &k, key,
		    0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			k = key;
		if (k != key)
			continue;
		__atomic_add_fetch(&e->n, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_add_fetch(&self->other, 1, __ATOMIC_RELAXED);
}

/* ---------------------------------------------------------- snapshot */

static int
pair_cmp(const void *a, const void *b)
{
	const struct stats_pair	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->profile, y->profile)) != 0)
		return c;
	return (x->status > y->status) - (x->status < y->status);
}

static void
pair_name(struct stats_pair *p, uint32_t id)
{
	if (id == ID_NONE)
		snprintf(p->profile, sizeof(p->profile), "-");
	else if (id == ID_OTHER || id > STATS_NAMES)
		snprintf(p->profile, sizeof(p->profile), "other");
	else
		snprintf(p->profile, sizeof(p->profile), "%s",
		    map->names[id - 1]);
}

/* Entries in use now; a few more may be taken while we read. */
static size_t
pairs_in_use(void)
{
	size_t	i, j, n = 0;

	for (i = 0; i < STATS_SLOTS; i++) {
		for (j = 0; j < STATS_KEYS; j++)
			if (__atomic_load_n(&map->slots[i].req[j].key,
			    __ATOMIC_RELAXED) != 0)
				n++;
		n++;	/* its "other" */
	}
	return n;
}

struct stats_snapshot *
stats_snapshot(void)
{
	struct stats_snapshot	*s;
	struct stats_pair	*p;
	size_t			 i, j, n = 0, max;
	uint32_t		 k;
	uint64_t		 v;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if (map == NULL)
		return s;
	max = pairs_in_use() + 64;
	if ((s->pairs = calloc(max, sizeof(*s->pairs))) == NULL) {
		free(s);
		return NULL;
	}
	s->uptime = (double)(mono_ms() - map->started) / 1000.0;
	s->restarts = __atomic_load_n(&map->restarts, __ATOMIC_RELAXED);
	for (i = 0; i < STATS_CELLS; i++) {
		if (__atomic_load_n(&map->cells[i].pid, __ATOMIC_ACQUIRE) <= 0)
			continue;
		for (j = 0; j < STATS_NGAUGES; j++)
			s->gauge[j] += __atomic_load_n(&map->cells[i].gauge[j],
			    __ATOMIC_RELAXED);
	}
	for (i = 0; i < STATS_SLOTS; i++) {
		struct stats_slot	*sl = &map->slots[i];

		for (j = 0; j < STATS_NCOUNTERS; j++)
			s->counter[j] += __atomic_load_n(&sl->counter[j],
			    __ATOMIC_RELAXED);
		for (j = 0; j < STATS_NLIMITS; j++)
			s->limit[j] += __atomic_load_n(&sl->limit[j],
			    __ATOMIC_RELAXED);
		for (j = 0; j < STATS_KEYS; j++) {
			k = __atomic_load_n(&sl->req[j].key, __ATOMIC_ACQUIRE);
			v = __atomic_load_n(&sl->req[j].n, __ATOMIC_RELAXED);
			if (k == 0 || v == 0 || n == max)
				continue;
			p = &s->pairs[n++];
			pair_name(p, (k >> STATUS_BITS) - 1);
			p->status = (int)(k & ((1u << STATUS_BITS) - 1));
			p->n = v;
		}
		if ((v = __atomic_load_n(&sl->other, __ATOMIC_RELAXED)) > 0 &&
		    n < max) {
			p = &s->pairs[n++];
			pair_name(p, ID_OTHER);
			p->n = v;
		}
	}
	/* the same pair from several slots is one line */
	qsort(s->pairs, n, sizeof(*s->pairs), pair_cmp);
	for (i = 0, j = 0; i < n; i++)
		if (j > 0 && pair_cmp(&s->pairs[j - 1], &s->pairs[i]) == 0)
			s->pairs[j - 1].n += s->pairs[i].n;
		else
			s->pairs[j++] = s->pairs[i];
	s->npairs = j;
	return s;
}

void
stats_snapshot_free(struct stats_snapshot *s)
{
	if (s == NULL)
		return;
	free(s->pairs);
	free(s);
}

/* ------------------------------------------------------------ format */

static const struct {
	const char	*name;		/* OpenMetrics family, JSON key */
	const char	*text;		/* the plain page */
	const char	*help;
} counters[STATS_NCOUNTERS] = {
	{ "spawn_failures", "spawn failures",
	    "Requests whose script the spawner could not start." },
	{ "blocked_calls", "blocked calls",
	    "System calls denied to scripts (answered with an errno)." },
	{ "denied_execs", "denied execs",
	    "Programs a script tried to execute that its profile refuses." },
	{ "suspicious_inputs", "suspicious inputs",
	    "Request inputs that matched an injection signature." },
}, gauges[STATS_NGAUGES] = {
	{ "requests_active", "requests active",
	    "Requests running a script now." },
	{ "requests_queued", "requests queued",
	    "Requests accepted and waiting to start." },
};

/* A label value: backslash, quote and newline escaped. */
static void
om_label(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
}

static void
om_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# TYPE safecgi_%s %s\n# HELP safecgi_%s %s\n", name, type,
	    name, help);
}

static void
status_label(char *buf, size_t sz, int status)
{
	if (status == 0)
		snprintf(buf, sz, "other");
	else
		snprintf(buf, sz, "%d", status);
}

static void
write_openmetrics(const struct stats_snapshot *s, FILE *f)
{
	char	st[16];
	size_t	i;

	om_family(f, "requests", "counter",
	    "Requests answered, by HTTP status and profile.");
	for (i = 0; i < s->npairs; i++) {
		status_label(st, sizeof(st), s->pairs[i].status);
		fputs("safecgi_requests_total{profile=\"", f);
		om_label(f, s->pairs[i].profile);
		fprintf(f, "\",status=\"%s\"} %llu\n", st,
		    (unsigned long long)s->pairs[i].n);
	}
	for (i = 0; i < STATS_NGAUGES; i++) {
		om_family(f, gauges[i].name, "gauge", gauges[i].help);
		fprintf(f, "safecgi_%s %lld\n", gauges[i].name,
		    (long long)s->gauge[i]);
	}
	for (i = 0; i < STATS_NCOUNTERS; i++) {
		om_family(f, counters[i].name, "counter", counters[i].help);
		fprintf(f, "safecgi_%s_total %llu\n", counters[i].name,
		    (unsigned long long)s->counter[i]);
	}
	om_family(f, "limit_hits", "counter",
	    "Requests stopped at a limit, by kind of limit.");
	for (i = 0; i < STATS_NLIMITS; i++)
		fprintf(f, "safecgi_limit_hits_total{kind=\"%s\"} %llu\n",
		    limit_kinds[i], (unsigned long long)s->limit[i]);
	om_family(f, "worker_restarts", "counter",
	    "Workers that died and were started again.");
	fprintf(f, "safecgi_worker_restarts_total %llu\n",
	    (unsigned long long)s->restarts);
	om_family(f, "uptime_seconds", "gauge",
	    "Seconds since the master started.");
	fprintf(f, "safecgi_uptime_seconds %.3f\n", s->uptime);
	fputs("# EOF\n", f);
}

static void
write_json(const struct stats_snapshot *s, FILE *f)
{
	char	name[STATS_NAME_MAX * 6 + 1];
	size_t	i;

	fprintf(f, "{\"uptime_seconds\":%.3f", s->uptime);
	for (i = 0; i < STATS_NGAUGES; i++)
		fprintf(f, ",\"%s\":%lld", gauges[i].name,
		    (long long)s->gauge[i]);
	for (i = 0; i < STATS_NCOUNTERS; i++)
		fprintf(f, ",\"%s\":%llu", counters[i].name,
		    (unsigned long long)s->counter[i]);
	fprintf(f, ",\"worker_restarts\":%llu,\"limit_hits\":{",
	    (unsigned long long)s->restarts);
	for (i = 0; i < STATS_NLIMITS; i++)
		fprintf(f, "%s\"%s\":%llu", i ? "," : "", limit_kinds[i],
		    (unsigned long long)s->limit[i]);
	fputs("},\"requests\":[", f);
	for (i = 0; i < s->npairs; i++) {
		json_escape(s->pairs[i].profile, strlen(s->pairs[i].profile),
		    name, sizeof(name));
		fprintf(f, "%s{\"profile\":\"%s\",\"status\":", i ? "," : "",
		    name);
		if (s->pairs[i].status == 0)
			fputs("\"other\"", f);
		else
			fprintf(f, "%d", s->pairs[i].status);
		fprintf(f, ",\"count\":%llu}",
		    (unsigned long long)s->pairs[i].n);
	}
	fputs("]}\n", f);
}

/* "label:" padded, then the value: php-fpm's plain page */
static void
text_line(FILE *f, long long v, const char *fmt, ...)
{
	char	label[STATS_NAME_MAX + 64];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(label, sizeof(label) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(label) - 2)
		n = sizeof(label) - 2;
	label[n++] = ':';
	label[n] = '\0';
	fprintf(f, "%-32s %lld\n", label, v);
}

static void
write_text(const struct stats_snapshot *s, FILE *f)
{
	char	st[16];
	size_t	i;

	text_line(f, (long long)s->uptime, "uptime seconds");
	for (i = 0; i < STATS_NGAUGES; i++)
		text_line(f, (long long)s->gauge[i], "%s", gauges[i].text);
	for (i = 0; i < STATS_NCOUNTERS; i++)
		text_line(f, (long long)s->counter[i], "%s",
		    counters[i].text);
	text_line(f, (long long)s->restarts, "worker restarts");
	for (i = 0; i < STATS_NLIMITS; i++)
		text_line(f, (long long)s->limit[i], "limit hits %s",
		    limit_kinds[i]);
	for (i = 0; i < s->npairs; i++) {
		status_label(st, sizeof(st), s->pairs[i].status);
		text_line(f, (long long)s->pairs[i].n, "requests %s %s",
		    s->pairs[i].profile, st);
	}
}

int
stats_write(const struct stats_snapshot *s, enum stats_format fmt, FILE *f)
{
	switch (fmt) {
	case STATS_OPENMETRICS:
		write_openmetrics(s, f);
		break;
	case STATS_JSON:
		write_json(s, f);
		break;
	default:
		write_text(s, f);
		break;
	}
	return ferror(f) ? -1 : 0;
}

/* -------------------------------------------------------------- page */

int
stats_page_wanted(const char *path, const char *script_name)
{
	return path != NULL && script_name != NULL &&
	    strcmp(path, script_name) == 0;
}

/* "json", "openmetrics", also as "openmetrics=" (Prometheus params) */
enum stats_format
stats_format_of(const char *q)
{
	size_t	n;

	while (q != NULL && *q != '\0') {
		n = strcspn(q, "&=");
		if (n == 4 && strncmp(q, "json", 4) == 0)
			return STATS_JSON;
		if (n == 11 && strncmp(q, "openmetrics", 11) == 0)
			return STATS_OPENMETRICS;
		q += strcspn(q, "&");
		if (*q == '&')
			q++;
	}
	return STATS_TEXT;
}

void
stats_page(struct req *r, const char *query)
{
	static const char *const types[] = {
		"text/plain; charset=utf-8", "application/json",
		"application/openmetrics-text; version=1.0.0; charset=utf-8",
	};
	struct stats_snapshot	*s;
	enum stats_format	 fmt = stats_format_of(query);
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*f;

	if ((s = stats_snapshot()) == NULL ||
	    (f = open_memstream(&buf, &len)) == NULL) {
		stats_snapshot_free(s);
		reply_error(r, 500, "status page: out of memory");
		return;
	}
	if (stats_write(s, fmt, f) == -1 || fclose(f) == EOF) {
		stats_snapshot_free(s);
		free(buf);
		reply_error(r, 500, "status page: out of memory");
		return;
	}
	stats_snapshot_free(s);
	/* a snapshot of the moment: no cache may keep it */
	FCGX_FPrintF(r->fr.out, "Status: 200 OK\r\nContent-Type: %s\r\n"
	    "Cache-Control: no-store\r\n\r\n", types[fmt]);
	FCGX_PutStr(buf, (int)len, r->fr.out);
	r->status = 200;
	r->bytes = len;
	r->headers_sent = 1;
	free(buf);
}
