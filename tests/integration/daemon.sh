#!/usr/bin/env bash
# daemon.sh - fwctl daemon keeps a policy attached to the interfaces a glob selects. The
# client-facing veth is deleted and re-created while UDP traffic runs: the daemon re-attaches
# within 1 s (its log line names the new ifindex), the dropped port never gets through and the
# allowed one resumes. A link renamed into the glob is attached. SIGHUP with a changed policy
# applies it (generation and verdicts change); SIGHUP with a broken file logs the error and the
# running policy stays. A second daemon on the same pin dir is refused. Lost events (ENOBUFS,
# provoked with a tiny receive buffer) lead to a full resync. SIGTERM exits 0 and filtering
# stays. fwctl status shows the daemon while it runs, not after, and a killed one as stale.
# shellcheck disable=SC2086 # $FWCTL ("fwctl --pin-dir DIR") is split into words on purpose
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

fw_sandbox
serve_udp 5353
serve_udp 5354
export FWCTL_RUN_DIR="$FW_TMP/run"	# the daemon's state file: removed with $FW_TMP
LOG="$FW_TMP/daemon.log"
GLOB="${IF_FW_C}*"			# the client-facing veth, not the server-facing one

# write_policy FILE DROP-PORT: default pass, drop UDP to DROP-PORT; egress filtered (tc too)
write_policy() {
	cat >"$1" <<-EOF
	{
	  "version": 1,
	  "description": "daemon.sh, drop udp $2",
	  "interfaces": ["$GLOB"],
	  "default": "pass",
	  "rules": [ { "id": "drop-$2", "action": "drop", "protocol": "udp", "dst_port": $2 } ],
	  "egress": { "default": "pass" }
	}
	EOF
}
POLICY="$FW_TMP/policy.json"
write_policy "$POLICY" 5354

DPIDS=()
# start_daemon [ENV=VAL...]: the daemon in the firewall namespace, its own process group
start_daemon() {
	ip netns exec "$NS_FW" env "$@" setsid $FWCTL daemon --policy "$POLICY" --log "$LOG" \
		</dev/null >/dev/null 2>>"$FW_TMP/daemon.err" &
	DPID=$!
	DPIDS+=("$DPID")
	FW_PGIDS+=("$DPID")	# the trap stops it (by its pid = process group) if we do not
}

# wait_log REGEX [SECONDS]: wait until the log has a line matching REGEX; print that line
wait_log() {
	local i line
	for i in $(seq $((${2:-5} * 50))); do
		line=$(grep -E -- "$1" "$LOG" 2>/dev/null | tail -n1)
		[ -n "$line" ] && { echo "$line"; return 0; }
		sleep 0.02
	done
	return 1
}

ifindex_of() { ip -n "$NS_FW" -j link show dev "$1" | jq -r '.[0].ifindex'; }

# echoes PORT: how many of 2 datagrams to PORT came back
echoes() { udp_roundtrip "$SERVER4" "$1" 2; }
# arrivals PORT TAG: datagrams with TAG that reached the server's PORT
arrivals() { grep -c -- "$2" "$FW_TMP/udp-$1.log"; }

# --- start ----------------------------------------------------------------------------
start_daemon
IDX=$(ifindex_of "$IF_FW_C")
L=$(wait_log "attached $IF_FW_C \\(ifindex $IDX\\)") || bail "the daemon did not attach: $(cat "$LOG" "$FW_TMP/daemon.err")"
check_match "daemon: log line for the initial attach" \
	"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z attached $IF_FW_C \\(ifindex $IDX\\): xdp (native|skb), tc egress$" "$L"
check_fail "daemon: the server-facing veth is not selected" grep -q "attached $IF_FW_S " "$LOG"
ST=$(fw_json status)
check_eq "status: daemon running" true "$(jq -r .daemon.running <<<"$ST")"
check_eq "status: daemon pid" "$DPID" "$(jq -r .daemon.pid <<<"$ST")"
check_eq "status: daemon policy file" "$POLICY" "$(jq -r .daemon.policy <<<"$ST")"
check_eq "status: the policy applied is the daemon's" "$POLICY" "$(jq -r .policy.file <<<"$ST")"
check_match "status text: a daemon line" "^daemon +pid $DPID since " "$(fw status | grep '^daemon')"
check_eq "A: udp 5353 passes" 2 "$(echoes 5353)"
check_eq "A: udp 5354 dropped" 0 "$(echoes 5354)"

expect_rc() {	# RC NAME CMD...
	local want=$1 name=$2 rc
	shift 2
	"$@" >"$FW_TMP/out" 2>&1
	rc=$?
	check_eq "$name (exit $want)" "$want" "$rc" || diag "$(cat "$FW_TMP/out")"
}
expect_rc 1 "a second daemon on the same pin dir is refused" \
	in_ns fw $FWCTL daemon --policy "$POLICY"
