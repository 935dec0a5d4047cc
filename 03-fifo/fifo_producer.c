/*
 * fifo_producer -- send a file through a named pipe (FIFO) to fifo_consumer.
 *
 * Usage:   fifo_producer PATH [FILE]
 *
 * Opens the FIFO at PATH for writing, making it first (mode 0600) if it is not
 * there, and writes FILE (default: standard input) into it, then prints on
 * stderr how many bytes it sent. Opening a FIFO for writing waits until some
 * process opens it for reading: that rendezvous is what lets the producer and
 * the consumer be started in either order, from two unrelated shells.
 *
 * A PATH that exists and is not a FIFO is refused and left as it is (a
 * regular file opened for writing would be overwritten), and so is a FILE
 * that cannot be read (missing, a directory), before the FIFO is made: a
 * refused run leaves nothing behind. If the consumer goes away, write()
 * fails with EPIPE: we ignore SIGPIPE, whose default action would kill us
 * without a word, and report the error instead.
 *
 * Partner: fifo_consumer PATH. The FIFO is made by whichever of the two comes
 * first and removed by the consumer. A producer stopped by SIGINT or SIGTERM
 * while it still waits for a consumer removes the FIFO if it made it.
 *
 * Example:
 *     $ ./fifo_consumer my_fifo copy.txt &
 *     $ ./fifo_producer my_fifo notes.txt
 *     sent 1234 bytes
 *
 * Read: mkfifo(3), fifo(7), open(2) on FIFOs, pipe(7) for SIGPIPE and EPIPE.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fifo.h"

/* The FIFO while it is ours to remove: we made it and no consumer has come. */
static const char *fifo_to_remove;
static volatile sig_atomic_t stop_signal;

static void on_signal(int signo)
{
    stop_signal = signo;
}

static void remove_fifo(void)
{
    if (fifo_to_remove != NULL && unlink(fifo_to_remove) == -1)
        fprintf(stderr, "fifo_producer: unlink %s: %s\n", fifo_to_remove, strerror(errno));
    fifo_to_remove = NULL;
}

/* "fifo_producer: WHAT NAME: reason", cleanup, exit 1. */
static void die(const char *what, const char *name)
{
    int saved = errno;
    remove_fifo();
    fprintf(stderr, "fifo_producer: %s %s: %s\n", what, name, strerror(saved));
    exit(1);
}

/* Called before each call that may block: after SIGINT or SIGTERM, clean up
 * and exit with 128 + the signal number, as the shell reports it. */
static void stop_if_signalled(void)
{
    if (stop_signal) {
        remove_fifo();
        exit(128 + stop_signal);
    }
}

/* The handler only sets a flag. Without SA_RESTART a blocked open(), read()
 * or write() returns EINTR, and the loop around it sees the flag. */
static void catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        die("sigaction", "SIGINT/SIGTERM");
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) == -1)
        die("sigaction", "SIGPIPE");
}

/* Opens FILE to send: any file, pipe or device, except the FIFO itself
 * (we would wait for ourselves forever) and a directory (open() accepts
 * one, read() would fail only after the consumer had come). Called before
 * the FIFO is made, so a refused FILE leaves nothing behind. */
static int open_input(const char *file, const char *path)
{
    struct stat file_st, fifo_st;

    if (stat(file, &file_st) == 0 && stat(path, &fifo_st) == 0 &&
        file_st.st_dev == fifo_st.st_dev && file_st.st_ino == fifo_st.st_ino) {
        fprintf(stderr, "fifo_producer: %s is the FIFO itself\n", file);
        exit(1);
    }
    int fd = open(file, O_RDONLY);
    if (fd == -1)
        die("open", file);
    if (fstat(fd, &file_st) == -1)
        die("stat", file);
    if (S_ISDIR(file_st.st_mode)) {
        fprintf(stderr, "fifo_producer: %s is a directory, not a file to send\n", file);
        exit(1);
    }
    return fd;
}

/* Makes the FIFO, or checks that what is already at path is one (the
 * consumer may have made it). Returns 1 if we made it. */
static int make_fifo(const char *path)
{
    struct stat st;

    if (mkfifo(path, FIFO_MODE) == 0)
        return 1;
    if (errno != EEXIST)
        die("mkfifo", path);
    if (stat(path, &st) == -1)
        die("stat", path);
    if (!S_ISFIFO(st.st_mode)) {
        fprintf(stderr, "fifo_producer: %s exists and is not a FIFO\n", path);
        exit(1);
    }
    return 0;
}

/* Waits in open() until a consumer opens the FIFO for reading. */
static int open_fifo(const char *path)
{
    for (;;) {
        stop_if_signalled();
        int fd = open(path, O_WRONLY);
        if (fd != -1)
            return fd;
        if (errno != EINTR)
            die("open", path);
    }
}

/* Writes all of buf, however many calls it takes. */
static void write_all(int fd, const char *buf, size_t len, const char *path)
{
    while (len > 0) {
        stop_if_signalled();
        ssize_t n = write(fd, buf, len);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1 && errno == EPIPE) {
            fprintf(stderr, "fifo_producer: write to %s: %s (the consumer has gone)\n",
                    path, strerror(errno));
            exit(1);
        }
        if (n == -1)
            die("write to", path);
        buf += n;
        len -= (size_t)n;
    }
}

/* Copies in to the FIFO until end of file; returns the byte count. */
static long long send_all(int in, const char *in_name, int out, const char *path)
{
    static char buffer[CHUNK_SIZE];
    long long total = 0;

    for (;;) {
        stop_if_signalled();
        ssize_t n = read(in, buffer, sizeof buffer);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            die("read", in_name);
        if (n == 0)
            return total;
        write_all(out, buffer, (size_t)n, path);
        total += n;
    }
}

int main(int argc, char *argv[])
{
    /* No option exists: "-x" is wrong usage, never a FIFO or file name. */
    if (argc < 2 || argc > 3 || argv[1][0] == '-' || (argc == 3 && argv[2][0] == '-')) {
        fprintf(stderr, "usage: fifo_producer PATH [FILE]\n");
        return 2;
    }
    const char *path = argv[1];
    const char *in_name = argc == 3 ? argv[2] : "standard input";
    int in = argc == 3 ? open_input(argv[2], path) : STDIN_FILENO;

    catch_signals();
    if (make_fifo(path))
        fifo_to_remove = path;
    int out = open_fifo(path);
    fifo_to_remove = NULL;              /* a consumer is there: removing is its job now */

    long long sent = send_all(in, in_name, out, path);
    if (close(out) == -1)
        die("close", path);
    fprintf(stderr, "sent %lld bytes\n", sent);
    return 0;
}
