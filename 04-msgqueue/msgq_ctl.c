/*
 * msgq_ctl -- look at, tune and remove this folder's queue with msgctl().
 *
 * Usage:   msgq_ctl stat | info | rm | qbytes N
 *
 *     stat       IPC_STAT: the queue's state, one "field: value" a line
 *                (messages, bytes, max bytes, the PIDs of the last sender and
 *                receiver, the times of the last send, receive and change)
 *     info       IPC_INFO: the system's limits for message queues (needs no
 *                queue; the same numbers as /proc/sys/kernel/msg*)
 *     rm         IPC_RMID: removes the queue and any message in it
 *     qbytes N   IPC_SET: sets the queue's maximum number of bytes to N.
 *                Lowering it is allowed to the owner; raising it above the
 *                system's msgmnb needs privilege (CAP_SYS_RESOURCE).
 *
 * stat, rm and qbytes work on the queue that msgq_send and msgq_recv share
 * in the current folder; if there is none they say "no queue" and exit 1.
 * msgq_ctl never creates a queue.
 *
 * Partner: msgq_send and msgq_recv (key ftok(".", MSGQ_PROJ_ID)). `msgq_ctl rm`
 * is how their queue is removed.
 *
 * Example:
 *     $ ./msgq_send 1 hello
 *     $ ./msgq_ctl stat | grep messages
 *     messages: 1
 *     $ ./msgq_ctl rm
 *
 * Read: msgctl(2), proc(5) for /proc/sys/kernel/msgmax, msgmnb, msgmni.
 */
#define _GNU_SOURCE                     /* struct msginfo, IPC_INFO */

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <time.h>

#include "person.h"

static void die(const char *what)
{
    fprintf(stderr, "msgq_ctl: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: msgq_ctl stat | info | rm | qbytes N\n");
    exit(2);
}

/* The shared queue of this folder; "no queue" if there is none. Another
 * user's queue is refused (queue_checks.c): not ours to show, tune or remove. */
static int find_queue(void)
{
    key_t key = ftok(".", MSGQ_PROJ_ID);
    if (key == -1)
        die("ftok .");
    int queue = own_queue("msgq_ctl", key, 0);
    if (queue == -1) {
        fprintf(stderr, "msgq_ctl: no queue\n");
        exit(1);
    }
    return queue;
}

/* The system's limits for message queues (IPC_INFO needs no queue). */
static struct msginfo system_limits(void)
{
#ifdef SOLUTION
    struct msginfo limits;

    /* IPC_INFO fills a struct msginfo, passed where a msqid_ds would go. */
    if (msgctl(0, IPC_INFO, (struct msqid_ds *)&limits) == -1)
        die("msgctl IPC_INFO");
    return limits;
#else
    /* TODO: msgctl() with IPC_INFO fills a struct msginfo (pass it cast to
     * struct msqid_ds *; the queue id is ignored); return it. A failure is
     * die("msgctl IPC_INFO").
     * Checked by: make test LAB=04 T='shows|qbytes (lowers|above)|MAXBYTES|MSG_COPY' */
    fprintf(stderr, "msgq_ctl: system_limits: not written yet (TODO in msgq_ctl.c)\n");
    exit(1);
#endif
}

/* "field: 2024-05-01 12:00:00", or "never" for a time of 0. */
static void print_time(const char *field, time_t when)
{
    char text[32];
    struct tm local;

    if (when == 0) {
        printf("%s: never\n", field);
        return;
    }
    if (localtime_r(&when, &local) == NULL)
        die("localtime_r");
    strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
    printf("%s: %s\n", field, text);
}

