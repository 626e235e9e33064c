TITLE := IPC speed: measure the seeds' "shared memory copies less" claim
PROGS := ipc_speed
