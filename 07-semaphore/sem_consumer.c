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
 * Read: semget(2), semop(2) (semtimedop), semctl(2), shmget(2), shmat(2),
 * ftok(3), poll(2), sysvipc(7).
 */
#define _GNU_SOURCE                     /* semtimedop() */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sem_lab.h"

#define TICK_MS 100                     /* the longest wait between two looks around */
#define INIT_TRIES 500                  /* x 10 ms: how long a creator may take to initialise */

static volatile sig_atomic_t stop_signal;
static int semid = -1, shmid = -1;
static struct buffer *buf;
static bool owner;                      /* we may remove the objects (we created or joined them) */
static const char *output_name = "standard output";
static struct file_id output_id;        /* the OUTFILE we replace, for the producer to compare */
static char temporary[PATH_MAX];        /* what we write, renamed to OUTFILE at the end; "" if none */

static void on_stop(int sig) { stop_signal = sig; }

static void usage(void)
{
    fprintf(stderr, "usage: sem_consumer [OUTFILE]\n");
    exit(2);
}

/* Removes both objects (by id, so never someone else's). A partner blocked
 * in semop() wakes with EIDRM; the segment stays attached to it, so it can
 * still read our state there. */
static void remove_objects(void)
{
    if (semctl(semid, 0, IPC_RMID) == -1 && errno != EINVAL && errno != EIDRM)
        fprintf(stderr, "sem_consumer: semctl IPC_RMID: %s\n", strerror(errno));
    if (shmid != -1 && shmctl(shmid, IPC_RMID, NULL) == -1 && errno != EINVAL && errno != EIDRM)
        fprintf(stderr, "sem_consumer: shmctl IPC_RMID: %s\n", strerror(errno));
}

/* Ends the run early: tells the producer, removes what is ours, exits. */
static void give_up(int status)
{
    if (owner) {
        if (buf != NULL)
            buf->consumer_state = FAILED;
        remove_objects();
    }
    exit(status);
}

static void die(const char *what)
{
    fprintf(stderr, "sem_consumer: %s: %s\n", what, strerror(errno));
    give_up(1);
}

static void check_stop(void)
{
    if (stop_signal) {
        fprintf(stderr, "sem_consumer: stopped by signal %d%s\n", (int)stop_signal,
                owner ? "; buffer removed" : "");
        give_up(128 + stop_signal);
    }
}

/* Between two ticks of a wait: a stop signal, or a producer that came and
 * is gone (its SEM_UNDO took SEM_PRODUCER back to 0), ends the run. */
static void look_around(void)
{
    check_stop();
    pid_t pid = buf->producer_pid;
    if (pid == 0)
        return;                         /* not come yet: keep waiting */
    int alive = semctl(semid, SEM_PRODUCER, GETVAL);
    if (alive == -1 && (errno == EINVAL || errno == EIDRM))
        return;                         /* removed: our next semop() tells */
    if (alive == -1)
        die("semctl GETVAL");
    if (alive == 0) {
        fprintf(stderr, "sem_consumer: sem_producer (PID %ld) has died; buffer removed\n",
                (long)pid);
        give_up(1);
    }
}

/* The buffer was removed before the end: by the producer, which failed or
 * was stopped and has said so, or by someone else (ipcrm). */
static void producer_quit(void)
{
    if (buf->producer_state == FAILED)
        fprintf(stderr, "sem_consumer: sem_producer gave up and removed the buffer\n");
    else
        fprintf(stderr, "sem_consumer: the buffer was removed\n");
    exit(1);
}

/* p(): take n from semaphore num, waiting while it is smaller. The wait is
 * cut into ticks so that a signal or a dead partner is noticed. Returns
 * false if the set has been removed. */
static bool p(unsigned short num, short n)
{
    static const struct timespec tick = { 0, TICK_MS * 1000000L };
    struct sembuf op = { .sem_num = num, .sem_op = (short)-n, .sem_flg = 0 };

    while (semtimedop(semid, &op, 1, &tick) == -1) {
        if (errno == EIDRM || errno == EINVAL)
            return false;
        if (errno != EAGAIN && errno != EINTR)     /* EAGAIN: the tick is over */
            die("semop");
        look_around();
    }
    return true;
}

/* v(): add 1 to semaphore num, waking whoever waits for it. Never blocks. */
static bool v(unsigned short num)
{
    struct sembuf op = { .sem_num = num, .sem_op = +1, .sem_flg = 0 };

    while (semop(semid, &op, 1) == -1) {
        if (errno == EIDRM || errno == EINVAL)
            return false;
        if (errno != EINTR)
            die("semop");
    }
    return true;
}

/* Takes or releases SEM_MUTEX, with SEM_UNDO: a process killed while it
 * holds the mutex does not keep it. It is held for a few instructions only,
 * so the wait needs no ticks. */
