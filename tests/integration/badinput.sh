#!/usr/bin/env bash
# badinput.sh - hostile input changes nothing. With a good policy applied and attached in the lab,
# `fwctl apply` and `fwctl validate` run on every case of the bad-policy catalogue (tests/bad/,
# expectations in tests/bad/EXPECT: committed files, plus large, binary and special files made
# here: a 100 MB file, 10 MB and 2 MB strings, files one byte over and exactly at the size limit,
# 100000 levels of nesting, 16385 rules, binary garbage, NUL bytes, invalid UTF-8, a BOM, a FIFO fed
# forever, /dev/zero, /dev/null, a directory, a missing, a looping and an unreadable file). Each
# must give the expected exit status, one "Error:" line on stderr matching the expected regex (no
# second report, no raw control character), nothing on stdout, and validate the same error as
# apply (or, for an error that only applying finds, "valid"). Then about 40 bad command lines
# (unknown verbs and options, missing and extra arguments, --mode bogus, --pin-dir outside bpffs,
# set add with bad prefixes, explain on a non-pcap, detach of a missing interface, ...): each a
# non-zero exit with an "Error:" line and nothing on stdout. The kernel state must stay byte for
# byte the same throughout (fw-mapdigest), the attachments too, and at the end real traffic must
# still get the good policy's verdicts.
#
# Cost: fw-mapdigest of every configuration map takes 0.3 s (fw_cls, 34 MB, 0.25 s; fw_rules and
# fw_meta, 16384 entries and 4 MB, 60 ms), which for 300 cases and command lines would be well
# over a minute. So after every case and command line the digest covers the maps that any apply
# reaching the kernel writes first or always (fw_gen, fw_tblcfg, the LPM tries, the direct tables,
# the interfaces and the sets: 17 ms), and the full digest (fw_mapdigest PIN_DIR, every map) is
# taken before the first case, after every 20 cases or command lines, and at the end. A
# difference names the case, or the 20, that caused it.
#
# Every fwctl run is bounded: 20 s (a hang fails, not stalls) and 1 GiB of address space (a set
# file without line ends, like /dev/zero, would otherwise take all the machine's memory).
# shellcheck disable=SC2086 # $FWCTL ("fwctl --pin-dir DIR") is split into words on purpose
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

BAD="$FW_ROOT/tests/bad"
FW_RUN_TIMEOUT=20
FW_RUN_VMEM_KB=1048576

fw_sandbox
serve_udp 5353
serve_udp 5354

GOOD=$(fw_policy good <<EOF
{
  "version": 1,
  "description": "badinput.sh: the running policy",
  "interfaces": ["$IF_FW_C"],
  "default": "pass",
  "sets": { "blocklist": { "elements": ["203.0.113.0/24", "2001:db8:ffff::/48"] } },
  "rules": [
    { "id": "blocked", "action": "drop", "src": "@blocklist" },
    { "id": "udp-deny", "action": "drop", "protocol": "udp", "dst_port": 5354 },
    { "id": "udp-ok", "action": "pass", "protocol": "udp", "dst_port": 5353 }
  ],
  "egress": { "default": "pass", "rules": [] }
}
EOF
)

# --- state snapshots ------------------------------------------------------------------------

# digest_small: the configuration maps that are cheap to read (see the top); digest_full: all
SMALL_MAPS="fw_gen fw_tblcfg fw_lpm4 fw_lpm6 fw_dtab fw_iface fw_sets4 fw_sets6"
digest_small() { "$FW_MAPDIGEST" "$FW_PIN" $SMALL_MAPS 2>&1; }
digest_full() { "$FW_MAPDIGEST" "$FW_PIN" 2>&1; }

# attachments: fwctl's view (interfaces, policy) and the kernel's (xdp and tc program ids)
attachments() {
	fw_jq status '{interfaces, policy}' | jq -cS .
	in_ns fw ip -d link show dev "$IF_FW_C" | grep -o 'prog/xdp id [0-9]*'
	in_ns fw tc filter show dev "$IF_FW_C" egress | grep -o ' id [0-9]*'
}

