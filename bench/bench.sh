#!/usr/bin/env bash
# bench/bench.sh - fwctl's benchmark suite: end to end (live frames through a veth pair),
# per packet (BPF_PROG_TEST_RUN) and control plane (apply, sets, kernel memory), each
# against baselines measured in the same run. bench/README.md explains the method.
#
#   bench/bench.sh            full: 5 rounds, 2 s windows (several minutes)
#   bench/bench.sh --quick    3 rounds, short windows (under a minute)
#
# Output (stdout): a table of medians with [min-max] over the rounds, then "name value"
# lines (medians). Ratios are taken round by round against e2e.xdpdrop of the same round.
# Progress goes to stderr. Environment: FWB_ROUNDS, FWB_SECONDS, FWB_WARMUP override the
# mode's values.
#
# Everything it creates (two namespaces joined by a veth pair, a private bpffs, temp files)
# is removed by the EXIT trap. Frames are sent only out of the veth end inside its own
# namespace; addresses are from 198.18.0.0/15 (rules) and 240.0.0.0/4 (set filler, never a
# traffic target). Needs root and `make bench-build`.
# shellcheck disable=SC2086 # $FWCTL ("fwctl --pin-dir DIR") is split into words on purpose
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FWBENCH=$ROOT/build/bench/fwbench
FWCTL_BIN=$ROOT/build/fwctl
MODE=full
[ "${1:-}" = --quick ] && MODE=quick
if [ "$MODE" = quick ]; then
	ROUNDS=${FWB_ROUNDS:-3} SECS=${FWB_SECONDS:-0.3} WARM=${FWB_WARMUP:-0.15}
	TR_REPEAT=200000 TR_ROUNDS=3 CP_ROUNDS=2
else
	ROUNDS=${FWB_ROUNDS:-5} SECS=${FWB_SECONDS:-2} WARM=${FWB_WARMUP:-0.5}
	TR_REPEAT=2000000 TR_ROUNDS=7 CP_ROUNDS=5
fi
RULE_COUNTS="1 100 1000 4096"

NS_GEN="fwb-$$-gen"
NS_RX="fwb-$$-rx"
IF_GEN="fwb$$g"		# generator's veth end (frames leave here)
IF_RX="fwb$$r"		# receiver's end: the firewall under test sits here
IF_HOLD0="fwb$$h0"	# an idle pair (down, no traffic) in the generator's namespace: the
IF_HOLD1="fwb$$h1"	# programs that BPF_PROG_RUN runs are attached there (see fwbench.c)
TMP=""
BPFFS=""
NS_MADE=()
START=$(date +%s)

log() { echo "bench: [$(($(date +%s) - START)) s] $*" >&2; }
fail() {
	log "Error: $*"
	exit 1
}

