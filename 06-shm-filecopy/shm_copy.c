/*
 * shm_copy -- copy a file through shared memory (the original example's
 * process1).
 *
 * Usage:   shm_copy [-b CHUNK] SRC DST
 *
 * Makes a shared memory segment, forks, and the child execs
 * shm_copy_reader with the segment's id as its argument. This process
 * reads SRC chunk by chunk (CHUNK bytes, default 64 KiB) into the segment
 * and sends each chunk's length on a message queue; the reader writes the
 * chunks to a temporary file beside DST, which becomes DST (rename) only
 * once the whole file has arrived. A length of 0 marks the end of the file.
 *
 *   shm_copy -- read SRC --> [ segment: a ring of CHUNK-byte slots ] --> shm_copy_reader --> DST
 *      |  --- LENGTH_MSG: a batch of chunks (where, how long) --> queue -->  |
 *      |  <-- FREE_MSG: "this many slots are empty again" <-- queue <------  |
 *      '  <-- SIGUSR1: "wake up" -----------------------------------------  '
 *
 * The original example's segment held one chunk, and each chunk cost a message and two
 * signals (with kill() then pause(), which can lose a signal and hang both
 * sides). Here the segment is a ring of about RING_BYTES: the writer fills
 * one half while the reader empties the other, and the lengths and the
 * wake-ups go once per half ring, not once per chunk. The reader sleeps in
 * msgrcv(); the writer sleeps in sigsuspend() until the reader's SIGUSR1,
 * the reader's death (SIGCHLD) or a stop signal: the signals are blocked
 * from the moment it checks the queue until sigsuspend() unblocks them, so
 * none is lost.
 *
 * Partner: shm_copy_reader, found beside this program (/proc/self/exe).
 * IPC objects: this program creates the segment and the queue, with keys
 * ftok(".", SEGMENT_PROJ_ID) and ftok(".", LENGTH_QUEUE_PROJ_ID), 0600 and
 * exclusive, and removes both on success, on failure, and on SIGINT,
 * SIGTERM or SIGHUP (then it dies of that signal). If the reader dies, it
 * notices at once (SIGCHLD), removes the partial copy and exits 1. An object
 * already at a key is never used: it says whose it is (another user's,
 * another shm_copy's, or a killed one's, with the ipcrm line) and exits 1.
 * CHUNK is at most CHUNK_MAX, and no chunk is longer than the file.
 *
 * Example:
 *     $ ./shm_copy notes.txt copy.txt
 *     my(write) pid is 4711
 *     my child pid is 4712
 *     my parent pid is 4711
 *     my(read) pid is 4712
 *     copied 1234 bytes
 *
 * Read: shmget(2), shmop(2), shmctl(2), msgget(2), msgop(2), ftok(3),
 * sigaction(2), sigprocmask(2), sigsuspend(2), fork(2), execve(2),
 * waitpid(2), mkstemp(3), rename(2), madvise(2).
 */
#define _GNU_SOURCE                     /* IPC_INFO and struct shminfo (Linux) */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filecopy.h"

static volatile sig_atomic_t reader_ended;      /* SIGCHLD came */
static volatile sig_atomic_t stop_signal;       /* SIGINT, SIGTERM or SIGHUP came */

/* Only sets a flag; SIGUSR1 needs a handler too, or it would kill us. */
static void on_signal(int sig)
{
    if (sig == SIGCHLD)
        reader_ended = 1;
    else if (sig != SIGUSR1)
        stop_signal = sig;
}

static void warn(const char *what, const char *name)
{
    fprintf(stderr, "shm_copy: %s%s%s: %s\n", what, name ? " " : "", name ? name : "",
            strerror(errno));
}

static void die(const char *what, const char *name)
{
    warn(what, name);
    exit(1);
}

/* The largest segment the system allows (SHMMAX), from shmctl(IPC_INFO). */
static size_t largest_segment(void)
{
    struct shminfo info;

    if (shmctl(0, IPC_INFO, (struct shmid_ds *)(void *)&info) == -1)
        die("shmctl IPC_INFO", NULL);
    return info.shmmax;
}

/* The largest CHUNK -b takes: CHUNK_MAX, or SHMMAX / 2 if that is less (the
 * ring has two slots or more). */
static size_t chunk_limit(void)
{
    size_t half = largest_segment() / 2;

    return half < CHUNK_MAX ? half : CHUNK_MAX;
}

