/*
 * maps_kind.c - what kind of memory a /proc/PID/maps line is
 * (maps_parse.h).  The path is the main fingerprint: the kernel names a
 * System V segment, a POSIX object, shared anonymous memory, a memfd and
 * its own special areas each in its own way (the table in the guide,
 * lab 15).  Only what the line shows is used, plus the executable's path.
 */
#include "maps_parse.h"

#include <stdio.h>
#include <string.h>

static bool starts_with(const char *s, const char *prefix);
static bool is_library(const char *path);
static bool is_vdso(const char *p);

enum maps_kind maps_classify(const struct maps_table *t, size_t i,
			     const char *exe)
{
	const struct maps_entry *e = &t->v[i];
	const char *p = e->path;

	if (p[0] == '\0') {
		/* No file: anonymous memory.  ---p is address space that is
		 * reserved but unusable (thread-stack guard pages, gaps). */
		if (strncmp(e->perms, "---", 3) == 0)
			return MK_GUARD;
		/* .bss: anonymous zero pages that the ELF loader maps right
		 * after the last file-backed page of the program's data. */
		if (i > 0 && t->v[i - 1].end == e->start &&
		    maps_classify(t, i - 1, exe) == MK_DATA)
			return MK_BSS;
		return MK_ANON;
	}
	if (p[0] == '[') {
		if (strcmp(p, "[heap]") == 0)
			return MK_HEAP;
		if (strcmp(p, "[stack]") == 0 || starts_with(p, "[stack:"))
			return MK_STACK;
		if (is_vdso(p))
			return MK_VDSO;
		/* Names given with prctl(PR_SET_VMA_ANON_NAME), Linux 5.17+
		 * built with CONFIG_ANON_VMA_NAME. */
		if (starts_with(p, "[anon:"))
			return MK_ANON;
		/* Shared anonymous memory named the same way: Linux 6.2+, the
		 * same config option (absent on 6.1). */
		return starts_with(p, "[anon_shmem:") ? MK_ANON_SHARED
						      : MK_SPECIAL;
	}
	/* BEGIN EXERCISE 15.1: Recognise the three shared-memory kinds by
	 * their path: a System V segment ("/SYSV" + its key in 8 hex digits,
	 * then " (deleted)"), a POSIX shm object (under /dev/shm/), and
	 * shared anonymous memory ("/dev/zero (deleted)"; plain "/dev/zero"
	 * is a MAP_PRIVATE map of the device: MK_DEVZERO).  Hint: the guide's
	 * fingerprint table (lab 15); a look-alike such as
	 * "/SYSV5300beef.txt" or "/dev/zeros" is an ordinary file. */
	if (starts_with(p, "/SYSV") && strspn(p + 5, "0123456789abcdef") == 8 &&
	    (p[13] == '\0' || p[13] == ' '))
		return MK_SYSV;
	if (starts_with(p, "/dev/shm/"))
		return MK_POSIX;
	if (strcmp(p, "/dev/zero (deleted)") == 0)
		return MK_ANON_SHARED;
	if (strcmp(p, "/dev/zero") == 0)
		return MK_DEVZERO;
	/* END EXERCISE */
	if (starts_with(p, "/memfd:"))
		return MK_MEMFD;
	if (exe && strcmp(p, exe) == 0) /* both carry any " (deleted)" */
		return e->perms[2] == 'x'   ? MK_TEXT
		       : e->perms[1] == 'w' ? MK_DATA
					    : MK_RODATA;
	if (e->deleted)
		return MK_DELETED;
	if (is_library(p))
		return MK_LIB;
	return e->perms[3] == 's' ? MK_FILE_SHARED : MK_FILE_PRIV;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* libc.so.6, ld-linux-x86-64.so.2, libfoo.so: ".so" then '.' or end. */
static bool is_library(const char *path)
{
	const char *base = strrchr(path, '/');
	const char *s = base ? base + 1 : path;

	while ((s = strstr(s, ".so")) != NULL) {
		if (s[3] == '\0' || s[3] == '.' || s[3] == ' ')
			return true;
		s += 3;
	}
	return false;
}

/* Pages the kernel itself maps into every process (arch_vma_name and
 * the "special mappings": vdso, its data page, the legacy vsyscall page,
 * and ARM's equivalents). */
static bool is_vdso(const char *p)
{
	static const char *const names[] = {
		"[vdso]",     "[vvar]",	   "[vvar_vclock]",
		"[vsyscall]", "[vectors]", "[sigpage]",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(p, names[i]) == 0)
			return true;
	return false;
}

static const struct {
	const char *name, *about;
} kinds[MK_COUNT] = {
	[MK_TEXT] = { "text", "the program's machine code" },
	[MK_RODATA] = { "rodata",
			"the program's read-only data, ELF headers, RELRO" },
	[MK_DATA] = { "data", "the program's initialised writable data" },
	[MK_BSS] = { "bss", "the program's zero-initialised data (no file)" },
	[MK_HEAP] = { "heap", "the brk() area that malloc() grows" },
	[MK_STACK] = { "stack", "the main thread's stack (grows down)" },
	[MK_VDSO] = { "vdso", "code/data the kernel maps into every process" },
	[MK_LIB] = { "lib", "a shared library (ld.so maps it in segments)" },
	[MK_ANON] = { "anon",
		      "private anonymous memory (malloc arenas, thread stacks, big malloc blocks)" },
	[MK_GUARD] = { "guard",
		       "no-access area: guard page or reserved range" },
	[MK_FILE_SHARED] = { "file-shared",
			     "MAP_SHARED file: stores reach the file" },
	[MK_FILE_PRIV] = { "file-private",
			   "MAP_PRIVATE file: stores are copy-on-write" },
	[MK_SYSV] = { "sysv-shm", "System V segment (shmat): /SYSV<key>" },
	[MK_POSIX] = { "posix-shm",
		       "POSIX shared memory (shm_open): a tmpfs file in /dev/shm" },
	[MK_ANON_SHARED] = { "anon-shared",
			     "MAP_SHARED|MAP_ANONYMOUS or MAP_SHARED of /dev/zero" },
	[MK_DEVZERO] = { "dev-zero",
			 "MAP_PRIVATE of /dev/zero: plain anonymous memory" },
	[MK_MEMFD] = { "memfd", "memfd_create(): a file with no name" },
	[MK_DELETED] = { "deleted", "a file unlinked while still mapped" },
	[MK_SPECIAL] = { "special", "another area the kernel names itself" },
};

const char *maps_kind_name(enum maps_kind k)
{
	return k < MK_COUNT ? kinds[k].name : "?";
}

const char *maps_kind_about(enum maps_kind k)
{
	return k < MK_COUNT ? kinds[k].about : "?";
}

const char *maps_guess_exe(const struct maps_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].path[0] == '/' && t->v[i].perms[3] == 'p')
			return t->v[i].path;
	return NULL;
}
