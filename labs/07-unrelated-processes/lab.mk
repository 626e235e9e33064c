TITLE := Unrelated processes: a message log in a MAP_SHARED file, C11 atomics and futex
PROGS := writer reader
UNITS := log_open.c
