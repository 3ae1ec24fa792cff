#!/usr/bin/env bash
# observe.sh - counters, the event log, pcap and Prometheus under real traffic (issue 5):
#  - fwctl log --pcap during UDP round trips writes a file tcpdump reads back, holding exactly
#    the datagrams sent (ingress) and their echoes (egress): addresses, ports, count;
#  - fwctl -j log: JSON lines that jq parses, with the rule's id, the final verdict, the
#    5-tuple (IPv4 and IPv6), the interface;
#  - a flood into a rule with "log": {"sample": 10, "rate": "20/s"}: sampling holds (sampled =
#    packets / 10 within the CPU count), the cap holds in every second of the events received,
#    and what the cap stopped is counted (suppressed), sampled = emitted + suppressed + lost;
#  - per-interface counters move by exactly the packets and bytes sent, by action;
#  - fwctl stats --prometheus passes a strict exposition-format checker (tests/tools/
#    promcheck.py, which must also reject broken samples) and its values are stats -j's;
#  - fwctl stats --watch --count N prints N reports with rates;
#  - "log" is refused for an interface in hw mode.
set -u
. "$(dirname "$0")/../lib.sh"
fw_sandbox
FLOOD=$FW_ROOT/build/tests/tools/fw-udpflood
PROMCHECK=$FW_ROOT/tests/tools/promcheck.py
NCPU=$(nproc)

# a policy file whose path needs escaping in a Prometheus label (a quote and a backslash)
POL="$FW_TMP/obs \"q\\b.json"
cat >"$POL" <<-EOF
	{ "version": 1, "interfaces": ["$IF_FW_C"], "default": "pass",
	  "rules": [
	    { "id": "udp-log", "action": "pass", "protocol": "udp", "dst_port": 5353, "log": true },
	    { "id": "deny-9999", "action": "drop", "protocol": "udp", "dst_port": 9999,
	      "log": { "rate": "1000/s" } },
	    { "id": "flood", "action": "drop", "protocol": "udp", "dst_port": 7777,
	      "log": { "sample": 10, "rate": "20/s" } },
	    { "id": "quiet", "action": "drop", "protocol": "udp", "dst_port": 7778 }
	  ],
	  "egress": { "default": "pass",
	    "rules": [ { "id": "echo-log", "action": "pass", "protocol": "udp", "src_port": 5353,
	                 "log": true } ] } }
	EOF
check "apply a policy with log rules" fw apply "$POL" || exit 1
serve_udp 5353

# log_start OUT ERR ARGS...: fwctl log in the background (its PID in LOG_PID), back once it
# reads the ring buffer (its -v line): events before that would be skipped as queued earlier
log_start() {
	local out=$1 err=$2 _
	shift 2
	ip netns exec "$NS_FW" setsid $FWCTL -v log "$@" >"$out" 2>"$err" &
	LOG_PID=$!
	FW_PGIDS+=("$LOG_PID")
	for _ in $(seq 100); do
		grep -q "reading events" "$err" && return 0
		sleep 0.05
	done
	bail "fwctl log did not start: $(cat "$err")"
}

# log_wait: wait (up to 10 s) for the background fwctl log to end; its exit status
log_wait() {
	local _
	for _ in $(seq 200); do
		kill -0 "$LOG_PID" 2>/dev/null || break
		sleep 0.05
	done
	wait "$LOG_PID"
}

# --- pcap ----------------------------------------------------------------------------------
PCAP=$FW_TMP/log.pcap
log_start /dev/null "$FW_TMP/pcap.err" --pcap "$PCAP" --count 10 --timeout 10
got=$(udp_roundtrip "$SERVER4" 5353 5)
check_eq "5 datagrams to port 5353 came back" 5 "$got"
log_wait
check_eq "fwctl log --pcap --count 10 ends with status 0" 0 "$?"
check_eq "fwctl log --pcap said nothing else" "" "$(grep -v 'reading events' "$FW_TMP/pcap.err")"
if tcpdump -nn -q -r "$PCAP" >"$FW_TMP/pcap.txt" 2>"$FW_TMP/tcpdump.err"; then
	diag "$(head -2 "$FW_TMP/pcap.txt")"
	ok "tcpdump -r reads the pcap"
