# bench/holders.sh - sourced by testrun.sh and profile.sh: the small lab a test run needs.
#
#   holders_lab TAG
#
# Creates a temp directory ($TMP), a private bpffs ($BPFFS, under /run: `ip netns exec`
# remounts /sys), and a namespace ($NS) holding an idle veth pair ($HOLD_A, $HOLD_B: the
# holders, see bench/README.md); an EXIT trap removes them all. Exits if fwbench is not built.
holders_lab() {
	NS="$1-$$"
	HOLD_A="$1$$a"
	HOLD_B="$1$$b"
	TMP=$(mktemp -d "/tmp/$1.XXXXXX")
	BPFFS=$(mktemp -d "/run/$1.XXXXXX")
	trap holders_cleanup EXIT
	[ -x "$FWBENCH" ] || { echo "run 'make bench-build' first" >&2; exit 1; }
	mount -t bpf bpf "$BPFFS" || exit 1
	ip netns add "$NS" || exit 1
	ip -n "$NS" link add "$HOLD_A" type veth peer name "$HOLD_B" || exit 1
}

holders_cleanup() {
	ip netns del "$NS" 2>/dev/null
	umount "$BPFFS" 2>/dev/null
	rmdir "$BPFFS" 2>/dev/null
	rm -rf "$TMP"
}
