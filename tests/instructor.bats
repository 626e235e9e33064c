# tests/instructor.bats - the instructor tooling: exercises, `make handout`,
# the student tree it makes (make todo, make submit, ANSWERS.md, its demos),
# `make grade`, scripts/grade-all.  Run with `make test-tools` (slow: it grades
# the whole student tree).  Instructor-only: it is not part of the handout.
load helper

setup_file() {
	export OUT="$BATS_FILE_TMPDIR"
	export H="$OUT/dist/handout"
	# The student tree, made once for every test below.
	(cd "$ROOT" && scripts/handout --out "$OUT/dist") >"$OUT/handout.log" 2>&1 ||
		echo "handout failed" >"$OUT/handout.failed"
}

# exercise_ids: every exercise id of the solution tree ("1.1"...), sorted.
exercise_ids() { (cd "$ROOT" && scripts/exercises list) | cut -f1 | sort -u; }
# tagged_ids: every exercise id named by a test tag ("exercise:1-1" -> 1.1).
tagged_ids() {
	"$ROOT/scripts/grade" --tests | cut -f4 | tr ',' '\n' | grep -v '^-$' |
		tr '-' '.' | sort -u
}
# exercise_tests: "NN-topic: name" for every test tagged as an exercise.
exercise_tests() {
	"$ROOT/scripts/grade" --tests | awk -F'\t' '$4 != "-" { print $1 ": " $2 }' | sort
}
# failed_tests LOG: the "Failed:" list of a scripts/grade run, sorted.
failed_tests() {
	sed -n '/^Failed:$/,/^$/p' "$1" | sed '1d; /^$/d; s/^  //' | sort
}
# handout_copy: a private copy of the student tree (for tests that edit it).
handout_copy() {
	[ -d "$H" ] || fail "no student tree: $(cat "$OUT/handout.log")"
	cp -a "$H" "$BATS_TEST_TMPDIR/h"
	echo "$BATS_TEST_TMPDIR/h"
}

@test "every lab 1-17 has an exercise, and every exercise has a tagged test" {
	run exercise_ids
	assert_success
	local labs
	labs=$(cut -d. -f1 <<<"$output" | sort -nu | tr '\n' ' ')
	assert_equal "$labs" "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 "
	assert_equal "$(tagged_ids)" "$(exercise_ids)"
}

@test "make handout writes the student tree and the tarball" {
	[ ! -e "$OUT/handout.failed" ] || fail "$(cat "$OUT/handout.log")"
	assert_file_exists "$OUT/dist/shm-labs-handout.tar.gz"
	assert_file_exists "$H/Makefile"
	assert_file_exists "$H/LAB_GUIDE.md"
	assert_file_exists "$H/ANSWERS.md"
	run tar -tzf "$OUT/dist/shm-labs-handout.tar.gz"
	assert_output --partial "shm-labs/Makefile"
	assert_output --partial "shm-labs/labs/"
	assert_output --partial "shm-labs/.submit-files"
	run cat "$OUT/handout.log"
	assert_output --regexp "handout: [0-9]+ files, [0-9]+ exercise regions"
}

@test "the handout has TODOs instead of solutions, and no instructor files" {
	local n_ex n_todo
	n_ex=$(exercise_ids | wc -l)
	n_todo=$(grep -rhoE 'TODO \(exercise [0-9]+\.[0-9]+\)' "$H" |
		sort -u | wc -l)
	assert_equal "$n_todo" "$n_ex"
	run grep -rlE 'BEGIN EXERCISE|END EXERCISE|/\* STUB|INSTRUCTOR ONLY' "$H"
	assert_failure 1
	assert_file_not_exists "$H/.ci/run"
	assert_file_not_exists "$H/.handout-exclude"
	assert_file_not_exists "$H/scripts/handout"
	assert_file_not_exists "$H/scripts/exercises"
	assert_file_not_exists "$H/tests/instructor.bats"
	# what the student tree needs is there
	assert_file_exists "$H/scripts/grade"
	# the GitHub Classroom workflow grades with the handout's own grader
	assert_file_exists "$H/scripts/grade-all"
	assert_file_exists "$H/.github/workflows/classroom.yml"
	assert_file_not_exists "$H/tests/grading.bats"
	assert_file_not_exists "$H/scripts/gradescope/make-bundle"
	assert_file_exists "$H/scripts/todo"
	assert_file_exists "$H/scripts/submit"
	# every TODO tells the student to delete it once the exercise works
	run bash -c "grep -rhA8 'TODO (exercise 1\.1)' '$H/labs' | sed 's/^[[:space:]]*\*//' | tr -s ' \t\n' ' '"
	assert_output --partial "When it works, delete this comment: make todo then stops listing 1.1"
}

