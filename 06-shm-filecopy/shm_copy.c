/*
 * shm_copy -- copy a file through shared memory (the original example's
 * process1).
 *
 * Usage:   shm_copy [-b CHUNK] SRC DST
 *
 * Makes a shared memory segment and a message queue, forks, and the child
 * execs shm_copy_reader with the segment's id. This process reads SRC
 * chunk by chunk (CHUNK bytes, default 64 KiB) into the segment and sends
 * each chunk's place and length on the queue; the reader writes the chunks
 * to a temporary file beside DST, which becomes DST (rename) only once the
 * whole file has arrived. A length of 0 marks the end of the file.
 *
 *   shm_copy -- read SRC --> [ segment: a ring of CHUNK-byte slots ] --> shm_copy_reader --> DST
 *      |  --- LENGTH_MSG: a batch of chunks (where, how long) --> queue -->  |
 *      |  <-- FREE_MSG: "this many slots are empty again" <-- queue <------  |
 *      '  <-- SIGUSR1: "wake up" -----------------------------------------  '
 *
 * The writer fills one half of the ring while the reader empties the other;
 * lengths and wake-ups go once per half ring (ring.c). The writer sleeps
 * in sigsuspend() with the wake-up signals blocked from the moment it
 * checks the queue, so none is lost (the original's kill() then pause()
 * could hang).
 *
 * Partner: shm_copy_reader, found beside this program (/proc/self/exe).
 * IPC objects: the segment and the queue, keys ftok(".", SEGMENT_PROJ_ID)
 * and ftok(".", LENGTH_QUEUE_PROJ_ID), 0600 and exclusive, removed on
 * success, on failure, and on SIGINT, SIGTERM or SIGHUP (then it dies of
 * that signal). The checks and the signal handler are in setup.c.
 *
 * Example:
 *     $ ./shm_copy notes.txt copy.txt
 *     my(write) pid is 4711
 *     my child pid is 4712
 *     my parent pid is 4711
 *     my(read) pid is 4712
 *     copied 1234 bytes
 *
 * Read: shmget(2), shmop(2), shmctl(2), msgget(2), msgop(2), ftok(3),
 * sigaction(2), sigprocmask(2), sigsuspend(2), fork(2), execve(2),
 * waitpid(2), madvise(2).
 */
#define _XOPEN_SOURCE 700               /* POSIX and System V IPC under -std=c17 */

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filecopy.h"
#include "ring.h"
#include "setup.h"

/*
 * Sleeps until the reader gives slots back (a FREE_MSG, then SIGUSR1) and
 * returns how many; returns 0 if the reader ended or a stop signal came.
 * Block, check, sigsuspend(): a SIGUSR1 sent after the check stays pending
 * and ends sigsuspend() at once. (The original's kill() then pause() lost it.)
 */
static size_t wait_for_reader(int msqid, size_t slots)
{
#ifdef SOLUTION
    sigset_t wake, old;
    size_t count = 0;
    int got = 0;

    wake_signals(&wake);
    if (sigprocmask(SIG_BLOCK, &wake, &old) == -1) {
        warn("sigprocmask", NULL);
        return 0;
    }
    while (!reader_ended && !stop_signal && (got = slots_given_back(msqid, &count)) == 0)
        sigsuspend(&old);               /* returns once a handler has run */
    if (got == -1)
        warn("msgrcv", NULL);
    if (got == 1 && (count == 0 || count > slots))
        fprintf(stderr, "shm_copy: bad message from the reader: %zu slots free\n", count);
    if (sigprocmask(SIG_SETMASK, &old, NULL) == -1) {
        warn("sigprocmask", NULL);
        return 0;
    }
    return got == 1 && count <= slots ? count : 0;
#else
    /* TODO: block the wake_signals() (sigprocmask); while neither
     * reader_ended nor stop_signal is set and slots_given_back() finds no
     * FREE_MSG, sigsuspend() with the old mask; restore the mask. Return
     * the count given back (1 to slots), else 0.
     * Checked by: make test LAB=06 T='copies a file|files of|arrive|truncated|20 copies' */
    (void)msqid, (void)slots;
    fprintf(stderr, "shm_copy: wait_for_reader: not written yet (TODO in shm_copy.c)\n");
    return 0;
#endif
}

/*
 * Reads SRC into the ring, a chunk a slot, and sends where each chunk is
 * and how long, a batch at a time; the last length is 0. When the ring is
 * full, waits until the reader gives slots back. Returns the bytes sent,
 * or -1.
 */
static off_t send_file(int src_fd, const char *src, struct ring *r, int msqid)
{
#ifdef SOLUTION
    off_t total = 0;
    ssize_t n;

    do {
        if (r->free_slots == 0)
            r->free_slots = wait_for_reader(msqid, r->slots);
        if (r->free_slots == 0 || reader_ended || stop_signal)
            return -1;
        /* One read() per chunk: a short one makes a shorter chunk, since
         * the length travels with it. No strcpy(): the data may hold NULs. */
        do
            n = read(src_fd, ring_next(r), r->chunk);
        while (n == -1 && errno == EINTR);
        if (n == -1) {
            warn("read", src);
            return -1;
        }
        total += n;
        if (!ring_put(r, (size_t)n))
            continue;                   /* the batch is not full yet */
        while (msgsnd(msqid, &r->batch, LENGTH_MSG_SIZE(r->batch.count), 0) == -1) {
            if (errno != EINTR || reader_ended || stop_signal) {
                warn("msgsnd", NULL);
                return -1;
            }
        }
        r->batch.count = 0;
    } while (n > 0);
    return total;
#else
    /* TODO: until read() gives 0: if r->free_slots is 0, wait_for_reader();
     * read() up to r->chunk bytes of SRC into ring_next(r) (again on EINTR);
     * ring_put() its length, and when that says the batch is complete send
     * r->batch with msgsnd() (LENGTH_MSG_SIZE(count) bytes), then empty it.
     * Return -1 if the reader ended or a stop signal came, else the bytes
     * read. Checked by: make test LAB=06 T='copies a file|files of|arrive|truncated|20 copies' */
    (void)src_fd, (void)src, (void)r, (void)msqid;
    fprintf(stderr, "shm_copy: send_file: not written yet (TODO in shm_copy.c)\n");
    return -1;
#endif
}

