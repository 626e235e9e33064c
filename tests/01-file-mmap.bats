#!/usr/bin/env bats
# Lab 1: map a file, edit it through the pointer; MAP_SHARED reaches the
# file, MAP_PRIVATE does not.  Every claim is checked on the file's bytes.
load helper
bats_require_minimum_version 1.5.0

# upper FILE: FILE's bytes with a-z turned into A-Z (and nothing else).
upper() { LC_ALL=C tr 'a-z' 'A-Z' <"$1"; }

# all_bytes N: the 256 byte values 0x00..0xff, N times over (builtins only).
all_bytes() {
	local fmt= i
	for ((i = 0; i < 256; i++)); do printf -v fmt '%s\\x%02x' "$fmt" "$i"; done
	for ((i = 0; i < $1; i++)); do printf "$fmt"; done
}

# The test's own files live in $T ($TMPDIR is for the programs' temporary
# files and must stay empty).
setup() {
	common_setup
	T=$BATS_TEST_TMPDIR
}

# bats makes its temporary directories 0700.  Open the path down to $T for
# "others" (search only), so that when a test runs a program as nobody, an
# EACCES comes from the file's own mode and not from a parent directory.
reachable_tmpdir() { reachable "$T"; }

# bats test_tags=points:2,exercise:1-1
@test "MAP_SHARED: the edit made through the pointer reaches the file" {
	f=$T/f.txt
	printf 'hello, mapped world\nline two\n' >"$f"
	upper "$f" >"$T/want"
	run prog file_mmap "$f"
	assert_success
	assert_output --partial 'uppercased 23 letters'
	assert_output --partial 'result: the file CHANGED'
	cmp "$f" "$T/want"
	assert_equal "$(cat "$f")" $'HELLO, MAPPED WORLD\nLINE TWO'
}

# bats test_tags=points:2,exercise:1-1
@test "MAP_SHARED: every byte of a binary file, across two pages, edited exactly" {
	f=$T/bin
	# 0x00..0xff twenty times: 5120 bytes, so the mapping spans 2 pages;
	# only the 26*20 lowercase letters may change.
	all_bytes 20 >"$f"
	assert_equal "$(stat -c %s "$f")" 5120
	cp "$f" "$T/orig"
	upper "$f" >"$T/want"
	run ! cmp -s "$T/orig" "$T/want"
	run prog file_mmap "$f"
	assert_success
	assert_output --partial 'uppercased 520 letters'
	cmp "$f" "$T/want"
}

@test "the fd is closed right after mmap and the mapping survives (shared: 's')" {
	f=$T/f.txt
	printf 'abc\n' >"$f"
	run prog file_mmap "$f"
	assert_success
	assert_line --regexp '^close : fd [0-9]+ closed; fcntl\([0-9]+, F_GETFD\) -> EBADF$'
	# The maps line comes after the close and names our file, shared.
	assert_line --regexp "^maps  : [0-9a-f]+-[0-9a-f]+ rw-s 00000000 .* $f\$"
	# ...and the data was still read through the pointer after close.
	assert_line 'before: "abc\n" (4 bytes)'
}

# bats test_tags=points:2,exercise:1-1
@test "MAP_PRIVATE: the edit is in the mapping but never in the file" {
	f=$T/f.txt
	printf 'hello, private world\n' >"$f"
	cp "$f" "$T/orig"
	run prog file_mmap --private "$f"
	assert_success
	assert_line 'mapping now: "HELLO, PRIVATE WORLD\n" (21 bytes)'
	assert_line 'read(): "hello, private world\n" (21 bytes)'
	assert_output --partial 'result: the file is UNCHANGED'
	cmp "$f" "$T/orig"
}

@test "MAP_PRIVATE: file bytes unchanged, mapping private ('p'), O_RDONLY is enough" {
	f=$T/f.txt
	printf 'read-only me\n' >"$f"
	cp "$f" "$T/orig"
	chmod 444 "$f"
	reachable_tmpdir
	# As an ordinary user a 0444 file cannot be opened O_RDWR, so this
	# also proves that a private writable mapping needs only O_RDONLY.
	run uprog file_mmap --private "$f"
	assert_success
	assert_line --regexp "^maps  : [0-9a-f]+-[0-9a-f]+ rw-p 00000000 .* $f\$"
	cmp "$f" "$T/orig"
	# while MAP_SHARED (which opens O_RDWR) is refused
	run uprog file_mmap "$f"
	assert_failure 1
	assert_output "file_mmap: open($f): EACCES (Permission denied)"
	cmp "$f" "$T/orig"
}

@test "usage: no arguments, unknown option, too many arguments -> exit 2" {
	run prog file_mmap
	assert_usage
	run prog file_mmap --bogus "$T/x"
	assert_usage
	assert_output --partial 'unknown option'
	run prog file_mmap a b
	assert_usage
}

@test "missing file -> ENOENT, exit 1" {
	run prog file_mmap "$T/nope"
	assert_failure 1
	assert_output "file_mmap: open($T/nope): ENOENT (No such file or directory)"
	run prog file_mmap --private "$T/nope"
	assert_failure 1
	assert_output --partial 'ENOENT'
}

@test "unreadable file -> EACCES, exit 1 (as root too: run as nobody)" {
	f=$T/secret
	printf 'top secret\n' >"$f"
	reachable_tmpdir
	# Control: the same user can map it while it is readable ...
	chmod 644 "$f"
	run uprog file_mmap --private "$f"
	assert_success
	# ... and cannot once it is mode 000.
	chmod 000 "$f"
	run uprog file_mmap --private "$f"
	assert_failure 1
	assert_output "file_mmap: open($f): EACCES (Permission denied)"
}

@test "a directory -> clear message, exit 1" {
	mkdir "$T/d"
	run prog file_mmap "$T/d"
	assert_failure 1
	assert_output "file_mmap: open($T/d): EISDIR (Is a directory)"
	run prog file_mmap --private "$T/d"
	assert_failure 1
	assert_output "file_mmap: $T/d: is a directory; mmap(2) needs a regular file"
}

@test "an empty PATH string -> clear message, exit 1" {
	run prog file_mmap ''
	assert_failure 1
	assert_output "file_mmap: the PATH is an empty string: name a regular file"
	run prog file_mmap --private ''
	assert_failure 1
	assert_output --partial 'empty string'
}

@test "an empty file -> clear message (length 0 is EINVAL), exit 1, file untouched" {
	f=$T/empty
	: >"$f"
	run prog file_mmap "$f"
	assert_failure 1
	assert_output --partial "file_mmap: $f: empty file"
	assert_output --partial 'EINVAL'
	assert_equal "$(stat -c %s "$f")" 0
}
