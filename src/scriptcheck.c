/*
 * safecgi --check for an operator moving a cgi-bin over: which profile
 * each script gets and why, what that profile would refuse that the
 * script visibly needs, and whether the audit log reaches the ban
 * filters.  It reads files and runs nothing.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgi.h"
#include "scriptcheck.h"
#include "jail.h"
#include "safecgi.h"

#define SCRIPT_MAX	(1024 * 1024)	/* read no more of a script */
#define NAMES_MAX	256
#define WALK_DEPTH	16

/* ------------------------------------------------- shell commands */

/* Words that start no program: keywords and builtins of sh and bash. */
static const char *const not_programs[] = {
	"!", ".", ":", "[", "[[", "]]", "alias", "bg", "break", "builtin",
	"case", "cd", "command", "continue", "declare", "do", "done", "echo",
	"elif", "else", "esac", "eval", "exec", "exit", "export", "false",
	"fg", "fi", "for", "function", "getopts", "hash", "if", "in", "jobs",
	"kill", "let", "local", "printf", "pwd", "read", "readonly", "return",
	"select", "set", "shift", "source", "test", "then", "time", "times",
	"trap", "true", "type", "typeset", "ulimit", "umask", "unalias",
	"unset", "until", "wait", "while", "{", "}",
};

/* After these the next word is a command again. */
static const char *const prefixes[] = {
	"!", "command", "do", "elif", "else", "exec", "if", "then", "time",
	"until", "while", "{",
};

/* After these the rest of the simple command is no command. */
static const char *const skip_rest[] = { "case", "for", "select" };

static int
listed(const char *const *v, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static int
name_char(int c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '-' || c == '+' ||
	    c == '/';
}

/* Skip a here-document body that starts at s; returns where it ends. */
static const char *
skip_heredoc(const char *s, const char *end, const char *delim, int tabs)
{
	const char	*eol;
	size_t		 dl = strlen(delim);

	while (s < end) {
		if (tabs)
			while (s < end && *s == '\t')
				s++;
		eol = memchr(s, '\n', (size_t)(end - s));
		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - s) == dl && memcmp(s, delim, dl) == 0)
			return eol;
		s = eol < end ? eol + 1 : end;
	}
	return end;
}

