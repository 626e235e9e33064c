# tests/instructor.bats - the instructor tooling: exercises, `make handout`,
# `make grade`, scripts/grade-all.  Run with `make test-tools` (slow: it grades
# the whole solution tree and the whole student tree).  Instructor-only: it is
# not part of the handout.
load helper

setup_file() {
	export OUT="$BATS_FILE_TMPDIR"
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
	assert_file_exists "$OUT/dist/handout/Makefile"
	assert_file_exists "$OUT/dist/handout/LAB_GUIDE.md"
	run tar -tzf "$OUT/dist/shm-labs-handout.tar.gz"
	assert_output --partial "shm-labs/Makefile"
	assert_output --partial "shm-labs/labs/"
	run cat "$OUT/handout.log"
	assert_output --regexp "handout: [0-9]+ files, [0-9]+ exercise regions"
}

@test "the handout has TODOs instead of solutions, and no instructor files" {
	local n_ex n_todo
	n_ex=$(exercise_ids | wc -l)
	n_todo=$(grep -rhoE 'TODO \(exercise [0-9]+\.[0-9]+\)' "$OUT/dist/handout" |
		sort -u | wc -l)
	assert_equal "$n_todo" "$n_ex"
	run grep -rlE 'BEGIN EXERCISE|END EXERCISE|/\* STUB' "$OUT/dist/handout"
	assert_failure 1
	assert_file_not_exists "$OUT/dist/handout/.ci/run"
	assert_file_not_exists "$OUT/dist/handout/scripts/handout"
	assert_file_not_exists "$OUT/dist/handout/scripts/grade-all"
	assert_file_not_exists "$OUT/dist/handout/tests/instructor.bats"
	assert_file_exists "$OUT/dist/handout/scripts/grade"
}

@test "no solution line survives in the handout" {
	run bash -c "cd '$ROOT' && scripts/exercises leaks '$OUT/dist/handout'"
	assert_success
	assert_output ""
	run grep -c 'INSTRUCTOR ONLY' "$OUT/dist/handout/LAB_GUIDE.md"
	assert_output "0"
	run grep -c 'INSTRUCTOR ONLY' "$OUT/dist/handout/README.md"
	assert_output "0"
}

@test "the leak check catches a solution line in the guide or in its own lab" {
	local tree="$BATS_TEST_TMPDIR/tree" line
	mkdir -p "$tree"
	(cd "$ROOT" && git ls-files -co --exclude-standard -z |
		xargs -0 cp --parents -t "$tree")
	cd "$tree" && git init -q && git add -A
	line=$(scripts/exercises secrets | head -n 1)
	[ -n "$line" ] || fail "no secret solution line"
	printf '\n%s\n' "$line" >>LAB_GUIDE.md
	run scripts/handout --out "$BATS_TEST_TMPDIR/d"
	assert_failure 1
	assert_output --partial "solution text leaks"
	assert_output --partial "LAB_GUIDE.md"
	# A solution line in a C file of the exercise's own lab (as a broken strip
	# would leave it) is caught too.
	local src id
	id=$(sed -n 's/.*(exercise \([0-9.]*\)).*/\1/p' <<<"$output" | head -n 1)
	src=$(scripts/exercises list | awk -F'\t' -v id="$id" '$1 == id {print $2; exit}')
	src=${src%%:*}
	[ -n "$src" ] || fail "no source for exercise '$id'"
	git checkout -q LAB_GUIDE.md
	run scripts/handout --out "$BATS_TEST_TMPDIR/d"
	assert_success
	printf '%s\n' "$line" >>"$BATS_TEST_TMPDIR/d/handout/$src"
	run scripts/exercises leaks "$BATS_TEST_TMPDIR/d/handout"
	assert_failure 1
	assert_output "$src:$(wc -l <"$BATS_TEST_TMPDIR/d/handout/$src"): (exercise $id) $line"
}

@test "the handout builds warning-free with -Werror" {
	run make -C "$OUT/dist/handout" WERROR=1 BUILD="$OUT/hbuild" -j2 all
	assert_success
	refute_output --partial "warning:"
}

@test "grading the solution tree scores full marks" {
	run timeout 3000 "$ROOT/scripts/grade" --build "$OUT/sbuild"
	echo "$output" >"$OUT/solution-grade.log"
	assert_success
	assert_line --regexp '^[0-9]+ passed, 0 failed, 0 skipped$'
	local score
	score=$(sed -n 's/^Score: //p' <<<"$output")
	[ -n "$score" ] && [ "${score%/*}" = "${score#*/}" ] || fail "Score: $score"
	assert_file_exists "$OUT/sbuild/grade/scores.csv"
	assert_file_exists "$OUT/sbuild/grade/01-file-mmap.tap"
	assert_file_exists "$OUT/sbuild/grade/01-file-mmap/report.xml"
	run grep -c '<testcase' "$OUT/sbuild/grade/01-file-mmap/report.xml"
	[ "$output" -gt 0 ]
}

@test "grading the handout fails exactly the exercise tests" {
	run timeout 3000 bash -c "cd '$OUT/dist/handout' && scripts/grade --build '$OUT/hgrade'"
	echo "$output" >"$OUT/handout-grade.log"
	assert_failure 1
	local score
	score=$(sed -n 's/^Score: //p' <<<"$output")
	[ "${score%/*}" -lt "${score#*/}" ] || fail "Score: $score"
	assert_equal "$(failed_tests "$OUT/handout-grade.log")" "$(exercise_tests)"
	refute_line --regexp ', [1-9][0-9]* skipped$'
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
	run timeout 120 "$tree/scripts/grade" --build "$tree/build" --test-timeout 3
	assert_failure 1
	assert_line "Score: 3/5"
	assert_line "1 passed, 2 failed, 1 skipped"
	assert_line --partial "Skipped: 1 test(s) worth 5 point(s), not scored"
	assert_line "  98-points: hangs"
	assert_line "  98-points: worth one, fails"
	run "$tree/scripts/grade" --max
	assert_output "98-points,10"
	run "$tree/scripts/grade" --bogus
	assert_usage
}

@test "grade-all grades each submission in isolation into a CSV" {
	local subs="$BATS_TEST_TMPDIR/subs"
	mkdir -p "$subs/good" "$subs/empty"
	cp -r "$ROOT/labs" "$subs/good/"
	cp -r "$OUT/dist/handout/labs" "$subs/empty/"
	run timeout 600 "$ROOT/scripts/grade-all" "$subs" --lab 1
	assert_success
	assert_file_exists "$subs/grades.csv"
	run cat "$subs/grades.csv"
	assert_line --index 0 "submission,01-file-mmap,total,max"
	local max good empty
	max=$("$ROOT/scripts/grade" --max --lab 1 | cut -d, -f2)
	good=$(grep '^good,' "$subs/grades.csv")
	empty=$(grep '^empty,' "$subs/grades.csv")
	assert_equal "$good" "good,$max,$max,$max"
	[ "$(cut -d, -f3 <<<"$empty")" -lt "$max" ] || fail "$empty"
}
