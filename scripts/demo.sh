#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What `make demo` shows, run inside the guest with the modules loaded and
# the build tree at the same path: a simulated quantum link across two
# network namespaces, created with the ip link plugin and managed with
# `ip qlink` and the qlink tool; applications getting pairs through
# AF_QLINK sockets; the BBM92 QKD example making a key over them; and a
# link whose two ends are on two "hosts" (namespaces joined only by a veth
# pair) speaking the link protocol.
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
ln -s "$build/tools/qkd" "$bin/qkd"
export PATH="$bin:$PATH" IP_LIB_DIR="$build/iproute-plugin"
trap 'ip netns del site-b 2>/dev/null; ip netns del host-a 2>/dev/null; ip netns del host-b 2>/dev/null; ip link del qa 2>/dev/null; rm -rf "$bin"' EXIT

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

say qlink link set dev qa length 20km window-full 500ps
say ip -d qlink link show dev qa
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

# Sockets: site-b receives for purpose 7, this side requests pairs.
say qlink purpose set dev qa id 7 weight 2 reserve 4 reserve-fidelity 0.9
printf '\n\033[1m$ %s\033[0m\n' "ip netns exec site-b qlink receive dev qb purpose 7 count 3 & qlink request dev qa purpose 7 number 3 type measure basis z"
ip netns exec site-b qlink receive dev qb purpose 7 count 3 timeout 20s \
	> "$bin/rx" &
rx=$!
for i in $(seq 50); do
	qlink -j purpose show dev qa id 7 | grep -q '"receivers":1' && break
	sleep 0.1
done
qlink request dev qa purpose 7 number 3 type measure basis z timeout 20s
wait $rx || true
echo "(site-b got:)"
cat "$bin/rx"
say_fail qlink request dev qa purpose 8
say qlink purpose show dev qa

# QKD: BBM92 over the link, sifting and error correction over TCP.
say ip link add va type veth peer name vb netns site-b
ip addr add 10.77.0.1/24 dev va && ip link set va up
ip -n site-b addr add 10.77.0.2/24 dev vb && ip -n site-b link set vb up
head -c 32 /dev/urandom > "$bin/psk"
printf '\n\033[1m$ %s\033[0m\n' "ip netns exec site-b qkd -q bob dev qb purpose 9 listen 10.77.0.2:7700 psk psk out bob.key & qkd alice dev qa purpose 9 peer 10.77.0.2:7700 psk psk out alice.key time 5 block 64k"
ip netns exec site-b qkd -q bob dev qb purpose 9 listen 10.77.0.2:7700 \
	psk "$bin/psk" out "$bin/bob.key" &
bob=$!
sleep 0.5
qkd alice dev qa purpose 9 peer 10.77.0.2:7700 psk "$bin/psk" \
	out "$bin/alice.key" time 5 block 64k || true
wait $bob || true
say cmp "$bin/alice.key" "$bin/bob.key"
echo "(identical keys: $(stat -c %s "$bin/alice.key") bytes)"

# Two hosts: each end of a link in its own netns, the two joined only by
# a veth pair; the ends speak the authenticated link protocol over UDP.
say ip netns add host-a
say ip netns add host-b
say ip -n host-a link add eth0 type veth peer name eth0 netns host-b
ip -n host-a addr add 10.88.0.1/24 dev eth0 && ip -n host-a link set eth0 up
ip -n host-b addr add 10.88.0.2/24 dev eth0 && ip -n host-b link set eth0 up
printf '\n\033[1m$ %s\033[0m\n' "umask 077; qlink genkey > link.key"
(umask 077; qlink genkey > "$bin/link.key")
say ip -n host-a link add qa type qlinksim end a peer 10.88.0.2:4747 \
	key "$bin/link.key" seed 7 rate 50k
say ip -n host-b link add qb type qlinksim end b peer 10.88.0.1:4747 \
	key "$bin/link.key" seed 7 rate 50k clock-offset 250000000
ip -n host-a link set qa up && ip -n host-b link set qb up
for i in $(seq 100); do
	qlink -n host-b -j link show dev qb | grep -q '"state":"up"' &&
		qlink -n host-a -j link show dev qa | grep -q '"state":"up"' && break
	sleep 0.2
done
sleep 2
say qlink -n host-a -d link show dev qa
say qlink -n host-b -s link show dev qb
printf '\n\033[1m$ %s\033[0m\n' "ip -n host-a qlink pair show dev qa | head -3; ip -n host-b qlink pair show dev qb | head -3"
ip -n host-a qlink pair show dev qa | head -3
ip -n host-b qlink pair show dev qb | head -3
say ip netns del host-a
say ip netns del host-b

say ip netns del site-b
say ip qlink link show