check "apply the good policy" fw apply "$GOOD" || exit 1
WANT_VERDICTS=$(printf '%s\n' "udp 5353 v4: 1" "udp 5353 v6: 1" "udp 5354 v4: 0" "udp 5354 v6: 0" "ping v4: 1")
check_eq "the good policy's verdicts" "$WANT_VERDICTS" "$(udp_verdicts)"
deny0=$(rule_packets udp-deny)
check_eq "udp-deny counted the 2 denied datagrams" 2 "$deny0"
check "fw-mapdigest PIN_DIR reads every configuration map" "$FW_MAPDIGEST" "$FW_PIN"
FULL0=$(digest_full)
SMALL0=$(digest_small)
ATTACH0=$(attachments)
SETS0=$(fw set list blocklist 2>&1)

# --- running fwctl, bounded -----------------------------------------------------------------

# fw_run OUTDIR CMD...: run CMD in the firewall namespace with the bounds above; stdout, stderr
# and exit status into OUTDIR/out, OUTDIR/err, RC (124: timed out)
fw_run() {
	local d=$1
	shift
	(
		ulimit -v "$FW_RUN_VMEM_KB"
		exec timeout -k 2 "$FW_RUN_TIMEOUT" ip netns exec "$NS_FW" "$@"
	) >"$d/out" 2>"$d/err" </dev/null
	RC=$?
}

# shown: a file's first lines, control characters made visible, for diagnostics
shown() {
	head -c 600 "$1" | cat -v | head -n 6
}

# output_problems OUTDIR WANT-RC REGEX [ERROR-LINES]: what is wrong with a run's outcome (one
# problem a line; nothing when all is well). The first line of stderr must match REGEX; stderr
# must be exactly ERROR-LINES lines (default 1) with one "Error:" line among them.
output_problems() {
	local d=$1 want=$2 re=$3 lines=${4:-1} n e
	[ "$RC" -eq 124 ] && echo "timed out after $FW_RUN_TIMEOUT s"
	[ "$RC" = "$want" ] || echo "exit status $RC, want $want"
	head -n 1 "$d/err" | grep -Eq -- "$re" || echo "stderr does not match: $re"
	n=$(wc -l <"$d/err")
	[ "$lines" = any ] || [ "$n" -eq "$lines" ] || echo "stderr has $n lines, want $lines"
	e=$(grep -c '^Error: ' "$d/err")
	[ "$e" -eq 1 ] || echo "stderr has $e \"Error:\" lines, want 1"
	LC_ALL=C grep -q '[[:cntrl:]]' "$d/err" && echo "stderr carries a raw control character"
	[ -s "$d/out" ] && echo "stdout is not empty: $(shown "$d/out" | head -n 2)"
	return 0
}

# --- the generated cases (gen/NAME in tests/bad/EXPECT) ----------------------------------------

GEN="$FW_TMP/gen"
mkdir -p "$GEN"
LIMIT=""

# rule_doc RULE: the layout of the committed rule cases, RULE on line 5
rule_doc() {
	printf '{\n  "version": 1,\n  "default": "pass",\n  "rules": [\n    %s\n  ]\n}\n' "$1"
}

# sets_doc SETS: the layout of the committed set cases, SETS on line 4
sets_doc() {
	printf '{\n  "version": 1,\n  "default": "pass",\n  "sets": %s,\n  "rules": [\n    { "action": "drop", "src": "@a" }\n  ]\n}\n' "$1"
}

# repeat N CHAR: CHAR N times
repeat() {
	head -c "$1" /dev/zero | tr '\0' "$2"
}

# pad_to SIZE: stdin, then spaces up to SIZE bytes, then "\n}\n" (the document's end)
pad_to() {
	local f="$GEN/pad.tmp" n
	cat >"$f"
	n=$(($1 - $(stat -c %s "$f") - 3))
	{ cat "$f"; repeat "$n" ' '; printf '\n}\n'; }
	rm -f "$f"
}

