/*
 * msg_sender -- ask for people's name, age and id, and send each record to
 * msg_receiver through a System V message queue (the original example's "process1").
 *
 * Usage:   msg_sender
 *
 * The original example's dialogue: "Enter name : ", "Enter age : ", "Enter id : ",
 * "continue?(y/n) : ". After "y" the record goes as type 1 (more to come),
 * after "n" as type 2 (the last one), and the program ends. A record goes only
 * once its dialogue is complete: if the input ends (Ctrl-D) or the program is
 * stopped (Ctrl-C, SIGTERM) in the middle, the half-entered record is dropped
 * and an end marker is sent instead, a type-2 message with an empty name, so
 * that the receiver stops too.
 *
 * Answers are read a line at a time with fgets(), which never writes past its
 * buffer (the original example's scanf("%s") into name[10] overflowed with a 10-character
 * name). A name of more than 9 characters, an empty name, and an age or id
 * that is not a number or is negative get a message and the question again.
 *
 * Partner: msg_receiver, started in the same folder, before or after this
 * program: the kernel keeps the messages until someone receives them, even
 * after the sender has exited. The queue (key ftok(".", PERSON_PROJ_ID)) is
 * created by whichever comes first and removed by msg_receiver. One found
 * there that is not ours alone (another user's, or not 0600) is refused, and
 * so is a second msg_sender in the folder: while it runs, msg_sender holds a
 * claim, a queue at ftok(".", SENDER_PROJ_ID), removed at exit (queue_checks.c).
 *
 * Example:
 *     $ ./msg_sender
 *     Enter name : Kim
 *     Enter age : 20
 *     Enter id : 1
 *     continue?(y/n) : n
 *
 * Read: msgget(2), msgop(2), ftok(3), fgets(3), strtol(3).
 */
#define _XOPEN_SOURCE 700

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include "person.h"

/* Room for any sensible answer; a longer line is cut and reported. */
#define ANSWER_SIZE 64

static volatile sig_atomic_t stop_signal;

static void on_signal(int signo)
{
    stop_signal = signo;
}

