/*
 * The TCP relay (see relay.h), the master's side: in the host's network
 * namespace, it makes the sockets a worker asks for, connected to the
 * host's 127.0.0.1 on a port some profile names, and nothing else.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "fdpass.h"
#include "relay.h"

int
relay_channel(int *master_end)
{
	int	sv[2];

	/* a message per question and per answer, never half of one */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	*master_end = sv[0];
	return sv[1];
}

/* In the master's, that is the host's, network namespace. */
static int
host_connect(unsigned port)
{
	struct sockaddr_in	sin;
	int			fd, saved;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	/* the handshake is the worker's to wait for, not the master's */
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno != EINPROGRESS) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
relay_serve(int chan, const struct relay_ports *rp, pid_t worker)
{
	struct relay_ask	ask;
	struct relay_reply	rep;
	ssize_t			n;
	int			i, up;

	/* at most what one worker can have asked; the master has more to do */
	for (i = 0; i < RELAY_CONNS; i++) {
		n = recv(chan, &ask, sizeof(ask), MSG_DONTWAIT | MSG_TRUNC);
		if (n == -1)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if (n == 0)
			return -1;	/* the worker is gone */
		if (n != (ssize_t)sizeof(ask))
			continue;
		rep.id = ask.id;
		rep.err = 0;
		up = -1;
		if (!relay_port_named(rp, ask.port)) {
			/* a worker listens on named ports only: no script
			 * asked for this one */
			log_msg(LOG_ERR, "worker %d asked for the host's port "
			    "%lu, which no profile names; refused",
			    (int)worker, (unsigned long)ask.port);
			rep.err = EACCES;
		} else if ((up = host_connect(ask.port)) == -1)
			rep.err = errno;
		/* lost when the worker's queue is full: it times out */
		(void)fd_send(chan, &rep, sizeof(rep), &up, up != -1,
		    MSG_DONTWAIT);
		if (up != -1)
			close(up);
	}
	return 0;
}