@test "no solution line survives anywhere in the handout" {
	run bash -c "cd '$ROOT' && scripts/exercises leaks '$H'"
	assert_success
	assert_output ""
}

@test ".submit-files lists exactly the files with exercises" {
	run sed '/^#/d' "$H/.submit-files"
	assert_success
	assert_equal "$output" "$(cd "$ROOT" && scripts/exercises files)"
	local f
	while IFS= read -r f; do
		grep -q 'TODO (exercise ' "$H/$f" || fail "$f has no TODO"
	done < <(sed '/^#/d' "$H/.submit-files")
}

# A tiny solution tree of two labs, to test the leak rule itself.
exercise_tree() {
	local t=$BATS_TEST_TMPDIR/ex
	mkdir -p "$t/labs/01-a" "$t/labs/02-b" "$t/common"
	cat >"$t/labs/01-a/a.c" <<'EOF'
static const char *shared_name = "the shared name";
int square(int x)
{
	/* BEGIN EXERCISE 1.1: Return the square of X; then explain why it is
	 * never negative. */
	bool found_it = false;
	const char *n = shared_name_of(x + 1);
	return (int)(x * x) + square_bias(found_it);
	/* STUB
	(void)x;
	return -1;
	*/
	/* END EXERCISE */
}
static const char *n = shared_name_of(x + 1);
EOF
	printf 'int b(void) { return 2; }\n' >"$t/labs/02-b/b.c"
	printf 'int c(void) { return 3; }\n' >"$t/common/c.c"
	cat >"$t/LAB_GUIDE.md" <<'EOF'
## Lab 1 — A

### Exercises

- **1.1** — Square it. *Hint:* multiplication.

### Questions

1. Why?
2. How, when the line
   goes on?

## Lab 2 — B

### Questions

- Only a bullet.

## For instructors

### Questions

1. Not a lab question.
EOF
	echo "$t"
}

# Build exercise_tree and cd into it (a failure to build fails the test).
cd_exercise_tree() {
	local t
	t=$(exercise_tree)
	cd "$t"
}

# strip_tree SRC DST: what scripts/handout would make of the C files.
strip_tree() {
	local f
	cp -r "$1" "$2"
	for f in labs/01-a/a.c labs/02-b/b.c common/c.c; do
		(cd "$1" && "$ROOT/scripts/exercises" strip "$f") >"$2/$f"
	done
}