static void usage(void)
{
    fprintf(stderr, "usage: shm_copy [-b CHUNK] SRC DST\n"
            "       CHUNK: bytes per chunk, 1 to %zu (default %d)\n",
            chunk_limit(), CHUNK_DEFAULT);
    exit(2);
}

/* CHUNK from -b: digits only, 1 to chunk_limit(). */
static size_t parse_chunk(const char *arg)
{
    char *end;

    if (arg[0] < '0' || arg[0] > '9')
        usage();
    errno = 0;
    unsigned long long chunk = strtoull(arg, &end, 10);
    if (*end != '\0' || errno == ERANGE || chunk == 0 || chunk > chunk_limit())
        usage();
    return (size_t)chunk;
}

/*
 * The chunk for a file of size bytes: no longer than the file, so that
 * memory follows the file, not -b (a 5 KB file with -b 67108864 takes a few
 * KB of segment, not 128 MiB). At least a page, so that a file that grows
 * while it is copied, or whose size stat() does not know (/proc's), still
 * moves in chunks of a page.
 */
static size_t fit_chunk(size_t chunk, off_t size)
{
    long page = sysconf(_SC_PAGESIZE);
    if (page < 1)
        page = 4096;
    uintmax_t most = size > page ? (uintmax_t)size : (uintmax_t)page;

    return chunk < most ? chunk : (size_t)most;
}

/*
 * How many chunks the ring holds: RING_BYTES' worth, within SHMMAX and no
 * more than the file of size bytes fills, an even number from 2 to
 * MAX_SLOTS. Even, because the writer sends the lengths in batches of half
 * the ring: it fills one half while the reader empties the other.
 */
static size_t ring_slots(size_t chunk, off_t size)
{
    size_t slots = RING_BYTES / chunk, most = largest_segment() / chunk;
    uintmax_t filled = ((uintmax_t)size + chunk - 1) / chunk;

    if (slots > most)
        slots = most;
    if (slots > filled)
        slots = (size_t)filled;
    slots -= slots % 2;
    if (slots < 2)
        slots = 2;
    if (slots > MAX_SLOTS)
        slots = MAX_SLOTS;
    return slots;
}

/* Puts the path of shm_copy_reader, in this executable's folder, into path. */
static void partner_path(char *path, size_t size)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);

    if (len == -1)
        die("readlink", "/proc/self/exe");
    exe[len] = '\0';
    if (snprintf(path, size, "%s/shm_copy_reader", dirname(exe)) >= (int)size) {
        fprintf(stderr, "shm_copy: path of shm_copy_reader too long\n");
        exit(1);
    }
}

/* Opens SRC, which must be a regular file, before anything is created. */
static int open_source(const char *src, struct stat *st)
{
    int fd = open(src, O_RDONLY | O_CLOEXEC);   /* not inherited by the reader */

    if (fd == -1)
        die("open", src);
    if (fstat(fd, st) == -1)
        die("stat", src);
    if (!S_ISREG(st->st_mode)) {
        fprintf(stderr, "shm_copy: %s: not a regular file\n", src);
        exit(1);
    }
    return fd;
}

/*
 * Refuses a DST that is SRC under another name (the same device and inode:
 * a symbolic or hard link) or that exists and is not a regular file (a
 * directory, FIFO or device). Returns the permissions for the copy: those
 * of the DST it replaces, else SRC's less the umask, as cp does.
 */
static mode_t check_destination(const char *src, const char *dst, const struct stat *src_st)
{
    struct stat st;

    if (stat(dst, &st) == -1) {
        if (errno != ENOENT)
            die("stat", dst);
        mode_t mask = umask(0);
        umask(mask);
        return src_st->st_mode & 0777 & ~mask;
    }
    if (st.st_dev == src_st->st_dev && st.st_ino == src_st->st_ino) {
        fprintf(stderr, "shm_copy: %s and %s are the same file\n", src, dst);
        exit(1);
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "shm_copy: %s: exists and is not a regular file\n", dst);
        exit(1);
    }
    return st.st_mode & 0777;
}

/*
 * Creates the empty file that the reader fills, .NAME.XXXXXX beside DST
 * (mkstemp picks a name no other file has). Renaming it to DST at the end
 * replaces DST in one step: DST is never seen half written, and a failed
 * copy leaves an old DST as it was.
 */
