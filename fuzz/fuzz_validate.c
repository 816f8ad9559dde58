/*
 * libFuzzer target for validate.c.
 *
 * Input: one byte of options, then params, one per line, "NAME=value"
 * (a line without '=' is a name with an empty value; values may hold
 * any byte but '\n').  The target runs validate_params() and checks
 * what it promises about the environment, then runs query_canonical()
 * over the whole input and checks the decode invariant against its own
 * form decoder.  Any broken promise aborts.
 *
 * Options byte: 0x01 raw query, 0x02 reject suspicious, 0x04 a 4 KiB
 * environment limit, 0x08 pass and drop lists.
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define check(cond)	do { if (!(cond)) abort(); } while (0)

static int
ref_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t
decode_piece(const uint8_t *s, size_t len, uint8_t *out)
{
	size_t	i, o = 0;
	int	hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%' && i + 2 < len &&
		    (hi = ref_hex(s[i + 1])) >= 0 &&
		    (lo = ref_hex(s[i + 2])) >= 0) {
			out[o++] = (uint8_t)(hi << 4 | lo);
			i += 2;
		} else
			out[o++] = s[i];
	}
	return o;
}

/* Form-decode into [len32 name][has '='][len32 value] per pair. */
static size_t
form_decode(const uint8_t *s, size_t len, uint8_t *out)
{
	size_t	i = 0, o = 0, amp, eq, n;

	for (;;) {
		for (amp = i; amp < len && s[amp] != '&'; amp++)
			;
		for (eq = i; eq < amp && s[eq] != '='; eq++)
			;
		n = decode_piece(s + i, eq - i, out + o + 4);
		memcpy(out + o, &n, 4);
		o += 4 + n;
		out[o++] = eq < amp;
		n = eq < amp ? decode_piece(s + eq + 1, amp - eq - 1,
		    out + o + 4) : 0;
		memcpy(out + o, &n, 4);
		o += 4 + n;
		if (amp == len)
			return o;
		i = amp + 1;
	}
}

static void
check_canonical(const uint8_t *in, size_t len)
{
	uint8_t	*da, *db;
	char	*out, *again;
	size_t	 na, nb, i, dsz = 9 * (len + 1) + 16;
	ssize_t	 n, n2;

	out = malloc(3 * len + 1);
	again = malloc(3 * len + 1);
	da = malloc(dsz);
	db = malloc(dsz);
	check(out != NULL && again != NULL && da != NULL && db != NULL);

	n = query_canonical((const char *)in, len, out, 3 * len + 1);
	check(n >= 0 && (size_t)n == strlen(out));
	if (n > 0)
		check(query_canonical((const char *)in, len, out,
		    (size_t)n) == -1);
	n = query_canonical((const char *)in, len, out, 3 * len + 1);
	na = form_decode(in, len, da);
	nb = form_decode((const uint8_t *)out, (size_t)n, db);
	check(na == nb && memcmp(da, db, na) == 0);

	/* Only safe bytes raw, escapes in upper case, and a fixed point. */
	for (i = 0; i < (size_t)n; i++) {
		if (out[i] == '%') {
			check(i + 2 < (size_t)n);
			check(strchr("0123456789ABCDEF", out[i + 1]) != NULL);
			check(strchr("0123456789ABCDEF", out[i + 2]) != NULL);
			i += 2;
		} else
			check((out[i] >= 'a' && out[i] <= 'z') ||
			    (out[i] >= 'A' && out[i] <= 'Z') ||
			    (out[i] >= '0' && out[i] <= '9') ||
			    (out[i] != '\0' && strchr("-._,:@+&=", out[i])));
	}
	n2 = query_canonical(out, (size_t)n, again, 3 * len + 1);
	check(n2 == n && memcmp(out, again, (size_t)n) == 0);

	free(out);
	free(again);
	free(da);
	free(db);
}

static void
check_printable(const char *s, size_t max)
{
	size_t	i;

	for (i = 0; i < max && s[i] != '\0'; i++)
		check(s[i] >= 0x20 && s[i] < 0x7f);
	check(i < max);
}

/*
 * The allowlist, written out again on its own: whatever validate.c's
 * table says, no other name may reach a script unless the pass list
 * names it.
 */
