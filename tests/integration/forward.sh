#!/usr/bin/env bash
# forward.sh - appliance forwarding (issue 6) in a four-namespace lab: client, firewall with
# three ports, server, and a third host. (1) XDP redirect between the firewall's ports: the
# server gets the traffic, the firewall's own stack never sees it (nft counter 0 in its
# namespace), TCP works both ways, fib mode forwards by route and counts what it hands to the
# stack; (2) tc egress rewrites (addresses, ports, DSCP/ECN/TTL, MACs, VLAN push) reach a peer
# whose kernel accepts them, IPv4 and IPv6, with the static-NAT reverse on ingress, and a
# capture at the receiver (tcpdump -vv) shows the new fields and no checksum errors;
# (3) deleting the redirect target under traffic: a counted fallback, the firewall keeps
# running, status says MISSING, re-apply (and the daemon, by itself) restores the redirect.
# shellcheck disable=SC2086 # $FWCTL ("fwctl --pin-dir DIR") is split into words on purpose
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

NS_THIRD="fwt-$FW_TEST-$$-third"
IF_FW_T="${FW_TAG}ft"		# the firewall's third port
IF_THIRD="${FW_TAG}t"		# the third host's side
FW_T4=198.18.3.1
THIRD4=198.18.3.2
# the "wire" subnet the redirect rules bridge (the firewall has no address in it)
W_C4=198.18.10.2 W_S4=198.18.10.3 W_T4=198.18.10.4
W_C6=2001:db8:10::2 W_S6=2001:db8:10::3
NAT4=198.18.2.100 NAT4_U=198.18.2.101	# static NAT addresses on the server's side
NAT6=2001:db8:2::100 NAT6_U=2001:db8:2::101

# fw_sandbox4: fw_sandbox plus the third port and host, the wire subnet, wire-like veths
# (no checksum offload: frames carry full checksums as on a cable) and GRO on the receivers
# of redirected frames (a veth peer without XDP needs it to take them)
fw_sandbox4() {
	fw_sandbox
	fw_netns "$NS_THIRD"
	fw_addr client "$IF_CLIENT" "$W_C4/24" "$W_C6/64"
	fw_addr server "$IF_SERVER" "$W_S4/24" "$W_S6/64"
	MAC_C=$(fw_mac client "$IF_CLIENT")
	MAC_S=$(fw_mac server "$IF_SERVER")
	MAC_FS=$(fw_mac fw "$IF_FW_S")
	third_link
	fw_neigh client "$IF_CLIENT" "$MAC_S" "$W_S4" "$W_S6"
	fw_neigh server "$IF_SERVER" "$MAC_C" "$W_C4" "$W_C6"
	fw_neigh server "$IF_SERVER" "$MAC_FS" "$NAT4" "$NAT4_U" "$NAT6" "$NAT6_U"
	for x in "client $IF_CLIENT" "server $IF_SERVER"; do
		set -- $x
		sys in_ns "$1" ethtool -K "$2" tx off gro on
	done
	sys in_ns fw ethtool -K "$IF_FW_S" tx off
	sys in_ns fw ethtool -K "$IF_FW_C" tx off
}

# third_link: (re-)create the firewall's third port and the third host's side
third_link() {
	sys ip link add "$IF_FW_T" netns "$NS_FW" type veth peer name "$IF_THIRD" netns "$NS_THIRD"
	fw_addr fw "$IF_FW_T" "$FW_T4/24"
	fw_addr "$NS_THIRD" "$IF_THIRD" "$THIRD4/24" "$W_T4/24"
	sys ip -n "$NS_FW" link set "$IF_FW_T" up
	sys ip -n "$NS_THIRD" link set "$IF_THIRD" up
	sys in_ns "$NS_THIRD" ethtool -K "$IF_THIRD" tx off gro on
	fw_wait_up fw "$IF_FW_T"
	fw_wait_up "$NS_THIRD" "$IF_THIRD"
	in_ns "$NS_THIRD" nft delete table netdev third 2>/dev/null
	in_ns "$NS_THIRD" nft -f - <<-EOF || bail "nft counter on the third host"
	table netdev third {
		chain in {
			type filter hook ingress device "$IF_THIRD" priority 0;
			udp dport 5600 counter drop
		}
	}
	EOF
	if [ -n "${MAC_C:-}" ]; then
		fw_neigh client "$IF_CLIENT" "$(fw_mac "$NS_THIRD" "$IF_THIRD")" "$W_T4"
	fi
}

