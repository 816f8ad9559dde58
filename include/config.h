/*
 * config: the command line and the configuration file.
 *
 * The master parses both into one struct config before it forks anything;
 * a reload parses into a fresh struct and swaps only if it is valid.
 */
#ifndef SAFECGI_CONFIG_H
#define SAFECGI_CONFIG_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>
#include <stdio.h>

#include "profile.h"

enum listen_kind { LISTEN_UNIX, LISTEN_TCP, LISTEN_TCP6, LISTEN_INHERITED };

/*
 * Jail layers safecgi refuses to start without, unless the operator
 * names them in --allow-missing.
 */
#define LAYER_LANDLOCK		0x01
#define LAYER_CGROUP		0x02	/* the per-request budget */

/* A network a TCP peer may connect from (--allow-peer ADDR[/BITS]). */
struct peer_net {
	int		 family;	/* AF_INET, AF_INET6 */
	unsigned char	 addr[16];	/* network byte order */
	unsigned	 bits;		/* prefix length */
};

struct config {
	/* fcgiwrap-compatible flags */
	int			 workers;	/* -c; 0: number of CPUs */
	char			*listen;	/* -s */
	int			 stderr_to_client;	/* -f */
	struct strlist		 allowed;	/* -p, canonical paths */

	/* safecgi */
	unsigned		 timeout;	/* -t; seconds */
	unsigned		 grace;		/* SIGTERM drain, seconds */
	int			 max_requests;	/* concurrent, per worker */
	int			 sched_batch;	/* --scheduling batch */
	char			*config_file;
	char			*profile_dir;
	char			*audit_log;	/* path, "syslog" or NULL */
	char			*error_log;	/* path, "syslog" or NULL: stderr */
	char			*socket_user;
	char			*socket_group;
	mode_t			 socket_mode;
	int			 foreground;
	int			 check;		/* --check */
	char			*check_script;	/* --check --script PATH */
	int			 no_jail;	/* --no-jail: explicit, logged */
	unsigned		 allow_missing;	/* LAYER_* accepted off */
	struct peer_net		*peers;		/* --allow-peer; none: loopback */
	size_t			 npeers;
	int			 require_landlock;	/* no-op, see --help */
	char			*spool_dir;	/* output waits here for the body */
	int			 spool_fd;	/* opened by the master */
	char			*status_path;	/* SCRIPT_NAME of the status page */

	/* derived */
	enum listen_kind	 listen_kind;
	char			*listen_path;	/* unix */
	char			*listen_host;	/* tcp */
	char			*listen_port;
};

/*
 * Defaults (config_init), then --config, then the command line on top:
 * the command line wins.
 */
void	config_init(struct config *);
int	config_parse_args(struct config *, int, char **);
int	config_load_file(struct config *, const char *, char *, size_t);
int	config_finish(struct config *, char *, size_t);
void	config_free(struct config *);
void	config_usage(FILE *);

/* The --allow-missing name of a LAYER_* bit ("landlock"). */
const char *config_layer_name(unsigned);

/*
 * May this peer speak FastCGI to us?  A unix socket's peer always may
 * (its file mode decides); a TCP peer must be on a network of
 * --allow-peer, or on loopback when none was given.  An IPv4-mapped
 * IPv6 address counts as IPv4.  Writes the address as text to addr.
 * Pure.
 */
int	config_peer_allowed(const struct config *, const struct sockaddr *,
	    char *addr, size_t);

/* Parse a -s value into kind/path/host/port; pure. */
int	config_parse_listen(const char *, enum listen_kind *, char **,
	    char **, char **);

#endif
