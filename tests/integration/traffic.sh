#!/usr/bin/env bash
# traffic.sh - real traffic through the firewall, IPv4 and IPv6: TCP connects, UDP echo
# exchanges and pings pass or are dropped as the policy says, and every packet that was sent
# is counted where the count is deterministic: per-rule counters (fwctl -j show), per-reason
# stats (fwctl -j stats), the egress rule (tc), and non-IP frames (ARP) under "non_ip".
# shellcheck disable=SC2086 # $FWCTL ("fwctl --pin-dir DIR") is split into words on purpose
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

fw_sandbox

# policy: TCP 8080 pass / 8081 drop, UDP 5353 pass / 5354 drop, UDP 5355 pass in but its
# replies dropped on egress, echo from CLIENT4/CLIENT6 only; anything else: default drop.
# "ll" takes the IPv6 link-local housekeeping (MLD) so the default counters stay exact.
write_policy() {
	fw_policy "$1" <<-EOF
	{
	  "version": 1,
	  "description": "traffic.sh",
	  "interfaces": ["$IF_FW_C"],
	  "non_ip": "$2",
	  "default": "drop",
	  "rules": [
	    { "id": "ll", "action": "pass", "src": ["fe80::/10", "::"] },
	    { "id": "tcp-ok", "action": "pass", "dst": ["$SERVER4", "$SERVER6"], "protocol": "tcp", "dst_port": 8080 },
	    { "id": "tcp-deny", "action": "drop", "protocol": "tcp", "dst_port": 8081 },
	    { "id": "udp-ok", "action": "pass", "protocol": "udp", "dst_port": 5353 },
	    { "id": "udp-deny", "action": "drop", "protocol": "udp", "dst_port": 5354 },
	    { "id": "udp-egress", "action": "pass", "protocol": "udp", "dst_port": 5355 },
	    { "id": "ping-ok", "action": "pass", "src": ["$CLIENT4", "$CLIENT6"], "protocol": ["icmp", "icmpv6"] },
	    { "id": "ping-deny", "action": "drop", "protocol": ["icmp", "icmpv6"] }
	  ],
	  "egress": {
	    "default": "pass",
	    "rules": [
	      { "id": "out-udp-drop", "action": "drop", "src": ["$SERVER4", "$SERVER6"], "protocol": "udp", "src_port": 5355 }
	    ]
	  }
	}
	EOF
}

# listeners on every port, so a refused flow proves the firewall dropped it
for p in 8080 8081 8082; do serve_tcp "$p"; done
for p in 5353 5354 5355; do serve_udp "$p"; done

POLICY=$(write_policy main pass)
check "apply traffic policy" fw apply "$POLICY" || exit 1
check_eq "rules start at 0 packets" 0 "$(fw_jq show '[.rules[] | select(.id != "ll") | .packets] | add')"

rd0=$(stat_packets ingress rule_drop)
dd0=$(stat_packets ingress default_drop)
erd0=$(stat_packets egress rule_drop)

# --- TCP -------------------------------------------------------------------------
for dst in "$SERVER4" "$SERVER6"; do
	check "tcp $dst:8080 allowed, connect 1" tcp_connect "$dst" 8080
	check "tcp $dst:8080 allowed, connect 2" tcp_connect "$dst" 8080
	check_fail "tcp $dst:8081 denied by rule" tcp_connect "$dst" 8081
	check_fail "tcp $dst:8082 dropped by default" tcp_connect "$dst" 8082
done
check_eq "server accepted 4 connections on 8080" 4 "$(arrived tcp 8080)"
check_eq "server saw nothing on 8081" 0 "$(arrived tcp 8081)"
check_eq "server saw nothing on 8082" 0 "$(arrived tcp 8082)"
# each connection: at least SYN + ACK from the client (then data ACKs and FIN)
check_ge "tcp-ok counted >= 2 packets per connection" 8 "$(rule_packets tcp-ok)"
# each refused attempt gave up before the 1 s SYN retransmission: one SYN each
check_eq "tcp-deny counted one SYN per attempt" 2 "$(rule_packets tcp-deny)"

# --- UDP -------------------------------------------------------------------------
for dst in "$SERVER4" "$SERVER6"; do
	check_eq "udp $dst:5353 allowed: 3 echoes" 3 "$(udp_roundtrip "$dst" 5353 3)"
	check_eq "udp $dst:5354 denied: no echo" 0 "$(udp_roundtrip "$dst" 5354 3)"
	check_eq "udp $dst:5355 reply dropped on egress" 0 "$(udp_roundtrip "$dst" 5355 2)"
