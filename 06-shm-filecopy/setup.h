/*
 * setup.h -- shm_copy's set-up and checks around the copy (setup.c). Each
 * says on stderr what went wrong; those that return nothing, and
 * parse_chunk(), open_source() and check_destination(), exit instead
 * (1, or 2 for wrong usage).
 */
#ifndef SETUP_H
#define SETUP_H

#include <stddef.h>
#include <sys/ipc.h>
#include <sys/stat.h>
#include <sys/types.h>

/* SHMMAX; the usage message (exit 2); CHUNK from -b, 1 to chunk_limit(). */
size_t shmmax(void);
void usage(void);
size_t parse_chunk(const char *arg);

/* shm_copy_reader, in this executable's folder (/proc/self/exe), into path. */
void partner_path(char *path, size_t size);

/* Opens SRC, which must be a regular file; fills *st. */
int open_source(const char *src, struct stat *st);

/* Refuses a DST that is SRC under another name or is not a regular file;
 * returns the mode for the copy (DST's, else SRC's less the umask). */
mode_t check_destination(const char *src, const char *dst, const struct stat *src_st);

/* Creates the empty file .DST.XXXXXX beside DST, mode mode; its name in tmp. */
void make_temporary(const char *dst, mode_t mode, char *tmp, size_t size);

/* Stops the reader unless it ended by itself, and reaps it: 0 if it ended
 * by itself, exited 0, and the whole file was sent (sent_all), else -1. */
int collect_reader(pid_t reader, int ended_alone, int sent_all);

/* 0 if the file tmp holds total bytes, else -1. */
int check_size(const char *tmp, off_t total);

/* A key was taken (EEXIST): says by what (another user, another shm_copy
 * at work, a killed one's leftovers with the ipcrm line), touching nothing. */
void explain_taken(key_t queue_key, key_t segment_key);

#endif
