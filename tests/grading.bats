# tests/grading.bats - grading a class: scripts/sandbox, scripts/grade-all
# with every kind of submission (untouched, partly solved, tampering,
# hanging and escaping, a missing file, an empty folder, unsafe tarballs, a
# program writing into the grading tree through /proc/self/exe, a fork
# bomb), determinism, -j, the Gradescope bundle and the GitHub Classroom
# script.  Run with `make test-tools` (instructor-only; grades lab 1 only, so
# it takes minutes, not hours).  Needs root or user namespaces.
load helper

setup_file() {
	export OUT="$BATS_FILE_TMPDIR"
	(cd "$ROOT" && scripts/handout --out "$OUT/dist") >"$OUT/handout.log" 2>&1 ||
		echo "handout failed" >"$OUT/handout.failed"
	export HANDOUT=$OUT/dist/handout
	# The exercise these tests solve: the first one of the lowest lab.
	local first
	first=$(cd "$ROOT" && scripts/exercises list | sort -t. -k1,1n -k2,2n | head -n 1)
	export EX_ID=${first%%$'\t'*}
	first=${first#*$'\t'}
	export EX_FILE=${first%%:*}
	export EX_LAB=${EX_ID%%.*}
	# What lab EX_LAB's tests are worth: exercise points and base points.
	export EX_MAX BASE_MAX LAB_NAME
	LAB_NAME=$("$ROOT/scripts/grade" --max --lab "$EX_LAB" | cut -d, -f1)
	EX_MAX=$("$ROOT/scripts/grade" --tests --lab "$EX_LAB" | awk -F'\t' '$4 != "-" {s += $3} END {print s + 0}')
	BASE_MAX=$("$ROOT/scripts/grade" --tests --lab "$EX_LAB" | awk -F'\t' '$4 == "-" {s += $3} END {print s + 0}')
}

setup() {
	common_setup
	[ ! -e "$OUT/handout.failed" ] || fail "$(cat "$OUT/handout.log")"
	"$ROOT/scripts/sandbox" --check || skip "no sandbox here (needs root or user namespaces)"
}

# csv_field CSV SUBMISSION COLUMN: the value of COLUMN in SUBMISSION's row.
csv_field() {
	awk -F, -v s="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == s { print $col[c] }' "$1"
}

# nothing_left: no process of this test's grading (their command lines name
# its folders), none of the sandbox test's user, no work folder, no lock of
# a finished run, no /dev/shm object of a sandbox user.
nothing_left() {
	run pgrep -af "$BATS_TEST_TMPDIR/"
	assert_output ""
	run pgrep -u 64003 -a
	assert_output ""
	run bash -c 'ls -d "$1"/shmlabs-grade-all.* "$1"/shmlabs-gradescope.* "$1"/shmlabs-classroom.* 2>/dev/null' _ "$TMPDIR"
	assert_output ""
	local u
	for u in /tmp/.shmlabs-grade-uid-*; do
		[ -e "$u" ] || continue
		kill -0 "$(cat "$u/pid" 2>/dev/null || echo 0)" 2>/dev/null ||
			fail "lock $u left behind"
	done
	run find /dev/shm \( -uid 64001 -o -uid 64002 -o -uid 64003 \) -print
	assert_output ""
}

# the C code of an attack, appended to a copy of the exercise file
attack_procexe() {
	cat <<'EOF'
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
/* Tries to turn the grader's assertions into no-ops: from the program's own
 * path (and the working folder) up, every tests/helper.bash it can find,
 * and the bats libraries the grader saved for the labs. */
static void grading_attack_write(const char *dir)
{
	char p[PATH_MAX + 64];
	const char *rel[] = { "tests/helper.bash", "tree/tests/helper.bash",
			      "tests/" LAB_FILE, "scripts/grade" };
	for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, rel[i]);
		FILE *f = fopen(p, "a");
		if (f) {
			fputs("\nassert_success() { :; }\nassert_output() { :; }\nassert_equal() { :; }\nfail() { :; }\n", f);
			fclose(f);
		}
	}
}
__attribute__((constructor)) static void grading_attack(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		char *s;
		while ((s = strrchr(exe, '/')) != NULL && s != exe) {
			*s = 0;
			grading_attack_write(exe);
		}
	}
	if (getcwd(exe, sizeof exe))
		grading_attack_write(exe);
	/* and the bats libraries the grader saved for every lab */
	const char *libs = getenv("SHMLABS_BATS_LIBS");
	FILE *f = libs ? fopen(libs, "a") : NULL;
	if (f) {
		fputs("\nassert_success() { :; }\nassert_output() { :; }\nfail() { :; }\n", f);
		fclose(f);
	}
}
EOF
}
attack_escape() { # three setsid'd grandchildren ignoring SIGTERM; the first run hangs
	cat <<'EOF'
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
__attribute__((constructor)) static void grading_escape(void)
{
	for (int i = 0; i < 3; i++) {
		if (fork() == 0) {
			setsid();
			if (fork() == 0) {
				signal(SIGTERM, SIG_IGN);
				signal(SIGHUP, SIG_IGN);
				for (int fd = 0; fd < 64; fd++)
					close(fd);
				for (;;)
					pause();
			}
			_exit(0);
		}
	}
	int fd = open("/tmp/grading-escape-once", O_CREAT | O_EXCL | O_WRONLY, 0600);
	if (fd >= 0)
		for (;;)
			pause();
}
EOF
}
attack_forkbomb() { # the first run forks until the process limit says no
	cat <<'EOF'
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
__attribute__((constructor)) static void grading_forkbomb(void)
{
	if (open("/tmp/grading-bomb-once", O_CREAT | O_EXCL | O_WRONLY, 0600) < 0)
		return;
	for (;;) {
		pid_t p = fork();
		if (p < 0)
			break; /* EAGAIN: the limit */
		if (p == 0) {
			setsid();
			alarm(5); /* gone in 5 s, whatever happens */
			for (;;)
				pause();
		}
	}
}
EOF
}

