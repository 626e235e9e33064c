/*
 * setup.c - lab 16: what every run needs once (the pinned parent, the
 * signal handlers, the shared page, the producer's chunk) and the
 * reference every method is compared with: memcpy in one process.
 *
 *   $ build/16-ipc-speed/ipc_speed -m memcpy -s 256M -l 0
 *   ...
 *   memcpy-chunk     1M    8.35 ...  (in the caches)
 *   memcpy-large    64M    0.35 ...  (in RAM: the memory bus)
 *
 * Man pages: sysconf(3), mmap(2), memcpy(3).
 */
#include "ipc_speed.h"

#include <stdio.h>
#include <unistd.h>

/* ---- the physical reference: memcpy in one process ---------------------- */

static unsigned char *mc_src, *mc_dst; /* allocated once */

/*
 * Copy the payload from one buffer to another, BUFSZ bytes at a time, as
 * the ring copies it: with BUFSZ = the chunk both buffers stay in the
 * caches; with 64 MiB they cannot, and this is the memory bus's speed.
 */
void run_memcpy(enum row row, size_t bufsz, struct result *r)
{
	struct rusage ru0, ru1, d;
	char h[32];
	double t0;

	(void)row;
	tally = (struct tally){ 0 };
	CHK(getrusage(RUSAGE_SELF, &ru0), "getrusage", "self");
	t0 = now();
	for (size_t off = 0; off < opt.payload; off += bufsz) {
		copy_bytes(mc_dst, mc_src, min_size(bufsz, opt.payload - off));
		/* An empty asm that "may read any memory": without it the
		 * compiler may notice that nobody reads mc_dst and drop all
		 * but the last copy. */
		__asm__ volatile("" ::: "memory");
	}
	r->chunk = r->buffer = r->unit = bufsz;
	CHK(getrusage(RUSAGE_SELF, &ru1), "getrusage", "self");
	rusage_diff(&d, &ru0, &ru1);
	keep_fastest(r, now() - t0, &tally, &d, NULL);
	snprintf(r->label, sizeof(r->label), "memcpy between two %s buffers",
		 human(h, sizeof(h), bufsz));
}

/* ---- the process, once ------------------------------------------------- */

/* Pin the parent (it produces, and runs memcpy), install the handlers,
 * map the shared page and the buffers every run reuses. */
void setup_process(void)
{
	size_t biggest = 0, large;

	page_size =
		(size_t)CHK(sysconf(_SC_PAGESIZE), "sysconf", "_SC_PAGESIZE");
	parent_pid = getpid();
	choose_cpus();
	pin_to(cpu_of[0]);
	watch_signals();

	sh = CHK_MAP(mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0),
		     "mmap", "shared page");
	for (unsigned i = 0; i < opt.nchunks; i++)
		if (opt.chunks[i] > biggest)
			biggest = opt.chunks[i];
	src_len = biggest > SMALL_CHUNK ? biggest : SMALL_CHUNK;
	src = alloc_buf(src_len, true);
	fill_pattern(src, src_len);
	if (!opt.want[R_MEMCPY_CHUNK] && !opt.want[R_MEMCPY_LARGE])
		return;
	large = min_size(LARGE_BUF,
			 opt.payload > biggest ? opt.payload : biggest);
	if (opt.want[R_MEMCPY_LARGE] && large > biggest)
		biggest = large;
	mc_src = alloc_buf(biggest, true);
	mc_dst = alloc_buf(biggest, true);
	fill_pattern(mc_src, biggest);
}
