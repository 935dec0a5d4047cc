/*
 * popen_read -- read another program's output through popen(..., "r").
 *
 * Usage:   popen_read [FILE]
 *
 * Counts the lines of FILE with `wc -l`, reading wc's answer through a pipe
 * that popen() sets up, and prints it the way the original example does: the
 * number of characters read, "Reading : -", then the count. FILE defaults to
 * this program's own source, popen_read.c, beside the executable.
 *
 * The original ran popen("cat popen4.c | wc -l"). Splicing a file name into a
 * shell command lets a name such as `x; rm -rf ~` run commands, so here the
 * program opens FILE itself and hands it to wc as standard input: the shell
 * only ever sees the fixed text "wc -l". Opening FILE first also reports a
 * missing or unreadable file, or a directory, by name, before anything runs.
 *
 * Partner: none (popen starts /bin/sh, which starts wc). No IPC objects.
 *
 * Example:
 *     $ printf 'one\ntwo\nthree\n' > three.txt
 *     $ ./popen_read three.txt
 *     2
 *     Reading : -
 *     3
 *
 * Read: popen(3), pclose(3), wc(1), proc(5) for /proc/self/exe.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "popen_read: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* The default FILE: popen_read.c in the folder that holds this executable. */
static void own_source(char *path, size_t size)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);

    if (len == -1)
        die("readlink /proc/self/exe");
    exe[len] = '\0';
    if (snprintf(path, size, "%s/popen_read.c", dirname(exe)) >= (int)size) {
        fprintf(stderr, "popen_read: path of own source too long\n");
        exit(1);
    }
}

int main(int argc, char *argv[])
{
    char default_file[PATH_MAX];
    const char *file;

    /* No options: "-x" is a mistyped option, not a file (a file named -x is ./-x). */
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        fprintf(stderr, "usage: popen_read [FILE]\n");
        return 2;
    }
    if (argc == 2) {
        file = argv[1];
    } else {
        own_source(default_file, sizeof default_file);
        file = default_file;
    }

#ifdef SOLUTION
    /* Open FILE here, so that a missing or unreadable file is reported by
     * name, then make it our standard input: wc, started by popen, inherits it. */
    int fd = open(file, O_RDONLY);
    if (fd == -1)
        die(file);
    struct stat st;
    if (fstat(fd, &st) == -1)
        die(file);
    if (S_ISDIR(st.st_mode)) {          /* open() allows it; wc would count 0 */
        errno = EISDIR;
        die(file);
    }
    if (dup2(fd, STDIN_FILENO) == -1)
        die("dup2");
    close(fd);
#else
    /* TODO 1: make FILE wc's standard input, so that its name never reaches
     * the shell. open() FILE read-only, fstat() it and refuse a directory
     * (errno = EISDIR), die(file) on any failure so that the message names
     * FILE, then dup2() it onto STDIN_FILENO and close the original.
     * Checked by: make test LAB=01 T='popen_read on a' */
    (void)file;
    errno = ENOSYS;                     /* "Function not implemented" */
    die("main: FILE as standard input: not written yet (TODO 1 in popen_read.c)");
#endif

#ifdef SOLUTION
    FILE *read_fp = popen("wc -l", "r");
    if (read_fp == NULL)
        die("popen wc -l");

    char buffer[BUFSIZ + 1];        /* +1 for the '\0' that ends the string */
    size_t chars_read;

    while ((chars_read = fread(buffer, 1, BUFSIZ, read_fp)) > 0) {
        printf("%zu\n", chars_read);            /* "2" for "3\n" */
        if (buffer[chars_read - 1] == '\n')
            chars_read--;                       /* drop the newline */
        buffer[chars_read] = '\0';
        printf("Reading : -\n%s\n", buffer);
    }
    if (ferror(read_fp))
        die("read from wc");

    int status = pclose(read_fp);
    if (status == -1)
        die("pclose");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "popen_read: wc -l failed on %s\n", file);
        return 1;
    }
    if (fflush(stdout) == EOF)          /* rule 10: a full disk is an error */
        die("write to stdout");
    return 0;
#else
    /* TODO 2: popen() the fixed command "wc -l" for reading, fread() its
     * answer into a buffer until end of file and print, for each read, the
     * number of characters read, "Reading : -", then the text without its
     * final newline. Check ferror(), then pclose(): exit 1 with a message
     * when wc did not exit 0. Last, fflush(stdout): die if that fails (a
     * full disk is an error), else exit 0.
     * Checked by: make test LAB=01 T='popen_read (prints|counts|reads|without|reports)' */
    errno = ENOSYS;
    die("main: popen wc -l: not written yet (TODO 2 in popen_read.c)");
#endif
}
