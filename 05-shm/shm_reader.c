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
 * are used only if they are ours alone (rule 13, shm_checks.c).
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

static int queue_id = -1;               /* the queue, once checked to be ours */
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

    if (queue_id != -1 && msgctl(queue_id, IPC_RMID, NULL) == -1 &&
        errno != EINVAL && errno != EIDRM)
        fprintf(stderr, "shm_reader: msgctl IPC_RMID: %s\n", strerror(errno));

    int shmid = own_data_segment(&ds);
    if (shmid != -1 && (ds.shm_cpid == writer_pid || !process_exists(ds.shm_cpid)) &&
        shmctl(shmid, IPC_RMID, NULL) == -1 && errno != EINVAL && errno != EIDRM)
        fprintf(stderr, "shm_reader: shmctl IPC_RMID: %s\n", strerror(errno));
}

/* Gives up without removing anything: what is in the folder belongs to a
 * pair that is not ours (one pair per folder). Exits 1. */
static void refuse_second_pair(const char *why, pid_t writer)
{
    fprintf(stderr, "shm_reader: %s the shm_writer here (PID %ld) took another shm_reader: "
            "one pair per folder at a time; run again when that exchange is done, or in "
            "another folder\n", why, (long)writer);
    exit(1);
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

/* Gives up the exchange: says why, removes what is left, exits 1. */
static void fail(const char *format, ...)
{
    va_list args;

    fprintf(stderr, "shm_reader: ");
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fprintf(stderr, "\n");
    remove_leftovers();
    exit(1);
}

/* Stopped by signal sig: cleans up as fail() does, and exits 128 + sig, as
 * a shell reports a program that the signal stopped (130 for Ctrl-C). */
static void stopped(int sig)
{
    fprintf(stderr, "shm_reader: %s: exchange abandoned\n", strsignal(sig));
    remove_leftovers();
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

/* The queue for the PIDs: we create it, or the writer already has. One we
 * find is used only if it is ours alone (rule 13: another user's could
 * hand us any PID to signal). */
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
        if ((own = own_queue("shm_reader", key, id, &ds)) == -1)
            continue;                   /* removed since IPC_STAT's msgget */
        if (own == 0)
            exit(1);                    /* another user's: touch nothing */
        break;
    }
    queue_id = id;
}

static void send_my_pid(void)
{
    struct pid_message message = { .mtype = READER_PID_TYPE, .pid = getpid() };

    while (msgsnd(queue_id, &message, PID_MESSAGE_SIZE, 0) == -1)
        if (errno != EINTR)
            die("msgsnd");
}

/* Takes the writer's PID from the queue if it is there (1), without waiting (0). */
static int take_writer_pid(pid_t *writer)
{
    struct pid_message message;

    if (msgrcv(queue_id, &message, PID_MESSAGE_SIZE, WRITER_PID_TYPE, IPC_NOWAIT) == -1) {
        if (errno == ENOMSG)
            return 0;
        if (errno == EINVAL || errno == EIDRM) {
            struct shmid_ds ds;
            queue_id = -1;              /* gone: nothing to remove */
            if (own_data_segment(&ds) != -1 && process_exists(ds.shm_cpid))
                refuse_second_pair("the message queue went before a writer took our PID:",
                                   ds.shm_cpid);
            fail("the message queue was removed");
        }
        die("msgrcv");
    }
    if (message.pid <= 0)               /* kill(0 or -1, ...) would hit many processes */
        fail("a message with a bad PID (%d)", (int)message.pid);
    *writer = message.pid;
    return 1;
}

static void signal_writer(pid_t writer, int sig)
{
    if (kill(writer, sig) == -1) {
        if (errno == ESRCH)
            fail("the writer (pid %d) is gone", (int)writer);
        die("kill");
    }
}

/* Waits up to PARTNER_CHECK_MS for SIGUSR2 from writer (1) or none (0);
 * a stop signal stops us. A SIGUSR1 or SIGUSR2 from anyone else is ignored
 * (sigtimedwait's si_pid names the sender). */
