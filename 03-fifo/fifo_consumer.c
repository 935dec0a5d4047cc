/*
 * fifo_consumer -- receive what fifo_producer sends through a named pipe.
 *
 * Usage:   fifo_consumer PATH [OUTFILE]
 *
 * Opens the FIFO at PATH for reading, making it first (mode 0600) if it is
 * not there, and copies everything that arrives to OUTFILE (default: standard
 * output) until end of file, which comes when the producer closes its end.
 * Then it prints on stderr how many bytes it received. Opening a FIFO for
 * reading waits until some process opens it for writing, so the two programs
 * may be started in either order.
 *
 * The consumer removes the FIFO as soon as the producer has connected: from
 * then on both ends are open and the name is no longer needed, so nothing is
 * left on disk even if one side is killed in mid-transfer. A consumer stopped
 * by SIGINT or SIGTERM while it waits removes the FIFO as well. A PATH that
 * exists and is not a FIFO is refused and left as it is.
 *
 * Partner: fifo_producer PATH. The FIFO is made by whichever of the two comes
 * first (or by fifo_create); the consumer removes it.
 *
 * Example:
 *     $ ./fifo_producer my_fifo notes.txt &
 *     $ ./fifo_consumer my_fifo copy.txt
 *     received 1234 bytes
 *
 * Read: mkfifo(3), fifo(7), open(2) on FIFOs, unlink(2).
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

/* The FIFO until we have removed it. */
static const char *fifo_to_remove;
static volatile sig_atomic_t stop_signal;

static void on_signal(int signo)
{
    stop_signal = signo;
}

static void remove_fifo(void)
{
    if (fifo_to_remove != NULL && unlink(fifo_to_remove) == -1)
        fprintf(stderr, "fifo_consumer: unlink %s: %s\n", fifo_to_remove, strerror(errno));
    fifo_to_remove = NULL;
}

/* "fifo_consumer: WHAT NAME: reason", cleanup, exit 1. */
static void die(const char *what, const char *name)
{
    int saved = errno;
    remove_fifo();
    fprintf(stderr, "fifo_consumer: %s %s: %s\n", what, name, strerror(saved));
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
 * or write() returns EINTR, and the loop around it sees the flag. SIGPIPE
 * (OUTFILE a pipe whose reader has gone) becomes an EPIPE error we report. */
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

/* Refuses a PATH that exists and is not a FIFO, before anything is touched. */
static void check_path(const char *path)
{
    struct stat st;

    if (stat(path, &st) == 0 && !S_ISFIFO(st.st_mode)) {
        fprintf(stderr, "fifo_consumer: %s exists and is not a FIFO\n", path);
        exit(1);
    }
}

/* Creates or truncates OUTFILE; refuses the FIFO itself (writing into it
 * would wait for a reader forever). */
static int open_output(const char *file, const char *path)
{
    struct stat file_st, fifo_st;

    if (stat(file, &file_st) == 0 && stat(path, &fifo_st) == 0 &&
        file_st.st_dev == fifo_st.st_dev && file_st.st_ino == fifo_st.st_ino) {
        fprintf(stderr, "fifo_consumer: %s is the FIFO itself\n", file);
        exit(1);
    }
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd == -1)
        die("open", file);
    return fd;
}

/* Makes the FIFO, or checks that what is already at path is one (the
 * producer or fifo_create may have made it). */
static void make_fifo(const char *path)
{
    struct stat st;

    if (mkfifo(path, FIFO_MODE) == -1) {
        if (errno != EEXIST)
            die("mkfifo", path);
        if (stat(path, &st) == -1)
            die("stat", path);
        if (!S_ISFIFO(st.st_mode)) {
            fprintf(stderr, "fifo_consumer: %s exists and is not a FIFO\n", path);
            exit(1);
        }
    }
    fifo_to_remove = path;
}

/* Waits in open() until a producer opens the FIFO for writing. */
static int open_fifo(const char *path)
{
    for (;;) {
        stop_if_signalled();
        int fd = open(path, O_RDONLY);
        if (fd != -1)
            return fd;
        if (errno != EINTR)
            die("open", path);
    }
}

/* Writes all of buf, however many calls it takes. */
static void write_all(int fd, const char *buf, size_t len, const char *out_name)
{
    while (len > 0) {
        stop_if_signalled();
        ssize_t n = write(fd, buf, len);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            die("write to", out_name);
        buf += n;
        len -= (size_t)n;
    }
}

/* Copies the FIFO to out until end of file: read() returns 0 once every
 * writer has closed its end. Returns the byte count. */
static long long receive_all(int in, const char *path, int out, const char *out_name)
{
    static char buffer[CHUNK_SIZE];
    long long total = 0;

    for (;;) {
        stop_if_signalled();
        ssize_t n = read(in, buffer, sizeof buffer);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            die("read from", path);
        if (n == 0)
            return total;
        write_all(out, buffer, (size_t)n, out_name);
        total += n;
    }
}

int main(int argc, char *argv[])
{
    /* No option exists: "-x" is wrong usage, never a FIFO or file name. */
    if (argc < 2 || argc > 3 || argv[1][0] == '-' || (argc == 3 && argv[2][0] == '-')) {
        fprintf(stderr, "usage: fifo_consumer PATH [OUTFILE]\n");
        return 2;
    }
    const char *path = argv[1];
    const char *out_name = argc == 3 ? argv[2] : "standard output";

    check_path(path);
    int out = argc == 3 ? open_output(argv[2], path) : STDOUT_FILENO;

    catch_signals();
    make_fifo(path);
    int in = open_fifo(path);
    remove_fifo();                      /* both ends are open: the name has done its job */

    long long received = receive_all(in, path, out, out_name);
    if (close(in) == -1)
        die("close", path);
    if (close(out) == -1)               /* a full disk may only show here */
        die("close", out_name);
    fprintf(stderr, "received %lld bytes\n", received);
    return 0;
}
