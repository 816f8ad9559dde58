/*
 * validate: the one table of CGI variable rules.
 *
 * Every FastCGI param nginx sends goes through validate_params() before
 * it can become part of a script's environment.  The table says, for
 * each variable, whether it may pass at all, the grammar its value must
 * follow, its length limit and how it is scanned; the scanner below it
 * looks for the shapes command injections take.  safecgi-env(7) is the
 * same table in prose: change both together.
 *
 * Everything here sees untrusted bytes.  Every loop is linear in its
 * input or bounded by a small constant, since the request path runs it
 * and the fuzzer hunts for the quadratic case.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "safecgi.h"
#include "util.h"
#include "validate.h"

#define DEFAULT_SOFTWARE	"safecgi"

enum grammar {
	G_TEXT,		/* no control byte */
	G_HEADER,	/* G_TEXT, and HTAB as HTTP field values allow */
	G_PATH,		/* decoded path: G_TEXT and no ".." segment */
	G_QUERY,	/* G_TEXT; re-escaped canonically */
	G_URI,		/* path?query, the query re-escaped */
	G_LENGTH,	/* decimal digits that fit a long long */
	G_PORT,		/* 1..65535, no leading zero */
	G_ADDR,		/* IPv4, IPv6 or "unix:[path]" */
	G_HOST,		/* host[:port] or [IPv6][:port] */
	G_METHOD,	/* what nginx accepts as a method: [A-Z_-] */
	G_PROTOCOL,	/* HTTP/d.d */
	G_CTYPE,	/* type/subtype *(; param) */
	G_SCHEME,	/* http, https */
	G_WORD,		/* [A-Za-z0-9._-]: "on", "Basic", "200" */
};

enum disposition {
	D_PASS,		/* checked, then passed */
	D_UNSAFE,	/* read by a loader, libc, shell or interpreter: */
			/* dropped unless the profile passes it */
	D_UNLISTED,	/* in no table: dropped unless the profile passes it */
	D_NEVER,	/* never passed, whatever the profile says */
	D_OURS,		/* safecgi sets it; the param is ignored */
	D_CONSUMED,	/* read by safecgi, not passed */
};

enum scan {
	S_NONE,		/* the grammar leaves nothing to scan */
	S_PLAIN,	/* raw, then percent-decoded */
	S_QUERY,	/* each name and value, raw and form-decoded */
	S_URL,		/* the path as S_PLAIN, the query as S_QUERY */
};

#define R_METACHAR	0x01	/* flag shell metacharacters */
#define R_REPORT	0x02	/* D_OURS: say that the param was replaced */

struct var_rule {
	const char		*name;
	enum disposition	 disp;
	enum grammar		 grammar;
	enum scan		 scan;
	unsigned		 max;
	unsigned		 flags;
};

#define LONG	VALIDATE_LONG_MAX
#define VALUE	VALIDATE_VALUE_MAX
#define PATHS	VALIDATE_PATH_MAX

/*
 * The table, sorted by name (bsearch; check_validate tests the order).
 * It is an allowlist: RFC 3875 meta-variables, what nginx's
 * fastcgi_params sends, what the nginx snippets in contrib/nginx set,
 * and HTTP_* below.  Any other name is dropped unless the profile
 * passes it (environment.pass): the socket is open to every process of
 * its group, which may speak FastCGI without nginx and name anything
 * (HOME, GIT_CONFIG_PARAMETERS, OPENSSL_CONF, ...).  The D_UNSAFE
 * entries say why the best known of those are dangerous: they change
 * how the dynamic loader, libc, shells and interpreters behave.
 */