# gen_case NAME: make $FW_TMP/NAME (gen/NAME); files are made once, FIFOs get a writer per run
gen_case() {
	local n=${1#gen/} f="$GEN/${1#gen/}"
	case "$n" in
	huge-100m.json) [ -e "$f" ] || truncate -s 100M "$f" ;;	# sparse: no disk, no time
	string-10m.json)
		{ printf '{"version": 1, "default": "pass", "description": "'; repeat $((10 << 20)) x; printf '"}\n'; } >"$f" ;;
	size-limit-plus-1.json)	# a valid policy, one byte too long
		printf '{\n  "version": 1,\n  "default": "pass"' | pad_to $((LIMIT + 1)) >"$f" ;;
	size-limit-exact.json)	# exactly the limit: read, parsed, and its error found
		printf '{\n  "version": 1,\n  "default": "allow"' | pad_to "$LIMIT" >"$f" ;;
	string-2m.json)
		{ printf '{\n  "version": 1,\n  "default": "pass",\n  "description": "'; repeat 2000000 x; printf '"\n}\n'; } >"$f" ;;
	id-1m.json) rule_doc "{ \"action\": \"drop\", \"id\": \"$(repeat 1000000 i)\" }" >"$f" ;;
	deep-arrays.json) { repeat 100000 '['; repeat 100000 ']'; echo; } >"$f" ;;
	deep-objects.json) python3 -c 'print("{\"a\":" * 100000 + "1" + "}" * 100000)' >"$f" ;;
	deep-rule-lists.json)
		{ printf '{"version":1,"default":"pass","rules":[{"action":"drop","src":'; repeat 100000 '['; repeat 100000 ']'; printf '}]}\n'; } >"$f" ;;
	rules-16385.json)
		{ printf '{\n  "version": 1,\n  "default": "pass",\n  "rules": [\n'
		  for _ in $(seq 16384); do printf '    { "action": "drop", "protocol": "tcp" },\n'; done
		  printf '    { "action": "drop" }\n  ]\n}\n'; } >"$f" ;;
	egress-rules-16385.json)
		{ printf '{\n  "version": 1,\n  "default": "pass",\n  "egress": {\n    "rules": [\n'
		  for _ in $(seq 16384); do printf '      { "action": "drop", "protocol": "udp" },\n'; done
		  printf '      { "action": "drop" }\n    ]\n  }\n}\n'; } >"$f" ;;
	binary-garbage.bin) { printf '\x89PNG\r\n\x1a\n'; head -c 65536 /dev/urandom; } >"$f" ;;
	nul-in-object.json) printf '{\n  "version": 1,\0\n  "default": "pass"\n}\n' >"$f" ;;
	nul-in-string.json) printf '{\n  "version": 1,\n  "default": "pa\0ss"\n}\n' >"$f" ;;
	nul-after-document.json) printf '{\n  "version": 1,\n  "default": "pass"\n}\n\0garbage' >"$f" ;;
	utf8-invalid.json) printf '{\n  "version": 1,\n  "default": "pass",\n  "description": "\xff\xfe"\n}\n' >"$f" ;;
	utf8-overlong.json) printf '{\n  "version": 1,\n  "default": "pass",\n  "description": "\xc0\xaf"\n}\n' >"$f" ;;
	utf8-surrogate.json) printf '{\n  "version": 1,\n  "default": "pass",\n  "description": "\xed\xa0\x80"\n}\n' >"$f" ;;
	utf8-invalid-key.json) printf '{\n  "version": 1,\n  "default": "pass",\n  "\xff": 1\n}\n' >"$f" ;;
	bom.json) printf '\xef\xbb\xbf{\n  "version": 1,\n  "default": "pass"\n}\n' >"$f" ;;
	control-char-esc-string.json) printf '{\n  "version": 1,\n  "default": "pass",\n  "description": "a\x1bb"\n}\n' >"$f" ;;
	control-char-esc-token.json) printf '{\n  "version": 1,\n  "default": \x1b[31mX\n}\n' >"$f" ;;
	set-file-nul.json)
		printf '192.0.2.0/24\n\0\n' >"$GEN/nul-set.txt"
		sets_doc '{ "a": { "file": "nul-set.txt" } }' >"$f" ;;
	set-file-huge.json)
		gen_case gen/huge-100m.json
		sets_doc '{ "a": { "file": "huge-100m.json" } }' >"$f" ;;
	set-file-fifo.json)
		rm -f "$GEN/fifo-set"
		mkfifo "$GEN/fifo-set"
		sets_doc '{ "a": { "file": "fifo-set" } }' >"$f" ;;
	a-directory) mkdir -p "$f" ;;
	missing.json) rm -f "$f" ;;
	symlink-loop.json) ln -sfn symlink-loop.json "$f" ;;
	unreadable.json) printf '{ "version": 1, "default": "pass" }\n' >"$f" && chmod 000 "$f" ;;
	fifo-endless) rm -f "$f" && mkfifo "$f" ;;
	*) return 1 ;;
	esac
}

