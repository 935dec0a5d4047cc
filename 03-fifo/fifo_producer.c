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
 * The bytes go in frames (fifo.h): a start frame naming the file sent, the
 * data, and an end frame once every byte is sent, so that the consumer can
 * tell a finished transfer from a producer that failed or died half way.
 *
 * A PATH that exists and is not a FIFO of our own with mode 0600 (a regular
 * file, a symbolic link, another user's FIFO) is refused and left as it is,
 * and so is a FILE (or standard input) that cannot be read (missing, a
 * directory), before the FIFO is made: a refused run leaves nothing behind
 * and no consumer ever sees it. If the consumer goes away, write() fails
 * with EPIPE: we ignore SIGPIPE, whose default action would kill us without
 * a word, and report the error instead.
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
 * Read: mkfifo(3), fifo(7), open(2) on FIFOs, pipe(7) for SIGPIPE, EPIPE
 * and PIPE_BUF.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
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

/* Refuses an input that cannot be sent, FILE or standard input: a directory
 * (open() accepts one, read() would fail only after the consumer had come).
 * Called before the FIFO is made: a refused input leaves nothing behind. */
static void check_input(int fd, const char *in_name)
{
    struct stat st;

    if (fstat(fd, &st) == -1)
        die("stat", in_name);
    if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, "fifo_producer: %s is a directory, not a file to send\n", in_name);
        exit(1);
    }
}

/* Opens FILE, refusing the FIFO itself first (opening it for reading would
 * wait for ourselves forever). */
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
    return fd;
}

/* Makes the FIFO, or checks that what is already at path is a FIFO of ours,
 * 0600 (the consumer may have made it; someone else may have made a trap).
 * Returns 1 if we made it. */
static int make_fifo(const char *path)
{
    struct stat st;

    if (mkfifo(path, FIFO_MODE) == 0)
        return 1;
    if (errno != EEXIST)
        die("mkfifo", path);
    if (lstat(path, &st) == -1)
        die("stat", path);
    if (!fifo_is_mine("fifo_producer", path, &st))
        exit(1);
    return 0;
}

/* Waits in open() until a consumer opens the FIFO for reading. O_NOFOLLOW
 * and fstat() stop a name swapped for a link or another FIFO meanwhile. */
static int open_fifo(const char *path)
{
    struct stat st;
    int fd;

    for (;;) {
        stop_if_signalled();
        fd = open(path, O_WRONLY | O_NOFOLLOW);
        if (fd != -1)
            break;
        if (errno != EINTR)
            die("open", path);
    }
    if (fstat(fd, &st) == -1)
        die("stat", path);
    if (!fifo_is_mine("fifo_producer", path, &st)) {
        fifo_to_remove = NULL;          /* what is at PATH now is not the FIFO we made */
        exit(1);
    }
    return fd;
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

/* Sends one frame, header and data, in one write() of at most PIPE_BUF
 * bytes: atomic, so never mixed with another producer's frames. */
static void send_frame(int out, uint32_t type, const void *data, size_t len, const char *path)
{
    static char frame[sizeof(struct frame_header) + CHUNK_SIZE];
    struct frame_header header = { .type = type, .length = (uint32_t)len };

    memcpy(frame, &header, sizeof header);
    if (len > 0)
        memcpy(frame + sizeof header, data, len);
    write_all(out, frame, sizeof header + len, path);
}

/* Says which file we send, so that the consumer refuses to write onto it. */
static void send_start(int in, const char *in_name, int out, const char *path)
{
    struct stat st;

    if (fstat(in, &st) == -1)
        die("stat", in_name);
    struct frame_start start = { .dev = (uint64_t)st.st_dev, .ino = (uint64_t)st.st_ino };
    send_frame(out, FRAME_START, &start, sizeof start, path);
}

/* Copies in to the FIFO, a frame per read(), until end of file; returns the
 * byte count. */
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
            die("read", in_name);       /* no end frame: the consumer fails too */
        if (n == 0)
            return total;
        send_frame(out, FRAME_DATA, buffer, (size_t)n, path);
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
    check_input(in, in_name);

    catch_signals();
    if (make_fifo(path))
        fifo_to_remove = path;
    int out = open_fifo(path);
    fifo_to_remove = NULL;              /* a consumer is there: removing is its job now */

    send_start(in, in_name, out, path);
    long long sent = send_all(in, in_name, out, path);
    send_frame(out, FRAME_END, NULL, 0, path);
    if (close(out) == -1)
        die("close", path);
    fprintf(stderr, "sent %lld bytes\n", sent);
    return 0;
}