cleanup() {
	local rc=$? ns
	trap - EXIT INT TERM HUP
	if [ -n "$BPFFS" ] && ip netns list | grep -q "^$NS_RX\b"; then
		for p in fw cp; do
			[ -d "$BPFFS/$p" ] && ip netns exec "$NS_RX" "$FWCTL_BIN" --pin-dir "$BPFFS/$p" flush >/dev/null 2>&1
		done
	fi
	for ns in "${NS_MADE[@]}"; do
		ip netns del "$ns" 2>/dev/null	# and so the veth pair, its XDP programs, nft tables
	done
	if [ -n "$BPFFS" ]; then
		umount "$BPFFS" 2>/dev/null || umount -l "$BPFFS" 2>/dev/null
		rmdir "$BPFFS" 2>/dev/null
	fi
	[ -n "$TMP" ] && rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

[ "$(id -u)" -eq 0 ] || fail "the benchmarks need root (namespaces, BPF)"
if [ ! -x "$FWBENCH" ] || [ ! -x "$FWCTL_BIN" ]; then
	fail "run 'make bench-build' first"
fi
for t in nft xdp-filter ethtool ip awk jq; do
	command -v "$t" >/dev/null || fail "$t is missing (scripts/install-deps.sh installs it)"
done
[ "$(nproc)" -ge 2 ] || fail "needs 2 CPUs (generator and receiver)"

in_rx() { ip netns exec "$NS_RX" "$@"; }

# --- the lab ---------------------------------------------------------------------------
TMP=$(mktemp -d /tmp/fwbench.XXXXXX) || fail "mktemp"
BPFFS=$(mktemp -d /run/fwbench.XXXXXX) || fail "mktemp"
mount -t bpf bpf "$BPFFS" || { rmdir "$BPFFS"; BPFFS=""; fail "mount -t bpf"; }
FWCTL="$FWCTL_BIN --pin-dir $BPFFS/fw"
CPCTL="$FWCTL_BIN --pin-dir $BPFFS/cp"
RAW=$TMP/raw			# "name round value" for every measurement

for ns in "$NS_GEN" "$NS_RX"; do
	NS_MADE+=("$ns")
	ip netns add "$ns" || fail "ip netns add $ns"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 net.ipv6.conf.all.disable_ipv6=1 ||
		fail "sysctl in $ns"
done
ip link add "$IF_GEN" netns "$NS_GEN" type veth peer name "$IF_RX" netns "$NS_RX" || fail "ip link add"
ip -n "$NS_GEN" link set "$IF_GEN" up || fail "link up"
ip -n "$NS_RX" link set "$IF_RX" up || fail "link up"
ip -n "$NS_GEN" link add "$IF_HOLD0" type veth peer name "$IF_HOLD1" || fail "ip link add (holders)"
# A veth peer takes redirected frames only with NAPI, which XDP or GRO enables: GRO stays on
# so that nftables (no XDP program) receives too, and NAPI exists for the threaded switch.
# Threaded NAPI: the receiver's whole work runs in a kthread (napi/DEV-ID) that fwbench pins
# to CPU 1 (the generator runs on CPU 0) and whose CPU time it reads.
in_rx ethtool -K "$IF_RX" gro on >/dev/null || fail "ethtool -K $IF_RX gro on"
in_rx sh -c "echo 1 > /sys/class/net/$IF_RX/threaded" || fail "threaded NAPI on $IF_RX"

# --- policies -----------------------------------------------------------------------------
log "generating policies (checked against fwctl's reference model)"
for n in $RULE_COUNTS; do
	"$FWBENCH" rules --rules "$n" --dev "$IF_RX" --out "$TMP/r$n" >/dev/null || fail "rules $n"
	[ "$n" -gt 1 ] && { "$FWBENCH" rules --rules "$n" --dev "$IF_RX" --out "$TMP/s$n" --sparse >/dev/null ||
		fail "rules $n (sparse)"; }
	"$FWBENCH" rules --rules "$n" --out "$TMP/cp$n" --templates 1 >/dev/null || fail "rules $n"
done
"$FWBENCH" rules --rules 4096 --egress-rules 4096 --out "$TMP/cp8192" --templates 1 >/dev/null ||
	fail "rules 8192"
"$FWBENCH" rules --rules 10000 --out "$TMP/cp10000" --no-check >/dev/null || fail "rules 10000"
cat >"$TMP/drop.nft" <<EOF
table netdev fwbench {
	counter seen { }
	counter last { }
	counter dflt { }
	chain in {
		type filter hook ingress device "$IF_RX" priority 0; policy accept;
		counter name "seen"
		counter name "dflt" drop
	}
}
EOF

# cpu_busy: percentage of all CPUs busy over one second (before we start: other tenants)
cpu_busy() {
	local a b
	a=$(head -1 /proc/stat)
	sleep 1
	b=$(head -1 /proc/stat)
	echo "$a $b" | awk '{u = $13 - $2 + $14 - $3 + $15 - $4 + $18 - $7 + $19 - $8
		i = $16 - $5 + $17 - $6; printf "%.0f", 100 * u / (u + i)}'
}
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
BUSY_BEFORE=$(cpu_busy)

# --- control plane -------------------------------------------------------------------------
# timed_ms CMD...: run CMD in the receiver's namespace; print its wall time in ms (3 decimals)
timed_ms() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	in_rx bash -c 't0=$(date +%s%N); "$@" >/dev/null 2>"$ERRF"; rc=$?
		t1=$(date +%s%N); echo "$(( (t1 - t0) / 1000 ))" | awk "{printf \"%.3f\", \$1 / 1000}"; exit $rc' \
		timed "$@"
}
export ERRF=$TMP/err

memlock() { in_rx "$FWBENCH" memlock --pin-dir "$BPFFS/cp"; }

