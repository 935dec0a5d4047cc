/*
 * sem_buffer.h -- the set-up that sem_producer and sem_consumer share
 * (sem_buffer.c): creating or joining the bounded buffer, claiming a side,
 * p() and v() in ticks that watch for a stop signal and a dead partner, and
 * removing the objects. Each program calls start_side() first; the rest
 * then knows which side it is and names the program in its messages.
 */
#ifndef SEM_BUFFER_H
#define SEM_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdnoreturn.h>

#include "sem_lab.h"

#define TICK_MS 100                     /* the longest wait between two looks around */

/* Records which side we are and catches SIGINT and SIGTERM (no SA_RESTART:
 * a signal interrupts poll() and semtimedop() with EINTR). */
void start_side(enum role role);

/* Creates the semaphore set and the segment, or joins the ones the partner
 * created once it has initialised them, and attaches the segment. */
struct buffer *open_buffer(void);

/* Under SEM_MUTEX: becomes this buffer's side (refusing a second one), posts
 * our PID and file (file_name for messages), and sets our presence semaphore
 * with SEM_UNDO. Refuses, removing the objects, if the partner's file is ours. */
void claim_role(const struct file_id *file, const char *file_name);

/* p(): takes n from semaphore num, waiting in ticks; v(): adds 1. Both return
 * false if the set has been removed (see partner_quit). */
bool p(unsigned short num, short n);
bool v(unsigned short num);

/* Between two ticks of a wait: ends the run on a stop signal (check_stop),
 * or when a partner that had joined is gone (look_around). */
void check_stop(void);
void look_around(void);

/* The buffer was removed before the end: says by whom, exits 1. */
noreturn void partner_quit(void);

/* Removes both objects, by id (a partner waiting in semop() wakes with EIDRM). */
void remove_buffer(void);

/* Ends the run: marks our side FAILED and removes the objects (if we made or
 * joined them), exits with status. die() first says what failed (errno). */
noreturn void give_up(int status);
noreturn void die(const char *what);

/* One read() of at most size bytes (0 at the end of the input), and all of
 * len bytes written to fd (name: for messages), waiting in ticks with poll(). */
size_t read_some(int fd, unsigned char *data, size_t size);
void write_all(int fd, const char *name, const unsigned char *data, size_t len);

/* What a handout's stub calls: "PROGRAM: FUNCTION: not written yet (TODO in
 * FILE)" on stderr, then give_up(1). */
noreturn void not_written(const char *function, const char *file);

#endif
