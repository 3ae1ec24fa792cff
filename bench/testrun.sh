#!/usr/bin/env bash
# bench/testrun.sh - the per-packet part of the suite alone, for profiling the classifier:
# BPF_PROG_TEST_RUN ns/packet of XDP_DROP and fwctl on the bench policies (probe and spread).
#
#   bench/testrun.sh [ROUNDS [REPEAT [RULE_COUNTS...]]]     (defaults: 5 1000000 1 100 1000 4096)
#
# Prints fwbench's "NAME ROUND NS" lines, then "NAME median [min-max]". With VC=1 in the
# environment: each policy with the verdict cache off (.novc) and on (.vc), for the probe, the
# spread frames (256 flows, each run REPEAT/256 times: hits) and .flows (65536 flows, one
# packet per test run: every packet a miss; compare with xdpdrop.flows, the same fixed cost). Creates a namespace
# with an idle veth pair (the holders, see bench/README.md) and a private bpffs; removes them.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FWBENCH=$ROOT/build/bench/fwbench
ROUNDS=${1:-5}
REPEAT=${2:-1000000}
shift 2 2>/dev/null
COUNTS=${*:-1 100 1000 4096}
. "$ROOT/bench/holders.sh"
holders_lab fwtr
ARGS=(xdpdrop=drop)
if [ "${VC:-0}" = 1 ]; then	# the verdict cache off and on, side by side (bench/README.md)
	ARGS+=("xdpdrop.flows=drop,flows")
	for n in $COUNTS; do
		"$FWBENCH" rules --rules "$n" --out "$TMP/r$n" >/dev/null || exit 1
		"$FWBENCH" rules --rules "$n" --out "$TMP/f$n" --templates 65536 >/dev/null || exit 1
		for v in novc vc; do
			ARGS+=("fwctl.r$n.$v=$TMP/r$n.json" "fwctl.r$n.spread.$v=$TMP/r$n.json,$TMP/r$n.tmpl"
			       "fwctl.r$n.flows.$v=$TMP/f$n.json,$TMP/f$n.tmpl,flows")
		done
	done
	COUNTS=
fi
for n in $COUNTS; do
	"$FWBENCH" rules --rules "$n" --out "$TMP/r$n" >/dev/null || exit 1
	ARGS+=("fwctl.r$n=$TMP/r$n.json" "fwctl.r$n.spread=$TMP/r$n.json,$TMP/r$n.tmpl")
	if [ "$n" -gt 1 ]; then
		"$FWBENCH" rules --rules "$n" --out "$TMP/s$n" --sparse >/dev/null || exit 1
		ARGS+=("fwctl.r$n.sparse=$TMP/s$n.json" "fwctl.r$n.sparse.spread=$TMP/s$n.json,$TMP/s$n.tmpl")
	fi
done
ip netns exec "$NS" "$FWBENCH" testrun --pin-dir "$BPFFS/tr" --hold-devs "$HOLD_A,$HOLD_B" \
	--repeat "$REPEAT" --rounds "$ROUNDS" "${ARGS[@]}" | tee "$TMP/out" >&2 || exit 1
awk '{ v[$1] = v[$1] " " $3; if (!($1 in o)) { o[$1] = ++n; k[n] = $1 } }
END {
	for (i = 1; i <= n; i++) {
		c = split(v[k[i]], a, " ")
		for (x = 1; x <= c; x++) for (y = x + 1; y <= c; y++) if (a[y] < a[x]) { t = a[x]; a[x] = a[y]; a[y] = t }
		printf "%-28s %8.1f  [%.1f-%.1f]\n", k[i], (c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2), a[1], a[c]
	}
}' "$TMP/out"
