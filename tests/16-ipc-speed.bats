#!/usr/bin/env bats
# tests/16-ipc-speed.bats - lab 16: every method moves the payload intact,
# the report and the CSV have every row and ratio, the sweep covers its
# sizes and names its peaks and crossings consistently, the latency rows,
# the effective SO_SNDBUF, the guard page, the file relay, limits handled
# gracefully, bad options, and nothing left behind.  Small sizes keep it
# fast.  There are NO timing thresholds: a speed depends on the machine
# (scripts/bench-ipc reports ratios, it passes or fails nothing).
bats_require_minimum_version 1.5.0
load helper

TPUT="memcpy-chunk memcpy-large pipe pipe-big unix posix-mq sysv-msg ring ring-zc ring-4k"
IPC="pipe pipe-big unix posix-mq sysv-msg ring ring-zc ring-4k"
RTT="rtt-pipe rtt-unix rtt-sem rtt-spin"
CSV_HEADER="kind,method,label,payload_bytes,chunk_bytes,unit_bytes,buffer_bytes,seconds,gb_per_s,x_pipe_big,x_memcpy,copies_per_byte,calls_per_mib,sleeps_per_mib,faults_per_mib,cpus,sys_pct,p50_us,p99_us,note"
NUM='[0-9]+\.[0-9]+'
CPUS_PINNED='[0-9]+ CPUs; producer on CPU [0-9]+, consumer on CPU [0-9]+'
CPUS_ONE='1 CPU; the processes are not pinned'