@test "leaks: a solution line anywhere in the handout is found, the lab's own code is not" {
	local t s files=(labs/01-a/a.c labs/02-b/b.c common/c.c)
	t=$(exercise_tree)
	s=$BATS_TEST_TMPDIR/student
	strip_tree "$t" "$s"
	cd "$t"
	# the secrets: not the boilerplate declaration, not the short lines
	run "$ROOT/scripts/exercises" secrets "${files[@]}"
	assert_output $'const char *n = shared_name_of(x + 1);\nreturn (int)(x * x) + square_bias(found_it);'
	# the stripped tree is clean, although a.c's own code repeats a secret
	run "$ROOT/scripts/exercises" leaks "$s" "${files[@]}"
	assert_success
	assert_output ""
	# in another lab, in common/, in the guide (re-spaced, in backticks)
	echo '    return (int)(x * x) + square_bias(found_it);' >>"$s/labs/02-b/b.c"
	echo 'const char *n = shared_name_of(x + 1);' >>"$s/common/c.c"
	echo 'Use `return (int)(x*x) + square_bias(found_it);` here.' >>"$s/LAB_GUIDE.md"
	# ... and once more in a.c than a.c's own code has it
	echo 'const char *n = shared_name_of(x + 1);' >>"$s/labs/01-a/a.c"
	run "$ROOT/scripts/exercises" leaks "$s" "${files[@]}"
	assert_failure 1
	assert_line "labs/02-b/b.c:2: (exercise 1.1) return (int)(x * x) + square_bias(found_it);"
	assert_line "common/c.c:2: (exercise 1.1) const char *n = shared_name_of(x + 1);"
	assert_line "LAB_GUIDE.md:24: (exercise 1.1) Use \`return (int)(x*x) + square_bias(found_it);\` here."
	assert_line --regexp "^labs/01-a/a.c:[0-9]+: \(exercise 1\.1\) const char \*n"
	assert_equal "${#lines[@]}" 4
}

@test "the leak check of make handout catches a solution line in the guide and in another lab" {
	local tree="$BATS_TEST_TMPDIR/tree" line id src other
	mkdir -p "$tree"
	(cd "$ROOT" && git ls-files -co --exclude-standard -z |
		xargs -0 cp --parents -t "$tree")
	cd "$tree" && git init -q && git add -A
	# a secret of some exercise: into the guide, and into another lab's source
	line=$(scripts/exercises secrets | head -n 1)
	[ -n "$line" ] || fail "no secret solution line"
	mkdir "$BATS_TEST_TMPDIR/probe"
	echo "$line" >"$BATS_TEST_TMPDIR/probe/x"
	id=$(scripts/exercises leaks "$BATS_TEST_TMPDIR/probe" | sed -n 's/^x:1: (exercise \([0-9.]*\)) .*/\1/p')
	src=$(scripts/exercises list | awk -F'\t' -v id="$id" '$1 == id { print $2; exit }')
	src=${src%%:*}
	[ -n "$src" ] || fail "no exercise has the line '$line'"
	other=$(git ls-files 'labs/*.c' | grep -v "^${src%/*}/" | head -n 1)
	printf '\n%s\n' "$line" >>LAB_GUIDE.md
	printf '/* %s */\n' "$line" >>"$other"
	run scripts/handout --out "$BATS_TEST_TMPDIR/d"
	assert_failure 1
	assert_output --partial "solution text leaks"
	# (line numbers are the student tree's: its files are shorter)
	local report=$output
	run bash -c 'grep -F -- "$1" | grep -F -- "$2" | cut -d: -f1 | sort' - "(exercise $id) " "$line" <<<"$report"
	assert_output "$(printf '%s\n' LAB_GUIDE.md "$other" | sort)"
}

@test "hints: an exercise text that quotes its solution is reported" {
	cd_exercise_tree
	run "$ROOT/scripts/exercises" hints LAB_GUIDE.md labs/01-a/a.c
	assert_success
	sed -i 's/multiplication\./return `(int)(x * x) + square_bias(found_it)`./' LAB_GUIDE.md
	run "$ROOT/scripts/exercises" hints LAB_GUIDE.md labs/01-a/a.c
	assert_failure 1
	assert_output "LAB_GUIDE.md (exercise 1.1): the hint of 1.1 quotes its solution: (int)(x*x)+square_bias(found_it)"
}

@test "audit: a test that needs wording only the solution prints is reported" {
	cd_exercise_tree
	mkdir tests
	sed -i 's/^\tbool found_it = false;/\tprintf("squared: done %d\\n", x);\n\tputs("the shared name");\n&/' labs/01-a/a.c
	# (T stands for @test: bats would rewrite a literal one in this file)
	sed 's/^T /@test /' >tests/01-a.bats <<'EOF'
# bats test_tags=points:2,exercise:1-1
T "square" {
	run prog a
	assert_line "the shared name"
	assert_line --regexp "^squared: done [0-9]+$"
}
T "untagged" {
	assert_line "squared: done 4"
}
EOF
	run "$ROOT/scripts/exercises" audit labs/01-a/a.c
	assert_failure 1
	assert_output 'tests/01-a.bats:2: "square" (exercise 1.1) needs "squared: done", which only the solution prints'
	# quoted in the exercise text, it is fine
	sed -i 's/never negative\./never negative. Print "squared: done N"./' labs/01-a/a.c
	run "$ROOT/scripts/exercises" audit labs/01-a/a.c
	assert_success
}

