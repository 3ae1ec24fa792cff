#!/usr/bin/env bash
# badpolicy.sh - bad policies change nothing. With a good policy applied and attached, each
# bad file (JSON syntax errors, strict-schema violations, bad prefixes and ports, an unknown
# interface, a wrong version, an empty file, a non-object) must make `fwctl apply` exit 1 with
# "Error: FILE:LINE:COL: PATH: MESSAGE" on stderr (exact position and path where we know them),
# leave every configuration map byte for byte as it was (fw-mapdigest), leave the attachments
# as they were, and the running policy must still give its verdicts to real traffic.
# shellcheck disable=SC2086 # $FWCTL ("fwctl --pin-dir DIR") is split into words on purpose
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

fw_sandbox
serve_udp 5353
serve_udp 5354

GOOD=$(fw_policy good <<EOF
{
  "version": 1,
  "description": "badpolicy.sh: the running policy",
  "interfaces": ["$IF_FW_C"],
  "default": "pass",
  "rules": [
    { "id": "udp-deny", "action": "drop", "protocol": "udp", "dst_port": 5354 },
    { "id": "udp-ok", "action": "pass", "protocol": "udp", "dst_port": 5353 }
  ],
  "egress": { "default": "pass", "rules": [] }
}
EOF
)

# Bad files. Most share one layout so that positions are known: the error is on line 5, the
# interfaces line comes after it (its length varies with the veth name).
# bad NAME EXPECTED-ERE < CONTENT: write NAME.json; remember what its error must look like
BAD_NAMES=()
declare -A BAD_WANT
bad() {
	fw_policy "$1" >/dev/null
	BAD_NAMES+=("$1")
	BAD_WANT[$1]=$2
}

# rule_file RULE-JSON: the shared layout with RULE on line 5 (columns count from 1)
rule_file() {
	cat <<-EOF
	{
	  "version": 1,
	  "default": "pass",
	  "rules": [
	    $1
	  ],
	  "interfaces": ["$IF_FW_C"]
	}
	EOF
}

F="$FW_TMP"	# file names in messages are the paths given to fwctl
bad missing-brace "^Error: $F/missing-brace.json:[0-9]+:[0-9]+: '\}' expected near end of file" \
	< <(printf '{\n  "version": 1,\n  "default": "pass",\n  "interfaces": ["%s"]\n' "$IF_FW_C")
bad trailing-comma "^Error: $F/trailing-comma.json:4:1: .*expected near '\}'" \
	< <(printf '{\n  "version": 1,\n  "default": "pass",\n}\n')
bad duplicate-key "^Error: $F/duplicate-key.json:[0-9]+:[0-9]+: duplicate object key near '\"default\"'" \
	< <(printf '{\n  "version": 1,\n  "default": "pass",\n  "default": "drop"\n}\n')
bad unknown-top-key "^Error: $F/unknown-top-key.json:4:12: unknown key \"bogus\"" \
	< <(printf '{\n  "version": 1,\n  "default": "pass",\n  "bogus": true\n}\n')
bad unknown-rule-key "^Error: $F/unknown-rule-key.json:5:37: rules\[0\]: unknown key \"dst_prot\" \(did you mean \"dst_port\"\?\)" \
	< <(rule_file '{ "action": "drop", "dst_prot": 80 }')
bad bad-prefix "^Error: $F/bad-prefix.json:5:32: rules\[0\]\.src: \"192\.0\.2\.300/24\" is not an IPv4 or IPv6 prefix" \
	< <(rule_file '{ "action": "drop", "src": "192.0.2.300/24" }')
bad host-bits "^Error: $F/host-bits.json:5:32: rules\[0\]\.src: 192\.0\.2\.1/24 has host bits set" \
	< <(rule_file '{ "action": "drop", "src": "192.0.2.1/24" }')
bad prefix-33 "^Error: $F/prefix-33.json:5:33: rules\[0\]\.src\[0\]: \"192\.0\.2\.0/33\" has a bad prefix length" \
	< <(rule_file '{ "action": "drop", "src": ["192.0.2.0/33"] }')
bad port-70000 "^Error: $F/port-70000.json:5:56: rules\[0\]\.dst_port: 70000 is not a port \(0-65535\)" \
	< <(rule_file '{ "action": "drop", "protocol": "tcp", "dst_port": 70000 }')
bad reversed-range "^Error: $F/reversed-range.json:5:56: rules\[0\]\.dst_port: \"90-80\" is a reversed range" \
	< <(rule_file '{ "action": "drop", "protocol": "tcp", "dst_port": "90-80" }')
