/*
 * svshm.c - lab 9's shared scaffolding (svshm.h): names for messages,
 * create/remove with the cleanup registry, and the printing of what the
 * kernel reports (shmid_ds, /proc/sysvipc/shm).
 */
#include "svshm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void no_arguments(int argc)
{
	if (argc != 1)
		usage_error("(no arguments)", "unexpected argument");
}

/* A few rotating buffers, so one printf may use several results. */
static char *rotating(void)
{
	static char buf[8][48];
	static int n;

	return buf[n++ % 8];
}

const char *obj_key(key_t key)
{
	char *b = rotating();

	snprintf(b, 48, "key 0x%08x", (unsigned)key);
	return b;
}

const char *obj_id(int id)
{
	char *b = rotating();

	snprintf(b, 48, "shmid %d", id);
	return b;
}

const char *obj_ctl(int id, const char *cmd)
{
	char *b = rotating();

	snprintf(b, 48, "shmid %d, %s", id, cmd);
	return b;
}

/* Seed bug: mode 0666 lets every user read and overwrite it (guide, lab 9) */
int seg_create(key_t key, size_t size, int *handle)
{
	int id = CHK(shmget(key, size, IPC_CREAT | IPC_EXCL | 0600), "shmget",
		     obj_key(key));

	*handle = cleanup_add(CL_SYSV_SHM, NULL, id);
	return id;
}

void seg_remove(int id, int handle)
{
	CHK(shmctl(id, IPC_RMID, NULL), "shmctl", obj_ctl(id, "IPC_RMID"));
	cleanup_done(handle);
}

void seg_stat(int id, struct shmid_ds *ds)
{
	CHK(shmctl(id, IPC_STAT, ds), "shmctl", obj_ctl(id, "IPC_STAT"));
}

key_t persist_key(void)
{
	return ipc_key("persist");
}

int persist_id(void)
{
	return CHK(shmget(persist_key(), 0, 0), "shmget",
		   obj_key(persist_key()));
}

void expect_errno(bool failed, int want, const char *what)
{
	int err = errno;

	if (!failed)
		fail("%s succeeded, but %s was expected", what,
		     errno_name(want));
	if (err != want)
		fail("%s failed with %s, but %s was expected", what,
		     errno_name(err), errno_name(want));
	printf("  %-46s -> %s (%s), as expected\n", what, errno_name(err),
	       strerror(err));
}

const char *status_str(unsigned mode)
{
	if (mode & SHM_DEST)
		return (mode & SHM_LOCKED) ? "dest,locked" : "dest";
	return (mode & SHM_LOCKED) ? "locked" : "-";
}

const char *time_str(time_t t)
{
	char *b = rotating();
	struct tm tm;

	if (t == 0)
		return "never";
	if (!localtime_r(&t, &tm) ||
	    strftime(b, 48, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(b, 48, "%lld", (long long)t);
	return b;
}

void print_info(int id)
{
	struct shmid_ds ds;

	seg_stat(id, &ds);
	/* glibc calls the key field __key: POSIX does not promise it. */
	printf("key     0x%08x\n", (unsigned)ds.shm_perm.__key);
	printf("id      %d\n", id);
	printf("owner   uid %u gid %u (creator uid %u gid %u)\n",
	       (unsigned)ds.shm_perm.uid, (unsigned)ds.shm_perm.gid,
	       (unsigned)ds.shm_perm.cuid, (unsigned)ds.shm_perm.cgid);
	printf("mode    %04o\n", ds.shm_perm.mode & 0777u);
	printf("status  %s\n", status_str(ds.shm_perm.mode));
	printf("size    %zu bytes (shm_segsz: what shmget was asked for)\n",
	       (size_t)ds.shm_segsz);
	printf("nattch  %lu (attaches, not processes)\n",
	       (unsigned long)ds.shm_nattch);
	printf("cpid    %ld (created it)\n", (long)ds.shm_cpid);
	printf("lpid    %ld (last shmat or shmdt)\n", (long)ds.shm_lpid);
	printf("atime   %s (last shmat)\n", time_str(ds.shm_atime));
	printf("dtime   %s (last shmdt)\n", time_str(ds.shm_dtime));
	printf("ctime   %s (created, or last IPC_SET)\n",
	       time_str(ds.shm_ctime));
}

/* Split LINE at blanks into at most MAX words; returns how many. */
static int words(char *line, char **w, int max)
{
	char *save;
	int n = 0;

	for (char *t = strtok_r(line, " \n", &save); t && n < max;
	     t = strtok_r(NULL, " \n", &save))
		w[n++] = t;
	return n;
}

void print_proc_row(int id)
{
	static const char path[] = "/proc/sysvipc/shm";
	static const char *const want[] = { "key",  "shmid", "perms",  "size",
					    "cpid", "lpid",  "nattch", "uid",
					    "rss",  "swap" };
	char head[512], row[512], *hv[32], *rv[32];
	int nh, nr = 0;
	bool found = false;
	FILE *f = fopen(path, "r");

	if (!f)
		die("fopen", path);
	if (!fgets(head, sizeof(head), f))
		fail("%s: empty", path);
	nh = words(head, hv, 32);
	while (!found && fgets(row, sizeof(row), f)) {
		nr = words(row, rv, 32);
		found = nr > 1 && atoi(rv[1]) == id;
	}
	fclose(f);
	if (!found) {
		printf("  %s: no row for shmid %d\n", path, id);
		return;
	}
	printf("  %s:", path);
	for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++)
		for (int i = 0; i < nh && i < nr; i++) {
			if (strcmp(hv[i], want[w]) != 0)
				continue;
			if (i == 0) /* the key column is in decimal */
				printf(" key=0x%08x",
				       (unsigned)strtoul(rv[i], NULL, 10));
			else
				printf(" %s=%s", hv[i], rv[i]);
		}
	printf("\n");
}
