#!/usr/bin/env bash
# hw.sh - attach modes. 'attach --mode hw' on a veth (no BPF offload) fails with exit status 2
# and a message naming the interface, its driver (veth) and the kernel's reason (errno), and
# changes nothing: configuration maps (fw-mapdigest), status, the kernel's XDP state and the pin
# dir are as before. A policy hw mode cannot run is refused first, as a policy error (exit 1,
# position and path). "mode": "hw" in a policy fails the same way on apply. '--mode auto'
# says which mode it got: native on a veth, skb (with the reason) when native is refused.
# shellcheck disable=SC2086 # $FWCTL ("fwctl --pin-dir DIR") is split into words on purpose
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

fw_sandbox
P=$(fw_policy hw-ok <<-EOF
	{ "version": 1, "interfaces": ["$IF_FW_C"], "default": "pass",
	  "rules": [ { "id": "udp-drop", "action": "drop", "protocol": "udp", "dst_port": [5354, 5355],
	               "src": ["198.18.1.0/24", "2001:db8:1::/64"] } ] }
	EOF
)
check "apply a policy in the hw subset" fw apply "$P" || exit 1

# snapshot: everything a failed attach must leave as it was
snapshot() {
	in_ns fw "$FW_MAPDIGEST" "$FW_PIN"
	fw_json status | jq -cS 'del(.daemon)'
	in_ns fw ip -d link show dev "$IF_FW_S" | grep -oE 'xdp[a-z]*|prog/xdp id [0-9]+'
	find "$FW_PIN" | sort
}
BEFORE=$(snapshot)

# --- hw on a veth: refused by the kernel ------------------------------------------------
OUT=$(fw attach "$IF_FW_S" --mode hw 2>"$FW_TMP/err")
RC=$?
ERR=$(cat "$FW_TMP/err")
check_eq "hw: exit status 2" 2 "$RC"
check_eq "hw: nothing on stdout" "" "$OUT"
check_match "hw: names the interface and its driver" \
	"^Error: cannot attach XDP in hw \\(offload\\) mode to $IF_FW_S \\(driver veth\\): " "$ERR"
check_match "hw: the kernel's reason (step, errno)" \
	"the kernel refused to [a-z ]+ fw_hw_gen on the device: Invalid argument \\(EINVAL\\)" "$ERR"
check_match "hw: what the errno means here" "the driver offers no BPF offload" "$ERR"
check_eq "hw: one line" 1 "$(wc -l <<<"$ERR")"
AFTER=$(snapshot)
check_eq "hw: no state change (maps, status, kernel XDP, pins)" "$BEFORE" "$AFTER"
check_fail "hw: no offloaded program in the kernel" grep -q xdpoffload <<<"$(in_ns fw ip -d link show dev "$IF_FW_S")"
check_eq "hw: no hw pins" "" "$(find "$FW_PIN" -path '*/hw*')"

# --- a policy hw mode cannot run: a policy error, before any kernel call ------------------------
Q=$(fw_policy hw-no <<-EOF
	{ "version": 1, "interfaces": ["$IF_FW_C"], "default": "pass",
	  "rules": [ { "action": "drop", "protocol": "tcp", "tcp_flags": "syn,!ack" } ] }
	EOF
)
check "apply a policy outside the hw subset" fw apply "$Q"
BEFORE=$(snapshot)
ERR=$(fw attach "$IF_FW_S" --mode hw 2>&1 >/dev/null)
check_eq "hw, tcp_flags: exit status 1" 1 "$?"
check_match "hw, tcp_flags: position, path and reason" \
	"^Error: $Q:2:[0-9]+: rules\\[0\\]\\.tcp_flags: tcp_flags is not supported in hw mode" "$ERR"
check_eq "hw, tcp_flags: no state change" "$BEFORE" "$(snapshot)"

# --- "mode": "hw" in a policy ----------------------------------------------------------------
R=$(fw_policy hw-mode <<-EOF
	{ "version": 1, "interfaces": ["$IF_FW_C", { "name": "$IF_FW_S", "mode": "hw" }],
	  "default": "pass", "rules": [] }
	EOF
)
ERR=$(fw apply "$R" 2>&1 >/dev/null)
check_eq "policy mode hw: apply exits 2" 2 "$?"
check_match "policy mode hw: the same refusal" \
	"^Error: cannot attach XDP in hw \\(offload\\) mode to $IF_FW_S \\(driver veth\\): .*\\(EINVAL\\)" "$ERR"
check_eq "policy mode hw: $IF_FW_S not attached" "$IF_FW_C" "$(fw_jq status '[.interfaces[].name] | join(",")')"

S=$(fw_policy hw-mode-no <<-EOF
	{ "version": 1, "interfaces": [{ "name": "$IF_FW_S", "mode": "hw" }], "default": "pass",
	  "rules": [ { "action": "drop", "protocol": "icmp", "icmp_type": "echo-request" } ] }
	EOF
)
BEFORE=$(snapshot)
ERR=$(fw apply "$S" 2>&1 >/dev/null)
check_eq "policy mode hw, icmp_type: apply exits 1" 1 "$?"
check_match "policy mode hw, icmp_type: a policy error" \
	"^Error: $S:2:[0-9]+: rules\\[0\\]\\.icmp_type: icmp_type is not supported in hw mode" "$ERR"
check_eq "policy mode hw, icmp_type: nothing changed" "$BEFORE" "$(snapshot)"

# --- --mode auto says which mode it got ------------------------------------------------------------
OUT=$(fw attach "$IF_FW_S" --mode auto)
check_match "auto on a veth: native" "^ *$IF_FW_S +ifindex [0-9]+ +xdp native " "$OUT"
check_eq "auto: status agrees" native "$(fw_jq status ".interfaces[] | select(.name == \"$IF_FW_S\") | .xdp.mode")"
# a jumbo MTU makes veth refuse native XDP: auto falls back to skb and says why
sys ip -n "$NS_FW" link add "${FW_TAG}j0" mtu 9000 type veth peer name "${FW_TAG}j1" mtu 9000
OUT=$(fw -j attach "${FW_TAG}j0" --mode auto 2>"$FW_TMP/err")
check_eq "auto with native refused: exit 0" 0 "$?"
check_eq "auto with native refused: skb (JSON)" skb "$(jq -r .xdp.mode <<<"$OUT")"
check_match "auto with native refused: says why" \
	"^fwctl: ${FW_TAG}j0: native XDP refused \\(.+\\): attached in skb mode$" "$(cat "$FW_TMP/err")"
check_match "kernel: generic XDP on ${FW_TAG}j0" "xdpgeneric" "$(in_ns fw ip -d link show dev "${FW_TAG}j0")"
