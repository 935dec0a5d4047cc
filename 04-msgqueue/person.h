/*
 * person.h -- what the programs of 04-msgqueue agree on: the keys, the
 * permissions and the layout of the messages; and the helpers they share
 * (queue_checks.c, pair.c).
 *
 * msg_sender and msg_receiver exchange struct person records
 * through the queue with key ftok(".", PERSON_PROJ_ID). The msgq_* tools
 * share another queue, key ftok(".", MSGQ_PROJ_ID). ftok() builds a key from
 * the folder's inode and device numbers, so programs started in the same
 * folder meet, and runs in two folders (two students) do not. The original example's
 * fixed key 0x1234 was the same for everybody on the machine.
 */
#ifndef PERSON_H
#define PERSON_H

#include <signal.h>             /* sig_atomic_t */
#include <sys/ipc.h>            /* key_t */

#define PERSON_PROJ_ID 'p'      /* msg_sender + msg_receiver */
#define MSGQ_PROJ_ID   'q'      /* msgq_send, msgq_recv, msgq_ctl */
#define SENDER_PROJ_ID   'S'    /* msg_sender's claim: one sender per folder */
#define RECEIVER_PROJ_ID 'R'    /* msg_receiver's claim: one receiver per folder */

/* The mode of every queue: only the owner may send or receive. The original example's 0666
 * let every user on the machine read the records, or send fake ones. */
#define OWNER_ONLY 0600

/* The record, as in the original example. The kernel reads the first long as the message
 * type (it must be positive); the rest is the payload it carries. */
struct person {
    long msg_type;
    char name[10];              /* at most 9 characters and the '\0' */
    int age;
    int id;
};

/* msgsnd() and msgrcv() take the size of the payload, without the type.
 * The original example passed sizeof(struct person): 8 bytes too many, read from past the
 * end of the record; and it received with BUFSIZ, letting the kernel write up
 * to 8192 bytes into a 32-byte record. */
#define PERSON_SIZE (sizeof(struct person) - sizeof(long))

#define PERSON_MORE 1           /* a record, and more are coming */
#define PERSON_LAST 2           /* the last record; with an empty name it is
                                   only the end marker: no record at all */

/* A message of the msgq_* tools: a type and TEXT, without a '\0'. */
struct text_message {
    long mtype;
    char mtext[];
};

/* queue_checks.c (CONTRACT.md, rule 13): used by every program.
 *
 * own_queue: the queue at key, created (0600) if create and missing; with
 * create 0, -1 if there is none. A queue that exists is used only if it is
 * ours alone (owner and creator our effective uid, mode 0600): otherwise
 * the program says whose it is and what to do, and exits 1, having used
 * nothing. */
int own_queue(const char *program, key_t key, int create);

/* pair.c: the set-up that msg_sender and msg_receiver share.
 *
 * catch_stop_signals: SIGINT and SIGTERM set stop_signal to their number,
 * and nothing more; a call that waits for them (fgets(), msgrcv()) fails
 * with EINTR, so the program sees the flag and ends the exchange.
 *
 * claim_folder: one msg_sender and one msg_receiver per folder (CONTRACT.md,
 * 04-msgqueue, two pairs in one folder).
 * Creates the claim queue at ftok(".", proj_id) exclusively, removed at
 * exit; a second comer is refused (exit 1), naming the holder's PID, or, if
 * the holder was killed, the command that removes what it left. */
extern volatile sig_atomic_t stop_signal;
void catch_stop_signals(const char *program);
void claim_folder(const char *program, int proj_id);

#endif
