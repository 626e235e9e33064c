/*
 * shmlabs.h - scaffolding only, what three or more labs repeat: failure
 * checks, IPC names and keys from $SHMLABS_PREFIX (parallel runs never
 * share an object), a cleanup registry, a few chores.  See shmlabs.c.
 */
#ifndef SHMLABS_H
#define SHMLABS_H

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <semaphore.h>
#include <stdnoreturn.h>
#include <sys/mman.h>
#include <sys/types.h>

extern const char *lab_prog; /* basename of argv[0], for every message */

/* First in main(): names the program, line-buffers stdout (so that fork()
 * copies no unflushed output), installs the cleanup handlers. */
void lab_init(int argc, char **argv);

/* Spelled out as the attribute too, for cppcheck. */
#define LAB_NORETURN noreturn __attribute__((__noreturn__))

/* "PROG: CALL(OBJ): ENAME (text)" for errno, exit 1: _exit(1) in a child
 * of the lab_init() process (no second stdio flush, no parent's cleanup). */
LAB_NORETURN void die(const char *call, const char *obj);
/* A failure that is not a system call's: "PROG: message", the same exit. */
LAB_NORETURN void fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* Bad usage: "usage: PROG USAGE" (after "PROG: WHY" if WHY) on stderr, exit
 * 2.  A USAGE starting with '\n' is a program without arguments. */
LAB_NORETURN void usage_error(const char *usage, const char *why);
/* "ENOENT" for ENOENT, where an errno is the observation. */
const char *errno_name(int err);

/* Scaffolding checks (a call a lab teaches writes its test out): each
 * yields EXPR's value and dies when it equals BAD. */
#define CHK_IF(expr, bad, call, obj)         \
	({                                   \
		__auto_type chk_r_ = (expr); \
		if (chk_r_ == (bad))         \
			die(call, obj);      \
		chk_r_;                      \
	})
#define CHK(expr, call, obj) CHK_IF(expr, -1, call, obj)
#define CHK_MAP(expr, call, obj) CHK_IF(expr, MAP_FAILED, call, obj)

/* "/PREFIX-TAG" (malloc'ed) for shm_open/sem_open/mq_open.  PREFIX is
 * $SHMLABS_PREFIX forced to start with "shmlabs", default "shmlabs-UID". */
char *ipc_name(const char *tag);
/* A System V key: 0x53 ('S') in the top byte, a hash of PREFIX and TAG
 * below, so that `make clean-ipc` finds our keys and nobody else's. */
key_t ipc_key(const char *tag);

/* The cleanup registry: the objects a process registered are removed at
 * exit() and on SIGINT, SIGTERM and SIGHUP, by that process only. */
enum cleanup_kind {
	CL_SHM_NAME, /* shm_unlink(name) */
	CL_SEM_NAME, /* sem_unlink(name) */
	CL_MQ_NAME,  /* mq_unlink(name) */
	CL_PATH,     /* unlink(path) */
	CL_SYSV_SHM, /* shmctl(id, IPC_RMID) */
	CL_SYSV_SEM, /* semctl(id, 0, IPC_RMID) */
	CL_SYSV_MSG, /* msgctl(id, IPC_RMID) */
};
/* Register NAME (it must stay valid) or a System V ID; cleanup_done(handle)
 * forgets an object the program removed itself. */
int cleanup_add(enum cleanup_kind kind, const char *name, int id);
void cleanup_done(int handle);

/* write(2) all LEN bytes (a pipe may take fewer per call), retrying EINTR;
 * dies with "write(OBJ)" on any other error. */
void write_all(int fd, const void *buf, size_t len, const char *obj);
/* "4096", "64K", "16M", "1G" (powers of 1024) -> *OUT.  False for anything
 * else: no sign, no blanks, no overflow.  The caller checks the range. */
bool parse_size(const char *s, size_t *out);
/* The /proc/self/maps line (no '\n') of the mapping holding ADDR, false if
 * none; maps_print() prints it after LABEL or fails.  smaps_kb(): FIELD
 * ("Rss", ...) of that mapping's /proc/self/smaps entry in kB, -1 if none. */
bool maps_find(const void *addr, char *line, size_t size);
void maps_print(const char *label, const void *addr);
long smaps_kb(const void *addr, const char *field);

/* One access to the byte at P that may fault: 0, or the signal (SIGSEGV,
 * SIGBUS) and its siginfo (si_code, si_addr) in *SI unless SI is NULL.  The
 * handler is there for this access only (lab 2 builds its own). */
int try_read(const volatile void *p, unsigned char *out, siginfo_t *si);
int try_write(volatile void *p, unsigned char value, siginfo_t *si);

/* Pipes UP (child -> parent) and DOWN, opened before fork(); after it each
 * side's pipes_keep() closes the ends it does not use (else no EOF). */
void pipes_open(int up[2], int down[2]);
void pipes_keep(bool child, int up[2], int down[2]);

/* "  WHAT  expected X, observed Y", a mismatch marked "<-- UNEXPECTED" and
 * clearing facts_ok; facts_verdict() sums them up as the exit status. */
extern bool facts_ok;
void fact(const char *what, const char *expected, const char *observed);
int facts_verdict(void);

#endif
