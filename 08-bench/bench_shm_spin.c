/*
 * bench_shm_spin.c -- the shm_spin row: the rings of bench_shm.c, and no
 * system call at all while messages flow. A process with nothing to do
 * spins on the ring's C11 atomic counters; after SPIN_TRIES looks it gives
 * its CPU away with sched_yield(). The two processes are pinned to two
 * different CPUs when they may use two: a spinning process must not wait
 * for a partner that needs its CPU.
 *
 * Read: stdatomic.h, sched_setaffinity(2), sched_yield(2).
 */
#define _GNU_SOURCE /* sched_setaffinity(), CPU_SET() */

#include <sched.h>
#include <string.h>

#include "ipc_bench.h"

cpu_set_t original_cpus;            /* the CPUs we may run on */
static int spin_cpus[2] = {-1, -1}; /* one CPU for each process, or -1: no pinning */
static unsigned spin_tries;         /* looks before sched_yield(); 0 on a single CPU */

/* Reads the CPUs we may use, and picks the first two of them for shm_spin. */
void choose_spin_cpus(void)
{
    if (sched_getaffinity(0, sizeof original_cpus, &original_cpus) == -1)
        die("sched_getaffinity");
    for (int cpu = 0, found = 0; cpu < CPU_SETSIZE && found < 2; cpu++)
        if (CPU_ISSET(cpu, &original_cpus))
            spin_cpus[found++] = cpu;
    if (spin_cpus[1] == -1)
        spin_cpus[0] = -1;
    spin_tries = spin_cpus[0] == -1 ? 0 : SPIN_TRIES;
}

static void spin_attach(struct link *l)
{
#ifdef SOLUTION
    /* A spinning process must not share a CPU with the partner it waits for:
     * with two CPUs or more, each process gets one of its own. */
    if (spin_cpus[0] == -1)
        return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(spin_cpus[l->side], &one);
    if (sched_setaffinity(0, sizeof one, &one) == -1)
        die("sched_setaffinity");
#else
    /* TODO: unless spin_cpus[0] is -1 (a single CPU), pin this process to
     * the CPU spin_cpus[l->side] with sched_setaffinity() (a set built with
     * CPU_ZERO() and CPU_SET()).
     * Checked by: make test LAB=08 T='measuring child is killed' */
    (void)l;
    fail("spin_attach: not written yet (TODO in bench_shm_spin.c)");
#endif
}

#ifdef SOLUTION
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
#else
/* TODO: a helper spin_pause(gone, &tries): partner_ended() if gone (the
 * child had exited before the last look), check_stop(), and after
 * spin_tries looks sched_yield() at every look.
 * spin_send: while the ring l->rings[l->out] looks full by l->seen_tail,
 * read child_exited, load tail (memory_order_acquire) into l->seen_tail, and
 * spin_pause() if it is still full; then memcpy() the message into slot(l,
 * l->out, l->sent) and store ++l->sent into head (memory_order_release).
 * spin_recv: the same with l->seen_head and head, then memcpy() out of
 * slot(l, l->in, l->received) and store ++l->received into tail (release).
 * Checked by: make test LAB=08 T='measuring child is killed' */
static void spin_send(struct link *l, struct message *m, size_t len)
{
    (void)l, (void)m, (void)len;
    fail("spin_send: not written yet (TODO in bench_shm_spin.c)");
}

static void spin_recv(struct link *l, struct message *m, size_t len)
{
    (void)l, (void)m, (void)len;
    fail("spin_recv: not written yet (TODO in bench_shm_spin.c)");
}
#endif

static void spin_detach(struct link *l)
{
#ifdef SOLUTION
    if (l->side == PARENT && sched_setaffinity(0, sizeof original_cpus, &original_cpus) == -1)
        die("sched_setaffinity");
#else
    /* TODO: the parent goes back to all its CPUs, original_cpus
     * (sched_setaffinity()); the child ends anyway.
     * Checked by: make test LAB=08 T='measuring child is killed' */
    (void)l;
    fail("spin_detach: not written yet (TODO in bench_shm_spin.c)");
#endif
}

const struct mechanism shm_spin_mechanism = {
    "shm_spin", NULL, shm_open_rings, spin_attach, spin_send, spin_recv, spin_detach,
};
