/* shmlabs.c - see shmlabs.h.  Kept deliberately small. */
#include "shmlabs.h"

#include <mqueue.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
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

/* ---- IPC names and keys ------------------------------------------- */

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

/* ---- the cleanup registry ----------------------------------------- */

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
		if (!reg[i].live || reg[i].owner != me)
			continue;
		reg[i].live = 0;
		switch (reg[i].kind) {
		case CL_SHM_NAME:
			shm_unlink(reg[i].name);
			break;
		case CL_SEM_NAME:
			sem_unlink(reg[i].name);
			break;
		case CL_MQ_NAME:
			mq_unlink(reg[i].name);
			break;
		case CL_PATH:
			unlink(reg[i].name);
			break;
		case CL_SYSV_SHM:
			shmctl(reg[i].id, IPC_RMID, NULL);
			break;
		case CL_SYSV_SEM:
			semctl(reg[i].id, 0, IPC_RMID);
			break;
		case CL_SYSV_MSG:
			msgctl(reg[i].id, IPC_RMID, NULL);
			break;
		}
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
	const char *slash;

	if (argc > 0 && argv[0]) {
		slash = strrchr(argv[0], '/');
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
