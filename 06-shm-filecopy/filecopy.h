/*
 * filecopy.h -- what shm_copy and shm_copy_reader agree on (the original
 * example's MyKey.h).
 *
 * The segment is a ring of slots of CHUNK bytes: chunk number i of the file
 * goes into slot i % slots. Both IPC objects have keys from ftok(".",
 * PROJ_ID), so both programs run in the same folder (shm_copy's child
 * does). As in the original example, shm_copy passes the segment's id to
 * the reader on the command line; the reader finds the queue by its key.
 * The sizes can be changed at build time, e.g.
 *     make -B CPPFLAGS=-DMAX_SLOTS=1
 * The ring's mechanics are in ring.c (ring.h), both programs' set-up and
 * checks in setup.c (setup.h).
 */
#ifndef FILECOPY_H
#define FILECOPY_H

#include <stddef.h>
#include <sys/ipc.h>

/* The keys: ftok(".", SEGMENT_PROJ_ID) and ftok(".", LENGTH_QUEUE_PROJ_ID). */
#define SEGMENT_PROJ_ID 's'
#define LENGTH_QUEUE_PROJ_ID 'l'

/* OWNER_ONLY: the mode of both objects, 0600: only their owner may read and
 * write them (the original's 0666 lets every user in). */
#define OWNER_ONLY 0600

/* An object both programs may use: owner and creator the effective uid,
 * mode exactly OWNER_ONLY (setup.c). Anything else may be another user's
 * trap (CONTRACT.md, rule 13), so it is refused, never used. */
int is_own(const struct ipc_perm *perm);

/* Bytes per chunk when shm_copy has no -b option (the original SHMSIZE). */
#ifndef CHUNK_DEFAULT
#define CHUNK_DEFAULT (64 * 1024)
#endif

/* The largest CHUNK that -b takes (64 MiB; less if SHMMAX / 2 is less): a
 * ring of two such chunks fits any machine that runs these labs, and
 * chunks over a few MiB copy no faster (README, "Speed"). */
#ifndef CHUNK_MAX
#define CHUNK_MAX (64 * 1024 * 1024)
#endif

/* How big the ring is: about RING_BYTES, and never more than MAX_SLOTS
 * chunks. The original example's segment held one chunk, so the writer and the reader
 * took turns; with several, the writer fills one half of the ring while the
 * reader empties the other. 3 MiB was measured (README, "Speed"): 1.5 to
 * 3 MiB were as fast as each other, smaller rings slower. */
#ifndef RING_BYTES
#define RING_BYTES (3 * 1024 * 1024)
#endif
#ifndef MAX_SLOTS
#define MAX_SLOTS 256
#endif

/*
 * The length message (the original struct Mystatus), one type per direction
 * so that neither side can receive its own message:
 *   LENGTH_MSG  writer -> reader: count chunks, each at offset in the
 *               segment and len bytes long; a len of 0 ends the file. They
 *               come in batches of half the ring: one message (and one
 *               wake-up of the reader) per batch, not per chunk.
 *   FREE_MSG    reader -> writer: count more slots are empty again (then
 *               SIGUSR1 wakes the writer). It has no chunk[].
 */
#define LENGTH_MSG 1
#define FREE_MSG 2

struct chunk_ref {
    size_t offset;                      /* where the chunk starts in the segment */
    size_t len;                         /* its length in bytes */
};

struct length_msg {
    long mtype;                         /* LENGTH_MSG or FREE_MSG */
    size_t count;
    struct chunk_ref chunk[(MAX_SLOTS + 1) / 2];
};
/* What msgsnd() and msgrcv() count for a message with n chunks: the
 * message without its type and without the unused part of chunk[]. */
#define LENGTH_MSG_SIZE(n) \
    (offsetof(struct length_msg, chunk) - sizeof(long) + (n) * sizeof(struct chunk_ref))

#endif
