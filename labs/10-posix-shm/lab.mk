TITLE := POSIX shared memory: shm_open, ftruncate, mmap, /dev/shm, shm_unlink
PROGS := pshm_names pshm_excl pshm_nosize pshm_unlink_mapped \
	 pshm_create pshm_read pshm_info pshm_unlink pshm_scratch
UNITS := pshm.c
