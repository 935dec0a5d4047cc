/*
 * filecopy.h -- what shm_copy and shm_copy_reader agree on (the seed's MyKey.h).
 *
 * The segment is a ring of RING_SLOTS slots of CHUNK bytes each: chunk
 * number i of the file goes into slot i % RING_SLOTS. The writer makes the
 * segment with IPC_PRIVATE and hands its id to the reader on the command
 * line; the message queue has a key, ftok(".", LENGTH_QUEUE_PROJ_ID), so the
 * reader finds it in the folder both run in. Sizes can be changed at build
 * time, e.g.  make CPPFLAGS=-DRING_SLOTS=2
 */
#ifndef FILECOPY_H
#define FILECOPY_H

#include <stddef.h>

/* The keys: ftok(".", SEGMENT_PROJ_ID) and ftok(".", LENGTH_QUEUE_PROJ_ID). */
#define SEGMENT_PROJ_ID 's'
#define LENGTH_QUEUE_PROJ_ID 'l'

/* Only the owner may read and write (the seed's 0666 lets every user in). */
#define OBJECT_PERMS 0600

/* Bytes per chunk when shm_copy has no -b option (the seed's SHMSIZE). */
#ifndef CHUNK_DEFAULT
#define CHUNK_DEFAULT (64 * 1024)
#endif

/* Chunks the segment holds at once; the seed had one. With several, the
 * writer fills the next slot while the reader empties the last one. */
#ifndef RING_SLOTS
#define RING_SLOTS 8
#endif

#ifndef GIVE_BACK_SLOTS
#define GIVE_BACK_SLOTS ((RING_SLOTS + 1) / 2)
#endif

/*
 * The length message (the seed's struct Mystatus). Two types, one per
 * direction, so that neither side receives its own messages:
 *   LENGTH_MSG  writer -> reader: the next slot holds len bytes; len 0 is
 *               the end of the file.
 *   FREE_MSG    reader -> writer: len more slots are empty again (sent with
 *               SIGUSR1, which wakes the writer).
 */
#define LENGTH_MSG 1
#define FREE_MSG 2

struct length_msg {
    long mtype;                         /* LENGTH_MSG or FREE_MSG */
    size_t len;
};
/* What msgsnd() and msgrcv() count: the message without its type. */
#define LENGTH_MSG_SIZE (sizeof(struct length_msg) - sizeof(long))

#endif
