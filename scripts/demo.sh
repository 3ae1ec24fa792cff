#!/usr/bin/env bash
# scripts/demo.sh - the fwctl lab, as a guided tour (`make demo` builds, then runs this).
#
# Builds three network namespaces, client <-> firewall <-> server, joined by two veth pairs,
# loads rules/demo.json into the firewall namespace with fwctl (XDP on the firewall's
# client-facing veth "fw-client", tc on its egress), starts small servers (TCP 80, 443, 22,
# 8080 and UDP 53, with socat), sends real allowed and denied traffic over IPv4 and IPv6, and
# prints what got through next to what the policy says. Exit status 1 if any flow differs.
# Everything it creates (namespaces, veths, the private bpffs, processes) is removed on exit.
# Addresses: 198.18.0.0/15 and 2001:db8::/32 only, inside the lab's own namespaces.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FWCTL_BIN=${FWCTL_BIN:-$ROOT/build/fwctl}
POLICY="$ROOT/rules/demo.json"

NS_CLIENT="fwdemo-$$-client"
NS_FW="fwdemo-$$-firewall"
NS_SERVER="fwdemo-$$-server"
# the interface names are fixed by rules/demo.json; they exist only inside the namespaces
IF_CLIENT=to-fw
IF_FW_C=fw-client
IF_FW_S=fw-server
IF_SERVER=to-fw

CLIENT4=198.18.10.2 FW_C4=198.18.10.1 FW_S4=198.18.20.1 SERVER4=198.18.20.2
CLIENT6=2001:db8:10::2 FW_C6=2001:db8:10::1 FW_S6=2001:db8:20::1 SERVER6=2001:db8:20::2

NS_MADE=()
PGIDS=()
BPFFS=""
FWCTL=("$FWCTL_BIN")		# with --pin-dir once the bpffs is mounted

if [ -t 1 ]; then
	B=$'\e[1m' G=$'\e[32m' R=$'\e[31m' N=$'\e[0m'
else
	B="" G="" R="" N=""
fi

step() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
say() { printf '   %s\n' "$*"; }
die() { printf '%sdemo: %s%s\n' "$R" "$*" "$N" >&2; exit 1; }
# run CMD...: show a command, run it with its output indented; stop the demo if it fails
run() {
	local rc
	printf '   $ %s\n' "$*"
	"$@" 2>&1 | sed 's/^/     /'
	rc=${PIPESTATUS[0]}
	[ "$rc" -eq 0 ] || die "failed (exit status $rc): $*"
}
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

