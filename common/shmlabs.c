/* shmlabs.c - see shmlabs.h.  Kept deliberately small. */
#include "shmlabs.h"

#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <mqueue.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

const char *lab_prog = "shmlabs";
static pid_t lab_pid; /* the process that called lab_init() */

const char *errno_name(int err)
{
	const char *n = strerrorname_np(err); /* glibc >= 2.32 */
	return n ? n : "E?";
}

LAB_NORETURN void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", lab_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (lab_pid && getpid() != lab_pid) /* a child of the lab: see die() */
		_exit(1);
	exit(1);
}

LAB_NORETURN void die(const char *call, const char *obj)
{
	int err = errno;

	fail("%s(%s): %s (%s)", call, obj ? obj : "", errno_name(err),
	     strerror(err));
}

LAB_NORETURN void usage_error(const char *usage, const char *why)
{
	if (why)
		fprintf(stderr, "%s: %s\n", lab_prog, why);
	/* No blank after PROG when no argument words follow. */
	fprintf(stderr, "usage: %s%s%s\n", lab_prog, *usage == '\n' ? "" : " ",
		usage);
	exit(2);
}

/* $SHMLABS_PREFIX, made safe as the start of every IPC name and key. */
static const char *prefix(void)
{
	static char buf[128];
	const char *p = getenv("SHMLABS_PREFIX");

	if (!buf[0] && p && *p)
		snprintf(buf, sizeof(buf), "%s%.119s",
			 strncmp(p, "shmlabs", 7) != 0 ? "shmlabs-" : "", p);
	else if (!buf[0])
		snprintf(buf, sizeof(buf), "shmlabs-%u", (unsigned)getuid());
	for (char *c = buf; *c; c++) /* a name may hold no further '/' */
		if (*c == '/')
			*c = '_';
	return buf;
}

char *ipc_name(const char *tag)
{
	char *s;

	if (asprintf(&s, "/%s-%s", prefix(), tag) < 0)
		die("asprintf", tag);
	return s;
}

key_t ipc_key(const char *tag)
{
	char s[256];
	uint32_t h = 2166136261u; /* FNV-1a over "PREFIX/TAG" */

	snprintf(s, sizeof(s), "%s/%s", prefix(), tag);
	for (const char *c = s; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	return (key_t)(0x53000000u | (h & 0x00ffffffu));
}

static struct {
	enum cleanup_kind kind;
	const char *name;
	int id;
	pid_t owner;
	volatile sig_atomic_t
		live; /* set last: a signal may come at any time */
} reg[16];	      /* the cleanup registry, cleanup_run()'s list */
#define NREG (int)(sizeof(reg) / sizeof(reg[0]))

int cleanup_add(enum cleanup_kind kind, const char *name, int id)
{
	for (int i = 0; i < NREG; i++) {
		if (reg[i].live)
			continue;
		reg[i].kind = kind;
		reg[i].name = name;
		reg[i].id = id;
		reg[i].owner = getpid();
		reg[i].live = 1;
		return i;
	}
	fail("cleanup registry full");
}

void cleanup_done(int handle)
{
	if (handle >= 0 && handle < NREG)
		reg[handle].live = 0;
}

/* Remove what this process registered: at exit() and from on_signal(), so
 * only async-signal-safe calls; failures are ignored (it may be gone). */
static void cleanup_run(void)
{
	int saved = errno;

	for (int i = 0; i < NREG; i++) {
		enum cleanup_kind k = reg[i].kind;

		if (!reg[i].live || reg[i].owner != getpid())
			continue;
		reg[i].live = 0;
		if (k == CL_SYSV_SHM)
			shmctl(reg[i].id, IPC_RMID, NULL);
		else if (k == CL_SYSV_SEM)
			semctl(reg[i].id, 0, IPC_RMID);
		else if (k == CL_SYSV_MSG)
			msgctl(reg[i].id, IPC_RMID, NULL);
		else /* a name or a path */
			(k == CL_SHM_NAME   ? shm_unlink
			 : k == CL_SEM_NAME ? sem_unlink
			 : k == CL_MQ_NAME  ? mq_unlink
					    : unlink)(reg[i].name);
	}
	errno = saved;
}

/* Clean up, then die of the same signal, so the parent (and the shell)
 * sees it. */
static void on_signal(int sig)
{
	cleanup_run();
	signal(sig, SIG_DFL);
	raise(sig);
}

void lab_init(int argc, char **argv)
{
	if (argc > 0 && argv[0]) {
		const char *slash = strrchr(argv[0], '/');

		lab_prog = slash ? slash + 1 : argv[0];
	}
	lab_pid = getpid();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (atexit(cleanup_run) != 0)
		fail("atexit failed");

	/* Installed even where the shell started us with SIGINT ignored
	 * (a background job): Ctrl-C and `kill -INT` must clean up. */
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	CHK(sigaction(SIGINT, &sa, NULL), "sigaction", "SIGINT");
	CHK(sigaction(SIGTERM, &sa, NULL), "sigaction", "SIGTERM");
	CHK(sigaction(SIGHUP, &sa, NULL), "sigaction", "SIGHUP");
}

void write_all(int fd, const void *buf, size_t len, const char *obj)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			die("write", obj);
		p += n;
		len -= (size_t)n;
	}
}

