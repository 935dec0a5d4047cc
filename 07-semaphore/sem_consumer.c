/*
 * sem_consumer -- receive what sem_producer sends through a bounded buffer
 * in shared memory, guarded by System V semaphores, and write it out.
 *
 * Usage:   sem_consumer [OUTFILE]
 *
 * Writes the data to OUTFILE (created or truncated; default: standard
 * output), byte for byte. For each slot: p(FULL) -- wait for a filled slot;
 * write() its bytes; v(EMPTY) -- give the slot back. A slot of length 0
 * marks the end: then it closes the output, prints `received N bytes` on
 * stderr, gives that last slot back (which tells the producer that all is
 * written) and removes both IPC objects.
 *
 * Partner: sem_producer, started in the same directory, before or after.
 * Whichever comes first creates the semaphore set and the segment (keys
 * ftok(".", SEM_PROJ_ID) and ftok(".", SHM_PROJ_ID)); the other waits until
 * the creator has initialised the set (sem_otime != 0) before it uses it.
 * This program removes both objects at the end. A side that fails (a write
 * error, say) or is stopped by SIGINT/SIGTERM removes them itself and exits
 * non-zero; its partner, woken with EIDRM, exits 1 too. A side that is
 * killed cannot clean up: the kernel's SEM_UNDO takes its presence
 * semaphore back to 0, and the partner, which looks at it every TICK_MS
 * while it waits, removes the objects and exits 1.
 *
 * Example:
 *     $ ./sem_producer notes.txt & ./sem_consumer copy.txt; wait
 *     received 1234 bytes
 *     sent 1234 bytes
 *
 * The set-up both sides share (creating or joining the buffer, the presence
 * semaphores, p() and v() in ticks, removal) is in sem_buffer.c.
 *
 * Read: semget(2), semop(2) (semtimedop), semctl(2), shmget(2), shmat(2),
 * ftok(3), poll(2), sysvipc(7).
 */
#define _GNU_SOURCE                     /* faccessat(AT_EACCESS) */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sem_buffer.h"

static char temporary[PATH_MAX];        /* what we write, renamed to OUTFILE at the end; "" if none */

static void usage(void)
{
    fprintf(stderr, "usage: sem_consumer [OUTFILE]\n");
    exit(2);
}

/* At exit, unless it has become OUTFILE: a failed or refused transfer, or a
 * signal, leaves an old OUTFILE as it was and no temporary file behind. */
static void remove_temporary(void)
{
    if (temporary[0] != '\0' && unlink(temporary) == -1)
        fprintf(stderr, "sem_consumer: unlink %s: %s\n", temporary, strerror(errno));
}

/*
 * Opens what we write. A regular OUTFILE, or one not there yet, is written
 * under a temporary name beside it (.OUTFILE.XXXXXX, mkstemp) that becomes
 * OUTFILE only when all is written (finish_output): until then an old
 * OUTFILE stays as it was. A device or a FIFO (/dev/null) is written directly.
 */
static int open_output(const char *path, struct file_id *output_id)
{
    struct stat st;
    mode_t mode;

    if (atexit(remove_temporary) != 0) {
        fprintf(stderr, "sem_consumer: atexit failed\n");
        exit(1);
    }
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            errno = EISDIR;
            die(path);
        }
        if (!S_ISREG(st.st_mode)) {
            int fd = open(path, O_WRONLY | O_TRUNC);
            if (fd == -1)
                die(path);
            return fd;
        }
        if (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == -1)  /* replaced, so written: ours to write */
            die(path);
        *output_id = (struct file_id){ true, st.st_dev, st.st_ino };
        mode = st.st_mode & 0777;       /* the file we replace keeps its permissions */
    } else if (errno == ENOENT) {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;            /* as open(path, O_CREAT, 0666) would */
    } else {
        die(path);
    }

    char dir[PATH_MAX], base[PATH_MAX];
    if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir ||
        snprintf(base, sizeof base, "%s", path) >= (int)sizeof base ||
        snprintf(temporary, sizeof temporary, "%s/.%s.XXXXXX", dirname(dir),
                 basename(base)) >= (int)sizeof temporary) {
        temporary[0] = '\0';
        errno = ENAMETOOLONG;
        die(path);
    }
    int fd = mkstemp(temporary);
    if (fd == -1) {
        fprintf(stderr, "sem_consumer: %s: cannot create a file beside it (%s): %s\n",
                path, temporary, strerror(errno));
        temporary[0] = '\0';
        exit(1);
    }
    if (fchmod(fd, mode) == -1)
        die(temporary);
    return fd;
}

