/*
 * sem_workers.h -- sem_counter's worker processes (sem_workers.c): started so
 * that none outlives sem_counter, waited for with the signals that matter
 * blocked except while asleep, stopped. Nothing here touches a semaphore:
 * the lock and what a worker does with it are sem_counter.c's.
 */
#ifndef SEM_WORKERS_H
#define SEM_WORKERS_H

#include <signal.h>
#include <stdnoreturn.h>
#include <sys/types.h>

#define MAX_PROCS 1000                  /* more is a fork bomb, not a lab */

extern volatile sig_atomic_t stop_signal;   /* the parent's: SIGINT or SIGTERM received */
extern volatile sig_atomic_t parent_gone;   /* a worker's: sem_counter has died */

/* Blocks SIGINT, SIGTERM and SIGCHLD (the mask before goes to *orig_mask)
 * and catches them: they are let in only inside wait_for_workers()'s
 * sigsuspend(). -1 on failure (errno set). */
int catch_signals(sigset_t *orig_mask);

/* fork(): returns 0 in the new worker, its PID in the parent, -1 on failure.
 * The worker dies of SIGINT/SIGTERM (the parent cleans up), gets SIGUSR1
 * when the parent dies however it dies (parent_gone), and has orig_mask. */
pid_t start_worker(const sigset_t *orig_mask);

/* Sleeps until every worker has ended or a stop signal came (stop_signal);
 * returns how many workers failed (saying so for one killed by a signal),
 * -1 if waitpid() failed. */
int wait_for_workers(const sigset_t *orig_mask);

/* Kills the workers still running and reaps them. */
void stop_workers(void);

/* A worker's failure: a message with its PID, _exit(1); the parent reports it. */
noreturn void die_worker(const char *what);

#endif
