#!/usr/bin/env bash
# matchers.sh - the matchers beyond addresses, protocols and ports, with real traffic from the
# client through the firewall: what reached the server (or not) and the per-rule counters of
# fwctl -j show, one policy per matcher:
#   tcp_flags  "syn,!ack" drops connection attempts, "ack" counts only established segments,
#              "not": {"tcp_flags": "syn,!ack"} takes every segment but the SYN
#   icmp_type  echo requests pass (icmp and icmpv6 rules), other ICMP is dropped, and
#   icmp_code  "not": {"icmp_code": 0} keeps an echo-request rule off normal pings
#   interface  a rule on the client-facing veth counts, the same rule on "lo" never does
#   vlan       802.1Q frames (id 100) written by the client on its veth: "vlan": 100 counts
#              them, "vlan": 200 and "not": {"vlan": 100} do not (the latter takes VLAN 300);
#              untagged frames match no "vlan" rule (and "not": {"vlan": 100} does not match
#              them)
#   sets       "src": "@blocked" drops, "not": {"src": "@blocked"} passes; fwctl set del / add
#              change the verdict at once, without a new apply (same generation)
# shellcheck disable=SC2086,SC2016
# (SC2086: $FWCTL, "fwctl --pin-dir DIR", is split into words on purpose; SC2016: awk programs)
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

fw_sandbox

# VLAN 100's subnet: the client's tagged frames go from VLAN_C4 to VLAN_FW4
VLAN_C4=198.19.100.2
VLAN_FW4=198.19.100.1

# listeners everywhere, so a refused flow proves the firewall dropped it
for p in 8080 8081 8082; do serve_tcp "$p"; done
for p in 5353 5354; do serve_udp "$p"; done

# server_icmp KEY: a counter of the server's /proc/net/snmp "Icmp:" (InEchos, InTimestamps...)
server_icmp() {
	in_ns server awk -v k="$1" '$1 == "Icmp:" {
		if (!h) { for (i = 2; i <= NF; i++) n[i] = $i; h = 1 }
		else for (i = 2; i <= NF; i++) if (n[i] == k) print $i }' /proc/net/snmp
}
# server_icmp6 KEY: a counter of the server's /proc/net/snmp6 (Icmp6InEchos...)
server_icmp6() {
	in_ns server awk -v k="$1" '$1 == k { print $2 }' /proc/net/snmp6
}

# icmp_send SRC DST TYPE CODE COUNT: COUNT raw ICMP (IPv4 DST) or ICMPv6 (IPv6 DST) messages
# of TYPE/CODE from the client, an echo-like body (id, sequence, 56 bytes); no answer awaited
icmp_send() {
	in_ns client python3 - "$@" <<-'EOF'
	import socket, struct, sys
	src, dst, typ, code, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
	def csum(b):
	    if len(b) % 2:
	        b += b"\0"
	    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
	    while s >> 16:
	        s = (s & 0xffff) + (s >> 16)
	    return ~s & 0xffff
	if ":" in dst:
	    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)	# kernel sums
	else:
	    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
	s.bind((src, 0))
	for i in range(n):
	    body = struct.pack("!HH", 0x4657, i + 1) + bytes(56)
	    hdr = struct.pack("!BBH", typ, code, 0)
	    if ":" not in dst:
	        hdr = struct.pack("!BBH", typ, code, csum(hdr + body))
	    s.sendto(hdr + body, (dst, 0))
	EOF
}

