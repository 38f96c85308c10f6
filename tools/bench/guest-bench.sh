#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest benchmarks, run inside the guest with the qlink modules loaded
# (the guest runner's "bench" mode):
#  - guest_ingest: the heralding path's ingest throughput from qlinksim at
#    rising source rates up to its maximum;
#  - sock_latency: herald -> readable and queued -> readable latency of
#    pairs on an AF_QLINK socket against a UDP datagram over loopback,
#    and pairs/s through one socket at qlinksim's maximum rate, with
#    qlinksim's tick_us at 100 (restored afterwards);
#  - peer_bench: the link protocol between two netns over a veth pair:
#    herald -> stored at the far end against a UDP datagram over the same
#    veth, heralds/s against the paired mode, messages and bytes per
#    herald and per time tag, with tick_us at 100 too.
# Figures under TCG are only meaningful against baselines of the same run.
#
# The output also goes to bench.txt in the run's output directory (the
# kernel command line's qlink_out=), and the exit status to bench.status,
# which `make bench` checks: a missing program or a failed benchmark fails
# the bench run. With T set (`scripts/vm.sh bench` with T=peer_bench, say),
# only the benchmarks T names run.
#
# Usage: guest-bench.sh [BUILD dir]   (binaries in $BUILD/bench)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${BUILD:-$top/build}}
out=$(sed -n 's/.*qlink_out=\([^ ]*\).*/\1/p' /proc/cmdline 2>/dev/null)
tick=/sys/module/qlinksim/parameters/tick_us
only=$(sed -n 's/^QLINK_T="\(.*\)"$/\1/p' "$out/env" 2>/dev/null)

fail() {
	echo "guest-bench: FAIL: $*"
	status=1
}

# want NAME: T is unset or names NAME
want() {
	[ -z "$only" ] || [[ " $only " == *" $1 "* ]]
}

# with_tick CMD...: CMD with qlinksim's tick_us at 100, restored after
with_tick() {
	local old

	old=$(cat "$tick" 2>/dev/null) || { fail "no $tick (qlinksim not loaded?)"; return 1; }
	echo 100 > "$tick" || { fail "cannot set qlinksim tick_us=100"; return 1; }
	"$@"
	local st=$?
	echo "$old" > "$tick"
	return $st
}

run() {
	local p

	status=0
	for p in guest_ingest sock_latency peer_bench; do
		if [ ! -x "$build/bench/$p" ]; then
			fail "$build/bench/$p missing (make -C tools/bench guest)"
		fi
	done
	[ "$status" = 0 ] || return 1

	if want guest_ingest; then
		echo "# guest ingest throughput ($(uname -r), $(nproc) cpus)"
		"$build/bench/guest_ingest" -t "${GUEST_BENCH_SECS:-3}" ||
			fail "guest_ingest exited with status $?"
	fi

	if want sock_latency; then
		echo "# AF_QLINK socket latency and throughput against UDP over loopback"
		with_tick "$build/bench/sock_latency" \
			-n "${GUEST_BENCH_PAIRS:-20000}" \
			-t "${GUEST_BENCH_TP_SECS:-5}" ||
			fail "sock_latency exited with status $?"
	fi

	if want peer_bench; then
		echo "# link protocol between two netns against UDP over a veth pair and the paired mode"
		with_tick "$build/bench/peer_bench" \
			-n "${GUEST_BENCH_PEER_PAIRS:-10000}" \
			-t "${GUEST_BENCH_TP_SECS:-5}" ||
			fail "peer_bench exited with status $?"
	fi
	return "$status"
}

# End the firmware's last console line ("Booting from ROM.." with no
# newline under a quiet kernel): the host's console filter drops that
# line, and with it whatever this script printed first.
echo
if [ -n "$out" ] && [ -d "$out" ] && [ -w "$out" ]; then
	run 2>&1 | tee "$out/bench.txt"
	status=${PIPESTATUS[0]}
	echo "$status" > "$out/bench.status"
else
	run
	status=$?
fi
[ "$status" = 0 ] && echo "guest-bench: ok" || echo "guest-bench: failed"
exit "$status"
