#!/usr/bin/env bash
# Installs the Debian 12 packages that building, testing and the demo need.
# Idempotent: it does nothing (and needs no network) when everything is present.
set -euo pipefail

PKGS=(
	make gcc clang llvm pkg-config libc6-dev linux-libc-dev
	libclang-rt-14-dev	# libFuzzer and the sanitizer runtimes (make fuzz); clang only recommends it
	libbpf-dev libxdp-dev xdp-tools bpftool
	libelf-dev zlib1g-dev
	libmnl-dev libnl-3-dev libnl-route-3-dev libjansson-dev libcmocka-dev
	iproute2 iputils-ping ethtool nftables jq tcpdump socat procps kmod
	python3 python3-scapy man-db groff-base systemd
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "Error: missing packages (${missing[*]}) and not root: run as root or install them" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
