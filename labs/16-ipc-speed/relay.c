/*
 * relay.c - lab 16: the seeds' own scenario.  Copy the file IN to the file
 * OUT through a second process: this process reads IN, a child it forks
 * writes OUT, and the data goes between them
 *
 *   -m pipe  through a pipe:  read(IN) -> buffer -> write(pipe) ->
 *            read(pipe) -> buffer -> write(OUT): FOUR copies per byte;
 *   -m shm   through a ring of slots in shared memory: read(IN) straight
 *            into a slot, write(OUT) straight from it: TWO copies.
 *
 * This is where the seeds' "four copies against two" is true; whether it
 * makes shared memory faster is what the run measures:
 *
 *   $ head -c 256M /dev/urandom >/tmp/in
 *   $ build/16-ipc-speed/relay -m pipe /tmp/in /tmp/out && cmp /tmp/in /tmp/out
 *   relay: pipe: 268435456 bytes in 21.865 s = 0.01 GB/s; copies/B 4.00 (counted); CPU: user 0.14 s, sys 1.45 s, 6309 sleeps
 *   $ build/16-ipc-speed/relay -m shm /tmp/in /tmp/out && cmp /tmp/in /tmp/out
 *   relay: shm: 268435456 bytes in 6.175 s = 0.04 GB/s; copies/B 2.00 (counted); CPU: user 0.00 s, sys 0.94 s, 175 sleeps
 *
 * (A 2-vCPU AMD EPYC, very busy with other jobs.)  The time covers
 * the read(2) and write(2) calls into the page cache, not the writeback to
 * a disk, which happens later (on tmpfs: never).
 *
 * Man pages: read(2), write(2), pipe(7), sem_init(3), getrusage(2).
 */
#include "ipc_speed.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char relay_usage[] =
	"[-m pipe|shm] [-c CHUNK] [-n SLOTS] IN OUT\n"
	"  -m METHOD   pipe (4 copies per byte) or shm (2), default pipe\n"
	"  -c CHUNK    bytes per read(2) (default 1M, 4K..64M)\n"
	"  -n SLOTS    slots in the shared-memory ring (default 4)";

/* One slot of the ring: how many bytes it holds (0: the end), then them. */
struct slot {
	size_t len;
	alignas(64) unsigned char data[];
};

static struct {
	sem_t empty, full;
} * ring;
static size_t chunk = MiB, stride;
static unsigned nslots = 4;
static int in_fd, out_fd;
static struct tally *kid; /* the child's tally, in shared memory */

static struct slot *slot_of(uint64_t k)
{
	return (struct slot *)((unsigned char *)ring + page_size +
			       (k % nslots) * stride);
}

/* read(2) up to N bytes of IN into P: the first copy, counted. */
static size_t read_in(void *p, size_t n)
{
	ssize_t r;

	tally.calls++;
	while ((r = read(in_fd, p, n)) == -1 && errno == EINTR)
		;
	if (r == -1)
		die("read", "IN");
	tally.copied += (size_t)r;
	return (size_t)r;
}

static void write_out(int fd, const void *p, size_t n, const char *what)
{
	tally.calls++;
	write_all(fd, p, n, what);
	tally.copied += n;
}

/* The pipe: two copies on each side.  A reader that died makes write()
 * fail with EPIPE (SIGPIPE is ignored), and write_all reports it. */
static void pipe_produce(int wfd, unsigned char *buf)
{
	size_t n;

	while ((n = read_in(buf, chunk)) > 0)
		write_out(wfd, buf, n, "pipe");
}

