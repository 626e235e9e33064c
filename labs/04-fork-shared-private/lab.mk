TITLE := fork() and mappings: MAP_SHARED is shared, MAP_PRIVATE is copied
PROGS := fork_map fork_cow fork_offset
UNITS := fork_util.c
