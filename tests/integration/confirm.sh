#!/usr/bin/env bash
# confirm.sh - safe change: apply --confirm-within rolls back by itself when no confirm comes
# (even with the applying fwctl killed at once); confirm keeps the policy; another apply waits
# while a confirm is pending; rollback returns to the previous policy on demand; the failsafe
# section's management traffic passes whatever the rules say, both ways; pins are private.
set -u
. "$(dirname "$0")/../lib.sh"
fw_sandbox
PA=7001 PB=7002
udp_counters $PA $PB

policy() {	# NAME B-ACTION
	fw_policy "$1" <<-EOF
	{ "version": 1, "interfaces": ["$IF_FW_C"], "default": "drop",
	  "rules": [ { "id": "a", "action": "pass", "protocol": "udp", "dst_port": $PA },
	             { "id": "b", "action": "$2", "protocol": "udp", "dst_port": $PB } ] }
	EOF
}
A=$(policy A pass)
B=$(policy B drop)
gen() { fw_jq status .policy.generation; }
gone() {	# PID: not running (a zombie waiting for init to reap it counts as gone)
	local st
	st=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]
}
ms() { echo $(($(date +%s%N) / 1000000)); }

check "apply A" fw apply "$A" || exit 1
check_eq "A live: both pass" "1 1" "$(udp_probe)"
GA=$(gen)

# --- no confirm: back by itself within 6 s, the applying fwctl killed right away ---------------
t0=$(ms)
ip netns exec "$NS_FW" $FWCTL apply --confirm-within 5s "$B" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do [ "$(gen)" != "$GA" ] && break; sleep 0.02; done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
check_eq "B live: b dropped" "1 0" "$(udp_probe)"
ST=$(fw -j status)
check_eq "status: a confirm is pending" pending "$(jq -r .confirm.state <<<"$ST")"
check_eq "status: it would roll back to A's generation" "$GA" "$(jq -r .confirm.rollback_to <<<"$ST")"
TIMER=$(jq -r .confirm.timer_pid <<<"$ST")
check "the timer runs detached (not in the test's session)" \
	test "$(ps -o sid= -p "$TIMER" | tr -d ' ')" != "$(ps -o sid= -p $$ | tr -d ' ')"
while [ "$(gen)" != "$GA" ] && [ $(($(ms) - t0)) -lt 8000 ]; do sleep 0.05; done
dt=$(($(ms) - t0))
diag "rolled back $dt ms after the apply started"
check_eq "rolled back to A" "$GA" "$(gen)"
check "... within 6 s of the apply" test "$dt" -le 6000
check "... and not before 5 s" test "$dt" -ge 5000
check_eq "A's verdicts are back" "1 1" "$(udp_probe)"
check_eq "status: rolled back" rolled_back "$(fw_jq status .confirm.state)"
for _ in $(seq 20); do gone "$TIMER" && break; sleep 0.05; done
check "the timer is gone" gone "$TIMER"

# --- confirm in time: the policy stays ------------------------------------------------------------
check "apply B --confirm-within 2s" fw apply --confirm-within 2s "$B"
GB=$(gen)
OUT=$(fw apply "$A" 2>&1)
check_eq "apply while a confirm is pending exits 1" 1 "$?"
check_match "... and says why" "waits for 'fwctl confirm'" "$OUT"
check_eq "... and changed nothing" "$GB" "$(gen)"
check_match "confirm" "confirmed: generation $GB stays" "$(fw confirm)"
sleep 2.5
check_eq "after the deadline B is still live" "$GB" "$(gen)"
check_eq "B's verdicts" "1 0" "$(udp_probe)"
check_eq "status: confirmed" confirmed "$(fw_jq status .confirm.state)"
check_fail "confirm with nothing pending fails" fw confirm

