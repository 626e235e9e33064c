/*
 * report.c - lab 16: the report of one chunk size, and the sweep table of
 * several.  Every figure is either MEASURED in this run (GB/s, sleeps and
 * faults and CPU time from getrusage(2), latency) or COUNTED by the
 * program (copies/B, calls/MiB): a count is true by construction, it says
 * what the program asked for, not what the hardware did.
 *
 * Man pages: getrusage(2).
 */
#include "ipc_speed.h"

#include <stdio.h>

double gbps(const struct result *r)
{
	return (double)opt.payload / r->secs / 1e9;
}

double per_mib(double n)
{
	return n / ((double)opt.payload / (double)MiB);
}

/* ROW's throughput over REF's, both measured at chunk size C in the same
 * run (ratios survive a noisy machine better than absolute numbers). */
bool ratio(unsigned c, enum row row, enum row ref, double *out)
{
	if (!res[c][row].done || !res[c][ref].done)
		return false;
	*out = gbps(&res[c][row]) / gbps(&res[c][ref]);
	return true;
}

double cpus(const struct result *r)
{
	return (r->user + r->sys) / r->secs;
}

/* The share of the CPU time spent in the kernel (system time). */
double sys_pct(const struct result *r)
{
	double t = r->user + r->sys;

	return t > 0 ? 100 * r->sys / t : 0;
}

const char *short_size(char *buf, size_t len, size_t n)
{
	return size_text(buf, len, n, true);
}

static void print_ratio(enum row row, enum row ref, int w)
{
	double v;

	if (ratio(0, row, ref, &v))
		printf(" %*.2f", w, v);
	else
		printf(" %*s", w - 1, "-");
}

void print_cpus(void)
{
	if (cpu_of[0] >= 0)
		printf("%d CPUs; producer on CPU %d, consumer on CPU %d\n",
		       ncpus, cpu_of[0], cpu_of[1]);
	else
		printf("%d CPU%s; the processes are not pinned\n", ncpus,
		       ncpus == 1 ? "" : "s");
}

static const char legend[] =
	"buffer      bytes that can be in flight (pipe capacity, SO_SNDBUF, queue, ring)\n"
	"GB/s        measured: payload / time from the first chunk sent to the last checked\n"
	"x pipe-big  throughput / pipe-big's;  x memcpy: / memcpy-chunk's (same run)\n"
	"copies/B    COUNTED, not measured: bytes the program copied or asked read/write/send to move, per payload byte\n"
	"calls/MiB   COUNTED: IPC calls of both processes (read write mq_send msgrcv sem_wait ...)\n"
	"sleeps/MiB  measured: voluntary context switches of both processes (getrusage ru_nvcsw)\n"
	"faults/MiB  measured: page faults in the timed loops (ru_minflt + ru_majflt)\n"
	"CPUs        measured: CPU time of both processes / elapsed time (2.00: both busy all along)\n"
	"sys%        measured: share of that CPU time spent in the kernel (ru_stime)\n";

static void print_bars(void)
{
	double top = 0;

	for (int i = 0; i < FIRST_RTT; i++)
		if (opt.want[i] && res[0][i].done && gbps(&res[0][i]) > top)
			top = gbps(&res[0][i]);
	if (top <= 0)
		return;
	printf("\nthroughput, GB/s\n");
	for (int i = 0; i < FIRST_RTT; i++) {
		const struct result *r = &res[0][i];
		int n;

		if (!opt.want[i] || !r->done)
			continue;
		n = (int)(gbps(r) / top * 40 + 0.5);
		printf("%-12s |%-40.*s %6.2f  %s\n", row_name[i], n < 1 ? 1 : n,
		       "########################################", gbps(r),
		       r->label);
	}
}

