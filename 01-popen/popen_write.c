/*
 * popen_write -- feed another program's input through popen(..., "w").
 *
 * Usage:   popen_write [-c COMMAND] [TEXT]
 *
 * Starts COMMAND (default `od -c`) with popen(), writes TEXT (default "123")
 * into its standard input, and waits for it with pclose(). COMMAND's output
 * goes straight to our standard output; popen_write exits with COMMAND's
 * exit status, so `popen_write -c 'exit 3'` exits 3.
 *
 * COMMAND is run by /bin/sh -c, exactly as typed: it is the user's own
 * command, not a file name spliced into one.
 *
 * Partner: none (popen starts /bin/sh, which starts COMMAND). No IPC objects.
 *
 * Example:
 *     $ ./popen_write
 *     0000000   1   2   3
 *     0000003
 *
 * Read: popen(3), pclose(3), od(1), signal(7) for SIGPIPE.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "popen_write: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: popen_write [-c COMMAND] [TEXT]\n");
    exit(2);
}

int main(int argc, char *argv[])
{
    const char *command = "od -c";
    const char *text = "123";
    int opt;

    while ((opt = getopt(argc, argv, "c:")) != -1) {
        if (opt != 'c')
            usage();
        command = optarg;
    }
    if (argc - optind > 1)
        usage();
    if (argc - optind == 1)
        text = argv[optind];

#ifdef SOLUTION
    /* A command that exits without reading its input would kill us with
     * SIGPIPE; ignoring it turns that into a write error (EPIPE) we can see. */
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        die("signal SIGPIPE");

    fflush(stdout);     /* nothing of ours may be buffered when the shell starts */
    FILE *write_fp = popen(command, "w");
    if (write_fp == NULL)
        die("popen");

    fwrite(text, 1, strlen(text), write_fp);
    /* EPIPE only means that COMMAND stopped reading: its exit status tells the rest. */
    if (fflush(write_fp) == EOF && errno != EPIPE)
        die("write to command");

    int status = pclose(write_fp);
    if (status == -1)
        die("pclose");
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);          /* as the shell reports it */
    return WEXITSTATUS(status);
#else
    /* TODO: ignore SIGPIPE (a COMMAND that stops reading must not kill us),
     * fflush(stdout), popen() COMMAND for writing, fwrite() all of TEXT into
     * it and fflush() the stream (EPIPE only means COMMAND stopped reading).
     * Then pclose() and exit with COMMAND's status: WEXITSTATUS, or 128+N
     * when a signal N killed it.
     * Checked by: make test LAB=01 T='popen_write (feeds|writes|-c runs|passes|exits|survives|with a command)' */
    (void)command;
    (void)text;
    errno = ENOSYS;                     /* "Function not implemented" */
    die("main: not written yet (TODO in popen_write.c)");
#endif
}
