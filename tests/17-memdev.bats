#!/usr/bin/env bats
# Lab 17: the memdev driver (driver-lab/), tested inside a real Linux kernel.
#
# setup_file builds the module (for the kernel scripts/vm-kernel picks:
# Debian 12's 6.1 by default, VM_KERNEL=6.12 the bookworm-backports one) and
# the static test programs, then boots that kernel ONCE under QEMU
# (scripts/vm-run) with driver-lab/guest-checks.sh, which prints one line
#     RESULT <fact> ok|fail <what it saw>
# per fact (a program's output lines joined by " | ").  Each @test below
# asserts one of those lines, including what was seen, not just "ok".  The
# host-side tests (W=1, sparse, bad input) run on this machine and never
# load the module here.  /dev/memdev0 maps with remap_pfn_range() at mmap
# time, /dev/memdev1 from a fault handler: most facts are checked on both.
load helper
bats_require_minimum_version 1.5.0

# need_driver_deps: everything the VM tests need (skip, or fail under CI).
need_driver_deps() {
	need make gcc qemu-system-x86_64 cpio busybox
	if ! "$ROOT/scripts/vm-kernel" --headers >/dev/null 2>&1; then
		[ "${CI:-}" = true ] && fail "no headers for kernel ${VM_KERNEL:-6.1} (CI=true: no skips)"
		skip "needs the headers of kernel ${VM_KERNEL:-6.1} (scripts/setup)"
	fi
}

# kbuild_make ARGS...: make in driver-lab with none of the caller's make
# flags: `make -s test` puts -s into MAKEFLAGS, and kbuild then prints no
# command at all; V=1 prints each one, so a test sees what really ran.
kbuild_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -C "$ROOT/driver-lab" BUILD="$BUILD" V=1 "$@"
}

setup_file() {
	export VMLOG=$BATS_FILE_TMPDIR/vm.log
	export VMSTATUS=$BATS_FILE_TMPDIR/vm.status
	: >"$VMLOG"
	need_driver_deps
	local out=$BUILD/17-memdev tag= p
	[ -z "${VM_KERNEL:-}" ] || [ "$VM_KERNEL" = 6.1 ] || tag=-$VM_KERNEL
	# The test programs build while kbuild runs (two CPUs, one each).
	env -u MAKEFLAGS make -C "$ROOT/driver-lab" BUILD="$BUILD" WERROR=1 progs \
		>"$BATS_FILE_TMPDIR/build.log" 2>&1 3>&- &
	local progs=$!
	# One kbuild, from scratch, with W=1 and under sparse (driver-lab's
	# `make check`): the two host-side tests below read its logs, and the
	# module it builds is the one the guest loads.
	local rc=0
	kbuild_make check >"$BATS_FILE_TMPDIR/check.log" 2>&1 3>&- || rc=$?
	echo "$rc" >"$BATS_FILE_TMPDIR/check.rc"
	if ! wait "$progs"; then
		echo "build failed: $(tail -n 20 "$BATS_FILE_TMPDIR/build.log")" >"$VMLOG"
		return 0 # every test then fails, showing this
	fi
	cp "$out/check$tag.sparse.log" "$BATS_FILE_TMPDIR/sparse.log" 2>/dev/null || true
	if [ ! -f "$out/check$tag/memdev.ko" ]; then
		echo "build failed: $(tail -n 20 "$BATS_FILE_TMPDIR/check.log")" >"$VMLOG"
		return 0
	fi
	"$ROOT/scripts/vm-kernel" --check || "$ROOT/scripts/vm-kernel" --fetch >&2
	local files=(--file "$out/check$tag/memdev.ko")
	for p in memdev_check memdev_maprules memdev_faults memdev_test; do
		files+=(--file "$out/$p")
	done
	rc=0
	"$ROOT/scripts/vm-run" --timeout 240 "${files[@]}" \
		"$ROOT/driver-lab/guest-checks.sh" >"$VMLOG" 2>&1 || rc=$?
	echo "$rc" >"$VMSTATUS"
}

