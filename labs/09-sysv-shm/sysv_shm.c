/*
 * sysv_shm.c - Lab 9: System V shared memory, one observable step at a time.
 *
 * WHAT IT SHOWS
 *   System V shared memory is the oldest Unix shared-memory API:
 *     shmget(2)  find or create a segment by KEY and return its id,
 *     shmat(2)   map ("attach") the segment into this process,
 *     shmdt(2)   unmap ("detach") it,
 *     shmctl(2)  IPC_STAT (read its shmid_ds), IPC_SET (owner and mode),
 *                IPC_RMID (remove it).
 *   Every subcommand below does one of these things and prints what the
 *   kernel reports, so each fact of the lab is something you can see.
 *
 * HOW TO RUN
 *   make lab-9 runs the narrated demo.  By hand (after `make`):
 *     build/09-sysv-shm/sysv_shm private     IPC_PRIVATE: always a new segment
 *     build/09-sysv-shm/sysv_shm ftok [PATH] a key made by ftok(3), decoded
 *     build/09-sysv-shm/sysv_shm excl        EEXIST, ENOENT and EINVAL
 *     build/09-sysv-shm/sysv_shm size        100 bytes asked, a page mapped
 *     build/09-sysv-shm/sysv_shm addr        shmat(NULL) vs an address, SHM_RND
 *     build/09-sysv-shm/sysv_shm rdonly      SHM_RDONLY, then a write: SIGSEGV
 *     build/09-sysv-shm/sysv_shm stat        IPC_STAT with two attached: nattch 2
 *     build/09-sysv-shm/sysv_shm rmid        IPC_RMID while attached
 *   Kernel persistence takes separate processes, so it is split in steps
 *   that act on one segment, key ipc_key("persist"):
 *     sysv_shm create "hello"    create, write, exit without removing
 *     ipcs -m                    it is still there, with nobody attached
 *     sysv_shm read              a later process reads the same bytes
 *     sysv_shm info              IPC_STAT: mode, size, nattch, pids, times
 *     sysv_shm chmod 640         IPC_SET, then `ipcs -m` shows perms 640
 *     sysv_shm hold              attach and wait for EOF on stdin; meanwhile
 *     sysv_shm remove            IPC_RMID: `ipcs -m` shows key 0, "dest"
 *   sysv_shm scratch owns a segment until EOF on stdin: try Ctrl-C (the
 *   segment goes) and kill -KILL (it stays; `make clean-ipc` removes it).
 *
 * WHAT TO OBSERVE
 *   - A key is only a rendezvous number; the id is what the calls use.
 *   - shm_segsz keeps the size you asked for (100), but memory comes in
 *     pages: the mapping in /proc/self/maps and the rss column of
 *     /proc/sysvipc/shm are a whole page.
 *   - The mapping is a file "/SYSV<key in hex> (deleted)" whose inode number
 *     is the shmid: the segment really is a file of the kernel's internal
 *     shm filesystem (see the lab guide's diagram).
 *   - A segment outlives its creator (kernel persistence) and IPC_RMID only
 *     marks it "dest": it disappears at the last detach.
 *
 * The seed (a classic Chinese tutorial on Linux shared memory) gets several
 * details wrong; look for "Seed bug:" below.
 *
 * Man pages: shmget(2), shmat(2) (also shmdt), shmctl(2), ftok(3),
 * svipc(7) (struct ipc_perm), ipcs(1), ipcrm(1), proc(5)
 * (/proc/sysvipc/shm, /proc/sys/kernel/shm*).
 */
#include "shmlabs.h"

#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"COMMAND [ARG]\n"
	"demonstrations (each creates and removes its own segments):\n"
	"  private        shmget(IPC_PRIVATE) twice: two new segments, key 0\n"
	"  ftok [PATH]    the key ftok(PATH, 'S') makes, decoded (default: a\n"
	"                 new file in $TMPDIR), and a segment created with it\n"
	"  excl           IPC_CREAT|IPC_EXCL twice (EEXIST), a missing key\n"
	"                 (ENOENT), a size larger than the segment (EINVAL)\n"
	"  size           ask for 100 bytes: shm_segsz 100, one page mapped\n"
	"  addr           shmat(NULL), an unaligned address, SHM_RND\n"
	"  rdonly         attach with SHM_RDONLY; a write raises SIGSEGV\n"
	"  stat           IPC_STAT while parent and child are attached\n"
	"  rmid           IPC_RMID while attached: usable until the last "
	"shmdt\n"
	"kernel persistence (one segment per SHMLABS_PREFIX):\n"
	"  create [TEXT]  create it, store TEXT and a newline (or all of\n"
	"                 stdin), detach and exit: the segment stays\n"
	"  read           attach read-only, copy the stored bytes to stdout\n"
	"  info           IPC_STAT: key, id, mode, size, nattch, pids, times\n"
	"  chmod MODE     IPC_SET: new permission bits (octal, e.g. 640)\n"
	"  hold           attach; at EOF on stdin read it once more, detach\n"
	"  remove         IPC_RMID\n"
	"cleanup:\n"
	"  scratch        create a segment, wait for EOF on stdin, remove it;\n"
	"                 Ctrl-C and SIGTERM remove it too, SIGKILL cannot";

