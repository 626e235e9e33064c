/*
 * sync.c - lab 12, method 2: the writer and the reader take turns with
 * the buffer through two UNNAMED POSIX semaphores, which live inside the
 * shared memory object next to the buffer.
 *
 *   /dev/shm/PREFIX-xfer-shm, the only object of a transfer:
 *   +-------+--------+-----------+----------+-----+------------+
 *   | magic | pid[2] | can_write | can_read | len | data[4096] |
 *   |       |        |   sem_t   |  sem_t   |     |            |
 *   +-------+--------+-----------+----------+-----+------------+
 *
 * A sem_t is just memory that sem_init(3) formats; sem_wait and sem_post
 * work on whatever memory it is in.  In a global or on the stack it would
 * be private to one process (after fork(2), a copy); in the shared mapping
 * both processes touch the same bytes.  And pshared = 1 makes glibc sleep
 * on a futex keyed on the shared page, not on (our address space, our
 * address), so that a post in one process wakes a waiter in the other.
 *
 * The new problem: sem_init must run exactly once, before anyone uses the
 * semaphores, and the object exists before it is initialised.  So each
 * side builds a complete object under a private name and publishes it
 * with link(2), which fails with EEXIST if the name exists: one side
 * wins, the other throws its copy away and joins the winner's.
 *
 *   $ build/12-unnamed-semaphore/writer -v --stop-in-init < writer &
 *   writer: nothing published yet: built /shmlabs-labs11e-xfer-shm.new-7836 (4184 bytes) privately
 *   writer: sem_init(&can_write, pshared=1, 1), sem_init(&can_read, pshared=1, 0)
 *   writer: --stop-in-init: pid 7836 stops before link(2) (kill -CONT 7836)
 *   $ build/12-unnamed-semaphore/reader -v > copy &
 *   reader: nothing published yet: built /shmlabs-labs11e-xfer-shm.new-7923 (4184 bytes) privately
 *   reader: sem_init(&can_write, pshared=1, 1), sem_init(&can_read, pshared=1, 0)
 *   reader: link(/dev/shm/shmlabs-labs11e-xfer-shm.new-7923, /dev/shm/shmlabs-labs11e-xfer-shm): published, so I am first
 *   $ kill -CONT 7836
 *   writer: link(/dev/shm/shmlabs-labs11e-xfer-shm.new-7836, /dev/shm/shmlabs-labs11e-xfer-shm): EEXIST: the reader published first; discarding my copy
 *   writer: shm_open(/shmlabs-labs11e-xfer-shm): the reader published it; joined
 *
 * Man pages: sem_init(3), sem_destroy(3), sem_overview(7), sem_wait(3),
 * sem_post(3), shm_open(3), link(2), futex(7), pidfd_open(2), poll(2).
 */
#include "xfer.h"

#include "shmlabs.h"

#include <fcntl.h>
#include <poll.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* "shm-labs lab 12, layout 1": stored last by the builder. */
#define MAGIC 0x4c313201u
/* POSIX has no shm_link: on Linux the objects are files of this tmpfs. */
#define SHM_DIR "/dev/shm"

/* The object.  magic and pid[] are read outside the semaphore protocol:
 * atomic, and lock-free so that they are plain memory words another
 * process can use.  The chunk is ordered by sem_post/sem_wait (POSIX XBD
 * 4.12 "Memory Synchronization"). */
struct shared {
	atomic_uint magic;
	atomic_int pid[2]; /* [WRITER], [READER]: 0 until that side joins */
	sem_t can_write;   /* 1 at first: "the buffer is free" */
	sem_t can_read;	   /* 0 at first: "a chunk is in it" */
	struct chunk chunk;
};
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int must be lock-free");

bool sync_verbose;

static const char *const role_name[] = { "writer", "reader" };
static enum role me;
static struct shared *sh;
static char *n_shm;	 /* "/PREFIX-xfer-shm" */
static int fd = -1;	 /* of the object: fstat(2) says if it is still named */
static int h_shm = -1;	 /* its handle in common's cleanup registry */
static int peer_fd = -1; /* pidfd of the peer, once it has joined */

static bool build_and_publish(bool stop_in_init);
static int publish(const char *tmp_path, const char *final_path);
static void join(void);
static bool peer_gone(void);
static char *shm_path(const char *name);

struct chunk *sync_join(enum role role, bool stop_in_init)
{
	int expected = 0;

