/*
 * pipe_fork -- a parent writes into a pipe, its child reads.
 *
 * Usage:   pipe_fork
 *
 * The pipe is made before fork(), so parent and child both hold both ends.
 * Each closes the end it does not use: the parent keeps the write end, the
 * child the read end. That matters: the child reads until end of file, and
 * end of file comes only when every write end is closed -- including any
 * copy the child itself would otherwise still hold.
 *
 * Partner: none (the child is a copy of this program). No IPC objects.
 *
 * Example:
 *     $ ./pipe_fork
 *     20 Hello Child Process!
 *
 * Read: pipe(2), fork(2), waitpid(2), pipe(7).
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
    fprintf(stderr, "pipe_fork: %s: %s\n", what, strerror(errno));
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
            break;                      /* end of file: the writer closed */
        total += (size_t)n;
    }
    return total;
}
#else
/* TODO (with main below): write_all(fd, buf, len), which writes all len
 * bytes of buf however many write() calls it takes, and read_all(fd, buf,
 * size), which read()s until end of file (a read() that returns 0) or until
 * buf is full and returns the number of bytes read. Both retry a call that
 * EINTR interrupted and die() on any other failure. */
#endif

int main(int argc, char *argv[])
{
    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: pipe_fork\n");
        return 2;
    }

#ifdef SOLUTION
    const char msg[] = "Hello Child Process!";
    int fd[2];

    if (pipe(fd) == -1)
        die("pipe");

    fflush(stdout);                     /* so the child inherits no buffered output */
    pid_t pid = fork();
    if (pid == -1)
        die("fork");

    if (pid == 0) {                     /* child: reads */
        char buf[255];
        close(fd[1]);
        size_t nbytes = read_all(fd[0], buf, sizeof buf);
        printf("%zu %.*s\n", nbytes, (int)nbytes, buf);
        if (fflush(stdout) == EOF)      /* rule 10: a full disk is an error */
            die("write to stdout");
        exit(0);
    }

    close(fd[0]);                       /* parent: writes */
    write_all(fd[1], msg, strlen(msg));
    close(fd[1]);                       /* the child sees end of file */

    /* The original exited at once, so the child printed after the shell's
     * prompt had come back. Waiting keeps the output in order. */
    int status;
    if (waitpid(pid, &status, 0) == -1)
        die("waitpid");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
#else
    /* TODO: make a pipe, fflush(stdout), then fork(). The child closes the
     * write end, read_all()s the read end and prints "20 Hello Child
     * Process!" (the byte count, then the bytes), fflush()es stdout (die
     * if that fails: a full disk is an error), then exits 0. The parent
     * closes the read end, write_all()s the 20 bytes "Hello Child Process!",
     * closes the write end (the child's end of file), waitpid()s for the
     * child and exits 0 only if the child exited 0.
     * Checked by: make test LAB=02 T='pipe_fork' */
    errno = ENOSYS;                     /* "Function not implemented" */
    die("main: not written yet (TODO in pipe_fork.c)");
#endif
}
