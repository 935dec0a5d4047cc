/*
 * msgq_recv -- take one message off this folder's queue, and try out every
 * way msgrcv() can choose it.
 *
 * Usage:   msgq_recv [-n] [-e] [-x] [-c] [-t TYPE] [-s MAXBYTES]
 *
 * Prints the message as "TYPE TEXT" on one line. Which message comes is
 * chosen by -t TYPE, msgrcv()'s msgtyp:
 *
 *     0 (default)   the first message in the queue
 *     TYPE > 0      the first message of type TYPE
 *                   (with -x, MSG_EXCEPT: the first of any other type)
 *     TYPE < 0      the first message of the lowest type <= |TYPE|
 *
 * and the flags:
 *
 *     -n            IPC_NOWAIT: if no message matches, say "no message" and
 *                   exit 1 instead of waiting
 *     -e            MSG_NOERROR: cut a message longer than MAXBYTES; without
 *                   -e such a message is refused and stays in the queue
 *     -x            MSG_EXCEPT, see above (needs TYPE > 0)
 *     -c            MSG_COPY: a copy of the message at position TYPE (0 is
 *                   the first), which stays in the queue; implies -n
 *     -s MAXBYTES   the size of our buffer (default: msgmax, the largest
 *                   message the system allows)
 *
 * Waiting for a message (no -n, no -c), it creates the queue (0600) if it is
 * missing, so a receiver started first simply waits for msgq_send. With -n
 * or -c a missing queue means "no message", and nothing is created.
 *
 * Partner: msgq_send puts messages, msgq_ctl shows and removes the queue
 * (key ftok(".", MSGQ_PROJ_ID)), which stays until `msgq_ctl rm`.
 *
 * Example:
 *     $ ./msgq_send 3 three; ./msgq_send 1 one
 *     $ ./msgq_recv -t -2
 *     1 one
 *
 * Read: msgop(2) (msgtyp, MSG_EXCEPT, MSG_NOERROR, MSG_COPY), msgget(2).
 */
#define _GNU_SOURCE                     /* MSG_EXCEPT, MSG_COPY, IPC_INFO */

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include "person.h"

static void die(const char *what)
{
    fprintf(stderr, "msgq_recv: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: msgq_recv [-n] [-e] [-x] [-c] [-t TYPE] [-s MAXBYTES]\n");
    exit(2);
}

/* A whole decimal number from min to max, or a usage error: digits only,
 * with a '-' in front when min allows negative numbers (no '+', no blanks,
 * no 0x; strtol() alone would take " 5" and "+5"). */
static long parse_number(const char *arg, long min, long max)
{
    char *end;
    const char *digits = min < 0 && arg[0] == '-' ? arg + 1 : arg;

    if (!isdigit((unsigned char)digits[0]))
        usage();
    errno = 0;
    long number = strtol(arg, &end, 10);
    if (end == arg || *end != '\0' || errno == ERANGE || number < min || number > max)
        usage();
    return number;
}

/* The system's largest message, for the default buffer size. */
static size_t system_msgmax(void)
{
    struct msginfo limits;

    if (msgctl(0, IPC_INFO, (struct msqid_ds *)&limits) == -1)
        die("msgctl IPC_INFO");
    return (size_t)limits.msgmax;
}

/* Why msgrcv() gave no message, in words; exits 1. */
static void fail_receive(int error, size_t size, int flags)
{
    if (error == ENOMSG)
        fprintf(stderr, "msgq_recv: no message\n");
    else if (error == E2BIG)
        fprintf(stderr, "msgq_recv: the message is longer than MAXBYTES (%zu bytes) "
                "and stays in the queue: use -e to cut it, or a larger -s\n", size);
    else if (error == ENOSYS && (flags & MSG_COPY))
        fprintf(stderr, "msgq_recv: MSG_COPY is not supported by this kernel "
                "(it needs CONFIG_CHECKPOINT_RESTORE)\n");
    else if (error == EIDRM)
        fprintf(stderr, "msgq_recv: the queue was removed while we waited\n");
    else
        fprintf(stderr, "msgq_recv: msgrcv: %s\n", strerror(error));
    exit(1);
}