third_count() {
	in_ns "$NS_THIRD" nft -j list table netdev third |
		jq '[.nftables[].rule? | select(. != null) | .expr[1].counter.packets] | .[0]'
}

# fw_stack_count: packets of the wire subnet the firewall's own stack saw (prerouting)
fw_stack_count() {
	in_ns fw nft -j list table inet fwstack |
		jq '[.nftables[].rule? | select(. != null) | .expr[1].counter.packets] | add'
}

# udp_send DST PORT N: N datagrams from the client, 10 ms apart
udp_send() {
	in_ns client python3 -c '
import socket, sys, time
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
for i in range(int(sys.argv[3])):
    s.sendto(b"x" * 32, (sys.argv[1], int(sys.argv[2])))
    time.sleep(0.01)' "$@"
}

# udp_reply DST PORT SRC: one datagram from a connected socket (only a reply from DST:PORT is
# taken): prints the reply, or nothing
udp_reply() {
	in_ns client python3 -c '
import socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.settimeout(1)
s.bind((sys.argv[3], 0))
s.connect((sys.argv[1], int(sys.argv[2])))
for i in range(3):
    s.send(b"hello-%d\n" % i)
    try:
        print(s.recv(2048).decode().strip()); break
    except (socket.timeout, ConnectionRefusedError):
        pass' "$@"
}

# hex_tcp4 SRC DST DPORT: an Ethernet/IPv4/TCP SYN frame as hex (for fwctl explain --hex)
hex_tcp4() {
	python3 -c '
import socket, struct, sys
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 0, 0, 64, 6, 0,
                 socket.inet_aton(sys.argv[1]), socket.inet_aton(sys.argv[2]))
tcp = struct.pack("!HHIIBBHHH", 40000, int(sys.argv[3]), 0, 0, 0x50, 2, 1024, 0, 0)
print((b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + tcp).hex())' "$@"
}

# tcp_banner HOST PORT: the banner the server sent on a connection from the client
tcp_banner() {
	in_ns client timeout 3 socat -T 2 -u "TCP:$(fw_hostport "$1" "$2"),connect-timeout=1" \
		STDOUT 2>/dev/null
}

# cap_has NAME REGEX: the capture's text ($cap) has a line matching REGEX
cap_has() {
	check_ge "$1" 1 "$(grep -Ec -- "$2" <<<"$cap")"
}

fw_sandbox4
fw_spawn client true	# (keeps FW_PGIDS non-empty for the trap's loops)
in_ns fw nft -f - <<EOF || bail "nft counter in the firewall"
table inet fwstack {
	chain pre {
		type filter hook prerouting priority -300;
		ip saddr 198.18.10.0/24 counter
		ip6 saddr 2001:db8:10::/64 counter
	}
}
EOF
serve_tcp 8080
serve_tcp 8090
serve_tcp 8092
serve_udp 5353

# --- 1. redirect ---------------------------------------------------------------------
REDIR=$(fw_policy redirect <<EOF
{
  "version": 1,
  "interfaces": ["$IF_FW_C", "$IF_FW_S"],
  "default": "pass",
  "redirect_fallback": "drop",
  "rules": [
    { "id": "to-server", "interface": "$IF_FW_C", "dst": ["$W_S4", "$W_S6"],
      "action": { "redirect": "$IF_FW_S" } },
    { "id": "to-third", "interface": "$IF_FW_C", "dst": "$W_T4", "protocol": "udp",
      "action": { "redirect": "$IF_FW_T" } },
    { "id": "back", "interface": "$IF_FW_S", "dst": ["$W_C4", "$W_C6"],
      "action": { "redirect": "$IF_FW_C" } },
    { "id": "fib-out", "interface": "$IF_FW_C", "dst": ["$SERVER4", "$SERVER6", "198.18.2.9"],
      "protocol": ["tcp", "udp"], "dst_port": [8090, 5700], "action": { "fib": true } },
    { "id": "fib-back", "interface": "$IF_FW_S", "src": ["$SERVER4", "$SERVER6"],
      "protocol": "tcp", "src_port": 8090, "action": { "fib": true } }
  ]
}
EOF
)
check "apply the redirect policy" fw apply "$REDIR" || exit 1
r0=$(stat_packets ingress redirect)
for dst in "$W_S4" "$W_S6"; do
	check "tcp through the XDP redirect to $dst (both directions redirected)" tcp_connect "$dst" 8080 2
	check_eq "udp echo through the redirect to $dst" 3 "$(udp_roundtrip "$dst" 5353 3)"