bool parse_size(const char *s, size_t *out)
{
	static const char units[] = "KMG"; /* K = 2^10, M = 2^20, G = 2^30 */
	const char *u;
	unsigned shift = 0;
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9') /* strtoull would accept " -1" */
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	if (*end && (u = strchr(units, toupper((unsigned char)*end)))) {
		shift = 10 * (unsigned)(u - units + 1);
		end++;
	}
	if (*end || v > (SIZE_MAX >> shift)) /* check before shifting */
		return false;
	*out = (size_t)(v << shift);
	return true;
}

/* The one loop behind maps_find() and smaps_kb(): walk PATH (maps or smaps)
 * to the entry holding ADDR; with FIELD, on to its "FIELD: N kB" line. */
static long lookup(const char *path, uintptr_t addr, const char *field,
		   char *copy, size_t size)
{
	FILE *f = fopen(path, "re");
	char line[PATH_MAX + 128];
	size_t n = field ? strlen(field) : 0;
	uintptr_t start, end;
	bool inside = false;
	long kb = -1;

	if (!f)
		die("fopen", path);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", &start, &end) ==
		    2) { /* an entry's first line */
			if (inside)
				break; /* FIELD was not in our entry */
			inside = start <= addr && addr < end; /* half-open */
			if (inside && !field) {
				snprintf(copy, size, "%s", line);
				kb = 0;
				break;
			}
		} else if (inside && strncmp(line, field, n) == 0 &&
			   line[n] == ':') {
			kb = strtol(line + n + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kb;
}

bool maps_find(const void *addr, char *line, size_t size)
{
	return lookup("/proc/self/maps", (uintptr_t)addr, NULL, line, size) ==
	       0;
}

void maps_print(const char *label, const void *addr)
{
	char line[PATH_MAX + 128];

	if (!maps_find(addr, line, sizeof(line)))
		fail("no line of /proc/self/maps holds %p", addr);
	printf("%s%s\n", label, line);
}

long smaps_kb(const void *addr, const char *field)
{
	return lookup("/proc/self/smaps", (uintptr_t)addr, field, NULL, 0);
}

static sigjmp_buf fault_env;
static siginfo_t fault_info;

/* Back out of the faulting access into try_access(), with the siginfo. */
static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	fault_info = *si;
	siglongjmp(fault_env, sig);
}

/* sigsetjmp(env, 1) saves the signal mask too: the handler runs with the
 * signal blocked, and plain setjmp would leave it blocked, so the next fault
 * would kill the process (sigsetjmp(3)). */
static int try_access(volatile unsigned char *p, bool write,
		      unsigned char *value, siginfo_t *si)
{
	struct sigaction sa = { .sa_sigaction = on_fault,
				.sa_flags = SA_SIGINFO };
	struct sigaction old_segv, old_bus;
	int sig;

	sigemptyset(&sa.sa_mask);
	CHK(sigaction(SIGSEGV, &sa, &old_segv), "sigaction", "SIGSEGV");
	CHK(sigaction(SIGBUS, &sa, &old_bus), "sigaction", "SIGBUS");
	sig = sigsetjmp(fault_env, 1);
	if (sig == 0) {
		if (write)
			*p = *value;
		else
			*value = *p;
	}
	CHK(sigaction(SIGSEGV, &old_segv, NULL), "sigaction", "SIGSEGV");
	CHK(sigaction(SIGBUS, &old_bus, NULL), "sigaction", "SIGBUS");
	if (sig && si)
		*si = fault_info;
	return sig;
}

int try_read(const volatile void *p, unsigned char *out, siginfo_t *si)
{
	unsigned char v = 0;

	return try_access((volatile unsigned char *)p, false, out ? out : &v,
			  si);
}

int try_write(volatile void *p, unsigned char value, siginfo_t *si)
{
	return try_access(p, true, &value, si);
}

void pipes_open(int up[2], int down[2])
{
	CHK(pipe(up), "pipe", "child to parent");
	CHK(pipe(down), "pipe", "parent to child");
}

void pipes_keep(bool child, int up[2], int down[2])
{
	CHK(close(child ? up[0] : up[1]), "close", "pipe");
	CHK(close(child ? down[1] : down[0]), "close", "pipe");
}

bool facts_ok = true;

void fact(const char *what, const char *expected, const char *observed)
{
	bool ok = strcmp(expected, observed) == 0;

	printf("  %-40s expected %s, observed %s%s\n", what, expected, observed,
	       ok ? "" : "   <-- UNEXPECTED");
	facts_ok = facts_ok && ok;
}

int facts_verdict(void)
{
	puts(facts_ok ? "all observations as expected"
		      : "SOME OBSERVATIONS DIFFERED");
	return facts_ok ? 0 : 1;
}
