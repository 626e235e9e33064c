#!/usr/bin/env bash
# Lab 4 demo: what a child shares with its parent after fork().
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 04-fork-shared-private)

step "Copy-on-write: inherited as it was at fork(), then each its own"
say "The parent stores into its private mapping before fork(); the child" \
	"starts with that copy. After that, neither sees the other's stores." \
	"The two take turns through two pipes (no sleep)."
show "$B/fork_cow"

step "The open file is shared too - with its offset"
say "The offset lives in the open file description, which fork() shares:" \
	"the child's write() moves the parent's offset. A new open() has its own."
show "$B/fork_offset"

exercise_done 4.1 "a child's store reaching the parent through MAP_SHARED and staying in the child with MAP_PRIVATE" || exit 0

step "MAP_SHARED: the child's store is the parent's, and the file's"
say "The parent maps a file, forks, and waits for the child (waitpid) before" \
	"reading: the wait is what orders the two processes."
show "$B/fork_map" shared

step "MAP_PRIVATE: the child's store stays in the child"
show "$B/fork_map" private
