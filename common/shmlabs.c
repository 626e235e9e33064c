/* shmlabs.c - see shmlabs.h.  Kept deliberately small. */
#include "shmlabs.h"

#include <ctype.h>
#include <inttypes.h>
#include <mqueue.h>
#include <setjmp.h>
#include <signal.h>
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

static void report(const char *call, const char *obj, int err)
{
	fprintf(stderr, "%s: %s(%s): %s (%s)\n", lab_prog, call, obj ? obj : "",
		errno_name(err), strerror(err));
}

LAB_NORETURN void die_child(const char *call, const char *obj)
{
	report(call, obj, errno);
	_exit(1);
}

LAB_NORETURN void die(const char *call, const char *obj)
{
	if (lab_pid && getpid() != lab_pid)
		die_child(call, obj);
	report(call, obj, errno);
	exit(1);
}

LAB_NORETURN void fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", lab_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (lab_pid && getpid() != lab_pid)
		_exit(1);
	exit(1);
}

LAB_NORETURN void usage_error(const char *usage, const char *why)
{
	if (why)
		fprintf(stderr, "%s: %s\n", lab_prog, why);
	fprintf(stderr, "usage: %s %s\n", lab_prog, usage);
	exit(2);
}

static const char *prefix(void)
{
	static char buf[128];
	const char *p = getenv("SHMLABS_PREFIX");

	if (buf[0])
		return buf;
	if (!p || !*p)
		snprintf(buf, sizeof(buf), "shmlabs-%u", (unsigned)getuid());
	else if (strncmp(p, "shmlabs", 7) != 0)
		snprintf(buf, sizeof(buf), "shmlabs-%.100s", p);
	else
		snprintf(buf, sizeof(buf), "%.120s", p);
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
	uint32_t h = 2166136261u; /* FNV-1a over "PREFIX/tag" */

	for (const char *c = prefix(); *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	h = (h ^ '/') * 16777619u;
	for (const char *c = tag; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	return (key_t)(0x53000000u | (h & 0x00ffffffu));
}

static struct {
	enum cleanup_kind kind;
	const char *name;
	int id;
	pid_t owner;
	volatile sig_atomic_t live;
} reg[16];

int cleanup_add(enum cleanup_kind kind, const char *name, int id)
{
	for (int i = 0; i < (int)(sizeof(reg) / sizeof(reg[0])); i++) {
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
	if (handle >= 0 && handle < (int)(sizeof(reg) / sizeof(reg[0])))
		reg[handle].live = 0;
}

void cleanup_run(void)
{
	int saved = errno;
	pid_t me = getpid();

	/* Failures are ignored: the object may already be gone. */
	for (int i = 0; i < (int)(sizeof(reg) / sizeof(reg[0])); i++) {
		enum cleanup_kind k = reg[i].kind;

		if (!reg[i].live || reg[i].owner != me)
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

static void on_signal(int sig)
{
	cleanup_run();
	/* Die of the same signal, so the parent (and the shell) sees it. */
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
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL) == -1)
			die("sigaction", sigabbrev_np(sigs[i]));
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

/* Is LINE a maps header ("start-end perms ...")?  Does it hold A? */
static bool holds(const char *line, uintptr_t a, bool *header)
{
	uintptr_t start, end;

	*header = sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", &start, &end) == 2;
	return *header && start <= a && a < end; /* half-open range */
}

/* The one loop behind maps_find() and smaps_kb(): walk PATH to the entry
 * holding ADDR; with FIELD, go on to that entry's "FIELD: N kB" line. */
static long lookup(const char *path, uintptr_t addr, const char *field,
		   char *copy, size_t size)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0, n = field ? strlen(field) : 0;
	bool inside = false, header;
	long kb = -1;

	if (!f)
		die("fopen", path);
	while (getline(&line, &cap, f) != -1) {
		line[strcspn(line, "\n")] = '\0';
		if (!inside) {
			inside = holds(line, addr, &header);
			if (inside && !field) {
				snprintf(copy, size, "%s", line);
				kb = 0;
				break;
			}
		} else if (holds(line, addr, &header), header) {
			break; /* the next entry: FIELD was not in ours */
		} else if (strncmp(line, field, n) == 0 && line[n] == ':') {
			if (sscanf(line + n + 1, "%ld", &kb) != 1)
				kb = -1;
			break;
		}
	}
	free(line);
	fclose(f);
	return kb;
}

bool maps_find(const void *addr, char *line, size_t size)
{
	return lookup("/proc/self/maps", (uintptr_t)addr, NULL, line, size) ==
	       0;
}

long smaps_kb(const void *addr, const char *field)
{
	return lookup("/proc/self/smaps", (uintptr_t)addr, field, NULL, 0);
}

static sigjmp_buf fault_env;
static volatile sig_atomic_t fault_code;

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	fault_code = si->si_code;
	siglongjmp(fault_env, sig); /* back into try_access() */
}

/* sigsetjmp(env, 1) saves the signal mask too: the handler runs with the
 * signal blocked, and plain setjmp would leave it blocked, so the next fault
 * would kill the process (sigsetjmp(3)). */
static int try_access(volatile unsigned char *p, bool write,
		      unsigned char *value, int *code)
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
	if (sig && code)
		*code = fault_code;
	return sig;
}

int try_read(const volatile void *p, unsigned char *out, int *code)
{
	unsigned char v = 0;

	return try_access((volatile unsigned char *)p, false, out ? out : &v,
			  code);
}

int try_write(volatile void *p, unsigned char value, int *code)
{
	return try_access(p, true, &value, code);
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
