#!/usr/bin/env bats
# tests/15-proc-maps.bats - lab 15: /proc/PID/maps parsed, classified,
# summed and drawn; the tour's shared mappings seen as the kernel prints
# them; the parser's crafted-line corpus (labs/15-proc-maps/samples/).
bats_require_minimum_version 1.5.0
load helper

SAMPLES=$ROOT/labs/15-proc-maps/samples
HEX='[0-9a-f]+'
ROW="^$HEX-$HEX +[0-9]+ [r-][w-][x-][ps] " # a data row of the table

# re STRING: STRING with the regex metacharacters escaped.
re() { sed 's/[][\.*^$+?(){}|]/\\&/g' <<<"$1"; }

# The table's data rows (or the tour's diff rows, without "  + ").
rows() { grep -E "$ROW" <<<"$output" || true; }

# sum_kib: the KiB column of the rows in $output, added up with awk.
sum_kib() { rows | awk '{ s += $2 } END { printf "%.0f\n", s }'; } # %d: 32-bit in mawk

# total_kib / total_count: what the program printed on its "total:" line.
total_kib() { sed -n 's/^total: \([0-9]*\) KiB in [0-9]* mappings.*/\1/p' <<<"$output"; }
total_count() { sed -n 's/^total: [0-9]* KiB in \([0-9]*\) mappings.*/\1/p' <<<"$output"; }

