/*
 * sem_checks.c -- what sem_producer and sem_consumer check before they use
 * what they found: is an object at our key ours (CONTRACT.md, rule 13), and
 * is the partner's file our own (FILE and OUTFILE the same)?
 *
 * ftok(".") keys are easy to guess: another user who can search this folder
 * can create the set or the segment before us, mode 0666, and read or feed
 * the data. So sem_producer and sem_consumer use an object they did not
 * create only if IPC_STAT says it is ours alone: owner and creator are our
 * effective uid, mode 0600. Linked into every program of the lab (lab.mk).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include "sem_lab.h"

/* The owner of object id, from /proc/sysvipc/FILE (what ipcs reads, open to
 * all): for an object whose IPC_STAT we may not read. -1 if not found. */
static long owner_from_proc(const char *file, int id, int uid_column)
{
    FILE *f = fopen(file, "r");
    char line[512];
    long owner = -1;

    if (f == NULL)
        return -1;
    while (owner == -1 && fgets(line, sizeof line, f) != NULL) {
        long column[16];
        int n = 0;
        for (char *p = line, *end; n < uid_column; p = end, n++) {
            column[n] = strtol(p, &end, 10);
            if (end == p)
                break;                  /* the heading line */
        }
        if (n == uid_column && column[1] == id)
            owner = column[uid_column - 1];
    }
    fclose(f);
    return owner;
}

/* Says whose the object is and what to do; perm is NULL when IPC_STAT was
 * refused to us (then it is surely not ours). */
static void refuse(const char *program, const char *kind, char option, key_t key, int id,
                   const struct ipc_perm *perm, long owner)
{
    long me = (long)geteuid();

    fprintf(stderr, "%s: the %s at this folder's key 0x%08x (id %d) ", program, kind,
            (unsigned)key, id);
    if (perm == NULL)
        fprintf(stderr, "belongs to uid %ld, and we may not even read it", owner);
    else if (perm->cuid != perm->uid)
        fprintf(stderr, "belongs to uid %ld but was made by uid %ld", owner, (long)perm->cuid);
    else
        fprintf(stderr, "belongs to uid %ld%s, mode %04o", owner, owner == me ? " (you)" : "",
                (unsigned)(perm->mode & 0777));
    fprintf(stderr, ": %s uses only its own objects, mode %04o, so it used nothing.\n",
            program, OWNER_ONLY);
    if (owner == me)
        fprintf(stderr, "%s: if no program of yours uses it, remove it with: ipcrm -%c %d\n",
                program, option, id);
    else
        fprintf(stderr, "%s: only uid %ld or root can remove it (ipcrm -%c %d); or run the "
                "pair in another folder (its keys come from the folder: ftok)\n",
                program, owner, option, id);
}

static bool is_own(const struct ipc_perm *perm)
{
    uid_t me = geteuid();

    return perm->uid == me && perm->cuid == me && (perm->mode & 0777) == OWNER_ONLY;
}

bool own_set(const char *program, int semid, key_t key, struct semid_ds *ds)
{
    union semun arg = { .buf = ds };

    if (semctl(semid, 0, IPC_STAT, arg) == -1) {
        if (errno != EACCES) {
            fprintf(stderr, "%s: semctl IPC_STAT: %s\n", program, strerror(errno));
            return false;
        }
        refuse(program, "semaphore set", 's', key, semid, NULL,
               owner_from_proc("/proc/sysvipc/sem", semid, 5));
        return false;
    }
    if (is_own(&ds->sem_perm))
        return true;
    refuse(program, "semaphore set", 's', key, semid, &ds->sem_perm, (long)ds->sem_perm.uid);
    return false;
}

bool own_segment(const char *program, int shmid, key_t key, struct shmid_ds *ds)
{
    if (shmctl(shmid, IPC_STAT, ds) == -1) {
        if (errno != EACCES) {
            fprintf(stderr, "%s: shmctl IPC_STAT: %s\n", program, strerror(errno));
            return false;
        }
        refuse(program, "shared memory segment", 'm', key, shmid, NULL,
               owner_from_proc("/proc/sysvipc/shm", shmid, 8));
        return false;
    }
    if (is_own(&ds->shm_perm))
        return true;
    refuse(program, "shared memory segment", 'm', key, shmid, &ds->shm_perm,
           (long)ds->shm_perm.uid);
    return false;
}

bool same_file(const struct file_id *a, const struct file_id *b)
{
    return a->known && b->known && a->dev == b->dev && a->ino == b->ino;
}
