/*
 * Descriptors over unix sockets (see fdpass.h).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "fdpass.h"

union fdpass_cmsg {
	char		buf[CMSG_SPACE(sizeof(int) * FDPASS_MAX)];
	struct cmsghdr	align;
};

int
fd_send(int sock, const void *buf, size_t len, const int *fds, int nfds,
    int flags)
{
	struct msghdr		 mh = { 0 };
	struct iovec		 iov = { (void *)buf, len };
	union fdpass_cmsg	 cb;
	struct cmsghdr		*cm;
	ssize_t			 n;

	if (nfds < 0 || nfds > FDPASS_MAX) {
		errno = EINVAL;
		return -1;
	}
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfds > 0) {
		memset(&cb, 0, sizeof(cb));
		mh.msg_control = cb.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	do
		n = sendmsg(sock, &mh, flags | MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

ssize_t
fd_recv(int sock, void *buf, size_t len, int *fds, int *nfds, int flags)
{
	struct msghdr		 mh = { 0 };
	struct iovec		 iov = { buf, len };
	union fdpass_cmsg	 cb;
	struct cmsghdr		*cm;
	ssize_t			 n;
	int			 max = *nfds;

	*nfds = 0;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cb.buf;
	mh.msg_controllen = sizeof(cb.buf);
	do
		n = recvmsg(sock, &mh, flags | MSG_CMSG_CLOEXEC);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return n;
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		int	k, i, fd;

		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++) {
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int),
			    sizeof(int));
			if (*nfds < max)
				fds[(*nfds)++] = fd;
			else
				close(fd);
		}
	}
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		/* a message cut short is refused whole: nothing it carried
		 * is handed on, so nothing of it can leak */
		while (*nfds > 0)
			close(fds[--(*nfds)]);
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}