# --- rollback on demand ------------------------------------------------------------------------------
check_match "rollback" "rolled back: generation $GA .* is live again" "$(fw rollback)"
check_eq "A live" "1 1" "$(udp_probe)"
check "rollback twice returns" fw rollback
check_eq "B live" "1 0" "$(udp_probe)"
check "apply with --confirm-within, then rollback at once" fw apply --confirm-within 30s "$A"
TIMER=$(fw_jq status .confirm.timer_pid)
check "rollback" fw rollback
check_eq "B live again" "1 0" "$(udp_probe)"
for _ in $(seq 20); do gone "$TIMER" && break; sleep 0.05; done
check "rollback stopped the timer" gone "$TIMER"
check_fail "--confirm-within without a duration is a usage error" fw apply --confirm-within "$A"
check_fail "--confirm-within 0 is a usage error" fw apply --confirm-within 0 "$A"

# --- failsafe: management traffic passes whatever the rules say, both ways ----------------------------
serve_tcp 22
serve_tcp 2222
FS=$(fw_policy failsafe <<-EOF
	{ "version": 1, "interfaces": ["$IF_FW_C"], "default": "drop",
	  "failsafe": [ { "id": "mgmt-ssh", "action": "pass", "src": ["$CLIENT4", "$CLIENT6"],
	                  "protocol": "tcp", "dst_port": 22 } ],
	  "rules": [ { "id": "oops", "action": "drop" } ],
	  "egress": { "default": "drop" } }
	EOF
)
check "apply a policy whose first rule drops everything, with a failsafe" fw apply "$FS"
check "management SSH (IPv4) connects: in and out" tcp_connect "$SERVER4" 22
check "management SSH (IPv6) connects" tcp_connect "$SERVER6" 22 0.6 "$CLIENT6"
check_fail "SSH from the client's other IPv6 address does not" tcp_connect "$SERVER6" 22 0.6 "$CLIENT6_B"
check_fail "other TCP does not" tcp_connect "$SERVER4" 2222
check_fail "SSH from another source does not" tcp_connect "$SERVER4" 22 0.6 "$CLIENT4_B"
SHOW=$(fw_json show)
check_eq "show: the failsafe rule comes first, marked" "mgmt-ssh true" \
	"$(jq -r '.rules[0] | "\(.id) \(.failsafe)"' <<<"$SHOW")"
check_eq "show: its reply rule leads egress" "mgmt-ssh.reply true" \
	"$(jq -r '.egress.rules[0] | "\(.id) \(.failsafe)"' <<<"$SHOW")"
check_ge "the failsafe counted the SSH segments" 4 "$(jq -r '.rules[0].packets' <<<"$SHOW")"
check_ge "its reply rule counted the server's" 4 "$(jq -r '.egress.rules[0].packets' <<<"$SHOW")"

# --- permissions: the state is root's alone ---------------------------------------------------------
check_eq "pin dir is 0700" 700 "$(stat -c %a "$FW_PIN")"
BAD=$(find "$FW_PIN" -mindepth 1 ! -perm 600 | head -n 3)
check_eq "every pin is 0600" "" "$BAD"

# --- a pinned layout from another fwctl version is refused, not misread ------------------------------
in_ns fw rm "$FW_PIN/fw_rules"
in_ns fw bpftool map create "$FW_PIN/fw_rules" type array key 4 value 8 entries 16 name fw_rules ||
	bail "cannot plant an old-layout map"
OUT=$(fw status 2>&1)
check_eq "status on an old layout exits 2" 2 "$?"
check_match "... naming the map and both layouts" \
	'pinned map fw_rules has another layout \(key 4, value 8, entries 16; this fwctl expects 4, 16, [0-9]+\)' "$OUT"
check_fail "apply on an old layout is refused" fw apply "$A"
check "flush still removes it" fw flush
check_eq "nothing left in the pin dir" "" "$(ls -A "$FW_PIN" 2>/dev/null)"
check "a fresh apply then works" fw apply "$A"
check_eq "A live" "1 1" "$(udp_probe)"