static int signalled_by(pid_t writer)
{
    sigset_t waited;
    siginfo_t info;
    struct timespec check = {
        .tv_sec = PARTNER_CHECK_MS / 1000,
        .tv_nsec = PARTNER_CHECK_MS % 1000 * 1000000L,
    };

    sigemptyset(&waited);
    sigaddset(&waited, SIGUSR1);
    sigaddset(&waited, SIGUSR2);
    sigaddset(&waited, SIGINT);
    sigaddset(&waited, SIGTERM);
    sigaddset(&waited, SIGHUP);
    int got = sigtimedwait(&waited, &info, &check);
    if (got == SIGUSR2 && info.si_pid == writer)
        return 1;
    if (got == SIGUSR1 || got == SIGUSR2)
        return 0;                       /* not from our writer */
    if (got != -1)
        stopped(got);
    if (errno != EAGAIN && errno != EINTR)
        die("sigtimedwait");
    return 0;
}

/* Waits for the writer's PID on the queue, looking every PARTNER_CHECK_MS. */
static pid_t await_writer_pid(void)
{
    pid_t writer;

    while (!take_writer_pid(&writer))
        signalled_by(0);                /* a tick (no signal comes from PID 0) */
    return writer;
}

/* A PID taken from the queue is signalled only if it is this folder's
 * writer: the creator of our segment, still attached to it (a writer that
 * died is attached no more, and its PID may be another process's now). */
static void check_writer(pid_t writer)
{
    struct shmid_ds ds;

    if (own_data_segment(&ds) == -1 || ds.shm_cpid != writer || ds.shm_nattch == 0)
        fail("the writer's PID on the queue (%d) is not that of a shm_writer at work in this "
             "folder (gone?): not signalled", (int)writer);
}

/* Waits for SIGUSR2 from the writer, checking every PARTNER_CHECK_MS that it
 * still exists. */
static void await_signal(pid_t writer)
{
    while (!signalled_by(writer))
        if (!process_exists(writer))
            fail("the writer (pid %d) is gone", (int)writer);
}

/* Attaches the writer's segment and prints it, as the original example does. */
static void read_data(void)
{
    /* No IPC_CREAT: the segment must be the writer's, ours alone and made
     * by our writer (not another user's, nor another pair's). */
    struct shmid_ds ds;
    int shmid = own_data_segment(&ds);
    if (shmid == -1)
        fail("no segment of our writer's at this folder's key");
    if (ds.shm_cpid != writer_pid)
        fail("the segment here was made by PID %ld, not by our writer", (long)ds.shm_cpid);
    const int *shmaddr = shmat(shmid, NULL, SHM_RDONLY);
    if (shmaddr == (void *)-1)
        die("shmat");
    printf("Memory attached at %p\n", (const void *)shmaddr);

    for (int i = 0; i < DATA_COUNT; i++)
        printf("shmaddr : %p, data : %d\n", (const void *)&shmaddr[i], shmaddr[i]);

    if (shmdt(shmaddr) == -1)
        die("shmdt");
}

int main(int argc, char *argv[])
{
    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: shm_reader\n");
        return 2;
    }

    block_signals();
    refuse_foreign_segment();
    /* What a killed run left is named, with the command that removes it. */
    refuse_stale_pair("shm_reader", key_for(PID_QUEUE_PROJ_ID), key_for(DATA_PROJ_ID));
    open_queue();
    printf("My pid = %d\n", (int)getpid());
    send_my_pid();
    printf("Success to Send pid message\n");
    fflush(stdout);                     /* print before the partner can go on */

    pid_t writer = await_writer_pid();
    check_writer(writer);               /* never signal a PID that is not our writer's */
    writer_pid = writer;
    printf("Process1 pid : %d\n", (int)writer);
    fflush(stdout);
    signal_writer(writer, SIGUSR1);     /* I have your PID */

    await_signal(writer);               /* the data is written */
    printf("Process1 : Finish to write the Memory\n");
    read_data();
    fflush(stdout);
    signal_writer(writer, SIGUSR2);     /* read: the writer may remove it all */
    return 0;
}
