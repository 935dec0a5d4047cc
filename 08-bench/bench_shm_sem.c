/*
 * bench_shm_sem.c -- the shm_sem row: the rings of bench_shm.c, and a set of
 * four System V semaphores, two per direction, that count the ring's free
 * slots (2d) and its filled ones (2d+1). A sender takes a free slot (waits
 * while there is none), fills it, and counts it filled; the receiver the
 * other way round: four semop() calls per message.
 *
 * Read: semget(2), semop(2), semctl(2).
 */
#define _GNU_SOURCE /* semtimedop() */

#include <errno.h>
#include <string.h>
#include <sys/sem.h>
#include <time.h>

#include "ipc_bench.h"

static void sem_open(struct link *l, size_t size)
{
    shm_open_rings(l, size);
#ifdef SOLUTION
    key_t key = ftok(".", SEM_PROJ_ID);
    if (key == -1)
        die("ftok");
    l->semid = semget(key, 4, IPC_CREAT | IPC_EXCL | OWNER_ONLY);
    if (l->semid == -1) {
        if (errno == EEXIST)
            key_taken('s', key);
        die("semget");
    }
    live.semid = l->semid;
    /* Set before fork(): the child cannot use the set before it is ready. */
    unsigned short values[4] = {(unsigned short)l->nslots, 0, (unsigned short)l->nslots, 0};
    if (semctl(l->semid, 0, SETALL, (union semun){.array = values}) == -1)
        die("semctl SETALL");
#else
    /* TODO: a set of 4 semaphores: ftok(".", SEM_PROJ_ID), semget() with
     * IPC_CREAT | IPC_EXCL | OWNER_ONLY into l->semid (EEXIST: key_taken('s',
     * key)), set live.semid. Then, before fork(), semctl(SETALL): per
     * direction d, semaphore 2d (free slots) to l->nslots, 2d+1 (filled) to 0.
     * Checked by: make test LAB=08 T='ftok keys|semaphores and shared memory|killed by SIGKILL' */
    fail("sem_open: not written yet (TODO in bench_shm_sem.c)");
#endif
}

#ifdef SOLUTION
/* Adds delta to semaphore num, waiting while that would make it negative. No
 * SEM_UNDO: these semaphores count slots, they are not locks to give back. */
static void sem_add(struct link *l, unsigned short num, short delta)
{
    struct sembuf op = {.sem_num = num, .sem_op = delta};
    /* semtimedop(): a child that exits just before we wait is noticed within
     * a second; semop() would wait forever. */
    const struct timespec patience = {.tv_sec = 1};
    for (;;) {
        bool gone = child_exited;
        op.sem_flg = gone ? IPC_NOWAIT : 0;
        if (semtimedop(l->semid, &op, 1, &patience) == 0)
            return;
        if (gone && errno == EAGAIN)
            partner_ended();
        if (errno != EINTR && errno != EAGAIN)
            die("semop");
        check_stop();
    }
}

static void sem_send(struct link *l, struct message *m, size_t len)
{
    sem_add(l, 2 * l->out, -1);         /* p(free) */
    memcpy(slot(l, l->out, l->sent++), m->data, len);
    sem_add(l, 2 * l->out + 1, +1);     /* v(filled) */
}

static void sem_recv(struct link *l, struct message *m, size_t len)
{
    sem_add(l, 2 * l->in + 1, -1);      /* p(filled) */
    memcpy(m->data, slot(l, l->in, l->received++), len);
    sem_add(l, 2 * l->in, +1);          /* v(free) */
}
#else
/* TODO: a helper sem_add(l, num, delta) that adds delta to semaphore num with
 * semtimedop() (a timeout of a second, no SEM_UNDO), waiting while that would
 * make it negative. Read child_exited first: when set, use IPC_NOWAIT, and
 * EAGAIN means partner_ended(). EINTR or a timeout (EAGAIN): check_stop(),
 * try again; another error: die("semop").
 * sem_send: p(free of l->out), memcpy() the message into slot(l, l->out,
 * l->sent++), v(filled of l->out). sem_recv: p(filled of l->in), memcpy() out
 * of slot(l, l->in, l->received++), v(free of l->in).
 * Checked by: make test LAB=08 T='ftok keys|semaphores and shared memory|killed by SIGKILL' */
static void sem_send(struct link *l, struct message *m, size_t len)
{
    (void)l, (void)m, (void)len;
    fail("sem_send: not written yet (TODO in bench_shm_sem.c)");
}

static void sem_recv(struct link *l, struct message *m, size_t len)
{
    (void)l, (void)m, (void)len;
    fail("sem_recv: not written yet (TODO in bench_shm_sem.c)");
}
#endif

const struct mechanism shm_sem_mechanism = {
    "shm_sem", NULL, sem_open, no_attach, sem_send, sem_recv, no_detach,
};