attack_killer() { # the 4th program run SIGKILLs every bats process above it
	cat <<'EOF'
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
__attribute__((constructor)) static void grading_killer(void)
{
	char path[64], cmd[512];
	int k, fd;
	for (k = 1; k <= 4; k++) {
		snprintf(path, sizeof path, "/tmp/grading-kill-%d", k);
		fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
		if (fd >= 0) {
			close(fd);
			break;
		}
	}
	if (k != 4)
		return;
	for (int p = getppid(), ppid; p > 1; p = ppid) {
		FILE *f;
		size_t n;
		snprintf(path, sizeof path, "/proc/%d/stat", p);
		if (!(f = fopen(path, "r")))
			return;
		if (fscanf(f, "%*d (%*[^)]) %*c %d", &ppid) != 1)
			ppid = 0;
		fclose(f);
		snprintf(path, sizeof path, "/proc/%d/cmdline", p);
		if (!(f = fopen(path, "r")))
			return;
		n = fread(cmd, 1, sizeof cmd - 1, f);
		fclose(f);
		for (size_t i = 0; i < n; i++)
			cmd[i] = cmd[i] ? cmd[i] : ' ';
		cmd[n] = 0;
		if (strstr(cmd, "bats"))
			kill(p, SIGKILL);
	}
}
EOF
}

# with_attack FILE ATTACK: FILE with the attack's code appended.
with_attack() {
	cat "$1"
	"attack_$2" | sed "s|LAB_FILE|\"$LAB_NAME.bats\"|"
}

