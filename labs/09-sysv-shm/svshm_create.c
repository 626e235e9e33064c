/*
 * svshm_create.c - Lab 9: create a System V segment, store bytes in it and
 * exit WITHOUT removing it.  The segment belongs to the kernel, not to this
 * process: kernel persistence.  svshm_read, svshm_info, svshm_chmod,
 * svshm_hold and svshm_rm then work on the same segment, key
 * ipc_key("persist") (one per $SHMLABS_PREFIX).
 *
 *   $ svshm_create hello
 *   created shmid 32783, key 0x534a7f83, 6 bytes, by pid 16123; exiting without IPC_RMID
 *   $ ipcs -m
 *   key        shmid      owner      perms      bytes      nattch     status
 *   0x534a7f83 32783      root       600        6          0
 *   $ svshm_create < /bin/true       no TEXT: all of stdin, binary-safe
 *
 * Man pages: shmget(2), shmat(2), shmdt(2), ipcs(1), proc(5)
 * (/proc/sys/kernel/shm_rmid_forced).
 */
#include "svshm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] = "[TEXT]   (no TEXT: store all of stdin)";

static char *read_input(const char *text, size_t *len);
static void warn_rmid_forced(void);

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	if (argc > 2)
		usage_error(usage, "one TEXT at most");

	size_t len;
	char *data = read_input(argv[1], &len);
	key_t key = persist_key();
	int handle;

	/* Size exactly LEN: shm_segsz then tells a reader how many bytes
	 * there are.  shmget refuses size 0 (SHMMIN is 1) with EINVAL, so
	 * say it in words first. */
	if (len == 0)
		fail("nothing to store: the input is empty, and a segment needs at least 1 byte (SHMMIN)");
	int id = seg_create(key, len, &handle);

	/* shmat(2) reports failure as (void *)-1: not NULL, not -1. */
	char *p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		die("shmat", obj_id(id));
	memcpy(p, data, len);
	CHK(shmdt(p), "shmdt", obj_id(id));
	free(data);

	printf("created shmid %d, key 0x%08x, %zu bytes, by pid %ld; exiting without IPC_RMID\n",
	       id, (unsigned)key, len, (long)getpid());
	warn_rmid_forced();
	cleanup_done(handle); /* deliberately left for the other programs */
	return 0;
}

/* TEXT and a newline, or all of standard input (binary data too). */
static char *read_input(const char *text, size_t *len)
{
	char *buf = NULL, chunk[65536];
	FILE *out = open_memstream(&buf, len);
	size_t n;

	if (!out)
		die("open_memstream", "input");
	if (text) {
		fprintf(out, "%s\n", text);
	} else {
		if (isatty(0))
			fprintf(stderr,
				"%s: reading the data from standard input (end it with Ctrl-D)\n",
				lab_prog);
		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			fwrite(chunk, 1, n, out);
		if (ferror(stdin))
			die("read", "stdin");
	}
	if (fclose(out) != 0)
		die("fclose", "input");
	return buf;
}

/* With kernel.shm_rmid_forced = 1 the kernel destroys a segment when its
 * creator exits if nobody is attached: no persistence then.  The file is
 * optional (old kernels lack it, and then the answer is 0). */
static void warn_rmid_forced(void)
{
	FILE *f = fopen("/proc/sys/kernel/shm_rmid_forced", "r");
	int forced = 0;

	if (!f)
		return;
	if (fscanf(f, "%d", &forced) != 1)
		forced = 0;
	fclose(f);
	if (forced)
		printf("note: kernel.shm_rmid_forced is 1, so the segment dies with this process\n");
}
