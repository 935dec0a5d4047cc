/*
 * bench_memcpy.c -- the memcpy row: no second process, one memcpy() in one
 * process, the upper bound that every mechanism's two copies are measured
 * against. Given: it is the yardstick, not a mechanism to write.
 */
#define _GNU_SOURCE

#include <string.h>

#include "ipc_bench.h"

/* The round trips are timed in batches: one is too short for the clock. */
#define COPY_BATCH 100

/* Called through a volatile pointer, memcpy cannot be inlined, so the
 * compiler cannot see that copying there and back changes nothing. */
static void *(*volatile copy)(void *, const void *, size_t) = memcpy;

double copy_stream(const struct test *t, struct buffers *b, const char *pattern)
{
    size_t intact_count = 0;
    int64_t start = now_ns();
    for (size_t i = 0; i < t->count; i++) {
        check_stop();
        stamp(b->out, t->size, i);
        copy(b->in->data, b->out->data, t->size);
        intact_count += intact(b->in, t->size, i, pattern);
    }
    int64_t elapsed = now_ns() - start;
    if (intact_count != t->count)
        fail("%zu of %zu copies intact", intact_count, t->count);
    return mbps((double)t->size * (double)t->count, elapsed);
}

void copy_pingpong(const struct test *t, struct buffers *b, const char *pattern, double *samples)
{
    for (size_t i = 0; i < t->count; i++) {
        check_stop();
        stamp(b->out, SMALL_MESSAGE, i);
        int64_t start = now_ns();
        for (int j = 0; j < COPY_BATCH; j++) {
            copy(b->in->data, b->out->data, SMALL_MESSAGE);
            copy(b->out->data, b->in->data, SMALL_MESSAGE);
        }
        samples[i] = (double)(now_ns() - start) / 1000.0 / COPY_BATCH;
        if (!intact(b->out, SMALL_MESSAGE, i, pattern))
            fail("round trip %zu came back damaged", i);
    }
}

/* No open(): measure() copies with the two functions above instead of forking. */
const struct mechanism memcpy_mechanism = {"memcpy", NULL, NULL, NULL, NULL, NULL, NULL};
