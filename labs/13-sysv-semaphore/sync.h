/*
 * sync.h - lab 13: the five calls writer.c and reader.c make, here done
 * with ONE System V semaphore set of two semaphores (sync.c), and the
 * set's helpers that semdemo.c uses too.  Labs 11, 12 and 14 have a
 * sync.h with the same five calls and another method behind them.
 */
#ifndef SYNC_H
#define SYNC_H

#include <err.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/sem.h>

/* Payload bytes of a chunk; the segment holds two pids and one chunk. */
#define CHUNK_SIZE 4096
/* The longest semtimedop(2) between two looks at the segment's attach
 * count (shm_nattch), which tells whether the peer still lives. */
#define SYNC_PERIOD_MS 250
/* How long a late-comer waits for the creator to initialise the set. */
#define INIT_WAIT_MS 5000

enum role { WRITER = 0, READER = 1 };

/* The two semaphores of the set, numbered as in the seed. */
enum { CAN_READ = 0, CAN_WRITE = 1, NSEMS = 2 };

/* The chunk, in the System V segment after the pids: its length
 * (0 = end of data) and its bytes. */
struct chunk {
	uint32_t len;
	unsigned char data[CHUNK_SIZE];
};

/* -v narrates on stderr: warnx(3), "writer: ...". */
extern bool sync_verbose;
#define note(...) (sync_verbose ? warnx(__VA_ARGS__) : (void)0)

/* semget(IPC_CREAT|IPC_EXCL) wins: create the set, SETALL, create the
 * segment, and publish with the first semop.  semget finds it: wait
 * until the creator is done (sem_otime), then attach.  STOP_IN_INIT: a
 * creator stops (SIGSTOP) between SETALL and its first semop. */
struct chunk *sync_join(enum role me, bool stop_in_init);
/* P(mine): semop -1 on CAN_WRITE (writer) or CAN_READ (reader), with a
 * timeout; exits 1 if the peer dies meanwhile. */
void sync_wait_turn(void);
/* V(theirs): semop +1 on the other semaphore of the set. */
void sync_pass_turn(void);
/* Exit 1 if the peer has joined and is gone (the segment's shm_nattch). */
void sync_check_peer(void);
/* shmdt(); the writer, the last user, removes set and segment (IPC_RMID). */
void sync_leave(void);

/* ---- the set, for semdemo.c too ---------------------------------------- */

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
