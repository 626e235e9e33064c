/*
 * options.c - lab 16: ipc_speed's command line.  Bad usage prints the usage
 * to stderr and exits 2:
 *
 *   $ build/16-ipc-speed/ipc_speed -m nope
 *   ipc_speed: unknown method 'nope'
 *   usage: ipc_speed [-s SIZE] [-c CHUNK[,CHUNK...]] [-n SLOTS] [-r REPS] [-l ROUNDS]
 *                    [-m LIST] [--sweep] [--csv] [--no-pin] [--flip OFFSET]
 *   ...
 *   $ echo $?
 *   2
 *
 * Man pages: getopt(3).
 */
#include "ipc_speed.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

const char usage_text[] =
	"[-s SIZE] [-c CHUNK[,CHUNK...]] [-n SLOTS] [-r REPS] [-l ROUNDS]\n"
	"                 [-m LIST] [--sweep] [--csv] [--no-pin] [--flip OFFSET]\n"
	"  -s, --size SIZE    bytes every method moves (default 512M)\n"
	"  -c, --chunk LIST   bytes per write()/slot (default 1M, 64..256M);\n"
	"                     several sizes: a sweep, one table row per size\n"
	"  -n, --slots N      slots in the shared-memory ring (default 4)\n"
	"  -r, --reps N       runs per method; the fastest counts (default 3)\n"
	"  -l, --rounds N     ping-pong round trips (default 10000; 0: none)\n"
	"  -m, --method LIST  comma-separated, default all:\n"
	"                     memcpy-chunk memcpy-large pipe pipe-big unix\n"
	"                     posix-mq sysv-msg ring ring-zc ring-4k\n"
	"                     rtt-pipe rtt-unix rtt-sem rtt-spin\n"
	"                     (groups: all, memcpy, rtt)\n"
	"      --sweep        -c 4K,16K,64K,256K,1M,4M\n"
	"                     -m memcpy-chunk,pipe-big,ring,ring-zc -l 0\n"
	"                     (-c and -m after --sweep override these)\n"
	"      --csv          one CSV table instead of the report\n"
	"      --no-pin       let the scheduler place the two processes\n"
	"      --flip OFFSET  flip a bit of payload byte OFFSET as it arrives\n"
	"                     (to see the check catch it: exit 1)\n"
	"  SIZE takes a K, M or G suffix (powers of 1024).";

const char *const row_name[NROWS] = {
	"memcpy-chunk", "memcpy-large", "pipe",	   "pipe-big", "unix",
	"posix-mq",	"sysv-msg",	"ring",	   "ring-zc",  "ring-4k",
	"rtt-pipe",	"rtt-unix",	"rtt-sem", "rtt-spin",
};

struct options opt = { .payload = 512 * MiB,
		       .chunks = { 1 * MiB },
		       .nchunks = 1,
		       .slots = 4,
		       .reps = 3,
		       .rounds = 10000,
		       .flip = SIZE_MAX };
struct result res[MAX_CHUNKS][NROWS];

static LAB_NORETURN void bad(const char *what, const char *arg)
{
	char why[128];

	snprintf(why, sizeof(why), "%s, not '%.30s'", what, arg);
	usage_error(usage_text, why);
}

static unsigned parse_count(const char *s, const char *what, unsigned lo,
			    unsigned hi)
{
	size_t v;
	char why[96];

	if (!parse_size(s, &v) || v < lo || v > hi) {
		snprintf(why, sizeof(why), "%s must be %u..%u", what, lo, hi);
		bad(why, s);
	}
	return (unsigned)v;
}

