TITLE := Method 2: unnamed semaphores (sem_init, pshared=1) inside the shm object
PROGS := writer reader
UNITS := sync.c
