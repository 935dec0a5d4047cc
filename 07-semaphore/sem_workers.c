/*
 * sem_workers.c -- sem_counter's worker processes: start, wait, stop
 * (sem_workers.h). Linked into every program of the lab (lab.mk); only
 * sem_counter uses it.
 *
 * Read: fork(2), waitpid(2), sigprocmask(2), sigsuspend(2), prctl(2)
 * (PR_SET_PDEATHSIG).
 */
#define _GNU_SOURCE                     /* prctl(PR_SET_PDEATHSIG) */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sem_workers.h"

volatile sig_atomic_t stop_signal;
volatile sig_atomic_t parent_gone;

static pid_t workers[MAX_PROCS];        /* 0 once reaped */
static int nworkers;

static void on_stop(int sig) { stop_signal = sig; }
static void on_child(int sig) { (void)sig; }    /* only to wake sigsuspend() */
static void on_parent_death(int sig) { (void)sig; parent_gone = 1; }

int catch_signals(sigset_t *orig_mask)
{
    /* Blocked except inside sigsuspend(), none can slip in between "are all
     * workers done?" and the wait. */
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    sigaddset(&blocked, SIGCHLD);
    if (sigprocmask(SIG_BLOCK, &blocked, orig_mask) == -1)
        return -1;
    struct sigaction sa = { .sa_handler = on_stop };
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        return -1;
    sa.sa_handler = on_child;
    return sigaction(SIGCHLD, &sa, NULL);
}

void die_worker(const char *what)
{
    fprintf(stderr, "sem_counter: worker %ld: %s: %s\n", (long)getpid(), what, strerror(errno));
    _exit(1);
}

/* In a worker: the kernel sends SIGUSR1 when sem_counter dies, however it
 * dies, even by SIGKILL (PR_SET_PDEATHSIG). It may have died before the
 * prctl(): then our parent is no longer the one that forked us. */
static void watch_parent(pid_t parent)
{
    struct sigaction sa = { .sa_handler = on_parent_death };
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) == -1)
        die_worker("sigaction SIGUSR1");
    if (prctl(PR_SET_PDEATHSIG, SIGUSR1) == -1)
        die_worker("prctl PR_SET_PDEATHSIG");
    if (getppid() != parent)
        parent_gone = 1;
}

pid_t start_worker(const sigset_t *orig_mask)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        if (signal(SIGINT, SIG_DFL) == SIG_ERR || signal(SIGTERM, SIG_DFL) == SIG_ERR)
            die_worker("signal");
        watch_parent(parent);          /* no worker outlives sem_counter */
        if (sigprocmask(SIG_SETMASK, orig_mask, NULL) == -1)
            die_worker("sigprocmask");
    } else if (pid > 0) {
        workers[nworkers++] = pid;
    }
    return pid;
}

/* Reaps the workers that have ended; returns how many failed, -1 on error. */
static int reap_workers(int *running)
{
    int failed = 0, status;
    pid_t pid;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (int i = 0; i < nworkers; i++)
            if (workers[i] == pid)
                workers[i] = 0;
        (*running)--;
        if (WIFSIGNALED(status)) {
            fprintf(stderr, "sem_counter: worker %ld killed by signal %d\n",
                    (long)pid, WTERMSIG(status));
            failed++;
        } else if (WEXITSTATUS(status) != 0) {
            failed++;                   /* it has said why */
        }
    }
    if (pid == -1 && errno != ECHILD && errno != EINTR)
        return -1;
    return failed;
}

int wait_for_workers(const sigset_t *orig_mask)
{
    int running = nworkers, failed = 0;
    for (;;) {
        int n = reap_workers(&running);
        if (n == -1)
            return -1;
        failed += n;
        if (running == 0 || stop_signal)
            return failed;
        sigsuspend(orig_mask);          /* returns after a handler ran */
    }
}

/* A worker holds nothing that needs cleaning up: the kernel undoes its
 * semaphore operations (SEM_UNDO) and detaches its segment. */
void stop_workers(void)
{
    for (int i = 0; i < nworkers; i++) {
        if (workers[i] == 0)
            continue;
        kill(workers[i], SIGKILL);
        while (waitpid(workers[i], NULL, 0) == -1 && errno == EINTR)
            continue;
        workers[i] = 0;
    }
}