size_t
check_shell_commands(const char *text, size_t len, char (*names)[64],
    unsigned *lines, size_t n)
{
	const char	*s = text, *end = text + len, *w;
	char		 word[64], delim[64] = "";
	size_t		 found = 0, i, wl;
	unsigned	 line = 1;
	int		 start = 1, skip = 0, tabs = 0, plain, cases = 0;
	char		 q;

	while (s < end) {
		switch (*s) {
		case '\n':
			line++;
			s++;
			if (delim[0] != '\0') {
				w = s;
				s = skip_heredoc(s, end, delim, tabs);
				for (; w < s; w++)
					if (*w == '\n')
						line++;
				delim[0] = '\0';
			}
			start = 1;
			skip = 0;
			continue;
		case ' ':
		case '\t':
		case '\r':
			s++;
			continue;
		case '#':
			if (start || s == text || isspace((unsigned char)s[-1])) {
				while (s < end && *s != '\n')
					s++;
				continue;
			}
			break;
		case ';':
		case '|':
		case '(':
		case ')':
		case '`':
			s++;
			start = 1;
			skip = 0;
			continue;
		case '&':
			/* >&2 and <&0 are redirections, not separators */
			if (s > text && (s[-1] == '>' || s[-1] == '<')) {
				s++;
				continue;
			}
			s++;
			start = 1;
			skip = 0;
			continue;
		case '\'':
			/* a quoted word: no command name we can know */
			w = memchr(s + 1, '\'', (size_t)(end - s - 1));
			for (s++; s < end && (w == NULL || s < w); s++)
				if (*s == '\n')
					line++;
			s++;
			start = 0;
			continue;
		case '"':
			/* "...$(cmd)...": the command inside is a command */
			for (s++; s < end && *s != '"'; s++) {
				if (*s == '\\' && s + 1 < end)
					s++;
				else if (*s == '\n')
					line++;
				else if (*s == '$' && s + 1 < end && s[1] == '(' &&
				    (s + 2 >= end || s[2] != '('))
					break;
			}
			if (s < end && *s == '$') {
				s += 2;
				start = 1;
				skip = 0;
				continue;
			}
			s++;
			start = 0;
			continue;
		case '$':
			if (s + 1 < end && s[1] == '(' && (s + 2 >= end ||
			    s[2] != '(')) {
				s += 2;
				start = 1;
				skip = 0;
				continue;
			}
			break;
		case '<':
			/* <<DELIM, <<-DELIM, <<'DELIM': a here-document */
			if (s + 1 < end && s[1] == '<' && (s + 2 >= end ||
			    s[2] != '<')) {
				s += 2;
				tabs = s < end && *s == '-';
				if (tabs)
					s++;
				while (s < end && (*s == ' ' || *s == '\t'))
					s++;
				for (i = 0; s < end && i + 1 < sizeof(delim) &&
				    !isspace((unsigned char)*s) && *s != ';' &&
				    *s != '|' && *s != '&' && *s != ')'; s++)
					if (*s != '\'' && *s != '"' && *s != '\\')
						delim[i++] = *s;
				delim[i] = '\0';
				continue;
			}
			break;
		default:
			break;
		}

		/* a word */
		w = s;
		plain = 1;
		while (s < end && !isspace((unsigned char)*s) && *s != ';' &&
		    *s != '|' && *s != '&' && *s != '(' && *s != ')' &&
		    *s != '`' && *s != '<' && *s != '>') {
			if (*s == '\'' || *s == '"') {
				/* quotes inside a word: x='a b' */
				q = *s;
				plain = 0;
				for (s++; s < end && *s != q; s++) {
					if (*s == '\n')
						line++;
					else if (q == '"' && *s == '\\' &&
					    s + 1 < end)
						s++;
				}
				if (s < end)
					s++;
				continue;
			}
			if (!name_char((unsigned char)*s))
				plain = 0;
			if (*s == '\\' && s + 1 < end)
				s++;
			s++;
		}
		if (s == w) {
			/* a lone redirection character */
			s++;
			continue;
		}
		wl = (size_t)(s - w);
		if (!start || skip)
			continue;
		if (wl >= sizeof(word)) {
			start = 0;
			continue;
		}
		memcpy(word, w, wl);
		word[wl] = '\0';
		/* NAME=value before a command: the command follows */
		if (memchr(word, '=', wl) != NULL && word[0] != '=' &&
		    (isalpha((unsigned char)word[0]) || word[0] == '_'))
			continue;
		/* name() { ...: a function definition */
		if (s < end && *s == '(' && s + 1 < end && s[1] == ')') {
			start = 0;
			continue;
		}
		/* pattern) inside case ... esac */
		if (cases > 0 && s < end && *s == ')')
			continue;
		if (strcmp(word, "esac") == 0 && cases > 0)
			cases--;
		if (listed(skip_rest, nitems(skip_rest), word)) {
			if (strcmp(word, "case") == 0)
				cases++;
			skip = 1;
			continue;
		}
		if (listed(prefixes, nitems(prefixes), word))
			continue;
		start = 0;
		if (!plain || listed(not_programs, nitems(not_programs), word))
			continue;
		for (i = 0; i < found; i++)
			if (strcmp(names[i], word) == 0)
				break;
		if (i < found || found == n)
			continue;
		memcpy(names[found], word, wl + 1);
		lines[found++] = line;
	}
	return found;
}

/* ------------------------------------------------------- one script */

/* name as execvp would find it on safecgi's PATH; 0 if it exists. */
static int
on_path(const char *name, char *out, size_t outsz)
{
	char		 path[] = SAFECGI_PATH, *dir, *save = NULL;
	struct stat	 st;
	int		 n;

	if (strchr(name, '/') != NULL) {
		if (*name != '/')
			return -1;
		n = snprintf(out, outsz, "%s", name);
		return n > 0 && (size_t)n < outsz && stat(out, &st) == 0 &&
		    S_ISREG(st.st_mode) ? 0 : -1;
	}
	for (dir = strtok_r(path, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		n = snprintf(out, outsz, "%s/%s", dir, name);
		if (n < 0 || (size_t)n >= outsz)
			continue;
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & 0111) != 0)
			return 0;
	}
	return -1;
}

static int
shell_interpreter(const char *name)
{
	static const char *const shells[] = { "sh", "dash", "bash", "ash",
	    "ksh", "mksh" };
	const char	*base = strrchr(name, '/');

	return listed(shells, nitems(shells), base != NULL ? base + 1 : name);
}

