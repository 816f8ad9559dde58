/*
 * Things every part of safecgi agrees on.
 */
#ifndef SAFECGI_H
#define SAFECGI_H

#include "autoconf.h"	/* PACKAGE_VERSION */

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

#endif
