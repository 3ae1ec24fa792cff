#!/usr/bin/env bash
# bench/profile.sh - where fwctl's XDP program spends its time, by source line: perf samples
# of the JIT image taken while BPF_PROG_TEST_RUN runs the bench policy, attributed to the
# lines of the BPF source through the program's line info (perf here cannot annotate BPF
# itself: it lacks libopcodes).
#
#   bench/profile.sh [RULES [probe|spread|novc|spread.novc]]   (defaults: 4096 probe)
#
# probe: the probe frame again and again (verdict-cache hits); spread: 256 frames spread over
# the rules; novc: the verdict cache off. Prints the share of the program's samples per source
# line (top 40) and the program's share of all samples. Creates a namespace with an idle veth
# pair (the holders, see bench/README.md), a private bpffs and a temp directory, and removes
# them. Needs root, perf and `make bench-build`.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FWBENCH=$ROOT/build/bench/fwbench
RULES=${1:-4096}
KIND=${2:-probe}
. "$ROOT/bench/holders.sh"
holders_lab fwpr
command -v perf >/dev/null || { echo "perf is needed" >&2; exit 1; }
"$FWBENCH" rules --rules "$RULES" --out "$TMP/r" >/dev/null || exit 1
case $KIND in
probe) SPEC="fwctl=$TMP/r.json" ;;
novc) SPEC="fwctl.novc=$TMP/r.json" ;;
spread) SPEC="fwctl=$TMP/r.json,$TMP/r.tmpl" ;;
spread.novc) SPEC="fwctl.novc=$TMP/r.json,$TMP/r.tmpl" ;;
*) echo "unknown kind '$KIND'" >&2; exit 1 ;;
esac
# system-wide, so that the program's symbols are recorded when it is loaded
FWBENCH_JITLINES=$TMP/lines perf record -q -a -o "$TMP/perf.data" -- \
	ip netns exec "$NS" "$FWBENCH" testrun --pin-dir "$BPFFS/tr" --hold-devs "$HOLD_A,$HOLD_B" \
	--repeat 20000000 --rounds 3 "$SPEC" >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
echo "# $RULES rules, $KIND: $(awk '{ n[$1] = n[$1] " " $3 } END { for (k in n) print k ":" n[k] " ns" }' "$TMP/out")"
# samples: "ADDRESS S" (16 hex digits), line records: "ADDRESS L END FILE:LINE SOURCE";
# sorted together by address, each sample belongs to the last line record before it
perf script -i "$TMP/perf.data" -F ip 2>/dev/null |
	awk '{ a = $1; while (length(a) < 16) a = "0" a; print a, "S" }' >"$TMP/samples"
awk '{ $1 = $1 " L " $2; $2 = ""; print }' "$TMP/lines" >"$TMP/recs"
sort -s -k1,1 "$TMP/recs" "$TMP/samples" | awk '
	$2 == "L" { end = $3; $1 = $2 = $3 = ""; cur = substr($0, 4); next }
	$2 == "S" { all++; if (cur != "" && $1 < end) { n[cur]++; prog++ } }
	END {
		printf "# the program: %d of %d samples (%.1f %%), by source line:\n", prog, all, 100 * prog / all
		for (k in n) printf "%5.1f%% %s\n", 100 * n[k] / prog, k
	}' >"$TMP/prof"
grep '^#' "$TMP/prof"
grep -v '^#' "$TMP/prof" | sort -t'%' -k1,1nr | head -40
