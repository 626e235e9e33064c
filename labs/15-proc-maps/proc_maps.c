/*
 * proc_maps.c - Lab 15: read /proc/PID/maps, the kernel's list of a
 * process's virtual memory areas (one line per vm_area_struct), classify
 * each area, add the sizes up and draw the address space to scale.
 * maps_tour (the other program of this lab) then creates each kind of
 * shared memory one at a time and shows the line it adds.
 *
 *   $ proc_maps --table
 *   /proc/self/maps: pid 29794 (proc_maps), program /tmp/shm-labs/build/15-proc-maps/proc_maps
 *
 *   START-END                         KiB PERM OFFSET   DEV   INODE     KIND         PATH
 *   55a925cd9000-55a925cdb000           8 r--p 00000000 fe:00 10954089  rodata       /tmp/shm-labs/build/15-proc-maps/proc_maps
 *   55a925cdb000-55a925ce0000          20 r-xp 00002000 fe:00 10954089  text         /tmp/shm-labs/build/15-proc-maps/proc_maps
 *   ...
 *   7ffe39fbd000-7ffe39fde000         132 rw-p 00000000 00:00 0         stack        [stack]
 *
 *   total: 2520 KiB in 25 mappings (2.5 MiB)
 *   ...
 *   $ proc_maps --map $$               another process: the picture only
 *   $ proc_maps --parse saved.maps     saved or crafted lines (- = stdin)
 *
 * The parser (maps_parse.c) is strict about the first five fields and
 * takes the rest of the line, spaces included, as the path; a bad line is
 * reported with its number and why, and the exit status is then 1.
 * Man pages: proc(5) (/proc/pid/maps), ptrace(2) (access mode checks).
 */
#include "maps_parse.h"
#include "maps_view.h"
#include "shmlabs.h"

#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"[--table|--map] [PID]\n"
	"       proc_maps [--table|--map] --parse FILE   (FILE - reads stdin)";

enum { SHOW_TABLE = 1, SHOW_MAP = 2 };

static int show_process(const char *pidstr, int what);
static int parse_file(const char *file, int what);

/* getopt_long(3): each long option and the short one it stands for. */
static const struct option opts[] = {
	{ "table", no_argument, NULL, 't' },
	{ "map", no_argument, NULL, 'm' },
	{ "parse", required_argument, NULL, 'p' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }, /* the end of the list */
};