static void make_temporary(const char *dst, mode_t mode, char *tmp, size_t size)
{
    char dir[PATH_MAX], base[PATH_MAX];

    if (snprintf(dir, sizeof dir, "%s", dst) >= (int)sizeof dir ||
        snprintf(base, sizeof base, "%s", dst) >= (int)sizeof base ||
        snprintf(tmp, size, "%s/.%s.XXXXXX", dirname(dir), basename(base)) >= (int)size) {
        fprintf(stderr, "shm_copy: %s: name too long\n", dst);
        exit(1);
    }
    int fd = mkstemp(tmp);
    if (fd == -1)
        die("create", tmp);
    if (fchmod(fd, mode) == -1 || close(fd) == -1) {
        warn("set up", tmp);
        if (unlink(tmp) == -1)
            warn("unlink", tmp);
        exit(1);
    }
}

/*
 * Maps all the ring's pages into this process now, in one call, instead of
 * one page fault at a time as the copy first touches them. A fault costs
 * about a microsecond on bare metal but some 30 in some virtual machines,
 * and a 3 MiB ring has 768 pages. MADV_POPULATE_WRITE is Linux 5.14 and
 * later; on an older kernel (EINVAL) the faults simply happen as before.
 * Only a speed-up: a failure is reported and the copy goes on.
 */
static void map_ring_now(char *ring, size_t size)
{
#ifdef MADV_POPULATE_WRITE
    if (madvise(ring, size, MADV_POPULATE_WRITE) == -1 && errno != EINVAL)
        warn("madvise", NULL);
#else
    (void)ring;
    (void)size;
#endif
}

/* Catches the signals the writer waits for; a handler only sets a flag. */
static int catch_signals(void)
{
    const int signals[] = { SIGUSR1, SIGCHLD, SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        sa.sa_flags = SA_RESTART | (signals[i] == SIGCHLD ? SA_NOCLDSTOP : 0);
        if (sigaction(signals[i], &sa, NULL) == -1) {
            warn("sigaction", NULL);
            return -1;
        }
    }
    return 0;
}

/* Forks; the child execs the reader with the segment id and the file to fill. */
static pid_t start_reader(const char *reader, int shmid, const char *tmp)
{
    char id[16];

    snprintf(id, sizeof id, "%d", shmid);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == -1) {
        warn("fork", NULL);
        return -1;
    }
    if (pid == 0) {
        execl(reader, "shm_copy_reader", id, tmp, (char *)NULL);
        fprintf(stderr, "shm_copy: exec %s: %s\n", reader, strerror(errno));
        _exit(127);
    }
    return pid;
}

/*
 * Sleeps until the reader reports emptied slots (a FREE_MSG, then SIGUSR1)
 * and returns how many; returns 0 if the reader ended or a stop signal came.
 * Block, check, sigsuspend(): a SIGUSR1 sent after the check stays pending
 * and ends sigsuspend() at once. (The original's kill() then pause() lost it.)
 */
static size_t wait_for_reader(int msqid, size_t slots)
{
    sigset_t wake, old;
    struct length_msg msg;
    size_t freed = 0;

    sigemptyset(&wake);
    sigaddset(&wake, SIGUSR1);
    sigaddset(&wake, SIGCHLD);
    sigaddset(&wake, SIGINT);
    sigaddset(&wake, SIGTERM);
    sigaddset(&wake, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &wake, &old) == -1) {
        warn("sigprocmask", NULL);
        return 0;
    }
    while (!reader_ended && !stop_signal) {
        if (msgrcv(msqid, &msg, LENGTH_MSG_SIZE(0), FREE_MSG, IPC_NOWAIT) != -1) {
            if (msg.count == 0 || msg.count > slots)
                fprintf(stderr, "shm_copy: bad message from the reader: %zu slots free\n",
                        msg.count);
            else
                freed = msg.count;
            break;
        }
        if (errno != ENOMSG) {
            warn("msgrcv", NULL);
            break;
        }
        sigsuspend(&old);               /* returns once a handler has run */
    }
    if (sigprocmask(SIG_SETMASK, &old, NULL) == -1) {
        warn("sigprocmask", NULL);
        return 0;
    }
    return freed;
}