@test "sandbox: unprivileged, private /tmp and IPC, read-only tree, no process survives" {
	local rw="$BATS_TEST_TMPDIR/rw"
	mkdir -p "$rw" && chmod 777 "$rw"
	reachable "$rw"
	run "$ROOT/scripts/sandbox" --uid 64003 --nproc 40 --ro "$ROOT" --rw "$rw" -- bash -c '
		echo "uid $(id -u)"
		echo "pid $$"
		touch "'"$ROOT"'/tests/helper.bash" 2>/dev/null && echo "tree writable"
		echo x >"'"$rw"'/ok" && echo "rw ok"
		ipcmk -M 4096 >/dev/null && echo "ipc $(ipcs -m | grep -c 0x)"
		ulimit -u
		setsid bash -c "trap \"\" TERM HUP; exec sleep 1000" </dev/null >/dev/null 2>&1 &
		echo started'
	assert_success
	assert_line "uid 64003"
	assert_line "pid 2"
	assert_line "rw ok"
	assert_line "ipc 1"
	assert_line "40"
	refute_line "tree writable"
	assert_line "started"
	# the escaped sleep died with the namespace
	run pgrep -u 64003
	assert_failure 1
	run "$ROOT/scripts/sandbox" --bogus
	assert_usage
}

@test "sandbox: says why when no sandbox can be made" {
	local fake="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$fake"
	printf '#!/bin/sh\necho "bwrap: No permissions to create new namespace" >&2\nexit 1\n' >"$fake/bwrap"
	chmod 755 "$fake/bwrap"
	run env PATH="$fake:$PATH" "$ROOT/scripts/sandbox" --check
	assert_failure 1
	assert_output --partial "No permissions to create new namespace"
	if [ "$(id -u)" = 0 ]; then
		reachable "$fake"
		run setpriv --reuid=65534 --regid=65534 --clear-groups env PATH="$fake:$PATH" "$ROOT/scripts/sandbox" --check
		assert_failure 1
		assert_output --partial "grading needs root or unprivileged user namespaces"
	fi
	run env PATH="$fake:$PATH" "$ROOT/scripts/grade-all" "$BATS_TEST_TMPDIR"
	assert_failure 1
	assert_output --partial "sandbox:"
}

