/*
 * setup.c -- the set-up and checks around the copy, linked into both
 * programs (declared in setup.h). The lesson is in shm_copy.c and
 * shm_copy_reader.c; this is the robustness around it: the messages, the
 * writer's signal handler, -b CHUNK, the partner's path, SRC and DST, the
 * temporary file that becomes DST, how the reader ended, the size of the
 * copy, removing the objects, rules 13 and 14 (objects another user made,
 * objects a killed run left), and the reader's checks of what it is given.
 *
 * Read: sigaction(2), stat(2), mkstemp(3), rename(2), readlink(2),
 * waitpid(2), msgctl(2), shmctl(2).
 */
#define _GNU_SOURCE                     /* strsignal(); mkstemp(), fchmod() under -std=c17 */

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
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filecopy.h"
#include "ring.h"
#include "setup.h"

/* program_invocation_short_name: shm_copy or shm_copy_reader (GNU libc). */
void warn(const char *what, const char *name)
{
    fprintf(stderr, "%s: %s%s%s: %s\n", program_invocation_short_name, what, name ? " " : "",
            name ? name : "", strerror(errno));
}

void die(const char *what, const char *name)
{
    warn(what, name);
    exit(1);
}

volatile sig_atomic_t reader_ended;     /* SIGCHLD came */
volatile sig_atomic_t stop_signal;      /* SIGINT, SIGTERM or SIGHUP came */

static const int wake_list[] = { SIGUSR1, SIGCHLD, SIGINT, SIGTERM, SIGHUP };
#define WAKE_COUNT (sizeof wake_list / sizeof wake_list[0])

/* Only sets a flag; SIGUSR1 needs a handler too, or it would kill us. */
static void on_signal(int sig)
{
    if (sig == SIGCHLD)
        reader_ended = 1;
    else if (sig != SIGUSR1)
        stop_signal = sig;
}

int catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < WAKE_COUNT; i++) {
        sa.sa_flags = SA_RESTART | (wake_list[i] == SIGCHLD ? SA_NOCLDSTOP : 0);
        if (sigaction(wake_list[i], &sa, NULL) == -1) {
            warn("sigaction", NULL);
            return -1;
        }
    }
    return 0;
}

void wake_signals(sigset_t *set)
{
    sigemptyset(set);
    for (size_t i = 0; i < WAKE_COUNT; i++)
        sigaddset(set, wake_list[i]);
}

/* SHMMAX, which bounds CHUNK and the ring. */
size_t shmmax(void)
{
    size_t max = largest_segment();

    if (max == 0)
        die("shmctl IPC_INFO", NULL);
    return max;
}

void usage(void)
{
    fprintf(stderr, "usage: shm_copy [-b CHUNK] SRC DST\n"
            "       CHUNK: bytes per chunk, 1 to %zu (default %d)\n",
            chunk_limit(shmmax()), CHUNK_DEFAULT);
    exit(2);
}

/* CHUNK from -b: digits only, 1 to chunk_limit(). */
size_t parse_chunk(const char *arg)
{
    char *end;

    if (arg[0] < '0' || arg[0] > '9')
        usage();
    errno = 0;
    unsigned long long chunk = strtoull(arg, &end, 10);
    if (*end != '\0' || errno == ERANGE || chunk == 0 || chunk > chunk_limit(shmmax()))
        usage();
    return (size_t)chunk;
}

/* Puts the path of shm_copy_reader, in this executable's folder, into path. */
void partner_path(char *path, size_t size)
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
int open_source(const char *src, struct stat *st)
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
mode_t check_destination(const char *src, const char *dst, const struct stat *src_st)
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
void make_temporary(const char *dst, mode_t mode, char *tmp, size_t size)
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

/* The end of the copy: DST is replaced only by a complete copy. */
int finish_temporary(const char *tmp, const char *dst, int ok)
{
    if (ok && rename(tmp, dst) == -1) {
        warn("rename to", dst);
        ok = 0;
    }
    if (!ok && unlink(tmp) == -1)
        warn("unlink", tmp);
    return ok;
}

