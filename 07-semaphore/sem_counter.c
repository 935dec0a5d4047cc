/*
 * sem_counter -- PROCS processes add 1 to one shared counter, with a lock
 * made of a System V semaphore, or without one to show lost updates.
 *
 * Usage:   sem_counter [-p PROCS] [-n ITERS] [--no-lock]
 *
 * The counter lives in a shared memory segment. Each of PROCS worker
 * processes (default 4) adds 1 to it ITERS times (default 100000). With the
 * lock, every `counter += 1` sits between p() and v() on a semaphore that
 * starts at 1, so only one worker at a time is inside: the final value is
 * exactly PROCS * ITERS. With --no-lock two workers can read the same value
 * and both write back value + 1: one addition is lost. Either way the last
 * line is `expected E, got G` and the exit status is 0. The lock is taken
 * with SEM_UNDO: if a worker dies holding it, the kernel gives it back.
 *
 * Partner: none (the workers are children of this program). Both objects
 * are IPC_PRIVATE; the children inherit their ids through fork(). The
 * parent marks the segment removed once attached, and removes the set at
 * the end, on any error and on SIGINT/SIGTERM; if it is killed (SIGKILL),
 * each worker is told (PR_SET_PDEATHSIG), stops, and the first removes the set.
 *
 * Example:
 *     $ ./sem_counter -p 4 -n 10000
 *     expected 40000, got 40000
 *
 * Starting, waiting for and stopping the workers is in sem_workers.c.
 *
 * Read: semget(2), semop(2), semctl(2), shmget(2), shmat(2), prctl(2)
 * (PR_SET_PDEATHSIG), sysvipc(7).
 */
#define _POSIX_C_SOURCE 200809L        /* getopt_long()'s getopt(), kill() */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "sem_lab.h"
#include "sem_workers.h"

#define MAX_ITERS 1000000000L           /* 1e9 x 1000 still fits a long long */

static int semid = -1;                  /* the parent's, to remove */

static void usage(void)
{
    fprintf(stderr, "usage: sem_counter [-p PROCS] [-n ITERS] [--no-lock]"
            "  (PROCS 1..%d, ITERS 1..%ld)\n", MAX_PROCS, MAX_ITERS);
    exit(2);
}

static void remove_semaphore(void)
{
    if (semid != -1 && semctl(semid, 0, IPC_RMID) == -1)
        fprintf(stderr, "sem_counter: semctl IPC_RMID: %s\n", strerror(errno));
    semid = -1;
}

/* The parent's failure: stop the workers, remove the set, exit 1. */
static void die(const char *what)
{
    int saved = errno;
    stop_workers();
    remove_semaphore();
    fprintf(stderr, "sem_counter: %s: %s\n", what, strerror(saved));
    exit(1);
}

/* A worker whose parent has died: nobody else would remove the set, so it
 * does (the first worker to try; the others find it gone), then ends. */
static void orphaned(void)
{
    semctl(semid, 0, IPC_RMID);
    _exit(1);
}

/* The lock: a new set of one semaphore, IPC_PRIVATE (only our children will
 * know its id), set free (1). Returns its id. */
static int make_lock(void)
{
#ifdef SOLUTION
    int id = semget(IPC_PRIVATE, 1, OWNER_ONLY);
    if (id == -1)
        die("semget");
    /* A new set's values are unspecified by POSIX: set the lock free (1)
     * before any worker exists, so there is no initialisation race here. */
    union semun arg = { .val = 1 };
    if (semctl(id, 0, SETVAL, arg) == -1) {
        semid = id;                     /* for die() to remove */
        die("semctl SETVAL");
    }
    return id;
#else
    /* TODO: semget(IPC_PRIVATE, 1, OWNER_ONLY), then semctl(SETVAL) to 1
     * (union semun's val): a new set's value is not 1 by itself. On failure
     * die("semget") or die("semctl SETVAL"), semid set so die() removes it.
     * Checked by: make test LAB=07 T='sem_counter|got equals|no-lock|holds the lock' */
    fprintf(stderr, "sem_counter: make_lock: not written yet (TODO in sem_counter.c)\n");
    exit(1);
#endif
}

/* Reads a count from 1 to max, digits only; anything else is a usage error. */
static long parse_count(const char *arg, long max)
{
    char *end;
    if (arg[0] < '0' || arg[0] > '9')
        usage();
    errno = 0;
    long n = strtol(arg, &end, 10);
    if (errno != 0 || *end != '\0' || n < 1 || n > max)
        usage();
    return n;
}

#ifdef SOLUTION
/* p(): wait until the semaphore is positive, then take 1 from it. The lock
 * is free at 1, taken at 0. SEM_UNDO records the -1 in this process's undo
 * list: if it dies before v(), the kernel adds the 1 back. */
