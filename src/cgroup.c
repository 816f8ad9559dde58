/*
 * cgroup: one kernel-enforced budget per request (see include/cgroup.h
 * and doc/cgroups.md).
 *
 * Every directory is reached through a file descriptor opened when it
 * was made, never through a path built later: the process that uses a
 * leaf may live in a mount namespace where /sys/fs/cgroup is masked, and
 * nothing here can be steered to write outside <own>/<name>.
 */
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "safecgi.h"

#define KILL_TIMEOUT_MS	2000
#define RESET_SLACK	(4 << 20)	/* charged bytes a leaf may keep */
#define V2_CONTROLLERS	"memory pids cpu"	/* what a leaf needs */

struct cgroup_tree {
	struct cgroup_host	host;
	char			name[64];
	int			own[CGROUP_NHIER];	/* <own> */
	int			fd[CGROUP_NHIER];	/* <own>/<name> */
	int			daemon_leaf;	/* v2: <name>.daemon made */
	char			enabled[64];	/* v2: enabled in <own> */
};

struct cgroup_leaf {
	struct cgroup_tree	*tree;
	char			 name[NAME_MAX + 1];
	int			 fd[CGROUP_NHIER];	/* the leaf */
	int			 procs[CGROUP_NHIER];	/* join_file() */
	/*
	 * Files read after every request, kept open: a pread costs one
	 * system call where openat, read, close cost three.
	 *   f_list   cgroup.procs of the hierarchy that counts
	 *   f_usage  memory.current, memory.usage_in_bytes (v1)
	 *   f_oom    memory.events, memory.oom_control (v1)
	 *   f_pids   pids.events
	 */
	int			 f_list, f_usage, f_oom, f_pids;
	struct cgroup_limits	 limits;	/* last applied */
	int			 limited;
	int			 busy;
	uint64_t		 base_oom;	/* counters at the last */
	uint64_t		 base_pids;	/* reset */
};

struct cgroup_pool {
	struct cgroup_tree	*tree;
	char			 prefix[NAME_MAX + 1];
	size_t			 n;
	struct cgroup_leaf	**leaf;
	/* a worker's request threads take and give concurrently */
	pthread_mutex_t		 lock;
	pthread_cond_t		 freed;
};

