/*
 * shm_reader -- prints the numbers shm_writer puts in shared memory
 * (the original example's process2).
 *
 * Usage:   shm_reader
 *
 * Posts its PID on the message queue (type READER_PID_TYPE) and takes the
 * writer's (type WRITER_PID_TYPE); if the writer has not come yet, it waits
 * for the writer's SIGUSR1, which says that the writer's PID is there now.
 * It answers SIGUSR1 ("I have your PID"), waits for SIGUSR2 ("written"),
 * attaches the writer's segment read-only, prints the DATA_COUNT numbers
 * with their addresses, detaches and answers SIGUSR2 ("read").
 * See shm_writer.c for the whole picture.
 *
 * The segment is looked up without IPC_CREAT: the writer makes it, and a
 * reader must never make an empty one of its own.
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

static int queue_id = -1;

/* The writer removes both objects when the exchange is over. When we give
 * up, the writer is gone or about to notice that we are: remove whatever is
 * left, since nobody else will. */
static void remove_leftovers(void)
{
    if (queue_id != -1 && msgctl(queue_id, IPC_RMID, NULL) == -1 &&
        errno != EINVAL && errno != EIDRM)
        fprintf(stderr, "shm_reader: msgctl IPC_RMID: %s\n", strerror(errno));

    key_t key = ftok(".", DATA_PROJ_ID);
    int shmid = key == -1 ? -1 : shmget(key, 0, 0);
    if (shmid != -1 && shmctl(shmid, IPC_RMID, NULL) == -1 &&
        errno != EINVAL && errno != EIDRM)
        fprintf(stderr, "shm_reader: shmctl IPC_RMID: %s\n", strerror(errno));
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

/* The queue for the PIDs: we create it, or the writer already has. */
static void open_queue(void)
{
    key_t key = key_for(PID_QUEUE_PROJ_ID);

    queue_id = msgget(key, IPC_CREAT | IPC_EXCL | OBJECT_PERMS);
    if (queue_id == -1 && errno == EEXIST)
        queue_id = msgget(key, 0);
    if (queue_id == -1)
        die("msgget");
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
        if (errno == EINVAL || errno == EIDRM)
            fail("the message queue was removed");
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

/* Waits until the writer sends sig, checking every PARTNER_CHECK_MS that it
 * still exists (or, before we know its PID, looking for it in the queue). */
static void await_signal(int sig, pid_t *writer)
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
        int got = sigtimedwait(&waited, NULL, &check);
        if (got == sig)
            return;
        if (got != -1)
            stopped(got);
        if (errno != EAGAIN && errno != EINTR)
            die("sigtimedwait");
        if (*writer == 0)
            take_writer_pid(writer);
        if (*writer != 0 && kill(*writer, 0) == -1 && errno == ESRCH)
            fail("the writer (pid %d) is gone", (int)*writer);
    }
}

/* Attaches the writer's segment and prints it, as the original example does. */
static void read_data(void)
{
    /* No IPC_CREAT: the segment must be the writer's. */
    int shmid = shmget(key_for(DATA_PROJ_ID), DATA_COUNT * sizeof(int), 0);
    if (shmid == -1)
        die("shmget");
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
    open_queue();
    printf("My pid = %d\n", (int)getpid());
    send_my_pid();
    printf("Success to Send pid message\n");
    fflush(stdout);                     /* print before the partner can go on */

    pid_t writer = 0;
    if (!take_writer_pid(&writer)) {
        await_signal(SIGUSR1, &writer); /* the writer came second: it will wake us */
        if (writer == 0 && !take_writer_pid(&writer))
            fail("SIGUSR1 came, but no PID from the writer");
    }
    printf("Process1 pid : %d\n", (int)writer);
    fflush(stdout);
    signal_writer(writer, SIGUSR1);     /* I have your PID */

    await_signal(SIGUSR2, &writer);     /* the data is written */
    printf("Process1 : Finish to write the Memory\n");
    read_data();
    fflush(stdout);
    signal_writer(writer, SIGUSR2);     /* read: the writer may remove it all */
    return 0;
}
