/*
 * script: which file a request runs, and whether it may.
 *
 * Resolution as fcgiwrap does it (cgi.c), then the canonical path, the
 * -p list, the suEXEC-style checks on the file and its directory, and
 * the interpreter its #! line names (allowed to execute along with it).
 */
#ifndef SAFECGI_SCRIPT_H
#define SAFECGI_SCRIPT_H

#include <limits.h>

struct cgi_target;
struct config;

struct script {
	char	path[PATH_MAX];		/* canonical, or "" */
	char	dir[PATH_MAX];		/* its directory */
	char	interp[PATH_MAX];	/* canonical #! interpreter, or "" */
	char	interp_name[PATH_MAX];	/* what profile_match looks for */
};

/*
 * From the request's params (NULL when unset or empty) to t and s.
 * Returns 0, or an HTTP status with *why for the log; *rule is set when
 * the refusal is worth an audit event (request_refused), else NULL.
 */
int	script_find(const struct config *, const char *script_filename,
	    const char *document_root, const char *script_name,
	    const char *path_info, struct cgi_target *t, struct script *s,
	    const char **why, const char **rule);

#endif
