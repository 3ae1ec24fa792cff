#!/usr/bin/env bash
# ratelimit.sh - rate limits on real traffic: UDP floods from the client through the firewall's
# XDP program, measured at the receiver. A socket in the server's namespace takes every datagram
# with its kernel receive time (SO_TIMESTAMPNS: what a busy receiver process does not blur),
# and the seconds after the first one (the burst) are counted one by one.
#  1. 1000 packets/s (burst 200), a 3000/s flood: each of 5 seconds 1000 +/- 10 %;
#  2. per source, 150/s each: 10 client addresses flood at once (450/s each), each source gets
#     150/s +/- 10 % of its own, where one shared bucket would give them 15/s each;
#  3. 4mbit/s of 1042-byte frames (a 12 Mbit/s flood): 500 kB/s +/- 10 % of frame bytes.
# Each flood must really exceed its limit (asserted from what the sender sent and the firewall
# matched), and the firewall's counters must add up: matched = arrived + over the limit.
set -u
. "$(dirname "$0")/../lib.sh"
fw_sandbox
FLOOD=$FW_ROOT/build/tests/tools/fw-udpflood
P_PKT=9000 P_SRC=9001 P_BYTES=9002

# ten more client addresses for the per-source test (static neighbours: no ARP)
SRCS=()
for i in $(seq 10 19); do
	SRCS+=("198.18.1.$i")
done
fw_addr client "$IF_CLIENT" "${SRCS[@]/%//24}"
fw_neigh fw "$IF_FW_C" "$(fw_mac client "$IF_CLIENT")" "${SRCS[@]}"

POL=$(fw_policy limits <<-EOF
	{ "version": 1, "interfaces": ["$IF_FW_C"], "default": "pass",
	  "rules": [
	    { "id": "pkts", "action": "pass", "protocol": "udp", "dst_port": $P_PKT,
	      "limit": { "rate": "1000/s", "burst": 200 } },
	    { "id": "persrc", "action": "pass", "protocol": "udp", "dst_port": $P_SRC,
	      "limit": { "rate": "150/s", "burst": 30, "per": "src" } },
	    { "id": "bytes", "action": "pass", "protocol": "udp", "dst_port": $P_BYTES,
	      "limit": { "rate": "4mbit/s", "burst": "100kB" } } ] }
	EOF
)
check "apply a policy with three limits" fw apply "$POL" || exit 1
check_match "show prints the limit" "limit 1000/s burst 200 over drop" "$(fw show)"
check_eq "show -j: the limit as JSON" '{"rate":"1000/s","burst":200,"unit":"packets","over":"drop"}' \
	"$(fw_json show | jq -c '.rules[0].limit')"
check_eq "show -j: per-source and byte limits" '"src" 100000 "bytes"' \
	"$(fw_json show | jq -r '.rules[1].limit.per, .rules[2].limit.burst, .rules[2].limit.unit' | tr '\n' ' ' |
		sed 's/ $//; s/^src/"src"/; s/bytes$/"bytes"/')"

# explain gives the verdict within the limit, and says so
HEX=$(python3 -c 'import socket, struct
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 0, 0, 64, 17, 0,
                 socket.inet_aton("'"$CLIENT4"'"), socket.inet_aton("'"$SERVER4"'"))
print((b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + struct.pack("!HHHH", 40000, '"$P_PKT"', 8, 0)).hex())')
check_eq "explain: rule 0, pass, with its limit" 'pass 0 "1000/s"' \
	"$(fw_json explain --hex "$HEX" | jq -r '.packets[0] | "\(.verdict) \(.rule) \(.limit.rate | tojson)"')"
check_match "explain (text) marks the rate-limited rule" "rate-limited rule: verdict within the limit" \
	"$(fw explain --hex "$HEX")"

# --- the receiver --------------------------------------------------------------------------------

cat >"$FW_TMP/sink.py" <<-'EOF'
	# sink.py PORTS OUT: receive UDP on each of PORTS (comma-separated), write one line per
	# datagram "port source kernel_ns frame_bytes" to OUT, then OUT.done; ends 1.5 s after the
	# last datagram (or after 40 s)
	import select, socket, struct, sys, time
	SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
	SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)
	socks = {}
	for p in sys.argv[1].split(","):
	    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
	    s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
	    s.bind(("0.0.0.0", int(p)))
	    s.setblocking(False)
	    socks[s] = int(p)
	recs, last, t0 = [], None, time.monotonic()
	open(sys.argv[2] + ".ready", "w").close()
	while time.monotonic() - t0 < 40 and (last is None or time.monotonic() - last < 1.5):
	    r, _, _ = select.select(list(socks), [], [], 0.2)
	    for s in r:
	        while True:
	            try:
	                data, anc, _, addr = s.recvmsg(2048, 64)
	            except BlockingIOError:
	                break
	            ts = None
	            for lvl, typ, d in anc:
	                if lvl == socket.SOL_SOCKET and typ == SO_TIMESTAMPNS:
	                    sec, nsec = struct.unpack("qq", d[:16])
	                    ts = sec * 1000000000 + nsec
	            recs.append("%d %s %d %d" % (socks[s], addr[0], ts, len(data) + 42))
	            last = time.monotonic()
	with open(sys.argv[2], "w") as f:
	    f.write("\n".join(recs) + ("\n" if recs else ""))
	open(sys.argv[2] + ".done", "w").close()
	EOF

