/*
 * pipe_exec_writer -- hand a pipe to a different program through exec.
 *
 * Usage:   pipe_exec_writer
 *
 * A pipe's descriptors survive exec(), but the new program does not know
 * their numbers. So the child passes the number of the read end as a
 * command-line argument when it execs pipe_exec_reader; the parent writes
 * "123" into the write end.
 *
 *     pipe_exec_writer --- pipe ---> pipe_exec_reader FD
 *        (parent)                       (child, after exec)
 *
 * The child closes its copy of the write end before exec: otherwise the
 * reader would hold a write end itself and never see end of file. The
 * reader is found beside this program (through /proc/self/exe), so this
 * works from any working directory.
 *
 * Partner: pipe_exec_reader (started here). No IPC objects.
 *
 * Example:
 *     $ ./pipe_exec_writer
 *     4711 - wrote 3 bytes
 *     4712 - read 3 bytes: 123
 *
 * Read: pipe(2), fork(2), execve(2), proc(5) for /proc/self/exe.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "pipe_exec_writer: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Puts the path of pipe_exec_reader, in this executable's folder, into path. */
static void partner_path(char *path, size_t size)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);

    if (len == -1)
        die("readlink /proc/self/exe");
    exe[len] = '\0';
    if (snprintf(path, size, "%s/pipe_exec_reader", dirname(exe)) >= (int)size) {
        fprintf(stderr, "pipe_exec_writer: path of pipe_exec_reader too long\n");
        exit(1);
    }
}

int main(int argc, char *argv[])
{
    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: pipe_exec_writer\n");
        return 2;
    }

    char reader[PATH_MAX];
    partner_path(reader, sizeof reader);

#ifdef SOLUTION
    const char some_data[] = "123";
    int file_pipes[2];

    if (pipe(file_pipes) == -1)
        die("pipe");

    fflush(stdout);
    pid_t pid = fork();
    if (pid == -1)
        die("fork");

    if (pid == 0) {
        char fd_arg[16];
        close(file_pipes[1]);
        snprintf(fd_arg, sizeof fd_arg, "%d", file_pipes[0]);
        execl(reader, "pipe_exec_reader", fd_arg, (char *)NULL);
        fprintf(stderr, "pipe_exec_writer: exec %s: %s\n", reader, strerror(errno));
        _exit(127);
    }

    close(file_pipes[0]);
    /* A reader that ends without reading (it failed, or could not be started)
     * would make this write raise SIGPIPE, which kills us without a word.
     * Ignored, the write fails with EPIPE instead, and waitpid() below
     * reports the reader's failure. Only the parent ignores it: the reader
     * was started with the default action. */
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        die("signal SIGPIPE");
    ssize_t data_processed = write(file_pipes[1], some_data, strlen(some_data));
    if (data_processed == -1 && errno != EPIPE)
        die("write");
    if (data_processed != -1)
        printf("%d - wrote %zd bytes\n", (int)getpid(), data_processed);
    if (fflush(stdout) == EOF)          /* before the reader can see end of file */
        die("write to stdout");         /* rule 10: a full disk is an error */
    close(file_pipes[1]);

    int status;
    if (waitpid(pid, &status, 0) == -1)
        die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "pipe_exec_writer: pipe_exec_reader failed\n");
        return 1;
    }
    return 0;
#else
    /* TODO: make a pipe, fflush(stdout), fork(). The child closes the write
     * end and execl()s the path in reader, as "pipe_exec_reader FD", FD the
     * read end's number in decimal; if exec fails it says so and _exit(127)s.
     * The parent closes the read end, ignores SIGPIPE (a reader that never
     * started must not kill it), write()s "123" (EPIPE is no error here),
     * prints "PID - wrote 3 bytes", flushes (die if that fails: a full disk
     * is an error), closes the write end, then
     * waitpid()s: exit 1 naming pipe_exec_reader unless it exited 0.
     * Checked by: make test LAB=02 T='pipe_exec_writer' */
    errno = ENOSYS;                     /* "Function not implemented" */
    die("main: not written yet (TODO in pipe_exec_writer.c)");
#endif
}