static int
allowlisted(const char *e, size_t nl, const struct validate_opts *o)
{
	static const char *const names[] = {
		"AUTH_TYPE", "CGIT_CONFIG", "CONTENT_LENGTH", "CONTENT_TYPE",
		"DOCUMENT_ROOT", "DOCUMENT_URI", "FCGI_ROLE",
		"GATEWAY_INTERFACE", "GIT_HTTP_EXPORT_ALL", "GIT_PROJECT_ROOT",
		"HTTPS", "PATH",
		"PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING",
		"REDIRECT_STATUS", "REMOTE_ADDR", "REMOTE_HOST",
		"REMOTE_IDENT", "REMOTE_PORT", "REMOTE_USER", "REQUEST_METHOD",
		"REQUEST_SCHEME", "REQUEST_URI", "SCRIPT_FILENAME",
		"SCRIPT_NAME", "SERVER_ADDR", "SERVER_NAME", "SERVER_PORT",
		"SERVER_PROTOCOL", "SERVER_SOFTWARE", NULL,
	};
	const char *const	*l;
	size_t			 n;

	if (nl >= 5 && strncmp(e, "HTTP_", 5) == 0)
		return 1;
	for (l = names; *l != NULL; l++)
		if (strlen(*l) == nl && strncmp(e, *l, nl) == 0)
			return 1;
	for (l = o->pass; l != NULL && *l != NULL; l++) {
		n = strlen(*l);
		if ((*l)[n - 1] == '*' ? nl >= n - 1 &&
		    strncmp(e, *l, n - 1) == 0 :
		    n == nl && strncmp(e, *l, nl) == 0)
			return 1;
	}
	return 0;
}

static int
name_cmp(const void *a, const void *b)
{
	const char	*x = *(const char *const *)a;
	const char	*y = *(const char *const *)b;
	size_t		 lx = strcspn(x, "="), ly = strcspn(y, "=");
	int		 c;

	c = memcmp(x, y, lx < ly ? lx : ly);
	return c != 0 ? c : (lx > ly) - (lx < ly);
}

static void
check_env(const struct validate_result *res, const struct validate_opts *o)
{
	const char	**sorted;
	const char	 *e, *v;
	size_t		  i, total = sizeof(char *), nl, npath = 0;
	size_t		  limit = o->max_env_bytes != 0 ? o->max_env_bytes :
			      VALIDATE_ENV_MAX;
	int		  tab_ok;

	check(res->env != NULL && res->env[res->nenv] == NULL);
	for (i = 0; i < res->nenv; i++) {
		e = res->env[i];
		nl = strcspn(e, "=");
		check(nl > 0 && e[nl] == '=');
		for (v = e; v < e + nl; v++)
			check((*v >= 'A' && *v <= 'Z') ||
			    (*v >= '0' && *v <= '9') || *v == '_');
		check(strncmp(e, "HTTP_PROXY=", 11) != 0);
		check(strncmp(e, "SAFECGI_PROFILE=", 16) != 0);
		check(allowlisted(e, nl, o));
		if (o->pass == NULL)
			check(strncmp(e, "LD_", 3) != 0);
		if (strncmp(e, "PATH=", 5) == 0)
			npath++;
		tab_ok = strncmp(e, "HTTP_", 5) == 0 ||
		    strncmp(e, "CONTENT_TYPE=", 13) == 0;
		for (v = e + nl + 1; *v != '\0'; v++)
			check(((unsigned char)*v >= 0x20 && *v != 0x7f) ||
			    (*v == '\t' && tab_ok));
		if (o->query_mode == QUERY_CANONICAL &&
		    strncmp(e, "QUERY_STRING=", 13) == 0) {
			size_t	 vl = strlen(e + 13);
			char	*again = malloc(3 * vl + 1);

			check(again != NULL);
			check(query_canonical(e + 13, vl, again, 3 * vl + 1) ==
			    (ssize_t)vl && memcmp(again, e + 13, vl) == 0);
			free(again);
		}
		total += strlen(e) + 1 + sizeof(char *);
	}
	check(npath == 1);
	check(total <= limit);

	/* No name twice. */
	sorted = malloc((res->nenv + 1) * sizeof(*sorted));
	check(sorted != NULL);
	memcpy(sorted, res->env, res->nenv * sizeof(*sorted));
	qsort(sorted, res->nenv, sizeof(*sorted), name_cmp);
	for (i = 1; i < res->nenv; i++)
		check(name_cmp(&sorted[i - 1], &sorted[i]) != 0);
	free(sorted);
}

