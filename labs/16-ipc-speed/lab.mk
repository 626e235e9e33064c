TITLE := IPC speed: measure the seeds' "shared memory copies less" claim
PROGS := ipc_speed relay
UNITS := ring.c fd_methods.c queues.c transfer.c payload.c procs.c \
	latency.c report.c csv.c options.c
