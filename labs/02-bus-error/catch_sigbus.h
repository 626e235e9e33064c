/*
 * catch_sigbus.h - Lab 2's fault catcher and the little the lab's programs
 * share.  The catcher is part of the lesson: read catch_sigbus.c first.
 */
#ifndef CATCH_SIGBUS_H
#define CATCH_SIGBUS_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

extern size_t page; /* sysconf(_SC_PAGESIZE), set by buslab_init() */

/* lab_init(), the page size, and, with USAGE, no arguments allowed (USAGE
 * explains the program). */
void buslab_init(int argc, char **argv, const char *usage);
/* Install the handler of SIGBUS and SIGSEGV that touch() relies on. */
void catch_faults(void);

/* One read of *ADDR (or, with WRITE, a store of *VAL into it).  Returns 0
 * when it worked, else the signal it raised; a read leaves the byte in
 * *VAL.  After a fault, fault_addr and fault_code hold si_addr and
 * si_code. */
int touch(volatile char *addr, bool write, char *val);
extern void *volatile fault_addr;
extern volatile int fault_code;

/* "  WHO si_addr 0x... = map + N: page K of the mapping; si_code ...". */
void explain_fault(const char *who, const char *map, long long file_size);

/* "SIGBUS", "SIGSEGV", "no signal" for touch()'s result. */
const char *signame(int sig);

/* A new file of SIZE bytes, all '#', in $TMPDIR, already unlinked: it
 * lives as long as a descriptor or a mapping refers to it. */
int temp_file(off_t size);
/* Append SIZE bytes of '#' to FD (WHAT names it in a failure message). */
void fill_file(int fd, off_t size, const char *what);
long long file_size(int fd);

#endif
