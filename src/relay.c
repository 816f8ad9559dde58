/*
 * The TCP relay (see relay.h), the worker's side: it listens in the
 * worker's network namespace and copies bytes between a script's
 * connection and the host's socket the master made (relay_host.c).
 * Also the ports the profiles name, which both sides know.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <seccomp.h>

#include "audit.h"
#include "fdpass.h"
#include "profile.h"
#include "relay.h"
#include "safecgi.h"
#include "stats.h"

#define RELAY_BUF	16384	/* per connection and direction */
#define RELAY_WAIT_MS	10000	/* for the master's answer, then the host */
#define ACCEPT_BURST	16	/* per listener and turn of the loop */

/* ------------------------------------------------------------- ports */

int
relay_ports(const struct profile_set *ps, struct relay_ports *rp)
{
	const struct strlist	*l;
	unsigned long		 port;
	size_t			 i, j, k, max = 0;

	rp->v = NULL;
	rp->n = 0;
	for (i = 0; i < ps->n; i++)
		max += ps->v[i].net_tcp.n;
	if (max == 0)
		return 0;
	if ((rp->v = calloc(max, sizeof(*rp->v))) == NULL)
		return -1;
	for (i = 0; i < ps->n; i++) {
		l = &ps->v[i].net_tcp;
		for (j = 0; j < l->n; j++) {
			/* the loader keeps 1 to 65535, without leading zeros */
			port = strtoul(l->v[j], NULL, 10);
			if (port < 1 || port > 65535 ||
			    relay_port_named(rp, port))
				continue;
			for (k = rp->n; k > 0 && rp->v[k - 1] > port; k--)
				rp->v[k] = rp->v[k - 1];
			rp->v[k] = (uint16_t)port;
			rp->n++;
		}
	}
	return 0;
}

int
relay_port_named(const struct relay_ports *rp, unsigned long port)
{
	size_t	i;

	for (i = 0; i < rp->n; i++)
		if (rp->v[i] == port)
			return 1;
	return 0;
}

void
relay_ports_free(struct relay_ports *rp)
{
	free(rp->v);
	rp->v = NULL;
	rp->n = 0;
}

/* ------------------------------------------------------------ worker */

struct half {				/* one direction of a connection */
	char	*buf;
	size_t	 off, len;		/* waiting: buf[off, off + len) */
	int	 eof;			/* the source has sent all */
	int	 shut;			/* ... and the sink was told */
};

enum conn_state { C_FREE = 0, C_ASKED, C_CONNECTING, C_OPEN };

struct conn {
	enum conn_state	 state;
	int		 down;		/* the script's, in our namespace */
	int		 up;		/* the host's, from the master */
	unsigned	 port;
	uint32_t	 id;		/* of the question to the master */
	int64_t		 deadline;	/* C_ASKED, C_CONNECTING */
	struct half	 toup, todown;
};

/* A worker's relay: built by relay_listen, then its thread's alone. */
struct relay {
	int			 chan;		/* to the master */
	struct relay_ports	 ports;
	int			*lfd;		/* a listener per port */
	struct pollfd		*pfd;
	struct conn		 c[RELAY_CONNS];
	uint32_t		 next_id;
	struct audit_budget	*budget;	/* the worker's flood control */
};

/* A relay that could not be built; its listeners so far are closed. */
static struct relay *
relay_abandon(struct relay *rl, size_t nlfd)
{
	while (nlfd > 0)
		close(rl->lfd[--nlfd]);
	free(rl->lfd);
	relay_ports_free(&rl->ports);
	free(rl);
	return NULL;
}

struct relay *
relay_listen(const struct profile_set *ps)
{
	struct sockaddr_in	 sin;
	struct relay		*rl;
	size_t			 i;
	int			 fd;

	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return NULL;
	rl->chan = -1;
	if (relay_ports(ps, &rl->ports) == -1)
		return relay_abandon(rl, 0);
	if (rl->ports.n == 0)
		return rl;
	if ((rl->lfd = calloc(rl->ports.n, sizeof(*rl->lfd))) == NULL)
		return relay_abandon(rl, 0);
	for (i = 0; i < rl->ports.n; i++) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(rl->ports.v[i]);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (fd == -1 || bind(fd, (struct sockaddr *)&sin,
		    sizeof(sin)) == -1 || listen(fd, RELAY_CONNS) == -1) {
			log_msg(LOG_ERR, "relay: cannot listen on "
			    "127.0.0.1:%u: %s", rl->ports.v[i], strerror(errno));
			if (fd != -1)
				close(fd);
			return relay_abandon(rl, i);
		}
		rl->lfd[i] = fd;
	}
	return rl;
}

