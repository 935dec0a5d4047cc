/*
 * shmlab.h -- what the programs of 05-shm agree on: keys, layouts, sizes.
 *
 * Unrelated programs meet through ftok(".", PROJ_ID): run both partners in
 * the same folder. Runs in two folders get different keys and never meet.
 * Every size and time below can be changed at build time, for example
 *     make CPPFLAGS=-DDATA_COUNT=10
 */
#ifndef SHMLAB_H
#define SHMLAB_H

#include <signal.h>
#include <stdatomic.h>
#include <stdnoreturn.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/types.h>

/* The mode of every object: only the owner may read and write (the original
 * examples' 0666 lets every user in). */
#define OWNER_ONLY 0600

/* shm_hello: a private segment shared by a parent and its child. */
#ifndef HELLO_SIZE
#define HELLO_SIZE 64
#endif

/* shm_counter and shm_show_counter. */
#define COUNTER_PROJ_ID 'c'
#ifndef COUNTER_INTERVAL_MS
#define COUNTER_INTERVAL_MS 1000        /* the original example's sleep(1) */
#endif
#define NUMBER_MAX 1000000000L          /* the largest COUNT and MS accepted */

/*
 * The counter's segment. The original example wrote the number as text with
 * sprintf(), so a reader could catch "1" of "10" half written. One
 * lock-free atomic integer is written and read in a single step: a reader
 * sees the old value or the new one, never a mix.
 */
struct counter_segment {
    atomic_ulong value;
};
#if ATOMIC_LONG_LOCK_FREE != 2
#error "atomic_ulong is not lock-free here: it would not work between processes"
#endif

/* shm_writer and shm_reader. */
#define PID_QUEUE_PROJ_ID 'q'           /* the message queue that swaps the PIDs */
#define DATA_PROJ_ID 'd'                /* the segment of DATA_COUNT ints */
#ifndef DATA_COUNT
#define DATA_COUNT 100                  /* the original example's SHMSIZE */
#endif

/* One message type per direction, so that nobody receives its own PID. */
#define WRITER_PID_TYPE 1               /* the writer's PID, for the reader */
#define READER_PID_TYPE 2               /* the reader's PID, for the writer */

struct pid_message {
    long mtype;                         /* WRITER_PID_TYPE or READER_PID_TYPE */
    pid_t pid;
};
/* What msgsnd() and msgrcv() count: the text after mtype, here the PID
 * alone (sizeof the struct would also count mtype and the padding after pid). */
#define PID_MESSAGE_SIZE sizeof(pid_t)

/*
 * The signals of the handshake:
 *   SIGUSR1  reader to writer: "I have your PID" (the writer learns who its
 *            reader is from the signal's sender, si_pid);
 *   SIGUSR2  writer to reader: "the data is written";
 *            reader to writer: "I have read it".
 * While waiting, each side checks every PARTNER_CHECK_MS that its partner
 * still exists, so that a partner that dies is noticed; the reader also
 * looks for the writer's PID on the queue.
 */
#ifndef PARTNER_CHECK_MS
#define PARTNER_CHECK_MS 200
#endif

/*
 * shm_checks.c (CONTRACT.md, rules 13 and 14).
 *
 * own_queue, own_segment: 1 if the object id (found at key) is ours alone:
 * owner and creator our effective uid, mode 0600. 0 if not: then they have
 * said on stderr whose it is and what to do, and the caller must touch
 * nothing of it. -1 if IPC_STAT failed otherwise (errno: EINVAL or EIDRM
 * when the object has just been removed). They fill *ds.
 *
 * explain_taken_segment: for a creator whose IPC_EXCL found the key taken:
 * says by whom (another user; another run of program that is at work; a run
 * that was killed, with the ipcrm command that removes its segment).
 *
 * refuse_stale_pair: for shm_writer and shm_reader, before they make
 * anything: if a killed run left our queue (holding a PID whose sender is
 * gone) or our segment (unattached, its creator gone) at these keys, says
 * so with the ipcrm command that removes them, and exits 1.
 *
 * process_exists: kill(pid, 0) finds pid (a PID > 0).
 */