@test "grade-all: every kind of submission gets the score it deserves" {
	local subs="$BATS_TEST_TMPDIR/subs" sol="$ROOT/$EX_FILE" stub="$HANDOUT/$EX_FILE" t
	mkdir -p "$subs"
	# untouched: the whole handout
	cp -r "$HANDOUT" "$subs/untouched"
	# partly solved: only the one solved file (and answers)
	mkdir -p "$subs/solved/$(dirname "$EX_FILE")"
	cp "$sol" "$subs/solved/$EX_FILE"
	echo "# Answers of solved" >"$subs/solved/ANSWERS.md"
	# an empty folder; a tree missing the exercise file
	mkdir -p "$subs/empty"
	cp -r "$HANDOUT" "$subs/missing"
	rm "$subs/missing/$EX_FILE"
	# tampering: the stub, and tests, helper, grader and Makefile that pass everything
	cp -r "$HANDOUT" "$subs/tamper"
	for t in "$subs"/tamper/tests/*.bats; do
		printf '@test "%s" { true; }\n' $(seq 1 40) >"$t"
	done
	echo 'assert_success() { :; }' >>"$subs/tamper/tests/helper.bash"
	printf '#!/bin/sh\necho "Score: 999/999"\n' >"$subs/tamper/scripts/grade"
	printf 'all:\n\t@true\n' >"$subs/tamper/Makefile"
	# /proc/self/exe: the stub plus a constructor that rewrites what it finds
	mkdir -p "$subs/procexe/$(dirname "$EX_FILE")"
	with_attack "$stub" procexe >"$subs/procexe/$EX_FILE"
	# hanging and escaping; a fork bomb (both on the solution)
	mkdir -p "$subs/escape/$(dirname "$EX_FILE")" "$subs/forkbomb/$(dirname "$EX_FILE")"
	with_attack "$sol" escape >"$subs/escape/$EX_FILE"
	with_attack "$sol" forkbomb >"$subs/forkbomb/$EX_FILE"
	# kills its harness halfway: the results before it must not count
	mkdir -p "$subs/killer/$(dirname "$EX_FILE")"
	with_attack "$sol" killer >"$subs/killer/$EX_FILE"
	# unsafe tarball: ../ and absolute paths, a link out of the tree and a
	# file through it, the exercise file as a link to the solution
	python3 - "$subs/unsafe.tar.gz" "$EX_FILE" "$sol" "$BATS_TEST_TMPDIR" <<'EOF'
import io, sys, tarfile
out, exfile, sol, tmp = sys.argv[1:]
t = tarfile.open(out, "w:gz")
def add(name, data=b"pwned\n", link=None):
    i = tarfile.TarInfo(name)
    if link is not None:
        i.type, i.linkname = tarfile.SYMTYPE, link
        t.addfile(i)
    else:
        i.size = len(data)
        t.addfile(i, io.BytesIO(data))
add("../../../../../../" + tmp.lstrip("/") + "/pwned-dotdot")
add(tmp + "/pwned-abs")
add("out", link=tmp)
add("out/pwned-link")
add(exfile, link=sol)
t.close()
EOF
	# make submit's tarball: submission/MANIFEST, ANSWERS.md, the files
	mkdir -p "$BATS_TEST_TMPDIR/pack/submission/$(dirname "$EX_FILE")"
	cp "$sol" "$BATS_TEST_TMPDIR/pack/submission/$EX_FILE"
	printf '# Answers\n\nThe answer of the submit tarball.\n' >"$BATS_TEST_TMPDIR/pack/submission/ANSWERS.md"
	(cd "$BATS_TEST_TMPDIR/pack/submission" &&
		{ echo "# shm-labs submission v1"; sha256sum ANSWERS.md "$EX_FILE"; } >MANIFEST)
	tar -czf "$subs/submit.tar.gz" -C "$BATS_TEST_TMPDIR/pack" submission

	local before
	before=$(cd "$ROOT" && cat tests/*.bash tests/*.bats scripts/* 2>/dev/null | sha256sum)
	run timeout 1500 "$ROOT/scripts/grade-all" "$subs" --lab "$EX_LAB" -j 2 --test-timeout 60
	echo "$output"
	assert_success
	local csv="$subs/grades.csv" s
	cat "$csv"
	for s in untouched empty missing tamper procexe unsafe; do
		assert_equal "$s exercises $(csv_field "$csv" "$s" exercises)" "$s exercises 0"
		assert_equal "$s base $(csv_field "$csv" "$s" base)" "$s base $BASE_MAX"
	done
	for s in solved submit; do
		assert_equal "$s exercises $(csv_field "$csv" "$s" exercises)" "$s exercises $EX_MAX"
		assert_equal "$s total $(csv_field "$csv" "$s" total)" "$s total $((EX_MAX + BASE_MAX))"
	done
	# the killer's bats reported some results before it died; none count
	run grep -c '^ok ' "$subs/grades/killer/$LAB_NAME.tap"
	[ "$output" -gt 0 ] || fail "killer: no result before the kill"
	assert_equal "killer total $(csv_field "$csv" killer total)" "killer total 0"
	run cat "$subs/grades/killer/failed.txt"
	assert_output --partial "did not end by itself"
	# the attacks on the solution got a row; escape lost at most its hanging test
	for s in escape forkbomb; do
		[ -n "$(csv_field "$csv" "$s" total)" ] || fail "no row for $s"
	done
	[ "$(csv_field "$csv" escape exercises)" -gt 0 ] || fail "escape: $(grep ^escape, "$csv")"
	# the files, as reported
	run cat "$subs/grades/missing/files.txt"
	assert_line "  $EX_FILE"
	run cat "$subs/grades/tamper/files.txt"
	assert_line "  tests/helper.bash"
	assert_line "  scripts/grade"
	assert_line "  Makefile"
	run cat "$subs/grades/unsafe/files.txt"
	assert_line "  $EX_FILE (a symbolic link)"
	assert_file_not_exists "$BATS_TEST_TMPDIR/pwned-dotdot"
	assert_file_not_exists "$BATS_TEST_TMPDIR/pwned-abs"
	assert_file_not_exists "$BATS_TEST_TMPDIR/pwned-link"
	# the student's answers are in the feedback; evidence is kept
	run cat "$subs/grades/submit/feedback.txt"
	assert_output --partial "The answer of the submit tarball."
	assert_output --partial "Exercises: $EX_MAX/$EX_MAX"
	assert_file_exists "$subs/grades/untouched/$LAB_NAME.tap"
	assert_file_exists "$subs/grades/untouched/$LAB_NAME/report.xml"
	run cat "$subs/grades/untouched/failed.txt"
	assert_output --partial "$LAB_NAME: "
	# the instructor's tree and the handout are untouched
	assert_equal "$(cd "$ROOT" && cat tests/*.bash tests/*.bats scripts/* 2>/dev/null | sha256sum)" "$before"
	nothing_left
}

@test "grade-all: the same submissions graded 5 times get the same results, with -j 1 and -j 2" {
	local subs="$BATS_TEST_TMPDIR/subs" i
	mkdir -p "$subs/solved/$(dirname "$EX_FILE")"
	cp "$ROOT/$EX_FILE" "$subs/solved/$EX_FILE"
	cp -r "$HANDOUT" "$subs/untouched"
	cp "$ROOT/$EX_FILE" "$subs/solved2.c" # not a submission: ignored
	for i in 1 2 3 4 5; do
		run timeout 900 "$ROOT/scripts/grade-all" "$subs" --lab "$EX_LAB" \
			-j $((i == 1 ? 1 : 2)) --out "$BATS_TEST_TMPDIR/out$i" --csv "$BATS_TEST_TMPDIR/g$i.csv"
		assert_success
		cut -f1,2,5 "$BATS_TEST_TMPDIR/out$i/solved/results.tsv" >"$BATS_TEST_TMPDIR/solved$i"
		cut -f1,2,5 "$BATS_TEST_TMPDIR/out$i/untouched/results.tsv" >"$BATS_TEST_TMPDIR/untouched$i"
	done
	[ -s "$BATS_TEST_TMPDIR/solved1" ] || fail "no results"
	for i in 2 3 4 5; do
		run cmp "$BATS_TEST_TMPDIR/g1.csv" "$BATS_TEST_TMPDIR/g$i.csv"
		assert_success
		run diff "$BATS_TEST_TMPDIR/solved1" "$BATS_TEST_TMPDIR/solved$i"
		assert_success
		run diff "$BATS_TEST_TMPDIR/untouched1" "$BATS_TEST_TMPDIR/untouched$i"
		assert_success
	done
	run grep -c . "$BATS_TEST_TMPDIR/g1.csv"
	assert_output 3
	nothing_left
}

# Lab 14 (signals) once scored 32, 30 and 30 for identical code in one run.
# Five copies of its solved exercise, graded at once two by two, must agree
# test for test, and with full marks.
@test "grade-all: five copies of one lab-14 submission graded at once get the same results, all passed" {
	local subs="$BATS_TEST_TMPDIR/subs" i f
	f=$(cd "$ROOT" && scripts/exercises list | awk -F'\t' '$1 ~ /^14\./ {sub(/:.*/, "", $2); print $2}' | sort -u)
	[ -n "$f" ] || fail "lab 14 has no exercise"
	for i in 1 2 3 4 5; do
		while read -r e; do
			mkdir -p "$subs/copy$i/$(dirname "$e")"
			cp "$ROOT/$e" "$subs/copy$i/$e"
		done <<<"$f"
	done
	run timeout 1500 "$ROOT/scripts/grade-all" "$subs" --lab 14 -j 2 \
		--out "$BATS_TEST_TMPDIR/out" --csv "$BATS_TEST_TMPDIR/g.csv"
	assert_success
	cut -f1,2,5 "$BATS_TEST_TMPDIR/out/copy1/results.tsv" >"$BATS_TEST_TMPDIR/r1"
	[ -s "$BATS_TEST_TMPDIR/r1" ] || fail "no results"
	run grep -vc $'\tpass$' "$BATS_TEST_TMPDIR/r1"
	assert_output 0
	for i in 2 3 4 5; do
		run diff "$BATS_TEST_TMPDIR/r1" <(cut -f1,2,5 "$BATS_TEST_TMPDIR/out/copy$i/results.tsv")
		assert_success
	done
	# one row per copy, all with the same numbers
	run bash -c 'tail -n +2 "$1" | cut -d, -f2- | sort -u | wc -l' _ "$BATS_TEST_TMPDIR/g.csv"
	assert_output 1
	nothing_left
}

