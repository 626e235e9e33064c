/*
 * ipc_speed.c - lab 16: is shared memory the fastest IPC, and WHY?
 *
 * The seeds say: shared memory is the most efficient IPC because a pipe or
 * a message queue copies the data four times, shared memory only twice.
 * This program measures instead of counting.  Each method moves the same
 * payload from this process to a child it fork()s, the child checks every
 * byte, and the report gives, per method, the throughput and what the two
 * processes did: CPU time, kernel share, sleeps, faults (measured with
 * getrusage) and calls and copies (counted by the program itself).  The
 * methods: pipe, pipe-big, unix, posix-mq, sysv-msg (fd_methods.c,
 * queues.c), ring, ring-zc, ring-4k (ring.c: read it first), memcpy in one
 * process as the reference, and a 1-byte ping-pong (latency.c).
 *
 *   $ build/16-ipc-speed/ipc_speed -s 256M -l 2000
 *   ipc_speed: each method moves 256 MiB in 1 MiB chunks (ring: 4 x 1 MiB), fastest of 3 runs
 *   2 CPUs; producer on CPU 0, consumer on CPU 1
 *
 *   method       buffer    GB/s x pipe-big x memcpy copies/B calls/MiB sleeps/MiB faults/MiB  CPUs  sys%
 *   memcpy-chunk     1M    8.35      56.71     1.00     1.00       0.0        0.0        0.0  0.29     0
 *   pipe-big         1M    0.15       1.00     0.02     2.00       2.0        0.9        0.0  0.18    96
 *   ring             4M    0.55       3.77     0.07     2.00       4.0        0.5        0.0  0.17     7
 *   ...                   (and a row for every other method, a legend, bars, latency)
 *   $ build/16-ipc-speed/ipc_speed --sweep -s 128M -r 3
 *   ...
 *   peak: ring            1.68 GB/s at 256K chunks
 *   cross: ring overtakes pipe-big between 16K and 64K chunks
 *
 * (2 vCPUs of an AMD EPYC shared with other jobs: CPUs 0.2 where a quiet
 * machine gives about 2.)  The figures belong to the machine they were
 * measured on; the guide says how to read them and why yours differ.  The
 * seeds' own scenario, file -> IPC -> file, is the separate program relay.c.
 *
 * Man pages: pipe(7), unix(7), mq_overview(7), msgsnd(2), shm_open(3),
 * sem_overview(7), getrusage(2), perf-stat(1), strace(1).
 */
#include "ipc_speed.h"

#include <stdio.h>

static void measure_chunk(unsigned c);
static void measure_latency(void);

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	parse_args(argc, argv);
	setup_process();

	for (unsigned c = 0; c < opt.nchunks; c++)
		measure_chunk(c);
	measure_latency();

	if (opt.csv)
		print_csv();
	else
		print_report();
	return 0;
}

/* memcpy-large copies between two 64 MiB buffers, or fewer bytes when the
 * payload is smaller. */
static size_t large_buf(size_t chunk)
{
	return min_size(LARGE_BUF, opt.payload > chunk ? opt.payload : chunk);
}

/*
 * Every method once, then every method again, REPS times ("round robin"):
 * noise on a shared machine then hits all methods alike, and the ratios of
 * one run stay meaningful.  ring-4k and memcpy-large do not depend on the
 * chunk size: a sweep measures them once.
 */
static void measure_chunk(unsigned c)
{
	size_t chunk = opt.chunks[c];

	for (int i = 0; i < FIRST_RTT; i++)
		res[c][i].chunk = i == R_RING_4K ? SMALL_CHUNK : chunk;
	for (unsigned rep = 0; rep < opt.reps; rep++) {
		if (opt.want[R_MEMCPY_CHUNK])
			run_memcpy(R_MEMCPY_CHUNK, chunk,
				   &res[c][R_MEMCPY_CHUNK]);
		if (opt.want[R_MEMCPY_LARGE] && c == 0)
			run_memcpy(R_MEMCPY_LARGE, large_buf(chunk),
				   &res[c][R_MEMCPY_LARGE]);
		for (int i = R_PIPE; i < FIRST_RTT; i++)
			if (opt.want[i] && (i != R_RING_4K || c == 0))
				run_transfer(i, &res[c][i]);
	}
}

static void measure_latency(void)
{
	for (int i = FIRST_RTT; i < NROWS; i++)
		if (opt.want[i])
			run_latency(i, &res[0][i]);
}
