#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unload qlinksim and qlink with 100 links present (40 on the debug
# kernel, where each creation costs ten times as much and 40 still keep the
# unload busy) while rtnetlink and genetlink dumps run in the background,
# then load them again. The modules are left loaded (the test runner
# unloads them after all tests).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
dumper=$build/selftests/qlink_dump
objects=/sys/kernel/debug/qlink/objects
npairs=50
[ -e /proc/lockdep ] && npairs=20
. "$top/selftests/lib.sh"

loaded() { grep -q "^$1 " /proc/modules; }

# rmmod, retrying while a dump in flight holds the module.
unload() {
	local i
	for i in $(seq 100); do
		rmmod "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	rmmod "$1"
}

links() { sed -n 's/^links //p' "$objects" 2>/dev/null; }
qlinksim_devs() { ip -d link show 2>/dev/null | grep -c 'qlinksim' || true; }

echo "TAP version 13"
echo "1..13"

qlink_ko=$(find_ko kernel/core/qlink.ko)
qlinksim_ko=$(find_ko kernel/drivers/qlinksim.ko)
if [ -z "$qlink_ko" ] || [ -z "$qlinksim_ko" ]; then
	echo "# no modules built for $(uname -r) under $top"
	exit 4
fi
loaded qlink || insmod "$qlink_ko"
loaded qlinksim || insmod "$qlinksim_ko"

ip link del qu0 2>/dev/null
for i in $(seq 0 $((npairs - 1))); do
	ip link add "qu$i" type qlinksim || break
	[ $((i % 2)) -eq 0 ] && ip link set "qu$i" up
done
check "links-created" [ "$(links)" = $((2 * npairs)) ]

# Background load: rtnetlink dumps, genetlink dumps, and link churn.
end=$((SECONDS + 15))
( while [ $SECONDS -lt $end ]; do ip -d -s link show > /dev/null 2>&1; done ) &
dumplog=$(mktemp)
if [ -x "$dumper" ]; then
	"$dumper" --loop 15 > "$dumplog" 2>&1 &
fi
( while [ $SECONDS -lt $end ]; do
	ip link add quchurn type qlinksim 2>/dev/null
	ip link del quchurn 2>/dev/null
  done ) &
sleep 2

check "qlink-busy-while-driver-loaded" bash -c '! rmmod qlink 2>/dev/null'
check "rmmod-qlinksim" unload qlinksim
check "qlinksim-links-gone" [ "$(qlinksim_devs)" = 0 ]
check "objects-zero-after-driver-unload" [ "$(links)" = 0 ]
sleep 1
check "rmmod-qlink-during-dumps" unload qlink
check "family-gone" bash -c '! genl ctrl get name qlink > /dev/null 2>&1'

# The AF_QLINK number: a taken one refuses the load with a message that
# says what to do; another free one (12, AF_DECnet's, gone in 6.1) works.
check "taken-family-refused" bash -c "! insmod '$qlink_ko' family=2 2>/dev/null"
check "taken-family-says-so" bash -c \
	"dmesg | grep -q 'address family 2 is taken in this kernel; load with qlink.family=N'"
check "other-family-works" bash -c "insmod '$qlink_ko' family=12 && \
	[ \"\$(cat /sys/module/qlink/parameters/family)\" = 12 ] && \
	python3 -c 'import socket; socket.socket(12, socket.SOCK_SEQPACKET).close()' && \
	! python3 -c 'import socket; socket.socket(23, socket.SOCK_SEQPACKET)' 2>/dev/null && \
	rmmod qlink"

check "reload" bash -c "insmod '$qlink_ko' && insmod '$qlinksim_ko'"
sleep 1
ip link add qu0 type qlinksim
check "works-after-reload" bash -c "genl ctrl get name qlink > /dev/null && \
	ip -d link show qu0 | grep -q qlinksim"

wait
sed 's/^/# /' "$dumplog"
rm -f "$dumplog"
ip link del quchurn 2>/dev/null
ip link del qu0
check "objects-zero-at-end" [ "$(links)" = 0 ]
exit $failed
