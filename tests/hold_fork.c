/*
 * hold_fork -- loaded into a lab's program with LD_PRELOAD by the tests, to
 * hold a child still: the first child that fork() makes writes its PID into
 * the file $HOLD_FORK_PIDFILE and stops itself (SIGSTOP) before fork returns
 * in it, so before it has done anything of its own. The test can then show
 * that the parent waits for the child (however long it takes) and what the
 * parent does when that child is killed.
 *
 * Build: cc -shared -fPIC -o hold_fork.so hold_fork.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes PID into PATH whole: into PATH.tmp first, then renamed, so that a
 * test that sees PATH sees the whole number. */
static void tell_pid(const char *path, pid_t pid)
{
    char tmp[4096], text[32];
    int len = snprintf(text, sizeof text, "%ld\n", (long)pid);
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd == -1)
        return;
    int written = write(fd, text, (size_t)len) == len;
    if (close(fd) == 0 && written)
        rename(tmp, path);
}

pid_t fork(void)
{
    pid_t (*real_fork)(void);
    *(void **)&real_fork = dlsym(RTLD_NEXT, "fork");

    const char *held = getenv("HOLD_FORK_PIDFILE");
    char path[4096] = "";
    if (held != NULL) {
        snprintf(path, sizeof path, "%s", held);
        unsetenv("HOLD_FORK_PIDFILE");        /* only the first child is held */
    }
    pid_t pid = real_fork();
    if (pid == 0 && path[0] != '\0') {
        tell_pid(path, getpid());
        raise(SIGSTOP);
    }
    return pid;
}
