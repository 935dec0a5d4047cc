/*
 * fifo_output.c -- fifo_consumer's OUTFILE, written completely or not at all.
 *
 * A regular OUTFILE (or one not there yet) is written under a temporary name
 * beside it, .OUTFILE.XXXXXX in the same folder, and renamed to OUTFILE only
 * once the whole file has arrived and is synced to disk: rename() replaces
 * the old OUTFILE in one step, so a failure of any kind (the producer's, ours,
 * a full disk, a signal) leaves it as it was, and clean_up() removes the
 * temporary. Anything else that may be written (a device such as /dev/null,
 * a FIFO) holds nothing to keep and is written directly, like standard
 * output. (lab.mk links this file into every program of the lab; only
 * fifo_consumer uses it.)
 *
 * Read: mkstemp(3), rename(2), fsync(2), umask(2).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fifo.h"

/* Makes the temporary file beside OUTFILE (.OUTFILE.XXXXXX, in OUTFILE's
 * folder, so that rename() can replace OUTFILE in one step), with the mode
 * OUTFILE is to have. */
static int make_temporary(const char *file, mode_t mode)
{
    char dir[PATH_MAX], base[PATH_MAX];

    if (snprintf(dir, sizeof dir, "%s", file) >= (int)sizeof dir ||
        snprintf(base, sizeof base, "%s", file) >= (int)sizeof base ||
        snprintf(temporary, sizeof temporary, "%s/.%s.XXXXXX", dirname(dir), basename(base))
            >= (int)sizeof temporary) {
        temporary[0] = '\0';
        fprintf(stderr, "%s: %s: name too long\n", program_name, file);
        exit(1);
    }
    int fd = mkstemp(temporary);
    if (fd == -1) {
        int saved = errno;
        temporary[0] = '\0';            /* nothing was made */
        errno = saved;
        die("create a temporary file beside", file);
    }
    if (fchmod(fd, mode) == -1)
        die("chmod", temporary);
    return fd;
}

int open_output(const char *file, const char *path, struct stat *old)
{
    struct stat fifo_st;
    mode_t mode;

    memset(old, 0, sizeof *old);
    if (stat(file, old) == 0) {
        if (stat(path, &fifo_st) == 0 &&
            old->st_dev == fifo_st.st_dev && old->st_ino == fifo_st.st_ino) {
            fprintf(stderr, "%s: %s is the FIFO itself\n", program_name, file);
            exit(1);
        }
        if (S_ISDIR(old->st_mode)) {
            fprintf(stderr, "%s: open %s: %s\n", program_name, file, strerror(EISDIR));
            exit(1);
        }
        if (!S_ISREG(old->st_mode)) {
            int fd = open(file, O_WRONLY | O_TRUNC);
            if (fd == -1)
                die("open", file);
            return fd;
        }
        if (access(file, W_OK) == -1)   /* a file we may not write stays so */
            die("open", file);
        mode = old->st_mode & 07777;
    } else if (errno == ENOENT) {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0644 & ~mask;            /* what open(file, O_CREAT, 0644) would give */
    } else {
        die("stat", file);
    }
    return make_temporary(file, mode);
}

void check_start(const struct frame_start *start, const struct stat *old, int out,
                 const char *out_name)
{
    struct stat st;

    if (fstat(out, &st) == -1)
        die("stat", out_name);
    if ((S_ISREG(old->st_mode) && start->dev == (uint64_t)old->st_dev &&
         start->ino == (uint64_t)old->st_ino) ||
        (S_ISREG(st.st_mode) && start->dev == (uint64_t)st.st_dev &&
         start->ino == (uint64_t)st.st_ino)) {
        fprintf(stderr, "%s: %s is the file the producer sends: refused, "
                "nothing written\n", program_name, out_name);
        refuse();
    }
}

void finish_output(int out, const char *out_name)
{
    if (temporary[0] != '\0' && fsync(out) == -1)    /* on disk before it replaces OUTFILE */
        die("fsync", out_name);
    if (close(out) == -1)               /* a full disk may only show here */
        die("close", out_name);
    if (temporary[0] != '\0') {
        if (rename(temporary, out_name) == -1)
            die("rename to", out_name);
        temporary[0] = '\0';
    }
}