@test "audit: no exercise-tagged test needs wording only the solution prints" {
	run bash -c "cd '$ROOT' && scripts/exercises audit"
	assert_success
	assert_output ""
}

@test "no exercise text (TODO or guide) quotes its solution" {
	run bash -c "cd '$ROOT' && scripts/exercises hints LAB_GUIDE.md"
	assert_success
	assert_output ""
}

@test "ANSWERS.md: a heading per guide question and per exercise that asks to explain" {
	cd_exercise_tree
	run "$ROOT/scripts/exercises" answers LAB_GUIDE.md labs/01-a/a.c
	assert_success
	run grep '^##' <<<"$output"
	assert_output "$(printf '%s\n' '## Lab 1 — A' '### Exercise 1.1 (explain)' \
		'### Lab 1, question 1' '### Lab 1, question 2' '## Lab 2 — B' '### Lab 2, question 1')"
	run "$ROOT/scripts/exercises" answers LAB_GUIDE.md labs/01-a/a.c
	assert_line "> How, when the line goes on?"
}

@test "the handout's ANSWERS.md has a heading for every question of its guide" {
	assert_file_exists "$H/ANSWERS.md"
	# count each lab's question items independently of scripts/exercises
	local counts lab n
	counts=$(awk '/^## /{ lab = "" } /^## Lab [0-9]+/{ lab = $3 }
		/^### /{ q = ($0 ~ /^### Questions/); next }
		q && lab != "" && /^([0-9]+[.)]|[-*+]) / { c[lab]++ }
		END { for (l in c) print l, c[l] }' "$H/LAB_GUIDE.md" | sort -n)
	[ -n "$counts" ] || fail "no questions in the guide"
	while read -r lab n; do
		assert_equal "$lab: $(grep -c "^### Lab $lab, question [0-9]" "$H/ANSWERS.md")" "$lab: $n"
	done <<<"$counts"
	local total
	total=$(awk '{ s += $2 } END { print s }' <<<"$counts")
	assert_equal "$(grep -c '^### Lab [0-9]*, question ' "$H/ANSWERS.md")" "$total"
	# every exercise whose text asks to explain has its heading
	local id
	for id in $(cd "$ROOT" && scripts/exercises list | awk -F'\t' 'tolower($3) ~ /explain/ { print $1 }'); do
		grep -qx "### Exercise $id (explain)" "$H/ANSWERS.md" || fail "no heading for $id"
	done
}

@test "the handout describes itself: README, guide and make help name only what it has" {
	[ -d "$H" ] || fail "no student tree"
	local f p
	for f in README.md LAB_GUIDE.md; do
		run grep -nE 'make (handout|test-tools)|grade-all|instructor\.bats|scripts/(handout|exercises)|\.handout-exclude|\.ci/' "$H/$f"
		assert_failure 1
		# every script or test file it names is in the tree
		for p in $(grep -ohE '\b(scripts|tests)/[A-Za-z0-9_.-]*[A-Za-z0-9_]' "$H/$f" | sort -u); do
			[ -e "$H/$p" ] || fail "$f names $p, which the handout lacks"
		done
	done
	grep -q '^## For students' "$H/README.md"
	grep -q '^## For students' "$H/LAB_GUIDE.md"
	run make -C "$H" --no-print-directory help
	assert_success
	refute_output --regexp 'handout|test-tools|grade-all'
	assert_line --regexp '^make todo '
	assert_line --regexp '^make submit '
	assert_line --regexp '^make grade '
	run make -C "$H" --no-print-directory -n handout
	assert_failure
	run make -C "$H" --no-print-directory -n test-tools
	assert_failure
	# the instructor's tree still has them
	run make -C "$ROOT" --no-print-directory help
	assert_line --regexp '^make handout '
	assert_line --regexp '^make test-tools '
}

