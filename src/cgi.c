/*
 * Script resolution and the response header parser: the pure parts of
 * RFC 3875 that surround a script run.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgi.h"
#include "safecgi.h"

static int
nonempty(const char *s)
{
	return s != NULL && *s != '\0';
}

int
cgi_resolve(const char *script_filename, const char *document_root,
    const char *script_name, const char *path_info, cgi_stat_fn ftype,
    void *arg, struct cgi_target *t)
{
	char	*slash;
	size_t	 len;
	int	 n;

	memset(t, 0, sizeof(*t));
	if (nonempty(script_filename))
		n = snprintf(t->path, sizeof(t->path), "%s", script_filename);
	else if (nonempty(document_root) && nonempty(script_name))
		n = snprintf(t->path, sizeof(t->path), "%s%s%s", document_root,
		    script_name[0] == '/' ? "" : "/", script_name);
	else
		return 400;
	if (n < 0 || (size_t)n >= sizeof(t->path))
		return 400;
	if (nonempty(path_info) &&
	    strlen(path_info) < sizeof(t->path_info))
		strcpy(t->path_info, path_info);

	/*
	 * Walk back from the end: "/cgi-bin/x.cgi/extra/part" runs x.cgi with
	 * PATH_INFO "/extra/part" (what fcgiwrap does when nginx was not told
	 * to split).  Never shorten past the document root.
	 */
	for (;;) {
		switch (ftype(t->path, arg)) {
		case FT_FILE:
			return 0;
		case FT_DIR:
			return t->split ? 404 : 403;
		case FT_OTHER:
			return 403;
		case FT_NONE:
			break;
		}
		slash = strrchr(t->path, '/');
		if (slash == NULL || slash == t->path)
			return 404;
		if (nonempty(document_root) &&
		    (size_t)(slash - t->path) < strlen(document_root))
			return 404;
		len = strlen(slash);
		if (len + strlen(t->path_info) >= sizeof(t->path_info))
			return 404;
		memmove(t->path_info + len, t->path_info,
		    strlen(t->path_info) + 1);
		memcpy(t->path_info, slash, len);
		*slash = '\0';
		t->split = 1;
	}
}

void
cgi_headers_init(struct cgi_headers *h)
{
	h->len = h->body = h->outlen = 0;
	h->done = 0;
	h->status = 200;
	h->has_ctype = h->has_location = h->has_status = 0;
	h->error = NULL;
	h->refused = 0;
}