cleanup() {
	local rc=$? pg ns
	trap - EXIT INT TERM HUP
	step "Cleaning up"
	for pg in "${PGIDS[@]}"; do kill -TERM -- "-$pg" 2>/dev/null; done
	for pg in "${PGIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 -- "-$pg" 2>/dev/null || break; sleep 0.05; done
		kill -KILL -- "-$pg" 2>/dev/null
	done
	if [ -n "$BPFFS" ] && [ ${#NS_MADE[@]} -ge 2 ]; then
		in_ns "$NS_FW" "${FWCTL[@]}" flush >/dev/null 2>&1 && say "fwctl flush: programs detached, pins removed"
	fi
	for ns in "${NS_MADE[@]}"; do ip netns del "$ns" 2>/dev/null; done
	[ ${#NS_MADE[@]} -gt 0 ] && say "namespaces and veths removed"
	if [ -n "$BPFFS" ]; then
		umount "$BPFFS" 2>/dev/null || umount -l "$BPFFS"
		rmdir "$BPFFS" 2>/dev/null
		say "private bpffs unmounted"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

[ "$(id -u)" -eq 0 ] || die "the lab creates namespaces and loads BPF programs: run it as root"
[ -x "$FWCTL_BIN" ] || die "$FWCTL_BIN not found: run 'make' first"
for tool in ip socat ping jq; do
	command -v "$tool" >/dev/null || die "$tool is missing: run scripts/install-deps.sh"
done

# --- the lab --------------------------------------------------------------------------
step "1. Three namespaces: client, firewall, server"
for ns in "$NS_CLIENT" "$NS_FW" "$NS_SERVER"; do
	NS_MADE+=("$ns")
	run ip netns add "$ns"
	ip -n "$ns" link set lo up
	# IPv6 addresses usable at once (no duplicate address detection wait)
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done

step "2. Two veth pairs: client:$IF_CLIENT <-> firewall:$IF_FW_C, firewall:$IF_FW_S <-> server:$IF_SERVER"
run ip link add "$IF_CLIENT" netns "$NS_CLIENT" type veth peer name "$IF_FW_C" netns "$NS_FW"
run ip link add "$IF_FW_S" netns "$NS_FW" type veth peer name "$IF_SERVER" netns "$NS_SERVER"

step "3. Addresses and routes; the firewall forwards IPv4 and IPv6"
addr() { run ip -n "$1" addr add "$3" dev "$2" "${@:4}"; }
addr "$NS_CLIENT" "$IF_CLIENT" "$CLIENT4/24"
addr "$NS_CLIENT" "$IF_CLIENT" "$CLIENT6/64" nodad
addr "$NS_FW" "$IF_FW_C" "$FW_C4/24"
addr "$NS_FW" "$IF_FW_C" "$FW_C6/64" nodad
addr "$NS_FW" "$IF_FW_S" "$FW_S4/24"
addr "$NS_FW" "$IF_FW_S" "$FW_S6/64" nodad
addr "$NS_SERVER" "$IF_SERVER" "$SERVER4/24"
addr "$NS_SERVER" "$IF_SERVER" "$SERVER6/64" nodad
ip -n "$NS_CLIENT" link set "$IF_CLIENT" up
ip -n "$NS_FW" link set "$IF_FW_C" up
ip -n "$NS_FW" link set "$IF_FW_S" up
ip -n "$NS_SERVER" link set "$IF_SERVER" up
run ip netns exec "$NS_FW" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
run ip -n "$NS_CLIENT" route add default via "$FW_C4"
run ip -n "$NS_CLIENT" -6 route add default via "$FW_C6"
run ip -n "$NS_SERVER" route add default via "$FW_S4"
run ip -n "$NS_SERVER" -6 route add default via "$FW_S6"
# wait_up NS IFACE: until the veth is operationally up (carrier), at most 2 s
wait_up() {
	for _ in $(seq 40); do
		[ "$(ip -n "$1" -j link show dev "$2" | jq -r '.[0].operstate')" = UP ] && return 0
		sleep 0.05
	done
	die "$2 in $1 did not come up"
}
wait_up "$NS_CLIENT" "$IF_CLIENT"
wait_up "$NS_FW" "$IF_FW_C"
wait_up "$NS_FW" "$IF_FW_S"
wait_up "$NS_SERVER" "$IF_SERVER"

step "4. Servers in the server namespace (socat): TCP 80, 443, 22, 8080 and UDP 53"
# spawn: own process group, so cleanup ends exactly these processes
spawn() {
	ip netns exec "$NS_SERVER" setsid "$@" </dev/null >/dev/null 2>&1 &
	PGIDS+=("$!")
}
for port in 80 443 22 8080; do
	spawn socat "TCP6-LISTEN:$port,ipv6only=0,reuseaddr,fork" "SYSTEM:echo hello from port $port"
done
spawn socat -T 0.5 "UDP6-RECVFROM:53,ipv6only=0,reuseaddr,fork" "SYSTEM:cat"
for _ in $(seq 40); do
	[ "$(in_ns "$NS_SERVER" ss -ltnH | wc -l)" -ge 4 ] && in_ns "$NS_SERVER" ss -lunH | grep -q ':53 ' && break
	sleep 0.05
done
in_ns "$NS_SERVER" ss -ltunH | awk '{print "   listening: " $1 " " $5}'

step "5. Baseline, no firewall yet: the client reaches the server"
# ping until one reply (at most 3 s): the first one also resolves the neighbours (ARP, ND)
baseline() {
	printf '   $ ping -c 1 %s (from the client)\n' "$1"
	in_ns "$NS_CLIENT" ping -q -c 1 -w 3 "$1" >/dev/null || die "the lab does not work: no reply from $1"
}
baseline "$SERVER4"
baseline "$SERVER6"
say "ok: IPv4 and IPv6 ping go through"

step "6. Load the policy with fwctl, in the firewall namespace"
BPFFS=$(mktemp -d /run/fwctl-demo.XXXXXX) || die "mktemp"
if ! mount -t bpf bpf "$BPFFS"; then rmdir "$BPFFS"; BPFFS=""; die "cannot mount a bpffs"; fi
FWCTL=("$FWCTL_BIN" --pin-dir "$BPFFS/fw")
say "a private bpffs at $BPFFS keeps this lab's pins apart from the host's"
say "policy: $POLICY (default drop; web, dns, icmp pass; ssh dropped by rule ssh-deny)"
run ip netns exec "$NS_FW" "${FWCTL[@]}" validate "$POLICY"
run ip netns exec "$NS_FW" "${FWCTL[@]}" apply "$POLICY"
say "fwctl has exited: the firewall lives in the kernel and the pins, not in a process"

# --- traffic ------------------------------------------------------------------------------
hostport() { case "$1" in *:*) echo "[$1]:$2" ;; *) echo "$1:$2" ;; esac; }
# try_tcp HOST PORT: pass when the server's greeting arrives
try_tcp() {
	local out
	out=$(in_ns "$NS_CLIENT" timeout 3 socat -T 2 -u \
		"TCP:$(hostport "$1" "$2"),connect-timeout=1" STDOUT 2>/dev/null)
	[ "$out" = "hello from port $2" ]
}
# try_udp HOST PORT: pass when the datagram is echoed back
try_udp() {
	local out
	out=$(echo "query" | in_ns "$NS_CLIENT" timeout 3 socat -t 0.5 - "UDP:$(hostport "$1" "$2")" 2>/dev/null)
	[ "$out" = query ]
}
try_ping() { in_ns "$NS_CLIENT" ping -q -c 1 -W 1 "$1" >/dev/null 2>&1; }

FAILED=0
ROWS=()
# flow LABEL EXPECTED CMD...: run one flow and record expected vs observed
flow() {
	local label=$1 want=$2 got mark
	shift 2
	if "$@"; then got=pass; else got=drop; fi
	if [ "$got" = "$want" ]; then
		mark="${G}ok${N}"
	else
		mark="${R}MISMATCH${N}"
		FAILED=$((FAILED + 1))
	fi
	ROWS+=("$(printf '%-36s %-9s %-9s %s' "$label" "$want" "$got" "$mark")")
	printf '   %-36s %s\n' "$label" "$got"
}

step "7. Real traffic from the client, allowed and denied"
for ip in "$SERVER4" "$SERVER6"; do
	flow "tcp  $(hostport "$ip" 80) (web)" pass try_tcp "$ip" 80
	flow "tcp  $(hostport "$ip" 443) (web)" pass try_tcp "$ip" 443
	flow "tcp  $(hostport "$ip" 22) (ssh-deny)" drop try_tcp "$ip" 22
	flow "tcp  $(hostport "$ip" 8080) (default)" drop try_tcp "$ip" 8080
	flow "udp  $(hostport "$ip" 53) (dns)" pass try_udp "$ip" 53
	flow "ping $ip (icmp/icmpv6)" pass try_ping "$ip"
done

step "8. What got through"
printf '   %s%-36s %-9s %-9s %s%s\n' "$B" FLOW EXPECTED OBSERVED "" "$N"
printf '   %s\n' "${ROWS[@]}"

step "9. fwctl status (firewall namespace)"
run ip netns exec "$NS_FW" "${FWCTL[@]}" status

step "10. fwctl show: every rule with its counters"
run ip netns exec "$NS_FW" "${FWCTL[@]}" show
say "ssh-deny counted the dropped SSH SYNs; (default) the port 8080 ones"

step "11. fwctl stats: per verdict reason and per interface; also in Prometheus format"
run ip netns exec "$NS_FW" "${FWCTL[@]}" stats
say "the same counters for node_exporter's textfile collector (rule counters shown):"
ip netns exec "$NS_FW" "${FWCTL[@]}" stats --prometheus | grep '^fwctl_rule_packets_total' |
	sed 's/^/     /' || die "stats --prometheus failed"

if [ "$FAILED" -gt 0 ]; then
	printf '\n%s%d flow(s) did not behave as the policy says%s\n' "$R" "$FAILED" "$N"
	exit 1
fi
printf '\n%sEvery flow behaved as the policy says.%s\n' "$G" "$N"