static void mutex(short delta)
{
    struct sembuf op = { .sem_num = SEM_MUTEX, .sem_op = delta, .sem_flg = SEM_UNDO };

    while (semop(semid, &op, 1) == -1) {
        if (errno != EINTR)
            die("semop mutex");
        check_stop();
    }
}

/* First comer: creates the set and the segment, exclusively, and
 * initialises them. Nobody may use the set before that: a joiner waits
 * until sem_otime, the time of the last semop(), is set, which happens
 * with our first semop() -- the mutex() of claim_role(). */
/* Our new set's segment key is taken: by another user's segment (rule 13),
 * or by ours, left by a run that crashed (rule 14). Only looks. */
static void explain_segment_taken(key_t shmkey)
{
    struct shmid_ds ds;
    int old = shmget(shmkey, 0, 0);

    if (old == -1)
        fprintf(stderr, "sem_consumer: the segment key 0x%08x was taken, and is free again: "
                "run sem_consumer again\n", (unsigned)shmkey);
    else if (own_segment("sem_consumer", old, shmkey, &ds))
        fprintf(stderr, "sem_consumer: a segment of yours (id %d) with this folder's key is left "
                "from a run that crashed: remove it with: ipcrm -m %d\n", old, old);
}

static void create_buffer(key_t shmkey)
{
    owner = true;
    shmid = shmget(shmkey, sizeof *buf, IPC_CREAT | IPC_EXCL | SEM_PERMS);
    if (shmid == -1 && errno == EEXIST) {
        explain_segment_taken(shmkey);
        give_up(1);                     /* removes our new set, nothing else */
    }
    if (shmid == -1)
        die("shmget");
    buf = shmat(shmid, NULL, 0);
    if (buf == (void *)-1) {
        buf = NULL;
        die("shmat");
    }
    buf->nslots = NSLOTS;
    buf->slot_size = SLOT_SIZE;

    unsigned short values[NSEMS] = { [SEM_EMPTY] = NSLOTS, [SEM_MUTEX] = 1 };
    union semun arg = { .array = values };
    if (semctl(semid, 0, SETALL, arg) == -1)
        die("semctl SETALL");
}

/* Second comer: the set exists, but it may be another user's (refused,
 * untouched), and its creator may not have initialised it yet. Wait
 * (boundedly) for its first semop(), then check and attach the segment. */
static void join_buffer(key_t semkey, key_t shmkey)
{
    struct semid_ds ds;

    for (int tries = 0; ; tries++) {
        if (!own_set("sem_consumer", semid, semkey, &ds))    /* someone else's: touch nothing */
            exit(1);
        if (ds.sem_nsems != NSEMS) {
            fprintf(stderr, "sem_consumer: semaphore set %d has %lu semaphores, not %d: not this "
                    "lab's; if no program of yours uses it, remove it with: ipcrm -s %d\n",
                    semid, (unsigned long)ds.sem_nsems, NSEMS, semid);
            exit(1);
        }
        if (ds.sem_otime != 0)
            break;
        if (tries == INIT_TRIES) {
            fprintf(stderr, "sem_consumer: semaphore set %d was never initialised, left by "
                    "a crashed run: remove it with: ipcrm -s %d\n", semid, semid);
            exit(1);
        }
        check_stop();
        if (nanosleep(&(struct timespec){ 0, 10 * 1000000L }, NULL) == -1 && errno != EINTR)
            die("nanosleep");
    }
    shmid = shmget(shmkey, 0, 0);
    if (shmid == -1 && errno == ENOENT) {
        /* The creator makes the segment before it initialises the set, so an
         * initialised set without one is what a crashed run left (rule 14). */
        union semun arg = { .buf = &ds };
        if (semctl(semid, 0, IPC_STAT, arg) == -1) {
            fprintf(stderr, "sem_consumer: the buffer was removed while we joined it\n");
            exit(1);
        }
        fprintf(stderr, "sem_consumer: semaphore set %d is left here without its segment, by a run "
                "that crashed: remove it with: ipcrm -s %d (or make clean-ipc)\n", semid, semid);
        exit(1);
    }
    if (shmid == -1)
        die("shmget");
    struct shmid_ds shm;
    if (!own_segment("sem_consumer", shmid, shmkey, &shm))
        exit(1);
    if (shm.shm_segsz < sizeof *buf) {
        fprintf(stderr, "sem_consumer: segment %d holds %zu bytes, less than the %zu of our buffer: "
                "if no program of yours uses it, remove it with: ipcrm -s %d -m %d\n",
                shmid, (size_t)shm.shm_segsz, sizeof *buf, semid, shmid);
        exit(1);
    }
    buf = shmat(shmid, NULL, 0);
    if (buf == (void *)-1) {
        buf = NULL;
        die("shmat");
    }
    if (buf->nslots != NSLOTS || buf->slot_size != SLOT_SIZE) {
        fprintf(stderr, "sem_consumer: the buffer has %d slots of %d bytes, we were built "
                "for %d of %d\n", buf->nslots, buf->slot_size, NSLOTS, SLOT_SIZE);
        exit(1);
    }
}