/* All written: fsync and close (a full disk may only show there), then the
 * temporary takes OUTFILE's place in one step (rename). */
static void finish_output(int fd, const char *output_name)
{
    if (temporary[0] != '\0' && fsync(fd) == -1)
        die(output_name);
    if (close(fd) == -1)
        die(output_name);
    if (temporary[0] != '\0') {
        if (rename(temporary, output_name) == -1)
            die(output_name);
        temporary[0] = '\0';
    }
}

int main(int argc, char *argv[])
{
    opterr = 0;                         /* our usage line says it all */
    if (getopt(argc, argv, "") != -1 || argc - optind > 1)
        usage();
    start_side(CONSUMER);               /* our name in messages; SIGINT, SIGTERM caught */

    /* The output first: a file we cannot write is reported before anything
     * is created. */
    const char *path = argc > optind ? argv[optind] : NULL;
    const char *output_name = path != NULL ? path : "standard output";
    struct file_id output_id = { .known = false };      /* the OUTFILE we replace */
    int fd = path != NULL ? open_output(path, &output_id) : STDOUT_FILENO;

    /* A reader that goes away must not kill us with SIGPIPE: as EPIPE, it is
     * a write error that we report, cleaning up. */
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        die("signal SIGPIPE");

    struct buffer *buf = open_buffer(); /* create it, or join it once initialised */
    claim_role(&output_id, output_name);    /* the consumer, alive (SEM_CONSUMER) */
    look_around();                      /* a producer that came and went already? */

    unsigned long long total = 0;
#ifdef SOLUTION
    for (int out = 0; ; out = (out + 1) % NSLOTS) {
        check_stop();
        if (!p(SEM_FULL, 1))            /* a filled slot */
            partner_quit();
        struct slot *slot = &buf->slot[out];
        size_t len = slot->len;
        if (len > SLOT_SIZE) {
            fprintf(stderr, "sem_consumer: a slot says it holds %zu bytes, more than "
                    "SLOT_SIZE: the buffer is corrupt\n", len);
            give_up(1);
        }
        if (len == 0)                   /* the end marker: its slot goes back last */
            break;
        write_all(fd, output_name, slot->data, len);
        total += len;
        if (!v(SEM_EMPTY))              /* give the slot back */
            partner_quit();
    }
#else
    /* TODO: the bounded buffer, slot after slot (out = 0, 1, ... NSLOTS - 1,
     * 0, ...): check_stop(); p(SEM_FULL, 1) for a filled slot; refuse a len
     * above SLOT_SIZE (a corrupt buffer: give_up(1)); at the slot of length 0
     * (the end marker) stop, keeping that slot; else write_all() its bytes to
     * fd, add them to total, and v(SEM_EMPTY) to give the slot back. A p() or
     * v() that returns false: partner_quit(). Checked by:
     * make test LAB=07 T='arrive|meet|either order|empty input|truncated|producer first|waits for the consumer' */
    (void)buf;
    not_written("main", "sem_consumer.c");
#endif

    finish_output(fd, output_name);     /* OUTFILE complete, in its place */
    fprintf(stderr, "received %llu bytes\n", total);
#ifdef SOLUTION
    /* The last slot back tells the producer that all is written; then the
     * objects go. Our state says DONE in case the producer only sees EIDRM. */
    buf->state[CONSUMER] = DONE;
    if (!v(SEM_EMPTY))
        partner_quit();
    remove_buffer();
#else
    /* TODO: the consumer's word: set buf->state[CONSUMER] to DONE, give the
     * end marker's slot back (v(SEM_EMPTY); false: partner_quit()), then
     * remove_buffer(). Checked by:
     * make test LAB=07 T='waits for the consumer|after transfers in either order' */
    not_written("main", "sem_consumer.c");
#endif
    return 0;
}
