/*
 * squat -- what a hostile second user does in the multi-user tests: create a
 * lab's System V object first, at the key the lab's programs will compute.
 *
 * Usage:  squat q|m|s PROJ_ID [MODE [SIZE_OR_NSEMS]]
 *
 * Creates, in the current folder's key ftok(".", PROJ_ID), a message queue
 * (q), a shared memory segment of SIZE bytes (m, default 4096) or a set of
 * NSEMS semaphores (s, default 1), with MODE (octal, default 0666), and
 * prints its id. PROJ_ID is a number or one character ('A').
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

int main(int argc, char *argv[])
{
    if (argc < 3 || argc > 5 || strlen(argv[1]) != 1) {
        fprintf(stderr, "usage: squat q|m|s PROJ_ID [MODE [SIZE_OR_NSEMS]]\n");
        return 2;
    }
    int proj = strlen(argv[2]) == 1 && (argv[2][0] < '0' || argv[2][0] > '9')
                   ? argv[2][0] : (int)strtol(argv[2], NULL, 0);
    int mode = argc > 3 ? (int)strtol(argv[3], NULL, 8) : 0666;
    long size = argc > 4 ? strtol(argv[4], NULL, 0) : 0;

    key_t key = ftok(".", proj);
    if (key == -1) {
        perror("squat: ftok");
        return 1;
    }
    int id;
    switch (argv[1][0]) {
    case 'q': id = msgget(key, IPC_CREAT | IPC_EXCL | mode); break;
    case 'm': id = shmget(key, size > 0 ? (size_t)size : 4096, IPC_CREAT | IPC_EXCL | mode); break;
    case 's': id = semget(key, size > 0 ? (int)size : 1, IPC_CREAT | IPC_EXCL | mode); break;
    default:
        fprintf(stderr, "squat: kind is q, m or s\n");
        return 2;
    }
    if (id == -1) {
        fprintf(stderr, "squat: creating key 0x%08x: %s\n", (unsigned)key, strerror(errno));
        return 1;
    }
    printf("%d\n", id);
    return 0;
}