static const struct var_rule var_rules[] = {
	{ "ALL_PROXY",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "AUTH_TYPE",		D_PASS, G_WORD, S_NONE, 64, 0 },
	{ "BASHOPTS",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "BASH_ENV",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "CDPATH",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "CGIT_CONFIG",	D_PASS, G_PATH, S_PLAIN, PATHS, 0 },
	{ "CONTENT_LENGTH",	D_PASS, G_LENGTH, S_NONE, 20, 0 },
	{ "CONTENT_TYPE",	D_PASS, G_CTYPE, S_PLAIN, 1024, 0 },
	{ "DOCUMENT_ROOT",	D_PASS, G_PATH, S_PLAIN, PATHS, R_METACHAR },
	{ "DOCUMENT_URI",	D_PASS, G_PATH, S_PLAIN, PATHS, R_METACHAR },
	{ "ENV",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	/* libfcgi adds it from the request's role; fcgiwrap passes it */
	{ "FCGI_ROLE",		D_PASS, G_WORD, S_NONE, 16, 0 },
	{ "FTP_PROXY",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "GATEWAY_INTERFACE",	D_OURS, G_TEXT, S_NONE, 0, 0 },
	{ "GCONV_PATH",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "GETCONF_DIR",	D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "GIT_HTTP_EXPORT_ALL", D_PASS, G_TEXT, S_PLAIN, 64, 0 },
	{ "GIT_PROJECT_ROOT",	D_PASS, G_PATH, S_PLAIN, PATHS, 0 },
	{ "GLIBC_TUNABLES",	D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "GLOBIGNORE",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "HOSTALIASES",	D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "HTTPS",		D_PASS, G_WORD, S_NONE, 16, 0 },
	{ "HTTPS_PROXY",	D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "HTTP_COOKIE",	D_PASS, G_HEADER, S_PLAIN, LONG, 0 },
	{ "HTTP_HOST",		D_PASS, G_HOST, S_NONE, 1024, 0 },
	{ "HTTP_PROXY",		D_NEVER, G_TEXT, S_NONE, 0, 0 },
	{ "HTTP_REFERER",	D_PASS, G_HEADER, S_URL, VALUE, 0 },
	{ "IFS",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "JAVA_TOOL_OPTIONS",	D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "LOCALDOMAIN",	D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "LOCPATH",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "NIS_PATH",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "NLSPATH",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "NODE_OPTIONS",	D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "NODE_PATH",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "NO_PROXY",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "PATH",		D_OURS, G_TEXT, S_NONE, 0, R_REPORT },
	{ "PATH_INFO",		D_PASS, G_PATH, S_PLAIN, PATHS, R_METACHAR },
	{ "PATH_TRANSLATED",	D_PASS, G_PATH, S_PLAIN, PATHS, R_METACHAR },
	{ "PERL5DB",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "PERL5LIB",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "PERL5OPT",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "PERLIO",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "PERLIO_DEBUG",	D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "PERLLIB",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "PHPRC",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "PHP_INI_SCAN_DIR",	D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "PROMPT_COMMAND",	D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "PS4",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "QUERY_STRING",	D_PASS, G_QUERY, S_QUERY, LONG, 0 },
	{ "REDIRECT_STATUS",	D_PASS, G_WORD, S_NONE, 16, 0 },
	{ "REMOTE_ADDR",	D_PASS, G_ADDR, S_NONE, 128, 0 },
	{ "REMOTE_HOST",	D_PASS, G_TEXT, S_PLAIN, 1024, 0 },
	{ "REMOTE_IDENT",	D_PASS, G_TEXT, S_PLAIN, 1024, 0 },
	{ "REMOTE_PORT",	D_PASS, G_PORT, S_NONE, 5, 0 },
	{ "REMOTE_USER",	D_PASS, G_TEXT, S_PLAIN, 1024, 0 },
	{ "REQUEST_METHOD",	D_PASS, G_METHOD, S_NONE, 32, 0 },
	{ "REQUEST_SCHEME",	D_PASS, G_SCHEME, S_NONE, 16, 0 },
	{ "REQUEST_URI",	D_PASS, G_URI, S_URL, LONG, 0 },
	{ "RESOLV_HOST_CONF",	D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "RES_OPTIONS",	D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "RUBYLIB",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "RUBYOPT",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "SAFECGI_PROFILE",	D_CONSUMED, G_TEXT, S_NONE, 0, 0 },
	{ "SCRIPT_FILENAME",	D_PASS, G_PATH, S_PLAIN, PATHS, R_METACHAR },
	{ "SCRIPT_NAME",	D_PASS, G_PATH, S_PLAIN, PATHS, R_METACHAR },
	{ "SERVER_ADDR",	D_PASS, G_ADDR, S_NONE, 128, 0 },
	/* server_name may be a regex in nginx.conf: text, not a host */
	{ "SERVER_NAME",	D_PASS, G_TEXT, S_NONE, 1024, 0 },
	{ "SERVER_PORT",	D_PASS, G_PORT, S_NONE, 5, 0 },
	{ "SERVER_PROTOCOL",	D_PASS, G_PROTOCOL, S_NONE, 16, 0 },
	{ "SERVER_SOFTWARE",	D_OURS, G_TEXT, S_NONE, 0, 0 },
	{ "SHELLOPTS",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "TMPDIR",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "TZDIR",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "_JAVA_OPTIONS",	D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
};

/* Families of names, tried in order after the table; name ends in '*'. */
static const struct var_rule prefix_rules[] = {
	{ "BASH_FUNC_*",	D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "LD_*",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "MALLOC_*",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "PYTHON*",		D_UNSAFE, G_TEXT, S_PLAIN, VALUE, 0 },
	{ "HTTP_*",		D_PASS, G_HEADER, S_PLAIN, VALUE, 0 },
};

/* Any other name; what a profile passes of it is checked as text. */
static const struct var_rule unlisted_rule =
	{ "*",			D_UNLISTED, G_TEXT, S_PLAIN, VALUE, 0 };

#undef LONG
#undef VALUE
#undef PATHS

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ bytes */

/*
 * Byte classes.  C_SCAN marks the bytes a signature can start at, so
 * that the scanner skips all others with one lookup.
 */
#define C_LOWER	0x01
#define C_UPPER	0x02
#define C_DIGIT	0x04
#define C_HEX	0x08
#define C_SCAN	0x10
#define C_QUOTE	0x20	/* ' " and backslash: vanish inside a shell word */

static const unsigned char cls[256] = {
	['0' ... '9'] = C_DIGIT | C_HEX,
	['A' ... 'F'] = C_UPPER | C_HEX,
	['G' ... 'Z'] = C_UPPER,
	['a' ... 'f'] = C_LOWER | C_HEX,
	['g' ... 'z'] = C_LOWER,
	['\n'] = C_SCAN, ['\r'] = C_SCAN, ['$'] = C_SCAN, ['%'] = C_SCAN,
	['&'] = C_SCAN, ['.'] = C_SCAN, ['/'] = C_SCAN, [';'] = C_SCAN,
	['<'] = C_SCAN, ['>'] = C_SCAN, ['`'] = C_SCAN, ['{'] = C_SCAN,
	['|'] = C_SCAN,
	['\''] = C_SCAN | C_QUOTE, ['"'] = C_SCAN | C_QUOTE,
	['\\'] = C_SCAN | C_QUOTE,
};

static int
is_digit(unsigned char c)
{
	return cls[c] & C_DIGIT;
}

static int
is_lower(unsigned char c)
{
	return cls[c] & C_LOWER;
}

static int
is_alpha(unsigned char c)
{
	return cls[c] & (C_LOWER | C_UPPER);
}

static int
is_alnum(unsigned char c)
{
	return cls[c] & (C_LOWER | C_UPPER | C_DIGIT);
}

static int
is_hex(unsigned char c)
{
	return cls[c] & C_HEX;
}

static int
is_quotec(unsigned char c)
{
	return cls[c] & C_QUOTE;
}

static int
hex_val(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	return (c | 0x20) - 'a' + 10;
}

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

/* Compare w[0..len) with a NUL-terminated word, as strcmp(3) orders. */
static int
word_cmp(const unsigned char *w, size_t len, const char *word)
{
	const unsigned char	*u = (const unsigned char *)word;
	size_t			 i;

	for (i = 0; i < len && u[i] != '\0'; i++)
		if (w[i] != u[i])
			return w[i] < u[i] ? -1 : 1;
	if (i == len)
		return u[i] == '\0' ? 0 : -1;
	return 1;
}

/* RFC 9110 tchar. */
static int
is_tchar(unsigned char c)
{
	return is_alnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 6838 restricted-name-chars, without '$': no type needs it. */
static int
is_mtchar(unsigned char c)
{
	return is_alnum(c) || (c != '\0' && strchr("!#&^_.+-", c));
}

/* Does s[i..len) start with the string literal p? */
#define has_prefix(s, len, i, p)					\
	((len) - (i) >= sizeof(p) - 1 &&				\
	    memcmp((s) + (i), (p), sizeof(p) - 1) == 0)

/* ---------------------------------------------------------- grammars */

/* A decimal number in [lo, hi], no sign, no leading zero. */
static int
is_number(const unsigned char *s, size_t len, unsigned long lo,
    unsigned long hi)
{
	unsigned long	v = 0;
	size_t		i;

	if (len == 0 || len > 10 || (len > 1 && s[0] == '0'))
		return 0;
	for (i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return 0;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v >= lo && v <= hi;
}

static int
is_ipv4(const unsigned char *s, size_t len)
{
	size_t	i = 0, start, part;

	for (part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= len || s[i] != '.')
				return 0;
			i++;
		}
		start = i;
		while (i < len && is_digit(s[i]) && i - start < 4)
			i++;
		if (!is_number(s + start, i - start, 0, 255))
			return 0;
	}
	return i == len;
}

/* An IPv6 literal as inet_ntop(3) or a person writes it, no zone. */
static int
is_ipv6(const unsigned char *s, size_t len)
{
	size_t	i = 0, start, groups = 0;
	int	dcolon = 0;

	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		dcolon = 1;
		i = 2;
		if (i == len)
			return 1;
	} else if (len == 0 || s[0] == ':')
		return 0;
	for (;;) {
		start = i;
		while (i < len && is_hex(s[i]) && i - start < 5)
			i++;
		if (i == start || i - start > 4)
			return 0;
		if (i < len && s[i] == '.') {
			/* A trailing dotted quad counts as two groups. */
			if (!is_ipv4(s + start, len - start))
				return 0;
			groups += 2;
			break;
		}
		groups++;
		if (i == len)
			break;
		if (s[i] != ':' || ++i == len)
			return 0;
		if (s[i] == ':') {
			if (dcolon)
				return 0;
			dcolon = 1;
			if (++i == len)
				break;
		}
		if (groups > 8)
			return 0;
	}
	return dcolon ? groups <= 7 : groups == 8;
}

static int
is_addr(const unsigned char *s, size_t len)
{
	/* nginx writes "unix:" for a unix socket peer, "unix:/path" for us. */
	if (has_prefix(s, len, 0, "unix:"))
		return 1;
	return is_ipv4(s, len) || is_ipv6(s, len);
}

static int
is_port_suffix(const unsigned char *s, size_t len)
{
	/* RFC 3986 allows an empty port after the colon. */
	return len == 0 || is_number(s, len, 0, 65535);
}

static int
is_host(const unsigned char *s, size_t len)
{
	const unsigned char	*end;
	size_t			 i;

	if (s[0] == '[') {
		end = memchr(s, ']', len);
		if (end == NULL || !is_ipv6(s + 1, (size_t)(end - s) - 1))
			return 0;
		i = (size_t)(end - s) + 1;
		if (i == len)
			return 1;
		return s[i] == ':' && is_port_suffix(s + i + 1, len - i - 1);
	}
	for (i = 0; i < len && s[i] != ':'; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '.' &&
		    s[i] != '_')
			return 0;
	if (i == 0)
		return 0;
	if (i == len)
		return 1;
	return is_port_suffix(s + i + 1, len - i - 1);
}

static int
is_method(const unsigned char *s, size_t len)
{
	size_t	i;

	if (!(s[0] >= 'A' && s[0] <= 'Z'))
		return 0;
	for (i = 0; i < len; i++)
		if (!(s[i] >= 'A' && s[i] <= 'Z') && s[i] != '_' &&
		    s[i] != '-')
			return 0;
	return 1;
}

static int
is_protocol(const unsigned char *s, size_t len)
{
	return len == 8 && memcmp(s, "HTTP/", 5) == 0 && is_digit(s[5]) &&
	    s[6] == '.' && is_digit(s[7]);
}

static int
is_scheme(const unsigned char *s, size_t len)
{
	size_t	i;

	if (!is_lower(s[0]))
		return 0;
	for (i = 1; i < len; i++)
		if (!is_lower(s[i]) && !is_digit(s[i]) && s[i] != '+' &&
		    s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

static int
is_word(const unsigned char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '_' &&
		    s[i] != '-')
			return 0;
	return 1;
}

/*
 * RFC 9110 media-type: type "/" subtype *( OWS ";" OWS parameter ),
 * parameter = token "=" ( token / quoted-string ).  A trailing ";" is
 * tolerated: real clients send "application/json;".
 */
static int
is_ctype(const unsigned char *s, size_t len)
{
	size_t	i = 0, start;

	for (start = i; i < len && is_mtchar(s[i]); i++)
		;
	if (i == start || i == len || s[i++] != '/')
		return 0;
	for (start = i; i < len && is_mtchar(s[i]); i++)
		;
	if (i == start)
		return 0;
	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == len)
			return 1;
		if (s[i++] != ';')
			return 0;
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == len)
			return 1;
		for (start = i; i < len && is_tchar(s[i]); i++)
			;
		if (i == start || i == len || s[i++] != '=')
			return 0;
		if (i < len && s[i] == '"') {
			for (i++; i < len && s[i] != '"'; i++) {
				if (s[i] == '\\' && ++i == len)
					return 0;
				if (s[i] < 0x20 && s[i] != '\t')
					return 0;
			}
			if (i++ == len)
				return 0;
		} else {
			for (start = i; i < len && is_tchar(s[i]); i++)
				;
			if (i == start)
				return 0;
		}
	}
}

