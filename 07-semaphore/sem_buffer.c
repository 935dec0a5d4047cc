/*
 * sem_buffer.c -- the set-up that sem_producer and sem_consumer share, written
 * once (as TLPI's svsem/binary_sems.c): creating or joining the bounded buffer
 * (the initialisation race and its cure), claiming a side, noticing a partner
 * that died (presence semaphores with SEM_UNDO) or a stop signal, p() and v()
 * in ticks, and removing the objects. Linked into every program of the lab
 * (lab.mk); sem_buffer.h says what each function does.
 *
 * Each program is one side (start_side). Its semaphore set and segment are
 * found through ftok(".", SEM_PROJ_ID) and ftok(".", SHM_PROJ_ID); the first
 * comer creates both, the second waits until the creator's first semop()
 * (sem_otime != 0) before it uses them. Every wait is cut into ticks of
 * TICK_MS, and between two ticks the side looks around (look_around).
 *
 * Read: semget(2), semop(2) (semtimedop), semctl(2), shmget(2), shmat(2),
 * ftok(3), poll(2), sysvipc(7).
 */
#define _GNU_SOURCE                     /* semtimedop() */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "sem_buffer.h"

#define INIT_TRIES 500                  /* x 10 ms: how long a creator may take to initialise */

/* What differs between the two sides, by role. */
static const struct side {
    const char *program;                /* our name in messages */
    const char *noun;                   /* "producer" */
    const char *file;                   /* the operand's name in the usage line */
    unsigned short presence;            /* 1 while this side is alive */
} sides[2] = {
    [PRODUCER] = { "sem_producer", "producer", "FILE", SEM_PRODUCER },
    [CONSUMER] = { "sem_consumer", "consumer", "OUTFILE", SEM_CONSUMER },
};

static volatile sig_atomic_t stop_signal;
static enum role me;                    /* set by start_side(); the partner is !me */
static int semid = -1, shmid = -1;
static struct buffer *buf;
static bool owner;                      /* we may remove the objects (we created or joined them) */

static void on_stop(int sig) { stop_signal = sig; }

void start_side(enum role role)
{
    me = role;
    struct sigaction sa = { .sa_handler = on_stop };
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        die("sigaction");
}

/* ---------------------------------------------------------------- ending */

void remove_buffer(void)
{
    if (semctl(semid, 0, IPC_RMID) == -1 && errno != EINVAL && errno != EIDRM)
        fprintf(stderr, "%s: semctl IPC_RMID: %s\n", sides[me].program, strerror(errno));
    if (shmid != -1 && shmctl(shmid, IPC_RMID, NULL) == -1 && errno != EINVAL && errno != EIDRM)
        fprintf(stderr, "%s: shmctl IPC_RMID: %s\n", sides[me].program, strerror(errno));
}

/* The segment stays attached to a partner woken with EIDRM, so it can
 * still read our FAILED there. */
void give_up(int status)
{
    if (owner) {
        if (buf != NULL)
            buf->state[me] = FAILED;
        remove_buffer();
    }
    exit(status);
}

void die(const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", sides[me].program, what, strerror(errno));
    give_up(1);
}

void not_written(const char *function, const char *file)
{
    fprintf(stderr, "%s: %s: not written yet (TODO in %s)\n", sides[me].program, function, file);
    give_up(1);
}

void check_stop(void)
{
    if (stop_signal) {
        fprintf(stderr, "%s: stopped by signal %d%s\n", sides[me].program, (int)stop_signal,
                owner ? "; buffer removed" : "");
        give_up(128 + stop_signal);
    }
}

/* A partner that came and is gone: its SEM_UNDO took its presence semaphore
 * back to 0, however it died. (kill(pid, 0) would be fooled by a zombie or
 * a reused PID.) */
void look_around(void)
{
    check_stop();
    pid_t pid = buf->pid[!me];
    if (pid == 0)
        return;                         /* not come yet: keep waiting */
    int alive = semctl(semid, sides[!me].presence, GETVAL);
    if (alive == -1 && (errno == EINVAL || errno == EIDRM))
        return;                         /* removed: our next semop() tells */
    if (alive == -1)
        die("semctl GETVAL");
    if (alive == 0) {
        fprintf(stderr, "%s: %s (PID %ld) has died; buffer removed\n", sides[me].program,
                sides[!me].program, (long)pid);
        give_up(1);
    }
}

/* Removed by the partner, which failed or was stopped and has said so, or by
 * someone else (ipcrm). */
