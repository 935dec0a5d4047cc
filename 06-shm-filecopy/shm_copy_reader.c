/*
 * shm_copy_reader -- write the chunks that shm_copy puts in shared memory to
 * a file (the original example's shmreader3).
 *
 * Usage:   shm_copy_reader SHMID DST      (started by shm_copy)
 *
 * Attaches the segment SHMID (read-only) and finds shm_copy's message queue
 * by its key, ftok(".", LENGTH_QUEUE_PROJ_ID). It sleeps in msgrcv() until
 * a LENGTH_MSG comes: a batch of chunks, each with its offset in the
 * segment and its length. It checks that each lies inside the segment and
 * writes exactly that many bytes of each to DST, the whole batch in one
 * writev() (never strcpy(): a file may hold NUL bytes), then gives the
 * batch's slots back: a FREE_MSG, and SIGUSR1 to wake shm_copy (give_back()
 * in ring.c). A length of 0 ends the file. DST is created or truncated,
 * never appended to.
 *
 * Partner: shm_copy, which starts this program with the id of a segment it
 * created and the name of a temporary file beside its DST, and which
 * removes both IPC objects; this program removes nothing. Started by hand
 * with a number that is not a shm_copy segment, it says so and exits 1;
 * SHMID must be a number (exit 2 otherwise). If shm_copy dies, even of
 * SIGKILL, the kernel sends this program SIGTERM (PR_SET_PDEATHSIG).
 *
 * Example (what shm_copy's child prints):
 *     my parent pid is 4711
 *     my(read) pid is 4712
 *
 * Its checks of what it is given are in setup.c.
 *
 * Read: shmop(2), shmctl(2), msgop(2), ftok(3), writev(2), kill(2), prctl(2),
 * madvise(2).
 */
#define _GNU_SOURCE                     /* prctl() and PR_SET_PDEATHSIG (Linux) */

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/uio.h>
#include <unistd.h>

#include "filecopy.h"
#include "ring.h"
#include "setup.h"

static void reader_usage(void)
{
    fprintf(stderr, "usage: shm_copy_reader SHMID DST   (started by shm_copy)\n");
    exit(2);
}

/* The segment id in arg, or a usage error: digits only, at most INT_MAX. */
static int parse_id(const char *arg)
{
    char *end;

    if (arg[0] < '0' || arg[0] > '9')
        reader_usage();
    errno = 0;
    long id = strtol(arg, &end, 10);
    if (*end != '\0' || errno == ERANGE || id > INT_MAX)
        reader_usage();
    return (int)id;
}

#ifdef SOLUTION
/* Sleeps in msgrcv() until the next batch of chunks arrives; checks that the
 * message is as long as its count says. */
static void receive_batch(int msqid, struct length_msg *msg)
{
    ssize_t size;

    while ((size = msgrcv(msqid, msg, LENGTH_MSG_SIZE((MAX_SLOTS + 1) / 2), LENGTH_MSG, 0)) == -1)
        if (errno != EINTR)
            die("msgrcv", NULL);
    if (msg->count == 0 || msg->count > (MAX_SLOTS + 1) / 2 ||
        (size_t)size != LENGTH_MSG_SIZE(msg->count)) {
        fprintf(stderr, "shm_copy_reader: bad message: %zu chunks in %zd bytes\n",
                msg->count, size);
        exit(1);
    }
}

/* Writes all the bytes that iov[0], ..., iov[count - 1] point to. writev()
 * may write fewer than asked: skip what went, and go on from there. */
static void write_all(int fd, struct iovec *iov, int count, const char *dst)
{
    while (count > 0) {
        ssize_t n = writev(fd, iov, count);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            die("write", dst);
        for (; count > 0 && (size_t)n >= iov->iov_len; iov++, count--)
            n -= (ssize_t)iov->iov_len;
        if (count > 0) {
            iov->iov_base = (char *)iov->iov_base + n;
            iov->iov_len -= (size_t)n;
        }
    }
}

