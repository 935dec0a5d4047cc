/*
 * ipc_bench -- which IPC mechanism is fastest? Measures them side by side.
 *
 * Usage:   ipc_bench [-q] [-r RUNS] [-k KIB] [-n ROUNDTRIPS] [-m LIST] [-o CSV] [-p PNG]
 *
 * For each mechanism the program forks a child and moves messages between the
 * two processes: a stream of messages one way for the throughput (MB/s, with
 * messages of 64 B, 4 KiB, 64 KiB and 1 MiB), then a ping-pong of 64-byte
 * messages for the round-trip time (median and 99th percentile, in
 * microseconds). Every figure is the median of RUNS runs that follow one
 * warm-up run, which is not counted. The receiver checks the sequence number
 * at both ends of every message, and every byte during the warm-up, so that
 * no copy can be optimised away and no torn message goes unnoticed.
 *
 *     pipe        two pipes, one per direction
 *     fifo        two FIFOs, opened by name
 *     msgqueue    one System V message queue, one message type per direction
 *     shm_sem     rings of slots in System V shared memory; semaphores count
 *                 the free and the filled slots
 *     shm_signal  the same rings; each message is followed by a SIGUSR1, and
 *                 a process with nothing to do waits in sigsuspend()
 *     shm_spin    the same rings; a process with nothing to do spins on the
 *                 C11 atomic counters (the latency floor)
 *     socketpair  a Unix domain stream socket pair (reference)
 *     memcpy      one process copying its own memory (the upper bound)
 *
 * It prints a table, writes the same figures to a CSV file (-o, default
 * ipc_bench.csv) and, when gnuplot is installed, draws them into a PNG chart
 * (-p, default ipc_bench.png), each under a temporary name renamed once
 * complete, so a failure leaves the old files. -q is a quick run of a few seconds; -r, -k and
 * -n set the runs per figure, the KiB a throughput run moves and the round
 * trips a latency run makes (defaults 5, 131072 and 10000; -q: 3, 4096, 1000,
 * and a tenth of the messages).
 * -m measures only the mechanisms listed, e.g. -m pipe,shm_spin.
 *
 * Partner: none; the child is a copy of this program. Objects: the parent
 * creates each test's message queue, shared memory segment, semaphore set or
 * FIFOs (keys and names of the current folder, mode 0600, created exclusively)
 * and removes them when the test ends, when anything fails, and on SIGINT or
 * SIGTERM. One that is there already is never used: it names its owner, or
 * the command that removes a leftover of yours, and exits 1. A child whose
 * parent dies is killed by the kernel (PR_SET_PDEATHSIG).
 *
 * Example (after a heading; figures in MB/s, then round trips in µs):
 *     $ ./ipc_bench -q -m pipe
 *     pipe            11.8      500     3363     2004      13.5      142
 *
 * Read: pipe(7), fifo(7), msgop(2), shmop(2), semop(2), sigsuspend(2),
 * unix(7), sched_setaffinity(2), clock_gettime(2).
 */
#define _GNU_SOURCE /* sched_setaffinity(), CPU_SET(), struct msginfo */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipc_bench.h"

/* Counters in shared memory must work without a lock (C11 7.17.5). */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_uint must be lock-free");

#define USAGE "usage: ipc_bench [-q] [-r RUNS] [-k KIB] [-n ROUNDTRIPS] [-m LIST] [-o CSV] [-p PNG]\n"

#define NSIZES 4
static const size_t sizes[NSIZES] = {64, 4096, 65536, 1048576};
static const char *const size_names[NSIZES] = {"64 B", "4 KiB", "64 KiB", "1 MiB"};

/* The memcpy row times its round trips in batches: one is too short for the clock. */
#define COPY_BATCH 100

enum { PARENT, CHILD };        /* which process a link belongs to */
enum { TO_CHILD, TO_PARENT };  /* a direction: its pipe, its ring, its message type - 1 */
enum kind { STREAM, PINGPONG };

/* One process's end of a mechanism. */
struct link {
    int side;                   /* PARENT or CHILD */
    int out, in;                /* the directions this side sends and receives on */
    pid_t partner;
    int fds[2][2];              /* pipe(): one pair per direction; socketpair(): fds[0] */
    int out_fd, in_fd;
    int msqid;
    int semid;
    char *shm;
    struct ring *rings;         /* rings[TO_CHILD], rings[TO_PARENT] */
    size_t slot_size;
    unsigned nslots;
    unsigned sent, received;    /* messages this side has sent and received */
    unsigned seen_tail;         /* shm_spin: the partner's counters as last read */
    unsigned seen_head;
    sigset_t saved_mask, wait_mask;
};

struct mechanism {
    const char *name;
    bool (*fits)(size_t size);  /* NULL: any message size */
    void (*open)(struct link *l, size_t size);  /* the parent, before fork() */
    void (*attach)(struct link *l);             /* each process, after fork() */
    void (*send)(struct link *l, struct message *m, size_t len);
    void (*recv)(struct link *l, struct message *m, size_t len);
    void (*detach)(struct link *l);             /* each process, at the end */
};

/* One test: COUNT messages of SIZE bytes one way, or COUNT round trips. */
struct test {
    enum kind kind;
    size_t size;
    size_t count;
    unsigned runs;
};

struct buffers {
    struct message *out, *in;
    char *pattern;              /* what every message holds between its sequence numbers */
};

struct row {
    double mbps[NSIZES];        /* -1: not measured */
    double rtt_median, rtt_p99;
};

static volatile sig_atomic_t stop_signal;   /* SIGINT or SIGTERM arrived */
static volatile sig_atomic_t child_exited;  /* SIGCHLD arrived */

/* What the parent must undo when it stops early. The child forgets it. */
static struct {
    pid_t child;
    int msqid, semid, shmid;
    void *shm;
    int fifos;                  /* how many of the two FIFOs exist */
} live = {0, -1, -1, -1, NULL, 0};

static char temporary[PATH_MAX];    /* the CSV or PNG being written, until renamed */
static const char *current = "";    /* the mechanism being measured, for messages */
static size_t msg_limit;            /* the largest message a queue takes */
static cpu_set_t original_cpus;     /* the CPUs we may run on */
static int spin_cpus[2] = {-1, -1}; /* shm_spin: one CPU for each process */
static unsigned spin_tries;

static bool release_all(void);
static bool remove_fifos(void);
static _Noreturn void key_taken(char kind, key_t key);
static _Noreturn void fifo_taken(const char *path);

static _Noreturn void die(const char *what)
{
    int err = errno;
    fprintf(stderr, "ipc_bench: %s%s%s: %s\n", current, *current ? ": " : "", what,
            strerror(err));
    release_all();
    exit(1);
}

