/*
 * ipc_bench.h -- what ipc_bench's parent and child processes agree on (the
 * keys of the System V objects, the names of the FIFOs, the sizes, the
 * layouts of a message and of a shared-memory ring), and what its sources
 * share: a mechanism as a set of functions, and the harness around it.
 *
 *   ipc_bench.c         main: the options, then for each mechanism and size
 *                       measure, check and print
 *   bench_pipe.c ...    one file per mechanism: how it opens, sends, receives
 *   bench_measure.c     one test: fork the child, time the runs, check the data
 *   bench_output.c      the table, the CSV, the chart
 *   bench_common.c      errors, signals, removing every object
 *   bench_checks.c      objects already there: whose they are, what to do
 *
 * The sizes are macros that a student may override at build time, e.g.
 *     make CPPFLAGS=-DRING_BYTES=1048576
 */
#ifndef IPC_BENCH_H
#define IPC_BENCH_H

#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/types.h>

/* Keys: ftok(".", ID) of the folder the benchmark runs in (make clean-ipc
 * finds what a crashed run left there by these IDs). */
#define MSG_PROJ_ID 'q'
#define SHM_PROJ_ID 'm'
#define SEM_PROJ_ID 's'

/* Every object and FIFO: read and write for the owner only. */
#define OWNER_ONLY 0600

/* The two FIFOs, made in the current folder and removed once both
 * processes have them open. */
#define FIFO_TO_CHILD  "ipc_bench.to_child"
#define FIFO_TO_PARENT "ipc_bench.to_parent"

/* A shared-memory ring holds as many bytes as a pipe does by default
 * (64 KiB, pipe(7)), but at least RING_MIN_SLOTS messages, so that the
 * sender can fill one slot while the receiver empties another. */
#ifndef RING_BYTES
#define RING_BYTES (64 * 1024)
#endif
#ifndef RING_MIN_SLOTS
#define RING_MIN_SLOTS 2
#endif

/* The round trips' messages and the receiver's acknowledgements. */
#define SMALL_MESSAGE 64

/* How often a spinning process looks at the ring before it gives its CPU
 * away with sched_yield() (at once when only one CPU may be used). */
#ifndef SPIN_TRIES
#define SPIN_TRIES 20000
#endif

/* At most this many messages in one throughput run: 64-byte messages would
 * otherwise take minutes. */
#ifndef MAX_MESSAGES
#define MAX_MESSAGES 50000
#endif

/* A message as msgsnd(2) wants it, a type and then the bytes, so that the
 * message queue sends it in place. The other mechanisms send data[] only. */
struct message {
    long type;
    char data[];
};

/* One direction's ring of slots in shared memory. The sender alone moves
 * head (messages written), the receiver alone moves tail (messages read);
 * head - tail is the number of full slots. Each counter has a cache line of
 * its own, so that the two processes do not fight over one line. */
struct ring {
    _Alignas(64) atomic_uint head;
    _Alignas(64) atomic_uint tail;
};

/* The segment: the two rings, then, one page further, the slots of the ring
 * to the child followed by those of the ring to the parent. */
#define SLOTS_OFFSET 4096

/* shm_sem: per direction, semaphore 2d counts the free slots, 2d+1 the
 * filled ones. semctl(2) asks the caller to define its fourth argument. */
union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
};

/* ------------------------------------------------------------ a mechanism */

enum { PARENT, CHILD };        /* which process a link belongs to */
enum { TO_CHILD, TO_PARENT };  /* a direction: its pipe, its ring, its message type - 1 */

/* One process's end of a mechanism: what its functions keep between calls. */
struct link {
    int side;                   /* PARENT or CHILD */
    int out, in;                /* the directions this side sends and receives on */
    pid_t partner;
    int fds[2][2];              /* pipe(): one pair per direction; socketpair(): fds[0] */
    int out_fd, in_fd;
    int msqid;
    int semid;
    char *shm;
    struct ring *rings;         /* rings[TO_CHILD], rings[TO_PARENT] */
    size_t slot_size;
    unsigned nslots;
    unsigned sent, received;    /* messages this side has sent and received */
    unsigned seen_tail;         /* shm_spin: the partner's counters as last read */
    unsigned seen_head;
    sigset_t saved_mask, wait_mask;
};

/*
 * A mechanism is what its file defines: the parent opens it before fork()
 * (makes the pipes, the queue, the segment), then each process attaches
 * (keeps its ends), sends and receives whole messages of len bytes, and
 * detaches. Every function checks its calls and ends the run through die()
 * or fail() (bench_common.c) when one fails or the partner is gone.
 */