#ifdef SOLUTION
/* Sends a batch of chunks (where each is and how long), and empties it. */
static int send_batch(int msqid, struct length_msg *msg)
{
    while (msgsnd(msqid, msg, LENGTH_MSG_SIZE(msg->count), 0) == -1) {
        if (errno != EINTR || reader_ended || stop_signal) {
            warn("msgsnd", NULL);
            return -1;
        }
    }
    msg->count = 0;
    return 0;
}

/*
 * Reads SRC into the ring, chunk i into slot i % slots, and sends where each
 * chunk is and its length; the last length is 0. The lengths go in batches
 * of half the ring, so that the reader, asleep in msgrcv(), is woken once a
 * batch rather than once a chunk. The ring is full exactly when a batch has
 * just gone; then the writer waits until the reader gives slots back.
 * Returns the bytes sent, or -1.
 */
static off_t send_file(int src_fd, const char *src, char *ring, size_t chunk, size_t slots,
                       int msqid)
{
    struct length_msg msg = { .mtype = LENGTH_MSG, .count = 0 };
    size_t batch = (slots + 1) / 2, free_slots = slots, slot = 0;
    off_t total = 0;
    ssize_t n;

    do {
        if (free_slots == 0)
            free_slots = wait_for_reader(msqid, slots);
        if (free_slots == 0 || reader_ended || stop_signal)
            return -1;
        /* One read() per chunk: a short one makes a shorter chunk, since
         * the length travels with it. No strcpy(): the data may hold NULs. */
        do
            n = read(src_fd, ring + slot * chunk, chunk);
        while (n == -1 && errno == EINTR);
        if (n == -1) {
            warn("read", src);
            return -1;
        }
        msg.chunk[msg.count].offset = slot * chunk;
        msg.chunk[msg.count].len = (size_t)n;
        msg.count++;
        total += n;
        slot = (slot + 1) % slots;
        free_slots--;
        if ((msg.count == batch || n == 0) && send_batch(msqid, &msg) == -1)
            return -1;
    } while (n > 0);
    return total;
}
#else
/*
 * TODO: send_file(): read SRC into the ring, chunk i (one read() of at most
 * chunk bytes) into slot i % slots, and send where each chunk is and its
 * length in a LENGTH_MSG (struct length_msg, filecopy.h), in batches of half
 * the ring; the last chunk has length 0. When every slot is in use,
 * wait_for_reader() (above) sleeps until the reader gives slots back. Give
 * up (return -1)
 * when the reader has ended (reader_ended) or a stop signal came. Returns the
 * bytes sent, or -1.
 * Checked by: make test LAB=06 T='copies a file|files of|arrive|truncated|20 copies'
 */
static off_t send_file(int src_fd, const char *src, char *ring, size_t chunk, size_t slots,
                       int msqid)
{
    (void)src_fd, (void)src, (void)ring, (void)chunk, (void)slots, (void)msqid;
    fprintf(stderr, "shm_copy: send_file: not written yet (TODO in shm_copy.c)\n");
    return -1;
}
#endif

/*
 * Collects the reader. After the whole file was sent, waits until it exits
 * (it does at the end marker); if the copy failed or a stop signal came,
 * stops it first. Returns 0 only if it wrote the whole file and exited 0.
 */
static int collect_reader(pid_t reader, int msqid, size_t slots, int sent_all)
{
    int status;

    if (sent_all)
        while (wait_for_reader(msqid, slots) > 0)
            ;                           /* emptied slots: no longer needed */
    int ended_alone = reader_ended;
    if (!ended_alone && kill(reader, SIGTERM) == -1)
        warn("kill", "shm_copy_reader");
    while (waitpid(reader, &status, 0) == -1) {
        if (errno != EINTR) {
            warn("waitpid", NULL);
            return -1;
        }
    }
    if (!ended_alone)
        return -1;                      /* we stopped it: the copy failed */
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "shm_copy: shm_copy_reader was killed by signal %d (%s)\n",
                WTERMSIG(status), strsignal(WTERMSIG(status)));
        return -1;
    }
    if (WEXITSTATUS(status) != 0) {
        fprintf(stderr, "shm_copy: shm_copy_reader failed (exit status %d)\n",
                WEXITSTATUS(status));
        return -1;
    }
    if (!sent_all) {
        fprintf(stderr, "shm_copy: shm_copy_reader ended before the end of the file\n");
        return -1;
    }
    return 0;
}