static _Noreturn void fail(const char *format, ...)
{
    va_list args;
    fprintf(stderr, "ipc_bench: %s%s", current, *current ? ": " : "");
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    release_all();
    exit(1);
}

static _Noreturn void partner_ended(void)
{
    fail("the other process ended early");
}

/* ------------------------------------------------------------ signals */

static void on_stop(int sig) { stop_signal = sig; }
static void on_child(int sig) { (void)sig; child_exited = 1; }
/* SIGUSR1 (shm_signal) needs a handler only so that it ends sigsuspend()
 * instead of killing us; the ring itself says what happened. */
static void on_wakeup(int sig) { (void)sig; }

static void catch_signal(int sig, void (*handler)(int))
{
    struct sigaction sa = {.sa_handler = handler};
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a signal interrupts a waiting call (EINTR), so that we
     * look at the flags instead of waiting on. */
    if (sigaction(sig, &sa, NULL) == -1)
        die("sigaction");
}

/* Ctrl-C or kill: remove every object, then die of the same signal. */
static _Noreturn void interrupted(void)
{
    int sig = stop_signal;
    sigset_t only;

    bool removed = release_all();
    fprintf(stderr, "ipc_bench: %s: stopped; %s\n", strsignal(sig),
            removed ? "every IPC object removed" : "see above what is left (make clean-ipc)");
    catch_signal(sig, SIG_DFL);
    sigemptyset(&only);
    sigaddset(&only, sig);
    if (sigprocmask(SIG_UNBLOCK, &only, NULL) == -1 || raise(sig) != 0)
        die("raise");
    exit(128 + sig);
}

static void check_stop(void)
{
    if (stop_signal)
        interrupted();
}

/* ------------------------------------------------------------ the parent's cleanup */

/* Reports a failed clean-up call; returns false, for the caller to remember. */
static bool report(const char *what)
{
    fprintf(stderr, "ipc_bench: %s: %s\n", what, strerror(errno));
    return false;
}

static bool remove_fifos(void)
{
    bool ok = true;
    if (live.fifos >= 1 && unlink(FIFO_TO_CHILD) == -1)
        ok = report("unlink " FIFO_TO_CHILD);
    if (live.fifos >= 2 && unlink(FIFO_TO_PARENT) == -1)
        ok = report("unlink " FIFO_TO_PARENT);
    live.fifos = 0;
    return ok;
}

/* Kills and reaps the child if it still runs, removes every object that
 * exists. Used on every path, failures included, so it goes on after a
 * failed call; it returns false if there was one. */
static bool release_all(void)
{
    bool ok = true;
    if (live.child > 0) {
        if (kill(live.child, SIGKILL) == -1)
            ok = report("kill");
        while (waitpid(live.child, NULL, 0) == -1 && errno == EINTR)
            continue;
        live.child = 0;
    }
    /* Detach before IPC_RMID: a segment removed while attached lingers
     * (key 0, "dest") until the last process detaches. */
    if (live.shm != NULL && shmdt(live.shm) == -1)
        ok = report("shmdt");
    live.shm = NULL;
    if (live.shmid != -1 && shmctl(live.shmid, IPC_RMID, NULL) == -1)
        ok = report("shmctl IPC_RMID");
    live.shmid = -1;
    if (live.semid != -1 && semctl(live.semid, 0, IPC_RMID) == -1)
        ok = report("semctl IPC_RMID");
    live.semid = -1;
    if (live.msqid != -1 && msgctl(live.msqid, IPC_RMID, NULL) == -1)
        ok = report("msgctl IPC_RMID");
    live.msqid = -1;
    if (temporary[0] != '\0' && unlink(temporary) == -1)
        ok = report(temporary);
    temporary[0] = '\0';
    return remove_fifos() && ok;
}

/* ------------------------------------------------------------ messages */

static int64_t now_ns(void)
{
    struct timespec t;
    /* CLOCK_MONOTONIC: wall-clock time that never jumps. clock() would count
     * CPU time, which a process waiting for its partner does not use. */
    if (clock_gettime(CLOCK_MONOTONIC, &t) == -1)
        die("clock_gettime");
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static struct message *new_message(size_t size)
{
    struct message *m = malloc(sizeof *m + size);
    if (m == NULL)
        die("malloc");
    return m;
}

/* The first and the last 8 bytes of a message carry its sequence number. */
static void stamp(struct message *m, size_t len, uint64_t seq)
{
    memcpy(m->data, &seq, sizeof seq);
    memcpy(m->data + len - sizeof seq, &seq, sizeof seq);
}

static uint64_t sequence(const struct message *m)
{
    uint64_t seq;
    memcpy(&seq, m->data, sizeof seq);
    return seq;
}

/* True if m carries seq at both ends and, when pattern is given, the
 * pattern's bytes in between. */
static bool intact(const struct message *m, size_t len, uint64_t seq, const char *pattern)
{
    uint64_t last;
    memcpy(&last, m->data + len - sizeof last, sizeof last);
    if (sequence(m) != seq || last != seq)
        return false;
    return pattern == NULL || memcmp(m->data + 8, pattern + 8, len - 16) == 0;
}

static struct buffers new_buffers(size_t size)
{
    struct buffers b = {new_message(size), new_message(size), malloc(size)};
    if (b.pattern == NULL)
        die("malloc");
    for (size_t i = 0; i < size; i++)
        b.pattern[i] = (char)(i * 7 + 3);
    memcpy(b.out->data, b.pattern, size);
    return b;
}

static void free_buffers(struct buffers *b)
{
    free(b->out);
    free(b->in);
    free(b->pattern);
}

/* ------------------------------------------------------------ pipe, FIFO, socket pair */

static void fd_send(struct link *l, struct message *m, size_t len)
{
    const char *p = m->data;
    while (len > 0) {
        ssize_t n = write(l->out_fd, p, len);
        if (n == -1 && errno == EPIPE)
            partner_ended();
        if (n == -1 && errno != EINTR)
            die("write");
        if (n == -1) {
            check_stop();
            continue;
        }
        p += n;
        len -= (size_t)n;
    }
}

/* A stream has no message boundaries: read until the whole message is in. */
static void fd_recv(struct link *l, struct message *m, size_t len)
{
    char *p = m->data;
    while (len > 0) {
        ssize_t n = read(l->in_fd, p, len);
        if (n == 0)
            partner_ended();
        if (n == -1 && errno != EINTR)
            die("read");
        if (n == -1) {
            check_stop();
            continue;
        }
        p += n;
        len -= (size_t)n;
    }
}

static void fd_detach(struct link *l)
{
    if (close(l->in_fd) == -1 || (l->out_fd != l->in_fd && close(l->out_fd) == -1))
        die("close");
}

static void pipe_open(struct link *l, size_t size)
{
    (void)size;
    if (pipe(l->fds[TO_CHILD]) == -1 || pipe(l->fds[TO_PARENT]) == -1)
        die("pipe");
}

static void pipe_attach(struct link *l)
{
    /* Keep the write end of our direction and the read end of the other:
     * with the rest closed, a partner's exit shows as end of file. */
    if (close(l->fds[l->out][0]) == -1 || close(l->fds[l->in][1]) == -1)
        die("close");
    l->out_fd = l->fds[l->out][1];
    l->in_fd = l->fds[l->in][0];
}

static void fifo_open(struct link *l, size_t size)
{
    (void)l, (void)size;
    /* EEXIST: a name that is there already is never used (fifo_taken). */
    if (mkfifo(FIFO_TO_CHILD, IPC_MODE) == -1) {
        if (errno == EEXIST)
            fifo_taken(FIFO_TO_CHILD);
        die("mkfifo " FIFO_TO_CHILD);
    }
    live.fifos = 1;
    if (mkfifo(FIFO_TO_PARENT, IPC_MODE) == -1) {
        if (errno == EEXIST)
            fifo_taken(FIFO_TO_PARENT);
        die("mkfifo " FIFO_TO_PARENT);
    }
    live.fifos = 2;
}

static int open_fifo(const char *path, int flags)
{
    for (;;) {
        /* O_NOFOLLOW and the check: never a link or a FIFO put in ours' place. */
        int fd = open(path, flags | O_NOFOLLOW);
        struct stat st;
        if (fd != -1 && fstat(fd, &st) == -1)
            die(path);
        if (fd != -1 && (!S_ISFIFO(st.st_mode) || st.st_uid != geteuid() ||
                         (st.st_mode & 0777) != IPC_MODE))
            fail("%s is not the FIFO ipc_bench made (owner uid %ld, mode %04o): not used",
                 path, (long)st.st_uid, (unsigned)(st.st_mode & 0777));
        if (fd != -1)
            return fd;
        if (errno != EINTR)
            die(path);
        check_stop();
        if (child_exited)
            partner_ended();
    }
}

static void fifo_attach(struct link *l)
{
    /* Opening one end waits until the other end is opened too, so both
     * processes open the FIFOs in the same order: to the child first. */
    int to_child = open_fifo(FIFO_TO_CHILD, l->side == PARENT ? O_WRONLY : O_RDONLY);
    int to_parent = open_fifo(FIFO_TO_PARENT, l->side == PARENT ? O_RDONLY : O_WRONLY);
    l->out_fd = l->side == PARENT ? to_child : to_parent;
    l->in_fd = l->side == PARENT ? to_parent : to_child;
    /* Both processes have both FIFOs open now: the names have done their job. */
    if (l->side == PARENT && !remove_fifos())
        fail("the FIFOs could not be removed");
}

static void socket_open(struct link *l, size_t size)
{
    (void)size;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, l->fds[0]) == -1)
        die("socketpair");
}

