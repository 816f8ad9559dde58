/*
 * cgi: the pure parts of RFC 3875 that surround a script run.
 *
 * Script resolution (which file runs, and what is left for PATH_INFO)
 * and the response header parser.  No I/O: resolution asks a callback
 * for file types so it can be tested without a filesystem.
 */
#ifndef SAFECGI_CGI_H
#define SAFECGI_CGI_H

#include <stddef.h>
#include <sys/types.h>

#define CGI_HEADER_MAX	(64 * 1024)	/* larger blocks are refused: 502 */

enum cgi_ftype { FT_NONE, FT_DIR, FT_FILE, FT_OTHER };

/* Returns the type of path, or FT_NONE when it does not exist. */
typedef enum cgi_ftype (*cgi_stat_fn)(const char *path, void *arg);

struct cgi_target {
	char	path[4096];	/* the file to run (not yet canonical) */
	char	path_info[4096];	/* split off from the script path */
	int	split;		/* 1 when path_info came from splitting */
};

/*
 * Resolve the script as fcgiwrap does: SCRIPT_FILENAME if non-empty, else
 * DOCUMENT_ROOT + SCRIPT_NAME; when that is not a file, trailing
 * components move to PATH_INFO until a file is found.  Empty strings
 * count as unset.  Returns 0, or an HTTP status (404 nothing found, 403
 * a directory, 400 no script named at all).
 */
int	cgi_resolve(const char *script_filename, const char *document_root,
	    const char *script_name, const char *path_info,
	    cgi_stat_fn, void *, struct cgi_target *);

/* The response header block of a script, parsed incrementally. */
struct cgi_headers {
	char	buf[CGI_HEADER_MAX];
	size_t	len;		/* bytes held in buf */
	size_t	body;		/* offset of the body in buf, once done */
	int	done;		/* the block is complete */
	int	status;		/* from Status:, else 200 (302 w/ Location) */
	int	has_ctype, has_location, has_status;
	char	out[CGI_HEADER_MAX + 64];	/* block for nginx, CRLF */
	size_t	outlen;
	const char *error;	/* why the block is invalid */
	int	refused;	/* ... because it asked for what no script
				 * may have (worth an audit event), not
				 * because it was malformed */
};

enum cgi_parse { CGI_MORE, CGI_DONE, CGI_INVALID };

void		cgi_headers_init(struct cgi_headers *);
/*
 * Feed script output.  *used says how much of data was consumed; on
 * CGI_DONE the rest of buf past ->body, then data past *used, is body.
 */
enum cgi_parse	cgi_headers_feed(struct cgi_headers *, const char *, size_t,
		    size_t *used);
/* Called at end of output: a block that never finished is invalid. */
enum cgi_parse	cgi_headers_eof(struct cgi_headers *);

/* Short text for an HTTP status ("Not Found"). */
const char	*cgi_status_text(int);

/* Parse a shebang line ("#!/usr/bin/perl -w") into the interpreter path;
 * the path may be written over the line itself. */
int		cgi_shebang(const char *, size_t, char *, size_t);

#endif
