# tests/lib.sh - shared helpers for the bash integration tests (tests/integration/*.sh).
#
# Source it first thing:   . "$(dirname "$0")/../lib.sh"
#
# What it gives a test:
#   fw_sandbox         a 3-namespace lab, client <-> firewall <-> server, two veth pairs, the
#                      firewall routing IPv4 and IPv6 between them; documentation addresses only
#                      (198.18.0.0/15, 2001:db8::/32); static neighbours and no DAD, so no ARP/ND
#                      traffic makes counters inexact; a private bpffs for fwctl's pins.
#   $FWCTL             build/fwctl --pin-dir <private bpffs>/fw (use unquoted: $FWCTL apply F)
#   in_ns NS CMD...    run CMD in namespace NS: client, fw or server (or a literal netns name)
#   fw CMD...          in_ns fw $FWCTL CMD...
#   ok/not_ok/check... TAP-style results: each check prints "ok - NAME" or "not ok - NAME",
#                      diagnostics go on lines starting with "#"; the script exits non-zero when a
#                      check failed (from the EXIT trap).
#   serve_tcp/serve_udp, tcp_connect, udp_roundtrip, ping4/ping6: real traffic, see below.
#   fw_json, rule_packets, stat_packets: jq queries on fwctl's JSON.
#
# Names (namespaces, veths, temp dirs) derive from the test's name and $$, so two tests can run
# side by side. Everything that is created is recorded and removed by the EXIT trap, pass, fail
# or interrupt: server processes (killed by process group id), fwctl state (fwctl flush),
# namespaces (and so their veths), the bpffs mount, temp files.
#
# Environment: FW_BIN (default build/fwctl) and FW_MAPDIGEST (default
# build/tests/tools/fw-mapdigest) choose the binaries under test.
#
# shellcheck shell=bash disable=SC2086
# (SC2086: $FWCTL is a command line, "fwctl --pin-dir DIR", split into words on purpose)

set -u

FW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FW_BIN=${FW_BIN:-$FW_ROOT/build/fwctl}
FW_MAPDIGEST=${FW_MAPDIGEST:-$FW_ROOT/build/tests/tools/fw-mapdigest}
FW_TEST=$(basename "$0" .sh)
FW_TAG="${FW_TEST:0:3}$$"	# short: veth names are at most 15 bytes

# Lab addresses: documentation / benchmark ranges only.
CLIENT4=198.18.1.2
CLIENT4_B=198.18.1.3		# a second client source, for "other source" checks
FW_C4=198.18.1.1
FW_S4=198.18.2.1
SERVER4=198.18.2.2
CLIENT6=2001:db8:1::2
CLIENT6_B=2001:db8:1::3
FW_C6=2001:db8:1::1
FW_S6=2001:db8:2::1
SERVER6=2001:db8:2::2

# Names: namespaces are per test and per process; veths live only inside them.
NS_CLIENT="fwt-$FW_TEST-$$-client"
NS_FW="fwt-$FW_TEST-$$-fw"
NS_SERVER="fwt-$FW_TEST-$$-server"
IF_CLIENT="${FW_TAG}c"		# client's side of pair 1
IF_FW_C="${FW_TAG}fc"		# firewall's side facing the client: fwctl attaches here
IF_FW_S="${FW_TAG}fs"		# firewall's side facing the server
IF_SERVER="${FW_TAG}s"		# server's side of pair 2

FW_TMP=""			# scratch dir (policies, server logs)
FW_BPFFS=""			# private bpffs mount point
FW_PIN=""			# fwctl's pin dir inside it
FWCTL="$FW_BIN"
FW_NS_MADE=()			# namespaces created
FW_PGIDS=()			# process groups started (servers)
FW_CHECKS=0
FW_FAILED=0

# --- TAP results ------------------------------------------------------------

ok() {
	FW_CHECKS=$((FW_CHECKS + 1))
	echo "ok - $*"
}

