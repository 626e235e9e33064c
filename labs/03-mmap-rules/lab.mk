TITLE := The rules of mmap: EACCES, EINVAL, SIGSEGV, one experiment each
PROGS := access_mode private_write offset_length munmap_pages bad_access map_after_close
UNITS := rules.c