int main(int argc, char *argv[])
{
    size_t chunk = CHUNK_DEFAULT;
    int opt;

    while ((opt = getopt(argc, argv, "b:")) != -1) {
        if (opt != 'b')
            usage();
        chunk = parse_chunk(optarg);
    }
    if (argc - optind != 2)
        usage();
    const char *src = argv[optind], *dst = argv[optind + 1];

    char reader_path[PATH_MAX], tmp[PATH_MAX];
    struct stat src_st;
    struct ring r;
    int ok = 0, key_taken = 0, msqid = -1, shmid = -1;
    char *ring = NULL;
    off_t total = -1;

    /* Everything that can be refused is checked before anything is made. */
    partner_path(reader_path, sizeof reader_path);
    int src_fd = open_source(src, &src_st);
    mode_t mode = check_destination(src, dst, &src_st);
    chunk = fit_chunk(chunk, src_st.st_size);
    size_t slots = ring_slots(chunk, src_st.st_size, shmmax());
    /* From here on, a stop signal only sets a flag: everything made below
     * is removed before the program dies of it. */
    if (catch_signals() == -1)
        return 1;
    make_temporary(dst, mode, tmp, sizeof tmp);

    key_t queue_key = ftok(".", LENGTH_QUEUE_PROJ_ID);
    key_t segment_key = ftok(".", SEGMENT_PROJ_ID);
    if (queue_key == -1 || segment_key == -1) {
        warn("ftok", ".");
        goto clean_up;
    }
#ifdef SOLUTION
    /* IPC_EXCL: an object already at a key (a second shm_copy's, a killed
     * one's, another user's) is never used; explain_taken() says whose. */
    msqid = msgget(queue_key, IPC_CREAT | IPC_EXCL | OWNER_ONLY);
    if (msqid != -1)
        shmid = shmget(segment_key, slots * chunk, IPC_CREAT | IPC_EXCL | OWNER_ONLY);
    if (msqid == -1 || shmid == -1) {
        key_taken = errno == EEXIST;
        if (!key_taken)
            warn(msqid == -1 ? "msgget" : "shmget", NULL);
        goto clean_up;
    }
    ring = shmat(shmid, NULL, 0);
    if (ring == (void *)-1) {
        ring = NULL;
        warn("shmat", NULL);
        goto clean_up;
    }
#else
    /* TODO: create the queue (msgget) and the segment of slots * chunk
     * bytes (shmget), both IPC_CREAT | IPC_EXCL | OWNER_ONLY, and attach
     * the segment (shmat) as ring. If a key is taken (EEXIST) set
     * key_taken; else warn(); either way goto clean_up.
     * Checked by: make test LAB=06 T='another user' (the rest of the lab's
     * tests need a copy that runs: parts 2 to 4 of README's What you write) */
    fprintf(stderr, "shm_copy: main: not written yet (TODO in shm_copy.c)\n");
    goto clean_up;
#endif
    if (map_ring_now(ring, slots * chunk, 1) == -1)
        warn("madvise", NULL);  /* only a speed-up: the copy goes on */

    printf("my(write) pid is %d\n", (int)getpid());
    pid_t reader = start_reader(reader_path, shmid, tmp);
    if (reader == -1)
        goto clean_up;
    printf("my child pid is %d\n", (int)reader);
    fflush(stdout);                     /* before the reader can print */

    ring_start(&r, ring, chunk, slots);
    total = send_file(src_fd, src, &r, msqid);
    if (total != -1)                    /* the reader exits at the end marker */
        while (wait_for_reader(msqid, slots) > 0)
            ;                           /* slots emptied: no longer needed */
    if (collect_reader(reader, reader_ended, total != -1) == 0 && check_size(tmp, total) == 0)
        ok = 1;

clean_up:
    if (remove_objects(msqid, shmid, ring) == -1 || stop_signal)
        ok = 0;                         /* interrupted: no DST, even if complete */
    ok = finish_temporary(tmp, dst, ok);
    if (close(src_fd) == -1)
        warn("close", src);
    if (key_taken)
        explain_taken(queue_key, segment_key);     /* once our own queue is gone */

    if (stop_signal) {                  /* cleaned up: now die of it, as the shell expects */
        signal(stop_signal, SIG_DFL);
        raise(stop_signal);
    }
    if (!ok)
        return 1;
    printf("copied %jd bytes\n", (intmax_t)total);
    if (fflush(stdout) == EOF) {        /* rule 10: a failed write fails */
        warn("write", "stdout");
        return 1;
    }
    return 0;
}