# rows_consistent: every row's KiB is (end - start) / 1024, in bash
# arithmetic (64-bit: ffffffffff601000 - ffffffffff600000 still works).
rows_consistent() {
	local range kib rest
	while read -r range kib rest; do
		[ $(((0x${range#*-} - 0x${range%-*}) / 1024)) = "$kib" ] ||
			fail "row $range says $kib KiB"
	done < <(rows)
}

# page_kib N: N pages in KiB, for this machine's page size.
page_kib() { echo $(($1 * PAGE / 1024)); }

# start_holder: run `maps_tour --hold` in the background and wait
# (bounded) for its "holding: pid N" line.  Sets HOLDER (its pid) and
# HOLDER_JOB (the timeout wrapper's).  It keeps its objects until SIGINT.
start_holder() {
	local line fifo=$BATS_TEST_TMPDIR/holder.out
	mkfifo "$fifo"
	timeout 20 "$BUILD/$LAB/maps_tour" --hold >"$fifo" 2>&1 &
	HOLDER_JOB=$!
	exec {HOLDER_FD}<"$fifo" # not fd 3: bats owns it
	while IFS= read -r -t 20 line <&"$HOLDER_FD"; do
		echo "$line" >>"$BATS_TEST_TMPDIR/holder.log"
		[[ $line == holding:* ]] && break
	done
	HOLDER=$(sed -n 's/^holding: pid \([0-9]*\);.*/\1/p' <<<"$line")
	[ -n "$HOLDER" ] ||
		fail "no 'holding:' line: $(cat "$BATS_TEST_TMPDIR/holder.log")"
}

# stop_holder: Ctrl-C it; it must die of SIGINT (status 130) after the
# cleanup registry ran.
stop_holder() {
	local status=0
	kill -INT "$HOLDER"
	wait "$HOLDER_JOB" || status=$?
	HOLDER_JOB=
	exec {HOLDER_FD}<&-
	assert_equal "$status" 130
}

# A test that failed between start_holder and stop_holder: Ctrl-C the
# holder (timeout passes SIGINT on) so that its cleanup registry removes
# its objects before the leak check, instead of leaving it running.
teardown() {
	if [ -n "${HOLDER_JOB:-}" ]; then
		kill -INT "$HOLDER_JOB" 2>/dev/null || true
		wait "$HOLDER_JOB" 2>/dev/null || true
	fi
	common_teardown
}

# The first kernel thread (PF_KTHREAD, 0x00200000 in field 9 of stat).
kernel_thread() {
	local f s fields
	for f in /proc/[0-9]*/stat; do
		read -r s 2>/dev/null <"$f" || continue
		read -ra fields <<<"${s##*) }" # fields[0] is field 3, state
		if ((fields[6] & 0x200000)); then
			f=${f#/proc/}
			echo "${f%/stat}"
			return
		fi
	done
}

# ---------------------------------------------------------------- usage

@test "usage: unknown options, bad PIDs and bad combinations exit 2" {
	local args
	for args in "--bogus" "-x" "--parse" "1 2" "abc" "0" "-5" "12abc" \
		"99999999999999" "--hold" "--tour" "--parse x 12"; do
		# shellcheck disable=SC2086
		run prog proc_maps $args
		assert_usage
	done
	for args in "1" "--table" "--hold 1" "--bogus"; do
		# shellcheck disable=SC2086
		run prog maps_tour $args
		assert_usage
		assert_output --partial "the only option is --hold"
	done
	run prog proc_maps --bogus
	assert_output --partial "--bogus: unknown option"
	run prog proc_maps --help
	assert_success
	assert_output --partial "usage: proc_maps"
}

# ------------------------------------------------------ this process

# bats test_tags=points:2
@test "self: the rows are this program's areas and each KiB is end - start" {
	run prog proc_maps --table
	assert_success
	assert_line --regexp "^/proc/self/maps: pid [0-9]+ \(proc_maps\), program $(re "$BUILD/$LAB/proc_maps")$"
	assert_line --regexp "$ROW.* text +$(re "$BUILD/$LAB/proc_maps")$"
	assert_line --regexp "^$HEX-$HEX +[0-9]+ rw-p 00000000 $HEX:$HEX 0 +stack +\[stack\]$"
	assert_line --regexp "^$HEX-$HEX +[0-9]+ r-xp 00000000 $HEX:$HEX 0 +vdso +\[vdso\]$"
	assert_line --regexp "$ROW.* lib +/.*/libc\.so\.6$"
	rows_consistent
	# Ascending, and no row overlaps the next.
	local prev=0 range s
	while read -r range _; do
		s=$((0x${range%-*}))
		((s < 0)) && continue # kernel half ([vsyscall]): above all
		((s >= prev)) || fail "$range overlaps or is out of order"
		prev=$((0x${range#*-}))
	done < <(rows)
}

# bats test_tags=points:2
@test "self: the printed total is the sum of the KiB column (awk) and the row count" {
	run prog proc_maps --table
	assert_success
	[ -n "$(total_kib)" ] || fail "no total line"
	assert_equal "$(total_kib)" "$(sum_kib)"
	assert_equal "$(total_count)" "$(rows | wc -l)"
}

# bats test_tags=points:2
@test "self --map: gaps from address 0 and the kernel half are drawn, one row per area" {
	run prog proc_maps --map
	assert_success
	assert_line --regexp "^ +0 \.+ +[0-9.]+ [KMGT]iB unmapped \(from address 0: NULL derefs fault here\)$"
	# vsyscall (x86-64) sits in the kernel half, after the big hole.
	if grep -q vsyscall /proc/self/maps; then
		assert_line --regexp "^ +~~~ [0-9.]+ EiB: rest of user space, non-canonical hole, kernel half ~~~$"
		assert_line --regexp "^ffffffffff600000 # +4 KiB --xp vdso +\[vsyscall\]$"
	fi
	local areas
	areas=$(grep -cE '^ *[0-9a-f]+ #+ ' <<<"$output")
	assert_equal "$areas" "$(total_count)"
}

# ------------------------------------------------------ another process

# bats test_tags=points:3
@test "PID: another process's total matches /proc/PID/maps summed here" {
	start_holder
	local kib=0 n=0 range
	run prog proc_maps --table "$HOLDER"
	# Independent sum, while the holder is still paused in pause().
	while read -r range _; do
		kib=$((kib + (0x${range#*-} - 0x${range%-*}) / 1024))
		n=$((n + 1))
	done <"/proc/$HOLDER/maps"
	stop_holder
	assert_success
	assert_line --regexp "^/proc/$HOLDER/maps: pid $HOLDER \(maps_tour\), program $(re "$BUILD/$LAB/maps_tour")$"
	assert_equal "$(total_kib)" "$kib"
	assert_equal "$(total_count)" "$n"
	assert_equal "$(sum_kib)" "$kib"
	rows_consistent
	# The holder's shared objects, seen from outside.
	assert_line --regexp "$ROW.* /dev/shm/$(re "$SHMLABS_PREFIX")-maps$"
	assert_line --regexp "$ROW.* /SYSV$HEX \(deleted\)$"
}

@test "PID: a process that does not exist -> ENOENT, exit 1" {
	local pid
	pid=$(cat /proc/sys/kernel/pid_max) # pids are below pid_max
	run prog proc_maps "$pid"
	assert_failure 1
	assert_output --partial "no process $pid"
	assert_output --partial "open(/proc/$pid/maps): ENOENT"
}

# bats test_tags=points:2
@test "PID: another user's process -> EACCES (the ptrace check at open), exit 1" {
	local pid
	if [ "$(id -u)" = 0 ]; then
		start_holder # root's; proc_maps runs as nobody
		pid=$HOLDER
		run unprivileged timeout 20 "$BUILD/$LAB/proc_maps" "$pid"
		stop_holder
	else
		pid=1
		[ "$(stat -c %u /proc/1)" != "$(id -u)" ] || skip "pid 1 is ours here"
		run prog proc_maps "$pid"
	fi
	# This kernel refuses at open(2) with EACCES (mm_access -> -EACCES).
	assert_failure 1
	assert_output --partial "pid $pid: reading its maps needs ptrace read access"
	assert_output --partial "open(/proc/$pid/maps): EACCES"
}

@test "PID: a kernel thread has no address space: empty maps -> clear message, exit 1" {
	local pid
	pid=$(kernel_thread)
	[ -n "$pid" ] || skip "no kernel thread visible"
	run prog proc_maps "$pid"
	assert_failure 1
	assert_output "proc_maps: /proc/$pid/maps is empty: pid $pid has no user address space (a kernel thread, or a zombie)"
}

# ------------------------------------------------------ the parser corpus

# bats test_tags=points:3
@test "parse: crafted lines: spaces in paths, (deleted), [anon:name], [vsyscall], no path" {
	run prog proc_maps --table --parse "$SAMPLES/good.maps"
	assert_success
	assert_line "$SAMPLES/good.maps: 27 lines parsed, 0 rejected; program guessed as /home/student/a.out"
	# 32-bit-looking addresses, the program's segments by permission.
	assert_line --regexp "^00400000-00401000 +4 r--p 00000000 .* rodata +/home/student/a\.out$"
	assert_line --regexp "^00401000-00402000 +4 r-xp 00001000 .* text +/home/student/a\.out$"
	assert_line --regexp "^00403000-00404000 +4 rw-p 00002000 .* data +/home/student/a\.out$"
	# No path at all (the kernel leaves a trailing blank): bss after data.
	assert_line --regexp "^00404000-00406000 +8 rw-p 00000000 $HEX:$HEX 0 +bss$"
	assert_line --regexp "^7f3a14000000-7f3a14001000 +4 ---p 00000000 $HEX:$HEX 0 +guard$"
	assert_line --regexp "^7f3a10000000-7f3a10021000 +132 rw-p 00000000 .* anon +\[anon:libc_malloc\]$"
	assert_line --regexp "^7f3a18c12000-7f3a18c13000 +4 rw-s .* anon-shared +\[anon_shmem:ring\]$"
	# Spaces inside the path, and " (deleted)" kept as part of it.
	assert_line --regexp "^7f3a18c00000-7f3a18c02000 +8 rw-s 00001000 $HEX:$HEX 393222 +file-shared +/home/student/my notes\.txt$"
	assert_line --regexp "^7f3a18c02000-7f3a18c03000 +4 r--p 00000000 .* 393223 +deleted +/home/student/old data\.bin \(deleted\)$"
	assert_line --regexp "^7f3a18c11000-7f3a18c12000 +4 rw-s .* memfd +/memfd:wayland-shm \(deleted\)$"
	assert_line --regexp "^7f3a18a26000-7f3a18b7b000 +1364 r-xp 00026000 .* lib +/usr/lib/x86_64-linux-gnu/libc\.so\.6$"
	assert_line --regexp "^7f3a18c13000-7f3a18c14000 +4 r--s .* file-shared +/var/cache/fontconfig/a\.cache-8$"
	assert_line --regexp "^7f3a18c14000-7f3a18c15000 +4 rw-p .* 77 +file-private +/mnt/nvme/data\.bin$"
	assert_line --regexp "^7f3a18c15000-7f3a18c16000 +4 r-xp .* special +\[uprobes\]$"
	assert_line --regexp "^7ffd3c5e1000-7ffd3c602000 +132 rw-p .* stack +\[stack\]$"
	# 64-bit: the 16-digit [vsyscall] page.
	assert_line --regexp "^ffffffffff600000-ffffffffff601000 +4 --xp 00000000 $HEX:$HEX 0 +vdso +\[vsyscall\]$"
	assert_equal "$(rows | wc -l)" 27
	rows_consistent
	assert_equal "$(total_kib)" "$(sum_kib)"
	assert_equal "$(total_kib)" 10248
}

# bats test_tags=points:3
@test "parse: garbage and truncated lines are rejected by line number, the rest still parsed" {
	run --separate-stderr prog proc_maps --table --parse "$SAMPLES/bad.maps"
	assert_failure 1
	local f=$SAMPLES/bad.maps e
	for e in \
		"1: 7f00-7f3a00001000 is not page-aligned" \
		"2: expected '-' after the start address, found a space" \
		"3: truncated: the line ends after the device (no inode)" \
		"4: permissions: character 3 is 's'; expected [r-][w-][x-][ps]" \
		"5: offset 100 is not a multiple of the page size" \
		"6: inode: expected a decimal digit, a space or the end of the line, found 'x'" \
		"7: end 7f3a00007000 is not above start 7f3a00008000" \
		"8: inode: does not fit in 64 bits" \
		"9: start address: more than 16 hex digits" \
		"10: empty line" \
		"11: start address: expected a hex digit, found 'h'" \
		"12: truncated: the line ends after the addresses (no permissions)" \
		"13: truncated: the permissions stop after 2 characters" \
		"14: expected '-' after the start address, found 'x'" \
		"16: starts at 7f3a00011000, below the end of line 15"; do
		grep -qF "proc_maps: $f:$e" <<<"$stderr" || fail "no '$e' in: $stderr"
	done
	assert_equal "$(grep -c "^proc_maps: $f:[0-9]*:" <<<"$stderr")" 15
	grep -qF "proc_maps: $f: 15 bad lines" <<<"$stderr" || fail "no count"
	# The two good lines (15 and 17) are in the table and the total.
	assert_line "$f: 2 lines parsed, 15 rejected; program guessed as /home/student/ok line"
	assert_line --regexp "^7f3a00020000-7f3a00021000 +4 r--p .* /home/student/ok line$"
	assert_equal "$(total_kib)" 12
}

# bats test_tags=points:2
@test "parse: binary input, NUL bytes, a 100 KB line, CR and tabs never crash it" {
	{
		printf 'garbage\0\xff\x01\n'
		head -c 100000 /dev/zero | tr '\0' 'a'
		printf '\n7f3a00000000-7f3a00001000 rw-p 00000000 00:00 0\r\n'
		printf '7f3a00001000-7f3a00002000\trw-p\t00000000\t00:00\t0\t/tab/ok\n'
		printf '\xff\xfe\xfd'
	} >"$BATS_TEST_TMPDIR/junk"
	run --separate-stderr prog proc_maps --table --parse - <"$BATS_TEST_TMPDIR/junk"
	assert_failure 1 # a message and exit 1, not a signal
	grep -qF '<stdin>:1: contains a NUL byte' <<<"$stderr" || fail "$stderr"
	grep -qF '<stdin>:2: start address: more than 16 hex digits' <<<"$stderr" || fail "$stderr"
	grep -qE '^proc_maps:   [|] a{100}[.]{3}$' <<<"$stderr" || fail "line not cut: $stderr"
	grep -qF "<stdin>:3: inode: expected a decimal digit, a space or the end of the line, found byte 0x0d" <<<"$stderr" || fail "$stderr"
	grep -qF "<stdin>:5: start address: expected a hex digit, found byte 0xff" <<<"$stderr" || fail "$stderr"
	assert_line --regexp "^7f3a00001000-7f3a00002000 +4 rw-p .* /tab/ok$"
}

@test "parse: stdin (-) gives the same table as the file" {
	run prog proc_maps --parse "$SAMPLES/good.maps"
	local from_file=${output#*$'\n'}
	run prog proc_maps --parse - <"$SAMPLES/good.maps"
	assert_success
	assert_equal "${output#*$'\n'}" "$from_file"
}

@test "parse: missing, unreadable, directory and empty files -> clear message, exit 1" {
	run prog proc_maps --parse "$BATS_TEST_TMPDIR/nope"
	assert_failure 1
	assert_output "proc_maps: open($BATS_TEST_TMPDIR/nope): ENOENT (No such file or directory)"

	# Unreadable: the directories must let nobody through (as root), and
	# the same file is readable until chmod 000 (the control).
	reachable "$BATS_TEST_TMPDIR"
	cp "$SAMPLES/good.maps" "$BATS_TEST_TMPDIR/locked"
	chmod 644 "$BATS_TEST_TMPDIR/locked"
	run unprivileged timeout 20 "$BUILD/$LAB/proc_maps" --parse "$BATS_TEST_TMPDIR/locked"
	assert_success
	chmod 000 "$BATS_TEST_TMPDIR/locked"
	run unprivileged timeout 20 "$BUILD/$LAB/proc_maps" --parse "$BATS_TEST_TMPDIR/locked"
	assert_failure 1
	assert_output "proc_maps: open($BATS_TEST_TMPDIR/locked): EACCES (Permission denied)"

	run prog proc_maps --parse "$BATS_TEST_TMPDIR"
	assert_failure 1
	assert_output "proc_maps: read($BATS_TEST_TMPDIR): EISDIR (Is a directory)"

	: >"$BATS_TEST_TMPDIR/empty"
	run prog proc_maps --parse "$BATS_TEST_TMPDIR/empty"
	assert_failure 1
	assert_output "proc_maps: $BATS_TEST_TMPDIR/empty: empty, no lines to parse"
}

# bats test_tags=points:2
@test "parse --map: one '#' per doubling, gaps in '.', on the same log2 scale" {
	cat >"$BATS_TEST_TMPDIR/m" <<-'EOF'
		00100000-00101000 r--p 00000000 08:01 12 /bin/x
		00101000-00103000 r-xp 00001000 08:01 12 /bin/x
		00203000-00303000 rw-p 00000000 00:00 0
		40000000-80000000 rw-s 00000000 00:01 5 /dev/zero (deleted)
	EOF
	run prog proc_maps --map --parse "$BATS_TEST_TMPDIR/m"
	assert_success
	# 1 MiB from 0 = 2^20: 9 dots; 4 KiB: 1 '#'; 8 KiB: 2; the 1 MiB gap:
	# 9 dots; 1 MiB: 9 '#'; the 1021 MiB gap: 18 (below 2^30); 1 GiB: 19.
	assert_line --regexp "^ *0 \.{9} +1\.0 MiB unmapped \(from address 0"
	assert_line --regexp "^ *100000 # +4 KiB r--p rodata +/bin/x$"
	assert_line --regexp "^ *101000 ## +8 KiB r-xp text +/bin/x$"
	assert_line --regexp "^ *103000 \.{9} +1\.0 MiB unmapped$"
	assert_line --regexp "^ *203000 #{9} +1\.0 MiB rw-p anon$"
	assert_line --regexp "^ *303000 \.{18} +1021 MiB unmapped$"
	assert_line --regexp "^ *40000000 #{19} +1\.0 GiB rw-s [a-z-]+ +/dev/zero \(deleted\)$"
	assert_line "total: 1049612 KiB in 4 mappings (1.0 GiB)"
}

# ------------------------------------------------------------ the tour

# bats test_tags=points:4
@test "tour: each mapping appears once, with its permissions, offset and path" {
	run prog maps_tour
	assert_success
	local file key id p1 p2 p3 p4 step n
	file=$(sed -n 's/^\$ mmap(.*MAP_SHARED, fd, [0-9]*) on "\(.*\)"$/\1/p' <<<"$output")
	[[ $file == "$TMPDIR/tour file "* ]] || fail "temp file: '$file'"
	key=$(sed -n 's/^\$ shmget(0x\([0-9a-f]*\), .*) = [0-9]*; .*/\1/p' <<<"$output")
	id=$(sed -n 's/^\$ shmget(0x[0-9a-f]*, .*) = \([0-9]*\); .*/\1/p' <<<"$output")
	[ -n "$key" ] && [ -n "$id" ] || fail "no shmget line"
	p1=$(page_kib 1) p2=$(page_kib 2) p3=$(page_kib 3) p4=$(page_kib 4)
	local F D="$HEX:$HEX [0-9]+ +[a-z-]+"
	F=$(re "$file")
	# 1: MAP_SHARED of the file at offset one page: s, offset 00001000.
	assert_line --regexp "^  \+ $HEX-$HEX +$p2 rw-s $(printf %08x "$PAGE") $D +$F$"
	# 2: MAP_PRIVATE of the same file: p, offset 0, same inode.
	assert_line --regexp "^  \+ $HEX-$HEX +$p1 rw-p 00000000 $D +$F$"
	# 3: private anonymous: no file at all (or [anon:tour] if named).
	assert_line --regexp "^  \+ $HEX-$HEX +[0-9]+ rw-p 00000000 $HEX:$HEX 0 +anon( +\[anon:tour\])?$"
	# 4: shared anonymous: the kernel's hidden shmem file.
	assert_line --regexp "^  \+ $HEX-$HEX +$p4 rw-s 00000000 $D +/dev/zero \(deleted\)$"
	# 5: System V: /SYSV<key> (deleted), and the inode is the shmid.
	assert_line --regexp "^  \+ $HEX-$HEX +$p4 rw-s 00000000 $HEX:$HEX $id +[a-z-]+ +/SYSV$key \(deleted\)$"
	# 6: POSIX: a file in /dev/shm named after the object.
	assert_line --regexp "^  \+ $HEX-$HEX +$p2 rw-s 00000000 $D +/dev/shm/$(re "$SHMLABS_PREFIX")-maps$"
	# 7: /dev/zero: shared looks like step 4, private keeps /dev/zero.
	assert_line --regexp "^  \+ $HEX-$HEX +$p3 rw-s 00000000 $D +/dev/zero \(deleted\)$"
	assert_line --regexp "^  \+ $HEX-$HEX +$p2 r--p 00000000 $D +/dev/zero$"
	# Only the lines that changed: steps 1, 2, 4-7 add exactly their
	# areas and remove none.
	# Step 4 names the shared area where the kernel can (6.2+ with
	# CONFIG_ANON_VMA_NAME): then its line changes too, - and +.
	local named=1
	if grep -q '"tour-shared") = 0 ' <<<"$output"; then
		named=3
		assert_line --regexp "^  \+ $HEX-$HEX +$p4 rw-s 00000000 $D +\[anon_shmem:tour-shared\]$"
	else
		assert_line --regexp '^\$ prctl\(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, [0-9]+, "tour-shared"\) = -1 E[A-Z]+   \(kernel [^ )]+\)$'
		assert_line --regexp "^     named      not here: this kernel refused \(E[A-Z]+\); Linux 6.2\+ with CONFIG_ANON_VMA_NAME shows \[anon_shmem:tour-shared\]$"
	fi
	for step in 1:1 2:1 4:$named 5:1 6:1 7:2; do
		n=$(awk -v s="-- step ${step%:*}." 'index($0, s) == 1 { on = 1; next }
			/^-- step / { on = 0 } on && /^  [+-] / { c++ } END { print c + 0 }' <<<"$output")
		assert_equal "step ${step%:*}: $n lines" "step ${step%:*}: ${step#*:} lines"
	done
	assert_line --partial "the file still reads \"original\": the store went to a copy"
	assert_line --regexp "^     inode +$id = the shmid $id"
}

# bats test_tags=points:2
@test "tour: unlinked names gain ' (deleted)', and the last step removes every area" {
	run prog maps_tour
	assert_success
	local F P
	F=$(re "$(sed -n 's/^\$ mmap(.*MAP_SHARED, fd, [0-9]*) on "\(.*\)"$/\1/p' <<<"$output")")
	P=$(re "/dev/shm/$SHMLABS_PREFIX-maps")
	# Step 8: each name goes from "path" to "path (deleted)".
	local s8
	s8=$(sed -n '/^-- step 8\./,/^-- step 9\./p' <<<"$output")
	assert_equal "$(grep -cE "^  - .* $F$" <<<"$s8")" 2
	assert_equal "$(grep -cE "^  \+ .* $F \(deleted\)$" <<<"$s8")" 2
	grep -qE "^  - .* $P$" <<<"$s8" || fail "$s8"
	grep -qE "^  \+ .* $P \(deleted\)$" <<<"$s8" || fail "$s8"
	# Step 9: the 8 areas of steps 1-7 go.  Nothing comes, except when the
	# kernel had merged step 3's anonymous area with an anonymous
	# neighbour (the tour says "merged"; under ASan it happens): then the
	# neighbour stays, a smaller rw-p anon row inside the removed one.
	local s9 range perms kind r2 p2 k2 inside
	s9=$(sed -n '/^-- step 9\./,$p' <<<"$output")
	assert_equal "$(grep -cE '^  - ' <<<"$s9")" 8
	while read -r _ range _ perms _ _ _ kind _; do
		inside=
		while read -r _ r2 _ p2 _ _ _ k2 _; do
			[ "$p2 $k2 $perms $kind" = "rw-p anon rw-p anon" ] || continue
			((0x${range%-*} >= 0x${r2%-*} && 0x${range#*-} <= 0x${r2#*-})) &&
				inside=1
		done < <(grep -E '^  - ' <<<"$s9")
		[ -n "$inside" ] || fail "step 9 added an area: $range $perms $kind"
		grep -q '^     merged ' <<<"$output" || fail "$range: no merge was reported"
	done < <(grep -E '^  \+ ' <<<"$s9")
	# And the objects themselves are gone (teardown checks /dev/shm,
	# SysV and TMPDIR too).
	[ -z "$(ls -A "$TMPDIR")" ] || fail "left: $(ls -A "$TMPDIR")"
}

# bats test_tags=points:3
@test "tour --hold: another process sees the objects; Ctrl-C removes them all" {
	start_holder
	local maps id
	id=$(sed -n 's/^\$ shmget(0x[0-9a-f]*, .*) = \([0-9]*\); .*/\1/p' "$BATS_TEST_TMPDIR/holder.log")
	awk -v id="$id" '$2 == id { f = 1 } END { exit !f }' /proc/sysvipc/shm ||
		fail "segment '$id' not found"
	maps=$(cat "/proc/$HOLDER/maps")
	grep -qE " rw-s 00000000 .* /dev/shm/$(re "$SHMLABS_PREFIX")-maps$" <<<"$maps" || fail "$maps"
	grep -qE " rw-s 00000000 .* /SYSV$HEX \(deleted\)$" <<<"$maps" || fail "$maps"
	grep -qE " rw-s $HEX .* $(re "$TMPDIR")/tour file [A-Za-z0-9]{6}$" <<<"$maps" || fail "$maps"
	[ -e "/dev/shm/$SHMLABS_PREFIX-maps" ] || fail "no POSIX object"
	assert_equal "$(find "$TMPDIR" -mindepth 1 | wc -l)" 1
	stop_holder
	# The SIGINT handler removed the file, the object and the segment.
	[ ! -e "/dev/shm/$SHMLABS_PREFIX-maps" ] || fail "POSIX object left"
	[ -z "$(ls -A "$TMPDIR")" ] || fail "temp file left"
	! awk -v id="$id" '$2 == id { f = 1 } END { exit !f }' /proc/sysvipc/shm ||
		fail "segment $id left"
}

# ------------------------------------------------------------ exercises

# bats test_tags=points:3,exercise:15-1
@test "exercise 15.1: SysV, POSIX and shared anonymous lines are classified by path" {
	run prog proc_maps --table --parse "$SAMPLES/good.maps"
	assert_success
	assert_line --regexp "^7f3a18c03000-7f3a18c07000 +16 rw-s .* sysv-shm +/SYSV5300beef \(deleted\)$"
	assert_line --regexp "^7f3a18c07000-7f3a18c09000 +8 rw-s .* sysv-shm +/SYSV00000000 \(deleted\)$"
	assert_line --regexp "^7f3a18c09000-7f3a18c0b000 +8 rw-s .* posix-shm +/dev/shm/shmlabs-demo-maps$"
	assert_line --regexp "^7f3a18c0b000-7f3a18c0f000 +16 rw-s .* anon-shared +/dev/zero \(deleted\)$"
	assert_line --regexp "^7f3a18c0f000-7f3a18c11000 +8 r--p .* dev-zero +/dev/zero$"
	# Look-alikes that are not shared memory.
	printf '%s\n' \
		'00400000-00401000 rw-s 00000000 08:01 7 /SYSV5300beef.txt' \
		'00401000-00402000 rw-s 00000000 08:01 8 /SYSVnothex0 (deleted)' \
		'00402000-00403000 rw-s 00000000 08:01 9 /dev/zeros' \
		'00403000-00404000 rw-s 00000000 00:1b 9 /dev/shm/x (deleted)' >"$BATS_TEST_TMPDIR/l"
	run prog proc_maps --table --parse "$BATS_TEST_TMPDIR/l"
	assert_success
	assert_line --regexp "^00400000-00401000 .* file-shared +/SYSV5300beef\.txt$"
	assert_line --regexp "^00401000-00402000 .* deleted +/SYSVnothex0 \(deleted\)$"
	assert_line --regexp "^00402000-00403000 .* file-shared +/dev/zeros$"
	assert_line --regexp "^00403000-00404000 .* posix-shm +/dev/shm/x \(deleted\)$"
}

# bats test_tags=points:2,exercise:15-1
@test "exercise 15.1: the tour labels each new shared area with its kind" {
	run prog maps_tour
	assert_success
	assert_line --regexp "^  \+ .* rw-s 00000000 .* anon-shared +/dev/zero \(deleted\)$"
	assert_line --regexp "^  \+ .* rw-s 00000000 .* sysv-shm +/SYSV$HEX \(deleted\)$"
	assert_line --regexp "^  \+ .* rw-s 00000000 .* posix-shm +/dev/shm/$(re "$SHMLABS_PREFIX")-maps$"
	assert_line --regexp "^  \+ .* r--p 00000000 .* dev-zero +/dev/zero$"
	assert_line --regexp "^  \+ .* rw-s 00000000 .* posix-shm +/dev/shm/$(re "$SHMLABS_PREFIX")-maps \(deleted\)$"
}

# bats test_tags=points:2,exercise:15-2
@test "exercise 15.2: the device field is MAJOR:MINOR in hex" {
	run prog proc_maps --table --parse "$SAMPLES/good.maps"
	assert_success
	assert_line --regexp "^00400000-00401000 +4 r--p 00000000 08:01 1048601 "
	assert_line --regexp "^7f3a18c00000-7f3a18c02000 +8 rw-s 00001000 fe:01 393222 "
	assert_line --regexp "^7f3a18c09000-7f3a18c0b000 +8 rw-s 00000000 00:1b 17 "
	# A major above 255 takes three digits (259 = 0x103: NVMe).
	assert_line --regexp "^7f3a18c14000-7f3a18c15000 +4 rw-p 00000000 103:05 77 "
	# In the tour, the temp file's device is the one stat(1) reports.
	run prog maps_tour
	assert_success
	local dev
	dev=$(printf '%02x:%02x' "$(stat -c %Hd "$TMPDIR")" "$(stat -c %Ld "$TMPDIR")")
	assert_line --regexp "^  \+ $HEX-$HEX +[0-9]+ rw-s $HEX $dev [0-9]+ .*/tour file "
}

# bats test_tags=points:2,exercise:15-2
@test "exercise 15.2: malformed device fields are rejected, line by line" {
	printf '%s\n' \
		'00400000-00401000 r--p 00000000 fe-01 7 /a' \
		'00401000-00402000 r--p 00000000 zz:00 7 /a' \
		'00402000-00403000 r--p 00000000 1000:00 7 /a' \
		'00403000-00404000 r--p 00000000 fe: 7 /a' \
		'00404000-00405000 r--p 00000000 :01 7 /a' \
		'00405000-00406000 r--p 00000000 fe:100000 7 /a' \
		'00406000-00407000 r--p 00000000 fe:01 7 /ok' >"$BATS_TEST_TMPDIR/d"
	run --separate-stderr prog proc_maps --table --parse "$BATS_TEST_TMPDIR/d"
	assert_failure 1
	local f=$BATS_TEST_TMPDIR/d n
	# Lines 1-6 are rejected, each with its number and some reason (the
	# wording is yours), and only line 7 makes the table.
	for n in 1 2 3 4 5 6; do
		grep -qE "^proc_maps: $(re "$f"):$n: .+" <<<"$stderr" || fail "line $n not rejected: $stderr"
	done
	assert_equal "$(grep -cE "^proc_maps: $(re "$f"):[0-9]+: " <<<"$stderr")" 6
	assert_line "$f: 1 lines parsed, 6 rejected; program guessed as /ok"
	assert_line --regexp "^00406000-00407000 +4 r--p 00000000 fe:01 7 .*/ok$"
	assert_equal "$(rows | wc -l)" 1
}
