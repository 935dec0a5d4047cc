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
 * Read: mkfifo(3), fifo(7), open(2) on FIFOs, unlink(2), flock(2),
 * mkstemp(3), rename(2).
 */
#define _DEFAULT_SOURCE                 /* flock(), besides POSIX */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fifo.h"

/* The FIFO until we have removed it, and OUTFILE's temporary until renamed. */
static const char *fifo_to_remove;
static char temporary[PATH_MAX];
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

/* On every failure: the FIFO, if ours, and the temporary go; OUTFILE stays. */
static void clean_up(void)
{
    remove_fifo();
    if (temporary[0] != '\0' && unlink(temporary) == -1)
        fprintf(stderr, "fifo_consumer: unlink %s: %s\n", temporary, strerror(errno));
    temporary[0] = '\0';
}

/* "fifo_consumer: WHAT NAME: reason", cleanup, exit 1. */
static _Noreturn void die(const char *what, const char *name)
{
    int saved = errno;
    clean_up();
    fprintf(stderr, "fifo_consumer: %s %s: %s\n", what, name, strerror(saved));
    exit(1);
}

/* A refusal, already explained on stderr: cleanup, exit 1. */
static _Noreturn void refuse(void)
{
    clean_up();
    exit(1);
}

/* Called before each call that may block: after SIGINT or SIGTERM, clean up
 * and exit with 128 + the signal number, as the shell reports it. */
