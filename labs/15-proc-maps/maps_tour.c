/*
 * maps_tour.c - Lab 15: every kind of shared memory as a line of
 * /proc/self/maps.  Each step creates one mapping and prints only the
 * lines that changed, then what each column of the new line means:
 * a MAP_SHARED file, a MAP_PRIVATE one, private and shared anonymous
 * memory, a System V segment, a POSIX object, /dev/zero; then names are
 * unlinked under live mappings, and everything is undone.
 *
 *   $ maps_tour
 *   ...
 *   -- step 5. System V: shmget() + shmat()
 *   $ shmget(0x538e15fa, 16384, IPC_CREAT|IPC_EXCL|0600) = 327718; shmat(327718, NULL, 0)
 *     + 7ff6e2fc4000-7ff6e2fc8000          16 rw-s 00000000 00:01 327718    sysv-shm     /SYSV538e15fa (deleted)
 *        s          VM_MAYSHARE: stores go to the shared object; every process that maps it sees them
 *        ...
 *        inode      327718 = the shmid 327718: the kernel numbers the segment's inode with its id
 *   $ maps_tour --hold      stop before the clean-up; from another terminal:
 *                           proc_maps PID, cat /proc/PID/smaps; Ctrl-C ends it
 *
 * Where the kernel decides (anonymous names need Linux 5.17+ for private
 * and 6.2+ for shared memory, with CONFIG_ANON_VMA_NAME), the tour says
 * what this kernel did.  Man pages: proc(5) (/proc/pid/maps, smaps),
 * mmap(2), shmat(2), shm_open(3), prctl(2) (PR_SET_VMA).
 */
#include "maps_parse.h"
#include "shmlabs.h"
#include "tour_look.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

/* What the steps create, for the steps that undo it. */
struct tour {
	long page;
	char file[PATH_MAX];
	int fd, h_file;
	char *shared, *priv, *anon, *sanon;
	int id, h_sysv;
	char *sysv;
	const char *posix;
	int pfd, h_posix;
	char *pshm;
	int zfd;
	char *zs, *zp;
};

static void file_shared(struct tour *t);
static void file_private(struct tour *t);
static void anon_private(struct tour *t);
static void anon_shared(struct tour *t);
static void sysv_segment(struct tour *t);
static void posix_object(struct tour *t);
static void dev_zero(struct tour *t);
static void names_removed(struct tour *t);
static void undo_all(struct tour *t);
static int name_area(void *p, size_t len, const char *name);

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	bool hold = argc == 2 && strcmp(argv[1], "--hold") == 0;
	if (argc > 2 || (argc == 2 && !hold))
		usage_error("[--hold]", "the only option is --hold");

	struct tour t = { .page = sysconf(_SC_PAGESIZE) };
	printf("maps_tour, pid %d.  Each step maps one object and shows the lines of\n/proc/self/maps that changed ('+' new, '-' gone).  Columns as in the table:\nSTART-END KiB PERM OFFSET DEV INODE KIND PATH\n",
	       (int)getpid());
	look_begin(); /* after the first printf: stdout's buffer is malloc'ed
		       * then, and must be part of the baseline */

	file_shared(&t);
	file_private(&t);
	anon_private(&t);
	anon_shared(&t);
	sysv_segment(&t);
	posix_object(&t);
	dev_zero(&t);
	if (hold) {
		/* Objects all in place: another terminal can look at us.
		 * Ctrl-C (or kill) runs the cleanup registry and exits. */
		printf("\nholding: pid %d; look at /proc/%d/maps from another terminal, Ctrl-C to clean up\n",
		       (int)getpid(), (int)getpid());
		for (;;)
			pause();
	}
	names_removed(&t);
	undo_all(&t);
	return 0;
}

/* 1. A shared file mapping.  The name has spaces on purpose: the path is
 * the rest of the line, not the next word. */
