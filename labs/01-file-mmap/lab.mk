TITLE := Map a file: edit it through a pointer, MAP_SHARED vs MAP_PRIVATE
PROGS := file_mmap