# ============================================================================================
# 1. tcp_flags
# ============================================================================================
P=$(fw_policy tcpflags <<-EOF
	{
	  "version": 1,
	  "description": "matchers.sh tcp_flags",
	  "interfaces": ["$IF_FW_C"],
	  "default": "pass",
	  "rules": [
	    { "id": "syn-drop-8081", "action": "drop", "protocol": "tcp", "dst_port": 8081, "tcp_flags": "syn,!ack" },
	    { "id": "ack-8080", "action": "pass", "protocol": "tcp", "dst_port": 8080, "tcp_flags": "ack" },
	    { "id": "notsyn-8082", "action": "pass", "protocol": "tcp", "dst_port": 8082, "not": { "tcp_flags": "syn,!ack" } },
	    { "id": "syn-8082", "action": "pass", "protocol": "tcp", "dst_port": 8082, "tcp_flags": { "mask": "syn,ack", "value": "syn" } },
	    { "id": "rest-8082", "action": "drop", "protocol": "tcp", "dst_port": 8082 }
	  ]
	}
	EOF
)
check "tcp_flags: apply" fw apply "$P" || exit 1
for dst in "$SERVER4" "$SERVER6"; do
	check_fail "tcp_flags: $dst:8081 SYN dropped by syn,!ack" tcp_connect "$dst" 8081
	check "tcp_flags: $dst:8080 connects (only the SYN is not ack)" tcp_connect "$dst" 8080
	check "tcp_flags: $dst:8082 connects (SYN by syn-8082, the rest by notsyn-8082)" tcp_connect "$dst" 8082
done
check_eq "tcp_flags: server saw nothing on 8081" 0 "$(arrived tcp 8081)"
check_eq "tcp_flags: server accepted 2 connections on 8080" 2 "$(arrived tcp 8080)"
check_eq "tcp_flags: server accepted 2 connections on 8082" 2 "$(arrived tcp 8082)"
# each refused attempt gave up before the 1 s SYN retransmission: one SYN each
check_eq "tcp_flags: syn-drop-8081 counted the 2 SYNs" 2 "$(rule_packets syn-drop-8081)"
# the handshake's ACK and at least the ACK of the banner or the FIN, per connection
check_ge "tcp_flags: ack-8080 counted >= 2 segments per connection" 4 "$(rule_packets ack-8080)"
check_eq "tcp_flags: syn-8082 counted exactly the 2 SYNs (notsyn-8082 did not take them)" 2 \
	"$(rule_packets syn-8082)"
check_ge "tcp_flags: notsyn-8082 counted >= 2 non-SYN segments per connection" 4 "$(rule_packets notsyn-8082)"
check_eq "tcp_flags: rest-8082 counted nothing" 0 "$(rule_packets rest-8082)"

