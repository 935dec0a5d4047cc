/*
 * shm_writer -- writes 1 ... 100 into shared memory for shm_reader
 * (the original example's process1).
 *
 * Usage:   shm_writer
 *
 * The writer creates and attaches the segment first, exclusively: that is
 * its claim on the folder (a second shm_writer here is refused). The two
 * programs swap their PIDs over a message queue, one message type per
 * direction, so that each can signal the other. Then the writer fills the
 * segment with 1 ... DATA_COUNT, and tells the reader with SIGUSR2; the
 * reader prints the numbers and answers with SIGUSR2; the writer removes the
 * segment.
 *
 *     shm_writer                                    shm_reader
 *       shmget (IPC_EXCL), shmat  the segment
 *       msgsnd  my PID (type 1) ──> [ queue ] <──  msgsnd  my PID (type 2)
 *                                                  msgrcv  its PID (type 1)
 *               <────────────── SIGUSR1: "I have your PID"
 *       IPC_RMID the queue
 *       write 1 ... 100 ──> [ segment ]
 *               ──────────────> SIGUSR2: "written"
 *                                                  shmat, print 1 ... 100, shmdt
 *               <────────────── SIGUSR2: "read"
 *       shmdt, IPC_RMID the segment
 *
 * Either program may start first. Each posts its own PID; the reader looks
 * for the writer's every PARTNER_CHECK_MS. The writer never signals a PID
 * it read: its reader is the process that sends it SIGUSR1 (the kernel
 * names the sender, sigtimedwait's si_pid) and has posted that PID on our
 * queue; only that reader is ever signalled, and only its signals count.
 *
 * Objects found at the keys are used only if they are ours alone (rule 13,
 * shm_checks.c): a queue another user made could hand us any "PID".
 *
 * No signal can be lost: SIGUSR1, SIGUSR2 and the stop signals are blocked
 * from the start, so one that comes early stays pending until
 * sigtimedwait() takes it (the original example's kill() then pause()
 * slept forever if the answer came before pause()). While waiting, the writer checks every
 * PARTNER_CHECK_MS that the reader still exists (kill(pid, 0)): the reader
 * is not our child, so its death sends us no SIGCHLD.
 *
 * Partner: shm_reader, started in the same folder, in either order. Either
 * may create the queue; the writer creates the segment (exclusively) and
 * removes both. If the reader dies, the writer removes both objects and
 * exits 1; if SIGINT, SIGTERM or SIGHUP comes, it removes them and exits
 * 128 + the signal's number (130 for Ctrl-C).
 *
 * Example (shm_reader started in another terminal):
 *     $ ./shm_writer
 *     My pid = 4321
 *     Success to Send pid message
 *     I Get Signal from process2
 *     Process2 pid : 4322
 *     ...
 *
 * Read: msgget(2), msgop(2), shmget(2), shmop(2), shmctl(2), kill(2),
 *       sigprocmask(2), sigtimedwait(2), ftok(3).
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

#include "shmlab.h"

/* What we have made and must remove when we stop; -1: nothing (any more). */
static int queue_id = -1;
static int segment_id = -1;
static int *shmaddr;                    /* the segment, attached */

/* Removes the queue, if we still hold it; the reader may have removed it
 * already when it gave up, which is no error. Returns -1 on failure. */
static int remove_queue(void)
{
    int id = queue_id;

    queue_id = -1;
    if (id == -1 || msgctl(id, IPC_RMID, NULL) == 0 || errno == EINVAL || errno == EIDRM)
        return 0;
    fprintf(stderr, "shm_writer: msgctl IPC_RMID: %s\n", strerror(errno));
    return -1;
}

/* The same for the segment. */
static int remove_segment(void)
{
    int id = segment_id;

    segment_id = -1;
    if (id == -1 || shmctl(id, IPC_RMID, NULL) == 0 || errno == EINVAL || errno == EIDRM)
        return 0;
    fprintf(stderr, "shm_writer: shmctl IPC_RMID: %s\n", strerror(errno));
    return -1;
}

