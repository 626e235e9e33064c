/*
 * share_struct.c - lab 8: smalloc() in use: one struct shared by a parent
 * and N children.
 *
 * The parent smallocs a `struct tally` (with one slot per child), forks N
 * children, and waits.  Child i fills slot i, bumps a shared counter with
 * an atomic add, sfree()s its view and exits.  The parent then reads every
 * slot: all written, all in the one block it allocated.
 *
 * Run:   make lab-8
 *   or   build/08-smalloc/share_struct N        (1 <= N <= 64)
 *
 * What to observe:
 *   - "finished = N": N processes incremented one counter without a lock,
 *     because atomic_fetch_add on lock-free shared memory is atomic across
 *     processes too.  (A plain `t->finished++` is a read-modify-write race:
 *     two children can read the same value, and one increment is lost.)
 *   - every slot holds its child's pid and square: the parent sees them.
 *   - each child called sfree(): that unmapped the CHILD's view only.  The
 *     memory lives until the last process unmaps it (munmap(2)); the
 *     parent's view is untouched, and the parent frees it last.
 *   - t->label points INTO the block, and works in every child: fork()
 *     keeps addresses, so a pointer into the shared block means the same
 *     thing in parent and children.  It would NOT in an unrelated process
 *     that maps the same memory elsewhere (lab 7 stores offsets instead).
 *
 * Man pages: fork(2), waitpid(2), mmap(2); C11 7.17 <stdatomic.h>.
 */
#include "shmlabs.h"

#include "smalloc.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage_text[] =
	"N\n"
	"  fork N children (1..64) that fill one struct allocated with smalloc";

struct slot {
	pid_t pid;
	long square;
	char note[40];
};

struct tally {
	atomic_int finished; /* lock-free: fine between processes */
	int nchildren;
	const char *label; /* points at label_text, in this block */
	char label_text[24];
	struct slot slot[]; /* nchildren of them */
};

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "shared atomics must be lock-free");

static long parse_children(const char *s);
static noreturn void child(struct tally *t, int i);

int main(int argc, char **argv)
{
	struct tally *t;
	long n, sum = 0;

	lab_init(argc, argv);
	if (argc != 2)
		usage_error(usage_text, NULL);
	n = parse_children(argv[1]);

	/* sizeof(*t) + n slots: a flexible array member sized at run time,
	 * exactly like with malloc. */
	t = smalloc(sizeof(*t) + (size_t)n * sizeof(t->slot[0]));
	if (!t) /* NULL and errno, like malloc */
		die("smalloc", "tally");
	t->nchildren = (int)n;
	snprintf(t->label_text, sizeof(t->label_text), "shared tally");
	t->label = t->label_text;
	printf("parent: smalloc(%zu) for a tally of %ld slots, finished = %d (zeroed)\n",
	       sizeof(*t) + (size_t)n * sizeof(t->slot[0]), n,
	       atomic_load(&t->finished));

	for (int i = 0; i < n; i++)
		if (CHK(fork(), "fork", NULL) == 0)
			child(t, i);

	for (int i = 0; i < n; i++) {
		int status;

		CHK(wait(&status), "wait", NULL);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fail("a child failed (wait status 0x%x)",
			     (unsigned)status);
	}

	printf("parent: all %ld children exited; finished = %d\n", n,
	       atomic_load(&t->finished));
	for (int i = 0; i < n; i++) {
		const struct slot *s = &t->slot[i];

		if (s->pid <= 0 || s->square != (long)(i + 1) * (i + 1))
			fail("slot %d was not written", i + 1);
		sum += s->square;
	}
	printf("parent: slot 1: square %ld, \"%s\"; slot %ld: square %ld, \"%s\"\n",
	       t->slot[0].square, t->slot[0].note, n, t->slot[n - 1].square,
	       t->slot[n - 1].note);
	printf("parent: sum of squares = %ld (expected n(n+1)(2n+1)/6 = %ld)\n",
	       sum, n * (n + 1) * (2 * n + 1) / 6);
	printf("parent: the children's sfree() left the parent's view alone: label reads \"%s\"\n",
	       t->label);
	if (atomic_load(&t->finished) != n ||
	    sum != n * (n + 1) * (2 * n + 1) / 6)
		fail("the tally is wrong");
	CHK(sfree(t), "sfree", "tally");
	printf("parent: sfree(tally): done\n");
	return 0;
}

static noreturn void child(struct tally *t, int i)
{
	struct slot *s = &t->slot[i];

	s->pid = getpid();
	s->square = (long)(i + 1) * (i + 1);
	snprintf(s->note, sizeof(s->note), "child %d was here", i + 1);
	/* Relaxed would do for the count itself; the parent reads the slots
	 * only after waitpid(), which already orders everything. */
	atomic_fetch_add(&t->finished, 1);
	printf("child %d: wrote slot %d (square %ld), label reads \"%s\"\n",
	       i + 1, i + 1, s->square, t->label);
	/* Unmaps this process's view only; the parent's stays. */
	if (sfree(t) == -1)
		die("sfree", "tally");
	fflush(stdout);
	_exit(0);
}

/* N: 1..64 children. */
static long parse_children(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < 1 || n > 64)
		usage_error(usage_text, "N must be 1..64");
	return n;
}
