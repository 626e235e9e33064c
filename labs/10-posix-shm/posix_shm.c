/*
 * posix_shm.c - Lab 10: POSIX shared memory, one observable step at a time.
 *
 * WHAT IT SHOWS
 *   The POSIX interface treats a shared-memory object like a file:
 *     shm_open(3)    open (or create) an object by NAME, get a descriptor,
 *     ftruncate(2)   give it a size (a new object has size 0),
 *     mmap(2)        map it, MAP_SHARED, into this process,
 *     fstat(2)       ask its size, mode and owner,
 *     shm_unlink(3)  remove the NAME (the memory lives on while mapped).
 *   On Linux that is not an analogy: glibc's shm_open opens the file
 *   /dev/shm/NAME, and /dev/shm is a tmpfs (memory-backed) file system, so
 *   ls, stat, cat and rm work on the objects.
 *
 * HOW TO RUN
 *   make lab-10 runs the narrated demo.  By hand (after `make`):
 *     build/10-posix-shm/posix_shm names    which names shm_open accepts
 *     build/10-posix-shm/posix_shm excl     EEXIST, ENOENT, and the umask
 *     build/10-posix-shm/posix_shm nosize   forgetting ftruncate: SIGBUS
 *     build/10-posix-shm/posix_shm unlink   shm_unlink while mapped
 *   Persistence takes separate processes, so it is split in steps that act
 *   on one object, name ipc_name("persist") = /PREFIX-persist:
 *     posix_shm create "hello"     create, size, write, exit (no unlink)
 *     ls -l /dev/shm               the object is a file there
 *     posix_shm read               a later process reads the same bytes
 *     posix_shm info               fstat: size, mode, owner, inode
 *     posix_shm remove             shm_unlink: the file is gone
 *   `make clean-ipc` removes whatever an interrupted run left behind.
 *
 * WHAT TO OBSERVE
 *   - The size is exactly what ftruncate set (no rounding visible in
 *     st_size), and a reader learns it with fstat: nothing like shm_segsz.
 *   - The object outlives its creator until shm_unlink (kernel
 *     persistence, like System V; it does not survive a reboot).
 *   - shm_unlink removes only the name: mappings stay valid, /proc/self/maps
 *     says "(deleted)", and a new shm_open of the same name makes a new,
 *     different object.
 *
 * Seed note: seed 001 says distributions of its day (Red Hat 8.0, kernels
 * 2.2/2.4) "did not implement POSIX shared memory yet".  Long obsolete:
 * glibc's shm_open on the tmpfs at /dev/shm works on every current Linux.
 * Its comparison of System V shm with a mapped file (who keeps the data,
 * for how long) is extended to POSIX shm in the lab guide.
 *
 * Man pages: shm_open(3) (also shm_unlink), shm_overview(7), ftruncate(2),
 * mmap(2), fstat(2), fchmod(2), umask(2), tmpfs(5), proc(5).
 */
#include "shmlabs.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

static const char usage[] =
	"COMMAND [ARG]\n"
	"demonstrations (each creates and removes its own objects):\n"
	"  names          which names shm_open accepts: '/name', 'name',\n"
	"                 '//name', '/a/b', '/', a name longer than NAME_MAX\n"
	"  excl           O_CREAT|O_EXCL twice (EEXIST), a missing name\n"
	"                 (ENOENT), and what the umask does to the mode\n"
	"  nosize         mmap an object of size 0: touching it is SIGBUS\n"
	"  unlink         shm_unlink while mapped: usable, name gone, the\n"
	"                 same name then makes a different object\n"
	"persistence (one object per SHMLABS_PREFIX, /PREFIX-persist):\n"
	"  create [TEXT]  create it, store TEXT and a newline (or all of\n"
	"                 stdin), exit without shm_unlink: the object stays\n"
	"  read           open it read-only, copy its bytes to stdout\n"
	"  info           fstat: size, mode, owner, inode; the /dev/shm file\n"
	"  remove         shm_unlink\n"
	"cleanup:\n"
	"  scratch        create an object, wait for EOF on stdin, unlink it;\n"
	"                 Ctrl-C and SIGTERM unlink it too, SIGKILL cannot";

/* The largest input `create` stores (only a guard against typos). */
enum { MAX_DATA = 16 << 20 };