/* Checks that the file the reader wrote holds every byte that was sent. */
static int check_size(const char *tmp, off_t total)
{
    struct stat st;

    if (stat(tmp, &st) == -1) {
        warn("stat", tmp);
        return -1;
    }
    if (st.st_size != total) {
        fprintf(stderr, "shm_copy: %s holds %jd bytes, not %jd\n", tmp,
                (intmax_t)st.st_size, (intmax_t)total);
        return -1;
    }
    return 0;
}

/* The owner of object id from /proc/sysvipc/FILE (column 8 of msg and
 * shm), readable by all: for an object whose IPC_STAT we may not read. */
static long owner_from_proc(const char *file, int id)
{
    FILE *f = fopen(file, "r");
    char line[512];
    long owner = -1, uid;
    int object;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "%*s %d %*s %*s %*s %*s %*s %ld", &object, &uid) == 2 && object == id)
            owner = uid;
    fclose(f);
    return owner;
}

/* Ours alone: owner and creator are us, mode 0600. Anything else may be
 * another user's trap (rule 13), so it is refused, never used. */
static int is_own(const struct ipc_perm *perm)
{
    uid_t me = geteuid();

    return perm->uid == me && perm->cuid == me && (perm->mode & 0777) == OWNER_ONLY;
}

/* Says whose the object is and what to do. perm is NULL if IPC_STAT was
 * refused to us: then it is not ours, and /proc/sysvipc names the owner. */
static void refuse_foreign(const char *kind, char ipcrm_option, key_t key, int id,
                           const struct ipc_perm *perm, const char *proc_file)
{
    long owner = perm != NULL ? (long)perm->uid : owner_from_proc(proc_file, id);

    fprintf(stderr, "shm_copy: the %s at this folder's key 0x%08x (id %d) belongs to uid %ld%s",
            kind, (unsigned)key, id, owner, owner == (long)geteuid() ? " (you)" : "");
    if (perm == NULL)
        fprintf(stderr, ", and you may not even read it");
    else if (perm->cuid != perm->uid)
        fprintf(stderr, ", made by uid %ld", (long)perm->cuid);
    else
        fprintf(stderr, ", mode %04o", (unsigned)(perm->mode & 0777));
    fprintf(stderr, ": shm_copy uses only its own objects, mode %04o, so it used nothing.\n"
            "shm_copy: only uid %ld or root can remove it (ipcrm -%c %d); or copy in another "
            "folder (keys come from the folder: ftok)\n",
            OWNER_ONLY, owner, ipcrm_option, id);
}

/*
 * A key was taken (EEXIST): says by what, and what to do. It only looks
 * (IPC_STAT), touching nothing: the object may be another user's, another
 * shm_copy's at work, or one that a killed shm_copy left (rule 14).
 */
static void explain_taken(key_t queue_key, key_t segment_key)
{
    struct msqid_ds q;
    struct shmid_ds m;
    int qid = msgget(queue_key, 0), mid = shmget(segment_key, 0, 0);
    int q_read = qid != -1 && msgctl(qid, IPC_STAT, &q) == 0;
    int m_read = mid != -1 && shmctl(mid, IPC_STAT, &m) == 0;

    if (qid != -1 && !(q_read && is_own(&q.msg_perm)))
        refuse_foreign("message queue", 'q', queue_key, qid, q_read ? &q.msg_perm : NULL,
                       "/proc/sysvipc/msg");
    else if (mid != -1 && !(m_read && is_own(&m.shm_perm)))
        refuse_foreign("shared memory segment", 'm', segment_key, mid,
                       m_read ? &m.shm_perm : NULL, "/proc/sysvipc/shm");
    else if (mid != -1 && m.shm_nattch > 0)
        fprintf(stderr, "shm_copy: another shm_copy (PID %d) is copying in this folder: "
                "wait until it ends, or copy in another folder\n", (int)m.shm_cpid);
    else if (qid != -1 || mid != -1) {
        /* Ours and unused: left by a shm_copy killed before it could clean up. */
        fprintf(stderr, "shm_copy: a shm_copy that did not finish (killed?) left in this folder:%s%s\n"
                "shm_copy: if no shm_copy is running here, remove %s with:\n    ipcrm",
                qid != -1 ? " its message queue" : "",
                mid != -1 ? (qid != -1 ? " and its segment" : " its segment") : "",
                qid != -1 && mid != -1 ? "them" : "it");
        if (qid != -1)
            fprintf(stderr, " -q %d", qid);
        if (mid != -1)
            fprintf(stderr, " -m %d", mid);
        fprintf(stderr, "\nshm_copy: (its partial copy, .DST.XXXXXX beside its DST, may be left too)\n");
    } else
        fprintf(stderr, "shm_copy: this folder's keys were taken, and are free again: "
                "run shm_copy again\n");
}

