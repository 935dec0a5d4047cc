/*
 * sem_producer -- send a file through a bounded buffer in shared memory,
 * guarded by System V semaphores, to sem_consumer.
 *
 * Usage:   sem_producer [FILE]
 *
 * Sends FILE (default: standard input), any bytes at all, through NSLOTS
 * slots of SLOT_SIZE bytes in a shared segment (sem_lab.h). For each slot:
 * p(EMPTY) -- wait for a free slot; read() into it; v(FULL) -- hand it
 * over. A slot of length 0 marks the end. Then it waits until the consumer
 * has given every slot back, which it does only once all the data is
 * written, and prints `sent N bytes` on stderr: exit status 0 means the
 * data arrived.
 *
 * Partner: sem_consumer, started in the same directory, before or after.
 * Whichever comes first creates the semaphore set and the segment (keys
 * ftok(".", SEM_PROJ_ID) and ftok(".", SHM_PROJ_ID)); the other waits until
 * the creator has initialised the set (sem_otime != 0) before it uses it.
 * The consumer removes both objects at the end. A side that fails or is
 * stopped by SIGINT/SIGTERM removes them itself and exits non-zero; its
 * partner, woken with EIDRM, exits 1 too. A side that is killed cannot
 * clean up: the kernel's SEM_UNDO takes its presence semaphore back to 0,
 * and the partner, which looks at it every TICK_MS while it waits, removes
 * the objects and exits 1.
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
static const char *input_name = "standard input";
static struct file_id input_id;         /* what we read, for the consumer to compare */

static void on_stop(int sig) { stop_signal = sig; }

static void usage(void)
{
    fprintf(stderr, "usage: sem_producer [FILE]\n");
    exit(2);
}

/* Removes both objects (by id, so never someone else's). A partner blocked
 * in semop() wakes with EIDRM; the segment stays attached to it, so it can
 * still read our state there. */
static void remove_objects(void)
{
    if (semctl(semid, 0, IPC_RMID) == -1 && errno != EINVAL && errno != EIDRM)
        fprintf(stderr, "sem_producer: semctl IPC_RMID: %s\n", strerror(errno));
    if (shmid != -1 && shmctl(shmid, IPC_RMID, NULL) == -1 && errno != EINVAL && errno != EIDRM)
        fprintf(stderr, "sem_producer: shmctl IPC_RMID: %s\n", strerror(errno));
}

/* Ends the run early: tells the consumer, removes what is ours, exits. */
static void give_up(int status)
{
    if (owner) {
        if (buf != NULL)
            buf->producer_state = FAILED;
        remove_objects();
    }
    exit(status);
}

static void die(const char *what)
{
    fprintf(stderr, "sem_producer: %s: %s\n", what, strerror(errno));
    give_up(1);
}

static void check_stop(void)
{
    if (stop_signal) {
        fprintf(stderr, "sem_producer: stopped by signal %d%s\n", (int)stop_signal,
                owner ? "; buffer removed" : "");
        give_up(128 + stop_signal);
    }
}

/* Between two ticks of a wait: a stop signal, or a consumer that came and
 * is gone (its SEM_UNDO took SEM_CONSUMER back to 0), ends the run. */
static void look_around(void)
{
    check_stop();
    pid_t pid = buf->consumer_pid;
    if (pid == 0)
        return;                         /* not come yet: keep waiting */
    int alive = semctl(semid, SEM_CONSUMER, GETVAL);
    if (alive == -1 && (errno == EINVAL || errno == EIDRM))
        return;                         /* removed: our next semop() tells */
    if (alive == -1)
        die("semctl GETVAL");
    if (alive == 0) {
        fprintf(stderr, "sem_producer: sem_consumer (PID %ld) has died; buffer removed\n",
                (long)pid);
        give_up(1);
    }
}

/* The buffer was removed before the end: by the consumer, which failed or
 * was stopped and has said so, or by someone else (ipcrm). */
