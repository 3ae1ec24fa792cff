#!/usr/bin/env bash
# fuzz.sh - a short bounded fuzz run in the regular test suite: builds the libFuzzer targets
# (tests/fuzz, Makefile block "fuzzing") and runs each for FUZZ_SECONDS (default 20) on its corpus
# (build/fuzz/corpus-NAME, seeded from tests/fuzz/corpus, rules/*.json and tests/bad/*.json).
# One TAP line per target: "ok - fuzz_parse: 20 s, N runs, no crash". Any crash, leak,
# sanitizer report, timeout (-timeout=10) or model mismatch fails it; the reproducer is left in
# build/fuzz/artifacts-NAME/ and the log's tail is shown. `make fuzz FUZZ_SECONDS=N` runs longer.
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${B:-build}
SECONDS_EACH=${FUZZ_SECONDS:-20}
failed=0
checks=0

ok() { checks=$((checks + 1)); echo "ok - $*"; }
not_ok() {
	local name=$1
	shift
	checks=$((checks + 1))
	failed=$((failed + 1))
	echo "not ok - $name"
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
	return 0
}

if out=$(make -s B="$B" fuzz-build fuzz-seed 2>&1); then
	ok "fuzz targets build (clang -fsanitize=fuzzer,address,undefined)"
else
	not_ok "fuzz targets build (clang -fsanitize=fuzzer,address,undefined)" "$out"
	echo "1..$checks"
	exit 1
fi

# the targets make their sandboxes under TMPDIR: a private one, checked and removed at the end
FUZZ_TMP=$(mktemp -d /tmp/fwctl-fuzzlint.XXXXXX)
trap 'rm -rf "$FUZZ_TMP"' EXIT
export TMPDIR=$FUZZ_TMP

for t in fuzz_parse fuzz_compile; do
	log="$B/fuzz/$t.lint.log"
	start=$(date +%s)
	"$B/fuzz/$t" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-dict="$PWD/tests/fuzz/policy.dict" -print_final_stats=1 \
		-artifact_prefix="$PWD/$B/fuzz/artifacts-$t/" "$PWD/$B/fuzz/corpus-$t" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if [ "$rc" -eq 0 ] && [ -n "$runs" ] && [ "$runs" -gt 0 ]; then
		ok "$t: $SECONDS_EACH s, $runs runs, no crash"
	else
		not_ok "$t: $SECONDS_EACH s, no crash" "exit status $rc after $secs s (log: $log)" \
			"$(grep -E 'ERROR|SUMMARY|fuzz_(parse|compile):|Test unit written' "$log" | head -n 20)" \
			"$(tail -n 30 "$log")"
	fi
	# every seed was read (libFuzzer: "INFO: seed corpus: files: N ...")
	seeds=$(find "$B/fuzz/corpus-$t" -type f -name 'seed-*' -size +0c | wc -l)	# libFuzzer skips empty files
	files=$(sed -n 's/^INFO: seed corpus: files: \([0-9]*\).*/\1/p' "$log")
	if [ -n "$files" ] && [ "$files" -ge "$seeds" ] && [ "$seeds" -gt 0 ]; then
		ok "$t: corpus of $files inputs read, the $seeds seeds among them"
	else
		not_ok "$t: corpus read, seeds among it" "seeds: $seeds, files read: ${files:-none}"
	fi
done
# no sandbox directory left behind (the targets remove theirs at exit)
# the sandboxes of this run only (a make fuzz elsewhere may be running): our own TMPDIR
left=$(find "$FUZZ_TMP" -mindepth 1 -maxdepth 1 -name 'fwctl-fuzz.*' 2>/dev/null)
if [ -z "$left" ]; then
	ok "fuzz sandbox directories removed"
else
	not_ok "fuzz sandbox directories removed" "$left"
fi
echo "1..$checks"
[ "$failed" -eq 0 ]
