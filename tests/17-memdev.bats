#!/usr/bin/env bats
# Lab 17: the memdev driver (driver-lab/), tested inside a real Linux kernel.
#
# setup_file builds the module (for the kernel whose headers are installed)
# and the static test programs, then boots that kernel ONCE under QEMU
# (scripts/vm-run) with driver-lab/guest-checks.sh, which prints one line
#     RESULT <fact> ok|fail <what it saw>
# per fact.  Each @test below asserts one of those lines, including what was
# seen, not just "ok".  The host-side tests (W=1, sparse, bad input) run on
# this machine and never load the module here.
load helper
bats_require_minimum_version 1.5.0

# need_driver_deps: everything the VM tests need (skip, or fail under CI).
need_driver_deps() {
	need make gcc qemu-system-x86_64 cpio busybox
	if ! "$ROOT/scripts/vm-kernel" --headers >/dev/null 2>&1; then
		[ "${CI:-}" = true ] && fail "no linux-headers-*-cloud-amd64 (CI=true: no skips)"
		skip "needs linux-headers-cloud-amd64 (scripts/setup)"
	fi
}

setup_file() {
	export VMLOG=$BATS_FILE_TMPDIR/vm.log
	export VMSTATUS=$BATS_FILE_TMPDIR/vm.status
	: >"$VMLOG"
	need_driver_deps
	local out=$BUILD/17-memdev
	if ! make -C "$ROOT/driver-lab" BUILD="$BUILD" WERROR=1 \
		>"$BATS_FILE_TMPDIR/build.log" 2>&1; then
		echo "build failed: $(tail -n 20 "$BATS_FILE_TMPDIR/build.log")" >"$VMLOG"
		return 0 # every test then fails, showing this
	fi
	"$ROOT/scripts/vm-kernel" --check || "$ROOT/scripts/vm-kernel" --fetch >&2
	local rc=0
	"$ROOT/scripts/vm-run" --timeout 240 --file "$out/module/memdev.ko" \
		--file "$out/memdev_check" --file "$out/memdev_test" \
		"$ROOT/driver-lab/guest-checks.sh" >"$VMLOG" 2>&1 || rc=$?
	echo "$rc" >"$VMSTATUS"
}

setup() {
	common_setup
	T=$BATS_TEST_TMPDIR
}

# fact NAME REGEX: the guest printed "RESULT NAME ok ..." and the rest of
# the line matches REGEX (an extended regular expression).
fact() {
	run grep -E "^RESULT $1 " "$VMLOG"
	if [ "$status" -ne 0 ]; then
		fail "no RESULT line for '$1'; the VM printed:"$'\n'"$(tail -n 30 "$VMLOG")"
	fi
	assert_output --regexp "^RESULT $1 ok $2"
}

# ---- in the VM --------------------------------------------------------------

# bats test_tags=points:2
@test "load and unload twice: nodes, major, class and module appear and go" {
	fact load-unload "cycle1: loaded, unloaded, nodes, major, class and module gone; cycle2: loaded with pages=3, removed after munmap, nodes, major, class and module gone$"
}

# bats test_tags=points:2
@test "/dev/memdev0 and /dev/memdev1 appear with the dynamic major" {
	fact nodes "major ([0-9]+) \(dynamic range\), /dev/memdev0 = \1:0, /dev/memdev1 = \1:1$"
	fact pages-default "pages=1$"
}

@test "bad pages= values are refused and init leaves nothing behind" {
	fact bad-pages-0 "insmod pages=0: Invalid argument; nodes, major, class and module gone$"
	fact bad-pages-1025 "insmod pages=1025: Invalid argument; nodes, major, class and module gone$"
}

# bats test_tags=points:2
@test "init that fails at device 1 unwinds everything (fail_minor=1)" {
	fact init-unwind "insmod fail_minor=1: Cannot allocate memory; nodes, major, class and module gone$"
}

# bats test_tags=points:2
@test "the buffer starts zeroed (1 page and 3 pages, both devices)" {
	fact zeroed-1page "(4096 bytes \(1 pages\), all zero through mmap and through read ?){2}$"
	fact zeroed "(12288 bytes \(3 pages\), all zero through mmap and through read ?){2}$"
}

# bats test_tags=points:3
@test "a store through the mapping is seen by pread, a pwrite through the mapping" {
	fact share 'pread saw "stored through the mapping"; the mapping saw "stored by pwrite"$'
}

# bats test_tags=points:2
@test "a forked child's store through the inherited mapping is seen by the parent" {
	fact fork 'the parent read "child [0-9]+ was here"$'
}