# the size limit, as fwctl states it (for the files at and just over it)
gen_case gen/huge-100m.json
fw_run "$FW_TMP" $FWCTL validate "$GEN/huge-100m.json"
LIMIT=$(sed -n 's/.*(at most \([0-9]*\) bytes).*/\1/p' "$FW_TMP/err")
check_ge "fwctl states its size limit (${LIMIT:-none} bytes)" 1024 "${LIMIT:-x}" || exit 1

WRITER=""
# start_writers NAME: a FIFO case's endless writer (killed by stop_writers)
start_writers() {
	case "$1" in
	gen/fifo-endless) (exec yes '{' >"$GEN/fifo-endless") & WRITER=$! ;;
	gen/set-file-fifo.json) (exec yes >"$GEN/fifo-set") & WRITER=$! ;;
	esac
}
stop_writers() {
	[ -n "$WRITER" ] || return 0
	{ kill "$WRITER"; wait "$WRITER"; } 2>/dev/null
	WRITER=""
}

# --- the catalogue --------------------------------------------------------------------------

# run_case NAME STATUS REGEX: apply and validate NAME, check both and the state
run_case() {
	local name=$1 status=$2 re=$3 file wrap=() a v probs
	case "$name" in
	gen/*)
		file="$FW_TMP/$name"
		gen_case "$name" || { not_ok "$name: tests/bad/EXPECT names a generated case badinput.sh cannot make"; return; } ;;
	/*) file=$name ;;
	*) file="$BAD/$name"
		[ -e "$file" ] || { not_ok "$name: listed in tests/bad/EXPECT but missing"; return; } ;;
	esac
	# root reads any file: without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH the mode counts
	[ "$name" = gen/unreadable.json ] && wrap=(setpriv "--bounding-set=-dac_override,-dac_read_search")
	a=${status%/*}
	v=${status#*/}

	mkdir -p "$FW_TMP/apply" "$FW_TMP/validate"
	start_writers "$name"
	fw_run "$FW_TMP/apply" "${wrap[@]}" $FWCTL apply "$file"
	stop_writers
	probs=$(output_problems "$FW_TMP/apply" "$a" "$re")
	SMALL=$(digest_small)
	[ "$SMALL" = "$SMALL0" ] && [ -n "$SMALL" ] || probs+=$'\n'"configuration maps changed: $(diff <(echo "$SMALL0") <(echo "$SMALL") | grep '^>' | head -n 3)"
	probs=$(sed '/^$/d' <<<"$probs")
	if [ -z "$probs" ]; then
		ok "apply $name: exit $a, $(head -c 100 "$FW_TMP/apply/err" | head -n 1 | cat -v | sed "s|$FW_ROOT/tests/bad/||; s|$FW_TMP/||")"
	else
		not_ok "apply $name" "$probs" "stderr:" "$(shown "$FW_TMP/apply/err")"
	fi

	start_writers "$name"
	fw_run "$FW_TMP/validate" "${wrap[@]}" $FWCTL validate "$file"
	stop_writers
	if [ "$a" = "$v" ]; then
		probs=$(output_problems "$FW_TMP/validate" "$v" "$re")
		cmp -s "$FW_TMP/apply/err" "$FW_TMP/validate/err" || probs+=$'\n'"validate's error differs from apply's"
	else	# an error only applying finds: validate accepts, quietly
		probs=""
		[ "$RC" = "$v" ] || probs="exit status $RC, want $v"
		[ -s "$FW_TMP/validate/err" ] && probs+=$'\n'"stderr is not empty"
		grep -q ': valid: ' "$FW_TMP/validate/out" || probs+=$'\n'"stdout does not say valid"
	fi
	probs=$(sed '/^$/d' <<<"$probs")
	if [ -z "$probs" ]; then
		ok "validate $name: exit $v, $([ "$a" = "$v" ] && echo "the same error" || echo valid)"
	else
		not_ok "validate $name" "$probs" "stderr:" "$(shown "$FW_TMP/validate/err")" \
			"apply's stderr:" "$(shown "$FW_TMP/apply/err")"
	fi
}

# full_state_check WHAT: the full digest (fw_cls included) and the attachments are as at start
full_state_check() {
	local d
	d=$(digest_full)
	if [ "$d" = "$FULL0" ]; then
		ok "all configuration maps byte-identical $1"
	else
		not_ok "all configuration maps byte-identical $1" \
			"$(diff <(echo "$FULL0") <(echo "$d") | grep '^[<>]')"
	fi
	check_eq "attachments unchanged $1" "$ATTACH0" "$(attachments)"
}