static void file_shared(struct tour *t)
{
	const char *tmp = getenv("TMPDIR");
	struct stat st;

	tour_step(
		1,
		"MAP_SHARED of a regular file: 2 pages from file offset 1 page");
	if (snprintf(t->file, sizeof(t->file), "%s/tour file XXXXXX",
		     tmp && *tmp ? tmp : "/tmp") >= (int)sizeof(t->file))
		fail("TMPDIR too long: %s", tmp);
	t->fd = CHK(mkstemp(t->file), "mkstemp", t->file);
	t->h_file = cleanup_add(CL_PATH, t->file, -1);
	CHK(ftruncate(t->fd, 3 * t->page), "ftruncate", t->file);
	CHK(pwrite(t->fd, "original", 8, 0), "pwrite", t->file);
	CHK(fstat(t->fd, &st), "fstat", t->file);
	t->shared = mmap(NULL, 2 * t->page, PROT_READ | PROT_WRITE, MAP_SHARED,
			 t->fd, t->page);
	if (t->shared == MAP_FAILED) /* (void *)-1, not NULL */
		die("mmap", t->file);
	t->shared[0] = 'S';
	printf("$ mmap(NULL, %ld, PROT_READ|PROT_WRITE, MAP_SHARED, fd, %ld) on \"%s\"\n",
	       2 * t->page, t->page, t->file);
	look_changes();

	const struct maps_entry *e = look_area(t->shared);
	explain_sp(e);
	say("offset     %08llx = the %ld bytes passed to mmap: vm_pgoff = %llu page(s) into the file",
	    (unsigned long long)e->offset, t->page,
	    (unsigned long long)e->offset / (unsigned long long)t->page);
	explain_dev(e, &st);
	say("path       the file's name, spaces and all: the rest of the line");
	look_smaps(e, true);
}

/* 2. A private mapping of the same file, then a store into it. */
static void file_private(struct tour *t)
{
	char buf[16];

	tour_step(2, "MAP_PRIVATE of the same file, then a store into it");
	t->priv = CHK_MAP(mmap(NULL, t->page, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE, t->fd, 0),
			  "mmap", t->file);
	memcpy(t->priv, "PRIVATE!", 8);
	printf("$ mmap(NULL, %ld, PROT_READ|PROT_WRITE, MAP_PRIVATE, fd, 0); memcpy(p, \"PRIVATE!\", 8)\n",
	       t->page);
	look_changes();

	const struct maps_entry *e = look_area(t->priv);
	explain_sp(e);
	CHK(pread(t->fd, buf, 8, 0), "pread", t->file);
	buf[8] = '\0';
	say("           the file still reads \"%s\": the store went to a copy",
	    buf);
	say("offset     %08llx; dev and inode are step 1's: two areas, one file",
	    (unsigned long long)e->offset);
	look_smaps(e, true);
}

/* 3. Private anonymous memory, and a name for it if this kernel can. */
static void anon_private(struct tour *t)
{
	size_t len = (size_t)(4 * t->page);

	tour_step(3, "MAP_PRIVATE|MAP_ANONYMOUS: memory with no file");
	t->anon = CHK_MAP(mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
			  "mmap", "anonymous");
	t->anon[0] = 1;
	printf("$ mmap(NULL, %zu, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)\n",
	       len);
	int err = name_area(t->anon, len, "tour");
	look_changes();

	const struct maps_entry *e = look_area(t->anon);
	say("no file    dev 00:00, inode 0, offset 0: vm_file is NULL (for anonymous memory");
	say("           vm_pgoff holds the page number of the address; maps prints 0)");
	if (err == 0)
		say("path       [anon:tour]: the name prctl gave the area");
	else
		say("path       none: this kernel refused the name (%s), else [anon:tour]",
		    errno_name(err));
	if (e->end - e->start != len) {
		say("merged     the area is bigger than our %zu bytes: the kernel merged it with a",
		    len);
		say("           neighbour of the same flags into one vm_area_struct");
	}
	look_smaps(e, true);
}

/* 4. Shared anonymous memory, first as the kernel names it, then with a
 * name of our own if this kernel can (Linux 6.2+). */