int own_queue(const char *program, key_t key, int id, struct msqid_ds *ds);
int own_segment(const char *program, key_t key, int id, struct shmid_ds *ds);
void explain_taken_segment(const char *program, key_t key);
void refuse_stale_pair(const char *program, key_t queue_key, key_t segment_key);
int process_exists(pid_t pid);

/*
 * shm_counting.c: what shm_counter and shm_show_counter share.
 *
 * wait_tick: sleeps one tick of ms milliseconds in sigtimedwait() on the
 * blocked stop_signals; returns the stop signal that came first, or 0.
 *
 * counter_gone: is the counter that made segment shmid (of key) still
 * counting? -1 while it is; else says why not on stderr and returns the exit
 * status to end with: 0, it stopped (IPC_RMID took the key away); 1, it died
 * without removing its segment (its creator, shm_cpid, is gone), which is
 * then removed.
 *
 * counter_options: reads -n COUNT and -i MS into *count and *interval_ms;
 * 0 if the arguments are wrong usage (an unknown option, an operand, a
 * value that is not a whole number from 1 to NUMBER_MAX).
 */
int wait_tick(const char *program, const sigset_t *stop_signals, long ms);
int counter_gone(key_t key, int shmid);
int counter_options(int argc, char *argv[], long *count, long *interval_ms);

/*
 * shm_pair.c: the set-up shm_writer and shm_reader share.
 *
 * pair_begin: the program's name, its partner's ("reader", "writer"), the
 * function that removes what it must remove when it gives up (CONTRACT.md,
 * rule 6), and what to do when the queue vanishes under take_pid (NULL: just
 * fail). Called first.
 * pair_fail: says "PROGRAM: why" on stderr, removes what is ours, exits 1.
 * pair_die: pair_fail with "WHAT: strerror(errno)", for a failed call.
 * pair_flush: fflush(stdout); a write that fails (a full disk) fails as
 * pair_die does (CONTRACT.md, rule 10).
 * pair_stopped: stopped by signal sig: removes what is ours, exits 128 + sig.
 * partner_kill_failed: after kill(pid, ...) failed: the partner is gone
 * (ESRCH), or the call failed.
 * key_for: ftok(".", proj_id).
 * block_signals: blocks SIGUSR1, SIGUSR2 and the stop signals (SIGINT,
 * SIGTERM, SIGHUP), before any can come: they wait, pending, for next_signal().
 * open_queue: creates the PIDs' queue or finds the partner's; 1, or 0 if the
 * one found is not ours alone (shm_checks.c has said whose).
 * send_pid: posts our PID as message type; take_pid: takes a PID of type
 * without waiting (1), or finds none (0); posted_pid: takes them until pid
 * comes (1) or none is left (0), keeping the first other one in *first if
 * that is 0.
 * remove_queue, remove_segment_id: IPC_RMID; one already gone is no error;
 * -1 (said on stderr) if it fails.
 * next_signal: waits at most PARTNER_CHECK_MS: SIGUSR1 or SIGUSR2, with its
 * sender in *sender, or 0 when the time is up; a stop signal stops us.
 * await_signal_from: waits for sig from pid, ignoring anyone else's;
 * fails if pid dies meanwhile.
 */
void pair_begin(const char *name, const char *partner_name, void (*cleanup)(void),
                void (*queue_gone)(void));
noreturn void pair_fail(const char *format, ...);
noreturn void pair_die(const char *what);
void pair_flush(void);
noreturn void pair_stopped(int sig);
noreturn void partner_kill_failed(pid_t pid);
key_t key_for(int proj_id);
void block_signals(void);
int open_queue(void);
void send_pid(long type);
int take_pid(long type, pid_t *pid);
int posted_pid(long type, pid_t pid, pid_t *first);
int remove_queue(void);
int remove_segment_id(int shmid);
int next_signal(pid_t *sender);
void await_signal_from(pid_t pid, int sig);

#endif
