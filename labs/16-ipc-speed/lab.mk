TITLE := IPC speed: measure the seeds' "shared memory copies less" claim
PROGS := ipc_speed relay
UNITS := ring.c fd_methods.c queues.c transfer.c setup.c payload.c procs.c \
	memory.c latency.c report.c sweep.c csv.c options.c