log "control plane: $CP_ROUNDS rounds"
awk 'BEGIN { for (i = 0; i < 1000000; i++)
	printf "240.%d.%d.%d/32\n", int(i / 65536), int(i / 256) % 256, i % 256 }' >"$TMP/set1.txt"
awk 'BEGIN { for (i = 0; i < 1000000; i++)
	printf "241.%d.%d.%d/32\n", int(i / 65536), int(i / 256) % 256, i % 256 }' >"$TMP/set2.txt"
cat >"$TMP/set1m.json" <<EOF
{
  "version": 1,
  "description": "fwbench: one rule on a set of 10^6 prefixes (240.0.0.0/4 filler)",
  "default": "pass",
  "sets": { "big": { "file": "set1.txt" } },
  "rules": [ { "action": "drop", "src": "@big" } ]
}
EOF
CP10K_ERR=$(in_rx $CPCTL validate "$TMP/cp10000.json" 2>&1 >/dev/null)
CP10K_RC=$?
[ "$CP10K_RC" -eq 0 ] || log "fwctl refuses 10000 rules: ${CP10K_ERR#*json:*:*: }"
for r in $(seq 0 $((CP_ROUNDS - 1))); do
	in_rx $CPCTL flush >/dev/null 2>&1
	echo "apply.r8192.first.ms $r $(timed_ms $CPCTL apply "$TMP/cp8192.json")" >>"$RAW" ||
		fail "apply 8192: $(cat "$ERRF")"
	for n in 1000 4096; do
		echo "apply.r$n.ms $r $(timed_ms $CPCTL apply "$TMP/cp$n.json")" >>"$RAW" ||
			fail "apply $n: $(cat "$ERRF")"
	done
	echo "apply.r8192.ms $r $(timed_ms $CPCTL apply "$TMP/cp8192.json")" >>"$RAW" ||
		fail "apply 8192: $(cat "$ERRF")"
	if [ "$CP10K_RC" -eq 0 ]; then
		echo "apply.r10000.ms $r $(timed_ms $CPCTL apply "$TMP/cp10000.json")" >>"$RAW" ||
			fail "apply 10000: $(cat "$ERRF")"
	fi
	echo "validate.r4096.ms $r $(timed_ms $CPCTL validate "$TMP/cp4096.json")" >>"$RAW"
	if [ "$r" -eq 0 ]; then
		# kernel memory: both generations hold the policy (applied twice), 1 vs 4096 rules
		in_rx $CPCTL apply "$TMP/cp1.json" >/dev/null && in_rx $CPCTL apply "$TMP/cp1.json" >/dev/null
		m1=$(memlock | awk '$1 == "maps" {print $2}')
		in_rx $CPCTL apply "$TMP/cp4096.json" >/dev/null && in_rx $CPCTL apply "$TMP/cp4096.json" >/dev/null
		m4096=$(memlock | awk '$1 == "maps" {print $2}')
		{
			echo "mem.maps.r1.bytes 0 $m1"
			echo "mem.maps.r4096.bytes 0 $m4096"
			echo "mem.per_rule.bytes 0 $(awk -v a="$m1" -v b="$m4096" 'BEGIN {printf "%.0f", (b - a) / 4095}')"
		} >>"$RAW"
	fi
	echo "set.1m.load.ms $r $(timed_ms $CPCTL apply "$TMP/set1m.json")" >>"$RAW" ||
		fail "apply of a 10^6 set: $(cat "$ERRF")"
	ml=$(memlock)
	gen=$(awk '$1 == "active" {print $2}' <<<"$ml")
	s1=$(awk -v k="set4.g$gen" '$1 == k {print $2}' <<<"$ml")
	echo "set.1m.bytes_per_elem $r $(awk -v b="$s1" 'BEGIN {printf "%.1f", b / 1000000}')" >>"$RAW"
	echo "set.1m.add.ms $r $(timed_ms $CPCTL set add big --file "$TMP/set2.txt")" >>"$RAW" ||
		fail "set add: $(cat "$ERRF")"
	s2=$(memlock | awk -v k="set4.g$gen" '$1 == k {print $2}')
	echo "set.1m.add.bytes_per_elem $r $(awk -v a="$s1" -v b="$s2" 'BEGIN {printf "%.1f", (b - a) / 1000000}')" >>"$RAW"
done
in_rx $CPCTL flush >/dev/null 2>&1