done
r1=$(stat_packets ingress redirect)
check_ge "XDP redirect counter counts them (>= 2x(4+6))" $((r0 + 20)) "$r1"
check_eq "the firewall's own stack saw none of the redirected traffic (nft prerouting)" 0 "$(fw_stack_count)"
check_ge "rule to-server counted" 4 "$(rule_packets to-server)"
check_ge "rule back counted" 4 "$(rule_packets back)"
show=$(fw show)
check_match "show says where it redirects" "=> redirect to $IF_FW_S" "$show"
check_match "status lists the redirect targets" "redirect +$IF_FW_S: ok" "$(fw status)"
t0=$(third_count)
udp_send "$W_T4" 5600 20
sleep 0.2
check_eq "the third host got 20 datagrams through the third port" $((t0 + 20)) "$(third_count)"

# fib mode: routed by the kernel's FIB in XDP (MACs rewritten, TTL decremented)
f0=$(stat_packets ingress redirect)
for dst in "$SERVER4" "$SERVER6"; do
	check "tcp through fib forwarding to $dst" tcp_connect "$dst" 8090 2
done
f1=$(stat_packets ingress redirect)
check_ge "fib forwarding counted as redirect" $((f0 + 8)) "$f1"
p0=$(stat_packets ingress fib_pass)
udp_send 198.18.2.9 5700 3
sleep 0.1
check_ge "fib lookup without a neighbour: to the stack, counted fib_pass" $((p0 + 3)) "$(stat_packets ingress fib_pass)"
check_match "show -j: the rule's forward action" "redirect to $IF_FW_S" "$(fw -j show | jq -r '.rules[0].forward')"
check_match "explain: redirect to IF" "redirect .* rule 0 to-server .*=> redirect to $IF_FW_S$" \
	"$(fw explain --interface "$IF_FW_C" --hex "$(hex_tcp4 "$W_C4" "$W_S4" 8080)")"
check_match "explain: forward by route" "=> forward by route \(fib\)" \
	"$(fw explain --interface "$IF_FW_C" --hex "$(hex_tcp4 "$CLIENT4" "$SERVER4" 8090)")"

# --- 3. the redirect target deleted under traffic, then re-created -------------------
fb0=$(stat_packets ingress redirect_fallback)
t0=$(third_count)
udp_send "$W_T4" 5600 100 &
sender=$!
sleep 0.3
sys ip -n "$NS_FW" link del "$IF_FW_T"
wait "$sender"
fb1=$(stat_packets ingress redirect_fallback)
check_ge "datagrams to the deleted target counted as redirect_fallback" $((fb0 + 10)) "$fb1"
check "the firewall still redirects TCP to the server" tcp_connect "$W_S4" 8080 2
check_match "status reports the missing target" "$IF_FW_T: MISSING" "$(fw status)"
check_match "show marks the rule whose target is missing" \
	"=> redirect to $IF_FW_T \[target missing: fallback\]" "$(fw show)"
check_eq "status -j: missing" true "$(fw_jq status ".redirect_targets[] | select(.interface == \"$IF_FW_T\") | .missing")"
check_eq "the firewall's stack still saw none of it (fallback drop)" 0 "$(fw_stack_count)"
third_link
t0=$(third_count)
udp_send "$W_T4" 5600 10
sleep 0.2
check_eq "re-created but not re-applied: still the fallback" "$t0" "$(third_count)"
check "re-apply" fw apply "$REDIR"
udp_send "$W_T4" 5600 10
sleep 0.2
check_eq "after re-apply the third host gets them again" $((t0 + 10)) "$(third_count)"

# the daemon puts a target back into the devmap by itself
fw_spawn fw $FWCTL daemon --policy "$REDIR" --log "$FW_TMP/daemon.log"
sleep 1
sys ip -n "$NS_FW" link del "$IF_FW_T"
third_link
restored=0
for _ in $(seq 30); do
	grep -q "redirect target $IF_FW_T is back" "$FW_TMP/daemon.log" && { restored=1; break; }
	sleep 0.1
