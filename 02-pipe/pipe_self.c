/*
 * pipe_self -- one process writes into a pipe and reads it back.
 *
 * Usage:   pipe_self
 *
 * pipe() returns two descriptors: fd[1] is the end you write, fd[0] the end
 * you read. Bytes written to fd[1] wait in the kernel until someone reads
 * fd[0]; here that someone is the same process, which shows the plumbing
 * before fork() enters the picture.
 *
 * Partner: none. No IPC objects (the pipe vanishes with its descriptors).
 *
 * Example:
 *     $ ./pipe_self
 *     Wrote 3 bytes
 *     Read 3 bytes: 123
 *
 * Read: pipe(2), pipe(7), read(2), write(2).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "pipe_self: %s: %s\n", what, strerror(errno));
    exit(1);
}

int main(int argc, char *argv[])
{
    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: pipe_self\n");
        return 2;
    }

#ifdef SOLUTION
    const char some_data[] = "123";
    char buffer[BUFSIZ];
    int file_pipes[2];

    if (pipe(file_pipes) == -1)
        die("pipe");

    /* Three bytes always fit in the pipe's buffer, so this write is never
     * short and never blocks; a larger one could block forever here, since
     * the only reader is this very process. */
    ssize_t data_processed = write(file_pipes[1], some_data, strlen(some_data));
    if (data_processed == -1)
        die("write");
    printf("Wrote %zd bytes\n", data_processed);

    data_processed = read(file_pipes[0], buffer, sizeof buffer);
    if (data_processed == -1)
        die("read");
    printf("Read %zd bytes: %.*s\n", data_processed, (int)data_processed, buffer);
    if (fflush(stdout) == EOF)          /* rule 10: a full disk is an error */
        die("write to stdout");

    close(file_pipes[0]);
    close(file_pipes[1]);
    return 0;
#else
    /* TODO: make a pipe with pipe(), write() the 3 bytes "123" into its
     * write end fd[1] and print "Wrote N bytes", then read() them back from
     * its read end fd[0] and print "Read N bytes: 123" (the bytes are no
     * string: print them with %.*s). Check every call, fflush(stdout) too
     * (a full disk is an error: die); close both ends.
     * Checked by: make test LAB=02 T='pipe_self' */
    errno = ENOSYS;                     /* "Function not implemented" */
    die("main: not written yet (TODO in pipe_self.c)");
#endif
}