/* The queue's state (IPC_STAT), one "field: value" a line. */
static void show_stat(int queue)
{
    struct msqid_ds ds;

#ifdef SOLUTION
    if (msgctl(queue, IPC_STAT, &ds) == -1)
        die("msgctl IPC_STAT");
    printf("id: %d\n", queue);
    printf("owner uid: %u\n", (unsigned)ds.msg_perm.uid);
    printf("mode: %04o\n", (unsigned)ds.msg_perm.mode & 0777u);
    printf("messages: %lu\n", (unsigned long)ds.msg_qnum);
    printf("bytes: %lu\n", (unsigned long)ds.__msg_cbytes);     /* Linux's name */
    printf("max bytes: %lu\n", (unsigned long)ds.msg_qbytes);
    printf("last sender pid: %ld\n", (long)ds.msg_lspid);
    printf("last receiver pid: %ld\n", (long)ds.msg_lrpid);
#else
    /* TODO: msgctl() with IPC_STAT copies the queue's state into ds (a
     * failure is die("msgctl IPC_STAT")). Print "id", "owner uid", "mode"
     * (in octal), "messages", "bytes", "max bytes", "last sender pid" and
     * "last receiver pid" as "field: value" lines, from ds's fields (see
     * README.md, The calls); the times below are printed for you.
     * Checked by: make test LAB=04 T='shows|qbytes (lowers|above)|MAXBYTES|MSG_COPY' */
    (void)queue;
    fprintf(stderr, "msgq_ctl: show_stat: not written yet (TODO in msgq_ctl.c)\n");
    exit(1);
#endif
    print_time("last send", ds.msg_stime);
    print_time("last receive", ds.msg_rtime);
    print_time("last change", ds.msg_ctime);
}

static void show_info(void)
{
    struct msginfo limits = system_limits();

    printf("msgmax: %d\n", limits.msgmax);
    printf("msgmnb: %d\n", limits.msgmnb);
    printf("msgmni: %d\n", limits.msgmni);
    printf("msgpool: %d\n", limits.msgpool);
    printf("msgmap: %d\n", limits.msgmap);
    printf("msgtql: %d\n", limits.msgtql);
    printf("msgssz: %d\n", limits.msgssz);
    printf("msgseg: %d\n", limits.msgseg);
}

/* N for qbytes: digits only, 1 to INT_MAX. */
static unsigned long parse_qbytes(const char *arg)
{
    char *end;

    if (!isdigit((unsigned char)arg[0]))
        usage();
    errno = 0;
    unsigned long n = strtoul(arg, &end, 10);
    if (*end != '\0' || errno == ERANGE || n == 0 || n > INT_MAX)
        usage();
    return n;
}

/* Sets the queue's max bytes (IPC_SET of msg_qbytes). */
static void set_qbytes(int queue, unsigned long qbytes)
{
#ifdef SOLUTION
    struct msqid_ds ds;

    /* IPC_SET writes the owner, mode and qbytes together: start from the
     * current values so that only qbytes changes. */
    if (msgctl(queue, IPC_STAT, &ds) == -1)
        die("msgctl IPC_STAT");
    ds.msg_qbytes = qbytes;
    if (msgctl(queue, IPC_SET, &ds) == 0)
        return;
    int saved = errno;
    struct msginfo limits = system_limits();
    if (saved == EPERM && qbytes > (unsigned long)limits.msgmnb) {
        fprintf(stderr, "msgq_ctl: qbytes %lu is above msgmnb, the system's limit of %d: "
                "only a privileged process (CAP_SYS_RESOURCE) may go above it: %s\n",
                qbytes, limits.msgmnb, strerror(saved));
        exit(1);
    }
    errno = saved;
    die("msgctl IPC_SET");
#else
    /* TODO: IPC_SET writes the owner, mode and msg_qbytes together: read the
     * state with IPC_STAT first, change msg_qbytes, then msgctl() IPC_SET.
     * If IPC_SET fails with EPERM and qbytes is above system_limits().msgmnb,
     * say that only a privileged process (CAP_SYS_RESOURCE) may go above it,
     * with the limit, and exit 1; any other failure is die("msgctl IPC_SET").
     * Checked by: make test LAB=04 T='shows|qbytes (lowers|above)|MAXBYTES|MSG_COPY' */
    (void)queue;
    (void)qbytes;
    fprintf(stderr, "msgq_ctl: set_qbytes: not written yet (TODO in msgq_ctl.c)\n");
    exit(1);
#endif
}

int main(int argc, char *argv[])
{
    if (argc == 2 && strcmp(argv[1], "info") == 0) {
        show_info();
    } else if (argc == 2 && strcmp(argv[1], "stat") == 0) {
        show_stat(find_queue());
    } else if (argc == 2 && strcmp(argv[1], "rm") == 0) {
        if (msgctl(find_queue(), IPC_RMID, NULL) == -1)
            die("msgctl IPC_RMID");
    } else if (argc == 3 && strcmp(argv[1], "qbytes") == 0) {
        unsigned long qbytes = parse_qbytes(argv[2]);
        set_qbytes(find_queue(), qbytes);
    } else {
        usage();
    }
    if (fflush(stdout) == EOF)
        die("write to standard output");
    return 0;
}
