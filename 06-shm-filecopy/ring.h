/*
 * ring.h -- the ring's mechanics (ring.c), shared by shm_copy and
 * shm_copy_reader: how big the segment is, where each chunk goes, the
 * batches of lengths, the ring's pages mapped in one call, and the slots
 * that the reader gives back.
 */
#ifndef RING_H
#define RING_H

#include <stddef.h>
#include <sys/types.h>

#include "filecopy.h"

/* The sizes. largest_segment() is SHMMAX (shmctl IPC_INFO), 0 if it cannot
 * be read (errno says why). The largest CHUNK is CHUNK_MAX, or SHMMAX / 2 if
 * that is less. fit_chunk() and ring_slots() size the ring for a file of
 * size bytes: memory follows the file, not CHUNK. */
size_t largest_segment(void);
size_t chunk_limit(size_t shmmax);
size_t fit_chunk(size_t chunk, off_t size);
size_t ring_slots(size_t chunk, off_t size, size_t shmmax);

/* Maps all the ring's pages now (for writing or for reading), instead of a
 * page fault at a time; -1 (errno) on a failure worth reporting. */
int map_ring_now(const void *ring, size_t size, int for_writing);

/* The writer's side of the ring: chunk i of the file goes into slot
 * i % slots; its place and length wait in batch until half the ring is
 * full (or the file ends), then go in one LENGTH_MSG. */
struct ring {
    char *base;                         /* the attached segment */
    size_t chunk, slots;                /* slots of chunk bytes */
    size_t next;                        /* the slot the next chunk goes into */
    size_t free_slots;                  /* slots the writer may fill before it waits */
    struct length_msg batch;            /* the chunks not sent yet */
};
void ring_start(struct ring *r, char *base, size_t chunk, size_t slots);
char *ring_next(const struct ring *r);
int ring_put(struct ring *r, size_t len);

/* The slots given back: the reader sends a FREE_MSG and SIGUSR1
 * (give_back(), which exits on failure); the writer takes the FREE_MSG if
 * one is waiting (slots_given_back(): 1 and how many, 0 if none yet, -1
 * on failure). */
void give_back(int msqid, pid_t writer, size_t count);
int slots_given_back(int msqid, size_t *count);

#endif