# csv_parse: CSV[METHOD,COLUMN] = that field of the CSV in $output, and
# ${#CSV[METHOD,rows]} = how many rows METHOD has; read
# in bash: a test looks up dozens of fields, and $(awk ...) for each one
# cost seconds on a busy VM.  For a method with several rows (a sweep) use
# csv_field, which prints every row's field.
declare -gA CSV=() # -g: bats sources this file inside a function
csv_parse() {
	local line i cols=() f=()
	CSV=()
	while IFS= read -r line; do
		IFS=, read -ra f <<<"$line"
		if [ ${#cols[@]} = 0 ]; then
			cols=("${f[@]}")
			continue
		fi
		for i in "${!cols[@]}"; do
			CSV[${f[1]:-},${cols[i]}]=${f[i]:-}
		done
		CSV[${f[1]:-},rows]+=x # one x per row: ${#CSV[M,rows]} counts them
	done <<<"$output"
}

# csv_field METHOD COLUMN: that field of every row of METHOD, one per line.
csv_field() {
	awk -F, -v m="$1" -v c="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$2 == m { print $col[c] }' <<<"$output"
}

# find_consumer PID: PROG (the program under the `timeout` PID) and CHILD
# (its consumer), waiting up to 10 s for the consumer to exist.
find_consumer() {
	local i
	prog='' child=''
	for ((i = 0; i < 200; i++)); do
		# (the helper's children: pgrep in a poll loop would cost a fork
		# and an exec each round)
		if children "$1" prog; then
			prog=${prog%% *}
			children "$prog" child && child=${child%% *} && return 0
		fi
		nap 0.05
	done
	return 1
}

# bats test_tags=points:2
@test "every method moves the payload intact (odd sizes: 1000003 bytes in 4099-byte chunks)" {
	run prog ipc_speed -s 1000003 -c 4099 -n 3 -r 1 -l 0 --csv
	assert_success
	refute_output --partial "damaged"
	local m
	for m in $IPC; do
		# a row with a speed, i.e. the child checked all chunks
		assert_line --regexp "^throughput,$m,[^,]*,1000003,[0-9]+,[0-9]+,[0-9]+,$NUM,$NUM,"
	done
}

# bats test_tags=points:1
@test "the check is real: a flipped bit in the stamp or the data fails every method" {
	local m
	for m in $IPC; do
		run prog ipc_speed -m "$m" -s 256K -c 64K -r 1 --flip 3
		assert_failure 1
		assert_output --partial "$m: the payload arrived damaged"
		assert_output --partial "1 bad stamps"
		run prog ipc_speed -m "$m" -s 256K -c 64K -r 1 --flip 200000
		assert_failure 1
		assert_output --partial "0 bad stamps"
		assert_output --regexp "checksum ([0-9a-f]{16}), expected (\<[0-9a-f]{16}\>)"
		[[ ! $output =~ checksum\ ([0-9a-f]+),\ expected\ \1$ ]] ||
			fail "$m: the checksums should differ: $output"
	done
}

# bats test_tags=points:2
@test "the report has every row, every ratio, the bars and the summary" {
	run --separate-stderr prog ipc_speed -s 2M -c 64K -r 1 -l 200
	assert_success
	[ -z "$stderr" ] || fail "stderr: $stderr"
	assert_line "ipc_speed: each method moves 2 MiB in 64 KiB chunks (ring: 4 x 64 KiB), fastest of 1 runs"
	assert_line --regexp "^($CPUS_PINNED|$CPUS_ONE)$"
	assert_line --regexp '^method +buffer +GB/s +x pipe-big +x memcpy +copies/B +calls/MiB +sleeps/MiB +faults/MiB +CPUs +sys%$'
	local m
	for m in $TPUT; do
		# name buffer GB/s x-pipe-big x-memcpy copies calls sleeps faults CPUs sys%
		assert_line --regexp "^$m +[0-9]+[KM]? +$NUM +$NUM +$NUM +$NUM +$NUM +$NUM +$NUM +$NUM +([0-9]|[1-9][0-9]|100)$"
		assert_line --regexp "^$m +[|]#+ +$NUM  .+$"
	done
	assert_line --regexp "^pipe-big +[0-9]+[KM] +$NUM +1\.00 +$NUM "
	assert_line --regexp "^memcpy-chunk +64K +$NUM +$NUM +1\.00 +1\.00 "
	assert_line --regexp "^ring / pipe-big = $NUM""x;  ring / memcpy-chunk = [0-9]+%;  ring-4k / pipe-big = $NUM""x$"
	# what is counted is labelled so, and what is measured too
	assert_line --regexp '^copies/B +COUNTED, not measured: '
	assert_line --regexp '^calls/MiB +COUNTED: '
	assert_line --regexp '^sleeps/MiB +measured: '
	assert_line --regexp '^sys% +measured: '
	for m in $RTT; do
		assert_line --regexp "^$m +.+ +$NUM +$NUM$"
	done
}

# bats test_tags=points:1
@test "copies/B: every IPC method copies each byte twice, memcpy once, the zero-copy ring never" {
	run prog ipc_speed -s 1M -c 64K -r 1 -l 0 --csv
	assert_success
	csv_parse
	local m
	for m in pipe pipe-big unix posix-mq sysv-msg ring ring-4k; do
		assert_equal "$m ${CSV[$m,copies_per_byte]}" "$m 2.000"
	done
	assert_equal "${CSV[memcpy-chunk,copies_per_byte]}" 1.000
	assert_equal "${CSV[memcpy-large,copies_per_byte]}" 1.000
	# the ring hands off a chunk with 4 calls (2 sem_wait + 2 sem_post):
	# 16 chunks of 64 KiB per MiB, 256 of 4 KiB
	assert_equal "${CSV[ring,calls_per_mib]}" 64.00
	assert_equal "${CSV[ring-4k,calls_per_mib]}" 1024.00
	assert_equal "${CSV[ring-4k,chunk_bytes]}" 4096
}

# bats test_tags=points:1
@test "--csv: one header, one row per method, 20 fields, numbers where they belong" {
	run --separate-stderr prog ipc_speed -s 1M -c 64K -r 1 -l 100 --csv
	assert_success
	[ -z "$stderr" ] || fail "stderr: $stderr"
	assert_line --index 0 "$CSV_HEADER"
	assert_equal "${#lines[@]}" 15
	local m line twenty='^([^,]*,){19}[^,]*$'
	for line in "${lines[@]}"; do
		[[ $line =~ $twenty ]] || fail "not 20 fields: $line"
	done
	csv_parse
	for m in $TPUT $RTT; do
		assert_equal "$m: ${#CSV[$m,rows]} row(s)" "$m: 1 row(s)"
	done
	for m in $TPUT; do
		[[ ${CSV[$m,gb_per_s]} =~ ^$NUM$ ]] || fail "$m gb_per_s"
		[[ ${CSV[$m,x_pipe_big]} =~ ^$NUM$ ]] || fail "$m x_pipe_big"
		[[ ${CSV[$m,x_memcpy]} =~ ^$NUM$ ]] || fail "$m x_memcpy"
		[[ ${CSV[$m,sleeps_per_mib]} =~ ^$NUM$ ]] || fail "$m sleeps"
		[[ ${CSV[$m,cpus]} =~ ^$NUM$ ]] || fail "$m cpus"
		[[ ${CSV[$m,sys_pct]} =~ ^$NUM$ ]] || fail "$m sys_pct"
		assert_equal "${CSV[$m,kind]}" throughput
		assert_equal "${CSV[$m,payload_bytes]}" 1048576
	done
	assert_equal "${CSV[pipe-big,x_pipe_big]}" 1.000
	assert_equal "${CSV[memcpy-chunk,x_memcpy]}" 1.000
	for m in $RTT; do
		assert_equal "${CSV[$m,kind]}" latency
		[[ ${CSV[$m,p50_us]} =~ ^$NUM$ ]] || fail "$m p50"
		[[ ${CSV[$m,p99_us]} =~ ^$NUM$ ]] || fail "$m p99"
		assert_equal "${CSV[$m,gb_per_s]}" ""
	done
}

@test "latency: four ping-pong rows, p50 <= p99, and the note on spinning" {
	run prog ipc_speed -m rtt -l 500
	assert_success
	refute_line --regexp '^method'
	assert_line --regexp "^($CPUS_PINNED|$CPUS_ONE)$"
	assert_line "round trip, 1-byte ping-pong, 500 rounds    p50 us   p99 us"
	local m p50 p99
	for m in $RTT; do
		read -r p50 p99 < <(awk -v m="$m" '$1 == m { print $(NF-1), $NF }' <<<"$output")
		[ -n "$p50" ] || fail "no row $m"
		awk -v a="$p50" -v b="$p99" 'BEGIN { exit !(a > 0 && a <= b) }' ||
			fail "$m: p50 $p50 p99 $p99"
	done
	assert_line "note: rtt-spin never sleeps, so it never needs waking; but it keeps both"
	assert_line "      one core the spinner burns the time its peer needs; after 1000 spins it"
	assert_line "      calls sched_yield(), so it cannot hang."
}

# bats test_tags=points:1
@test "latency on ONE cpu: the bounded spin still finishes (it yields)" {
	need taskset
	run taskset -c 0 timeout -k 2 "$TIMEOUT" "$BUILD/$LAB/ipc_speed" -m rtt-spin,rtt-sem -l 300
	assert_success
	assert_line --regexp "^rtt-spin +spinning on an atomic flag in shm +$NUM +$NUM$"
	assert_line "$CPUS_ONE"
	assert_line "      This run had 1 CPU: compare rtt-spin with the blocking methods."
}

# bats test_tags=points:1
@test "posix-mq uses the system's message-size limit, sysv-msg msgmax" {
	local msgsize msgmax
	msgsize=$(cat /proc/sys/fs/mqueue/msgsize_max)
	msgmax=$(cat /proc/sys/kernel/msgmax)
	run prog ipc_speed -m posix-mq,sysv-msg -s 4M -c 1M -r 1 --csv
	assert_success
	csv_parse
	assert_equal "${CSV[posix-mq,unit_bytes]}" "$((msgsize < 1048576 ? msgsize : 1048576))"
	assert_equal "${CSV[sysv-msg,unit_bytes]}" "$((msgmax < 1048576 ? msgmax : 1048576))"
	# one call per message on each side
	assert_equal "${CSV[posix-mq,calls_per_mib]}" "$(awk -v s="$msgsize" 'BEGIN { printf "%.2f", 2 * 1048576 / (s < 1048576 ? s : 1048576) }')"
}

# bats test_tags=points:2
@test "a queue limit is a skip, not a crash: RLIMIT_MSGQUEUE=0 gives EMFILE" {
	need prlimit
	run prlimit --msgqueue=0 timeout 20 "$BUILD/$LAB/ipc_speed" -m posix-mq,pipe -s 1M -c 64K -r 1
	assert_success
	assert_line "posix-mq     skipped: mq_open: EMFILE (Too many open files)"
	assert_line --regexp "^pipe +64K +$NUM "
	run prlimit --msgqueue=0 timeout 20 "$BUILD/$LAB/ipc_speed" -m posix-mq -s 1M -r 1 --csv
	assert_success
	assert_line --regexp '^throughput,posix-mq,,1048576,(,){15}skipped: mq_open: EMFILE \(Too many open files\)$'
}

# bats test_tags=points:1
@test "nothing is left behind: the same prefix works twice in a row (every name is O_EXCL)" {
	run prog ipc_speed -m posix-mq,sysv-msg,ring,ring-zc -s 256K -c 64K -r 2
	assert_success
	assert_equal "$(ipc_leftovers)" ""
	# a leftover mq name, shm name or SysV key would make this EEXIST
	run prog ipc_speed -m posix-mq,sysv-msg,ring,ring-zc -s 256K -c 64K -r 2
	assert_success
	refute_output --partial EEXIST
}

@test "SIGTERM mid-transfer: the System V queue is removed and the consumer dies with the producer" {
	timeout -k 2 "$TIMEOUT" "$BUILD/$LAB/ipc_speed" -m sysv-msg -s 64G -r 1 -l 0 \
		>/dev/null 2>&1 &
	local pid=$! prog child i
	find_consumer "$pid" || fail "no consumer appeared"
	[ -n "$(ipc_leftovers)" ] || fail "no queue while transferring"
	kill -TERM "$prog"
	local st=0
	wait "$pid" || st=$? # (not `run wait`: run's subshell is not the parent)
	# timeout(1) passes the program's death by SIGTERM on: 128+15
	assert_equal "$st" 143
	for ((i = 0; i < 100; i++)); do # PR_SET_PDEATHSIG: killed too
		alive "$child" || break
		nap 0.05
	done
	! alive "$child" || fail "consumer $child survived"
	assert_equal "$(ipc_leftovers)" ""
}

# bats test_tags=points:2
@test "SIGKILL of the consumer: the producer notices instead of waiting forever" {
	local m
	for m in ring posix-mq; do
		timeout -k 2 "$TIMEOUT" "$BUILD/$LAB/ipc_speed" -m "$m" -s 64G -r 1 -l 0 \
			>"$BATS_TEST_TMPDIR/out" 2>&1 &
		local pid=$! prog child i
		find_consumer "$pid" || fail "$m: no consumer appeared"
		kill -KILL "$child"
		local st=0
		wait "$pid" || st=$?
		assert_equal "$m $st" "$m 1"
		run cat "$BATS_TEST_TMPDIR/out"
		assert_output --partial "$m: the other process was killed by SIGKILL"
	done
}

# bats test_tags=points:2,exercise:16-1
@test "exercise 16.1: pipe-big is enlarged with F_SETPIPE_SZ to 1 MiB (or pipe-max-size)" {
	local max want
	max=$(cat /proc/sys/fs/pipe-max-size)
	want=$((max < 1048576 ? max : 1048576))
	run prog ipc_speed -m pipe,pipe-big -s 2M -c 1M -r 1 --csv
	assert_success
	csv_parse
	assert_equal "${CSV[pipe-big,buffer_bytes]}" "$want"
	assert_equal "${CSV[pipe,buffer_bytes]}" 65536
	assert_equal "${CSV[pipe-big,note]}" ""
	run prog ipc_speed -m pipe-big -s 2M -c 1M -r 1
	assert_line --regexp "^pipe-big +[|]#+ +$NUM  pipe enlarged to 1 MiB$"
}

# bats test_tags=points:3,exercise:16-2
@test "exercise 16.2: the zero-copy consumer checks the chunk in place (0 copies, intact with 1 slot)" {
	run prog ipc_speed -m ring-zc,ring -s 4M -c 64K -n 1 -r 1 --csv
	assert_success
	csv_parse
	assert_equal "${CSV[ring-zc,copies_per_byte]}" 0.000
	assert_equal "${CSV[ring,copies_per_byte]}" 2.000
	assert_equal "${CSV[ring-zc,calls_per_mib]}" 64.00
	run prog ipc_speed -m ring-zc -s 4M -c 64K -n 1 -r 1 --flip 70000
	assert_failure 1
	assert_output --partial "ring-zc: the payload arrived damaged"
}

@test "memcpy rows with a chunk bigger than memcpy-large's 64 MiB buffers" {
	run prog ipc_speed -m memcpy -c 65M -s 65M -r 1 -l 0 --csv
	assert_success
	csv_parse
	assert_equal "${CSV[memcpy-chunk,chunk_bytes]}" 68157440
	assert_equal "${CSV[memcpy-large,chunk_bytes]}" 67108864
}

@test "--no-pin leaves the placement to the scheduler, and says so" {
	run prog ipc_speed -m ring,rtt-sem -s 1M -c 64K -r 1 -l 100 --no-pin
	assert_success
	assert_line --regexp '^[0-9]+ CPUs?; the processes are not pinned$'
	refute_line --partial "producer on CPU"
	refute_line --partial "note: each process has a CPU of its own"
	assert_line --regexp "^ring +256K +$NUM "
}

@test "bad options: usage on stderr, exit 2, no IPC object touched" {
	local bad
	for bad in --bogus "-s 0" "-s abc" "-s 1X" "-s -5" "-s 65G" "-c 10" "-c 1G" "-n 0" \
		"-n 5000" "-r 0" "-l x" "-m nope" "-m ," "-m pipe,nope" "--flip x" "-n 4096 -c 1M" \
		extra -h; do
		# shellcheck disable=SC2086
		run --separate-stderr prog ipc_speed $bad
		assert_equal "$bad: $status" "$bad: 2"
		[[ $stderr == *"usage: ipc_speed "* ]] || fail "$bad: no usage: $stderr"
		assert_equal "$output" ""
	done
	run prog ipc_speed -m nope
	assert_output --partial "unknown method 'nope'"
	run prog ipc_speed -s 0
	assert_output --partial "--size must be 1..64G, not '0'"
}

@test "unix: the effective SO_SNDBUF is printed, and it is what getsockopt says (2 x min(4 MiB, wmem_max))" {
	local wmem want
	wmem=$(cat /proc/sys/net/core/wmem_max)
	# socket(7): the kernel caps the request at wmem_max, then doubles it
	want=$((2 * (wmem < 4194304 ? wmem : 4194304)))
	run uprog ipc_speed -m unix -s 1M -c 64K -r 1
	assert_success
	assert_line "note: unix: asked SO_SNDBUF 4 MiB; getsockopt says $want bytes (the kernel caps the request at net.core.wmem_max = $wmem and doubles it)"
	run uprog ipc_speed -m unix -s 1M -c 64K -r 1 --csv
	csv_parse
	assert_equal "${CSV[unix,buffer_bytes]}" "$want"
}

@test "the sweep covers every chunk size, for every method, with one CSV row each" {
	run prog ipc_speed --sweep -s 1M -r 1 --csv
	assert_success
	local m c
	for m in memcpy-chunk pipe-big ring ring-zc; do
		assert_equal "$m: $(csv_field "$m" chunk_bytes | tr '\n' ' ')" \
			"$m: 4096 16384 65536 262144 1048576 4194304 "
	done
	refute_line --regexp '^(throughput|latency),(pipe|unix|posix-mq|sysv-msg|ring-4k|memcpy-large|rtt-[a-z]+),'
	# -c after --sweep chooses the sizes (sorted or not: as given)
	run prog ipc_speed --sweep -c 8K,128K -m ring -s 512K -r 1 --csv
	assert_success
	assert_equal "$(csv_field ring chunk_bytes | tr '\n' ' ')" "8192 131072 "
	for c in 8192 131072; do
		assert_line --regexp "^throughput,ring,shm ring 4 x [0-9]+ KiB copy in/out,524288,$c,"
	done
}

@test "the sweep's peak and crossing lines agree with its own table" {
	run prog ipc_speed --sweep -c 4K,64K,1M -s 2M -r 1
	assert_success
	assert_line --regexp '^ipc_speed: chunk-size sweep; each method moves 2 MiB per chunk size \(ring: 4 slots\), fastest of 1 runs$'
	assert_line --regexp '^ chunk +memcpy-chunk +pipe-big +ring +ring-zc +ring/pipe-big +ring-zc/ring +ring CPUs +pipe sys%$'
	local table m col max peak at
	table=$(awk '/^ chunk /{on=1; next} on && NF == 0 {exit} on' <<<"$output")
	assert_equal "$(awk '{print $1}' <<<"$table" | tr '\n' ' ')" "4K 64K 1M "
	col=2
	for m in memcpy-chunk pipe-big ring ring-zc; do
		# the peak line names the column's maximum (ties: any of them)
		max=$(awk -v c=$col 'NR == 1 || $c + 0 > max + 0 { max = $c } END { print max }' <<<"$table")
		read -r peak at < <(awk -v m="$m" '$1 == "peak:" && $2 == m { print $3, $(NF-1) }' <<<"$output")
		assert_equal "$m peak $peak" "$m peak $max"
		assert_equal "$m at $at: $(awk -v c=$col -v at="$at" '$1 == at { print $c }' <<<"$table")" "$m at $at: $max"
		col=$((col + 1))
	done
	# ring/pipe-big >= 1 where the ring is ahead: a crossing is named
	# between two neighbours whose ratios lie on different sides of 1
	local sides
	# (a ratio printed as 1.00 may be either side: then any answer is right)
	sides=$(awk '{ r = $6; sub(/x$/, "", r); printf "%s ", (r == "1.00") ? "?" : (r >= 1) ? "+" : "-" }' <<<"$table")
	case $sides in
	"+ + + ") assert_line "cross: ring is faster than pipe-big at every chunk size measured" ;;
	"- - - ") assert_line "cross: ring is slower than pipe-big at every chunk size measured" ;;
	*"?"*) assert_line --regexp '^cross: ring (is (faster|slower) than pipe-big at every chunk size measured|(overtakes|falls behind) pipe-big between (4K and 64K|64K and 1M) chunks)$' ;;
	*) assert_line --regexp '^cross: ring (overtakes|falls behind) pipe-big between (4K and 64K|64K and 1M) chunks$' ;;
	esac
	assert_line --regexp '^cross: ring-zc (is (faster|slower) than ring at every chunk size measured|(overtakes|falls behind) ring between [0-9]+[KM] and [0-9]+[KM] chunks)$'
}