int main(int argc, char **argv)
{
	const char *file = NULL;
	int what = 0, c;

	lab_init(argc, argv);
	opterr = 0; /* we print the usage ourselves */
	while ((c = getopt_long(argc, argv, "tmp:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			what |= SHOW_TABLE;
			break;
		case 'm':
			what |= SHOW_MAP;
			break;
		case 'p':
			file = optarg;
			break;
		case 'h':
			printf("usage: %s %s\n", lab_prog, usage);
			return 0;
		default: {
			char why[80];

			snprintf(why, sizeof(why), "%s: %s", argv[optind - 1],
				 optopt == 'p' ? "needs a FILE"
					       : "unknown option");
			usage_error(usage, why);
		}
		}
	}
	if (!what)
		what = SHOW_TABLE | SHOW_MAP;
	if (file) {
		if (optind < argc)
			usage_error(usage, "--parse FILE takes no PID");
		return parse_file(file, what);
	}
	if (argc - optind > 1)
		usage_error(usage, "one PID at most");
	if (optind == argc)
		return show_process("self", what);

	/* A PID: digits only, 1..INT_MAX ("self" works too). */
	const char *pid = argv[optind];
	char *end;

	errno = 0;
	long v = strtol(pid, &end, 10);

	if (strcmp(pid, "self") != 0 &&
	    (end == pid || *end || errno || v < 1 || v > INT_MAX ||
	     !(pid[0] >= '0' && pid[0] <= '9')))
		usage_error(usage, "PID must be a positive process id");
	return show_process(pid, what);
}

/* Reads the whole file first, then parses: the kernel builds the text
 * under the mmap lock a page at a time, so a partial read of another,
 * running process can mix two moments; reading fast and once keeps the
 * window small.  Returns the number of rejected lines. */
static size_t load(int fd, const char *name, struct text *txt,
		   struct maps_table *t)
{
	slurp(fd, name, txt);
	t->n = 0;
	return maps_parse_text(txt->p, txt->len, name, t);
}

static void show(const struct maps_table *t, const char *exe, int what)
{
	if (what & SHOW_TABLE)
		print_table(t, exe);
	if (what & SHOW_MAP) {
		if (what & SHOW_TABLE)
			putchar('\n');
		print_map(t, exe);
	}
	putchar('\n');
	print_total(t, exe);
}

/* proc_maps [PID]: PIDSTR is "self" or a number already checked. */
static int show_process(const char *pidstr, int what)
{
	char path[64], exepath[64], exe[PATH_MAX], comm[64] = "";
	struct text txt = { 0 };
	struct maps_table t = { 0 };
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/maps", pidstr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		/* The usual two: the process is gone, or we may not look.
		 * The file's r--r--r-- mode is not the whole story: open()
		 * runs the ptrace check (PTRACE_MODE_READ_FSCREDS): the same
		 * uid and a dumpable process, or CAP_SYS_PTRACE over the
		 * process's user namespace; an LSM may refuse too.  Even
		 * root gets EACCES for a process outside its reach. */
		int err = errno;

		if (err == ENOENT)
			fprintf(stderr, "%s: no process %s\n", lab_prog,
				pidstr);
		else if (err == EACCES || err == EPERM)
			fprintf(stderr,
				"%s: pid %s: reading its maps needs ptrace read access (same user, or CAP_SYS_PTRACE)\n",
				lab_prog, pidstr);
		errno = err;
		die("open", path);
	}
	size_t nbad = load(fd, path, &txt, &t);

	CHK(close(fd), "close", path);
	if (txt.len == 0)
		fail("%s is empty: pid %s has no user address space (a kernel thread, or a zombie)",
		     path, pidstr);

	/* Which file is the program?  The maps line cannot say; the exe
	 * link can (it needs the same access as maps). */
	snprintf(exepath, sizeof(exepath), "/proc/%s/exe", pidstr);
	ssize_t n = readlink(exepath, exe, sizeof(exe) - 1);

	if (n >= 0)
		exe[n] = '\0';
	else
		snprintf(exe, sizeof(exe), "%s",
			 maps_guess_exe(&t) ? maps_guess_exe(&t) : "?");
	snprintf(exepath, sizeof(exepath), "/proc/%s/comm", pidstr);
	fd = open(exepath, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) { /* only for the heading: failure is harmless */
		ssize_t c = read(fd, comm, sizeof(comm) - 1);

		comm[c > 0 ? c : 0] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		CHK(close(fd), "close", exepath);
	}
	printf("%s: pid %d (%s), program %s\n\n", path,
	       strcmp(pidstr, "self") == 0 ? (int)getpid() : atoi(pidstr), comm,
	       exe);
	show(&t, exe, what);
	return nbad ? 1 : 0;
}

static int parse_file(const char *file, int what)
{
	bool is_stdin = strcmp(file, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : file;
	struct text txt = { 0 };
	struct maps_table t = { 0 };
	int fd = is_stdin ? 0
			  : CHK(open(file, O_RDONLY | O_CLOEXEC), "open", file);
	size_t nbad = load(fd, name, &txt, &t);

	if (!is_stdin)
		CHK(close(fd), "close", file);
	if (txt.len == 0)
		fail("%s: empty, no lines to parse", name);
	if (t.n == 0)
		fail("%s: no valid line (%zu rejected)", name, nbad);

	const char *exe = maps_guess_exe(&t);

	printf("%s: %zu lines parsed, %zu rejected; program guessed as %s\n\n",
	       name, t.n, nbad, exe ? exe : "?");
	show(&t, exe, what);
	if (nbad)
		fprintf(stderr, "%s: %s: %zu bad line%s\n", lab_prog, name,
			nbad, nbad == 1 ? "" : "s");
	return nbad ? 1 : 0;
}