done
check_eq "server got 6 datagrams on 5353" 6 "$(arrived udp 5353)"
check_eq "server got none on 5354" 0 "$(arrived udp 5354)"
check_eq "server got 4 datagrams on 5355 (ingress passed them)" 4 "$(arrived udp 5355)"
check_eq "udp-ok counted 6" 6 "$(rule_packets udp-ok)"
check_eq "udp-deny counted 6" 6 "$(rule_packets udp-deny)"
# Ethernet 14 + IPv4 20 / IPv6 40 + UDP 8 + 8 bytes ("dgram-N\n")
check_eq "udp-deny bytes: 3 x 50 + 3 x 70" 360 "$(rule_field udp-deny bytes)"
check_eq "udp-egress counted 4 on ingress" 4 "$(rule_packets udp-egress)"
check_eq "egress rule out-udp-drop counted the 4 replies" 4 "$(rule_packets out-udp-drop egress)"

# --- ICMP / ICMPv6 echo --------------------------------------------------------------
check_eq "ping $CLIENT4 -> $SERVER4 allowed" 3 "$(ping4 "$CLIENT4" "$SERVER4" 3)"
check_eq "ping $CLIENT6 -> $SERVER6 allowed" 3 "$(ping6 "$CLIENT6" "$SERVER6" 3)"
check_eq "ping $CLIENT4_B -> $SERVER4 denied" 0 "$(ping4 "$CLIENT4_B" "$SERVER4" 3)"
check_eq "ping $CLIENT6_B -> $SERVER6 denied" 0 "$(ping6 "$CLIENT6_B" "$SERVER6" 3)"
check_eq "ping-ok counted 6 echo requests" 6 "$(rule_packets ping-ok)"
check_eq "ping-deny counted 6 echo requests" 6 "$(rule_packets ping-deny)"
# bytes are whole frames: Ethernet 14 + IPv4 20 / IPv6 40 + ICMP 8 + 56 bytes of payload
check_eq "ping-ok bytes: 3 x 98 + 3 x 118" 648 "$(rule_field ping-ok bytes)"
check_eq "ping-deny bytes: 3 x 98 + 3 x 118" 648 "$(rule_field ping-deny bytes)"

# --- per-reason stats ----------------------------------------------------------------
# rule drops: 2 SYNs (tcp-deny) + 6 datagrams (udp-deny) + 6 echo requests (ping-deny)
check_eq "stats ingress rule_drop grew by 14" 14 "$(($(stat_packets ingress rule_drop) - rd0))"
check_eq "stats ingress default_drop grew by 2 (the 8082 SYNs)" 2 \
	"$(($(stat_packets ingress default_drop) - dd0))"
check_eq "stats egress rule_drop grew by 4" 4 "$(($(stat_packets egress rule_drop) - erd0))"
check_eq "show: ingress default counter = default_drop stats" \
	"$(stat_packets ingress default_drop)" "$(fw_jq show '.default_counter.packets')"

# --- non-IP frames: ARP -----------------------------------------------------------------
# forget the client's static entry for its gateway: it has to ARP now
arp_check() {
	in_ns client ip neigh del "$FW_C4" dev "$IF_CLIENT" 2>/dev/null
	ping4 "$CLIENT4" "$SERVER4" 1 >/dev/null
}
np0=$(stat_packets ingress non_ip_pass)
check "non_ip pass: ARP resolves the gateway, ping works" arp_check
check_match "client learned the gateway by ARP" "lladdr .* (REACHABLE|STALE|DELAY)" \
	"$(in_ns client ip neigh show "$FW_C4" dev "$IF_CLIENT")"
check_ge "non_ip_pass counted the ARP frames" "$((np0 + 1))" "$(stat_packets ingress non_ip_pass)"

check "apply the same policy with non_ip drop" fw apply "$(write_policy nonip-drop drop)"
nd0=$(stat_packets ingress non_ip_drop)
check_fail "non_ip drop: ARP is dropped, ping fails" arp_check
check_match "client could not resolve the gateway" "(INCOMPLETE|FAILED)" \
	"$(in_ns client ip neigh show "$FW_C4" dev "$IF_CLIENT")"
check_ge "non_ip_drop counted the ARP requests" "$((nd0 + 1))" "$(stat_packets ingress non_ip_drop)"
