#!/usr/bin/env bash
# persist.sh - the firewall lives in bpffs pins and kernel attachments, not in a process.
# After apply, new fwctl processes see the same state (status -j: interface, xdp mode, program
# ids matching the kernel's, policy file, sha256, generation) and traffic is filtered with no
# fwctl running; detach stops filtering, attach --mode skb resumes it in skb mode, a second
# apply flips the generation and restarts the counters, and flush leaves nothing behind.
# shellcheck disable=SC2086 # $FWCTL ("fwctl --pin-dir DIR") is split into words on purpose
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

fw_sandbox
serve_udp 5353
serve_udp 5354

# write_policy NAME DROP-PORT: default pass, drop UDP to DROP-PORT, count egress
write_policy() {
	fw_policy "$1" <<-EOF
	{
	  "version": 1,
	  "description": "persist.sh $1",
	  "interfaces": ["$IF_FW_C"],
	  "default": "pass",
	  "rules": [
	    { "id": "udp-drop-$2", "action": "drop", "protocol": "udp", "dst_port": $2 }
	  ],
	  "egress": { "default": "pass", "rules": [ { "id": "out-udp", "action": "pass", "protocol": "udp" } ] }
	}
	EOF
}

# kernel views of the client-facing interface
xdp_line() { in_ns fw ip -d link show dev "$IF_FW_C"; }
xdp_prog_id() { xdp_line | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'; }
tc_prog_id() { in_ns fw tc filter show dev "$IF_FW_C" egress | sed -n 's/.* id \([0-9]*\) .*/\1/p' | head -n1; }

# echoes PORT: how many of 2 IPv4 + 2 IPv6 datagrams to PORT came back
echoes() {
	echo $(($(udp_roundtrip "$SERVER4" "$1" 2) + $(udp_roundtrip "$SERVER6" "$1" 2)))
}

A=$(write_policy a 5354)
B=$(write_policy b 5353)

# --- apply, then look from new processes -----------------------------------------------
check "apply policy A" fw apply "$A" || exit 1
ST=$(fw_json status)
check_eq "status: loaded" true "$(jq -r .loaded <<<"$ST")"
check_eq "status: one interface, the client-facing veth" "$IF_FW_C" "$(jq -r '[.interfaces[].name] | join(",")' <<<"$ST")"
check_eq "status: policy file" "$A" "$(jq -r .policy.file <<<"$ST")"
check_eq "status: policy sha256 = sha256sum" "$(sha256sum "$A" | cut -d' ' -f1)" "$(jq -r .policy.sha256 <<<"$ST")"
GEN1=$(jq -r .policy.generation <<<"$ST")
check_match "status: generation is a number" '^[0-9]+$' "$GEN1"
check_eq "status: egress filtered" true "$(jq -r .policy.egress.filtered <<<"$ST")"
MODE=$(jq -r '.interfaces[0].xdp.mode' <<<"$ST")
check_match "status: xdp mode native or skb" '^(native|skb)$' "$MODE"
if [ "$MODE" = native ]; then
	check_match "kernel: native xdp on the interface" ' xdp ' "$(xdp_line)"
else
	check_match "kernel: generic xdp on the interface" ' xdpgeneric ' "$(xdp_line)"
fi
check_eq "status: xdp prog id = kernel's" "$(xdp_prog_id)" "$(jq -r '.interfaces[0].xdp.prog_id' <<<"$ST")"
check_eq "status: tc egress prog id = kernel's" "$(tc_prog_id)" "$(jq -r '.interfaces[0].tc_egress.prog_id' <<<"$ST")"
check_eq "status again (another process): same document" "$(jq -cS . <<<"$ST")" "$(fw_json status | jq -cS .)"

# --- filtering with no fwctl running ---------------------------------------------------
check_eq "no process left in the firewall namespace" "" "$(ip netns pids "$NS_FW")"
check_eq "A: UDP 5353 passes" 4 "$(echoes 5353)"
check_eq "A: UDP 5354 dropped" 0 "$(echoes 5354)"
check_eq "A: udp-drop-5354 counted 4" 4 "$(rule_packets udp-drop-5354)"
check_ge "A: egress out-udp counted the 4 echoes" 4 "$(rule_packets out-udp egress)"

# --- detach --------------------------------------------------------------------------
check "detach $IF_FW_C" fw detach "$IF_FW_C"
check_eq "status: no interface after detach" 0 "$(fw_jq status '.interfaces | length')"
check_fail "kernel: no xdp program after detach" grep -q 'prog/xdp' <<<"$(xdp_line)"
check_eq "kernel: no tc egress filter after detach" "" "$(in_ns fw tc filter show dev "$IF_FW_C" egress)"
check_eq "detached: UDP 5354 passes now" 4 "$(echoes 5354)"
check_eq "detached: udp-drop-5354 did not count" 4 "$(rule_packets udp-drop-5354)"

# --- attach in skb mode --------------------------------------------------------------
check "attach $IF_FW_C --mode skb" fw attach "$IF_FW_C" --mode skb
ST=$(fw_json status)
check_eq "status: xdp mode skb" skb "$(jq -r '.interfaces[0].xdp.mode' <<<"$ST")"
check_match "kernel: generic xdp on the interface" ' xdpgeneric ' "$(xdp_line)"
check_eq "status: xdp prog id = kernel's" "$(xdp_prog_id)" "$(jq -r '.interfaces[0].xdp.prog_id' <<<"$ST")"
check_eq "status: tc egress back (policy filters egress)" "$(tc_prog_id)" "$(jq -r '.interfaces[0].tc_egress.prog_id' <<<"$ST")"
check_eq "skb: UDP 5354 dropped again" 0 "$(echoes 5354)"
check_eq "skb: UDP 5353 passes" 4 "$(echoes 5353)"
check_eq "skb: udp-drop-5354 counted 4 more" 8 "$(rule_packets udp-drop-5354)"

# --- a second policy -----------------------------------------------------------------
check "apply policy B" fw apply "$B" || exit 1
ST=$(fw_json status)
GEN2=$(jq -r .policy.generation <<<"$ST")
check_match "B: generation is a number" '^[0-9]+$' "$GEN2"
if [ "$GEN2" != "$GEN1" ]; then
	ok "B: generation flipped"
else
	not_ok "B: generation flipped" "A and B both have generation $GEN1"
fi
check_eq "B: policy file" "$B" "$(jq -r .policy.file <<<"$ST")"
check_eq "B: sha256 = sha256sum" "$(sha256sum "$B" | cut -d' ' -f1)" "$(jq -r .policy.sha256 <<<"$ST")"
check_eq "B: rule counters restart at 0" "0 0" "$(fw_jq show '"\(.rules[0].packets) \(.rules[0].bytes)"')"
check_eq "B: egress rule counters restart at 0" 0 "$(rule_packets out-udp egress)"
check_eq "B: UDP 5353 dropped" 0 "$(echoes 5353)"
check_eq "B: UDP 5354 passes" 4 "$(echoes 5354)"
check_eq "B: udp-drop-5353 counted 4" 4 "$(rule_packets udp-drop-5353)"

# --- a policy without "egress" takes the tc program off ----------------------------------
C=$(fw_policy C <<-EOF
	{ "version": 1, "interfaces": ["$IF_FW_C"], "default": "pass",
	  "rules": [ { "id": "udp-drop-5353", "action": "drop", "protocol": "udp", "dst_port": 5353 } ] }
	EOF
)
check "C: apply (no egress section)" fw apply "$C"
ST=$(fw -j status)
check_eq "C: status: no tc egress program" null "$(jq -c '.interfaces[0].tc_egress' <<<"$ST")"
check_eq "C: kernel: no tc egress filter" "" "$(in_ns fw tc filter show dev "$IF_FW_C" egress)"
check_eq "C: kernel: no clsact qdisc left" "" "$(in_ns fw tc qdisc show dev "$IF_FW_C" | grep clsact)"
check_eq "C: UDP 5353 still dropped" 0 "$(echoes 5353)"
check "B again: apply" fw apply "$B"
check_match "B again: tc egress back" '^[0-9]+$' "$(fw_jq status '.interfaces[0].tc_egress.prog_id')"

# --- flush ---------------------------------------------------------------------------
check "flush" fw flush
check_eq "flush: pin dir gone or empty" "" "$(ls -A "$FW_PIN" 2>/dev/null)"
check_eq "flush: no pinned object left in the bpffs" "" \
	"$(find "$FW_BPFFS" -mindepth 1 -type f ! -name maps.debug ! -name progs.debug)"
check_fail "flush: no xdp program on the interface" grep -Eq 'prog/xdp|xdp(generic|offload)? ' <<<"$(xdp_line)"
check_eq "flush: no tc egress filter" "" "$(in_ns fw tc filter show dev "$IF_FW_C" egress)"
check_eq "flush: no clsact qdisc left" "" "$(in_ns fw tc qdisc show dev "$IF_FW_C" | grep clsact)"
check_eq "flush: status says not loaded" false "$(fw_jq status .loaded)"
check_eq "flush: UDP 5353 passes unfiltered" 4 "$(echoes 5353)"
check_eq "flush: UDP 5354 passes unfiltered" 4 "$(echoes 5354)"