# --- per packet ---------------------------------------------------------------------------------
log "per packet (BPF_PROG_TEST_RUN): $TR_ROUNDS rounds of $TR_REPEAT runs"
TR_ARGS=(xdpdrop=drop)
for n in $RULE_COUNTS; do
	TR_ARGS+=("fwctl.r$n=$TMP/r$n.json" "fwctl.r$n.spread=$TMP/r$n.json,$TMP/r$n.tmpl")
done
for n in 100 1000 4096; do	# (with one rule, sparse is the same policy)
	TR_ARGS+=("fwctl.r$n.sparse=$TMP/s$n.json" "fwctl.r$n.sparse.spread=$TMP/s$n.json,$TMP/s$n.tmpl")
done
# the verdict cache off, the same policy (".novc": fwbench testrun forces fw_tblcfg.vcache off)
TR_ARGS+=("fwctl.r4096.novc=$TMP/r4096.json" "fwctl.r4096.spread.novc=$TMP/r4096.json,$TMP/r4096.tmpl")
ip netns exec "$NS_GEN" "$FWBENCH" testrun --pin-dir "$BPFFS/tr" --hold-devs "$IF_HOLD0,$IF_HOLD1" --repeat "$TR_REPEAT" --rounds "$TR_ROUNDS" "${TR_ARGS[@]}" |
	awk '{print "testrun." $1 ".ns", $2, $3}' >>"$RAW"
[ "${PIPESTATUS[0]}" -eq 0 ] || fail "testrun"

# --- end to end ------------------------------------------------------------------------------------
# e2e NAME COUNTER [TEMPLATES]: one window. Records the receiver's packets per second of its
# own CPU time (e2e.NAME.mpps: what it processes on a CPU of its own), per second of wall
# time, its CPU share, and the generator's frames per second.
e2e() {
	local name=$1 count=$2 tmpl=${3:-} out cpu wall share tx wait
	out=$("$FWBENCH" e2e --gen-ns "$NS_GEN" --gen-dev "$IF_GEN" --rx-ns "$NS_RX" --rx-dev "$IF_RX" \
		--count "$count" --seconds "$SECS" --warmup "$WARM" --gen-cpu 0 --napi-cpu 1 \
		--hold-dev "$IF_HOLD0" ${tmpl:+--templates "$tmpl"} 2>>"$TMP/e2e.err") ||
		fail "e2e $name: fwbench exited with $?: $(tail -3 "$TMP/e2e.err")"
	read -r cpu wall share tx wait <<<"$out"
	awk -v n="$name" -v r="$r" -v c="$cpu" -v w="$wall" -v s="$share" -v t="$tx" -v q="$wait" 'BEGIN {
		printf "e2e.%s.mpps %s %.3f\n", n, r, c / 1e6
		printf "wall.%s.mpps %s %.3f\n", n, r, w / 1e6
		printf "rxcpu.%s %s %.2f\n", n, r, s
		printf "rxwait.%s %s %.2f\n", n, r, q
		printf "gen.%s.mpps %s %.3f\n", n, r, t / 1e6 }' >>"$RAW"
}

FW_COUNT="percpu:$BPFFS/fw/fw_stats:1,3"		# ingress rule drops + default drops
NFT_SEEN="cmd:ip netns exec $NS_RX nft list counter netdev fwbench seen | awk '/packets/ {print \$2}'"
XF_COUNT="cmd:ip netns exec $NS_RX xdp-filter status | awk '/XDP_DROP/ {print \$2}'"

# nft_check NAME: every packet the chain saw was dropped by the last rule or the default
nft_check() {
	local s l d
	sleep 0.3	# the last frames of the window drain before the counters are read
	s=$(in_rx nft list counter netdev fwbench seen | awk '/packets/ {print $2}')
	l=$(in_rx nft list counter netdev fwbench last | awk '/packets/ {print $2}')
	d=$(in_rx nft list counter netdev fwbench dflt | awk '/packets/ {print $2}')
	if [ "$s" -eq 0 ] || [ "$s" -ne $((l + d)) ]; then
		fail "nft $1: seen $s packets, dropped $l + $d"
	fi
}

