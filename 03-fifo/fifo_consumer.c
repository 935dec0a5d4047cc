/*
 * fifo_consumer -- receive what fifo_producer sends through a named pipe.
 *
 * Usage:   fifo_consumer PATH [OUTFILE]
 *
 * Opens the FIFO at PATH for reading, making it first (mode 0600) if it is
 * not there, and copies the file that arrives to OUTFILE (default: standard
 * output) until end of file, which comes when the producer closes its end.
 * Then it prints on stderr how many bytes it received. Opening a FIFO for
 * reading waits until some process opens it for writing, so the two programs
 * may be started in either order.
 *
 * The producer sends frames (fifo.h): a start frame, the data, an end frame.
 * End of file before the end frame means the producer failed or died: the
 * consumer says so and exits 1. OUTFILE is written under a temporary name
 * beside it (.OUTFILE.XXXXXX) and renamed to OUTFILE only once the end frame
 * has come: a failure of any kind (the producer's, ours, a full disk, a
 * signal) leaves an old OUTFILE as it was and no temporary behind. An OUTFILE
 * that is the producer's own file (same device and inode) is refused.
 *
 * The consumer removes the FIFO as soon as the producer has connected: from
 * then on both ends are open and the name is no longer needed, so nothing is
 * left on disk even if one side is killed in mid-transfer. A consumer stopped
 * by SIGINT or SIGTERM while it waits removes the FIFO as well. A PATH that
 * exists and is not a FIFO of our own with mode 0600 is refused and left as
 * it is; so is a FIFO that another consumer already waits on (flock), and a
 * transfer into which a second producer writes.
 *
 * Partner: fifo_producer PATH. The FIFO is made by whichever of the two comes
 * first (or by fifo_create); the consumer removes it.
 *
 * Example:
 *     $ ./fifo_producer my_fifo notes.txt &
 *     $ ./fifo_consumer my_fifo copy.txt
 *     received 1234 bytes
 *
 * What the pair shares (the ownership checks, the cleanup, signals, the
 * read and write loops) is in fifo_common.c; OUTFILE's temporary file and
 * its rename in fifo_output.c; the frames in fifo.h.
 *
 * Read: mkfifo(3), fifo(7), open(2) on FIFOs, poll(2), unlink(2), flock(2),
 * mkstemp(3), rename(2).
 */
#define _DEFAULT_SOURCE                 /* flock(), besides POSIX */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fifo.h"

const char program_name[] = "fifo_consumer";

/* Refuses, before anything is touched, a PATH that exists and is not a FIFO
 * of ours with mode 0600 (a file, a link, another user's FIFO). */
static void check_path(const char *path)
{
    struct stat st;

    if (lstat(path, &st) == 0 && !fifo_is_mine(program_name, path, &st))
        exit(1);
}

/*
 * Makes the FIFO (mode OWNER_ONLY), or takes the one at PATH, and opens it
 * for reading. A non-blocking open() gives us a descriptor at once, without
 * waiting for a writer: claim_fifo() can then lock it before any producer
 * comes. (A producer's open() returns as soon as we hold it: the rendezvous
 * happens here.)
 */
static int open_fifo(const char *path)
{
#ifdef SOLUTION
    int made = mkfifo(path, OWNER_ONLY) == 0;

    if (!made && errno != EEXIST)
        die("mkfifo", path);
    if (made)
        fifo_to_remove = path;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
    if (fd == -1)
        die("open", path);
    return fd;
#else
    /* TODO: mkfifo() PATH with mode OWNER_ONLY; EEXIST is no error (the
     * producer, or fifo_create, was first). If we made it, set fifo_to_remove
     * to path, so that clean_up() removes it. Then open() it O_RDONLY |
     * O_NONBLOCK | O_NOFOLLOW and return the descriptor; die() if a call
     * fails. Checked by, with wait_for_producer: make test LAB=03
     * T='consumer stopped by SIG[A-Z]+ while it waits|missing folder|symbolic link at PATH|before the consumer' */
    (void)path;
    fprintf(stderr, "fifo_consumer: open_fifo: not written yet (TODO in fifo_consumer.c)\n");
    refuse();
#endif
}

/* Claims the FIFO that fd holds: ours and 0600 (check_opened_fifo), and no
 * other consumer's: an exclusive flock() stops a second consumer, which
 * would take part of the data. The lock lasts until we exit. */
static void claim_fifo(int fd, const char *path)
{
    check_opened_fifo(fd, path);
    /* Stops a second consumer, which would take part of the bytes. */
    if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
        if (errno != EWOULDBLOCK)
            die("flock", path);
        fprintf(stderr, "fifo_consumer: %s already has a consumer (another fifo_consumer "
                "waits on it): refused; use another PATH\n", path);
        fifo_to_remove = NULL;          /* the other consumer's now */
        refuse();
    }
    fifo_to_remove = path;              /* ours: we remove it, whoever made it */
}