/* Forks; the child execs the reader with the segment id and the file to
 * fill. Its stdout is flushed first, so that the child does not print it again. */
pid_t start_reader(const char *reader, int shmid, const char *tmp)
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
 * Collects the reader: stops it first (SIGTERM) if it has not ended by
 * itself (the copy failed, or a stop signal came). Returns 0 only if it
 * ended by itself, exited 0, and the whole file was sent.
 */
int collect_reader(pid_t reader, int ended_alone, int sent_all)
{
    int status;

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
int check_size(const char *tmp, off_t total)
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

int remove_objects(int msqid, int shmid, char *ring)
{
    int status = 0;

    if (ring != NULL && shmdt(ring) == -1) {
        warn("shmdt", NULL);
        status = -1;
    }
    if (shmid != -1 && shmctl(shmid, IPC_RMID, NULL) == -1) {
        warn("shmctl IPC_RMID", NULL);
        status = -1;
    }
    if (msqid != -1 && msgctl(msqid, IPC_RMID, NULL) == -1) {
        warn("msgctl IPC_RMID", NULL);
        status = -1;
    }
    return status;
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

/* Ours alone (declared in filecopy.h: shm_copy_reader checks its queue so too). */
int is_own(const struct ipc_perm *perm)
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
void explain_taken(key_t queue_key, key_t segment_key)
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


/*
 * The reader's checks. shmid must be a segment our parent made (so it is
 * shm_copy's, and our SIGUSR1s go to shm_copy); returns its size and the
 * writer's PID.
 */
size_t writer_segment(int shmid, pid_t *writer)
{
    struct shmid_ds ds;

    if (shmctl(shmid, IPC_STAT, &ds) == -1) {
        if (errno == EINVAL || errno == EIDRM) {
            fprintf(stderr, "shm_copy_reader: no shared memory segment has id %d\n", shmid);
            exit(1);
        }
        die("shmctl IPC_STAT", NULL);
    }
    if (ds.shm_cpid != getppid()) {
        fprintf(stderr, "shm_copy_reader: segment %d was not made by my parent: "
                "run shm_copy instead\n", shmid);
        exit(1);
    }
    *writer = ds.shm_cpid;
    return ds.shm_segsz;
}

/* The queue at our key must be the one shm_copy made: ours alone, mode 0600
 * (rule 13). One another user made could read or forge the lengths. */
void check_queue(int msqid)
{
    struct msqid_ds ds;

    if (msgctl(msqid, IPC_STAT, &ds) == -1)
        die("msgctl IPC_STAT", NULL);
    if (!is_own(&ds.msg_perm)) {
        fprintf(stderr, "shm_copy_reader: the message queue %d at this folder's key belongs to "
                "uid %ld (made by uid %ld, mode %04o), not to shm_copy: not used; only that "
                "user or root can remove it, or copy in another folder\n", msqid,
                (long)ds.msg_perm.uid, (long)ds.msg_perm.cuid, (unsigned)(ds.msg_perm.mode & 0777));
        exit(1);
    }
}

/* Opens DST for writing, empty. O_NONBLOCK: a FIFO with no reader fails at
 * once instead of blocking, and is refused like any file that is not regular. */
int open_destination(const char *dst)
{
    struct stat st;
    int fd = open(dst, O_WRONLY | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0666);

    if (fd == -1)
        die("open", dst);
    if (fstat(fd, &st) == -1)
        die("stat", dst);
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "shm_copy_reader: %s: not a regular file\n", dst);
        exit(1);
    }
    /* Not "ab": a second run must not double the file. Only a file with
     * data is truncated: ext4 writes a file truncated to 0 out to disk as
     * soon as it is closed (auto_da_alloc), which costs time for nothing. */
    if (st.st_size > 0 && ftruncate(fd, 0) == -1)
        die("truncate", dst);
    return fd;
}
