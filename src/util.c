/*
 * Lists of strings, paths and numbers: see util.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int
strlist_add(struct strlist *l, const char *s)
{
	char	**v, *c;

	if ((c = strdup(s)) == NULL)
		return -1;
	if ((v = reallocarray(l->v, l->n + 2, sizeof(*v))) == NULL) {
		free(c);
		return -1;
	}
	v[l->n++] = c;
	v[l->n] = NULL;
	l->v = v;
	return 0;
}

int
strlist_has(const struct strlist *l, const char *s)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void
strlist_free(struct strlist *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
str_set(char **dst, const char *src)
{
	char	*s;

	if ((s = strdup(src)) == NULL)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

void
str_copy(char *dst, const char *src, size_t dstsz)
{
	size_t	n;

	if (dstsz == 0)
		return;
	n = strlen(src);
	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int
path_under(const char *path, const char *dir)
{
	size_t	n;

	n = strlen(dir);
	/* "/srv/" is "/srv"; "/" (and "//") loses all and keeps n == 0 */
	while (n > 0 && dir[n - 1] == '/')
		n--;
	if (n == 0)
		return dir[0] == '/' && path[0] == '/';
	return strncmp(path, dir, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/');
}

const char *
path_join(const char *dir, const char *path, char *buf, size_t bufsz)
{
	size_t	n;

	if (path[0] == '/' || dir == NULL) {
		str_copy(buf, path, bufsz);
		return buf;
	}
	n = strlen(dir);
	/* the root joins as "/x", not "//x" */
	while (n > 0 && dir[n - 1] == '/')
		n--;
	snprintf(buf, bufsz, "%.*s/%s", (int)n, dir, path);
	return buf;
}

int
parse_number(const char *s, unsigned long long *v, const char **end)
{
	char	*e;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoull(s, &e, 10);
	if (errno == ERANGE)
		return -1;
	*end = e;
	return 0;
}

int
parse_uint(const char *s, unsigned long long max, unsigned long long *v)
{
	const char		*end;
	unsigned long long	 n;

	if (parse_number(s, &n, &end) == -1 || *end != '\0' || n > max)
		return -1;
	*v = n;
	return 0;
}
