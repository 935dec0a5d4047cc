/*
 * pair.c -- the set-up that msg_sender and msg_receiver share: how they
 * catch the stop signals, and the claim that keeps one of each per folder
 * (CONTRACT.md, 04-msgqueue, two pairs in one folder). Linked into every
 * program of the lab (lab.mk); declared in person.h.
 *
 * Two dialogues in one folder would mix their records, and a second
 * receiver would take half of them and remove the queue under the first.
 * So while it runs each of the pair holds a claim: a queue of its own at
 * ftok(".", SENDER_PROJ_ID) or ftok(".", RECEIVER_PROJ_ID), created
 * exclusively and removed at exit. Its last sender (msg_lspid) names the
 * holder to a second comer.
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

volatile sig_atomic_t stop_signal;

static void on_signal(int signo)
{
    stop_signal = signo;
}

static void die(const char *program, const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", program, what, strerror(errno));
    exit(1);
}

/* The handler only sets a flag. Without SA_RESTART, a call that waits when
 * the signal comes (fgets() reading the terminal, msgrcv() waiting for a
 * record) fails with EINTR, and the program sees the flag (person.h). */
void catch_stop_signals(const char *program)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    if (sigaction(SIGINT, &sa, NULL) == -1 || sigaction(SIGTERM, &sa, NULL) == -1)
        die(program, "sigaction");
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
    while ((id = msgget(key, IPC_CREAT | IPC_EXCL | OWNER_ONLY)) == -1) {
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
