/*
 * shm_checks.c -- what the programs of 05-shm check before they use an
 * object they did not create (CONTRACT.md, rules 13 and 14).
 *
 * ftok(".") keys are easy to guess (the folder's inode and device numbers):
 * another user who can search this folder can create our segment or queue
 * first, mode 0666, and read our data, feed us numbers, or post a "PID" that
 * we would then signal (as root: any process of the machine). So an object
 * that exists is used only if IPC_STAT says it is ours alone: owner and
 * creator are our effective uid, mode 0600. Linked into every program (lab.mk).
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <unistd.h>

#include "shmlab.h"

/* The owner of object id from /proc/sysvipc/FILE (what ipcs reads, open to
 * all), for an object whose IPC_STAT we may not read. -1 if not found. */
static long owner_from_proc(const char *file, int id)
{
    FILE *f = fopen(file, "r");
    char line[512];
    int object;
    long uid, owner = -1;

    if (f == NULL)
        return -1;
    /* msg and shm alike: the id is the 2nd column, the owner's uid the 8th. */
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "%*s %d %*s %*s %*s %*s %*s %ld", &object, &uid) == 2 && object == id)
            owner = uid;
    fclose(f);
    return owner;
}

/* Says whose the object is and what to do; perm is NULL if IPC_STAT was
 * refused to us (then it is surely not ours). */
static void refuse(const char *program, const char *kind, char option, key_t key, int id,
                   const struct ipc_perm *perm, const char *proc_file)
{
    long owner = perm != NULL ? (long)perm->uid : owner_from_proc(proc_file, id);
    long me = (long)geteuid();

    fprintf(stderr, "%s: the %s at this folder's key 0x%08x (id %d) belongs to uid %ld%s",
            program, kind, (unsigned)key, id, owner, owner == me ? " (you)" : "");
    if (perm == NULL)
        fprintf(stderr, ", and we may not even read it");
    else if (perm->cuid != perm->uid)
        fprintf(stderr, ", made by uid %ld", (long)perm->cuid);
    else
        fprintf(stderr, ", mode %04o", (unsigned)(perm->mode & 0777));
    fprintf(stderr, ": %s uses only its own objects, mode %04o, so it used nothing.\n",
            program, OWNER_ONLY);
    if (owner == me)
        fprintf(stderr, "%s: if no program of yours uses it, remove it with: ipcrm -%c %d\n",
                program, option, id);
    else
        fprintf(stderr, "%s: only uid %ld or root can remove it (ipcrm -%c %d); or run in "
                "another folder (the keys come from the folder: ftok)\n",
                program, owner, option, id);
}

/* The creator too: it may hand the object to us with IPC_SET, and keep using it. */
static int is_own(const struct ipc_perm *perm)
{
    uid_t me = geteuid();

    return perm->uid == me && perm->cuid == me && (perm->mode & 0777) == OWNER_ONLY;
}

int own_queue(const char *program, key_t key, int id, struct msqid_ds *ds)
{
    if (msgctl(id, IPC_STAT, ds) == -1) {
        if (errno != EACCES)
            return -1;
        refuse(program, "message queue", 'q', key, id, NULL, "/proc/sysvipc/msg");
        return 0;
    }
    if (is_own(&ds->msg_perm))
        return 1;
    refuse(program, "message queue", 'q', key, id, &ds->msg_perm, NULL);
    return 0;
}

int own_segment(const char *program, key_t key, int id, struct shmid_ds *ds)
{
    if (shmctl(id, IPC_STAT, ds) == -1) {
        if (errno != EACCES)
            return -1;
        refuse(program, "shared memory segment", 'm', key, id, NULL, "/proc/sysvipc/shm");
        return 0;
    }
    if (is_own(&ds->shm_perm))
        return 1;
    refuse(program, "shared memory segment", 'm', key, id, &ds->shm_perm, NULL);
    return 0;
}

int process_exists(pid_t pid)
{
    return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

void explain_taken_segment(const char *program, key_t key)
{
    struct shmid_ds ds;
    int id = shmget(key, 0, 0);
    int own = id == -1 ? -1 : own_segment(program, key, id, &ds);

    if (own == 0)
        return;                         /* another user's: refuse() said so */
    if (own == -1)
        fprintf(stderr, "%s: this folder's segment was there a moment ago and is gone: "
                "run again\n", program);
    else if (process_exists(ds.shm_cpid))
        fprintf(stderr, "%s: another %s (PID %ld) is at work in this folder: one at a time; "
                "wait until it ends, or use another folder\n", program, program,
                (long)ds.shm_cpid);
    else
        fprintf(stderr, "%s: a %s that did not end (killed?) left its segment in this folder "
                "(its creator, PID %ld, is gone); remove it with: ipcrm -m %d\n",
                program, program, (long)ds.shm_cpid, id);
}

/* Our queue at key, if a killed run left it: it holds a PID whose sender
 * (the last one, msg_lspid) is gone. Its id, or -1. */
static int stale_queue(key_t key)
{
    struct msqid_ds ds;
    int id = msgget(key, 0);

    if (id == -1 || msgctl(id, IPC_STAT, &ds) == -1 || !is_own(&ds.msg_perm))
        return -1;
    return ds.msg_qnum > 0 && !process_exists(ds.msg_lspid) ? id : -1;
}

/* Our segment at key, if a killed run left it: nobody is attached and its
 * creator is gone. Its id, or -1. */
static int stale_segment(key_t key)
{
    struct shmid_ds ds;
    int id = shmget(key, 0, 0);

    if (id == -1 || shmctl(id, IPC_STAT, &ds) == -1 || !is_own(&ds.shm_perm))
        return -1;
    return ds.shm_nattch == 0 && !process_exists(ds.shm_cpid) ? id : -1;
}

void refuse_stale_pair(const char *program, key_t queue_key, key_t segment_key)
{
    int queue = stale_queue(queue_key);
    int segment = stale_segment(segment_key);

    if (queue == -1 && segment == -1)
        return;
    fprintf(stderr, "%s: a shm_writer or shm_reader that did not end (killed?) left", program);
    if (queue != -1)
        fprintf(stderr, " this folder's message queue (id %d, a PID in it)", queue);
    if (segment != -1)
        fprintf(stderr, "%s this folder's segment (id %d)", queue != -1 ? " and" : "", segment);
    fprintf(stderr, "; remove %s with: ipcrm", queue != -1 && segment != -1 ? "them" : "it");
    if (queue != -1)
        fprintf(stderr, " -q %d", queue);
    if (segment != -1)
        fprintf(stderr, " -m %d", segment);
    fprintf(stderr, "\n");
    exit(1);
}
