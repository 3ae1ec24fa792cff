#!/usr/bin/env bash
# conntrack.sh - stateful filtering with real sockets, IPv4 and IPv6. The firewall guards its
# OUTSIDE port (the one facing the server) with a deny-by-default ingress policy and
# "conntrack"; the tc egress program on that port records the client's flows as they leave:
#  - the client's TCP connections and UDP exchanges with the server get their replies;
#  - unsolicited packets from outside (new connections, stray ACKs and SYN-ACKs that match no
#    recorded flow, sent raw with scapy) are dropped and create no entry;
#  - after the (short) idle timeout the entry is gone and a late reply is dropped, while the
#    same reply sent before the timeout gets in (so the method can tell);
#  - "track": true admits a server's inbound flow and its replies leave through an egress
#    policy that drops everything else; fwctl ct list|count|flush -j.
# shellcheck disable=SC2086 # $FWCTL ("fwctl --pin-dir DIR") is split into words on purpose
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

fw_sandbox

FW_MAC_S=$(fw_mac fw "$IF_FW_S")	# where the server's frames go

# policy: deny by default on the outside port; link-local (MLD) passes so the drop counts
# are exact; conntrack with short UDP and TCP timeouts
write_policy() {
	fw_policy "$1" <<-EOF
	{
	  "version": 1,
	  "description": "conntrack.sh",
	  "interfaces": ["$IF_FW_S"],
	  "default": "drop",
	  "conntrack": {
	    "size": 4096,
	    "established": "pass",
	    "timeouts": {"udp": "$2", "tcp_established": "$3", "tcp_closing": "$3", "icmp": "2s"}
	  },
	  "rules": [
	    { "id": "ll", "action": "pass", "src": ["fe80::/10", "::"] }
	    $4
	  ]
	  $5
	}
	EOF
}

# raw SPEC...: send frames from the server's port with scapy (Debian's python3-scapy, hence
# /usr/bin/python3); each SPEC is
# "SRC DST PROTO SPORT DPORT FLAGS [PAYLOAD]" (PROTO tcp or udp, FLAGS scapy's "SA", "A"...)
raw() {
	in_ns server /usr/bin/python3 - "$IF_SERVER" "$FW_MAC_S" "$@" <<-'EOF'
	import sys
	from scapy.all import Ether, IP, IPv6, TCP, UDP, Raw, sendp, conf
	conf.verb = 0
	iface, mac = sys.argv[1], sys.argv[2]
	frames = []
	for spec in sys.argv[3:]:
	    f = spec.split()
	    src, dst, proto, sp, dp, flags = f[:6]
	    payload = f[6] if len(f) > 6 else ""
	    l3 = IPv6(src=src, dst=dst) if ":" in src else IP(src=src, dst=dst)
	    if proto == "tcp":
	        l4 = TCP(sport=int(sp), dport=int(dp), flags=flags, seq=1000, ack=2000)
	    else:
	        l4 = UDP(sport=int(sp), dport=int(dp))
	    frames.append(Ether(dst=mac) / l3 / l4 / Raw(payload.encode()))
	sendp(frames, iface=iface)
	EOF
}

# udp_client NAME HOST SPORT DPORT SRC: from the client, bound to SRC:SPORT, send one datagram to
# HOST:DPORT, then log every datagram that comes back (one line each) for 12 s
udp_client() {
	local log="$FW_TMP/udpc-$1.log"
	: >"$log"
	fw_spawn client python3 -c '
import socket, sys, time
host, sport, dport, log, src = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((src, sport))
s.sendto(b"hello\n", (host, dport))
s.settimeout(0.2)
end = time.time() + 12
while time.time() < end:
    try:
        data = s.recv(2048)
    except socket.timeout:
        continue
    with open(log, "a") as f:
        f.write(data.decode(errors="replace").strip() + "\n")
' "$2" "$3" "$4" "$log" "$5"
}

# lines FILE: its line count
lines() { wc -l <"$1" | tr -d ' '; }

