TITLE := Past the end of a mapped file: zeros, SIGBUS, ftruncate
PROGS := map_empty map_past_eof grow_file shrink_file bus_crash eof_store seal_shrink
UNITS := catch_sigbus.c