ncases=0
first=""
start=$(date +%s)
while read -r name status re; do
	case "$name" in '' | '#'*) continue ;; esac
	[ -n "$first" ] || first=$name
	run_case "$name" "$status" "$re"
	ncases=$((ncases + 1))
	if [ $((ncases % 20)) -eq 0 ]; then
		full_state_check "after cases $first .. $name"
		first=""
	fi
done <"$BAD/EXPECT"
[ -n "$first" ] && full_state_check "after cases $first .. $name"
rm -f "$GEN/huge-100m.json"
check_ge "tests/bad/EXPECT: 50 cases or more (${ncases} in $(($(date +%s) - start)) s)" 50 "$ncases"
n=$(find "$BAD" -maxdepth 1 -name '*.json' | wc -l)
listed=$(grep -cE '^[^#/ ][^ /]* ' "$BAD/EXPECT")
check_eq "every file of tests/bad has its line in EXPECT" "$n" "$listed"

# --- bad command lines ----------------------------------------------------------------------

mkdir -p "$FW_TMP/cli" "$FW_TMP/notbpffs"
NOPCAP="$BAD/port-70000.json"

# cli NAME WANT-RC REGEX [ERROR-LINES] -- ARGS...: fwctl ARGS (with the lab's pin dir unless
# ARGS start with "=", meaning: the bare binary) fails as expected and changes nothing
cli() {
	local name=$1 want=$2 re=$3 lines=1 probs d
	shift 3
	if [ "$1" != -- ]; then
		lines=$1
		shift
	fi
	shift
	if [ "${1:-}" = "=" ]; then
		shift
		fw_run "$FW_TMP/cli" "$FW_BIN" "$@"
	else
		fw_run "$FW_TMP/cli" $FWCTL "$@"
	fi
	probs=$(output_problems "$FW_TMP/cli" "$want" "$re" "$lines")
	d=$(digest_small)
	[ "$d" = "$SMALL0" ] || probs+=$'\n'"configuration maps changed: $(diff <(echo "$SMALL0") <(echo "$d") | grep '^>' | head -n 3)"
	[ "$(attachments)" = "$ATTACH0" ] || probs+=$'\n'"attachments changed"
	probs=$(sed '/^$/d' <<<"$probs")
	if [ -z "$probs" ]; then
		ok "cli $name: exit $want, $(head -n 1 "$FW_TMP/cli/err" | head -c 100 | cat -v)"
	else
		not_ok "cli $name" "command: fwctl $*" "$probs" "stderr:" "$(shown "$FW_TMP/cli/err")"
	fi
	ncli=$((ncli + 1))
	[ -n "$first" ] || first=$name
	if [ $((ncli % 20)) -eq 0 ]; then
		full_state_check "after command lines \"$first\" .. \"$name\""
		first=""
	fi
}
ncli=0
first=""