done
check_eq "the daemon refilled the devmap when $IF_FW_T came back" 1 "$restored"
t0=$(third_count)
udp_send "$W_T4" 5600 10
sleep 0.2
check_eq "redirect restored without a re-apply" $((t0 + 10)) "$(third_count)"
kill -TERM -- "-${FW_PGIDS[-1]}" 2>/dev/null

# an absent target at apply: an error with its path, unless optional or --missing-ok (boot)
GONE=$(fw_policy gone <<EOF
{
  "version": 1, "interfaces": ["$IF_FW_C"], "default": "pass",
  "rules": [ { "id": "gone", "dst": "$W_T4", "action": { "redirect": "${FW_TAG}zz" } } ]
}
EOF
)
err=$(fw apply "$GONE" 2>&1 >/dev/null)
check_eq "apply with an absent redirect target: exit 1" 1 "$?"
check_match "... names the position and path" \
	"^Error: $GONE:3:[0-9]+: rules\[0\]\.action\.redirect: no such device \"${FW_TAG}zz\"" "$err"
check "apply --missing-ok accepts it" fw apply --missing-ok "$GONE"
check_match "status: the target is MISSING" "${FW_TAG}zz: MISSING" "$(fw status)"
fb0=$(stat_packets ingress redirect_fallback)
udp_send "$W_T4" 5600 5
check_ge "its traffic gets the counted fallback" $((fb0 + 5)) "$(stat_packets ingress redirect_fallback)"


# --- 2. egress rewrites, received by a peer whose kernel accepts them -------------------
sys ip -n "$NS_FW" neigh replace 198.18.2.200 lladdr "$MAC_S" dev "$IF_FW_S" nud permanent
REWRITE=$(fw_policy rewrite <<EOF
{
  "version": 1,
  "interfaces": ["$IF_FW_C", "$IF_FW_S"],
  "default": "pass",
  "rules": [],
  "egress": {
    "default": "pass",
    "rules": [
      { "id": "snat4", "src": "$CLIENT4", "dst": "$SERVER4", "protocol": "tcp", "dst_port": 8090,
        "action": "pass", "rewrite": { "src": "$NAT4" } },
      { "id": "snat6", "src": "$CLIENT6", "dst": "$SERVER6", "protocol": "tcp", "dst_port": 8090,
        "action": "pass", "rewrite": { "src": "$NAT6" } },
      { "id": "dnat4", "dst": "198.18.2.200", "protocol": "tcp", "dst_port": 8092,
        "action": "pass", "rewrite": { "dst": "$SERVER4" } },
      { "id": "port4", "dst": "$SERVER4", "protocol": "tcp", "dst_port": 8081,
        "action": "pass", "rewrite": { "dst_port": 8080 } },
      { "id": "port6", "dst": "$SERVER6", "protocol": "tcp", "dst_port": 8081,
        "action": "pass", "rewrite": { "dst_port": 8080 } },
      { "id": "udp4", "src": "$CLIENT4", "dst": "$SERVER4", "protocol": "udp", "dst_port": 5400,
        "action": "pass", "rewrite": { "src": "$NAT4_U", "dst_port": 5353 } },
      { "id": "udp6", "src": "$CLIENT6", "dst": "$SERVER6", "protocol": "udp", "dst_port": 5400,
        "action": "pass", "rewrite": { "src": "$NAT6_U", "dst_port": 5353 } },
      { "id": "marks4", "dst": "$SERVER4", "protocol": "udp", "dst_port": 5500, "action": "pass",
        "rewrite": { "dscp": "ef", "ecn": 1, "ttl": 33, "src_mac": "02:00:00:00:00:aa" } },
      { "id": "marks6", "dst": "$SERVER6", "protocol": "udp", "dst_port": 5500, "action": "pass",
        "rewrite": { "dscp": "af11", "ecn": "ce", "ttl": 7, "dst_mac": "$MAC_S" } },
      { "id": "vlan4", "dst": "$SERVER4", "protocol": "udp", "dst_port": 5501, "action": "pass",
        "rewrite": { "vlan": { "push": 100 }, "dst_mac": "02:00:00:00:00:bb" } }
    ]
  }
}
EOF
)
check "apply the rewrite policy" fw apply "$REWRITE" || exit 1
check_match "show: rewrite src A->B, reversed on ingress" \
	"rewrite src $CLIENT4->$NAT4 \(static NAT" "$(fw show)"