/*
 * Waits until a producer has opened the FIFO and sent its first frame. The
 * claimed descriptor is non-blocking, so read() would return 0 at once while
 * no writer has come; poll() waits instead (on Linux, a FIFO reports neither
 * data nor hang-up before its first writer opens it). A second, blocking
 * open() would not do: a quick producer could send everything and close
 * before it, and we would wait for a writer that has come and gone. Then the
 * descriptor is made blocking, for ordinary reads until end of file.
 */
static void wait_for_producer(int fd, const char *path)
{
#ifdef SOLUTION
    struct pollfd pfd = { .fd = fd, .events = POLLIN };

    for (;;) {
        stop_if_signalled();
        if (poll(&pfd, 1, -1) >= 0)
            break;
        if (errno != EINTR)
            die("poll", path);
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1)
        die("fcntl", path);
#else
    /* TODO: poll() fd for POLLIN with no time limit, calling
     * stop_if_signalled() before each poll() and again after EINTR (Ctrl-C
     * while we wait); die() on any other error. Then clear O_NONBLOCK with
     * fcntl(F_GETFL, F_SETFL), so that read() waits for data.
     * Checked by, with open_fifo: make test LAB=03
     * T='consumer stopped by SIG[A-Z]+ while it waits|missing folder|symbolic link at PATH|before the consumer' */
    (void)fd, (void)path;
    fprintf(stderr, "fifo_consumer: wait_for_producer: not written yet (TODO in fifo_consumer.c)\n");
    refuse();
#endif
}

/*
 * Copies the data frames to out, and reads on to end of file, which comes
 * once every writer has closed its end: a second FRAME_START, or anything
 * after FRAME_END, is a second producer writing to the same FIFO. Returns
 * the byte count; exits 1 if the producer stopped before its end frame.
 */
static long long receive_all(int in, const char *path, int out, const char *out_name,
                             const struct stat *old)
{
#ifdef SOLUTION
    static char buffer[CHUNK_SIZE];
    struct frame_header header;
    long long total = 0;
    int started = 0, ended = 0, got;

    while ((got = read_exact(in, &header, sizeof header)) == 1) {
        /* Stops bytes of another program (not frames) from reaching OUTFILE. */
        if (!header_is_valid(&header) || (!started && header.type != FRAME_START)) {
            fprintf(stderr, "fifo_consumer: %s: not what fifo_producer sends: refused\n", path);
            refuse();
        }
        if ((got = read_exact(in, buffer, header.length)) != 1)
            break;
        /* Stops a second producer's data from mixing with the first's. */
        if (ended || (started && header.type == FRAME_START)) {
            fprintf(stderr, "fifo_consumer: a second producer writes to %s: refused, "
                    "%s left as it was\n", path, out_name);
            refuse();
        }
        if (header.type == FRAME_START) {
            struct frame_start start;
            memcpy(&start, buffer, sizeof start);
            check_start(&start, old, out, out_name);
            started = 1;
        } else if (header.type == FRAME_DATA) {
            if (write_all(out, buffer, header.length) == -1)
                die("write to", out_name);
            total += header.length;
        } else {
            ended = 1;
        }
    }
    if (got == -1)
        die("read from", path);
    if (!ended) {
        fprintf(stderr, "fifo_consumer: the producer on %s stopped before the end "
                "(%lld bytes arrived): %s left as it was\n", path, total, out_name);
        refuse();
    }
    return total;
#else
    /* TODO: read frames (fifo.h) with read_exact() until end of file: a
     * header, then its header.length bytes. Refuse (say why, refuse()) a
     * header that is not header_is_valid() or a first frame that is not
     * FRAME_START, and a second FRAME_START or anything after FRAME_END (a
     * second producer). Pass FRAME_START's data to check_start(); write
     * FRAME_DATA's bytes to out with write_all() and count them. End of file
     * before FRAME_END: say the producer stopped before the end, refuse().
     * Return the count. Checked by, with read_exact, write_all and the
     * producer's send_frame, send_all: make test LAB=03 T='arrive', then
     * make test LAB=03 */
    (void)in, (void)path, (void)out, (void)out_name, (void)old;
    fprintf(stderr, "fifo_consumer: receive_all: not written yet (TODO in fifo_consumer.c)\n");
    refuse();
#endif
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
    struct stat old = { 0 };

    check_path(path);
    int out = argc == 3 ? open_output(argv[2], path, &old) : STDOUT_FILENO;

    catch_signals();
    int in = open_fifo(path);           /* mkfifo() if missing, open() without waiting */
    claim_fifo(in, path);
    wait_for_producer(in, path);
    remove_fifo();                      /* both ends are open: the name has done its job */

    long long received = receive_all(in, path, out, out_name, &old);
    if (close(in) == -1)
        die("close", path);
    finish_output(out, out_name);       /* the temporary becomes OUTFILE */
    fprintf(stderr, "received %lld bytes\n", received);
    return 0;
}