log "end to end: $ROUNDS rounds of ${SECS} s windows"
for r in $(seq 0 $((ROUNDS - 1))); do
	log "round $((r + 1))/$ROUNDS"
	e2e xdpdrop sink
	e2e xdpdrop.spread sink "$TMP/r4096.tmpl"
	# what reading the headers costs before any rule: the floor of every filter
	e2e xdpread sink-read
	e2e xdpread.spread sink-read "$TMP/r4096.tmpl"
	for n in $RULE_COUNTS; do
		in_rx $FWCTL apply "$TMP/r$n.json" >/dev/null || fail "fwctl apply r$n"
		e2e "fwctl.r$n" "$FW_COUNT"
		e2e "fwctl.r$n.spread" "$FW_COUNT" "$TMP/r$n.tmpl"
	done
	# the same 4096 rules with the verdict cache off
	in_rx "$FWBENCH" vcache --pin-dir "$BPFFS/fw" off || fail "fwbench vcache off"
	e2e fwctl.r4096.novc "$FW_COUNT"
	e2e fwctl.r4096.spread.novc "$FW_COUNT" "$TMP/r4096.tmpl"
	in_rx $FWCTL apply "$TMP/s4096.json" >/dev/null || fail "fwctl apply s4096"
	e2e fwctl.r4096.sparse "$FW_COUNT"
	e2e fwctl.r4096.sparse.spread "$FW_COUNT" "$TMP/s4096.tmpl"
	# every packet fwctl saw was dropped by the last rule or the default
	other=$(in_rx $FWCTL -j stats | jq '[.ingress | to_entries[] |
		select(.key != "rule_drop" and .key != "default_drop") | .value.packets] | add')
	[ "$other" = 0 ] || fail "fwctl counted $other packets that were not dropped by a rule or the default"
	in_rx $FWCTL flush >/dev/null || fail "fwctl flush"

	# (libxdp says on stderr that it finds no bpffs for its dispatcher: single-program mode)
	if ! in_rx xdp-filter load "$IF_RX" >/dev/null 2>"$ERRF" ||
		! in_rx xdp-filter port 80 >/dev/null 2>>"$ERRF"; then
		fail "xdp-filter load $IF_RX; xdp-filter port 80: $(cat "$ERRF")"
	fi
	e2e xdpfilter "$XF_COUNT"
	in_rx xdp-filter unload "$IF_RX" >/dev/null || fail "xdp-filter unload"

	for f in linear1000 set1000 drop; do
		case $f in
		linear1000) in_rx nft -f "$TMP/r1000.linear.nft" ;;
		set1000) in_rx nft -f "$TMP/r1000.set.nft" ;;
		drop) in_rx nft -f "$TMP/drop.nft" ;;
		esac || fail "nft -f ($f)"
		e2e "nft.$f" "$NFT_SEEN"
		[ "$f" != drop ] && e2e "nft.$f.spread" "$NFT_SEEN" "$TMP/r1000.tmpl"
		nft_check "$f"
		in_rx nft delete table netdev fwbench || fail "nft delete table"
	done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# --- statistics and report ----------------------------------------------------------------------------
# ratios, round by round: against xdpdrop (single flow) or xdpdrop.spread (spread configs)
awk '
	$1 ~ /^e2e\..*\.mpps$/ { v[$1, $2] = $3; if (!($1 in names)) order[++k] = $1; names[$1] = 1; rounds[$2] = 1 }
	$1 ~ /^testrun\./ { t[$1, $2] = $3 }
	END {
		for (i = 1; i <= k; i++) {
			n = order[i]
			if (n ~ /^e2e\.xdpdrop/) continue
			base = n ~ /\.spread(\.novc)?\.mpps$/ ? "e2e.xdpdrop.spread.mpps" : "e2e.xdpdrop.mpps"
			rn = n; sub(/\.mpps$/, ".ratio", rn)
			for (r in rounds)
				if ((n, r) in v && v[base, r] > 0)
					printf "%s %s %.4f\n", rn, r, v[n, r] / v[base, r]
		}
		for (k in t) {
			split(k, p, SUBSEP)
			if (p[1] == "testrun.fwctl.r4096.ns" && t["testrun.fwctl.r1.ns", p[2]] > 0)
				printf "testrun.fwctl.r4096.vs_r1 %s %.4f\n", p[2], t[k] / t["testrun.fwctl.r1.ns", p[2]]
		}
	}' "$RAW" >"$TMP/derived"
cat "$TMP/derived" >>"$RAW"