/* The request of the `size` demonstration: less than a page on purpose. */
enum { SMALL = 100 };
/* The largest input `create` stores (a segment may be much bigger; this
 * only keeps a typo like `create < /dev/zero` from eating memory). */
enum { MAX_DATA = 16 << 20 };

/* ---- naming objects in messages ----------------------------------- */

/* CHK's OBJECT for a key or an id.  A few rotating buffers, so one
 * printf may use two of them. */
static const char *obj_key(key_t key)
{
	static char buf[4][32];
	static int n;
	char *b = buf[n++ % 4];

	snprintf(b, sizeof(buf[0]), "key 0x%08x", (unsigned)key);
	return b;
}

static const char *obj_id(int id)
{
	static char buf[4][32];
	static int n;
	char *b = buf[n++ % 4];

	snprintf(b, sizeof(buf[0]), "shmid %d", id);
	return b;
}

/* "shmid N, IPC_STAT": shmctl's object names the command too. */
static const char *obj_ctl(int id, const char *cmd)
{
	static char buf[4][48];
	static int n;
	char *b = buf[n++ % 4];

	snprintf(b, sizeof(buf[0]), "shmid %d, %s", id, cmd);
	return b;
}

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

/* ---- thin, checked wrappers ---------------------------------------- */

/* Create a new segment that nobody else has: IPC_CREAT|IPC_EXCL.  It is
 * registered with the cleanup registry at once, so an error or Ctrl-C in
 * any later step still removes it.  Mode 0600: the seed's 0666 lets every
 * user on the machine read and overwrite the data. */
static int create_seg(key_t key, size_t size, int *handle)
{
	int id = CHK(shmget(key, size, IPC_CREAT | IPC_EXCL | 0600), "shmget",
		     obj_key(key));

	*handle = cleanup_add(CL_SYSV_SHM, NULL, id);
	return id;
}

static void remove_seg(int id, int handle)
{
	CHK(shmctl(id, IPC_RMID, NULL), "shmctl", obj_ctl(id, "IPC_RMID"));
	cleanup_done(handle);
}

/* shmat(2) reports failure as (void *)-1, not NULL.
 * Seed bug: the seed compares with (char *)(-1), which is right, but it
 * describes the return value as "-1" and its shmget check prints
 * perror("semget"), so a failure would name the wrong call. */
static void *attach(int id, const void *addr, int flags)
{
	return CHK_MAP(shmat(id, addr, flags), "shmat", obj_id(id));
}

static void detach(const void *p, int id)
{
	CHK(shmdt(p), "shmdt", obj_id(id));
}

static void stat_seg(int id, struct shmid_ds *ds)
{
	CHK(shmctl(id, IPC_STAT, ds), "shmctl", obj_ctl(id, "IPC_STAT"));
}

/* A call that must fail with WANT.  FAILED is the caller's "r == -1"; errno
 * is read here, before anything else can change it.  Prints the observation,
 * or exits 1 when the kernel did something else. */
static void expect_errno(bool failed, int want, const char *what)
{
	int err = errno;

	if (!failed)
		fail("%s succeeded, but %s was expected", what,
		     errno_name(want));
	if (err != want)
		fail("%s failed with %s, but %s was expected", what,
		     errno_name(err), errno_name(want));
	printf("  %-46s -> %s (%s), as expected\n", what, errno_name(err),
	       strerror(err));
}

/* The mode bits the kernel reports, and what the extra bits mean.
 * SHM_DEST (01000) is set by IPC_RMID, SHM_LOCKED (02000) by SHM_LOCK. */
static const char *status_str(unsigned mode)
{
	if (mode & SHM_DEST)
		return (mode & SHM_LOCKED) ? "dest,locked" : "dest";
	return (mode & SHM_LOCKED) ? "locked" : "-";
}