cat >"$FW_TMP/bins.py" <<-'EOF'
	# bins.py FILE PORT KEY N: for the datagrams to PORT, grouped by source (KEY=src) or not
	# (KEY=all), the packets and frame bytes in each of the N whole seconds after the first
	# second (timed from the group's first datagram), and the longest gap between arrivals
	# (ms) that ends in each: "GROUP pkts p1 .. pN bytes b1 .. bN gaps g1 .. gN"
	import collections, sys
	port, key, n = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
	groups = collections.defaultdict(list)
	for line in open(sys.argv[1]):
	    p, src, ts, ln = line.split()
	    if int(p) == port:
	        groups[src if key == "src" else "all"].append((int(ts), int(ln)))
	for g, recs in sorted(groups.items()):
	    recs.sort()
	    t0 = recs[0][0]
	    pk, by, gap = [0] * n, [0] * n, [0] * n
	    prev = t0
	    for t, ln in recs:
	        b = (t - t0) // 1000000000 - 1
	        if 0 <= b < n:
	            pk[b] += 1
	            by[b] += ln
	            gap[b] = max(gap[b], (t - prev) // 1000000)
	        prev = t
	    print(g, "pkts", *pk, "bytes", *by, "gaps", *gap)
	EOF

# sink PORTS: start the receiver, wait until it listens; sink_wait: until it has written its file
sink() {
	rm -f "$FW_TMP/recv" "$FW_TMP/recv.ready" "$FW_TMP/recv.done"
	fw_spawn server python3 "$FW_TMP/sink.py" "$1" "$FW_TMP/recv"
	for _ in $(seq 100); do
		[ -e "$FW_TMP/recv.ready" ] && return 0
		sleep 0.05
	done
	bail "the receiver did not start"
}
sink_wait() {
	for _ in $(seq 300); do
		[ -e "$FW_TMP/recv.done" ] && return 0
		sleep 0.1
	done
	bail "the receiver did not finish"
}

# within VALUE WANT PCT: VALUE is WANT +/- PCT %
within() {
	awk -v v="$1" -v w="$2" -v p="$3" 'BEGIN { exit !(v >= w * (1 - p / 100) && v <= w * (1 + p / 100)) }'
}

# seconds NAME WANT UNIT VALUE... -- GAP...: each second's VALUE is WANT +/- 10 %. A second in
# which no datagram arrived for over 150 ms (the sender or the firewall did not run: a loaded
# machine) is reported and left out, as long as three seconds or more remain; their total must
# be right too
seconds() {
	local name=$1 want=$2 unit=$3 v=() g=() i n=0 sum=0
	shift 3
	while [ "$1" != -- ]; do v+=("$1"); shift; done
	shift
	g=("$@")
	for i in "${!v[@]}"; do
		if [ "${g[i]:-0}" -gt 150 ]; then
			diag "$name: second $((i + 2)) left out: no arrival for ${g[i]} ms (${v[i]} $unit)"
			continue
		fi
		n=$((n + 1))
		sum=$((sum + v[i]))
		if within "${v[i]}" "$want" 10; then
			ok "$name: second $((i + 2)) at the receiver: ${v[i]} $unit ($want +/- 10 %)"
		else
			not_ok "$name: second $((i + 2)) at the receiver: ${v[i]} $unit ($want +/- 10 %)"
		fi
	done
	check_ge "$name: at least 3 undisturbed seconds measured" 3 "$n"
	if [ "$n" -gt 0 ] && within "$sum" $((want * n)) 10; then
		ok "$name: $n seconds together: $sum $unit ($((want * n)) +/- 10 %)"
	else
		not_ok "$name: $n seconds together: $sum $unit ($((want * n)) +/- 10 %)"
	fi
}

# rule_over ID: packets over the limit of rule ID (fwctl show -j)
rule_over() {
	fw_json show | jq -r --arg id "$1" '.rules[] | select(.id == $id) | .over_limit.packets'
}

# --- 1. 1000 packets/s ---------------------------------------------------------------------------

sink "$P_PKT"
in_ns client "$FLOOD" "$SERVER4" "$P_PKT" 3000 6.5 >"$FW_TMP/sent" 2>&1
sink_wait
sent=$(awk '{print $3}' "$FW_TMP/sent")
arrived=$(wc -l <"$FW_TMP/recv")
read -r -a B <<<"$(python3 "$FW_TMP/bins.py" "$FW_TMP/recv" "$P_PKT" all 5)"
diag "sent $sent in 6.5 s, arrived $arrived; seconds 2-6 at the receiver: ${B[*]:2:5} packets"
check_ge "the flood exceeded the limit (sent >= 2 x 1000/s x 6.5 s)" 13000 "$sent"
seconds 1000/s 1000 packets "${B[@]:2:5}" -- "${B[@]:14:5}"
matched=$(rule_packets pkts)
over=$(rule_over pkts)
check_eq "counters add up: matched ($matched) = arrived ($arrived) + over the limit ($over)" \
	"$matched" "$((arrived + over))"
check_ge "the over-limit packets are most of the flood" $((sent / 2)) "$over"
check_eq "stats -j: limit_drop counts them" "$over" "$(stat_packets ingress limit_drop)"
check_eq "stats -j: the rule's over-limit counter" "$over" \
	"$(fw_json stats | jq -r '.limits[] | select(.id == "pkts") | .over_limit.packets')"
check_match "stats (text) lists the rate limit" "ingress +0 pkts +1000/s +drop +$over" "$(fw stats)"

# --- 2. per source: 10 sources at once -----------------------------------------------------------

sink "$P_SRC"
pids=()
for s in "${SRCS[@]}"; do
	in_ns client "$FLOOD" -b "$s" "$SERVER4" "$P_SRC" 450 5.5 >"$FW_TMP/sent-$s" 2>&1 &
	pids+=("$!")
done
wait "${pids[@]}"
sink_wait
python3 "$FW_TMP/bins.py" "$FW_TMP/recv" "$P_SRC" src 4 >"$FW_TMP/bins-src"
n=0
nx=0
for s in "${SRCS[@]}"; do
	sent=$(awk '{print $3}' "$FW_TMP/sent-$s")
	read -r _ _ a b c d _ <<<"$(grep "^$s " "$FW_TMP/bins-src")"
	tot=$((${a:-0} + ${b:-0} + ${c:-0} + ${d:-0}))
	diag "$s: sent $sent, seconds 2-5 at the receiver: ${a:-0} ${b:-0} ${c:-0} ${d:-0}"
	[ "${sent:-0}" -ge $((2 * 150 * 5)) ] && nx=$((nx + 1))
	if within "$tot" 600 10; then
		n=$((n + 1))
	else
		not_ok "per source: $s got $tot packets in 4 s (600 +/- 10 %)"
	fi
done
check_eq "per source: each of the 10 sources flooded at over twice its limit" 10 "$nx"
check_eq "per source: each of the 10 sources got 150/s +/- 10 % (4-s windows)" 10 "$n"
arrived=$(wc -l <"$FW_TMP/recv")
check_ge "per source: all together got far more than one bucket (> 5 x 150/s x 5 s)" 3750 "$arrived"
matched=$(rule_packets persrc)
over=$(rule_over persrc)
check_eq "per source: matched ($matched) = arrived ($arrived) + over ($over)" "$matched" "$((arrived + over))"

# --- 3. bytes: 4mbit/s -----------------------------------------------------------------------------

# 1000-byte payloads: 1042-byte frames (Ethernet 14 + IPv4 20 + UDP 8), 1500/s = 12.5 Mbit/s
sink "$P_BYTES"
in_ns client "$FLOOD" -s 1000 "$SERVER4" "$P_BYTES" 1500 5.5 >"$FW_TMP/sent" 2>&1
sink_wait
sent=$(awk '{print $3}' "$FW_TMP/sent")
read -r -a B <<<"$(python3 "$FW_TMP/bins.py" "$FW_TMP/recv" "$P_BYTES" all 4)"
diag "sent $sent frames of 1042 bytes; seconds 2-5 at the receiver: ${B[*]:7:4} bytes"
check_ge "the byte flood exceeded the limit (sent >= 2 x 4 Mbit/s)" $((2 * 500000 * 5 / 1042)) "$sent"
seconds 4mbit/s 500000 bytes "${B[@]:7:4}" -- "${B[@]:12:4}"
over=$(fw_json show | jq -r '.rules[] | select(.id == "bytes") | .over_limit.bytes')
check_ge "bytes over the limit are counted" $((sent * 1042 / 3)) "$over"

# --- an apply starts every bucket afresh ------------------------------------------------------------
check "re-apply" fw apply "$POL"
check_eq "re-apply zeroes the over-limit counters" "0 0 0" \
	"$(fw_json show | jq -r '[.rules[].over_limit.packets] | join(" ")')"