@test "make gradescope: results.json validates and scores what make grade scores" {
	run "$ROOT/scripts/gradescope/make-bundle" --out "$BATS_TEST_TMPDIR/dist"
	assert_success
	local ag="$BATS_TEST_TMPDIR/autograder"
	mkdir -p "$ag/source" "$ag/submission/$(dirname "$EX_FILE")"
	(cd "$ag/source" && unzip -q "$BATS_TEST_TMPDIR/dist/gradescope.zip")
	assert_file_exists "$ag/source/setup.sh"
	assert_file_exists "$ag/source/run_autograder"
	run grep -rlE 'BEGIN EXERCIS[E]' "$ag/source"
	assert_failure 1
	cp "$ROOT/$EX_FILE" "$ag/submission/$EX_FILE"
	chmod -R a+rX "$ag"
	run env AUTOGRADER_ROOT="$ag" SHMLABS_GRADE_LAB="$EX_LAB" timeout 900 "$ag/source/run_autograder"
	assert_success
	run python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert isinstance(d["score"], (int, float)), "score"
for t in d["tests"]:
    assert set(("name", "score", "max_score", "output")) <= set(t), t
assert d["score"] == sum(t["score"] for t in d["tests"])
print(d["score"])' "$ag/results/results.json"
	assert_success
	local js=$output
	# make grade on the same files: the handout with the solved file
	local tree="$BATS_TEST_TMPDIR/tree"
	cp -r "$HANDOUT" "$tree"
	cp "$ROOT/$EX_FILE" "$tree/$EX_FILE"
	run timeout 900 "$tree/scripts/grade" --lab "$EX_LAB" --build "$BATS_TEST_TMPDIR/b"
	local score
	score=$(sed -n 's/^Score: \([0-9]*\)\/.*/\1/p' <<<"$output")
	assert_equal "$js" "$score"
	assert_equal "$score" "$((EX_MAX + BASE_MAX))"
	nothing_left
}