static const char *time_str(time_t t)
{
	static char buf[4][32];
	static int n;
	char *b = buf[n++ % 4];
	struct tm tm;

	if (t == 0)
		return "never";
	if (!localtime_r(&t, &tm) ||
	    strftime(b, sizeof(buf[0]), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(b, sizeof(buf[0]), "%lld", (long long)t);
	return b;
}

/* Every field of struct shmid_ds (shmctl(2)), one per line: "name value". */
static void print_info(int id)
{
	struct shmid_ds ds;

	stat_seg(id, &ds);
	/* glibc calls the key field __key: POSIX does not promise it. */
	printf("key     0x%08x\n", (unsigned)ds.shm_perm.__key);
	printf("id      %d\n", id);
	printf("owner   uid %u gid %u (creator uid %u gid %u)\n",
	       (unsigned)ds.shm_perm.uid, (unsigned)ds.shm_perm.gid,
	       (unsigned)ds.shm_perm.cuid, (unsigned)ds.shm_perm.cgid);
	printf("mode    %04o\n", ds.shm_perm.mode & 0777u);
	printf("status  %s\n", status_str(ds.shm_perm.mode));
	printf("size    %zu bytes (shm_segsz: what shmget was asked for)\n",
	       (size_t)ds.shm_segsz);
	printf("nattch  %lu\n", (unsigned long)ds.shm_nattch);
	printf("cpid    %ld (created it)\n", (long)ds.shm_cpid);
	printf("lpid    %ld (last shmat or shmdt)\n", (long)ds.shm_lpid);
	printf("atime   %s (last shmat)\n", time_str(ds.shm_atime));
	printf("dtime   %s (last shmdt)\n", time_str(ds.shm_dtime));
	printf("ctime   %s (created, or last IPC_SET)\n",
	       time_str(ds.shm_ctime));
}

/* Print the row of /proc/sysvipc/shm for ID as "name=value" pairs.  This
 * file is where ipcs(1) gets its data; it lists every segment of the IPC
 * namespace, including columns shmid_ds lacks (rss and swap, in bytes). */
static void print_proc_row(int id)
{
	static const char path[] = "/proc/sysvipc/shm";
	static const char *const want[] = { "key",  "shmid", "perms",  "size",
					    "cpid", "lpid",  "nattch", "uid",
					    "rss",  "swap" };
	char head[512], row[512], *hv[32], *rv[32], *save;
	int nh = 0, nr = 0;
	bool found = false;
	FILE *f = open_or_die(path);

	if (!fgets(head, sizeof(head), f))
		fail("%s: empty", path);
	for (char *t = strtok_r(head, " \n", &save); t && nh < 32;
	     t = strtok_r(NULL, " \n", &save))
		hv[nh++] = t;
	while (!found && fgets(row, sizeof(row), f)) {
		nr = 0;
		for (char *t = strtok_r(row, " \n", &save); t && nr < 32;
		     t = strtok_r(NULL, " \n", &save))
			rv[nr++] = t;
		found = nr > 1 && atoi(rv[1]) == id;
	}
	fclose(f);
	if (!found) {
		printf("  %s: no row for shmid %d\n", path, id);
		return;
	}
	printf("  %s:", path);
	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++)
		for (int i = 0; i < nh && i < nr; i++) {
			if (strcmp(hv[i], want[w]) != 0)
				continue;
			if (i == 0) /* the key column is printed in decimal */
				printf(" key=0x%08x",
				       (unsigned)strtoul(rv[i], NULL, 10));
			else
				printf(" %s=%s", hv[i], rv[i]);
		}
	printf("\n");
}

/* Find the line of /proc/self/maps for the mapping that starts at ADDR,
 * copy it to LINE and return the mapping's size in bytes (0: not found). */
static size_t mapping_size(const void *addr, char *line, size_t linesz)
{
	static const char path[] = "/proc/self/maps";
	size_t size = 0;
	FILE *f = open_or_die(path);

	while (size == 0 && fgets(line, (int)linesz, f)) {
		/* BEGIN EXERCISE 9.1: Each line of /proc/self/maps starts
		 * "START-END perms offset dev inode path", START and END in
		 * hex.  When START is ADDR, set size to END - START (the loop
		 * then stops with the line in LINE).  Hint: sscanf with
		 * "%" SCNxPTR "-%" SCNxPTR into two uintptr_t. */
		uintptr_t start, end;

		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR, &start, &end) == 2 &&
		    start == (uintptr_t)addr)
			size = end - start;
		/* STUB
		(void)addr;
		*/
		/* END EXERCISE */
	}
	fclose(f);
	if (size == 0)
		line[0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	return size;
}

static long page_size(void)
{
	return CHK(sysconf(_SC_PAGESIZE), "sysconf", "_SC_PAGESIZE");
}

/* ---- catching the fault of a forbidden write -------------------------- */

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_code;
static void *volatile fault_addr;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)ctx;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(fault_jmp, 1); /* abandon the faulting instruction */
}

/* Store C at P.  Returns true if that raised SIGNO (which is caught and
 * reported), false if the store simply worked. */
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

/* IPC_PRIVATE is not "private": it means "no key, always a new segment".
 * Anybody who learns the id (and has permission) can attach it; the id is
 * usually passed to a child through fork(2), as the children inherit the
 * attachment anyway.  Note that IPC_CREAT is not needed with IPC_PRIVATE. */
static int cmd_private(void)
{
	int h1, h2;
	int a = create_seg(IPC_PRIVATE, SMALL, &h1);
	int b = create_seg(IPC_PRIVATE, SMALL, &h2);
	struct shmid_ds da, db;

	stat_seg(a, &da);
	stat_seg(b, &db);
	printf("shmget(IPC_PRIVATE, %d, 0600) -> shmid %d, key 0x%08x\n", SMALL,
	       a, (unsigned)da.shm_perm.__key);
	printf("shmget(IPC_PRIVATE, %d, 0600) -> shmid %d, key 0x%08x\n", SMALL,
	       b, (unsigned)db.shm_perm.__key);
	printf("two calls, two different segments: %s\n",
	       a != b ? "yes" : "NO");
	print_proc_row(a);
	print_proc_row(b);
	remove_seg(a, h1);
	remove_seg(b, h2);
	printf("removed both\n");
	return 0;
}

