/*
 * fdpass: a message with file descriptors over a unix socket
 * (SCM_RIGHTS), for the worker-spawner and worker-master channels.
 */
#ifndef SAFECGI_FDPASS_H
#define SAFECGI_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

/* descriptors in one message: a request's 4 and its cgroup leaf's */
#define FDPASS_MAX	(4 + 5)

/*
 * Send len bytes of buf with nfds (<= FDPASS_MAX) descriptors; flags go
 * to sendmsg(2), which never raises SIGPIPE here.  0 when all of buf
 * went, -1 otherwise.
 */
int	fd_send(int sock, const void *buf, size_t len, const int *fds,
	    int nfds, int flags);

/*
 * Receive one message into buf and up to *nfds descriptors, close-on-
 * exec (any beyond *nfds are closed); *nfds is set to how many came.
 * flags go to recvmsg(2).  Returns what recvmsg returned, or -1 with
 * EMSGSIZE when the message or its descriptors did not fit: then every
 * descriptor it carried is closed and *nfds is 0.
 */
ssize_t	fd_recv(int sock, void *buf, size_t len, int *fds, int *nfds,
	    int flags);

#endif