@test "the guard page behind the producer's buffer is one page: sysconf's size, PROT_NONE" {
	local page
	page=$PAGE
	timeout -k 2 "$TIMEOUT" "$BUILD/$LAB/ipc_speed" -m ring -s 64G -r 1 -l 0 \
		>/dev/null 2>&1 &
	local pid=$! prog child i
	find_consumer "$pid" || fail "no consumer appeared"
	# The producer's 1 MiB chunk buffer: one spare page + 1 MiB, rw-p, and
	# right behind it an anonymous ---p mapping, the guard.
	local range perms path lo hi prev_size=0 prev_hi=0 guards=''
	while read -r range perms _ _ _ path; do
		lo=$((16#${range%-*})) hi=$((16#${range#*-}))
		if [[ $perms == ---p && -z $path && $lo == "$prev_hi" &&
			$prev_size == $((1048576 + page)) ]]; then
			guards+="$((hi - lo)) "
		fi
		prev_size=0
		[[ $perms == rw-p && -z $path ]] && prev_size=$((hi - lo))
		prev_hi=$hi
	done <"/proc/$prog/maps"
	kill -TERM "$prog"
	wait "$pid" || true
	[ -n "$guards" ] || fail "no guard page found"
	local n
	for n in $guards; do
		assert_equal "guard $n" "guard $page"
	done
}

# relay_file NAME BYTES: a file of random bytes
relay_file() { head -c "$2" /dev/urandom >"$BATS_TEST_TMPDIR/$1"; }

@test "relay: the seeds' file -> pipe/shm -> file copies every byte; 4 copies against 2 (counted)" {
	relay_file in $((3 * 1048576 + 12345))
	local m copies
	for m in pipe shm; do
		run prog relay -m "$m" "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out.$m"
		assert_success
		copies=$([ "$m" = pipe ] && echo 4.00 || echo 2.00)
		assert_output --regexp "^relay: $m: 3158073 bytes in $NUM s = $NUM GB/s; copies/B $copies \(counted\); CPU: user $NUM s, sys $NUM s, [0-9]+ sleeps$"
		cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out.$m"
	done
	# one slot, small chunks: the producer must wait for every write
	run prog relay -m shm -n 1 -c 4K "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out.1"
	assert_success
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out.1"
	relay_file empty 0
	run prog relay -m shm "$BATS_TEST_TMPDIR/empty" "$BATS_TEST_TMPDIR/out.0"
	assert_success
	assert_output --partial "relay: shm: 0 bytes"
	assert_file_empty "$BATS_TEST_TMPDIR/out.0"
}

@test "relay: bad usage exits 2, a missing input file 1 with the errno" {
	local bad
	for bad in "" "-m tcp a b" "-c 1K a b" "-n 0 a b" "onlyone" "a b c"; do
		# shellcheck disable=SC2086
		run --separate-stderr prog relay $bad
		assert_equal "'$bad': $status" "'$bad': 2"
		[[ $stderr == *"usage: relay "* ]] || fail "$bad: no usage: $stderr"
	done
	run prog relay "$BATS_TEST_TMPDIR/nope" "$BATS_TEST_TMPDIR/out"
	assert_failure 1
	assert_output --partial "open($BATS_TEST_TMPDIR/nope): ENOENT"
}

@test "bench-ipc reports ratios of one run and passes or fails nothing" {
	run env SHMLABS_BUILD="$BUILD" timeout -k 2 60 "$ROOT/scripts/bench-ipc" -n 2 -- -s 2M
	assert_success
	assert_line --regexp '^median +'
	refute_output --regexp 'PASS|FAIL'
}

@test "relay: SIGKILL of the consumer is noticed (shm: the semaphore wait, pipe: EPIPE); SIGTERM takes the consumer along" {
	local m st want
	for m in shm pipe SIGTERM; do
		# /dev/zero never ends: the relay runs until something kills it
		timeout -k 2 "$TIMEOUT" "$BUILD/$LAB/relay" -m "${m/SIGTERM/shm}" /dev/zero /dev/null \
			>"$BATS_TEST_TMPDIR/out" 2>&1 &
		local pid=$! prog child i
		find_consumer "$pid" || fail "$m: no consumer appeared"
		if [ "$m" = SIGTERM ]; then
			kill -TERM "$prog"
		else
			kill -KILL "$child"
		fi
		st=0
		wait "$pid" || st=$?
		want=$([ "$m" = SIGTERM ] && echo 143 || echo 1)
		assert_equal "$m $st" "$m $want"
		run cat "$BATS_TEST_TMPDIR/out"
		case $m in
		shm) assert_output --partial "relay: shm: the other process was killed by SIGKILL" ;;
		pipe) assert_output --partial "relay: write(pipe): EPIPE" ;;
		SIGTERM)
			for ((i = 0; i < 100; i++)); do # PR_SET_PDEATHSIG
				alive "$child" || break
				nap 0.05
			done
			! alive "$child" || fail "consumer $child survived" ;;
		esac
	done
}
