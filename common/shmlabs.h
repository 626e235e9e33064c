/*
 * shmlabs.h - the scaffolding every lab shares, so the labs can be about
 * shared memory: failure checks, IPC names and keys from $SHMLABS_PREFIX
 * (parallel runs never share an object), a cleanup registry, and chores
 * several labs need.  Link common/shmlabs.c; build with -D_GNU_SOURCE.
 */
#ifndef SHMLABS_H
#define SHMLABS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <semaphore.h>
#include <stdnoreturn.h>
#include <sys/mman.h>
#include <sys/types.h>

extern const char *lab_prog; /* basename of argv[0] */

/* First in main(): names the program, makes stdout line-buffered (a pipe
 * must not duplicate unflushed output across fork()), installs the
 * cleanup handlers. */
void lab_init(int argc, char **argv);

/* Spelled out as the attribute too, for cppcheck. */
#define LAB_NORETURN noreturn __attribute__((__noreturn__))

/* "PROG: CALL(OBJ): ENAME (text)" for errno, e.g. "file_mmap: open(/nope):
 * ENOENT (No such file or directory)", and exit(1); _exit(1) in a child of
 * the lab_init() process (no double stdio flush, no parent's cleanup). */
LAB_NORETURN void die(const char *call, const char *obj);
/* The same, always with _exit(1). */
LAB_NORETURN void die_child(const char *call, const char *obj);
/* A failure that is not a system call: "PROG: message", exit 1. */
LAB_NORETURN void fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* Print "usage: PROG ARGS" (and an optional reason) to stderr, exit 2. */
LAB_NORETURN void usage_error(const char *usage, const char *why);

/* "ENOENT" for ENOENT: glibc's strerrorname_np, with a fallback. */
const char *errno_name(int err);

/* Checks.  Each evaluates EXPR once and yields its value: CHK_IF dies
 * when it equals BAD.  mmap() and shmat() fail with (void *)-1 ==
 * MAP_FAILED, sem_open() with SEM_FAILED (NULL in glibc, not -1!). */
#define CHK_IF(expr, bad, call, obj)         \
	({                                   \
		__auto_type chk_r_ = (expr); \
		if (chk_r_ == (bad))         \
			die(call, obj);      \
		chk_r_;                      \
	})
#define CHK(expr, call, obj) CHK_IF(expr, -1, call, obj)
#define CHK_MAP(expr, call, obj) CHK_IF(expr, MAP_FAILED, call, obj)
#define CHK_SEM(expr, call, obj) CHK_IF(expr, SEM_FAILED, call, obj)
/* pthread_* functions return the error number instead of setting errno. */
#define CHK_EN(expr, call, obj)         \
	do {                            \
		int chk_e_ = (expr);    \
		if (chk_e_ != 0) {      \
			errno = chk_e_; \
			die(call, obj); \
		}                       \
	} while (0)

/* "/PREFIX-tag" (malloc'ed) for shm_open/sem_open/mq_open.  PREFIX is
 * $SHMLABS_PREFIX forced to start with "shmlabs", default "shmlabs-UID". */
char *ipc_name(const char *tag);
/* A System V key for TAG: 0x53 ('S') in the top byte, a hash of PREFIX and
 * TAG below, so `make clean-ipc` can find our keys and nobody else's. */
key_t ipc_key(const char *tag);

/* The cleanup registry: objects are removed at exit() and on SIGINT,
 * SIGTERM and SIGHUP, by the process that registered them only. */
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

/* write(2) all LEN bytes (a pipe may take fewer per call), retrying EINTR;
 * dies with "write(OBJ)" on any other error. */
void write_all(int fd, const void *buf, size_t len, const char *obj);
/* "4096", "64K", "16M", "1G" (powers of 1024) -> *OUT.  False for anything
 * else: no sign, no blanks, no overflow.  The caller checks the range. */
bool parse_size(const char *s, size_t *out);
/* The /proc/self/maps line (no '\n') of the mapping holding ADDR into LINE;
 * false when ADDR is not mapped.  smaps_kb(): FIELD ("Rss", ...) of that
 * mapping's /proc/self/smaps entry in kB, -1 if none.  proc(5). */
bool maps_find(const void *addr, char *line, size_t size);
long smaps_kb(const void *addr, const char *field);

/* One access to the byte at P that may fault: 0 when it worked, else the
 * signal (SIGSEGV, SIGBUS), its si_code in *CODE unless CODE is NULL.  The
 * handler is there for this access only.  (Lab 2 builds its own.) */
int try_read(const volatile void *p, unsigned char *out, int *code);
int try_write(volatile void *p, unsigned char value, int *code);

/* Pipes UP (child -> parent) and DOWN, opened before fork(); after it each
 * side's pipes_keep() closes the ends it does not use (else no EOF). */
void pipes_open(int up[2], int down[2]);
void pipes_keep(bool child, int up[2], int down[2]);

/* "  WHAT  expected X, observed Y" (WHAT padded to 40 columns); a mismatch
 * is marked "<-- UNEXPECTED" and clears facts_ok.  facts_verdict() prints
 * "all observations as expected" (or not) and returns the exit status. */
extern bool facts_ok;
void fact(const char *what, const char *expected, const char *observed);
int facts_verdict(void);

#endif