/* A ".." segment: what lets a path climb out of where nginx meant it. */
static int
has_dot_segment(const unsigned char *s, size_t len, size_t *at)
{
	size_t	i, seg = 0;

	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '/') {
			if (i - seg == 2 && s[seg] == '.' &&
			    s[seg + 1] == '.') {
				*at = seg;
				return 1;
			}
			seg = i + 1;
		}
	}
	return 0;
}

/* bash imports "() {" as a function (CVE-2014-6271 and kin). */
static int
is_shellshock(const unsigned char *s, size_t len)
{
	size_t	i = 0;

	while (i < len && is_space(s[i]))
		i++;
	if (i == len || s[i++] != '(')
		return 0;
	while (i < len && is_space(s[i]))
		i++;
	if (i == len || s[i++] != ')')
		return 0;
	while (i < len && is_space(s[i]))
		i++;
	return i < len && s[i] == '{';
}

/* ------------------------------------------------- canonical query */

/*
 * The bytes that may stay raw in a canonical query: nothing a shell or
 * printf(3) reads specially.  '+' stays too, as it already means space.
 */
static int
query_raw_ok(unsigned char c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == ',' ||
	    c == ':' || c == '@' || c == '+';
}

/*
 * Form decoding splits on every raw '&' and then on the first raw '='
 * of each pair; '+' and %XX are decoded afterwards.  So each raw '&',
 * and the first raw '=' of a pair, must stay raw, every other byte may
 * be replaced by an escape of itself, and a valid escape may only
 * change case.  The '+' stays a '+', since "%2B" would decode to '+'.
 * out NULL: only count.
 */
static size_t
canon(const unsigned char *q, size_t len, char *out)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 i, o = 0;
	int			 in_value = 0;

	for (i = 0; i < len; i++) {
		if (q[i] == '&' || (q[i] == '=' && !in_value)) {
			in_value = q[i] == '=';
			if (out != NULL)
				out[o] = (char)q[i];
			o++;
		} else if (q[i] == '%' && len - i > 2 && is_hex(q[i + 1]) &&
		    is_hex(q[i + 2])) {
			if (out != NULL) {
				out[o] = '%';
				out[o + 1] = hex[hex_val(q[i + 1])];
				out[o + 2] = hex[hex_val(q[i + 2])];
			}
			o += 3;
			i += 2;
		} else if (query_raw_ok(q[i])) {
			if (out != NULL)
				out[o] = (char)q[i];
			o++;
		} else {
			if (out != NULL) {
				out[o] = '%';
				out[o + 1] = hex[q[i] >> 4];
				out[o + 2] = hex[q[i] & 0xf];
			}
			o += 3;
		}
	}
	return o;
}

ssize_t
query_canonical(const char *q, size_t len, char *out, size_t outsz)
{
	size_t	need;

	need = canon((const unsigned char *)q, len, NULL);
	if (out == NULL || need >= outsz)
		return -1;
	canon((const unsigned char *)q, len, out);
	out[need] = '\0';
	return (ssize_t)need;
}

/* ------------------------------------------------------ the scanner */

/*
 * The words an injected command line starts with.  A strong word is
 * rarely prose; a weak one ("cat", "id") is an English word or a common
 * parameter name and needs more evidence around it before it counts.
 * Shell command names are case-sensitive, so only lowercase matches.
 */
enum cmd_kind {
	CMD_WEAK,
	CMD_STRONG,
	CMD_SHELL,	/* strong; "| sh" is its own signature */
	CMD_DOWNLOAD,	/* strong */
	CMD_BASE64,	/* strong; "base64 -d" is its own signature */
	CMD_SLEEP,	/* weak, but a bare number after it is evidence */
};

struct command {
	const char	*word;
	enum cmd_kind	 kind;
};

/* Sorted by word: command_lookup() searches it by halves. */
static const struct command commands[] = {
	{ "awk", CMD_WEAK },
	{ "base64", CMD_BASE64 },
	{ "bash", CMD_SHELL },
	{ "busybox", CMD_STRONG },
	{ "cat", CMD_WEAK },
	{ "cd", CMD_WEAK },
	{ "chmod", CMD_STRONG },
	{ "chown", CMD_STRONG },
	{ "cp", CMD_WEAK },
	{ "crontab", CMD_STRONG },
	{ "csh", CMD_SHELL },
	{ "curl", CMD_DOWNLOAD },
	{ "dash", CMD_SHELL },
	{ "dd", CMD_WEAK },
	{ "echo", CMD_WEAK },
	{ "env", CMD_WEAK },
	{ "eval", CMD_WEAK },
	{ "exec", CMD_WEAK },
	{ "find", CMD_WEAK },
	{ "ftpget", CMD_DOWNLOAD },
	{ "grep", CMD_WEAK },
	{ "head", CMD_WEAK },
	{ "id", CMD_WEAK },
	{ "ifconfig", CMD_STRONG },
	{ "iptables", CMD_STRONG },
	{ "kill", CMD_WEAK },
	{ "killall", CMD_STRONG },
	{ "ksh", CMD_SHELL },
	{ "ls", CMD_WEAK },
	{ "lua", CMD_WEAK },
	{ "mkdir", CMD_WEAK },
	{ "mkfifo", CMD_STRONG },
	{ "mv", CMD_WEAK },
	{ "nc", CMD_STRONG },
	{ "ncat", CMD_STRONG },
	{ "netcat", CMD_STRONG },
	{ "netstat", CMD_WEAK },
	{ "node", CMD_WEAK },
	{ "nohup", CMD_STRONG },
	{ "nslookup", CMD_WEAK },
	{ "od", CMD_WEAK },
	{ "perl", CMD_WEAK },
	{ "php", CMD_WEAK },
	{ "ping", CMD_WEAK },
	{ "pkill", CMD_STRONG },
	{ "printf", CMD_WEAK },
	{ "ps", CMD_WEAK },
	{ "pwd", CMD_WEAK },
	{ "python", CMD_WEAK },
	{ "python2", CMD_WEAK },
	{ "python3", CMD_WEAK },
	{ "reboot", CMD_WEAK },
	{ "rev", CMD_WEAK },
	{ "rm", CMD_WEAK },
	{ "ruby", CMD_WEAK },
	{ "sed", CMD_WEAK },
	{ "sh", CMD_SHELL },
	{ "sleep", CMD_SLEEP },
	{ "socat", CMD_STRONG },
	{ "su", CMD_WEAK },
	{ "sudo", CMD_WEAK },
	{ "tac", CMD_WEAK },
	{ "tail", CMD_WEAK },
	{ "tcsh", CMD_SHELL },
	{ "tee", CMD_WEAK },
	{ "telnet", CMD_STRONG },
	{ "tftp", CMD_DOWNLOAD },
	{ "touch", CMD_WEAK },
	{ "uname", CMD_STRONG },
	{ "wget", CMD_DOWNLOAD },
	{ "whoami", CMD_STRONG },
	{ "xargs", CMD_WEAK },
	{ "xxd", CMD_STRONG },
	{ "zsh", CMD_SHELL },
};

