/*
 * pipe_dup -- connect a pipe to another program's standard input with dup().
 *
 * Usage:   pipe_dup
 *
 * The child closes descriptor 0 and calls dup() on the pipe's read end:
 * dup() returns the lowest free number, 0, so the pipe becomes the child's
 * standard input. Then the child execs `od -c`, which reads standard input
 * as always, not knowing it is a pipe. The parent writes "123".
 *
 *     parent --- pipe ---> fd 0 of od -c (the child, after exec)
 *
 * od prints only once its input ends, that is once the parent has closed the
 * write end; the parent prints its line before closing, so that line always
 * comes before od's. The child's "dup fd = 0" comes first: the parent waits
 * until the child has exec'd od before writing, learning it from a second
 * pipe whose write end is closed by exec (O_CLOEXEC) -- a common idiom.
 *
 * Partner: od(1) (started here). No IPC objects.
 *
 * Example:
 *     $ ./pipe_dup
 *     dup fd = 0
 *     4711 - wrote 3 bytes
 *     0000000   1   2   3
 *     0000003
 *
 * Read: dup(2), pipe(2), execvp(3), od(1).
 */
#define _GNU_SOURCE                     /* pipe2() */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "pipe_dup: %s: %s\n", what, strerror(errno));
    exit(1);
}

#ifdef SOLUTION
/* Blocks until the child has exec'd (or died): the write end of `exec_done`
 * is closed by exec, and then read() returns 0. */
static void wait_for_exec(int exec_done[2])
{
    char byte;

    close(exec_done[1]);
    while (read(exec_done[0], &byte, 1) == -1)
        if (errno != EINTR)
            die("read");
    close(exec_done[0]);
}
#else
/* TODO (with main below): wait_for_exec(exec_done), which makes the parent
 * wait until its child has exec'd od, so that the child's "dup fd = 0"
 * comes first: exec_done is a second pipe made with pipe2(..., O_CLOEXEC),
 * whose write end the exec closes. The parent closes its own write end, then
 * read()s one byte: read() returns 0 (end of file) once the child has
 * exec'd or died. Retry on EINTR; close the read end. */
#endif

int main(int argc, char *argv[])
{
    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: pipe_dup\n");
        return 2;
    }

#ifdef SOLUTION
    const char some_data[] = "123";
    int file_pipes[2], exec_done[2];

    if (pipe(file_pipes) == -1 || pipe2(exec_done, O_CLOEXEC) == -1)
        die("pipe");

    fflush(stdout);
    pid_t pid = fork();
    if (pid == -1)
        die("fork");

    if (pid == 0) {
        close(0);                       /* 0 is now the lowest free number ... */
        int fd = dup(file_pipes[0]);    /* ... so dup() returns 0 */
        if (fd == -1) {
            fprintf(stderr, "pipe_dup: dup: %s\n", strerror(errno));
            _exit(1);
        }
        printf("dup fd = %d\n", fd);
        if (fflush(stdout) == EOF) {    /* exec discards what stdio still holds */
            fprintf(stderr, "pipe_dup: write to stdout: %s\n", strerror(errno));
            _exit(1);
        }
        close(file_pipes[0]);           /* od keeps only its copy, descriptor 0 */
        close(file_pipes[1]);
        execlp("od", "od", "-c", (char *)NULL);
        fprintf(stderr, "pipe_dup: exec od: %s\n", strerror(errno));
        _exit(127);
    }

    close(file_pipes[0]);
    wait_for_exec(exec_done);

    /* If od could not be started, nobody reads: the write would raise
     * SIGPIPE and kill us without a word. Ignored (in the parent only), the
     * write fails with EPIPE, and waitpid() below reports od's failure. */
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        die("signal SIGPIPE");
    ssize_t data_processed = write(file_pipes[1], some_data, strlen(some_data));
    if (data_processed == -1 && errno != EPIPE)
        die("write");
    if (data_processed != -1)
        printf("%d - wrote %zd bytes\n", (int)getpid(), data_processed);
    if (fflush(stdout) == EOF)          /* before od can see end of input */
        die("write to stdout");         /* rule 10: a full disk is an error */
    close(file_pipes[1]);

    int status;
    if (waitpid(pid, &status, 0) == -1)
        die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "pipe_dup: od failed\n");
        return 1;
    }
    return 0;
#else
    /* TODO: make the pipe (and exec_done, see wait_for_exec above),
     * fflush(stdout), fork(). The child close()s descriptor 0, dup()s the
     * read end (dup returns the lowest free number: 0), prints "dup fd = N"
     * with dup's result and flushes (a failed flush: a message, _exit(1)),
     * closes both pipe ends and execlp()s "od -c" (if exec fails: a message
     * naming od, _exit(127)).
     * The parent closes the read end, wait_for_exec()s, ignores SIGPIPE,
     * write()s "123" (EPIPE is no error here), prints "PID - wrote 3 bytes"
     * and flushes (die if that fails) BEFORE it closes the write end (od
     * prints at end of input), then waitpid()s: exit 1 naming od unless od
     * exited 0.
     * Checked by: make test LAB=02 T='pipe_dup (puts|exits|reports)' */
    errno = ENOSYS;                     /* "Function not implemented" */
    die("main: not written yet (TODO in pipe_dup.c)");
#endif
}
