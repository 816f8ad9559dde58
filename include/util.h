/*
 * util: the small helpers every module shares, one copy of each.
 *
 * Lists of strings, paths and numbers.  No I/O; the only allocation is
 * in strlist_add() and str_set().
 */
#ifndef SAFECGI_UTIL_H
#define SAFECGI_UTIL_H

#include <stddef.h>

/* v is NULL when n is 0, else v[n] is NULL (usable as a C string array). */
struct strlist {
	char	**v;
	size_t	  n;
};

/* Append a copy of s (the caller keeps s).  -1: ENOMEM, l unchanged. */
int	strlist_add(struct strlist *, const char *s);
/* Is s one of l's strings? */
int	strlist_has(const struct strlist *, const char *s);
/* Free every string and the array; l is empty afterwards. */
void	strlist_free(struct strlist *);

/* Replace *dst with a copy of src.  -1: ENOMEM, *dst unchanged. */
int	str_set(char **dst, const char *src);
/* Copy src into dst, cut to dstsz - 1 bytes; always terminated. */
void	str_copy(char *dst, const char *src, size_t dstsz);

/*
 * Is path equal to dir or beneath it, component by component?  "/"
 * contains every absolute path; a trailing '/' on dir is ignored, so
 * "/srv/" is "/srv".  "/srvx" is not beneath "/srv".
 */
int	path_under(const char *path, const char *dir);
/* path if absolute or dir is NULL, else dir "/" path; cut to bufsz. */
const char *path_join(const char *dir, const char *path, char *buf,
	    size_t bufsz);

/*
 * A decimal number at the start of s (a digit first: no sign, no
 * space); *end points after it.  -1 when s does not start with a digit
 * or the number does not fit.
 */
int	parse_number(const char *s, unsigned long long *v, const char **end);
/* The whole of s as a decimal number no greater than max.  -1 if not. */
int	parse_uint(const char *s, unsigned long long max,
	    unsigned long long *v);

#endif
