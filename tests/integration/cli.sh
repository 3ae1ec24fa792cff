#!/usr/bin/env bash
# cli.sh - fwctl's command line: help and version for the tool and every command (exit 0,
# usage on stdout), usage errors (unknown command, missing argument, unknown option: exit 1,
# "Error:" on stderr), validate on every policy in rules/ (exit 0) and on a bad one (exit 1),
# read verbs without a firewall (show/stats: exit 1 with an error; status: "not loaded"),
# -j output that is valid JSON for every read verb, FWCTL_PIN_DIR, and the refusal of a
# non-root user (exit 2, a clear message) while validate needs no privilege.
# shellcheck disable=SC2086 # $FWCTL ("fwctl --pin-dir DIR") is split into words on purpose
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

COMMANDS="validate apply attach detach status show stats flush help"	# at least these
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

fw_sandbox

# expect RC NAME CMD...: CMD exits RC; stdout/stderr kept in $FW_TMP/out, $FW_TMP/err
expect() {
	local want=$1 name=$2 rc
	shift 2
	"$@" >"$FW_TMP/out" 2>"$FW_TMP/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$name"
		return 0
	fi
	not_ok "$name" "command: $*" "exit status $rc, expected $want" \
		"stdout: $(head -c 400 "$FW_TMP/out")" "stderr: $(head -c 400 "$FW_TMP/err")"
	return 1
}
out() { cat "$FW_TMP/out"; }
err() { cat "$FW_TMP/err"; }

# usage_error NAME CMD...: exit 1, stderr starts with "Error:", nothing on stdout
usage_error() {
	local name=$1
	shift
	expect 1 "$name: exit 1" "$@"
	check_match "$name: Error: on stderr" '^Error: ' "$(head -n1 "$FW_TMP/err")"
	check_eq "$name: nothing on stdout" "" "$(out)"
}

# --- help and version ------------------------------------------------------------------
for h in --help -h help; do
	expect 0 "fwctl $h exits 0" $FWCTL "$h"
	check_match "fwctl $h prints usage on stdout" '^Usage: fwctl ' "$(out)"
done
LISTED=$(out | awk '/^Commands:/ {on = 1; next} on && /^$/ {on = 0} on {print $1}' | xargs)
missing=""
for c in $COMMANDS; do
	case " $LISTED " in *" $c "*) ;; *) missing="$missing $c" ;; esac
done
check_eq "fwctl --help lists every command" "" "$missing"

for v in --version -V; do
	expect 0 "fwctl $v exits 0" $FWCTL "$v"
	check_match "fwctl $v prints the version" '^fwctl [0-9]+\.[0-9]+' "$(out)"
done

# every command the help lists (a new one is covered without editing this file)
for c in $LISTED; do
	expect 0 "fwctl $c --help exits 0" $FWCTL "$c" --help
	check_match "fwctl $c --help prints its usage" "^Usage: fwctl (\[OPTIONS\] )?$c" "$(out)"
	[ "$c" = help ] && continue
	expect 0 "fwctl help $c exits 0" $FWCTL help "$c"
	check_match "fwctl help $c prints its usage" "^Usage: fwctl (\[OPTIONS\] )?$c" "$(out)"
done

# --- usage errors ----------------------------------------------------------------------
expect 1 "fwctl without a command exits 1" $FWCTL
usage_error "unknown command" $FWCTL bogus
usage_error "validate without FILE" $FWCTL validate
usage_error "apply without FILE" $FWCTL apply
usage_error "attach without IFACE" $FWCTL attach
usage_error "detach without IFACE" $FWCTL detach
usage_error "status with an extra argument" $FWCTL status extra
usage_error "unknown global option" $FWCTL --bogus status
usage_error "unknown command option" $FWCTL attach "$IF_FW_C" --bogus
usage_error "bad --mode value" $FWCTL attach "$IF_FW_C" --mode turbo
usage_error "--pin-dir without a value" "$FW_BIN" --pin-dir

# --- validate --------------------------------------------------------------------------
for f in "$FW_ROOT"/rules/*.json; do
	expect 0 "validate rules/${f##*/}" $FWCTL validate "$f"
	check_match "validate rules/${f##*/} says valid" 'valid' "$(out)"