void partner_quit(void)
{
    if (buf->state[!me] == FAILED)
        fprintf(stderr, "%s: %s gave up and removed the buffer\n", sides[me].program,
                sides[!me].program);
    else
        fprintf(stderr, "%s: the buffer was removed\n", sides[me].program);
    exit(1);
}

/* ---------------------------------------------------------------- p() and v() */

bool p(unsigned short num, short n)
{
#ifdef SOLUTION
    static const struct timespec tick = { 0, TICK_MS * 1000000L };
    struct sembuf op = { .sem_num = num, .sem_op = (short)-n, .sem_flg = 0 };

    /* The wait is cut into ticks, so that a signal or a dead partner is noticed. */
    while (semtimedop(semid, &op, 1, &tick) == -1) {
        if (errno == EIDRM || errno == EINVAL)
            return false;
        if (errno != EAGAIN && errno != EINTR)     /* EAGAIN: the tick is over */
            die("semop");
        look_around();
    }
    return true;
#else
    /* TODO: take n from semaphore num with semtimedop() (sem_op -n, a tick of
     * TICK_MS as its time limit). EAGAIN (the tick is over) and EINTR: call
     * look_around() and try again. EIDRM or EINVAL (the set was removed):
     * return false. Any other error: die("semop"). Checked by:
     * make test LAB=07 T='arrive|meet|either order|empty input|truncated|producer first|waits for the consumer' */
    (void)num;
    (void)n;
    not_written("p", "sem_buffer.c");
#endif
}

bool v(unsigned short num)
{
#ifdef SOLUTION
    struct sembuf op = { .sem_num = num, .sem_op = +1, .sem_flg = 0 };

    while (semop(semid, &op, 1) == -1) {
        if (errno == EIDRM || errno == EINVAL)
            return false;
        if (errno != EINTR)
            die("semop");
    }
    return true;
#else
    /* TODO: add 1 to semaphore num with semop() (it never blocks), retrying on
     * EINTR. EIDRM or EINVAL: return false; any other error: die("semop").
     * Checked by:
     * make test LAB=07 T='arrive|meet|either order|empty input|truncated|producer first|waits for the consumer' */
    (void)num;
    not_written("v", "sem_buffer.c");
#endif
}

/* Takes (-1) or releases (+1) SEM_MUTEX. It is held for a few instructions
 * only, so the wait needs no ticks. */
static void mutex(short delta)
{
#ifdef SOLUTION
    /* SEM_UNDO: a process killed while it holds the mutex does not keep it. */
    struct sembuf op = { .sem_num = SEM_MUTEX, .sem_op = delta, .sem_flg = SEM_UNDO };

    while (semop(semid, &op, 1) == -1) {
        if (errno != EINTR)
            die("semop mutex");
        check_stop();
    }
#else
    /* TODO: add delta to SEM_MUTEX with semop() and SEM_UNDO (so that a
     * process killed while it holds the mutex gives it back). On EINTR call
     * check_stop() and try again; any other error: die("semop mutex").
     * Checked by:
     * make test LAB=07 T='arrive|meet|either order|empty input|truncated|producer first|waits for the consumer' */
    (void)delta;
    not_written("mutex", "sem_buffer.c");
#endif
}

/* ---------------------------------------------------------------- opening */

static void attach_segment(void)
{
    buf = shmat(shmid, NULL, 0);
    if (buf == (void *)-1) {
        buf = NULL;
        die("shmat");
    }
}

/* Our new set's segment key is taken: by another user's segment (rule 13),
 * or by ours, left by a run that crashed (rule 14). Only looks. */
static void explain_segment_taken(key_t shmkey)
{
    struct shmid_ds ds;
    int old = shmget(shmkey, 0, 0);

    if (old == -1)
        fprintf(stderr, "%s: the segment key 0x%08x was taken, and is free again: run %s again\n",
                sides[me].program, (unsigned)shmkey, sides[me].program);
    else if (own_segment(sides[me].program, old, shmkey, &ds))
        fprintf(stderr, "%s: a segment of yours (id %d) with this folder's key is left from a "
                "run that crashed: remove it with: ipcrm -m %d\n", sides[me].program, old, old);
}

/* Finds the set at semkey, or creates it, exclusively: exactly one of two
 * sides started at once creates it. Returns true if we did. */
