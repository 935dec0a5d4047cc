/*
 * shm_counter -- counts 0, 1, 2 ... in a shared memory segment.
 *
 * Usage:   shm_counter [-n COUNT] [-i MS]
 *
 * Creates the segment of key ftok(".", COUNTER_PROJ_ID) and writes 0 into
 * it, then the next number every MS milliseconds (default 1000, the
 * original example's one second). It stops after COUNT numbers (default:
 * never) and exits 0, or at once on SIGINT, SIGTERM or SIGHUP and exits
 * 128 + the signal's number (130 for Ctrl-C); either way it first removes
 * its segment, so that ipcs shows nothing afterwards. COUNT and MS are 1 to
 * NUMBER_MAX.
 *
 *     shm_counter ── atomic store ──> [ segment ] ── atomic load ──> shm_show_counter
 *
 * The stop signals are blocked and waited for with sigtimedwait(), whose
 * timeout is the tick: one call both sleeps MS milliseconds and notices
 * Ctrl-C the moment it comes, with no handler and no race.
 *
 * Partner: shm_show_counter, any number of them, started in the same folder.
 * The counter creates its segment (exclusively: a second counter in the same
 * folder is refused) and removes it.
 *
 * Example:
 *     $ ./shm_counter -n 30 &
 *     $ ./shm_show_counter -n 3
 *     0
 *     1
 *     2
 *
 * Read: shmget(2), shmop(2), shmctl(2), ftok(3), sigtimedwait(2), stdatomic.h.
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "shmlab.h"

static void usage(void)
{
    fprintf(stderr, "usage: shm_counter [-n COUNT] [-i MS]\n");
    exit(2);
}

static void die(const char *what)
{
    fprintf(stderr, "shm_counter: %s: %s\n", what, strerror(errno));
    exit(1);
}

int main(int argc, char *argv[])
{
    long count = -1;                            /* -1: until stopped */
    long interval_ms = COUNTER_INTERVAL_MS;
    if (!counter_options(argc, argv, &count, &interval_ms))
        usage();

    /* Blocked from the start: a stop signal waits for wait_tick() to take it,
     * and cannot kill us between creating the segment and removing it. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &stop_signals, NULL) == -1)
        die("sigprocmask");

    key_t key = ftok(".", COUNTER_PROJ_ID);
    if (key == -1)
        die("ftok .");

#ifdef SOLUTION
    /* IPC_EXCL: a segment already at the key (another counter's, a killed
     * one's, another user's) is an error, never reused; shm_checks.c says whose. */
    int shmid = shmget(key, sizeof(struct counter_segment),
                       IPC_CREAT | IPC_EXCL | OWNER_ONLY);
    if (shmid == -1 && errno == EEXIST) {
        explain_taken_segment("shm_counter", key);
        return 1;
    }
    if (shmid == -1)
        die("shmget");

    struct counter_segment *counter = shmat(shmid, NULL, 0);
    if (counter == (void *)-1) {
        int error = errno;
        shmctl(shmid, IPC_RMID, NULL);
        errno = error;
        die("shmat");
    }

    int stopped_by = 0;                         /* the stop signal, if one came */
    for (unsigned long value = 0; count == -1 || value < (unsigned long)count; value++) {
        atomic_store(&counter->value, value);   /* one step: never seen half written */
        stopped_by = wait_tick("shm_counter", &stop_signals, interval_ms);
        if (stopped_by)
            break;
    }

    if (shmdt(counter) == -1)
        die("shmdt");
    if (shmctl(shmid, IPC_RMID, NULL) == -1)
        die("shmctl IPC_RMID");
    /* Stopped by a signal: say so with 128 + its number, as a shell does. */
    return stopped_by ? 128 + stopped_by : 0;
#else
    /* TODO: create the counter's segment, one struct counter_segment at key,
     * exclusively (shmget with IPC_CREAT | IPC_EXCL | OWNER_ONLY; EEXIST:
     * explain_taken_segment() says whose, return 1), and attach it (shmat;
     * if that fails, remove the segment before die()). Store 0, 1, 2 ...
     * into counter->value with atomic_store(), one a tick (wait_tick, which
     * returns the stop signal that came, if one did), COUNT values in all
     * (count == -1: until stopped). Then shmdt, shmctl IPC_RMID, and return
     * 0, or 128 + the stop signal.
     * Checked by: make test LAB=05
     *     T='segment has mode 0600|shm_counter -n 3|shm_counter stopped by|the next shm_counter' */
    (void)count;
    (void)interval_ms;
    fprintf(stderr, "shm_counter: main: not written yet (TODO in shm_counter.c)\n");
    return 1;
#endif
}