done
BAD=$(fw_policy bad <<-'EOF'
	{
	  "version": 1,
	  "default": "pass",
	  "rules": [ { "action": "allow" } ]
	}
	EOF
)
expect 1 "validate a bad policy exits 1" $FWCTL validate "$BAD"
check_match "validate a bad policy: Error: FILE:LINE:COL: PATH: MESSAGE" \
	"^Error: $BAD:4:26: rules\[0\]\.action: \"allow\" is not an action" "$(err)"
expect 1 "validate a missing file exits 1" $FWCTL validate "$FW_TMP/nonexistent.json"
check_match "validate a missing file: Error: FILE: reason" "^Error: $FW_TMP/nonexistent.json: " "$(err)"
expect 0 "validate as a non-root user works (no privilege needed)" \
	"${NOBODY[@]}" $FWCTL validate "$FW_ROOT/rules/demo.json"

# --- read verbs without a firewall -------------------------------------------------------
usage_error "show without a firewall" fw show
usage_error "stats without a firewall" fw stats
expect 0 "status without a firewall exits 0" fw status
check_match "status without a firewall says not loaded" 'not loaded' "$(out)"
check_eq "status -j without a firewall: loaded false" false "$(fw_jq status .loaded)"

# --- with a firewall ---------------------------------------------------------------------
POLICY=$(fw_policy running <<EOF
{
  "version": 1,
  "interfaces": ["$IF_FW_C"],
  "default": "pass",
  "rules": [ { "id": "r0", "action": "drop", "protocol": "udp", "dst_port": 9 } ],
  "egress": { "rules": [ { "id": "e0", "action": "pass", "protocol": "icmp" } ] }
}
EOF
)
check "apply a policy" fw apply "$POLICY" || exit 1
for v in status show stats; do
	expect 0 "$v exits 0" fw "$v"
	check_match "$v prints text" '.' "$(out)"
	expect 0 "-j $v exits 0" fw -j "$v"
	check "-j $v is valid JSON" jq -e . "$FW_TMP/out"
	check_eq "-j $v is one line" 1 "$(wc -l <"$FW_TMP/out" | tr -d ' ')"
	check_eq "-j $v carries \"version\": 1" 1 "$(jq -r .version "$FW_TMP/out")"
	expect 0 "-j -p $v exits 0" fw -j -p "$v"
	check "-j -p $v is valid JSON" jq -e . "$FW_TMP/out"
	check_ge "-j -p $v is indented (several lines)" 3 "$(wc -l <"$FW_TMP/out" | tr -d ' ')"
	expect 0 "-v $v exits 0" fw -v "$v"
done
check_eq "-j show: rule r0 with counters" "r0 0" "$(fw_jq show '.rules[0] | "\(.id) \(.packets)"')"
check_eq "-j show: egress rule e0" "e0" "$(fw_jq show '.egress.rules[0].id')"
check_eq "-j stats: every reason, both directions" \
	"ct_established default_drop default_pass fib_pass fragment_drop fragment_pass limit_drop limit_pass malformed malformed_pass no_policy non_ip_drop non_ip_pass redirect redirect_fallback rule_drop rule_pass" \
	"$(fw_jq stats '[.ingress, .egress | keys] | unique | flatten | unique | join(" ")')"
check_eq "FWCTL_PIN_DIR selects the pin dir" "$FW_PIN true" \
	"$(FWCTL_PIN_DIR="$FW_PIN" in_ns fw "$FW_BIN" -j status | jq -r '"\(.pin_dir) \(.loaded)"')"

# --- not root ------------------------------------------------------------------------------
for v in status show stats flush; do
	expect 2 "non-root $v exits 2" in_ns fw "${NOBODY[@]}" $FWCTL "$v"
	check_match "non-root $v: clear message" "^Error: .*(root|CAP_BPF|permission)" "$(err)"
done
expect 2 "non-root apply exits 2" in_ns fw "${NOBODY[@]}" $FWCTL apply "$POLICY"
check_eq "the firewall is still there after non-root attempts" "true $IF_FW_C" \
	"$(fw_jq status '"\(.loaded) \(.interfaces[0].name)"')"
