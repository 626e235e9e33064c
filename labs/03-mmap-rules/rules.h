/*
 * rules.h - what Lab 3's experiments share: a two-page test file, and the
 * "[N] rule ... expected X, observed Y: PASS" report.  Scaffolding: the
 * lesson is in each program's experiments.
 */
#ifndef RULES_H
#define RULES_H

#include <stdbool.h>
#include <stddef.h>

extern size_t page;	 /* sysconf(_SC_PAGESIZE): never hard-code 4096 */
extern const char *path; /* the test file: page 1 all 'a', page 2 all 'b' */

/* lab_init(), no arguments allowed (USAGE explains the program), the page
 * size, and the test file (removed at exit and on SIGINT/SIGTERM). */
void rules_init(int argc, char **argv, const char *usage);

/* open(path, MODE), printing "    fd = open(file, MODE_NAME)". */
int open_file(int mode, const char *mode_name);

/* For experiments about what comes after mmap(): the test file opened with
 * MODE, N pages of it mapped PROT_READ + MAP_SHARED, the descriptor closed. */
char *map_file(size_t n, int mode, const char *mode_name);

/* "success", or the errno name when FAILED: for calls whose failure is
 * the observation, so they are not checked with CHK. */
const char *outcome(bool failed);

/* "no signal", "SIGSEGV (SEGV_ACCERR)", ... for try_read()/try_write(). */
const char *fault_name(int sig, int code);

/* "[N] TITLE" before an experiment; after it, the verdict line. */
void rule(int n, const char *title);
void verdict(const char *expected, const char *observed);

/* "K of M experiments behaved as expected"; the exit status. */
int rules_done(void);

#endif
