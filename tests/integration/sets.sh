#!/usr/bin/env bash
# sets.sh - named sets under real traffic. A policy whose set file holds 10^6 IPv4 prefixes
# loads and apply prints the time; fwctl set del / set add change a live verdict at once with
# no re-apply (the generation stays); set add --file loads 10^6 more and prints its time; set
# list; errors for unknown sets, absent elements and bad prefixes. The filler prefixes come
# from 240.0.0.0/4 (reserved, never routed): they are set data only, no traffic goes there.
set -u
. "$(dirname "$0")/../lib.sh"
fw_sandbox

# 10^6 distinct /32s: 240.0.0.0 .. 240.15.66.63
awk 'BEGIN { for (i = 0; i < 1000000; i++)
	printf "240.%d.%d.%d/32\n", int(i / 65536), int(i / 256) % 256, i % 256 }' >"$FW_TMP/big.txt"
awk 'BEGIN { print "# more filler"; for (i = 0; i < 1000000; i++)
	printf "241.%d.%d.%d/32\n", int(i / 65536), int(i / 256) % 256, i % 256 }' >"$FW_TMP/big2.txt"

P=$(fw_policy sets <<-EOF
	{
	  "version": 1,
	  "interfaces": ["$IF_FW_C"],
	  "default": "pass",
	  "sets": {
	    "big": { "file": "big.txt" },
	    "blocked": { "elements": ["$CLIENT4_B/32"] }
	  },
	  "rules": [
	    { "id": "big", "action": "drop", "src": "@big" },
	    { "id": "blocked", "action": "drop", "src": "@blocked" },
	    { "id": "v6-not-blocked", "action": "pass", "protocol": "icmpv6",
	      "not": { "src": "@blocked" } },
	    { "id": "v6-blocked", "action": "drop", "protocol": "icmpv6" }
	  ]
	}
	EOF
)

OUT=$(fw apply "$P" 2>&1)
check "apply a policy with a 10^6-element set" test $? -eq 0
diag "$OUT"
check_match "apply says how many elements it loaded" 'big \(1000000\), blocked \(1\): 1000001 elements loaded' "$OUT"
check_match "apply prints how long it took" 'applied in [0-9]+ ms' "$OUT"
GEN=$(fw_jq status .policy.generation)
check_eq "status lists the sets" '["big","blocked"]' "$(fw_jq status '.policy.sets | tojson')"

# --- live verdicts --------------------------------------------------------------------
check_eq "client A (not in any set) pings" 3 "$(ping4 "$CLIENT4" "$SERVER4" 3)"
check_eq "client B (in 'blocked') is dropped" 0 "$(ping4 "$CLIENT4_B" "$SERVER4" 3)"
check_eq "'blocked' counted B's 3 pings" 3 "$(rule_packets blocked)"
check_eq "'big' counted nothing" 0 "$(rule_packets big)"

OUT=$(fw set del blocked "$CLIENT4_B/32")
check_match "set del prints what it did" "set blocked: removed 1 elements in [0-9]+ ms" "$OUT"
check_eq "after set del, B pings (no apply)" 3 "$(ping4 "$CLIENT4_B" "$SERVER4" 3)"
check_eq "the generation did not change" "$GEN" "$(fw_jq status .policy.generation)"
check "set add A" fw set add blocked "$CLIENT4/32" "$CLIENT6/128"
check_eq "after set add, A is dropped" 0 "$(ping4 "$CLIENT4" "$SERVER4" 3)"
check_eq "'blocked' counted 3 + 3" 6 "$(rule_packets blocked)"
check_eq "set list blocked" "$CLIENT4/32 $CLIENT6/128" \
	"$(fw -j set list blocked | jq -r '.sets[0].elements | join(" ")')"
check_eq "set list counts 'big'" 1000000 "$(fw -j set list big | jq -r '.sets[0].count')"

# "not": {"src": "@blocked"} on IPv6: A6 is in the set now, B6 is not
check_eq "IPv6 from A (in the set) is dropped" 0 "$(ping6 "$CLIENT6" "$SERVER6" 2)"
check_eq "IPv6 from B (not in the set) passes" 2 "$(ping6 "$CLIENT6_B" "$SERVER6" 2)"
check_eq "'blocked' (src @blocked, first) counted A's 2 IPv6 pings" 8 "$(rule_packets blocked)"
check_eq "v6-blocked, after it, counted none" 0 "$(rule_packets v6-blocked)"
check_ge "v6-not-blocked counted B's pings (and replies' ND if any)" 2 "$(rule_packets v6-not-blocked)"

# --- bulk load from a file --------------------------------------------------------------
OUT=$(fw set add big --file "$FW_TMP/big2.txt")
check "set add --file with 10^6 prefixes" test $? -eq 0
diag "$OUT"
check_match "set add --file prints the count and time" 'set big: added 1000000 elements in [0-9]+ ms' "$OUT"
check_eq "set list counts 2 x 10^6 in 'big'" 2000000 "$(fw -j set list big | jq -r '.sets[0].count')"
check_eq "A still dropped by 'blocked', not 'big'" 0 "$(rule_packets big)"

# --- errors ---------------------------------------------------------------------------------
check_fail "set add to an unknown set fails" fw set add nosuch 192.0.2.1
check_match "... with a clear message" 'Error: the active policy has no set "nosuch"' \
	"$(fw set add nosuch 192.0.2.1 2>&1)"
fw set del blocked 192.0.2.99/32 >/dev/null 2>&1
check_eq "set del of an absent element exits 1" 1 "$?"
fw set add blocked 192.0.2.300 >/dev/null 2>&1
check_eq "set add of a bad prefix exits 1" 1 "$?"
check_match "... naming the value" 'is not an IPv4 or IPv6 prefix' "$(fw set add blocked 192.0.2.300 2>&1)"
check_match "set add of host bits set is refused" 'has host bits set' "$(fw set add blocked 192.0.2.1/24 2>&1)"
check_eq "nothing changed: A still dropped" 0 "$(ping4 "$CLIENT4" "$SERVER4" 1)"

# --- apply reloads the sets from the policy file ----------------------------------------------
check "re-apply" fw apply "$P"
check_eq "after apply, 'blocked' is the file's again (B only)" "$CLIENT4_B/32" \
	"$(fw -j set list blocked | jq -r '.sets[0].elements | join(" ")')"
check_eq "A pings again" 2 "$(ping4 "$CLIENT4" "$SERVER4" 2)"