# not_ok NAME [DIAG...]: a failed check, with diagnostics on "#" lines
not_ok() {
	local name=$1
	shift
	FW_CHECKS=$((FW_CHECKS + 1))
	FW_FAILED=$((FW_FAILED + 1))
	echo "not ok - $name"
	[ $# -gt 0 ] && diag "$@"
	return 0
}

# diag TEXT...: print TEXT as TAP comment lines
diag() {
	printf '%s\n' "$@" | sed 's/^/#   /'
}

# check NAME CMD...: ok when CMD exits 0; its output is shown only on failure
check() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		ok "$name"
	elif [ "$rc" -gt 128 ] && [ "$rc" -lt 160 ]; then
		not_ok "$name" "command: $*" "exit status: $rc (killed by signal $((rc - 128)))" "$out"
	else
		not_ok "$name" "command: $*" "exit status: $rc" "$out"
	fi
	return "$rc"
}

# check_fail NAME CMD...: ok when CMD exits non-zero
check_fail() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ]; then
		ok "$name"
		return 0
	fi
	not_ok "$name" "command succeeded but should not have: $*" "$out"
	return 1
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
		return 0
	fi
	not_ok "$1" "expected: $2" "got:      $3"
	return 1
}

# check_ge NAME MIN ACTUAL: ACTUAL is an integer >= MIN
check_ge() {
	if [[ "$3" =~ ^[0-9]+$ ]] && [ "$3" -ge "$2" ]; then
		ok "$1"
		return 0
	fi
	not_ok "$1" "expected an integer >= $2" "got: $3"
	return 1
}

# check_match NAME REGEX TEXT: TEXT matches the extended regex
check_match() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then
		ok "$1"
		return 0
	fi
	not_ok "$1" "expected to match: $2" "got: $3"
	return 1
}

# bail REASON: a setup step failed; record it and stop (the trap cleans up)
bail() {
	not_ok "setup: $*"
	exit 1
}

# sys CMD...: run a setup command; bail if it fails (like selftests' SYS())
sys() {
	local out
	out=$("$@" 2>&1) || { not_ok "setup: $*" "$out"; exit 1; }
}

# --- cleanup ------------------------------------------------------------------

fw_cleanup() {
	local rc=$? pg ns
	trap - EXIT INT TERM HUP
	for pg in "${FW_PGIDS[@]}"; do
		kill -TERM -- "-$pg" 2>/dev/null
	done
	for pg in "${FW_PGIDS[@]}"; do
		fw_wait_gone "$pg" || kill -KILL -- "-$pg" 2>/dev/null
	done
	# fwctl flush only where the firewall can be: inside our firewall namespace, never the host
	if [ -n "$FW_PIN" ] && [ -d "$FW_PIN" ] && ip netns list | grep -q "^$NS_FW\b"; then
		ip netns exec "$NS_FW" $FWCTL flush >/dev/null 2>&1
	fi
	for ns in "${FW_NS_MADE[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$FW_BPFFS" ]; then
		umount "$FW_BPFFS" 2>/dev/null || umount -l "$FW_BPFFS" 2>/dev/null
		rmdir "$FW_BPFFS" 2>/dev/null
	fi
	[ -n "$FW_TMP" ] && rm -rf "$FW_TMP"
	echo "1..$FW_CHECKS"
	echo "# $FW_TEST: $FW_CHECKS checks, $FW_FAILED failed"
	[ "$FW_FAILED" -gt 0 ] && [ "$rc" -eq 0 ] && rc=1
	[ "$FW_CHECKS" -eq 0 ] && [ "$rc" -eq 0 ] && rc=1
	exit "$rc"
}

