/*
 * ipc_bench.h -- what ipc_bench's parent and child processes agree on: the
 * keys of the System V objects, the names of the FIFOs, the sizes, and the
 * layouts of a message and of a shared-memory ring.
 *
 * The sizes are macros that a student may override at build time, e.g.
 *     make CPPFLAGS=-DRING_BYTES=1048576
 */
#ifndef IPC_BENCH_H
#define IPC_BENCH_H

#include <stdatomic.h>

/* Keys: ftok(".", ID) of the folder the benchmark runs in (make clean-ipc
 * finds what a crashed run left there by these IDs). */
#define MSG_PROJ_ID 'q'
#define SHM_PROJ_ID 'm'
#define SEM_PROJ_ID 's'

/* Every object and FIFO: read and write for the owner only. */
#define IPC_MODE 0600

/* The two FIFOs, made in the current folder and removed once both
 * processes have them open. */
#define FIFO_TO_CHILD  "ipc_bench.to_child"
#define FIFO_TO_PARENT "ipc_bench.to_parent"

/* A shared-memory ring holds as many bytes as a pipe does by default
 * (64 KiB, pipe(7)), but at least RING_MIN_SLOTS messages, so that the
 * sender can fill one slot while the receiver empties another. */
#ifndef RING_BYTES
#define RING_BYTES (64 * 1024)
#endif
#ifndef RING_MIN_SLOTS
#define RING_MIN_SLOTS 2
#endif

/* The round trips' messages and the receiver's acknowledgements. */
#define SMALL_MESSAGE 64

/* How often a spinning process looks at the ring before it gives its CPU
 * away with sched_yield() (at once when only one CPU may be used). */
#ifndef SPIN_TRIES
#define SPIN_TRIES 20000
#endif

/* At most this many messages in one throughput run: 64-byte messages would
 * otherwise take minutes. */
#ifndef MAX_MESSAGES
#define MAX_MESSAGES 50000
#endif

/* A message as msgsnd(2) wants it, a type and then the bytes, so that the
 * message queue sends it in place. The other mechanisms send data[] only. */
struct message {
    long type;
    char data[];
};

/* One direction's ring of slots in shared memory. The sender alone moves
 * head (messages written), the receiver alone moves tail (messages read);
 * head - tail is the number of full slots. Each counter has a cache line of
 * its own, so that the two processes do not fight over one line. */
struct ring {
    _Alignas(64) atomic_uint head;
    _Alignas(64) atomic_uint tail;
};

/* The segment: the two rings, then, one page further, the slots of the ring
 * to the child followed by those of the ring to the parent. */
#define SLOTS_OFFSET 4096

#endif