static void socket_attach(struct link *l)
{
    /* One socket each; each is both ends of a two-way stream. */
    int mine = l->side == PARENT ? 0 : 1;
    if (close(l->fds[0][1 - mine]) == -1)
        die("close");
    l->out_fd = l->in_fd = l->fds[0][mine];
}

/* ------------------------------------------------------------ System V message queue */

static bool msgqueue_fits(size_t size)
{
    return size <= msg_limit;
}

static void msgqueue_open(struct link *l, size_t size)
{
    (void)size;
    key_t key = ftok(".", MSG_PROJ_ID);
    if (key == -1)
        die("ftok");
    /* IPC_EXCL: a queue already there (a killed run's, another user's) is
     * reported, never used (key_taken). */
    l->msqid = msgget(key, IPC_CREAT | IPC_EXCL | IPC_MODE);
    if (l->msqid == -1) {
        if (errno == EEXIST)
            key_taken('q', key);
        die("msgget");
    }
    live.msqid = l->msqid;
}

static void no_attach(struct link *l) { (void)l; }

/*
 * The waits below read child_exited before they try: a child that has exited
 * had sent all it ever would, so a try that finds nothing after that proves
 * the child is gone. (A child that dies in the instant between the flag and
 * msgrcv() is not noticed; Ctrl-C still ends the run cleanly.)
 */
static void msgqueue_send(struct link *l, struct message *m, size_t len)
{
    m->type = l->out + 1;       /* types must be positive: 1 to the child, 2 to the parent */
    for (;;) {
        bool gone = child_exited;
        if (msgsnd(l->msqid, m, len, gone ? IPC_NOWAIT : 0) == 0)
            return;
        if (gone && errno == EAGAIN)
            partner_ended();
        if (errno != EINTR)
            die("msgsnd");
        check_stop();
    }
}

static void msgqueue_recv(struct link *l, struct message *m, size_t len)
{
    for (;;) {
        bool gone = child_exited;
        ssize_t n = msgrcv(l->msqid, m, len, l->in + 1, gone ? IPC_NOWAIT : 0);
        if (n == (ssize_t)len)
            return;
        if (n >= 0)
            fail("a message of %zd bytes where %zu were sent", n, len);
        if (gone && errno == ENOMSG)
            partner_ended();
        if (errno != EINTR)
            die("msgrcv");
        check_stop();
    }
}

static void no_detach(struct link *l) { (void)l; }

/* ------------------------------------------------------------ shared-memory rings */

static char *slot(struct link *l, int direction, unsigned n)
{
    size_t index = (size_t)direction * l->nslots + n % l->nslots;
    return l->shm + SLOTS_OFFSET + index * l->slot_size;
}

static void shm_open_rings(struct link *l, size_t size)
{
    l->slot_size = size;
    l->nslots = size <= RING_BYTES / RING_MIN_SLOTS ? RING_BYTES / size : RING_MIN_SLOTS;
    key_t key = ftok(".", SHM_PROJ_ID);
    if (key == -1)
        die("ftok");
    int shmid = shmget(key, SLOTS_OFFSET + 2 * l->nslots * size, IPC_CREAT | IPC_EXCL | IPC_MODE);
    if (shmid == -1) {
        if (errno == EEXIST)
            key_taken('m', key);
        die("shmget");
    }
    live.shmid = shmid;
    /* The child inherits the attachment through fork(). */
    l->shm = shmat(shmid, NULL, 0);
    if (l->shm == (void *)-1)
        die("shmat");
    live.shm = l->shm;
    l->rings = (struct ring *)(void *)l->shm;
    for (int d = TO_CHILD; d <= TO_PARENT; d++) {
        atomic_init(&l->rings[d].head, 0);
        atomic_init(&l->rings[d].tail, 0);
    }
}