/*
 * A TCP socket of the host's namespace can be pointed elsewhere: connect
 * it again after a failure or after connect(AF_UNSPEC), send on it with
 * MSG_FASTOPEN, listen on it.  From here on the worker needs none of
 * that (its listeners are bound, every other socket it uses comes from
 * socketpair or accept), so these fail with EPERM in this thread and in
 * every thread it starts; io_uring, which would make the same calls
 * without a system call, goes too.  The spawners, forked before, keep
 * what their scripts need.
 */
static int
relay_lock(void)
{
	static const int	 calls[] = {
		SCMP_SYS(connect), SCMP_SYS(bind), SCMP_SYS(listen),
		SCMP_SYS(io_uring_setup), SCMP_SYS(io_uring_enter),
		SCMP_SYS(io_uring_register),
	};
	scmp_filter_ctx		 ctx;
	size_t			 i;
	int			 rc;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return -ENOMEM;
	for (i = 0; i < nitems(calls); i++)
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
		    calls[i], 0)) != 0)
			goto out;
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
	    SCMP_SYS(sendto), 1, SCMP_A3(SCMP_CMP_MASKED_EQ, MSG_FASTOPEN,
	    MSG_FASTOPEN))) != 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
	    SCMP_SYS(sendmsg), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, MSG_FASTOPEN,
	    MSG_FASTOPEN))) != 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
	    SCMP_SYS(sendmmsg), 1, SCMP_A3(SCMP_CMP_MASKED_EQ, MSG_FASTOPEN,
	    MSG_FASTOPEN))) != 0)
		goto out;
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) != 0)
		goto out;
	rc = seccomp_load(ctx);
out:
	seccomp_release(ctx);
	return rc;
}

/* Closed at once, with a reset: the peer sees an error, not an EOF. */
static void
reset(int fd)
{
	struct linger	l = { 1, 0 };

	if (fd == -1)
		return;
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static void
conn_close(struct conn *c, int broken)
{
	if (broken) {
		reset(c->down);
		reset(c->up);
	} else {
		close(c->down);
		if (c->up != -1)
			close(c->up);
	}
	free(c->toup.buf);	/* todown.buf is its second half */
	memset(c, 0, sizeof(*c));
	c->down = c->up = -1;
}

/* One event per connection, when the host's side is known. */
static void
conn_report(struct relay *rl, const struct conn *c, const char *result)
{
	struct audit_event	ev = { 0 };
	char			port[8];

	snprintf(port, sizeof(port), "%u", c->port);
	ev.event = "connect_relayed";
	audit_kv(&ev, "address", "127.0.0.1");
	audit_kv(&ev, "port", port);
	audit_kv(&ev, "result", result);
	audit_budget_emit(rl->budget, NULL, &ev);
}

static void
relay_accept(struct relay *rl, int lfd, unsigned port)
{
	struct relay_ask	 ask;
	struct conn		*c;
	int			 fd, i, k, on = 1, idle = 10, intvl = 5, cnt = 3;

	for (k = 0; k < ACCEPT_BURST; k++) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1)
			return;
		for (c = NULL, i = 0; i < RELAY_CONNS && c == NULL; i++)
			if (rl->c[i].state == C_FREE)
				c = &rl->c[i];
		if (c == NULL) {
			struct audit_event	ev = { 0 };

			/* past the bound the script learns at once */
			reset(fd);
			ev.event = "limit_hit";
			audit_kv(&ev, "limit", "relay_connections");
			audit_budget_emit(rl->budget, NULL, &ev);
			stats_limit_hit("relay_connections");
			continue;
		}
		if ((c->toup.buf = malloc(2 * RELAY_BUF)) == NULL) {
			reset(fd);
			continue;
		}
		c->todown.buf = c->toup.buf + RELAY_BUF;
		c->down = fd;
		c->up = -1;
		c->port = port;
		c->id = ++rl->next_id;
		c->state = C_ASKED;
		c->deadline = now_ms() + RELAY_WAIT_MS;
		/*
		 * A script that is gone without a word (killed with its
		 * request) must not hold a slot for as long as the host's
		 * server keeps quiet: probe it.
		 */
		(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on,
		    sizeof(on));
		(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle,
		    sizeof(idle));
		(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
		    sizeof(intvl));
		(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt,
		    sizeof(cnt));
		ask.id = c->id;
		ask.port = port;
		if (rl->chan == -1 || send(rl->chan, &ask, sizeof(ask),
		    MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)sizeof(ask)) {
			conn_report(rl, c, rl->chan == -1 ? "no master" :
			    strerror(errno));
			conn_close(c, 1);
		}
	}
}

