#!/usr/bin/env bash
# Documentation checks: the man page renders without warnings and names
# every fwctl command; every command's --help is in the man page.
set -u
cd "$(dirname "$0")/../.."
FWCTL=${FWCTL:-build/fwctl}
failed=0

check() {	# NAME CMD...
	local name=$1
	shift
	if "$@"; then
		echo "ok - $name"
	else
		echo "not ok - $name"
		failed=1
	fi
}

warnings=$(MANWIDTH=80 man --warnings -l ctl/fwctl.8 2>&1 >/dev/null)
check "man page renders without warnings" test -z "$warnings"
[ -n "$warnings" ] && echo "$warnings"

page=$(MANWIDTH=200 man -l ctl/fwctl.8 2>/dev/null)
cmds=$("$FWCTL" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && NF {print $1}')
check "fwctl --help lists commands" test -n "$cmds"
for c in $cmds; do
	check "man page documents '$c'" grep -qE "^ {7}$c( |$)" <<<"$page"
done
for code in 0 1 2; do
	check "man page documents exit status $code" grep -qE "^ {7}$code +[A-Z]" <<<"$page"
done
exit $failed
