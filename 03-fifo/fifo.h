/*
 * fifo.h -- what fifo_create, fifo_producer and fifo_consumer agree on.
 *
 * A FIFO needs no key: its path name, given on the command line, is how
 * unrelated processes find it. What they share is how it is made, who may use
 * it, and the few bytes of protocol below; the code both use lives once in
 * fifo_common.c, and fifo_consumer's OUTFILE handling in fifo_output.c.
 */
#ifndef FIFO_H
#define FIFO_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* The FIFO's mode: only the owner may open it. The original example's 0777
 * let every user on the machine read what we send, or write into it. */
#define OWNER_ONLY 0600

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

/* Each program's name, for its messages ("fifo_producer"): defined in its
 * own file, used by the helpers below. */
extern const char program_name[];

/* ---- fifo_common.c: who may use the FIFO ---- */

/* 1 if st (from lstat or fstat of PATH) is a FIFO that this user owns, mode
 * OWNER_ONLY; else says why on stderr (as PROGRAM) and returns 0. */
int fifo_is_mine(const char *program, const char *path, const struct stat *st);

/* Refuses (clean_up, exit 1) what fd, just opened at PATH, turned out to be
 * if it is not a FIFO of ours, OWNER_ONLY: the name may have been swapped for
 * another user's FIFO between our lstat() and our open(). Such a FIFO is
 * left as it is. */
void check_opened_fifo(int fd, const char *path);

/* ---- fifo_common.c: cleanup and signals ---- */

/* What clean_up() removes: the FIFO while it is ours to remove (NULL once a
 * partner has it, or it is gone), and fifo_consumer's temporary file until it
 * is renamed to OUTFILE ("" when there is none). */
extern const char *fifo_to_remove;
extern char temporary[PATH_MAX];

void remove_fifo(void);                 /* unlinks fifo_to_remove, if set */
void clean_up(void);                    /* remove_fifo(), and the temporary */

/* "PROGRAM: WHAT NAME: strerror(errno)" on stderr, clean_up(), exit 1. */
_Noreturn void die(const char *what, const char *name);

/* A refusal, already explained on stderr: clean_up(), exit 1. */
_Noreturn void refuse(void);

/* SIGINT and SIGTERM set a flag (no SA_RESTART: a blocked call returns
 * EINTR); SIGPIPE is ignored, so that a write without a reader fails with
 * EPIPE instead of killing us silently. */
void catch_signals(void);

/* Called before each call that may block: after SIGINT or SIGTERM,
 * clean_up() and exit with 128 + the signal number, as the shell reports it. */
void stop_if_signalled(void);

/* ---- fifo_common.c: moving bytes ---- */

/* Reads exactly len bytes, however many read() calls it takes. Returns 1 when
 * they are all read, 0 at end of file before len bytes, -1 on an error
 * (errno says which). */
int read_exact(int fd, void *buf, size_t len);

/* Writes all len bytes, however many write() calls it takes. Returns 0, or
 * -1 on an error (errno says which: EPIPE when no reader is left). */
int write_all(int fd, const void *buf, size_t len);

/* 1 if fifo_producer may have sent this header: a known type, and a length
 * that fits a CHUNK_SIZE buffer (a longer one would overflow it). */
int header_is_valid(const struct frame_header *header);

/* ---- fifo_output.c: fifo_consumer's OUTFILE ---- */

/* Gets OUTFILE ready, before the FIFO is made, and returns the descriptor to
 * write to: a temporary beside a regular OUTFILE (or one not there yet), to be
 * renamed at the end; anything else that may be written (/dev/null, a FIFO),
 * OUTFILE itself. Refuses the FIFO at PATH (writing into it would wait for a
 * reader forever) and a directory. Sets *old to what OUTFILE is now (all
 * zero if it does not exist). */
int open_output(const char *file, const char *path, struct stat *old);

/* Refuses (nothing written) a producer that sends the regular file we would
 * write: OUTFILE as it was (*old), or what out is (standard output, through
 * any link); writing it would destroy what the producer still has to read.
 * (A device such as /dev/null may be both.) */
void check_start(const struct frame_start *start, const struct stat *old, int out,
                 const char *out_name);

/* Once everything has arrived: syncs and closes out, and renames the
 * temporary, if there is one, to OUTFILE. */
void finish_output(int out, const char *out_name);

#endif
