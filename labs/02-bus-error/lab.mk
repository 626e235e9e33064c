TITLE := Past the end of a mapped file: zeros, SIGBUS, ftruncate
PROGS := bus_error
