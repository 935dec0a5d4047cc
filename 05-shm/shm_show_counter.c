/*
 * shm_show_counter -- prints the number that shm_counter keeps in shared memory.
 *
 * Usage:   shm_show_counter [-n COUNT] [-i MS]
 *
 * Attaches the counter's segment (key ftok(".", COUNTER_PROJ_ID)) read-only
 * and prints its current value, one number a line, at once and then every MS
 * milliseconds (default 1000), COUNT times (default: until stopped by
 * SIGINT, SIGTERM or SIGHUP, which end it with status 128 + the signal's
 * number, 130 for Ctrl-C). COUNT and MS are 1 to NUMBER_MAX.
 *
 * It only looks: shmget() without IPC_CREAT. With no counter running it says
 * "no counter running" and exits 1, and creates nothing (the original
 * example's IPC_CREAT made an empty segment that then printed as a blank line forever).
 *
 * Before each line it checks that the counter is still there:
 *   - the counter removed its segment (it stopped normally): the key no
 *     longer finds that segment; "the counter stopped", exit 0;
 *   - the counter died without removing it (kill -9): the segment's creator,
 *     shm_cpid in shmctl(IPC_STAT), no longer exists; the segment would stay
 *     forever, so this program removes it, says so and exits 1.
 *
 * Partner: shm_counter, started first in the same folder, which creates and
 * removes the segment. This program creates nothing.
 *
 * Example:
 *     $ ./shm_show_counter
 *     shm_show_counter: no counter running
 *
 * Read: shmget(2), shmop(2), shmctl(2), ftok(3), kill(2), sigtimedwait(2).
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
    fprintf(stderr, "usage: shm_show_counter [-n COUNT] [-i MS]\n");
    exit(2);
}

static void die(const char *what)
{
    fprintf(stderr, "shm_show_counter: %s: %s\n", what, strerror(errno));
    exit(1);
}

int main(int argc, char *argv[])
{
    long count = -1;                            /* -1: until stopped */
    long interval_ms = COUNTER_INTERVAL_MS;
    if (!counter_options(argc, argv, &count, &interval_ms))
        usage();

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
    /* No IPC_CREAT: find the counter's segment, never make one. */
    int shmid = shmget(key, sizeof(struct counter_segment), 0);
    if (shmid == -1 && errno == ENOENT) {
        fprintf(stderr, "shm_show_counter: no counter running\n");
        return 1;
    }
    if (shmid == -1)
        die("shmget");
    /* Another user's segment could show any number, and is not ours to remove. */
    struct shmid_ds info;
    int own = own_segment("shm_show_counter", key, shmid, &info);
    if (own == -1)
        die("shmctl IPC_STAT");
    if (own == 0)
        return 1;

    /* SHM_RDONLY: a viewer cannot change the count, even by mistake. */
    struct counter_segment *counter = shmat(shmid, NULL, SHM_RDONLY);
    if (counter == (void *)-1)
        die("shmat");

    int status = 0, sig;
    for (long shown = 0; count == -1 || shown < count; shown++) {
        if (shown > 0 && (sig = wait_tick("shm_show_counter", &stop_signals, interval_ms)) != 0) {
            status = 128 + sig;                 /* stopped: 130 for Ctrl-C, as a shell says */
            break;
        }
        int gone = counter_gone(key, shmid);
        if (gone != -1) {
            status = gone;
            break;
        }
        /* One line a tick, also into a pipe; a full disk is an error, not silence. */
        if (printf("%lu\n", atomic_load(&counter->value)) < 0 || fflush(stdout) == EOF)
            die("writing to stdout");
    }

    if (shmdt(counter) == -1)
        die("shmdt");
    return status;
#else
    /* TODO: find the counter's segment at key without IPC_CREAT (shmget;
     * ENOENT: say "no counter running" on stderr, return 1), check that it
     * is ours alone (own_segment: 0, return 1; -1, die), attach it read-only
     * (shmat, SHM_RDONLY). Then COUNT times (count == -1: until stopped):
     * wait a tick first except before the first line (wait_tick; a stop
     * signal: status 128 + it), ask counter_gone() (not -1: end with that
     * status), print atomic_load(&counter->value) and flush (a failed write
     * is an error). Last, shmdt and return the status.
     * Checked by: make test LAB=05 T='counter|COUNT and MS' */
    (void)count;
    (void)interval_ms;
    fprintf(stderr, "shm_show_counter: main: not written yet (TODO in shm_show_counter.c)\n");
    return 1;
#endif
}