@test "make todo lists every exercise: file:line, points, tests" {
	[ -d "$H" ] || fail "no student tree"
	run make -C "$H" --no-print-directory -s todo
	assert_success
	local todo=$output id at pts name tests
	tests=$("$ROOT/scripts/grade" --tests)
	for id in $(exercise_ids); do
		at=$(cd "$H" && grep -rnF --include='*.[ch]' "TODO (exercise $id)" labs driver-lab | cut -d: -f1,2)
		[ -n "$at" ] || fail "no TODO for $id in the handout"
		pts=$(awk -F'\t' -v ex="${id/./-}" '{ n = split($4, e, ","); for (i = 1; i <= n; i++) if (e[i] == ex) s += $3 } END { print s + 0 }' <<<"$tests")
		[ "$pts" -gt 0 ] || fail "no points for $id"
		grep -qxF "Exercise $id  $at  ($pts points)" <<<"$todo" ||
			grep -qxF "Exercise $id  $at  ($pts point)" <<<"$todo" ||
			fail "make todo: no line 'Exercise $id  $at  ($pts points)'"
		while IFS=$'\t' read -r _ name _; do
			grep -qF "  $name" <<<"$todo" || fail "make todo: $id: no test '$name'"
		done < <(awk -F'\t' -v ex="${id/./-}" '{ n = split($4, e, ","); for (i = 1; i <= n; i++) if (e[i] == ex) print }' <<<"$tests")
	done
	assert_line "$(exercise_ids | wc -l) exercises to do, worth $("$ROOT/scripts/grade" --tests | awk -F'\t' '$4 != "-" { s += $3 } END { print s }') points."
}

@test "make todo: a solved exercise whose TODO is deleted is no longer listed" {
	local h f
	h=$(handout_copy)
	f=$(grep -rlF 'TODO (exercise 1.1)' "$h/labs")
	# delete the TODO comment (from its line to the closing */)
	sed -i '/TODO (exercise 1\.1)/,/\*\//d' "$f"
	run make -C "$h" --no-print-directory -s todo
	assert_success
	refute_output --partial "Exercise 1.1 "
	assert_output --partial "Exercise 2.1 "
	assert_line --regexp '^Done \(no TODO left\): 1\.1$'
	run make -C "$ROOT" --no-print-directory -s todo
	assert_success
	assert_output --partial "No exercise is left to do"
}

@test "make submit packs exactly the exercise files and ANSWERS.md, with a MANIFEST" {
	local h x user
	h=$(handout_copy)
	echo "My answer." >>"$h/ANSWERS.md"
	echo "/* my change */" >>"$h/labs/01-file-mmap/file_mmap.c"
	echo "# not handed in" >>"$h/tests/01-file-mmap.bats"
	run env USER=student make -C "$h" --no-print-directory -s submit
	assert_success
	assert_output --partial "$h/dist/submission-student.tar.gz"
	assert_file_exists "$h/dist/submission-student.tar.gz"
	x=$BATS_TEST_TMPDIR/x
	mkdir -p "$x"
	tar -C "$x" -xzf "$h/dist/submission-student.tar.gz"
	assert_equal "$(ls -A "$x")" "submission"
	# exactly the allowed files, ANSWERS.md and MANIFEST
	assert_equal "$(cd "$x/submission" && find . -type f | sed 's,^\./,,' | sort)" \
		"$( (sed '/^#/d' "$h/.submit-files"; echo ANSWERS.md; echo MANIFEST) | sort)"
	cd "$x/submission"
	assert_equal "$(head -n 1 MANIFEST)" "# shm-labs submission v1"
	run bash -c 'tail -n +2 MANIFEST | sha256sum -c --strict'
	assert_success
	assert_equal "$(tail -n +2 MANIFEST | awk '{ print $2 }' | sort)" \
		"$(find . -type f ! -name MANIFEST | sed 's,^\./,,' | sort)"
	cmp ANSWERS.md "$h/ANSWERS.md"
	cmp labs/01-file-mmap/file_mmap.c "$h/labs/01-file-mmap/file_mmap.c"
	# a missing file is an error, not a silently smaller submission
	rm "$h/labs/01-file-mmap/file_mmap.c"
	run make -C "$h" --no-print-directory -s submit
	assert_failure
	assert_output --partial "labs/01-file-mmap/file_mmap.c is missing"
}

