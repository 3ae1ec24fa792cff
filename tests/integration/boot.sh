#!/usr/bin/env bash
# boot.sh - scripts/fwctl-boot in the firewall namespace with a fresh pin dir, as fwctl.service
# runs it (paths in a temp dir through the FWCTL_* variables), then the daemon as the unit's
# ExecStart. A valid policy (no last-good yet) is applied and saved as last-good (exit 0); the
# last-good policy is preferred over the configured one. With both corrupt it fails closed:
# the failsafe policy file when there is one, else the built-in one that drops every IP packet
# on FWCTL_INTERFACES (exit 1, a message naming each problem); the daemon then keeps the
# failsafe (its own policy is broken), and stopping it leaves the filtering in place.
# shellcheck disable=SC2086 # $FWCTL ("fwctl --pin-dir DIR") is split into words on purpose
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

fw_sandbox
serve_udp 5353
serve_udp 5354
ETC="$FW_TMP/etc"
mkdir -p "$ETC"
export FWCTL_ETC="$ETC" FWCTL_DEFAULTS="$FW_TMP/default-fwctl" FWCTL_RUN_DIR="$FW_TMP/run" \
	FWCTL_PIN_DIR="$FW_PIN" FWCTL_BIN="$FW_BIN"
BOOT="$FW_ROOT/scripts/fwctl-boot"

cat >"$ETC/policy.json" <<-EOF
{
  "version": 1,
  "description": "boot.sh: drop udp 5354",
  "interfaces": ["$IF_FW_C"],
  "default": "pass",
  "rules": [ { "id": "drop-5354", "action": "drop", "protocol": "udp", "dst_port": 5354 } ]
}
EOF

# boot: run fwctl-boot in the firewall namespace; exit status in $RC, stderr in $MSG
boot() {
	MSG=$(in_ns fw "$BOOT" 2>&1 >/dev/null)
	RC=$?
}
# fresh: as after a reboot: no pins, nothing attached
fresh() {
	fw flush || bail "flush"
	check_eq "$1: fresh: nothing loaded" false "$(fw_jq status .loaded)"
}
echoes() { udp_roundtrip "$SERVER4" "$1" 2; }

# --- a valid policy, no last-good yet ---------------------------------------------------------
boot
check_eq "valid: exit status 0" 0 "$RC" || diag "$MSG"
check_match "valid: says what it applied" "applied $ETC/policy.json .*saved it as $ETC/last-good.json" "$MSG"
ST=$(fw_json status)
check_eq "valid: the policy is active" "$ETC/policy.json" "$(jq -r .policy.file <<<"$ST")"
check_eq "valid: attached to $IF_FW_C" "$IF_FW_C" "$(jq -r '[.interfaces[].name] | join(",")' <<<"$ST")"
check "valid: last-good.json is a copy of the policy" cmp "$ETC/policy.json" "$ETC/last-good.json"
check_eq "valid: udp 5353 passes" 2 "$(echoes 5353)"
check_eq "valid: udp 5354 dropped" 0 "$(echoes 5354)"

# --- last-good is preferred ---------------------------------------------------------------------
fresh "last-good"
sed 's/"description": "boot.sh: drop udp 5354"/"description": "edited, never applied"/' \
	"$ETC/last-good.json" >"$ETC/policy.json"
boot
check_eq "last-good: exit status 0" 0 "$RC" || diag "$MSG"
check_eq "last-good: it is the policy applied" "$ETC/last-good.json" "$(fw_jq status .policy.file)"

# --- both corrupt, no failsafe file: the built-in failsafe ----------------------------------------
fresh "built-in"
printf '{ "version": 1, "default": "pass",\n' >"$ETC/policy.json"
printf 'garbage\n' >"$ETC/last-good.json"
echo "FWCTL_INTERFACES=\"${IF_FW_C}*\"" >"$FWCTL_DEFAULTS"
boot
check_eq "built-in: exit status 1" 1 "$RC"
check_match "built-in: says FAIL-CLOSED" "^fwctl-boot: FAIL-CLOSED: no usable policy" "$MSG"
check_match "built-in: names the corrupt last-good (position)" "$ETC/last-good.json:1:[0-9]+: invalid token" "$MSG"
check_match "built-in: names the corrupt policy (position)" "$ETC/policy.json:2:1: " "$MSG"
check_match "built-in: says what it attached, and where from" \
	"built-in failsafe policy \\(every IP packet dropped, non-IP passes\\) to ${IF_FW_C}\\* \\(FWCTL_INTERFACES\\)" "$MSG"