static void consumer_quit(void)
{
    if (buf->consumer_state == FAILED)
        fprintf(stderr, "sem_producer: sem_consumer gave up and removed the buffer\n");
    else
        fprintf(stderr, "sem_producer: the buffer was removed\n");
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
        fprintf(stderr, "sem_producer: the segment key 0x%08x was taken, and is free again: "
                "run sem_producer again\n", (unsigned)shmkey);
    else if (own_segment("sem_producer", old, shmkey, &ds))
        fprintf(stderr, "sem_producer: a segment of yours (id %d) with this folder's key is left "
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
        if (!own_set("sem_producer", semid, semkey, &ds))    /* someone else's: touch nothing */
            exit(1);
        if (ds.sem_nsems != NSEMS) {
            fprintf(stderr, "sem_producer: semaphore set %d has %lu semaphores, not %d: not this "
                    "lab's; if no program of yours uses it, remove it with: ipcrm -s %d\n",
                    semid, (unsigned long)ds.sem_nsems, NSEMS, semid);
            exit(1);
        }
        if (ds.sem_otime != 0)
            break;
        if (tries == INIT_TRIES) {
            fprintf(stderr, "sem_producer: semaphore set %d was never initialised, left by "
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
            fprintf(stderr, "sem_producer: the buffer was removed while we joined it\n");
            exit(1);
        }
        fprintf(stderr, "sem_producer: semaphore set %d is left here without its segment, by a run "
                "that crashed: remove it with: ipcrm -s %d (or make clean-ipc)\n", semid, semid);
        exit(1);
    }
    if (shmid == -1)
        die("shmget");
    struct shmid_ds shm;
    if (!own_segment("sem_producer", shmid, shmkey, &shm))
        exit(1);
    if (shm.shm_segsz < sizeof *buf) {
        fprintf(stderr, "sem_producer: segment %d holds %zu bytes, less than the %zu of our buffer: "
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
        fprintf(stderr, "sem_producer: the buffer has %d slots of %d bytes, we were built "
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

/* Under the mutex: become the producer of this buffer, unless there is one.
 * SEM_PRODUCER goes to 1 with SEM_UNDO, so it drops back to 0 when we die,
 * however we die: that is how the consumer knows we are gone. */
static void claim_role(void)
{
    mutex(-1);
    pid_t other = buf->producer_pid;
    if (other != 0) {
        mutex(+1);
        if (semctl(semid, SEM_PRODUCER, GETVAL) == 0)
            fprintf(stderr, "sem_producer: the buffer here was left by a producer that died "
                    "(PID %ld): remove it with ipcrm -s %d -m %d\n", (long)other, semid, shmid);
        else
            fprintf(stderr, "sem_producer: the buffer here already has a producer (PID %ld)\n",
                    (long)other);
        exit(1);
    }
    buf->producer_pid = getpid();
    buf->input = input_id;
    bool same = same_file(&buf->input, &buf->output);
    struct sembuf op = { .sem_num = SEM_PRODUCER, .sem_op = +1, .sem_flg = SEM_UNDO };
    if (semop(semid, &op, 1) == -1)
        die("semop SEM_PRODUCER");
    owner = true;
    mutex(+1);
    if (same) {                         /* stops sem_producer f & sem_consumer f (or a link) */
        fprintf(stderr, "sem_producer: %s is the consumer's OUTFILE (the same file, perhaps "
                "under another name): refused, nothing written\n", input_name);
        give_up(1);
    }
}

/* One read() of at most size bytes, waiting in ticks: 0 at end of input. */
static size_t read_some(int fd, unsigned char *data, size_t size)
{
    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int ready = poll(&pfd, 1, TICK_MS);
        if (ready == -1 && errno != EINTR)
            die("poll");
        if (ready == 1) {
            ssize_t n = read(fd, data, size);
            if (n >= 0)
                return (size_t)n;
            if (errno != EINTR && errno != EAGAIN)
                die("read");
        }
        look_around();
    }
}

int main(int argc, char *argv[])
{
    opterr = 0;                         /* our usage line says it all */
    if (getopt(argc, argv, "") != -1 || argc - optind > 1)
        usage();

    /* The input first: a missing file is reported before anything is created. */
    const char *path = argc > optind ? argv[optind] : NULL;
    int fd = STDIN_FILENO;
    if (path != NULL && (fd = open(path, O_RDONLY)) == -1)
        die(path);
    if (path != NULL)
        input_name = path;
    struct stat st;
    if (fstat(fd, &st) == -1)
        die("fstat");
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        die(input_name);
    }
    input_id = (struct file_id){ S_ISREG(st.st_mode), st.st_dev, st.st_ino };

    /* No SA_RESTART: a signal interrupts poll() and semtimedop() (EINTR). */
    struct sigaction sa = { .sa_handler = on_stop };
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        die("sigaction");

    open_buffer();
    claim_role();
    look_around();                      /* a consumer that came and went already? */

    unsigned long long total = 0;
    for (int in = 0; ; in = (in + 1) % NSLOTS) {
        check_stop();
        if (!p(SEM_EMPTY, 1))           /* a free slot */
            consumer_quit();
        struct slot *slot = &buf->slot[in];
        slot->len = read_some(fd, slot->data, SLOT_SIZE);
        total += slot->len;
        if (!v(SEM_FULL))               /* hand it over */
            consumer_quit();
        if (slot->len == 0)             /* that was the end marker */
            break;
    }

    /* Every slot back, the end marker too: the consumer has written it all.
     * It removes the set just after, so EIDRM here may also mean success. */
    if (!p(SEM_EMPTY, NSLOTS) && buf->consumer_state != DONE)
        consumer_quit();
    fprintf(stderr, "sent %llu bytes\n", total);
    return 0;
}
