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
