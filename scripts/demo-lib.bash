# scripts/demo-lib.bash - narration helpers for labs/*/demo.sh
#   . "$SHMLABS_ROOT/scripts/demo-lib.bash"
#   step "Map the file"        a numbered heading
#   say  "text..."             narration (wrapped as written)
#   show CMD ARGS...           print "$ CMD ARGS" (program paths shortened) and run it
#   B=$(labbin NN-topic)       the folder holding that lab's programs
#   exercise_done ID WHAT      false while exercise ID is still a TODO in this
#                              tree (a student's handout), after saying so and
#                              what the next steps would have shown:
#                                  exercise_done 11.1 "the reader ..." || exit 0
# Programs that narrate (-v) in the background (labs 13, 14):
#   start NAME PROG ARGS...    run PROG in the background (stdin and stdout
#                              as given to start), its stderr through the
#                              FIFO $TMPDIR/NAME, read on fd $NARR; $LAST
#                              is its pid, also added to pids[]
#   upto REGEX                 show narration lines up to one matching REGEX
#                              (false if the program ends first); the lines
#                              read are kept in $SEEN
#   rest                       show the rest of the narration, close $NARR
#   grab REGEX                 the first capture group of REGEX in $SEEN
#   bg_reader NAME OUT REGEX   start NAME $B/reader -v >OUT; $rpid; upto REGEX
#   copy_input                 show $B/writer -v <input, wait for $rpid, rest,
#                              show cmp input copy
#   kill_reader                show kill -KILL $rpid, reap it, rest
#   stop_all                   SIGTERM (and SIGCONT) each of pids[], reap it,
#                              empty $TMPDIR (the demos' EXIT trap)
#   in_tmpdir                  trap stop_all on EXIT, cd to $TMPDIR, and write
#                              ./input there: 3000 numbered lines to send
# A transfer held open (labs 11, 12):
#   held                       $B/reader > FIFO $T/out and $B/writer < FIFO
#                              $T/in, the FIFO held open on fd $in; returns
#                              once the reader has passed on the first line
#                              ("hello", read on fd $out); $rpid, $wpid
#   kill_held writer|reader    SIGKILL that side of the held transfer, say
#                              both exit statuses, close $in and $out
#   copy_self                  $B/reader -v > $T/copy &, $B/writer -v < $B/writer,
#                              wait, show cmp of the two
#   cmd "CMD"                  print "$ CMD" for a command the demo runs itself
# run-demo exports SHMLABS_BUILD, SHMLABS_PREFIX, SHMLABS_ROOT and a private
# TMPDIR that must be empty when the demo ends.
set -euo pipefail
: "${SHMLABS_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${SHMLABS_BUILD:=$SHMLABS_ROOT/build}"
demo_step=0
if [ -t 1 ]; then demo_b=$'\e[1m' demo_d=$'\e[2m' demo_r=$'\e[0m'; else demo_b= demo_d= demo_r=; fi

step() {
	demo_step=$((demo_step + 1))
	printf '\n%s== %d. %s%s\n' "$demo_b" "$demo_step" "$*" "$demo_r"
}
say() { printf '%s\n' "$@"; }
show() {
	local shown=("$@")
	shown[0]=${shown[0]#"$SHMLABS_BUILD"/}
	printf '%s$' "$demo_d"
	printf ' %q' "${shown[@]}"
	printf '%s\n' "$demo_r"
	"$@"
}
labbin() { printf '%s/%s' "$SHMLABS_BUILD" "$1"; }
exercise_done() {
	local id=$1 what=$2
	grep -rqF --include='*.[ch]' "TODO (exercise $id)" \
		"$SHMLABS_ROOT/labs" "$SHMLABS_ROOT/driver-lab" 2>/dev/null || return 0
	printf '\n%sExercise %s is not done yet (make todo shows where).%s\n' \
		"$demo_b" "$id" "$demo_r"
	say "Once it is, the rest of this demo shows $what."
	return 1
}

pids=()
start() {
	local fifo=$TMPDIR/$1
	shift
	mkfifo "$fifo"
	"$@" <&0 2>"$fifo" & # <&0: an explicit stdin, or a background job gets /dev/null
	LAST=$!
	pids+=("$LAST")
	exec {NARR}<"$fifo"
	rm -f "$fifo"
}
upto() {
	local line
	SEEN=
	while IFS= read -r -u "$NARR" line; do
		printf '   | %s\n' "$line"
		SEEN+=$line$'\n'
		[[ $line =~ $1 ]] && return 0
	done
	echo "demo: the program ended before printing /$1/" >&2
	return 1
}
rest() {
	local line
	while IFS= read -r -u "$NARR" line; do printf '   | %s\n' "$line"; done
	exec {NARR}<&-
}
grab() { sed -nE "s|.*$1.*|\\1|p" <<<"$SEEN" | sed -n 1p; } # sed, not head: no SIGPIPE under pipefail
bg_reader() {
	start "$1" "$B/reader" -v >"$2"
	rpid=$LAST
	upto "$3"
}
copy_input() {
	show "$B/writer" -v <input
	wait "$rpid"
	rest
	show cmp input copy
}
kill_reader() {
	# (The braces keep bash's own "Killed" job report off the screen.)
	{ show kill -KILL "$rpid" && wait "$rpid"; } 2>/dev/null || true
	rest
}
stop_all() {
	local p
	# SIGCONT too: a stopped process keeps a SIGTERM pending until then.
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null && kill -CONT "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -f "$TMPDIR"/*
}
held() {
	mkfifo "$T/in" "$T/out"
	"$B/reader" >"$T/out" &
	rpid=$!
	"$B/writer" <"$T/in" &
	wpid=$!
	exec {in}>"$T/in" {out}<"$T/out"
	echo hello >&"$in"
	read -r line <&"$out"
}
kill_held() {
	local victim=$1 vpid=$rpid peer=writer ppid=$wpid who=it status=0
	if [ "$victim" = writer ]; then vpid=$wpid peer=reader ppid=$rpid who="the reader"; fi
	cmd "kill -9 $vpid   # the $victim, after $who printed '$line'"
	# (The braces keep bash's own "Killed" job report off the screen.)
	{ kill -9 "$vpid" && wait "$vpid"; } 2>/dev/null || status=$?
	say "$victim: exit status $status (128 + 9: SIGKILL)"
	status=0
	wait "$ppid" || status=$?
	say "$peer: exit status $status"
	exec {in}>&- {out}<&-
}
cmd() { printf '$ %s\n' "$*"; }
in_tmpdir() {
	trap stop_all EXIT
	cd "$TMPDIR"
	seq -f 'line %g of the demo file' 1 3000 >input
}
copy_self() {
	cmd "reader -v > copy &"
	cmd "writer -v < writer"
	"$B/reader" -v >"$T/copy" &
	rpid=$!
	"$B/writer" -v <"$B/writer"
	wait "$rpid"
	show cmp "$B/writer" "$T/copy"
}