/* ftok(3) turns an existing file into a key:
 *     key = (proj_id & 0xff) << 24 | (st_dev & 0xff) << 16 | (st_ino & 0xffff)
 * (glibc's formula).  Its weaknesses follow from that line:
 *   - only 8 bits of the device and 16 of the inode survive, so two
 *     different files can give the same key (a collision that makes two
 *     unrelated programs share a segment);
 *   - the key names the inode, not the path: delete and recreate the file
 *     and the key changes, so a restarted program no longer finds the old
 *     segment (and the old one stays, with kernel persistence);
 *   - the file must exist, and proj_id 0 is unspecified by POSIX.
 * Our choice: proj_id 'S' (0x53).  ipc_key() in common/ puts 0x53 in the top
 * byte of every key of this suite, and `make clean-ipc` recognises our
 * leftovers by exactly that byte, so with 'S' a segment made by ftok is found
 * too.  Any other proj_id would hide it from clean-ipc. */
static int cmd_ftok(const char *path)
{
	char tmpl[4096];
	int path_h = -1, seg_h;
	struct stat st;

	if (path && !*path) /* ftok("") would report ENOENT about "" */
		fail("ftok: the PATH is an empty string: name an existing "
		     "file");
	if (!path) {
		/* No PATH: make a fresh file in $TMPDIR, removed at exit. */
		const char *dir = getenv("TMPDIR");
		int fd;

		snprintf(tmpl, sizeof(tmpl), "%s/sysv-ftok.XXXXXX",
			 dir && *dir ? dir : "/tmp");
		fd = CHK(mkstemp(tmpl), "mkstemp", tmpl);
		path_h = cleanup_add(CL_PATH, tmpl, -1);
		CHK(close(fd), "close", tmpl);
		path = tmpl;
	}
	/* ftok fails exactly when stat(2) does: it only needs the inode, so a
	 * directory, an empty or an unreadable file are all fine. */
	key_t key = CHK(ftok(path, 'S'), "ftok", path);
	CHK(stat(path, &st), "stat", path);
	unsigned dev8 = (unsigned)(st.st_dev & 0xff);
	unsigned ino16 = (unsigned)(st.st_ino & 0xffff);
	unsigned built = 0x53u << 24 | dev8 << 16 | ino16;

	printf("file %s: st_dev 0x%llx, st_ino %llu (0x%llx)\n", path,
	       (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
	       (unsigned long long)st.st_ino);
	printf("ftok(path, 'S') = 0x%08x\n", (unsigned)key);
	printf("  = proj 'S' 0x53 | dev & 0xff 0x%02x | ino & 0xffff 0x%04x"
	       " -> 0x%08x (%s)\n",
	       dev8, ino16, built,
	       built == (unsigned)key ? "matches" : "glibc differs here");
	printf("  weakness: every file on a device ending in 0x%02x whose "
	       "inode ends in 0x%04x gets this key\n",
	       dev8, ino16);

	/* IPC_EXCL turns a silent collision into a visible error. */
	int id = shmget(key, SMALL, IPC_CREAT | IPC_EXCL | 0600);
	if (id == -1 && errno == EEXIST)
		fail("key 0x%08x is already in use: another file with the same "
		     "24 bits (ftok's weakness) or a leftover (make clean-ipc)",
		     (unsigned)key);
	if (id == -1)
		die("shmget", obj_key(key));
	seg_h = cleanup_add(CL_SYSV_SHM, NULL, id);
	printf("shmget(0x%08x, %d, IPC_CREAT|IPC_EXCL|0600) -> shmid %d\n",
	       (unsigned)key, SMALL, id);
	print_proc_row(id);
	remove_seg(id, seg_h);
	printf("removed shmid %d\n", id);
	if (path_h >= 0) {
		CHK(unlink(path), "unlink", path);
		cleanup_done(path_h);
	}
	return 0;
}

/* The flag combinations of shmget(2), and the errors they give. */
static int cmd_excl(void)
{
	key_t key = ipc_key("excl"), missing = ipc_key("missing");
	char what[96];
	int h, id = create_seg(key, SMALL, &h);

	printf("shmget(0x%08x, %d, IPC_CREAT|IPC_EXCL|0600) -> shmid %d "
	       "(created)\n",
	       (unsigned)key, SMALL, id);

	/* The second exclusive create must fail: this is how one of several
	 * cooperating processes learns that it is not the first. */
	snprintf(what, sizeof(what), "shmget(0x%08x, %d, IPC_CREAT|IPC_EXCL)",
		 (unsigned)key, SMALL);
	expect_errno(shmget(key, SMALL, IPC_CREAT | IPC_EXCL | 0600) == -1,
		     EEXIST, what);

	/* Seed bug: the seed uses 0666|IPC_CREAT only.  That opens whatever
	 * segment has the key - perhaps a stale one from a crashed run, with
	 * old contents - and never tells you it was not new. */
	int again = CHK(shmget(key, SMALL, IPC_CREAT | 0600), "shmget",
			obj_key(key));
	printf("  %-46s -> shmid %d: the existing one, silently\n",
	       "shmget(key, 100, IPC_CREAT)", again);

	/* To look a segment up, pass size 0 and no IPC_CREAT. */
	again = CHK(shmget(key, 0, 0), "shmget", obj_key(key));
	printf("  %-46s -> shmid %d\n", "shmget(key, 0, 0)", again);

	/* Asking for more than the existing segment holds is an error. */
	expect_errno(shmget(key, 8192, 0) == -1, EINVAL,
		     "shmget(key, 8192, 0) on a 100-byte segment");

	/* Without IPC_CREAT a key nobody created is simply not there. */
	snprintf(what, sizeof(what), "shmget(0x%08x, %d, 0600)",
		 (unsigned)missing, SMALL);
	expect_errno(shmget(missing, SMALL, 0600) == -1, ENOENT, what);

	remove_seg(id, h);
	printf("removed shmid %d\n", id);
	return 0;
}

/* Memory is handed out in pages.  The segment remembers the size that was
 * asked for (shm_segsz, and the "size" column of ipcs), but the object
 * behind it, and every mapping of it, is rounded up to whole pages.
 * Seed bug: the seed says the size "should be a multiple of 1024 (4k
 * aligned)".  Any size from 1 (SHMMIN) up to SHMMAX is valid; the kernel
 * rounds up for you, and the extra bytes of the last page are simply
 * usable, zero-filled, memory. */
static int cmd_size(void)
{
	struct shmid_ds ds;
	char line[512];
	long page = page_size();
	int h, id = create_seg(IPC_PRIVATE, SMALL, &h);

	stat_seg(id, &ds);
	printf("shmget(IPC_PRIVATE, %d, 0600) -> shmid %d\n", SMALL, id);
	printf("shm_segsz %zu\n", (size_t)ds.shm_segsz);

	char *p = attach(id, NULL, 0);
	size_t map = mapping_size(p, line, sizeof(line));
	printf("shmat(shmid %d, NULL, 0) -> %p\n", id, (void *)p);
	printf("mapping %zu bytes (%zu page(s) of %ld)\n", map,
	       map / (size_t)page, page);
	printf("  /proc/self/maps: %s\n", line);
	printf("  (the path is the segment's file in the kernel's internal shm "
	       "filesystem, its inode number is the shmid)\n");

	/* Touch the first byte and the last byte of the page: both are ours. */
	p[0] = 'a';
	p[page - 1] = 'z';
	printf("wrote p[0] and p[%ld]: byte %ld is past the 100 asked for, "
	       "still inside the page, no fault\n",
	       page - 1, page - 1);
	print_proc_row(id); /* rss: one page is now resident */
	detach(p, id);
	remove_seg(id, h);
	printf("removed shmid %d\n", id);
	return 0;
}

/* shmat(2)'s address argument.
 * Seed bug: the seed says shmaddr is only used when SHM_RND is set.  In
 * fact a non-NULL shmaddr is always used; it must be a multiple of SHMLBA
 * (EINVAL otherwise) unless SHM_RND asks the kernel to round it DOWN to one.
 * NULL lets the kernel choose, which is what portable code does. */
static int cmd_addr(void)
{
	int h, id = create_seg(IPC_PRIVATE, SMALL, &h);
	char *p = attach(id, NULL, 0);
	long page = page_size();

	printf("SHMLBA %ld (page size %ld)\n", (long)SHMLBA, page);
	printf("shmat(shmid %d, NULL, 0) -> %p (kernel's choice, %s)\n", id,
	       (void *)p,
	       (uintptr_t)p % (uintptr_t)SHMLBA ? "UNALIGNED" : "aligned");
	detach(p, id);

	/* The range is free again; ask for it explicitly, one byte off. */
	char *odd = p + 1;
	expect_errno(shmat(id, odd, 0) == (void *)-1, EINVAL,
		     "shmat(shmid, addr + 1, 0)");
	char *q = attach(id, odd, SHM_RND);
	printf("  %-46s -> %p (rounded down: %s)\n",
	       "shmat(shmid, addr + 1, SHM_RND)", (void *)q,
	       q == p ? "yes" : "NO");
	detach(q, id);
	remove_seg(id, h);
	printf("removed shmid %d\n", id);
	return 0;
}

/* Two attachments of one segment in one process: two virtual addresses,
 * the same physical page.  The read-only one really is read-only: the page
 * table entry has no write permission, so a store raises SIGSEGV (si_code
 * SEGV_ACCERR: the page is mapped, the access is not allowed). */
static int cmd_rdonly(void)
{
	static const char text[] = "written through the read-write attach";
	char line[512];
	int h, id = create_seg(IPC_PRIVATE, SMALL, &h);
	char *w = attach(id, NULL, 0);
	const char *r = attach(id, NULL, SHM_RDONLY);

	memcpy(w, text, sizeof(text));
	printf("read-write attach at %p, read-only attach at %p\n", (void *)w,
	       (const void *)r);
	mapping_size(w, line, sizeof(line));
	printf("  %s\n", line);
	mapping_size(r, line, sizeof(line));
	printf("  %s\n", line);
	printf("read through the read-only attach: \"%s\"\n", r);

	fault_addr = NULL;
	if (!write_faults(SIGSEGV, (volatile char *)r, 'X'))
		fail("writing through the SHM_RDONLY attach did NOT fault");
	printf("write through the read-only attach: SIGSEGV caught "
	       "(si_code %s, si_addr %s the attach)\n",
	       fault_code == SEGV_ACCERR ? "SEGV_ACCERR" : "other",
	       fault_addr == r ? "==" : "!=");
	printf("the segment is unchanged: \"%s\"\n", w);
	detach(r, id);
	detach(w, id);
	remove_seg(id, h);
	printf("removed shmid %d\n", id);
	return 0;
}

/* One line of the IPC_STAT timeline of `stat`. */
static void stat_line(const char *when, int id)
{
	struct shmid_ds ds;

	stat_seg(id, &ds);
	printf("%-26s nattch %lu  cpid %ld  lpid %ld  atime %s  dtime %s\n",
	       when, (unsigned long)ds.shm_nattch, (long)ds.shm_cpid,
	       (long)ds.shm_lpid, time_str(ds.shm_atime),
	       time_str(ds.shm_dtime));
}

static void send_byte(int fd)
{
	CHK(write(fd, "x", 1), "write", "pipe");
}

/* Wait for one byte; EOF means the other process died. */
static void wait_byte(int fd, const char *who)
{
	char c;

	if (CHK(read(fd, &c, 1), "read", "pipe") == 0)
		fail("the %s went away", who);
}

/* IPC_STAT while two processes are attached.  The child is forked BEFORE
 * the parent attaches: a forked child inherits its parent's attachments
 * (and nattch counts them), which would blur who attached when.  Here
 * each process calls shmat itself, and pipes say whose turn it is. */
static int cmd_stat(void)
{
	int h, id = create_seg(ipc_key("stat"), SMALL, &h);
	int to_child[2], to_parent[2];

	CHK(pipe(to_child), "pipe", "to_child");
	CHK(pipe(to_parent), "pipe", "to_parent");
	pid_t child = CHK(fork(), "fork", NULL);
	if (child == 0) {
		CHK(close(to_child[1]), "close", "pipe");
		CHK(close(to_parent[0]), "close", "pipe");
		wait_byte(to_child[0], "parent");
		const void *cp = attach(id, NULL, SHM_RDONLY);
		send_byte(to_parent[1]);
		wait_byte(to_child[0], "parent");
		detach(cp, id);
		send_byte(to_parent[1]);
		_exit(0);
	}
	CHK(close(to_child[0]), "close", "pipe");
	CHK(close(to_parent[1]), "close", "pipe");

	printf("parent pid %ld, child pid %ld\n", (long)getpid(), (long)child);
	print_info(id);
	printf("timeline:\n");
	stat_line("after shmget", id);
	char *p = attach(id, NULL, 0);
	stat_line("after parent's shmat", id);
	send_byte(to_child[1]);
	wait_byte(to_parent[0], "child");
	stat_line("after child's shmat", id);
	print_proc_row(id);
	send_byte(to_child[1]);
	wait_byte(to_parent[0], "child");
	stat_line("after child's shmdt", id);
	detach(p, id);
	stat_line("after parent's shmdt", id);

	int status;
	CHK(waitpid(child, &status, 0), "waitpid", "child");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("the child failed");
	CHK(close(to_child[1]), "close", "pipe");
	CHK(close(to_parent[0]), "close", "pipe");
	remove_seg(id, h);
	printf("removed shmid %d\n", id);
	return 0;
}

/* IPC_RMID only marks the segment for destruction (SHM_DEST) while anyone
 * is attached.  From then on the key is 0 (IPC_PRIVATE), so shmget can no
 * longer find it and the key is free for a new segment; the memory stays
 * valid for those attached, and goes away at the last shmdt (or exit). */
static int cmd_rmid(void)
{
	key_t key = ipc_key("rmid");
	struct shmid_ds ds;
	int h, id = create_seg(key, SMALL, &h);
	char *p = attach(id, NULL, 0);

	strcpy(p, "written before IPC_RMID");
	stat_seg(id, &ds);
	printf("before: shmid %d key 0x%08x mode %04o status %s nattch %lu\n",
	       id, (unsigned)ds.shm_perm.__key, ds.shm_perm.mode & 0777u,
	       status_str(ds.shm_perm.mode), (unsigned long)ds.shm_nattch);
	print_proc_row(id);

	remove_seg(id, h); /* our removal: the registry can forget it */
	stat_seg(id, &ds);
	printf("after IPC_RMID: shmid %d key 0x%08x mode %04o status %s "
	       "nattch %lu\n",
	       id, (unsigned)ds.shm_perm.__key, ds.shm_perm.mode & 0777u,
	       status_str(ds.shm_perm.mode), (unsigned long)ds.shm_nattch);
	print_proc_row(id); /* perms 1600: SHM_DEST is bit 01000 */
	printf("still readable: \"%s\"\n", p);
	strcpy(p, "written after IPC_RMID");
	printf("still writable: \"%s\"\n", p);

	expect_errno(shmget(key, 0, 0) == -1, ENOENT, "shmget(old key, 0, 0)");
	int h2, id2 = create_seg(key, SMALL, &h2);
	printf("  %-46s -> shmid %d: a new segment\n",
	       "shmget(old key, 100, IPC_CREAT|IPC_EXCL)", id2);
	remove_seg(id2, h2);

	/* Linux-only: attaching a "dest" segment by id still works (other
	 * systems refuse).  Portable code must not rely on it. */
	const char *p2 = attach(id, NULL, SHM_RDONLY);
	stat_seg(id, &ds);
	printf("shmat by id after IPC_RMID (Linux only): %s, nattch %lu\n",
	       strcmp(p2, p) == 0 ? "same bytes" : "DIFFERENT",
	       (unsigned long)ds.shm_nattch);
	detach(p2, id);
	detach(p, id);
	expect_errno(shmctl(id, IPC_STAT, &ds) == -1, EINVAL,
		     "shmctl(IPC_STAT) after the last shmdt");
	printf("the segment is gone\n");
	return 0;
}

/* ---- kernel persistence: separate processes, one segment ------------- */

/* All of stdin, for `create` without TEXT. */
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

/* Write all LEN bytes (write(2) may write fewer). */
static void write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t w = CHK(write(fd, p, len), "write", "stdout");
		p += w;
		len -= (size_t)w;
	}
}