/* Where glibc keeps the objects (its SHMDIR; see shm_overview(7)). */
static const char shm_dir[] = "/dev/shm";

/* fopen(3) for reading, or exit with the reason.  (Written as "return if
 * it worked, else die" so that static analysers, which do not all know
 * that die() never returns, see no NULL path.) */
static FILE *open_or_die(const char *path)
{
	FILE *f = fopen(path, "r");

	if (f)
		return f;
	die("fopen", path);
}

/* realloc(3) that cannot return NULL (malloc when P is NULL). */
static void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size);

	if (q)
		return q;
	fail("out of memory");
}

/* "/dev/shm/NAME" for an object name "/NAME" (malloc'ed, lives until exit). */
static char *shm_path(const char *name)
{
	char *p;

	while (*name == '/') /* glibc strips every leading '/' */
		name++;
	if (asprintf(&p, "%s/%s", shm_dir, name) < 0)
		fail("out of memory");
	return p;
}

static long page_size(void)
{
	return CHK(sysconf(_SC_PAGESIZE), "sysconf", "_SC_PAGESIZE");
}

/* Create a new object that nobody else has (O_EXCL) and register its name
 * at once, so an error or Ctrl-C in any later step still unlinks it. */
static int create_obj(const char *name, mode_t mode, int *handle)
{
	int fd = CHK(shm_open(name, O_CREAT | O_EXCL | O_RDWR, mode),
		     "shm_open", name);

	*handle = cleanup_add(CL_SHM_NAME, name, -1);
	return fd;
}

static void unlink_obj(const char *name, int handle)
{
	CHK(shm_unlink(name), "shm_unlink", name);
	cleanup_done(handle);
}

/* A call that must fail with WANT: see lab 9.  FAILED is "r == -1". */
static void expect_errno(bool failed, int want, const char *what)
{
	int err = errno;

	if (!failed)
		fail("%s succeeded, but %s was expected", what,
		     errno_name(want));
	if (err != want)
		fail("%s failed with %s, but %s was expected", what,
		     errno_name(err), errno_name(want));
	printf("  %-44s -> %s (%s), as expected\n", what, errno_name(err),
	       strerror(err));
}

/* The line of /proc/self/maps for the mapping that starts at ADDR. */
static void print_maps_line(const void *addr)
{
	static const char path[] = "/proc/self/maps";
	char line[512];
	FILE *f = open_or_die(path);

	while (fgets(line, sizeof(line), f)) {
		uintptr_t start;

		if (sscanf(line, "%" SCNxPTR "-", &start) == 1 &&
		    start == (uintptr_t)addr) {
			printf("  /proc/self/maps: %s", line);
			break;
		}
	}
	fclose(f);
}

/* ---- catching the fault of a forbidden access ------------------------- */

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_code;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	fault_code = si->si_code;
	siglongjmp(fault_jmp, 1);
}

/* Store C at P; true if that raised SIGNO (caught), false if it worked. */
static bool write_faults(int signo, volatile char *p, char c)
{
	struct sigaction sa = { .sa_sigaction = on_fault,
				.sa_flags = SA_SIGINFO },
			 old;

	sigemptyset(&sa.sa_mask);
	CHK(sigaction(signo, &sa, &old), "sigaction", sigabbrev_np(signo));
	if (sigsetjmp(fault_jmp, 1) != 0) {
		CHK(sigaction(signo, &old, NULL), "sigaction",
		    sigabbrev_np(signo));
		return true;
	}
	*p = c;
	CHK(sigaction(signo, &old, NULL), "sigaction", sigabbrev_np(signo));
	return false;
}

/* ---- the demonstrations ---------------------------------------------- */

/* Try NAME with O_CREAT|O_EXCL and report what happened, without judging:
 * POSIX leaves these cases to the implementation.  Returns the errno (0 if
 * a new object was made; it is unlinked again at once). */
static int try_name(const char *name, const char *shown)
{
	int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	int err = errno;

	if (fd == -1) {
		printf("  shm_open(\"%s\", O_CREAT|O_EXCL) -> %s\n", shown,
		       errno_name(err));
		return err;
	}
	int h = cleanup_add(CL_SHM_NAME, name, -1);
	struct stat st;
	char *path = shm_path(name);
	bool there = stat(path, &st) == 0;

	printf("  shm_open(\"%s\", O_CREAT|O_EXCL) -> fd %d, a new object; "
	       "%s %s\n",
	       shown, fd, path, there ? "exists" : "does NOT exist");
	CHK(close(fd), "close", name);
	unlink_obj(name, h);
	return 0;
}