#define CMD_MAX		12	/* longest word above, with room */

static int
cmd_strong(const struct command *cmd)
{
	return cmd->kind != CMD_WEAK && cmd->kind != CMD_SLEEP;
}

#define LOOKAHEAD	64	/* bytes looked at past a separator */

static const struct command *
command_lookup(const unsigned char *w, size_t len)
{
	size_t	lo = 0, hi = NITEMS(commands), mid;
	int	c;

	if (len == 0 || len > CMD_MAX)
		return NULL;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = word_cmp(w, len, commands[mid].word)) == 0)
			return &commands[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Bytes that end a command word, as the shell would see it. */
static int
is_boundary(const unsigned char *s, size_t len, size_t i)
{
	if (i == len)
		return 1;
	return strchr(" \t\n\r;|&<>$`'\"(){},\\", s[i]) != NULL &&
	    s[i] != '\0';
}

/* ${IFS}, $IFS, $IFS$9: a space that keyword filters do not see. */
static size_t
ifs_len(const unsigned char *s, size_t len, size_t i)
{
	if (has_prefix(s, len, i, "${IFS}"))
		return 6;
	if (has_prefix(s, len, i, "$IFS")) {
		if (len - i >= 6 && s[i + 4] == '$' && is_digit(s[i + 5]))
			return 6;
		return 4;
	}
	return 0;
}

/* A dotted quad: a download address. */
static int
looks_like_ip(const unsigned char *s, size_t len, size_t i)
{
	size_t	j = i, dots = 0;

	while (j < len && j - i < 16 && (is_digit(s[j]) || s[j] == '.')) {
		if (s[j] == '.')
			dots++;
		j++;
	}
	return dots == 3 && is_digit(s[i]);
}

enum evidence {
	EV_NONE,
	EV_END,		/* nothing follows */
	EV_QUOTE,	/* a quote glued to the word: ";id'" but also "id": */
	EV_SHELL,	/* shell syntax glued to the word: "cat</x", "id;" */
	EV_ARG,		/* an argument shaped like a command line's */
};

/* Read a lowercase command word at i; returns its end. */
static size_t
word_end(const unsigned char *s, size_t len, size_t i)
{
	size_t	j = i;

	while (j < len && j - i <= CMD_MAX && (is_lower(s[j]) ||
	    is_digit(s[j])))
		j++;
	return j;
}

/*
 * What follows a command word says whether it is one: an argument that
 * looks like a command line's ("-c", "/etc/passwd", "http://", an
 * address, "$x", another command), shell syntax glued to the word, or
 * the end of the value.  *arg is where the argument starts.
 */
static enum evidence
evidence(const unsigned char *s, size_t len, size_t i, size_t *arg)
{
	const struct command	*cmd;
	size_t			 j;

	*arg = i;
	if (i == len)
		return EV_END;
	if (s[i] == '\'' || s[i] == '"')
		return EV_QUOTE;
	if (strchr("\t\n\r<>|;&`$", s[i]) != NULL && s[i] != '\0')
		return EV_SHELL;
	if (s[i] != ' ')
		return EV_NONE;
	for (j = i; j < len && j - i < LOOKAHEAD && s[j] == ' '; j++)
		;
	*arg = j;
	if (j == len)
		return EV_END;
	if (strchr("-/$~.|;&<>`'\"\\", s[j]) != NULL && s[j] != '\0')
		return EV_ARG;
	if (has_prefix(s, len, j, "http://") ||
	    has_prefix(s, len, j, "https://") ||
	    has_prefix(s, len, j, "ftp://") ||
	    has_prefix(s, len, j, "tftp://") || looks_like_ip(s, len, j))
		return EV_ARG;
	cmd = command_lookup(s + j, word_end(s, len, j) - j);
	if (cmd != NULL && cmd_strong(cmd) &&
	    is_boundary(s, len, word_end(s, len, j)))
		return EV_ARG;
	return EV_NONE;
}

/*
 * "sleep 5" ends the blind probes scanners send ("1;sleep 5;"), while
 * prose goes on ("; sleep 8 hours"): a number and then nothing, or shell.
 */
static int
sleep_arg(const unsigned char *s, size_t len, size_t i)
{
	size_t	j = i;

	while (j < len && j - i < 8 && is_digit(s[j]))
		j++;
	if (j == i)
		return 0;
	while (j < len && j - i < 16 && s[j] == ' ')
		j++;
	return j == len || (strchr(";|&`)'\"#", s[j]) != NULL && s[j] != '\0');
}

enum context {
	CTX_START,	/* the beginning of a value: "wget http://..." */
	CTX_SEP,	/* after ; | || && & newline or a backtick */
};

/*
 * Is there a command at i, the start of a value or just past a
 * separator?  Quotes, ${IFS}, tabs, a subshell's "(" and a path
 * ("/bin/busybox") may stand in between.
 */
static const char *
command_at(const unsigned char *s, size_t len, size_t i, enum context ctx,
    int sep)
{
	const struct command	*cmd;
	size_t			 end, j, w, arg, n;
	enum evidence		 ev;
	int			 loose = 0, ok;

	end = len - i > LOOKAHEAD ? i + LOOKAHEAD : len;
	while (i < end) {
		if (s[i] == ' ') {
			loose = 1;
			i++;
		} else if (s[i] == '\t' || s[i] == '\'' || s[i] == '"' ||
		    s[i] == '(' || s[i] == '{' || s[i] == '\\')
			i++;
		else if ((n = ifs_len(s, len, i)) > 0)
			i += n;
		else
			break;
	}
	/* Behind a path ("/bin/busybox", "./x") the word follows the last /. */
	w = i;
	if (i < len && (s[i] == '/' || s[i] == '.')) {
		for (j = i; j < end && (is_alnum(s[j]) || s[j] == '/' ||
		    s[j] == '.' || s[j] == '_' || s[j] == '-'); j++)
			if (s[j] == '/')
				w = j + 1;
	}
	if (w == len || !is_lower(s[w]))
		return NULL;
	j = word_end(s, len, w);
	if ((cmd = command_lookup(s + w, j - w)) == NULL ||
	    !is_boundary(s, len, j))
		return NULL;
	ev = evidence(s, len, j, &arg);
	if (ev == EV_NONE && cmd->kind == CMD_SLEEP && sleep_arg(s, len, arg))
		ev = EV_ARG;
	/* At the start, a quote after the word is JSON ("id":), not shell. */
	if (ctx == CTX_START)
		ok = ev == EV_ARG || ev == EV_SHELL;
	else if (cmd_strong(cmd) && !loose)
		ok = 1;
	else
		ok = ev != EV_NONE;
	if (!ok)
		return NULL;
	if (cmd->kind == CMD_BASE64 && ev == EV_ARG &&
	    (has_prefix(s, len, arg, "-d") || has_prefix(s, len, arg, "-D") ||
	    has_prefix(s, len, arg, "--decode")))
		return "base64-decode";
	if (cmd->kind == CMD_SHELL && sep == '|')
		return "pipe-to-shell";
	if (cmd->kind == CMD_DOWNLOAD)
		return "download-command";
	return ctx == CTX_START ? "leading-command" : "separator-command";
}

static const char *
dollar_rule(const unsigned char *s, size_t len, size_t i)
{
	int	c = i + 1 < len ? s[i + 1] : '\0';
	int	d = i + 2 < len ? s[i + 2] : '\0';

	if (ifs_len(s, len, i) > 0 || has_prefix(s, len, i, "${IFS"))
		return "ifs";
	if (c == '(')
		return d == ')' ? "empty-subst" : "cmd-subst";
	if (c == '{') {
		if (d == '}')
			return "empty-subst";
		if (is_alpha(d) || d == '_' || d == '!' || d == '#' ||
		    d == '@' || d == '*' || is_digit(d))
			return "param-expansion";
		return NULL;
	}
	if (c == '\'')
		return "ansi-c-quote";
	if (c == '@')
		return "empty-subst";
	return NULL;
}

static const char *
backtick_rule(const unsigned char *s, size_t len, size_t i)
{
	const unsigned char	*close;
	size_t			 max;

	if (command_at(s, len, i + 1, CTX_SEP, '`') != NULL)
		return "backtick";
	/* A closed pair around something that starts like a command. */
	max = len - i - 1 > 256 ? 256 : len - i - 1;
	close = memchr(s + i + 1, '`', max);
	if (close != NULL && close > s + i + 1 &&
	    (is_alpha(s[i + 1]) || s[i + 1] == '/' || s[i + 1] == '$'))
		return "backtick";
	return NULL;
}

static const char *
separator_rule(const unsigned char *s, size_t len, size_t i)
{
	size_t	j = i + 1;
	int	sep = s[i];

	/* "||" and "&&" are one separator; a lone '|' is a pipe. */
	if (j < len && (s[j] == '|' || s[j] == '&') && s[j] == s[i]) {
		j++;
		sep = ';';
	}
	return command_at(s, len, j, CTX_SEP, sep);
}

/* {cat,/etc/passwd}: a command line without a space. */
static const char *
brace_rule(const unsigned char *s, size_t len, size_t i)
{
	const struct command	*cmd;
	size_t			 j, arg;

	j = word_end(s, len, i + 1);
	cmd = command_lookup(s + i + 1, j - i - 1);
	if (cmd == NULL || j == len || s[j] != ',')
		return NULL;
	arg = j + 1;
	if (cmd_strong(cmd) || (arg < len &&
	    strchr("-/$~.", s[arg]) != NULL && s[arg] != '\0'))
		return "brace-expansion";
	return NULL;
}

static int
is_pathc(unsigned char c)
{
	return is_alnum(c) || c == '/' || c == '?' || c == '*' || c == '.' ||
	    c == '_' || c == '-';
}

/*
 * /???/??t and /bin/c?t: a path spelled with glob characters.  i starts
 * a run of path bytes; a run is only read from its start, so each byte
 * is looked at once.
 */
static int
wildcard_path(const unsigned char *s, size_t len, size_t i)
{
	size_t	j, segs = 0, seglen = 0, wild = 0;
	int	hit = 0;

	for (j = i; j < len && is_pathc(s[j]); j++) {
		if (s[j] == '/') {
			if (j > i && seglen == 0)
				return 0;	/* "//": a URL, not a path */
			if (seglen > 0)
				segs++;
			seglen = wild = 0;
			continue;
		}
		seglen++;
		if (s[j] == '?' || s[j] == '*') {
			if (++wild >= 2)
				hit = 1;
		} else if (wild > 0 && is_alnum(s[j]))
			hit = 1;
	}
	if (seglen > 0)
		segs++;
	/* "a=/x/y?z" is a URL's query, not a glob. */
	if (j < len && (s[j] == '=' || s[j] == '&'))
		return 0;
	return hit && segs >= 2;
}

static const char *
slash_rule(const unsigned char *s, size_t len, size_t i)
{
	if (has_prefix(s, len, i, "/dev/tcp/") ||
	    has_prefix(s, len, i, "/dev/udp/"))
		return "dev-tcp";
	if (has_prefix(s, len, i, "/etc/passwd") ||
	    has_prefix(s, len, i, "/etc/shadow"))
		return "sensitive-file";
	if ((i == 0 || !is_pathc(s[i - 1])) && wildcard_path(s, len, i))
		return "wildcard-path";
	return NULL;
}

/* \x63\x61 or \143\141: bytes spelled so that filters miss the word. */
static const char *
escape_rule(const unsigned char *s, size_t len, size_t i)
{
	size_t	j, n;

	for (j = i, n = 0; n < 2 && len - j >= 4 && s[j] == '\\' &&
	    s[j + 1] == 'x' && is_hex(s[j + 2]) && is_hex(s[j + 3]); n++)
		j += 4;
	if (n == 2)
		return "hex-escape";
	for (j = i, n = 0; n < 2 && len - j >= 4 && s[j] == '\\' &&
	    s[j + 1] >= '0' && s[j + 1] <= '3' && s[j + 2] >= '0' &&
	    s[j + 2] <= '7' && s[j + 3] >= '0' && s[j + 3] <= '7'; n++)
		j += 4;
	if (n == 2)
		return "octal-escape";
	return NULL;
}

/* %52$c: printf(3) positional arguments, read by format-string bugs. */
static const char *
printf_rule(const unsigned char *s, size_t len, size_t i)
{
	size_t	j = i + 1, start;

	for (start = j; j < len && j - start < 5 && is_digit(s[j]); j++)
		;
	if (j == start || s[start] == '0' || j == len || s[j++] != '$')
		return NULL;
	while (j < len && j - start < 16 && strchr("-+ #0'", s[j]) != NULL &&
	    s[j] != '\0')
		j++;
	while (j < len && j - start < 16 && (is_digit(s[j]) || s[j] == '.'))
		j++;
	while (j < len && j - start < 16 && strchr("hlLqjzt", s[j]) != NULL &&
	    s[j] != '\0')
		j++;
	if (j < len && strchr("diouxXeEfFgGaAcsSpn", s[j]) != NULL &&
	    s[j] != '\0')
		return "printf-positional";
	return NULL;
}

/* cat</etc/passwd, id>/tmp/x: a redirection standing in for a space. */
static const char *
redirect_rule(const unsigned char *s, size_t len, size_t i)
{
	size_t	w = i, j;

	while (w > 0 && i - w <= CMD_MAX && (is_lower(s[w - 1]) ||
	    is_digit(s[w - 1])))
		w--;
	if (w == i || (w > 0 && (is_alnum(s[w - 1]) || s[w - 1] == '_')))
		return NULL;
	if (command_lookup(s + w, i - w) == NULL || i + 1 >= len)
		return NULL;
	j = i + 1;
	if (s[j] == '$' || s[j] == '.' || s[j] == '~')
		return "redirect-space";
	if (s[j] != '/')
		return NULL;
	/* Two levels, so that an HTML "</b>" does not count. */
	for (j++; j < len && j - i < 32 && is_lower(s[j]); j++)
		;
	return j < len && s[j] == '/' ? "redirect-space" : NULL;
}

static const char *
traversal_rule(const unsigned char *s, size_t len, size_t i)
{
	if (has_prefix(s, len, i, "../../") ||
	    has_prefix(s, len, i, "..\\..\\"))
		return "path-traversal";
	return NULL;
}

/*
 * w'h'o'am'i, c\at: quotes and backslashes inside a word vanish in the
 * shell.  Only a word that becomes a command counts, so that O'Keefe,
 * rock'n'roll and C:\Users do not.  Called at a quote; *done is set to
 * the end of the word, so that each word is read once.
 */
static const char *
quoted_word_rule(const unsigned char *s, size_t len, size_t i, size_t *done)
{
	unsigned char	word[CMD_MAX + 1];
	size_t		start = i, j, n = 0, first = len, last = 0;
	size_t		quotes = 0, bs = 0;

	while (start > 0 && i - start <= 3 * CMD_MAX &&
	    (is_alpha(s[start - 1]) || is_quotec(s[start - 1])))
		start--;
	for (j = i; j < len && (is_alpha(s[j]) || is_quotec(s[j])); j++)
		;
	*done = j;
	if (j - start > 3 * CMD_MAX)
		return NULL;
	for (j = start; j < *done; j++) {
		if (is_alpha(s[j])) {
			if (first == len)
				first = j;
			last = j;
		}
	}
	if (first == len)
		return NULL;
	for (j = first; j <= last; j++) {
		if (s[j] == '\\')
			bs++;
		else if (is_quotec(s[j]))
			quotes++;
	}
	if (quotes < 2 && bs == 0)
		return NULL;
	for (j = first; j <= last; j++) {
		if (is_quotec(s[j]))
			continue;
		if (n == CMD_MAX)
			return NULL;
		word[n++] = s[j];
	}
	return command_lookup(word, n) != NULL ? "quoted-word" : NULL;
}

/*
 * Scan one value.  Returns the name of the first signature found and
 * where, or NULL.  Linear: each rule looks at a bounded window, and the
 * two that read runs (paths, quoted words) read each run once.
 */
static const char *
scan(const unsigned char *s, size_t len, size_t *at)
{
	const char	*r;
	size_t		 i, words_done = 0;

	*at = 0;
	if (is_shellshock(s, len))
		return "shellshock";
	for (i = 0; i < len; i++) {
		if (!(cls[s[i]] & C_SCAN))
			continue;
		r = NULL;
		switch (s[i]) {
		case '$':
			r = dollar_rule(s, len, i);
			break;
		case '`':
			r = backtick_rule(s, len, i);
			break;
		case ';':
		case '|':
		case '&':
		case '\n':
		case '\r':
			r = separator_rule(s, len, i);
			break;
		case '{':
			r = brace_rule(s, len, i);
			break;
		case '/':
			r = slash_rule(s, len, i);
			break;
		case '%':
			r = printf_rule(s, len, i);
			break;
		case '<':
		case '>':
			r = redirect_rule(s, len, i);
			break;
		case '.':
			r = traversal_rule(s, len, i);
			break;
		case '\\':
			if ((r = escape_rule(s, len, i)) != NULL)
				break;
			/* FALLTHROUGH */
		case '\'':
		case '"':
			if (i >= words_done)
				r = quoted_word_rule(s, len, i, &words_done);
			break;
		}
		if (r != NULL) {
			*at = i;
			return r;
		}
	}
	/* Last, so that a more specific signature names the finding. */
	return command_at(s, len, 0, CTX_START, 0);
}

/* Percent-decode (and '+' to space for forms); may work in place. */
static size_t
pct_decode(const unsigned char *s, size_t len, int form, unsigned char *out)
{
	size_t	i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '%' && len - i > 2 && is_hex(s[i + 1]) &&
		    is_hex(s[i + 2])) {
			out[o++] = (unsigned char)(hex_val(s[i + 1]) << 4 |
			    hex_val(s[i + 2]));
			i += 2;
		} else if (form && s[i] == '+')
			out[o++] = ' ';
		else
			out[o++] = s[i];
	}
	return o;
}