/* Gives up the exchange: says why, removes our objects, exits 1. */
static void fail(const char *format, ...)
{
    va_list args;

    fprintf(stderr, "shm_writer: ");
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fprintf(stderr, "\n");
    remove_queue();
    remove_segment();
    exit(1);
}

/* Stopped by signal sig: cleans up as fail() does, and exits 128 + sig, as
 * a shell reports a program that the signal stopped (130 for Ctrl-C). */
static void stopped(int sig)
{
    fprintf(stderr, "shm_writer: %s: exchange abandoned\n", strsignal(sig));
    remove_queue();
    remove_segment();
    exit(128 + sig);
}

static void die(const char *what)
{
    fail("%s: %s", what, strerror(errno));
}

static key_t key_for(int proj_id)
{
    key_t key = ftok(".", proj_id);
    if (key == -1)
        die("ftok .");
    return key;
}

/* Blocks the handshake's and the stop signals: from now on they wait,
 * pending, until sigtimedwait() takes them. None can be lost. */
static void block_signals(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
        die("sigprocmask");
}

/* The data segment, first of all: creating it exclusively is our claim on
 * the folder, so a second shm_writer here is refused before it posts a PID
 * (one pair per folder). A key already taken is explained (shm_checks.c):
 * another user's segment, or a writer at work. Attached at once, so that a
 * reader can tell a live writer (attached) from a PID a dead one left. */
static void create_segment(void)
{
    key_t key = key_for(DATA_PROJ_ID);

    segment_id = shmget(key, DATA_COUNT * sizeof(int), IPC_CREAT | IPC_EXCL | OBJECT_PERMS);
    if (segment_id == -1 && errno == EEXIST) {
        explain_taken_segment("shm_writer", key);
        exit(1);                        /* nothing made: nothing to remove */
    }
    if (segment_id == -1)
        die("shmget");
    shmaddr = shmat(segment_id, NULL, 0);
    if (shmaddr == (void *)-1)
        die("shmat");
}

/* The queue for the PIDs: we create it, or the reader already has. One we
 * find is used only if it is ours alone (rule 13: another user's could
 * hand us any PID). */
static void open_queue(void)
{
    key_t key = key_for(PID_QUEUE_PROJ_ID);
    struct msqid_ds ds;
    int id, own;

    while ((id = msgget(key, IPC_CREAT | IPC_EXCL | OBJECT_PERMS)) == -1) {
        if (errno != EEXIST || (id = msgget(key, 0)) == -1) {
            if (errno == ENOENT)
                continue;               /* removed since: create it now */
            die("msgget");
        }
        if ((own = own_queue("shm_writer", key, id, &ds)) == -1)
            continue;                   /* removed since IPC_STAT's msgget */
        if (own == 0)
            fail("refused the message queue (see above)");
        break;
    }
    queue_id = id;
}

static void send_my_pid(void)
{
    struct pid_message message = { .mtype = WRITER_PID_TYPE, .pid = getpid() };

    while (msgsnd(queue_id, &message, PID_MESSAGE_SIZE, 0) == -1)
        if (errno != EINTR)
            die("msgsnd");
}

/* Takes a reader's PID from the queue if one is there (1), without waiting (0). */
static int take_reader_pid(pid_t *reader)
{
    struct pid_message message;

    if (msgrcv(queue_id, &message, PID_MESSAGE_SIZE, READER_PID_TYPE, IPC_NOWAIT) == -1) {
        if (errno == ENOMSG)
            return 0;
        if (errno == EINVAL || errno == EIDRM)
            fail("the message queue was removed");
        die("msgrcv");
    }
    if (message.pid <= 0)               /* kill(0 or -1, ...) would hit many processes */
        fail("a message with a bad PID (%d)", (int)message.pid);
    *reader = message.pid;
    return 1;
}

static void signal_reader(pid_t reader, int sig)
{
    if (kill(reader, sig) == -1) {
        if (errno == ESRCH)
            fail("the reader (pid %d) is gone", (int)reader);
        die("kill");
    }
}