# summary: "name median min max n" per name, in first-seen order
summarize() {
	awk '
		!($1 in seen) { seen[$1] = 1; order[++k] = $1 }
		{ vals[$1] = vals[$1] " " $3 }
		END {
			for (i = 1; i <= k; i++) {
				n = split(substr(vals[order[i]], 2), a, " ")
				for (x = 2; x <= n; x++)	# insertion sort
					for (y = x; y > 1 && a[y - 1] + 0 > a[y] + 0; y--) { t = a[y]; a[y] = a[y - 1]; a[y - 1] = t }
				med = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
				print order[i], med, a[1], a[n], n
			}
		}' "$RAW"
}
SUM=$TMP/summary
summarize >"$SUM"

get() { awk -v k="$1" '$1 == k {print $2; f = 1} END {if (!f) print "n/a"}' "$SUM"; }
cell() {	# "median [min-max]" with a printf format
	awk -v k="$1" -v f="$2" '$1 == k {printf f " [" f "-" f "]", $2, $3, $4; x = 1} END {if (!x) printf "n/a"}' "$SUM"
}

DUR=$(($(date +%s) - START))
{
	echo "# fwctl benchmarks ($MODE): $(date -u '+%Y-%m-%d %H:%M UTC'), kernel $(uname -r)," \
		"$(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), took ${DUR} s"
	echo "# rounds: e2e $ROUNDS x ${SECS} s windows, testrun $TR_ROUNDS x $TR_REPEAT runs," \
		"control plane $CP_ROUNDS; medians [min-max] over rounds"
	echo "# other load: ${BUSY_BEFORE}% of the CPUs busy before the start; load average before $LOAD_BEFORE," \
		"after $LOAD_AFTER"
	void=$(grep -c 'void window' "$TMP/e2e.err" 2>/dev/null)
	[ "${void:-0}" -gt 0 ] && echo "# $void end-to-end windows saw no traffic (a stall) and were measured again"
	echo
	echo "## End to end: 60-byte TCP SYNs (64 on a wire) from the live-frames generator over a veth pair"
	echo "# Mpps: packets the receiver processed per second of its own CPU time (threaded NAPI on CPU 1),"
	echo "# ns: its CPU time per packet; wall: Mpps per second of wall time; CPU: the receiver's share"
	echo "# of CPU 1, wait: the share it waited for CPU 1 (other tasks); gen: Mpps the generator sent"
	printf '%-26s %-24s %-6s %-22s %-6s %-4s %-4s %s\n' "receiver" "Mpps" "ns" "ratio to XDP_DROP" \
		"wall" "CPU" "wait" "gen"
	for c in xdpdrop xdpdrop.spread xdpread xdpread.spread fwctl.r1 fwctl.r1.spread \
		fwctl.r100 fwctl.r100.spread fwctl.r1000 fwctl.r1000.spread fwctl.r4096 fwctl.r4096.spread \
		fwctl.r4096.novc fwctl.r4096.spread.novc \
		fwctl.r4096.sparse fwctl.r4096.sparse.spread xdpfilter \
		nft.linear1000 nft.linear1000.spread nft.set1000 nft.set1000.spread nft.drop; do
		case $c in xdpdrop*) ratio="1" ;; *) ratio=$(cell "e2e.$c.ratio" "%.3f") ;; esac
		printf '%-26s %-24s %-6s %-22s %-6s %-4s %-4s %s\n' "$c" "$(cell "e2e.$c.mpps" "%.3f")" \
			"$(get "e2e.$c.mpps" | awk '{printf "%.0f", 1000 / $1}')" "$ratio" \
			"$(get "wall.$c.mpps")" "$(get "rxcpu.$c")" "$(get "rxwait.$c")" "$(get "gen.$c.mpps")"
	done
	awk -v w="$(get wall.xdpdrop.mpps)" -v g="$(get gen.xdpdrop.mpps)" 'BEGIN {
		printf "# XDP_DROP took %s of the %s Mpps the generator sent (%.0f %%)", w, g, 100 * w / g
		if (w >= 0.9 * g)
			printf ": it was not always busy, so\n# its rate is a lower bound of what it can take and the ratios are upper bounds"
		printf "\n" }'
	echo
	echo "## Per packet: BPF_PROG_TEST_RUN, ns per packet"
	printf '%-28s %s\n' "program" "ns/packet"
	for c in xdpdrop fwctl.r1 fwctl.r1.spread fwctl.r100 fwctl.r100.spread fwctl.r1000 \
		fwctl.r1000.spread fwctl.r4096 fwctl.r4096.spread fwctl.r4096.novc fwctl.r4096.spread.novc \
		fwctl.r100.sparse fwctl.r100.sparse.spread fwctl.r1000.sparse fwctl.r1000.sparse.spread \
		fwctl.r4096.sparse fwctl.r4096.sparse.spread; do
		printf '%-28s %s\n' "$c" "$(cell "testrun.$c.ns" "%.1f")"
	done
	printf '%-28s %s\n' "fwctl r4096 / r1" "$(cell testrun.fwctl.r4096.vs_r1 "%.2f")"
	echo
	echo "## Control plane: wall time of the fwctl command, ms; kernel memory (memlock)"
	printf '%-44s %s\n' "apply 1000 rules (maps exist)" "$(cell apply.r1000.ms "%.1f")"
	printf '%-44s %s\n' "apply 4096 rules" "$(cell apply.r4096.ms "%.1f")"
	printf '%-44s %s\n' "apply 8192 rules (4096 in + 4096 out)" "$(cell apply.r8192.ms "%.1f")"
	printf '%-44s %s\n' "apply 8192 rules, first (maps created)" "$(cell apply.r8192.first.ms "%.1f")"
	if [ "$CP10K_RC" -eq 0 ]; then
		printf '%-44s %s\n' "apply 10000 rules" "$(cell apply.r10000.ms "%.1f")"
	else
		printf '%-44s %s\n' "apply 10000 rules" "refused: ${CP10K_ERR#*json:*:*: }"
	fi
	printf '%-44s %s\n' "validate 4096 rules (parse + compile)" "$(cell validate.r4096.ms "%.1f")"
	printf '%-44s %s\n' "apply a policy with a 10^6-prefix set" "$(cell set.1m.load.ms "%.0f")"
	printf '%-44s %s\n' "set add --file, 10^6 more prefixes" "$(cell set.1m.add.ms "%.0f")"
	printf '%-44s %s\n' "set memory, bytes per element (memlock)" "$(cell set.1m.bytes_per_elem "%.1f")"
	printf '%-44s %s\n' "all maps, 1 rule / 4096 rules (bytes)" "$(get mem.maps.r1.bytes) / $(get mem.maps.r4096.bytes)"
	printf '%-44s %s\n' "memory per rule (bytes)" "$(get mem.per_rule.bytes)"
	echo
	echo "## Targets"
	awk -v e="$(get e2e.fwctl.r4096.ratio)" -v es="$(get e2e.fwctl.r4096.spread.ratio)" \
		-v t="$(get testrun.fwctl.r4096.ns)" \
		-v q="$(get testrun.fwctl.r4096.vs_r1)" -v s="$(get set.1m.load.ms)" -v rc="$CP10K_RC" \
		-v a="$(get apply.r10000.ms)" '
		function ok(c) { return c ? "met" : "MISSED" }
		BEGIN {
			printf "%-40s %-12s %s\n", "e2e r4096 ratio >= 0.60", e, ok(e >= 0.60)
			printf "%-40s %-12s %s\n", "e2e r4096 spread ratio >= 0.60", es, ok(es >= 0.60)
			printf "%-40s %-12s %s\n", "testrun r4096 <= 35 ns", t, ok(t <= 35)
			printf "%-40s %-12s %s\n", "testrun r4096 <= 1.2 x r1", q, ok(q <= 1.2)
			if (rc)
				printf "%-40s %-12s %s\n", "apply 10000 rules < 100 ms", "refused", "MISSED (rule limit)"
			else
				printf "%-40s %-12s %s\n", "apply 10000 rules < 100 ms", a, ok(a < 100)
			printf "%-40s %-12s %s\n", "10^6-element set loads < 2000 ms", s, ok(s < 2000)
		}'
	echo
	echo "## name value (medians)"
	awk '$1 !~ /^(gen|wall|rxcpu|rxwait)\./ {print $1, $2}' "$SUM"
	[ "$CP10K_RC" -ne 0 ] && echo "apply.r10000.ms n/a"
	echo "bench.seconds $DUR"
}