/* The persistent segment's id; exit 1 with a clear message if none. */
static int persist_id(void)
{
	key_t key = ipc_key("persist");

	return CHK(shmget(key, 0, 0), "shmget", obj_key(key));
}

static int cmd_create(const char *text)
{
	key_t key = ipc_key("persist");
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
	/* Size exactly LEN: shm_segsz then tells a reader how many bytes
	 * there are.  A segment has at least SHMMIN (1) byte: shmget would
	 * refuse size 0 with EINVAL, so say it in words. */
	if (len == 0)
		fail("nothing to store: the input is empty, and a segment "
		     "needs "
		     "at least 1 byte (SHMMIN)");
	int id = create_seg(key, len, &h);
	char *p = attach(id, NULL, 0);

	memcpy(p, data, len);
	detach(p, id);
	free(data);
	printf("created shmid %d, key 0x%08x, %zu bytes, by pid %ld; exiting "
	       "without IPC_RMID\n",
	       id, (unsigned)key, len, (long)getpid());

	/* With kernel.shm_rmid_forced = 1 the kernel destroys a segment when
	 * its creator exits if nobody is attached: no persistence then. */
	/* Optional: an old kernel has no such file, and then it is 0. */
	FILE *f = fopen("/proc/sys/kernel/shm_rmid_forced", "r");
	int forced = 0;
	if (f) {
		if (fscanf(f, "%d", &forced) != 1)
			forced = 0;
		fclose(f);
	}
	if (forced)
		printf("note: kernel.shm_rmid_forced is 1, so the segment dies "
		       "with this process\n");
	cleanup_done(h); /* deliberately left for `read` and `remove` */
	return 0;
}

