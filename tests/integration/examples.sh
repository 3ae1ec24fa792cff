#!/usr/bin/env bash
# examples.sh - the example policies in rules/ work as their comments say, with real traffic.
# The firewall namespace's client-facing veth is named eth0 and a spare veth eth1, the names
# the examples use (namespaced: the host's interfaces are never touched). The server also
# answers as 192.0.2.80 / 2001:db8::80 (the examples' web server), the client also speaks
# from the admin network (192.0.2.5, 2001:db8:0:10::5) and from 192.0.2.200.
#   example-webserver.json: blocklist drops 198.18.0.0/15, web passes to .80, SSH only from
#     the admin hosts, ping passes, the rest is dropped; eth1 attached in skb mode.
#   example-egress.json: inbound open except benchmark sources to 192.0.2.0/24; outbound
#     (towards the client) only DNS/NTP/mirrors, SSH replies and ICMP.
# shellcheck disable=SC2086 # $FWCTL ("fwctl --pin-dir DIR") is split into words on purpose
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# the examples' interface names, inside the firewall namespace only (lib.sh creates the veth)
# shellcheck disable=SC2034
IF_FW_C=eth0
WEB4=192.0.2.80
WEB6=2001:db8::80
ADMIN4=192.0.2.5
ADMIN6=2001:db8:0:10::5
OUTSIDER4=192.0.2.200

fw_sandbox

# the examples' addresses, routed through the firewall like the lab's own
fw_addr server lo "$WEB4/32" "$WEB6/128"
fw_addr client "$IF_CLIENT" "$ADMIN4/32" "$OUTSIDER4/32" "$ADMIN6/128"
sys ip -n "$NS_FW" route add "$WEB4/32" via "$SERVER4"
sys ip -n "$NS_FW" -6 route add "$WEB6/128" via "$SERVER6"
for a in "$ADMIN4" "$OUTSIDER4"; do sys ip -n "$NS_FW" route add "$a/32" via "$CLIENT4"; done
sys ip -n "$NS_FW" -6 route add "$ADMIN6/128" via "$CLIENT6"
# eth1: a spare veth pair in the firewall namespace (example-webserver attaches to it in skb mode)
sys ip -n "$NS_FW" link add eth1 type veth peer name eth1p
sys ip -n "$NS_FW" link set eth1 up
sys ip -n "$NS_FW" link set eth1p up

for p in 22 80 443 8080; do serve_tcp "$p"; done
serve_udp 53
check "before any policy: $OUTSIDER4 reaches $WEB4:80" tcp_connect "$WEB4" 80 1 "$OUTSIDER4"
check "before any policy: $ADMIN6 reaches [$WEB6]:80" tcp_connect "$WEB6" 80 1 "$ADMIN6"

# --- example-webserver.json --------------------------------------------------------------
WS="$FW_ROOT/rules/example-webserver.json"
check "apply example-webserver.json" fw apply "$WS" || exit 1
ST=$(fw_json status)
check_eq "webserver: eth0 and eth1 attached" "eth0 eth1" "$(jq -r '[.interfaces[].name] | sort | join(" ")' <<<"$ST")"
check_eq "webserver: eth1 in skb mode, as the policy asks" skb \
	"$(jq -r '.interfaces[] | select(.name == "eth1") | .xdp.mode' <<<"$ST")"
check_match "webserver: eth0 in native or skb mode (auto)" '^(native|skb)$' \
	"$(jq -r '.interfaces[] | select(.name == "eth0") | .xdp.mode' <<<"$ST")"
check_eq "webserver: no egress program (no egress section)" null \
	"$(jq -r '.interfaces[] | select(.name == "eth0") | .tc_egress' <<<"$ST")"

check_eq "webserver: ping from $CLIENT4 (198.18.0.0/15) blocked" 0 "$(ping4 "$CLIENT4" "$SERVER4" 2)"
check_eq "webserver: blocklist counted the 2 echo requests" 2 "$(rule_packets blocklist)"
check_fail "webserver: even web from $CLIENT4 is blocked" tcp_connect "$WEB4" 80 0.6 "$CLIENT4"
check "webserver: http $OUTSIDER4 -> $WEB4:80 passes" tcp_connect "$WEB4" 80 1 "$OUTSIDER4"
check "webserver: https $CLIENT6 -> [$WEB6]:443 passes" tcp_connect "$WEB6" 443 1 "$CLIENT6"
check_ge "webserver: rule web counted both handshakes" 4 "$(rule_packets web)"
check "webserver: ssh from admin $ADMIN4 passes" tcp_connect "$WEB4" 22 1 "$ADMIN4"
check "webserver: ssh from admin $ADMIN6 passes" tcp_connect "$WEB6" 22 1 "$ADMIN6"
check_ge "webserver: rule ssh-admin counted both" 4 "$(rule_packets ssh-admin)"
check_fail "webserver: ssh from $OUTSIDER4 dropped" tcp_connect "$WEB4" 22 0.6 "$OUTSIDER4"
check_fail "webserver: ssh from $CLIENT6 dropped" tcp_connect "$WEB6" 22 0.6 "$CLIENT6"
check_eq "webserver: ping $OUTSIDER4 -> $WEB4 passes" 2 "$(ping4 "$OUTSIDER4" "$WEB4" 2)"
check_ge "webserver: rule ping counted it" 2 "$(rule_packets ping)"
check_eq "webserver: port 22 got exactly the 2 admin connections" 2 "$(arrived tcp 22)"
check "flush before the next example" fw flush

# --- example-egress.json --------------------------------------------------------------------
EG="$FW_ROOT/rules/example-egress.json"
check "apply example-egress.json" fw apply "$EG" || exit 1
check_eq "egress: eth0 has XDP and tc egress" "eth0 true" \
	"$(fw_jq status '.interfaces[] | "\(.name) \(.tc_egress.prog_id != null)"')"
check_eq "egress: ping $CLIENT4 -> $WEB4 dropped (bogus-bench-src)" 0 "$(ping4 "$CLIENT4" "$WEB4" 2)"
check_eq "egress: bogus-bench-src counted 2" 2 "$(rule_packets bogus-bench-src)"
check_eq "egress: ping $CLIENT4 -> $SERVER4, reply passes icmp-out" 2 "$(ping4 "$CLIENT4" "$SERVER4" 2)"
check_eq "egress: ping $CLIENT6 -> $SERVER6, reply passes icmp-out" 2 "$(ping6 "$CLIENT6" "$SERVER6" 2)"
check_ge "egress: icmp-out counted the 4 replies" 4 "$(rule_packets icmp-out egress)"
check "egress: ssh to the server works (ssh-replies)" tcp_connect "$SERVER4" 22 1
check_ge "egress: ssh-replies counted the server's SYN-ACK and banner" 2 "$(rule_packets ssh-replies egress)"
ed0=$(stat_packets egress default_drop)
check_fail "egress: tcp 8080 fails, its SYN-ACK is not allowed out" tcp_connect "$SERVER4" 8080 0.6
check_eq "egress: so no connection completed" 0 "$(arrived tcp 8080)"
check_ge "egress: default_drop counted the SYN-ACKs" "$((ed0 + 1))" "$(stat_packets egress default_drop)"
check_eq "egress: udp 53 reply dropped (dns only allows queries out)" 0 "$(udp_roundtrip "$SERVER4" 53 1)"
