#!/usr/bin/env bash
# scale.sh - a 1000-rule policy: 999 random-looking rules (documentation prefixes, high ports)
# that never match the probe, and rule 999 that does. The probe (UDP to the server's port
# 7000, IPv4 and IPv6) must get rule 999's verdict, in a pass variant (default drop) and a drop
# variant (default pass), and only rule 999's counter may move.
# shellcheck disable=SC2086 # $FWCTL ("fwctl --pin-dir DIR") is split into words on purpose
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

NRULES=1000
PROBE_PORT=7000		# rule 999 matches it; no other rule does
OTHER_PORT=7001		# matched by no rule at all: gets the default

fw_sandbox

# gen_policy NAME DEFAULT PROBE_ACTION: write a policy of $NRULES rules, print its path
gen_policy() {
	local f="$FW_TMP/$1.json"
	awk -v n="$NRULES" -v def="$2" -v act="$3" -v ifc="$IF_FW_C" \
		-v s4="$SERVER4" -v s6="$SERVER6" -v port="$PROBE_PORT" '
	function r(k) { return int(rand() * k) }
	function hport() { return 10000 + r(50000) }	# never the probe ports
	BEGIN {
		srand(20251123)
		printf "{\n  \"version\": 1,\n  \"interfaces\": [\"%s\"],\n", ifc
		printf "  \"default\": \"%s\",\n  \"rules\": [\n", def
		for (i = 0; i < n - 1; i++) {
			a = (r(2) ? "pass" : "drop")
			k = i % 6
			if (k == 0)
				m = sprintf("\"src\": \"192.0.2.%d\", \"protocol\": \"tcp\", \"dst_port\": %d", r(256), hport())
			else if (k == 1) {
				p = hport()
				m = sprintf("\"dst\": \"198.19.%d.0/24\", \"protocol\": \"udp\", \"dst_port\": \"%d-%d\"", r(256), p, p + r(100))
			} else if (k == 2)
				m = sprintf("\"src\": \"2001:db8:%x::/48\", \"protocol\": \"tcp\"", 256 + r(3840))
			else if (k == 3)
				m = sprintf("\"protocol\": \"udp\", \"dst_port\": [%d, %d]", hport(), hport())
			else if (k == 4)
				m = sprintf("\"dst\": [\"2001:db8:f00:%x::/64\", \"192.0.2.%d/32\"]", r(65536), r(256))
			else
				m = sprintf("\"src\": \"198.19.%d.%d\", \"dst\": \"192.0.2.0/25\", \"protocol\": %d", r(256), r(256), 1 + r(200))
			printf "    { \"id\": \"r%d\", \"action\": \"%s\", %s },\n", i, a, m
		}
		printf "    { \"id\": \"probe\", \"action\": \"%s\", \"dst\": [\"%s\", \"%s\"], \"protocol\": \"udp\", \"dst_port\": %d }\n", act, s4, s6, port
		printf "  ]\n}\n"
	}' >"$f"
	echo "$f"
}

# others_nonzero: how many of the 999 other rules counted anything
others_nonzero() {
	fw_jq show '[.rules[] | select(.index != 999 and .packets != 0)] | length'
}

# apply_timed FILE: apply, and keep how long it took in $FW_TMP/apply-ms
apply_timed() {
	local t0 rc
	t0=$(date +%s%N)
	fw apply "$1"
	rc=$?
	echo "$((($(date +%s%N) - t0) / 1000000))" >"$FW_TMP/apply-ms"
	return "$rc"
}

serve_udp "$PROBE_PORT"
serve_udp "$OTHER_PORT"

# --- pass variant: default drop, rule 999 passes the probe -----------------------------
PASS=$(gen_policy pass999 drop pass)
check "validate $NRULES rules" fw validate "$PASS"
check "apply $NRULES rules (rule 999 pass, default drop)" apply_timed "$PASS" || exit 1
diag "apply took $(cat "$FW_TMP/apply-ms") ms"
check_eq "show lists $NRULES rules" "$NRULES" "$(fw_jq show '.rules | length')"
check_eq "rule 999 is the probe rule" "999 probe" "$(fw_jq show '.rules[999] | "\(.index) \(.id)"')"
check_eq "probe IPv4: 3 echoes via rule 999" 3 "$(udp_roundtrip "$SERVER4" "$PROBE_PORT" 3)"
check_eq "probe IPv6: 3 echoes via rule 999" 3 "$(udp_roundtrip "$SERVER6" "$PROBE_PORT" 3)"
check_eq "server got the 6 probes" 6 "$(arrived udp "$PROBE_PORT")"
check_eq "other port: dropped by default" 0 "$(udp_roundtrip "$SERVER4" "$OTHER_PORT" 2)"
check_eq "rule 999 counted 6 packets" 6 "$(rule_packets probe)"
check_eq "the 999 other rules counted nothing" 0 "$(others_nonzero)"
check_ge "default counter has the 2 other-port datagrams" 2 "$(fw_jq show '.default_counter.packets')"

# --- drop variant: default pass, rule 999 drops the probe --------------------------------
DROP=$(gen_policy drop999 pass drop)
check "apply $NRULES rules (rule 999 drop, default pass)" apply_timed "$DROP" || exit 1
diag "apply took $(cat "$FW_TMP/apply-ms") ms"
check_eq "rule 999 starts at 0 in the new generation" 0 "$(rule_packets probe)"
check_eq "probe IPv4: dropped by rule 999" 0 "$(udp_roundtrip "$SERVER4" "$PROBE_PORT" 3)"
check_eq "probe IPv6: dropped by rule 999" 0 "$(udp_roundtrip "$SERVER6" "$PROBE_PORT" 3)"
check_eq "server got no new probe" 6 "$(arrived udp "$PROBE_PORT")"
check_eq "other port IPv4: passed by default" 2 "$(udp_roundtrip "$SERVER4" "$OTHER_PORT" 2)"
check_eq "other port IPv6: passed by default" 2 "$(udp_roundtrip "$SERVER6" "$OTHER_PORT" 2)"
check_eq "rule 999 counted 6 drops" 6 "$(rule_packets probe)"
check_eq "the 999 other rules counted nothing" 0 "$(others_nonzero)"
check_ge "default counter has the 4 other-port datagrams" 4 "$(fw_jq show '.default_counter.packets')"