/* What a name may look like.  POSIX (shm_open, XSH 2017): a name that
 * begins with '/' names the same object in every process; without the
 * leading '/' the effect is implementation-defined, and so is the meaning
 * of any further '/'.  shm_overview(7): for portable use, "/somename" with
 * no other '/' and at most NAME_MAX (255) characters.
 * What glibc (2.36 here) does: it strips EVERY leading '/', rejects an empty
 * result or one containing '/' with EINVAL, a result longer than NAME_MAX
 * with ENAMETOOLONG, and opens /dev/shm/RESULT.  So "name", "/name" and
 * "//name" are one and the same object on glibc - a program that forgets
 * the slash works here and breaks elsewhere (other systems may refuse the
 * name, or treat it as a path relative to the current directory). */
static int cmd_names(void)
{
	const char *name = ipc_name("names");
	char *path = shm_path(name);
	char buf[512], shown[64];
	struct stat st;
	int h, fd = create_obj(name, 0600, &h);
	int err;

	printf("shm_open(\"%s\", O_CREAT|O_EXCL) -> fd %d; %s %s\n", name, fd,
	       path, stat(path, &st) == 0 ? "exists" : "does NOT exist");

	printf("without the leading '/' (POSIX: implementation-defined):\n");
	err = try_name(name + 1, name + 1);
	if (err == EEXIST)
		printf("  noslash: accepted, the SAME object as \"%s\" "
		       "(glibc strips the '/')\n",
		       name);
	else if (err == 0)
		printf("  noslash: accepted, a DIFFERENT object\n");
	else
		printf("  noslash: rejected with %s\n", errno_name(err));

	printf("with two leading '/':\n");
	snprintf(buf, sizeof(buf), "/%s", name);
	err = try_name(buf, buf);
	if (err == EEXIST)
		printf("  doubleslash: the SAME object as \"%s\"\n", name);
	else
		printf("  doubleslash: %s\n", err ? errno_name(err) : "new");

	printf("a name that is not there yet, without '/':\n");
	err = try_name(ipc_name("noslash") + 1, ipc_name("noslash") + 1);
	printf("  noslash-new: %s\n", err ? errno_name(err) : "accepted");

	printf("names glibc refuses:\n");
	snprintf(buf, sizeof(buf), "%s/obj", name);
	expect_errno(shm_open(buf, O_CREAT | O_RDWR, 0600) == -1, EINVAL,
		     "shm_open(\"/NAME/obj\", O_CREAT)");
	expect_errno(shm_open("/", O_CREAT | O_RDWR, 0600) == -1, EINVAL,
		     "shm_open(\"/\", O_CREAT)");
	/* 256 characters after the '/': one more than NAME_MAX. */
	snprintf(buf, sizeof(buf), "%s-%0*d", name,
		 (int)(NAME_MAX + 1 - strlen(name)), 0);
	snprintf(shown, sizeof(shown), "shm_open(\"/%zu chars\", O_CREAT)",
		 strlen(buf) - 1);
	expect_errno(shm_open(buf, O_CREAT | O_RDWR, 0600) == -1, ENAMETOOLONG,
		     shown);

	CHK(close(fd), "close", name);
	unlink_obj(name, h);
	printf("shm_unlink(\"%s\"): %s %s\n", name, path,
	       stat(path, &st) == 0 ? "still exists" : "is gone");
	return 0;
}

/* The flags of shm_open, and the mode.  The mode of a new object is
 * MODE & ~umask, exactly as for open(2): ask for 0666 with the usual umask
 * 022 and you get 0644.  (System V's shmget ignores the umask.)  fchmod(2)
 * sets an exact mode afterwards if you need one. */