static const char *const hier_name[CGROUP_NHIER] = {
	"", "memory", "pids", "cpu", "cpuacct"
};

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void
sleep_ms(int ms)
{
	struct timespec	ts = { 0, (long)ms * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* ---------------------------------------------------------------- files */

static int
write_at(int dirfd, const char *file, const char *val)
{
	size_t	len = strlen(val);
	ssize_t	n;
	int	fd, saved;

	if ((fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	n = write(fd, val, len);
	saved = errno;
	close(fd);
	if (n != (ssize_t)len) {
		errno = n == -1 ? saved : EIO;
		return -1;
	}
	return 0;
}

/*
 * The whole file from offset 0, NUL-terminated; -1 when it does not fit.
 * pread: a kernfs file kept open renders afresh at offset 0.
 */
static ssize_t
read_fd(int fd, char *buf, size_t size)
{
	size_t	off = 0;
	ssize_t	n;

	while (off + 1 < size) {
		n = pread(fd, buf + off, size - 1 - off, (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		off += (size_t)n;
	}
	if (off + 1 >= size) {
		errno = EFBIG;
		return -1;
	}
	buf[off] = '\0';
	return (ssize_t)off;
}

static ssize_t
read_at(int dirfd, const char *file, char *buf, size_t size)
{
	ssize_t	n;
	int	fd, saved;

	if ((fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read_fd(fd, buf, size);
	saved = errno;
	close(fd);
	errno = saved;
	return n;
}

/* A "key value" line of a flat-keyed file, or the file's one number. */
static int
parse_key(const char *buf, const char *key, uint64_t *v)
{
	const char	*p;
	char		*end;
	size_t		 klen;

	if (key == NULL) {
		errno = 0;
		*v = strtoull(buf, &end, 10);
		return end == buf || errno != 0 ? -1 : 0;
	}
	klen = strlen(key);
	for (p = buf; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p = p != NULL ? p + 1 : NULL) {
		if (strncmp(p, key, klen) != 0 || p[klen] != ' ')
			continue;
		errno = 0;
		*v = strtoull(p + klen + 1, &end, 10);
		return end == p + klen + 1 || errno != 0 ? -1 : 0;
	}
	errno = ENOENT;
	return -1;
}

static int
key_at(int dirfd, const char *file, const char *key, uint64_t *v)
{
	char	buf[4096];

	if (read_at(dirfd, file, buf, sizeof(buf)) == -1)
		return -1;
	return parse_key(buf, key, v);
}

/*
 * The files kept open (memory.events, memory.oom_control, pids.events,
 * the usage) are one seq_file record each, which a read renders whole:
 * one pread has it all, where read_fd() reads on until a second one
 * returns 0.  They are read several times a request.
 */
static int
key_fd(int fd, const char *key, uint64_t *v)
{
	char	buf[4096];
	ssize_t	n;

	while ((n = pread(fd, buf, sizeof(buf) - 1, 0)) == -1 &&
	    errno == EINTR)
		;
	if (n == -1)
		return -1;
	if (n == (ssize_t)sizeof(buf) - 1) {
		errno = EFBIG;
		return -1;
	}
	buf[n] = '\0';
	return parse_key(buf, key, v);
}

/*
 * The processes a cgroup.procs text lists; kill them with sig when sig
 * != 0.  A pid of 0 is a process outside our PID namespace: counted,
 * never signalled.
 */
static int
procs_list(const char *buf, int sig)
{
	const char	*p;
	char		*end;
	long		 pid;
	int		 n = 0;

	for (p = buf; *p != '\0'; p = end) {
		pid = strtol(p, &end, 10);
		if (end == p)
			break;
		n++;
		if (sig != 0 && pid > 0)
			kill((pid_t)pid, sig);
		while (*end == '\n')
			end++;
	}
	return n;
}

static int
procs_at(int dirfd, int sig)
{
	char	buf[65536];

	if (read_at(dirfd, "cgroup.procs", buf, sizeof(buf)) == -1)
		return -1;
	return procs_list(buf, sig);
}

/* ---------------------------------------------------------- detection */

int
cgroup_has_word(const char *list, const char *word)
{
	size_t	len = strlen(word);
	const char *p = list;

	while (*p != '\0') {
		size_t	n = strcspn(p, " ,\n\t");

		if (n == len && strncmp(p, word, len) == 0)
			return 1;
		p += n;
		if (*p != '\0')
			p++;
	}
	return 0;
}

/*
 * /proc/self/cgroup: "id:controllers:path".  ctl "" asks for the v2
 * line (empty controller list), otherwise a v1 line that names ctl.
 */
int
cgroup_parse_self(const char *text, const char *ctl, char *path,
    size_t size)
{
	const char	*line, *c, *pth, *eol;
	char		 list[256];
	size_t		 n;

	for (line = text; *line != '\0'; line = *eol ? eol + 1 : eol) {
		eol = line + strcspn(line, "\n");
		if ((c = memchr(line, ':', eol - line)) == NULL)
			continue;
		c++;
		if ((pth = memchr(c, ':', eol - c)) == NULL)
			continue;
		n = (size_t)(pth - c);
		pth++;
		if (n >= sizeof(list))
			continue;
		memcpy(list, c, n);
		list[n] = '\0';
		if (*ctl == '\0' ? n != 0 : !cgroup_has_word(list, ctl))
			continue;
		if ((size_t)(eol - pth) >= size || *pth != '/')
			return -1;
		memcpy(path, pth, eol - pth);
		path[eol - pth] = '\0';
		return 0;
	}
	return -1;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static int
unescape(const char *s, size_t len, char *out, size_t size)
{
	size_t	i, o = 0;

	for (i = 0; i < len; i++) {
		if (o + 1 >= size)
			return -1;
		if (s[i] == '\\' && i + 3 < len &&
		    s[i + 1] >= '0' && s[i + 1] <= '3') {
			out[o++] = (char)((s[i + 1] - '0') * 64 +
			    (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 3;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return 0;
}

/*
 * /proc/self/mountinfo: "id parent maj:min root mountpoint opts
 * [optional...] - fstype source superopts".  ctl NULL asks for cgroup2,
 * otherwise a cgroup (v1) mount whose super options name ctl.  The first
 * match wins, as the kernel's own lookup would.
 */
int
cgroup_parse_mount(const char *mi, const char *ctl, char *mnt, size_t msize,
    char *root, size_t rsize)
{
	const char	*line, *eol, *f[6], *dash, *fs, *src, *opts;
	char		 buf[512];
	size_t		 n;
	int		 i;

	for (line = mi; *line != '\0'; line = *eol ? eol + 1 : eol) {
		eol = line + strcspn(line, "\n");
		f[0] = line;
		for (i = 1; i < 6; i++) {
			f[i] = memchr(f[i - 1], ' ', eol - f[i - 1]);
			if (f[i] == NULL)
				break;
			f[i]++;
		}
		if (i < 6)
			continue;
		if ((dash = strstr(f[5], " - ")) == NULL || dash > eol)
			continue;
		fs = dash + 3;
		if ((src = memchr(fs, ' ', eol - fs)) == NULL)
			continue;
		n = (size_t)(src - fs);
		if (ctl == NULL ? n != 7 || strncmp(fs, "cgroup2", 7) != 0 :
		    n != 6 || strncmp(fs, "cgroup", 6) != 0)
			continue;
		if ((opts = memchr(src + 1, ' ', eol - src - 1)) == NULL)
			continue;
		opts++;
		if (ctl != NULL) {
			n = (size_t)(eol - opts);
			if (n >= sizeof(buf))
				continue;
			memcpy(buf, opts, n);
			buf[n] = '\0';
			if (!cgroup_has_word(buf, ctl))
				continue;
		}
		if (unescape(f[3], (size_t)(f[4] - 1 - f[3]), root, rsize) ==
		    -1 || unescape(f[4], (size_t)(f[5] - 1 - f[4]), mnt,
		    msize) == -1)
			return -1;
		return 0;
	}
	return -1;
}

static char *
slurp(const char *path, size_t *lenp)
{
	char	*buf = NULL, *nbuf;
	size_t	 len = 0, cap = 0;
	ssize_t	 n;
	int	 fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap == 0 ? 16384 : cap * 2;
			if ((nbuf = realloc(buf, cap)) == NULL)
				goto fail;
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
fail:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return NULL;
}

/* Our own cgroup's directory in one hierarchy: mount + (path - root). */
static int
own_dir(const char *self, const char *mi, const char *ctl, char *dir,
    size_t size)
{
	char	mnt[PATH_MAX], root[PATH_MAX], path[PATH_MAX];
	const char *rel;
	size_t	rlen;

	if (cgroup_parse_mount(mi, ctl, mnt, sizeof(mnt), root,
	    sizeof(root)) == -1 ||
	    cgroup_parse_self(self, ctl == NULL ? "" : ctl, path,
	    sizeof(path)) == -1)
		return -1;
	/* a mount of a sub-cgroup (cgroup namespace, bind) shows less */
	rlen = strcmp(root, "/") == 0 ? 0 : strlen(root);
	if (strncmp(path, root, rlen) != 0 ||
	    (path[rlen] != '/' && path[rlen] != '\0'))
		return -1;
	rel = path + rlen;
	while (*rel == '/')
		rel++;
	if ((size_t)snprintf(dir, size, "%s%s%s", mnt, *rel ? "/" : "",
	    rel) >= size)
		return -1;
	return 0;
}

int
cgroup_detect(struct cgroup_host *h, char *err, size_t errlen)
{
	char	*self, *mi;
	int	 rc;

	memset(h, 0, sizeof(*h));
	if ((self = slurp("/proc/self/cgroup", NULL)) == NULL) {
		seterr(err, errlen, "/proc/self/cgroup: %s", strerror(errno));
		return -1;
	}
	if ((mi = slurp("/proc/self/mountinfo", NULL)) == NULL) {
		seterr(err, errlen, "/proc/self/mountinfo: %s",
		    strerror(errno));
		free(self);
		return -1;
	}
	rc = cgroup_detect_text(h, self, mi, err, errlen);
	free(self);
	free(mi);
	return rc;
}

int
cgroup_detect_text(struct cgroup_host *h, const char *self, const char *mi,
    char *err, size_t errlen)
{
	static const char *const need[] = { "memory", "pids", "cpu" };
	char	 ctl[512], file[PATH_MAX + 32];
	int	 i, v2ok = 1;

	memset(h, 0, sizeof(*h));
	ctl[0] = '\0';

	/* Unified: everything there, or at least membership and kill. */
	if (own_dir(self, mi, NULL, h->dir[CGROUP_UNIFIED], PATH_MAX) == 0) {
		snprintf(file, sizeof(file), "%s/cgroup.controllers",
		    h->dir[CGROUP_UNIFIED]);
		if (read_at(AT_FDCWD, file, ctl, sizeof(ctl)) == -1) {
			ctl[0] = '\0';
			v2ok = 0;
		}
		ctl[strcspn(ctl, "\n")] = '\0';
		for (i = 0; v2ok && i < (int)nitems(need); i++)
			if (!cgroup_has_word(ctl, need[i]))
				v2ok = 0;
		if (v2ok) {
			h->version = 2;
			snprintf(h->controllers, sizeof(h->controllers), "%s",
			    V2_CONTROLLERS);
			return 0;
		}
		/*
		 * Hybrid: the v2 cgroup could add cgroup.kill (5.14+) and
		 * CLONE_INTO_CGROUP, but joining it as well costs more than
		 * the v1 hierarchies together; offered, not used.
		 */
		if (access(h->dir[CGROUP_UNIFIED], W_OK) == 0)
			memcpy(h->unified, h->dir[CGROUP_UNIFIED],
			    sizeof(h->unified));
	}

	for (i = CGROUP_MEMORY; i < CGROUP_NHIER; i++) {
		if (own_dir(self, mi, hier_name[i], h->dir[i], PATH_MAX) == 0)
			continue;
		h->dir[i][0] = '\0';
		if (i == CGROUP_CPUACCT)
			continue;	/* optional: usage only */
		if (h->dir[CGROUP_UNIFIED][0] != '\0') {
			const char *v2miss = need[0];
			size_t	j;

			for (j = nitems(need); j-- > 0; )
				if (!cgroup_has_word(ctl, need[j]))
					v2miss = need[j];
			seterr(err, errlen, "%s/cgroup.controllers: no %s "
			    "controller (it lists: %s); /proc/self/mountinfo: "
			    "no v1 hierarchy with %s", h->dir[CGROUP_UNIFIED],
			    v2miss, ctl[0] != '\0' ? ctl : "none",
			    hier_name[i]);
		} else
			seterr(err, errlen, "/proc/self/mountinfo: no cgroup "
			    "hierarchy with the %s controller", hier_name[i]);
		return -1;
	}
	h->dir[CGROUP_UNIFIED][0] = '\0';
	/* cpu,cpuacct co-mounted: one hierarchy */
	if (strcmp(h->dir[CGROUP_CPUACCT], h->dir[CGROUP_CPU]) == 0)
		h->dir[CGROUP_CPUACCT][0] = '\0';
	snprintf(file, sizeof(file), "%s/memory.memsw.limit_in_bytes",
	    h->dir[CGROUP_MEMORY]);
	h->memsw = access(file, F_OK) == 0;
	h->version = 1;
	return 0;
}

const char *
cgroup_cause_name(enum cgroup_cause c)
{
	switch (c) {
	case CGROUP_CAUSE_MEMORY:
		return "memory";
	case CGROUP_CAUSE_PIDS:
		return "pids";
	default:
		return "none";
	}
}

/* ------------------------------------------------------- removing trees */

/* Kill what runs in one cgroup directory (not below it). */
static void
kill_dir(int fd, int v2)
{
	if (v2 && write_at(fd, "cgroup.kill", "1") == 0)
		return;
	procs_at(fd, SIGKILL);
}

/*
 * Remove parent/name and everything beneath it, bottom-up, killing what
 * runs there.  A cgroup being emptied is busy for a moment: retry until
 * the deadline.
 */
static int
remove_at(int parent, const char *name, int v2, int64_t deadline)
{
	struct dirent	*de;
	DIR		*d;
	int		 fd, dfd, rc = 0;

	if ((fd = openat(parent, name, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	if ((dfd = dup(fd)) == -1 || (d = fdopendir(dfd)) == NULL) {
		if (dfd != -1)
			close(dfd);
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (remove_at(fd, de->d_name, v2, deadline) == -1)
			rc = -1;
	}
	closedir(d);
	for (;;) {
		kill_dir(fd, v2);
		if (unlinkat(parent, name, AT_REMOVEDIR) == 0)
			break;
		if (errno != EBUSY || now_ms() > deadline) {
			rc = -1;
			break;
		}
		sleep_ms(1);
	}
	close(fd);
	return rc;
}

static int
open_dir(const char *path)
{
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int
valid_name(const char *name)
{
	size_t	len = strlen(name);

	return len > 0 && len < 64 && strchr(name, '/') == NULL &&
	    strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

int
cgroup_tree_remove_stale(const struct cgroup_host *h, const char *name,
    char *err, size_t errlen)
{
	int64_t		 deadline = now_ms() + KILL_TIMEOUT_MS;
	const char	*dir;
	int		 i, fd;

	if (!valid_name(name)) {
		seterr(err, errlen, "%s: not a cgroup name", name);
		return -1;
	}
	for (i = 0; i < CGROUP_NHIER; i++) {
		dir = h->dir[i];
		/* a hybrid host's cgroup2, whether the last run used it */
		if (i == CGROUP_UNIFIED && dir[0] == '\0')
			dir = h->unified;
		if (dir[0] == '\0')
			continue;
		if ((fd = open_dir(dir)) == -1) {
			seterr(err, errlen, "%s: %s", dir, strerror(errno));
			return -1;
		}
		if (remove_at(fd, name, i == CGROUP_UNIFIED, deadline) == -1) {
			seterr(err, errlen, "%s/%s: cannot remove the stale "
			    "cgroup: %s", dir, name, strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* ----------------------------------------------------------------- tree */

/* Move every process listed in from's cgroup.procs to "to". */
static void
move_procs(int from, int to)
{
	char	buf[65536], *p, *end;
	int	n;

	for (n = 0; n < 100; n++) {
		if (read_at(from, "cgroup.procs", buf, sizeof(buf)) == -1 ||
		    buf[0] == '\0')
			return;
		for (p = buf; *p != '\0'; p = end + (*end == '\n')) {
			strtol(p, &end, 10);
			if (end == p)
				break;
			*end = '\0';
			write_at(to, "cgroup.procs", p);
			*end = '\n';
		}
	}
}

/* "+a +b" (sign '+') or "-a -b" for the words of list. */
static void
ctl_line(const char *list, int sign, char *out, size_t size)
{
	const char	*p = list;
	size_t		 n = 0, len;

	out[0] = '\0';
	while (*p != '\0' && n < size) {
		p += strspn(p, " ");
		if ((len = strcspn(p, " ")) == 0)
			break;
		n += snprintf(out + n, size - n, "%s%c%.*s", n > 0 ? " " : "",
		    sign, (int)len, p);
		p += len;
	}
}

/*
 * v2, "no internal processes": a cgroup that hands controllers to its
 * children may hold no process itself (the root excepted).  So when our
 * own cgroup lacks them in cgroup.subtree_control we first move its
 * processes -- at start, the daemon alone -- into <own>/<name>.daemon.
 */
static int
v2_delegate(struct cgroup_tree *t, char *err, size_t errlen)
{
	const char	*own = t->host.dir[CGROUP_UNIFIED];
	int		 ofd = t->own[CGROUP_UNIFIED], dfd;
	char		 have[256], miss[64], want[96], leaf[NAME_MAX + 1];
	const char	*p;
	size_t		 len, n = 0;

	if (read_at(ofd, "cgroup.subtree_control", have, sizeof(have)) == -1) {
		seterr(err, errlen, "%s/cgroup.subtree_control: %s", own,
		    strerror(errno));
		return -1;
	}
	miss[0] = '\0';
	for (p = t->host.controllers; *p != '\0'; p += len) {
		char	word[32];

		p += strspn(p, " ");
		if ((len = strcspn(p, " ")) == 0 || len >= sizeof(word))
			break;
		memcpy(word, p, len);
		word[len] = '\0';
		if (!cgroup_has_word(have, word))
			n += snprintf(miss + n, sizeof(miss) - n, "%s%s",
			    n > 0 ? " " : "", word);
	}
	if (miss[0] == '\0')
		return 0;
	/* the root cgroup is exempt, and alone has no cgroup.type */
	if (faccessat(ofd, "cgroup.type", F_OK, 0) == 0) {
		snprintf(leaf, sizeof(leaf), "%s.daemon", t->name);
		if ((mkdirat(ofd, leaf, 0755) == -1 && errno != EEXIST) ||
		    (dfd = openat(ofd, leaf, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) == -1) {
			seterr(err, errlen, "%s/%s: %s", own, leaf,
			    strerror(errno));
			return -1;
		}
		t->daemon_leaf = 1;
		move_procs(ofd, dfd);
		close(dfd);
	}
	ctl_line(miss, '+', want, sizeof(want));
	if (write_at(ofd, "cgroup.subtree_control", want) == -1) {
		seterr(err, errlen, "%s/cgroup.subtree_control: cannot "
		    "write \"%s\": %s", own, want, strerror(errno));
		return -1;
	}
	snprintf(t->enabled, sizeof(t->enabled), "%s", miss);
	return 0;
}

/* The reverse of v2_delegate(), once <own>/<name> is gone. */
static void
v2_undelegate(struct cgroup_tree *t)
{
	char	off[96], leaf[NAME_MAX + 1];
	int	ofd = t->own[CGROUP_UNIFIED], dfd;

	if (t->enabled[0] != '\0') {
		ctl_line(t->enabled, '-', off, sizeof(off));
		write_at(ofd, "cgroup.subtree_control", off);
	}
	if (!t->daemon_leaf)
		return;
	snprintf(leaf, sizeof(leaf), "%s.daemon", t->name);
	if ((dfd = openat(ofd, leaf, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return;
	move_procs(dfd, ofd);
	close(dfd);
	unlinkat(ofd, leaf, AT_REMOVEDIR);
}

/*
 * The CPU scheduler weighs siblings: every request's leaf is beneath
 * <own>/<name>, so all running requests together compete with the other
 * tasks beside <name> (nginx, the workers, the rest of the host) with
 * the weight of a single task, where each script started by fcgiwrap
 * weighs one task.  <name> weighs as much as one task per CPU: as many
 * scripts as can run at once, together, weigh what they would weigh
 * outside any cgroup; each one is still bounded by its own cpu_quota.
 */
static int
tree_cpu_weight(struct cgroup_tree *t, char *err, size_t errlen)
{
	char	val[32];
	long	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int	v2 = t->host.version == 2;
	int	fd = t->fd[v2 ? CGROUP_UNIFIED : CGROUP_CPU];

	if (ncpu < 1)
		ncpu = 1;
	if (ncpu > 64)
		ncpu = 64;	/* cpu.weight is at most 10000 */
	/* v1 cpu.shares: a task weighs 1024; v2 cpu.weight: 100 */
	snprintf(val, sizeof(val), "%ld", ncpu * (v2 ? 100 : 1024));
	if (fd == -1 || write_at(fd, v2 ? "cpu.weight" : "cpu.shares",
	    val) == 0)
		return 0;
	seterr(err, errlen, "%s/%s/%s: cannot write \"%s\": %s",
	    t->host.dir[v2 ? CGROUP_UNIFIED : CGROUP_CPU], t->name,
	    v2 ? "cpu.weight" : "cpu.shares", val, strerror(errno));
	return -1;
}

struct cgroup_tree *
cgroup_tree_open(const struct cgroup_host *h, const char *name, char *err,
    size_t errlen)
{
	struct cgroup_tree	*t;
	int			 i;

	if (cgroup_tree_remove_stale(h, name, err, errlen) == -1)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		seterr(err, errlen, "cgroup: %s", strerror(errno));
		return NULL;
	}
	t->host = *h;
	snprintf(t->name, sizeof(t->name), "%s", name);
	for (i = 0; i < CGROUP_NHIER; i++)
		t->own[i] = t->fd[i] = -1;
	for (i = 0; i < CGROUP_NHIER; i++) {
		/*
		 * cpuacct apart from cpu only counts CPU time, which no
		 * request reads, and spanning it cost each request one more
		 * migration: not used (remove_stale still cleans it).
		 */
		if (h->dir[i][0] == '\0' || i == CGROUP_CPUACCT)
			continue;
		if ((t->own[i] = open_dir(h->dir[i])) == -1) {
			seterr(err, errlen, "%s: %s", h->dir[i],
			    strerror(errno));
			goto fail;
		}
	}
	if (h->version == 2 && v2_delegate(t, err, errlen) == -1)
		goto fail;
	for (i = 0; i < CGROUP_NHIER; i++) {
		if (t->own[i] == -1)
			continue;
		if (mkdirat(t->own[i], name, 0755) == -1 ||
		    (t->fd[i] = openat(t->own[i], name, O_RDONLY |
		    O_DIRECTORY | O_CLOEXEC)) == -1) {
			seterr(err, errlen, "%s/%s: %s", h->dir[i], name,
			    strerror(errno));
			goto fail;
		}
	}
	if (tree_cpu_weight(t, err, errlen) == -1)
		goto fail;
	if (h->version == 2) {
		char	want[96];

		ctl_line(h->controllers, '+', want, sizeof(want));
		if (write_at(t->fd[CGROUP_UNIFIED], "cgroup.subtree_control",
		    want) == -1) {
			seterr(err, errlen, "%s/%s/cgroup.subtree_control: "
			    "cannot write \"%s\": %s", h->dir[CGROUP_UNIFIED],
			    name, want, strerror(errno));
			goto fail;
		}
	}
	return t;
fail:
	cgroup_tree_close(t);
	return NULL;
}

int
cgroup_tree_close(struct cgroup_tree *t)
{
	int64_t	deadline = now_ms() + KILL_TIMEOUT_MS;
	int	i, rc = 0;

	if (t == NULL)
		return 0;
	for (i = 0; i < CGROUP_NHIER; i++) {
		if (t->fd[i] != -1)
			close(t->fd[i]);
		if (t->own[i] == -1)
			continue;
		if (remove_at(t->own[i], t->name, i == CGROUP_UNIFIED,
		    deadline) == -1)
			rc = -1;
	}
	if (t->host.version == 2 && t->own[CGROUP_UNIFIED] != -1)
		v2_undelegate(t);
	for (i = 0; i < CGROUP_NHIER; i++)
		if (t->own[i] != -1)
			close(t->own[i]);
	free(t);
	return rc;
}

/* ----------------------------------------------------------------- leaf */

/* The hierarchy holding a controller. */
static int
hier(const struct cgroup_leaf *l, int ctl)
{
	return l->tree->host.version == 2 ? CGROUP_UNIFIED : ctl;
}

static void
leaf_baseline(struct cgroup_leaf *l)
{
	l->base_oom = l->base_pids = 0;
	key_fd(l->f_oom, "oom_kill", &l->base_oom);
	key_fd(l->f_pids, "max", &l->base_pids);
}

/*
 * A worker holds its leaves' descriptors, a dozen each, for its whole
 * life, while libfcgi still select()s on every connection it accepts,
 * which must stay below FD_SETSIZE: a leaf's descriptors move above it
 * when the limit allows, and stay where they are otherwise.
 */
static int
fd_high(int fd)
{
	int	nfd;

	if (fd == -1 || fd >= FD_SETSIZE ||
	    (nfd = fcntl(fd, F_DUPFD_CLOEXEC, FD_SETSIZE)) == -1)
		return fd;
	close(fd);
	return nfd;
}

static void
leaf_fds_high(struct cgroup_leaf *l)
{
	int	i;

	for (i = 0; i < CGROUP_NHIER; i++) {
		l->fd[i] = fd_high(l->fd[i]);
		l->procs[i] = fd_high(l->procs[i]);
	}
	l->f_list = fd_high(l->f_list);
	l->f_usage = fd_high(l->f_usage);
	l->f_oom = fd_high(l->f_oom);
	l->f_pids = fd_high(l->f_pids);
}

/*
 * The file a child writes "0" to, to join: on v1 "tasks", which moves
 * the writing thread alone (the child is one thread until execve, and
 * what it forks follows it).  Writing cgroup.procs instead moves a
 * thread group and takes cgroup_threadgroup_rwsem for writing, which
 * waits for an RCU grace period and stalls every fork and exit on the
 * host meanwhile: the spawner, in vfork, waited with it on every
 * request (bench/RESULTS.md).  cgroup2 has no such file for a domain
 * cgroup: CLONE_INTO_CGROUP is its way without a migration.
 */
static const char *
join_file(int hier)
{
	return hier == CGROUP_UNIFIED ? "cgroup.procs" : "tasks";
}

static int
open_ro(int dirfd, const char *file)
{
	if (dirfd == -1)
		return -1;
	return openat(dirfd, file, O_RDONLY | O_CLOEXEC);
}

/*
 * Every process of a request joined each hierarchy before it could
 * fork, and the unified one first: counting one hierarchy is enough.
 */
static int
leaf_files(struct cgroup_leaf *l)
{
	int	m = hier(l, CGROUP_MEMORY), p = hier(l, CGROUP_PIDS);
	int	v2 = m == CGROUP_UNIFIED;

	l->f_list = open_ro(l->fd[l->fd[CGROUP_UNIFIED] != -1 ?
	    CGROUP_UNIFIED : p], "cgroup.procs");
	if (l->f_list == -1)
		return -1;
	if (l->fd[m] == -1)
		return 0;	/* membership alone (benchmark) */
	if ((l->f_usage = open_ro(l->fd[m], v2 ? "memory.current" :
	    "memory.usage_in_bytes")) == -1 ||
	    (l->f_oom = open_ro(l->fd[m], v2 ? "memory.events" :
	    "memory.oom_control")) == -1 ||
	    (l->f_pids = open_ro(l->fd[p], "pids.events")) == -1)
		return -1;
	return 0;
}

struct cgroup_leaf *
cgroup_leaf_new(struct cgroup_tree *t, const char *name, char *err,
    size_t errlen)
{
	struct cgroup_leaf	*l;
	int			 i;

	if (!valid_name(name)) {
		seterr(err, errlen, "%s: not a cgroup name", name);
		return NULL;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		seterr(err, errlen, "cgroup: %s", strerror(errno));
		return NULL;
	}
	l->tree = t;
	snprintf(l->name, sizeof(l->name), "%s", name);
	for (i = 0; i < CGROUP_NHIER; i++)
		l->fd[i] = l->procs[i] = -1;
	l->f_list = l->f_usage = l->f_oom = l->f_pids = -1;
	for (i = 0; i < CGROUP_NHIER; i++) {
		if (t->fd[i] == -1)
			continue;
		if ((mkdirat(t->fd[i], name, 0755) == -1 && errno != EEXIST) ||
		    (l->fd[i] = openat(t->fd[i], name, O_RDONLY |
		    O_DIRECTORY | O_CLOEXEC)) == -1 ||
		    (l->procs[i] = openat(l->fd[i], join_file(i),
		    O_WRONLY | O_CLOEXEC)) == -1) {
			seterr(err, errlen, "%s/%s/%s: %s", t->host.dir[i],
			    t->name, name, strerror(errno));
			cgroup_leaf_free(l);
			return NULL;
		}
	}
	if (leaf_files(l) == -1) {
		seterr(err, errlen, "%s/%s/%s: %s", t->host.dir[CGROUP_MEMORY],
		    t->name, name, strerror(errno));
		cgroup_leaf_free(l);
		return NULL;
	}
	leaf_fds_high(l);
	leaf_baseline(l);
	return l;
}

/* The leaf's descriptors; its directories stay. */
static void
leaf_close(struct cgroup_leaf *l)
{
	int	i;

	if (l->f_list != -1)
		close(l->f_list);
	if (l->f_usage != -1)
		close(l->f_usage);
	if (l->f_oom != -1)
		close(l->f_oom);
	if (l->f_pids != -1)
		close(l->f_pids);
	for (i = 0; i < CGROUP_NHIER; i++) {
		if (l->procs[i] != -1)
			close(l->procs[i]);
		if (l->fd[i] != -1)
			close(l->fd[i]);
	}
}

int
cgroup_leaf_free(struct cgroup_leaf *l)
{
	int64_t	deadline = now_ms() + KILL_TIMEOUT_MS;
	int	i, rc = 0;

	if (l == NULL)
		return 0;
	leaf_close(l);
	for (i = 0; i < CGROUP_NHIER; i++)
		if (l->fd[i] != -1 && remove_at(l->tree->fd[i], l->name,
		    i == CGROUP_UNIFIED, deadline) == -1)
			rc = -1;
	free(l);
	return rc;
}

/*
 * v1 wants memory.memsw.limit_in_bytes >= memory.limit_in_bytes at every
 * moment: lowering goes limit first, raising memsw first.
 */
static int
v1_memory(int fd, const char *val, int memsw)
{
	if (!memsw)
		return write_at(fd, "memory.limit_in_bytes", val);
	if (write_at(fd, "memory.limit_in_bytes", val) == 0)
		return write_at(fd, "memory.memsw.limit_in_bytes", val);
	if (errno != EINVAL ||
	    write_at(fd, "memory.memsw.limit_in_bytes", val) == -1)
		return -1;
	return write_at(fd, "memory.limit_in_bytes", val);
}

int
cgroup_leaf_limit(struct cgroup_leaf *l, const struct cgroup_limits *lim)
{
	char		 mem[32], pids[32], cpu[48], quota[16], period[16];
	uint32_t	 per = lim->cpu_period_us ? lim->cpu_period_us : 100000;
	int		 v2 = l->tree->host.version == 2;
	int		 fm = l->fd[hier(l, CGROUP_MEMORY)];
	int		 fp = l->fd[hier(l, CGROUP_PIDS)];
	int		 fc = l->fd[hier(l, CGROUP_CPU)];

	/* the same profile again: nothing to write */
	if (l->limited && l->limits.memory == lim->memory &&
	    l->limits.pids == lim->pids &&
	    l->limits.cpu_quota_us == lim->cpu_quota_us &&
	    l->limits.cpu_period_us == lim->cpu_period_us)
		return 0;
	l->limited = 0;
	if (lim->memory != 0)
		snprintf(mem, sizeof(mem), "%" PRIu64, lim->memory);
	else
		snprintf(mem, sizeof(mem), "%s", v2 ? "max" : "-1");
	if (lim->pids != 0)
		snprintf(pids, sizeof(pids), "%" PRIu64, lim->pids);
	else
		snprintf(pids, sizeof(pids), "%s", "max");
	if (lim->cpu_quota_us != 0)
		snprintf(quota, sizeof(quota), "%" PRIu32, lim->cpu_quota_us);
	else
		snprintf(quota, sizeof(quota), "%s", v2 ? "max" : "-1");
	snprintf(period, sizeof(period), "%" PRIu32, per);

	if (v2) {
		snprintf(cpu, sizeof(cpu), "%s %s", quota, period);
		/* no swap: the budget is real memory; without swap
		 * accounting the file is absent and nothing can swap */
		if (write_at(fm, "memory.max", mem) == -1 ||
		    (write_at(fm, "memory.swap.max", "0") == -1 &&
		    errno != ENOENT) ||
		    /* an OOM kill takes the whole request, not one process */
		    write_at(fm, "memory.oom.group", "1") == -1 ||
		    write_at(fp, "pids.max", pids) == -1 ||
		    write_at(fc, "cpu.max", cpu) == -1)
			return -1;
	} else {
		if (v1_memory(fm, mem, l->tree->host.memsw) == -1 ||
		    write_at(fp, "pids.max", pids) == -1 ||
		    write_at(fc, "cpu.cfs_period_us", period) == -1 ||
		    write_at(fc, "cpu.cfs_quota_us", quota) == -1)
			return -1;
	}
	l->limits = *lim;
	l->limited = 1;
	return 0;
}

int
cgroup_leaf_procs(const struct cgroup_leaf *l, int skip_unified,
    int fds[CGROUP_NHIER])
{
	int	i, n = 0;

	for (i = 0; i < CGROUP_NHIER; i++) {
		if (l->procs[i] == -1 || (skip_unified && i == CGROUP_UNIFIED))
			continue;
		fds[n++] = l->procs[i];
	}
	return n;
}

int
cgroup_join(const int *procs, int n)
{
	int	i;

	/* "0": the writer itself, whatever its PID namespace */
	for (i = 0; i < n; i++)
		if (write(procs[i], "0", 1) != 1)
			return -1;
	return 0;
}

int
cgroup_leaf_enter(const struct cgroup_leaf *l, int skip_unified)
{
	int	fds[CGROUP_NHIER];

	return cgroup_join(fds, cgroup_leaf_procs(l, skip_unified, fds));
}

int
cgroup_leaf_clonefd(const struct cgroup_leaf *l)
{
	return l->fd[CGROUP_UNIFIED];
}

int
cgroup_leaf_count(const struct cgroup_leaf *l)
{
	char	buf[65536];

	if (read_fd(l->f_list, buf, sizeof(buf)) == -1)
		return -1;
	return procs_list(buf, 0);
}

int
cgroup_leaf_kill(struct cgroup_leaf *l, int timeout_ms)
{
	int64_t	deadline = now_ms() + timeout_ms;
	int	i, n, unified = l->fd[CGROUP_UNIFIED] != -1;

	if ((n = cgroup_leaf_count(l)) <= 0)
		return n;
	/* cgroup.kill is atomic against fork; v1 alone must loop */
	if (unified && write_at(l->fd[CGROUP_UNIFIED], "cgroup.kill", "1") ==
	    -1)
		unified = 0;
	for (;;) {
		if (!unified)
			for (i = 0; i < CGROUP_NHIER; i++)
				if (l->fd[i] != -1)
					procs_at(l->fd[i], SIGKILL);
		if ((n = cgroup_leaf_count(l)) <= 0)
			return n;
		if (now_ms() > deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		sleep_ms(1);
	}
}

enum cgroup_cause
cgroup_leaf_cause(const struct cgroup_leaf *l)
{
	uint64_t	v;

	if (key_fd(l->f_oom, "oom_kill", &v) == 0 && v > l->base_oom)
		return CGROUP_CAUSE_MEMORY;
	if (key_fd(l->f_pids, "max", &v) == 0 && v > l->base_pids)
		return CGROUP_CAUSE_PIDS;
	return CGROUP_CAUSE_NONE;
}

int
cgroup_leaf_usage(const struct cgroup_leaf *l, struct cgroup_usage *u)
{
	uint64_t	ns;
	int		v2 = l->tree->host.version == 2;

	memset(u, 0, sizeof(*u));
	if (v2)
		key_at(l->fd[CGROUP_UNIFIED], "memory.peak", NULL,
		    &u->memory_peak);
	else
		key_at(l->fd[CGROUP_MEMORY], "memory.max_usage_in_bytes",
		    NULL, &u->memory_peak);
	if (l->fd[CGROUP_CPUACCT] != -1 &&
	    key_at(l->fd[CGROUP_CPUACCT], "cpuacct.usage", NULL, &ns) == 0) {
		u->cpu_usec = ns / 1000;
		return 0;
	}
	if (!v2 && key_at(l->fd[CGROUP_CPU], "cpuacct.usage", NULL, &ns) ==
	    0) {
		u->cpu_usec = ns / 1000;
		return 0;
	}
	if (l->fd[CGROUP_UNIFIED] != -1)
		return key_at(l->fd[CGROUP_UNIFIED], "cpu.stat", "usage_usec",
		    &u->cpu_usec);
	errno = ENOENT;
	return -1;
}

/* cgroup_leaf_reset() of a leaf known to be empty */
static int
leaf_reset_empty(struct cgroup_leaf *l)
{
	uint64_t	left = 0, shmem = 0;
	int		m = hier(l, CGROUP_MEMORY);

	/*
	 * What stays charged once the leaf is empty is page cache and
	 * kernel objects still being freed (reclaimable: the next request's
	 * limit reclaims them) or tmpfs and shared memory pages, which
	 * without swap never leave and would shrink the next budget.  Only
	 * those call for a fresh leaf; reclaiming on every request would
	 * cost more than the request (memory.force_empty: ~0.6 ms).
	 */
	if (key_fd(l->f_usage, NULL, &left) == 0 && left > RESET_SLACK &&
	    key_at(l->fd[m], "memory.stat", "shmem", &shmem) == 0 &&
	    shmem > RESET_SLACK)
		return 1;
	leaf_baseline(l);
	return 0;
}

int
cgroup_leaf_reset(struct cgroup_leaf *l)
{
	int	n;

	if ((n = cgroup_leaf_count(l)) != 0) {
		if (n > 0)
			errno = EBUSY;
		return -1;
	}
	return leaf_reset_empty(l);
}

int
cgroup_leaf_watch(const struct cgroup_leaf *l, int fds[2])
{
	int	m = hier(l, CGROUP_MEMORY), p = hier(l, CGROUP_PIDS);

	char	buf[256];
	int	i;

	fds[0] = fds[1] = -1;
	/* v1 pids.events counts but never notifies (checked on 6.18) */
	if (m != CGROUP_UNIFIED)
		return 0;
	if ((fds[0] = openat(l->fd[p], "pids.events", O_RDONLY |
	    O_CLOEXEC)) == -1 || (fds[1] = openat(l->fd[m], "memory.events",
	    O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	/* kernfs wakes a poller on events after its last read: arm */
	for (i = 0; i < 2; i++)
		if (fds[i] != -1 && pread(fds[i], buf, sizeof(buf), 0) == -1)
			return -1;
	return 0;
}

/* ----------------------------------------------------------------- pool */

struct cgroup_pool *
cgroup_pool_new(struct cgroup_tree *t, const char *prefix, size_t n,
    char *err, size_t errlen)
{
	struct cgroup_pool	*p;
	char			 name[NAME_MAX + 1];
	size_t			 i;

	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->leaf = calloc(n, sizeof(*p->leaf))) == NULL) {
		free(p);
		seterr(err, errlen, "cgroup: %s", strerror(errno));
		return NULL;
	}
	p->tree = t;
	p->n = n;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	snprintf(p->prefix, sizeof(p->prefix), "%s", prefix);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%zu", prefix, i);
		if ((p->leaf[i] = cgroup_leaf_new(t, name, err, errlen)) ==
		    NULL) {
			cgroup_pool_free(p);
			return NULL;
		}
	}
	return p;
}

static struct cgroup_leaf *
pool_take_locked(struct cgroup_pool *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++)
		if (p->leaf[i] != NULL && !p->leaf[i]->busy) {
			p->leaf[i]->busy = 1;
			return p->leaf[i];
		}
	errno = EAGAIN;
	return NULL;
}

/* The limits are written outside the lock: they are the leaf's alone. */
static struct cgroup_leaf *
pool_limit(struct cgroup_pool *p, struct cgroup_leaf *l,
    const struct cgroup_limits *lim)
{
	int	saved;

	if (l == NULL || cgroup_leaf_limit(l, lim) == 0)
		return l;
	saved = errno;
	pthread_mutex_lock(&p->lock);
	l->busy = 0;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
	errno = saved;
	return NULL;
}

struct cgroup_leaf *
cgroup_pool_take(struct cgroup_pool *p, const struct cgroup_limits *lim)
{
	struct cgroup_leaf	*l;

	pthread_mutex_lock(&p->lock);
	l = pool_take_locked(p);
	pthread_mutex_unlock(&p->lock);
	return pool_limit(p, l, lim);
}

struct cgroup_leaf *
cgroup_pool_take_wait(struct cgroup_pool *p, const struct cgroup_limits *lim,
    int timeout_ms)
{
	struct cgroup_leaf	*l;
	struct timespec		 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&p->lock);
	while ((l = pool_take_locked(p)) == NULL)
		if (pthread_cond_timedwait(&p->freed, &p->lock, &ts) ==
		    ETIMEDOUT) {
			errno = EAGAIN;
			break;
		}
	pthread_mutex_unlock(&p->lock);
	return pool_limit(p, l, lim);
}

int
cgroup_pool_give(struct cgroup_pool *p, struct cgroup_leaf *l)
{
	char	name[NAME_MAX + 1];
	size_t	i;
	int	rc;

	for (i = 0; i < p->n; i++)
		if (p->leaf[i] == l)
			break;
	if (i == p->n) {
		errno = EINVAL;
		return -1;
	}
	/* a leaf that cannot be made clean is never handed out again */
	/* empty once the kill returns: counted once, not again */
	if (cgroup_leaf_kill(l, KILL_TIMEOUT_MS) == -1)
		return -1;
	if ((rc = leaf_reset_empty(l)) == -1)
		return -1;
	if (rc == 1) {
		/* pages that cannot be reclaimed (tmpfs, shm) would count
		 * against the next request: a fresh leaf instead */
		snprintf(name, sizeof(name), "%s", l->name);
		cgroup_leaf_free(l);
		l = cgroup_leaf_new(p->tree, name, NULL, 0);
		pthread_mutex_lock(&p->lock);
		p->leaf[i] = l;
		pthread_cond_signal(&p->freed);
		pthread_mutex_unlock(&p->lock);
		return l == NULL ? -1 : 0;
	}
	pthread_mutex_lock(&p->lock);
	l->busy = 0;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

/* Another process's pool, inherited by fork: close, remove nothing. */
void
cgroup_pool_forget(struct cgroup_pool *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		if (p->leaf[i] != NULL) {
			leaf_close(p->leaf[i]);
			free(p->leaf[i]);
		}
	free(p->leaf);
	free(p);
}

void
cgroup_pool_free(struct cgroup_pool *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		cgroup_leaf_free(p->leaf[i]);
	free(p->leaf);
	free(p);
}
