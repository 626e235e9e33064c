TITLE := Method 3: SysV shm guarded by a set of two SysV semaphores
PROGS := writer reader semdemo
UNITS := sync.c
