/*
 * queue_checks.c -- what every program of 04-msgqueue checks before it uses
 * a queue it did not create (CONTRACT.md, rules 13 and 14), and the claim
 * that keeps one msg_sender and one msg_receiver per folder.
 *
 * ftok(".") keys are easy to guess (the folder's inode and device numbers):
 * another user who can search this folder can create our queue first, mode
 * 0666, and read the records we send or feed us fake ones. So a queue that
 * exists is used only if IPC_STAT says it is ours alone: owner and creator
 * are our effective uid, mode 0600. Linked into every program (lab.mk).
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <signal.h>
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
    fprintf(stderr, " (ours: uid %ld, mode %04o); nothing of it was used\n", me, QUEUE_MODE);
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
        int id = create ? msgget(key, IPC_CREAT | IPC_EXCL | QUEUE_MODE) : -1;
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
            (ds.msg_perm.mode & 0777) != QUEUE_MODE)
            refuse(program, key, id, &ds.msg_perm);
        return id;
    }
}

/* The claim we hold, removed at exit (atexit) on every way out. */
static int claim_id = -1;

static void release_claim(void)
{
    if (claim_id != -1)
        msgctl(claim_id, IPC_RMID, NULL);
    claim_id = -1;
}

/* One msg_sender and one msg_receiver per folder: a claim queue created
 * exclusively, removed at exit (person.h). */
void claim_folder(const char *program, int proj_id)
{
    key_t key = ftok(".", proj_id);
    if (key == -1)
        die(program, "ftok .");
    /* IPC_EXCL: of two programs that claim at once, exactly one creates it. */
    int id;
    while ((id = msgget(key, IPC_CREAT | IPC_EXCL | QUEUE_MODE)) == -1) {
        if (errno != EEXIST)
            die(program, "msgget (claim)");
        id = own_queue(program, key, 0);        /* another user's: refused there */
        struct msqid_ds ds;
        if (id == -1 || msgctl(id, IPC_STAT, &ds) == -1)
            continue;                   /* its holder has just ended: claim it now */
        /* The holder's PID is the claim's last sender (msg_lspid); 0 while the
         * holder is still sending it. kill(pid, 0) sends nothing: it asks. */
        pid_t holder = ds.msg_lspid;
        if (holder == 0 || kill(holder, 0) == 0 || errno == EPERM) {
            fprintf(stderr, "%s: another %s (PID %ld) is at work in this folder: one at a "
                    "time; wait until it ends, or use another folder\n",
                    program, program, (long)holder);
            exit(1);
        }
        fprintf(stderr, "%s: a %s that did not end (killed?) left its claim on this folder, "
                "message queue %d; if no %s runs here, remove it with: ipcrm -q %d\n",
                program, program, id, program, id);
        exit(1);
    }
    claim_id = id;
    if (atexit(release_claim) != 0) {
        release_claim();
        fprintf(stderr, "%s: atexit failed\n", program);
        exit(1);
    }
    /* One message, so that msg_lspid names us to a second comer. */
    struct { long mtype; pid_t pid; } me = { 1, getpid() };
    if (msgsnd(id, &me, sizeof me.pid, IPC_NOWAIT) == -1)
        die(program, "msgsnd (claim)");
}
