/*
 * two-users -- runs a submission's grading as root of a user namespace of
 * its own (grade-all builds and uses it when run as root).
 *
 * Usage:  two-users UID OTHER_UID SECOND COUNT COMMAND [ARG...]
 *
 * The suite's multi-user tests (CONTRACT.md, rule 13) run as root and act as
 * other users, uid SECOND and up, with setpriv. A submission must not run as
 * the real root, so COMMAND runs in a new user namespace in which uid 0 is
 * UID outside and uids SECOND to SECOND + COUNT - 1 are OTHER_UID to
 * OTHER_UID + COUNT - 1 outside (all unprivileged there), with
 * IPC and mount namespaces owned by it: root in it may act as the second
 * user, remove its own IPC objects and mount a small tmpfs, nothing outside.
 * Must be run by the real root. COMMAND keeps this process's PID.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "two-users: %s: %s\n", what, strerror(errno));
    exit(125);
}

/* Writes MAP to /proc/PID/FILE in one write(), as the kernel requires. */
static void write_map(pid_t pid, const char *file, const char *map)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/%s", (long)pid, file);
    int fd = open(path, O_WRONLY);
    if (fd == -1 || write(fd, map, strlen(map)) != (ssize_t)strlen(map) || close(fd) == -1)
        die(path);
}

int main(int argc, char *argv[])
{
    if (argc < 6) {
        fprintf(stderr, "usage: two-users UID OTHER_UID SECOND COUNT COMMAND [ARG...]\n");
        return 2;
    }
    char map[128];
    snprintf(map, sizeof map, "0 %lu 1\n%lu %lu %lu\n", strtoul(argv[1], NULL, 10),
             strtoul(argv[3], NULL, 10), strtoul(argv[2], NULL, 10), strtoul(argv[4], NULL, 10));

    /* A process is given its maps from outside its namespace: a child that
     * stays outside writes them once this process is in the new one. */
    int ready[2];
    if (pipe(ready) == -1)
        die("pipe");
    pid_t self = getpid(), child = fork();
    if (child == -1)
        die("fork");
    if (child == 0) {
        char byte;
        close(ready[1]);
        if (read(ready[0], &byte, 1) != 1)
            _exit(125);                 /* the parent failed to unshare */
        write_map(self, "uid_map", map);
        write_map(self, "gid_map", map);
        _exit(0);
    }
    close(ready[0]);
    if (unshare(CLONE_NEWUSER | CLONE_NEWIPC | CLONE_NEWNS) == -1)
        die("unshare");
    if (write(ready[1], "", 1) != 1)
        die("write");
    close(ready[1]);
    int status;
    if (waitpid(child, &status, 0) == -1)
        die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "two-users: the uid and gid maps could not be written\n");
        return 125;
    }
    /* Now uid 0 here is UID outside: become it (capabilities kept, in here only). */
    if (setgroups(0, NULL) == -1 || setresgid(0, 0, 0) == -1 || setresuid(0, 0, 0) == -1)
        die("becoming root of the new namespace");
    execvp(argv[5], argv + 5);
    die(argv[5]);
}