/* shm_sem: per direction, semaphore 2d counts the free slots, 2d+1 the filled ones. */
union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

static void sem_open(struct link *l, size_t size)
{
    shm_open_rings(l, size);
    key_t key = ftok(".", SEM_PROJ_ID);
    if (key == -1)
        die("ftok");
    l->semid = semget(key, 4, IPC_CREAT | IPC_EXCL | IPC_MODE);
    if (l->semid == -1) {
        if (errno == EEXIST)
            key_taken('s', key);
        die("semget");
    }
    live.semid = l->semid;
    /* Set before fork(): the child cannot use the set before it is ready. */
    unsigned short values[4] = {(unsigned short)l->nslots, 0, (unsigned short)l->nslots, 0};
    if (semctl(l->semid, 0, SETALL, (union semun){.array = values}) == -1)
        die("semctl SETALL");
}

/* ------------------------------------------------------------ objects already there */

/* The owner of object id, from /proc/sysvipc (readable by all; uid in column 8
 * of msg and shm, 5 of sem): for an object whose IPC_STAT we may not read. */
static long owner_from_proc(char kind, int id)
{
    const char *file = kind == 'q' ? "/proc/sysvipc/msg" : kind == 'm' ? "/proc/sysvipc/shm"
                                                                       : "/proc/sysvipc/sem";
    const char *format = kind == 's' ? "%*s %d %*s %*s %ld" : "%*s %d %*s %*s %*s %*s %*s %ld";
    FILE *f = fopen(file, "r");
    char line[512];
    long owner = -1, uid;
    int object;
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, format, &object, &uid) == 2 && object == id)
            owner = uid;
    fclose(f);
    return owner;
}

/*
 * Something is at one of this folder's keys (IPC_EXCL said EEXIST). ftok()
 * keys are easy to guess, so it may be another user's trap: it is never
 * used. Says whose it is and what to do, touching nothing (rules 13, 14).
 */
static _Noreturn void key_taken(char kind, key_t key)
{
    const char *what = kind == 'q' ? "message queue" : kind == 'm' ? "shared memory segment"
                                                                   : "semaphore set";
    struct msqid_ds q;
    struct shmid_ds m;
    struct semid_ds s;
    struct ipc_perm *perm = NULL;
    int id;
    if (kind == 'q') {
        id = msgget(key, 0);
        if (id != -1 && msgctl(id, IPC_STAT, &q) == 0)
            perm = &q.msg_perm;
    } else if (kind == 'm') {
        id = shmget(key, 0, 0);
        if (id != -1 && shmctl(id, IPC_STAT, &m) == 0)
            perm = &m.shm_perm;
    } else {
        id = semget(key, 0, 0);
        if (id != -1 && semctl(id, 0, IPC_STAT, (union semun){.buf = &s}) == 0)
            perm = &s.sem_perm;
    }
    if (id == -1)
        fail("this folder's key for the %s was taken, and is free again: run ipc_bench again", what);
    uid_t me = geteuid();
    if (perm != NULL && perm->uid == me && perm->cuid == me && (perm->mode & 0777) == IPC_MODE)
        fail("a %s of yours (id %d) is at this folder's key: left by an ipc_bench that was killed,"
             " or one running here now. If none runs here, remove it with:\n    ipcrm -%c %d",
             what, id, kind, id);
    long owner = perm != NULL ? (long)perm->uid : owner_from_proc(kind, id);
    char mode[32] = "that you may not even read";
    if (perm != NULL)
        snprintf(mode, sizeof mode, "mode %04o", (unsigned)(perm->mode & 0777));
    fail("the %s at this folder's key 0x%08x (id %d) belongs to uid %ld%s, %s: ipc_bench"
         " uses only its own objects, mode %04o, so it used nothing. Only uid %ld or root can"
         " remove it (ipcrm -%c %d); or run ipc_bench in another folder (keys come from the"
         " folder: ftok)", what, (unsigned)key, id, owner, owner == (long)me ? " (you)" : "",
         mode, IPC_MODE, owner, kind, id);
}

/* The same for a name where a FIFO of ours should be made (mkfifo: EEXIST). */
static _Noreturn void fifo_taken(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == -1)
        fail("%s was there, and is gone again: run ipc_bench again", path);
    if (S_ISFIFO(st.st_mode) && st.st_uid == geteuid() && (st.st_mode & 0777) == IPC_MODE)
        fail("%s, a FIFO of yours, is here already: left by an ipc_bench that was killed, or one"
             " running here now. If none runs here, remove it with:\n    rm %s", path, path);
    fail("%s exists, %s of uid %ld, mode %04o: ipc_bench uses only FIFOs it makes itself, so it"
         " used nothing. Only uid %ld or root can remove it; or run ipc_bench in another folder",
         path, S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISLNK(st.st_mode) ? "a symbolic link" : "a file",
         (long)st.st_uid, (unsigned)(st.st_mode & 0777), (long)st.st_uid);
}

/* Adds delta to semaphore num, waiting while that would make it negative. No
 * SEM_UNDO: these semaphores count slots, they are not locks to give back. */
static void sem_add(struct link *l, unsigned short num, short delta)
{
    struct sembuf op = {.sem_num = num, .sem_op = delta};
    /* semtimedop(): a child that exits just before we wait is noticed within
     * a second; semop() would wait forever. */
    const struct timespec patience = {.tv_sec = 1};
    for (;;) {
        bool gone = child_exited;
        op.sem_flg = gone ? IPC_NOWAIT : 0;
        if (semtimedop(l->semid, &op, 1, &patience) == 0)
            return;
        if (gone && errno == EAGAIN)
            partner_ended();
        if (errno != EINTR && errno != EAGAIN)
            die("semop");
        check_stop();
    }
}

static void sem_send(struct link *l, struct message *m, size_t len)
{
    sem_add(l, 2 * l->out, -1);         /* p(free) */
    memcpy(slot(l, l->out, l->sent++), m->data, len);
    sem_add(l, 2 * l->out + 1, +1);     /* v(filled) */
}

static void sem_recv(struct link *l, struct message *m, size_t len)
{
    sem_add(l, 2 * l->in + 1, -1);      /* p(filled) */
    memcpy(m->data, slot(l, l->in, l->received++), len);
    sem_add(l, 2 * l->in, +1);          /* v(free) */
}

/* shm_signal: after each message, a SIGUSR1 tells the partner to look. */
static void signal_attach(struct link *l)
{
    /* SIGUSR1, SIGCHLD, SIGINT and SIGTERM stay blocked except inside
     * sigsuspend(): one that arrives after we found the ring empty stays
     * pending and ends the sigsuspend() at once, so no wake-up is lost. */
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR1);
    sigaddset(&blocked, SIGCHLD);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &blocked, &l->saved_mask) == -1)
        die("sigprocmask");
    l->wait_mask = l->saved_mask;
    sigdelset(&l->wait_mask, SIGUSR1);
}