check_match "second daemon: the message names the first" "another fwctl daemon \\(pid $DPID\\)" "$(cat "$FW_TMP/out")"

# --- delete and re-create the client-facing veth while traffic runs -----------------------------
# the client sends to 5353 (allowed) and 5354 (dropped) every 20 ms, ignoring send errors
in_ns client timeout 6 python3 - "$SERVER4" <<-'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
i = 0
while True:
    for port in (5353, 5354):
        try:
            s.sendto(("bg-%d\n" % i).encode(), (sys.argv[1], port))
        except OSError:
            pass
    i += 1
    time.sleep(0.02)
EOF
SENDER=$!
sleep 0.3
BG_BEFORE=$(arrivals 5353 bg-)
sys ip -n "$NS_FW" link del "$IF_FW_C"
wait_log "forgot $IF_FW_C \\(ifindex $IDX\\)" 2 >/dev/null
check_match "re-create: the daemon forgot the old link" "forgot $IF_FW_C \\(ifindex $IDX\\): link removed" \
	"$(grep "forgot $IF_FW_C" "$LOG")"
T0=$(date +%s.%N)
sys ip link add "$IF_CLIENT" netns "$NS_CLIENT" type veth peer name "$IF_FW_C" netns "$NS_FW"
NEW=$(ifindex_of "$IF_FW_C")
L=$(wait_log "attached $IF_FW_C \\(ifindex $NEW\\)" 3)
T1=$(date +%s.%N)
check_match "re-create: log line for the new ifindex" "Z attached $IF_FW_C \\(ifindex $NEW\\): xdp (native|skb), tc egress$" "$L"
MS=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%d", (b - a) * 1000 }')
diag "re-attached ${MS} ms after the link was created (old ifindex $IDX, new $NEW)"
if [ "$MS" -lt 1000 ]; then ok "re-create: re-attached within 1 s ($MS ms)"; else not_ok "re-create: re-attached within 1 s" "took $MS ms"; fi
# the new pair gets the lab's addresses, neighbours and routes back
fw_addr client "$IF_CLIENT" "$CLIENT4/24" "$CLIENT4_B/24"
fw_addr fw "$IF_FW_C" "$FW_C4/24"
fw_neigh client "$IF_CLIENT" "$(fw_mac fw "$IF_FW_C")" "$FW_C4"
fw_neigh fw "$IF_FW_C" "$(fw_mac client "$IF_CLIENT")" "$CLIENT4" "$CLIENT4_B"
sys ip -n "$NS_CLIENT" link set "$IF_CLIENT" up
sys ip -n "$NS_FW" link set "$IF_FW_C" up
sys ip -n "$NS_CLIENT" route add default via "$FW_C4"
fw_wait_up client "$IF_CLIENT"
fw_wait_up fw "$IF_FW_C"
for _ in $(seq 50); do
	[ "$(arrivals 5353 bg-)" -gt "$BG_BEFORE" ] && break
	sleep 0.05
done
check_ge "re-create: the running traffic to 5353 resumes" $((BG_BEFORE + 1)) "$(arrivals 5353 bg-)"
check_eq "re-create: status lists the new ifindex" "$NEW" \
	"$(fw_jq status ".interfaces[] | select(.name == \"$IF_FW_C\") | .ifindex")"
check_eq "re-create: udp 5354 still dropped" 0 "$(echoes 5354)"
kill "$SENDER" 2>/dev/null
wait "$SENDER" 2>/dev/null
check_eq "re-create: no datagram of the running traffic reached 5354" 0 "$(arrivals 5354 bg-)"
check_ge "re-create: drop-5354 counted the running traffic" 10 "$(rule_packets drop-5354)"

# --- a link renamed into the glob ----------------------------------------------------------
sys ip -n "$NS_FW" link add "${FW_TAG}x0" type veth peer name "${FW_TAG}x1"
sleep 0.1
check_fail "rename: a link outside the glob is left alone" grep -q "attached ${FW_TAG}x0 " "$LOG"
sys ip -n "$NS_FW" link set "${FW_TAG}x0" name "${IF_FW_C}2"
check_match "rename: attached under its new name" \
	"attached ${IF_FW_C}2 \\(ifindex $(ifindex_of "${IF_FW_C}2")\\): xdp (native|skb), tc egress \\(renamed from ${FW_TAG}x0\\)" \
	"$(wait_log "attached ${IF_FW_C}2 " 3)"

# --- SIGHUP: a changed policy --------------------------------------------------------------
GEN1=$(fw_jq status .policy.generation)
write_policy "$POLICY" 5353
kill -HUP "$DPID"
check_match "SIGHUP: log line of the apply" "applied $POLICY: generation [01] " \
	"$(wait_log "applied .*generation $((1 - GEN1)) " 3)"
