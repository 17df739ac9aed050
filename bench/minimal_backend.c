/* bench/minimal_backend.c: the cheapest keep-alive HTTP/1.1 origin we can write, used as
 * the upstream in proxy benchmarks so that the backend's own cost stays small beside the
 * proxy's.
 *
 *   minimal_backend PORT        (0 = ephemeral; prints "listening on 127.0.0.1:PORT")
 *
 * Single thread, level-triggered epoll. Every request is taken to end at "\r\n\r\n" (GET
 * only, no bodies, no header is looked at) and gets the same 100-byte answer with
 * keep-alive. On each readiness event a connection does one read() and one write() for the
 * whole batch of pipelined requests that read delivered; nothing is allocated per request
 * (each connection owns two fixed buffers, allocated when it is accepted). A write the
 * kernel cannot take at once is kept and finished on EPOLLOUT, and reading that connection
 * pauses until it is. SIGTERM and SIGINT exit 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BODY "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqr"
#define RESPONSE                                                                            \
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n" BODY

enum {
    IN_CAP = 16384,   /* a request head longer than this closes the connection */
    OUT_CAP = 65536,  /* responses queued for one write; more requests wait for the next turn */
    MAX_EVENTS = 256,
    ACCEPTS_PER_EVENT = 64,
};

static const char response[] = RESPONSE;
#define RESPONSE_LEN (sizeof(response) - 1)
#define MAX_BATCH (OUT_CAP / RESPONSE_LEN)
_Static_assert(sizeof(BODY) - 1 == 100, "the body is 100 bytes (as in run-bench.py)");

struct conn {
    int fd;
    int paused;       /* EPOLLOUT armed: output pending, reading stopped */
    size_t in_len;    /* bytes of an unfinished request kept from earlier reads */
    size_t out_off, out_len;
    char in[IN_CAP];
    char out[OUT_CAP];
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

static void close_conn(int ep, struct conn *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c);
}

static int set_events(int ep, struct conn *c, unsigned events) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    return epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Sends what is left in c->out. Returns 0 when it is all gone, 1 when the socket is full,
 * -1 on error. */
static int flush_out(struct conn *c) {
    while (c->out_off < c->out_len) {
        ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
        if (n > 0) {
            c->out_off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return 1;
        } else {
            return -1;
        }
    }
    c->out_off = c->out_len = 0;
    return 0;
}

/* Answers the complete requests in c->in, one write per batch of up to MAX_BATCH, and
 * keeps the unfinished tail. Returns -1 to close the connection. */
static int answer(int ep, struct conn *c) {
    for (;;) {
        size_t count = 0, start = 0;
        while (count < MAX_BATCH) {
            char *end = memmem(c->in + start, c->in_len - start, "\r\n\r\n", 4);
            if (end == NULL)
                break;
            start = (size_t)(end - c->in) + 4;
            count++;
        }
        if (start > 0) {
            c->in_len -= start;
            if (c->in_len > 0)
                memmove(c->in, c->in + start, c->in_len);
        }
        if (count == 0)
            return c->in_len == IN_CAP ? -1 : 0;

        for (size_t i = 0; i < count; i++)
            memcpy(c->out + i * RESPONSE_LEN, response, RESPONSE_LEN);
        c->out_off = 0;
        c->out_len = count * RESPONSE_LEN;
        int r = flush_out(c);
        if (r < 0)
            return -1;
        if (r == 1) {
            c->paused = 1;
            return set_events(ep, c, EPOLLOUT);
        }
        /* A full batch may have left complete requests in the buffer; no readiness event
         * would report them, so go round again (at most IN_CAP / 4 requests in all). */
        if (count < MAX_BATCH)
            return 0;
    }
}

static int on_readable(int ep, struct conn *c) {
    ssize_t n;
    do {
        n = read(c->fd, c->in + c->in_len, IN_CAP - c->in_len);
    } while (n < 0 && errno == EINTR);
    if (n == 0)
        return -1;
    if (n < 0)
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    c->in_len += (size_t)n;
    return answer(ep, c);
}

static int on_writable(int ep, struct conn *c) {
    int r = flush_out(c);
    if (r != 0)
        return r < 0 ? -1 : 0;
    c->paused = 0;
    if (set_events(ep, c, EPOLLIN) < 0)
        return -1;
    return answer(ep, c); /* requests that arrived while paused and are already read */
}

static void accept_some(int ep, int lfd) {
    for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return; /* EAGAIN, or a transient error such as EMFILE: try on the next event */
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = malloc(sizeof *c);
        if (c == NULL) {
            close(fd);
            continue;
        }
        c->fd = fd;
        c->paused = 0;
        c->in_len = c->out_off = c->out_len = 0;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
            close(fd);
            free(c);
        }
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT   (0 = ephemeral)\n", argv[0]);
        return 2;
    }
    char *endp;
    long port = strtol(argv[1], &endp, 10);
    if (*argv[1] == '\0' || *endp != '\0' || port < 0 || port > 65535) {
        fprintf(stderr, "minimal_backend: bad port %s\n", argv[1]);
        return 2;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0) {
        perror("socket");
        return 1;
    }
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((unsigned short)port);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 4096) < 0) {
        perror("bind/listen");
        return 1;
    }
    socklen_t alen = sizeof addr;
    getsockname(lfd, (struct sockaddr *)&addr, &alen);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
        perror("epoll_create1");
        return 1;
    }
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev);

    printf("listening on 127.0.0.1:%d\n", ntohs(addr.sin_port));
    fflush(stdout);

    struct epoll_event events[MAX_EVENTS];
    while (!stop_requested) {
        int n = epoll_wait(ep, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (c == NULL) {
                accept_some(ep, lfd);
                continue;
            }
            int r;
            if (c->paused)
                r = (events[i].events & (EPOLLERR | EPOLLHUP)) ? -1 : on_writable(ep, c);
            else
                r = on_readable(ep, c);
            if (r < 0)
                close_conn(ep, c);
        }
    }
    return 0;
}