@test "the two devices have separate buffers" {
	fact separate '/dev/memdev0 holds "only in device 0", /dev/memdev1 does not$'
}

@test "read/write/lseek stop at the end of the buffer" {
	fact rw "SEEK_END: 12288; 8 bytes written 4 before the end: 4; write at the end: ENOSPC; read at the end: 0; lseek past the end: EINVAL$"
}

# bats test_tags=points:3,exercise:17-1
@test "mmap beyond the buffer: length, offset at the end, offset+length all EINVAL" {
	fact bounds "buffer 12288 bytes; length > buffer: EINVAL; offset = end: EINVAL; offset \+ length > end: EINVAL$"
}

# bats test_tags=points:2
@test "a page offset maps that page of the buffer (pages=3)" {
	fact pgoff 'offset k\*4096 mapped the page labelled "page k" for k = 0..2$'
}

@test "a store into a PROT_READ mapping is killed by SIGSEGV" {
	fact protread "a child's store into the PROT_READ mapping: killed by SEGV$"
}

@test "O_RDONLY fd: PROT_WRITE|MAP_SHARED gives EACCES, and mprotect cannot add it" {
	fact rdonly "O_RDONLY, PROT_WRITE\|MAP_SHARED: EACCES; O_RDONLY, PROT_READ\|MAP_SHARED: mapped; then mprotect\(PROT_WRITE\): EACCES$"
}

@test "mremap cannot grow the mapping (VM_DONTEXPAND): EFAULT" {
	fact mremap "mremap grow in place: EFAULT; mremap grow, may move: EFAULT$"
}

# bats test_tags=points:3
@test "rmmod fails while a mapping exists (even after close) and works after munmap" {
	fact busy "open: refcnt [1-9][0-9]*; mapped, fd closed: refcnt [1-9][0-9]*; delete_module: (EAGAIN|EBUSY); after munmap: refcnt 0; delete_module: ok, /sys/module/memdev gone$"
}

@test "MAP_PRIVATE is refused with EINVAL, as documented in memdev_mmap" {
	fact private "MAP_PRIVATE read-write: EINVAL; MAP_PRIVATE read-only: EINVAL$"
}

# bats test_tags=points:2
@test "/proc/PID/maps shows rw-s, offset 0 and /dev/memdev0 (no physical address)" {
	fact maps "maps: [0-9a-f]+-[0-9a-f]+ rw-s 00000000 [0-9a-f]+:[0-9a-f]+ [0-9]+ +/dev/memdev0$"
}

# bats test_tags=points:3
@test "the driver's own stores (ioctl) are seen through the mapping without a syscall" {
	fact kwriter "child, reading only its mapping: saw 100 new values, the last 100, 0 skipped 100 MEMDEV_IOC_BUMP calls; parent: 100 in the mapping and by read; bad offsets: EINVAL; unknown ioctl: ENOTTY$"
}

@test "memdev_test (the corrected seed test) shares both ways in the VM" {
	fact memdev_test '1\. mapped 12288 bytes of /dev/memdev0 .* 2\. stored "written through the mapping" .* pread\(fd, 0\) returned +"written through the mapping" .* the mapping at 64 holds +"written by pwrite\(2\)" .* after ioctl\(MEMDEV_IOC_BUMP\): 3 5\. closed the fd; the mapping still works: "still mapped after close\(fd\)" 6\. munmap done'
}

# bats test_tags=points:2
@test "the guest kernel log is clean (no WARNING, BUG, Oops, general protection)" {
	fact kernel-log "[0-9]+ lines, no WARNING/BUG/Oops/general protection$"
}

@test "the guest ran every check to the end" {
	# vm-run's own complaints: a hung guest, a crash, an unfinished script
	run grep -E "^vm-run: (QEMU killed|the guest never ran|the guest script did not finish)" "$VMLOG"
	assert_failure
	# 22 facts from the guest + vm-run's kernel-log line, one line each
	run grep -c '^RESULT [^ ]* \(ok\|fail\) ' "$VMLOG"
	assert_output 23
	# ... and no fact reported twice
	assert_equal "$(grep '^RESULT ' "$VMLOG" | cut -d' ' -f2 | sort | uniq -d)" ""
}

# ---- on the host ------------------------------------------------------------

# bats test_tags=points:2
@test "the module builds warning-free with W=1" {
	need_driver_deps
	run make -C "$ROOT/driver-lab" BUILD="$BUILD" check-w1
	assert_success
	assert_output --partial "CC [M]"
	assert_output --partial "driver-lab: W=1 build is warning-free"
	refute_output --partial "warning:"
}

