#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the guest, switched into the host's read-only /. Sets up the
# writable bits a Linux userspace needs, loads the qlink modules, then runs
# the selftests (run), the demo (demo) or a shell (shell). Results go to
# $out, a writable share the host reads after power-off.
out=${1:?}
. "$out/env"
set -u

# Writable scratch directories, without hiding the tree or the build
# directory when they live below one of them (a CI clone under /tmp): those
# are stashed under /mnt first and bound back in place afterwards.
mount -t tmpfs tmpfs /mnt
n=0
for p in "$QLINK_TOP" "$QLINK_BUILD"; do
	mkdir -p /mnt/$n && mount --rbind "$p" /mnt/$n
	n=$((n + 1))
done
for d in /tmp /run /var/tmp /root; do
	mount -t tmpfs tmpfs $d
done
n=0
for p in "$QLINK_TOP" "$QLINK_BUILD"; do
	[ -e "$p" ] || { mkdir -p "$p" && mount --rbind /mnt/$n "$p"; }
	n=$((n + 1))
done
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount --bind "$QLINK_MODROOT/lib/modules" /lib/modules
export HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin
hostname qlink-guest
ip link set lo up

kmemleak=/sys/kernel/debug/kmemleak
# Forget what boot left behind: only what happens from here on is ours.
[ -w $kmemleak ] && echo clear > $kmemleak

load_modules() {
	local m
	modprobe veth || return 1
	# what qlink.ko needs (insmod does not resolve dependencies)
	modprobe -a udp_tunnel ip6_udp_tunnel || return 1
	for m in $QLINK_MODULES; do
		insmod "$m" || return 1
	done
}

unload_modules() {
	local m
	for m in $(echo "$QLINK_MODULES" | tr ' ' '\n' | tac); do
		m=$(basename "$m" .ko)
		grep -q "^$m " /proc/modules && { rmmod "$m" || return 1; }
	done
	return 0
}

finish() {
	if [ -w $kmemleak ]; then
		# Two scans: an object must look unreferenced twice to be reported.
		echo scan > $kmemleak; sleep 6; echo scan > $kmemleak
		cat $kmemleak > "$out/kmemleak.txt"
	fi
	dmesg > "$out/dmesg.txt"
	echo done > "$out/done"
}

case $QLINK_MODE in
run)
	if load_modules; then
		T="$QLINK_T" "$QLINK_TOP/scripts/run-tests.sh" "$QLINK_BUILD/selftests" \
			"$QLINK_TOP/selftests" | tee "$out/results.tap"
		unload_modules || echo "not ok - rmmod of the qlink modules" | tee -a "$out/results.tap"
	else
		echo "not ok - loading the qlink modules" | tee "$out/results.tap"
	fi
	finish
	;;
demo)
	load_modules && "$QLINK_TOP/scripts/demo.sh"
	unload_modules
	finish
	;;
bench)
	load_modules && "$QLINK_TOP/tools/bench/guest-bench.sh" "$QLINK_BUILD"
	unload_modules
	finish
	;;
shell)
	load_modules
	echo "qlink guest: modules loaded; the tree is at $QLINK_TOP. 'exit' powers off."
	cd "$QLINK_TOP" && setsid -c bash -i
	finish
	;;
esac