/* Creates the buffer, or joins the one our partner created. */
static void open_buffer(void)
{
    key_t semkey = ftok(".", SEM_PROJ_ID);
    key_t shmkey = ftok(".", SHM_PROJ_ID);
    if (semkey == -1 || shmkey == -1)
        die("ftok .");

    for (;;) {
        semid = semget(semkey, NSEMS, IPC_CREAT | IPC_EXCL | SEM_PERMS);
        if (semid != -1) {
            create_buffer(shmkey);
            return;
        }
        if (errno != EEXIST)
            die("semget");
        semid = semget(semkey, 0, 0);
        if (semid != -1) {
            join_buffer(semkey, shmkey);
            return;
        }
        if (errno != ENOENT)            /* ENOENT: removed meanwhile, try again */
            die("semget");
    }
}

/* Under the mutex: become the consumer of this buffer, unless there is one.
 * SEM_CONSUMER goes to 1 with SEM_UNDO, so it drops back to 0 when we die,
 * however we die: that is how the producer knows we are gone. */
static void claim_role(void)
{
    mutex(-1);
    pid_t other = buf->consumer_pid;
    if (other != 0) {
        mutex(+1);
        if (semctl(semid, SEM_CONSUMER, GETVAL) == 0)
            fprintf(stderr, "sem_consumer: the buffer here was left by a consumer that died "
                    "(PID %ld): remove it with ipcrm -s %d -m %d\n", (long)other, semid, shmid);
        else
            fprintf(stderr, "sem_consumer: the buffer here already has a consumer (PID %ld)\n",
                    (long)other);
        exit(1);
    }
    buf->consumer_pid = getpid();
    buf->output = output_id;
    bool same = same_file(&buf->input, &buf->output);
    struct sembuf op = { .sem_num = SEM_CONSUMER, .sem_op = +1, .sem_flg = SEM_UNDO };
    if (semop(semid, &op, 1) == -1)
        die("semop SEM_CONSUMER");
    owner = true;
    mutex(+1);
    if (same) {                         /* stops sem_producer f & sem_consumer f (or a link) */
        fprintf(stderr, "sem_consumer: %s is the producer's FILE (the same file, perhaps "
                "under another name): refused, nothing written\n", output_name);
        give_up(1);
    }
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
static int open_output(const char *path)
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
        output_id = (struct file_id){ true, st.st_dev, st.st_ino };
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
static void finish_output(int fd)
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

/* Writes all of data to fd, which is name (for messages), however many
 * write() calls it takes, waiting in ticks. */
static void write_all(int fd, const char *name, const unsigned char *data, size_t len)
{
    while (len > 0) {
        struct pollfd pfd = { .fd = fd, .events = POLLOUT };
        int ready = poll(&pfd, 1, TICK_MS);
        if (ready == -1 && errno != EINTR)
            die("poll");
        if (ready == 1) {
            ssize_t n = write(fd, data, len);
            if (n == -1 && errno != EINTR && errno != EAGAIN)
                die(name);
            if (n > 0) {
                data += n;
                len -= (size_t)n;
                continue;
            }
        }
        look_around();
    }
}

int main(int argc, char *argv[])
{
    opterr = 0;                         /* our usage line says it all */
    if (getopt(argc, argv, "") != -1 || argc - optind > 1)
        usage();

    /* The output first: a file we cannot write is reported before anything
     * is created. */
    const char *path = argc > optind ? argv[optind] : NULL;
    int fd = STDOUT_FILENO;
    if (path != NULL) {
        output_name = path;
        fd = open_output(path);
    }

    /* No SA_RESTART: a signal interrupts poll() and semtimedop() (EINTR).
     * A reader that goes away must not kill us with SIGPIPE: as EPIPE, it
     * is a write error that we report, cleaning up. */
    struct sigaction sa = { .sa_handler = on_stop };
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        die("sigaction");
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        die("signal SIGPIPE");

    open_buffer();
    claim_role();
    look_around();                      /* a producer that came and went already? */

    unsigned long long total = 0;
    for (int out = 0; ; out = (out + 1) % NSLOTS) {
        check_stop();
        if (!p(SEM_FULL, 1))            /* a filled slot */
            producer_quit();
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
            producer_quit();
    }

    finish_output(fd);                  /* OUTFILE complete, in its place */
    fprintf(stderr, "received %llu bytes\n", total);
    /* The last slot back tells the producer that all is written; then the
     * objects go. Our state says DONE in case the producer only sees EIDRM. */
    buf->consumer_state = DONE;
    if (!v(SEM_EMPTY))
        producer_quit();
    remove_objects();
    return 0;
}
