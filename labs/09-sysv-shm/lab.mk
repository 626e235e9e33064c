TITLE := System V shared memory: shmget, shmat, shmctl, kernel persistence
PROGS := sysv_shm
