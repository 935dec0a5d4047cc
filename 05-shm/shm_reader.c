/*
 * shm_reader -- prints the numbers shm_writer puts in shared memory
 * (the original example's process2).
 *
 * Usage:   shm_reader
 *
 * Posts its PID on the message queue (type READER_PID_TYPE) and takes the
 * writer's (type WRITER_PID_TYPE), looking every PARTNER_CHECK_MS until the
 * writer has come. It signals that PID only once it has checked that it is
 * the writer of this folder's segment (its creator, still attached). It
 * sends SIGUSR1 ("I have your PID"), waits for SIGUSR2 ("written") from that
 * writer, attaches the segment read-only, prints the DATA_COUNT numbers with
 * their addresses, detaches and answers SIGUSR2 ("read").
 * See shm_writer.c for the whole picture.
 *
 * The segment is looked up without IPC_CREAT: the writer makes it, and a
 * reader must never make an empty one of its own. Objects found at the keys
 * are used only if they are ours alone (rule 13, shm_checks.c). What the
 * pair shares (the queue and the PID swap, the wait for a signal, the way
 * out) is in shm_pair.c; main below is the story.
 *
 * The addresses differ from the writer's: one segment is mapped at a
 * different address in each process, so shared memory must never hold a
 * pointer.
 *
 * No signal can be lost (all are blocked and taken by sigtimedwait()), and
 * while waiting the reader checks every PARTNER_CHECK_MS that the writer still
 * exists (kill(pid, 0)).
 *
 * Partner: shm_writer, started in the same folder, in either order. The
 * reader may create the queue; the writer removes the queue and the segment.
 * If the writer dies, the reader removes whatever is left of both, since
 * nobody else will, and exits 1; if SIGINT, SIGTERM or SIGHUP comes, it
 * removes them too and exits 128 + the signal's number (130 for Ctrl-C).
 *
 * Example (shm_writer started in another terminal):
 *     $ ./shm_reader
 *     My pid = 4322
 *     Success to Send pid message
 *     Process1 pid : 4321
 *     Process1 : Finish to write the Memory
 *     Memory attached at 0x7f0d3c9e6000
 *     shmaddr : 0x7f0d3c9e6000, data : 1
 *     ...
 *
 * Read: msgget(2), msgop(2), shmget(2), shmop(2), shmctl(2), kill(2),
 *       sigprocmask(2), sigtimedwait(2), ftok(3).
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include "shmlab.h"

static pid_t writer_pid;                /* our writer, once we hold its PID */

/* The segment at the data key, if it is ours alone (rule 13): its id, with
 * its IPC_STAT in *ds; else -1 (none, or another user's: said so). */
static int own_data_segment(struct shmid_ds *ds)
{
    key_t key = ftok(".", DATA_PROJ_ID);
    int shmid = key == -1 ? -1 : shmget(key, 0, 0);

    if (shmid == -1 || own_segment("shm_reader", key, shmid, ds) != 1)
        return -1;
    return shmid;
}

/* The writer removes both objects when the exchange is over. When we give
 * up, the writer is gone or about to notice that we are: remove whatever is
 * left, since nobody else will; but a segment only if it is ours and its
 * writer is ours or gone (not another pair's, at work in this folder). */
static void remove_leftovers(void)
{
    struct shmid_ds ds;

    remove_queue();
    int shmid = own_data_segment(&ds);
    if (shmid != -1 && (ds.shm_cpid == writer_pid || !process_exists(ds.shm_cpid)))
        remove_segment_id(shmid);
}

/* Refuses at once a segment at the data key that is not ours alone (rule
 * 13): our writer would not use it either. Nothing made yet. */
static void refuse_foreign_segment(void)
{
    struct shmid_ds ds;
    key_t key = ftok(".", DATA_PROJ_ID);
    int shmid = key == -1 ? -1 : shmget(key, 0, 0);

    if (shmid != -1 && own_segment("shm_reader", key, shmid, &ds) == 0)
        exit(1);
}

/* The queue went before a writer took our PID (take_pid calls this). If a
 * writer is at work here, it took another reader: give up without removing
 * anything, since what is in the folder is that pair's (one pair per
 * folder); exit 1. Else take_pid fails as usual. */
