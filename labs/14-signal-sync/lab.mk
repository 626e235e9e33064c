TITLE := Method 4: POSIX shm and signals; pause() loses wake-ups, sigsuspend does not
PROGS := writer reader lost_wakeup
UNITS := sync.c