struct hit {
	const char		*rule;
	const unsigned char	*buf;	/* raw value or scratch */
	size_t			 len;
	size_t			 at;
};

/*
 * A value as sent, then decoded once and twice: a script may decode
 * again what nginx or the form parser decoded already.
 */
static int
scan_unit(const unsigned char *s, size_t len, int form,
    unsigned char *scratch, struct hit *h)
{
	size_t	n, n2;

	if ((h->rule = scan(s, len, &h->at)) != NULL) {
		h->buf = s;
		h->len = len;
		return 1;
	}
	if (memchr(s, '%', len) == NULL &&
	    (!form || memchr(s, '+', len) == NULL))
		return 0;
	n = pct_decode(s, len, form, scratch);
	h->buf = scratch;
	if ((h->rule = scan(scratch, n, &h->at)) != NULL) {
		h->len = n;
		return 1;
	}
	if (memchr(scratch, '%', n) == NULL)
		return 0;
	n2 = pct_decode(scratch, n, 0, scratch);
	if (n2 != n && (h->rule = scan(scratch, n2, &h->at)) != NULL) {
		h->len = n2;
		return 1;
	}
	return 0;
}

static int
scan_query(const unsigned char *s, size_t len, unsigned char *scratch,
    struct hit *h)
{
	size_t	i = 0, amp, eq;

