/*
 * validate: the one table of CGI variable rules.
 *
 * Turns the FastCGI params of one request into the environment of the
 * script, plus a list of findings.  Pure: no I/O, no globals, no
 * allocation beyond the result it returns (and a scratch buffer freed
 * before returning).  Every rule lives in the table in validate.c;
 * nothing else in safecgi decides what a script may see.  The table and
 * the limits below are documented in safecgi-env(7).
 */
#ifndef SAFECGI_VALIDATE_H
#define SAFECGI_VALIDATE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

enum query_mode {
	QUERY_CANONICAL = 0,	/* re-escape QUERY_STRING canonically */
	QUERY_RAW,		/* pass the original bytes */
};

enum suspicious_action {
	SUSPICIOUS_LOG = 0,	/* report, pass the request on */
	SUSPICIOUS_REJECT,	/* refuse the request with 400 */
};

enum finding_kind {
	FINDING_REFUSED,	/* the request is refused (400) */
	FINDING_DROPPED,	/* the variable was dropped, request goes on */
	FINDING_SUSPICIOUS,	/* an injection signature matched */
	FINDING_FLAGGED,	/* shell metacharacters in a path variable */
};

/* Built-in limits; a request over any of them is refused, never truncated. */
#define VALIDATE_ENV_MAX	(128 * 1024)	/* whole environment, bytes */
#define VALIDATE_VALUE_MAX	(8 * 1024)	/* most values */
#define VALIDATE_LONG_MAX	(16 * 1024)	/* query, URI, cookie */
#define VALIDATE_PATH_MAX	4096		/* path variables */
#define VALIDATE_NAME_MAX	256		/* a variable name */
#define VALIDATE_PARAMS_MAX	1024		/* params in one request */
/* all params as sent, dropped ones too; at least twice the env limit */
#define VALIDATE_PARAMS_BYTES_MAX	(2 * VALIDATE_ENV_MAX)
#define VALIDATE_FINDINGS_MAX	64		/* findings kept; see _lost */
#define VALIDATE_PROFILE_MAX	64		/* SAFECGI_PROFILE, with NUL */

#define FINDING_VAR_MAX		64
#define FINDING_RULE_MAX	40
#define FINDING_EXCERPT_MAX	96

struct finding {
	enum finding_kind	 kind;
	char			 var[FINDING_VAR_MAX];	/* escaped name */
	char			 rule[FINDING_RULE_MAX];	/* e.g. "shellshock" */
	char			 excerpt[FINDING_EXCERPT_MAX];	/* printable ASCII */
};

struct param {
	const char	*name;
	size_t		 name_len;
	const char	*value;
	size_t		 value_len;
};

struct validate_opts {
	enum query_mode		 query_mode;
	enum suspicious_action	 suspicious;
	size_t			 max_env_bytes;	/* 0: built-in default */
	const char * const	*drop;	/* extra names never passed, NULL-terminated */
	const char * const	*pass;	/* extra names passed, NULL-terminated */
	const char		*server_software;	/* "safecgi/VERSION" */
	const char		*path;			/* PATH for the script */
};

struct validate_result {
	int		 status;	/* 0: run the script; else HTTP status (400) */
	char		**env;		/* NULL-terminated "NAME=value" */
	size_t		 nenv;
	struct finding	*findings;
	size_t		 nfindings;
	void		*arena;		/* owns env strings; freed by _free */

	/* Added to the first contract; validate_params() fills them too. */
	size_t		 nfindings_lost;	/* past VALIDATE_FINDINGS_MAX */
	long long	 content_length;	/* -1: unset or empty */
	char		 profile[VALIDATE_PROFILE_MAX];	/* SAFECGI_PROFILE */
};

/*
 * Build the script's environment from params.  Always fills *res (even on
 * refusal, so findings can be reported); returns 0, or -1 only on memory
 * exhaustion (then status is 500 and env is NULL).  Either way, free it
 * with validate_result_free().  opts may be NULL for the defaults.  On
 * refusal env is an empty list: nothing may run.
 * The first of two params with the same name wins, as under fcgiwrap.
 * CONTENT_LENGTH is only checked as a number: the caller must compare it
 * with the body it streams.
 */
int	validate_params(const struct param *, size_t,
	    const struct validate_opts *, struct validate_result *);
void	validate_result_free(struct validate_result *);

/* The value of name in the built environment, or NULL. */
const char *validate_getenv(const struct validate_result *, const char *);

/* "refused", "dropped", "suspicious", "flagged". */
const char *finding_kind_name(enum finding_kind);

/* The i-th variable of the table ("LD_*" for a prefix), NULL past the end. */
const char *validate_table_name(size_t);

/*
 * Canonical re-escaping of a query string.  Writes a NUL-terminated result
 * into out (at most outsz bytes); returns its length, or -1 if out is too
 * small.  3 * len + 1 bytes is always enough.
 */
ssize_t	query_canonical(const char *, size_t, char *, size_t);

/*
 * suEXEC-style checks on the resolved script.  st is the script, dst its
 * directory; owner is the required owner or (uid_t)-1.  Returns NULL when
 * the script may run, else a short reason ("group-writable", ...).
 */
const char *script_check(const struct stat *st, const struct stat *dst,
	    uid_t owner);

/*
 * Escape untrusted bytes into printable ASCII for logs: a backslash
 * becomes \\, anything outside 0x20-0x7e \xNN.  Always NUL-terminates
 * (when the size is not 0), ends in "..." when cut short, and returns
 * the length written.
 */
size_t	escape_excerpt(const char *, size_t, char *, size_t);

#endif
