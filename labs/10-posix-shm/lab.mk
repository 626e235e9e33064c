TITLE := POSIX shared memory: shm_open, ftruncate, mmap, /dev/shm, shm_unlink
PROGS := posix_shm