static int cmd_excl(void)
{
	const char *name = ipc_name("excl");
	const char *missing = ipc_name("missing");
	char what[96];
	struct stat st, st2;
	mode_t mask = umask(0); /* umask cannot fail; read it by setting it */
	int h;

	umask(mask);
	int fd = create_obj(name, 0666, &h);
	CHK(fstat(fd, &st), "fstat", name);
	printf("shm_open(\"%s\", O_CREAT|O_EXCL|O_RDWR, 0666) -> fd %d\n", name,
	       fd);
	printf("  umask %04o: mode asked 0666, got %04o\n", (unsigned)mask,
	       (unsigned)(st.st_mode & 07777));
	CHK(fchmod(fd, 0600), "fchmod", name);
	CHK(fstat(fd, &st), "fstat", name);
	printf("  fchmod(fd, 0600) -> mode %04o\n",
	       (unsigned)(st.st_mode & 07777));

	snprintf(what, sizeof(what), "shm_open(NAME, O_CREAT|O_EXCL)");
	expect_errno(shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600) == -1,
		     EEXIST, what);

	/* Without O_CREAT: open the existing object, the same inode. */
	int fd2 = CHK(shm_open(name, O_RDWR, 0), "shm_open", name);
	CHK(fstat(fd2, &st2), "fstat", name);
	printf("  %-44s -> fd %d, inode %llu: %s\n", "shm_open(NAME, O_RDWR)",
	       fd2, (unsigned long long)st2.st_ino,
	       st2.st_ino == st.st_ino ? "the same object" : "ANOTHER object");
	CHK(close(fd2), "close", name);

	expect_errno(shm_open(missing, O_RDWR, 0) == -1, ENOENT,
		     "shm_open(MISSING, O_RDWR)");
	expect_errno(shm_unlink(missing) == -1, ENOENT, "shm_unlink(MISSING)");

	CHK(close(fd), "close", name);
	unlink_obj(name, h);
	printf("removed %s\n", name);
	return 0;
}

/* A new object has size 0.  mmap(2) does not care - it maps a range of the
 * file, whatever the file's size - but touching a page that lies wholly
 * beyond end-of-file raises SIGBUS (si_code BUS_ADRERR).  Forgetting
 * ftruncate is the classic POSIX-shm crash.  Growing the file afterwards
 * makes the SAME mapping usable: the size is the file's, not the mapping's. */
static int cmd_nosize(void)
{
	const char *name = ipc_name("nosize");
	long page = page_size();
	struct stat st;
	int h, fd = create_obj(name, 0600, &h);

	CHK(fstat(fd, &st), "fstat", name);
	printf("new object %s: st_size %lld\n", name, (long long)st.st_size);
	expect_errno(mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED,
		     EINVAL, "mmap(length 0): the size fstat gave");

	char *p = CHK_MAP(mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE,
			       MAP_SHARED, fd, 0),
			  "mmap", name);
	printf("mmap(NULL, %ld, PROT_READ|PROT_WRITE, MAP_SHARED) -> %p: "
	       "mmap itself succeeds\n",
	       page, (void *)p);
	if (!write_faults(SIGBUS, p, 'a'))
		fail("writing beyond end-of-file did NOT fault");
	printf("write to p[0] with size 0: SIGBUS caught (si_code %s)\n",
	       fault_code == BUS_ADRERR ? "BUS_ADRERR" : "other");

	CHK(ftruncate(fd, 100), "ftruncate", name);
	CHK(fstat(fd, &st), "fstat", name);
	printf("ftruncate(fd, 100): st_size %lld\n", (long long)st.st_size);
	if (write_faults(SIGBUS, p, 'a') ||
	    write_faults(SIGBUS, p + page - 1, 'z'))
		fail("writing inside the file's last page faulted");
	printf("write to p[0] and p[%ld] with size 100: fine (the last page "
	       "is usable up to its end)\n",
	       page - 1);

	CHK(munmap(p, (size_t)page), "munmap", name);
	CHK(close(fd), "close", name);
	unlink_obj(name, h);
	printf("removed %s\n", name);
	return 0;
}

/* shm_unlink removes the NAME, as unlink(2) removes a directory entry.
 * The object itself goes away when nothing refers to it any more: no
 * descriptor, no mapping.  So everyone already attached carries on, and
 * the name is free for a new, unrelated object. */
