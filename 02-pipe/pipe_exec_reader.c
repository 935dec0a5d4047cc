/*
 * pipe_exec_reader -- read from a descriptor whose number is given as argument.
 *
 * Usage:   pipe_exec_reader FD
 *
 * Started by pipe_exec_writer, which passes the number of a pipe's read end.
 * Reads until end of file and prints what arrived with its own PID. The
 * original trusted argv[1] blindly (sscanf with no check, no argc test);
 * here a missing, non-numeric or negative FD is a usage error, and a number
 * that is not an open descriptor is reported by read().
 *
 * Partner: pipe_exec_writer (which starts this program). No IPC objects.
 *
 * Example (by hand, reading descriptor 0, a pipe from printf):
 *     $ printf 123 | ./pipe_exec_reader 0
 *     4712 - read 3 bytes: 123
 *
 * Read: read(2), strtol(3).
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(void)
{
    fprintf(stderr, "usage: pipe_exec_reader FD\n");
    exit(2);
}

/* The descriptor number in arg, or a usage error: digits only (strtol alone
 * would accept " 3", "+3" and "-3"), at most INT_MAX. */
static int parse_fd(const char *arg)
{
    char *end;

    if (!isdigit((unsigned char)arg[0]))
        usage();
    errno = 0;
    long fd = strtol(arg, &end, 10);
    if (*end != '\0' || errno == ERANGE || fd > INT_MAX)
        usage();
    return (int)fd;
}

int main(int argc, char *argv[])
{
    if (argc != 2)
        usage();
    int file_descriptor = parse_fd(argv[1]);

#ifdef SOLUTION
    char buffer[BUFSIZ];
    size_t total = 0;

    while (total < sizeof buffer) {
        ssize_t n = read(file_descriptor, buffer + total, sizeof buffer - total);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1) {
            fprintf(stderr, "pipe_exec_reader: read from descriptor %d: %s\n",
                    file_descriptor, strerror(errno));
            return 1;
        }
        if (n == 0)
            break;                      /* end of file: the writer closed */
        total += (size_t)n;
    }
    printf("%d - read %zu bytes: %.*s\n", (int)getpid(), total, (int)total, buffer);
    if (fflush(stdout) == EOF) {        /* rule 10: a full disk is an error */
        fprintf(stderr, "pipe_exec_reader: write to stdout: %s\n", strerror(errno));
        return 1;
    }
    return 0;
#else
    /* TODO: read() descriptor file_descriptor into a buffer until end of
     * file (a read() that returns 0) or until the buffer is full, retrying
     * on EINTR; on a failed read print a message naming the descriptor's
     * number and exit 1. Then print "PID - read N bytes: DATA" with getpid()
     * and fflush(stdout): if that fails (a full disk), say so and exit 1.
     * Checked by: make test LAB=02 T='pipe_exec_reader (reads|with a closed|reports)' */
    (void)file_descriptor;
    fprintf(stderr, "pipe_exec_reader: main: not written yet (TODO in pipe_exec_reader.c)\n");
    return 1;
#endif
}