else
	not_ok "tcpdump -r reads the pcap" "$(cat "$FW_TMP/tcpdump.err")"
fi
check_match "tcpdump sees Ethernet (LINKTYPE_ETHERNET)" "link-type EN10MB" "$(cat "$FW_TMP/tcpdump.err")"
check_eq "the pcap holds 10 packets" 10 "$(wc -l <"$FW_TMP/pcap.txt")"
check_eq "5 of them client -> server:5353 (ingress events)" 5 \
	"$(grep -cE "IP $CLIENT4\.[0-9]+ > $SERVER4\.5353: UDP, length 8$" "$FW_TMP/pcap.txt")"
check_eq "5 of them the echoes server:5353 -> client (egress events)" 5 \
	"$(grep -cE "IP $SERVER4\.5353 > $CLIENT4\.[0-9]+: UDP, length 8$" "$FW_TMP/pcap.txt")"
# the payloads the test sent, dgram-0 .. dgram-4, each once in each direction
payloads=$(tcpdump -nn -A -r "$PCAP" 2>/dev/null | grep -o 'dgram-[0-9]' | sort | uniq -c |
	awk '{printf "%s:%s ", $2, $1}')
check_eq "the packets carry the payloads sent" "dgram-0:2 dgram-1:2 dgram-2:2 dgram-3:2 dgram-4:2 " "$payloads"
# snaplen and lengths in the file: 24-byte header, snaplen 128; records of 50 bytes, whole
rec=$(python3 - "$PCAP" <<-'EOF'
	import struct, sys
	b = open(sys.argv[1], 'rb').read()
	magic, vmaj, vmin, _, _, snap, lt = struct.unpack('<IHHiIII', b[:24])
	o, lens = 24, []
	while o < len(b):
	    _, _, incl, orig = struct.unpack('<IIII', b[o:o + 16])
	    lens.append('%d/%d' % (incl, orig))
	    o += 16 + incl
	print('%x %d.%d snap %d lt %d' % (magic, vmaj, vmin, snap, lt), ' '.join(sorted(set(lens))))
	EOF
)
check_eq "pcap header and records (incl/orig)" "a1b2c3d4 2.4 snap 128 lt 1 50/50" "$rec"

# --- JSON lines --------------------------------------------------------------------------------
log_start "$FW_TMP/log.json" "$FW_TMP/json.err" -j --count 4 --timeout 10
in_ns client python3 -c '
import socket, sys
for fam, src, dst in ((socket.AF_INET, sys.argv[1], sys.argv[2]), (socket.AF_INET6, sys.argv[3], sys.argv[4])):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((src, 40001))
    s.sendto(b"deny-me-1", (dst, 9999))
    s.sendto(b"deny-me-2", (dst, 9999))' "$CLIENT4" "$SERVER4" "$CLIENT6" "$SERVER6"
log_wait
check_eq "fwctl -j log --count 4 ends with status 0" 0 "$?"
check "every line is JSON (jq)" jq -e . "$FW_TMP/log.json"
check_eq "4 events, all of rule deny-9999 (index 1), dropped by the rule" \
	"4 deny-9999/1 drop/rule_drop ingress/$IF_FW_C" \
	"$(jq -rs '"\(length) \([.[].id] | unique | join(","))/\([.[].rule] | unique | join(","))" +
		" \([.[].action] | unique | join(","))/\([.[].reason] | unique | join(","))" +
		" \([.[].direction] | unique | join(","))/\([.[].interface] | unique | join(","))"' "$FW_TMP/log.json")"
check_eq "the IPv4 events' 5-tuple" "$CLIENT4:40001 > $SERVER4:9999 udp x2" \
	"$(jq -rs --arg s "$CLIENT4" '[.[] | select(.family == 4)] | "\(.[0].src):\(.[0].src_port) > \(.[0].dst):\(.[0].dst_port) \(.[0].protocol) x\(length)"' "$FW_TMP/log.json")"