	for (;;) {
		for (amp = i; amp < len && s[amp] != '&'; amp++)
			;
		for (eq = i; eq < amp && s[eq] != '='; eq++)
			;
		if (scan_unit(s + i, eq - i, 1, scratch, h))
			return 1;
		if (eq < amp && scan_unit(s + eq + 1, amp - eq - 1, 1, scratch,
		    h))
			return 1;
		if (amp == len)
			return 0;
		i = amp + 1;
	}
}

static int
scan_url(const unsigned char *s, size_t len, unsigned char *scratch,
    struct hit *h)
{
	const unsigned char	*q;

	if ((q = memchr(s, '?', len)) == NULL)
		return scan_unit(s, len, 0, scratch, h);
	if (scan_unit(s, (size_t)(q - s), 0, scratch, h))
		return 1;
	return scan_query(q + 1, len - (size_t)(q - s) - 1, scratch, h);
}

/* -------------------------------------------------------- findings */

size_t
escape_excerpt(const char *in, size_t inlen, char *out, size_t outsz)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*s = (const unsigned char *)in;
	size_t			 i, o = 0, need, full = 0, budget;

	if (outsz == 0)
		return 0;
	for (i = 0; i < inlen; i++)
		full += s[i] == '\\' ? 2 : (s[i] >= 0x20 && s[i] < 0x7f) ?
		    1 : 4;
	budget = full < outsz ? full : (outsz > 4 ? outsz - 4 : 0);
	for (i = 0; i < inlen; i++) {
		need = s[i] == '\\' ? 2 : (s[i] >= 0x20 && s[i] < 0x7f) ? 1 : 4;
		if (o + need > budget)
			break;
		if (s[i] == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else if (need == 1)
			out[o++] = (char)s[i];
		else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[s[i] >> 4];
			out[o++] = hex[s[i] & 0xf];
		}
	}
	if (i < inlen && outsz > 4) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return o;
}

static struct finding *
finding_add(struct validate_result *res, enum finding_kind kind,
    const struct param *p, const char *rule, const unsigned char *buf,
    size_t len, size_t at)
{
	struct finding	*f;
	size_t		 from, n;

	if (res->nfindings == VALIDATE_FINDINGS_MAX) {
		res->nfindings_lost++;
		return NULL;
	}
	f = &res->findings[res->nfindings++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	if (p != NULL)
		escape_excerpt(p->name, p->name != NULL ? p->name_len : 0,
		    f->var, sizeof(f->var));
	str_copy(f->rule, rule, sizeof(f->rule));
	/* A little context before the match, more after it. */
	from = at > 16 ? at - 16 : 0;
	n = len - from > 64 ? 64 : len - from;
	if (buf != NULL)
		escape_excerpt((const char *)buf + from, n, f->excerpt,
		    sizeof(f->excerpt));
	return f;
}

const char *
finding_kind_name(enum finding_kind k)
{
	switch (k) {
	case FINDING_REFUSED:
		return "refused";
	case FINDING_DROPPED:
		return "dropped";
	case FINDING_SUSPICIOUS:
		return "suspicious";
	case FINDING_FLAGGED:
		return "flagged";
	}
	return "unknown";
}

/* ------------------------------------------------------- the table */

const char *
validate_table_name(size_t i)
{
	if (i < NITEMS(var_rules))
		return var_rules[i].name;
	i -= NITEMS(var_rules);
	if (i < NITEMS(prefix_rules))
		return prefix_rules[i].name;
	return NULL;
}

static const struct var_rule *
rule_lookup(const unsigned char *name, size_t len)
{
	size_t	lo = 0, hi = NITEMS(var_rules), mid, i, plen;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = word_cmp(name, len, var_rules[mid].name)) == 0)
			return &var_rules[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	for (i = 0; i < NITEMS(prefix_rules); i++) {
		/* As in a glob, the '*' also matches nothing: "LD_" is LD_*. */
		plen = strlen(prefix_rules[i].name) - 1;
		if (len >= plen &&
		    memcmp(name, prefix_rules[i].name, plen) == 0)
			return &prefix_rules[i];
	}
	return &unlisted_rule;
}

/* Is name in a profile's list?  "X_*" matches every name starting X_. */
static int
name_listed(const char *const *list, const unsigned char *name, size_t len)
{
	size_t	n;

	if (list == NULL)
		return 0;
	for (; *list != NULL; list++) {
		n = strlen(*list);
		if (n > 0 && (*list)[n - 1] == '*') {
			if (len >= n - 1 && memcmp(name, *list, n - 1) == 0)
				return 1;
		} else if (n == len && memcmp(name, *list, n) == 0)
			return 1;
	}
	return 0;
}

static int
valid_name(const unsigned char *s, size_t len)
{
	size_t	i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (!(s[i] >= 'A' && s[i] <= 'Z') && !is_digit(s[i]) &&
		    s[i] != '_')
			return 0;
	return 1;
}

