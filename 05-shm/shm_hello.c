/*
 * shm_hello -- a parent and its child share one System V memory segment.
 *
 * Usage:   shm_hello
 *
 * The parent creates a segment, forks, and waits. The child attaches the
 * segment, writes "Hello Parent!" into it, detaches and exits. Only then does
 * the parent attach it and print what the child left there: the segment
 * outlives the child's attachment, it belongs to the kernel, not to a process.
 *
 *     parent: shmget ─ fork ───────────────── waitpid ─ shmat ─ print ─ IPC_RMID
 *     child:                shmat ─ write ─ shmdt ─ exit
 *
 * The segment is IPC_PRIVATE: only this parent and its child use it, and the
 * child inherits its id through fork(), so no key is needed (a fixed key such
 * as the original example's 1234 would be shared with every other run on the
 * machine).
 *
 * Partner: none (the child is a copy of this program). The parent creates
 * the segment and removes it on every path, also when the child fails.
 *
 * Example:
 *     $ ./shm_hello
 *     Hello Parent!
 *
 * Read: shmget(2), shmop(2), shmctl(2), fork(2), sysvipc(7).
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shmlab.h"

static void report(const char *what)
{
    fprintf(stderr, "shm_hello: %s: %s\n", what, strerror(errno));
}

/* The child's whole life: write the greeting into the segment. */
static int child_writes(int shmid)
{
#ifdef SOLUTION
    char *shared = shmat(shmid, NULL, 0);
    if (shared == (void *)-1) {
        report("child: shmat");
        return 1;
    }
    int status = 0;
    if (snprintf(shared, HELLO_SIZE, "Hello Parent!") >= HELLO_SIZE) {
        fprintf(stderr, "shm_hello: child: the greeting does not fit in %d bytes\n", HELLO_SIZE);
        status = 1;
    }
    if (shmdt(shared) == -1) {
        report("child: shmdt");
        return 1;
    }
    return status;
#else
    /* TODO: attach segment shmid (shmat), write "Hello Parent!" into it,
     * at most HELLO_SIZE bytes (snprintf; one that does not fit is an
     * error), detach it (shmdt). Return 0, or 1 after saying what failed.
     * Checked by: make test LAB=05 T='shm_hello' */
    (void)shmid;
    fprintf(stderr, "shm_hello: child_writes: not written yet (TODO in shm_hello.c)\n");
    return 1;
#endif
}

/* The parent, once the child is done: print what it wrote. */
static int parent_reads(int shmid)
{
#ifdef SOLUTION
    const char *shared = shmat(shmid, NULL, SHM_RDONLY);
    if (shared == (void *)-1) {
        report("shmat");
        return 1;
    }
    /* At most HELLO_SIZE bytes: the segment need not hold a '\0'. */
    printf("%.*s\n", (int)strnlen(shared, HELLO_SIZE), shared);
    if (shmdt(shared) == -1) {
        report("shmdt");
        return 1;
    }
    if (fflush(stdout) == EOF) {        /* rule 10: a full disk is an error */
        report("write to stdout");
        return 1;
    }
    return 0;
#else
    /* TODO: attach segment shmid read-only (shmat, SHM_RDONLY), print what
     * it holds as one line, at most HELLO_SIZE bytes (it need not hold a
     * '\0': printf("%.*s\n", ...) with strnlen), detach it (shmdt), and
     * fflush(stdout) (a full disk is an error). Return 0, or 1 after saying
     * what failed.
     * Checked by: make test LAB=05 T='shm_hello' */
    (void)shmid;
    fprintf(stderr, "shm_hello: parent_reads: not written yet (TODO in shm_hello.c)\n");
    return 1;
#endif
}

int main(int argc, char *argv[])
{
    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: shm_hello\n");
        return 2;
    }

    /* IPC_PRIVATE always makes a new segment, so IPC_EXCL is not needed. */
    int shmid = shmget(IPC_PRIVATE, HELLO_SIZE, IPC_CREAT | OWNER_ONLY);
    if (shmid == -1) {
        report("shmget");
        return 1;
    }

    int status = 1;
    fflush(stdout);                     /* nothing buffered may be printed twice */
    pid_t pid = fork();
    if (pid == -1) {
        report("fork");
        goto remove_segment;
    }
    if (pid == 0)
        _exit(child_writes(shmid));

    int child_status;
    if (waitpid(pid, &child_status, 0) == -1) {
        report("waitpid");
        goto remove_segment;
    }
    if (!WIFEXITED(child_status) || WEXITSTATUS(child_status) != 0) {
        fprintf(stderr, "shm_hello: the child failed, nothing to read\n");
        goto remove_segment;
    }
    status = parent_reads(shmid);

remove_segment:
    if (shmctl(shmid, IPC_RMID, NULL) == -1) {
        report("shmctl IPC_RMID");
        status = 1;
    }
    return status;
}
