/*
 * relay: TCP from a worker's network namespace to the host's loopback.
 *
 * A worker's network namespace has nothing but its own lo.  For every
 * port that some profile names (connect = tcp:PORT) the worker listens
 * on 127.0.0.1:PORT inside it, and a relay thread answers the scripts'
 * connections: for each one it asks the master, over a channel of its
 * own, for a socket connected to the host's 127.0.0.1:PORT, then copies
 * bytes both ways.  The master connects only to ports the worker's
 * generation of profiles names, only on 127.0.0.1, and never blocks.
 * Which profile may use which port is decided before the relay sees
 * anything: seccomp (AF_INET sockets) and Landlock (connect to a port),
 * see jail.c and filter.c.
 *
 * The worker then holds sockets of the host's network namespace; it
 * gives up connect, bind and listen before it starts the relay, so that
 * it cannot point one of them anywhere else (relay_start).
 *
 * relay.c is the worker's side and the ports; relay_host.c the master's.
 */
#ifndef SAFECGI_RELAY_H
#define SAFECGI_RELAY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct audit_budget;
struct profile_set;

#define RELAY_CONNS	64	/* relayed at once, per worker */

/* The ports some profile names, sorted, each once. */
struct relay_ports {
	uint16_t	*v;
	size_t		 n;
};

/* Pure.  rp is empty (v NULL) when no profile names a port; -1: ENOMEM. */
int	relay_ports(const struct profile_set *, struct relay_ports *);
int	relay_port_named(const struct relay_ports *, unsigned long port);
void	relay_ports_free(struct relay_ports *);

/*
 * The channel is a SOCK_SEQPACKET socketpair, one message per question
 * and per answer.  Worker to master: a connection to the host's
 * 127.0.0.1:port, please.
 */
struct relay_ask {
	uint32_t	id;
	uint32_t	port;
};

/*
 * Master to worker: the socket, its connect under way, rides along
 * (SCM_RIGHTS) unless err, an errno, says why there is none.
 */
struct relay_reply {
	uint32_t	id;
	int32_t		err;
};

/* Master: a channel for a worker; returns its end, keeps the other. */
int	relay_channel(int *master_end);
/*
 * Master: answer what a worker asked on its channel, without blocking.
 * worker is its pid, for the log.  -1 when the worker closed the channel.
 */
int	relay_serve(int master_end, const struct relay_ports *, pid_t worker);

/* A worker's relay: its listeners, connections and channel. */
struct relay;

/*
 * Worker, while it may still bind any port: listen on 127.0.0.1:PORT for
 * every port of ps.  Returns the relay, with no port when no profile
 * names one, or NULL (logged).
 */
struct relay	*relay_listen(const struct profile_set *ps);
/*
 * Worker, once its capabilities are gone and before any other thread
 * exists: give up connect, bind and listen in every thread to come, then
 * start relaying through chan.  Its events (it knows no request) go
 * through the worker's flood control, budget.  Nothing to do when the
 * relay has no port (chan is closed then, if open).
 */
int	relay_start(struct relay *, int chan, struct audit_budget *budget);

#endif
