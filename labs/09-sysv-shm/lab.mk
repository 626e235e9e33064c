TITLE := System V shared memory: shmget, shmat, shmctl, kernel persistence
PROGS := svshm_private svshm_ftok svshm_excl svshm_size svshm_addr svshm_rdonly \
	 svshm_nattch svshm_rm_attached \
	 svshm_create svshm_read svshm_info svshm_chmod svshm_hold svshm_rm svshm_scratch
UNITS := svshm.c