static bool create_or_find_set(key_t semkey)
{
#ifdef SOLUTION
    for (;;) {
        semid = semget(semkey, NSEMS, IPC_CREAT | IPC_EXCL | OWNER_ONLY);
        if (semid != -1)
            return true;
        if (errno != EEXIST)
            die("semget");
        semid = semget(semkey, 0, 0);
        if (semid != -1)
            return false;
        if (errno != ENOENT)            /* ENOENT: removed meanwhile, try again */
            die("semget");
    }
#else
    /* TODO: create the set of NSEMS semaphores with semget(), IPC_CREAT |
     * IPC_EXCL | OWNER_ONLY, into semid: then return true. If it exists
     * (EEXIST), find it with semget(semkey, 0, 0) and return false; if that
     * says ENOENT (removed meanwhile), start again. Other errors: die("semget").
     * Checked by:
     * make test LAB=07 T='another user|may not even read' */
    (void)semkey;
    not_written("create_or_find_set", "sem_buffer.c");
#endif
}

/* First comer: creates the segment, exclusively, and initialises the set.
 * Nobody may use the set before that: a joiner waits until sem_otime, the
 * time of the last semop(), is set, which happens with our first semop(),
 * the mutex() of claim_role(). */
static void create_buffer(key_t shmkey)
{
    owner = true;                       /* from here on, give_up() removes the set */
    shmid = shmget(shmkey, sizeof *buf, IPC_CREAT | IPC_EXCL | OWNER_ONLY);
    if (shmid == -1 && errno == EEXIST) {
        explain_segment_taken(shmkey);
        give_up(1);                     /* removes our new set, nothing else */
    }
    if (shmid == -1)
        die("shmget");
    attach_segment();
    buf->nslots = NSLOTS;
    buf->slot_size = SLOT_SIZE;

#ifdef SOLUTION
    unsigned short values[NSEMS] = { [SEM_EMPTY] = NSLOTS, [SEM_MUTEX] = 1 };
    union semun arg = { .array = values };
    if (semctl(semid, 0, SETALL, arg) == -1)
        die("semctl SETALL");
#else
    /* TODO: give every semaphore its first value in one semctl(SETALL) call
     * (union semun's array): EMPTY NSLOTS (every slot free), MUTEX 1 (free),
     * the others 0. On failure: die("semctl SETALL"). Checked by:
     * make test LAB=07 T='arrive|meet|either order|empty input|truncated|producer first|waits for the consumer' */
    not_written("create_buffer", "sem_buffer.c");
#endif
}

/* The set we found must be ours alone (rule 13) and this lab's. */
static void check_set(key_t semkey, struct semid_ds *ds)
{
    if (!own_set(sides[me].program, semid, semkey, ds))  /* someone else's: touch nothing */
        exit(1);
    if (ds->sem_nsems != NSEMS) {
        fprintf(stderr, "%s: semaphore set %d has %lu semaphores, not %d: not this lab's; if "
                "no program of yours uses it, remove it with: ipcrm -s %d\n", sides[me].program,
                semid, (unsigned long)ds->sem_nsems, NSEMS, semid);
        exit(1);
    }
}

/* The cure for the initialisation race: the set exists, but its creator may
 * not have initialised it yet. ds holds the set's IPC_STAT. */
static void wait_for_creator(struct semid_ds *ds)
{
#ifdef SOLUTION
    union semun arg = { .buf = ds };

    for (int tries = 0; ds->sem_otime == 0; tries++) {     /* no semop() yet */
        if (tries == INIT_TRIES) {
            fprintf(stderr, "%s: semaphore set %d was never initialised, left by a crashed "
                    "run: remove it with: ipcrm -s %d\n", sides[me].program, semid, semid);
            exit(1);
        }
        check_stop();
        if (nanosleep(&(struct timespec){ 0, 10 * 1000000L }, NULL) == -1 && errno != EINTR)
            die("nanosleep");
        if (semctl(semid, 0, IPC_STAT, arg) == -1)
            die("semctl IPC_STAT");
    }
#else
    /* TODO: wait until ds->sem_otime is not 0 (the creator's first semop()
     * comes after its SETALL): every 10 ms (nanosleep, then check_stop()),
     * read the set again with semctl(IPC_STAT); after INIT_TRIES tries say
     * the set was never initialised, naming `ipcrm -s ID`, and exit(1).
     * Checked by:
     * make test LAB=07 T='without its segment|same moment' */
    (void)ds;
    not_written("wait_for_creator", "sem_buffer.c");
#endif
}

/* Second comer: checks the set (refused, untouched, if not ours), waits
 * (boundedly) for its creator, then checks and attaches the segment. */