struct mechanism {
    const char *name;
    bool (*fits)(size_t size);  /* NULL: any message size */
    void (*open)(struct link *l, size_t size);  /* the parent, before fork(); NULL: no child */
    void (*attach)(struct link *l);             /* each process, after fork() */
    void (*send)(struct link *l, struct message *m, size_t len);
    void (*recv)(struct link *l, struct message *m, size_t len);
    void (*detach)(struct link *l);             /* each process, at the end */
};

/* The table's rows, in order (ipc_bench.c), each defined in its own file. */
#define NMECHANISMS 8
extern const struct mechanism *const mechanisms[NMECHANISMS];
extern const struct mechanism pipe_mechanism;         /* bench_pipe.c */
extern const struct mechanism fifo_mechanism;         /* bench_fifo.c */
extern const struct mechanism msgqueue_mechanism;     /* bench_msgq.c */
extern const struct mechanism shm_sem_mechanism;      /* bench_shm_sem.c */
extern const struct mechanism shm_signal_mechanism;   /* bench_shm_signal.c */
extern const struct mechanism shm_spin_mechanism;     /* bench_shm_spin.c */
extern const struct mechanism socketpair_mechanism;   /* bench_socket.c */
extern const struct mechanism memcpy_mechanism;       /* bench_memcpy.c */

/* bench_pipe.c: a byte stream's loops, for the pipe, the FIFOs and the socket pair. */
void fd_send(struct link *l, struct message *m, size_t len);
void fd_recv(struct link *l, struct message *m, size_t len);
void fd_detach(struct link *l);

/* bench_shm.c: the rings in shared memory, for the three shm_ mechanisms. */
void shm_open_rings(struct link *l, size_t size);
char *slot(struct link *l, int direction, unsigned n);

/* bench_msgq.c: the largest message a queue takes (msgmax, msgmnb). */
extern size_t msg_limit;
size_t queue_limit(void);

/* bench_shm_spin.c: the CPUs we may run on, and one for each spinning process. */
extern cpu_set_t original_cpus;
void choose_spin_cpus(void);

/* ------------------------------------------------------------ the harness */

#define NSIZES 4                /* the throughput columns: 64 B, 4 KiB, 64 KiB, 1 MiB */

enum kind { STREAM, PINGPONG };

/* One test: COUNT messages of SIZE bytes one way, or COUNT round trips. */
struct test {
    enum kind kind;
    size_t size;
    size_t count;
    unsigned runs;
};

struct buffers {
    struct message *out, *in;
    char *pattern;              /* what every message holds between its sequence numbers */
};

/* One mechanism's figures. */
struct row {
    double mbps[NSIZES];        /* -1: not measured */
    double rtt_median, rtt_p99;
};

/* bench_common.c: errors, signals, cleanup. */
extern volatile sig_atomic_t stop_signal;   /* SIGINT or SIGTERM arrived */
extern volatile sig_atomic_t child_exited;  /* SIGCHLD arrived */
extern const char *current;                 /* the mechanism being measured, for messages */
extern char temporary[PATH_MAX];            /* the CSV or PNG being written, until renamed */
extern struct live {                        /* what the parent must undo when it stops early */
    pid_t child;
    int msqid, semid, shmid;
    void *shm;
    int fifos;                  /* how many of the two FIFOs exist */
} live;
/* NAME: [MECHANISM: ]what: strerror, or the message; everything removed; exit 1. */
_Noreturn void die(const char *what);
_Noreturn void fail(const char *format, ...);
_Noreturn void partner_ended(void);
void catch_signal(int sig, void (*handler)(int));
void catch_signals(void);
void check_stop(void);
bool remove_fifos(void);
bool release_all(void);
void no_attach(struct link *l);
void no_detach(struct link *l);

/* bench_checks.c: an object or FIFO already there is never used. */
_Noreturn void key_taken(char kind, key_t key);
_Noreturn void fifo_taken(const char *path);
void check_own_fifo(int fd, const char *path);

/* bench_measure.c: one test of one mechanism. */
int64_t now_ns(void);
void stamp(struct message *m, size_t len, uint64_t seq);
bool intact(const struct message *m, size_t len, uint64_t seq, const char *pattern);
double mbps(double bytes, int64_t ns);
void measure(const struct mechanism *m, const struct test *t, double *figure, double *tail);

/* bench_memcpy.c: the row without a second process. */
double copy_stream(const struct test *t, struct buffers *b, const char *pattern);
void copy_pingpong(const struct test *t, struct buffers *b, const char *pattern, double *samples);

/* bench_output.c: the table, the CSV, the chart. */
void describe_machine(char *buf, size_t len);
void print_heading(const char *machine, unsigned long runs, unsigned long kib,
                   unsigned long max_messages, unsigned long rounds);
void print_row(const char *name, const struct row *r);
void write_csv(const char *path, const bool *chosen, const struct row *rows);
void draw_chart(const char *csv, const char *png, const char *machine);

#endif
