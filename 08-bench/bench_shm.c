/*
 * bench_shm.c -- the rings in System V shared memory that shm_sem,
 * shm_signal and shm_spin share: one segment, made and attached by the
 * parent before fork() (the child inherits the attachment), holding two
 * rings of slots, one per direction (struct ring, SLOTS_OFFSET in
 * ipc_bench.h). The three differ only in how a process waits for a free or
 * a filled slot.
 *
 * Read: shmget(2), shmop(2), shmctl(2).
 */
#define _GNU_SOURCE

#include <errno.h>
#include <sys/shm.h>

#include "ipc_bench.h"

/* Counters in shared memory must work without a lock (C11 7.17.5). */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_uint must be lock-free");

/* Slot n (counted from the start, so n % nslots) of the ring of direction. */
char *slot(struct link *l, int direction, unsigned n)
{
#ifdef SOLUTION
    size_t index = (size_t)direction * l->nslots + n % l->nslots;
    return l->shm + SLOTS_OFFSET + index * l->slot_size;
#else
    /* TODO: the address of message n's slot in the ring of direction: the
     * slots start SLOTS_OFFSET bytes into l->shm, first the l->nslots slots
     * of the ring to the child, then those to the parent, each l->slot_size
     * bytes; message n goes into slot n % l->nslots.
     * Checked by: make test LAB=08 T='ftok keys|semaphores and shared memory|killed by SIGKILL' */
    (void)l, (void)direction, (void)n;
    fail("slot: not written yet (TODO in bench_shm.c)");
#endif
}

void shm_open_rings(struct link *l, size_t size)
{
#ifdef SOLUTION
    l->slot_size = size;
    l->nslots = size <= RING_BYTES / RING_MIN_SLOTS ? RING_BYTES / size : RING_MIN_SLOTS;
    key_t key = ftok(".", SHM_PROJ_ID);
    if (key == -1)
        die("ftok");
    int shmid = shmget(key, SLOTS_OFFSET + 2 * l->nslots * size, IPC_CREAT | IPC_EXCL | OWNER_ONLY);
    if (shmid == -1) {
        if (errno == EEXIST)
            key_taken('m', key);
        die("shmget");
    }
    live.shmid = shmid;
    /* The child inherits the attachment through fork(). */
    l->shm = shmat(shmid, NULL, 0);
    if (l->shm == (void *)-1)
        die("shmat");
    live.shm = l->shm;
    l->rings = (struct ring *)(void *)l->shm;
    for (int d = TO_CHILD; d <= TO_PARENT; d++) {
        atomic_init(&l->rings[d].head, 0);
        atomic_init(&l->rings[d].tail, 0);
    }
#else
    /* TODO: slots of size bytes (l->slot_size), RING_BYTES / size of them a
     * ring, but at least RING_MIN_SLOTS (l->nslots). The segment: ftok(".",
     * SHM_PROJ_ID), shmget() of SLOTS_OFFSET + two rings' slots with
     * IPC_CREAT | IPC_EXCL | OWNER_ONLY (EEXIST: key_taken('m', key)), set
     * live.shmid; shmat() it into l->shm, set live.shm. l->rings is its
     * start: atomic_init() both rings' head and tail to 0.
     * Checked by: make test LAB=08 T='ftok keys|semaphores and shared memory|killed by SIGKILL' */
    (void)l, (void)size;
    fail("shm_open_rings: not written yet (TODO in bench_shm.c)");
#endif
}
