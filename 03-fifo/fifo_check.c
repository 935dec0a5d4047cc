/*
 * fifo_check.c -- who may use a FIFO: the check fifo_producer and
 * fifo_consumer make before they use one that they find at PATH.
 *
 * A FIFO is found by its name, and a name in a folder that others can write
 * (/tmp, a shared project folder) may have been made by someone else: a
 * FIFO of theirs, mode 0666, would hand them what we send, or let them feed
 * the consumer. A symbolic link could send us to a file we never meant to
 * open. So a FIFO is used only if it is a FIFO, ours, and 0600; the programs
 * check with lstat() before they open it (which does not follow a link) and
 * with fstat() on what they opened, with O_NOFOLLOW in between.
 *
 * Read: lstat(2), open(2) on O_NOFOLLOW, getpwuid(3).
 */
#define _POSIX_C_SOURCE 200809L

#include <pwd.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fifo.h"

int fifo_is_mine(const char *program, const char *path, const struct stat *st)
{
    /* Stops a link planted at PATH: open() would follow it anywhere. */
    if (S_ISLNK(st->st_mode)) {
        fprintf(stderr, "%s: %s is a symbolic link, not a FIFO: refused (remove it, or use another PATH)\n",
                program, path);
        return 0;
    }
    if (!S_ISFIFO(st->st_mode)) {
        fprintf(stderr, "%s: %s exists and is not a FIFO\n", program, path);
        return 0;
    }
    /* Stops another user's FIFO: its owner could read what we send, or write. */
    if (st->st_uid != geteuid()) {
        const struct passwd *pw = getpwuid(st->st_uid);
        fprintf(stderr, "%s: %s is a FIFO of uid %ld (%s), not yours: refused; only its owner "
                "or root can remove it: use a PATH in a folder of your own\n",
                program, path, (long)st->st_uid, pw != NULL ? pw->pw_name : "no user name");
        return 0;
    }
    /* Stops a FIFO of ours that others may open: what we send would not be private. */
    if ((st->st_mode & 07777) != FIFO_MODE) {
        fprintf(stderr, "%s: %s has mode %04o, not %04o: other users may open it; refused "
                "(rm %s, and run again)\n",
                program, path, (unsigned)(st->st_mode & 07777), FIFO_MODE, path);
        return 0;
    }
    return 1;
}
