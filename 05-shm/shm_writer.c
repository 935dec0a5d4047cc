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
 * shm_checks.c): a queue another user made could hand us any "PID". What
 * the pair shares (the queue and the PID swap, the wait for a signal, the
 * way out) is in shm_pair.c; main below is the story.
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
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include "shmlab.h"

static int segment_id = -1;             /* our segment, to remove when we stop; -1: none */

/* What we remove when we give up (pair_fail, pair_stopped): the queue, if
 * we still hold it, and our segment. */
static void remove_objects(void)
{
    remove_queue();
    remove_segment_id(segment_id);
    segment_id = -1;
}

/*
 * Waits for SIGUSR1 ("I have your PID") from a reader, and returns its PID.
 * Who sent the signal (si_pid) decides: its sender is our reader if it
 * posted its PID on our queue (with two readers in the folder, the one that
 * took our PID may not be the one whose PID we took). Any other is ignored.
 * While none comes, every PARTNER_CHECK_MS: if we do not know the reader's
 * PID yet, look for it in the queue; once we know it, check that the reader
 * still exists (kill(pid, 0) sends nothing: a PID read from the queue is
 * never signalled).
 */
static pid_t await_reader(void)
{
#ifdef SOLUTION
    pid_t reader = 0, sender;

    for (;;) {
        int got = next_signal(&sender);
        if (got == SIGUSR1 &&
            (sender == reader || posted_pid(READER_PID_TYPE, sender, &reader)))
            return sender;
        /* A quiet tick, or a signal from a stranger: look for the reader. */
        if (reader == 0)
            take_pid(READER_PID_TYPE, &reader);
        if (reader != 0 && !process_exists(reader))
            pair_fail("the reader (pid %d) is gone", (int)reader);
    }
#else
    /* TODO: loop on next_signal(). A SIGUSR1 whose sender is the reader
     * whose PID you took, or posted its PID (posted_pid(READER_PID_TYPE,
     * sender, &reader)), is the reader: return its PID. After a quiet tick
     * (0) or any other signal: without a reader's PID yet, take one off the
     * queue (take_pid); with it, a reader that no longer exists
     * (process_exists) is gone: pair_fail() saying so.
     * Checked by: make test LAB=05 T='writer|reader|exchange' */
    pair_fail("await_reader: not written yet (TODO in shm_writer.c)");
#endif
}

int main(int argc, char *argv[])
{
    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: shm_writer\n");
        return 2;
    }

    pair_begin("shm_writer", "reader", remove_objects, NULL);
    block_signals();
    /* What a killed run left is named, with the command that removes it. */
    refuse_stale_pair("shm_writer", key_for(PID_QUEUE_PROJ_ID), key_for(DATA_PROJ_ID));

#ifdef SOLUTION
    /* The data segment, first of all: creating it exclusively is our claim
     * on the folder, so a second shm_writer here is refused before it posts
     * a PID. Attached at once, so that a reader can tell a live writer
     * (attached) from a PID a dead one left. */
    key_t data_key = key_for(DATA_PROJ_ID);
    segment_id = shmget(data_key, DATA_COUNT * sizeof(int), IPC_CREAT | IPC_EXCL | OWNER_ONLY);
    if (segment_id == -1 && errno == EEXIST) {
        explain_taken_segment("shm_writer", data_key);  /* whose, or a writer at work */
        return 1;                       /* nothing made: nothing to remove */
    }
    if (segment_id == -1)
        pair_die("shmget");
    int *shmaddr = shmat(segment_id, NULL, 0);
    if (shmaddr == (void *)-1)
        pair_die("shmat");
#else
    /* TODO: create the data segment, DATA_COUNT ints at key_for(DATA_PROJ_ID),
     * exclusively (shmget with IPC_CREAT | IPC_EXCL | OWNER_ONLY) and keep
     * its id in segment_id (remove_objects removes it). EEXIST: let
     * explain_taken_segment() say whose it is and return 1; another error:
     * pair_die(). Attach it (shmat) as int *shmaddr.
     * Checked by: make test LAB=05 T='writer|reader|exchange' */
    pair_fail("main: the segment: not written yet (TODO in shm_writer.c)");
#endif

    /* The PIDs' swap (as in 04-msgqueue): ours posted, the reader's awaited. */
    if (!open_queue())
        pair_fail("refused the message queue (see above)");
    printf("My pid = %d\n", (int)getpid());
    send_pid(WRITER_PID_TYPE);
    printf("Success to Send pid message\n");
    pair_flush();                       /* print before the partner can go on */

    pid_t reader = await_reader();      /* the reader holds my PID: it is the one */
    printf("I Get Signal from process2\n");
    printf("Process2 pid : %d\n", (int)reader);
    /* Both PIDs are known: the queue has done its job. */
    if (remove_queue() == -1)
        return 1;

#ifdef SOLUTION
    /* Write 1 ... DATA_COUNT into the segment, as the original example does. */
    printf("Memory attached at %p\n", (void *)shmaddr);
    for (int i = 0; i < DATA_COUNT; i++) {
        shmaddr[i] = i + 1;
        printf("shmaddr : %p, data : %d\n", (void *)&shmaddr[i], shmaddr[i]);
    }
    pair_flush();
    if (kill(reader, SIGUSR2) == -1)    /* the data is written */
        partner_kill_failed(reader);
    await_signal_from(reader, SIGUSR2); /* the reader has read it */
    printf("Process2 : Finish to read the Memory\n");
    pair_flush();

    if (shmdt(shmaddr) == -1)
        pair_die("shmdt");
    if (shmctl(segment_id, IPC_RMID, NULL) == -1)
        pair_die("shmctl IPC_RMID");
    return 0;
#else
    /* TODO: print "Memory attached at ADDRESS", then write 1 ... DATA_COUNT
     * into shmaddr[0 ...], printing "shmaddr : ADDRESS, data : K" for each;
     * pair_flush() (stdout); tell the reader with kill(reader, SIGUSR2) (on
     * failure: partner_kill_failed); wait for its SIGUSR2 (await_signal_from);
     * print "Process2 : Finish to read the Memory" and pair_flush(); shmdt,
     * then shmctl IPC_RMID the segment; return 0.
     * Checked by: make test LAB=05 T='writer|reader|exchange' */
    pair_fail("main: the data: not written yet (TODO in shm_writer.c)");
#endif
}
