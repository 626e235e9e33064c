/*
 * pshm.h - the scaffolding lab 10's programs share (pshm.c).  The lesson
 * is in the programs; this is naming and bookkeeping.
 */
#ifndef PSHM_H
#define PSHM_H

#include "shmlabs.h"

#include <stdbool.h>
#include <sys/types.h>

/* Where glibc keeps the objects (its SHMDIR; see shm_overview(7)). */
#define SHM_DIR "/dev/shm"

/* Programs that take no argument: usage and exit 2 if there is one. */
void no_arguments(int argc);

/* "/dev/shm/NAME" for the object name "/NAME" (glibc strips every leading
 * '/'); malloc'ed, lives until exit. */
char *shm_path(const char *name);

/* shm_open(NAME, O_CREAT | O_EXCL | O_RDWR, MODE), registered with the
 * cleanup registry at once (handle in *HANDLE), so an error or Ctrl-C in
 * a later step still unlinks it.  obj_unlink() is shm_unlink +
 * cleanup_done. */
int obj_create(const char *name, mode_t mode, int *handle);
void obj_unlink(const char *name, int handle);

/* The object the persistence programs share: ipc_name("persist"). */
const char *persist_name(void);

/* A call that had to fail with WANT: R is its result, -1 (or MAP_FAILED
 * passed as -1) for a failure.  Prints "  WHAT -> ENAME (text), as
 * expected", or exits 1 when it did something else. */
void refused(const char *what, long r, int want);

long page_size(void);

#endif