check_eq "the IPv6 events' 5-tuple" "$CLIENT6:40001 > $SERVER6:9999 udp x2" \
	"$(jq -rs '[.[] | select(.family == 6)] | "\(.[0].src):\(.[0].src_port) > \(.[0].dst):\(.[0].dst_port) \(.[0].protocol) x\(length)"' "$FW_TMP/log.json")"
check_eq "lengths: IPv4 51 bytes, IPv6 71, all captured" "51/51 51/51 71/71 71/71" \
	"$(jq -rs '[.[] | "\(.len)/\(.captured)"] | sort | join(" ")' "$FW_TMP/log.json")"
check_eq "the captured bytes end with the payload" "deny-me-1 deny-me-1 deny-me-2 deny-me-2" \
	"$(jq -r '.data[-18:]' "$FW_TMP/log.json" | while read -r h; do xxd -r -p <<<"$h"; echo; done | sort | xargs)"
check_match "times are UTC, now-ish" "^$(date -u +%Y-%m-%dT%H)" "$(jq -r .time "$FW_TMP/log.json" | head -1)"

# --- per-interface counters -----------------------------------------------------------------------
ifc() { # ifc DIR ACTION packets|bytes: the counter of the client-facing interface
	fw -j stats | jq -r --arg n "$IF_FW_C" --arg d "$1" \
		'.interfaces[] | select(.name == $n and .direction == $d) | .'"$2.$3"
}
b_ip=$(ifc ingress pass packets) b_ib=$(ifc ingress pass bytes)
b_dp=$(ifc ingress drop packets) b_db=$(ifc ingress drop bytes)
b_ep=$(ifc egress pass packets) b_eb=$(ifc egress pass bytes)
udp_roundtrip "$SERVER4" 5353 3 >/dev/null
in_ns client python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(7):
    s.sendto(b"x" * 100, (sys.argv[1], 7778))' "$SERVER4"
sleep 0.2
check_eq "ingress pass: +3 packets, +150 bytes (3 x 50)" "3 150" \
	"$(($(ifc ingress pass packets) - b_ip)) $(($(ifc ingress pass bytes) - b_ib))"
check_eq "ingress drop: +7 packets, +994 bytes (7 x 142)" "7 994" \
	"$(($(ifc ingress drop packets) - b_dp)) $(($(ifc ingress drop bytes) - b_db))"
check_eq "egress pass: +3 packets, +150 bytes (the echoes)" "3 150" \
	"$(($(ifc egress pass packets) - b_ep)) $(($(ifc egress pass bytes) - b_eb))"
check_eq "the rule that dropped them counted 7" 7 "$(fw -j stats | jq '.rules[] | select(.id == "quiet") | .packets')"
check_match "stats (text) lists the interface" "^$IF_FW_C +ingress" "$(fw stats)"
# an interface with an ifindex beyond the array (1024): counted in the LRU hash instead
BIG="${FW_TAG}big"
sys ip -n "$NS_FW" link add "$BIG" index 3000 type veth peer name "${FW_TAG}bp"
sys ip -n "$NS_FW" link set "$BIG" up
sys ip -n "$NS_FW" link set "${FW_TAG}bp" up
check "attach to $BIG (ifindex 3000)" fw attach "$BIG" --mode skb
in_ns fw python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + 10, 1, 0, 64, 17, 0,
                 socket.inet_aton("198.18.9.1"), socket.inet_aton("198.18.9.2"))
udp = struct.pack("!HHHH", 40000, 7778, 18, 0) + b"x" * 10
for i in range(4):
    s.send(b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + udp)' "${FW_TAG}bp"
sleep 0.2
check_eq "ifindex 3000: 4 packets dropped, 208 bytes, shown by name" "3000 4 208" \
	"$(fw -j stats | jq -r --arg n "$BIG" '.interfaces[] | select(.name == $n and .direction == "ingress") |
		"\(.ifindex) \(.drop.packets) \(.drop.bytes)"')"

