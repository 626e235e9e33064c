/*
 * exchange.c - lab 5: the region size option and the fork experiment that
 * anon_shared, anon_private and tempfile_shared run (exchange.h).
 *
 * Man pages: fork(2), waitpid(2), _exit(2).
 */
#include "exchange.h"

#include "shmlabs.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* What parent and child exchange, at the start of the region. */
struct box {
	int counter;
	char note[60];
};

enum { BEFORE_FORK = 41, BY_CHILD = 42 };
static const char child_note[] = "written by the child";
#define LAST_BYTE 'Z'

size_t region_size(int argc, char **argv, const char *usage)
{
	size_t len = 4096;
	int opt;

	while ((opt = getopt(argc, argv, "s:")) != -1) {
		if (opt != 's')
			usage_error(usage, NULL);
		if (!parse_size(optarg, &len) || len < sizeof(struct box) ||
		    len > (64u << 20))
			usage_error(usage, "SIZE must be 64..64M bytes");
	}
	if (optind != argc)
		usage_error(usage, NULL);
	return len;
}

/*
 * EVERY byte, not a sample: the guarantee covers the whole length (mmap(2):
 * MAP_ANONYMOUS "contents are initialized to zero"; ftruncate(2): the
 * extended part "reads as null bytes").
 */
static bool zero_filled(const unsigned char *p, size_t len)
{
	size_t zeros = 0;

	for (size_t i = 0; i < len; i++)
		zeros += p[i] == 0;
	printf("zero-filled: %zu of %zu bytes are 0\n", zeros, len);
	return zeros == len;
}

static void show_box(const char *who, const struct box *b, unsigned char last)
{
	printf("%s counter = %d, note = \"%.*s\", last byte = ", who,
	       b->counter, (int)sizeof(b->note), b->note);
	if (last == LAST_BYTE)
		printf("'%c'\n", last);
	else
		printf("0x%02x\n", last);
}

/* waitpid() is the synchronisation: when it returns, every store of the
 * child is done.  No sleep, no guessing. */
static bool fork_and_look(unsigned char *p, size_t len)
{
	struct box *b = (struct box *)p;
	int status;
	pid_t pid;

	b->counter = BEFORE_FORK;
	printf("parent: counter = %d before fork()\n", b->counter);

	pid = CHK(fork(), "fork", NULL);
	if (pid == 0) {
		int seen = b->counter;

		printf("child:  counter = %d (inherited through fork)\n", seen);
		b->counter = BY_CHILD;
		snprintf(b->note, sizeof(b->note), "%s", child_note);
		p[len - 1] = LAST_BYTE;
		show_box("child:  wrote", b, p[len - 1]);
		/* _exit: the parent's atexit handlers are not ours to run. */
		fflush(stdout);
		_exit(seen == BEFORE_FORK ? 0 : 3);
	}

	CHK(waitpid(pid, &status, 0), "waitpid", NULL);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("the child did not see the value written before fork() (wait status 0x%x)",
		     (unsigned)status);
	show_box("parent: after waitpid():", b, p[len - 1]);

	if (b->counter == BY_CHILD && strcmp(b->note, child_note) == 0 &&
	    p[len - 1] == LAST_BYTE) {
		printf("result: shared: the parent sees every write of the child\n");
		return true;
	}
	if (b->counter == BEFORE_FORK && b->note[0] == '\0' &&
	    p[len - 1] == 0) {
		printf("result: not shared: the child's writes went to its own copy-on-write pages\n");
		return false;
	}
	fail("result: inconsistent: some writes of the child arrived, some did not");
}

void experiment(unsigned char *p, size_t len, bool want_shared,
		const char *what)
{
	if (!zero_filled(p, len))
		fail("a fresh mapping was not all zero");
	if (fork_and_look(p, len) != want_shared)
		fail("expected the %s mapping %sto be shared", what,
		     want_shared ? "" : "not ");
	CHK(munmap(p, len), "munmap", what);
}