# fw_wait_gone PGID: wait up to ~1 s for a process group to disappear
fw_wait_gone() {
	local _
	for _ in $(seq 20); do
		kill -0 -- "-$1" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

trap fw_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- setup ----------------------------------------------------------------------

# fw_require_root: the tests need root; a missing privilege is a failure, never a skip
fw_require_root() {
	[ "$(id -u)" -eq 0 ] || bail "$FW_TEST needs root (namespaces, BPF)"
	[ -x "$FW_BIN" ] || bail "$FW_BIN is missing: run 'make tests' first"
}

# fw_tmpdir: scratch directory for policies and logs (removed by the trap)
fw_tmpdir() {
	[ -n "$FW_TMP" ] && return 0
	FW_TMP=$(mktemp -d "/tmp/fwt-$FW_TEST.XXXXXX") || bail "mktemp"
}

# fw_bpffs: mount a private bpffs (visible inside 'ip netns exec', unlike /sys/fs/bpf)
fw_bpffs() {
	FW_BPFFS=$(mktemp -d /run/fwctl-test.XXXXXX) || bail "mktemp bpffs dir"
	if ! mount -t bpf bpf "$FW_BPFFS"; then
		rmdir "$FW_BPFFS"
		FW_BPFFS=""
		bail "mount -t bpf"
	fi
	FW_PIN="$FW_BPFFS/fw"
	FWCTL="$FW_BIN --pin-dir $FW_PIN"
}

# ns_name ROLE: the netns name of client, fw (firewall) or server; anything else as is
ns_name() {
	case "$1" in
	client) echo "$NS_CLIENT" ;;
	fw | firewall) echo "$NS_FW" ;;
	server) echo "$NS_SERVER" ;;
	*) echo "$1" ;;
	esac
}

# in_ns NS CMD...: run CMD inside namespace NS
in_ns() {
	local ns
	ns=$(ns_name "$1")
	shift
	ip netns exec "$ns" "$@"
}

# fw CMD...: fwctl (with the private pin dir) in the firewall namespace
fw() {
	in_ns fw $FWCTL "$@"
}

# fw_netns ROLE: create a namespace with lo up, no DAD, no router solicitations
fw_netns() {
	local ns
	ns=$(ns_name "$1")
	FW_NS_MADE+=("$ns")	# first: an interrupt right after the add still removes it
	sys ip netns add "$ns"
	sys ip -n "$ns" link set lo up
	sys in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.default.accept_ra=0
}

# fw_mac ROLE IFACE: the interface's MAC address
fw_mac() {
	ip -n "$(ns_name "$1")" -j link show dev "$2" | jq -r '.[0].address'
}

# fw_neigh ROLE IFACE MAC ADDR...: permanent neighbour entries
fw_neigh() {
	local ns dev=$2 mac=$3 a
	ns=$(ns_name "$1")
	shift 3
	for a in "$@"; do
		sys ip -n "$ns" neigh replace "$a" lladdr "$mac" dev "$dev" nud permanent
	done
}

# fw_addr ROLE IFACE ADDR/LEN...: addresses (IPv6 ones without DAD)
fw_addr() {
	local ns dev=$2 a
	ns=$(ns_name "$1")
	shift 2
	for a in "$@"; do
		case "$a" in
		*:*) sys ip -n "$ns" addr add "$a" dev "$dev" nodad ;;
		*) sys ip -n "$ns" addr add "$a" dev "$dev" ;;
		esac
	done
}