static void stop_if_signalled(void)
{
    if (stop_signal) {
        clean_up();
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

/* Refuses, before anything is touched, a PATH that exists and is not a FIFO
 * of ours with mode 0600 (a file, a link, another user's FIFO). */
static void check_path(const char *path)
{
    struct stat st;

    if (lstat(path, &st) == 0 && !fifo_is_mine("fifo_consumer", path, &st))
        exit(1);
}

/* Makes the temporary file beside OUTFILE (.OUTFILE.XXXXXX, in OUTFILE's
 * folder, so that rename() can replace OUTFILE in one step), with the mode
 * OUTFILE is to have. */
static int make_temporary(const char *file, mode_t mode)
{
    char dir[PATH_MAX], base[PATH_MAX];

    if (snprintf(dir, sizeof dir, "%s", file) >= (int)sizeof dir ||
        snprintf(base, sizeof base, "%s", file) >= (int)sizeof base ||
        snprintf(temporary, sizeof temporary, "%s/.%s.XXXXXX", dirname(dir), basename(base))
            >= (int)sizeof temporary) {
        temporary[0] = '\0';
        fprintf(stderr, "fifo_consumer: %s: name too long\n", file);
        exit(1);
    }
    int fd = mkstemp(temporary);
    if (fd == -1) {
        int saved = errno;
        temporary[0] = '\0';            /* nothing was made */
        errno = saved;
        die("create a temporary file beside", file);
    }
    if (fchmod(fd, mode) == -1)
        die("chmod", temporary);
    return fd;
}

/*
 * Gets OUTFILE ready, before the FIFO is made. A regular file (or none yet)
 * is written as a temporary beside it, renamed at the end: while we
 * receive, OUTFILE still holds its old content. Anything else that may be
 * written (a device such as /dev/null, a FIFO) holds nothing to keep and is
 * written directly, like standard output. Refuses the FIFO itself (writing
 * into it would wait for a reader forever) and a directory. Sets *old to
 * what OUTFILE is now (all zero if it does not exist).
 */
static int open_output(const char *file, const char *path, struct stat *old)
{
    struct stat fifo_st;
    mode_t mode;

    memset(old, 0, sizeof *old);
    if (stat(file, old) == 0) {
        if (stat(path, &fifo_st) == 0 &&
            old->st_dev == fifo_st.st_dev && old->st_ino == fifo_st.st_ino) {
            fprintf(stderr, "fifo_consumer: %s is the FIFO itself\n", file);
            exit(1);
        }
        if (S_ISDIR(old->st_mode)) {
            fprintf(stderr, "fifo_consumer: open %s: %s\n", file, strerror(EISDIR));
            exit(1);
        }
        if (!S_ISREG(old->st_mode)) {
            int fd = open(file, O_WRONLY | O_TRUNC);
            if (fd == -1)
                die("open", file);
            return fd;
        }
        if (access(file, W_OK) == -1)   /* a file we may not write stays so */
            die("open", file);
        mode = old->st_mode & 07777;
    } else if (errno == ENOENT) {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0644 & ~mask;            /* what open(file, O_CREAT, 0644) would give */
    } else {
        die("stat", file);
    }
    return make_temporary(file, mode);
}

/*
 * Makes the FIFO, or takes the one at PATH if it is ours and 0600, and
 * claims it: a non-blocking open() gives us a descriptor at once (it does
 * not wait for a writer), and an exclusive flock() on it stops a second
 * consumer, which would take part of the data. Returns the descriptor we
 * read from; the lock lasts until we exit. (A producer's open() returns as
 * soon as we hold it: the rendezvous happens here.)
 */
static int claim_fifo(const char *path)
{
    struct stat st;
    int made = mkfifo(path, FIFO_MODE) == 0;

    if (!made && errno != EEXIST)
        die("mkfifo", path);
    if (made)
        fifo_to_remove = path;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
    if (fd == -1)
        die("open", path);
    if (fstat(fd, &st) == -1)
        die("stat", path);
    /* Stops a name swapped for another user's FIFO since check_path(). */
    if (!fifo_is_mine("fifo_consumer", path, &st)) {
        fifo_to_remove = NULL;          /* not ours: left as it is */
        refuse();
    }
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
    return fd;
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
}

/* Reads exactly len bytes, however many calls it takes. Returns 0 at end
 * of file before len bytes, 1 otherwise. */
static int read_exact(int fd, void *buf, size_t len, const char *path)
{
    char *p = buf;

    while (len > 0) {
        stop_if_signalled();
        ssize_t n = read(fd, p, len);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            die("read from", path);
        if (n == 0)
            return 0;
        p += n;
        len -= (size_t)n;
    }
    return 1;
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

/* Refuses a producer that sends the regular file we would write (OUTFILE,
 * through any link, or standard output): writing it would destroy what the
 * producer still has to read. (A device such as /dev/null may be both.) */
static void check_start(const struct frame_start *start, const struct stat *old, int out,
                        const char *out_name)
{
    struct stat st;

    if (fstat(out, &st) == -1)
        die("stat", out_name);
    if ((S_ISREG(old->st_mode) && start->dev == (uint64_t)old->st_dev &&
         start->ino == (uint64_t)old->st_ino) ||
        (S_ISREG(st.st_mode) && start->dev == (uint64_t)st.st_dev &&
         start->ino == (uint64_t)st.st_ino)) {
        fprintf(stderr, "fifo_consumer: %s is the file the producer sends: refused, "
                "nothing written\n", out_name);
        refuse();
    }
}

/* A header that fifo_producer may have sent: a known type, a length that
 * fits our buffer (a longer one would overflow it). */
static int header_is_valid(const struct frame_header *header)
{
    if (header->length > CHUNK_SIZE)
        return 0;
    if (header->type == FRAME_START)
        return header->length == sizeof(struct frame_start);
    return header->type == FRAME_DATA || header->type == FRAME_END;
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
    static char buffer[CHUNK_SIZE];
    struct frame_header header;
    long long total = 0;
    int started = 0, ended = 0;

    while (read_exact(in, &header, sizeof header, path)) {
        /* Stops bytes of another program (not frames) from reaching OUTFILE. */
        if (!header_is_valid(&header) || (!started && header.type != FRAME_START)) {
            fprintf(stderr, "fifo_consumer: %s: not what fifo_producer sends: refused\n", path);
            refuse();
        }
        if (!read_exact(in, buffer, header.length, path))
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
            write_all(out, buffer, header.length, out_name);
            total += header.length;
        } else {
            ended = 1;
        }
    }
    if (!ended) {
        fprintf(stderr, "fifo_consumer: the producer on %s stopped before the end "
                "(%lld bytes arrived): %s left as it was\n", path, total, out_name);
        refuse();
    }
    return total;
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
    int in = claim_fifo(path);
    wait_for_producer(in, path);
    remove_fifo();                      /* both ends are open: the name has done its job */

    long long received = receive_all(in, path, out, out_name, &old);
    if (close(in) == -1)
        die("close", path);
    if (temporary[0] != '\0' && fsync(out) == -1)    /* on disk before it replaces OUTFILE */
        die("fsync", out_name);
    if (close(out) == -1)               /* a full disk may only show here */
        die("close", out_name);
    if (temporary[0] != '\0') {
        if (rename(temporary, out_name) == -1)
            die("rename to", out_name);
        temporary[0] = '\0';
    }
    fprintf(stderr, "received %lld bytes\n", received);
    return 0;
}
