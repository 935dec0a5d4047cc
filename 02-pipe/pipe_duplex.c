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

int main(int argc, char *argv[])
{
    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: pipe_duplex\n");
        return 2;
    }

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
        fflush(stdout);
        write_all(to_parent[1], "456", 3);
        printf("child Wrote 3 bytes\n");
        fflush(stdout);
        close(to_parent[1]);
        exit(0);
    }

    char buffer[BUFSIZ];
    close(to_child[0]);
    close(to_parent[1]);
    write_all(to_child[1], "123", 3);
    printf("parent Wrote 3 bytes\n");
    fflush(stdout);                     /* printed before the child can go on */
    close(to_child[1]);                 /* the child sees end of file */

    size_t n = read_all(to_parent[0], buffer, sizeof buffer);
    printf("parent Read %zu bytes: %.*s\n", n, (int)n, buffer);

    int status;
    if (waitpid(pid, &status, 0) == -1)
        die("waitpid");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