/*
 * Writes the batch's chunks to fd with one writev(), one system call for
 * the whole batch instead of one per chunk; returns 0 if the batch ends the
 * file (a chunk of length 0), 1 otherwise. Every chunk must lie inside the
 * segment: offsets and lengths are checked, never trusted.
 */
static int write_batch(int fd, const char *ring, size_t segsz, const struct length_msg *msg,
                       const char *dst)
{
    struct iovec iov[(MAX_SLOTS + 1) / 2];
    int count = 0, more = 1;

    for (size_t i = 0; i < msg->count && more; i++) {
        const struct chunk_ref *c = &msg->chunk[i];
        if (c->len == 0) {
            more = 0;
        } else if (c->offset > segsz || c->len > segsz - c->offset) {
            fprintf(stderr, "shm_copy_reader: a chunk of %zu bytes at %zu does not fit "
                    "the segment of %zu bytes\n", c->len, c->offset, segsz);
            exit(1);
        } else {
            iov[count].iov_base = (void *)(ring + c->offset);
            iov[count].iov_len = c->len;
            count++;
        }
    }
    write_all(fd, iov, count, dst);
    return more;
}

#else
/* TODO: the functions main's loop calls: receive_batch() (msgrcv() of the
 * next LENGTH_MSG, checked: as long as its count says), write_batch() (the
 * batch's chunks to fd with one writev(), again for what a short writev()
 * left, each chunk checked to lie inside the segment; a chunk of length 0
 * ends the file). give_back() is in ring.c. */
#endif

int main(int argc, char *argv[])
{
    if (argc != 3)
        reader_usage();
    int shmid = parse_id(argv[1]);
    const char *dst = argv[2];
    pid_t writer;

    /* Asked first, so that the check of getppid() below covers a writer
     * that died before: then our parent is no longer shm_copy. */
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
        die("prctl PR_SET_PDEATHSIG", NULL);
    size_t segsz = writer_segment(shmid, &writer);

    key_t key = ftok(".", LENGTH_QUEUE_PROJ_ID);
    if (key == -1)
        die("ftok", ".");
    int msqid = msgget(key, 0);
    if (msqid == -1)
        die("msgget", "(no shm_copy running in this folder?)");
    check_queue(msqid);
    const char *ring = shmat(shmid, NULL, SHM_RDONLY);
    if (ring == (void *)-1)
        die("shmat", NULL);
    if (map_ring_now(ring, segsz, 0) == -1)
        warn("madvise", NULL);          /* only a speed-up */
    int fd = open_destination(dst);

#ifdef SOLUTION
    struct length_msg msg;
    receive_batch(msqid, &msg);
    /* shm_copy prints its lines before it sends the first batch. */
    printf("my parent pid is %d\nmy(read) pid is %d\n", (int)writer, (int)getpid());
    if (fflush(stdout) == EOF)
        die("write", "stdout");
    while (write_batch(fd, ring, segsz, &msg, dst)) {
        give_back(msqid, writer, msg.count);
        receive_batch(msqid, &msg);
    }

#else
    /* TODO: receive the first batch, print "my parent pid is WRITER" and
     * "my(read) pid is PID" (then fflush: if it fails, die), then write each
     * batch and give its slots back (give_back(), ring.c) until the batch
     * that ends the file: that one is not given back, the writer learns of
     * the end from the reader's exit.
     * Checked by: make test LAB=06 T='copies a file|files of|arrive|truncated|20 copies' */
    (void)ring, (void)segsz, (void)writer, (void)msqid;
    fprintf(stderr, "shm_copy_reader: main: not written yet (TODO in shm_copy_reader.c)\n");
    close(fd);
    return 1;
#endif
    if (close(fd) == -1)
        die("close", dst);
    if (shmdt(ring) == -1)
        die("shmdt", NULL);
    return 0;
}
