/*
 * shm_copy_reader -- write the chunks that shm_copy puts in shared memory to
 * a file (seed 000 §4.2, shmreader3).
 *
 * Usage:   shm_copy_reader SHMID DST      (started by shm_copy)
 *
 * Attaches the segment SHMID (read-only) and finds shm_copy's message queue
 * by its key, ftok(".", LENGTH_QUEUE_PROJ_ID). Each message gives the length
 * of the next chunk, in slot i % RING_SLOTS of the segment; the reader
 * checks that it fits a slot and writes exactly that many bytes to DST
 * (write(), never strcpy(): a file may hold NUL bytes). DST is created or
 * truncated, never appended to. A length of 0 ends the file.
 *
 * It gives slots back in batches: after each half ring, and always before
 * it sleeps in msgrcv() waiting for a length (or shm_copy, waiting for a
 * slot, and this program, waiting for a length, would wait for each other
 * forever). Each batch is a FREE_MSG, then SIGUSR1 to wake shm_copy.
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
 * Read: shmop(2), shmctl(2), msgop(2), ftok(3), kill(2), prctl(2).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filecopy.h"

static void usage(void)
{
    fprintf(stderr, "usage: shm_copy_reader SHMID DST   (started by shm_copy)\n");
    exit(2);
}

static void die(const char *what, const char *name)
{
    fprintf(stderr, "shm_copy_reader: %s%s%s: %s\n", what, name ? " " : "", name ? name : "",
            strerror(errno));
    exit(1);
}

/* The segment id in arg, or a usage error: digits only, at most INT_MAX. */
static int parse_id(const char *arg)
{
    char *end;

    if (arg[0] < '0' || arg[0] > '9')
        usage();
    errno = 0;
    long id = strtol(arg, &end, 10);
    if (*end != '\0' || errno == ERANGE || id > INT_MAX)
        usage();
    return (int)id;
}

/*
 * Checks that shmid is a segment our parent made (so it is shm_copy's, and
 * our SIGUSR1s go to shm_copy) and returns the size of one slot.
 */
static size_t slot_size(int shmid, pid_t *writer)
{
    struct shmid_ds ds;

    if (shmctl(shmid, IPC_STAT, &ds) == -1) {
        if (errno == EINVAL || errno == EIDRM) {
            fprintf(stderr, "shm_copy_reader: no shared memory segment has id %d\n", shmid);
            exit(1);
        }
        die("shmctl IPC_STAT", NULL);
    }
    if (ds.shm_cpid != getppid() || ds.shm_segsz < RING_SLOTS || ds.shm_segsz % RING_SLOTS != 0) {
        fprintf(stderr, "shm_copy_reader: segment %d was not made by shm_copy for me: "
                "run shm_copy instead\n", shmid);
        exit(1);
    }
    *writer = ds.shm_cpid;
    return ds.shm_segsz / RING_SLOTS;
}

/* Opens DST for writing, empty. O_NONBLOCK: a FIFO with no reader fails at
 * once instead of blocking, and is refused like any file that is not regular. */
static int open_destination(const char *dst)
{
    struct stat st;
    int fd = open(dst, O_WRONLY | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0666);

    if (fd == -1)
        die("open", dst);
    if (fstat(fd, &st) == -1)
        die("stat", dst);
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "shm_copy_reader: %s: not a regular file\n", dst);
        exit(1);
    }
    /* Not "ab": a second run must not double the file. Only a file with
     * data is truncated: ext4 writes a file truncated to 0 out to disk as
     * soon as it is closed (auto_da_alloc), which costs time for nothing. */
    if (st.st_size > 0 && ftruncate(fd, 0) == -1)
        die("truncate", dst);
    return fd;
}

/* Tells the writer that `freed` more slots are empty, and wakes it. */
static void give_back(int msqid, pid_t writer, size_t *freed)
{
    struct length_msg msg = { .mtype = FREE_MSG, .len = *freed };

    while (msgsnd(msqid, &msg, LENGTH_MSG_SIZE, 0) == -1)
        if (errno != EINTR)
            die("msgsnd", NULL);
    if (kill(writer, SIGUSR1) == -1)
        die("kill", "shm_copy");
    *freed = 0;
}

/* Sleeps in msgrcv() until the length of the next chunk arrives. */
static size_t receive_length(int msqid)
{
    struct length_msg msg;

    while (msgrcv(msqid, &msg, LENGTH_MSG_SIZE, LENGTH_MSG, 0) == -1)
        if (errno != EINTR)
            die("msgrcv", NULL);
    return msg.len;
}

/* Writes all len bytes: write() may take fewer than asked. */
static void write_all(int fd, const char *data, size_t len, const char *dst)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            die("write", dst);
        data += n;
        len -= (size_t)n;
    }
}

int main(int argc, char *argv[])
{
    if (argc != 3)
        usage();
    int shmid = parse_id(argv[1]);
    const char *dst = argv[2];
    pid_t writer;

    /* Asked first, so that the check of getppid() below covers a writer
     * that died before: then our parent is no longer shm_copy. */
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
        die("prctl PR_SET_PDEATHSIG", NULL);
    size_t chunk = slot_size(shmid, &writer);

    key_t key = ftok(".", LENGTH_QUEUE_PROJ_ID);
    if (key == -1)
        die("ftok", ".");
    int msqid = msgget(key, 0);
    if (msqid == -1)
        die("msgget", "(no shm_copy running in this folder?)");
    const char *ring = shmat(shmid, NULL, SHM_RDONLY);
    if (ring == (void *)-1)
        die("shmat", NULL);
    int fd = open_destination(dst);

    size_t slot = 0, freed = 0;
    size_t len = receive_length(msqid);
    /* shm_copy prints its lines before it sends the first length. */
    printf("my parent pid is %d\nmy(read) pid is %d\n", (int)writer, (int)getpid());
    fflush(stdout);
    while (len > 0) {
        if (len > chunk) {
            fprintf(stderr, "shm_copy_reader: length %zu does not fit a slot of %zu bytes\n",
                    len, chunk);
            exit(1);
        }
        write_all(fd, ring + slot * chunk, len, dst);
        slot = (slot + 1) % RING_SLOTS;
        if (++freed >= GIVE_BACK_SLOTS)
            give_back(msqid, writer, &freed);
        len = receive_length(msqid);
    }

    if (close(fd) == -1)
        die("close", dst);
    if (shmdt(ring) == -1)
        die("shmdt", NULL);
    return 0;
}
