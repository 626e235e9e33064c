/*
 * maps_parse.h - parse and classify the lines of /proc/PID/maps.
 *
 * One line of /proc/PID/maps is one vm_area_struct (VMA) of the process,
 * printed by the kernel's show_map_vma() (fs/proc/task_mmu.c):
 *
 *   7f05c6ae4000-7f05c6ae6000 rw-s 00000000 00:1b 9      /dev/shm/demo
 *   |            |            |    |        |     |      |
 *   vm_start     vm_end       |    |        |     |      vm_file's path, or a
 *   (first byte) (one past    |    |        |     |      [name] the kernel
 *                the last)    |    |        |     |      gives it, or nothing
 *                             |    |        |     inode number (decimal)
 *                             |    |        device holding the inode:
 *                             |    |        MAJOR:MINOR, both in HEX
 *                             |    vm_pgoff << PAGE_SHIFT, in hex
 *                             vm_flags: VM_READ, VM_WRITE, VM_EXEC, and
 *                             s = VM_MAYSHARE / p = private (copy-on-write)
 *
 * The parser is strict about the first five fields (it rejects a garbled
 * or truncated line with a reason) and takes the rest of the line, spaces
 * included, as the path.  See proc(5), section /proc/pid/maps.
 */
#ifndef MAPS_PARSE_H
#define MAPS_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every VMA starts and ends on a page boundary, and 4 KiB is the smallest
 * page size of every architecture Linux runs on: an address that is not a
 * multiple of it cannot come from the kernel. */
#define MAPS_MIN_PAGE 4096u

/* Room for a reason given by maps_parse_line(). */
#define MAPS_ERR_MAX 200

struct maps_entry {
	uint64_t start;	    /* vm_start: the first byte of the area */
	uint64_t end;	    /* vm_end: one past the last byte */
	char perms[5];	    /* "rw-p": VM_READ VM_WRITE VM_EXEC, s/p */
	uint64_t offset;    /* vm_pgoff << PAGE_SHIFT (0 when no file) */
	unsigned int major; /* MAJOR(inode->i_sb->s_dev) */
	unsigned int minor; /* MINOR(inode->i_sb->s_dev) */
	uint64_t inode;	    /* inode->i_ino (0 when no file) */
	const char *path;   /* "" when the line has none; NUL-terminated */
	bool deleted;	    /* the path ends in " (deleted)" */
	size_t lineno;	    /* 1-based line number in the text it came from */
};

/* A growable (or, with fixed, caller-sized) array of entries. */
struct maps_table {
	struct maps_entry *v;
	size_t n, cap;
	bool fixed; /* v was supplied by the caller: never realloc() it */
};

/* Parse one line (NUL-terminated, without its '\n').  On success fill *e
 * (e->path points into LINE) and return 0.  Otherwise write a reason
 * into ERR and return -1.  Never reads past the terminating NUL. */
int maps_parse_line(const char *line, struct maps_entry *e,
		    char err[MAPS_ERR_MAX]);

/* Split TEXT (LEN bytes, modified in place: each '\n' becomes '\0') into
 * lines, parse each one and append it to T.  TEXT[LEN] must be writable
 * too: a last line without '\n' gets its '\0' there.  A bad line is reported on
 * stderr as "PROG: NAME:LINE: reason" followed by the line itself, and
 * skipped.  Returns the number of bad lines. */
size_t maps_parse_text(char *text, size_t len, const char *name,
		       struct maps_table *t);

/* What a mapping is.  The classification uses only what the line shows
 * (plus the path of the executable, which the line does not say). */
enum maps_kind {
	MK_TEXT,	/* the executable's code (x) */
	MK_RODATA,	/* the executable's read-only data */
	MK_DATA,	/* the executable's writable data (.data) */
	MK_BSS,		/* anonymous area right after the data: .bss */
	MK_HEAP,	/* [heap]: the brk() area */
	MK_STACK,	/* [stack]: the main thread's stack */
	MK_VDSO,	/* [vdso] [vvar] [vvar_vclock] [vsyscall] */
	MK_LIB,		/* a shared library (*.so*) */
	MK_ANON,	/* private anonymous memory */
	MK_GUARD,	/* anonymous and ---: guard page, reserved range */
	MK_FILE_SHARED, /* MAP_SHARED of a regular file */
	MK_FILE_PRIV,	/* MAP_PRIVATE of a regular file */
	MK_SYSV,	/* System V segment: /SYSV<key> (deleted) */
	MK_POSIX,	/* POSIX shm object: /dev/shm/<name> */
	MK_ANON_SHARED, /* MAP_SHARED|MAP_ANONYMOUS: /dev/zero (deleted) */
	MK_DEVZERO,	/* MAP_PRIVATE of /dev/zero */
	MK_MEMFD,	/* memfd_create(): /memfd:<name> (deleted) */
	MK_DELETED,	/* any other file that was unlinked while mapped */
	MK_SPECIAL,	/* another [name] the kernel made up */
	MK_COUNT
};

/* Classify entry I of T.  EXE is the executable's path as the kernel
 * prints it (readlink of /proc/PID/exe), or NULL if unknown. */
enum maps_kind maps_classify(const struct maps_table *t, size_t i,
			     const char *exe);
/* Short name for the table ("sysv-shm") and a one-line description. */
const char *maps_kind_name(enum maps_kind k);
const char *maps_kind_about(enum maps_kind k);

/* Without /proc/PID/exe (crafted input): the path of the first private
 * file-backed line - the kernel's ELF loader maps the program first, and
 * privately.  NULL if there is no such line. */
const char *maps_guess_exe(const struct maps_table *t);

/* Every field equal (the same line). */
bool maps_same(const struct maps_entry *a, const struct maps_entry *b);

/* The entry that contains ADDR, or NULL. */
const struct maps_entry *maps_lookup(const struct maps_table *t, uint64_t addr);

#endif
