/*
 * sysvxfer.h - what lab 13's writer, reader and semdemo share: the layout
 * of the System V shared memory segment, the two semaphores of the set,
 * our own `union semun`, and the functions of sysvxfer.c.
 *
 * Read writer.c first (it tells the whole story), then sysvxfer.c.
 */
#ifndef SYSVXFER_H
#define SYSVXFER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/types.h>

/* Payload bytes in one chunk: the same in labs 11-14 (`writer --chunk-size`
 * prints it). */
#define CHUNK_SIZE 4096

/*
 * The set holds two counting semaphores, numbered as in the seed:
 *   0  CAN_READ   "a chunk is waiting for the reader"   starts at 0
 *   1  CAN_WRITE  "the buffer is free for the writer"   starts at 1
 * Their sum is always 1 between operations: exactly one side owns the
 * buffer.  That is a hand-off, not a lock: the writer's P(CAN_WRITE) is
 * undone by the READER's V(CAN_WRITE), never by the writer itself.
 */
enum { SEM_CAN_READ = 0, SEM_CAN_WRITE = 1, NSEMS = 2 };

/*
 * semctl(2): "the calling program must define this union as follows".
 * POSIX leaves it to the application, so glibc does not define it (its
 * <bits/sem.h> notes that old versions did, "but this is incorrect", and
 * defines _SEM_SEMUN_UNDEFINED instead); a header that did would clash
 * with every program that follows the standard and defines its own.
 * semctl() is variadic: the fourth argument is passed as this union, by
 * value - a bare int or pointer only works by accident of the ABI.
 */
union semun {
	int val;	       /* SETVAL */
	struct semid_ds *buf;  /* IPC_STAT, IPC_SET */
	unsigned short *array; /* GETALL, SETALL */
	struct seminfo *__buf; /* IPC_INFO, SEM_INFO (Linux-specific) */
};

enum role { WRITER = 0, READER = 1 };

/* The System V shared memory segment (shmget(2) rounds it up to pages). */
struct shared {
	/* Each side stores its pid here so the other can ask kill(pid, 0)
	 * whether it is still alive.  0 = that side has not arrived yet.
	 * Atomic: the peer reads it while we write it, with no semaphore
	 * operation in between. */
	_Atomic pid_t pid[2];
	/* The chunk: protected by the semaphores, so plain memory.  semop(2)
	 * is a system call that takes the set's lock: everything written
	 * before V() is visible after the matching P(). */
	uint32_t len; /* 0 = end of data */
	unsigned char data[CHUNK_SIZE];
};

/* One side's view of the transfer. */
struct xfer {
	enum role role;
	bool verbose;
	bool creator; /* we created (and initialised) the objects */
	key_t semkey, shmkey;
	int semid, shmid;
	int cl_sem, cl_shm; /* cleanup registry handles (-1 = none) */
	struct shared *sh;
};

/* ---- the semaphore set (also used by semdemo) ------------------------ */

/* semget(KEY, NSEMS, IPC_CREAT | IPC_EXCL | 0600): the set's id, or -1
 * with errno EEXIST when somebody else created it first. */
int semset_create(key_t key);
/* semctl(SETALL) through union semun.  Note: it does NOT set sem_otime. */
void semset_setall(int semid, unsigned short can_read,
		   unsigned short can_write);
/* The creator's first semop(2): V(CAN_WRITE) - "the buffer is free" - and,
 * as a side effect, sem_otime != 0: "the set is initialised". */
void semset_publish(int semid);
/* The late-comer's side of the init race (Stevens): wait, bounded, until
 * sem_otime != 0.  FIRST_WAIT(ARG) runs once if it has to wait at all.
 * Returns false if the creator never finished within INIT_WAIT_MS. */
bool semset_wait_initialised(int semid, void (*first_wait)(void *), void *arg);
#define INIT_WAIT_MS 3000
/* IPC_STAT's sem_otime (0 = no semop(2) yet). */
time_t semset_otime(int semid);
/* GETVAL of one semaphore. */
int semset_getval(int semid, int semnum);

/* ---- the transfer ----------------------------------------------------- */

/* Create-or-join the objects of this transfer (keys from ipc_key()),
 * claim our pid slot.  STOP_IN_INIT (writer --stop-in-init): a creator
 * stops itself with SIGSTOP between SETALL and the publishing semop. */
void xfer_open(struct xfer *x, enum role role, bool verbose, bool stop_in_init);
/* P(SEMNUM), checking every second that the peer is alive. */
void xfer_wait(struct xfer *x, int semnum);
/* V(SEMNUM). */
void xfer_post(struct xfer *x, int semnum);
/* Exit 1 ("peer ... died") if the peer has arrived and is gone. */
void xfer_check_peer(struct xfer *x);
/* End of a successful transfer: REMOVE the objects (the writer, last to
 * use them) or just hand them over (the reader); detach either way. */
void xfer_close(struct xfer *x, bool remove);
/* Diagnostics, only with -v. */
void note(const struct xfer *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