# ============================================================================================
# 2. icmp_type / icmp_code
# ============================================================================================
# "ll" takes the IPv6 link-local housekeeping (MLD) so the ICMP counters stay exact
P=$(fw_policy icmp <<-EOF
	{
	  "version": 1,
	  "description": "matchers.sh icmp_type",
	  "interfaces": ["$IF_FW_C"],
	  "default": "pass",
	  "rules": [
	    { "id": "ll", "action": "pass", "src": ["fe80::/10", "::"] },
	    { "id": "echo-code-nz", "action": "drop", "protocol": "icmp", "icmp_type": "echo-request", "not": { "icmp_code": 0 } },
	    { "id": "echo4", "action": "pass", "protocol": "icmp", "icmp_type": "echo-request" },
	    { "id": "echo6", "action": "pass", "protocol": "icmpv6", "icmp_type": "echo-request" },
	    { "id": "icmp-other", "action": "drop", "protocol": ["icmp", "icmpv6"] }
	  ]
	}
	EOF
)
check "icmp: apply" fw apply "$P" || exit 1
e4=$(server_icmp InEchos)
e6=$(server_icmp6 Icmp6InEchos)
ts=$(server_icmp InTimestamps)
er6=$(server_icmp6 Icmp6InEchoReplies)
check_eq "icmp: ping $CLIENT4 -> $SERVER4 passes" 3 "$(ping4 "$CLIENT4" "$SERVER4" 3)"
check_eq "icmp: ping $CLIENT6 -> $SERVER6 passes" 3 "$(ping6 "$CLIENT6" "$SERVER6" 3)"
check_eq "icmp: echo4 counted the 3 IPv4 echo requests" 3 "$(rule_packets echo4)"
check_eq "icmp: echo6 counted the 3 IPv6 echo requests" 3 "$(rule_packets echo6)"
check_eq "icmp: echo-code-nz (not icmp_code 0) never matched a ping" 0 "$(rule_packets echo-code-nz)"
check_eq "icmp: icmp-other counted no ping" 0 "$(rule_packets icmp-other)"
check_eq "icmp: server received the 3 IPv4 echo requests" 3 "$(($(server_icmp InEchos) - e4))"
check_eq "icmp: server received the 3 IPv6 echo requests" 3 "$(($(server_icmp6 Icmp6InEchos) - e6))"
# echo requests with code 1: taken by echo-code-nz, never reach the server
check "icmp: send 2 IPv4 echo requests with code 1" icmp_send "$CLIENT4" "$SERVER4" 8 1 2
# other ICMP: 2 IPv4 timestamp requests, 2 unsolicited ICMPv6 echo replies
check "icmp: send 2 IPv4 timestamp requests" icmp_send "$CLIENT4" "$SERVER4" 13 0 2
check "icmp: send 2 ICMPv6 echo replies" icmp_send "$CLIENT6" "$SERVER6" 129 0 2
sleep 0.2
check_eq "icmp: echo-code-nz counted the 2 code-1 echo requests" 2 "$(rule_packets echo-code-nz)"
check_eq "icmp: echo4 did not count them" 3 "$(rule_packets echo4)"
check_eq "icmp: icmp-other counted the 4 other ICMP messages" 4 "$(rule_packets icmp-other)"
check_eq "icmp: server received no more IPv4 echo requests" 3 "$(($(server_icmp InEchos) - e4))"
check_eq "icmp: server received no timestamp request" 0 "$(($(server_icmp InTimestamps) - ts))"
check_eq "icmp: server received no ICMPv6 echo reply" 0 "$(($(server_icmp6 Icmp6InEchoReplies) - er6))"

# ============================================================================================
# 3. interface
# ============================================================================================
P=$(fw_policy iface <<-EOF
	{
	  "version": 1,
	  "description": "matchers.sh interface",
	  "interfaces": ["$IF_FW_C"],
	  "default": "pass",
	  "rules": [
	    { "id": "lo-drop", "action": "drop", "interface": "lo", "protocol": "udp", "dst_port": 5353 },
	    { "id": "fc-drop", "action": "drop", "interface": "$IF_FW_C", "protocol": "udp", "dst_port": 5353 },
	    { "id": "lo-pass", "action": "pass", "interface": "lo", "protocol": "udp", "dst_port": 5354 },
	    { "id": "fc-pass", "action": "pass", "interface": ["$IF_FW_S", "$IF_FW_C"], "protocol": "udp", "dst_port": 5354 },
	    { "id": "rest-5354", "action": "drop", "protocol": "udp", "dst_port": 5354 }
	  ]
	}
	EOF
)
check "interface: apply" fw apply "$P" || exit 1
for dst in "$SERVER4" "$SERVER6"; do
	check_eq "interface: udp $dst:5353 dropped by fc-drop" 0 "$(udp_roundtrip "$dst" 5353 3)"
	check_eq "interface: udp $dst:5354 passed by fc-pass" 3 "$(udp_roundtrip "$dst" 5354 3)"
done
check_eq "interface: server got nothing on 5353" 0 "$(arrived udp 5353)"
check_eq "interface: server got 6 datagrams on 5354" 6 "$(arrived udp 5354)"
check_eq "interface: fc-drop counted 6" 6 "$(rule_packets fc-drop)"
check_eq "interface: fc-pass counted 6" 6 "$(rule_packets fc-pass)"
check_eq "interface: lo-drop counted nothing" 0 "$(rule_packets lo-drop)"
check_eq "interface: lo-pass counted nothing" 0 "$(rule_packets lo-pass)"
check_eq "interface: rest-5354 counted nothing" 0 "$(rule_packets rest-5354)"

