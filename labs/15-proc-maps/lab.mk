TITLE := /proc/PID/maps: every kind of shared memory as a vm_area_struct
PROGS := proc_maps
UNITS := maps_parse.c
