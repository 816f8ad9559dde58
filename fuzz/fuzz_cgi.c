/*
 * libFuzzer target for cgi.c: what a script writes and what a request
 * names, both in an attacker's hands.
 *
 * Input: one byte of mode, then the data.
 *   mode % 3 == 0: a script's output, fed to the header parser in
 *     chunks whose sizes come from the data itself; when the parser says
 *     the block is done, the block it hands nginx must be well formed:
 *     CRLF lines, no bare CR or LF, ended by an empty line, no X-Accel-*
 *     header, a status from 200 to 599.
 *   mode % 3 == 1: four lines, SCRIPT_FILENAME, DOCUMENT_ROOT,
 *     SCRIPT_NAME and PATH_INFO, resolved against a made-up file tree
 *     (a component "f..." is a file, "d..." a directory); what is split
 *     off must join back to what was asked for, and never go above the
 *     document root.
 *   mode % 3 == 2: the first bytes of a script: the #! interpreter
 *     found must be an absolute path without blanks that fits.
 * Any broken promise aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cgi.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define check(cond)	do { if (!(cond)) abort(); } while (0)

static struct cgi_headers	h;

static void
block_is_well_formed(const struct cgi_headers *hd)
{
	const char	*p = hd->out, *end = hd->out + hd->outlen, *eol;

	check(hd->outlen >= 2 && hd->outlen < sizeof(hd->out));
	check(hd->status >= 200 && hd->status <= 599);
	check(hd->body <= hd->len);
	for (;;) {
		eol = memchr(p, '\n', end - p);
		check(eol != NULL && eol > p && eol[-1] == '\r');
		check(memchr(p, '\r', eol - 1 - p) == NULL);
		check(strncasecmp(p, "X-Accel-", 8) != 0);
		if (eol - 1 == p)		/* the empty line ends it */
			break;
		p = eol + 1;
	}
	check(eol + 1 == end);
}

static void
fuzz_headers(const uint8_t *data, size_t len)
{
	enum cgi_parse	r = CGI_MORE;
	size_t		off = 0, n, used;

	cgi_headers_init(&h);
	while (off < len && r == CGI_MORE) {
		n = 1 + data[off] % 64;		/* the chunk's size */
		if (n > len - off)
			n = len - off;
		r = cgi_headers_feed(&h, (const char *)data + off, n, &used);
		check(used <= n);
		if (r == CGI_MORE)
			check(used == n);
		off += n;
	}
	if (r == CGI_MORE)
		r = cgi_headers_eof(&h);
	if (r == CGI_DONE)
		block_is_well_formed(&h);
	else
		check(h.error != NULL);
}

static enum cgi_ftype
made_up_tree(const char *path, void *arg)
{
	const char	*last = strrchr(path, '/');

	(void)arg;
	last = last == NULL ? path : last + 1;
	if (*last == 'f')
		return FT_FILE;
	if (*last == 'd' || *last == '\0')
		return FT_DIR;
	if (*last == 'o')
		return FT_OTHER;
	return FT_NONE;
}

static void
fuzz_resolve(const uint8_t *data, size_t len)
{
	static struct cgi_target	t;
	static char			want[2 * 4096 + 2], got[2 * 4096 + 2];
	char				*copy, *v[4] = { "", "", "", "" }, *s;
	size_t				i;
	int				rc;

	if ((copy = malloc(len + 1)) == NULL)
		return;
	memcpy(copy, data, len);
	copy[len] = '\0';
	for (i = 0, s = copy; i < 4 && s != NULL; i++) {
		v[i] = s;
		if ((s = strchr(s, '\n')) != NULL)
			*s++ = '\0';
	}
	rc = cgi_resolve(v[0], v[1], v[2], v[3], made_up_tree, NULL, &t);
	check(rc == 0 || rc == 400 || rc == 403 || rc == 404);
	check(memchr(t.path, '\0', sizeof(t.path)) != NULL);
	check(memchr(t.path_info, '\0', sizeof(t.path_info)) != NULL);
	if (rc == 0 && t.split) {
		/* the script and what was split off join back */
		if (*v[0] != '\0')
			snprintf(want, sizeof(want), "%s%s", v[0], v[3]);
		else
			snprintf(want, sizeof(want), "%s%s%s%s", v[1],
			    v[2][0] == '/' ? "" : "/", v[2], v[3]);
		snprintf(got, sizeof(got), "%s%s", t.path, t.path_info);
		check(strcmp(want, got) == 0);
		check(*v[1] == '\0' || strlen(t.path) >= strlen(v[1]));
	}
	free(copy);
}

static void
fuzz_shebang(const uint8_t *data, size_t len)
{
	char	interp[64];

	if (cgi_shebang((const char *)data, len, interp, sizeof(interp)) != 0)
		return;
	check(interp[0] == '/');
	check(strlen(interp) < sizeof(interp));
	check(strpbrk(interp, " \t\r\n") == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	if (len < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_headers(data + 1, len - 1);
		break;
	case 1:
		fuzz_resolve(data + 1, len - 1);
		break;
	default:
		fuzz_shebang(data + 1, len - 1);
		break;
	}
	return 0;
}