static void p(int id)
{
    struct sembuf op = { .sem_num = 0, .sem_op = -1, .sem_flg = SEM_UNDO };
    while (semop(id, &op, 1) == -1) {
        if (parent_gone)
            orphaned();
        if (errno != EINTR)             /* EINTR: stopped (Ctrl-Z) and continued */
            die_worker("semop p");
    }
}

/* v(): give the 1 back, waking one waiting process. */
static void v(int id)
{
    struct sembuf op = { .sem_num = 0, .sem_op = +1, .sem_flg = SEM_UNDO };
    while (semop(id, &op, 1) == -1) {
        if (parent_gone)
            orphaned();
        if (errno != EINTR)
            die_worker("semop v");
    }
}

/* One worker's whole job. `volatile` makes every += a real load and store
 * of the shared counter, as in a program that does real work in between;
 * without it the compiler may add ITERS at once and hide the race. */
static void work(volatile long long *counter, long iters, bool lock)
{
    for (long i = 0; i < iters && !parent_gone; i++) {
        if (lock)
            p(semid);
        *counter += 1;                  /* the critical section */
        if (lock)
            v(semid);
    }
}
#else
/* TODO: static void p(int id) and v(int id), on the lock (semaphore 0 of
 * set id): semop() of one struct sembuf, sem_op -1 for p() (waits while
 * the value is 0) and +1 for v(), both SEM_UNDO (a worker killed inside
 * gives the lock back). On failure: orphaned() if parent_gone (check it
 * first: the parent's death interrupts semop), again on EINTR, else
 * die_worker("semop p") or die_worker("semop v").
 * Then work(): iters times while !parent_gone, `*counter += 1`, between
 * p(semid) and v(semid) if lock.
 * Checked by: make test LAB=07 T='sem_counter|got equals|no-lock|holds the lock' */
static void work(volatile long long *counter, long iters, bool lock)
{
    (void)counter, (void)iters, (void)lock;
    fprintf(stderr, "sem_counter: work: not written yet (TODO in sem_counter.c)\n");
    _exit(1);
}
#endif

int main(int argc, char *argv[])
{
    static const struct option longopts[] = {
        { "no-lock", no_argument, NULL, 'L' },
        { NULL, 0, NULL, 0 },
    };
    long procs = 4, iters = 100000;
    bool lock = true;
    int opt;

    opterr = 0;                         /* our usage line says it all */
    while ((opt = getopt_long(argc, argv, "p:n:", longopts, NULL)) != -1) {
        switch (opt) {
        case 'p': procs = parse_count(optarg, MAX_PROCS); break;
        case 'n': iters = parse_count(optarg, MAX_ITERS); break;
        case 'L': lock = false; break;
        default: usage();
        }
    }
    if (optind != argc)
        usage();

    sigset_t orig_mask;
    if (catch_signals(&orig_mask) == -1)   /* SIGINT, SIGTERM, SIGCHLD: only in the wait */
        die("sigaction");

    /* IPC_PRIVATE always makes a new object; only our children will know its id. */
    int shmid = shmget(IPC_PRIVATE, sizeof(long long), OWNER_ONLY);
    if (shmid == -1)
        die("shmget");
    volatile long long *counter = shmat(shmid, NULL, 0);
    if (counter == (void *)-1) {
        int saved = errno;
        shmctl(shmid, IPC_RMID, NULL);
        errno = saved;
        die("shmat");
    }
    /* Marked for removal now, the segment lives until its last process
     * detaches: nothing is left behind however this run ends. */
    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        die("shmctl IPC_RMID");
    *counter = 0;

    semid = make_lock();

    for (long i = 0; i < procs; i++) {
        pid_t pid = start_worker(&orig_mask);
        if (pid == -1)
            die("fork");
        if (pid == 0) {                 /* a worker */
            work(counter, iters, lock);
            if (parent_gone)
                orphaned();
            _exit(0);
        }
    }

    int failed = wait_for_workers(&orig_mask);
    if (failed == -1)
        die("waitpid");
    if (stop_signal) {
        stop_workers();
        remove_semaphore();
        fprintf(stderr, "sem_counter: stopped by signal %d; workers stopped, objects removed\n",
                (int)stop_signal);
        return 128 + stop_signal;
    }
    remove_semaphore();

    printf("expected %lld, got %lld\n", (long long)procs * iters, *counter);
    if (fflush(stdout) == EOF)          /* before the next line; a full disk fails */
        die("write to stdout");
    if (failed > 0) {
        fprintf(stderr, "sem_counter: %d of %ld workers did not finish\n", failed, procs);
        return 1;
    }
    return 0;
}