static int cmd_read(void)
{
	int id = persist_id();
	struct shmid_ds ds;
	const char *p = attach(id, NULL, SHM_RDONLY);

	stat_seg(id, &ds);
	/* The data goes to stdout untouched; the narration to stderr. */
	fprintf(stderr,
		"%s: shmid %d: %zu bytes, created by pid %ld; nattch while "
		"I am attached: %lu\n",
		lab_prog, id, (size_t)ds.shm_segsz, (long)ds.shm_cpid,
		(unsigned long)ds.shm_nattch);
	write_all(1, p, ds.shm_segsz);
	detach(p, id);
	return 0;
}

static int cmd_info(void)
{
	print_info(persist_id());
	return 0;
}

/* IPC_SET copies shm_perm.uid, .gid and the low 9 bits of .mode from the
 * buffer into the kernel's copy; only the owner, the creator or a process
 * with CAP_SYS_ADMIN may do it (else EPERM).  It updates ctime. */
static int cmd_chmod(const char *arg)
{
	char *end;
	long val = strtol(arg, &end, 8);

	if (!*arg || *end || val < 0 || val > 0777)
		usage_error(usage, "MODE must be octal permission bits, 0-777");

	unsigned mode = (unsigned)val;
	int id = persist_id();
	struct shmid_ds ds;

	stat_seg(id, &ds);
	unsigned before = ds.shm_perm.mode & 0777u;
	/* BEGIN EXERCISE 9.2: Change the segment's permission bits to MODE
	 * with shmctl(2) IPC_SET.  Hint: fill DS with IPC_STAT first (done
	 * above), replace only the low 9 bits of ds.shm_perm.mode, then
	 * IPC_SET with the whole struct. */
	ds.shm_perm.mode = (ds.shm_perm.mode & ~0777u) | mode;
	CHK(shmctl(id, IPC_SET, &ds), "shmctl", obj_ctl(id, "IPC_SET"));
	/* STUB
	(void)mode;
	*/
	/* END EXERCISE */

	/* IPC_STAT needs read permission, and the mode binds the owner too:
	 * after `chmod 000` (or 200) even the owner gets EACCES from
	 * IPC_STAT and shmat - unless it has CAP_IPC_OWNER, as root does.
	 * IPC_SET and IPC_RMID still work: they check ownership, not the
	 * mode bits, so the owner can always repair the mode or remove. */
	if (shmctl(id, IPC_STAT, &ds) == -1) {
		if (errno != EACCES)
			die("shmctl", obj_ctl(id, "IPC_STAT"));
		printf("shmid %d: mode %04o -> ?: IPC_STAT now fails with "
		       "EACCES, the owner has no read bit either\n",
		       id, before);
		return 0;
	}
	printf("shmid %d: mode %04o -> %04o\n", id, before,
	       ds.shm_perm.mode & 0777u);
	return 0;
}

