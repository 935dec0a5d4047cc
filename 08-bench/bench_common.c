/*
 * bench_common.c -- what every part of ipc_bench uses when something goes
 * wrong: the error exits, the signal flags, and release_all(), which removes
 * every object the parent made (on every path out, failures included).
 * die() and fail() are also how a TODO stub of the handout stops the run:
 * a message, everything made so far removed, exit status 1.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipc_bench.h"

volatile sig_atomic_t stop_signal;
volatile sig_atomic_t child_exited;
const char *current = "";
char temporary[PATH_MAX];
/* The child forgets these (run_child), so that it never removes the parent's objects. */
struct live live = {0, -1, -1, -1, NULL, 0};

_Noreturn void die(const char *what)
{
    int err = errno;
    fprintf(stderr, "ipc_bench: %s%s%s: %s\n", current, *current ? ": " : "", what,
            strerror(err));
    release_all();
    exit(1);
}

_Noreturn void fail(const char *format, ...)
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

_Noreturn void partner_ended(void)
{
    fail("the other process ended early");
}

/* ------------------------------------------------------------ signals */

static void on_stop(int sig) { stop_signal = sig; }
static void on_child(int sig) { (void)sig; child_exited = 1; }
/* SIGUSR1 (shm_signal) needs a handler only so that it ends sigsuspend()
 * instead of killing us; the ring itself says what happened. */
static void on_wakeup(int sig) { (void)sig; }

void catch_signal(int sig, void (*handler)(int))
{
    struct sigaction sa = {.sa_handler = handler};
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a signal interrupts a waiting call (EINTR), so that we
     * look at the flags instead of waiting on. */
    if (sigaction(sig, &sa, NULL) == -1)
        die("sigaction");
}

/* The handlers only set flags; the waits look at them (check_stop, child_exited). */
void catch_signals(void)
{
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

void check_stop(void)
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

bool remove_fifos(void)
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
bool release_all(void)
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

/* For a mechanism with nothing to do after fork() or at the end (msgqueue, shm_sem). */
void no_attach(struct link *l) { (void)l; }
void no_detach(struct link *l) { (void)l; }
