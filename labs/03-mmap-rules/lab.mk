TITLE := The rules of mmap: EACCES, EINVAL, SIGSEGV, one experiment each
PROGS := mmap_rules