static void queue_gone(void)
{
    struct shmid_ds ds;

    if (own_data_segment(&ds) != -1 && process_exists(ds.shm_cpid)) {
        fprintf(stderr, "shm_reader: the message queue went before a writer took our PID: "
                "the shm_writer here (PID %ld) took another shm_reader: one pair per folder "
                "at a time; run again when that exchange is done, or in another folder\n",
                (long)ds.shm_cpid);
        exit(1);
    }
}

/* A PID taken from the queue is signalled only if it is this folder's
 * writer: the creator of our segment, still attached to it (a writer that
 * died is attached no more, and its PID may be another process's now).
 * Returns the segment's id. */
static int check_writer(pid_t writer)
{
    struct shmid_ds ds;
    int shmid = own_data_segment(&ds);

    if (shmid == -1 || ds.shm_cpid != writer || ds.shm_nattch == 0)
        pair_fail("the writer's PID on the queue (%d) is not that of a shm_writer at work in "
                  "this folder (gone?): not signalled", (int)writer);
    return shmid;
}

/* Waits for the writer's PID on the queue, looking every PARTNER_CHECK_MS. */
static pid_t await_writer_pid(void)
{
#ifdef SOLUTION
    pid_t writer, sender;

    while (!take_pid(WRITER_PID_TYPE, &writer))
        next_signal(&sender);           /* a tick; nobody's signal counts yet */
    return writer;
#else
    /* TODO: until take_pid(WRITER_PID_TYPE, ...) finds the writer's PID,
     * wait a tick with next_signal() (a signal that comes meanwhile is
     * ignored). Return the PID.
     * Checked by: make test LAB=05 T='writer|reader|exchange' */
    pair_fail("await_writer_pid: not written yet (TODO in shm_reader.c)");
#endif
}

int main(int argc, char *argv[])
{
    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: shm_reader\n");
        return 2;
    }

    pair_begin("shm_reader", "writer", remove_leftovers, queue_gone);
    block_signals();
    refuse_foreign_segment();
    /* What a killed run left is named, with the command that removes it. */
    refuse_stale_pair("shm_reader", key_for(PID_QUEUE_PROJ_ID), key_for(DATA_PROJ_ID));

    /* The PIDs' swap (as in 04-msgqueue): ours posted, the writer's awaited. */
    if (!open_queue())
        return 1;                       /* another user's: touch nothing */
    printf("My pid = %d\n", (int)getpid());
    send_pid(READER_PID_TYPE);
    printf("Success to Send pid message\n");
    pair_flush();                       /* print before the partner can go on */

    writer_pid = await_writer_pid();
    int shmid = check_writer(writer_pid);       /* never signal a PID that is not our writer's */
    printf("Process1 pid : %d\n", (int)writer_pid);
    pair_flush();

#ifdef SOLUTION
    if (kill(writer_pid, SIGUSR1) == -1)        /* I have your PID */
        partner_kill_failed(writer_pid);
    await_signal_from(writer_pid, SIGUSR2);     /* the data is written */
    printf("Process1 : Finish to write the Memory\n");

    /* Read-only, and never IPC_CREAT: the segment is the writer's (checked
     * above). It is mapped at another address than in the writer, which is
     * why shared memory must never hold a pointer. */
    const int *shmaddr = shmat(shmid, NULL, SHM_RDONLY);
    if (shmaddr == (void *)-1)
        pair_die("shmat");
    printf("Memory attached at %p\n", (const void *)shmaddr);
    for (int i = 0; i < DATA_COUNT; i++)
        printf("shmaddr : %p, data : %d\n", (const void *)&shmaddr[i], shmaddr[i]);
    if (shmdt(shmaddr) == -1)
        pair_die("shmdt");

    pair_flush();
    if (kill(writer_pid, SIGUSR2) == -1)        /* read: the writer may remove it all */
        partner_kill_failed(writer_pid);
    return 0;
#else
    /* TODO: tell the writer with kill(writer_pid, SIGUSR1) (on failure:
     * partner_kill_failed); wait for its SIGUSR2 (await_signal_from); print
     * "Process1 : Finish to write the Memory"; attach segment shmid
     * read-only (shmat, SHM_RDONLY), print "Memory attached at ADDRESS" and
     * "shmaddr : ADDRESS, data : K" for each of its DATA_COUNT ints; shmdt;
     * pair_flush() (stdout); answer with kill(writer_pid, SIGUSR2); return 0.
     * Checked by: make test LAB=05 T='writer|reader|exchange' */
    (void)shmid;
    pair_fail("main: not written yet (TODO in shm_reader.c)");
#endif
}
