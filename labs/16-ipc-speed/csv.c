/*
 * csv.c - lab 16: the whole run as one CSV table (--csv), one row per
 * method and chunk size, for plotting or for scripts/bench-ipc.  Columns
 * are found by their name in the header, never by their position.
 *
 *   $ build/16-ipc-speed/ipc_speed -m pipe-big,ring -c 64K,1M -s 64M -r 1 --csv
 *   kind,method,label,payload_bytes,chunk_bytes,unit_bytes,buffer_bytes,seconds,gb_per_s,x_pipe_big,x_memcpy,copies_per_byte,calls_per_mib,sleeps_per_mib,faults_per_mib,cpus,sys_pct,p50_us,p99_us,note
 *   throughput,pipe-big,pipe enlarged to 1 MiB,67108864,65536,65536,1048576,0.848805,0.079,1.000,,2.000,32.00,0.78,0.11,0.10,92.6,,,
 *   throughput,ring,shm ring 4 x 64 KiB copy in/out,67108864,65536,65536,262144,0.064590,1.039,13.141,,2.000,64.00,4.44,0.09,0.44,71.0,,,
 *   ...
 */
#include "ipc_speed.h"

#include <stdio.h>

/* No commas inside a CSV field: labels and notes get ';' instead. */
static void csv_text(const char *s)
{
	for (; *s; s++)
		putchar(*s == ',' ? ';' : *s);
}

/* ROW / REF at chunk size C, if both were measured. */
static void csv_ratio(unsigned c, enum row row, enum row ref)
{
	if (res[c][row].done && res[c][ref].done)
		printf("%.3f", gbps(&res[c][row]) / gbps(&res[c][ref]));
	printf(",");
}

static void csv_row(unsigned c, enum row i)
{
	const struct result *r = &res[c][i];

	printf("%s,%s,", i < FIRST_RTT ? "throughput" : "latency", row_name[i]);
	csv_text(r->label);
	if (!r->done) {
		printf(",%zu,,,,,,,,,,,,,,,", opt.payload);
	} else if (i >= FIRST_RTT) {
		printf(",,,,,,,,,,,,,,,%.2f,%.2f", r->p50, r->p99);
	} else {
		printf(",%zu,%zu,%zu,%zu,%.6f,%.3f,", opt.payload, r->chunk,
		       r->unit, r->buffer, r->secs, gbps(r));
		csv_ratio(c, i, R_PIPE_BIG);
		csv_ratio(c, i, R_MEMCPY_CHUNK);
		printf("%.3f,%.2f,%.2f,%.2f,%.2f,%.1f,,",
		       (double)r->both.copied / (double)opt.payload,
		       per_mib((double)r->both.calls),
		       per_mib((double)r->sleeps), per_mib((double)r->faults),
		       cpus(r), sys_pct(r));
	}
	printf(",");
	csv_text(r->note);
	printf("\n");
}

void print_csv(void)
{
	printf("kind,method,label,payload_bytes,chunk_bytes,unit_bytes,buffer_bytes,seconds,gb_per_s,x_pipe_big,x_memcpy,copies_per_byte,calls_per_mib,sleeps_per_mib,faults_per_mib,cpus,sys_pct,p50_us,p99_us,note\n");
	/* ring-4k and memcpy-large do not depend on the chunk size: a sweep
	 * measures them once, with the first size */
	for (unsigned c = 0; c < opt.nchunks; c++)
		for (int i = 0; i < FIRST_RTT; i++)
			if (opt.want[i] &&
			    (c == 0 || (i != R_RING_4K && i != R_MEMCPY_LARGE)))
				csv_row(c, i);
	for (int i = FIRST_RTT; i < NROWS; i++)
		if (opt.want[i])
			csv_row(0, i);
}