# fw_sandbox: build the lab (see the top of the file) and the private bpffs
fw_sandbox() {
	local mc mfc mfs ms
	fw_require_root
	fw_tmpdir
	fw_netns client
	fw_netns fw
	fw_netns server
	sys in_ns fw sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	sys ip link add "$IF_CLIENT" netns "$NS_CLIENT" type veth peer name "$IF_FW_C" netns "$NS_FW"
	sys ip link add "$IF_FW_S" netns "$NS_FW" type veth peer name "$IF_SERVER" netns "$NS_SERVER"
	fw_addr client "$IF_CLIENT" "$CLIENT4/24" "$CLIENT4_B/24" "$CLIENT6/64" "$CLIENT6_B/64"
	fw_addr fw "$IF_FW_C" "$FW_C4/24" "$FW_C6/64"
	fw_addr fw "$IF_FW_S" "$FW_S4/24" "$FW_S6/64"
	fw_addr server "$IF_SERVER" "$SERVER4/24" "$SERVER6/64"
	mc=$(fw_mac client "$IF_CLIENT")
	mfc=$(fw_mac fw "$IF_FW_C")
	mfs=$(fw_mac fw "$IF_FW_S")
	ms=$(fw_mac server "$IF_SERVER")
	fw_neigh client "$IF_CLIENT" "$mfc" "$FW_C4" "$FW_C6"
	fw_neigh fw "$IF_FW_C" "$mc" "$CLIENT4" "$CLIENT4_B" "$CLIENT6" "$CLIENT6_B"
	fw_neigh fw "$IF_FW_S" "$ms" "$SERVER4" "$SERVER6"
	fw_neigh server "$IF_SERVER" "$mfs" "$FW_S4" "$FW_S6"
	sys ip -n "$NS_CLIENT" link set "$IF_CLIENT" up
	sys ip -n "$NS_FW" link set "$IF_FW_C" up
	sys ip -n "$NS_FW" link set "$IF_FW_S" up
	sys ip -n "$NS_SERVER" link set "$IF_SERVER" up
	sys ip -n "$NS_CLIENT" route add default via "$FW_C4"
	sys ip -n "$NS_CLIENT" -6 route add default via "$FW_C6"
	sys ip -n "$NS_SERVER" route add default via "$FW_S4"
	sys ip -n "$NS_SERVER" -6 route add default via "$FW_S6"
	fw_bpffs
	fw_wait_up client "$IF_CLIENT"
	fw_wait_up fw "$IF_FW_C"
	fw_wait_up fw "$IF_FW_S"
	fw_wait_up server "$IF_SERVER"
	# the lab must work before any firewall is loaded
	in_ns client ping -4 -q -c 1 -w 3 "$SERVER4" >/dev/null || bail "baseline IPv4 ping client -> server"
	in_ns client ping -6 -q -c 1 -w 3 "$SERVER6" >/dev/null || bail "baseline IPv6 ping client -> server"
}

# fw_wait_up ROLE IFACE: wait (up to 2 s) until the interface is operationally up
fw_wait_up() {
	local _
	for _ in $(seq 40); do
		[ "$(ip -n "$(ns_name "$1")" -j link show dev "$2" | jq -r '.[0].operstate')" = UP ] && return 0
		sleep 0.05
	done
	bail "$2 in $1 is not up"
}

# --- servers (in the server namespace, killed by process group in the trap) ------

# fw_spawn ROLE CMD...: start CMD in its own process group inside ROLE's namespace
fw_spawn() {
	local ns
	ns=$(ns_name "$1")
	shift
	ip netns exec "$ns" setsid "$@" </dev/null >/dev/null 2>&1 &
	FW_PGIDS+=("$!")
}

# fw_wait_listen ROLE PROTO PORT: wait (up to 2 s) for a listening tcp/udp socket
fw_wait_listen() {
	local flag _
	[ "$2" = tcp ] && flag=-ltnH || flag=-lunH
	for _ in $(seq 40); do
		in_ns "$1" ss "$flag" "sport = :$3" | grep -q . && return 0
		sleep 0.05
	done
	bail "no $2 listener on port $3 in $1"
}

# serve_tcp PORT: dual-stack TCP server on PORT; each connection gets "srv-PORT" and is
# logged as one line in $FW_TMP/tcp-PORT.log (so a test can count what arrived)
serve_tcp() {
	local log="$FW_TMP/tcp-$1.log"
	: >"$log"
	fw_spawn server socat "TCP6-LISTEN:$1,ipv6only=0,reuseaddr,fork" \
		"SYSTEM:echo conn >>$log; echo srv-$1"
	fw_wait_listen server tcp "$1"
}

