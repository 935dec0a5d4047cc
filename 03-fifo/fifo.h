/*
 * fifo.h -- what fifo_create, fifo_producer and fifo_consumer agree on.
 *
 * A FIFO needs no key: its path name, given on the command line, is how
 * unrelated processes find it. What they share is how it is made, who may use
 * it (fifo_check.c), and the few bytes of protocol below.
 */
#ifndef FIFO_H
#define FIFO_H

#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>

/* Only the owner may open the FIFO. The original example's 0777 let every
 * user on the machine read what we send, or write into it. */
#define FIFO_MODE 0600

/*
 * A byte stream has no end-of-message: read() returns 0 when the producer
 * has closed its end, whether it sent the whole file or died half way. So
 * the producer sends frames, each a header and LENGTH bytes: one FRAME_START
 * (which file it sends), FRAME_DATA frames, and a FRAME_END once every byte
 * is sent. End of file without FRAME_END means the producer failed.
 */
enum frame_type { FRAME_START = 1, FRAME_DATA = 2, FRAME_END = 3 };

struct frame_header {
    uint32_t type;              /* enum frame_type */
    uint32_t length;            /* bytes that follow: at most CHUNK_SIZE */
};

/* FRAME_START's data: the device and inode of the file sent, so that the
 * consumer refuses to write it onto itself (OUTFILE the same file). */
struct frame_start {
    uint64_t dev;
    uint64_t ino;
};

/* Data bytes in one frame. A frame goes in one write() of at most PIPE_BUF
 * bytes, which pipe(7) makes atomic: frames of two producers on one FIFO
 * never mix, so a consumer sees the second FRAME_START and refuses. Override
 * with make CPPFLAGS=-DCHUNK_SIZE=N (at most PIPE_BUF - 8). */
#ifndef CHUNK_SIZE
#define CHUNK_SIZE (PIPE_BUF - sizeof(struct frame_header))
#endif
_Static_assert(CHUNK_SIZE > 0 && CHUNK_SIZE + sizeof(struct frame_header) <= PIPE_BUF,
               "a frame must fit in one atomic write of PIPE_BUF bytes");

/* fifo_check.c: 1 if st (from lstat or fstat of PATH) is a FIFO that this
 * user owns, mode FIFO_MODE; else says why on stderr (as PROGRAM) and
 * returns 0. */
int fifo_is_mine(const char *program, const char *path, const struct stat *st);

#endif
