#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What `make demo` shows, run inside the guest with the modules loaded and
# the build tree at the same path: a simulated quantum link across two
# network namespaces, created with the ip link plugin and managed with
# `ip qlink` and the qlink tool.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
# A command that is meant to fail: show its error and exit status.
say_fail() {
	printf '\n\033[1m$ %s\033[0m\n' "$*"
	"$@" && echo "(unexpectedly succeeded)" || echo "(exit status $?)"
}

# `ip` here is the build tree's ip (Debian's iproute2 6.1 plus the qlink
# object), `qlink` the standalone tool; ip finds link_qlinksim.so through
# IP_LIB_DIR.
bin=$(mktemp -d)
ln -s "$build/iproute2/ip/ip" "$bin/ip"
ln -s "$build/tools/qlink" "$bin/qlink"
export PATH="$bin:$PATH" IP_LIB_DIR="$build/iproute-plugin"
trap 'ip netns del site-b 2>/dev/null; ip link del qa 2>/dev/null; rm -rf "$bin"' EXIT

echo "qlink demo: guest kernel $(uname -r)"
say lsmod
say ip qlink help
say ip qlink version

say ip netns add site-b
say ip link add qa type qlinksim rate 200k efficiency 0.8 length 5km \
	fidelity 0.96 coherence 100ms peer name qb netns site-b
say ip -d link show qa
say ip qlink link show
say ip -n site-b qlink link show

say ip link set qa up
say ip -n site-b link set qb up
sleep 1
say ip -s qlink link show dev qa
say qlink -d link show dev qa
say qlink -j -p link show dev qa

say qlink link set dev qa length 20km window 500ps
say ip qlink link show dev qa
say_fail qlink link set dev qa fidelity 1.5
say_fail ip link set qa type qlinksim length 3parsecs

# A monitor catches the next change (started first, then the change).
printf '\n\033[1m$ %s\033[0m\n' "ip qlink monitor count 1 & qlink link set dev qa extra-loss 100mdB"
ip qlink monitor count 1 &
mon=$!
for i in $(seq 50); do
	sleep 0.2
	kill -0 $mon 2>/dev/null || break
	qlink link set dev qa extra-loss $((i * 100))mdB
done
wait $mon || true

printf '\n\033[1m$ %s\033[0m\n' "ip -n site-b qlink pair show dev qb | head -4"
ip -n site-b qlink pair show dev qb | head -4
printf '\n\033[1m$ %s\033[0m\n' "qlink -j pair show dev qa | python3 -m json.tool | head -20"
qlink -j pair show dev qa | python3 -m json.tool | head -20
say qlink -n site-b -s link show dev qb

say ip netns del site-b
say ip qlink link show