# serve_udp PORT: dual-stack UDP echo server on PORT; each datagram (one line) is appended
# to $FW_TMP/udp-PORT.log, then echoed back (so an echo implies the log line is there)
serve_udp() {
	local log="$FW_TMP/udp-$1.log"
	: >"$log"
	fw_spawn server socat -T 0.5 "UDP6-RECVFROM:$1,ipv6only=0,reuseaddr,fork" \
		"SYSTEM:read -r l; echo \"\$l\" >>$log; echo \"\$l\""
	fw_wait_listen server udp "$1"
}

# arrived PROTO PORT: how many connections / datagrams reached the server's PORT
arrived() {
	local f="$FW_TMP/$1-$2.log"
	[ -f "$f" ] || { echo 0; return; }
	wc -l <"$f" | tr -d ' '
}

# fw_hostport HOST PORT: socat's address form ([v6]:port)
fw_hostport() {
	case "$1" in
	*:*) echo "[$1]:$2" ;;
	*) echo "$1:$2" ;;
	esac
}

# tcp_connect HOST PORT [TIMEOUT] [SRC]: connect from the client (from address SRC if given),
# succeed when the server's banner arrives. TIMEOUT (default 0.6 s) is under the 1 s initial
# SYN RTO, so a dropped attempt sends exactly one SYN.
tcp_connect() {
	local t=${3:-0.6} src=${4:-} bind="" out
	case "$src" in
	"") ;;
	*:*) bind=",bind=[$src]" ;;
	*) bind=",bind=$src" ;;
	esac
	out=$(in_ns client timeout 3 socat -T 2 -u \
		"TCP:$(fw_hostport "$1" "$2"),connect-timeout=$t$bind" STDOUT 2>/dev/null)
	[ "$out" = "srv-$2" ]
}

# udp_roundtrip HOST PORT [COUNT] [SRC]: send COUNT datagrams (default 1) from the client,
# one at a time, each waiting up to 0.5 s for its echo; prints how many echoes came back
udp_roundtrip() {
	local host=$1 port=$2 n=${3:-1} src=${4:-}
	in_ns client python3 - "$host" "$port" "$n" "$src" <<-'EOF'
	import socket, sys
	host, port, n, src = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
	fam = socket.AF_INET6 if ":" in host else socket.AF_INET
	s = socket.socket(fam, socket.SOCK_DGRAM)
	if src:
	    s.bind((src, 0))
	s.settimeout(0.5)
	got = 0
	for i in range(n):
	    msg = ("dgram-%d\n" % i).encode()
	    s.sendto(msg, (host, port))
	    try:
	        while True:
	            data, _ = s.recvfrom(2048)
	            if data == msg:
	                got += 1
	                break
	    except (socket.timeout, ConnectionRefusedError):
	        pass
	print(got)
	EOF
}

# ping4 SRC DST COUNT / ping6 SRC DST COUNT: echo requests from the client (exactly COUNT
# are sent); prints the number of replies, exits 0 when all came back
ping4() { fw_ping -4 "$@"; }
ping6() { fw_ping -6 "$@"; }
fw_ping() {
	local fam=$1 src=$2 dst=$3 n=$4 got
	got=$(in_ns client ping "$fam" -n -q -c "$n" -i 0.1 -W 0.5 -I "$src" "$dst" 2>/dev/null |
		sed -n 's/.* \([0-9]*\) received.*/\1/p')
	echo "${got:-0}"
	[ "${got:-0}" -eq "$n" ]
}

# fw_filler_rules N: N rules, each starting with ", ", that match no test traffic (sources in
# 198.19.0.0/16, UDP ports from 20000): bulk for policies whose apply must do real work
fw_filler_rules() {
	local i
	for ((i = 0; i < $1; i++)); do
		printf ', { "action": "drop", "src": "198.19.%d.%d/32", "protocol": "udp", "dst_port": %d }' \
			$((i / 256)) $((i % 256)) $((20000 + i))
	done
}

