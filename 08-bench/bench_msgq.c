/*
 * bench_msgq.c -- the msgqueue row: one System V message queue, made by the
 * parent before fork(), a message type per direction (1 to the child, 2 to
 * the parent). The queue keeps message boundaries: one msgsnd(), one
 * msgrcv() per message. It takes no message over msgmax (and msgmnb): the
 * larger sizes show "-".
 *
 * Read: msgget(2), msgop(2), msgctl(2).
 */
#define _GNU_SOURCE /* struct msginfo */

#include <errno.h>
#include <sys/msg.h>

#include "ipc_bench.h"

size_t msg_limit;

/* The largest message a queue takes here: the smaller of msgmax and msgmnb. */
size_t queue_limit(void)
{
    struct msginfo limits;
    if (msgctl(0, IPC_INFO, (struct msqid_ds *)(void *)&limits) == -1)
        die("msgctl IPC_INFO");
    return (size_t)(limits.msgmax < limits.msgmnb ? limits.msgmax : limits.msgmnb);
}

static bool msgqueue_fits(size_t size)
{
    return size <= msg_limit;
}

static void msgqueue_open(struct link *l, size_t size)
{
    (void)size;
#ifdef SOLUTION
    key_t key = ftok(".", MSG_PROJ_ID);
    if (key == -1)
        die("ftok");
    /* IPC_EXCL: a queue already there (a killed run's, another user's) is
     * reported, never used (key_taken). */
    l->msqid = msgget(key, IPC_CREAT | IPC_EXCL | OWNER_ONLY);
    if (l->msqid == -1) {
        if (errno == EEXIST)
            key_taken('q', key);
        die("msgget");
    }
    live.msqid = l->msqid;
#else
    /* TODO: the key: ftok(".", MSG_PROJ_ID); the queue: msgget() with
     * IPC_CREAT | IPC_EXCL | OWNER_ONLY into l->msqid. EEXIST: key_taken('q',
     * key) (never use a queue that is there); another error: die(). Then
     * live.msqid = l->msqid, so that release_all() removes it.
     * Checked by: make test LAB=08 T='msgmax|removes its message queue' */
    (void)l;
    fail("msgqueue_open: not written yet (TODO in bench_msgq.c)");
#endif
}

/*
 * The waits below read child_exited before they try: a child that has exited
 * had sent all it ever would, so a try that finds nothing after that proves
 * the child is gone. (A child that dies in the instant between the flag and
 * msgrcv() is not noticed; Ctrl-C still ends the run cleanly.)
 */
static void msgqueue_send(struct link *l, struct message *m, size_t len)
{
#ifdef SOLUTION
    m->type = l->out + 1;       /* types must be positive: 1 to the child, 2 to the parent */
    for (;;) {
        bool gone = child_exited;
        if (msgsnd(l->msqid, m, len, gone ? IPC_NOWAIT : 0) == 0)
            return;
        if (gone && errno == EAGAIN)
            partner_ended();
        if (errno != EINTR)
            die("msgsnd");
        check_stop();
    }
#else
    /* TODO: set m->type to l->out + 1 (types are positive), then msgsnd() the
     * len bytes of m->data. Read child_exited first: when set, send with
     * IPC_NOWAIT, and EAGAIN means partner_ended(). EINTR: check_stop(), then
     * try again; another error: die("msgsnd").
     * Checked by: make test LAB=08 T='msgmax|removes its message queue' */
    (void)l, (void)m, (void)len;
    fail("msgqueue_send: not written yet (TODO in bench_msgq.c)");
#endif
}

static void msgqueue_recv(struct link *l, struct message *m, size_t len)
{
#ifdef SOLUTION
    for (;;) {
        bool gone = child_exited;
        ssize_t n = msgrcv(l->msqid, m, len, l->in + 1, gone ? IPC_NOWAIT : 0);
        if (n == (ssize_t)len)
            return;
        if (n >= 0)
            fail("a message of %zd bytes where %zu were sent", n, len);
        if (gone && errno == ENOMSG)
            partner_ended();
        if (errno != EINTR)
            die("msgrcv");
        check_stop();
    }
#else
    /* TODO: msgrcv() a message of type l->in + 1, of len bytes (another
     * length: fail()). Read child_exited first: when set, receive with
     * IPC_NOWAIT, and ENOMSG means partner_ended(). EINTR: check_stop(), then
     * try again; another error: die("msgrcv").
     * Checked by: make test LAB=08 T='msgmax|removes its message queue' */
    (void)l, (void)m, (void)len;
    fail("msgqueue_recv: not written yet (TODO in bench_msgq.c)");
#endif
}

const struct mechanism msgqueue_mechanism = {
    "msgqueue", msgqueue_fits, msgqueue_open, no_attach, msgqueue_send, msgqueue_recv, no_detach,
};
