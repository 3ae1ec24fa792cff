#!/usr/bin/env bash
# killapply.sh - kill -9 of fwctl at random points of 50 applies never leaves a mix of policies
# live. After each kill, one datagram of each of three classes crosses the firewall: the
# verdicts must be wholly policy X's or wholly policy Y's, and the same as those of the policy
# that fwctl status (a new process) says is live. Ends "killapply: 50 kills, K interrupted,
# M mixed".
set -u
. "$(dirname "$0")/../lib.sh"
fw_sandbox
KILLS=${KILLS:-50}
PA=7001 PB=7002 PC=7003

X=$(fw_policy X <<-EOF
	{ "version": 1, "interfaces": ["$IF_FW_C"], "default": "drop",
	  "rules": [ { "id": "a", "action": "pass", "protocol": "udp", "dst_port": $PA },
	             { "id": "b", "action": "pass", "protocol": "udp", "dst_port": $PB }
	             $(fw_filler_rules 300) ] }
	EOF
)
Y=$(fw_policy Y <<-EOF
	{ "version": 1, "interfaces": ["$IF_FW_C"], "default": "drop",
	  "rules": [ $(fw_filler_rules 1500 | sed 's/^, //'),
	             { "id": "b", "action": "drop", "protocol": "udp", "dst_port": $PB },
	             { "id": "a", "action": "pass", "protocol": "udp", "dst_port": $PA } ] }
	EOF
)
check "apply X" fw apply "$X" || exit 1
udp_counters $PA $PB $PC

check_eq "X live: A and B pass, C dropped" "1 1 0" "$(udp_probe)"
# the kill lands anywhere in 0 .. 1.5 x the longest of three whole applies of Y (the longer
# policy), so that some applies are cut short and some complete whatever this machine's speed
slowest=0
for _ in 1 2 3; do
	t0=$(date +%s%N)
	fw apply "$Y" >/dev/null 2>&1 || { diag "apply Y failed"; exit 1; }
	t=$((($(date +%s%N) - t0) / 1000000))
	((t > slowest)) && slowest=$t
done
fw apply "$X" >/dev/null 2>&1 || { diag "apply X failed"; exit 1; }
window=$((slowest * 3 / 2 + 1))
diag "a whole apply takes up to $slowest ms: kills land in 0-$window ms"
interrupted=0 mixed=0 inconsistent=0
for ((i = 0; i < KILLS; i++)); do
	if ((i % 2)); then P=$X; else P=$Y; fi
	ip netns exec "$NS_FW" $FWCTL apply "$P" >/dev/null 2>&1 &
	pid=$!
	ms=$((RANDOM % window))		# parse, compile, write, switch
	sleep "$(printf "%d.%03d" $((ms / 1000)) $((ms % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid"
	[ "$?" -eq 137 ] && interrupted=$((interrupted + 1))
	v=$(udp_probe)
	live=$(fw_jq status .policy.file)
	case "$v" in
	"1 1 0") want=$X ;;
	"1 0 0") want=$Y ;;
	*) mixed=$((mixed + 1)); diag "kill $i: verdicts $v are neither X's nor Y's"; continue ;;
	esac
	if [ "$live" != "$want" ]; then
		inconsistent=$((inconsistent + 1))
		diag "kill $i: verdicts are $(basename "$want")'s but status says $(basename "$live")"
	fi
done
check_ge "some applies were interrupted by the kill" 5 "$interrupted"
check_ge "some applies completed before it" 1 "$((KILLS - interrupted))"
check_eq "no kill left a mix of the two policies" 0 "$mixed"
check_eq "the verdicts always were those of the policy status reports" 0 "$inconsistent"
check "a later apply works (no stale lock)" fw apply "$X"
check_eq "X live again" "1 1 0" "$(udp_probe)"
echo "killapply: $KILLS kills, $interrupted interrupted, $mixed mixed"
