TITLE := /proc/PID/maps: every kind of shared memory as a vm_area_struct
PROGS := proc_maps maps_tour
UNITS := maps_parse.c maps_kind.c maps_view.c tour_look.c