static void anon_shared(struct tour *t)
{
	size_t len = (size_t)(4 * t->page);

	tour_step(4, "MAP_SHARED|MAP_ANONYMOUS: shared memory with no name");
	printf("$ mmap(NULL, %zu, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0)\n",
	       len);
	t->sanon = CHK_MAP(mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_ANONYMOUS | MAP_SHARED, -1, 0),
			   "mmap", "shared anonymous");
	look_changes();

	const struct maps_entry *e = look_area(t->sanon);
	explain_sp(e);
	say("           (after fork() parent and child share these pages)");
	say("path       /dev/zero (deleted): the kernel backs the area with a file on its internal");
	say("           shmem mount, named \"dev/zero\" and linked in no directory, hence (deleted)");
	explain_dev(e, NULL);
	say("           %02x:%02x is that internal mount; the inode is the hidden file's",
	    e->major, e->minor);
	look_smaps(e, false);

	int err = name_area(t->sanon, len, "tour-shared");
	look_changes();
	if (err == 0)
		say("named      [anon_shmem:tour-shared]: Linux 6.2+ names shared anonymous memory too");
	else
		say("named      not here: this kernel refused (%s); Linux 6.2+ with CONFIG_ANON_VMA_NAME shows [anon_shmem:tour-shared]",
		    errno_name(err));
}

/* 5. A System V segment. */
static void sysv_segment(struct tour *t)
{
	key_t key = ipc_key("maps");
	size_t len = (size_t)(4 * t->page);

	tour_step(5, "System V: shmget() + shmat()");
	t->id = CHK(shmget(key, len, IPC_CREAT | IPC_EXCL | 0600), "shmget",
		    "maps key");
	t->h_sysv = cleanup_add(CL_SYSV_SHM, NULL, t->id);
	t->sysv = shmat(t->id, NULL, 0);
	if (t->sysv == (void *)-1) /* shmat's failure value */
		die("shmat", "maps segment");
	printf("$ shmget(0x%08x, %zu, IPC_CREAT|IPC_EXCL|0600) = %d; shmat(%d, NULL, 0)\n",
	       (unsigned int)key, len, t->id, t->id);
	look_changes();

	const struct maps_entry *e = look_area(t->sysv);
	explain_sp(e);
	say("path       /SYSV%08x: \"SYSV\" + the key in 8 hex digits, on the internal shmem",
	    (unsigned int)key);
	say("           mount; (deleted) because no directory links it (IPC_PRIVATE gives /SYSV00000000)");
	say("inode      %llu %s the shmid %d: the kernel numbers the segment's inode with its id",
	    (unsigned long long)e->inode,
	    e->inode == (uint64_t)t->id ? "=" : "!= (unexpected)", t->id);
	say("offset     00000000: shmat() always maps the whole segment");
	look_smaps(e, false);
}

/* 6. A POSIX shared memory object. */
static void posix_object(struct tour *t)
{
	struct stat st;

	tour_step(6, "POSIX: shm_open() + ftruncate() + mmap(MAP_SHARED)");
	t->posix = ipc_name("maps");
	t->pfd = CHK(shm_open(t->posix, O_CREAT | O_EXCL | O_RDWR, 0600),
		     "shm_open", t->posix);
	t->h_posix = cleanup_add(CL_SHM_NAME, t->posix, -1);
	CHK(ftruncate(t->pfd, 2 * t->page), "ftruncate", t->posix);
	CHK(fstat(t->pfd, &st), "fstat", t->posix);
	t->pshm = CHK_MAP(mmap(NULL, 2 * t->page, PROT_READ | PROT_WRITE,
			       MAP_SHARED, t->pfd, 0),
			  "mmap", t->posix);
	printf("$ shm_open(\"%s\", O_CREAT|O_EXCL|O_RDWR, 0600); ftruncate(fd, %ld); mmap(MAP_SHARED)\n",
	       t->posix, 2 * t->page);
	look_changes();

	const struct maps_entry *e = look_area(t->pshm);
	explain_sp(e);
	say("path       /dev/shm%s: a POSIX object is an ordinary file on the tmpfs at /dev/shm",
	    t->posix);
	explain_dev(e, &st);
	look_smaps(e, false);
}