	me = role;
	setvbuf(stderr, NULL, _IOLBF, 0); /* one write(2) per -v line */
	n_shm = ipc_name("xfer-shm");
	for (int attempt = 1;; attempt++) {
		fd = shm_open(n_shm, O_RDWR, 0);
		if (fd != -1) {
			join();
			break;
		}
		/* ENOENT: nobody has published (or the transfer that had
		 * just won against us ended at once: a few rounds do). */
		if (errno != ENOENT || attempt == 10)
			die("shm_open", n_shm);
		if (build_and_publish(stop_in_init))
			break;
	}
	if (!atomic_compare_exchange_strong(&sh->pid[me], &expected,
					    (int)getpid()))
		fail("another %s (pid %d) is already using %s", role_name[me],
		     expected, n_shm);
	/* Both sides remove the name on Ctrl-C, so the peer stops too. */
	h_shm = cleanup_add(CL_SHM_NAME, n_shm, 0);
	note("I am pid %d, the %s", (int)getpid(), role_name[me]);
	return &sh->chunk;
}

void sync_wait_turn(void)
{
	sem_t *mine = me == WRITER ? &sh->can_write : &sh->can_read;

	for (;;) {
		struct timespec t;

		/* At most SYNC_PERIOD_MS on CLOCK_MONOTONIC (sem_wait(3)). */
		CHK(clock_gettime(CLOCK_MONOTONIC, &t), "clock_gettime",
		    "CLOCK_MONOTONIC");
		t.tv_nsec += SYNC_PERIOD_MS * 1000000L;
		if (t.tv_nsec >= 1000000000L) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000L;
		}
		if (sem_clockwait(mine, CLOCK_MONOTONIC, &t) == 0)
			return;
		if (errno == EINTR) /* a signal handler ran: wait again */
			continue;
		if (errno != ETIMEDOUT)
			die("sem_clockwait", n_shm);
		/* Gone?  Its last sem_post may have come just before. */
		if (peer_gone() && sem_trywait(mine) != 0)
			sync_check_peer();
	}
}

void sync_pass_turn(void)
{
	sem_t *theirs = me == WRITER ? &sh->can_read : &sh->can_write;

	CHK(sem_post(theirs), "sem_post", n_shm);
}

void sync_check_peer(void)
{
	if (!peer_gone())
		return;
	/* fail() exits; the cleanup registry then unlinks the name. */
	fail("peer %s (pid %d) died before the transfer was complete; removing the object",
	     role_name[!me], atomic_load(&sh->pid[!me]));
}

void sync_leave(void)
{
	/*
	 * sem_destroy exactly once, when nobody can wait on the semaphores
	 * any more: the writer, after the reader's last sem_post (the reader
	 * touches no semaphore after it).  On Linux it does nothing, but
	 * POSIX lets a system tie resources to a process-shared semaphore.
	 * Seed gap: method 2 never says who destroys them (guide, lab 12).
	 */
	if (me == WRITER) {
		CHK(sem_destroy(&sh->can_write), "sem_destroy", "can_write");
		CHK(sem_destroy(&sh->can_read), "sem_destroy", "can_read");
		CHK(shm_unlink(n_shm), "shm_unlink", n_shm);
		note("sem_destroy both semaphores; unlinked %s", n_shm);
	}
	cleanup_done(h_shm);
	CHK(munmap(sh, sizeof(*sh)), "munmap", n_shm);
	CHK(close(fd), "close", n_shm);
	if (peer_fd != -1)
		CHK(close(peer_fd), "close", "pidfd");
}

/* ---- create or join --------------------------------------------------- */

/*
 * Build a complete object under a private name and try to publish it.
 * True: we published, and are the creator.  False: the other side had
 * published first, and our copy is gone again.
 */