/* Stay attached until stdin reaches EOF, so a test or a second terminal
 * can look at the segment (ipcs, remove) while somebody is attached. */
static int cmd_hold(void)
{
	int id = persist_id();
	struct shmid_ds ds;
	const char *p = attach(id, NULL, SHM_RDONLY);
	char buf[256];

	printf("hold: attached shmid %d at %p (pid %ld); detaching at EOF on "
	       "stdin\n",
	       id, (const void *)p, (long)getpid());
	while (CHK(read(0, buf, sizeof(buf)), "read", "stdin") > 0)
		continue;
	stat_seg(id, &ds);
	printf("hold: EOF; key now 0x%08x, status %s, nattch %lu\n",
	       (unsigned)ds.shm_perm.__key, status_str(ds.shm_perm.mode),
	       (unsigned long)ds.shm_nattch);
	printf("hold: the segment still reads: %.*s", (int)ds.shm_segsz, p);
	if (ds.shm_segsz == 0 || p[ds.shm_segsz - 1] != '\n')
		printf("\n");
	detach(p, id);
	printf("hold: detached\n");
	return 0;
}

/* A segment that belongs to a running program: created, used, and removed
 * when the program is done (EOF on stdin) - or interrupted.  The cleanup
 * registry removes it on Ctrl-C, SIGTERM and SIGHUP; nothing can run on
 * SIGKILL, and then the segment stays until `make clean-ipc`, which finds
 * it by the 0x53 top byte of its key.  (A leftover IPC_PRIVATE segment,
 * key 0, would be anonymous: only its id and owner could identify it.) */
