/*
 * fifo_common.c -- what fifo_producer and fifo_consumer share: who may use a
 * FIFO, the cleanup and signal catching around it, and the loops that move
 * bytes through it. (lab.mk links it into every program of this lab.)
 *
 * A FIFO is found by its name, and a name in a folder that others can write
 * (/tmp, a shared project folder) may have been made by someone else: a
 * FIFO of theirs, mode 0666, would hand them what we send, or let them feed
 * the consumer. A symbolic link could send us to a file we never meant to
 * open. So a FIFO is used only if it is a FIFO, ours, and 0600; the programs
 * check with lstat() before they open it (which does not follow a link) and
 * with fstat() on what they opened, with O_NOFOLLOW in between.
 *
 * Whatever fails, clean_up() removes what the program made and nobody else
 * will: the FIFO while it is ours to remove, the consumer's temporary file.
 *
 * Read: lstat(2), open(2) on O_NOFOLLOW, getpwuid(3), sigaction(2), read(2),
 * write(2), unlink(2).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fifo.h"

const char *fifo_to_remove;
char temporary[PATH_MAX];
static volatile sig_atomic_t stop_signal;

int fifo_is_mine(const char *program, const char *path, const struct stat *st)
{
    /* Stops a link planted at PATH: open() would follow it anywhere. */
    if (S_ISLNK(st->st_mode)) {
        fprintf(stderr, "%s: %s is a symbolic link, not a FIFO: refused (remove it, or use another PATH)\n",
                program, path);
        return 0;
    }
    if (!S_ISFIFO(st->st_mode)) {
        fprintf(stderr, "%s: %s exists and is not a FIFO\n", program, path);
        return 0;
    }
    /* Stops another user's FIFO: its owner could read what we send, or write. */
    if (st->st_uid != geteuid()) {
        const struct passwd *pw = getpwuid(st->st_uid);
        fprintf(stderr, "%s: %s is a FIFO of uid %ld (%s), not yours: refused; only its owner "
                "or root can remove it: use a PATH in a folder of your own\n",
                program, path, (long)st->st_uid, pw != NULL ? pw->pw_name : "no user name");
        return 0;
    }
    /* Stops a FIFO of ours that others may open: what we send would not be private. */
    if ((st->st_mode & 07777) != OWNER_ONLY) {
        fprintf(stderr, "%s: %s has mode %04o, not %04o: other users may open it; refused "
                "(rm %s, and run again)\n",
                program, path, (unsigned)(st->st_mode & 07777), OWNER_ONLY, path);
        return 0;
    }
    return 1;
}

void check_opened_fifo(int fd, const char *path)
{
    struct stat st;

    if (fstat(fd, &st) == -1)
        die("stat", path);
    if (!fifo_is_mine(program_name, path, &st)) {
        fifo_to_remove = NULL;          /* what is at PATH now is not a FIFO we may remove */
        refuse();
    }
}

void remove_fifo(void)
{
    if (fifo_to_remove != NULL && unlink(fifo_to_remove) == -1)
        fprintf(stderr, "%s: unlink %s: %s\n", program_name, fifo_to_remove, strerror(errno));
    fifo_to_remove = NULL;
}

void clean_up(void)
{
    remove_fifo();
    if (temporary[0] != '\0' && unlink(temporary) == -1)
        fprintf(stderr, "%s: unlink %s: %s\n", program_name, temporary, strerror(errno));
    temporary[0] = '\0';
}

_Noreturn void die(const char *what, const char *name)
{
    int saved = errno;
    clean_up();
    fprintf(stderr, "%s: %s %s: %s\n", program_name, what, name, strerror(saved));
    exit(1);
}

_Noreturn void refuse(void)
{
    clean_up();
    exit(1);
}

static void on_signal(int signo)
{
    stop_signal = signo;
}

/* The handler only sets a flag. Without SA_RESTART a blocked open(), read()
 * or write() returns EINTR, and the loop around it sees the flag. SIGPIPE
 * (no reader left on the FIFO, or on the consumer's output) becomes an EPIPE
 * error that we report: its default action would kill us without a word. */
void catch_signals(void)
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

void stop_if_signalled(void)
{
    if (stop_signal) {
        clean_up();
        exit(128 + stop_signal);
    }
}

int read_exact(int fd, void *buf, size_t len)
{
#ifdef SOLUTION
    char *p = buf;

    while (len > 0) {
        stop_if_signalled();
        ssize_t n = read(fd, p, len);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return -1;
        if (n == 0)
            return 0;
        p += n;
        len -= (size_t)n;
    }
    return 1;
#else
    /* TODO: call read() until len bytes are in buf: it may return fewer.
     * Before each call, stop_if_signalled(); retry after EINTR (a signal
     * came); return 0 when read() returns 0 (end of file: every writer has
     * closed), -1 on any other error, 1 once all len bytes are read.
     * Checked by, with the producer's send_frame, send_all and the
     * consumer's receive_all: make test LAB=03 T='arrive', then make test LAB=03 */
    (void)fd, (void)buf, (void)len;
    fprintf(stderr, "%s: read_exact: not written yet (TODO in fifo_common.c)\n", program_name);
    refuse();
#endif
}

int write_all(int fd, const void *buf, size_t len)
{
#ifdef SOLUTION
    const char *p = buf;

    while (len > 0) {
        stop_if_signalled();
        ssize_t n = write(fd, p, len);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
#else
    /* TODO: call write() until all len bytes of buf are written: it may
     * write fewer. Before each call, stop_if_signalled(); retry after EINTR;
     * return -1 on any other error (EPIPE: no reader left), 0 once all is
     * written. Checked by, with the producer's send_frame, send_all and the
     * consumer's receive_all: make test LAB=03 T='arrive', then make test LAB=03 */
    (void)fd, (void)buf, (void)len;
    fprintf(stderr, "%s: write_all: not written yet (TODO in fifo_common.c)\n", program_name);
    refuse();
#endif
}

int header_is_valid(const struct frame_header *header)
{
    if (header->length > CHUNK_SIZE)
        return 0;
    if (header->type == FRAME_START)
        return header->length == sizeof(struct frame_start);
    return header->type == FRAME_DATA || header->type == FRAME_END;
}
