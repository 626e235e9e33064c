/*
 * msglog.h - lab 7: the layout of the message log that writer.c and
 * reader.c share through a file mapped MAP_SHARED.
 *
 * Two programs that are not parent and child cannot inherit a mapping
 * through fork(); they have to meet at a NAME.  Here the name is an
 * ordinary file: both map it MAP_SHARED, so both see the same page-cache
 * pages, and every store of one process is visible to the other (with the
 * ordering rules below): both map the file's page-cache pages, each at its
 * own address.  Seed bug: "kernel space is shared" (guide, lab 7).
 *
 * The file is an append-only log, so it doubles as a record: the messages
 * stay in it after both programs exit, and a reader started later
 * replays them all.
 *
 *   offset 0                 64                         64 + 16 + pad8(len1)
 *   +------------------------+--------------------------+-------------------
 *   | struct log_header      | struct log_record        | record 2 ...
 *   |  magic "shmlog1"       |  seq = 1   len = len1    |  ...  last: kind
 *   |  version, header_size  |  kind = REC_MESSAGE      |  REC_END (the end
 *   |  capacity, writer_pid  |  data[len1], then zero   |  marker) or
 *   |  published  (atomic,   |  padding up to 8 bytes   |  REC_FULL
 *   |   the futex word)      |                          |
 *   +------------------------+--------------------------+-------------------
 *
 * The protocol (one writer, any number of readers):
 *   writer  1. writes the whole record (plain stores) after the last one,
 *           2. stores published = number of complete records with
 *              memory_order_release,
 *           3. FUTEX_WAKEs the readers sleeping on `published`.
 *   reader  1. loads published with memory_order_acquire,
 *           2. reads every record up to that count (plain loads),
 *           3. if there is nothing new, FUTEX_WAITs on `published` for at
 *              most a short period, then checks that the writer is alive.
 * The release/acquire pair is what makes step 1 of the writer visible to
 * step 2 of the reader: a reader that sees published == n also sees the
 * bytes of records 1..n.  Without it (a plain int, or relaxed order), the
 * compiler or the CPU may make the count visible before the data, and the
 * reader prints garbage (C11 5.1.2.4 "synchronizes with", 7.17.3).
 *
 * Man pages: mmap(2), futex(2), flock(2), inotify(7); C11 7.17 <stdatomic.h>.
 */
#ifndef MSGLOG_H
#define MSGLOG_H

#include <limits.h>
#include <stdbool.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define LOG_MAGIC "shmlog1" /* 8 bytes with its NUL */
enum { LOG_VERSION = 1 };

struct log_header {
	char magic[8];	      /* LOG_MAGIC, written before the file is named */
	uint32_t version;     /* LOG_VERSION */
	uint32_t header_size; /* offset of record 1 (sizeof this struct) */
	uint64_t capacity;    /* the file size, header included */
	int32_t writer_pid;   /* for messages only, see reader.c */
	/*
	 * How many records are complete.  Only the writer stores it (release);
	 * readers load it (acquire) and sleep on it with futex(2).  A futex
	 * word must be an aligned 32-bit integer.
	 */
	_Atomic uint32_t published;
	char spare[32];
};

enum rec_kind {
	REC_MESSAGE = 1, /* a message of len bytes */
	REC_END = 2,	 /* the end marker: the writer finished normally */
	REC_FULL = 3,	 /* end marker too, but the log ran out of space */
};

struct log_record {
	uint32_t
		seq; /* 1, 2, 3, ...: a reader checks it (no gap, no reorder) */
	uint32_t len;  /* bytes of data */
	uint32_t kind; /* enum rec_kind */
	uint32_t spare;
	unsigned char
		data[]; /* len bytes, padded with zeros to a multiple of 8 */
};

/*
 * Shared-memory atomics must be lock-free: a C11 atomic that is not uses
 * a lock hidden inside the C library of ONE process, which another
 * process cannot see.  Lock-free atomics work on the memory itself, so
 * they work between processes (C11 7.17.5, note: "address-free").
 */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "32-bit atomics must be lock-free");
_Static_assert(sizeof(_Atomic uint32_t) == sizeof(uint32_t),
	       "the futex word is a plain 32-bit integer");
_Static_assert(sizeof(struct log_header) == 64, "header layout");
_Static_assert(sizeof(struct log_record) == 16, "record layout");

/* Bytes a record with LEN bytes of data occupies (8-byte aligned). */
static inline uint64_t rec_size(uint64_t len)
{
	return sizeof(struct log_record) + ((len + 7) & ~(uint64_t)7);
}

/*
 * futex(2) has no glibc wrapper: call it with syscall(2).  No
 * FUTEX_PRIVATE_FLAG here: a private futex is keyed by (process, address)
 * and would never wake another process.  A shared futex on a MAP_SHARED
 * file mapping is keyed by (file, offset), so the writer's wake finds the
 * reader's wait even though the two map the file at different addresses.
 *
 * FUTEX_WAIT sleeps only if *word still equals EXPECTED, checked
 * atomically by the kernel: so a wake that happens between our load and
 * our wait cannot be lost (the wait returns EAGAIN at once).  REL is a
 * relative timeout; on expiry the call fails with ETIMEDOUT.
 */
static inline long futex_wait(_Atomic uint32_t *word, uint32_t expected,
			      const struct timespec *rel)
{
	return syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, expected, rel,
		       NULL, 0);
}

/* Wake every waiter; returns how many were woken, or -1. */
static inline long futex_wake_all(_Atomic uint32_t *word)
{
	return syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, INT_MAX, NULL,
		       NULL, 0);
}

/* log_open.c, for the reader: open PATH, waiting up to TIMEOUT_MS (0: no
 * limit; TIMEOUT_ARG names it in messages) for the writer to create it;
 * then map it read-only and check that it is a message log. */
int log_wait_open(const char *path, int64_t timeout_ms, const char *timeout_arg,
		  bool verbose);
const unsigned char *log_map(int fd, const char *path, uint64_t *size);
/* Milliseconds on CLOCK_MONOTONIC, and a deadline that far from now. */
int64_t now_ms(void);
int64_t deadline_in(int64_t timeout_ms);

#endif