static int cmd_scratch(void)
{
	key_t key = ipc_key("scratch");
	int h, id = create_seg(key, SMALL, &h);
	char *p = attach(id, NULL, 0);
	char buf[256];

	printf("scratch: shmid %d key 0x%08x pid %ld; removed at EOF on stdin, "
	       "Ctrl-C or SIGTERM (not after SIGKILL)\n",
	       id, (unsigned)key, (long)getpid());
	strcpy(p, "scratch data");
	while (CHK(read(0, buf, sizeof(buf)), "read", "stdin") > 0)
		continue;
	detach(p, id);
	remove_seg(id, h);
	printf("scratch: removed shmid %d\n", id);
	return 0;
}

/* IPC_RMID needs the owner, the creator or CAP_SYS_ADMIN (else EPERM).
 * Asking IPC_STAT afterwards tells the two outcomes apart: EINVAL means the
 * segment was destroyed at once (nobody attached); success means it lives
 * on, marked SHM_DEST, until the last detach. */
static int cmd_remove(void)
{
	key_t key = ipc_key("persist");
	int id = persist_id();
	struct shmid_ds ds;

	CHK(shmctl(id, IPC_RMID, NULL), "shmctl", obj_ctl(id, "IPC_RMID"));
	printf("removed shmid %d (key 0x%08x)\n", id, (unsigned)key);
	if (shmctl(id, IPC_STAT, &ds) == -1) {
		if (errno != EINVAL)
			die("shmctl", obj_ctl(id, "IPC_STAT"));
		printf("nobody was attached: it is gone\n");
	} else {
		printf("still attached by %lu process(es): it lives on as key "
		       "0x%08x, status %s, until the last shmdt\n",
		       (unsigned long)ds.shm_nattch,
		       (unsigned)ds.shm_perm.__key,
		       status_str(ds.shm_perm.mode));
	}
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
		{ "private", 0, 0, cmd_private, NULL },
		{ "ftok", 0, 1, NULL, cmd_ftok },
		{ "excl", 0, 0, cmd_excl, NULL },
		{ "size", 0, 0, cmd_size, NULL },
		{ "addr", 0, 0, cmd_addr, NULL },
		{ "rdonly", 0, 0, cmd_rdonly, NULL },
		{ "stat", 0, 0, cmd_stat, NULL },
		{ "rmid", 0, 0, cmd_rmid, NULL },
		{ "create", 0, 1, NULL, cmd_create },
		{ "read", 0, 0, cmd_read, NULL },
		{ "info", 0, 0, cmd_info, NULL },
		{ "chmod", 1, 1, NULL, cmd_chmod },
		{ "hold", 0, 0, cmd_hold, NULL },
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