# ============================================================================================
# 4. vlan
# ============================================================================================
# This kernel may have no 802.1Q support (CONFIG_VLAN_8021Q unset: "ip link add ... type vlan"
# says "Unknown device type"), so the client writes the tagged frames itself, on a packet socket
# on its veth: the tag is in the frame, as on a wire, whatever the veth's VLAN offloads. The
# firewall has no VLAN 100 device: only XDP sees these frames.
# vlan_ping VID SRC DST COUNT: COUNT 802.1Q-tagged IPv4 echo requests (56 bytes of data, 102-byte
# frames) from the client's veth to the firewall's MAC
vlan_ping() {
	in_ns client python3 - "$IF_CLIENT" "$(fw_mac client "$IF_CLIENT")" "$(fw_mac fw "$IF_FW_C")" "$@" <<-'EOF'
	import socket, struct, sys
	dev, smac, dmac, vid, src, dst, n = sys.argv[1:8]
	vid, n = int(vid), int(n)
	def csum(b):
	    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
	    while s >> 16:
	        s = (s & 0xffff) + (s >> 16)
	    return ~s & 0xffff
	mac = lambda m: bytes.fromhex(m.replace(":", ""))
	s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
	s.bind((dev, 0))
	for i in range(n):
	    body = struct.pack("!HH", 0x4657, i + 1) + bytes(56)
	    icmp = struct.pack("!BBH", 8, 0, csum(struct.pack("!BBH", 8, 0, 0) + body)) + body
	    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), i + 1, 0x4000, 64, 1, 0,
	                     socket.inet_aton(src), socket.inet_aton(dst))
	    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
	    eth = mac(dmac) + mac(smac) + struct.pack("!HHH", 0x8100, vid & 0xfff, 0x0800)
	    s.send(eth + ip + icmp)
	EOF
}

P=$(fw_policy vlan <<-EOF
	{
	  "version": 1,
	  "description": "matchers.sh vlan",
	  "interfaces": ["$IF_FW_C"],
	  "default": "pass",
	  "rules": [
	    { "id": "ll", "action": "pass", "src": ["fe80::/10", "::"] },
	    { "id": "v200", "action": "drop", "vlan": 200 },
	    { "id": "not-v100", "action": "pass", "dst": ["$VLAN_FW4", "$SERVER4"], "not": { "vlan": 100 } },
	    { "id": "v100", "action": "drop", "vlan": 100 }
	  ]
	}
	EOF
)
check "vlan: apply" fw apply "$P" || exit 1
check "vlan: send 3 echo requests $VLAN_C4 -> $VLAN_FW4 tagged 100" vlan_ping 100 "$VLAN_C4" "$VLAN_FW4" 3
sleep 0.2
check_eq "vlan: v100 counted the 3 tagged frames" 3 "$(rule_packets v100)"
# whole frames: Ethernet 14 + 802.1Q tag 4 + IPv4 20 + ICMP 8 + 56
check_eq "vlan: v100 bytes: 3 x 102 (the tag is in the frame)" 306 "$(rule_field v100 bytes)"
check_eq "vlan: v200 counted nothing" 0 "$(rule_packets v200)"
check_eq "vlan: not-v100 counted none of the tagged frames" 0 "$(rule_packets not-v100)"
# another VLAN: not excluded by "not": {"vlan": 100}, not counted by v100
check "vlan: send 2 echo requests $VLAN_C4 -> $VLAN_FW4 tagged 300" vlan_ping 300 "$VLAN_C4" "$VLAN_FW4" 2
sleep 0.2
check_eq "vlan: not-v100 counted the 2 frames of VLAN 300" 2 "$(rule_packets not-v100)"
check_eq "vlan: v100 still 3 after VLAN 300" 3 "$(rule_packets v100)"
# untagged traffic: no vlan rule counts it, "not": {"vlan": 100} included (rules/README.md: a
# rule with a matcher, negated or not, on a field the packet lacks does not match it, as in nft)
check_eq "vlan: untagged ping $CLIENT4 -> $SERVER4 passes" 3 "$(ping4 "$CLIENT4" "$SERVER4" 3)"
check_eq "vlan: untagged udp $SERVER6:5353 passes" 2 "$(udp_roundtrip "$SERVER6" 5353 2)"
check_eq "vlan: v100 still 3 after untagged traffic" 3 "$(rule_packets v100)"
check_eq "vlan: v200 still 0 after untagged traffic" 0 "$(rule_packets v200)"
check_eq "vlan: not-v100 did not match the untagged pings to $SERVER4 (still 2)" 2 "$(rule_packets not-v100)"

