#!/usr/bin/env bash
# explain.sh - fwctl explain agrees, packet by packet, with the wire. Traffic of every kind
# (TCP, UDP, ping; IPv4 and IPv6; passed and dropped) is captured leaving the client and
# arriving at the server; explain on the client capture must say "pass" for exactly the
# frames the server received and "drop" for the others, and its per-rule tally must equal
# the firewall's own counters. Also: --hex, and clear errors for files that are no pcap.
set -u
. "$(dirname "$0")/../lib.sh"
fw_sandbox

P=$(fw_policy explain <<-EOF
	{
	  "version": 1,
	  "interfaces": ["$IF_FW_C"],
	  "default": "drop",
	  "sets": { "web-clients": { "elements": ["$CLIENT4/32", "$CLIENT6/128"] } },
	  "rules": [
	    { "id": "ssh-deny", "action": "drop", "protocol": "tcp", "dst_port": 22 },
	    { "id": "web", "action": "pass", "src": "@web-clients", "protocol": "tcp", "dst_port": 80 },
	    { "id": "dns", "action": "pass", "protocol": "udp", "dst_port": 53 },
	    { "id": "echo4", "action": "pass", "protocol": "icmp", "icmp_type": "echo-request",
	      "not": { "src": "$CLIENT4_B" } },
	    { "id": "echo6", "action": "pass", "protocol": "icmpv6", "icmp_type": "echo-request" }
	  ]
	}
	EOF
)
check "apply" fw apply "$P" || exit 1
serve_tcp 80
serve_tcp 22
serve_udp 53
serve_udp 54

# capture everything that leaves the client (so explain sees every frame the firewall does)
# and what reaches the server from the client's addresses
CF="src host $CLIENT4 or src host $CLIENT4_B or src host $CLIENT6 or src host $CLIENT6_B"
fw_spawn client tcpdump --immediate-mode -B 16384 -U -n -Q out -i "$IF_CLIENT" -w "$FW_TMP/client.pcap"
fw_spawn server tcpdump --immediate-mode -B 16384 -U -n -i "$IF_SERVER" -w "$FW_TMP/server.pcap" "$CF"
for _ in $(seq 50); do
	[ -s "$FW_TMP/client.pcap" ] && [ -s "$FW_TMP/server.pcap" ] && break
	sleep 0.1
done
sleep 0.3	# both tcpdumps have their filters in place

tcp_connect "$SERVER4" 80; tcp_connect "$SERVER6" 80
tcp_connect "$SERVER4" 80 0.6 "$CLIENT4_B"	# not in web-clients: default drop
tcp_connect "$SERVER4" 22; tcp_connect "$SERVER6" 22
udp_roundtrip "$SERVER4" 53 2 >/dev/null; udp_roundtrip "$SERVER6" 53 2 >/dev/null
udp_roundtrip "$SERVER4" 54 2 >/dev/null; udp_roundtrip "$SERVER6" 54 1 >/dev/null
ping4 "$CLIENT4" "$SERVER4" 3 >/dev/null; ping4 "$CLIENT4_B" "$SERVER4" 2 >/dev/null
ping6 "$CLIENT6" "$SERVER6" 3 >/dev/null
# the last frames sent must be in both captures before they stop: on a loaded machine a
# capture can lag behind the wire by more than a fixed pause (then a SIGINT loses them)
echoes6() { tcpdump -r "$1" -n icmp6 2>/dev/null | grep -c "echo request"; }
for _ in $(seq 50); do
	[ "$(echoes6 "$FW_TMP/client.pcap")" -ge 3 ] && [ "$(echoes6 "$FW_TMP/server.pcap")" -ge 3 ] &&
		break
	sleep 0.1
done
sleep 0.5
for pgid in "${FW_PGIDS[@]}"; do	# stop the captures (and servers): files complete
	kill -INT -- "-$pgid" 2>/dev/null
done
for pgid in "${FW_PGIDS[@]}"; do
	fw_wait_gone "$pgid" || fw_wait_gone "$pgid" || diag "process group $pgid still there"
done

EXPLAIN=$(in_ns fw $FWCTL -j explain --interface "$IF_FW_C" "$FW_TMP/client.pcap")
check "explain -j on the client capture" test -n "$EXPLAIN"
NC=$(jq -r .frames <<<"$EXPLAIN")
check_ge "explain read the frames" 20 "$NC"
check_eq "explain reads every frame tcpdump reads" "$(tcpdump -r "$FW_TMP/client.pcap" -n 2>/dev/null | wc -l)" "$NC"

# One line per frame, the same in both captures (tcpdump -t: no timestamps; routing changes
# only TTL and MACs, which these lines do not show).
tcpdump -r "$FW_TMP/client.pcap" -n -t 2>/dev/null >"$FW_TMP/client.txt"
tcpdump -r "$FW_TMP/server.pcap" -n -t 2>/dev/null >"$FW_TMP/server.txt"
jq -r '.packets[].verdict' <<<"$EXPLAIN" >"$FW_TMP/verdicts.txt"
# frames from the client's routable addresses (not link-local ND/MLD): these can arrive
SRC_RE="^(pass|drop)[|]IP6? ($CLIENT4|$CLIENT4_B|$CLIENT6|$CLIENT6_B)[. ]"
paste -d '|' "$FW_TMP/verdicts.txt" "$FW_TMP/client.txt" | grep -E "$SRC_RE" >"$FW_TMP/joined.txt"

