/*
 * sem_producer -- send a file through a bounded buffer in shared memory,
 * guarded by System V semaphores, to sem_consumer.
 *
 * Usage:   sem_producer [FILE]
 *
 * Sends FILE (default: standard input), any bytes at all, through NSLOTS
 * slots of SLOT_SIZE bytes in a shared segment (sem_lab.h). For each slot:
 * p(EMPTY) -- wait for a free slot; read() into it; v(FULL) -- hand it
 * over. A slot of length 0 marks the end. Then it waits until the consumer
 * has given every slot back, which it does only once all the data is
 * written, and prints `sent N bytes` on stderr: exit status 0 means the
 * data arrived.
 *
 * Partner: sem_consumer, started in the same directory, before or after.
 * Whichever comes first creates the semaphore set and the segment (keys
 * ftok(".", SEM_PROJ_ID) and ftok(".", SHM_PROJ_ID)); the other waits until
 * the creator has initialised the set (sem_otime != 0) before it uses it.
 * The consumer removes both objects at the end. A side that fails or is
 * stopped by SIGINT/SIGTERM removes them itself and exits non-zero; its
 * partner, woken with EIDRM, exits 1 too. A side that is killed cannot
 * clean up: the kernel's SEM_UNDO takes its presence semaphore back to 0,
 * and the partner, which looks at it every TICK_MS while it waits, removes
 * the objects and exits 1.
 *
 * Example:
 *     $ ./sem_producer notes.txt & ./sem_consumer copy.txt; wait
 *     received 1234 bytes
 *     sent 1234 bytes
 *
 * The set-up both sides share (creating or joining the buffer, the presence
 * semaphores, p() and v() in ticks, removal) is in sem_buffer.c.
 *
 * Read: semget(2), semop(2) (semtimedop), semctl(2), shmget(2), shmat(2),
 * ftok(3), poll(2), sysvipc(7).
 */
#define _POSIX_C_SOURCE 200809L        /* getopt(), fstat() */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sem_buffer.h"

static void usage(void)
{
    fprintf(stderr, "usage: sem_producer [FILE]\n");
    exit(2);
}

/* Opens FILE (NULL: standard input), refusing a directory, and notes which
 * file it is (*id), for the consumer to compare with its OUTFILE. */
static int open_input(const char *path, const char *name, struct file_id *id)
{
    int fd = STDIN_FILENO;
    if (path != NULL && (fd = open(path, O_RDONLY)) == -1)
        die(path);
    struct stat st;
    if (fstat(fd, &st) == -1)
        die("fstat");
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        die(name);
    }
    *id = (struct file_id){ S_ISREG(st.st_mode), st.st_dev, st.st_ino };
    return fd;
}

int main(int argc, char *argv[])
{
    opterr = 0;                         /* our usage line says it all */
    if (getopt(argc, argv, "") != -1 || argc - optind > 1)
        usage();
    start_side(PRODUCER);               /* our name in messages; SIGINT, SIGTERM caught */

    /* The input first: a missing file is reported before anything is created. */
    const char *path = argc > optind ? argv[optind] : NULL;
    const char *input_name = path != NULL ? path : "standard input";
    struct file_id input_id;
    int fd = open_input(path, input_name, &input_id);

    struct buffer *buf = open_buffer(); /* create it, or join it once initialised */
    claim_role(&input_id, input_name);  /* the producer, alive (SEM_PRODUCER) */
    look_around();                      /* a consumer that came and went already? */

    unsigned long long total = 0;
#ifdef SOLUTION
    for (int in = 0; ; in = (in + 1) % NSLOTS) {
        check_stop();
        if (!p(SEM_EMPTY, 1))           /* a free slot */
            partner_quit();
        struct slot *slot = &buf->slot[in];
        slot->len = read_some(fd, slot->data, SLOT_SIZE);
        total += slot->len;
        if (!v(SEM_FULL))               /* hand it over */
            partner_quit();
        if (slot->len == 0)             /* that was the end marker */
            break;
    }

    /* Every slot back, the end marker too: the consumer has written it all.
     * It removes the set just after, so EIDRM here may also mean success. */
    if (!p(SEM_EMPTY, NSLOTS) && buf->state[CONSUMER] != DONE)
        partner_quit();
#else
    /* TODO: the bounded buffer, slot after slot (in = 0, 1, ... NSLOTS - 1,
     * 0, ...): check_stop(); p(SEM_EMPTY, 1) for a free slot; read_some() from
     * fd into buf->slot[in] (its len and data), adding len to total; v(SEM_FULL)
     * to hand it over; stop after the slot of length 0 (the end marker). Then
     * wait for the consumer's word: p(SEM_EMPTY, NSLOTS), all slots back. A p()
     * or v() that returns false: partner_quit(), unless that last p() finds
     * buf->state[CONSUMER] == DONE. Checked by:
     * make test LAB=07 T='arrive|meet|either order|empty input|truncated|producer first|waits for the consumer' */
    (void)buf;
    (void)fd;
    not_written("main", "sem_producer.c");
#endif
    fprintf(stderr, "sent %llu bytes\n", total);
    return 0;
}
