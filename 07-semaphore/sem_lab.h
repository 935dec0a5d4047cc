/*
 * sem_lab.h -- what the programs of 07-semaphore share.
 *
 * sem_counter uses only OWNER_ONLY and union semun: its objects are
 * IPC_PRIVATE, shared with its own children. sem_producer and sem_consumer
 * meet through two ftok(".", ...) keys and share the layout of the bounded
 * buffer below, so both must be built with the same NSLOTS and SLOT_SIZE
 * (make CPPFLAGS='-DNSLOTS=4 -DSLOT_SIZE=4096' changes both; the joiner
 * checks the creator's sizes and refuses a mismatch). What the pair does
 * with the buffer, its set-up and its waits, is in sem_buffer.h.
 */
#ifndef SEM_LAB_H
#define SEM_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/types.h>

/* Keys of the bounded buffer: ftok(".", SHM_PROJ_ID) for the segment,
 * ftok(".", SEM_PROJ_ID) for the semaphore set. */
#define SHM_PROJ_ID 'm'
#define SEM_PROJ_ID 's'

/* Owner read and write only: the original examples' 0666 lets every user on the machine
 * post and take slots, or read the data. */
#define OWNER_ONLY 0600

/* The bounded buffer: NSLOTS slots of SLOT_SIZE bytes (8 x 256 KiB = 2 MiB).
 * A slot is what one read() fills and one write() empties: each slot costs
 * both sides a p() and a v(), and usually a sleep and a wake-up, so bigger
 * slots mean fewer of those per byte. More slots let the faster side run
 * further ahead. The README's benchmark compares sizes. */
#ifndef NSLOTS
#define NSLOTS 8
#endif
#ifndef SLOT_SIZE
#define SLOT_SIZE (256 * 1024)
#endif

_Static_assert(NSLOTS >= 1 && NSLOTS <= 32767, "a semaphore counts the free slots: at most SEMVMX");
_Static_assert(SLOT_SIZE >= 1, "a slot holds at least one byte");

/* The semaphores of the producer/consumer set, by index. */
enum {
    SEM_EMPTY,          /* free slots: starts at NSLOTS, the producer takes, the consumer gives */
    SEM_FULL,           /* filled slots: starts at 0, the consumer takes, the producer gives */
    SEM_MUTEX,          /* 1 = the control fields below are free to update */
    SEM_PRODUCER,       /* 1 while a producer is alive (SEM_UNDO puts it back to 0) */
    SEM_CONSUMER,       /* 1 while a consumer is alive (likewise) */
    NSEMS
};

/* The two sides of the bounded buffer: the index of each side's fields below. */
enum role { PRODUCER, CONSUMER };

/* What a side tells its partner before it removes the objects. */
enum side_state { RUNNING, DONE, FAILED };

/* Which file a side reads or writes (device and inode), so that the pair
 * can refuse a FILE that is the OUTFILE under another name. */
struct file_id {
    bool known;                         /* false: standard input/output, or no file yet */
    dev_t dev;
    ino_t ino;
};

/* One slot: len bytes of data; a slot with len 0 marks the end of the data. */
struct slot {
    size_t len;
    unsigned char data[SLOT_SIZE];
};

/* The shared segment. The kernel fills a new segment with zeros.
 * A slot needs no lock: the producer writes it only between p(EMPTY) and
 * v(FULL), the consumer reads it only between p(FULL) and v(EMPTY), and
 * semop() orders memory. The fields that a side reads while its partner
 * may be writing them, with no semop() in between, are _Atomic (lock-free
 * atomics work between processes as between threads). */
struct buffer {
    int nslots, slot_size;              /* the creator's sizes, checked by the joiner */
    _Atomic pid_t pid[2];               /* by role: who joined (0 = not yet), set under SEM_MUTEX */
    _Atomic int state[2];               /* by role: enum side_state */
    struct file_id file[2];             /* by role: FILE, OUTFILE; set under SEM_MUTEX, with the PIDs */
    struct slot slot[NSLOTS];
};

/* semctl(2): "the calling program must define this union". */
union semun {
    int val;                    /* SETVAL */
    struct semid_ds *buf;       /* IPC_STAT, IPC_SET */
    unsigned short *array;      /* GETALL, SETALL */
};

/* sem_checks.c: whether an object we found at our key is ours alone (owner
 * and creator our effective uid, mode OWNER_ONLY), filling *ds. If not, it
 * says on stderr whose it is and what to do, and returns false: then the
 * caller uses nothing and exits 1 (CONTRACT.md, rule 13). */
bool own_set(const char *program, int semid, key_t key, struct semid_ds *ds);
bool own_segment(const char *program, int shmid, key_t key, struct shmid_ds *ds);

/* sem_checks.c: whether a and b are known and the same file (device and
 * inode: a hard link or a symbolic link is the same file). */
bool same_file(const struct file_id *a, const struct file_id *b);

#endif
