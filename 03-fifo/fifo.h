/*
 * fifo.h -- what fifo_create, fifo_producer and fifo_consumer agree on.
 *
 * A FIFO needs no key and no protocol: its path name, given on the command
 * line, is how unrelated processes find it. What they share is how it is made.
 */
#ifndef FIFO_H
#define FIFO_H

/* Only the owner may open the FIFO. The original example's 0777 let every
 * user on the machine read what we send, or write into it. */
#define FIFO_MODE 0600

/* Bytes moved by one read() or write(). Any size works; 64 KiB is the
 * capacity of a pipe on Linux. Override with make CPPFLAGS=-DCHUNK_SIZE=N. */
#ifndef CHUNK_SIZE
#define CHUNK_SIZE 65536
#endif

#endif
