/*
 * pshm_unlink.c - Lab 10: shm_unlink(3) the persistent object: the name
 * (the file /dev/shm/NAME) goes.  Its memory is freed once nobody has it
 * open or mapped (pshm_unlink_mapped shows the case where somebody does).
 *
 *   $ pshm_unlink
 *   removed /shmlabs-alice-persist (/dev/shm/shmlabs-alice-persist)
 *
 * Unlinking needs write permission on /dev/shm (mode 1777, sticky, like
 * /tmp: only the owner may unlink), not on the object.
 * Man pages: shm_unlink(3), unlink(2).
 */
#include "pshm.h"

#include <stdio.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	const char *name = persist_name();
	CHK(shm_unlink(name), "shm_unlink", name);
	printf("removed %s (%s)\n", name, shm_path(name));
	return 0;
}
