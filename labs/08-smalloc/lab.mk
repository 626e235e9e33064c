TITLE := smalloc/sfree: a malloc-like allocator of shared memory on mmap/munmap
PROGS := smalloc_sizes smalloc_misuse share_struct
UNITS := smalloc.c