# bats test_tags=points:2
@test "the module is clean under sparse (C=2)" {
	need_driver_deps
	need sparse
	run make -C "$ROOT/driver-lab" BUILD="$BUILD" check-sparse
	assert_success
	assert_output --regexp "CHECK +[^ ]*/memdev.c"
	assert_output --partial "driver-lab: sparse is clean"
	refute_output --partial "warning:"
}

@test "memdev_check/memdev_test usage: no arguments, unknown check, bad option -> exit 2" {
	run prog memdev_check
	assert_usage
	run prog memdev_check nosuchcheck /dev/null
	assert_usage
	run prog memdev_check separate /dev/null
	assert_usage
	run prog memdev_test -x
	assert_usage
	run prog memdev_test a b
	assert_usage
}

@test "memdev_test: missing, unreadable, directory, empty file -> clear message, exit 1" {
	run prog memdev_test "$T/nope"
	assert_failure 1
	assert_output "memdev_test: open($T/nope): ENOENT (No such file or directory)"
	mkdir "$T/d"
	run prog memdev_test "$T/d"
	assert_failure 1
	assert_output "memdev_test: open($T/d): EISDIR (Is a directory)"
	: >"$T/empty"
	run prog memdev_test "$T/empty"
	assert_failure 1
	assert_output "memdev_test: $T/empty: the device has no buffer"
	# unreadable, as an ordinary user (root would bypass the mode)
	reachable "$T"
	printf 'x' >"$T/locked"
	chmod 000 "$T/locked"
	run unprivileged "$BUILD/$LAB/memdev_test" "$T/locked"
	assert_failure 1
	assert_output "memdev_test: open($T/locked): EACCES (Permission denied)"
}

@test "memdev_check: a path that is not the device -> clear message, exit 1" {
	run prog memdev_check zeroed "$T/nope"
	assert_failure 1
	assert_output "memdev_check: open($T/nope): ENOENT (No such file or directory)"
	: >"$T/empty"
	run prog memdev_check bounds "$T/empty"
	assert_failure 1
	assert_output "memdev_check: $T/empty: size 0 is not a whole number of pages"
}

# The harness itself: the kernel-log test above can only fail if vm-run
# really notices a splat.  sysrq-l makes the guest kernel print a stack
# dump ("Call Trace:"), as every WARNING, BUG and Oops does.
@test "vm-run fails on a kernel splat, a failed RESULT, and a hung guest" {
	need_driver_deps
	printf '%s\n' 'echo RESULT before ok guest script started' \
		'echo l >/proc/sysrq-trigger' 'echo RESULT planted fail on purpose' >"$T/splat.sh"
	run "$ROOT/scripts/vm-run" --timeout 120 "$T/splat.sh"
	assert_failure 1
	assert_line "RESULT before ok guest script started"
	assert_line --regexp "^RESULT kernel-log fail .*Call Trace"
	assert_line "vm-run: 1 of 2 guest checks failed:"
	assert_line "  planted fail on purpose"
	# A guest that never finishes is killed by the outer timeout.
	printf '%s\n' 'echo RESULT hang ok waiting for ever' 'read -r line' >"$T/hang.sh"
	run "$ROOT/scripts/vm-run" --timeout 8 "$T/hang.sh"
	assert_failure 1
	assert_line "RESULT hang ok waiting for ever"
	assert_line "vm-run: QEMU killed after 8 s (guest hung?)"
	assert_line "vm-run: the guest script did not finish"
	assert_line "RESULT kernel-log fail no dmesg from the guest (it crashed or hung)"
}

@test "vm-run and vm-kernel: bad usage -> exit 2; the kernel image is cached" {
	run "$ROOT/scripts/vm-run"
	assert_failure 2
	assert_output --partial "usage:"
	run "$ROOT/scripts/vm-run" --timeout x "$ROOT/driver-lab/guest-checks.sh"
	assert_failure 2
	run "$ROOT/scripts/vm-run" "$T/nope.sh"
	assert_failure 1
	assert_output "vm-run: $T/nope.sh: not a readable file"
	run "$ROOT/scripts/vm-kernel" --bogus
	assert_failure 2
	need_driver_deps
	run "$ROOT/scripts/vm-kernel" --path
	assert_success
	assert_output --regexp "/shm-labs/$("$ROOT/scripts/vm-kernel" --release)/vmlinuz$"
}