# wait_lines FILE N: wait (up to 3 s) for FILE to have N lines
wait_lines() {
	local _
	for _ in $(seq 60); do
		[ "$(lines "$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

# tcp_slow NAME HOST PORT: from the client, connect to HOST:PORT and log each chunk received
# (one line each) until the server closes or 12 s pass; the connection stays idle meanwhile
tcp_slow() {
	local log="$FW_TMP/tcpc-$1.log"
	: >"$log"
	fw_spawn client python3 -c '
import socket, sys, time
host, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.create_connection((host, port), timeout=2)
s.settimeout(0.2)
end = time.time() + 12
while time.time() < end:
    try:
        data = s.recv(2048)
    except socket.timeout:
        continue
    if not data:
        break
    with open(log, "a") as f:
        f.write(data.decode(errors="replace"))
' "$2" "$3" "$log"
}

# server for tcp_slow: on PORT, send "first\n" at once and "late\n" after DELAY seconds
serve_slow() {
	fw_spawn server python3 -c '
import socket, sys, threading, time
port, delay = int(sys.argv[1]), float(sys.argv[2])
ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
ls.bind(("::", port))
ls.listen(8)
def serve(c):
    c.sendall(b"first\n")
    time.sleep(delay)
    try:
        c.sendall(b"late\n")
        time.sleep(3)
        c.close()
    except OSError:
        pass
while True:
    c, _ = ls.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
' "$1" "$2"
	fw_wait_listen server tcp "$1"
}

ct_json() { fw -j ct "$1"; }
ct_count() { ct_json count | jq -r .count; }

serve_tcp 8080
serve_udp 5353
serve_slow 8090 1		# "late" after 1 s: within the TCP timeout
serve_slow 8091 4.5		# "late" after 4.5 s: past it

POLICY=$(write_policy main 3s 3s "" "")
check "apply deny-by-default policy with conntrack on the outside port" fw apply "$POLICY" || exit 1
check_match "tc egress attached to the outside port (flows are recorded there)" '^[0-9]+$' \
	"$(fw -j status | jq -r ".interfaces[] | select(.name == \"$IF_FW_S\") | .tc_egress.prog_id")"

# --- unsolicited traffic from outside: dropped, nothing recorded -----------------------
serve_tcp_client() {	# a listener on the client, for the server to try
	fw_spawn client socat "TCP6-LISTEN:9000,ipv6only=0,reuseaddr,fork" "SYSTEM:echo cli"
	fw_wait_listen client tcp 9000
}
serve_tcp_client
out_conn() {		# the server connects to the client: must fail
	local out
	out=$(in_ns server timeout 3 socat -T 1 -u "TCP:$(fw_hostport "$1" 9000),connect-timeout=0.6" \
		STDOUT 2>/dev/null)
	[ "$out" = cli ]
}
check_fail "server -> client TCP v4 (new from outside) dropped" out_conn "$CLIENT4"
check_fail "server -> client TCP v6 (new from outside) dropped" out_conn "$CLIENT6"

dd0=$(stat_packets ingress default_drop)
specs=()
for i in $(seq 1 25); do
	specs+=("$SERVER4 $CLIENT4 tcp 80 $((41000 + i)) A" "$SERVER4 $CLIENT4 tcp 80 $((42000 + i)) SA")
	specs+=("$SERVER6 $CLIENT6 tcp 80 $((41000 + i)) A" "$SERVER6 $CLIENT6 tcp 80 $((42000 + i)) SA")
done
check "send 100 stray ACKs and SYN-ACKs from outside (scapy)" raw "${specs[@]}"
sleep 0.2
check_eq "the 100 stray ACKs / SYN-ACKs were dropped (default_drop)" 100 \
	"$(($(stat_packets ingress default_drop) - dd0))"
check_eq "they created no conntrack entry" 0 "$(ct_count)"

# --- the client's flows: replies get in ----------------------------------------------------
est0=$(stat_packets ingress ct_established)
for dst in "$SERVER4" "$SERVER6"; do
	check "client -> $dst TCP 8080: connects, banner back" tcp_connect "$dst" 8080
	check_eq "client -> $dst UDP 5353: 3 echoes back" 3 "$(udp_roundtrip "$dst" 5353 3)"
done
check_eq "ping $CLIENT4 -> $SERVER4: replies back" 2 "$(ping4 "$CLIENT4" "$SERVER4" 2)"
check_eq "ping $CLIENT6 -> $SERVER6: replies back" 2 "$(ping6 "$CLIENT6" "$SERVER6" 2)"
check_ge "replies counted under ct_established" 14 "$(($(stat_packets ingress ct_established) - est0))"
flows=$(ct_json list)
check_match "ct list: the TCP flow v4, originator first" \
	"\"protocol\":\"tcp\",\"src\":\"$CLIENT4\",\"dst\":\"$SERVER4\"" "$(jq -c '.flows[]' <<<"$flows")"
check_match "ct list: the TCP flow v6 (from one of the client's addresses)" \
	"\"protocol\":\"tcp\",\"src\":\"2001:db8:1::[23]\",\"dst\":\"$SERVER6\"" "$(jq -c '.flows[]' <<<"$flows")"
check_match "ct list: UDP to 5353 replied" '"protocol":"udp".*"state":"replied"' \
	"$(jq -c '.flows[] | select(.dport == 5353)' <<<"$flows")"
check_match "ct list: ICMP echo with its id" '"protocol":"icmp".*"id":' "$(jq -c '.flows[]' <<<"$flows")"
check_eq "ct list: every flow counts packets both ways" true \
	"$(jq '[.flows[] | .packets >= 2] | all' <<<"$flows")"
check_eq "ct list: size is the policy's" 4096 "$(jq .size <<<"$flows")"
check_match "ct list (text)" "^tcp +$CLIENT4:[0-9]+ -> $SERVER4:8080 (closing|established)" "$(fw ct list)"

# --- idle timeouts: UDP (3 s: scapy takes ~1 s to start on a loaded machine) ------------
for fam in 4 6; do
	if [ $fam = 4 ]; then cli=$CLIENT4 srv=$SERVER4; else cli=$CLIENT6 srv=$SERVER6; fi
	sport=$((47000 + fam))
	udp_client "v$fam" "$srv" "$sport" 5353 "$cli"
	check "udp v$fam: the echo came back" wait_lines "$FW_TMP/udpc-v$fam.log" 1
	check "udp v$fam: a reply from outside on the flow, in time, gets in" \
		raw "$srv $cli udp 5353 $sport early"
	check "udp v$fam: ... and reaches the client" wait_lines "$FW_TMP/udpc-v$fam.log" 2
done
sleep 3.8		# past the 3 s timeout
check_eq "udp: after the timeout ct list shows no UDP flow" 0 \
	"$(ct_json list | jq '[.flows[] | select(.protocol == "udp" and .sport >= 47000)] | length')"
dd0=$(stat_packets ingress default_drop)
for fam in 4 6; do
	if [ $fam = 4 ]; then cli=$CLIENT4 srv=$SERVER4; else cli=$CLIENT6 srv=$SERVER6; fi
	check "udp v$fam: a late reply from outside" raw "$srv $cli udp 5353 $((47000 + fam)) late"
done
sleep 0.5
for fam in 4 6; do
	check_eq "udp v$fam: the late reply did not reach the client" 2 "$(lines "$FW_TMP/udpc-v$fam.log")"
done
check_eq "udp: both late replies dropped by the default" 2 "$(($(stat_packets ingress default_drop) - dd0))"

# --- idle timeouts: TCP (3 s established), real sockets --------------------------------------
for fam in 4 6; do
	[ $fam = 4 ] && srv=$SERVER4 || srv=$SERVER6
	tcp_slow "in$fam" "$srv" 8090	# "late" after 1 s: in time
	tcp_slow "out$fam" "$srv" 8091	# "late" after 4.5 s: the entry expired at 3 s
done
sleep 6
for fam in 4 6; do
	check_eq "tcp v$fam: data after 1 s idle arrives" "first late" \
		"$(tr '\n' ' ' <"$FW_TMP/tcpc-in$fam.log" | sed 's/ $//')"
	check_eq "tcp v$fam: data after 4.5 s idle (timeout 3 s) is dropped" "first" \
		"$(tr '\n' ' ' <"$FW_TMP/tcpc-out$fam.log" | sed 's/ $//')"
done

# --- flush ---------------------------------------------------------------------------------
check "client -> $SERVER4 TCP 8080 again" tcp_connect "$SERVER4" 8080
check_ge "ct count sees the flows" 1 "$(ct_count)"
check_match "ct flush -j says how many it removed" '"flushed":[1-9]' "$(ct_json flush | jq -c .)"
check_eq "ct count after flush" 0 "$(ct_count)"

# --- "track": a server behind the firewall's outside port ------------------------------------
# the client side serves TCP 9000; the server may open flows to it (a tracked rule) and the
# client's replies leave through an egress policy that drops everything not tracked
POLICY=$(write_policy track 3s 3s \
	", { \"id\": \"in-9000\", \"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": 9000, \"track\": true }" \
	", \"egress\": { \"default\": \"drop\", \"rules\": [ { \"id\": \"out-ll\", \"action\": \"pass\", \"src\": [\"fe80::/10\"] } ] }")
check "apply a policy with a tracked rule and egress default drop" fw apply "$POLICY" || exit 1
check_eq "show -j: the rule is marked track" true "$(fw_jq show '.rules[] | select(.id == "in-9000") | .track')"
check_match "show: 'track' after the match" "in-9000 .* dst_port 9000 track" "$(fw show)"
check_eq "status -j: the policy's conntrack" "4096 pass 3000" \
	"$(fw_jq status '.policy.conntrack | "\(.size) \(.established) \(.timeouts_ms.udp)"')"
check "server -> client TCP v4 9000 (tracked rule): connects both ways" out_conn "$CLIENT4"
check "server -> client TCP v6 9000 (tracked rule): connects both ways" out_conn "$CLIENT6"
check_match "ct list: the server originated the tracked flow" \
	"\"src\":\"$SERVER4\",\"dst\":\"$CLIENT4\".*\"dport\":9000" "$(ct_json list | jq -c '.flows[]')"
check_fail "client -> server TCP 8080: its SYN is dropped on egress (not tracked)" \
	tcp_connect "$SERVER4" 8080