int main(int argc, char *argv[])
{
    size_t chunk = CHUNK_DEFAULT;
    int opt;

    while ((opt = getopt(argc, argv, "b:")) != -1) {
        if (opt != 'b')
            usage();
        chunk = parse_chunk(optarg);
    }
    if (argc - optind != 2)
        usage();
    const char *src = argv[optind], *dst = argv[optind + 1];

    char reader_path[PATH_MAX], tmp[PATH_MAX];
    struct stat src_st;
    size_t slots;
    int ok = 0, key_taken = 0, msqid, shmid;
    char *ring;
    pid_t reader;
    off_t total = -1;

    /* Everything that can be refused is checked before anything is made. */
    partner_path(reader_path, sizeof reader_path);
    int src_fd = open_source(src, &src_st);
    mode_t mode = check_destination(src, dst, &src_st);
    chunk = fit_chunk(chunk, src_st.st_size);
    slots = ring_slots(chunk, src_st.st_size);
    /* From here on, a stop signal only sets a flag: everything made below
     * is removed before the program dies of it. */
    if (catch_signals() == -1)
        return 1;
    make_temporary(dst, mode, tmp, sizeof tmp);

    key_t queue_key = ftok(".", LENGTH_QUEUE_PROJ_ID);
    key_t segment_key = ftok(".", SEGMENT_PROJ_ID);
    if (queue_key == -1 || segment_key == -1) {
        warn("ftok", ".");
        goto remove_temporary;
    }
    /* IPC_EXCL: an object already at a key (a second shm_copy's, a killed
     * one's, another user's) is never used; explain_taken() says whose. */
    msqid = msgget(queue_key, IPC_CREAT | IPC_EXCL | OWNER_ONLY);
    if (msqid == -1) {
        key_taken = errno == EEXIST;
        if (!key_taken)
            warn("msgget", NULL);
        goto remove_temporary;
    }
    shmid = shmget(segment_key, slots * chunk, IPC_CREAT | IPC_EXCL | OWNER_ONLY);
    if (shmid == -1) {
        key_taken = errno == EEXIST;
        if (!key_taken)
            warn("shmget", NULL);
        goto remove_queue;
    }
    ring = shmat(shmid, NULL, 0);
    if (ring == (void *)-1) {
        warn("shmat", NULL);
        goto remove_segment;
    }
    map_ring_now(ring, slots * chunk);

    printf("my(write) pid is %d\n", (int)getpid());
    reader = start_reader(reader_path, shmid, tmp);
    if (reader == -1)
        goto detach;
    printf("my child pid is %d\n", (int)reader);
    fflush(stdout);                     /* before the reader can print */

    total = send_file(src_fd, src, ring, chunk, slots, msqid);
    if (collect_reader(reader, msqid, slots, total != -1) == 0 && check_size(tmp, total) == 0)
        ok = 1;

detach:
    if (shmdt(ring) == -1) {
        warn("shmdt", NULL);
        ok = 0;
    }
remove_segment:
    if (shmctl(shmid, IPC_RMID, NULL) == -1) {
        warn("shmctl IPC_RMID", NULL);
        ok = 0;
    }
remove_queue:
    if (msgctl(msqid, IPC_RMID, NULL) == -1) {
        warn("msgctl IPC_RMID", NULL);
        ok = 0;
    }
remove_temporary:
    if (stop_signal)
        ok = 0;                         /* interrupted: no DST, even if complete */
    if (ok && rename(tmp, dst) == -1) {
        warn("rename to", dst);
        ok = 0;
    }
    if (!ok && unlink(tmp) == -1)
        warn("unlink", tmp);
    if (close(src_fd) == -1)
        warn("close", src);
    if (key_taken)
        explain_taken(queue_key, segment_key);     /* once our own queue is gone */

    if (stop_signal) {                  /* cleaned up: now die of it, as the shell expects */
        signal(stop_signal, SIG_DFL);
        raise(stop_signal);
    }
    if (!ok)
        return 1;
    printf("copied %jd bytes\n", (intmax_t)total);
    return 0;
}
