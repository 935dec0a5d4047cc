/*
 * shm_counting.c -- what shm_counter and shm_show_counter share: the tick,
 * how a viewer tells that the counter is gone, and their options. Linked
 * into every program of the lab (lab.mk); declared in shmlab.h.
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

/* The stop signals are blocked; sigtimedwait() is both the sleep and the
 * wait for them: Ctrl-C ends the tick the moment it comes, with no handler
 * and no race. */
int wait_tick(const char *program, const sigset_t *stop_signals, long ms)
{
    struct timespec tick = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000L };
    int sig = sigtimedwait(stop_signals, NULL, &tick);

    if (sig != -1)
        return sig;
    if (errno != EAGAIN && errno != EINTR) {    /* EAGAIN: the tick is over */
        fprintf(stderr, "%s: sigtimedwait: %s\n", program, strerror(errno));
        exit(1);
    }
    return 0;
}

static void die(const char *what)
{
    fprintf(stderr, "shm_show_counter: %s: %s\n", what, strerror(errno));
    exit(1);
}

int counter_gone(key_t key, int shmid)
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

/* Digits only (strtol alone would accept " 5", "+5" and "-5"), from 1 to
 * NUMBER_MAX: 1 with the number in *value, else 0. */
static int parse_positive(const char *arg, long *value)
{
    char *end;

    if (!isdigit((unsigned char)arg[0]))
        return 0;
    errno = 0;
    *value = strtol(arg, &end, 10);
    return *end == '\0' && errno != ERANGE && *value >= 1 && *value <= NUMBER_MAX;
}

int counter_options(int argc, char *argv[], long *count, long *interval_ms)
{
    int opt;

    while ((opt = getopt(argc, argv, "n:i:")) != -1) {
        long *value = opt == 'n' ? count : opt == 'i' ? interval_ms : NULL;
        if (value == NULL || !parse_positive(optarg, value))
            return 0;
    }
    return optind == argc;
}