# --- flood: sampling and the per-second cap ----------------------------------------------------------
log_start "$FW_TMP/flood.json" "$FW_TMP/flood.err" -j --timeout 10
ip netns exec "$NS_CLIENT" "$FLOOD" "$SERVER4" 7777 5000 3 >"$FW_TMP/sent"
sleep 0.2
kill -INT "$LOG_PID" 2>/dev/null
log_wait
sent=$(awk '{print $3}' "$FW_TMP/sent")
read -r pk smp em sup lost <<<"$(fw -j stats | jq -r '.rules[] | select(.id == "flood") |
	"\(.packets) \(.log.sampled) \(.log.emitted) \(.log.suppressed) \(.log.lost)"')"
diag "flood: sent $sent, rule packets $pk, sampled $smp, emitted $em, suppressed $sup, lost $lost"
check_ge "the flood reached the rule (>= 5000 packets)" 5000 "$pk"
check "sampled = packets / 10 within $NCPU" test $((pk / 10 - smp)) -le "$NCPU" -a $((smp - pk / 10)) -le "$NCPU"
check_eq "sampled = emitted + suppressed + lost" "$smp" "$((em + sup + lost))"
check_ge "the cap suppressed events (counted)" 1 "$sup"
recv=$(jq -s '[.[] | select(.id == "flood")] | length' "$FW_TMP/flood.json")
check_eq "fwctl log received every event emitted" "$em" "$recv"
per_sec=$(jq -rs '[.[] | select(.id == "flood") | (.ts_ns / 1000000000 | floor)] | group_by(.) |
	map(length) | join(" ")' "$FW_TMP/flood.json")
diag "events per second: $per_sec"
check "at most 20 events in any second" awk -v s="$per_sec" 'BEGIN { n = split(s, a, " "); for (i = 1; i <= n; i++) if (a[i] > 20) exit 1; exit !(n >= 3) }'
check "fewer than 20 x (seconds + 1) events in all" test "$recv" -le $((20 * 5))

# --- Prometheus ----------------------------------------------------------------------------------------
# as node_exporter's textfile collector wants it: written to a temp file, renamed into place
fw stats --prometheus >"$FW_TMP/fwctl.prom.$$" && mv "$FW_TMP/fwctl.prom.$$" "$FW_TMP/fwctl.prom"
check "stats --prometheus passes the format checker" "$PROMCHECK" "$FW_TMP/fwctl.prom"
"$PROMCHECK" --dump "$FW_TMP/fwctl.prom" >"$FW_TMP/prom.json"
jstats=$(fw -j stats)
check_eq "rule counter as in stats -j (flood, ingress)" \
	"$(jq '.rules[] | select(.id == "flood") | .packets' <<<"$jstats")" \
	"$(jq -r 'select(.name == "fwctl_rule_packets_total" and .labels.id == "flood") | .value | floor' "$FW_TMP/prom.json")"
check_eq "reason counter as in stats -j (ingress rule_drop)" \
	"$(jq '.ingress.rule_drop.packets' <<<"$jstats")" \
	"$(jq -r 'select(.name == "fwctl_reason_packets_total" and .labels.reason == "rule_drop" and .labels.direction == "ingress") | .value | floor' "$FW_TMP/prom.json")"
check_eq "a series per reason and direction (from the reason names)" \
	"$(($(jq '.ingress | length' <<<"$jstats") * 2))" \
	"$(jq -s '[.[] | select(.name == "fwctl_reason_packets_total")] | length' "$FW_TMP/prom.json")"
check_eq "interface series by name" \
	"$(jq --arg n "$IF_FW_C" '.interfaces[] | select(.name == $n and .direction == "ingress") | .drop.packets' <<<"$jstats")" \
	"$(jq -r --arg n "$IF_FW_C" 'select(.name == "fwctl_interface_packets_total" and .labels.interface == $n and .labels.direction == "ingress" and .labels.action == "drop") | .value | floor' "$FW_TMP/prom.json")"
check_eq "suppressed log events exported" "$sup" \
	"$(jq -r 'select(.name == "fwctl_log_events_total" and .labels.id == "flood" and .labels.result == "suppressed") | .value | floor' "$FW_TMP/prom.json")"
check_eq "the policy file label, unescaped, is the file's path" "$(realpath "$POL")" \
	"$(jq -r 'select(.name == "fwctl_policy_info") | .labels.file' "$FW_TMP/prom.json")"
check_match "the label was escaped in the output" 'file="[^"]*obs \\"q\\\\b\.json"' "$(grep fwctl_policy_info "$FW_TMP/fwctl.prom" | grep -v '^#')"
# the checker must be able to fail: broken variants of the real output
bad() { # bad NAME SED-SCRIPT: the checker rejects the output edited by SED-SCRIPT
	sed "$2" "$FW_TMP/fwctl.prom" >"$FW_TMP/bad.prom"
	check_fail "checker rejects: $1" "$PROMCHECK" "$FW_TMP/bad.prom"
}
bad "a duplicate series" '0,/^fwctl_reason_packets_total/{/^fwctl_reason_packets_total/p}'
bad "a sample before its TYPE" '1i fwctl_x_total 1'
bad "two TYPE lines for a family" '0,/^# TYPE fwctl_rule_bytes_total/{/^# TYPE fwctl_rule_bytes_total/p}'
bad "a non-numeric counter" '0,/^fwctl_rule_packets_total/s/ [0-9]*$/ lots/'
bad "a negative counter" '0,/^fwctl_rule_packets_total/s/ [0-9]*$/ -1/'
bad "an unescaped quote in a label" 's/obs \\"q/obs "q/'
bad "a bad escape in a label" 's/obs \\"q\\\\b/obs \\"q\\b/'
bad "a bad metric name" '0,/^fwctl_rule_packets_total/s/^fwctl_rule_packets_total/fwctl-rule/'
bad "a bad label name" '0,/direction=/s/direction=/0dir=/'
bad "samples of a family split" '0,/^fwctl_reason_packets_total/{/^fwctl_reason_packets_total/{h;d}};/^# HELP fwctl_rule_packets_total/{x;p;x}'
bad "a counter without _total" 's/fwctl_rule_packets_total/fwctl_rule_packets/g'

# --- watch ------------------------------------------------------------------------------------------------
ip netns exec "$NS_CLIENT" setsid "$FLOOD" "$SERVER4" 7778 2000 3 >/dev/null &
FW_PGIDS+=("$!")
sleep 0.3
fw -j stats --watch --interval 0.5 --count 3 >"$FW_TMP/watch.json"
check_eq "stats --watch --count 3: three JSON reports" 3 "$(jq -s length "$FW_TMP/watch.json")"
pps=$(jq -r --arg n "$IF_FW_C" 'select(.interfaces != null) | .interfaces[] |
	select(.name == $n and .direction == "ingress") | .drop.pps' "$FW_TMP/watch.json" | tail -1)
diag "drop rate during a 2000/s flood: $pps pps"
check "the drop rate is 2000/s within a factor of 2" awk -v r="$pps" 'BEGIN { exit !(r > 1000 && r < 4000) }'
check_eq "the rule's rate is there too" 1 \
	"$(jq -s '[.[-1].rules[] | select(.id == "quiet" and .pps > 1000)] | length' "$FW_TMP/watch.json")"
check_match "stats --watch (text) prints rates" "rates over 0\.[0-9]+ s" "$(fw stats --watch --interval 0.2 --count 1)"

# --- hw mode refuses "log" --------------------------------------------------------------------------------
HW=$(fw_policy hw <<-EOF
	{ "version": 1, "interfaces": [ { "name": "$IF_FW_C", "mode": "hw" } ], "default": "pass",
	  "rules": [ { "action": "drop", "protocol": "udp", "dst_port": 9, "log": true } ] }
	EOF
)
out=$(fw apply "$HW" 2>&1)
check_eq "apply of a hw policy with log exits 1" 1 "$?"
check_match "and says log is not supported in hw mode" \
	'hw\.json:[0-9]+:[0-9]+: rules\[0\]\.log: "log" is not supported in hw mode' "$out"
check_eq "the running policy stayed" "udp-log" "$(fw -j show | jq -r '.rules[0].id')"
