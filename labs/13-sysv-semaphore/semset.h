/*
 * semset.h - lab 13's System V semaphore set of two, for sync.c (which
 * implements common/xfer.h with it) and semdemo.c (which replays its
 * traps).  The helpers are defined at the end of sync.c.
 */
#ifndef SEMSET_H
#define SEMSET_H

#include <stdbool.h>
#include <sys/sem.h>

/* How long a late-comer waits for the creator to initialise the set: the
 * creator needs two system calls, so anything near this means it stopped. */
#define INIT_WAIT_MS 2000

/* The two semaphores of the set, numbered as in the seed. */
enum { CAN_READ = 0, CAN_WRITE = 1, NSEMS = 2 };

/*
 * semctl(2): "the calling program must define this union".  glibc does
 * not (it defines _SEM_SEMUN_UNDEFINED): a header that did would clash
 * with every program that defines its own, as POSIX tells it to.  The
 * fourth argument of the variadic semctl() is passed as this union.
 */
union semun {
	int val;	       /* SETVAL */
	struct semid_ds *buf;  /* IPC_STAT, IPC_SET */
	unsigned short *array; /* GETALL, SETALL */
};

/* semget(KEY, 2, IPC_CREAT|IPC_EXCL|0600): the id, or -1 with EEXIST. */
int semset_create(key_t key);
/* SETALL: both values at once.  It does NOT set sem_otime. */
void semset_setall(int semid, unsigned short can_read,
		   unsigned short can_write);
/* The creator's first semop, V(CAN_WRITE): now sem_otime != 0. */
void semset_publish(int semid);
/* Has the creator of the set finished initialising it? */
bool semset_initialised(int semid);
/* GETVAL of one semaphore. */
int semset_getval(int semid, int semnum);

#endif