/* The master's answers: a socket under way to the host, or why not. */
static void
relay_answers(struct relay *rl)
{
	struct relay_reply	 rep;
	struct conn		*c;
	ssize_t			 n;
	int			 fd, nfd, i;

	for (;;) {
		nfd = 1;
		n = fd_recv(rl->chan, &rep, sizeof(rep), &fd, &nfd,
		    MSG_DONTWAIT);
		if (nfd == 0)
			fd = -1;
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n == -1 && errno == EMSGSIZE)
			continue;	/* not an answer: fd_recv closed its fd */
		if (n <= 0) {
			/* the master is gone, and the worker follows
			 * (parent-death signal); stop asking */
			close(rl->chan);
			rl->chan = -1;
			return;
		}
		for (c = NULL, i = 0; i < RELAY_CONNS && c == NULL; i++)
			if (rl->c[i].state == C_ASKED && rl->c[i].id == rep.id)
				c = &rl->c[i];
		if (c == NULL || n != (ssize_t)sizeof(rep)) {
			/* the script gave up, or the wait ran out */
			if (fd != -1)
				close(fd);
			continue;
		}
		if (rep.err != 0 || fd == -1) {
			conn_report(rl, c, strerror(rep.err != 0 ? rep.err :
			    EPROTO));
			conn_close(c, 1);
			if (fd != -1)
				close(fd);
			continue;
		}
		c->up = fd;
		c->state = C_CONNECTING;
		c->deadline = now_ms() + RELAY_WAIT_MS;
	}
}