static void print_throughput(void)
{
	double v;
	char h[32], c[32];

	printf("ipc_speed: each method moves %s in %s chunks (ring: %u x %s), fastest of %u runs\n",
	       human(h, sizeof(h), opt.payload),
	       human(c, sizeof(c), opt.chunks[0]), opt.slots,
	       human(c, sizeof(c), opt.chunks[0]), opt.reps);
	print_cpus();
	printf("\n%-12s %6s %7s %10s %8s %8s %9s %10s %10s %5s %5s\n", "method",
	       "buffer", "GB/s", "x pipe-big", "x memcpy", "copies/B",
	       "calls/MiB", "sleeps/MiB", "faults/MiB", "CPUs", "sys%");
	for (int i = 0; i < FIRST_RTT; i++) {
		const struct result *r = &res[0][i];

		if (!opt.want[i])
			continue;
		if (!r->done) {
			printf("%-12s %s\n", row_name[i], r->note);
			continue;
		}
		printf("%-12s %6s %7.2f", row_name[i],
		       short_size(h, sizeof(h), r->buffer), gbps(r));
		print_ratio(i, R_PIPE_BIG, 10);
		print_ratio(i, R_MEMCPY_CHUNK, 8);
		printf(" %8.2f %9.1f %10.1f %10.1f %5.2f %5.0f\n",
		       (double)r->both.copied / (double)opt.payload,
		       per_mib((double)r->both.calls),
		       per_mib((double)r->sleeps), per_mib((double)r->faults),
		       cpus(r), sys_pct(r));
	}
	printf("\n%s", legend);
	print_bars();
	for (int i = 0; i < FIRST_RTT; i++)
		if (opt.want[i] && res[0][i].done && res[0][i].note[0])
			printf("note: %s: %s\n", row_name[i], res[0][i].note);
	if (ratio(0, R_RING, R_PIPE_BIG, &v)) {
		printf("\nring / pipe-big = %.1fx", v);
		if (ratio(0, R_RING, R_MEMCPY_CHUNK, &v))
			printf(";  ring / memcpy-chunk = %.0f%%", v * 100);
		if (ratio(0, R_RING_4K, R_PIPE_BIG, &v))
			printf(";  ring-4k / pipe-big = %.2fx", v);
		printf("\n");
	}
}

static void print_latency(void)
{
	printf("\nround trip, 1-byte ping-pong, %u rounds  %8s %8s\n",
	       opt.rounds, "p50 us", "p99 us");
	for (int i = FIRST_RTT; i < NROWS; i++)
		if (opt.want[i] && res[0][i].done)
			printf("%-10s %-34s %8.1f %8.1f\n", row_name[i],
			       res[0][i].label, res[0][i].p50, res[0][i].p99);
	if (cpu_of[0] >= 0)
		printf("note: each process has a CPU of its own.  A blocking method (pipe, socket,\n"
		       "      semaphore) must wake a process that sleeps on the other CPU: an\n"
		       "      inter-processor interrupt, and on a virtual machine a halted virtual CPU.\n"
		       "      --no-pin lets the scheduler keep both on one CPU: compare.\n");
	if (!res[0][R_RTT_SPIN].done)
		return;
	printf("note: rtt-spin never sleeps, so it never needs waking; but it keeps both\n"
	       "      processes busy on a CPU each: it only pays with a core per process.  On\n"
	       "      one core the spinner burns the time its peer needs; after %d spins it\n"
	       "      calls sched_yield(), so it cannot hang.\n",
	       SPIN_LIMIT);
	if (ncpus < 2)
		printf("      This run had 1 CPU: compare rtt-spin with the blocking methods.\n");
}

void print_report(void)
{
	bool any = false;

	for (int i = 0; i < FIRST_RTT; i++)
		any |= opt.want[i];
	if (any && opt.nchunks > 1)
		print_sweep();
	else if (any)
		print_throughput();
	else
		print_cpus();
	if (res[0][R_RTT_PIPE].done || res[0][R_RTT_UNIX].done ||
	    res[0][R_RTT_SEM].done || res[0][R_RTT_SPIN].done)
		print_latency();
}