ST=$(fw_json status)
check_eq "SIGHUP: generation changed" "$((1 - GEN1))" "$(jq -r .policy.generation <<<"$ST")"
check_eq "SIGHUP: status shows the reload" true "$(jq -r .daemon.last_reload.ok <<<"$ST")"
check_eq "B: udp 5353 dropped now" 0 "$(echoes 5353)"
check_eq "B: udp 5354 passes now" 2 "$(echoes 5354)"

# --- SIGHUP: a broken policy ----------------------------------------------------------------
GEN2=$(fw_jq status .policy.generation)
printf '{ "version": 1, "default": "pass", "rules": [ { "action": "allow" } ] }\n' >"$POLICY"
kill -HUP "$DPID"
L=$(wait_log "reload of .* failed" 3)
check_match "broken: the error is logged, with position and path" \
	"reload of $POLICY failed: $POLICY:1:[0-9]+: rules\\[0\\]\\.action: \"allow\" is not an action.*; the running policy \\(generation $GEN2\\) stays" "$L"
ST=$(fw_json status)
check_eq "broken: generation unchanged" "$GEN2" "$(jq -r .policy.generation <<<"$ST")"
check_eq "broken: status shows the failed reload" false "$(jq -r .daemon.last_reload.ok <<<"$ST")"
check_eq "broken: udp 5353 still dropped" 0 "$(echoes 5353)"
check_eq "broken: the daemon still runs" 0 "$(kill -0 "$DPID" 2>/dev/null; echo $?)"

# --- SIGHUP while a commit-confirm is pending: no reload (it would overwrite the rollback) ---
write_policy "$POLICY" 5353
check "apply --confirm-within 60s" fw apply --confirm-within 60s "$POLICY"
GEN3=$(fw_jq status .policy.generation)
write_policy "$POLICY" 5354
kill -HUP "$DPID"
L=$(wait_log "waits for 'fwctl confirm'" 3)
check_match "pending confirm: the daemon logs why it does not reload" \
	"generation $GEN3 waits for 'fwctl confirm': not reloading $POLICY" "$L"
check_eq "pending confirm: generation unchanged" "$GEN3" "$(fw_jq status .policy.generation)"
check "pending confirm: confirm" fw confirm

# --- SIGTERM -------------------------------------------------------------------------------
write_policy "$POLICY" 5353	# a good file again, for the daemons below
kill -TERM "$DPID"
wait "$DPID"
check_eq "SIGTERM: exit status 0" 0 "$?"
check_match "SIGTERM: logged" "Terminated: exiting; the firewall stays attached" "$(tail -n1 "$LOG")"
ST=$(fw_json status)
check_eq "SIGTERM: status shows no daemon" null "$(jq -c .daemon <<<"$ST")"
check_eq "SIGTERM: status text says so" "daemon    not running" "$(fw status | grep '^daemon')"
check_eq "SIGTERM: both links stay attached" "$IF_FW_C ${IF_FW_C}2" \
	"$(jq -r '[.interfaces[].name] | sort | join(" ")' <<<"$ST")"
check_eq "SIGTERM: udp 5353 still dropped" 0 "$(echoes 5353)"
check_eq "SIGTERM: no state file left" "" "$(ls -A "$FWCTL_RUN_DIR")"

# --- lost events: a tiny receive buffer, a burst of links --------------------------------------
: >"$LOG"
start_daemon FWCTL_NL_RCVBUF=1
wait_log "resync \\(startup\\)" 3 >/dev/null || bail "second daemon: $(cat "$LOG")"
wait_log "attached already" 3 >/dev/null
# one link the daemon attaches (busy ~0.5 s), a burst of others meanwhile, one selected last
sys ip -n "$NS_FW" link add "${IF_FW_C}3" type veth peer name "${FW_TAG}p3"
for i in 1 2 3 4 5 6; do
	sys ip -n "$NS_FW" link add "${FW_TAG}d$i" type veth peer name "${FW_TAG}e$i"
done
sys ip -n "$NS_FW" link add "${IF_FW_C}4" type veth peer name "${FW_TAG}p4"
check_match "ENOBUFS: the overrun is logged" "link events were lost \\(ENOBUFS" "$(wait_log "ENOBUFS" 5)"
check_match "ENOBUFS: the resync attaches the link whose event was lost" "attached ${IF_FW_C}4 " \
	"$(wait_log "attached ${IF_FW_C}4 " 5)"

# --- a killed daemon leaves a stale state file ------------------------------------------------
kill -KILL "$DPID"
wait "$DPID" 2>/dev/null
ST=$(fw_json status)
check_eq "killed: status: daemon not running" false "$(jq -r .daemon.running <<<"$ST")"
check_match "killed: status text says stale" "^daemon +not running \\(stale state of pid $DPID" "$(fw status | grep '^daemon')"
start_daemon
check_match "killed: a new daemon starts over the stale state" "started: pid $DPID" "$(wait_log "started: pid $DPID" 3)"
check_eq "killed: status shows the new daemon" "true $DPID" "$(fw_jq status '"\(.daemon.running) \(.daemon.pid)"')"
