/*
 * shmlabs.h - the one small header every lab uses.
 *
 * It does four jobs, and nothing else, so that the lab sources can stay
 * about shared memory:
 *
 *  1. Check system calls.  Every call goes through one of the CHK macros;
 *     on failure the program prints
 *         PROG: CALL(OBJECT): ENAME (strerror text)
 *     e.g. "file_mmap: open(/nope): ENOENT (No such file or directory)"
 *     and exits 1.  In a forked child the same macros end with _exit(1),
 *     so the child never flushes the parent's stdio buffers twice nor runs
 *     the parent's atexit() cleanup.
 *  2. Usage errors: usage_error() prints the usage to stderr and exits 2.
 *  3. Unique IPC names and keys, derived from $SHMLABS_PREFIX, so parallel
 *     runs (and every bats test) use their own objects.
 *  4. A cleanup registry: objects registered here are removed at exit()
 *     and on SIGINT/SIGTERM/SIGHUP, but only by the process that
 *     registered them (a child's exit must not delete the parent's objects).
 *
 * Build every lab with -D_GNU_SOURCE (the Makefile does) and link
 * common/shmlabs.c.
 */
#ifndef SHMLABS_H
#define SHMLABS_H

#include <errno.h>
#include <semaphore.h>
#include <stdnoreturn.h>
#include <sys/mman.h>
#include <sys/types.h>

extern const char *lab_prog; /* basename of argv[0] */

/* Call first in main(): names the program, makes stdout line-buffered
 * (so a pipe does not duplicate unflushed output across fork()), and
 * installs the cleanup handlers for SIGINT, SIGTERM and SIGHUP. */
void lab_init(int argc, char **argv);

/* noreturn is spelled out as the attribute too, for cppcheck, which does not
 * read <stdnoreturn.h>. */
#define LAB_NORETURN noreturn __attribute__((__noreturn__))

/* Print "PROG: CALL(OBJ): ENAME (text)" for errno and exit(1), or
 * _exit(1) when called in a child of the process that ran lab_init(). */
LAB_NORETURN void die(const char *call, const char *obj);
/* The same, always with _exit(1): for code that runs only in a child. */
LAB_NORETURN void die_child(const char *call, const char *obj);
/* A failure that is not a system call: "PROG: message", exit 1. */
LAB_NORETURN void fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* Print "usage: PROG ARGS" (and an optional reason) to stderr, exit 2. */
LAB_NORETURN void usage_error(const char *usage, const char *why);

/* "ENOENT" for ENOENT: glibc's strerrorname_np, with a fallback. */
const char *errno_name(int err);

/* Checks.  Each evaluates EXPR once and yields its value. */
#define CHK(expr, call, obj)                 \
	({                                   \
		__auto_type chk_r_ = (expr); \
		if (chk_r_ == -1)            \
			die(call, obj);      \
		chk_r_;                      \
	})
/* mmap() and shmat() both report failure as (void *)-1 == MAP_FAILED. */
#define CHK_MAP(expr, call, obj)          \
	({                                \
		void *chk_p_ = (expr);    \
		if (chk_p_ == MAP_FAILED) \
			die(call, obj);   \
		chk_p_;                   \
	})
/* sem_open() returns SEM_FAILED (NULL in glibc, not -1!). */
#define CHK_SEM(expr, call, obj)          \
	({                                \
		sem_t *chk_s_ = (expr);   \
		if (chk_s_ == SEM_FAILED) \
			die(call, obj);   \
		chk_s_;                   \
	})
/* pthread_* functions return the error number instead of setting errno. */
#define CHK_EN(expr, call, obj)         \
	do {                            \
		int chk_e_ = (expr);    \
		if (chk_e_ != 0) {      \
			errno = chk_e_; \
			die(call, obj); \
		}                       \
	} while (0)

/* "/PREFIX-tag" for shm_open/sem_open/mq_open.  PREFIX is $SHMLABS_PREFIX
 * (forced to start with "shmlabs"), default "shmlabs-UID".  Returns a
 * malloc'ed string that lives until exit. */
char *ipc_name(const char *tag);
/* A System V key for TAG: 0x53 ('S') in the top byte, a hash of PREFIX and
 * TAG below, so `make clean-ipc` can find our keys and nobody else's. */
key_t ipc_key(const char *tag);

/* The cleanup registry. */
enum cleanup_kind {
	CL_SHM_NAME, /* shm_unlink(name) */
	CL_SEM_NAME, /* sem_unlink(name) */
	CL_MQ_NAME,  /* mq_unlink(name) */
	CL_PATH,     /* unlink(path) */
	CL_SYSV_SHM, /* shmctl(id, IPC_RMID) */
	CL_SYSV_SEM, /* semctl(id, 0, IPC_RMID) */
	CL_SYSV_MSG, /* msgctl(id, IPC_RMID) */
};
/* Register an object (NAME for the named kinds, ID for System V ones);
 * returns a handle for cleanup_done().  NAME must stay valid. */
int cleanup_add(enum cleanup_kind kind, const char *name, int id);
/* The program removed the object itself: forget it. */
void cleanup_done(int handle);
/* Remove every object this process registered, now.  Async-signal-safe. */
void cleanup_run(void);

#endif