@test "GitHub Classroom: the workflow's grader reports make grade's points" {
	run python3 -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); s = d["jobs"]["run-autograding-tests"]["steps"]; print(" ".join(x.get("run", x.get("uses", "")) for x in s))' "$ROOT/.github/workflows/classroom.yml"
	assert_success
	assert_output --partial "scripts/classroom-grade"
	assert_output --partial "autograding-grading-reporter"
	# a student repository: the handout as first commit, then the solved file
	local repo="$BATS_TEST_TMPDIR/repo"
	cp -r "$HANDOUT" "$repo"
	cp "$ROOT/scripts/classroom-grade" "$ROOT/scripts/grade-all" "$ROOT/scripts/sandbox" \
		"$ROOT/scripts/grade-json" "$ROOT/scripts/grade" "$repo/scripts/"
	cd "$repo"
	git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm handout
	cp "$ROOT/$EX_FILE" "$EX_FILE"
	# the student also edits a test: it must not count
	echo 'assert_success() { :; }' >>tests/helper.bash
	git -c user.name=s -c user.email=s@s commit -qam solved
	run env SHMLABS_GRADE_LAB="$EX_LAB" timeout 900 scripts/classroom-grade
	assert_success
	local points
	points=$(sed -n 's/^result=//p' <<<"$output" | base64 -d |
		python3 -c 'import json, sys; d = json.load(sys.stdin); print(sum(t["score"] for t in d["tests"]), d["max_score"])')
	assert_equal "$points" "$((EX_MAX + BASE_MAX)) $((EX_MAX + BASE_MAX))"
	nothing_left
}