U=2	# usage errors: "Error: ..." and "Try 'fwctl ... --help'."
cli "unknown verb" 1 '^Error: unknown command "frobnicate"' $U -- frobnicate
cli "abbreviated verb" 1 '^Error: unknown command "app"' $U -- app "$GOOD"
cli "verb in capitals" 1 '^Error: unknown command "APPLY"' $U -- APPLY "$GOOD"
cli "unknown global option" 1 '^Error: unknown option "--frobnicate"' $U -- --frobnicate status
cli "unknown short option" 1 '^Error: unknown option "-x"' $U -- -x status
cli "--pin-dir without its argument" 1 '^Error: option "--pin-dir" needs an argument' $U -- = --pin-dir
cli "--pin-dir outside bpffs (apply)" 1 "^Error: $FW_TMP/notbpffs is not a BPF filesystem" -- = --pin-dir "$FW_TMP/notbpffs/fw" apply "$GOOD"
cli "--pin-dir outside bpffs (set add)" 1 "^Error: $FW_TMP/notbpffs is not a BPF filesystem" -- = --pin-dir "$FW_TMP/notbpffs/fw" set add blocklist 192.0.2.0/24
# the same error, the same exit status, whatever the verb
cli "--pin-dir outside bpffs (set list)" 1 "^Error: $FW_TMP/notbpffs is not a BPF filesystem" -- = --pin-dir "$FW_TMP/notbpffs/fw" set list
cli "--pin-dir outside bpffs (explain)" 1 "^Error: $FW_TMP/notbpffs is not a BPF filesystem" -- = --pin-dir "$FW_TMP/notbpffs/fw" explain --hex 00
cli "--pin-dir outside bpffs (status)" 1 "^Error: $FW_TMP/notbpffs is not a BPF filesystem" -- = --pin-dir "$FW_TMP/notbpffs/fw" status
cli "--pin-dir not a path" 1 '^Error: pin directory "fwpins" must be inside a BPF filesystem' -- = --pin-dir fwpins apply "$GOOD"
check_eq "--pin-dir outside bpffs created nothing" "" "$(ls -A "$FW_TMP/notbpffs")"
cli "apply without FILE" 1 '^Error: apply takes one FILE' $U -- apply
cli "apply with two FILEs" 1 '^Error: apply takes one FILE' $U -- apply "$GOOD" "$GOOD"
cli "apply with an unknown option" 1 '^Error: unknown option "--frobnicate"' $U -- apply --frobnicate "$GOOD"
cli "apply -j of a missing file: no JSON" 1 '^Error: .*/nosuch\.json: No such file or directory$' -- -j apply "$FW_TMP/nosuch.json"
cli "validate without FILE" 1 '^Error: validate takes one FILE' $U -- validate
cli "validate with two FILEs" 1 '^Error: validate takes one FILE' $U -- validate "$GOOD" "$GOOD"
cli "attach --mode bogus" 1 '^Error: --mode takes auto, native, skb or hw' $U -- attach "$IF_FW_S" --mode bogus
cli "attach --mode without a mode" 1 '^Error: --mode takes auto, native, skb or hw' $U -- attach "$IF_FW_S" --mode
cli "attach without IFACE" 1 '^Error: attach needs an IFACE' $U -- attach
cli "attach of two IFACEs" 1 '^Error: attach takes one IFACE' $U -- attach "$IF_FW_S" "$IF_FW_C"
cli "attach of a missing interface" 1 '^Error: cannot find device "nosuch0"' -- attach nosuch0
cli "detach of a missing interface" 1 '^Error: cannot find device "nosuch0"' -- detach nosuch0
cli "detach of a missing one among real ones" 1 '^Error: cannot find device "nosuch0"' -- detach "$IF_FW_C" nosuch0
cli "detach without IFACE" 1 '^Error: detach takes IFACE\.\.\. or --all' $U -- detach
cli "detach with an unknown option" 1 '^Error: unknown option "--everything"' $U -- detach --everything
cli "status with an argument" 1 '^Error: status takes no arguments' $U -- status now
cli "show with an argument" 1 '^Error: show takes no arguments' $U -- show rules
cli "stats with an argument" 1 '^Error: stats takes no arguments' $U -- stats ingress
cli "stats with an unknown option" 1 '^Error: unknown option "--rates"' $U -- stats --rates
cli "stats --watch --interval 0" 1 '^Error: --interval takes seconds from 0\.1 to 3600, not "0"' $U -- stats --watch --interval 0
cli "stats --watch --interval without SECONDS" 1 '^Error: --interval needs SECONDS' $U -- stats --watch --interval
cli "stats --watch --count x" 1 '^Error: --count takes a number of reports >= 1, not "x"' $U -- stats --watch --count x
cli "stats --count without --watch" 1 '^Error: --count goes with --watch' $U -- stats --count 2
cli "stats --prometheus with -j" 1 '^Error: --prometheus goes with neither --watch nor -j' $U -- -j stats --prometheus
cli "stats --prometheus --watch" 1 '^Error: --prometheus goes with neither --watch nor -j' $U -- stats --prometheus --watch
cli "log with an argument" 1 '^Error: log takes no arguments, only options' $U -- log eth0
cli "log --count 0" 1 '^Error: --count takes a number of events >= 1, not "0"' $U -- log --count 0
cli "log --timeout -1" 1 '^Error: --timeout takes seconds > 0, not "-1"' $U -- log --timeout -1
cli "log --pcap without FILE" 1 '^Error: --pcap needs a FILE' $U -- log --pcap
cli "log --pcap with -j" 1 '^Error: --pcap writes a pcap file, not JSON: drop -j' $U -- -j log --pcap /dev/null
cli "log --pcap into a missing directory" 1 '^Error: cannot write /nonexistent/x\.pcap: No such file or directory' -- log --pcap /nonexistent/x.pcap --timeout 1
cli "flush with an argument: flushes nothing" 1 '^Error: flush takes no arguments' $U -- flush now
cli "help of an unknown verb" 1 '^Error: unknown command "frobnicate"' $U -- help frobnicate
cli "set with an unknown verb" 1 '^Error: set takes add, del or list' $U -- set frobnicate blocklist
cli "set add without NAME" 1 '^Error: set add needs a set NAME' $U -- set add
cli "set add without elements" 1 '^Error: set add needs elements or --file' $U -- set add blocklist
cli "set add of an unknown set" 1 '^Error: the active policy has no set "nosuchset"' -- set add nosuchset 192.0.2.0/24
cli "set add of a prefix with host bits" 1 '^Error: 192\.0\.2\.1/24 has host bits set \(did you mean 192\.0\.2\.0/24\?\)$' -- set add blocklist 192.0.2.1/24
cli "set add of a bad address" 1 '^Error: "192\.0\.2\.300" is not an IPv4 or IPv6 prefix$' -- set add blocklist 192.0.2.300
cli "set add of a bad length, after a good one" 1 '^Error: "2001:db8::/129" has a bad prefix length \(0-128 for IPv6\)$' -- set add blocklist 198.51.100.0/24 2001:db8::/129
cli "set add with an unknown option" 1 '^Error: unknown option "--force"' $U -- set add blocklist --force 192.0.2.0/24
cli "set add --file without FILE" 1 '^Error: --file needs a FILE' $U -- set add blocklist --file
cli "set add --file of a missing file" 1 '^Error: ".*/nosuch\.txt": No such file or directory$' -- set add blocklist --file "$FW_TMP/nosuch.txt"
cli "set add --file with a bad 4th line" 1 '^Error: ".*/bad-line\.txt":4: "192\.0\.2\.300" is not an IPv4 or IPv6 prefix$' -- set add blocklist --file "$BAD/sets/bad-line.txt"
cli "set add --file /dev/zero (no line end, ever)" 1 '^Error: "/dev/zero":1: a NUL byte$' -- set add blocklist --file /dev/zero
cli "set del of an element not in the set" 1 '^Error: set "blocklist": an element is not in the set' -- set del blocklist 198.51.100.0/24
cli "explain without FILE" 1 '^Error: explain takes a pcap FILE or --hex FRAME' $U -- explain
cli "explain of a non-pcap file" 1 "^Error: $NOPCAP: " -- explain "$NOPCAP"
cli "explain of a missing file" 1 '^Error: .*/nosuch\.pcap: ' -- explain "$FW_TMP/nosuch.pcap"
cli "explain --hex of non-hex" 1 '^Error: --hex takes an Ethernet frame as hex digits' $U -- explain --hex zz
cli "explain --interface of a missing interface" 1 '^Error: cannot find device "nosuch0"' -- explain --interface nosuch0 --hex 00
# no verb at all: the usage on stderr, exit 1 (not an "Error:" line: see the report)
fw_run "$FW_TMP/cli" $FWCTL
check_eq "cli no verb: exit 1" 1 "$RC"
check "cli no verb: the usage on stderr, nothing on stdout" \
	bash -c "grep -q '^Usage: fwctl' '$FW_TMP/cli/err' && ! [ -s '$FW_TMP/cli/out' ]"
check_eq "set blocklist unchanged by the bad set commands" "$SETS0" "$(fw set list blocklist 2>&1)"
check_ge "bad command lines: 15 or more ($ncli)" 15 "$ncli"

# --- the running policy still works ---------------------------------------------------------
full_state_check "at the end"
check_eq "verdicts unchanged after $ncases bad files and the bad command lines" "$WANT_VERDICTS" "$(udp_verdicts)"
check_eq "udp-deny still counting (2 more)" "$((deny0 + 2))" "$(rule_packets udp-deny)"
check_eq "generation unchanged" 1 "$(fw_jq status '.policy.generation')"
check_eq "active policy file unchanged" "$GOOD" "$(fw_jq status '.policy.file')"

# the digests have teeth: a good policy that differs only in one port changes both
sed 's/5354/5355/' "$GOOD" >"$FW_TMP/good2.json"
check "apply a good policy that differs in one port" fw apply "$FW_TMP/good2.json"
check "the cheap digest sees the change" test "$(digest_small)" != "$SMALL0"
check "the full digest sees the change" test "$(digest_full)" != "$FULL0"
