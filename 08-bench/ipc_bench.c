/*
 * ipc_bench -- which IPC mechanism is fastest? Measures them side by side.
 *
 * Usage:   ipc_bench [-q] [-r RUNS] [-k KIB] [-n ROUNDTRIPS] [-m LIST] [-o CSV] [-p PNG]
 *
 * For each mechanism the program forks a child and moves messages between the
 * two processes: a stream of messages one way for the throughput (MB/s, with
 * messages of 64 B, 4 KiB, 64 KiB and 1 MiB), then a ping-pong of 64-byte
 * messages for the round-trip time (median and 99th percentile, in
 * microseconds). Every figure is the median of RUNS runs that follow one
 * warm-up run, which is not counted. The receiver checks the sequence number
 * at both ends of every message, and every byte during the warm-up, so that
 * no copy can be optimised away and no torn message goes unnoticed.
 *
 *     pipe        two pipes, one per direction
 *     fifo        two FIFOs, opened by name
 *     msgqueue    one System V message queue, one message type per direction
 *     shm_sem     rings of slots in System V shared memory; semaphores count
 *                 the free and the filled slots
 *     shm_signal  the same rings; each message is followed by a SIGUSR1, and
 *                 a process with nothing to do waits in sigsuspend()
 *     shm_spin    the same rings; a process with nothing to do spins on the
 *                 C11 atomic counters (the latency floor)
 *     socketpair  a Unix domain stream socket pair (reference)
 *     memcpy      one process copying its own memory (the upper bound)
 *
 * It prints a table, writes the same figures to a CSV file (-o, default
 * ipc_bench.csv) and, when gnuplot is installed, draws them into a PNG chart
 * (-p, default ipc_bench.png), each under a temporary name renamed once
 * complete, so a failure leaves the old files. -q is a quick run of a few seconds; -r, -k and
 * -n set the runs per figure, the KiB a throughput run moves and the round
 * trips a latency run makes (defaults 5, 131072 and 10000; -q: 3, 4096, 1000,
 * and a tenth of the messages).
 * -m measures only the mechanisms listed, e.g. -m pipe,shm_spin.
 *
 * Partner: none; the child is a copy of this program. Objects: the parent
 * creates each test's message queue, shared memory segment, semaphore set or
 * FIFOs (keys and names of the current folder, mode 0600, created exclusively)
 * and removes them when the test ends, when anything fails, and on SIGINT or
 * SIGTERM. One that is there already is never used: it names its owner, or
 * the command that removes a leftover of yours, and exits 1. A child whose
 * parent dies is killed by the kernel (PR_SET_PDEATHSIG).
 *
 * The sources: this file reads the options and runs the story; each
 * mechanism is one file, bench_NAME.c, that says how it opens, sends and
 * receives (struct mechanism, ipc_bench.h); bench_measure.c times and checks
 * one test, bench_output.c prints and writes the results, bench_common.c and
 * bench_checks.c handle errors, signals, cleanup and objects already there.
 *
 * Example (after a heading; figures in MB/s, then round trips in µs):
 *     $ ./ipc_bench -q -m pipe
 *     pipe            11.8      500     3363     2004      13.5      142
 *
 * Read: pipe(7), fifo(7), msgop(2), shmop(2), semop(2), sigsuspend(2),
 * unix(7), sched_setaffinity(2), clock_gettime(2).
 */
#define _GNU_SOURCE /* cpu_set_t (ipc_bench.h), getopt() */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc_bench.h"

#define USAGE "usage: ipc_bench [-q] [-r RUNS] [-k KIB] [-n ROUNDTRIPS] [-m LIST] [-o CSV] [-p PNG]\n"

/* The table's rows, in this order whatever the order of -m. */
const struct mechanism *const mechanisms[NMECHANISMS] = {
    &pipe_mechanism, &fifo_mechanism, &msgqueue_mechanism, &shm_sem_mechanism,
    &shm_signal_mechanism, &shm_spin_mechanism, &socketpair_mechanism, &memcpy_mechanism,
};

/* The message sizes of the throughput columns. */
static const size_t sizes[NSIZES] = {64, 4096, 65536, 1048576};

/* ------------------------------------------------------------ the options */

/* A whole number from 1 to max, digits only. */
static bool parse_number(const char *text, unsigned long max, unsigned long *value)
{
#ifdef SOLUTION
    char *end;
    if (*text < '0' || *text > '9')
        return false;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < 1 || v > max)
        return false;
    *value = v;
    return true;
#else
    /* TODO: true, with *value set, if text is a whole number from 1 to max:
     * it starts with a digit (strtoul() would take " 5" and "-1"), strtoul()
     * reads it all (end at '\0'), without ERANGE. Anything else: false.
     * Checked by: make test LAB=08 T='wrong usage' */
    (void)text, (void)max, (void)value;
    fail("parse_number: not written yet (TODO in ipc_bench.c)");
#endif
}

/* An output file's name: not empty, and no control character. A newline
 * would end the gnuplot line it is quoted in and start a line of the
 * caller's choosing (`!command` is gnuplot's shell escape). */
static bool good_name(const char *name)
{
    if (*name == '\0')
        return false;
    for (; *name != '\0'; name++)
        if ((unsigned char)*name < 0x20 || *name == 0x7f)
            return false;
    return true;
}

