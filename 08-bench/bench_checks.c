/*
 * bench_checks.c -- objects already there. ipc_bench makes every object and
 * FIFO exclusively (IPC_EXCL, mkfifo), so one it finds at its key or name is
 * never used: these functions say whose it is and what to do, touching
 * nothing (CONTRACT.md, rules 13 and 14), and check that a FIFO it opens is
 * the one it made.
 */
#define _GNU_SOURCE

#include <stdio.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc_bench.h"

/* The owner of object id, from /proc/sysvipc (readable by all; uid in column 8
 * of msg and shm, 5 of sem): for an object whose IPC_STAT we may not read. */
static long owner_from_proc(char kind, int id)
{
    const char *file = kind == 'q' ? "/proc/sysvipc/msg" : kind == 'm' ? "/proc/sysvipc/shm"
                                                                       : "/proc/sysvipc/sem";
    const char *format = kind == 's' ? "%*s %d %*s %*s %ld" : "%*s %d %*s %*s %*s %*s %*s %ld";
    FILE *f = fopen(file, "r");
    char line[512];
    long owner = -1, uid;
    int object;
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, format, &object, &uid) == 2 && object == id)
            owner = uid;
    fclose(f);
    return owner;
}

/*
 * Something is at one of this folder's keys (IPC_EXCL said EEXIST). ftok()
 * keys are easy to guess, so it may be another user's trap: it is never
 * used. Says whose it is and what to do, touching nothing (rules 13, 14).
 */
_Noreturn void key_taken(char kind, key_t key)
{
    const char *what = kind == 'q' ? "message queue" : kind == 'm' ? "shared memory segment"
                                                                   : "semaphore set";
    struct msqid_ds q;
    struct shmid_ds m;
    struct semid_ds s;
    struct ipc_perm *perm = NULL;
    int id;
    if (kind == 'q') {
        id = msgget(key, 0);
        if (id != -1 && msgctl(id, IPC_STAT, &q) == 0)
            perm = &q.msg_perm;
    } else if (kind == 'm') {
        id = shmget(key, 0, 0);
        if (id != -1 && shmctl(id, IPC_STAT, &m) == 0)
            perm = &m.shm_perm;
    } else {
        id = semget(key, 0, 0);
        if (id != -1 && semctl(id, 0, IPC_STAT, (union semun){.buf = &s}) == 0)
            perm = &s.sem_perm;
    }
    if (id == -1)
        fail("this folder's key for the %s was taken, and is free again: run ipc_bench again", what);
    uid_t me = geteuid();
    if (perm != NULL && perm->uid == me && perm->cuid == me && (perm->mode & 0777) == OWNER_ONLY)
        fail("a %s of yours (id %d) is at this folder's key: left by an ipc_bench that was killed,"
             " or one running here now. If none runs here, remove it with:\n    ipcrm -%c %d",
             what, id, kind, id);
    long owner = perm != NULL ? (long)perm->uid : owner_from_proc(kind, id);
    char mode[32] = "that you may not even read";
    if (perm != NULL)
        snprintf(mode, sizeof mode, "mode %04o", (unsigned)(perm->mode & 0777));
    fail("the %s at this folder's key 0x%08x (id %d) belongs to uid %ld%s, %s: ipc_bench"
         " uses only its own objects, mode %04o, so it used nothing. Only uid %ld or root can"
         " remove it (ipcrm -%c %d); or run ipc_bench in another folder (keys come from the"
         " folder: ftok)", what, (unsigned)key, id, owner, owner == (long)me ? " (you)" : "",
         mode, OWNER_ONLY, owner, kind, id);
}

/* The same for a name where a FIFO of ours should be made (mkfifo: EEXIST). */
_Noreturn void fifo_taken(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == -1)
        fail("%s was there, and is gone again: run ipc_bench again", path);
    if (S_ISFIFO(st.st_mode) && st.st_uid == geteuid() && (st.st_mode & 0777) == OWNER_ONLY)
        fail("%s, a FIFO of yours, is here already: left by an ipc_bench that was killed, or one"
             " running here now. If none runs here, remove it with:\n    rm %s", path, path);
    fail("%s exists, %s of uid %ld, mode %04o: ipc_bench uses only FIFOs it makes itself, so it"
         " used nothing. Only uid %ld or root can remove it; or run ipc_bench in another folder",
         path, S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISLNK(st.st_mode) ? "a symbolic link" : "a file",
         (long)st.st_uid, (unsigned)(st.st_mode & 0777), (long)st.st_uid);
}

/* A FIFO just opened (with O_NOFOLLOW) must be the one ipc_bench made: a FIFO
 * of ours, mode 0600. One put in its place is refused, never used. */
void check_own_fifo(int fd, const char *path)
{
    struct stat st;
    if (fstat(fd, &st) == -1)
        die(path);
    if (!S_ISFIFO(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 0777) != OWNER_ONLY)
        fail("%s is not the FIFO ipc_bench made (owner uid %ld, mode %04o): not used",
             path, (long)st.st_uid, (unsigned)(st.st_mode & 0777));
}