static void wait_for_signal(struct link *l)
{
    /* SIGCHLD is delivered only in sigsuspend(), after which the ring was
     * looked at again: a child that has exited now has nothing more to send. */
    if (child_exited)
        partner_ended();
    check_stop();
    sigsuspend(&l->wait_mask);          /* returns -1, EINTR, once a handler has run */
}

static void signal_send(struct link *l, struct message *m, size_t len)
{
    struct ring *r = &l->rings[l->out];
    while (l->sent - atomic_load_explicit(&r->tail, memory_order_acquire) == l->nslots)
        wait_for_signal(l);
    memcpy(slot(l, l->out, l->sent), m->data, len);
    /* release: the slot's bytes are visible before the new head is. */
    atomic_store_explicit(&r->head, ++l->sent, memory_order_release);
    if (kill(l->partner, SIGUSR1) == -1)
        die("kill");
}

static void signal_recv(struct link *l, struct message *m, size_t len)
{
    struct ring *r = &l->rings[l->in];
    while (atomic_load_explicit(&r->head, memory_order_acquire) == l->received)
        wait_for_signal(l);
    memcpy(m->data, slot(l, l->in, l->received), len);
    atomic_store_explicit(&r->tail, ++l->received, memory_order_release);
    if (kill(l->partner, SIGUSR1) == -1)   /* the sender may wait for a free slot */
        die("kill");
}

static void signal_detach(struct link *l)
{
    if (sigprocmask(SIG_SETMASK, &l->saved_mask, NULL) == -1)
        die("sigprocmask");
}

/* shm_spin: no system call at all while messages flow. */
static void spin_attach(struct link *l)
{
    /* A spinning process must not share a CPU with the partner it waits for:
     * with two CPUs or more, each process gets one of its own. */
    if (spin_cpus[0] == -1)
        return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(spin_cpus[l->side], &one);
    if (sched_setaffinity(0, sizeof one, &one) == -1)
        die("sched_setaffinity");
}

static void spin_pause(bool gone, unsigned *tries)
{
    if (gone)
        partner_ended();
    check_stop();
    /* After SPIN_TRIES looks (at once on a single CPU) give the CPU away:
     * the partner may be waiting for it. */
    if (++*tries >= spin_tries && sched_yield() == -1)
        die("sched_yield");
}

/* Each counter lives in a cache line that the partner writes: reading it
 * costs a transfer between CPUs. So each side reads the partner's counter
 * only when its last reading says the ring is full (or empty). */
static void spin_send(struct link *l, struct message *m, size_t len)
{
    struct ring *r = &l->rings[l->out];
    unsigned tries = 0;
    while (l->sent - l->seen_tail == l->nslots) {
        bool gone = child_exited;
        l->seen_tail = atomic_load_explicit(&r->tail, memory_order_acquire);
        if (l->sent - l->seen_tail < l->nslots)
            break;
        spin_pause(gone, &tries);
    }
    memcpy(slot(l, l->out, l->sent), m->data, len);
    atomic_store_explicit(&r->head, ++l->sent, memory_order_release);
}

static void spin_recv(struct link *l, struct message *m, size_t len)
{
    struct ring *r = &l->rings[l->in];
    unsigned tries = 0;
    while (l->seen_head == l->received) {
        bool gone = child_exited;
        l->seen_head = atomic_load_explicit(&r->head, memory_order_acquire);
        if (l->seen_head != l->received)
            break;
        spin_pause(gone, &tries);
    }
    memcpy(m->data, slot(l, l->in, l->received), len);
    atomic_store_explicit(&r->tail, ++l->received, memory_order_release);
}

static void spin_detach(struct link *l)
{
    if (l->side == PARENT && sched_setaffinity(0, sizeof original_cpus, &original_cpus) == -1)
        die("sched_setaffinity");
}

/* The table's rows, in order. memcpy has no operations: it never forks. */
static const struct mechanism mechanisms[] = {
    {"pipe", NULL, pipe_open, pipe_attach, fd_send, fd_recv, fd_detach},
    {"fifo", NULL, fifo_open, fifo_attach, fd_send, fd_recv, fd_detach},
    {"msgqueue", msgqueue_fits, msgqueue_open, no_attach, msgqueue_send, msgqueue_recv, no_detach},
    {"shm_sem", NULL, sem_open, no_attach, sem_send, sem_recv, no_detach},
    {"shm_signal", NULL, shm_open_rings, signal_attach, signal_send, signal_recv, signal_detach},
    {"shm_spin", NULL, shm_open_rings, spin_attach, spin_send, spin_recv, spin_detach},
    {"socketpair", NULL, socket_open, socket_attach, fd_send, fd_recv, fd_detach},
    {"memcpy", NULL, NULL, NULL, NULL, NULL, NULL},
};
#define NMECHANISMS (sizeof mechanisms / sizeof mechanisms[0])

/* ------------------------------------------------------------ one run */

static double mbps(double bytes, int64_t ns)
{
    return bytes * 1000.0 / (double)(ns > 0 ? ns : 1);   /* bytes per ns = GB/s */
}

/* The parent's side of a throughput run: count messages, then one ack. */
static double stream(const struct mechanism *m, struct link *l, const struct test *t,
                     struct buffers *b)
{
    int64_t start = now_ns();
    for (size_t i = 0; i < t->count; i++) {
        check_stop();
        stamp(b->out, t->size, i);
        m->send(l, b->out, t->size);
    }
    m->recv(l, b->in, SMALL_MESSAGE);
    int64_t elapsed = now_ns() - start;
    if (sequence(b->in) != t->count)
        fail("%zu of %zu messages arrived intact", (size_t)sequence(b->in), t->count);
    return mbps((double)t->size * (double)t->count, elapsed);
}

/* The child's side: checks each message, then acknowledges how many were intact. */
static void serve_stream(const struct mechanism *m, struct link *l, const struct test *t,
                         struct buffers *b, const char *pattern)
{
    uint64_t intact_count = 0;
    for (size_t i = 0; i < t->count; i++) {
        m->recv(l, b->in, t->size);
        intact_count += intact(b->in, t->size, i, pattern);
    }
    stamp(b->out, SMALL_MESSAGE, intact_count);
    m->send(l, b->out, SMALL_MESSAGE);
}

