/*
 * queue_checks.c -- what every program of 04-msgqueue checks before it uses
 * a queue it did not create (CONTRACT.md, rule 13).
 *
 * ftok(".") keys are easy to guess (the folder's inode and device numbers):
 * another user who can search this folder can create our queue first, mode
 * 0666, and read the records we send or feed us fake ones. So a queue that
 * exists is used only if IPC_STAT says it is ours alone: owner and creator
 * are our effective uid, mode 0600. Linked into every program (lab.mk).
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <unistd.h>

#include "person.h"

static void die(const char *program, const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", program, what, strerror(errno));
    exit(1);
}

/* The owner of queue id from /proc/sysvipc/msg (what ipcs reads, open to
 * all), for a queue whose IPC_STAT we may not read. -1 if not found. */
static long owner_from_proc(int id)
{
    FILE *f = fopen("/proc/sysvipc/msg", "r");
    char line[512];
    int queue;
    long uid, owner = -1;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "%*s %d %*s %*s %*s %*s %*s %ld", &queue, &uid) == 2 && queue == id)
            owner = uid;
    fclose(f);
    return owner;
}

/* Says whose the queue is and what to do; perm is NULL if IPC_STAT was
 * refused to us (then it is surely not ours). Exits 1, having used nothing. */
static void refuse(const char *program, key_t key, int id, const struct ipc_perm *perm)
{
    long owner = perm != NULL ? (long)perm->uid : owner_from_proc(id);
    long me = (long)geteuid();

    fprintf(stderr, "%s: the message queue at this folder's key 0x%08x (id %d) is not ours "
            "alone: owner uid %ld, ", program, (unsigned)key, id, owner);
    if (perm != NULL)
        fprintf(stderr, "creator uid %ld, mode %04o", (long)perm->cuid,
                (unsigned)(perm->mode & 0777));
    else
        fprintf(stderr, "its state unreadable to us");
    fprintf(stderr, " (ours: uid %ld, mode %04o); nothing of it was used\n", me, OWNER_ONLY);
    if (owner == me)
        fprintf(stderr, "%s: if no program of yours uses it, remove it with: ipcrm -q %d\n",
                program, id);
    else
        fprintf(stderr, "%s: only uid %ld or root can remove it (ipcrm -q %d); or run in "
                "another folder (the keys come from the folder: ftok)\n", program, owner, id);
    exit(1);
}

/* Rule 13: a queue we find at key is used only if it is ours alone (person.h
 * says what own_queue returns). */
int own_queue(const char *program, key_t key, int create)
{
    struct msqid_ds ds;

    for (;;) {
        /* IPC_EXCL: a queue we create is surely ours; one we find is checked. */
        int id = create ? msgget(key, IPC_CREAT | IPC_EXCL | OWNER_ONLY) : -1;
        if (id != -1)
            return id;
        if (create && errno != EEXIST)
            die(program, "msgget");
        id = msgget(key, 0);            /* flags 0: asks for no permission, so never EACCES */
        if (id == -1 && errno == ENOENT) {
            if (create)
                continue;               /* removed since our try: create it now */
            return -1;
        }
        if (id == -1)
            die(program, "msgget");
        if (msgctl(id, IPC_STAT, &ds) == -1) {
            if (errno == EINVAL || errno == EIDRM)
                continue;               /* removed since msgget: look again */
            if (errno != EACCES)
                die(program, "msgctl IPC_STAT");
            refuse(program, key, id, NULL);
        }
        uid_t me = geteuid();
        /* The creator too: it may hand the queue to us with IPC_SET, and keep using it. */
        if (ds.msg_perm.uid != me || ds.msg_perm.cuid != me ||
            (ds.msg_perm.mode & 0777) != OWNER_ONLY)
            refuse(program, key, id, &ds.msg_perm);
        return id;
    }
}
