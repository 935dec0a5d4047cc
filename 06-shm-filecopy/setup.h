/*
 * setup.h -- the set-up and checks around the copy, for both programs
 * (setup.c). Each says on stderr what went wrong; those marked "exits"
 * exit then (1, or 2 for wrong usage) instead of returning.
 */
#ifndef SETUP_H
#define SETUP_H

#include <signal.h>
#include <stddef.h>
#include <sys/ipc.h>
#include <sys/stat.h>
#include <sys/types.h>

/* "PROGRAM: WHAT NAME: the error" on stderr (errno); die() then exits 1. */
void warn(const char *what, const char *name);
void die(const char *what, const char *name);

/* The writer's signals. catch_signals() installs one handler for SIGUSR1
 * (the reader's wake-up), SIGCHLD (its death: reader_ended) and SIGINT,
 * SIGTERM, SIGHUP (a stop: stop_signal); it only sets the flag. wake_signals()
 * fills set with those five, for sigprocmask(). */
extern volatile sig_atomic_t reader_ended, stop_signal;
int catch_signals(void);
void wake_signals(sigset_t *set);

/* SHMMAX; the usage message (exit 2); CHUNK from -b, 1 to chunk_limit()
 * (exits). */
size_t shmmax(void);
void usage(void);
size_t parse_chunk(const char *arg);

/* shm_copy_reader, in this executable's folder (/proc/self/exe), into
 * path. Exits. */
void partner_path(char *path, size_t size);

/* Opens SRC, which must be a regular file; fills *st. Exits. */
int open_source(const char *src, struct stat *st);

/* Refuses a DST that is SRC under another name or is not a regular file;
 * returns the mode for the copy (DST's, else SRC's less the umask). Exits. */
mode_t check_destination(const char *src, const char *dst, const struct stat *src_st);

/* Creates the empty file .DST.XXXXXX beside DST, mode mode; its name in
 * tmp (exits). finish_temporary() renames it to DST if ok, else removes it; returns
 * ok, or 0 if the rename failed. */
void make_temporary(const char *dst, mode_t mode, char *tmp, size_t size);
int finish_temporary(const char *tmp, const char *dst, int ok);

/* Starts reader (fork, exec) with the segment id and the file tmp to
 * fill: its PID, or -1. */
pid_t start_reader(const char *reader, int shmid, const char *tmp);

/* Stops the reader unless it ended by itself, and reaps it: 0 if it ended
 * by itself, exited 0, and the whole file was sent (sent_all), else -1. */
int collect_reader(pid_t reader, int ended_alone, int sent_all);

/* 0 if the file tmp holds total bytes, else -1. */
int check_size(const char *tmp, off_t total);

/* Detaches ring and removes the segment and the queue, those made (-1 and
 * NULL: not made). 0, or -1 if a call failed. */
int remove_objects(int msqid, int shmid, char *ring);

/* A key was taken (EEXIST): says by what (another user, another shm_copy
 * at work, a killed one's leftovers with the ipcrm line), touching nothing. */
void explain_taken(key_t queue_key, key_t segment_key);

/* The reader's checks, each exits: that shmid is a segment its parent made
 * (returns its size; *writer is the parent); that the queue at its key is
 * its owner's alone (rule 13); DST opened for writing, empty. */
size_t writer_segment(int shmid, pid_t *writer);
void check_queue(int msqid);
int open_destination(const char *dst);

#endif