# per frame line: how many frames explain passes, drops; how many arrived
DIFF=$(awk -F'|' '
	FNR == NR { line = substr($0, index($0, "|") + 1); if ($1 == "pass") pass[line]++; else drop[line]++; seen[line] = 1; next }
	{ arrived[$0]++; seen[$0] = 1 }
	END {
		for (l in seen) {
			if (pass[l] && drop[l]) print "both verdicts: " l
			else if ((pass[l] + 0) != (arrived[l] + 0))
				printf "explain passes %d, %d arrived: %s\n", pass[l], arrived[l], l
		}
	}' "$FW_TMP/joined.txt" "$FW_TMP/server.txt")
check_eq "every frame explain passes arrived, and no other" "" "$DIFF"
check_ge "explain passed some frames" 10 "$(jq -r .pass <<<"$EXPLAIN")"
check_ge "explain dropped some frames" 6 "$(jq -r .drop <<<"$EXPLAIN")"
check_eq "pass + drop = frames" "$NC" "$(jq -r '.pass + .drop' <<<"$EXPLAIN")"

# explain's tally per rule = the firewall's counters (the capture saw all client traffic)
SHOW=$(fw_json show)
for id in ssh-deny web dns echo4; do
	check_eq "explain's count for '$id' = its counter" \
		"$(jq -r ".rules[] | select(.id == \"$id\") | .packets" <<<"$SHOW")" \
		"$(jq -r "[.packets[] | select(.id == \"$id\")] | length" <<<"$EXPLAIN")"
done
# echo6: on a loaded machine the counter was once one above explain's tally (a frame outside
# the capture's window, not yet explained); allow that one, and say so
C6=$(jq -r '.rules[] | select(.id == "echo6") | .packets' <<<"$SHOW")
E6=$(jq -r '[.packets[] | select(.id == "echo6")] | length' <<<"$EXPLAIN")
check_ge "explain's count for 'echo6' <= its counter" "$E6" "$C6"
check_ge "... and the counter <= explain's count + 1" "$C6" "$((E6 + 1))" || diag "counter $C6, explain $E6"
[ "$C6" != "$E6" ] && diag "echo6: counter $C6, explain $E6"
# the default counter also sees what is sent outside the capture's window (a late SYN
# retransmit, an MLD report): at least explain's count, at most a few more
DC=$(jq -r .default_counter.packets <<<"$SHOW")
DE=$(jq -r '[.packets[] | select(.reason | startswith("default"))] | length' <<<"$EXPLAIN")
check_ge "explain's default count <= the default counter" "$DE" "$DC"
check_ge "... and the counter <= explain's count + 3" "$DC" "$((DE + 3))" || diag "counter $DC, explain $DE"
check_eq "B's pings: rule 'echo4' does not take them (not src B)" 2 \
	"$(jq -r "[.packets[] | select(.src == \"$CLIENT4_B\" and .protocol == \"icmp\" and .verdict == \"drop\")] | length" <<<"$EXPLAIN")"

# text output ends with the same tally
TXT=$(in_ns fw $FWCTL explain --interface "$IF_FW_C" "$FW_TMP/client.pcap" | tail -n 1)
check_eq "text summary" "$NC frames: $(jq -r .pass <<<"$EXPLAIN") pass, $(jq -r .drop <<<"$EXPLAIN") drop" "$TXT"

# --- one frame in hex: a TCP SYN from B to port 22 -------------------------------------------
HEX=$(printf '%s' \
	"020000000002" "020000000001" "0800" \
	"4500002800010000400600000000000000000000" \
	"9c40001600000000000000005002ffff00000000")
HEX=${HEX:0:52}$(printf '%02x%02x%02x%02x' ${CLIENT4_B//./ })$(printf '%02x%02x%02x%02x' ${SERVER4//./ })${HEX:68}
check_eq "--hex: a SYN to port 22 is dropped by ssh-deny" "drop ssh-deny" \
	"$(in_ns fw $FWCTL -j explain --hex "$HEX" | jq -r '.packets[0] | "\(.verdict) \(.id)"')"

# --- errors -------------------------------------------------------------------------------------
echo "this is a text file, not a packet capture" >"$FW_TMP/junk.pcap"
check_match "a file that is no pcap: clear error" 'Error: .*junk.pcap: not a pcap file' \
	"$(in_ns fw $FWCTL explain "$FW_TMP/junk.pcap" 2>&1)"
in_ns fw $FWCTL explain "$FW_TMP/junk.pcap" >/dev/null 2>&1
check_eq "... exit status 1" 1 "$?"
check_fail "explain without FILE or --hex fails" in_ns fw $FWCTL explain
