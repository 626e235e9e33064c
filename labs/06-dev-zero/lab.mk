TITLE := /dev/zero: shared and private mappings, fork, and what /proc/self/maps shows
PROGS := devzero_fork devzero_twice devzero_maps
