#!/usr/bin/env bash
# reload.sh - atomic apply under traffic. UDP flows of three classes cross the firewall while
# two policies that disagree on class B are applied alternately, 100 times: class A (both pass)
# must all arrive, class C (both drop) never, class B either. Counted at the server's netdev
# ingress by nftables (before any socket buffer). Ends "reload: 100 reloads, P packets, M
# misclassified".
set -u
. "$(dirname "$0")/../lib.sh"
fw_sandbox
FLOOD=$FW_ROOT/build/tests/tools/fw-udpflood
RELOADS=${RELOADS:-100}
PA=7001 PB=7002 PC=7003

# X passes A and B, Y passes only A; both drop C by default. They also differ in size, so each
# apply rewrites tables, prefixes and classes, not just an action.
X=$(fw_policy X <<-EOF
	{ "version": 1, "interfaces": ["$IF_FW_C"], "default": "drop",
	  "rules": [ { "id": "a", "action": "pass", "protocol": "udp", "dst_port": $PA },
	             { "id": "b", "action": "pass", "protocol": "udp", "dst_port": $PB }
	             $(fw_filler_rules 50) ] }
	EOF
)
Y=$(fw_policy Y <<-EOF
	{ "version": 1, "interfaces": ["$IF_FW_C"], "default": "drop",
	  "rules": [ $(fw_filler_rules 500 | sed 's/^, //'),
	             { "id": "b", "action": "drop", "protocol": "udp", "dst_port": $PB },
	             { "id": "a", "action": "pass", "protocol": "udp", "dst_port": $PA } ] }
	EOF
)
check "apply X" fw apply "$X" || exit 1

# the receiver: count each class at the server's ingress, then drop (no ICMP back)
udp_counters $PA $PB $PC

# the flood runs from just before the first apply to just after the last one
# (ip netns exec and setsid exec the flood: $! is its PID and process group, which the
# lib's cleanup kills if the test dies early)
ip netns exec "$NS_CLIENT" setsid "$FLOOD" "$SERVER4" "$PA,$PB,$PC" 100000 60 >"$FW_TMP/sent" &
FLOOD_PID=$!
FW_PGIDS+=("$FLOOD_PID")
sleep 0.3
start=$(date +%s%N)
n=0
for ((i = 0; i < RELOADS; i++)); do
	if ((i % 2)); then P=$X; else P=$Y; fi
	fw apply "$P" >/dev/null 2>"$FW_TMP/err" || { diag "apply $i failed: $(cat "$FW_TMP/err")"; break; }
	n=$((n + 1))
done
secs=$((($(date +%s%N) - start) / 1000000))
diag "$n applies in $secs ms while the flood ran"
sleep 0.2
kill -INT "$FLOOD_PID"
wait "$FLOOD_PID"
sleep 0.3

SA=$(awk -v p=$PA '$2 == p {print $3}' "$FW_TMP/sent")
SB=$(awk -v p=$PB '$2 == p {print $3}' "$FW_TMP/sent")
SC=$(awk -v p=$PC '$2 == p {print $3}' "$FW_TMP/sent")
read -r RA RB RC <<<"$(udp_counts)"
diag "sent A $SA B $SB C $SC; received A $RA B $RB C $RC"
check_eq "all $RELOADS reloads succeeded" "$RELOADS" "$n"
check_ge "the applies overlapped the flood (took > 0.5 s)" 500 "$secs"
P=$((SA + SB + SC))
check_ge "well over 10^5 packets" 100000 "$P"
MIS=$(( (SA - RA) + RC + (RB > SB ? RB - SB : 0) ))
check_eq "class A (both pass): all arrived" "$SA" "$RA"
check_eq "class C (both drop): none arrived" 0 "$RC"
check_ge "class B (they disagree): some passed (X was live at times)" 1 "$RB"
check_ge "class B: not more than were sent" "$RB" "$SB"
echo "reload: $n reloads, $P packets, $MIS misclassified"
check_eq "0 misclassified" 0 "$MIS"
