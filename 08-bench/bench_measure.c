/*
 * bench_measure.c -- one test of one mechanism: open it, fork the child,
 * run a warm-up and the counted runs, check every message, take the medians.
 * The parent times; the child receives, checks and answers.
 */
#define _GNU_SOURCE /* PR_SET_PDEATHSIG */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipc_bench.h"

/* ------------------------------------------------------------ messages */

int64_t now_ns(void)
{
    struct timespec t;
    /* CLOCK_MONOTONIC: wall-clock time that never jumps. clock() would count
     * CPU time, which a process waiting for its partner does not use. */
    if (clock_gettime(CLOCK_MONOTONIC, &t) == -1)
        die("clock_gettime");
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

double mbps(double bytes, int64_t ns)
{
    return bytes * 1000.0 / (double)(ns > 0 ? ns : 1);   /* bytes per ns = GB/s */
}

static struct message *new_message(size_t size)
{
    struct message *m = malloc(sizeof *m + size);
    if (m == NULL)
        die("malloc");
    return m;
}

/* The first and the last 8 bytes of a message carry its sequence number. */
void stamp(struct message *m, size_t len, uint64_t seq)
{
    memcpy(m->data, &seq, sizeof seq);
    memcpy(m->data + len - sizeof seq, &seq, sizeof seq);
}

static uint64_t sequence(const struct message *m)
{
    uint64_t seq;
    memcpy(&seq, m->data, sizeof seq);
    return seq;
}

/* True if m carries seq at both ends and, when pattern is given, the
 * pattern's bytes in between. */
bool intact(const struct message *m, size_t len, uint64_t seq, const char *pattern)
{
    uint64_t last;
    memcpy(&last, m->data + len - sizeof last, sizeof last);
    if (sequence(m) != seq || last != seq)
        return false;
    return pattern == NULL || memcmp(m->data + 8, pattern + 8, len - 16) == 0;
}

static struct buffers new_buffers(size_t size)
{
    struct buffers b = {new_message(size), new_message(size), malloc(size)};
    if (b.pattern == NULL)
        die("malloc");
    for (size_t i = 0; i < size; i++)
        b.pattern[i] = (char)(i * 7 + 3);
    memcpy(b.out->data, b.pattern, size);
    return b;
}

static void free_buffers(struct buffers *b)
{
    free(b->out);
    free(b->in);
    free(b->pattern);
}

/* ------------------------------------------------------------ one run */

/* The parent's side of a throughput run: count messages, then one ack. */
static double stream(const struct mechanism *m, struct link *l, const struct test *t,
                     struct buffers *b)
{
    int64_t start = now_ns();
    for (size_t i = 0; i < t->count; i++) {
        check_stop();
        stamp(b->out, t->size, i);
        m->send(l, b->out, t->size);
    }
    m->recv(l, b->in, SMALL_MESSAGE);
    int64_t elapsed = now_ns() - start;
    if (sequence(b->in) != t->count)
        fail("%zu of %zu messages arrived intact", (size_t)sequence(b->in), t->count);
    return mbps((double)t->size * (double)t->count, elapsed);
}

/* The child's side: checks each message, then acknowledges how many were intact. */
static void serve_stream(const struct mechanism *m, struct link *l, const struct test *t,
                         struct buffers *b, const char *pattern)
{
    uint64_t intact_count = 0;
    for (size_t i = 0; i < t->count; i++) {
        m->recv(l, b->in, t->size);
        intact_count += intact(b->in, t->size, i, pattern);
    }
    stamp(b->out, SMALL_MESSAGE, intact_count);
    m->send(l, b->out, SMALL_MESSAGE);
}

/* The parent's side of a latency run: one sample per round trip, in µs. */
static void pingpong(const struct mechanism *m, struct link *l, const struct test *t,
                     struct buffers *b, const char *pattern, double *samples)
{
    for (size_t i = 0; i < t->count; i++) {
        check_stop();
        stamp(b->out, SMALL_MESSAGE, i);
        int64_t start = now_ns();
        m->send(l, b->out, SMALL_MESSAGE);
        m->recv(l, b->in, SMALL_MESSAGE);
        samples[i] = (double)(now_ns() - start) / 1000.0;
        if (!intact(b->in, SMALL_MESSAGE, i, pattern))
            fail("round trip %zu came back damaged", i);
    }
}

/* The child's side: sends every message straight back. */
static void serve_pingpong(const struct mechanism *m, struct link *l, const struct test *t,
                           struct buffers *b)
{
    for (size_t i = 0; i < t->count; i++) {
        m->recv(l, b->in, SMALL_MESSAGE);
        m->send(l, b->in, SMALL_MESSAGE);
    }
}

/* ------------------------------------------------------------ one figure */

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts v. */
static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The 99th percentile by nearest rank; v must be sorted. */
static double p99(const double *v, size_t n)
{
    return v[(99 * n + 99) / 100 - 1];
}

/* What the child does: serve every run, warm-up first, then leave. */
static _Noreturn void run_child(const struct mechanism *m, struct link *l, const struct test *t,
                                struct buffers *b, pid_t parent)
{
    /* The parent owns every object: forget them, so that a failure here
     * cannot remove them under the parent's feet. */
    live.msqid = live.semid = live.shmid = -1;
    live.shm = NULL;
    live.fifos = 0;
    /* Die with the parent, even if it is killed with SIGKILL; Ctrl-C simply kills us. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
        die("prctl");
    if (getppid() != parent)
        _exit(1);
    catch_signal(SIGINT, SIG_DFL);
    catch_signal(SIGTERM, SIG_DFL);

    l->side = CHILD;
    l->out = TO_PARENT;
    l->in = TO_CHILD;
    l->partner = parent;
    m->attach(l);
    for (unsigned run = 0; run <= t->runs; run++) {
        if (t->kind == STREAM)
            serve_stream(m, l, t, b, run == 0 ? b->pattern : NULL);
        else
            serve_pingpong(m, l, t, b);
    }
    m->detach(l);
    free_buffers(b);
    /* _exit: the parent's buffered output is the parent's to flush. */
    _exit(0);
}

static void wait_for_child(void)
{
    int status;
    while (waitpid(live.child, &status, 0) == -1) {
        if (errno != EINTR)
            die("waitpid");
        check_stop();
    }
    live.child = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("the child process failed");
}

/* Runs a warm-up and t->runs counted runs of one test; *figure is the median
 * of the runs' MB/s or of their median round trips, *tail the median of
 * their 99th percentiles. */
void measure(const struct mechanism *m, const struct test *t, double *figure, double *tail)
{
    struct buffers b = new_buffers(t->size);
    struct link l = {.side = PARENT, .out = TO_CHILD, .in = TO_PARENT, .msqid = -1, .semid = -1};

    if (m->open != NULL) {
        m->open(&l, t->size);
        fflush(stdout);                 /* or the child would print it again */
        child_exited = 0;
        pid_t parent = getpid();
        pid_t child = fork();
        if (child == -1)
            die("fork");
        if (child == 0)
            run_child(m, &l, t, &b, parent);
        live.child = l.partner = child;
        m->attach(&l);
    }

    double *figures = calloc(t->runs, sizeof *figures);
    double *tails = calloc(t->runs, sizeof *tails);
    double *samples = calloc(t->kind == PINGPONG ? t->count : 1, sizeof *samples);
    if (figures == NULL || tails == NULL || samples == NULL)
        die("calloc");
    for (unsigned run = 0; run <= t->runs; run++) {
        const char *pattern = run == 0 ? b.pattern : NULL;  /* every byte in the warm-up */
        double result;
        if (t->kind == STREAM) {
            result = m->open != NULL ? stream(m, &l, t, &b) : copy_stream(t, &b, pattern);
        } else {
            if (m->open != NULL)
                pingpong(m, &l, t, &b, pattern, samples);
            else
                copy_pingpong(t, &b, pattern, samples);
            result = median(samples, t->count);
            if (run > 0)
                tails[run - 1] = p99(samples, t->count);
        }
        if (run > 0)
            figures[run - 1] = result;
    }

    if (m->open != NULL) {
        m->detach(&l);
        wait_for_child();
        if (!release_all())
            fail("an IPC object could not be removed");
    }
    *figure = median(figures, t->runs);
    if (tail != NULL)
        *tail = median(tails, t->runs);
    free(figures);
    free(tails);
    free(samples);
    free_buffers(&b);
}