/* The grammar of the value, once lengths and bytes are known good. */
static const char *
check_grammar(const struct var_rule *rule, const unsigned char *v,
    size_t vl, size_t *at, struct validate_result *res)
{
	long long	n = 0;
	size_t		i;

	switch (rule->grammar) {
	case G_LENGTH:
		for (i = 0; i < vl; i++) {
			if (!is_digit(v[i]))
				return "grammar";
			if (n > (INT64_MAX - (v[i] - '0')) / 10)
				return "grammar";
			n = n * 10 + (v[i] - '0');
		}
		res->content_length = n;
		return NULL;
	case G_PORT:
		return is_number(v, vl, 1, 65535) ? NULL : "grammar";
	case G_ADDR:
		return is_addr(v, vl) ? NULL : "grammar";
	case G_HOST:
		return is_host(v, vl) ? NULL : "grammar";
	case G_METHOD:
		return is_method(v, vl) ? NULL : "grammar";
	case G_PROTOCOL:
		return is_protocol(v, vl) ? NULL : "grammar";
	case G_CTYPE:
		return is_ctype(v, vl) ? NULL : "grammar";
	case G_SCHEME:
		return is_scheme(v, vl) ? NULL : "grammar";
	case G_WORD:
		return is_word(v, vl) ? NULL : "grammar";
	case G_PATH:
		return has_dot_segment(v, vl, at) ? "dot-segment" : NULL;
	case G_TEXT:
	case G_HEADER:
	case G_QUERY:
	case G_URI:
		break;
	}
	return NULL;
}

/*
 * Everything a value must be before it may pass.  Returns the reason it
 * may not, with *at where the problem starts.
 */
static const char *
check_value(const struct var_rule *rule, const unsigned char *v, size_t vl,
    size_t *at, struct validate_result *res)
{
	size_t	i;
	int	tab_ok;

	*at = 0;
	if (vl == 0)
		return NULL;	/* empty counts as unset: nginx sends those */
	if (vl > rule->max)
		return "too-long";
	tab_ok = rule->grammar == G_HEADER || rule->grammar == G_CTYPE;
	for (i = 0; i < vl; i++) {
		if ((v[i] < 0x20 && !(v[i] == '\t' && tab_ok)) ||
		    v[i] == 0x7f) {
			*at = i;
			return "control-byte";
		}
	}
	if (is_shellshock(v, vl))
		return "shellshock";
	return check_grammar(rule, v, vl, at, res);
}

/* How many bytes the value takes in the environment. */
static size_t
value_out_len(const struct var_rule *rule, const unsigned char *v,
    size_t vl, enum query_mode mode)
{
	const unsigned char	*q;

	if (mode == QUERY_RAW)
		return vl;
	if (rule->grammar == G_QUERY)
		return canon(v, vl, NULL);
	if (rule->grammar == G_URI && (q = memchr(v, '?', vl)) != NULL)
		return (size_t)(q - v) + 1 +
		    canon(q + 1, vl - (size_t)(q - v) - 1, NULL);
	return vl;
}

static char *
value_write(const struct var_rule *rule, const unsigned char *v, size_t vl,
    enum query_mode mode, char *o)
{
	const unsigned char	*q;
	size_t			 n;

	if (mode != QUERY_RAW && rule->grammar == G_QUERY)
		return o + canon(v, vl, o);
	if (mode != QUERY_RAW && rule->grammar == G_URI &&
	    (q = memchr(v, '?', vl)) != NULL) {
		n = (size_t)(q - v) + 1;
		memcpy(o, v, n);
		return o + n + canon(q + 1, vl - n, o + n);
	}
	if (vl > 0)
		memcpy(o, v, vl);
	return o + vl;
}

/* Metacharacters a shell reads in a path it is handed unquoted. */
static int
metachar_at(const unsigned char *v, size_t vl, size_t *at)
{
	size_t	i;

	for (i = 0; i < vl; i++)
		if (strchr(";|&$`<>\\\"'{}*?[]", v[i]) != NULL &&
		    v[i] != '\0') {
			*at = i;
			return 1;
		}
	return 0;
}

static int
valid_profile(const unsigned char *v, size_t vl)
{
	return vl < VALIDATE_PROFILE_MAX && v[0] != '.' && is_word(v, vl);
}

/* ------------------------------------------------------------ main */

struct slot {
	const struct var_rule	*rule;	/* NULL: not passed */
	size_t			 outlen;
};

/* Remember each name once; returns 1 when name was seen before. */
static int
seen_before(const struct param *p, size_t i, uint16_t *tab, size_t tabsz)
{
	const unsigned char	*name = (const unsigned char *)p[i].name;
	uint32_t		 h = 2166136261u;
	size_t			 k, j;

	for (k = 0; k < p[i].name_len; k++)
		h = (h ^ name[k]) * 16777619u;
	for (j = h & (tabsz - 1); tab[j] != 0; j = (j + 1) & (tabsz - 1)) {
		k = tab[j] - 1u;
		if (p[k].name_len == p[i].name_len &&
		    memcmp(p[k].name, name, p[i].name_len) == 0)
			return 1;
	}
	tab[j] = (uint16_t)(i + 1);
	return 0;
}

static size_t
env_entry_size(size_t namelen, size_t valuelen)
{
	return namelen + 1 + valuelen + 1 + sizeof(char *);
}

/* Pass 1: decide each param's fate, with no scanning yet. */
static void
classify(const struct param *p, size_t n, const struct validate_opts *opts,
    struct slot *slot, uint16_t *seen, size_t seensz,
    struct validate_result *res, size_t *total, size_t *maxval)
{
	const struct var_rule	*rule;
	const unsigned char	*name, *v;
	const char		*why;
	size_t			 i, vl, at;

	for (i = 0; i < n; i++) {
		name = (const unsigned char *)p[i].name;
		v = (const unsigned char *)p[i].value;
		vl = v != NULL ? p[i].value_len : 0;
		slot[i].rule = NULL;
		if (name == NULL || !valid_name(name, p[i].name_len)) {
			finding_add(res, FINDING_DROPPED, &p[i], "name-chars",
			    v, vl, 0);
			continue;
		}
		if (p[i].name_len > VALIDATE_NAME_MAX) {
			finding_add(res, FINDING_REFUSED, &p[i], "too-long",
			    name, p[i].name_len, 0);
			res->status = 400;
			continue;
		}
		if (seen_before(p, i, seen, seensz)) {
			finding_add(res, FINDING_DROPPED, &p[i], "duplicate",
			    v, vl, 0);
			continue;
		}
		rule = rule_lookup(name, p[i].name_len);
		switch (rule->disp) {
		case D_NEVER:
			finding_add(res, FINDING_DROPPED, &p[i], "httpoxy",
			    v, vl, 0);
			continue;
		case D_OURS:
			if (rule->flags & R_REPORT)
				finding_add(res, FINDING_DROPPED, &p[i],
				    "set-by-safecgi", v, vl, 0);
			continue;
		case D_CONSUMED:
			if (vl > 0 && !valid_profile(v, vl)) {
				finding_add(res, FINDING_REFUSED, &p[i],
				    "profile-name", v, vl, 0);
				res->status = 400;
			} else if (vl > 0) {
				memcpy(res->profile, v, vl);
				res->profile[vl] = '\0';
			}
			continue;
		case D_UNSAFE:
		case D_UNLISTED:
		case D_PASS:
			break;
		}
		if (name_listed(opts->drop, name, p[i].name_len)) {
			finding_add(res, FINDING_DROPPED, &p[i], "profile-drop",
			    v, vl, 0);
			continue;
		}
		if (rule->disp != D_PASS &&
		    !name_listed(opts->pass, name, p[i].name_len)) {
			finding_add(res, FINDING_DROPPED, &p[i],
			    rule->disp == D_UNSAFE ? "unsafe-name" :
			    "unlisted-name", v, vl, 0);
			continue;
		}
		if ((why = check_value(rule, v, vl, &at, res)) != NULL) {
			finding_add(res, FINDING_REFUSED, &p[i], why, v, vl,
			    at);
			res->status = 400;
			continue;
		}
		slot[i].rule = rule;
		slot[i].outlen = value_out_len(rule, v, vl, opts->query_mode);
		*total += env_entry_size(p[i].name_len, slot[i].outlen);
		if (vl > *maxval)
			*maxval = vl;
	}
}