static char *
read_script(const char *path, size_t *len)
{
	char	*buf;
	ssize_t	 n;
	size_t	 got = 0;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return NULL;
	if ((buf = malloc(SCRIPT_MAX + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	while (got < SCRIPT_MAX &&
	    (n = read(fd, buf + got, SCRIPT_MAX - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
}

/* Print one script's profile and its refusals; 1 if it has any. */
static int
check_one(const struct jail *j, const struct profile_set *set,
    const char *path, FILE *out)
{
	const struct profile	*p;
	char			 canon[PATH_MAX], dir[PATH_MAX], why[1024];
	char			 named[PATH_MAX];
	char			 iname[PATH_MAX], real_interp[PATH_MAX];
	char			 found[PATH_MAX], c[PATH_MAX];
	char			 (*names)[64] = NULL;
	unsigned		*lines = NULL;
	char			*text, *slash;
	size_t			 len = 0, nn, i;
	int			 refused = 0, have_interp;

	if (realpath(path, canon) == NULL)
		snprintf(canon, sizeof(canon), "%s", path);
	snprintf(dir, sizeof(dir), "%s", canon);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	if ((text = read_script(canon, &len)) == NULL) {
		fprintf(out, "script %s: cannot read: %s\n", canon,
		    strerror(errno));
		return 1;
	}
	iname[0] = real_interp[0] = '\0';
	have_interp = profile_interpreter(text, len, iname,
	    sizeof(iname)) == 0;
	p = profile_match_script(set, canon, have_interp ? iname : NULL, NULL,
	    why, sizeof(why));
	fprintf(out, "script %s: profile %s (%s)\n", canon, p->name, why);

	/* The #! program itself: the jail adds it, if it is there. */
	if (have_interp && cgi_shebang(text, len, named, sizeof(named)) == 0) {
		if (realpath(named, real_interp) == NULL) {
			fprintf(out, "  refused: #! %s does not exist\n", named);
			refused = 1;
		} else if (strcmp(named, iname) != 0) {
			/* env: the program it starts must be on exec */
			if (on_path(iname, found, sizeof(found)) == -1) {
				fprintf(out, "  refused: #! %s %s: no %s on "
				    "%s\n", named, iname, iname, SAFECGI_PATH);
				refused = 1;
			} else if (jail_may_exec(j, p, dir, canon, real_interp,
			    found, c, sizeof(c)) == 0) {
				fprintf(out, "  refused: %s (%s), which #! %s "
				    "starts\n", iname, c, named);
				refused = 1;
			}
		}
	}

	/* The programs a shell script names. */
	if (have_interp && shell_interpreter(iname) &&
	    (names = calloc(NAMES_MAX, sizeof(*names))) != NULL &&
	    (lines = calloc(NAMES_MAX, sizeof(*lines))) != NULL) {
		nn = check_shell_commands(text, len, names, lines, NAMES_MAX);
		for (i = 0; i < nn; i++) {
			if (on_path(names[i], found, sizeof(found)) == -1)
				continue;	/* a function, or not here */
			if (jail_may_exec(j, p, dir, canon, real_interp[0] ?
			    real_interp : NULL, found, c, sizeof(c)) != 0)
				continue;
			fprintf(out, "  refused: %s (%s), line %u\n",
			    names[i], c, lines[i]);
			refused = 1;
		}
	}
	free(names);
	free(lines);
	free(text);
	return refused;
}

/* ------------------------------------------------------- a directory */

struct walk {
	char	**v;
	size_t	  n;
};

static int
walk_add(struct walk *w, const char *path)
{
	char	**v, *s;

	if ((s = strdup(path)) == NULL)
		return -1;
	if ((v = reallocarray(w->v, w->n + 1, sizeof(*v))) == NULL) {
		free(s);
		return -1;
	}
	v[w->n++] = s;
	w->v = v;
	return 0;
}

/* Every executable regular file beneath dir, in byte order. */
static int
walk(struct walk *w, const char *dir, int depth)
{
	struct dirent	**ents;
	struct stat	  st;
	char		  path[PATH_MAX];
	int		  i, n, rc = 0;

	if (depth > WALK_DEPTH)
		return 0;
	if ((n = scandir(dir, &ents, NULL, alphasort)) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] == '.' || rc == -1 ||
		    snprintf(path, sizeof(path), "%s/%s", dir,
		    ents[i]->d_name) >= (int)sizeof(path) ||
		    lstat(path, &st) == -1) {
			free(ents[i]);
			continue;
		}
		if (S_ISDIR(st.st_mode))
			rc = walk(w, path, depth + 1) == -1 && errno == ENOMEM ?
			    -1 : 0;
		else if (S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0)
			rc = walk_add(w, path);
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int
check_scripts(const struct profile_set *set, const char *path, FILE *out)
{
	struct walk	 w = { NULL, 0 };
	struct stat	 st;
	struct jail	*j;
	size_t		 i, nref = 0;
	int		 rc = 0;

	if (stat(path, &st) == -1) {
		fprintf(out, "script %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* the profiles' rule lists, as a worker builds them */
	if ((j = jail_policies_new(set)) == NULL) {
		fprintf(out, "%s: cannot build the profiles' rule lists: %s\n",
		    path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		check_one(j, set, path, out);
		jail_policies_free(j);
		return 0;
	}
	if (walk(&w, path, 0) == -1) {
		fprintf(out, "%s: %s\n", path, strerror(errno));
		rc = -1;
	}
	for (i = 0; i < w.n; i++) {
		if (rc == 0)
			nref += check_one(j, set, w.v[i], out);
		free(w.v[i]);
	}
	free(w.v);
	jail_policies_free(j);
	if (rc == 0)
		fprintf(out, "%zu script%s under %s, %zu with something its "
		    "profile refuses\n", w.n, w.n == 1 ? "" : "s", path, nref);
	return rc;
}

/* ------------------------------------------------------------ logs */

#define F2B_DIR		"/etc/fail2ban"
#define F2B_LOG		"/var/log/safecgi/audit.log"
#define CROWDSEC_ACQUIS	"/etc/crowdsec/acquis.d/safecgi.yaml"

/* [safecgi] of fail2ban's jail files: enabled, and its logpath. */
static void
f2b_read(const char *file, int *enabled, char *logpath, size_t lsz)
{
	FILE	*fp;
	char	 line[1024], *k, *v, *e;
	int	 in = 0;

	if ((fp = fopen(file, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '[') {
			in = strcmp(line, "[safecgi]") == 0;
			continue;
		}
		if (!in || (e = strchr(line, '=')) == NULL || line[0] == '#' ||
		    line[0] == ';' || isspace((unsigned char)line[0]))
			continue;
		*e = '\0';
		k = line;
		k[strcspn(k, " \t")] = '\0';
		for (v = e + 1; isspace((unsigned char)*v); v++)
			;
		v[strcspn(v, " \t")] = '\0';
		if (strcmp(k, "enabled") == 0)
			*enabled = strcmp(v, "true") == 0 ||
			    strcmp(v, "yes") == 0 || strcmp(v, "1") == 0;
		else if (strcmp(k, "logpath") == 0)
			snprintf(logpath, lsz, "%s", v);
	}
	fclose(fp);
}

static int
f2b_files(const struct dirent *d)
{
	size_t	n = strlen(d->d_name);

	return d->d_name[0] != '.' && ((n > 5 &&
	    strcmp(d->d_name + n - 5, ".conf") == 0) || (n > 6 &&
	    strcmp(d->d_name + n - 6, ".local") == 0));
}

/* .conf before .local, as fail2ban reads them */
static int
f2b_cmp(const struct dirent **a, const struct dirent **b)
{
	int	la = strstr((*a)->d_name, ".local") != NULL;
	int	lb = strstr((*b)->d_name, ".local") != NULL;

	if (la != lb)
		return la - lb;
	return strcmp((*a)->d_name, (*b)->d_name);
}

int
check_logs(const struct config *cf, FILE *out)
{
	struct dirent	**ents;
	struct stat	  st;
	char		  path[PATH_MAX], logpath[PATH_MAX] = F2B_LOG;
	char		 *acq;
	size_t		  len;
	int		  i, n, enabled = 0, warned = 0;

	if (cf->audit_log == NULL) {
		fprintf(out, "warning: no --audit-log: blocked calls and "
		    "attacks are not recorded, and no ban filter (fail2ban, "
		    "CrowdSec) can see them\n");
		return 1;
	}
	if (strcmp(cf->audit_log, "syslog") == 0)
		return 0;
	if (stat(cf->audit_log, &st) == -1) {
		fprintf(out, "warning: the audit log %s does not exist yet: "
		    "a fail2ban jail reading it refuses to start (and takes "
		    "every jail with it) until the first request creates it; "
		    "create it at boot (contrib/fail2ban/tmpfiles.d/"
		    "safecgi.conf)\n", cf->audit_log);
		warned++;
	}

	f2b_read(F2B_DIR "/jail.local", &enabled, logpath, sizeof(logpath));
	if ((n = scandir(F2B_DIR "/jail.d", &ents, f2b_files, f2b_cmp)) >= 0) {
		for (i = 0; i < n; i++) {
			if (snprintf(path, sizeof(path), F2B_DIR "/jail.d/%s",
			    ents[i]->d_name) < (int)sizeof(path))
				f2b_read(path, &enabled, logpath,
				    sizeof(logpath));
			free(ents[i]);
		}
		free(ents);
	}
	if (enabled && strcmp(logpath, cf->audit_log) != 0) {
		fprintf(out, "warning: fail2ban's [safecgi] jail reads %s, "
		    "but safecgi writes %s: it cannot see any attack\n",
		    logpath, cf->audit_log);
		warned++;
	}
	if ((acq = read_script(CROWDSEC_ACQUIS, &len)) != NULL) {
		if (strstr(acq, cf->audit_log) == NULL) {
			fprintf(out, "warning: CrowdSec's %s does not name "
			    "%s: it cannot see any attack\n", CROWDSEC_ACQUIS,
			    cf->audit_log);
			warned++;
		}
		free(acq);
	}
	return warned;
}
