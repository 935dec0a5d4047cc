/*
 * bench_shm_signal.c -- the shm_signal row: the rings of bench_shm.c, and a
 * SIGUSR1 to the partner after each message ("look at the ring"). A process
 * that finds the ring full (or empty) waits in sigsuspend(). SIGUSR1 stays
 * blocked outside sigsuspend(), so a signal that arrives between the look
 * and the wait is not lost: the original example's kill() then pause() is.
 *
 * Read: kill(2), sigprocmask(2), sigsuspend(2), stdatomic.h.
 */
#define _GNU_SOURCE

#include <signal.h>
#include <string.h>

#include "ipc_bench.h"

static void signal_attach(struct link *l)
{
#ifdef SOLUTION
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
#else
    /* TODO: block SIGUSR1, SIGCHLD, SIGINT and SIGTERM with sigprocmask(),
     * keeping the old mask in l->saved_mask; l->wait_mask, the mask to wait
     * with, is the old one without SIGUSR1.
     * Checked by: make test LAB=08 T='waiting on signals' */
    (void)l;
    fail("signal_attach: not written yet (TODO in bench_shm_signal.c)");
#endif
}

#ifdef SOLUTION
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
#else
/* TODO: a helper wait_for_signal(l): partner_ended() if child_exited,
 * check_stop(), then sigsuspend(&l->wait_mask).
 * signal_send: while the ring l->rings[l->out] is full (l->sent minus its
 * tail, loaded with memory_order_acquire, is l->nslots), wait_for_signal();
 * memcpy() the message into slot(l, l->out, l->sent); store ++l->sent into
 * head with memory_order_release; kill(l->partner, SIGUSR1).
 * signal_recv: while head (acquire) equals l->received, wait; memcpy() out of
 * slot(l, l->in, l->received); store ++l->received into tail (release);
 * kill(l->partner, SIGUSR1), since the sender may wait for a free slot.
 * Checked by: make test LAB=08 T='waiting on signals' */
static void signal_send(struct link *l, struct message *m, size_t len)
{
    (void)l, (void)m, (void)len;
    fail("signal_send: not written yet (TODO in bench_shm_signal.c)");
}

static void signal_recv(struct link *l, struct message *m, size_t len)
{
    (void)l, (void)m, (void)len;
    fail("signal_recv: not written yet (TODO in bench_shm_signal.c)");
}
#endif

static void signal_detach(struct link *l)
{
#ifdef SOLUTION
    if (sigprocmask(SIG_SETMASK, &l->saved_mask, NULL) == -1)
        die("sigprocmask");
#else
    /* TODO: set the signal mask back to l->saved_mask (sigprocmask()).
     * Checked by: make test LAB=08 T='waiting on signals' */
    (void)l;
    fail("signal_detach: not written yet (TODO in bench_shm_signal.c)");
#endif
}

const struct mechanism shm_signal_mechanism = {
    "shm_signal", NULL, shm_open_rings, signal_attach, signal_send, signal_recv, signal_detach,
};
