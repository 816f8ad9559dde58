/*
 * Which file runs, and may it (see script.h).  The only file I/O of the
 * request path: stat, realpath, and the first line of the script.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgi.h"
#include "config.h"
#include "script.h"
#include "validate.h"

static enum cgi_ftype
stat_type(const char *path, void *arg)
{
	struct stat	st;

	(void)arg;
	if (stat(path, &st) == -1)
		return errno == ENOENT || errno == ENOTDIR ? FT_NONE :
		    FT_OTHER;
	if (S_ISDIR(st.st_mode))
		return FT_DIR;
	return S_ISREG(st.st_mode) ? FT_FILE : FT_OTHER;
}

static int
allowed_by_p(const struct config *cf, const char *path)
{
	size_t	i;

	if (cf->allowed.n == 0)
		return 1;
	for (i = 0; i < cf->allowed.n; i++)
		if (strcmp(cf->allowed.v[i], path) == 0)
			return 1;
	return 0;
}

/* The interpreter is allowed to execute along with the script. */
static void
find_interp(struct script *s)
{
	char	head[256];
	ssize_t	n;
	int	fd;

	s->interp[0] = s->interp_name[0] = '\0';
	if ((fd = open(s->path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, head, sizeof(head) - 1);
	close(fd);
	/* the interpreter by name, env resolved: profiles match on it */
	if (n > 0 && profile_interpreter(head, n, s->interp_name,
	    sizeof(s->interp_name)) == -1)
		s->interp_name[0] = '\0';
	if (n > 0 && cgi_shebang(head, n, head, sizeof(head)) == 0 &&
	    realpath(head, s->interp) == NULL)
		s->interp[0] = '\0';
}

int
script_find(const struct config *cf, const char *script_filename,
    const char *document_root, const char *script_name,
    const char *path_info, struct cgi_target *t, struct script *s,
    const char **why, const char **rule)
{
	struct stat	 st, dst;
	char		*slash;
	int		 status;

	s->path[0] = s->dir[0] = s->interp[0] = s->interp_name[0] = '\0';
	*rule = NULL;
	status = cgi_resolve(script_filename, document_root, script_name,
	    path_info, stat_type, NULL, t);
	if (status != 0) {
		*why = status == 404 ? "script not found" :
		    status == 403 ? "not a regular file" :
		    "no SCRIPT_FILENAME or DOCUMENT_ROOT+SCRIPT_NAME";
		return status;
	}
	if (realpath(t->path, s->path) == NULL) {
		s->path[0] = '\0';
		*why = "script not found";
		return 404;
	}
	if (!allowed_by_p(cf, s->path)) {
		*why = "script not allowed by -p";
		*rule = "not-allowed";
		return 403;
	}
	snprintf(s->dir, sizeof(s->dir), "%s", s->path);
	if ((slash = strrchr(s->dir, '/')) != NULL)
		*(slash == s->dir ? slash + 1 : slash) = '\0';
	if (stat(s->path, &st) == -1 || stat(s->dir, &dst) == -1) {
		*why = "script not found";
		return 404;
	}
	if ((*why = script_check(&st, &dst, (uid_t)-1)) != NULL) {
		*rule = *why;
		return 403;
	}
	find_interp(s);
	return 0;
}
