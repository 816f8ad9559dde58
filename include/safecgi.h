/*
 * Things every part of safecgi agrees on.
 */
#ifndef SAFECGI_H
#define SAFECGI_H

#include "autoconf.h"	/* PACKAGE_VERSION */

#include <stdint.h>
#include <time.h>

#define SAFECGI_SOFTWARE	"safecgi/" PACKAGE_VERSION
#define SAFECGI_PATH		"/usr/local/bin:/usr/bin:/bin"

#ifndef SYSCONFDIR
#define SYSCONFDIR		"/etc"
#endif
#ifndef RUNSTATEDIR
#define RUNSTATEDIR		"/run"
#endif

#define DEFAULT_SOCKET		"unix:" RUNSTATEDIR "/safecgi.sock"
#define DEFAULT_PROFILE_DIR	SYSCONFDIR "/safecgi/profiles.d"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* Milliseconds of the monotonic clock: deadlines, buckets, back-off. */
static inline int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