# A scratch tree with made-up lab tests, to test the grader itself.
scratch_tree() {
	local tree="$BATS_TEST_TMPDIR/tree"
	mkdir -p "$tree/tests" "$tree/scripts"
	cp "$ROOT/scripts/grade" "$ROOT/scripts/clean-ipc" "$tree/scripts/"
	cp "$ROOT/tests/helper.bash" "$tree/tests/"
	printf 'all:\n\t@true\n' >"$tree/Makefile"
	echo "$tree"
}

@test "grade: points come from tags, skips are not scored, a hang is a failure" {
	local tree
	tree=$(scratch_tree)
	# (T stands for @test: bats would rewrite a literal one in this file)
	sed 's/^T /@test /' >"$tree/tests/98-points.bats" <<'EOF'
load helper
# bats test_tags=points:3
T "worth three" { true; }
T "worth one, fails" { false; }
# bats test_tags=points:5
T "skipped" { skip "no QEMU here"; }
T "hangs" { sleep 60 & wait; }
EOF
	run timeout 300 "$tree/scripts/grade" --build "$tree/build" --test-timeout 10
	assert_failure 1
	assert_line "Score: 3/5"
	assert_line "1 passed, 2 failed, 1 skipped"
	assert_line --partial "Skipped: 1 test(s) worth 5 point(s), not scored"
	assert_line "  98-points: hangs"
	assert_line "  98-points: worth one, fails"
	assert_file_exists "$tree/build/grade/scores.csv"
	assert_file_exists "$tree/build/grade/98-points.tap"
	assert_file_exists "$tree/build/grade/98-points/report.xml"
	run grep -c '<testcase' "$tree/build/grade/98-points/report.xml"
	[ "$output" -gt 0 ]
	run "$tree/scripts/grade" --max
	assert_output "98-points,10"
	run "$tree/scripts/grade" --bogus
	assert_usage
}

@test "helper: a test that leaves a temp file or a /dev/shm entry fails, and the next one starts clean" {
	local tree
	tree=$(scratch_tree)
	sed 's/^T /@test /' >"$tree/tests/97-leak.bats" <<'EOF'
load helper
T "leaves a temp file" { : >"$TMPDIR/left"; }
T "starts with an empty TMPDIR" { [ -z "$(ls -A "$TMPDIR")" ]; }
T "leaves a shm entry" { : >"/dev/shm/$SHMLABS_PREFIX-left"; }
T "passes" { true; }
EOF
	run timeout 120 bats --formatter tap "$tree/tests/97-leak.bats"
	assert_failure 1
	assert_line "not ok 1 leaves a temp file"
	assert_line "# tmp left"
	assert_line "ok 2 starts with an empty TMPDIR"
	assert_line "not ok 3 leaves a shm entry"
	assert_line --regexp "^# /dev/shm/shmlabs-t[0-9]+-3-[0-9]+-left$"
	assert_line "ok 4 passes"
	# ... and the teardown removed what test 3 left.
	local left
	left=$(sed -n 's|^# \(/dev/shm/shmlabs-t[0-9]*-3-[0-9]*-left\)$|\1|p' <<<"$output")
	[ -n "$left" ] || fail "no leftover named in: $output"
	assert_file_not_exists "$left"
}

