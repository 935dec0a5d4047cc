/*
 * filecopy.h -- what shm_copy and shm_copy_reader agree on (the seed's MyKey.h).
 *
 * The segment is a ring of RING_SLOTS slots of CHUNK bytes each: chunk
 * number i of the file goes into slot i % RING_SLOTS. Both IPC objects have
 * keys from ftok(".", PROJ_ID), so both programs run in the same folder
 * (shm_copy's child does). As in the seed, shm_copy passes the segment's id
 * to the reader on the command line; the reader finds the queue by its key.
 * The sizes can be changed at build time, e.g.
 *     make -B CPPFLAGS=-DRING_SLOTS=1
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

/* Chunks the segment holds at once. The seed had one, so the writer and
 * the reader took turns; with several, the writer fills the next slots
 * while the reader empties the first ones. */
#ifndef RING_SLOTS
#define RING_SLOTS 8
#endif

/* The reader gives emptied slots back in batches of this many (one
 * FREE_MSG and one SIGUSR1 a batch, instead of one a chunk). Any value from
 * 1 to RING_SLOTS works; a larger one would leave both sides waiting. */
#ifndef GIVE_BACK_SLOTS
#define GIVE_BACK_SLOTS ((RING_SLOTS + 1) / 2)
#endif

/*
 * The length message (the seed's struct Mystatus), one type per direction
 * so that neither side can receive its own message:
 *   LENGTH_MSG  writer -> reader: the next slot holds len bytes; len 0 is
 *               the end of the file.
 *   FREE_MSG    reader -> writer: len more slots are empty again (then
 *               SIGUSR1 wakes the writer).
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