/* The host's side answered the handshake, one way or the other. */
static void
conn_connected(struct relay *rl, struct conn *c)
{
	socklen_t	len = sizeof(int);
	int		err = 0;

	if (getsockopt(c->up, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		/* refused: the script's connection is reset, not left open */
		conn_report(rl, c, strerror(err));
		conn_close(c, 1);
		return;
	}
	conn_report(rl, c, "connected");
	c->state = C_OPEN;
}

/* Move what one direction holds; -1 when the connection broke. */
static int
half_move(struct half *h, int from, int to, int readable, int writable)
{
	ssize_t	n;

	if (readable && !h->eof && h->len == 0) {
		n = read(from, h->buf, RELAY_BUF);
		if (n > 0) {
			h->off = 0;
			h->len = n;
			writable = 1;	/* most often there is room */
		} else if (n == 0)
			h->eof = 1;
		else if (errno != EAGAIN && errno != EINTR)
			return -1;
	}
	if (writable && h->len > 0) {
		n = send(to, h->buf + h->off, h->len, MSG_DONTWAIT |
		    MSG_NOSIGNAL);
		if (n > 0) {
			h->off += n;
			h->len -= n;
		} else if (n == -1 && errno != EAGAIN && errno != EINTR)
			return -1;
	}
	/* a half-close passes through: the other side may still answer */
	if (h->eof && h->len == 0 && !h->shut) {
		(void)shutdown(to, SHUT_WR);
		h->shut = 1;
	}
	return 0;
}

static void
conn_events(const struct conn *c, struct pollfd *d, struct pollfd *u)
{
	d->fd = u->fd = -1;
	d->events = u->events = 0;
	switch (c->state) {
	case C_FREE:
		break;
	case C_ASKED:
		/* nothing asked: only a reset by the script ends the wait */
		d->fd = c->down;
		break;
	case C_CONNECTING:
		d->fd = c->down;
		u->fd = c->up;
		u->events = POLLOUT;
		break;
	case C_OPEN:
		if (!c->toup.eof && c->toup.len == 0)
			d->events |= POLLIN;
		if (c->todown.len > 0)
			d->events |= POLLOUT;
		if (!c->todown.eof && c->todown.len == 0)
			u->events |= POLLIN;
		if (c->toup.len > 0)
			u->events |= POLLOUT;
		/* a side with nothing to do is left out: its hangup would
		 * only make poll return at once, again and again */
		d->fd = d->events ? c->down : -1;
		u->fd = u->events ? c->up : -1;
		break;
	}
}

static void
conn_step(struct relay *rl, struct conn *c, short drev, short urev)
{
	switch (c->state) {
	case C_FREE:
		break;
	case C_ASKED:
	case C_CONNECTING:
		if (drev & (POLLERR | POLLHUP))
			conn_close(c, 1);
		else if (urev != 0)
			conn_connected(rl, c);
		break;
	case C_OPEN:
		if ((drev | urev) & POLLERR ||
		    half_move(&c->toup, c->down, c->up,
		    drev & (POLLIN | POLLHUP), urev & POLLOUT) == -1 ||
		    half_move(&c->todown, c->up, c->down,
		    urev & (POLLIN | POLLHUP), drev & POLLOUT) == -1)
			conn_close(c, 1);
		else if (c->toup.shut && c->todown.shut)
			conn_close(c, 0);
		break;
	}
}

static void *
relay_thread(void *arg)
{
	struct relay	*rl = arg;
	struct pollfd	*pfd = rl->pfd, *d, *u;
	struct conn	*c;
	size_t		 nl = rl->ports.n, base = 1 + nl, i;
	int64_t		 t, left;
	int		 timeout;

	for (;;) {
		pfd[0].fd = rl->chan;
		pfd[0].events = POLLIN;
		for (i = 0; i < nl; i++) {
			pfd[1 + i].fd = rl->lfd[i];
			pfd[1 + i].events = POLLIN;
		}
		t = now_ms();
		timeout = -1;
		for (i = 0; i < RELAY_CONNS; i++) {
			c = &rl->c[i];
			conn_events(c, &pfd[base + 2 * i],
			    &pfd[base + 2 * i + 1]);
			if (c->state != C_ASKED && c->state != C_CONNECTING)
				continue;
			left = c->deadline > t ? c->deadline - t : 0;
			if (timeout == -1 || left < timeout)
				timeout = (int)left;
		}
		if (poll(pfd, base + 2 * RELAY_CONNS, timeout) == -1) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERR, "relay: poll: %s; the worker exits",
			    strerror(errno));
			_exit(1);
		}
		/* connections first: their events were asked for the
		 * states they are still in */
		for (i = 0; i < RELAY_CONNS; i++) {
			d = &pfd[base + 2 * i];
			u = &pfd[base + 2 * i + 1];
			if (d->revents != 0 || u->revents != 0)
				conn_step(rl, &rl->c[i], d->revents,
				    u->revents);
		}
		if (pfd[0].revents != 0)
			relay_answers(rl);
		for (i = 0; i < nl; i++)
			if (pfd[1 + i].revents & POLLIN)
				relay_accept(rl, rl->lfd[i], rl->ports.v[i]);
		t = now_ms();
		for (i = 0; i < RELAY_CONNS; i++) {
			c = &rl->c[i];
			if ((c->state == C_ASKED || c->state == C_CONNECTING) &&
			    t >= c->deadline) {
				conn_report(rl, c, "timed out");
				conn_close(c, 1);
			}
		}
	}
	return NULL;
}

int
relay_start(struct relay *rl, int chan, struct audit_budget *budget)
{
	pthread_attr_t	a;
	pthread_t	t;
	size_t		i;
	int		rc;

	if (rl->ports.n == 0) {
		if (chan != -1)
			close(chan);
		return 0;
	}
	if (chan == -1) {
		log_msg(LOG_ERR, "relay: no channel to the master");
		return -1;
	}
	rl->chan = chan;
	rl->budget = budget;
	for (i = 0; i < RELAY_CONNS; i++)
		rl->c[i].down = rl->c[i].up = -1;
	rl->pfd = calloc(1 + rl->ports.n + 2 * RELAY_CONNS, sizeof(*rl->pfd));
	if (rl->pfd == NULL)
		return -1;
	if ((rc = relay_lock()) != 0) {
		log_msg(LOG_ERR, "relay: cannot give up connect, bind and "
		    "listen: %s", strerror(-rc));
		return -1;
	}
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &a, relay_thread, rl);
	pthread_attr_destroy(&a);
	if (rc != 0) {
		log_msg(LOG_ERR, "relay: cannot start: %s", strerror(rc));
		return -1;
	}
	return 0;
}
