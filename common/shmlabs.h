/*
 * shmlabs.h - the scaffolding every lab shares, so the labs can be about
 * shared memory.  Link common/shmlabs.c; build with -D_GNU_SOURCE.
 *
 *  1. CHK*: a failed call prints "PROG: CALL(OBJ): ENAME (text)", e.g.
 *     "file_mmap: open(/nope): ENOENT (No such file or directory)", and
 *     exits 1 (_exit(1) in a forked child: no double stdio flush, no
 *     parent's atexit cleanup).  usage_error() prints usage, exits 2.
 *  2. ipc_name()/ipc_key(): names and keys from $SHMLABS_PREFIX, so
 *     parallel runs and tests never share an object.
 *  3. A cleanup registry: registered objects are removed at exit() and on
 *     SIGINT/SIGTERM/SIGHUP, by the process that registered them only.
 *  4. Chores several labs share: write_all(), parse_size(), maps_find(),
 *     smaps_kb(), try_read()/try_write(), fact()/facts_verdict().
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

/* Print "PROG: CALL(OBJ): ENAME (text)" for errno and exit(1), or
 * _exit(1) when called in a child of the process that ran lab_init(). */
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

/* ---- chores shared by several labs ------------------------------------ */

/* write(2) until all LEN bytes are out (a pipe or socket may take fewer per
 * call), retrying EINTR; dies with "write(OBJ)" on any other error. */
void write_all(int fd, const void *buf, size_t len, const char *obj);

/* "4096", "64K", "16M", "1G" (powers of 1024) -> *OUT.  False for anything
 * else: no sign, no blanks, no overflow.  The caller checks the range. */
bool parse_size(const char *s, size_t *out);

/* Copy the line of /proc/self/maps whose range holds ADDR (without its
 * '\n') into LINE; false when ADDR is not mapped.  proc(5). */
bool maps_find(const void *addr, char *line, size_t size);

/* The value, in kB, of FIELD ("Rss", "Shared_Dirty", ...) in the
 * /proc/self/smaps entry of the mapping that holds ADDR; -1 if none. */
long smaps_kb(const void *addr, const char *field);

/* One access to the byte at P that may fault.  Returns 0 when it worked,
 * or the signal it raised (SIGSEGV, SIGBUS) with that signal's si_code in
 * *CODE when CODE is not NULL (SEGV_ACCERR, SEGV_MAPERR, BUS_ADRERR...).
 * The handler is installed for this one access only, then the old one is
 * put back.  Lab 2 builds this itself: there the catcher is the lesson. */
int try_read(const volatile void *p, unsigned char *out, int *code);
int try_write(volatile void *p, unsigned char value, int *code);

/* Two pipes between a parent and the child it forks: UP (child -> parent)
 * and DOWN (parent -> child).  pipes_open() before fork(); after it, each
 * side's pipes_keep() closes the two ends that side does not use (while a
 * write end stays open somewhere, read() never sees EOF). */
void pipes_open(int up[2], int down[2]);
void pipes_keep(bool child, int up[2], int down[2]);

/* "  WHAT  expected X, observed Y" (WHAT padded to 40 columns); a mismatch
 * is marked "<-- UNEXPECTED" and clears facts_ok.  facts_verdict() prints
 * "all observations as expected" (or not) and returns the exit status. */
extern bool facts_ok;
void fact(const char *what, const char *expected, const char *observed);
int facts_verdict(void);

#endif