static void join_buffer(key_t semkey, key_t shmkey)
{
    struct semid_ds ds;

    check_set(semkey, &ds);
    wait_for_creator(&ds);
    shmid = shmget(shmkey, 0, 0);
    if (shmid == -1 && errno == ENOENT) {
        /* The creator makes the segment before it initialises the set, so an
         * initialised set without one is what a crashed run left (rule 14). */
        union semun arg = { .buf = &ds };
        if (semctl(semid, 0, IPC_STAT, arg) == -1) {
            fprintf(stderr, "%s: the buffer was removed while we joined it\n", sides[me].program);
            exit(1);
        }
        fprintf(stderr, "%s: semaphore set %d is left here without its segment, by a run "
                "that crashed: remove it with: ipcrm -s %d (or make clean-ipc)\n",
                sides[me].program, semid, semid);
        exit(1);
    }
    if (shmid == -1)
        die("shmget");
    struct shmid_ds shm;
    if (!own_segment(sides[me].program, shmid, shmkey, &shm))
        exit(1);
    if (shm.shm_segsz < sizeof *buf) {
        fprintf(stderr, "%s: segment %d holds %zu bytes, less than the %zu of our buffer: if no "
                "program of yours uses it, remove it with: ipcrm -s %d -m %d\n", sides[me].program,
                shmid, (size_t)shm.shm_segsz, sizeof *buf, semid, shmid);
        exit(1);
    }
    attach_segment();
    if (buf->nslots != NSLOTS || buf->slot_size != SLOT_SIZE) {
        fprintf(stderr, "%s: the buffer has %d slots of %d bytes, we were built for %d of %d\n",
                sides[me].program, buf->nslots, buf->slot_size, NSLOTS, SLOT_SIZE);
        exit(1);
    }
}

struct buffer *open_buffer(void)
{
    key_t semkey = ftok(".", SEM_PROJ_ID);
    key_t shmkey = ftok(".", SHM_PROJ_ID);
    if (semkey == -1 || shmkey == -1)
        die("ftok .");

    if (create_or_find_set(semkey))
        create_buffer(shmkey);
    else
        join_buffer(semkey, shmkey);
    return buf;
}

/* SEM_PRODUCER or SEM_CONSUMER goes to 1 with SEM_UNDO, so it drops back to
 * 0 when we die, however we die: that is how the partner knows we are gone. */
void claim_role(const struct file_id *file, const char *file_name)
{
    mutex(-1);
    pid_t other = buf->pid[me];
    if (other != 0) {
        mutex(+1);
        if (semctl(semid, sides[me].presence, GETVAL) == 0)
            fprintf(stderr, "%s: the buffer here was left by a %s that died (PID %ld): remove it "
                    "with ipcrm -s %d -m %d\n", sides[me].program, sides[me].noun, (long)other,
                    semid, shmid);
        else
            fprintf(stderr, "%s: the buffer here already has a %s (PID %ld)\n",
                    sides[me].program, sides[me].noun, (long)other);
        exit(1);
    }
    buf->pid[me] = getpid();
    buf->file[me] = *file;
    bool same = same_file(&buf->file[PRODUCER], &buf->file[CONSUMER]);
    owner = true;                       /* joined: from here on, give_up() removes the objects */
#ifdef SOLUTION
    struct sembuf op = { .sem_num = sides[me].presence, .sem_op = +1, .sem_flg = SEM_UNDO };
    if (semop(semid, &op, 1) == -1)
        die(me == PRODUCER ? "semop SEM_PRODUCER" : "semop SEM_CONSUMER");
#else
    /* TODO: say that we are alive: add 1 to our presence semaphore
     * (sides[me].presence) with semop() and SEM_UNDO, so that the kernel takes
     * it back to 0 when we die, however we die. On failure: die("semop").
     * Checked by:
     * make test LAB=07 T='killed mid-transfer|same file' */
    not_written("claim_role", "sem_buffer.c");
#endif
    mutex(+1);
    if (same) {                         /* stops sem_producer f & sem_consumer f (or a link) */
        fprintf(stderr, "%s: %s is the %s's %s (the same file, perhaps under another name): "
                "refused, nothing written\n", sides[me].program, file_name, sides[!me].noun,
                sides[!me].file);
        give_up(1);
    }
}

/* ---------------------------------------------------------------- waiting I/O */

size_t read_some(int fd, unsigned char *data, size_t size)
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

void write_all(int fd, const char *name, const unsigned char *data, size_t len)
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
