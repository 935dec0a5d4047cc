/*
 * pipe_duplex -- two-way talk between parent and child: one pipe per direction.
 *
 * Usage:   pipe_duplex
 *
 * The parent sends "123" to its child, the child answers "456".
 *
 * The original used a single pipe for both directions and put sleep(1) in the
 * child, hoping the parent would read before the child wrote. A pipe has no
 * idea who is "meant" to read: with one pipe a process can read back its own
 * message, and sleep() only makes that unlikely, never impossible. Two pipes,
 * one per direction, make it impossible, and no sleep is needed.
 *
 * The order of the four lines is fixed as well: each side prints what it
 * wrote before closing its write end, and each side reads until end of file,
 * so it cannot print what it read before the writer has printed.
 *
 *     parent --- to_child ---> child
 *     parent <-- to_parent --- child
 *
 * Partner: none (the child is a copy of this program). No IPC objects.
 *
 * Example:
 *     $ ./pipe_duplex
 *     parent Wrote 3 bytes
 *     child Read 3 bytes: 123
 *     child Wrote 3 bytes
 *     parent Read 3 bytes: 456
 *
 * Read: pipe(2), fork(2), pipe(7).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "pipe_duplex: %s: %s\n", what, strerror(errno));
    exit(1);
}

#ifdef SOLUTION
/* Writes all of buf, however many calls it takes. */
static void write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            die("write");
        buf += n;
        len -= (size_t)n;
    }
}

/* Reads until end of file or until buf is full; returns the byte count. */
static size_t read_all(int fd, char *buf, size_t size)
{
    size_t total = 0;

    while (total < size) {
        ssize_t n = read(fd, buf + total, size - total);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            die("read");
        if (n == 0)
            break;
        total += (size_t)n;
    }
    return total;
}
#else
/* TODO (with main below): write_all() and read_all(), as in pipe_fork.c:
 * write all of a buffer, read until end of file. */
#endif

int main(int argc, char *argv[])
{
    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: pipe_duplex\n");
        return 2;
    }

#ifdef SOLUTION
    int to_child[2], to_parent[2];
    if (pipe(to_child) == -1 || pipe(to_parent) == -1)
        die("pipe");

    fflush(stdout);
    pid_t pid = fork();
    if (pid == -1)
        die("fork");

    if (pid == 0) {
        char buffer[BUFSIZ];
        close(to_child[1]);             /* each side keeps only the ends it uses */
        close(to_parent[0]);
        /* The child listens first, and answers once the parent has hung up. */
        size_t n = read_all(to_child[0], buffer, sizeof buffer);
        printf("child Read %zu bytes: %.*s\n", n, (int)n, buffer);
        if (fflush(stdout) == EOF)      /* rule 10: a full disk is an error */
            die("write to stdout");
        write_all(to_parent[1], "456", 3);
        printf("child Wrote 3 bytes\n");
        if (fflush(stdout) == EOF)
            die("write to stdout");
        close(to_parent[1]);
        exit(0);
    }

    char buffer[BUFSIZ];
    close(to_child[0]);
    close(to_parent[1]);
    write_all(to_child[1], "123", 3);
    printf("parent Wrote 3 bytes\n");
    if (fflush(stdout) == EOF)          /* printed before the child can go on */
        die("write to stdout");
    close(to_child[1]);                 /* the child sees end of file */

    size_t n = read_all(to_parent[0], buffer, sizeof buffer);
    printf("parent Read %zu bytes: %.*s\n", n, (int)n, buffer);
    if (fflush(stdout) == EOF)
        die("write to stdout");

    int status;
    if (waitpid(pid, &status, 0) == -1)
        die("waitpid");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
#else
    /* TODO: make two pipes, to_child and to_parent, fflush(stdout), fork().
     * Each process first closes the two ends it does not use. The parent
     * write_all()s "123" into to_child, prints and flushes "parent Wrote 3
     * bytes", then closes to_child. The child read_all()s to_child to end of
     * file, prints "child Read 3 bytes: 123", write_all()s "456" into
     * to_parent, prints "child Wrote 3 bytes" (flushing each line), closes
     * to_parent and exits 0. Every fflush(stdout) is checked: die if it
     * fails (a full disk is an error). The parent read_all()s to_parent, prints
     * "parent Read 3 bytes: 456", waitpid()s and exits 0 only if the child
     * did. No sleep(): printing before closing fixes the order.
     * Checked by: make test LAB=02 T='pipe_duplex' */
    errno = ENOSYS;                     /* "Function not implemented" */
    die("main: not written yet (TODO in pipe_duplex.c)");
#endif
}