static void
check_excerpt(const uint8_t *in, size_t len)
{
	static const size_t	sizes[] = { 1, 2, 4, 5, 9, 96 };
	char			out[96];
	size_t			i, n;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(out, 'Z', sizeof(out));
		n = escape_excerpt((const char *)in, len, out, sizes[i]);
		check(n < sizes[i] && out[n] == '\0');
		check_printable(out, sizes[i]);
	}
}

static void
check_script(const uint8_t *in, size_t len)
{
	struct stat	st, dst;
	const char	*why;

	if (len < 8)
		return;
	memset(&st, 0, sizeof(st));
	memset(&dst, 0, sizeof(dst));
	st.st_mode = (mode_t)(in[0] | in[1] << 8);
	dst.st_mode = (mode_t)(in[2] | in[3] << 8);
	st.st_uid = in[4];
	dst.st_uid = in[5];
	why = script_check(&st, &dst, in[6] == 0xff ? (uid_t)-1 : in[7]);
	check(why == NULL || why[0] != '\0');
	if (why == NULL)
		check(S_ISREG(st.st_mode) && !(st.st_mode & 06022) &&
		    S_ISDIR(dst.st_mode) && !(dst.st_mode & 022));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const pass[] = { "LD_*", "PERL5LIB", NULL };
	static const char *const drop[] = { "HTTP_X_*", "GIT_DIR", NULL };
	struct validate_opts	 o;
	struct validate_result	 res;
	struct param		*p;
	const uint8_t		*s, *end, *nl, *eq;
	size_t			 n = 0, max, i;
	uint8_t			 flags;

	if (size == 0)
		return 0;
	flags = data[0];
	s = data + 1;
	end = data + size;

	check_canonical(s, (size_t)(end - s));
	check_excerpt(s, (size_t)(end - s));
	check_script(s, (size_t)(end - s));

	memset(&o, 0, sizeof(o));
	o.query_mode = (flags & 0x01) ? QUERY_RAW : QUERY_CANONICAL;
	o.suspicious = (flags & 0x02) ? SUSPICIOUS_REJECT : SUSPICIOUS_LOG;
	o.max_env_bytes = (flags & 0x04) ? 4096 : 0;
	if (flags & 0x08) {
		o.pass = pass;
		o.drop = drop;
	}

	max = (size_t)(end - s) + 1;
	if ((p = calloc(max, sizeof(*p))) == NULL)
		return 0;
	while (s < end) {
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		if ((eq = memchr(s, '=', (size_t)(nl - s))) == NULL)
			eq = nl;
		p[n].name = (const char *)s;
		p[n].name_len = (size_t)(eq - s);
		p[n].value = eq < nl ? (const char *)eq + 1 : "";
		p[n].value_len = eq < nl ? (size_t)(nl - eq - 1) : 0;
		n++;
		s = nl + 1;
	}

	if (validate_params(p, n, &o, &res) == -1) {
		check(res.status == 500 && res.env == NULL);
		validate_result_free(&res);
		free(p);
		return 0;
	}
	check(res.status == 0 || res.status == 400);
	check(res.nfindings <= VALIDATE_FINDINGS_MAX);
	for (i = 0; i < res.nfindings; i++) {
		check_printable(res.findings[i].var, FINDING_VAR_MAX);
		check_printable(res.findings[i].rule, FINDING_RULE_MAX);
		check_printable(res.findings[i].excerpt, FINDING_EXCERPT_MAX);
		check(res.findings[i].rule[0] != '\0');
		if (res.findings[i].kind == FINDING_REFUSED)
			check(res.status == 400);
		if (res.findings[i].kind == FINDING_SUSPICIOUS &&
		    o.suspicious == SUSPICIOUS_REJECT)
			check(res.status == 400);
	}
	if (res.status == 0)
		check_env(&res, &o);
	else
		check(res.nenv == 0 && res.env != NULL && res.env[0] == NULL);
	check(res.content_length >= -1);
	check(memchr(res.profile, '\0', sizeof(res.profile)) != NULL);

	validate_result_free(&res);
	free(p);
	return 0;
}
