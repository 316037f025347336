/*
 * A fast SMTP sink for the newsletter benchmark: accepts every message and
 * keeps nothing, so that the sender is what is measured.  One thread,
 * epoll, any number of connections; pipelining-safe.  Prints the number of
 * messages accepted when it gets SIGINT or SIGTERM.
 *
 *	smtp_sink PORT
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LINE 4096

struct conn {
	int fd;
	int data;  /* in DATA: looking for CRLF.CRLF */
	int match; /* bytes of "\r\n.\r\n" matched so far */
	char line[MAX_LINE];
	size_t n;
};

static volatile sig_atomic_t stop;
static unsigned long long messages;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void reply(struct conn *c, const char *s)
{
	size_t n = strlen(s), off = 0;

	while (off < n) {
		ssize_t w = write(c->fd, s + off, n - off);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return;
		}
		off += (size_t)w;
	}
}

/* Returns 0 to keep the connection, -1 to close it. */
static int command(struct conn *c, const char *line)
{
	if (strncasecmp(line, "EHLO", 4) == 0)
		reply(c, "250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 104857600\r\n");
	else if (strncasecmp(line, "HELO", 4) == 0 || strncasecmp(line, "MAIL", 4) == 0 ||
	         strncasecmp(line, "RCPT", 4) == 0 || strncasecmp(line, "RSET", 4) == 0 ||
	         strncasecmp(line, "NOOP", 4) == 0)
		reply(c, "250 OK\r\n");
	else if (strncasecmp(line, "DATA", 4) == 0) {
		reply(c, "354 go ahead\r\n");
		c->data = 1;
		c->match = 2; /* the CRLF before DATA's end marker may be the command's */
	} else if (strncasecmp(line, "QUIT", 4) == 0) {
		reply(c, "221 bye\r\n");
		return -1;
	} else
		reply(c, "502 not implemented\r\n");
	return 0;
}

static int input(struct conn *c, const char *p, size_t n)
{
	static const char end[] = "\r\n.\r\n";
	size_t i;

	for (i = 0; i < n; i++) {
		if (c->data) {
			if (p[i] == end[c->match])
				c->match++;
			else
				c->match = p[i] == '\r' ? 1 : 0;
			if (c->match == 5) {
				c->data = 0;
				c->match = 0;
				c->n = 0;
				messages++;
				reply(c, "250 OK queued\r\n");
			}
			continue;
		}
		if (c->n + 1 < sizeof(c->line))
			c->line[c->n++] = p[i];
		if (p[i] == '\n') {
			c->line[c->n] = '\0';
			c->n = 0;
			if (command(c, c->line) != 0)
				return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = {0};
	struct epoll_event ev, evs[64];
	struct sigaction sig = {0};
	int lfd, ep, one = 1, i, n;
	char buf[65536];

	if (argc != 2) {
		fprintf(stderr, "usage: smtp_sink PORT\n");
		return 2;
	}
	sig.sa_handler = on_signal;
	sigaction(SIGINT, &sig, NULL);
	sigaction(SIGTERM, &sig, NULL);
	signal(SIGPIPE, SIG_IGN);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(lfd, 512) != 0) {
		perror("smtp_sink");
		return 1;
	}
	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		n = epoll_wait(ep, evs, 64, 200);
		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (c == NULL) {
				int fd;
				while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					c = calloc(1, sizeof(*c));
					c->fd = fd;
					/* Replies are small and come in pairs (354, 250): no Nagle
					 * wait. */
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					ev.events = EPOLLIN;
					ev.data.ptr = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
					reply(c, "220 sink ESMTP\r\n");
				}
				continue;
			}
			for (;;) {
				ssize_t r = read(c->fd, buf, sizeof(buf));
				if (r > 0) {
					if (input(c, buf, (size_t)r) != 0)
						r = 0;
					else
						continue;
				}
				if (r < 0 && (errno == EAGAIN || errno == EINTR))
					break;
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				close(c->fd);
				free(c);
				break;
			}
		}
	}
	printf("%llu\n", messages);
	return 0;
}