static void die(const char *what)
{
    fprintf(stderr, "msg_sender: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* SIGINT and SIGTERM only set a flag. Without SA_RESTART, a read from the
 * terminal that they interrupt fails with EINTR, so fgets() returns NULL
 * and the dialogue ends as it does at end of input. */
static void catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        die("sigaction");
}

/* The queue of this folder, created (0600) if msg_receiver has not made it;
 * one that another user made is refused (own_queue, queue_checks.c). Records
 * that an earlier msg_sender left for a receiver not yet started are refused
 * too: the receiver stops at that sender's last record, so ours would be lost. */
static int open_queue(void)
{
    key_t key = ftok(".", PERSON_PROJ_ID);
    if (key == -1)
        die("ftok .");
    int queue = own_queue("msg_sender", key, 1);
    struct msqid_ds ds;
    if (msgctl(queue, IPC_STAT, &ds) == -1)
        die("msgctl IPC_STAT");
    if (ds.msg_qnum > 0) {
        fprintf(stderr, "msg_sender: %lu message(s) of an earlier msg_sender still wait in "
                "this folder's queue: run msg_receiver first (or remove them: ipcrm -q %d)\n",
                (unsigned long)ds.msg_qnum, queue);
        exit(1);
    }
    return queue;
}

enum answer { ANSWER_OK, ANSWER_TOO_LONG, ANSWER_END };

/* Prints prompt and reads one line into buf, without its newline. A line too
 * long for buf is skipped to its end and reported as ANSWER_TOO_LONG;
 * ANSWER_END means end of input, or a stop signal. */
static enum answer ask(const char *prompt, char *buf, int size)
{
    printf("%s", prompt);
    if (fflush(stdout) == EOF)
        die("write to standard output");

    if (stop_signal || fgets(buf, size, stdin) == NULL) {
        if (ferror(stdin) && !stop_signal)
            die("read standard input");
        return ANSWER_END;
    }
    size_t len = strlen(buf);
    if (len > 0 && buf[len - 1] == '\n') {
        buf[len - 1] = '\0';
        return ANSWER_OK;
    }
    if (feof(stdin))
        return ANSWER_OK;               /* a last line without a newline */
    int c;
    while ((c = getchar()) != EOF && c != '\n')
        ;
    return ANSWER_TOO_LONG;
}

/* Asks for the name until it fits in who->name. Returns 0 at end of input. */
static int ask_name(struct person *who)
{
    char answer[ANSWER_SIZE];
    const size_t max = sizeof who->name - 1;    /* room for the '\0' */

    for (;;) {
        enum answer got = ask("Enter name : ", answer, sizeof answer);
        if (got == ANSWER_END)
            return 0;
        if (got == ANSWER_TOO_LONG || strlen(answer) > max)
            fprintf(stderr, "name too long: at most %zu characters\n", max);
        else if (answer[0] == '\0')
            fprintf(stderr, "name must not be empty\n");
        else {
            strcpy(who->name, answer);  /* fits: checked just above */
            return 1;
        }
    }
}

/* Asks for a number from 0 to INT_MAX, in decimal digits only (no sign, no
 * blanks), until one comes. Returns 0 at end of input. what ("age", "id")
 * names it in the messages. */
static int ask_number(const char *prompt, const char *what, int *value)
{
    char answer[ANSWER_SIZE];

    for (;;) {
        enum answer got = ask(prompt, answer, sizeof answer);
        if (got == ANSWER_END)
            return 0;
        char *end;
        errno = 0;
        long number = strtol(answer, &end, 10);
        if (answer[0] == '-')
            fprintf(stderr, "%s must not be negative\n", what);
        else if (got == ANSWER_TOO_LONG || !isdigit((unsigned char)answer[0]) || *end != '\0')
            fprintf(stderr, "%s must be a number\n", what);
        else if (errno == ERANGE || number > INT_MAX)
            fprintf(stderr, "%s is too large: at most %d\n", what, INT_MAX);
        else {
            *value = (int)number;
            return 1;
        }
    }
}

/* Asks "continue?" until the answer is y or n. Returns 0 at end of input. */
static int ask_continue(int *more)
{
    char answer[ANSWER_SIZE];

    for (;;) {
        enum answer got = ask("continue?(y/n) : ", answer, sizeof answer);
        if (got == ANSWER_END)
            return 0;
        if (got == ANSWER_OK && (strcmp(answer, "y") == 0 || strcmp(answer, "n") == 0)) {
            *more = answer[0] == 'y';
            return 1;
        }
        fprintf(stderr, "please answer y or n\n");
    }
}

/* Sends one record. After a stop signal it does not wait for room in a full
 * queue: the user asked us to stop. */
static void send_record(int queue, const struct person *who)
{
    while (msgsnd(queue, who, PERSON_SIZE, stop_signal ? IPC_NOWAIT : 0) == -1) {
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN) {
            fprintf(stderr, "msg_sender: the queue is full: stopping without sending\n");
            exit(128 + stop_signal);
        }
        if (errno == EIDRM || errno == EINVAL) {
            fprintf(stderr, "msg_sender: the queue has been removed (has msg_receiver stopped?)\n");
            exit(1);
        }
        die("msgsnd");
    }
}

int main(int argc, char *argv[])
{
    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: msg_sender\n");
        return 2;
    }
    catch_signals();
    claim_folder("msg_sender", SENDER_PROJ_ID);        /* two dialogues would mix */
    int queue = open_queue();

    for (;;) {
        struct person who = {0};
        int more;
        if (!ask_name(&who) || !ask_number("Enter age : ", "age", &who.age) ||
            !ask_number("Enter id : ", "id", &who.id) || !ask_continue(&more))
            break;                      /* input ended half way: drop the record */
        who.msg_type = more ? PERSON_MORE : PERSON_LAST;
        send_record(queue, &who);
        if (!more)
            return 0;
    }

    /* End of input: tell the receiver that no record is coming. */
    struct person end_marker = {.msg_type = PERSON_LAST};
    send_record(queue, &end_marker);
    if (stop_signal)
        return 128 + stop_signal;       /* as the shell reports a stopped program */
    return 0;
}
