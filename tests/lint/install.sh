#!/usr/bin/env bash
# Installation checks: 'make install DESTDIR=...' installs exactly the expected files (with
# modes); the installed systemd unit passes 'systemd-analyze verify' (installed with PREFIX in a
# temp dir, so its ExecStart paths exist; the man page found through MANPATH); the boot script
# parses; the bash completion completes commands, options, modes, interfaces and set names.
set -u
cd "$(dirname "$0")/../.."
FWCTL=${FWCTL:-build/fwctl}
failed=0
TMP=$(mktemp -d /tmp/fwt-install.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

check() {	# NAME CMD...
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "ok - $name"
	else
		echo "not ok - $name"
		printf '%s\n' "$out" | sed 's/^/#   /'
		failed=1
	fi
}
check_eq() {	# NAME EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		printf '#   expected: %s\n#   got:      %s\n' "$2" "$3"
		failed=1
	fi
}

# --- make install -----------------------------------------------------------------------
D="$TMP/destdir"
check "make install DESTDIR=..." make -s install DESTDIR="$D"
want="0644 usr/local/lib/systemd/system/fwctl.service
0644 usr/local/share/bash-completion/completions/fwctl
0644 usr/local/share/man/man8/fwctl.8
0755 usr/local/sbin/fwctl
0755 usr/local/sbin/fwctl-boot"
check_eq "make install: the expected files and modes" "$want" \
	"$(cd "$D" && find . -type f -printf '%m %P\n' | sed 's/^644/0644/; s/^755/0755/' | sort)"
check_eq "make install: the unit runs the installed fwctl" \
	"ExecStartPre=-/usr/local/sbin/fwctl-boot ExecStart=/usr/local/sbin/fwctl" \
	"$(grep -oE '^ExecStart(Pre)?=[^ ]+' "$D/usr/local/lib/systemd/system/fwctl.service" | xargs)"
check "installed fwctl runs" "$D/usr/local/sbin/fwctl" --version

P="$TMP/prefix/usr"
check "make install PREFIX=<temp>/usr" make -s install PREFIX="$P"
check_eq "PREFIX: the unit's paths follow it" "ExecStartPre=-$P/sbin/fwctl-boot ExecStart=$P/sbin/fwctl" \
	"$(grep -oE '^ExecStart(Pre)?=[^ ]+' "$P/lib/systemd/system/fwctl.service" | xargs)"
out=$(MANPATH="$P/share/man" systemd-analyze verify "$P/lib/systemd/system/fwctl.service" 2>&1)
rc=$?
check_eq "systemd-analyze verify fwctl.service: exit 0, no message" "0 " "$rc $out"

check "fwctl-boot parses (bash -n)" bash -n scripts/fwctl-boot

# --- bash completion ------------------------------------------------------------------------
# complete WORDS...: COMPREPLY (sorted, one line) for the command line WORDS, the last word
# being completed; fwctl is $STUB, which prints a status document with two sets
STUB="$TMP/fwctl-stub"
printf '#!/bin/sh\necho "{\\"version\\":1,\\"policy\\":{\\"file\\":\\"p.json\\",\\"sets\\":[\\"blocklist\\",\\"admins\\"]},\\"interfaces\\":[]}"\n' >"$STUB"
chmod +x "$STUB"
complete_words() {
	bash -c '
		. scripts/fwctl.bash-completion
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_fwctl
		printf "%s\n" "${COMPREPLY[@]}" | sort | xargs' _ "$STUB" "$@"
}
cmds=$("$FWCTL" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && NF {print $1}' | sort | xargs)
check_eq "completion: every command of 'fwctl --help'" "$cmds" "$(complete_words "")"
check_eq "completion: 'fwctl da' -> daemon" "daemon" "$(complete_words da)"
check_eq "completion: after --pin-dir DIR" "stats status" "$(complete_words --pin-dir /x st)"
check_eq "completion: global options" "--pin-dir --pretty" "$(complete_words --p)"
check_eq "completion: attach --mode" "auto hw native skb" "$(complete_words attach eth0 --mode "")"
check_eq "completion: attach options" "--egress --help --mode --no-egress" "$(complete_words attach eth0 --)"
check_eq "completion: attach --e" "--egress" "$(complete_words attach --e)"
check_eq "completion: daemon options" "--help --last-good --log --policy" "$(complete_words daemon --)"
check_eq "completion: daemon --l" "--last-good --log" "$(complete_words daemon --l)"
check_eq "completion: interfaces for attach" "lo" "$(complete_words attach l | xargs -n1 | grep -x lo)"
check_eq "completion: set verbs" "add del list" "$(complete_words set "")"
check_eq "completion: set names from 'fwctl -j status'" "admins blocklist" "$(complete_words set add "")"
check_eq "completion: ct verbs" "count flush list" "$(complete_words ct "")"
check_eq "completion: ct list options" "--help --json --pretty" "$(complete_words ct list --)"
check_eq "completion: help COMMAND" "set show stats status" "$(complete_words help s)"
check_eq "completion: stats options" "--count --help --interval --json --pretty --prometheus --watch" "$(complete_words stats --)"
check_eq "completion: log options" "--count --help --json --pcap --timeout" "$(complete_words log --)"
mkdir -p "$TMP/files" && : >"$TMP/files/policy.json"
check_eq "completion: files for log --pcap" "$TMP/files/policy.json" "$(complete_words log --pcap "$TMP/files/p")"
check_eq "completion: files for apply" "$TMP/files/policy.json" "$(complete_words apply "$TMP/files/p")"
exit $failed