static void pipe_consume(int rfd, unsigned char *buf)
{
	ssize_t n;

	for (;;) {
		tally.calls++;
		n = read(rfd, buf, chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			die("read", "pipe");
		if (n == 0) /* the writer closed its end: all of IN is here */
			return;
		tally.copied += (size_t)n;
		write_out(out_fd, buf, (size_t)n, "OUT");
	}
}

/* Shared memory: read(2) IN straight into a free slot, and let the child
 * write(2) OUT straight from it.  A slot with len 0 is the end. */
static void shm_produce(void)
{
	uint64_t k = 0;
	size_t n;

	do {
		struct slot *s = slot_of(k++);

		sem_take(&ring->empty, "empty");
		n = s->len = read_in(s->data, chunk);
		sem_give(&ring->full, "full");
	} while (n > 0);
}

static void shm_consume(void)
{
	for (uint64_t k = 0;; k++) {
		struct slot *s = slot_of(k);

		sem_take(&ring->full, "full");
		if (s->len == 0)
			return;
		write_out(out_fd, s->data, s->len, "OUT");
		sem_give(&ring->empty, "empty");
	}
}

/* The ring: anonymous shared memory (lab 5), inherited through fork(). */
static void make_ring(void)
{
	size_t len;
	void *p;

	stride = round_up(sizeof(struct slot) + chunk, page_size);
	len = page_size + nslots * stride; /* the semaphores, the slots */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		die("mmap", "ring");
	ring = p;
	CHK(sem_init(&ring->empty, 1, nslots), "sem_init", "empty");
	CHK(sem_init(&ring->full, 1, 0), "sem_init", "full");
}

static void parse(int argc, char **argv, bool *shm)
{
	int c;

	opterr = 0;
	while ((c = getopt(argc, argv, "m:c:n:h")) != -1) {
		size_t v;

		if (c == 'm' &&
		    (!strcmp(optarg, "pipe") || !strcmp(optarg, "shm")))
			*shm = !strcmp(optarg, "shm");
		else if (c == 'c' && parse_size(optarg, &v) && v >= 4 * KiB &&
			 v <= 64 * MiB)
			chunk = v;
		else if (c == 'n' && parse_size(optarg, &v) && v >= 1 &&
			 v <= 1024)
			nslots = (unsigned)v;
		else
			usage_error(relay_usage,
				    c == 'h' ? NULL : "bad option");
	}
	if (argc - optind != 2)
		usage_error(relay_usage, "needs IN and OUT");
}

int main(int argc, char **argv)
{
	bool shm = false;
	struct rusage self, kids;
	unsigned char *buf;
	int fd[2] = { -1, -1 }, st;
	double t0, secs;
	off_t size;
	pid_t pid;

	lab_init(argc, argv);
	parse(argc, argv, &shm);
	page_size =
		(size_t)CHK(sysconf(_SC_PAGESIZE), "sysconf", "_SC_PAGESIZE");
	in_fd = CHK(open(argv[optind], O_RDONLY), "open", argv[optind]);
	out_fd = CHK(open(argv[optind + 1], O_WRONLY | O_CREAT | O_TRUNC, 0644),
		     "open", argv[optind + 1]);
	running = shm ? "shm" : "pipe";
	parent_pid = getpid();
	choose_cpus();
	pin_to(cpu_of[0]);
	watch_signals();
	buf = alloc_buf(chunk, true);
	kid = CHK_MAP(mmap(NULL, sizeof(*kid), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0),
		      "mmap", "tally");
	if (shm)
		make_ring();
	else
		CHK(pipe(fd), "pipe", "relay");

	t0 = now();
	pid = CHK(fork(), "fork", "consumer");
	if (pid == 0) { /* the consumer: writes OUT */
		die_with_parent();
		pin_to(cpu_of[1]);
		buf = alloc_buf(chunk, false);
		if (!shm) {
			CHK(close(fd[1]), "close", "pipe");
			pipe_consume(fd[0], buf);
		} else {
			shm_consume();
		}
		*kid = tally;
		_exit(0);
	}
	watch_child(pid, true);
	if (shm) {
		shm_produce();
	} else {
		CHK(close(fd[0]), "close", "pipe");
		pipe_produce(fd[1], buf);
		CHK(close(fd[1]), "close", "pipe"); /* the reader's EOF */
	}
	st = reap(pid);
	watch_child(0, false);
	secs = now() - t0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("%s: the consumer failed", running);
	CHK(getrusage(RUSAGE_SELF, &self), "getrusage", "self");
	CHK(getrusage(RUSAGE_CHILDREN, &kids), "getrusage", "children");
	size = CHK(lseek(in_fd, 0, SEEK_CUR), "lseek", "IN");
	printf("relay: %s: %lld bytes in %.3f s = %.2f GB/s; copies/B %.2f (counted); CPU: user %.2f s, sys %.2f s, %ld sleeps\n",
	       running, (long long)size, secs, (double)size / secs / 1e9,
	       size ? (double)(tally.copied + kid->copied) / (double)size : 0,
	       tv_secs(self.ru_utime) + tv_secs(kids.ru_utime),
	       tv_secs(self.ru_stime) + tv_secs(kids.ru_stime),
	       self.ru_nvcsw + kids.ru_nvcsw);
	CHK(close(out_fd), "close", argv[optind + 1]);
	CHK(close(in_fd), "close", argv[optind]);
	return 0;
}