/* Pass 2: flag and scan what passed. */
static size_t
inspect(const struct param *p, size_t n, const struct slot *slot,
    unsigned char *scratch, struct validate_result *res)
{
	const unsigned char	*v;
	struct hit		 h;
	size_t			 i, vl, at, nsusp = 0;
	int			 found;

	for (i = 0; i < n; i++) {
		if (slot[i].rule == NULL || p[i].value == NULL ||
		    p[i].value_len == 0)
			continue;
		v = (const unsigned char *)p[i].value;
		vl = p[i].value_len;
		if ((slot[i].rule->flags & R_METACHAR) &&
		    metachar_at(v, vl, &at))
			finding_add(res, FINDING_FLAGGED, &p[i],
			    "shell-metachar", v, vl, at);
		switch (slot[i].rule->scan) {
		case S_PLAIN:
			found = scan_unit(v, vl, 0, scratch, &h);
			break;
		case S_QUERY:
			found = scan_query(v, vl, scratch, &h);
			break;
		case S_URL:
			found = scan_url(v, vl, scratch, &h);
			break;
		default:
			found = 0;
			break;
		}
		if (found) {
			finding_add(res, FINDING_SUSPICIOUS, &p[i], h.rule,
			    h.buf, h.len, h.at);
			nsusp++;
		}
	}
	return nsusp;
}

/* One of the variables safecgi sets itself. */
static char *
put_env(char *o, const char *name, const char *value)
{
	size_t	nl = strlen(name), vl = strlen(value);

	memcpy(o, name, nl);
	o[nl] = '=';
	memcpy(o + nl + 1, value, vl + 1);
	return o + nl + 1 + vl + 1;
}

int
validate_params(const struct param *p, size_t n,
    const struct validate_opts *opts, struct validate_result *res)
{
	static const struct validate_opts	 defaults;
	struct slot				*slot = NULL;
	uint16_t				*seen;
	unsigned char				*scratch = NULL;
	const char				*software, *path;
	char					**env, *o;
	size_t					 seensz, total, maxval = 0;
	size_t					 limit, nenv, i, nsusp, raw;

	memset(res, 0, sizeof(*res));
	res->content_length = -1;
	if (opts == NULL)
		opts = &defaults;
	software = opts->server_software != NULL ? opts->server_software :
	    DEFAULT_SOFTWARE;
	path = opts->path != NULL ? opts->path : SAFECGI_PATH;
	limit = opts->max_env_bytes != 0 ? opts->max_env_bytes :
	    VALIDATE_ENV_MAX;

	/* Not calloc: most requests have no finding; each is cleared on use. */
	if ((res->findings = malloc(VALIDATE_FINDINGS_MAX *
	    sizeof(*res->findings))) == NULL)
		goto nomem;
	if (n > VALIDATE_PARAMS_MAX) {
		finding_add(res, FINDING_REFUSED, NULL, "too-many-params",
		    NULL, 0, 0);
		res->status = 400;
		goto refused;
	}
	/*
	 * Params that are dropped cost as much to look at as those that
	 * pass, and a client that speaks FastCGI directly can send any
	 * amount of them: cap what is looked at, before scanning anything.
	 */
	raw = 0;
	for (i = 0; i < n; i++)
		raw += p[i].name_len + (p[i].value != NULL ? p[i].value_len :
		    0);
	if (raw > (limit > VALIDATE_PARAMS_BYTES_MAX / 2 ? 2 * limit :
	    VALIDATE_PARAMS_BYTES_MAX)) {
		finding_add(res, FINDING_REFUSED, NULL, "params-too-large",
		    NULL, 0, 0);
		res->status = 400;
		goto refused;
	}

	/* A power of two at least twice n keeps the probe chains short. */
	for (seensz = 16; seensz < 2 * n; seensz *= 2)
		;
	if ((slot = malloc(n * sizeof(*slot) + seensz * sizeof(*seen))) ==
	    NULL)
		goto nomem;
	seen = (uint16_t *)(slot + n);
	memset(seen, 0, seensz * sizeof(*seen));

	total = sizeof(char *) +
	    env_entry_size(strlen("GATEWAY_INTERFACE"), strlen("CGI/1.1")) +
	    env_entry_size(strlen("SERVER_SOFTWARE"), strlen(software)) +
	    env_entry_size(strlen("PATH"), strlen(path));
	classify(p, n, opts, slot, seen, seensz, res, &total, &maxval);
	if (total > limit) {
		finding_add(res, FINDING_REFUSED, NULL, "env-too-large",
		    NULL, 0, 0);
		res->status = 400;
	}

	/* Scan even a refused request: the log should say what it tried. */
	if ((scratch = malloc(maxval + 1)) == NULL)
		goto nomem;
	nsusp = inspect(p, n, slot, scratch, res);
	free(scratch);
	scratch = NULL;
	if (nsusp > 0 && opts->suspicious == SUSPICIOUS_REJECT)
		res->status = 400;
	if (res->status != 0)
		goto refused;

	nenv = 3;
	for (i = 0; i < n; i++)
		if (slot[i].rule != NULL)
			nenv++;
	if ((res->arena = malloc(total)) == NULL)
		goto nomem;
	env = res->arena;
	o = (char *)(env + nenv + 1);
	res->env = env;
	res->nenv = nenv;
	*env++ = o;
	o = put_env(o, "GATEWAY_INTERFACE", "CGI/1.1");
	*env++ = o;
	o = put_env(o, "SERVER_SOFTWARE", software);
	*env++ = o;
	o = put_env(o, "PATH", path);
	for (i = 0; i < n; i++) {
		if (slot[i].rule == NULL)
			continue;
		*env++ = o;
		memcpy(o, p[i].name, p[i].name_len);
		o += p[i].name_len;
		*o++ = '=';
		o = value_write(slot[i].rule, (const unsigned char *)p[i].value,
		    p[i].value != NULL ? p[i].value_len : 0, opts->query_mode,
		    o);
		*o++ = '\0';
	}
	*env = NULL;
	free(slot);
	return 0;

refused:
	free(slot);
	if ((res->arena = calloc(1, sizeof(char *))) == NULL)
		goto nomem;
	res->env = res->arena;
	res->nenv = 0;
	return 0;

nomem:
	free(slot);
	free(scratch);
	free(res->arena);
	res->arena = NULL;
	res->env = NULL;
	res->nenv = 0;
	res->status = 500;
	return -1;
}

void
validate_result_free(struct validate_result *res)
{
	if (res == NULL)
		return;
	free(res->arena);
	free(res->findings);
	res->arena = NULL;
	res->env = NULL;
	res->findings = NULL;
	res->nenv = res->nfindings = 0;
}

const char *
validate_getenv(const struct validate_result *res, const char *name)
{
	size_t	i, len = strlen(name);

	if (res->env == NULL)
		return NULL;
	for (i = 0; i < res->nenv; i++)
		if (strncmp(res->env[i], name, len) == 0 &&
		    res->env[i][len] == '=')
			return res->env[i] + len + 1;
	return NULL;
}

/* ------------------------------------------------------ suEXEC checks */

const char *
script_check(const struct stat *st, const struct stat *dst, uid_t owner)
{
	if (!S_ISREG(st->st_mode))
		return "not-regular-file";
	if ((st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0)
		return "not-executable";
	if (st->st_mode & S_ISUID)
		return "setuid";
	if (st->st_mode & S_ISGID)
		return "setgid";
	if (st->st_mode & S_IWOTH)
		return "world-writable";
	if (st->st_mode & S_IWGRP)
		return "group-writable";
	if (owner != (uid_t)-1 && st->st_uid != owner)
		return "wrong-owner";
	if (dst == NULL || !S_ISDIR(dst->st_mode))
		return "directory-not-directory";
	if (dst->st_mode & S_IWOTH)
		return "directory-world-writable";
	if (dst->st_mode & S_IWGRP)
		return "directory-group-writable";
	/* Only root and the owner may then replace the script. */
	if (owner != (uid_t)-1 && dst->st_uid != owner && dst->st_uid != 0)
		return "directory-wrong-owner";
	return NULL;
}