# check_log: what setup_file's `make check` printed, as $output and $lines.
check_log() {
	[ -f "$BATS_FILE_TMPDIR/check.rc" ] || fail "setup_file did not run make check: $(cat "$VMLOG")"
	output=$(cat "$BATS_FILE_TMPDIR/check.log")
	mapfile -t lines <<<"$output"
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

# re_quote STRING: STRING as an extended regular expression matching itself
# (a 6.12 release has a "+": 6.12.95+deb12-cloud-amd64).
re_quote() {
	sed 's/[][\\.*^$+?(){}|]/\\&/g' <<<"$1"
}

# both NAME REGEX: the fact holds for memdev0 (NAME-0) and memdev1 (NAME-1).
both() {
	fact "$1-0" "$2"
	fact "$1-1" "$2"
}

# ---- in the VM --------------------------------------------------------------

# bats test_tags=points:2
@test "load and unload twice: nodes, major, class and module appear and go" {
	fact load-unload "cycle1: loaded, unloaded, nodes, major, class and module gone; cycle2: loaded with pages=1, removed after munmap, nodes, major, class and module gone$"
}

# bats test_tags=points:2
@test "/dev/memdev0 and /dev/memdev1 appear with the dynamic major" {
	fact nodes "major ([0-9]+) \(dynamic range\), /dev/memdev0 = \1:0, /dev/memdev1 = \1:1$"
	fact pages-default "pages=4$"
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
@test "the buffer starts zeroed (4 pages and 1 page, both devices)" {
	local z="all zero through mmap and through read"
	fact zeroed "16384 bytes \(4 pages\), $z \| 16384 bytes \(4 pages\), $z$"
	fact zeroed-1page "4096 bytes \(1 pages\), $z \| 4096 bytes \(1 pages\), $z$"
}

# memdev_faults 0 1 2 3 3 1: one row per step, "faults since mmap" and Rss
# for memdev0, then for memdev1.
# bats test_tags=points:3
@test "memdev1 faults once per page on first touch, never again; memdev0 never" {
	local r='read page'
	fact faults "step +memdev0 faults +Rss +memdev1 faults +Rss \| mapped 4 pages +0 +[0-9]+ kB +0 +[0-9]+ kB \| $r 0 +0 +[0-9]+ kB +1 +[0-9]+ kB \| $r 1 +0 +[0-9]+ kB +2 +[0-9]+ kB \| $r 2 +0 +[0-9]+ kB +3 +[0-9]+ kB \| $r 3 +0 +[0-9]+ kB +4 +[0-9]+ kB \| $r 3 +0 +[0-9]+ kB +4 +[0-9]+ kB \| $r 1 +0 +[0-9]+ kB +4 +[0-9]+ kB \| stored into every page +0 +[0-9]+ kB +4 +[0-9]+ kB \| "
	fact faults-1page ".* \| mapped 1 pages +0 +[0-9]+ kB +0 +[0-9]+ kB \| $r 0 +0 +[0-9]+ kB +1 +[0-9]+ kB \| $r 0 +0 +[0-9]+ kB +1 +[0-9]+ kB \| stored into every page +0 +[0-9]+ kB +1 +[0-9]+ kB \| "
}

# bats test_tags=points:2
@test "Rss: 0 for memdev0's PFN mapping, one page per fault for memdev1" {
	local r='read page'
	fact faults ".* \| mapped 4 pages +0 +0 kB +0 +0 kB \| $r 0 +0 +0 kB +1 +4 kB \| $r 1 +0 +0 kB +2 +8 kB \| $r 2 +0 +0 kB +3 +12 kB \| $r 3 +0 +0 kB +4 +16 kB \| $r 3 +0 +0 kB +4 +16 kB \| $r 1 +0 +0 kB +4 +16 kB \| stored into every page +0 +0 kB +4 +16 kB \| "
}

# bats test_tags=points:3
@test "bytes agree: each mapping with read(2), and the two devices with each other" {
	fact faults ".* \| read\(2\) agrees with both mappings: 16384 bytes each$"
	fact faults-1page ".* \| read\(2\) agrees with both mappings: 4096 bytes each$"
	both share 'pread saw "stored through the mapping"; the mapping saw "stored by pwrite"$'
}

# bats test_tags=points:2
@test "a forked child's store through the inherited mapping is seen by the parent" {
	both fork 'the parent read "child [0-9]+ was here"$'
}

@test "the two devices have separate buffers" {
	fact separate '/dev/memdev0 holds "only in device 0", /dev/memdev1 does not$'
}

@test "read/write/lseek stop at the end of the buffer" {
	fact rw "SEEK_END: 16384; 8 bytes written 4 before the end: 4; write at the end: ENOSPC; read at the end: 0; lseek past the end: EINVAL$"
}

# bats test_tags=points:3,exercise:17-1
@test "mmap beyond the buffer: length, offset at the end, offset+length all EINVAL" {
	local e="length > buffer: EINVAL; offset = end: EINVAL; offset \+ length > end: EINVAL$"
	both bounds "buffer 16384 bytes; $e"
	fact bounds-1page "buffer 4096 bytes; $e"
}

# bats test_tags=points:2
@test "a page offset maps that page of the buffer" {
	both pgoff 'offset k\*4096 mapped the page labelled "page k" for k = 0..3$'
}

@test "a store into a PROT_READ mapping is killed by SIGSEGV" {
	both protread "a child's store into the PROT_READ mapping: killed by SEGV$"
}

@test "O_RDONLY fd: PROT_WRITE|MAP_SHARED gives EACCES, and mprotect cannot add it" {
	both rdonly "O_RDONLY, PROT_WRITE\|MAP_SHARED: EACCES; O_RDONLY, PROT_READ\|MAP_SHARED: mapped; then mprotect\(PROT_WRITE\): EACCES$"
}

@test "memdev0: mremap cannot grow the PFN mapping (VM_DONTEXPAND): EFAULT" {
	fact mremap-0 "mremap grow in place: EFAULT; mremap grow, may move: EFAULT$"
}

# bats test_tags=points:2
@test "memdev1: mremap grows the mapping; past the buffer the fault handler gives SIGBUS" {
	fact mremap-1 'grown to 2 pages: page 1 reads "page 1"; grown to 5 pages: page 4 gives SIGBUS \(BUS_ADRERR\), 1 fault$'
}

# bats test_tags=points:3
@test "rmmod fails while a mapping exists (even after close) and works after munmap" {
	fact busy "open: refcnt [1-9][0-9]*; mapped, fd closed: refcnt [1-9][0-9]*; delete_module: (EAGAIN|EBUSY); after munmap: refcnt 0; delete_module: ok, /sys/module/memdev gone$"
}

@test "memdev0 refuses MAP_PRIVATE with EINVAL (a private PFN mapping would show the PFN)" {
	fact private-0 "MAP_PRIVATE read-write: EINVAL; MAP_PRIVATE read-only: EINVAL$"
}

# bats test_tags=points:2
@test "memdev1 MAP_PRIVATE: copy-on-write, the device never sees the store" {
	fact private-1 "MAP_PRIVATE page 0 reads \"the device's bytes\"; after storing \"my copy\" there, read\(2\) still gives \"the device's bytes\"; page 1, not stored to, shows the device's later pwrite; 2 faults for 2 pages, Anonymous 4 kB; maps: rw-p 00000000$"
}

# bats test_tags=points:2
@test "/proc/PID/maps shows rw-s, offset 0 and the node (no physical address); VmFlags per method" {
	local line="maps: [0-9a-f]+-[0-9a-f]+ rw-s 00000000 [0-9a-f]+:[0-9a-f]+ [0-9]+ +"
	fact maps-0 "$line/dev/memdev0; VmFlags: .*\<pf io de\>.*\<dd\>"
	fact maps-1 "$line/dev/memdev1; VmFlags: .*\<dd\>"
	refute_output --regexp "\<(pf|io|de)\>"
}

# bats test_tags=points:3
@test "the driver's own stores (ioctl) are seen through the mapping without a syscall" {
	both kwriter "child, reading only its mapping: saw 100 new values, the last 100, 0 skipped \| 100 MEMDEV_IOC_BUMP calls; parent: 100 in the mapping and by read; bad offsets: EINVAL; unknown ioctl: ENOTTY$"
}

@test "memdev_test (the corrected seed test) shares both ways in the VM" {
	fact memdev_test '1\. mapped 16384 bytes of /dev/memdev1 .* 2\. stored "written through the mapping" .* pread\(fd, 0\) returned +"written through the mapping" .* the mapping at 64 holds +"written by pwrite\(2\)" .* after ioctl\(MEMDEV_IOC_BUMP\): 3 \| 5\. closed the fd; the mapping still works: "still mapped after close\(fd\)" \| 6\. munmap done$'
}

# bats test_tags=points:2
@test "the guest kernel log is clean (no WARNING, BUG, Oops, general protection)" {
	fact kernel-log "[0-9]+ lines, no WARNING/BUG/Oops/general protection$"
}

@test "the guest ran every check to the end" {
	# vm-run's own complaints: a hung guest, a crash, an unfinished script
	run grep -E "^vm-run: (QEMU killed|the guest never ran|the guest script did not finish)" "$VMLOG"
	assert_failure
	# 36 facts from the guest + vm-run's kernel-log line, one line each
	run grep -c '^RESULT [^ ]* \(ok\|fail\) ' "$VMLOG"
	assert_output 37
	# ... and no fact reported twice
	assert_equal "$(grep '^RESULT ' "$VMLOG" | cut -d' ' -f2 | sort | uniq -d)" ""
}

@test "the guest booted the kernel the module was built for (VM_KERNEL)" {
	local rel
	rel=$("$ROOT/scripts/vm-kernel" --release)
	fact kernel "$(re_quote "$rel")$"
}

# ---- on the host ------------------------------------------------------------

# bats test_tags=points:2
@test "the module builds warning-free with W=1" {
	need_driver_deps
	check_log
	# the compiler really ran, with W=1's -Wextra, on both source files
	assert_line --regexp "gcc.* -Wextra .*-c -o [^ ]*/memdev_main\.o [^ ]*memdev_main\.c"
	assert_line --regexp "gcc.* -Wextra .*-c -o [^ ]*/memdev_mmap\.o [^ ]*memdev_mmap\.c"
	assert_line "driver-lab: W=1 build is warning-free"
	refute_output --partial "warning:"
}

# bats test_tags=points:2
@test "the module is clean under sparse (C=2)" {
	need_driver_deps
	need sparse
	check_log
	# sparse really ran on both source files; its reports have a log of
	# their own (driver-lab/Makefile, check:), which must be empty
	assert_line --regexp "(^|[ /])sparse .*memdev_main\.c"
	assert_line --regexp "(^|[ /])sparse .*memdev_mmap\.c"
	assert_line "driver-lab: sparse is clean"
	[ -f "$BATS_FILE_TMPDIR/sparse.log" ] || fail "no sparse log"
	run cat "$BATS_FILE_TMPDIR/sparse.log"
	assert_output ""
}

@test "memdev_check/maprules/faults/test usage: no arguments, unknown check, bad option -> exit 2" {
	run prog memdev_check
	assert_usage
	run prog memdev_check nosuchcheck /dev/null
	assert_usage
	run prog memdev_check separate /dev/null
	assert_usage
	run prog memdev_check share /dev/null /dev/null
	assert_usage
	run prog memdev_maprules
	assert_usage
	run prog memdev_maprules nosuchcheck /dev/null
	assert_usage
	run prog memdev_maprules bounds /dev/null /dev/null
	assert_usage
	run prog memdev_faults -x
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

@test "memdev_check/maprules/faults: a path that is not the device -> clear message, exit 1" {
	run prog memdev_check zeroed "$T/nope"
	assert_failure 1
	assert_output "memdev_check: open($T/nope): ENOENT (No such file or directory)"
	: >"$T/empty"
	run prog memdev_maprules bounds "$T/empty"
	assert_failure 1
	assert_output "memdev_maprules: $T/empty: size 0 is not a whole number of pages"
	# memdev_faults opens /dev/memdev0: absent on this machine
	[ -e /dev/memdev0 ] || {
		run prog memdev_faults
		assert_failure 1
		assert_output "memdev_faults: open(/dev/memdev0): ENOENT (No such file or directory)"
	}
}

# The harness itself: the kernel-log test above can only fail if vm-run
# really notices a splat.  sysrq-l makes the guest kernel print a stack
# dump ("Call Trace:"), as every WARNING, BUG and Oops does.  The hung guest
# is a stand-in for QEMU (first in PATH) that prints what a booted guest
# prints and then never ends: what is tested is vm-run's timeout, and a
# real guest would spend those seconds booting (or, on a busy machine,
# not even finish booting before the timeout).
@test "vm-run fails on a kernel splat, a failed RESULT, and a hung guest" {
	need_driver_deps
	printf '%s\n' 'echo RESULT before ok guest script started' \
		'echo l >/proc/sysrq-trigger' 'echo RESULT planted fail on purpose' >"$T/splat.sh"
	: >"$T/hang.sh"
	mkdir "$T/bin"
	printf '%s\n' '#!/bin/sh' 'echo "@@VM-BOOTED@@ 0.0-stand-in"' \
		'echo "RESULT hang ok waiting for ever"' 'exec sleep 600' \
		>"$T/bin/qemu-system-x86_64"
	chmod +x "$T/bin/qemu-system-x86_64"
	# Both at once: the hung one only waits for its timeout.
	local hang
	PATH=$T/bin:$PATH "$ROOT/scripts/vm-run" --timeout 2 "$T/hang.sh" \
		>"$T/hang.out" 2>&1 </dev/null 3>&- &
	hang=$!
	local rc=0 hang_rc=0
	"$ROOT/scripts/vm-run" --timeout 120 "$T/splat.sh" >"$T/splat.out" 2>&1 || rc=$?
	wait "$hang" || hang_rc=$?
	run cat "$T/splat.out"
	assert_equal "$rc" 1
	assert_line "RESULT before ok guest script started"
	assert_line --regexp "^RESULT kernel-log fail .*Call Trace"
	assert_line "vm-run: 1 of 2 guest checks failed:"
	assert_line "  planted fail on purpose"
	run cat "$T/hang.out"
	assert_equal "$hang_rc" 1
	assert_line "RESULT hang ok waiting for ever"
	assert_line "vm-run: QEMU killed after 2 s (guest hung?)"
	assert_line "vm-run: the guest script did not finish"
	refute_line --partial "never ran its script"
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
	run env VM_KERNEL=x "$ROOT/scripts/vm-kernel" --release
	assert_failure 1
	assert_output "vm-kernel: VM_KERNEL=x: expected a version such as 6.12"
	run env VM_KERNEL=9.99 SHMLABS_KERNEL_CACHE="$T" "$ROOT/scripts/vm-kernel" --headers
	assert_failure 1
	assert_output "vm-kernel: kernel 9.99 is not cached: run VM_KERNEL=9.99 scripts/vm-kernel --fetch"
	need_driver_deps
	run "$ROOT/scripts/vm-kernel" --path
	assert_success
	assert_output --regexp "/shm-labs/$(re_quote "$("$ROOT/scripts/vm-kernel" --release)")/vmlinuz$"
}
