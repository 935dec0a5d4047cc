/*
 * msgq_send -- put one message on this folder's queue.
 *
 * Usage:   msgq_send [-n] TYPE TEXT
 *
 * Sends TEXT (without a '\0') as one message of type TYPE, a positive number,
 * to the queue that msgq_send, msgq_recv and msgq_ctl share in the current
 * folder, creating the queue (0600) if it is missing. msgsnd() waits while
 * the queue is full; with -n (IPC_NOWAIT) it fails at once instead. TEXT may
 * be at most msgmax bytes, the system's limit for one message, which this
 * program asks the kernel for (msgctl IPC_INFO) before it creates anything.
 *
 * Partner: msgq_recv takes the messages, msgq_ctl shows and removes the
 * queue. The queue (key ftok(".", MSGQ_PROJ_ID)) outlives the programs: it
 * stays, messages and all, until `msgq_ctl rm` (or ipcrm).
 *
 * Example:
 *     $ ./msgq_send 1 hello
 *     $ ./msgq_recv
 *     1 hello
 *
 * Read: msgop(2), msgget(2), msgctl(2) for IPC_INFO, ftok(3).
 */
#define _GNU_SOURCE                     /* struct msginfo and IPC_INFO */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include "person.h"

static void die(const char *what)
{
    fprintf(stderr, "msgq_send: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: msgq_send [-n] TYPE TEXT\n");
    exit(2);
}

/* TYPE: digits only, 1 to LONG_MAX (the kernel refuses types below 1). */
static long parse_type(const char *arg)
{
    char *end;

    if (!isdigit((unsigned char)arg[0]))
        usage();
    errno = 0;
    long type = strtol(arg, &end, 10);
    if (*end != '\0' || errno == ERANGE || type < 1)
        usage();
    return type;
}

/* The system's largest message (msgctl IPC_INFO needs no queue: it reports the
 * system's limits, the values of /proc/sys/kernel/msg*). */
static size_t system_msgmax(void)
{
    struct msginfo limits;

    if (msgctl(0, IPC_INFO, (struct msqid_ds *)&limits) == -1)
        die("msgctl IPC_INFO");
    return (size_t)limits.msgmax;
}

/* Sends the length bytes of text as one message of type type to the
 * folder's queue, made if missing. Returns the exit status: 0 sent, 1 when
 * the queue is full and flags has IPC_NOWAIT. */
static int send_text(long type, const char *text, size_t length, int flags)
{
#ifdef SOLUTION
    key_t key = ftok(".", MSGQ_PROJ_ID);
    if (key == -1)
        die("ftok .");
    /* Created 0600 if missing; another user's queue is refused (queue_checks.c). */
    int queue = own_queue("msgq_send", key, 1);

    struct text_message *message = malloc(sizeof *message + length);
    if (message == NULL)
        die("malloc");
    message->mtype = type;
    memcpy(message->mtext, text, length);

    /* The size is that of the text alone, not counting mtype. */
    while (msgsnd(queue, message, length, flags) == -1) {
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN) {
            fprintf(stderr, "msgq_send: the queue is full\n");
            free(message);
            return 1;
        }
        die("msgsnd");
    }
    free(message);
    return 0;
#else
    /* TODO: the queue is own_queue("msgq_send", key, 1) at the key
     * ftok(".", MSGQ_PROJ_ID) (made 0600 if missing). Build a struct
     * text_message (person.h) of type and the length bytes of text (malloc),
     * and msgsnd() it with size length (the text alone) and flags, again
     * after EINTR. A full queue with -n (EAGAIN): say so on stderr and
     * return 1; any other failure is die("msgsnd"). Free the message.
     * Checked by: make test LAB=04 T='then msgq_recv|waiting|-n on|msgtyp|EXCEPT|TYPE goes|msgmax|folders' */
    (void)type;
    (void)text;
    (void)length;
    (void)flags;
    fprintf(stderr, "msgq_send: send_text: not written yet (TODO in msgq_send.c)\n");
    exit(1);
#endif
}

int main(int argc, char *argv[])
{
    int flags = 0;
    int opt;

    while ((opt = getopt(argc, argv, "n")) != -1) {
        if (opt != 'n')
            usage();
        flags |= IPC_NOWAIT;
    }
    if (argc - optind != 2)
        usage();
    long type = parse_type(argv[optind]);
    const char *text = argv[optind + 1];
    size_t length = strlen(text);

    /* Refused before any queue is made. */
    size_t msgmax = system_msgmax();
    if (length > msgmax) {
        fprintf(stderr, "msgq_send: TEXT is %zu bytes, more than msgmax, the system's "
                "limit of %zu bytes for one message\n", length, msgmax);
        return 1;
    }
    return send_text(type, text, length, flags);
}