static int cmd_unlink(void)
{
	const char *name = ipc_name("unlink");
	char *path = shm_path(name);
	long page = page_size();
	struct stat st, st_new;
	int h, fd = create_obj(name, 0600, &h);

	CHK(ftruncate(fd, page), "ftruncate", name);
	char *p = CHK_MAP(mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE,
			       MAP_SHARED, fd, 0),
			  "mmap", name);
	strcpy(p, "the old object");
	CHK(fstat(fd, &st), "fstat", name);
	printf("created %s, inode %llu, mapped at %p\n", name,
	       (unsigned long long)st.st_ino, (void *)p);
	print_maps_line(p);

	/* The mapping keeps the object; the descriptor is not needed. */
	CHK(close(fd), "close", name);
	unlink_obj(name, h);
	printf("closed the descriptor and called shm_unlink\n");
	expect_errno(stat(path, &st_new) == -1, ENOENT, "stat(/dev/shm/NAME)");
	expect_errno(shm_open(name, O_RDWR, 0) == -1, ENOENT,
		     "shm_open(NAME, O_RDWR)");
	print_maps_line(p);
	printf("the mapping still reads: \"%s\"\n", p);
	strcpy(p, "written after shm_unlink");
	printf("and still writes: \"%s\"\n", p);

	int fd2 = create_obj(name, 0600, &h);
	CHK(fstat(fd2, &st_new), "fstat", name);
	printf("shm_open(NAME, O_CREAT|O_EXCL) again -> a new object: inode "
	       "%llu (old %llu), size %lld\n",
	       (unsigned long long)st_new.st_ino, (unsigned long long)st.st_ino,
	       (long long)st_new.st_size);
	printf("different object: %s\n",
	       st_new.st_ino != st.st_ino ? "yes" : "NO");
	CHK(close(fd2), "close", name);
	unlink_obj(name, h);

	/* The last reference to the old object: its memory is freed now. */
	CHK(munmap(p, (size_t)page), "munmap", name);
	printf("munmap: the old object is gone too\n");
	return 0;
}

/* ---- persistence: separate processes, one object --------------------- */

static char *slurp_stdin(size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = xrealloc(NULL, cap);

	for (;;) {
		if (n == cap) {
			if (cap >= MAX_DATA)
				fail("standard input is larger than %d bytes",
				     MAX_DATA);
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t r = CHK(read(0, buf + n, cap - n), "read", "stdin");
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

static void write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = CHK(write(fd, p, len), "write", "stdout");
		p += w;
		len -= (size_t)w;
	}
}

static int cmd_create(const char *text)
{
	const char *name = ipc_name("persist");
	size_t len;
	char *data;
	int h;

	if (text) {
		len = strlen(text) + 1;
		data = xrealloc(NULL, len);
		memcpy(data, text, len - 1);
		data[len - 1] = '\n';
	} else {
		if (isatty(0))
			fprintf(stderr,
				"%s: reading the data from standard "
				"input (end it with Ctrl-D)\n",
				lab_prog);
		data = slurp_stdin(&len);
	}
	int fd = create_obj(name, 0600, &h);

	/* The size is exactly LEN; a reader learns it with fstat.  An empty
	 * object is fine (size 0), but cannot be mapped: mmap rejects length
	 * 0 with EINVAL, so skip the mapping then. */
	CHK(ftruncate(fd, (off_t)len), "ftruncate", name);
	if (len > 0) {
		char *p = CHK_MAP(mmap(NULL, len, PROT_READ | PROT_WRITE,
				       MAP_SHARED, fd, 0),
				  "mmap", name);
		memcpy(p, data, len);
		CHK(munmap(p, len), "munmap", name);
	}
	CHK(close(fd), "close", name);
	free(data);
	printf("created %s (%s), %zu bytes, by pid %ld; exiting without "
	       "shm_unlink\n",
	       name, shm_path(name), len, (long)getpid());
	cleanup_done(h); /* deliberately left for `read` and `remove` */
	return 0;
}

static int cmd_read(void)
{
	const char *name = ipc_name("persist");
	size_t len = 0;
	int fd = CHK(shm_open(name, O_RDONLY, 0), "shm_open", name);

	/* BEGIN EXERCISE 10.1: Another process made the object; learn its
	 * size with fstat(2) and put it in LEN (the bytes to map and copy).
	 * Hint: st_size is exactly what the creator's ftruncate set. */
	struct stat st;

	CHK(fstat(fd, &st), "fstat", name);
	len = (size_t)st.st_size;
	/* END EXERCISE */
	fprintf(stderr, "%s: %s: %zu bytes\n", lab_prog, name, len);
	if (len > 0) {
		const char *p =
			CHK_MAP(mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0),
				"mmap", name);
		write_all(1, p, len);
		CHK(munmap((void *)p, len), "munmap", name);
	}
	CHK(close(fd), "close", name);
	return 0;
}

