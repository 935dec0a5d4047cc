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

#include <ctype.h>
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

/* A whole number from 1 to NUMBER_MAX, or a usage error: digits only
 * (strtol alone would accept " 5", "+5" and "-5"). */
static long parse_positive(const char *arg)
{
    char *end;

    if (!isdigit((unsigned char)arg[0]))
        usage();
    errno = 0;
    long value = strtol(arg, &end, 10);
    if (*end != '\0' || errno == ERANGE || value == 0 || value > NUMBER_MAX)
        usage();
    return value;
}

/* Sleeps one tick of ms milliseconds; returns the stop signal that came
 * first, or 0. */
static int wait_tick(const sigset_t *stop_signals, long ms)
{
    struct timespec tick = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000L };
    int sig = sigtimedwait(stop_signals, NULL, &tick);

    if (sig != -1)
        return sig;
    if (errno != EAGAIN && errno != EINTR)      /* EAGAIN: the tick is over */
        die("sigtimedwait");
    return 0;
}

/* Is the counter that made segment shmid (of key) still counting? Says why
 * not on stderr and returns the exit status to end with; -1 while it is. */
static int counter_gone(key_t key, int shmid)
{
    /* IPC_RMID takes the key away at once, even while we stay attached. */
    int now = shmget(key, sizeof(struct counter_segment), 0);
    if (now == -1 && errno != ENOENT)
        die("shmget");
    if (now != shmid) {
        fprintf(stderr, "shm_show_counter: the counter stopped\n");
        return 0;
    }

    struct shmid_ds info;
    if (shmctl(shmid, IPC_STAT, &info) == -1)
        die("shmctl IPC_STAT");
    if (kill(info.shm_cpid, 0) == -1 && errno == ESRCH) {
        fprintf(stderr, "shm_show_counter: the counter (pid %d) died without removing "
                "its segment; removing it\n", (int)info.shm_cpid);
        if (shmctl(shmid, IPC_RMID, NULL) == -1)
            die("shmctl IPC_RMID");
        return 1;
    }
    return -1;
}

int main(int argc, char *argv[])
{
    long count = -1;                            /* -1: until stopped */
    long interval_ms = COUNTER_INTERVAL_MS;
    int opt;

    while ((opt = getopt(argc, argv, "n:i:")) != -1) {
        if (opt == 'n')
            count = parse_positive(optarg);
        else if (opt == 'i')
            interval_ms = parse_positive(optarg);
        else
            usage();
    }
    if (optind != argc)
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
        if (shown > 0 && (sig = wait_tick(&stop_signals, interval_ms)) != 0) {
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
}