@test "make grade LAB=N reports into its own folder and keeps the full run's reports" {
	local tree
	tree=$(scratch_tree)
	cp "$ROOT/Makefile" "$tree/Makefile"
	sed 's/^T /@test /' >"$tree/tests/01-one.bats" <<'EOF'
load helper
T "one passes" { true; }
EOF
	sed 's/^T /@test /' >"$tree/tests/02-two.bats" <<'EOF'
load helper
T "two passes" { true; }
EOF
	run make -C "$tree" --no-print-directory grade
	assert_success
	assert_line "Score: 2/2"
	run make -C "$tree" --no-print-directory grade LAB=1
	assert_success
	assert_line "Score: 1/1"
	assert_file_exists "$tree/build/grade/lab-1/01-one.tap"
	assert_file_not_exists "$tree/build/grade/lab-1/02-two.tap"
	# the full run's reports are all still there
	assert_file_exists "$tree/build/grade/01-one.tap"
	assert_file_exists "$tree/build/grade/02-two.tap"
	run cut -d, -f1 "$tree/build/grade/scores.csv"
	assert_output $'lab\n01-one\n02-two'
	run make -C "$tree" --no-print-directory grade LAB=02
	assert_success
	assert_file_exists "$tree/build/grade/lab-2/02-two.tap"
	assert_file_exists "$tree/build/grade/lab-1/01-one.tap"
}

# grade --lab N builds only lab N's programs, as the Makefile names them:
# lab 10's PROGS goes on over three lines, and a fresh build folder has none.
@test "grade --lab N builds every program of that lab into a fresh build folder" {
	run timeout 300 "$ROOT/scripts/grade" --lab 10 --build "$BATS_TEST_TMPDIR/b"
	assert_success
	assert_line --regexp '^[1-9][0-9]* passed, 0 failed, 0 skipped$'
	run cat "$BATS_TEST_TMPDIR/b/grade/lab-10/build.log"
	refute_output --partial "No rule"
	assert_dir_not_exists "$BATS_TEST_TMPDIR/b/09-sysv-shm"
	rm -rf "$BATS_TEST_TMPDIR/b"
}

# The leak check counts every new System V object, whoever made it: a lab run
# beside another test run must not share its IPC namespace.
@test "grade without --sandbox runs each lab in an IPC namespace of its own (as root)" {
	local tree
	tree=$(scratch_tree)
	sed 's/^T /@test /' >"$tree/tests/01-ns.bats" <<'EOF'
load helper
T "ns" { echo "ns $(readlink /proc/self/ns/ipc)" >"$NS_FILE"; }
EOF
	NS_FILE=$BATS_TEST_TMPDIR/ns run timeout 120 "$tree/scripts/grade" --lab 1
	assert_success
	run cat "$BATS_TEST_TMPDIR/ns"
	if [ "$EUID" = 0 ]; then
		assert_output --regexp '^ns ipc:\[[0-9]+\]$'
		refute_output "ns $(readlink /proc/self/ns/ipc)"
	else # no namespace without root: the same one, one lab at a time
		assert_output "ns $(readlink /proc/self/ns/ipc)"
	fi
}

@test "the handout builds warning-free with -Werror" {
	run make -C "$H" WERROR=1 BUILD="$OUT/hbuild" -j2 all
	assert_success
	refute_output --partial "warning:"
}

@test "grading the handout fails exactly the exercise tests" {
	run timeout 3000 bash -c "cd '$H' && scripts/grade --build '$OUT/hgrade'"
	echo "$output" >"$OUT/handout-grade.log"
	assert_failure 1
	local score
	score=$(sed -n 's/^Score: //p' <<<"$output")
	[ "${score%/*}" -lt "${score#*/}" ] || fail "Score: $score"
	assert_equal "$(failed_tests "$OUT/handout-grade.log")" "$(exercise_tests)"
	refute_line --regexp ', [1-9][0-9]* skipped$'
}

