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
 * What the pair shares (the ownership checks, the cleanup, signals, the
 * read and write loops) is in fifo_common.c; the frames in fifo.h.
 *
 * Read: mkfifo(3), fifo(7), open(2) on FIFOs, pipe(7) for SIGPIPE, EPIPE
 * and PIPE_BUF.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fifo.h"

const char program_name[] = "fifo_producer";

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

/* Refuses an input that cannot be sent, FILE or standard input: a directory
 * (open() accepts one, read() would fail only after the consumer had come).
 * Called before the FIFO is made: a refused input leaves nothing behind.
 * Returns the start frame's data: which file we send, so that the consumer
 * refuses to write onto it. */
static struct frame_start check_input(int fd, const char *in_name)
{
    struct stat st;

    if (fstat(fd, &st) == -1)
        die("stat", in_name);
    if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, "fifo_producer: %s is a directory, not a file to send\n", in_name);
        exit(1);
    }
    return (struct frame_start){ .dev = (uint64_t)st.st_dev, .ino = (uint64_t)st.st_ino };
}

/* Refuses what is at PATH unless it is a FIFO of ours, 0600: the consumer
 * may have made it, someone else may have made a trap. */
static void check_found_fifo(const char *path)
{
    struct stat st;

    if (lstat(path, &st) == -1)
        die("stat", path);
    if (!fifo_is_mine(program_name, path, &st))
        exit(1);
}

/* Makes the FIFO. Returns 1 if we made it, 0 if PATH was taken (by the
 * consumer, or by a trap: main checks it). */
static int make_fifo(const char *path)
{
#ifdef SOLUTION
    if (mkfifo(path, OWNER_ONLY) == 0)
        return 1;
    if (errno != EEXIST)
        die("mkfifo", path);
    return 0;
#else
    /* TODO: mkfifo() PATH with mode OWNER_ONLY and return 1. If the name
     * exists (EEXIST: the consumer was first), return 0; on any other error
     * die(). Checked by:
     * make test LAB=03 T='producer refuses a (PATH|FIFO)|producer stopped|others may open' */
    (void)path;
    fprintf(stderr, "fifo_producer: make_fifo: not written yet (TODO in fifo_producer.c)\n");
    refuse();
#endif
}

/* Waits in open() until a consumer opens the FIFO for reading. O_NOFOLLOW
 * stops a name swapped for a link meanwhile. */
static int open_fifo(const char *path)
{
#ifdef SOLUTION
    for (;;) {
        stop_if_signalled();
        int fd = open(path, O_WRONLY | O_NOFOLLOW);
        if (fd != -1)
            return fd;
        if (errno != EINTR)
            die("open", path);
    }
#else
    /* TODO: open() PATH O_WRONLY | O_NOFOLLOW: it waits until a reader opens
     * the FIFO. Call stop_if_signalled() before each try and try again after
     * EINTR (Ctrl-C while we wait); die() on any other error. Return the
     * descriptor. Checked by:
     * make test LAB=03 T='producer refuses a (PATH|FIFO)|producer stopped|others may open' */
    (void)path;
    fprintf(stderr, "fifo_producer: open_fifo: not written yet (TODO in fifo_producer.c)\n");
    refuse();
#endif
}

/* Sends one frame, header and data, in one write() of at most PIPE_BUF
 * bytes: atomic, so never mixed with another producer's frames. */
static void send_frame(int out, uint32_t type, const void *data, size_t len, const char *path)
{
#ifdef SOLUTION
    static char frame[sizeof(struct frame_header) + CHUNK_SIZE];
    struct frame_header header = { .type = type, .length = (uint32_t)len };

    memcpy(frame, &header, sizeof header);
    if (len > 0)
        memcpy(frame + sizeof header, data, len);
    if (write_all(out, frame, sizeof header + len) == -1) {
        if (errno == EPIPE) {
            fprintf(stderr, "fifo_producer: write to %s: %s (the consumer has gone)\n",
                    path, strerror(errno));
            exit(1);
        }
        die("write to", path);
    }
#else
    /* TODO: put a struct frame_header (type, len) and the len bytes of data
     * side by side in one buffer and write_all() it to out: one write() of at
     * most PIPE_BUF bytes is atomic. If it fails with EPIPE, say that the
     * consumer has gone, naming PATH, and exit 1; else die().
     * Checked by, with read_exact, write_all and the consumer's receive_all:
     * make test LAB=03 T='arrive', then make test LAB=03 */
    (void)out, (void)type, (void)data, (void)len, (void)path;
    fprintf(stderr, "fifo_producer: send_frame: not written yet (TODO in fifo_producer.c)\n");
    refuse();
#endif
}

/* Copies in to the FIFO, a frame per read(), until end of file; returns the
 * byte count. */
static long long send_all(int in, const char *in_name, int out, const char *path)
{
#ifdef SOLUTION
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
#else
    /* TODO: read() in, at most CHUNK_SIZE bytes at a time, until it returns 0
     * (end of file), and send what each read() gave as one FRAME_DATA frame.
     * stop_if_signalled() before each read(), retry after EINTR, die() on
     * another error. Return the number of bytes sent.
     * Checked by, with read_exact, write_all and the consumer's receive_all:
     * make test LAB=03 T='arrive', then make test LAB=03 */
    (void)in, (void)in_name, (void)out, (void)path;
    fprintf(stderr, "fifo_producer: send_all: not written yet (TODO in fifo_producer.c)\n");
    refuse();
#endif
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
    struct frame_start start = check_input(in, in_name);

    catch_signals();
    if (make_fifo(path))
        fifo_to_remove = path;          /* ours to remove until a consumer comes */
    else
        check_found_fifo(path);         /* the consumer's, or a trap */
    int out = open_fifo(path);          /* waits for a consumer */
    check_opened_fifo(out, path);
    fifo_to_remove = NULL;              /* a consumer is there: removing is its job now */

    send_frame(out, FRAME_START, &start, sizeof start, path);
    long long sent = send_all(in, in_name, out, path);
    send_frame(out, FRAME_END, NULL, 0, path);
    if (close(out) == -1)
        die("close", path);
    fprintf(stderr, "sent %lld bytes\n", sent);
    return 0;
}
