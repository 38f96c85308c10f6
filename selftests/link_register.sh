#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The registration path of drivers that create their links themselves
# (qlink_alloc, qlink_register, qlink_unregister, qlink_free), through the
# qlinktest driver: links appear in the qlink family and in `ip link`; a
# registration that fails at any step (each of the core's ndo_init steps,
# register_netdevice after ndo_init, the n-th link of several) unwinds to
# nothing; unregistering and unloading the driver leave nothing either.
# kmemleak (debug kernel) is read by the guest after all tests.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
. "$top/selftests/lib.sh"

objects=/sys/kernel/debug/qlink/objects
fail_init=/sys/kernel/debug/qlink/fail_init
qt=/sys/kernel/debug/qlinktest
qlink_tool=$build/tools/qlink

echo "TAP version 13"
echo "1..24"

qlinktest_ko=$(find_ko kernel/drivers/qlinktest.ko)
if [ -z "$qlinktest_ko" ] || ! grep -q "^qlink " /proc/modules; then
	echo "# qlinktest.ko not built for $(uname -r), or qlink not loaded"
	exit 4
fi

# Every counter of the core's objects, one line: the baseline to return to.
snapshot() { tr '\n' ' ' < "$objects"; }
qltest_devs() { ip -o link show | grep -c ': qltest[0-9]*:' || true; }
# create N: the write's status (0 or 1), quietly.
create() { echo "$1" 2>/dev/null > "$qt/create"; }

cleanup() {
	grep -q "^qlinktest " /proc/modules && rmmod qlinktest
	echo 0 > "$fail_init" 2>/dev/null
	ip netns del qltest-ns 2>/dev/null
}
trap cleanup EXIT

base=$(snapshot)
check "insmod-qlinktest" insmod "$qlinktest_ko"

check "create-3" create 3
check "ip-link-shows-3" [ "$(qltest_devs)" = 3 ]
check "driver-holds-3" [ "$(cat $qt/links)" = 3 ]
check "qlink-family-has-them" bash -c "for d in qltest0 qltest1 qltest2; do \
	'$qlink_tool' link show dev \$d | grep -q \"\$d\" || exit 1; done"
check "up-and-down" bash -c "ip link set qltest0 up && ip link set qltest0 down"
check "destroy" bash -c "echo 1 > $qt/destroy"
check "destroyed-none-left" [ "$(qltest_devs)" = 0 ]
check "objects-back-after-destroy" [ "$(snapshot)" = "$base" ]

# Each step of the core's ndo_init (enum qlink_fault), then the veto of a
# NETDEV_REGISTER notifier after ndo_init: the write fails, nothing stays.
for step in 1 2 3 4; do
	echo $step > "$fail_init"
	check "fail-init-step-$step" bash -c "! { echo 2 > $qt/create; } 2>/dev/null && \
		[ \"\$(cat $fail_init)\" = 0 ] && [ \"\$(cat $qt/links)\" = 0 ] && \
		[ \"\$(ip -o link show | grep -c ': qltest')\" = 0 ]"
done
check "objects-back-after-init-faults" [ "$(snapshot)" = "$base" ]

echo 1 > "$qt/fail_register"
check "fail-register-unwinds" bash -c "! { echo 1 > $qt/create; } 2>/dev/null && \
	[ \"\$(ip -o link show | grep -c ': qltest')\" = 0 ]"
# The third of four: the two registered before it are removed again.
echo 3 > "$qt/fail_register"
check "fail-third-of-four-unwinds" bash -c "! { echo 4 > $qt/create; } 2>/dev/null && \
	[ \"\$(cat $qt/links)\" = 0 ] && \
	[ \"\$(ip -o link show | grep -c ': qltest')\" = 0 ]"
check "objects-back-after-register-faults" [ "$(snapshot)" = "$base" ]

# After the faults the path works again, and unloading removes the links.
check "create-after-faults" create 2
check "names-reused" bash -c "ip link show qltest0 >/dev/null && ip link show qltest1 >/dev/null"
# A driver's links have no rtnl_link_ops: when their netns goes, they
# come back to the initial one instead of being deleted.
ip netns add qltest-ns
check "netns-move" ip link set qltest1 netns qltest-ns
check "in-the-netns" ip netns exec qltest-ns ip link show qltest1
ip netns del qltest-ns
check "back-from-netns" bash -c "for i in \$(seq 100); do \
	ip link show qltest1 >/dev/null 2>&1 && exit 0; sleep 0.1; done; exit 1"
ip link set qltest1 up
check "rmmod-with-links" rmmod qlinktest
check "objects-back-after-rmmod" [ "$(snapshot)" = "$base" ]
exit $failed
