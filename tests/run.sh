#!/usr/bin/env bash
# Runs every test tier: unit (cmocka), program (BPF_PROG_TEST_RUN, cmocka),
# integration (namespaces + veth, TAP-style "ok - NAME" / "not ok - NAME").
# Prints one line per test file, the output of files that failed, and ends
# with "N passed, N failed". Exit status 0 only when nothing failed.
#   tests/run.sh [FILTER]     run only files whose path contains FILTER
#   V=1 tests/run.sh          show every file's output
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
FILTER=${1:-}
pass=0
fail=0

if [ "$(id -u)" -ne 0 ]; then
	echo "Error: the tests load BPF programs and create namespaces: run as root" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

# count FILE -> "passed failed" from cmocka summaries and TAP lines
count() {
	local p f
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$1" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
	p=$((p + $(grep -c '^ok ' "$1")))
	f=$((f + $(grep -c '^not ok ' "$1")))
	echo "$p $f"
}

run_file() {
	local t=$1 out rc p f start secs
	case "$t" in *"$FILTER"*) ;; *) return 0 ;; esac
	out=$(mktemp)
	start=$(date +%s)
	timeout -k 10 900 "$t" >"$out" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	read -r p f < <(count "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $t exited with status $rc" >>"$out"
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $t ran no test" >>"$out"
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -gt 0 ]; then
		printf 'FAIL %-44s %3d passed, %d failed (%ss)\n' "$t" "$p" "$f" "$secs"
		sed 's/^/    /' "$out"
	else
		printf 'PASS %-44s %3d passed (%ss)\n' "$t" "$p" "$secs"
		[ -n "${V:-}" ] && sed 's/^/    /' "$out"
	fi
	rm -f "$out"
}

for t in "$B"/tests/test_*; do [ -x "$t" ] && run_file "$t"; done
for t in "$B"/tests/prog_*; do [ -x "$t" ] && run_file "$t"; done
for t in tests/lint/*.sh tests/integration/*.sh; do [ -x "$t" ] && run_file "$t"; done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
