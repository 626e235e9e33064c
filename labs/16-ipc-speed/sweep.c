/*
 * sweep.c - lab 16: the same methods at several chunk sizes (--sweep, or
 * -c with a list), one table row per size, and what this run found: each
 * method's peak, and where the ring overtakes the pipe or falls behind it.
 * Those are facts about the machine and the moment, not about the methods.
 *
 *   $ build/16-ipc-speed/ipc_speed --sweep -s 128M -r 3
 *   ...
 *   On this machine, in this run:
 *   peak: ring            1.68 GB/s at 256K chunks
 *   cross: ring overtakes pipe-big between 16K and 64K chunks
 */
#include "ipc_speed.h"

#include <stdio.h>

/* ---- the sweep ------------------------------------------------------- */

/* Where ROW does best, over the chunk sizes of the sweep. */
static void print_peak(enum row row)
{
	unsigned best = 0;
	bool any = false;
	char h[32];

	for (unsigned c = 0; c < opt.nchunks; c++) {
		if (!res[c][row].done)
			continue;
		if (!any || gbps(&res[c][row]) > gbps(&res[best][row]))
			best = c;
		any = true;
	}
	if (any)
		printf("peak: %-12s %7.2f GB/s at %s chunks\n", row_name[row],
		       gbps(&res[best][row]),
		       short_size(h, sizeof(h), opt.chunks[best]));
}

/* Where ROW crosses REF: every change of sign of ROW - REF between two
 * neighbouring chunk sizes, or "at every size" when there is none. */
static void print_crossing(enum row row, enum row ref)
{
	int prev = 0, crossings = 0;
	unsigned prev_c = 0;
	char a[32], b[32];
	double v;

	for (unsigned c = 0; c < opt.nchunks; c++) {
		int side;

		if (!ratio(c, row, ref, &v))
			return;
		side = v >= 1 ? 1 : -1;
		if (prev && side != prev) {
			printf("cross: %s %s %s between %s and %s chunks\n",
			       row_name[row],
			       side > 0 ? "overtakes" : "falls behind",
			       row_name[ref],
			       short_size(a, sizeof(a), opt.chunks[prev_c]),
			       short_size(b, sizeof(b), opt.chunks[c]));
			crossings++;
		}
		prev = side;
		prev_c = c;
	}
	if (prev && !crossings)
		printf("cross: %s is %s than %s at every chunk size measured\n",
		       row_name[row], prev > 0 ? "faster" : "slower",
		       row_name[ref]);
}

void print_sweep(void)
{
	char h[32];
	double v;

	printf("ipc_speed: chunk-size sweep; each method moves %s per chunk size (ring: %u slots), fastest of %u runs\n",
	       human(h, sizeof(h), opt.payload), opt.slots, opt.reps);
	print_cpus();
	printf("\nGB/s\n%6s", "chunk");
	for (int i = 0; i < FIRST_RTT; i++)
		if (opt.want[i])
			printf(" %12s", row_name[i]);
	printf(" %13s %12s %9s %9s\n", "ring/pipe-big", "ring-zc/ring",
	       "ring CPUs", "pipe sys%");
	for (unsigned c = 0; c < opt.nchunks; c++) {
		printf("%6s", short_size(h, sizeof(h), opt.chunks[c]));
		for (int i = 0; i < FIRST_RTT; i++)
			if (opt.want[i] && res[c][i].done)
				printf(" %12.2f", gbps(&res[c][i]));
			else if (opt.want[i])
				printf(" %12s", "-");
		if (ratio(c, R_RING, R_PIPE_BIG, &v))
			printf(" %12.2fx", v);
		else
			printf(" %13s", "-");
		if (ratio(c, R_RING_ZC, R_RING, &v))
			printf(" %11.2fx", v);
		else
			printf(" %12s", "-");
		if (res[c][R_RING].done)
			printf(" %9.2f", cpus(&res[c][R_RING]));
		else
			printf(" %9s", "-");
		if (res[c][R_PIPE_BIG].done)
			printf(" %9.0f\n", sys_pct(&res[c][R_PIPE_BIG]));
		else
			printf(" %9s\n", "-");
	}
	printf("\nOn this machine, in this run:\n");
	for (int i = 0; i < FIRST_RTT; i++)
		if (opt.want[i])
			print_peak(i);
	print_crossing(R_RING, R_PIPE_BIG);
	print_crossing(R_RING_ZC, R_RING);
}
