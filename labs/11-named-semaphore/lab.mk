TITLE := Method 1: POSIX shm guarded by two named semaphores (sem_open)
PROGS := writer reader
UNITS := sync.c