/* Marks the mechanisms named in a comma-separated list. */
static bool parse_list(const char *list, bool *chosen)
{
#ifdef SOLUTION
    for (;;) {
        size_t len = strcspn(list, ",");
        size_t i = 0;
        while (i < NMECHANISMS && (strlen(mechanisms[i]->name) != len ||
                                   strncmp(mechanisms[i]->name, list, len) != 0))
            i++;
        if (i == NMECHANISMS)
            return false;
        chosen[i] = true;
        if (list[len] == '\0')
            return true;
        list += len + 1;
    }
#else
    /* TODO: for each item of the comma-separated list, set chosen[i] for the
     * mechanisms[i] of that name. false for an unknown name or an empty item
     * ("", "pipe,", ",pipe", "pipe,,fifo"); true once all are marked.
     * Checked by: make test LAB=08 T='wrong usage' */
    (void)list, (void)chosen;
    fail("parse_list: not written yet (TODO in ipc_bench.c)");
#endif
}

static _Noreturn void usage(void)
{
    fputs(USAGE, stderr);
    exit(2);
}

static void help(void)
{
    fputs(USAGE, stdout);
    puts("  -q             quick: 3 runs, 4 MiB in at most 5000 messages a throughput\n"
         "                 run, 1000 round trips\n"
         "  -r RUNS        runs per figure after the warm-up (1-100; default 5)\n"
         "  -k KIB         KiB that a throughput run moves, in at most 50000 messages\n"
         "                 (1-16777216; default 131072)\n"
         "  -n ROUNDTRIPS  round trips in a latency run (1-1000000; default 10000)\n"
         "  -m LIST        measure only these, e.g. -m pipe,shm_spin: pipe fifo msgqueue\n"
         "                 shm_sem shm_signal shm_spin socketpair memcpy\n"
         "  -o CSV         the CSV file to write (default ipc_bench.csv)\n"
         "  -p PNG         the chart to draw if gnuplot is installed (default ipc_bench.png)");
    if (fflush(stdout) == EOF)          /* rule 10: a full disk is an error */
        die("write to stdout");
}

/* ------------------------------------------------------------ main */

/* The messages of one throughput run: kib KiB, at most max_messages, at least one. */
static size_t stream_count(unsigned long kib, size_t size, unsigned long max_messages)
{
    uint64_t count = (uint64_t)kib * 1024 / size;
    if (count > max_messages)
        count = max_messages;
    if (count == 0)
        count = 1;
    return (size_t)count;
}

int main(int argc, char *argv[])
{
    unsigned long runs = 0, kib = 0, rounds = 0;
    const char *csv = "ipc_bench.csv", *png = "ipc_bench.png";
    bool quick = false, chosen[NMECHANISMS] = {false}, any = false;
    int opt;

    while ((opt = getopt(argc, argv, ":qr:k:n:m:o:p:h")) != -1) {
        switch (opt) {
        case 'q': quick = true; break;
        case 'r': if (!parse_number(optarg, 100, &runs)) usage(); break;
        case 'k': if (!parse_number(optarg, 16UL << 20, &kib)) usage(); break;
        case 'n': if (!parse_number(optarg, 1000000, &rounds)) usage(); break;
        case 'm': if (!parse_list(optarg, chosen)) usage(); any = true; break;
        case 'o': if (!good_name(optarg)) usage(); csv = optarg; break;
        case 'p': if (!good_name(optarg)) usage(); png = optarg; break;
        case 'h': help(); return 0;
        default: usage();
        }
    }
    if (optind != argc)
        usage();
    if (!any)
        memset(chosen, true, sizeof chosen);
    if (runs == 0)
        runs = quick ? 3 : 5;
    if (kib == 0)
        kib = quick ? 4096 : 131072;
    unsigned long max_messages = quick ? MAX_MESSAGES / 10 : MAX_MESSAGES;
    if (rounds == 0)
        rounds = quick ? 1000 : 10000;

    catch_signals();            /* flags only: every wait looks at them */
    choose_spin_cpus();         /* shm_spin: a CPU for each process */
    msg_limit = queue_limit();  /* msgqueue: the largest message it takes */
    char machine[512];
    describe_machine(machine, sizeof machine);
    print_heading(machine, runs, kib, max_messages, rounds);

    /* For each mechanism: a throughput test per message size, then the
     * round trips; each test opens the mechanism, forks the child, runs,
     * checks every message and removes every object (measure()). */
    struct row rows[NMECHANISMS];
    bool too_big = false;
    for (size_t i = 0; i < NMECHANISMS; i++) {
        if (!chosen[i])
            continue;
        const struct mechanism *m = mechanisms[i];
        current = m->name;
        for (int k = 0; k < NSIZES; k++) {
            struct test t = {STREAM, sizes[k], stream_count(kib, sizes[k], max_messages),
                             (unsigned)runs};
            rows[i].mbps[k] = -1;
            if (m->fits == NULL || m->fits(sizes[k]))
                measure(m, &t, &rows[i].mbps[k], NULL);
            else
                too_big = true;
        }
        struct test t = {PINGPONG, SMALL_MESSAGE, rounds, (unsigned)runs};
        measure(m, &t, &rows[i].rtt_median, &rows[i].rtt_p99);
        current = "";
        print_row(m->name, &rows[i]);
    }
    if (too_big)
        printf("-: a queue takes no message over %zu bytes (msgmax and msgmnb in /proc/sys/kernel)\n",
               msg_limit);

    write_csv(csv, chosen, rows);
    draw_chart(csv, png, machine);
    if (fflush(stdout) == EOF)
        die("write to stdout");
    return 0;
}
