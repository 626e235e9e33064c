TITLE := Anonymous shared memory: MAP_SHARED|MAP_ANONYMOUS vs the old temp-file way
PROGS := anon_shared anon_private tempfile_shared seed_tempfile
UNITS := exchange.c