/* 7. /dev/zero, shared and private. */
static void dev_zero(struct tour *t)
{
	struct stat st;

	tour_step(7, "mmap() of /dev/zero: MAP_SHARED, then MAP_PRIVATE");
	t->zfd =
		CHK(open("/dev/zero", O_RDWR | O_CLOEXEC), "open", "/dev/zero");
	CHK(fstat(t->zfd, &st), "fstat", "/dev/zero");
	t->zs = CHK_MAP(mmap(NULL, 3 * t->page, PROT_READ | PROT_WRITE,
			     MAP_SHARED, t->zfd, 0),
			"mmap", "/dev/zero");
	t->zp = CHK_MAP(
		mmap(NULL, 2 * t->page, PROT_READ, MAP_PRIVATE, t->zfd, 0),
		"mmap", "/dev/zero");
	printf("$ fd = open(\"/dev/zero\"); mmap(%ld, MAP_SHARED, fd); mmap(%ld, PROT_READ, MAP_PRIVATE, fd)\n",
	       3 * t->page, 2 * t->page);
	look_changes();

	const struct maps_entry *e = look_area(t->zs);
	say("shared     the same fingerprint as step 4: /dev/zero's mmap swaps in a new shmem file");
	say("           (shmem_zero_setup) - inode %llu on %02x:%02x, not /dev/zero's own inode",
	    (unsigned long long)e->inode, e->major, e->minor);
	e = look_area(t->zp);
	say("private    \"/dev/zero\", no (deleted): the area keeps the real file but its pages");
	say("           are plain anonymous zero pages.  dev %02x:%02x inode %llu is where /dev/zero's",
	    e->major, e->minor, (unsigned long long)e->inode);
	say("           inode lives (st_dev %u:%u, st_ino %llu: the devtmpfs on /dev), not the",
	    major(st.st_dev), minor(st.st_dev), (unsigned long long)st.st_ino);
	say("           device it stands for (st_rdev %u:%u)",
	    major(st.st_rdev), minor(st.st_rdev));
}

/* 8. Names removed while the areas stay. */
static void names_removed(struct tour *t)
{
	tour_step(
		8,
		"unlink() the file and shm_unlink() the POSIX name, mappings kept");
	CHK(unlink(t->file), "unlink", t->file);
	cleanup_done(t->h_file);
	CHK(shm_unlink(t->posix), "shm_unlink", t->posix);
	cleanup_done(t->h_posix);
	printf("$ unlink(\"%s\"); shm_unlink(\"%s\")\n", t->file, t->posix);
	look_changes();
	t->shared[1] = 'x'; /* still perfectly usable */
	say("(deleted)  d_path() appends it once the name is gone; the areas keep the inodes");
	say("           alive and still work.  The object dies at the last munmap()/close().");
}

/* 9. Everything undone. */
static void undo_all(struct tour *t)
{
	tour_step(9, "munmap() everything, shmdt(), IPC_RMID, close()");
	CHK(munmap(t->shared, 2 * t->page), "munmap", t->file);
	CHK(munmap(t->priv, t->page), "munmap", t->file);
	CHK(munmap(t->anon, 4 * t->page), "munmap", "anonymous");
	CHK(munmap(t->sanon, 4 * t->page), "munmap", "shared anonymous");
	CHK(shmdt(t->sysv), "shmdt", "maps segment");
	CHK(shmctl(t->id, IPC_RMID, NULL), "shmctl(IPC_RMID)", "maps segment");
	cleanup_done(t->h_sysv);
	CHK(munmap(t->pshm, 2 * t->page), "munmap", t->posix);
	CHK(munmap(t->zs, 3 * t->page), "munmap", "/dev/zero");
	CHK(munmap(t->zp, 2 * t->page), "munmap", "/dev/zero");
	CHK(close(t->fd), "close", t->file);
	CHK(close(t->pfd), "close", t->posix);
	CHK(close(t->zfd), "close", "/dev/zero");
	printf("$ munmap() x 8; shmdt(); shmctl(%d, IPC_RMID); close() x 3\n",
	       t->id);
	look_changes();
	say("every area above is gone, and so are the file, the segment and the object");
}

/* prctl(PR_SET_VMA_ANON_NAME): name an anonymous area.  Deliberately
 * allowed to fail (Linux 5.17+ for private, 6.2+ for shared memory, and
 * only with CONFIG_ANON_VMA_NAME): returns 0 or the errno, after printing
 * the call, its result and the kernel it ran on. */
static int name_area(void *p, size_t len, const char *name)
{
	struct utsname u;
	int r = prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, len, name);
	int err = r ? errno : 0;

	CHK(uname(&u), "uname", NULL);
	printf("$ prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, %zu, \"%s\") = %d%s%s   (kernel %s)\n",
	       len, name, r, r ? " " : "", r ? errno_name(err) : "", u.release);
	return err;
}
