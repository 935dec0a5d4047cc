/*
 * bench_pipe.c -- the pipe row: two pipes, one per direction, made by the
 * parent before fork(); each process keeps the write end of its own
 * direction and the read end of the other. The loops that move a whole
 * message through a byte stream (fd_send, fd_recv) serve the FIFOs and the
 * socket pair too.
 *
 * Read: pipe(2), pipe(7), read(2), write(2).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <unistd.h>

#include "ipc_bench.h"

/* Writes the whole message: write() may take less than asked, or be
 * interrupted by a signal (EINTR), and a dead reader shows as EPIPE. */
void fd_send(struct link *l, struct message *m, size_t len)
{
#ifdef SOLUTION
    const char *p = m->data;
    while (len > 0) {
        ssize_t n = write(l->out_fd, p, len);
        if (n == -1 && errno == EPIPE)
            partner_ended();
        if (n == -1 && errno != EINTR)
            die("write");
        if (n == -1) {
            check_stop();
            continue;
        }
        p += n;
        len -= (size_t)n;
    }
#else
    /* TODO: write() m->data's len bytes to l->out_fd, in a loop: a write may
     * take fewer bytes (go on from there). EPIPE: partner_ended(); EINTR:
     * check_stop(), then try again; any other error: die("write").
     * Checked by: make test LAB=08 T='with(out)? gnuplot|-m measures' */
    (void)l, (void)m, (void)len;
    fail("fd_send: not written yet (TODO in bench_pipe.c)");
#endif
}

/* A stream has no message boundaries: read until the whole message is in. */
void fd_recv(struct link *l, struct message *m, size_t len)
{
#ifdef SOLUTION
    char *p = m->data;
    while (len > 0) {
        ssize_t n = read(l->in_fd, p, len);
        if (n == 0)
            partner_ended();
        if (n == -1 && errno != EINTR)
            die("read");
        if (n == -1) {
            check_stop();
            continue;
        }
        p += n;
        len -= (size_t)n;
    }
#else
    /* TODO: read() from l->in_fd into m->data until len bytes are in: a read
     * may return fewer. 0 (end of file): partner_ended(); EINTR: check_stop(),
     * then try again; any other error: die("read").
     * Checked by: make test LAB=08 T='with(out)? gnuplot|-m measures' */
    (void)l, (void)m, (void)len;
    fail("fd_recv: not written yet (TODO in bench_pipe.c)");
#endif
}

void fd_detach(struct link *l)
{
#ifdef SOLUTION
    if (close(l->in_fd) == -1 || (l->out_fd != l->in_fd && close(l->out_fd) == -1))
        die("close");
#else
    /* TODO: close() l->in_fd and l->out_fd (once, if they are the same
     * socket); die("close") if one fails.
     * Checked by: make test LAB=08 T='with(out)? gnuplot|-m measures' */
    (void)l;
    fail("fd_detach: not written yet (TODO in bench_pipe.c)");
#endif
}

static void pipe_open(struct link *l, size_t size)
{
    (void)size;
#ifdef SOLUTION
    if (pipe(l->fds[TO_CHILD]) == -1 || pipe(l->fds[TO_PARENT]) == -1)
        die("pipe");
#else
    /* TODO: make two pipes, l->fds[TO_CHILD] and l->fds[TO_PARENT], with
     * pipe(); die("pipe") if one fails. fork() gives the child all four ends.
     * Checked by: make test LAB=08 T='with(out)? gnuplot|-m measures' */
    (void)l;
    fail("pipe_open: not written yet (TODO in bench_pipe.c)");
#endif
}

static void pipe_attach(struct link *l)
{
#ifdef SOLUTION
    /* Keep the write end of our direction and the read end of the other:
     * with the rest closed, a partner's exit shows as end of file. */
    if (close(l->fds[l->out][0]) == -1 || close(l->fds[l->in][1]) == -1)
        die("close");
    l->out_fd = l->fds[l->out][1];
    l->in_fd = l->fds[l->in][0];
#else
    /* TODO: keep the write end of this side's direction (l->out) and the
     * read end of the other (l->in) as l->out_fd and l->in_fd; close() the
     * two other ends, so that the partner's exit shows as end of file.
     * Checked by: make test LAB=08 T='with(out)? gnuplot|-m measures' */
    (void)l;
    fail("pipe_attach: not written yet (TODO in bench_pipe.c)");
#endif
}

const struct mechanism pipe_mechanism = {
    "pipe", NULL, pipe_open, pipe_attach, fd_send, fd_recv, fd_detach,
};
