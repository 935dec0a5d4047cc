/*
 * shmlab.h -- what the programs of 05-shm agree on: keys, layouts, sizes.
 *
 * Unrelated programs meet through ftok(".", PROJ_ID): run both partners in
 * the same folder. Runs in two folders get different keys and never meet.
 * Every size and time below can be changed at build time, for example
 *     make CPPFLAGS=-DDATA_COUNT=10
 */
#ifndef SHMLAB_H
#define SHMLAB_H

#include <stdatomic.h>
#include <sys/types.h>

/* Only the owner may read and write (the original examples' 0666 lets every user in). */
#define OBJECT_PERMS 0600

/* shm_hello: a private segment shared by a parent and its child. */
#ifndef HELLO_SIZE
#define HELLO_SIZE 64
#endif

/* shm_counter and shm_show_counter. */
#define COUNTER_PROJ_ID 'c'
#ifndef COUNTER_INTERVAL_MS
#define COUNTER_INTERVAL_MS 1000        /* the original example's sleep(1) */
#endif
#define NUMBER_MAX 1000000000L          /* the largest COUNT and MS accepted */

/*
 * The counter's segment. The original example wrote the number as text with
 * sprintf(), so a reader could catch "1" of "10" half written. One
 * lock-free atomic integer is written and read in a single step: a reader
 * sees the old value or the new one, never a mix.
 */
struct counter_segment {
    atomic_ulong value;
};
#if ATOMIC_LONG_LOCK_FREE != 2
#error "atomic_ulong is not lock-free here: it would not work between processes"
#endif

/* shm_writer and shm_reader. */
#define PID_QUEUE_PROJ_ID 'q'           /* the message queue that swaps the PIDs */
#define DATA_PROJ_ID 'd'                /* the segment of DATA_COUNT ints */
#ifndef DATA_COUNT
#define DATA_COUNT 100                  /* the original example's SHMSIZE */
#endif

/* One message type per direction, so that nobody receives its own PID. */
#define WRITER_PID_TYPE 1               /* the writer's PID, for the reader */
#define READER_PID_TYPE 2               /* the reader's PID, for the writer */

struct pid_message {
    long mtype;                         /* WRITER_PID_TYPE or READER_PID_TYPE */
    pid_t pid;
};
/* What msgsnd() and msgrcv() count: the text after mtype, here the PID
 * alone (sizeof the struct would also count mtype and the padding after pid). */
#define PID_MESSAGE_SIZE sizeof(pid_t)

/*
 * The signals of the handshake:
 *   SIGUSR1  "both PIDs are known": the writer to a reader that came first,
 *            then the reader to the writer once it holds the writer's PID;
 *   SIGUSR2  writer to reader: "the data is written";
 *            reader to writer: "I have read it".
 * While waiting for one, each side checks every PARTNER_CHECK_MS that its
 * partner still exists, so that a partner that dies is noticed.
 */
#ifndef PARTNER_CHECK_MS
#define PARTNER_CHECK_MS 200
#endif

#endif