check_match "explain --egress: rewrite src A->B" "rule 0 snat4 .*=> rewrite src $CLIENT4->$NAT4" \
	"$(fw explain --egress --interface "$IF_FW_S" --hex "$(hex_tcp4 "$CLIENT4" "$SERVER4" 8090)")"
check_match "explain: the reverse static NAT an ingress frame gets" "\(static NAT: dst $NAT4->$CLIENT4\)" \
	"$(fw explain --interface "$IF_FW_S" --hex "$(hex_tcp4 "$SERVER4" "$NAT4" 40000)")"
fw_spawn server tcpdump --immediate-mode -U -n -i "$IF_SERVER" -w "$FW_TMP/rw.pcap" "not arp and not icmp6"
for _ in $(seq 40); do [ -s "$FW_TMP/rw.pcap" ] && break; sleep 0.05; done
sleep 0.5
for pair in "$SERVER4 $CLIENT4" "$SERVER6 $CLIENT6"; do
	set -- $pair
	dst=$1
	check "tcp connects after the src rewrite (SNAT), replies reversed: $dst" tcp_connect "$dst" 8090 2 "$2"
	check_eq "tcp to $dst:8081 reaches 8080 (dst_port rewrite), replies come from 8081" \
		srv-8080 "$(tcp_banner "$dst" 8081)"
done
check_eq "tcp to 198.18.2.200 reaches the server (dst rewrite, DNAT)" srv-8092 "$(tcp_banner 198.18.2.200 8092)"
check_eq "udp reply after src + dst_port rewrites, IPv4" hello-0 "$(udp_reply "$SERVER4" 5400 "$CLIENT4")"
check_eq "udp reply after src + dst_port rewrites, IPv6" hello-0 "$(udp_reply "$SERVER6" 5400 "$CLIENT6")"
udp_send "$SERVER4" 5500 1
udp_send "$SERVER6" 5500 1
udp_send "$SERVER4" 5501 1
sleep 0.3
kill -TERM -- "-${FW_PGIDS[-1]}" 2>/dev/null
fw_wait_gone "${FW_PGIDS[-1]}"
cap=$(tcpdump -vv -e -n -r "$FW_TMP/rw.pcap" 2>/dev/null)
cap_has "capture: TCP from the NAT address $NAT4" "$NAT4\.[0-9]+ > $SERVER4\.8090"
cap_has "capture: TCP from the NAT address $NAT6" "$NAT6\.[0-9]+ > $SERVER6\.8090"
cap_has "capture: TCP to 8080 from the dst_port rewrite" "> $SERVER4\.8080: Flags \[S\]"
cap_has "capture: UDP from $NAT4_U to 5353" "$NAT4_U\.[0-9]+ > $SERVER4\.5353: \[udp sum ok\]"
cap_has "capture: UDP from $NAT6_U to 5353" "$NAT6_U\.[0-9]+ > $SERVER6\.5353: \[udp sum ok\]"
cap_has "capture: DSCP ef + ECN 1 (tos 0xb9) and TTL 33" "tos 0xb9,ECT\(1\), ttl 33"
cap_has "capture: source MAC rewritten" "02:00:00:00:00:aa > "
cap_has "capture: IPv6 traffic class af11+CE (0x2b), hop limit 7" "class 0x2b, flowlabel 0x[0-9a-f]+, hlim 7"
cap_has "capture: VLAN 100 pushed, destination MAC rewritten" "02:00:00:00:00:bb, ethertype 802.1Q \(0x8100\), length [0-9]+: vlan 100"
check_eq "capture: no checksum errors" 0 "$(grep -Ec 'incorrect|bad cksum|bad udp cksum' <<<"$cap")"
check_ge "capture: checksums verified (TCP correct, UDP sum ok)" 12 "$(grep -Ec '\(correct\)|sum ok' <<<"$cap")"
check_ge "egress rule snat4 counted" 1 "$(rule_packets snat4 egress)"