ST=$(fw_json status)
check_eq "built-in: default drop, no rules, non-IP passes" "drop 0 pass" \
	"$(jq -r '"\(.policy.ingress.default) \(.policy.ingress.rules) \(.policy.non_ip)"' <<<"$ST")"
check_eq "built-in: attached to $IF_FW_C" "$IF_FW_C" "$(jq -r '[.interfaces[].name] | join(",")' <<<"$ST")"
check_eq "built-in: udp 5353 dropped" 0 "$(echoes 5353)"
check_eq "built-in: ping dropped" 0 "$(ping4 "$CLIENT4" "$SERVER4" 1)"
check_ge "built-in: counted as default drops" 3 "$(stat_packets ingress default_drop)"

# --- no FWCTL_INTERFACES: the built-in failsafe takes the interfaces the broken policy names ----------
fresh "built-in, policy's interfaces"
rm -f "$FWCTL_DEFAULTS"
printf '{ "version": 1, "interfaces": [{"name": "%s"}], "default": "pass", "rulez": [] }\n' \
	"$IF_FW_C" >"$ETC/policy.json"
boot
check_eq "built-in, policy's interfaces: exit status 1" 1 "$RC"
check_match "built-in, policy's interfaces: names the invalid key" "policy.json:1:[0-9]+: unknown key \"rulez\"" "$MSG"
check_match "built-in, policy's interfaces: from the policy file" \
	"to $IF_FW_C \\(the interfaces of $ETC/policy.json\\)" "$MSG"
check_eq "built-in, policy's interfaces: attached" "$IF_FW_C" "$(fw_jq status '[.interfaces[].name] | join(",")')"

# --- both corrupt, a failsafe file: it is used ------------------------------------------------------
fresh "failsafe"
cat >"$ETC/failsafe.json" <<-EOF
{
  "version": 1,
  "description": "failsafe: management only (ICMP, SSH)",
  "interfaces": ["$IF_FW_C"],
  "default": "drop",
  "rules": [
    { "id": "ssh", "action": "pass", "protocol": "tcp", "dst_port": 22 },
    { "id": "ping", "action": "pass", "protocol": ["icmp", "icmpv6"] }
  ]
}
EOF
boot
check_eq "failsafe: exit status 1" 1 "$RC"
check_match "failsafe: says FAIL-CLOSED and names the file" \
	"^fwctl-boot: FAIL-CLOSED: no usable policy .*: applied the failsafe policy $ETC/failsafe.json\\." "$MSG"
check_eq "failsafe: it is the policy applied" "$ETC/failsafe.json" "$(fw_jq status .policy.file)"
check_eq "failsafe: ping (management) passes" 1 "$(ping4 "$CLIENT4" "$SERVER4" 1)"
check_eq "failsafe: udp 5353 dropped" 0 "$(echoes 5353)"
check "failsafe: the corrupt last-good was not overwritten" grep -qx garbage "$ETC/last-good.json"

# --- then the daemon, as the unit's ExecStart: its policy is broken, the failsafe stays ---------------
LOG="$FW_TMP/daemon.log"
ip netns exec "$NS_FW" setsid "$FW_BIN" daemon --policy "$ETC/policy.json" \
	--last-good "$ETC/last-good.json" --log "$LOG" </dev/null >/dev/null 2>&1 &
DPID=$!
FW_PGIDS+=("$DPID")
for _ in $(seq 100); do
	grep -q "resync (startup)" "$LOG" 2>/dev/null && break
	sleep 0.05
done
check_match "daemon: logs the broken policy and keeps the failsafe" \
	"reload of $ETC/policy.json failed: $ETC/policy.json:1:[0-9]+: unknown key .*; the running policy \\(generation [01]\\) stays" \
	"$(grep 'reload of' "$LOG")"
check_eq "daemon: status shows it running" "true" "$(fw_jq status .daemon.running)"
check_eq "daemon: the failsafe is still the policy" "$ETC/failsafe.json" "$(fw_jq status .policy.file)"
kill -TERM "$DPID"
wait "$DPID"
check_eq "daemon: SIGTERM exits 0" 0 "$?"
check_eq "daemon stopped: no daemon in status" null "$(fw_jq status .daemon)"
check_eq "daemon stopped: still attached" "$IF_FW_C" "$(fw_jq status '[.interfaces[].name] | join(",")')"
check_eq "daemon stopped: udp 5353 still dropped" 0 "$(echoes 5353)"
check_eq "daemon stopped: ping still passes" 1 "$(ping4 "$CLIENT4" "$SERVER4" 1)"