static int
tchar(int c)
{
	return isalnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int
out_append(struct cgi_headers *h, const char *s, size_t n)
{
	if (h->outlen + n + 1 > sizeof(h->out))
		return -1;
	memcpy(h->out + h->outlen, s, n);
	h->outlen += n;
	h->out[h->outlen] = '\0';
	return 0;
}

/* One header line, without its line ending. */
static const char *
header_line(struct cgi_headers *h, const char *line, size_t len)
{
	const char	*colon, *v, *end = line + len;
	size_t		 nlen, i;
	char		*ep;
	long		 code;

	if (len == 0)
		return "empty header line";
	if (*line == ' ' || *line == '\t')
		return "folded header line";
	colon = memchr(line, ':', len);
	if (colon == NULL)
		return "header line without a colon";
	nlen = colon - line;
	if (nlen == 0)
		return "empty header name";
	for (i = 0; i < nlen; i++)
		if (!tchar((unsigned char)line[i]))
			return "invalid character in header name";
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	for (i = 0; v + i < end; i++) {
		unsigned char c = v[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return "control character in header value";
	}
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;

	if (nlen == 6 && strncasecmp(line, "Status", 6) == 0) {
		char	num[4];

		if (h->has_status)
			return "duplicate Status header";
		if (end - v < 3 || !isdigit((unsigned char)v[0]) ||
		    !isdigit((unsigned char)v[1]) ||
		    !isdigit((unsigned char)v[2]) ||
		    (end - v > 3 && v[3] != ' '))
			return "malformed Status header";
		memcpy(num, v, 3);
		num[3] = '\0';
		code = strtol(num, &ep, 10);
		if (code < 100 || code > 599)
			return "Status code out of range";
		/*
		 * nginx relays an upstream's 1xx to the client: "100" then a
		 * body that is a whole forged response splits the response,
		 * "101" with Upgrade makes a front proxy open a raw tunnel.
		 * Only the web server may speak an interim response.
		 */
		if (code < 200) {
			h->refused = 1;
			return "Status below 200 from a script";
		}
		h->status = (int)code;
		h->has_status = 1;
	} else if (nlen == 8 && strncasecmp(line, "Location", 8) == 0) {
		if (end == v)
			return "empty Location header";
		if (h->has_location)
			return "duplicate Location header";
		h->has_location = 1;
		if (!h->has_status && *v != '/')
			h->status = 302;
	} else if (nlen >= 8 && strncasecmp(line, "X-Accel-", 8) == 0) {
		/*
		 * X-Accel-Redirect and friends make nginx serve internal
		 * locations with its own rights, or proxy anywhere: a way out
		 * of the jail.  A script never gets to give nginx orders.
		 */
		h->refused = 1;
		return "X-Accel header from a script";
	} else if (nlen == 12 && strncasecmp(line, "Content-Type", 12) == 0) {
		if (end == v)
			return "empty Content-Type header";
		h->has_ctype = 1;
	}

	if (out_append(h, line, nlen) == -1 || out_append(h, ": ", 2) == -1 ||
	    out_append(h, v, end - v) == -1 || out_append(h, "\r\n", 2) == -1)
		return "header block too large";
	return NULL;
}

enum cgi_parse
cgi_headers_feed(struct cgi_headers *h, const char *data, size_t n,
    size_t *used)
{
	size_t	 take, start, i;
	char	*nl;

	*used = 0;
	if (h->error != NULL)
		return CGI_INVALID;
	if (h->done)
		return CGI_DONE;

	/* Lines already parsed end at h->body; scan only what is new. */
	take = n;
	if (take > sizeof(h->buf) - h->len)
		take = sizeof(h->buf) - h->len;
	memcpy(h->buf + h->len, data, take);
	start = h->body;
	h->len += take;

	while ((nl = memchr(h->buf + start, '\n', h->len - start)) != NULL) {
		size_t	 end = nl - h->buf;
		size_t	 llen = end - start;

		if (llen > 0 && h->buf[end - 1] == '\r')
			llen--;
		if (llen == 0) {
			h->done = 1;
			h->body = end + 1;
			/* hand back what we copied past the block */
			i = h->len - h->body;
			*used = take - i;
			h->len = h->body;
			if (!h->has_ctype && !h->has_location &&
			    !h->has_status) {
				h->error = "no Content-Type, Location or "
				    "Status header";
				return CGI_INVALID;
			}
			/* never a block without its end: nginx would read
			 * the body as more headers (X-Accel-Redirect too) */
			if (out_append(h, "\r\n", 2) == -1) {
				h->error = "header block too large";
				return CGI_INVALID;
			}
			return CGI_DONE;
		}
		if (memchr(h->buf + start, '\0', llen) != NULL) {
			h->error = "NUL byte in header block";
			return CGI_INVALID;
		}
		h->error = header_line(h, h->buf + start, llen);
		if (h->error != NULL)
			return CGI_INVALID;
		start = end + 1;
		h->body = start;
	}
	*used = take;
	if (h->len == sizeof(h->buf)) {
		h->error = "header block too large";
		return CGI_INVALID;
	}
	return CGI_MORE;
}

enum cgi_parse
cgi_headers_eof(struct cgi_headers *h)
{
	if (h->error != NULL)
		return CGI_INVALID;
	if (h->done)
		return CGI_DONE;
	h->error = h->len == 0 ? "no output" : "header block not terminated";
	return CGI_INVALID;
}

const char *
cgi_status_text(int code)
{
	static const struct {
		int		 code;
		const char	*text;
	} t[] = {
		{ 200, "OK" },
		{ 400, "Bad Request" },
		{ 403, "Forbidden" },
		{ 404, "Not Found" },
		{ 405, "Method Not Allowed" },
		{ 413, "Payload Too Large" },
		{ 500, "Internal Server Error" },
		{ 502, "Bad Gateway" },
		{ 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
	};
	size_t	i;

	for (i = 0; i < nitems(t); i++)
		if (t[i].code == code)
			return t[i].text;
	return "Error";
}

int
cgi_shebang(const char *buf, size_t len, char *interp, size_t isz)
{
	size_t	i, j;

	if (len < 3 || buf[0] != '#' || buf[1] != '!')
		return -1;
	for (i = 2; i < len && (buf[i] == ' ' || buf[i] == '\t'); i++)
		;
	for (j = i; j < len && buf[j] != ' ' && buf[j] != '\t' &&
	    buf[j] != '\n' && buf[j] != '\r' && buf[j] != '\0'; j++)
		;
	if (j == i || buf[i] != '/' || j - i >= isz)
		return -1;
	/* memmove: the caller may parse its read buffer in place */
	memmove(interp, buf + i, j - i);
	interp[j - i] = '\0';
	return 0;
}