/* The parent's side of a latency run: one sample per round trip, in µs. */
static void pingpong(const struct mechanism *m, struct link *l, const struct test *t,
                     struct buffers *b, const char *pattern, double *samples)
{
    for (size_t i = 0; i < t->count; i++) {
        check_stop();
        stamp(b->out, SMALL_MESSAGE, i);
        int64_t start = now_ns();
        m->send(l, b->out, SMALL_MESSAGE);
        m->recv(l, b->in, SMALL_MESSAGE);
        samples[i] = (double)(now_ns() - start) / 1000.0;
        if (!intact(b->in, SMALL_MESSAGE, i, pattern))
            fail("round trip %zu came back damaged", i);
    }
}

/* The child's side: sends every message straight back. */
static void serve_pingpong(const struct mechanism *m, struct link *l, const struct test *t,
                           struct buffers *b)
{
    for (size_t i = 0; i < t->count; i++) {
        m->recv(l, b->in, SMALL_MESSAGE);
        m->send(l, b->in, SMALL_MESSAGE);
    }
}

/* Called through a volatile pointer, memcpy cannot be inlined, so the
 * compiler cannot see that copying there and back changes nothing. */
static void *(*volatile copy)(void *, const void *, size_t) = memcpy;

static double copy_stream(const struct test *t, struct buffers *b, const char *pattern)
{
    size_t intact_count = 0;
    int64_t start = now_ns();
    for (size_t i = 0; i < t->count; i++) {
        check_stop();
        stamp(b->out, t->size, i);
        copy(b->in->data, b->out->data, t->size);
        intact_count += intact(b->in, t->size, i, pattern);
    }
    int64_t elapsed = now_ns() - start;
    if (intact_count != t->count)
        fail("%zu of %zu copies intact", intact_count, t->count);
    return mbps((double)t->size * (double)t->count, elapsed);
}

static void copy_pingpong(const struct test *t, struct buffers *b, const char *pattern,
                          double *samples)
{
    for (size_t i = 0; i < t->count; i++) {
        check_stop();
        stamp(b->out, SMALL_MESSAGE, i);
        int64_t start = now_ns();
        for (int j = 0; j < COPY_BATCH; j++) {
            copy(b->in->data, b->out->data, SMALL_MESSAGE);
            copy(b->out->data, b->in->data, SMALL_MESSAGE);
        }
        samples[i] = (double)(now_ns() - start) / 1000.0 / COPY_BATCH;
        if (!intact(b->out, SMALL_MESSAGE, i, pattern))
            fail("round trip %zu came back damaged", i);
    }
}

/* ------------------------------------------------------------ one figure */

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts v. */
static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The 99th percentile by nearest rank; v must be sorted. */
static double p99(const double *v, size_t n)
{
    return v[(99 * n + 99) / 100 - 1];
}

/* What the child does: serve every run, warm-up first, then leave. */
static _Noreturn void run_child(const struct mechanism *m, struct link *l, const struct test *t,
                                struct buffers *b, pid_t parent)
{
    /* The parent owns every object: forget them, so that a failure here
     * cannot remove them under the parent's feet. */
    live.msqid = live.semid = live.shmid = -1;
    live.shm = NULL;
    live.fifos = 0;
    /* Die with the parent, even if it is killed with SIGKILL; Ctrl-C simply kills us. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
        die("prctl");
    if (getppid() != parent)
        _exit(1);
    catch_signal(SIGINT, SIG_DFL);
    catch_signal(SIGTERM, SIG_DFL);

    l->side = CHILD;
    l->out = TO_PARENT;
    l->in = TO_CHILD;
    l->partner = parent;
    m->attach(l);
    for (unsigned run = 0; run <= t->runs; run++) {
        if (t->kind == STREAM)
            serve_stream(m, l, t, b, run == 0 ? b->pattern : NULL);
        else
            serve_pingpong(m, l, t, b);
    }
    m->detach(l);
    free_buffers(b);
    /* _exit: the parent's buffered output is the parent's to flush. */
    _exit(0);
}

static void wait_for_child(void)
{
    int status;
    while (waitpid(live.child, &status, 0) == -1) {
        if (errno != EINTR)
            die("waitpid");
        check_stop();
    }
    live.child = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("the child process failed");
}

/* Runs a warm-up and t->runs counted runs of one test; *figure is the median
 * of the runs' MB/s or of their median round trips, *tail the median of
 * their 99th percentiles. */
static void measure(const struct mechanism *m, const struct test *t, double *figure, double *tail)
{
    struct buffers b = new_buffers(t->size);
    struct link l = {.side = PARENT, .out = TO_CHILD, .in = TO_PARENT, .msqid = -1, .semid = -1};

    if (m->open != NULL) {
        m->open(&l, t->size);
        fflush(stdout);                 /* or the child would print it again */
        child_exited = 0;
        pid_t parent = getpid();
        pid_t child = fork();
        if (child == -1)
            die("fork");
        if (child == 0)
            run_child(m, &l, t, &b, parent);
        live.child = l.partner = child;
        m->attach(&l);
    }

    double *figures = calloc(t->runs, sizeof *figures);
    double *tails = calloc(t->runs, sizeof *tails);
    double *samples = calloc(t->kind == PINGPONG ? t->count : 1, sizeof *samples);
    if (figures == NULL || tails == NULL || samples == NULL)
        die("calloc");
    for (unsigned run = 0; run <= t->runs; run++) {
        const char *pattern = run == 0 ? b.pattern : NULL;  /* every byte in the warm-up */
        double result;
        if (t->kind == STREAM) {
            result = m->open != NULL ? stream(m, &l, t, &b) : copy_stream(t, &b, pattern);
        } else {
            if (m->open != NULL)
                pingpong(m, &l, t, &b, pattern, samples);
            else
                copy_pingpong(t, &b, pattern, samples);
            result = median(samples, t->count);
            if (run > 0)
                tails[run - 1] = p99(samples, t->count);
        }
        if (run > 0)
            figures[run - 1] = result;
    }

    if (m->open != NULL) {
        m->detach(&l);
        wait_for_child();
        if (!release_all())
            fail("an IPC object could not be removed");
    }
    *figure = median(figures, t->runs);
    if (tail != NULL)
        *tail = median(tails, t->runs);
    free(figures);
    free(tails);
    free(samples);
    free_buffers(&b);
}

/* ------------------------------------------------------------ output */

/* Three significant digits, no exponent: 0.123, 12.3, 12345; "-" if none. */
static const char *figure_text(double v, char *buf, size_t len)
{
    if (v < 0)
        return "-";
    int decimals = 0;
    for (double x = v; x < 100 && decimals < 6; x *= 10)
        decimals++;
    snprintf(buf, len, "%.*f", decimals, v);
    return buf;
}

static void print_row(const char *name, const struct row *r)
{
    char text[32];
    printf("%-11s", name);
    for (int k = 0; k < NSIZES; k++)
        printf(" %8s", figure_text(r->mbps[k], text, sizeof text));
    printf(" %9s", figure_text(r->rtt_median, text, sizeof text));
    printf(" %8s\n", figure_text(r->rtt_p99, text, sizeof text));
    fflush(stdout);
}