@test "grade-all grades each submission in isolation into a CSV" {
	local subs="$BATS_TEST_TMPDIR/subs"
	mkdir -p "$subs/good" "$subs/empty"
	cp -r "$ROOT/labs" "$subs/good/"
	cp -r "$H/labs" "$subs/empty/"
	run timeout 600 "$ROOT/scripts/grade-all" "$subs" --lab 1
	assert_success
	assert_file_exists "$subs/grades.csv"
	run cat "$subs/grades.csv"
	assert_line --index 0 "submission,01-file-mmap,exercises,exercises_max,base,base_max,total,max,missing,ignored"
	local max
	max=$("$ROOT/scripts/grade" --max --lab 1 | cut -d, -f2)
	run awk -F, '$1 == "good" {print $7 "," $8}' "$subs/grades.csv"
	assert_output "$max,$max"
	run awk -F, '$1 == "empty" {print $3}' "$subs/grades.csv"
	assert_output "0"
}

# demo_ends N: on the untouched handout, `make lab-N` ends by itself within
# 60 s (the build before it is not timed), successfully, and names the
# exercise it is missing and what the rest of the demo would have shown.
demo_ends() {
	local n=$1
	[ -d "$H" ] || fail "no student tree"
	if [ "$n" = 17 ]; then
		need qemu-system-x86_64 cpio busybox
		if ! "$ROOT/scripts/vm-kernel" --headers >/dev/null 2>&1; then
			[ "${CI:-}" = true ] && fail "no linux-headers-*-cloud-amd64 (CI=true: no skips)"
			skip "needs linux-headers-cloud-amd64 (scripts/setup)"
		fi
		make -C "$H/driver-lab" BUILD="$OUT/hbuild" all >"$BATS_TEST_TMPDIR/build.log" 2>&1 ||
			fail "the handout's driver-lab does not build: $(tail -n 20 "$BATS_TEST_TMPDIR/build.log")"
	else
		make -C "$H" -k -j2 BUILD="$OUT/hbuild" all >"$BATS_TEST_TMPDIR/build.log" 2>&1 || true
	fi
	run timeout -k 5 60 make -C "$H" --no-print-directory -s BUILD="$OUT/hbuild" "lab-$n" </dev/null
	case $status in 124 | 137) fail "make lab-$n did not end within 60 s; its output ended with: ${output: -1500}" ;; esac
	assert_success
	# demo-lib's exercise_done: which exercise, and what the rest would show
	assert_output --regexp "Exercise $n\.[0-9]+ is not done yet"
	assert_output --regexp "(the rest of this demo|this step) shows"
}

@test "handout demo lab-1 ends within 60 s and names its missing exercise" { demo_ends 1; }
@test "handout demo lab-2 ends within 60 s and names its missing exercise" { demo_ends 2; }
@test "handout demo lab-3 ends within 60 s and names its missing exercise" { demo_ends 3; }
@test "handout demo lab-4 ends within 60 s and names its missing exercise" { demo_ends 4; }
@test "handout demo lab-5 ends within 60 s and names its missing exercise" { demo_ends 5; }
@test "handout demo lab-6 ends within 60 s and names its missing exercise" { demo_ends 6; }
@test "handout demo lab-7 ends within 60 s and names its missing exercise" { demo_ends 7; }
@test "handout demo lab-8 ends within 60 s and names its missing exercise" { demo_ends 8; }
@test "handout demo lab-9 ends within 60 s and names its missing exercise" { demo_ends 9; }
@test "handout demo lab-10 ends within 60 s and names its missing exercise" { demo_ends 10; }
@test "handout demo lab-11 ends within 60 s and names its missing exercise" { demo_ends 11; }
@test "handout demo lab-12 ends within 60 s and names its missing exercise" { demo_ends 12; }
@test "handout demo lab-13 ends within 60 s and names its missing exercise" { demo_ends 13; }
@test "handout demo lab-14 ends within 60 s and names its missing exercise" { demo_ends 14; }
@test "handout demo lab-15 ends within 60 s and names its missing exercise" { demo_ends 15; }
@test "handout demo lab-16 ends within 60 s and names its missing exercise" { demo_ends 16; }
@test "handout demo lab-17 ends within 60 s and names its missing exercise" { demo_ends 17; }
