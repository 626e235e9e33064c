/*
 * svshm.h - the scaffolding lab 9's programs share (svshm.c).  The lesson
 * is in the programs; this is naming, printing and bookkeeping.
 */
#ifndef SVSHM_H
#define SVSHM_H

#include "shmlabs.h"

#include <stdbool.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>

/* Programs that take no argument: usage and exit 2 if there is one. */
void no_arguments(int argc);

/* The request of the demonstrations: less than a page on purpose. */
enum { SMALL = 100 };

/* CHK's OBJECT for a key, an id, or an id and a shmctl command:
 * "key 0x53001234", "shmid 42", "shmid 42, IPC_STAT". */
const char *obj_key(key_t key);
const char *obj_id(int id);
const char *obj_ctl(int id, const char *cmd);

/* shmget(KEY, SIZE, IPC_CREAT | IPC_EXCL | 0600), registered with the
 * cleanup registry at once (handle in *HANDLE): an error or Ctrl-C in a
 * later step still removes it.  seg_remove() is IPC_RMID + cleanup_done. */
int seg_create(key_t key, size_t size, int *handle);
void seg_remove(int id, int handle);
/* shmctl(IPC_STAT) or exit 1. */
void seg_stat(int id, struct shmid_ds *ds);

/* The segment the persistence programs share: key ipc_key("persist").
 * persist_id() looks it up (shmget(key, 0, 0)), or exits 1 (ENOENT). */
key_t persist_key(void);
int persist_id(void);

/* A call that must fail with WANT.  FAILED is the caller's "r == -1";
 * errno is read first thing.  Prints "  WHAT -> ENAME (text), as
 * expected", or exits 1 when the kernel did something else. */
void expect_errno(bool failed, int want, const char *what);

/* "-", "dest", "locked" or "dest,locked": SHM_DEST (set by IPC_RMID) and
 * SHM_LOCKED (SHM_LOCK) in shm_perm.mode. */
const char *status_str(unsigned mode);
/* "2026-12-01 21:08:50", or "never" for 0. */
const char *time_str(time_t t);

/* Every field of struct shmid_ds, one "name value" line each. */
void print_info(int id);
/* ID's row of /proc/sysvipc/shm (where ipcs gets its data), as
 * "  /proc/sysvipc/shm: key=0x... shmid=... perms=... ... rss=... swap=...". */
void print_proc_row(int id);

#endif