# udp_verdicts: what the running policy does to one UDP datagram to ports 5353 and 5354 of the
# server (IPv4 and IPv6) and one IPv4 ping, a line each ("udp 5353 v4: 1"): the bad-input
# tests' probe that the good policy still rules (servers: serve_udp 5353 and 5354)
udp_verdicts() {
	echo "udp 5353 v4: $(udp_roundtrip "$SERVER4" 5353 1)"
	echo "udp 5353 v6: $(udp_roundtrip "$SERVER6" 5353 1)"
	echo "udp 5354 v4: $(udp_roundtrip "$SERVER4" 5354 1)"
	echo "udp 5354 v6: $(udp_roundtrip "$SERVER6" 5354 1)"
	echo "ping v4: $(ping4 "$CLIENT4" "$SERVER4" 1)"
}

# udp_counters PORT...: count UDP datagrams to each PORT at the server's ingress (nftables,
# netdev family: before any socket buffer), then drop them
udp_counters() {
	local p rules=""
	FW_UDP_PORTS=("$@")
	for p in "$@"; do
		rules+="udp dport $p counter drop"$'\n'
	done
	in_ns server nft -f - <<-EOF || bail "nft counters on the server"
	table netdev fwcount {
		chain in {
			type filter hook ingress device "$IF_SERVER" priority 0;
			$rules
		}
	}
	EOF
}

# udp_counts: "N1 N2 ..." counted so far, in udp_counters' order
udp_counts() {
	local json p out=""
	json=$(in_ns server nft -j list table netdev fwcount)
	for p in "${FW_UDP_PORTS[@]}"; do
		out+="$(jq "[.nftables[].rule? | select(. != null) | select(.expr[0].match.right == $p) |
			.expr[1].counter.packets] | .[0]" <<<"$json") "
	done
	echo "${out% }"
}

# udp_probe: one datagram from the client to SERVER4 on each udp_counters port; prints
# which arrived, e.g. "1 0 1"
udp_probe() {
	local before after i out=""
	read -r -a before <<<"$(udp_counts)"
	in_ns client python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for p in sys.argv[2:]:
    s.sendto(b"probe", (sys.argv[1], int(p)))' "$SERVER4" "${FW_UDP_PORTS[@]}"
	sleep 0.05
	read -r -a after <<<"$(udp_counts)"
	for i in "${!after[@]}"; do
		out+="$((after[i] - before[i])) "
	done
	echo "${out% }"
}

# --- fwctl JSON queries -------------------------------------------------------------

# fw_json VERB: fwctl -j VERB in the firewall namespace
fw_json() {
	fw -j "$@"
}

# fw_jq VERB FILTER: a jq query on fwctl -j VERB (raw output)
fw_jq() {
	fw_json "$1" | jq -r "$2"
}

# rule_packets ID [egress]: packet counter of the rule with id ID
rule_packets() {
	local sel='.rules[]'
	[ "${2:-}" = egress ] && sel='.egress.rules[]'
	fw_json show | jq -r --arg id "$1" "$sel | select(.id == \$id) | .packets"
}

# rule_field ID FIELD [egress]: any field of the rule with id ID
rule_field() {
	local sel='.rules[]'
	[ "${3:-}" = egress ] && sel='.egress.rules[]'
	fw_json show | jq -r --arg id "$1" "$sel | select(.id == \$id) | .$2"
}

# stat_packets DIRECTION REASON: packets counted for REASON (ingress or egress)
stat_packets() {
	fw_json stats | jq -r ".$1.$2.packets"
}

# fw_policy NAME: write stdin to $FW_TMP/NAME.json and print the path
fw_policy() {
	local f="$FW_TMP/$1.json"
	cat >"$f"
	echo "$f"
}