# ============================================================================================
# 5. not + named sets
# ============================================================================================
P=$(fw_policy sets <<-EOF
	{
	  "version": 1,
	  "description": "matchers.sh sets",
	  "interfaces": ["$IF_FW_C"],
	  "default": "drop",
	  "sets": { "blocked": { "elements": ["$CLIENT4"] } },
	  "rules": [
	    { "id": "ll", "action": "pass", "src": ["fe80::/10", "::"] },
	    { "id": "not-blocked", "action": "pass", "not": { "src": "@blocked" } },
	    { "id": "blocked", "action": "drop", "src": "@blocked" }
	  ]
	}
	EOF
)
check "sets: apply" fw apply "$P" || exit 1
GEN=$(fw_jq status .policy.generation)
check_match "sets: generation is a number" '^[0-9]+$' "$GEN"
check_eq "sets: ping from $CLIENT4 (in @blocked) dropped" 0 "$(ping4 "$CLIENT4" "$SERVER4" 3)"
check_eq "sets: blocked counted the 3 echo requests" 3 "$(rule_packets blocked)"
check_eq "sets: not-blocked did not take them" 0 "$(rule_packets not-blocked)"
check_eq "sets: ping from $CLIENT6 (not in @blocked) passes" 3 "$(ping6 "$CLIENT6" "$SERVER6" 3)"
check_eq "sets: ping from $CLIENT4_B (not in @blocked) passes" 3 "$(ping4 "$CLIENT4_B" "$SERVER4" 3)"
check_eq "sets: not-blocked counted the 6 echo requests" 6 "$(rule_packets not-blocked)"
check_eq "sets: default counter 0" 0 "$(fw_jq show '.default_counter.packets')"

check "sets: fwctl set del blocked $CLIENT4/32" fw set del blocked "$CLIENT4/32"
check_eq "sets: ping from $CLIENT4 passes at once" 3 "$(ping4 "$CLIENT4" "$SERVER4" 3)"
check_eq "sets: not-blocked took them (9)" 9 "$(rule_packets not-blocked)"
check_eq "sets: blocked still 3" 3 "$(rule_packets blocked)"
check_eq "sets: generation unchanged after set del" "$GEN" "$(fw_jq status .policy.generation)"

check "sets: fwctl set add blocked $CLIENT4/32" fw set add blocked "$CLIENT4/32"
check_eq "sets: ping from $CLIENT4 dropped again" 0 "$(ping4 "$CLIENT4" "$SERVER4" 3)"
check_eq "sets: blocked counted 3 more (6)" 6 "$(rule_packets blocked)"
check_eq "sets: not-blocked still 9" 9 "$(rule_packets not-blocked)"
check_eq "sets: ping from $CLIENT6 still passes" 3 "$(ping6 "$CLIENT6" "$SERVER6" 3)"
check_eq "sets: generation unchanged after set add" "$GEN" "$(fw_jq status .policy.generation)"
