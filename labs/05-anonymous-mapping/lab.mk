TITLE := Anonymous shared memory: MAP_SHARED|MAP_ANONYMOUS vs the old temp-file way
PROGS := anon_map