bad ports-no-protocol "^Error: $F/ports-no-protocol.json:5:37: rules\[0\]\.dst_port: ports need \"protocol\"" \
	< <(rule_file '{ "action": "drop", "dst_port": 80 }')
# the attached interface first, then one that does not exist: nothing may change on either
bad unknown-interface "^Error: $F/unknown-interface.json:3:$((18 + ${#IF_FW_C} + 4)): interfaces\[1\]: .*\"nosuchif0\"" \
	< <(printf '{\n  "version": 1,\n  "interfaces": ["%s", "nosuchif0"],\n  "default": "drop"\n}\n' "$IF_FW_C")
bad wrong-version "^Error: $F/wrong-version.json:2:14: version: 2 is not supported" \
	< <(printf '{\n  "version": 2,\n  "default": "pass"\n}\n')
bad empty "^Error: $F/empty.json: file is empty$" \
	< <(printf '')
bad not-an-object "^Error: $F/not-an-object.json:1:1: .*expected an object" \
	< <(printf '[\n  { "version": 1, "default": "pass" }\n]\n')

# --- state snapshots ----------------------------------------------------------------

# counters are the only maps a failed apply may change (traffic keeps counting)
COUNTER_MAPS="fw_rcnt fw_stats"

# state_digest: one line per configuration map. fw-mapdigest with no MAP hashes them all; when
# it fails (see the "fw-mapdigest" check), fall back to one map at a time, and to bpftool for
# a map it cannot read, so the check keeps its teeth.
state_digest() {
	local m d
	in_ns fw "$FW_MAPDIGEST" "$FW_PIN" 2>/dev/null && return 0
	for m in "$FW_PIN"/*; do
		m=${m##*/}
		case " $COUNTER_MAPS " in *" $m "*) continue ;; esac
		d=$(in_ns fw "$FW_MAPDIGEST" "$FW_PIN" "$m" 2>/dev/null) && { head -n1 <<<"$d"; continue; }
		echo "$m bpftool:$(bpftool -j map dump pinned "$FW_PIN/$m" | sha256sum | cut -d' ' -f1)"
	done
}

# attachments: fwctl's view (interfaces, policy) and the kernel's (xdp and tc program ids)
attachments() {
	fw_jq status '{interfaces, policy}' | jq -cS .
	in_ns fw ip -d link show dev "$IF_FW_C" | grep -o 'prog/xdp id [0-9]*'
	in_ns fw tc filter show dev "$IF_FW_C" egress | grep -o ' id [0-9]*'
	ls "$FW_PIN"
}

check "apply the good policy" fw apply "$GOOD" || exit 1
WANT_VERDICTS=$(printf '%s\n' "udp 5353 v4: 1" "udp 5353 v6: 1" "udp 5354 v4: 0" "udp 5354 v6: 0" "ping v4: 1")
check_eq "the good policy's verdicts" "$WANT_VERDICTS" "$(udp_verdicts)"
deny0=$(rule_packets udp-deny)
check_eq "udp-deny counted the 2 denied datagrams" 2 "$deny0"

check "fw-mapdigest PIN_DIR reads every configuration map" in_ns fw "$FW_MAPDIGEST" "$FW_PIN"
STATE0=$(state_digest)
ATTACH0=$(attachments)

# --- each bad file ------------------------------------------------------------------------

# try_bad NAME: apply it and check exit status, message, maps and attachments
try_bad() {
	local n=$1 f="$FW_TMP/$1.json" out err rc
	out=$(fw apply "$f" 2>"$FW_TMP/err")
	rc=$?
	err=$(cat "$FW_TMP/err")
	check_eq "$n: apply exits 1" 1 "$rc"
	check_match "$n: error message and position" "${BAD_WANT[$n]}" "$(head -n1 <<<"$err")"
	check_eq "$n: nothing on stdout" "" "$out"
	check_eq "$n: configuration maps unchanged" "$STATE0" "$(state_digest)"
	check_eq "$n: attachments unchanged" "$ATTACH0" "$(attachments)"
}

for n in "${BAD_NAMES[@]}"; do
	try_bad "$n"
done

# --- the running policy still works ------------------------------------------------------
check_eq "verdicts unchanged after ${#BAD_NAMES[@]} bad applies" "$WANT_VERDICTS" "$(udp_verdicts)"
check_eq "udp-deny still counting (2 more)" "$((deny0 + 2))" "$(rule_packets udp-deny)"
check_eq "generation unchanged" 1 "$(fw_jq status '.policy.generation')"
check_eq "active policy file unchanged" "$GOOD" "$(fw_jq status '.policy.file')"