/* "4K,64K,1M": the chunk sizes of a sweep, in the order given. */
static void parse_chunks(char *list)
{
	char *save = NULL;

	opt.nchunks = 0;
	for (char *t = strtok_r(list, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		size_t *c = &opt.chunks[opt.nchunks];

		if (opt.nchunks == MAX_CHUNKS)
			usage_error(usage_text, "--chunk: at most 16 sizes");
		if (!parse_size(t, c) || *c < 64 || *c > 256 * MiB)
			bad("--chunk must be 64..256M", t);
		opt.nchunks++;
	}
	if (opt.nchunks == 0)
		usage_error(usage_text, "--chunk needs a size");
}

static void parse_methods(char *list)
{
	char *save = NULL;
	bool any = false;

	memset(opt.want, 0, sizeof(opt.want));
	for (char *t = strtok_r(list, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		bool hit = false;

		for (int i = 0; i < NROWS; i++) {
			if (strcmp(t, row_name[i]) == 0 ||
			    strcmp(t, "all") == 0 ||
			    (strcmp(t, "memcpy") == 0 && i <= R_MEMCPY_LARGE) ||
			    (strcmp(t, "rtt") == 0 && i >= FIRST_RTT)) {
				opt.want[i] = true;
				hit = true;
			}
		}
		if (!hit) {
			char why[96];

			snprintf(why, sizeof(why), "unknown method '%.40s'", t);
			usage_error(usage_text, why);
		}
		any = true;
	}
	if (!any)
		usage_error(usage_text, "--method needs at least one name");
}

static void sweep_defaults(void)
{
	char chunks[] = "4K,16K,64K,256K,1M,4M";
	char methods[] = "memcpy-chunk,pipe-big,ring,ring-zc";

	parse_chunks(chunks);
	parse_methods(methods);
	opt.rounds = 0;
}

/* The long options for getopt_long(3); the last field is what it returns. */
static const struct option longs[] = {
	{ "size", required_argument, NULL, 's' },
	{ "chunk", required_argument, NULL, 'c' },
	{ "slots", required_argument, NULL, 'n' },
	{ "reps", required_argument, NULL, 'r' },
	{ "rounds", required_argument, NULL, 'l' },
	{ "method", required_argument, NULL, 'm' },
	{ "sweep", no_argument, NULL, 'S' },
	{ "csv", no_argument, NULL, 'C' },
	{ "no-pin", no_argument, NULL, 'P' },
	{ "flip", required_argument, NULL, 'F' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

void parse_args(int argc, char **argv)
{
	size_t biggest = 0;
	int c;

	for (int i = 0; i < NROWS; i++)
		opt.want[i] = true;
	opterr = 0; /* our own message, then the usage */
	while ((c = getopt_long(argc, argv, "s:c:n:r:l:m:h", longs, NULL)) !=
	       -1) {
		switch (c) {
		case 's':
			if (!parse_size(optarg, &opt.payload) ||
			    opt.payload < 1 || opt.payload > 64 * GiB)
				bad("--size must be 1..64G", optarg);
			break;
		case 'c':
			parse_chunks(optarg);
			break;
		case 'n':
			opt.slots = parse_count(optarg, "--slots", 1, 4096);
			break;
		case 'r':
			opt.reps = parse_count(optarg, "--reps", 1, 100);
			break;
		case 'l':
			opt.rounds =
				parse_count(optarg, "--rounds", 0, 10000000);
			break;
		case 'm':
			parse_methods(optarg);
			break;
		case 'S':
			sweep_defaults();
			break;
		case 'C':
			opt.csv = true;
			break;
		case 'P':
			opt.no_pin = true;
			break;
		case 'F':
			if (!parse_size(optarg, &opt.flip))
				bad("--flip needs a byte offset", optarg);
			break;
		default:
			usage_error(usage_text, c == 'h' ? NULL : "bad option");
		}
	}
	if (optind < argc)
		usage_error(usage_text, "no arguments expected");
	for (unsigned i = 0; i < opt.nchunks; i++)
		if (opt.chunks[i] > biggest)
			biggest = opt.chunks[i];
	if ((size_t)opt.slots * round_up(biggest, 64) > GiB)
		usage_error(usage_text, "the ring (slots x chunk) is over 1G");
	if (opt.rounds == 0)
		for (int i = FIRST_RTT; i < NROWS; i++)
			opt.want[i] = false;
}