static bool build_and_publish(bool stop_in_init)
{
	char tag[64], *tmp, *tmp_path, *final_path;
	bool won;
	int h_tmp;

	snprintf(tag, sizeof(tag), "xfer-shm.new-%d", (int)getpid());
	tmp = ipc_name(tag);
	tmp_path = shm_path(tmp);
	final_path = shm_path(n_shm);
	/* O_EXCL: a private name must be new. */
	fd = CHK(shm_open(tmp, O_RDWR | O_CREAT | O_EXCL, 0600), "shm_open",
		 tmp);
	h_tmp = cleanup_add(CL_SHM_NAME, tmp, 0);
	CHK(ftruncate(fd, sizeof(*sh)), "ftruncate", tmp);
	sh = CHK_MAP(mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED,
			  fd, 0),
		     "mmap", tmp);
	note("nothing published yet: built %s (%zu bytes) privately", tmp,
	     sizeof(*sh));

	/* Seed gap: pshared and who calls sem_init (guide, lab 12).  Once,
	 * by the builder, before anybody else can see the object. */
	CHK(sem_init(&sh->can_write, 1, 1), "sem_init", "can_write");
	CHK(sem_init(&sh->can_read, 1, 0), "sem_init", "can_read");
	atomic_store(&sh->magic, MAGIC);
	note("sem_init(&can_write, pshared=1, 1), sem_init(&can_read, pshared=1, 0)");
	if (stop_in_init) {
		note("--stop-in-init: pid %d stops before link(2) (kill -CONT %d)",
		     (int)getpid(), (int)getpid());
		CHK(raise(SIGSTOP), "raise", "SIGSTOP");
	}

	won = publish(tmp_path, final_path) == 0;
	if (!won && errno != EEXIST)
		die("link", final_path);
	if (won) {
		note("link(%s, %s): published, so I am first", tmp_path,
		     final_path);
	} else {
		/* Nobody else ever saw our semaphores: safe to destroy. */
		note("link(%s, %s): EEXIST: the %s published first; discarding my copy",
		     tmp_path, final_path, role_name[!me]);
		CHK(sem_destroy(&sh->can_write), "sem_destroy", "can_write");
		CHK(sem_destroy(&sh->can_read), "sem_destroy", "can_read");
		CHK(munmap(sh, sizeof(*sh)), "munmap", tmp);
		CHK(close(fd), "close", tmp);
		CHK(shm_unlink(tmp), "shm_unlink", tmp);
	}
	cleanup_done(h_tmp);
	free(tmp_path);
	free(final_path);
	return won;
}

/*
 * Give the finished object its real name.  Returns 0, or -1 with errno
 * set: EEXIST when the other side published first.  On success the
 * private name is gone.
 */
static int publish(const char *tmp_path, const char *final_path)
{
	/* BEGIN EXERCISE 12.1: Give the finished object its final name so
	 * that exactly one of two builders succeeds, and the other learns
	 * that it lost (errno EEXIST).  Then remove the private name.
	 * Hint: link(2) and rename(2) - which one refuses a name that
	 * exists? */
	if (link(tmp_path, final_path) == -1)
		return -1;
	CHK(unlink(tmp_path), "unlink", tmp_path);
	return 0;
	/* STUB
	return rename(tmp_path, final_path);
	*/
	/* END EXERCISE */
}

/* The published object is always complete: check it and map it. */
static void join(void)
{
	struct stat st;

	CHK(fstat(fd, &st), "fstat", n_shm);
	if (st.st_size != (off_t)sizeof(*sh))
		fail("%s has %lld bytes, expected %zu: not a transfer object of this lab (try `make clean-ipc`)",
		     n_shm, (long long)st.st_size, sizeof(*sh));
	sh = CHK_MAP(mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED,
			  fd, 0),
		     "mmap", n_shm);
	if (atomic_load(&sh->magic) != MAGIC)
		fail("%s is not initialised: not published by this lab's writer or reader (try `make clean-ipc`)",
		     n_shm);
	note("shm_open(%s): the %s published it; joined", n_shm,
	     role_name[!me]);
}

/*
 * Has the peer gone?  A semaphore does not know who will post it, so a
 * wait that timed out asks.  pidfd_open(2) gives a file descriptor for
 * the process whose pid the peer stored; poll(2) reports it readable as
 * soon as that process has terminated (a zombie counts as gone, and the
 * descriptor keeps naming that process even if its pid is reused).
 */
static bool peer_gone(void)
{
	pid_t pid = atomic_load(&sh->pid[!me]);
	struct pollfd p;
	struct stat st;

	if (pid == 0) {
		/* Not arrived yet: fine, unless nobody can find us any more
		 * (our object was removed, or replaced under its name). */
		CHK(fstat(fd, &st), "fstat", n_shm);
		if (st.st_nlink == 0)
			fail("%s is no longer the published object (removed, or replaced by another one); start both sides again",
			     n_shm);
		return false;
	}
	if (peer_fd == -1) {
		peer_fd = pidfd_open(pid, 0);
		if (peer_fd == -1 && errno == ESRCH)
			return true; /* already gone */
		CHK(peer_fd, "pidfd_open", role_name[!me]);
	}
	p = (struct pollfd){ .fd = peer_fd, .events = POLLIN };
	return CHK(poll(&p, 1, 0), "poll", "pidfd") == 1;
}

static char *shm_path(const char *name) /* "/x" -> "/dev/shm/x" */
{
	char *p;

	if (asprintf(&p, SHM_DIR "%s", name) < 0)
		die("asprintf", name);
	return p;
}