/* ------------------------------------------------------------ the output files */

/*
 * Where to write output file path: a temporary file beside it, .NAME.XXXXXX,
 * renamed to path by put_in_place() once complete, so that a failure (a full
 * disk, gnuplot dying) leaves an old file as it was (rule 11). A path that
 * exists and is not a regular file (/dev/null) is written directly. Returns
 * the name to write to.
 */
static const char *start_output(const char *path)
{
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode))
        return path;
    const char *slash = strrchr(path, '/');
    const char *base = slash != NULL ? slash + 1 : path;
    int folder = (int)(base - path);
    if (snprintf(temporary, sizeof temporary, "%.*s.%s.XXXXXX", folder, path, base) >=
        (int)sizeof temporary) {
        temporary[0] = '\0';
        fail("%s: name too long", path);
    }
    int fd = mkstemp(temporary);
    if (fd == -1) {
        temporary[0] = '\0';
        die(path);
    }
    /* mkstemp makes it 0600; the file keeps the old one's mode, and a new
     * one gets 0666 less the umask, as fopen() gives. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, exists ? st.st_mode & 07777 : 0666 & ~mask) == -1 || close(fd) == -1)
        die(temporary);
    return temporary;
}

/* The output file is complete: its temporary file, if any, becomes path. */
static void put_in_place(const char *path)
{
    if (temporary[0] == '\0')
        return;
    if (rename(temporary, path) == -1)
        die(path);
    temporary[0] = '\0';
}

static void write_csv(const char *path, const bool *chosen, const struct row *rows)
{
    char text[32];
    FILE *f = fopen(start_output(path), "w");
    if (f == NULL)
        die(path);
    fprintf(f, "mechanism,MBps_64B,MBps_4KiB,MBps_64KiB,MBps_1MiB,rtt_median_us,rtt_p99_us\n");
    for (size_t i = 0; i < NMECHANISMS; i++) {
        if (!chosen[i])
            continue;
        fprintf(f, "%s", mechanisms[i].name);
        for (int k = 0; k < NSIZES; k++)
            fprintf(f, ",%s", rows[i].mbps[k] < 0 ? "NA" : figure_text(rows[i].mbps[k], text, sizeof text));
        fprintf(f, ",%s", figure_text(rows[i].rtt_median, text, sizeof text));
        fprintf(f, ",%s\n", figure_text(rows[i].rtt_p99, text, sizeof text));
    }
    bool failed = ferror(f);
    if (fclose(f) == EOF || failed)
        die(path);
    put_in_place(path);
    printf("CSV: %s\n", path);
}

/* A gnuplot string: single quotes, a quote inside doubled. Single quotes,
 * because gnuplot runs `commands` in double-quoted strings. */
static void gnuplot_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s != '\0'; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

/* A file name for gnuplot: a relative one starts with ./, because gnuplot
 * runs '|command' (set output) and '<command' (plot) as shell commands. */
static void gnuplot_file(FILE *f, const char *path)
{
    char name[PATH_MAX + 2];
    if (snprintf(name, sizeof name, "%s%s", path[0] == '/' ? "" : "./", path) >= (int)sizeof name)
        fail("%s: name too long", path);
    gnuplot_string(f, name);
}

static void draw_chart(const char *csv, const char *png, const char *machine)
{
    /* Back to the defaults: popen's child must be waited for normally. */
    catch_signal(SIGCHLD, SIG_DFL);
    int status = system("command -v gnuplot >/dev/null 2>&1");
    if (status == -1)
        die("system");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("chart: not drawn: gnuplot is not installed (apt-get install gnuplot-nox)\n");
        return;
    }
    fflush(stdout);
    FILE *gp = popen("gnuplot", "w");
    if (gp == NULL)
        die("popen gnuplot");
    /* noenhanced: shm_sem is a name, not shm with a subscript. */
    fputs("set terminal png size 1100,520 noenhanced\nset output ", gp);
    gnuplot_file(gp, start_output(png));
    fputs("\nset datafile separator ','\nset datafile missing 'NA'\n"
          "set style data histograms\nset style histogram clustered gap 1\n"
          "set style fill solid 0.8 border -1\nset logscale y\nset grid ytics\n"
          "set xtics rotate by -30\nset key outside below horizontal\n"
          "set multiplot layout 1,2 title ", gp);
    gnuplot_string(gp, machine);
    fputs("\nset title 'throughput, MB/s (log scale; higher is better)'\nplot ", gp);
    gnuplot_file(gp, csv);
    fputs(" every ::1 using 2:xtic(1) title '64 B', '' every ::1 using 3 title '4 KiB',"
          " '' every ::1 using 4 title '64 KiB', '' every ::1 using 5 title '1 MiB'\n"
          "set title 'round trip, microseconds (log scale; lower is better)'\nplot ", gp);
    gnuplot_file(gp, csv);
    fputs(" every ::1 using 6:xtic(1) title 'median', '' every ::1 using 7 title '99th percentile'\n"
          "unset multiplot\n", gp);
    bool write_failed = ferror(gp) != 0;    /* gnuplot quit early, for one */
    status = pclose(gp);
    if (status == -1)
        die("pclose gnuplot");
    if (write_failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("gnuplot failed (exit status %d): no chart", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    put_in_place(png);
    printf("chart: %s\n", png);
}

/* "2 CPUs, AMD EPYC, Linux 6.1.0" from sysconf(), /proc/cpuinfo and uname(). */
static void describe_machine(char *buf, size_t len)
{
    char model[128] = "unknown CPU";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f != NULL) {
        char line[256];
        while (fgets(line, sizeof line, f) != NULL) {
            char *colon = strchr(line, ':');
            if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
                char *value = colon + 1 + strspn(colon + 1, " \t");
                snprintf(model, sizeof model, "%.*s", (int)strcspn(value, "\n"), value);
                break;
            }
        }
        if (fclose(f) == EOF)
            die("/proc/cpuinfo");
    }
    struct utsname u;
    if (uname(&u) == -1)
        die("uname");
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    int allowed = CPU_COUNT(&original_cpus);
    if (allowed < online)
        snprintf(buf, len, "%ld CPUs (%d allowed), %s, %s %s", online, allowed, model, u.sysname, u.release);
    else
        snprintf(buf, len, "%ld CPUs, %s, %s %s", online, model, u.sysname, u.release);
}

/* ------------------------------------------------------------ main */

/* A whole number from 1 to max, digits only. */
static bool parse_number(const char *text, unsigned long max, unsigned long *value)
{
    char *end;
    if (*text < '0' || *text > '9')
        return false;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < 1 || v > max)
        return false;
    *value = v;
    return true;
}