/* Is pid one of the readers that posted their PID on the queue? Takes the
 * readers' PIDs off it until pid comes (a second reader's is not needed:
 * it sees the queue go, and gives up). */
static int posted_reader(pid_t pid)
{
    pid_t posted;

    while (take_reader_pid(&posted))
        if (posted == pid)
            return 1;
    return 0;
}

/*
 * Waits until the reader sends sig. While none comes, every
 * PARTNER_CHECK_MS: if we do not know the reader's PID yet, look for it in
 * the queue; once we know it, check that the reader still exists (kill(pid,
 * 0) sends nothing: a PID read from the queue is never signalled). This is
 * not a busy loop: the signal ends the wait the moment it comes, the ticks
 * only notice a reader that died.
 *
 * Who sent the signal (si_pid) decides: SIGUSR1 ("I have your PID") makes
 * its sender our reader, if it posted its PID on our queue (with two
 * readers in the folder, the one that took our PID may not be the one whose
 * PID we took); SIGUSR2 counts only from that reader. Any other is ignored.
 */
static void await_signal(int sig, pid_t *reader)
{
    sigset_t waited;
    struct timespec check = {
        .tv_sec = PARTNER_CHECK_MS / 1000,
        .tv_nsec = PARTNER_CHECK_MS % 1000 * 1000000L,
    };

    sigemptyset(&waited);
    sigaddset(&waited, sig);
    sigaddset(&waited, SIGINT);
    sigaddset(&waited, SIGTERM);
    sigaddset(&waited, SIGHUP);
    for (;;) {
        siginfo_t info;
        int got = sigtimedwait(&waited, &info, &check);
        if (got == SIGUSR1 && sig == SIGUSR1 &&
            (info.si_pid == *reader || posted_reader(info.si_pid))) {
            *reader = info.si_pid;
            return;
        }
        if (got == SIGUSR2 && sig == SIGUSR2 && info.si_pid == *reader)
            return;
        if (got == SIGUSR1 || got == SIGUSR2)
            continue;                   /* not from our reader */
        if (got != -1)
            stopped(got);
        if (errno != EAGAIN && errno != EINTR)
            die("sigtimedwait");
        if (*reader == 0)
            take_reader_pid(reader);
        if (*reader != 0 && kill(*reader, 0) == -1 && errno == ESRCH)
            fail("the reader (pid %d) is gone", (int)*reader);
    }
}

/* Writes 1 ... DATA_COUNT into our segment, as the original example does. */
static void write_data(void)
{
    printf("Memory attached at %p\n", (void *)shmaddr);
    for (int i = 0; i < DATA_COUNT; i++) {
        shmaddr[i] = i + 1;
        printf("shmaddr : %p, data : %d\n", (void *)&shmaddr[i], shmaddr[i]);
    }
}

int main(int argc, char *argv[])
{
    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: shm_writer\n");
        return 2;
    }

    block_signals();
    /* What a killed run left is named, with the command that removes it. */
    refuse_stale_pair("shm_writer", key_for(PID_QUEUE_PROJ_ID), key_for(DATA_PROJ_ID));
    create_segment();                   /* our claim: one writer per folder */
    open_queue();
    printf("My pid = %d\n", (int)getpid());
    send_my_pid();
    printf("Success to Send pid message\n");
    fflush(stdout);                     /* print before the partner can go on */

    pid_t reader = 0;
    await_signal(SIGUSR1, &reader);     /* the reader holds my PID: it is the one */
    printf("I Get Signal from process2\n");
    printf("Process2 pid : %d\n", (int)reader);

    /* Both PIDs are known: the queue has done its job. */
    if (remove_queue() == -1)
        return 1;

    write_data();
    fflush(stdout);
    signal_reader(reader, SIGUSR2);     /* the data is written */
    await_signal(SIGUSR2, &reader);     /* the reader has read it */
    printf("Process2 : Finish to read the Memory\n");

    if (shmdt(shmaddr) == -1)
        die("shmdt");
    return remove_segment() == 0 ? 0 : 1;
}