static int cmd_info(void)
{
	const char *name = ipc_name("persist");
	char *path = shm_path(name);
	struct stat st, pst;
	struct statfs fs;
	int fd = CHK(shm_open(name, O_RDONLY, 0), "shm_open", name);

	CHK(fstat(fd, &st), "fstat", name);
	CHK(stat(path, &pst), "stat", path);
	CHK(fstatfs(fd, &fs), "fstatfs", name);
	printf("name    %s\n", name);
	printf("path    %s\n", path);
	printf("size    %lld bytes (st_size, set by ftruncate)\n",
	       (long long)st.st_size);
	printf("mode    %04o\n", (unsigned)(st.st_mode & 07777));
	printf("type    %s\n", S_ISREG(st.st_mode) ? "regular file" : "other");
	printf("owner   uid %u gid %u\n", (unsigned)st.st_uid,
	       (unsigned)st.st_gid);
	printf("inode   %llu (same file as the path: %s)\n",
	       (unsigned long long)st.st_ino,
	       st.st_ino == pst.st_ino && st.st_dev == pst.st_dev ? "yes"
								  : "no");
	printf("links   %lu\n", (unsigned long)st.st_nlink);
	printf("fs      %s (f_type 0x%08lx)\n",
	       (unsigned long)fs.f_type == 0x01021994ul ? "tmpfs" : "not tmpfs",
	       (unsigned long)fs.f_type);
	CHK(close(fd), "close", name);
	return 0;
}

static int cmd_remove(void)
{
	const char *name = ipc_name("persist");

	CHK(shm_unlink(name), "shm_unlink", name);
	printf("removed %s (%s)\n", name, shm_path(name));
	return 0;
}

/* An object that belongs to a running program: unlinked at EOF on stdin,
 * or by the cleanup registry on Ctrl-C, SIGTERM and SIGHUP.  After SIGKILL
 * it stays in /dev/shm until `make clean-ipc` (which finds it by prefix). */
static int cmd_scratch(void)
{
	const char *name = ipc_name("scratch");
	long page = page_size();
	char buf[256];
	int h, fd = create_obj(name, 0600, &h);

	CHK(ftruncate(fd, page), "ftruncate", name);
	char *p = CHK_MAP(mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE,
			       MAP_SHARED, fd, 0),
			  "mmap", name);
	strcpy(p, "scratch data");
	printf("scratch: %s pid %ld; unlinked at EOF on stdin, Ctrl-C or "
	       "SIGTERM (not after SIGKILL)\n",
	       shm_path(name), (long)getpid());
	while (CHK(read(0, buf, sizeof(buf)), "read", "stdin") > 0)
		continue;
	CHK(munmap(p, (size_t)page), "munmap", name);
	CHK(close(fd), "close", name);
	unlink_obj(name, h);
	printf("scratch: removed %s\n", name);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int min, max; /* number of arguments after the command */
		int (*run0)(void);
		int (*run1)(const char *);
	} cmds[] = {
		{ "names", 0, 0, cmd_names, NULL },
		{ "excl", 0, 0, cmd_excl, NULL },
		{ "nosize", 0, 0, cmd_nosize, NULL },
		{ "unlink", 0, 0, cmd_unlink, NULL },
		{ "create", 0, 1, NULL, cmd_create },
		{ "read", 0, 0, cmd_read, NULL },
		{ "info", 0, 0, cmd_info, NULL },
		{ "remove", 0, 0, cmd_remove, NULL },
		{ "scratch", 0, 0, cmd_scratch, NULL },
	};

	lab_init(argc, argv);
	if (argc < 2)
		usage_error(usage, NULL);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		int nargs = argc - 2;
		if (nargs < cmds[i].min || nargs > cmds[i].max)
			usage_error(usage, "wrong number of arguments");
		if (cmds[i].run0)
			return cmds[i].run0();
		return cmds[i].run1(nargs ? argv[2] : NULL);
	}
	usage_error(usage, "unknown command");
}