/* An output file's name: not empty, and no control character. A newline
 * would end the gnuplot line it is quoted in and start a line of the
 * caller's choosing (`!command` is gnuplot's shell escape). */
static bool good_name(const char *name)
{
    if (*name == '\0')
        return false;
    for (; *name != '\0'; name++)
        if ((unsigned char)*name < 0x20 || *name == 0x7f)
            return false;
    return true;
}

/* Marks the mechanisms named in a comma-separated list. */
static bool parse_list(const char *list, bool *chosen)
{
    for (;;) {
        size_t len = strcspn(list, ",");
        size_t i = 0;
        while (i < NMECHANISMS && (strlen(mechanisms[i].name) != len ||
                                   strncmp(mechanisms[i].name, list, len) != 0))
            i++;
        if (i == NMECHANISMS)
            return false;
        chosen[i] = true;
        if (list[len] == '\0')
            return true;
        list += len + 1;
    }
}

static _Noreturn void usage(void)
{
    fputs(USAGE, stderr);
    exit(2);
}

static void help(void)
{
    fputs(USAGE, stdout);
    puts("  -q             quick: 3 runs, 4 MiB in at most 5000 messages a throughput\n"
         "                 run, 1000 round trips\n"
         "  -r RUNS        runs per figure after the warm-up (1-100; default 5)\n"
         "  -k KIB         KiB that a throughput run moves, in at most 50000 messages\n"
         "                 (1-16777216; default 131072)\n"
         "  -n ROUNDTRIPS  round trips in a latency run (1-1000000; default 10000)\n"
         "  -m LIST        measure only these, e.g. -m pipe,shm_spin: pipe fifo msgqueue\n"
         "                 shm_sem shm_signal shm_spin socketpair memcpy\n"
         "  -o CSV         the CSV file to write (default ipc_bench.csv)\n"
         "  -p PNG         the chart to draw if gnuplot is installed (default ipc_bench.png)");
}

int main(int argc, char *argv[])
{
    unsigned long runs = 0, kib = 0, rounds = 0;
    const char *csv = "ipc_bench.csv", *png = "ipc_bench.png";
    bool quick = false, chosen[NMECHANISMS] = {false}, any = false;
    int opt;

    while ((opt = getopt(argc, argv, ":qr:k:n:m:o:p:h")) != -1) {
        switch (opt) {
        case 'q': quick = true; break;
        case 'r': if (!parse_number(optarg, 100, &runs)) usage(); break;
        case 'k': if (!parse_number(optarg, 16UL << 20, &kib)) usage(); break;
        case 'n': if (!parse_number(optarg, 1000000, &rounds)) usage(); break;
        case 'm': if (!parse_list(optarg, chosen)) usage(); any = true; break;
        case 'o': if (!good_name(optarg)) usage(); csv = optarg; break;
        case 'p': if (!good_name(optarg)) usage(); png = optarg; break;
        case 'h': help(); return 0;
        default: usage();
        }
    }
    if (optind != argc)
        usage();
    if (!any)
        memset(chosen, true, sizeof chosen);
    if (runs == 0)
        runs = quick ? 3 : 5;
    if (kib == 0)
        kib = quick ? 4096 : 131072;
    unsigned long max_messages = quick ? MAX_MESSAGES / 10 : MAX_MESSAGES;
    if (rounds == 0)
        rounds = quick ? 1000 : 10000;

    catch_signal(SIGINT, on_stop);
    catch_signal(SIGTERM, on_stop);
    catch_signal(SIGCHLD, on_child);
    catch_signal(SIGUSR1, on_wakeup);
    catch_signal(SIGPIPE, SIG_IGN);     /* a write to a dead partner fails with EPIPE instead */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    if (sigprocmask(SIG_BLOCK, &usr1, NULL) == -1)  /* until shm_signal waits for it */
        die("sigprocmask");

    if (sched_getaffinity(0, sizeof original_cpus, &original_cpus) == -1)
        die("sched_getaffinity");
    for (int cpu = 0, found = 0; cpu < CPU_SETSIZE && found < 2; cpu++)
        if (CPU_ISSET(cpu, &original_cpus))
            spin_cpus[found++] = cpu;
    if (spin_cpus[1] == -1)
        spin_cpus[0] = -1;
    spin_tries = spin_cpus[0] == -1 ? 0 : SPIN_TRIES;

    struct msginfo limits;
    if (msgctl(0, IPC_INFO, (struct msqid_ds *)(void *)&limits) == -1)
        die("msgctl IPC_INFO");
    msg_limit = (size_t)(limits.msgmax < limits.msgmnb ? limits.msgmax : limits.msgmnb);

    char machine[512];
    describe_machine(machine, sizeof machine);
    printf("ipc_bench: %s\n", machine);
    printf("each figure: the median of %lu run%s after a warm-up; a run moves %lu %s"
           " (at most %lu messages)\nor makes %lu round trips of %d bytes\n",
           runs, runs == 1 ? "" : "s", kib % 1024 ? kib : kib / 1024, kib % 1024 ? "KiB" : "MiB", max_messages,
           rounds, SMALL_MESSAGE);
    printf("%-11s %35s %18s\n", "", "--------- throughput, MB/s ---------", "- round trip, us -");
    printf("%-11s %8s %8s %8s %8s %9s %8s\n", "mechanism", size_names[0], size_names[1],
           size_names[2], size_names[3], "median", "p99");

    struct row rows[NMECHANISMS];
    bool too_big = false;
    for (size_t i = 0; i < NMECHANISMS; i++) {
        if (!chosen[i])
            continue;
        const struct mechanism *m = &mechanisms[i];
        current = m->name;
        for (int k = 0; k < NSIZES; k++) {
            uint64_t count = (uint64_t)kib * 1024 / sizes[k];
            if (count > max_messages)
                count = max_messages;
            if (count == 0)
                count = 1;
            struct test t = {STREAM, sizes[k], (size_t)count, (unsigned)runs};
            rows[i].mbps[k] = -1;
            if (m->fits == NULL || m->fits(sizes[k]))
                measure(m, &t, &rows[i].mbps[k], NULL);
            else
                too_big = true;
        }
        struct test t = {PINGPONG, SMALL_MESSAGE, rounds, (unsigned)runs};
        measure(m, &t, &rows[i].rtt_median, &rows[i].rtt_p99);
        current = "";
        print_row(m->name, &rows[i]);
    }
    if (too_big)
        printf("-: a queue takes no message over %zu bytes (msgmax and msgmnb in /proc/sys/kernel)\n",
               msg_limit);

    write_csv(csv, chosen, rows);
    draw_chart(csv, png, machine);
    return 0;
}