/* Takes one message off the folder's queue, chosen by type and flags
 * (msgrcv()'s msgtyp and msgflg), with room for size bytes of text, and
 * prints it as "TYPE TEXT". Returns 0, or the errno of why there was none
 * (ENOMSG when there is no queue), for fail_receive. */
static int receive_message(size_t size, long type, int flags)
{
#ifdef SOLUTION
    key_t key = ftok(".", MSGQ_PROJ_ID);
    if (key == -1)
        die("ftok .");
    /* Only a receiver that waits creates the queue: it will be there for
     * msgq_send. One that does not wait finds nothing in a missing queue.
     * Another user's queue is refused (queue_checks.c): it could feed us anything. */
    int queue = own_queue("msgq_recv", key, !(flags & IPC_NOWAIT));
    if (queue == -1)
        return ENOMSG;                  /* no queue: no message */

    struct text_message *message = malloc(sizeof *message + size);
    if (message == NULL)
        die("malloc");
    ssize_t n;
    while ((n = msgrcv(queue, message, size, type, flags)) == -1 && errno == EINTR)
        continue;
    int receive_error = errno;
    if (n != -1)
        printf("%ld %.*s\n", message->mtype, (int)n, message->mtext);
    free(message);
    return n == -1 ? receive_error : 0;
#else
    /* TODO: the queue is own_queue("msgq_recv", key, create) at the key
     * ftok(".", MSGQ_PROJ_ID), made (create 1) only by a receiver that waits
     * (no IPC_NOWAIT in flags); none (-1) is ENOMSG. msgrcv() into a struct
     * text_message (person.h) with room for size bytes, with type and flags,
     * again after EINTR; print "TYPE TEXT" and a newline (the text has no
     * '\0': print the n bytes received). Return 0, or msgrcv()'s errno.
     * Checked by: make test LAB=04 T='then msgq_recv|waiting|-n on|msgtyp|EXCEPT|TYPE goes|msgmax|folders' */
    (void)size;
    (void)type;
    (void)flags;
    fprintf(stderr, "msgq_recv: receive_message: not written yet (TODO in msgq_recv.c)\n");
    exit(1);
#endif
}

int main(int argc, char *argv[])
{
    int flags = 0;
    long type = 0;
    long max_bytes = -1;                /* -1: msgmax */
    int opt;

    while ((opt = getopt(argc, argv, "nexct:s:")) != -1) {
        switch (opt) {
        case 'n': flags |= IPC_NOWAIT; break;
        case 'e': flags |= MSG_NOERROR; break;
        case 'x': flags |= MSG_EXCEPT; break;
        case 'c': flags |= MSG_COPY | IPC_NOWAIT; break;  /* the kernel wants both */
        case 't': type = parse_number(optarg, LONG_MIN + 1, LONG_MAX); break;
        case 's': max_bytes = parse_number(optarg, 0, INT_MAX); break;
        default: usage();
        }
    }
    if (optind != argc)
        usage();
    /* MSG_EXCEPT means "any type but TYPE": only for TYPE > 0. MSG_COPY reads
     * TYPE as a position, counted from 0, and cannot be combined with it. */
    if ((flags & MSG_EXCEPT) && (type <= 0 || (flags & MSG_COPY)))
        usage();
    if ((flags & MSG_COPY) && type < 0)
        usage();
    size_t size = max_bytes == -1 ? system_msgmax() : (size_t)max_bytes;

    int error = receive_message(size, type, flags);
    if (error != 0)
        fail_receive(error, size, flags);
    if (fflush(stdout) == EOF)
        die("write to standard output");
    return 0;
}
