/*
 * msg_receiver -- receive msg_sender's records from a System V message queue,
 * print them and append them to a file (the original example's "process2").
 *
 * Usage:   msg_receiver [-o FILE]
 *
 * Takes the records off the queue in the order they were sent, prints each
 * one as the original example does (name : NAME, age : N, id : N) and appends the same
 * three lines and a line of 20 dashes to FILE (default person.txt), so that a
 * second run adds to the file. It stops after the record of type 2, or at the
 * end marker (type 2, empty name), which it neither prints nor stores, and
 * removes the queue.
 *
 * Stopped by SIGINT (Ctrl-C) or SIGTERM, it ends the exchange all the same:
 * it removes the queue (a sender still typing is told so when it sends) and
 * exits with 128 + the signal number.
 *
 * Partner: msg_sender, in the same folder, started before or after: messages
 * sent before the receiver starts wait in the queue. The queue (key
 * ftok(".", PERSON_PROJ_ID)) is created by whichever comes first; this
 * program removes it. One found there that is not ours alone (another
 * user's, or not 0600) is refused, and so is a second msg_receiver in the
 * folder: while it runs, msg_receiver holds a claim, a queue at
 * ftok(".", RECEIVER_PROJ_ID), removed at exit (pair.c).
 *
 * Example:
 *     $ ./msg_receiver
 *     name : Kim
 *     age : 20
 *     id : 1
 *
 * Read: msgget(2), msgop(2), msgctl(2), ftok(3).
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include "person.h"

/* The queue, once we have it: removed on every way out. */
static int queue = -1;

static void remove_queue(void)
{
    if (queue != -1 && msgctl(queue, IPC_RMID, NULL) == -1)
        fprintf(stderr, "msg_receiver: msgctl IPC_RMID: %s\n", strerror(errno));
    queue = -1;
}

static void die(const char *what)
{
    int saved = errno;
    remove_queue();
    fprintf(stderr, "msg_receiver: %s: %s\n", what, strerror(saved));
    exit(1);
}

/* Waits for the next record. A stop signal ends the program here, after the
 * queue is removed. (One that lands just between the check and msgrcv() is
 * seen when msgrcv() next returns: press Ctrl-C again.) */
static void receive_record(struct person *who)
{
#ifdef SOLUTION
    for (;;) {
        if (stop_signal) {
            remove_queue();
            exit(128 + stop_signal);    /* as the shell reports a stopped program */
        }
        /* The size is the record's payload: the kernel refuses (E2BIG) a
         * bigger message instead of writing past the end of *who. */
        ssize_t n = msgrcv(queue, who, PERSON_SIZE, 0, 0);
        if (n == -1 && errno == EINTR)
            continue;
        if (n == -1)
            die("msgrcv");
        if ((size_t)n != PERSON_SIZE) {
            remove_queue();
            fprintf(stderr, "msg_receiver: a message of %zd bytes is not a record\n", n);
            exit(1);
        }
        who->name[sizeof who->name - 1] = '\0';     /* whatever was sent */
        return;
    }
#else
    /* TODO: take the next message off the queue with msgrcv(), any type (0),
     * room for PERSON_SIZE bytes of data. Before each try, and after EINTR,
     * look at stop_signal: if it is set, remove_queue() and exit with 128 +
     * stop_signal. A failed msgrcv() is die("msgrcv"); a message that is not
     * PERSON_SIZE bytes is exit 1 (remove the queue first). End the name with
     * a '\0', whatever was sent. Checked by: make test LAB=04 T='msg_receiver stopped' */
    (void)who;
    fprintf(stderr, "msg_receiver: receive_record: not written yet (TODO in msg_receiver.c)\n");
    remove_queue();
    exit(1);
#endif
}

/* The record in the original example's lines, on standard output and in the file. */
static void store_record(const struct person *who, FILE *file, const char *file_name)
{
    printf("name : %s\nage : %d\nid : %d\n", who->name, who->age, who->id);
    if (fflush(stdout) == EOF)
        die("write to standard output");

    fprintf(file, "name : %s\nage : %d\nid : %d\n", who->name, who->age, who->id);
    fprintf(file, "--------------------\n");
    if (fflush(file) == EOF)
        die(file_name);
}

int main(int argc, char *argv[])
{
    const char *file_name = "person.txt";
    int opt;

    while ((opt = getopt(argc, argv, "o:")) != -1) {
        if (opt != 'o') {
            fprintf(stderr, "usage: msg_receiver [-o FILE]\n");
            return 2;
        }
        file_name = optarg;
    }
    if (optind != argc) {
        fprintf(stderr, "usage: msg_receiver [-o FILE]\n");
        return 2;
    }

    /* The file first: if it cannot be opened, nothing has been created yet. */
    FILE *file = fopen(file_name, "a");
    if (file == NULL)
        die(file_name);
    catch_stop_signals("msg_receiver");                 /* pair.c */
    claim_folder("msg_receiver", RECEIVER_PROJ_ID);     /* a second receiver would take half */

    /* The folder's queue, created by whichever of the pair comes first. */
#ifdef SOLUTION
    key_t key = ftok(".", PERSON_PROJ_ID);
    if (key == -1)
        die("ftok .");
    /* IPC_EXCL: a queue we create is surely ours. One that is there already
     * (msg_sender made it) is used only if it is ours alone (queue_checks.c). */
    queue = msgget(key, IPC_CREAT | IPC_EXCL | OWNER_ONLY);
    if (queue == -1 && errno == EEXIST)
        queue = own_queue("msg_receiver", key, 1);
    if (queue == -1)
        die("msgget");
#else
    /* TODO: as in msg_sender: the key is ftok(".", PERSON_PROJ_ID); create
     * the queue with msgget(key, IPC_CREAT | IPC_EXCL | OWNER_ONLY), or, if
     * it exists already (EEXIST), take it from own_queue("msg_receiver", key,
     * 1). Store it in queue, which remove_queue() removes on every way out.
     * Checked by: make test LAB=04 T='msg_receiver stopped' */
    fprintf(stderr, "msg_receiver: main: not written yet (the queue: TODO in msg_receiver.c)\n");
    return 1;
#endif

    for (;;) {
        struct person who;
        receive_record(&who);
        if (who.msg_type == PERSON_LAST && who.name[0] == '\0')
            break;                      /* the end marker: no record */
        store_record(&who, file, file_name);
        if (who.msg_type == PERSON_LAST)
            break;
    }

    remove_queue();
    if (fclose(file) == EOF)
        die(file_name);
    return 0;
}
